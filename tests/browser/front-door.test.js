// The front door in a real browser, with the default rule (no queueing while nobody is
// online): a supervisor sets opening hours, a closed queue shows when it opens and the
// message form, a message waits in the agent's Berichten list. Every page is audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, goAvailable } from './lib/flows.js';

// The one day the chat queue will be open: 30 days from now, in Dutch words.
const openDay = (() => {
  const d = new Date(Date.now() + 30 * 86400000);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const nl = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', weekday: 'long', day: 'numeric', month: 'long' }).format(d);
  return { iso: parts, nl };
})();

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;

describe('front door: opening hours and messages out of hours', { skip }, () => {
  const suite = new Suite('front-door', { env: { LOKET_QUEUE_WITHOUT_STAFF: 'false' } });
  let server, rp, sp, ap;

  before(async () => {
    ({ server } = await suite.start());
    rp = await suite.page('resident');
    sp = await suite.page('supervisor');
    ap = await suite.page('agent');
  });

  after(() => suite.close());

  const check = (page, name, opts) => suite.check(page, name, opts);

  it('a supervisor sets opening hours (errors first, then saved)', async () => {
    await logIn(sp, server, 'teamleider');
    await Promise.all([sp.waitForURL('**/staff/openingstijden'), sp.click('header a[href="/staff/openingstijden"]')]);
    await check(sp, 'opening hours (supervisor)', { key: '/staff/openingstijden' });
    const chat = sp.locator('section.hours').first();
    await chat.locator('input[type=checkbox]').check();
    await chat.locator('input[name=day0]').fill('9 tot 5');
    await Promise.all([sp.waitForNavigation(), chat.locator('button[type=submit]').click()]);
    await sp.locator('#error-summary').waitFor();
    assert.match(await sp.title(), /^Fout:/);
    await check(sp, 'opening hours with errors', { key: '/staff/openingstijden' });
    // Closed every day; open only on a date far ahead.
    const again = sp.locator('section.hours').first();
    for (let d = 0; d < 7; d++) await again.locator(`input[name=day${d}]`).fill('');
    await again.locator('textarea').fill(`${openDay.iso}: 09:00-17:00`);
    await Promise.all([sp.waitForNavigation(), again.locator('button[type=submit]').click()]);
    await sp.locator('.notice-box[role=status]').waitFor();
    await check(sp, 'opening hours saved', { key: '/staff/openingstijden' });
  });

  it('short links and QR codes per topic (call deflection)', async () => {
    await Promise.all([sp.waitForURL('**/staff/links'), sp.click('header a[href="/staff/links"]')]);
    const img = sp.locator('main img').first();
    await img.waitFor();
    assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the QR code image loads');
    assert.match(await img.getAttribute('alt'), /QR-code met de link http:\/\/127\.0\.0\.1:\d+\/o\//);
    await check(sp, 'short links per topic', { key: '/staff/links' });
    // The short link opens the chat start page with its topic chosen.
    const href = await sp.locator('main .card a').first().getAttribute('href');
    await rp.goto(server.url(href));
    assert.match(new URL(rp.url()).search, /onderwerp=/);
  });

  it('a closed queue says when it opens and offers the message form', async () => {
    await rp.goto(server.url('/'));
    const card = rp.locator('.card', { hasText: 'Chat met een medewerker' });
    assert.ok((await card.textContent()).includes(`Nu gesloten. We zijn er weer ${openDay.nl} om 09:00.`), await card.textContent());
    assert.equal(await card.locator('a[href="/chat/start"]').count(), 0, 'no start button while closed');
    await check(rp, 'home with a closed queue', { key: '/' });
    await Promise.all([rp.waitForURL('**/bericht'), card.locator('a[href="/bericht"]').click()]);
    await check(rp, 'leave a message (empty)', { key: '/bericht' });
    await rp.fill('#message', 'Mijn container is niet geleegd.');
    // No mail relay is configured here: e-mail is not offered.
    assert.equal(await rp.locator('#reach-email').count(), 0);
    await rp.check('#reach-phone');
    await rp.fill('#phone', '123');
    await Promise.all([rp.waitForNavigation(), rp.click('main form button[type=submit]')]);
    await rp.locator('#error-summary').waitFor();
    assert.equal(await rp.getAttribute('#phone', 'aria-invalid'), 'true');
    await check(rp, 'leave a message with errors', { key: '/bericht' });
    await rp.fill('#phone', '06 12345678');
    await Promise.all([rp.waitForURL(/\/bericht\/[^/]+$/), rp.click('main form button[type=submit]')]);
    assert.match(await rp.textContent('main'), /B-\d{3}-\d{3}/);
    assert.match(await rp.textContent('main'), /06 12345678/);
    await check(rp, 'message received', { key: '/bericht/{token}' });
  });

  it('the message waits in Berichten of the next agent, not as a live chat offer', async () => {
    await logIn(ap, server, 'anna');
    await goAvailable(ap);
    await ap.goto(server.url('/staff/berichten'));
    const item = ap.locator('#inbox-open li', { hasText: 'Mijn container is niet geleegd' });
    await item.waitFor();
    assert.match(await item.textContent(), /06 12345678/);
    await ap.goto(server.url('/staff'));
    assert.equal(await ap.locator('#offers li.offer').count(), 0, 'not offered as a live chat');
  });
});
