// User preferences and the skip link: prefers-reduced-motion (2.2.2, 2.3.3), forced colours
// (Windows High Contrast: controls must survive; screenshots for a human), and the skip
// link as the first Tab stop that moves focus to <main> (2.4.1).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, startChat } from './lib/flows.js';

const RO = Boolean(AUDITOR_URL);

describe('user preferences and the skip link', () => {
  const suite = new Suite('preferences');
  let server, report;

  before(async () => {
    ({ server, report } = await suite.start());
  });

  after(() => suite.close());

  const startConversation = (page, question) => startChat(page, server, question);
  const logInAnna = (page) => logIn(page, server, 'anna');

  it('reduced motion: no running animations or transitions on home and conversation', async () => {
    const ctx = await suite.context({ reducedMotion: 'reduce' });
    try {
      const page = await ctx.newPage();
      await page.emulateMedia({ reducedMotion: 'reduce' });
      const pages = [['home', async () => { await page.goto(server.url('/')); }]];
      if (!RO) pages.push(['conversation', async () => { await startConversation(page, 'Beweegt er iets op deze pagina?'); }]);
      for (const [name, open] of pages) {
        await open();
        assert.equal(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches), true);
        // Hover and focus a control too: a hover/focus transition would show up here.
        await page.hover('main .button:visible, main button:visible');
        await page.locator('main .button:visible, main button:visible').first().focus();
        const running = await page.evaluate(() => document.getAnimations().map((a) => `${a.constructor.name} ${a.animationName || a.transitionProperty || ''} on ${a.effect?.target?.tagName?.toLowerCase() || '?'}`));
        report.check({ state: name, check: 'prefers-reduced-motion: no running animations', ok: running.length === 0, details: running });
        assert.deepEqual(running, [], `${name}: animations run with prefers-reduced-motion: reduce`);
      }
    } finally {
      await ctx.close();
    }
  });

  it('forced colours: every button and link keeps a size and stays visible (320 and 1280 px)', async () => {
    const rctx = await suite.context({ forcedColors: 'active' });
    const sctx = await suite.context({ forcedColors: 'active' });
    try {
      const rp = await rctx.newPage();
      const sp = await sctx.newPage();
      for (const p of [rp, sp]) await p.emulateMedia({ forcedColors: 'active' });
      const states = [
        ['home', rp, async () => { await rp.goto(server.url('/')); }],
        ['chat start', rp, async () => { await rp.goto(server.url('/chat/start')); }],
      ];
      if (!RO) {
        states.push(['conversation', rp, async () => { await startConversation(rp, 'Hoe ziet dit eruit met hoog contrast?'); }]);
        states.push(['console', sp, async () => { await logInAnna(sp); }]);
      }
      for (const [name, page, open] of states) {
        await open();
        assert.equal(await page.evaluate(() => matchMedia('(forced-colors: active)').matches), true);
        for (const width of [320, 1280]) {
          await page.setViewportSize({ width, height: width === 320 ? 640 : 900 });
          const shot = report.screenshotPath(`forced-colors ${name}`, width);
          await page.screenshot({ path: shot.file, fullPage: true });
          const broken = await page.evaluate(() => [...document.querySelectorAll('a[href], button')]
            .filter((el) => !el.closest('[hidden], dialog:not([open])')) // deliberately hidden (the no-JavaScript refresh link, a closed dialog)
            .filter((el) => {
              const r = el.getBoundingClientRect();
              return !(r.width > 0 && r.height > 0) || getComputedStyle(el).visibility === 'hidden';
            })
            .map((el) => el.outerHTML.slice(0, 100)));
          report.check({ state: `forced-colors ${name}`, width, check: 'forced colours: buttons and links keep a size and are visible', ok: broken.length === 0, details: broken.length ? broken : shot.name });
          assert.deepEqual(broken, [], `${name} at ${width}px: controls lost in forced colours`);
        }
      }
    } finally {
      await rctx.close();
      await sctx.close();
    }
  });

  it('skip link: first Tab stop on every page, and it moves focus to main', async () => {
    const rctx = await suite.context();
    const sctx = await suite.context();
    try {
      const rp = await rctx.newPage();
      const sp = await sctx.newPage();
      const states = [
        ['home', rp, async () => { await rp.goto(server.url('/')); }],
        ['chat start', rp, async () => { await rp.goto(server.url('/chat/start')); }],
        ['accessibility statement', rp, async () => { await rp.goto(server.url('/toegankelijkheid')); }],
        ['staff login', rp, async () => { await rp.goto(server.url('/staff/login')); }],
        ['404', rp, async () => { await rp.goto(server.url('/bestaat-niet')); }],
      ];
      if (!RO) {
        states.push(['conversation', rp, async () => { await startConversation(rp, 'Waar brengt de link mij naartoe?'); }]);
        states.push(['transcript', rp, async () => { await rp.goto(server.url(`${new URL(rp.url()).pathname}/transcript`)); }]);
        states.push(['console', sp, async () => { await logInAnna(sp); }]);
      }
      for (const [name, page, open] of states) {
        await open();
        await page.keyboard.press('Tab');
        const first = await page.evaluate(() => {
          const el = document.activeElement;
          const r = el.getBoundingClientRect();
          return { skip: el.classList.contains('skip-link'), href: el.getAttribute('href'), text: el.textContent.trim(), onScreen: r.top >= 0 && r.bottom <= innerHeight && r.width > 0 };
        });
        assert.ok(first.skip, `${name}: the first Tab stop is the skip link (got ${JSON.stringify(first)})`);
        assert.ok(first.onScreen, `${name}: the focused skip link is on screen`);
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'MAIN');
        const target = await page.evaluate(() => ({ id: document.activeElement.id, hash: location.hash }));
        assert.equal(`#${target.id}`, first.href, `${name}: focus is on the skip link's target`);
        // The next Tab continues inside main, not back at the header.
        await page.keyboard.press('Tab');
        const inMain = await page.evaluate(() => Boolean(document.activeElement.closest('main')));
        report.check({ state: name, check: 'skip link first, moves focus to main (2.4.1)', ok: inMain, details: [first.text, `focus -> main#${target.id}`] });
        assert.ok(inMain, `${name}: after the skip link, Tab continues inside main`);
      }
    } finally {
      await rctx.close();
      await sctx.close();
    }
  });
});
