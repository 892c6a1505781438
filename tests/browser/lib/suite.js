// One test file's fixture: a fresh Loket (or the auditor's server), one headless Chromium
// (with fake camera and microphone for the call tests), the file's part of the report and
// its auditor; pages for the people in a test, each in a browser context of its own; and
// the tidy-up afterwards, also when the set-up failed half-way.
//
//     const suite = new Suite('kiosk');
//     before(() => suite.start());
//     after(() => suite.close());
//     ... const page = await suite.page('resident'); await suite.check(page, 'home');
import assert from 'node:assert/strict';
import { startServer } from './harness.js';
import { launch, newContext } from './browser.js';
import { launchWithMedia, makeClip, recordPeers } from './media.js';
import { Report } from './report.js';
import { Auditor } from './audit.js';
import { watchErrors } from './flows.js';
import { runAxe } from './checks.js';

export class Suite {
  /**
   * @param {string} part  the report part (report/part-<part>.json, screenshot names)
   * @param {object} [opts]
   * @param {object} [opts.env]  extra environment for Loket
   * @param {boolean} [opts.media]  fake camera (a generated 25 fps clip) and microphone;
   *   every page records its peer connections (lib/media.js)
   */
  constructor(part, { env = {}, media = false } = {}) {
    this.part = part;
    this.env = env;
    this.media = media;
    /** Script errors and CSP violations of every page made here (see watchErrors). */
    this.errors = [];
  }

  async start() {
    this.report = new Report(this.part);
    this.auditor = new Auditor(this.report);
    this.server = await startServer({ env: this.env });
    this.browser = this.media ? await launchWithMedia(makeClip({ fps: 25 })) : await launch();
    return this;
  }

  /** A browser context of its own (one person: own cookies), recording peers in media suites. */
  async context(options) {
    const ctx = await newContext(this.browser, options);
    if (this.media) await recordPeers(ctx);
    return ctx;
  }

  /** A page in a context of its own, watched for script errors as `who`. */
  async page(who, options) {
    const page = await (await this.context(options)).newPage();
    watchErrors(page, who, this.errors);
    return page;
  }

  /** Audits the page as it is now (lib/audit.js) and fails with every problem found. */
  async check(page, state, opts) {
    const problems = await this.auditor.audit(page, state, opts);
    assert.deepEqual(problems, [], `${state}: ${problems.length} problem(s)`);
  }

  /**
   * The audit, then axe (WCAG 2.2 A/AA) with a full-page screenshot at 1280x800 and at
   * 390x844 (a phone); fails with every violation. The viewport is put back after.
   */
  async checkSizes(page, state, key) {
    await this.check(page, state, { key });
    const original = page.viewportSize();
    for (const [width, height] of [[1280, 800], [390, 844]]) {
      await page.setViewportSize({ width, height });
      const axe = await runAxe(page);
      const shot = this.report.screenshotPath(`${state} ${width}x${height}`, width);
      await page.screenshot({ path: shot.file, fullPage: true });
      assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), [], `${state} at ${width}x${height}`);
    }
    if (original) await page.setViewportSize(original);
  }

  /** Asserts that no page had a script error or CSP violation, and records the check. */
  assertNoScriptErrors(state) {
    this.report.check({ state, check: 'no script errors / CSP violations', ok: this.errors.length === 0, details: this.errors });
    assert.deepEqual(this.errors, []);
  }

  async close() {
    this.report?.write();
    await this.browser?.close();
    await this.server?.stop();
  }
}
