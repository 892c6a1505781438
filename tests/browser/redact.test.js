// Numbers a resident should not type (issue 15): the page asks before a message with a
// citizen service number (BSN), an IBAN or a card number is sent.
//
// - The detector in the browser (static/js/redact.js) agrees with the server's
//   (src/privacy/redact.rs) on the shared cases in tests/redact_vectors.json, and with the
//   11-proof on random numbers.
// - With JavaScript, on the resident's chat page: Enter on "Mijn bsn is 123.456.782" sends
//   nothing; the notice is announced in a live region that was in the page before
//   (role="alert"), focus is on "Verwijderen en versturen"; Escape closes it and returns to
//   the box with the text kept, editing the text closes it; by keyboard only, Tab to "Toch
//   versturen" and Enter sends it, and the agent sees "*****6782", never the digits;
//   "Verwijderen en versturen" sends the text without the number. axe with the notice open,
//   the suite's audit (320 px reflow, target size), screenshots at 1280x800 and 390x844
//   (report/redact-*.png).
// - Without JavaScript, the chat and the leave-a-message form show the same notice as a
//   page of their own (title "Fout: ...", the text kept, two submit buttons), audited too;
//   Enter in a field of the message form does not answer the question.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { runAxe } from './lib/checks.js';
import { logIn, acceptFirstOffer, startChat, submitAndWait, recordTexts } from './lib/flows.js';
import { describeFocus } from './lib/keys.js';
import { REPORT_DIR } from './lib/report.js';
import { find, remove } from '../../static/js/redact.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const BSN_NOTICE = 'U lijkt een burgerservicenummer te delen. Dat is niet nodig in de chat.';
const IBAN_NOTICE = 'U lijkt een rekeningnummer (IBAN) te delen. Dat is niet nodig in de chat.';
const HINT = 'Als u het toch verstuurt, ziet de medewerker alleen de laatste 4 cijfers.';

describe('the detector in the browser agrees with the server', () => {
  it('finds and removes as src/privacy/redact.rs does on the shared cases', () => {
    const vectors = JSON.parse(readFileSync(new URL('../redact_vectors.json', import.meta.url), 'utf8'));
    assert.ok(vectors.length > 40);
    for (const v of vectors) {
      const found = find(v.text, { bsn: v.bsn, cards: v.cards });
      assert.deepEqual(found.map((f) => [f.kind, v.text.slice(f.start, f.end)]), v.found, JSON.stringify(v.text));
      assert.equal(remove(v.text, found), v.removed, JSON.stringify(v.text));
    }
  });

  it('agrees with the 11-proof on random nine-digit numbers, alone and grouped', () => {
    const proof = (s) => {
      const d = [...s].map(Number);
      let sum = -d[8];
      for (let i = 0; i < 8; i++) sum += d[i] * (9 - i);
      return s !== '000000000' && sum % 11 === 0;
    };
    let valid = 0;
    for (let n = 0; n < 20000; n++) {
      const s = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
      const want = proof(s);
      valid += want;
      const grouped = `bsn ${s.slice(0, 3)}.${s.slice(3, 6)}.${s.slice(6)} graag`;
      for (const [text, expected] of [[s, want], [grouped, want], [`${s}0`, false]]) {
        const got = find(text, { bsn: 'all', cards: false }).some((f) => f.kind === 'bsn');
        assert.equal(got, expected, text);
      }
    }
    assert.ok(valid > 1000, `about 1 in 11 passes (${valid} of 20000)`);
  });
});

describe('asking before a number is sent', { skip }, () => {
  const suite = new Suite('redact');
  let server, rp, ap, np, xp, panel;

  before(async () => {
    ({ server } = await suite.start());
    rp = await suite.page('resident', { viewport: LAPTOP });
    ap = await suite.page('agent', { viewport: LAPTOP });
    np = await suite.page('resident without JavaScript', { viewport: LAPTOP, javaScriptEnabled: false });
  });

  after(() => suite.close());

  /** The suite's audit (1280 and 320 px), then axe and a screenshot at 1280x800 and 390x844. */
  async function look(page, state, opts) {
    await suite.check(page, state, opts);
    const original = page.viewportSize();
    for (const size of [LAPTOP, PHONE]) {
      await page.setViewportSize(size);
      const axe = await runAxe(page);
      const name = `redact-${state.replace(/[^a-z0-9]+/gi, '-')}-${size.width}x${size.height}.png`.toLowerCase();
      // The shot is the window from the notice down (the box is just below it).
      await page.locator('#redact-notice').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(REPORT_DIR, name) });
      suite.report.page({ state: `${state} ${size.width}x${size.height}`, url: page.url(), path: new URL(page.url()).pathname, width: size.width, title: await page.title(), lang: 'nl', violations: axe.violations, incomplete: axe.incomplete, rulesRun: axe.rulesRun, screenshot: name });
      assert.deepEqual(axe.violations.map((v) => `[${size.width}] ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), [], `${state}: axe`);
    }
    await page.setViewportSize(original);
  }

  /**
   * What the browser without JavaScript shows, in a page where axe can run (with scripts
   * switched off, Playwright cannot evaluate in the page): the same HTML, served again at
   * its address, with the site's stylesheets and every script blocked.
   */
  async function asShownWithoutJs(page) {
    const html = await page.content();
    const url = page.url();
    if (!xp) {
      xp = await suite.page('audit of what the browser without JavaScript shows', { viewport: LAPTOP });
      await xp.route('**/static/js/**', (route) => route.abort());
    }
    await xp.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }), { times: 1 });
    await xp.goto(url);
    assert.equal(await xp.locator('#redact-notice').count(), 1);
    return xp;
  }

  const focused = async (page) => (await describeFocus(page))?.id;
  const agentLog = () => panel.locator('.messages').textContent();

  it('with JavaScript: Enter asks first, announced, with focus on the first answer', async () => {
    await startChat(rp, server, 'Ik heb een vraag over mijn aanslag.');
    await logIn(ap, server, 'chris', { available: true });
    panel = await acceptFirstOffer(ap);
    await rp.locator('#chat[data-status=active]').waitFor();
    // The live region is in the page, empty, before anything is found.
    assert.equal(await rp.getAttribute('#redact-alert', 'role'), 'alert');
    assert.equal((await rp.textContent('#redact-alert')).trim(), '');
    assert.equal(await rp.locator('#message-form button[type=submit]').count(), 1, 'no answer buttons while closed');
    const alert = await recordTexts(rp, '#redact-alert');

    await rp.fill('#message', 'Mijn bsn is 123.456.782');
    await rp.press('#message', 'Enter');
    await rp.locator('#redact-alert', { hasText: BSN_NOTICE }).waitFor();
    const said = (await alert.seen()).at(-1);
    assert.ok(said.includes(BSN_NOTICE) && said.includes(HINT), `announced: ${said}`);
    assert.equal(await focused(rp), 'redact-remove', 'focus on "Verwijderen en versturen"');
    assert.equal(await rp.inputValue('#message'), 'Mijn bsn is 123.456.782', 'the text stays in the box');
    assert.equal(await rp.getAttribute('#redact-actions', 'role'), 'group');
    await look(rp, 'chat notice open', { key: '/chat/{token}' });
    // Nothing was sent meanwhile.
    assert.doesNotMatch(await agentLog(), /6782/);

    // Escape closes it; focus goes back to the box, the text is kept.
    await rp.locator('#redact-remove').focus();
    await rp.keyboard.press('Escape');
    assert.equal(await rp.locator('#redact-actions').count(), 0);
    assert.equal((await rp.textContent('#redact-alert')).trim(), '');
    assert.equal(await focused(rp), 'message');
    assert.equal(await rp.inputValue('#message'), 'Mijn bsn is 123.456.782');

    // Editing the text closes it too.
    await rp.press('#message', 'Enter');
    await rp.locator('#redact-actions').waitFor();
    await rp.locator('#message').focus();
    await rp.keyboard.type('!');
    assert.equal(await rp.locator('#redact-actions').count(), 0, 'editing closes the notice');
    await rp.keyboard.press('Backspace');
    assert.doesNotMatch(await agentLog(), /6782/, 'still nothing sent');
  });

  it('keyboard only: Tab to "Toch versturen", Enter sends it masked', async () => {
    await rp.locator('#message').focus();
    await rp.keyboard.press('Enter');
    await rp.locator('#redact-alert', { hasText: BSN_NOTICE }).waitFor();
    assert.equal(await focused(rp), 'redact-remove');
    await rp.keyboard.press('Tab');
    const f = await describeFocus(rp);
    assert.equal(f.id, 'redact-send', `Tab reaches "Toch versturen" (got ${JSON.stringify(f)})`);
    assert.equal(f.text, 'Toch versturen');
    await rp.keyboard.press('Enter');
    await panel.locator('.messages li', { hasText: 'Mijn bsn is *****6782' }).waitFor();
    await rp.locator('#messages li', { hasText: 'Mijn bsn is *****6782' }).waitFor();
    for (const log of [await agentLog(), await rp.textContent('#messages')]) {
      assert.doesNotMatch(log, /123456782|123\.456\.782/, 'the digits are nowhere');
    }
    assert.equal(await rp.inputValue('#message'), '');
    assert.equal(await rp.locator('#redact-actions').count(), 0);
    assert.equal(await focused(rp), 'message', 'focus back in the box');
  });

  it('"Verwijderen en versturen" sends the text without the number', async () => {
    await rp.fill('#message', 'Mijn rekening is NL91 ABNA 0417 1643 00, dank u');
    await rp.press('#message', 'Enter');
    await rp.locator('#redact-alert', { hasText: IBAN_NOTICE }).waitFor();
    await rp.locator('#redact-remove').click();
    await panel.locator('.messages li', { hasText: 'Mijn rekening is, dank u' }).waitFor();
    assert.doesNotMatch(await agentLog(), /0417|4300/);
    assert.equal(await rp.inputValue('#message'), '');
    // A message without such a number goes at once.
    await rp.fill('#message', 'Mijn zaaknummer is 123456789.');
    await rp.press('#message', 'Enter');
    await panel.locator('.messages li', { hasText: 'Mijn zaaknummer is 123456789.' }).waitFor();
    assert.equal(await rp.locator('#redact-actions').count(), 0);
  });

  it('without JavaScript: the chat asks on a page of its own', async () => {
    await startChat(np, server, 'Een vraag zonder JavaScript.');
    const panel2 = await acceptFirstOffer(ap);
    await np.reload();
    assert.equal(await np.getAttribute('#chat', 'data-status'), 'active');
    await np.fill('#message', 'Mijn bsn is 123456782');
    await submitAndWait(np, '#message-form button.button[type=submit]:not([name])');
    assert.match(new URL(np.url()).pathname, /^\/chat\/[^/]+\/send$/);
    assert.ok((await np.textContent('#redact-alert')).includes(BSN_NOTICE));
    assert.match(await np.title(), /^Fout: /);
    assert.equal(await np.inputValue('#message'), 'Mijn bsn is 123456782');
    assert.ok(await np.locator('#redact-send').isVisible());
    await look(await asShownWithoutJs(np), 'chat notice without javascript', { key: '/chat/{token}/send' });
    assert.doesNotMatch(await panel2.locator('.messages').textContent(), /6782/);
    await submitAndWait(np, '#redact-send');
    await panel2.locator('.messages li', { hasText: 'Mijn bsn is *****6782' }).waitFor();
    assert.doesNotMatch(await panel2.locator('.messages').textContent(), /123456782/);
  });

  it('without JavaScript: the message form asks; Enter in a field does not answer', async () => {
    await np.goto(server.url('/bericht'));
    await np.fill('#name', 'Piet');
    await np.fill('#message', 'Mijn rekening is NL91ABNA0417164300');
    await np.check('#reach-phone');
    await np.fill('#phone', '06 12345678');
    await submitAndWait(np, 'main form button.button[type=submit]:not([name])');
    const notice = 'U lijkt een rekeningnummer (IBAN) te delen. Dat is niet nodig in uw bericht.';
    assert.ok((await np.textContent('#redact-alert')).includes(notice));
    assert.equal(await np.inputValue('#phone'), '06 12345678', 'the fields are kept');
    await look(await asShownWithoutJs(np), 'message notice without javascript', { key: '/bericht' });
    // Enter in the name field sends the form as the send button does: asked again.
    const nav = np.waitForNavigation({ waitUntil: 'load' });
    await np.press('#name', 'Enter');
    await nav;
    assert.ok((await np.textContent('#redact-alert')).includes(notice), 'asked again, not answered');
    await submitAndWait(np, '#redact-remove');
    assert.match(new URL(np.url()).pathname, /^\/bericht\/[^/]+$/);
    const page = await np.textContent('main');
    assert.match(page, /Mijn rekening is/);
    assert.doesNotMatch(page, /NL91|0417164300/);
  });

  it('with JavaScript: the message form asks in the page', async () => {
    await rp.goto(server.url('/bericht'));
    await rp.fill('#message', 'Mijn bsn is 111 222 333, bel mij');
    await rp.check('#reach-phone');
    await rp.fill('#phone', '06 12345678');
    await rp.click('main form button.button[type=submit]:not([name])');
    await rp.locator('#redact-alert', { hasText: 'Dat is niet nodig in uw bericht.' }).waitFor();
    assert.equal(await focused(rp), 'redact-remove');
    assert.equal(new URL(rp.url()).pathname, '/bericht', 'nothing posted yet');
    await look(rp, 'message notice open', { key: '/bericht' });
    await rp.locator('#redact-send').focus();
    const nav = rp.waitForNavigation({ waitUntil: 'load' });
    await rp.keyboard.press('Enter');
    await nav;
    assert.match(new URL(rp.url()).pathname, /^\/bericht\/[^/]+$/);
    const page = await rp.textContent('main');
    assert.match(page, /Mijn bsn is \*\*\*\*\*2333, bel mij/);
    assert.doesNotMatch(page, /111 222 333/);
  });

  it('no script errors or CSP violations', () => {
    suite.assertNoScriptErrors('redact');
  });
});
