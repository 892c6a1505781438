// Runs last (files run in name order, one at a time): every page route the binary
// declares (`loket routes`) must have been audited by some suite, so a new page cannot be
// added without its accessibility being checked.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routes, AUDITOR_URL } from './lib/harness.js';
import { REPORT_DIR, Report } from './lib/report.js';

it('every route from `loket routes` was audited by the suite', (t) => {
  const list = routes();
  if (!list) { t.skip('no binary to ask for routes (auditor mode)'); return; }
  const parts = readdirSync(REPORT_DIR).filter((f) => /^part-.*\.json$/.test(f) && f !== 'part-coverage.json')
    .map((f) => JSON.parse(readFileSync(join(REPORT_DIR, f), 'utf8')));
  const visited = parts.flatMap((p) => p.pages.map((pg) => ({ state: pg.state, path: pg.path })));
  const report = new Report('coverage');
  const missing = [];
  for (const r of list) {
    const re = new RegExp('^' + r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    const hits = visited.filter((v) => re.test(v.path));
    report.check({ state: r.path, check: 'route audited', ok: hits.length > 0, details: [...new Set(hits.map((h) => h.state))] });
    if (!hits.length) missing.push(`${r.path} (${r.states})`);
  }
  report.write();
  if (AUDITOR_URL) { report.note(`Routes not reachable read-only: ${missing.join(', ') || 'none'}`); report.write(); return; }
  assert.deepEqual(missing, [], 'routes never audited by any suite');
});
