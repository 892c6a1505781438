// WCAG 1.4.4 (resize text to 200%) and 1.4.10 (reflow): a 1280 px wide window zoomed to
// 200% is a 640 CSS px viewport at device scale 2. Every page must fit without horizontal
// scrolling and without clipped text, and its controls must stay on screen.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { startChat, endChat } from './lib/flows.js';
import { pageOverflow, textSpacingClipping } from './lib/checks.js';

describe('zoom to 200%', () => {
  const suite = new Suite('zoom');
  let server, page;

  before(async () => {
    ({ server } = await suite.start());
    page = await suite.page('resident at 200%', { viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });
  });

  after(() => suite.close());

  async function fits(name) {
    const o = await pageOverflow(page);
    assert.ok(o.scrollWidth <= 640, `${name}: horizontal scroll at 200% (${o.scrollWidth}px: ${o.wide.join('; ')})`);
    const clipped = await textSpacingClipping(page);
    assert.deepEqual(clipped, [], `${name}: clipped text at 200%`);
    const offscreen = await page.evaluate(() => [...document.querySelectorAll('main a, main button, main input, main textarea, main select')]
      .filter((el) => el.offsetParent !== null && !el.closest('.table-wrap'))
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(offscreen, [], `${name}: controls cut off at 200%`);
  }

  it('home, chat start, statement and a conversation fit at 200%', async () => {
    for (const [path, name] of [['/', 'home'], ['/chat/start', 'chat start'], ['/toegankelijkheid', 'statement'], ['/staff/login', 'staff login']]) {
      const resp = await page.goto(server.url(path));
      assert.equal(resp.status(), 200, path);
      await fits(name);
    }
    if (AUDITOR_URL) return; // auditor mode: read-only, no conversations are created
    // A conversation, reached through the form (keyboard-free here: this test is about layout).
    await startChat(page, server, 'Een vraag die ook bij 200% zoom goed leesbaar moet blijven.');
    await fits('conversation (waiting)');
    await endChat(page);
    await fits('conversation (closed)');
  });
});
