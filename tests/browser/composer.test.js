// The message box (static/js/composer.js) on each of its three pages: the resident's chat,
// a chat panel in the agent console and the staff call page. A message that is refused,
// here (too long) or by the server, keeps its text in the box and says why (an error in a
// role="alert", aria-invalid and aria-describedby on the box); it does not reach the other
// side; the next message goes through and the error goes away.
//
// The server's refusal is real: lib/flows.js refuseMarked() lengthens a marked message on
// its way out of the browser, the server refuses it (message_too_long, with the client id)
// and the page still holds the text the person typed, as after any refusal (not stored,
// disk full: "Your text is still in the box").
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, acceptFirstOffer, startChat, startVideoCall, refuseMarked } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;
const MARK = '[weigeren]';

describe('a refused message stays in the message box', { skip }, () => {
  const suite = new Suite('composer', { media: true });
  let server, rp, cp, vp, bp, panel;
  let max = 2000; // the server's limit, read from the pages below

  before(async () => {
    ({ server } = await suite.start());
    rp = await suite.page('resident (chat)');
    cp = await suite.page('agent (console)');
    vp = await suite.page('resident (video call)');
    bp = await suite.page('agent (staff call)');
    for (const page of [rp, cp, bp]) await refuseMarked(page, MARK, () => max + 1);
  });

  after(() => suite.close());

  /** The box holds `text`, and its live error (role=alert) says `why` and describes the box. */
  async function assertKept(page, box, text, why) {
    const id = await page.getAttribute(box, 'id');
    const error = page.locator(`#${id}-error-live`);
    await error.filter({ hasText: why }).waitFor();
    assert.equal(await page.inputValue(box), text, 'the refused text is back in the box');
    assert.equal(await error.getAttribute('role'), 'alert', 'the reason is announced');
    assert.equal(await page.getAttribute(box, 'aria-invalid'), 'true');
    assert.ok((await page.getAttribute(box, 'aria-describedby')).split(' ').includes(`${id}-error-live`), 'the box is described by the error');
  }

  /** After a message went through: the box is empty and no longer marked invalid. */
  async function assertCleared(page, box) {
    assert.equal(await page.inputValue(box), '');
    assert.equal(await page.getAttribute(box, 'aria-invalid'), null);
    const id = await page.getAttribute(box, 'id');
    assert.equal((await page.textContent(`#${id}-error-live`)).trim(), '');
  }

  it('resident chat: too long here, or refused by the server, the text stays in the box', async () => {
    await startChat(rp, server, 'Hoe vraag ik een parkeervergunning aan?');
    max = Number(await rp.getAttribute('#chat', 'data-max'));
    await logIn(cp, server, 'chris', { available: true });
    panel = await acceptFirstOffer(cp);
    await rp.locator('#chat[data-status=active]').waitFor();
    // Longer than the limit (the resident's box has no maxlength): refused before it is sent.
    const long = 'Een heel lang verhaal. '.repeat(Math.ceil(max / 23) + 1).trim();
    assert.ok([...long].length > max);
    await rp.fill('#message', long);
    await rp.press('#message', 'Enter');
    await assertKept(rp, '#message', long, new RegExp(`maximaal ${max} tekens`));
    // Refused by the server.
    const text = `Ik heb ook een vraag over mijn buren ${MARK}`;
    await rp.fill('#message', text);
    await rp.press('#message', 'Enter');
    await assertKept(rp, '#message', text, /te lang/);
    assert.equal(await rp.evaluate(() => document.activeElement.id), 'message', 'focus stays in the box');
    // The next message goes through; the refused one never reached the agent.
    await rp.fill('#message', 'Dan stel ik die later.');
    await rp.press('#message', 'Enter');
    await panel.locator('.messages li', { hasText: 'Dan stel ik die later.' }).waitFor();
    await assertCleared(rp, '#message');
    assert.doesNotMatch(await panel.locator('.messages').textContent(), /buren|heel lang verhaal/);
  });

  it('agent console: a reply the server refuses goes back in its box', async () => {
    const box = `#${await panel.locator('textarea').getAttribute('id')}`;
    const text = `Dat kan via de website ${MARK}`;
    await cp.fill(box, text);
    await cp.press(box, 'Enter');
    await assertKept(cp, box, text, /te lang/);
    await cp.fill(box, 'Dat kan via de website.');
    await cp.press(box, 'Enter');
    await rp.locator('#messages li', { hasText: 'Dat kan via de website.' }).waitFor();
    await assertCleared(cp, box);
    assert.doesNotMatch(await rp.locator('#messages').textContent(), /weigeren/);
  });

  it('staff call page: a message the server refuses stays in the box', async () => {
    await startVideoCall(vp, server, { met: 'medewerker', question: 'Ik wil graag bellen.' });
    await logIn(bp, server, 'bram', { available: true });
    await acceptFirstOffer(bp, { call: true });
    await vp.locator('#chat[data-status=active]').waitFor();
    max = Number(await bp.getAttribute('#message', 'maxlength'));
    assert.ok(max > 0, 'the box has the server limit as maxlength (the browser keeps to it)');

    // Refused by the server: before the composer the text was lost here, while the
    // server's answer for a message it cannot store says "your text is still in the box".
    const text = `Ik stuur u de link ${MARK}`;
    await bp.fill('#message', text);
    await bp.press('#message', 'Enter');
    await assertKept(bp, '#message', text, /te lang/);
    assert.equal(await bp.evaluate(() => document.activeElement.id), 'message', 'focus is in the box');
    await suite.check(bp, 'staff call with a refused message', { key: '/staff/gesprek/{id}' });

    // The next message goes through; the refused ones never reached the resident.
    await bp.fill('#message', 'Hier is de link.');
    await bp.press('#message', 'Enter');
    await vp.locator('#messages li', { hasText: 'Hier is de link.' }).waitFor();
    await assertCleared(bp, '#message');
    const seen = await vp.locator('#messages').textContent();
    assert.doesNotMatch(seen, /Ik stuur u de link/);
  });

  it('no script errors or CSP violations', () => {
    suite.assertNoScriptErrors('composer');
  });
});
