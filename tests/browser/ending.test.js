// Ending by accident (issue 12, item 5): "Stoppen met wachten" and "Gesprek beëindigen"
// ask first, in an accessible dialog with JavaScript and on a confirmation page without;
// "Nee" leaves everything as it was. On a phone the message box and the send button stay
// in view while the log grows: the log scrolls, not the page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, acceptFirstOffer, startChat, submitAndWait } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;

describe('asking before ending', { skip }, () => {
  const suite = new Suite('ending', { env: { LOKET_QUEUE_WITHOUT_STAFF: 'true' } });
  let server;

  before(async () => { ({ server } = await suite.start()); });
  after(() => suite.close());

  it('with JavaScript: a dialog asks, "Nee" keeps the place, "Ja" stops', async () => {
    const rp = await suite.page('resident');
    await startChat(rp, server, 'Waar kan ik een parkeervergunning aanvragen?');
    const link = rp.getByRole('link', { name: 'Stoppen met wachten' });
    await link.click();
    const dialog = rp.getByRole('dialog', { name: 'Wilt u stoppen met wachten?' });
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /U verliest dan uw plek in de wachtrij\./);
    // Focus starts on the safe answer; the page behind is inert (modal).
    assert.equal(await rp.evaluate(() => document.activeElement.id), 'end-cancel');
    await suite.check(rp, 'stop-waiting dialog open', { key: '/chat/{token}' });
    await rp.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await rp.evaluate(() => document.activeElement.id), 'end-link', 'focus returns to the link');
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'waiting');
    await link.click();
    await rp.getByRole('button', { name: 'Nee, ga terug naar het gesprek' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'waiting', '"Nee" leaves the resident waiting');
    // The same question as a page (what a browser without JavaScript gets); audited here,
    // since the auditor runs scripts in the page.
    const chatPath = new URL(rp.url()).pathname;
    await rp.goto(server.url(`${chatPath}/beeindigen`));
    assert.equal(await rp.locator('h1').textContent(), 'Wilt u stoppen met wachten?');
    assert.match(await rp.title(), /^Wilt u stoppen met wachten\?/);
    await suite.check(rp, 'stop-waiting confirmation page', { key: '/chat/{token}/beeindigen' });
    await submitAndWait(rp, rp.getByRole('link', { name: 'Nee, ga terug naar het gesprek' }));
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'waiting');
    await link.click();
    await submitAndWait(rp, rp.getByRole('button', { name: 'Ja, stop met wachten' }));
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'abandoned');
    assert.equal(await rp.locator('h1').textContent(), 'Het gesprek is beëindigd');
  });

  it('without JavaScript: a confirmation page asks first', async () => {
    const sp = await suite.page('agent');
    await logIn(sp, server, 'bram', { available: true });
    const rp = await suite.page('resident (no JavaScript)', { javaScriptEnabled: false });
    await startChat(rp, server, 'Hoe vraag ik een uittreksel aan?');
    const panel = await acceptFirstOffer(sp);
    await panel.locator('textarea').waitFor();
    await submitAndWait(rp, '#refresh-link');
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'active');
    await submitAndWait(rp, rp.getByRole('link', { name: 'Gesprek beëindigen' }));
    assert.equal(await rp.locator('h1').textContent(), 'Wilt u het gesprek beëindigen?');
    assert.match(await rp.title(), /^Wilt u het gesprek beëindigen\?/);
    await submitAndWait(rp, rp.getByRole('link', { name: 'Nee, ga terug naar het gesprek' }));
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'active', '"Nee" changes nothing');
    await submitAndWait(rp, rp.getByRole('link', { name: 'Gesprek beëindigen' }));
    await submitAndWait(rp, rp.getByRole('button', { name: 'Ja, beëindig het gesprek' }));
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'ended');
    assert.match(await rp.textContent('#messages'), /U heeft het gesprek beëindigd\./);
    await sp.close();
  });

  it('on a phone the message box stays in view while the log grows', async () => {
    const sp = await suite.page('agent 2');
    await logIn(sp, server, 'bram', { available: true });
    const rp = await suite.page('resident on a phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await startChat(rp, server, 'Ik heb een vraag over de afvalkalender.');
    const panel = await acceptFirstOffer(sp);
    await rp.locator('#chat[data-status=active]').waitFor();
    const box = panel.locator('textarea');
    await rp.focus('#message');
    await rp.locator('#message-form button[type=submit]').scrollIntoViewIfNeeded();
    const inView = () => rp.evaluate(() => {
      const r = (sel) => document.querySelector(sel).getBoundingClientRect();
      const send = r('#message-form button[type=submit]');
      const message = r('#message');
      return { send: send.top >= 0 && send.bottom <= innerHeight, box: message.top >= 0 && message.bottom <= innerHeight, height: document.documentElement.scrollHeight };
    });
    const first = await inView();
    assert.ok(first.send && first.box, `box and send button in view: ${JSON.stringify(first)}`);
    // At an agent's pace (each reply shown before the next; the server limits bursts).
    for (let i = 1; i <= 14; i += 1) {
      await box.fill(`Regel ${i}: de afvalkalender staat ook in de app van de gemeente.`);
      await box.press('Enter');
      await rp.locator('#messages li', { hasText: `Regel ${i}:` }).waitFor();
    }
    const later = await inView();
    assert.ok(later.send && later.box, `box and send button still in view after 14 more messages: ${JSON.stringify(later)}`);
    assert.equal(later.height, first.height, 'the page did not grow: the log scrolls');
    await suite.check(rp, 'active chat on a phone with a long log', { key: '/chat/{token}' });
    await sp.close();
  });

  it('no script errors', () => suite.assertNoScriptErrors('ending'));
});
