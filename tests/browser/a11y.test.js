// axe-core and scripted WCAG checks on every page in every state, reached through the UI.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, AUDITOR_URL } from './lib/harness.js';
import { newContext } from './lib/browser.js';
import { Suite } from './lib/suite.js';
import { submitAndWait, goAvailable, startChat, startVideoCall, endChat } from './lib/flows.js';
import { runAxe } from './lib/checks.js';

const RO = Boolean(AUDITOR_URL);
const writeIt = { skip: RO ? 'auditor mode (LOKET_URL): read-only checks only' : false };

describe('accessibility of every page state', () => {
  // Every page is watched for script errors and CSP violations (script-src 'self';
  // style-src 'self'); the last test asserts there were none.
  const suite = new Suite('a11y');
  let server, browser, auditor, rp, sp;
  const state = {};

  before(async () => {
    await suite.start();
    ({ server, browser, auditor } = suite);
    rp = await suite.page('resident');
    sp = await suite.page('staff');
    if (RO) suite.report.note(`Auditor mode against ${AUDITOR_URL}: only read-only pages were checked.`);
  });

  after(async () => {
    suite.report?.note(`axe rules run: ${auditor?.rules.size ?? 0}`);
    await suite.close();
  });

  const check = (page, name, opts) => suite.check(page, name, opts);

  it('canary: the checks detect known failures', async () => {
    // A deliberately broken page proves the checks can fail (no silent passes).
    const ctx = await newContext(browser);
    try {
      const p = await ctx.newPage();
      await p.setContent(`<!DOCTYPE html><html><head><title>x</title></head><body>
        <style>button:focus { outline: none; } .box { height: 1.2em; width: 6em; overflow: hidden; }</style>
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
        <button id="tiny" style="width:10px;height:10px;padding:0"></button>
        <p class="box">Een tekst die niet in het vak past</p>
        <div style="width:600px">breed</div></body></html>`);
      const { runAxe, smallTargets, textSpacingClipping, pageOverflow, focusState } = await import('./lib/checks.js');
      const axe = await runAxe(p);
      const ids = axe.violations.map((v) => v.id);
      for (const id of ['image-alt', 'html-has-lang', 'button-name']) assert.ok(ids.includes(id), `axe finds ${id}: ${ids}`);
      assert.ok((await smallTargets(p)).some((t) => t.includes('#tiny')), 'target-size check finds the 10x10 button');
      assert.ok((await textSpacingClipping(p)).length > 0, 'text-spacing check finds the clipped box');
      await p.setViewportSize({ width: 320, height: 640 });
      assert.ok((await pageOverflow(p)).scrollWidth > 320, 'reflow check finds the 600 px box');
      await p.keyboard.press('Tab');
      assert.equal((await focusState(p)).visible, false, 'focus check sees the removed outline');
    } finally {
      await ctx.close();
    }
  });

  it('home (nl)', async () => {
    const resp = await rp.goto(server.url('/'));
    assert.equal(resp.status(), 200);
    assert.equal(await rp.getAttribute('html', 'lang'), 'nl');
    await check(rp, 'home (nl)');
  });

  it('home (en) via the language link', async () => {
    await submitAndWait(rp, rp.locator('header nav a[hreflang="en"]'));
    assert.equal(await rp.getAttribute('html', 'lang'), 'en');
    await check(rp, 'home (en)', { key: '/' });
    await submitAndWait(rp, rp.locator('header nav a[hreflang="nl"]'));
    assert.equal(await rp.getAttribute('html', 'lang'), 'nl');
    assert.equal(new URL(rp.url()).pathname, '/');
  });

  it('accessibility statement (nl) from the footer, and (en)', async () => {
    await rp.goto(server.url('/'));
    await submitAndWait(rp, rp.locator('footer a[href="/toegankelijkheid"]'));
    assert.equal(new URL(rp.url()).pathname, '/toegankelijkheid');
    await check(rp, 'accessibility statement (nl)');
    await submitAndWait(rp, rp.locator('header nav a[hreflang="en"]'));
    await submitAndWait(rp, rp.locator('footer a[href="/accessibility"]'));
    assert.equal(await rp.getAttribute('html', 'lang'), 'en');
    await check(rp, 'accessibility statement (en)', { key: '/toegankelijkheid' });
    await submitAndWait(rp, rp.locator('header nav a[hreflang="nl"]'));
  });

  it('accessibility report form with errors, then sent', writeIt, async () => {
    await rp.goto(server.url('/toegankelijkheid'));
    await submitAndWait(rp, rp.getByRole('button', { name: 'Melding versturen' }));
    assert.match(await rp.title(), /^Fout:/);
    await check(rp, 'accessibility report (errors)', { key: '/toegankelijkheid' });
    await rp.fill('#problem', 'De knop is moeilijk te vinden');
    await submitAndWait(rp, rp.getByRole('button', { name: 'Melding versturen' }));
    // A report is a message for the Berichten list (issue 13), never a live chat: its
    // page is the message's own page.
    assert.match(new URL(rp.url()).pathname, /^\/bericht\//);
    assert.equal((await rp.locator('h1').textContent()).trim(), 'Uw bericht is ontvangen');
    assert.match(await rp.locator('main').innerText(), /De knop is moeilijk te vinden/);
    await check(rp, 'accessibility report sent', { key: '/bericht/{token}' });
  });

  it('home: visible focus at every Tab stop (1280 and 320 px)', async () => {
    for (const w of [1280, 320]) {
      await rp.goto(server.url('/'));
      const { problems } = await auditor.focusWalk(rp, 'home (nl)', w);
      assert.deepEqual(problems, []);
    }
  });

  it('chat start (empty)', async () => {
    await rp.goto(server.url('/'));
    await submitAndWait(rp, rp.locator('main a.button[href="/chat/start"]'));
    assert.equal(new URL(rp.url()).pathname, '/chat/start');
    await check(rp, 'chat start (empty)');
  });

  it('chat start: visible focus at every Tab stop (1280 and 320 px)', async () => {
    for (const w of [1280, 320]) {
      await rp.goto(server.url('/chat/start'));
      const { problems } = await auditor.focusWalk(rp, 'chat start (empty)', w);
      assert.deepEqual(problems, []);
    }
  });

  it('chat start with errors', writeIt, async () => {
    await rp.goto(server.url('/chat/start'));
    await submitAndWait(rp, rp.locator('main form button[type=submit]'));
    await rp.locator('#error-summary').waitFor();
    assert.match(await rp.title(), /^Fout:/);
    assert.equal(await rp.getAttribute('#question', 'aria-invalid'), 'true');
    await check(rp, 'chat start with errors', { key: '/chat/start' });
  });

  it('conversation waiting, with a position', writeIt, async () => {
    await rp.fill('#name', 'Fatima');
    await rp.fill('#question', 'Ik ga verhuizen. Hoe geef ik mijn nieuwe adres door?');
    await submitAndWait(rp, rp.locator('main form button[type=submit]'));
    const m = new URL(rp.url()).pathname.match(/^\/chat\/([^/]+)$/);
    assert.ok(m, `expected /chat/{token}, got ${rp.url()}`);
    state.token1 = m[1];
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'waiting');
    assert.match(await rp.textContent('#queue-status[role=status]'), /\d/, 'the waiting status names a position');
    await check(rp, 'conversation waiting', { key: '/chat/{token}' });
  });

  it('staff login (empty)', async () => {
    await sp.goto(server.url('/'));
    await submitAndWait(sp, sp.locator('footer a[href="/staff/login"]'));
    await check(sp, 'staff login (empty)');
  });

  it('staff login with errors', writeIt, async () => {
    await submitAndWait(sp, sp.locator('main form button[type=submit]'));
    await sp.locator('#error-summary').waitFor();
    assert.match(await sp.title(), /^Fout:/);
    await check(sp, 'staff login with errors', { key: '/staff/login' });
  });

  it('console idle (away)', writeIt, async () => {
    await sp.fill('#username', 'anna');
    await sp.fill('#password', DEMO_PASSWORD);
    await submitAndWait(sp, sp.locator('main form button[type=submit]'));
    assert.equal(new URL(sp.url()).pathname, '/staff');
    assert.equal(await sp.getAttribute('#presence', 'data-presence'), 'away');
    await check(sp, 'console idle (away)');
  });

  it('console available with an offer', writeIt, async () => {
    await goAvailable(sp);
    await sp.locator('#offers li.offer').first().waitFor();
    await check(sp, 'console available with an offer');
  });

  it('conversation active with several messages', writeIt, async () => {
    await sp.locator('#offers button[data-action=accept]').first().click();
    await sp.locator('#chats .chat-panel').first().waitFor();
    await rp.locator('#chat[data-status=active]').waitFor();
    const panel = sp.locator('#chats .chat-panel').first();
    state.panel1 = await panel.getAttribute('id');
    const exchange = [['r', 'Vanaf 1 maart woon ik op een ander adres.'], ['a', 'Dank u. Dat kunt u online doorgeven met DigiD.'], ['r', 'Ik heb geen DigiD.'], ['a', 'Dan kunt u langskomen op het stadskantoor.']];
    for (const [who, text] of exchange) {
      if (who === 'r') { await rp.fill('#message', text); await rp.click('#message-form button[type=submit]'); }
      else { await panel.locator('textarea').fill(text); await panel.locator('.reply-form button[type=submit]').click(); }
      await rp.locator('#messages li', { hasText: text }).waitFor();
      await panel.locator('.messages li', { hasText: text }).waitFor();
    }
    assert.doesNotMatch(await rp.title(), /wacht/i, 'the title follows the state once an agent joined');
    // The page made active live must say what the server renders for an active chat.
    const snapshot = () => rp.evaluate(() => ({
      title: document.title,
      h1: document.querySelector('h1').textContent.trim(),
      end: document.getElementById('end-link').textContent.trim(),
      paragraphs: [...document.querySelectorAll('main > #chat > p')].filter((p) => !p.hidden && p.id !== 'typing').map((p) => p.textContent.trim()).filter(Boolean),
    }));
    const live = await snapshot();
    await rp.reload();
    await rp.locator('#messages li').last().waitFor();
    assert.deepEqual(live, await snapshot(), 'live-updated page equals the server-rendered active page');
    await check(rp, 'conversation active with several messages', { key: '/chat/{token}' });
  });

  it('conversation with a form error (live, JavaScript)', writeIt, async () => {
    await rp.fill('#message', '');
    await rp.click('#message-form button[type=submit]');
    await rp.locator('#message-error-live').waitFor();
    assert.equal(await rp.getAttribute('#message', 'aria-invalid'), 'true');
    await check(rp, 'conversation with a form error (live)', { key: '/chat/{token}' });
  });

  it('conversation with a form error (server-rendered, as without JavaScript)', writeIt, async () => {
    // form.submit() skips chat.js's submit handler: the empty message is posted the
    // no-JavaScript way and the server renders the error summary.
    await rp.fill('#message', '');
    const nav = rp.waitForNavigation({ waitUntil: 'load' });
    await rp.evaluate(() => document.getElementById('message-form').submit());
    await nav;
    await rp.locator('#error-summary').waitFor();
    assert.match(await rp.title(), /^Fout:/);
    assert.equal(await rp.getAttribute('#message', 'aria-invalid'), 'true');
    await check(rp, 'conversation with a form error (server-rendered)', { key: '/chat/{token}' });
  });

  it('console with two chats', writeIt, async () => {
    const r2 = await suite.page('resident 2');
    state.r2 = r2;
    await startChat(r2, server, 'Wanneer wordt het grofvuil opgehaald?');
    await sp.locator('#offers button[data-action=accept]').first().click();
    await sp.locator('#chats .chat-panel').nth(1).waitFor();
    await r2.locator('#chat[data-status=active]').waitFor();
    await check(sp, 'console with two chats');
  });

  it('console: visible focus at every Tab stop (1280 and 320 px)', writeIt, async () => {
    for (const w of [1280, 320]) {
      await sp.goto(server.url('/staff'));
      const { problems, stops } = await auditor.focusWalk(sp, 'console with two chats', w);
      assert.ok(stops.some((s) => s.startsWith('textarea')), 'the walk reaches the reply boxes');
      assert.deepEqual(problems, []);
    }
  });

  it('console with a wrap-up form', writeIt, async () => {
    await sp.goto(server.url('/staff'));
    await sp.locator(`#${state.panel1} .end-form button`).click();
    await sp.click('#confirm-dialog[open] #confirm-yes');
    await sp.locator('#wrapups .wrapup').first().waitFor();
    await sp.locator(`#${state.panel1}`).waitFor({ state: 'detached' });
    await check(sp, 'console with a wrap-up form', { key: '/staff' });
  });

  it('conversation ended, with transcript links', writeIt, async () => {
    await rp.locator('#chat[data-status=ended] .actions a[href$="/transcript"]').waitFor();
    await check(rp, 'conversation ended', { key: '/chat/{token}' });
  });

  it('transcript', writeIt, async () => {
    await submitAndWait(rp, rp.locator('.actions a[href$="/transcript"]'));
    assert.ok(await rp.locator('ol.transcript li').count() >= 4);
    // The page offers printing with a button (issue 12); it opens the browser's print dialog.
    await rp.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; });
    await rp.getByRole('button', { name: 'Afdrukken' }).click();
    assert.equal(await rp.evaluate(() => window.__printed), 1, 'the print button opens the print dialog');
    await check(rp, 'transcript', { key: '/chat/{token}/transcript' });
  });

  it('conversation abandoned (resident stopped waiting)', writeIt, async () => {
    const p = await suite.page('resident 3');
    try {
      await startChat(p, server, 'Mag ik een vraag stellen?');
      await endChat(p);
      assert.match(await p.getAttribute('#chat', 'data-status'), /abandoned|ended/);
      await check(p, 'conversation abandoned', { key: '/chat/{token}' });
    } finally {
      await p.context().close();
      await state.r2?.context().close();
    }
  });

  it('404 page', async () => {
    const resp = await rp.goto(server.url('/bestaat-niet'));
    assert.equal(resp.status(), 404);
    await check(rp, '404 page', { key: '404' });
  });

  it('404 conversation', async () => {
    const resp = await rp.goto(server.url('/chat/onbekend0000token'));
    assert.equal(resp.status(), 404);
    // Same template and title as the 404 page (see the report: a more specific title needs src/).
    await check(rp, '404 conversation', { key: '404' });
  });

  it('403 page after a tampered CSRF token', writeIt, async () => {
    await rp.goto(server.url('/chat/start'));
    await rp.evaluate(() => { document.querySelector('main form input[name=csrf]').value = 'vervalst'; });
    await rp.fill('#question', 'test');
    const respP = rp.waitForResponse((r) => r.request().method() === 'POST');
    await submitAndWait(rp, rp.locator('main form button[type=submit]'));
    assert.equal((await respP).status(), 403);
    await check(rp, '403 CSRF page', { key: '403' });
  });

  it('video call screen (waiting) at 1280x800, 390x844 and 844x390: axe, no page scroll, hang-up in view', writeIt, async () => {
    // This suite has no camera (no fake devices): the screen also says so, in its alert.
    const p = await suite.page('resident (video call)');
    try {
      await startVideoCall(p, server, { met: 'tolk', name: 'Sanne' });
      await p.locator('#media-problem:not([hidden])').waitFor();
      for (const [width, height] of [[1280, 800], [390, 844], [844, 390]]) {
        await p.setViewportSize({ width, height });
        await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const state = `video call screen, waiting, ${width}x${height}`;
        const shot = suite.report.screenshotPath(state, width);
        await p.screenshot({ path: shot.file });
        const axe = await runAxe(p);
        const url = new URL(p.url());
        suite.report.page({ state, url: url.href, path: url.pathname, width, title: await p.title(), lang: 'nl', violations: axe.violations, incomplete: axe.incomplete, rulesRun: axe.rulesRun, screenshot: shot.name });
        const fit = await p.evaluate(() => {
          const hang = document.querySelector('.call-bar .end-form button').getBoundingClientRect();
          const self = document.querySelector('.tile-self').getBoundingClientRect();
          return { scroll: document.scrollingElement.scrollHeight, inner: innerHeight, hangInView: hang.top >= 0 && hang.bottom <= innerHeight && hang.right <= innerWidth, selfWidth: self.width };
        });
        assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), [], state);
        assert.ok(fit.scroll <= fit.inner + 1, `${state}: the page scrolls (${fit.scroll} > ${fit.inner})`);
        assert.ok(fit.hangInView, `${state}: hang-up out of view`);
        assert.ok(fit.selfWidth >= 80, `${state}: self view ${fit.selfWidth} px wide`);
      }
      await p.setViewportSize({ width: 1280, height: 800 });
      await check(p, 'video call screen (waiting, no camera)', { key: '/chat/{token}' });
      await submitAndWait(p, p.locator('.call-bar .end-form button'));
    } finally {
      await p.context().close();
    }
  });

  it('no script errors or CSP violations on any page', () => {
    suite.assertNoScriptErrors('all');
  });

  it('every page has a unique title', () => {
    const owner = new Map();
    const clashes = [];
    for (const [key, titles] of auditor.titles) {
      for (const t of titles) {
        if (owner.has(t) && owner.get(t) !== key) clashes.push(`"${t}" used by ${owner.get(t)} and ${key}`);
        owner.set(t, key);
      }
    }
    suite.report.check({ state: 'all', check: 'unique <title> per page', ok: clashes.length === 0, details: clashes.length ? clashes : [...owner.keys()] });
    assert.deepEqual(clashes, []);
  });

});
