// The privacy officer's work, in a real browser (issue 15): a resident chats and leaves a
// message; the officer signs in (and lands on the privacy page), finds the resident by
// name, opens the access request (the conversation, the message, who viewed it), places
// and lifts a legal hold, downloads the JSON file, erases everything after the
// confirmation (the figures stay), reads the access log with a filter and sets the
// retention terms. The resident's privacy statement is linked from every footer. Every
// page is audited (lib/audit.js at 1280 and 320 px) and checked with axe at 1280x800 and
// 390x844, with screenshots in report/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AUDITOR_URL, DEMO_PASSWORD } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, startChat, acceptFirstOffer } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;

describe('privacy: the officer finds, exports, holds and erases; the resident reads the statement', { skip }, () => {
  const suite = new Suite('privacy');
  let server, rp, ap, op;

  before(async () => {
    ({ server } = await suite.start());
    rp = await suite.page('resident');
    ap = await suite.page('agent');
    op = await suite.page('officer');
  });

  after(() => suite.close());

  const check = (page, name, key) => suite.checkSizes(page, name, key);

  it('the privacy statement is linked from the footer and names the terms', async () => {
    await rp.goto(server.url('/'));
    await Promise.all([rp.waitForURL('**/privacy'), rp.click('footer a[href="/privacy"]')]);
    assert.equal(await rp.textContent('h1'), 'Privacyverklaring');
    assert.match(await rp.title(), /^Privacyverklaring - /);
    const main = await rp.textContent('main');
    assert.match(main, /Berichten en verslagen\s*90 dagen/);
    assert.match(main, /Wie uw gegevens heeft bekeken\s*730 dagen/);
    assert.match(main, /alleen de laatste 4 cijfers/);
    await check(rp, 'privacy statement', '/privacy');
  });

  it('a resident chats with an agent who reads it (a view is recorded)', async () => {
    await logIn(ap, server, 'anna', { available: true });
    await startChat(rp, server, 'Ik wil mijn gegevens laten wissen.', { name: 'Femke Privé' });
    await acceptFirstOffer(ap);
  });

  it('the officer signs in and lands on the privacy page; finds the resident by name', async () => {
    await op.goto(server.url('/staff/login'));
    await op.fill('#username', 'privacy');
    await op.fill('#password', DEMO_PASSWORD);
    await Promise.all([op.waitForURL('**/staff/privacy'), op.click('main form button[type=submit]')]);
    assert.equal(await op.textContent('h1'), 'Privacy: gegevens van een inwoner');
    await check(op, 'privacy search (empty)', '/staff/privacy');
    // Keyboard only: the search box, then Enter.
    await op.focus('#q');
    await op.keyboard.type('femke privé');
    await Promise.all([op.waitForURL(/\/staff\/privacy\?q=/), op.keyboard.press('Enter')]);
    const status = op.locator('main [role=status]');
    assert.equal((await status.textContent()).trim(), '1 gesprek of bericht gevonden.');
    assert.match(await op.textContent('.found-list'), /Femke Privé/);
    await check(op, 'privacy search (found)', '/staff/privacy');
    await op.fill('#q', 'niemand@example.org');
    await Promise.all([op.waitForURL(/q=niemand/), op.click('main form[role=search] button')]);
    assert.equal((await status.textContent()).trim(), 'Niets gevonden.');
    await check(op, 'privacy search (nothing)', '/staff/privacy');
  });

  it('the access request shows the conversation, its messages and who viewed it; a hold is placed and lifted', async () => {
    await op.goto(server.url('/staff/privacy/inzage?q=' + encodeURIComponent('Femke Privé')));
    assert.equal(await op.textContent('h1'), 'Inzage: alles over deze inwoner');
    const main = await op.textContent('main');
    assert.match(main, /Ik wil mijn gegevens laten wissen\./);
    assert.match(main, /Dit gesprek loopt nog|wordt bewaard tot/);
    await check(op, 'access request', '/staff/privacy/inzage');
    // A hold without a reason: the error, announced and linked.
    await Promise.all([op.waitForLoadState('load'), op.click('button:has-text("Bewaarplicht zetten")')]);
    await op.waitForSelector('.error-summary');
    assert.match(await op.textContent('.error-summary'), /Vul de reden voor de bewaarplicht in\./);
    assert.match(await op.title(), /^Fout: /);
    await check(op, 'access request (hold without reason)', '/staff/privacy/inzage');
    await op.fill('textarea[name=reason]', 'Klacht van 30-11');
    await Promise.all([op.waitForURL(/melding=bewaard/), op.click('button:has-text("Bewaarplicht zetten")')]);
    assert.match(await op.textContent('main [role=status]'), /De bewaarplicht is gezet\./);
    assert.match(await op.textContent('main'), /Klacht van 30-11/);
    await check(op, 'access request (held)', '/staff/privacy/inzage');
    // The JSON file.
    const [download] = await Promise.all([op.waitForEvent('download'), op.click('a:has-text("Downloaden als bestand")')]);
    const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(file.conversations.length, 1);
    assert.equal(file.conversations[0].messages[0].body, 'Ik wil mijn gegevens laten wissen.');
    assert.ok(file.access_log.some((e) => e.action === 'export'), 'the export itself is in the log');
    // Erasing while the hold is in force keeps it.
    await op.goto(server.url('/staff/privacy/wissen?q=' + encodeURIComponent('Femke Privé')));
    await op.check('#confirm');
    await Promise.all([op.waitForLoadState('load'), op.click('button:has-text("Definitief wissen")')]);
    assert.match(await op.textContent('main [role=status]'), /Niet gewist vanwege een bewaarplicht: 1/);
    // Lift the hold.
    await op.goto(server.url('/staff/privacy/inzage?q=' + encodeURIComponent('Femke Privé')));
    await Promise.all([op.waitForURL(/melding=opgeheven/), op.click('button:has-text("Bewaarplicht opheffen")')]);
    assert.match(await op.textContent('main [role=status]'), /De bewaarplicht is opgeheven/);
  });

  it('erasure asks for a confirmation, then erases; the figures stay', async () => {
    await rp.goto(server.url('/'));
    await op.goto(server.url('/staff/privacy/wissen?q=' + encodeURIComponent('Femke Privé')));
    assert.equal(await op.textContent('h1'), 'Gegevens wissen');
    await check(op, 'erase confirmation', '/staff/privacy/wissen');
    await Promise.all([op.waitForLoadState('load'), op.click('button:has-text("Definitief wissen")')]);
    await op.waitForSelector('.error-summary');
    assert.match(await op.textContent('.error-summary'), /Vink aan dat u weet dat wissen niet ongedaan kan worden gemaakt\./);
    await check(op, 'erase confirmation (not ticked)', '/staff/privacy/wissen');
    await op.check('#confirm');
    await Promise.all([op.waitForLoadState('load'), op.click('button:has-text("Definitief wissen")')]);
    assert.equal(await op.textContent('h1'), 'Gegevens gewist');
    assert.match(await op.textContent('main [role=status]'), /Aantal gewist: 1\./);
    await check(op, 'erased', '/staff/privacy/wissen');
    // Gone: the name no longer finds it, the conversation number still does, without content.
    await op.goto(server.url('/staff/privacy?q=' + encodeURIComponent('Femke Privé')));
    assert.equal((await op.locator('main [role=status]').textContent()).trim(), 'Niets gevonden.');
  });

  it('the access log lists who did what, filters, and offers CSV', async () => {
    await op.goto(server.url('/staff/privacy/log'));
    assert.equal(await op.textContent('h1'), 'Toegangslog');
    const table = await op.textContent('#access-log');
    for (const what of ['bekeken', 'gezocht', 'uitgevoerd (inzage)', 'bewaarplicht gezet', 'bewaarplicht opgeheven', 'gewist']) {
      assert.ok(table.includes(what), `the log names "${what}"`);
    }
    assert.match(table, /Anna de Vries \(medewerker\)/, 'the agent\'s view is recorded');
    await check(op, 'access log', '/staff/privacy/log');
    await op.selectOption('#actie', 'erase');
    await Promise.all([op.waitForURL(/actie=erase/), op.click('button:has-text("Filteren")')]);
    const rows = await op.locator('#access-log tbody tr').count();
    assert.equal(rows, 1);
    await op.fill('#van', '30-11-2026');
    await Promise.all([op.waitForLoadState('load'), op.click('button:has-text("Filteren")')]);
    assert.match(await op.textContent('.error-summary'), /Vul een datum in als jjjj-mm-dd/);
    await check(op, 'access log (date error)', '/staff/privacy/log');
    const csv = await op.evaluate(async () => (await fetch('/staff/privacy/log.csv?actie=erase')).text());
    assert.match(csv.split('\n')[0], /^id,time,user,role,action/);
    assert.equal(csv.trim().split('\n').length, 2);
  });

  it('the retention terms are set, checked, and the next clean-up is previewed', async () => {
    await op.goto(server.url('/staff/privacy/bewaartermijnen'));
    assert.equal(await op.textContent('h1'), 'Bewaartermijnen');
    assert.match(await op.textContent('main'), /worden 0 gesprekken verwijderd|wordt 1 gesprek verwijderd|worden \d+ gesprekken verwijderd/);
    await check(op, 'retention terms', '/staff/privacy/bewaartermijnen');
    await op.fill('#messages_days', '0');
    await op.fill('#purge_at', '25:00');
    await Promise.all([op.waitForLoadState('load'), op.click('button:has-text("Bewaartermijnen opslaan")')]);
    const summary = await op.textContent('.error-summary');
    assert.match(summary, /Kies een aantal dagen van 1 tot en met 3650\./);
    assert.match(summary, /Vul een tijd in als uu:mm/);
    await check(op, 'retention terms (errors)', '/staff/privacy/bewaartermijnen');
    await op.fill('#messages_days', '60');
    await op.fill('#purge_at', '04:15');
    await Promise.all([op.waitForURL(/opgeslagen/), op.click('button:has-text("Bewaartermijnen opslaan")')]);
    assert.match(await op.textContent('main [role=status]'), /De bewaartermijnen zijn opgeslagen/);
    assert.equal(await op.inputValue('#messages_days'), '60');
    await check(op, 'retention terms (saved)', '/staff/privacy/bewaartermijnen');
    await rp.goto(server.url('/privacy'));
    assert.match(await rp.textContent('main'), /Berichten en verslagen\s*60 dagen/);
  });
});
