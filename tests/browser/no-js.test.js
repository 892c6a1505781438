// The whole resident journey with JavaScript switched off in the browser (issue 12): start
// a chat, wait, follow "Nieuwe berichten ophalen" (a real request, not a jump to #latest on
// the same page) and see the agent's reply, answer with the form, end, read the transcript.
// The agent works in an ordinary browser with JavaScript.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, acceptFirstOffer, startChat, submitAndWait, endChat } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;

describe('resident journey without JavaScript', { skip }, () => {
  // Nobody is available when the resident starts: they may queue anyway (then wait).
  const suite = new Suite('no-js', { env: { LOKET_QUEUE_WITHOUT_STAFF: 'true' } });
  let server, rp, sp, panel, loads = 0;

  before(async () => {
    ({ server } = await suite.start());
    sp = await suite.page('agent');
    rp = await suite.page('resident', { javaScriptEnabled: false });
    // Page loads of the conversation page (GET /chat/{token}, any query).
    rp.on('request', (r) => {
      if (r.isNavigationRequest() && r.method() === 'GET' && /^\/chat\/[^/]+$/.test(new URL(r.url()).pathname) && !r.url().includes('/chat/start')) loads += 1;
    });
  });
  after(() => suite.close());

  function ok(check, details) { suite.report.check({ state: 'no-js', check, ok: true, details }); }

  it('starts a chat and waits', async () => {
    await logIn(sp, server, 'bram');
    await startChat(rp, server, 'Kan ik mijn afval ook op zaterdag wegbrengen?');
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'waiting');
    assert.ok(await rp.locator('#refresh-link').isVisible(), 'the refresh link is there without JavaScript');
    ok('started without JavaScript');
  });

  it('follows the refresh link and sees the agent reply (a real request)', async () => {
    await sp.click('button[name=presence][value=available]');
    panel = await acceptFirstOffer(sp);
    const box = panel.locator('textarea');
    await box.fill('Goedemorgen, ja dat kan tot 16:00.');
    await box.press('Enter');
    await panel.locator('.messages li', { hasText: 'tot 16:00' }).waitFor();
    const before = loads;
    await submitAndWait(rp, '#refresh-link');
    assert.equal(loads, before + 1, 'following the link fetched the page from the server');
    await rp.locator('#messages li', { hasText: 'tot 16:00' }).waitFor({ timeout: 2000 });
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'active');
    // Twice in a row works too: each page links to a fresh address.
    const again = loads;
    await submitAndWait(rp, '#refresh-link');
    assert.equal(loads, again + 1, 'the second refresh is a request too');
    ok('refresh link fetched the reply');
  });

  it('answers with the form', async () => {
    await rp.fill('#message', 'Dank u wel.');
    await submitAndWait(rp, '#message-form button[type=submit]');
    await rp.locator('#messages li', { hasText: 'Dank u wel.' }).waitFor({ timeout: 2000 });
    await panel.locator('.messages li', { hasText: 'Dank u wel.' }).waitFor();
    ok('answered by form');
  });

  it('ends the conversation and reads the transcript', async () => {
    // Without JavaScript "Gesprek beëindigen" opens a confirmation page first.
    await endChat(rp);
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'ended');
    await submitAndWait(rp, 'a[href$="/transcript"]');
    const text = await rp.textContent('main');
    assert.match(text, /Kan ik mijn afval ook op zaterdag wegbrengen\?/);
    assert.match(text, /tot 16:00/);
    assert.match(text, /Dank u wel\./);
    ok('ended and read the transcript');
  });

  it('no script errors', () => suite.assertNoScriptErrors('no-js'));
});
