// Collects what each test file saw and writes report/<part>.json, then merges every part
// into report/report.json and report/index.html.
//
// Timings are figures, not pass/fail lines: a requirement such as "real-time text within
// 500 ms" is measured and reported here (figure()), with the machine's load at that moment,
// while the test itself asserts only a generous bound that a real defect exceeds. A busy
// machine makes figures worse; it must not make tests fail.
import { mkdirSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPORT_DIR = fileURLToPath(new URL('../report/', import.meta.url));
mkdirSync(REPORT_DIR, { recursive: true });

export class Report {
  constructor(part) {
    this.part = part;
    this.started = new Date().toISOString();
    this.pages = []; // { state, url, width, title, lang, violations, incomplete, rulesRun, screenshot }
    this.checks = []; // { state, width, check, ok, details }
    this.notes = [];
    this.figures = []; // { name, value, unit, target, bound, met, load1, cpus }
  }

  page(entry) { this.pages.push(entry); }
  check(entry) { this.checks.push(entry); }
  note(text) { this.notes.push(text); }

  /**
   * Records a measured figure. `target`: the requirement (`{ max }` or `{ min }`), reported
   * as met or not; `bound`: what the test asserts (a real defect), for the reader. Returns a
   * one-line summary (for `t.diagnostic`).
   */
  figure({ name, value, unit = '', target = null, bound = null }) {
    const met = target === null ? null : (target.max === undefined || value <= target.max) && (target.min === undefined || value >= target.min);
    const entry = { name, value, unit, target, bound, met, load1: Math.round(loadavg()[0] * 100) / 100, cpus: cpus().length };
    this.figures.push(entry);
    return figureLine(entry);
  }

  screenshotPath(state, width) {
    const name = `${this.part}-${state.replace(/[^a-z0-9]+/gi, '-')}-${width}.png`.toLowerCase();
    return { file: join(REPORT_DIR, name), name };
  }

  write() {
    const data = { part: this.part, started: this.started, finished: new Date().toISOString(), pages: this.pages, checks: this.checks, notes: this.notes, figures: this.figures };
    writeFileSync(join(REPORT_DIR, `part-${this.part}.json`), JSON.stringify(data, null, 2));
    writeMerged();
  }
}

const limit = (t) => (t ? [t.min !== undefined ? `>= ${t.min}` : '', t.max !== undefined ? `<= ${t.max}` : ''].filter(Boolean).join(', ') : '');

/** `name: value unit (target <= x: met; asserted <= y; load 1.23 on 2 cores)`. */
export function figureLine(f) {
  const parts = [];
  if (f.target) parts.push(`target ${limit(f.target)}: ${f.met ? 'met' : 'NOT met'}`);
  if (f.bound) parts.push(`asserted ${limit(f.bound)}`);
  parts.push(`load ${f.load1} on ${f.cpus} cores`);
  return `${f.name}: ${f.value}${f.unit ? ' ' + f.unit : ''} (${parts.join('; ')})`;
}

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

function writeMerged() {
  const parts = readdirSync(REPORT_DIR).filter((f) => /^part-.*\.json$/.test(f)).sort()
    .map((f) => JSON.parse(readFileSync(join(REPORT_DIR, f), 'utf8')));
  const pages = parts.flatMap((p) => p.pages);
  const checks = parts.flatMap((p) => p.checks);
  const figures = parts.flatMap((p) => (p.figures || []).map((f) => ({ part: p.part, ...f })));
  const rules = new Set(pages.flatMap((p) => p.rulesRun || []));
  const summary = {
    pagesVisited: pages.length,
    states: [...new Set(pages.map((p) => p.state))],
    axeRulesRun: rules.size,
    violations: pages.reduce((n, p) => n + p.violations.length, 0),
    incomplete: pages.reduce((n, p) => n + p.incomplete.length, 0),
    checksFailed: checks.filter((c) => !c.ok).length,
    figures: figures.length,
    figuresOffTarget: figures.filter((f) => f.met === false).length,
  };
  writeFileSync(join(REPORT_DIR, 'report.json'), JSON.stringify({ generated: new Date().toISOString(), summary, figures, parts }, null, 2));

  const rows = pages.map((p) => `<tr><th scope="row">${esc(p.state)}</th><td>${p.width}</td><td><a href="${esc(p.url)}">${esc(p.path)}</a></td><td>${esc(p.title)}</td><td>${esc(p.lang)}</td>
<td>${p.violations.length ? `<ul>${p.violations.map((v) => `<li><strong>${esc(v.id)}</strong> (${esc(v.impact)}): ${esc(v.help)}<ul>${v.nodes.map((n) => `<li><code>${esc(n.target)}</code></li>`).join('')}</ul></li>`).join('')}</ul>` : '0'}</td>
<td>${p.incomplete.length ? `<ul>${p.incomplete.map((v) => `<li>${esc(v.id)}: ${esc(v.help)} (${v.nodes.length} ${v.nodes.length === 1 ? 'node' : 'nodes'})</li>`).join('')}</ul>` : '0'}</td>
<td>${p.screenshot ? `<a href="${esc(p.screenshot)}">screenshot</a>` : ''}</td></tr>`).join('\n');
  const figureRows = figures.map((f) => `<tr><th scope="row">${esc(f.name)}</th><td>${esc(f.part)}</td><td>${esc(f.value)} ${esc(f.unit)}</td><td>${esc(limit(f.target))}</td><td>${f.met === null ? '' : f.met ? 'met' : '<strong>not met</strong>'}</td><td>${esc(limit(f.bound))}</td><td>${esc(f.load1)} (${esc(f.cpus)} cores)</td></tr>`).join('\n');
  const checkRows = checks.map((c) => `<tr><th scope="row">${esc(c.state)}</th><td>${esc(c.width ?? '')}</td><td>${esc(c.check)}</td><td>${c.ok ? 'pass' : '<strong>FAIL</strong>'}</td><td>${esc(Array.isArray(c.details) ? c.details.join('; ') : c.details ?? '')}</td></tr>`).join('\n');
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loket browser accessibility report</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;line-height:1.4}table{border-collapse:collapse;width:100%}th,td{border:1px solid #777;padding:.3rem;text-align:left;vertical-align:top}code{font-size:.85em}</style></head>
<body><main><h1>Loket browser accessibility report</h1>
<p>Generated ${esc(new Date().toISOString())}. axe-core tags: wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa.</p>
<h2>Summary</h2><ul>
<li>Page states checked (state x width): ${summary.pagesVisited}</li>
<li>Distinct states: ${summary.states.length}</li>
<li>axe rules run: ${summary.axeRulesRun}</li>
<li>Violations: ${summary.violations}</li>
<li>Incomplete (needs review): ${summary.incomplete}</li>
<li>Scripted checks failed: ${summary.checksFailed} of ${checks.length}</li>
<li>Measured figures: ${summary.figures} (off target: ${summary.figuresOffTarget})</li></ul>
${parts.flatMap((p) => p.notes).length ? `<h2>Notes</h2><ul>${parts.flatMap((p) => p.notes).map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${figures.length ? `<h2>Measured figures</h2><p>Requirements on timing and media quality are measured, not asserted: the test fails only beyond the asserted bound (a real defect). The load average shows how busy the machine was.</p>
<table><thead><tr><th scope="col">Figure</th><th scope="col">Part</th><th scope="col">Value</th><th scope="col">Target</th><th scope="col">Target met</th><th scope="col">Asserted</th><th scope="col">Load (1 min)</th></tr></thead><tbody>
${figureRows}</tbody></table>` : ''}
<h2>Pages</h2><table><thead><tr><th scope="col">State</th><th scope="col">Width</th><th scope="col">Path</th><th scope="col">Title</th><th scope="col">lang</th><th scope="col">Violations</th><th scope="col">Incomplete</th><th scope="col">Screenshot</th></tr></thead><tbody>
${rows}</tbody></table>
<h2>Scripted checks</h2><table><thead><tr><th scope="col">State</th><th scope="col">Width</th><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Details</th></tr></thead><tbody>
${checkRows}</tbody></table></main></body></html>`;
  writeFileSync(join(REPORT_DIR, 'index.html'), html);
}
