// A left message is asynchronous work, in a real browser: a resident leaves a message
// choosing "Ik kom zelf terug", the confirmation states the configured promise, an agent
// picks it up in Berichten and answers in writing, and the resident opens their link and
// reads the answer (heading, title, status), never a queue. Every new page is audited
// (lib/audit.js at 1280 and 320 px) and also checked with axe at 1280x800 and 390x844,
// with screenshots of both in report/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, submitAndWait } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;

// No [mail] relay (so no e-mail option), and a promise of 3 working days.
const configDir = mkdtempSync(join(tmpdir(), 'loket-messages-'));
const config = join(configDir, 'loket.toml');
writeFileSync(config, '[messages]\nanswer_within_days = 3\n');

describe('left messages: Berichten and the resident\'s link', { skip }, () => {
  const suite = new Suite('messages', { env: { LOKET_CONFIG: config } });
  let server, rp, ap, link;

  before(async () => {
    ({ server } = await suite.start());
    rp = await suite.page('resident');
    ap = await suite.page('agent');
  });

  after(() => suite.close());

  /** The suite's audit, plus axe with zero violations at 1280x800 and 390x844 (screenshots). */
  const check = (page, name, key) => suite.checkSizes(page, name, key);

  it('a resident leaves a message and comes back later ("Ik kom zelf terug")', async () => {
    await rp.goto(server.url('/bericht'));
    assert.equal(await rp.locator('#reach-email').count(), 0, 'no e-mail choice without a mail relay');
    await rp.fill('#name', 'Kees');
    await rp.fill('#message', 'Mijn container is niet geleegd.\nKunt u dat regelen?');
    await rp.check('#reach-return');
    await Promise.all([rp.waitForURL(/\/bericht\/[^/]+$/), rp.click('main form button[type=submit]')]);
    link = new URL(rp.url()).pathname;
    assert.equal(await rp.textContent('h1'), 'Uw bericht is ontvangen');
    assert.match(await rp.title(), /^Uw bericht is ontvangen - /);
    const status = rp.locator('main [role=status]');
    assert.match(await status.textContent(), /U krijgt binnen 3 werkdagen antwoord\./);
    assert.match(await status.textContent(), /B-\d{3}-\d{3}/);
    assert.match(await status.textContent(), /nog niet beantwoord/);
    const main = await rp.textContent('main');
    assert.match(main, /Mijn container is niet geleegd\./);
    assert.doesNotMatch(main, /wachtrij|gebarentolk|nummer \d/i, 'not a live-chat page');
    assert.ok(main.includes(link), 'the link to keep is on the page');
    await check(rp, 'message received (return)', '/bericht/{token}');
  });

  it('an agent finds it in Berichten, picks it up and answers in writing', async () => {
    await logIn(ap, server, 'anna');
    await Promise.all([ap.waitForURL('**/staff/berichten'), ap.click('header a[href="/staff/berichten"]')]);
    assert.equal(await ap.textContent('h1'), 'Berichten');
    const item = ap.locator('#inbox-open li', { hasText: 'Mijn container is niet geleegd.' });
    await item.waitFor();
    assert.match(await item.textContent(), /Nieuw/);
    assert.match(await item.textContent(), /minuten? geleden/);
    await check(ap, 'berichten list (new)', '/staff/berichten');

    await submitAndWait(ap, item.locator('h3 a'));
    assert.match(await ap.title(), /^Bericht B-\d{3}-\d{3} - /);
    await check(ap, 'bericht (new)', '/staff/berichten/{id}');
    await submitAndWait(ap, 'main form button[type=submit]');
    assert.match(await ap.textContent('main [role=status]'), /U heeft dit bericht opgepakt\./);
    assert.match(await ap.textContent('.inbox-state'), /Opgepakt door Anna de Vries/);
    // An empty answer: the error summary and the field error.
    await submitAndWait(ap, 'main form button[type=submit]');
    await ap.locator('#error-summary').waitFor();
    assert.match(await ap.title(), /^Fout:/);
    assert.equal(await ap.getAttribute('#answer', 'aria-invalid'), 'true');
    await check(ap, 'bericht answer with errors', '/staff/berichten/{id}');
    await ap.fill('#answer', 'We legen uw container morgen alsnog.\nMet vriendelijke groet, Anna');
    await check(ap, 'bericht picked up (answer form)', '/staff/berichten/{id}');
    await submitAndWait(ap, 'main form button[type=submit]');
    assert.match(await ap.textContent('main [role=status]'), /Het bericht is beantwoord\./);
    await check(ap, 'bericht answered', '/staff/berichten/{id}');

    await ap.goto(server.url('/staff/berichten'));
    const done = ap.locator('#inbox-answered li', { hasText: 'Mijn container' });
    assert.match(await done.textContent(), /Beantwoord door Anna de Vries/);
    await check(ap, 'berichten list (answered)', '/staff/berichten');
  });

  it('the resident opens their link and reads the answer', async () => {
    await rp.goto(server.url(link));
    assert.equal(await rp.textContent('h1'), 'Antwoord op uw bericht');
    assert.match(await rp.title(), /^Antwoord op uw bericht - /);
    assert.match(await rp.textContent('main [role=status]'), /Beantwoord op \d{2}-\d{2}-\d{4} \d{2}:\d{2}\./);
    const answer = rp.locator('section[aria-labelledby=answer-title]');
    assert.match(await answer.textContent(), /We legen uw container morgen alsnog\./);
    assert.doesNotMatch(await rp.textContent('main'), /wachtrij|gebarentolk/i);
    await check(rp, 'message answered (resident)', '/bericht/{token}');
    suite.assertNoScriptErrors('messages journey');
  });
});
