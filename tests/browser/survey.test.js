// The satisfaction survey in a real browser (issue 16): a resident whose chat was answered
// sees the questions as soon as the agent ends it, answers them by keyboard alone (an
// empty form first: the errors are announced and lead to their questions), and is thanked;
// a resident who stopped waiting gets no questions. On a kiosk the answers are large
// touch targets, the page is not wiped while the questions wait, and it is wiped after
// the thanks. Every state passes axe at 1280x800 and 390x844 (screenshots in report/).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, startChat, acceptFirstOffer, endChat } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;

describe('satisfaction survey after a contact', { skip }, () => {
  const suite = new Suite('survey');
  let server, rp, rp2, ap, sp, kp;

  before(async () => {
    ({ server } = await suite.start());
    rp = await suite.page('resident');
    rp2 = await suite.page('resident who stops waiting');
    ap = await suite.page('agent');
    sp = await suite.page('team leader');
    kp = await suite.page('kiosk');
  });

  after(() => suite.close());

  /** The agent ends the chat on the console (and says yes when asked). */
  async function agentEnds(panel) {
    await panel.locator('form[action$="/end"] button[type=submit]').click();
    await ap.locator('#confirm-dialog[open] #confirm-yes').click();
    await ap.locator('#confirm-dialog[open]').waitFor({ state: 'detached' }).catch(() => {});
  }

  it('the agent ends an answered chat: the resident is asked, on the same page', async () => {
    await logIn(ap, server, 'anna', { available: true });
    await startChat(rp, server, 'Waar vind ik mijn aanslag?', { name: 'Enquête Inwoner' });
    const panel = await acceptFirstOffer(ap);
    await rp.locator('#chat[data-status=active]').waitFor();
    await agentEnds(panel);
    // The page turns into the ended page by itself, with the questions.
    await rp.locator('#survey-form').waitFor({ timeout: 10000 });
    assert.equal(await rp.textContent('h1'), 'Het gesprek is beëindigd');
    assert.equal(await rp.textContent('#survey-title'), 'Wat vond u van dit contact?');
    assert.match(await rp.title(), /^Gesprek beëindigd - /);
    // Each answer has its words, not only a number; no question about the picture.
    assert.equal(await rp.getByRole('radio', { name: '1 – Heel ontevreden' }).count(), 1);
    assert.equal(await rp.getByRole('radio', { name: '5 – Heel tevreden' }).count(), 1);
    assert.equal(await rp.getByRole('group', { name: 'Is uw vraag beantwoord?' }).count(), 1);
    assert.equal(await rp.getByRole('group', { name: /Kon u elkaar goed zien/ }).count(), 0);
    await suite.checkSizes(rp, 'survey on the ended chat', '/chat/{token}');
  });

  it('by keyboard: an empty form gets its errors, which lead to the questions; then the answers are sent', async () => {
    await rp.getByRole('button', { name: 'Antwoorden versturen' }).focus();
    await Promise.all([rp.waitForNavigation(), rp.keyboard.press('Enter')]);
    const summary = rp.locator('#error-summary[role=alert]');
    await summary.waitFor();
    assert.match(await rp.title(), /^Fout: /);
    assert.match(await summary.textContent(), /Kies hoe tevreden u bent\./);
    assert.match(await summary.textContent(), /Kies of uw vraag is beantwoord\./);
    await suite.checkSizes(rp, 'survey with errors', '/chat/{token}');
    // The summary's first link leads to the first answer of its question.
    await summary.getByRole('link', { name: 'Kies hoe tevreden u bent.' }).focus();
    await rp.keyboard.press('Enter');
    await rp.waitForFunction(() => document.activeElement?.id === 'survey-satisfaction-1');
    // Arrow keys choose within the group: 1 -> 4.
    for (let i = 0; i < 3; i += 1) await rp.keyboard.press('ArrowRight');
    assert.equal(await rp.isChecked('#survey-satisfaction-4'), true);
    // Tab to the next question; Space answers "Ja".
    await rp.keyboard.press('Tab');
    assert.equal(await rp.evaluate(() => document.activeElement?.id), 'survey-answered-yes');
    await rp.keyboard.press('Space');
    assert.equal(await rp.isChecked('#survey-answered-yes'), true);
    await rp.keyboard.press('Tab');
    assert.equal(await rp.evaluate(() => document.activeElement?.id), 'survey-comment');
    await rp.keyboard.type('Duidelijk uitgelegd.');
    await rp.keyboard.press('Tab');
    assert.equal(await rp.evaluate(() => document.activeElement?.textContent.trim()), 'Antwoorden versturen');
    await Promise.all([rp.waitForNavigation(), rp.keyboard.press('Enter')]);
    await rp.locator('#survey-thanks').waitFor();
    assert.match(await rp.title(), /^Bedankt voor uw antwoorden - /);
    assert.equal(await rp.locator('#survey-form').count(), 0);
    await suite.checkSizes(rp, 'survey answered (thanks)', '/chat/{token}');
  });

  it('a resident who stops waiting is not asked', async () => {
    await ap.click('button[name=presence][value=away]');
    await ap.locator('#presence[data-presence=away]').waitFor();
    await startChat(rp2, server, 'Tweede vraag');
    await endChat(rp2);
    assert.equal(await rp2.textContent('h1'), 'Het gesprek is beëindigd');
    assert.equal(await rp2.locator('#survey').count(), 0);
  });

  it('on a kiosk: large answers, no wipe while the questions wait, wiped after the thanks', async () => {
    // Register and enrol a kiosk (the flow of kiosk.test.js).
    await logIn(sp, server, 'teamleider');
    await sp.goto(server.url('/staff/kiosks'));
    await sp.fill('#kiosk-name', 'Zuil enquête');
    await sp.fill('#kiosk-location', 'Stadskantoor Zuid');
    await sp.fill('#kiosk-idle', '120');
    await Promise.all([sp.waitForNavigation(), sp.click('main form button[type=submit]')]);
    const link = (await sp.textContent('#enrol-link')).trim();
    await kp.goto(link);
    await Promise.all([kp.waitForURL('**/kiosk'), kp.click('main form button[type=submit]')]);
    await ap.click('button[name=presence][value=available]');
    await ap.locator('#presence[data-presence=available]').waitFor();
    await kp.reload();
    await kp.clock.install();
    await Promise.all([kp.waitForURL(/\/chat\/[^/]+$/), kp.locator('.kiosk-channels button', { hasText: 'Typen' }).click()]);
    const panel = await acceptFirstOffer(ap);
    await kp.locator('#chat[data-status=active]').waitFor();
    await agentEnds(panel);
    await kp.locator('#chat[data-status=ended]').waitFor();
    // The page reloads itself 1.5 s after the end (the kiosk's clock is driven).
    await Promise.all([kp.waitForNavigation(), kp.clock.fastForward(2000)]);
    await kp.locator('#survey-form').waitFor();
    const box = await kp.locator('label[for=survey-satisfaction-5]').boundingBox();
    assert.ok(box.height >= 44, `a large touch target: ${Math.round(box.height)} px high`);
    await suite.check(kp, 'survey on a kiosk', { key: '/chat/{token}' });
    // An ended page without questions is wiped after 10 s; with questions it waits.
    await kp.clock.fastForward(15000);
    assert.match(new URL(kp.url()).pathname, /^\/chat\//, 'not wiped while the questions wait');
    await kp.locator('label[for=survey-satisfaction-5]').click();
    await kp.locator('label[for=survey-answered-yes]').click();
    await Promise.all([kp.waitForNavigation(), kp.getByRole('button', { name: 'Antwoorden versturen' }).click()]);
    await kp.locator('#survey-thanks').waitFor();
    await suite.check(kp, 'survey answered on a kiosk', { key: '/chat/{token}' });
    await Promise.all([kp.waitForURL('**/kiosk'), kp.clock.fastForward(11000)]);
    assert.doesNotMatch(await kp.content(), /Bedankt voor uw antwoorden/);
    suite.assertNoScriptErrors('survey');
  });
});
