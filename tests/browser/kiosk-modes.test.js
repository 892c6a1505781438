// The kiosk as a supervisor manages it and as a resident sees it, with the front door's
// strict rule (nobody free: no queueing):
// - registering a kiosk is Post/Redirect/Get: the enrolment link (and its QR code) is
//   shown once, a reload registers nothing; rename, last seen, revoke (the device is
//   refused at once), delete;
// - every kiosk page stays in kiosk mode: no staff login or footer links, and the
//   language switch returns to the kiosk;
// - when no interpreter is free the kiosk says so, says when to try, and offers to leave a
//   message on the kiosk itself (no greyed-out button);
// - the chat on a kiosk has the kiosk's large layout and one "Klaar, alles wissen" that
//   ends the conversation, wipes the browser and returns to the kiosk's start page.
// Besides the audit (1280 and 320 px), each new state gets axe and a screenshot at
// 1280x800 and 390x844 (report/kiosk-modes-*-1280x800.png, -390x844.png).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn } from './lib/flows.js';
import { runAxe } from './lib/checks.js';
import { REPORT_DIR } from './lib/report.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;
const SECRET = 'Mijn adres is Kerkstraat 12';

describe('kiosk management and kiosk mode', { skip }, () => {
  const suite = new Suite('kiosk-modes', { env: { LOKET_QUEUE_WITHOUT_STAFF: 'false' } });
  let server, sp, kp, ap;
  let link;

  before(async () => {
    ({ server } = await suite.start());
    sp = await suite.page('supervisor');
    kp = await suite.page('kiosk');
    ap = await suite.page('agent');
  });

  after(() => suite.close());

  /** The suite's audit, then axe and a screenshot at 1280x800 and 390x844. */
  async function check(page, name, opts) {
    await suite.check(page, name, opts);
    const original = page.viewportSize();
    for (const [width, height] of [[1280, 800], [390, 844]]) {
      await page.setViewportSize({ width, height });
      const axe = await runAxe(page);
      const file = join(REPORT_DIR, `kiosk-modes-${name.replace(/[^a-z0-9]+/gi, '-')}-${width}x${height}.png`.toLowerCase());
      await page.screenshot({ path: file, fullPage: true });
      assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), [], `${name} at ${width}x${height}`);
    }
    await page.setViewportSize(original);
  }

  /** Every link on the page stays in kiosk mode. */
  async function linksStayOnKiosk(page) {
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
    const out = hrefs.filter((h) => !(h.startsWith('/kiosk') || h.startsWith('/taal/') || h.startsWith('#') || /^\/chat\/[^/]+(#latest)?$/.test(h)));
    assert.deepEqual(out, [], 'links that leave kiosk mode');
    assert.equal(await page.locator('a[href="/staff/login"]').count(), 0, 'no staff login');
    assert.equal(await page.locator('.footer-links').count(), 0, 'no footer links');
    assert.equal(await page.locator('body.kiosk-mode').count(), 1, 'kiosk layout');
  }

  it('registering a kiosk is Post/Redirect/Get; the link and its QR code are shown once', async () => {
    await logIn(sp, server, 'teamleider');
    await sp.goto(server.url('/staff/kiosks'));
    await sp.fill('#kiosk-name', 'Zuil hal');
    await sp.fill('#kiosk-location', 'Stadskantoor Noord');
    await sp.fill('#kiosk-idle', '120');
    await Promise.all([sp.waitForURL('**/staff/kiosks*'), sp.click('#kiosk-register button[type=submit]')]);
    assert.equal(new URL(sp.url()).pathname, '/staff/kiosks', 'the form redirected to the list');
    link = (await sp.textContent('#enrol-link')).trim();
    assert.match(link, /\/kiosk\/aanmelden\/[A-Za-z0-9_-]{43}$/);
    const qr = sp.locator('#enrol-qr');
    assert.match(await qr.getAttribute('alt'), /QR-code met de aanmeldlink van Zuil hal/);
    assert.ok((await qr.boundingBox()).width >= 200, 'the QR code is large enough to scan');
    await check(sp, 'new kiosk with link and QR code', { key: '/staff/kiosks' });
    // Reload: nothing registered again, and the secret link is gone from the page.
    const resp = await sp.reload();
    assert.equal(resp.request().method(), 'GET');
    assert.equal(await sp.locator('#enrol-link').count(), 0);
    assert.equal(await sp.locator('#kiosk-list tbody tr').count(), 1);
  });

  it('the kiosk shows when no interpreter is free, and offers a message instead', async () => {
    await kp.goto(link);
    await Promise.all([kp.waitForURL('**/kiosk'), kp.click('main form button[type=submit]')]);
    // Nobody is online: no channel can start; each says so and when to try.
    const tolk = kp.locator('#unavailable-tolk');
    await tolk.waitFor();
    assert.match(await tolk.textContent(), /Er is nu geen gebarentolk vrij\./);
    assert.match(await tolk.textContent(), /Probeer het straks nog eens\./);
    assert.equal(await kp.locator('.kiosk-closed').count(), 0, 'no greyed-out button');
    const offer = tolk.locator('a.kiosk-message-button');
    assert.equal((await offer.textContent()).trim(), 'Laat een bericht achter');
    const box = await offer.boundingBox();
    assert.ok(box.height >= 56, `large touch target: ${box.height}px`);
    await linksStayOnKiosk(kp);
    await check(kp, 'kiosk nobody free', { key: '/kiosk' });
  });

  it('the language switch stays in kiosk mode', async () => {
    await Promise.all([kp.waitForURL('**/kiosk'), kp.click('header a[hreflang=en]')]);
    assert.equal(await kp.getAttribute('html', 'lang'), 'en');
    assert.match(await kp.textContent('#unavailable-tolk'), /No sign language interpreter is free right now\./);
    await linksStayOnKiosk(kp);
    await check(kp, 'kiosk nobody free english', { key: '/kiosk' });
    await Promise.all([kp.waitForURL('**/kiosk'), kp.click('header a[hreflang=nl]')]);
    assert.equal(await kp.getAttribute('html', 'lang'), 'nl');
  });

  it('a message is left on the kiosk, in the kiosk layout, and wiped after', async () => {
    await Promise.all([kp.waitForURL('**/kiosk/bericht'), kp.click('#unavailable-tolk a.kiosk-message-button')]);
    await linksStayOnKiosk(kp);
    await check(kp, 'kiosk leave a message', { key: '/kiosk/bericht' });
    await Promise.all([kp.waitForURL('**/kiosk/bericht'), kp.click('main form button[type=submit]')]);
    await kp.locator('#error-summary').waitFor();
    await check(kp, 'kiosk leave a message with errors', { key: '/kiosk/bericht' });
    await kp.fill('#message', SECRET);
    await kp.check('#reach-phone');
    await kp.fill('#phone', '06 12345678');
    await Promise.all([kp.waitForURL('**/kiosk/bericht/ontvangen'), kp.click('main form button[type=submit]')]);
    assert.match(await kp.textContent('main'), /B-\d{3}-\d{3}/);
    await linksStayOnKiosk(kp);
    await check(kp, 'kiosk message received', { key: '/kiosk/bericht/ontvangen' });
    await Promise.all([kp.waitForURL('**/kiosk'), kp.click('#kiosk-reset button')]);
    await kp.goBack();
    await kp.waitForLoadState();
    assert.doesNotMatch(await kp.content(), /B-\d{3}-\d{3}/, 'Back shows nothing of it');
    await kp.goto(server.url('/kiosk'));
  });

  it('the chat on a kiosk is large, with one "Klaar, alles wissen" that ends, wipes and returns', async () => {
    await logIn(ap, server, 'anna', { available: true });
    await kp.reload();
    await Promise.all([kp.waitForURL(/\/chat\/[^/]+$/), kp.locator('.kiosk-channels button', { hasText: 'Typen' }).click()]);
    const chatPath = new URL(kp.url()).pathname;
    await linksStayOnKiosk(kp);
    // Large box and buttons.
    const box = await kp.locator('#message').boundingBox();
    assert.ok(box.height >= 120, `large message box: ${box.height}px`);
    const font = await kp.$eval('#message', (el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(font >= 22, `large text in the box: ${font}px`);
    const send = await kp.locator('.message-form button[type=submit]').boundingBox();
    assert.ok(send.height >= 64, `large send button: ${send.height}px`);
    // One way out: "Klaar, alles wissen"; no separate end button.
    assert.equal(await kp.locator('.end-form').count(), 0);
    const done = kp.getByRole('button', { name: 'Klaar, alles wissen' });
    assert.equal(await done.count(), 1);
    assert.ok((await done.boundingBox()).height >= 72, 'a large, clear button');
    await kp.evaluate(() => sessionStorage.setItem('loket.test', 'iets'));
    await kp.fill('#message', SECRET);
    await kp.press('#message', 'Enter');
    await kp.locator('#messages li', { hasText: SECRET }).waitFor();
    await check(kp, 'kiosk chat large layout', { key: '/chat/{token}' });
    // Done: the conversation ends, the browser forgets it, the kiosk's start page is back.
    await Promise.all([kp.waitForURL('**/kiosk'), done.click()]);
    assert.equal(await kp.evaluate(() => sessionStorage.length + localStorage.length), 0);
    assert.doesNotMatch(await kp.content(), new RegExp(SECRET));
    await kp.goto(server.url(chatPath));
    assert.equal(new URL(kp.url()).pathname, '/kiosk', 'the conversation is not shown again');
  });

  it('the list shows last seen; rename, revoke (refused at once) and delete', async () => {
    await sp.goto(server.url('/staff/kiosks'));
    const row = sp.locator('#kiosk-list tbody tr').first();
    assert.doesNotMatch(await row.locator('.kiosk-seen').textContent(), /Nog nooit/);
    assert.match(await row.locator('.kiosk-seen').textContent(), /\d{2}-\d{2}-\d{4} \d{2}:\d{2}/);
    await check(sp, 'kiosk list with last seen', { key: '/staff/kiosks' });
    const card = sp.locator('section.kiosk-manage').first();
    await card.locator('input[name=name]').fill('');
    await Promise.all([sp.waitForNavigation(), card.locator('button', { hasText: 'Naam wijzigen' }).click()]);
    await sp.locator('#error-summary').waitFor();
    await check(sp, 'kiosk rename with an error', { key: '/staff/kiosks' });
    await sp.locator('section.kiosk-manage input[name=name]').first().fill('Zuil bibliotheek');
    await Promise.all([sp.waitForURL('**/staff/kiosks?klaar=hernoemd'), sp.locator('section.kiosk-manage button', { hasText: 'Naam wijzigen' }).first().click()]);
    assert.match(await sp.textContent('#kiosk-list'), /Zuil bibliotheek/);
    await Promise.all([sp.waitForURL('**/staff/kiosks?klaar=ingetrokken'), sp.locator('section.kiosk-manage button', { hasText: 'Intrekken' }).first().click()]);
    assert.match(await sp.textContent('#kiosk-list'), /Ingetrokken/);
    await check(sp, 'kiosk revoked', { key: '/staff/kiosks' });
    const resp = await kp.reload();
    assert.equal(resp.status(), 403, 'the device is refused at once');
    assert.match(await kp.textContent('main'), /niet aangemeld als zuil/);
    await Promise.all([sp.waitForURL('**/staff/kiosks?klaar=verwijderd'), sp.locator('section.kiosk-manage button', { hasText: 'Verwijderen' }).first().click()]);
    assert.equal(await sp.locator('#kiosk-list').count(), 0);
    assert.match(await sp.textContent('main'), /De zuil is verwijderd\./);
  });

  it('no script errors or CSP violations', () => suite.assertNoScriptErrors('kiosk-modes'));
});
