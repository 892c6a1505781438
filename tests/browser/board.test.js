// The live wallboard in a real browser (issue 16): the team leader opens "Overzicht" from
// the menu, sees a waiting resident appear without reloading and the longest wait count
// on, reads the conversation (read-only), moves the resident to another queue with the
// keyboard only, makes a wall screen link (and gets a clear error without a name) whose
// page shows the board without names, and sees a clear warning when the server stops.
// Every state is audited and checked with axe at 1280x800 and 390x844 (screenshots in
// report/).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL, DEMO_PASSWORD } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { startChat } from './lib/flows.js';
import { tabTo } from './lib/keys.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and stops the server' : false;

/** A cell of a queue's row on the board, by the queue's name. */
function queueCell(page, name, field) {
  return page.locator('#board-queues tbody tr').filter({ has: page.locator('th', { hasText: name }) }).locator(`[data-field=${field}]`);
}

describe('wallboard: live queues, moving a contact, reading along, a wall screen', { skip }, () => {
  const suite = new Suite('board');
  let server, sp, rp, tv;
  let tvPath;

  before(async () => {
    ({ server } = await suite.start());
    sp = await suite.page('team leader');
    rp = await suite.page('resident');
    tv = await suite.page('wall screen');
  });

  after(() => suite.close());

  it('the team leader opens Overzicht from the menu', async () => {
    await sp.goto(server.url('/staff/login'));
    await sp.fill('#username', 'teamleider');
    await sp.fill('#password', DEMO_PASSWORD);
    await Promise.all([sp.waitForURL('**/staff**'), sp.click('main form button[type=submit]')]);
    await Promise.all([sp.waitForURL('**/staff/overzicht'), sp.click('header nav a[href="/staff/overzicht"]')]);
    assert.equal(await sp.textContent('h1'), 'Overzicht');
    assert.match(await sp.textContent('#board-updated'), /^Bijgewerkt om \d\d:\d\d:\d\d$/);
    assert.equal(await queueCell(sp, 'Chat met een medewerker', 'waiting').textContent(), '0');
    // States in words beside the colour.
    assert.match(await queueCell(sp, 'Gebarentolk', 'level').textContent(), /Niet in orde/);
    assert.match(await sp.textContent('#board-queues'), /Geen tolk vrij/);
    await suite.checkSizes(sp, 'board (quiet)', '/staff/overzicht');
  });

  it('a resident starts waiting: the board shows it live and the wait counts on', async () => {
    const before = await sp.textContent('#board-updated');
    await startChat(rp, server, 'Vraag voor het overzicht', { name: 'Bord Inwoner' });
    const waiting = queueCell(sp, 'Chat met een medewerker', 'waiting');
    await sp.waitForFunction((el) => el.textContent === '1', await waiting.elementHandle(), { timeout: 10000 });
    assert.notEqual(await sp.textContent('#board-updated'), before, '"last updated" moved on');
    const longest = queueCell(sp, 'Chat met een medewerker', 'longest');
    const first = await longest.textContent();
    await sp.waitForTimeout(2200);
    const later = await longest.textContent();
    assert.notEqual(later, first, `the longest wait counts on (${first} then ${later})`);
    assert.match(later, /^\d+:\d\d$/);
    // The contact is listed, without the resident's name.
    const row = sp.locator('#board-contacts tr').first();
    await row.waitFor();
    assert.match(await row.textContent(), /C-\d+/);
    assert.doesNotMatch(await sp.textContent('main'), /Bord Inwoner/);
    await suite.checkSizes(sp, 'board (a resident waiting)', '/staff/overzicht');
  });

  it('the team leader reads the conversation, read-only', async () => {
    const link = sp.locator('#board-contacts a').first();
    await Promise.all([sp.waitForURL(/\/staff\/overzicht\/gesprek\/\d+$/), link.click()]);
    assert.match(await sp.textContent('h1'), /^Gesprek C-\d+ \(alleen lezen\)$/);
    assert.match(await sp.textContent('main'), /Vraag voor het overzicht/);
    assert.equal(await sp.locator('main textarea, main form[method=post]').count(), 0, 'no reply box');
    await suite.checkSizes(sp, 'board conversation (read-only)', '/staff/overzicht/gesprek/{id}');
    await Promise.all([sp.waitForURL(/\/staff\/overzicht/), sp.click('a.back-link')]);
  });

  it('by keyboard, the team leader moves the resident to another queue', async () => {
    await sp.locator('#board-contacts select').first().waitFor();
    await sp.locator('h1').focus();
    const select = await tabTo(sp, (f) => f.tag === 'select' && f.id.startsWith('move-'), { label: 'the move list' });
    // The only other chat queue is already chosen; Tab on to the button and press Enter.
    assert.match(await sp.locator(`#${select.id} option:checked`).textContent(), /belastingen/);
    await tabTo(sp, (f) => f.tag === 'button' && /Verplaatsen/.test(f.text), { label: 'the move button' });
    await Promise.all([sp.waitForURL(/gedaan=verplaatst/), sp.keyboard.press('Enter')]);
    assert.match(await sp.textContent('main .notice-box'), /andere wachtrij/);
    assert.equal(await queueCell(sp, 'Chat over belastingen', 'waiting').textContent(), '1');
    assert.equal(await queueCell(sp, 'Chat met een medewerker', 'waiting').textContent(), '0');
    // The resident is told, and still waits.
    await rp.locator('#messages li', { hasText: 'andere wachtrij' }).waitFor();
    await suite.checkSizes(sp, 'board (moved)', '/staff/overzicht');
  });

  it('a wall screen link: an error without a name, then the screen without names', async () => {
    await sp.click('#tv form button[type=submit]');
    await sp.locator('.error-summary').waitFor();
    await suite.checkSizes(sp, 'board (wall screen link error)', '/staff/overzicht');
    await sp.fill('#tv-label', 'KCC tweede verdieping');
    await Promise.all([sp.waitForURL(/\/staff\/overzicht/), sp.click('#tv form button[type=submit]')]);
    const url = await sp.textContent('#tv-new a.tv-link');
    tvPath = new URL(url).pathname;
    await suite.checkSizes(sp, 'board (new wall screen link)', '/staff/overzicht');
    await tv.goto(server.url(tvPath));
    assert.equal(await tv.textContent('h1'), 'Wachtrijen');
    assert.equal(await queueCell(tv, 'Chat over belastingen', 'waiting').textContent(), '1');
    const text = await tv.textContent('main');
    assert.doesNotMatch(text, /Bord Inwoner|Vraag voor het overzicht|Anna de Vries/);
    assert.equal(await tv.locator('form').count(), 0, 'no controls on the wall');
    await suite.checkSizes(tv, 'wall screen', '/tv/{token}');
  });

  it('when the server stops, the board says its figures are no longer current', async () => {
    assert.equal(await sp.isVisible('#board-stale'), false);
    await server.halt();
    await sp.locator('#board-stale').waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await sp.textContent('#board-stale'), /niet meer actueel/);
    await tv.locator('#board-stale').waitFor({ state: 'visible', timeout: 15000 });
    await server.spawn();
    await sp.locator('#board-stale').waitFor({ state: 'hidden', timeout: 30000 });
    suite.assertNoScriptErrors('wallboard');
  });
});
