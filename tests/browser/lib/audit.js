// One "audit" = every automated check on the current page state at 1280 and 320 px.
import { runAxe, pageOverflow, textSpacingClipping, smallTargets, focusState, basics } from './checks.js';

export const WIDTHS = [1280, 320];

export class Auditor {
  constructor(report) {
    this.report = report;
    this.visited = []; // { state, path }
    this.titles = new Map(); // page key -> Set of titles
    this.rules = new Set();
  }

  /** Runs axe and the layout checks; returns a list of problems (empty when all is well). */
  async audit(page, state, { key } = {}) {
    const problems = [];
    const original = page.viewportSize();
    const url = new URL(page.url());
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 320 ? 640 : 900 });
      const axe = await runAxe(page);
      axe.rulesRun.forEach((r) => this.rules.add(r));
      const { lang, title } = await basics(page);
      const shot = this.report.screenshotPath(state, width);
      await page.screenshot({ path: shot.file, fullPage: true });
      this.report.page({ state, url: url.href, path: url.pathname, width, title, lang, violations: axe.violations, incomplete: axe.incomplete, rulesRun: axe.rulesRun, screenshot: shot.name });
      for (const v of axe.violations) problems.push(`[${width}px] axe ${v.id}: ${v.help} -> ${v.nodes.map((n) => n.target).join(', ')}`);

      if (!lang) problems.push(`[${width}px] <html> has no lang`);
      if (!title.trim()) problems.push(`[${width}px] empty <title>`);

      if (width === 320) {
        const o = await pageOverflow(page);
        const ok = o.scrollWidth <= 320;
        this.report.check({ state, width, check: 'reflow (1.4.10)', ok, details: ok ? `scrollWidth ${o.scrollWidth}` : [`scrollWidth ${o.scrollWidth}`, ...o.wide] });
        if (!ok) problems.push(`[320px] horizontal scroll: scrollWidth ${o.scrollWidth} (${o.wide.join('; ')})`);
      }
      const clipped = await textSpacingClipping(page);
      this.report.check({ state, width, check: 'text spacing (1.4.12)', ok: clipped.length === 0, details: clipped });
      if (clipped.length) problems.push(`[${width}px] text clipped with 1.4.12 spacing: ${clipped.join('; ')}`);
      const small = await smallTargets(page);
      this.report.check({ state, width, check: 'target size >= 24x24', ok: small.length === 0, details: small });
      if (small.length) problems.push(`[${width}px] targets smaller than 24x24: ${small.join('; ')}`);
    }
    await page.setViewportSize(original);
    const { title } = await basics(page);
    const pageKey = key || url.pathname;
    if (!this.titles.has(pageKey)) this.titles.set(pageKey, new Set());
    this.titles.get(pageKey).add(title.replace(/^\(\d+\) /, ''));
    this.visited.push({ state, path: url.pathname });
    return problems;
  }

  /** Tabs through the whole page from the top; every stop must show a visible, uncovered focus indicator. */
  async focusWalk(page, state, width = 1280) {
    await page.setViewportSize({ width, height: width === 320 ? 640 : 900 });
    const problems = [];
    const stops = [];
    let first = null;
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const f = await focusState(page);
      if (f.none) break;
      if (first && f.desc === first && i > 0) break;
      if (!first) first = f.desc;
      stops.push(f.desc);
      if (!f.visible) problems.push(`no visible focus indicator on ${f.desc}`);
      if (!f.inView) problems.push(`focused element not scrolled into view: ${f.desc}`);
      else if (!f.onTop) problems.push(`focused element covered (elementFromPoint is ${f.hit}): ${f.desc}`);
    }
    if (stops.length === 0) problems.push('Tab reached no element');
    this.report.check({ state, width, check: `visible focus at ${stops.length} Tab stops (2.4.7, 2.4.11)`, ok: problems.length === 0, details: problems.length ? problems : stops });
    await page.setViewportSize({ width: 1280, height: 900 });
    return { problems, stops };
  }
}
