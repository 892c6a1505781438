// Reports in a real browser (issue 16): a resident chats with an agent, who wraps the
// conversation up as resolved; a second resident stops waiting at once (a short abandon).
// The team leader opens "Rapportage" from the menu and sees those numbers with what each
// counts, opens the contacts behind a number by keyboard, gets a clear error for a
// custom period without dates, and an agent is refused. Every state is audited and
// checked with axe at 1280x800 and 390x844, with screenshots in report/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, startChat, acceptFirstOffer, endChat } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;

/** The value of a figure row on the report, by its name. */
async function figure(page, name) {
  const row = page.locator('#figures tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${name}$`) }) });
  // The number, without the link's hidden words (": toon de contacten achter ...").
  return (await row.locator('td.num').textContent()).split(':')[0].trim();
}

describe('reports: the team leader sees what happened, with definitions and the contacts behind each number', { skip }, () => {
  const suite = new Suite('reports');
  let server, rp, rp2, ap, sp;
  let conversation;

  before(async () => {
    ({ server } = await suite.start());
    rp = await suite.page('resident');
    rp2 = await suite.page('resident 2');
    ap = await suite.page('agent');
    sp = await suite.page('team leader');
  });

  after(() => suite.close());

  it('a chat is answered, ended and wrapped up as resolved; another resident stops waiting at once', async () => {
    await logIn(ap, server, 'anna', { available: true });
    await startChat(rp, server, 'Waar vind ik mijn aanslag?', { name: 'Rapport Inwoner' });
    const panel = await acceptFirstOffer(ap);
    conversation = Number((await panel.getAttribute('id')).replace(/\D+/g, ''));
    await endChat(rp);
    const wrapup = ap.locator(`#wrapup-${conversation}`);
    await wrapup.waitFor();
    await wrapup.locator(`#wrapup-resolved-${conversation}-ja`).check();
    await wrapup.locator('form button[type=submit]').click();
    await wrapup.waitFor({ state: 'detached' });
    // Nobody available: the second resident waits, and leaves at once.
    await ap.click('button[name=presence][value=away]');
    await ap.locator('#presence[data-presence=away]').waitFor();
    await startChat(rp2, server, 'Tweede vraag');
    await endChat(rp2);
  });

  it('the team leader opens the report from the menu: numbers with their meaning', async () => {
    await sp.goto(server.url('/staff/login'));
    await sp.fill('#username', 'teamleider');
    await sp.fill('#password', (await import('./lib/harness.js')).DEMO_PASSWORD);
    await Promise.all([sp.waitForURL('**/staff**'), sp.click('main form button[type=submit]')]);
    await Promise.all([sp.waitForURL('**/staff/rapportage'), sp.click('header nav a[href="/staff/rapportage"]')]);
    assert.equal(await sp.textContent('h1'), 'Rapportage');
    assert.match(await sp.title(), /^Rapportage - /);
    assert.match(await sp.textContent('main [role=status]'), /\(tijd in Nederland\)\. 2 contacten\./);
    assert.equal(await figure(sp, 'Aangeboden'), '2');
    assert.equal(await figure(sp, 'Beantwoord'), '1');
    assert.equal(await figure(sp, 'Kort afgehaakt \\(binnen 5 seconden\\)'), '1');
    assert.equal(await figure(sp, 'Afgehaakt'), '0');
    assert.equal(await figure(sp, 'Opgelost in het eerste contact'), '1');
    assert.equal(await figure(sp, 'Percentage opgelost in het eerste contact'), '100,0%');
    assert.match(await sp.textContent('#figures'), /Nooit een gemiddelde van gemiddelden\./);
    // The norms say met or not in words, not by colour alone.
    assert.match(await sp.textContent('#norms'), /Beantwoord binnen 30 seconden/);
    // The chart has its numbers in a table beside it.
    assert.equal(await sp.getAttribute('svg.bar-chart', 'role'), 'img');
    assert.match(await sp.textContent('#by-hour'), /maandag/);
    await suite.checkSizes(sp, 'reports (today)', '/staff/rapportage');
  });

  it('by keyboard, a number opens the contacts behind it', async () => {
    const link = sp.locator('#figures').getByRole('link', { name: /^1\W*toon de contacten achter Beantwoord$/ });
    await link.focus();
    await Promise.all([sp.waitForURL(/cijfer=answered/), sp.keyboard.press('Enter')]);
    assert.equal(await sp.textContent('#lijst-title'), 'Contacten achter: Beantwoord');
    const rows = sp.locator('#drill-table tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), new RegExp(`C-${conversation}`));
    // No resident's name or question in the report.
    assert.doesNotMatch(await sp.textContent('main'), /Rapport Inwoner|aanslag/);
    await suite.checkSizes(sp, 'reports (contacts behind a number)', '/staff/rapportage');
    await Promise.all([sp.waitForURL(/#cijfers$/), sp.click('a:has-text("Terug naar de cijfers")')]);
  });

  it('a custom period without dates gets a clear error on the field', async () => {
    await sp.goto(server.url('/staff/rapportage'));
    await sp.selectOption('#periode', 'custom');
    await Promise.all([sp.waitForURL(/periode=custom/), sp.click('main form button[type=submit]')]);
    const summary = sp.locator('.error-summary');
    assert.match(await summary.textContent(), /begin- en einddatum/);
    assert.equal(await sp.getAttribute('#van', 'aria-invalid'), 'true');
    await suite.checkSizes(sp, 'reports (custom period, no dates)', '/staff/rapportage');
  });

  it('an agent cannot open the reports', async () => {
    const res = await ap.goto(server.url('/staff/rapportage'));
    assert.equal(res.status(), 403);
    assert.equal(await ap.locator('header nav a[href="/staff/rapportage"]').count(), 0);
  });
});
