// Kiosk mode in a real browser: a supervisor registers a kiosk, its one-time link turns
// a browser into the kiosk, an unregistered browser is refused; a resident starts a chat
// with one touch; the inactivity warning appears (an alert dialog that takes focus), can
// be extended, and when it is not, everything is wiped and the Back button shows nothing
// of the conversation. Time is driven with Playwright's clock. Every page is audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;
// Something personal that is not a number Loket masks or asks about (issue 15: a BSN would be
// held back by the page and stored as *****6782), so the wipe is what hides it.
const SECRET = 'Mijn adres is Kerkstraat 12';

describe('kiosk mode', { skip }, () => {
  const suite = new Suite('kiosk');
  let server, sp, kp, ap, xp;
  let link;

  before(async () => {
    ({ server } = await suite.start());
    sp = await suite.page('supervisor');
    kp = await suite.page('kiosk');
    ap = await suite.page('agent');
    xp = await suite.page('unregistered browser');
  });

  after(() => suite.close());

  const check = (page, name, opts) => suite.check(page, name, opts);

  it('a supervisor registers a kiosk and gets its enrolment link', async () => {
    await logIn(sp, server, 'teamleider');
    await Promise.all([sp.waitForURL('**/staff/kiosks'), sp.click('header a[href="/staff/kiosks"]')]);
    await check(sp, 'kiosks (none yet)', { key: '/staff/kiosks' });
    await sp.fill('#kiosk-idle', '10');
    await Promise.all([sp.waitForNavigation(), sp.click('main form button[type=submit]')]);
    await sp.locator('#error-summary').waitFor();
    await check(sp, 'kiosks with errors', { key: '/staff/kiosks' });
    await sp.fill('#kiosk-name', 'Zuil hal');
    await sp.fill('#kiosk-location', 'Stadskantoor Noord');
    await sp.fill('#kiosk-idle', '90');
    await Promise.all([sp.waitForNavigation(), sp.click('main form button[type=submit]')]);
    link = (await sp.textContent('#enrol-link')).trim();
    assert.match(link, /\/kiosk\/aanmelden\/[A-Za-z0-9_-]+$/);
    await check(sp, 'kiosks with a new enrolment link', { key: '/staff/kiosks' });
  });

  it('an unregistered browser is refused plainly', async () => {
    const resp = await xp.goto(server.url('/kiosk'));
    assert.equal(resp.status(), 403);
    assert.match(await xp.textContent('main'), /niet aangemeld als zuil/);
    await check(xp, 'kiosk refused (unregistered browser)', { key: '/kiosk' });
  });

  it('the enrolment link turns this browser into the kiosk', async () => {
    await kp.goto(link);
    await check(kp, 'kiosk enrolment', { key: '/kiosk/aanmelden/{token}' });
    await Promise.all([kp.waitForURL('**/kiosk'), kp.click('main form button[type=submit]')]);
    assert.match(await kp.textContent('main'), /Stadskantoor Noord/);
    // Somebody must be there for the buttons to start anything.
    await logIn(ap, server, 'anna', { available: true });
    await kp.reload();
    const buttons = kp.locator('.kiosk-channels button');
    assert.ok(await buttons.count() >= 1);
    const box = await buttons.first().boundingBox();
    assert.ok(box.height >= 200 && box.width >= 200, `big touch targets: ${box.width}x${box.height}`);
    await check(kp, 'kiosk start page', { key: '/kiosk' });
  });

  it('one touch starts a chat; the idle warning comes, is announced and can be extended', async () => {
    await kp.clock.install();
    await Promise.all([kp.waitForURL(/\/chat\/[^/]+$/), kp.locator('.kiosk-channels button', { hasText: 'Typen' }).click()]);
    await kp.locator('#chat[data-kiosk-idle="90"]').waitFor();
    await kp.evaluate(() => sessionStorage.setItem('loket.camera', 'iets'));
    await kp.fill('#message', SECRET);
    await kp.press('#message', 'Enter');
    await kp.locator('#messages li', { hasText: SECRET }).waitFor();
    // 61 s without a touch: the warning (30 s before the wipe at 90 s).
    await kp.clock.fastForward(61000);
    const dialog = kp.locator('#kiosk-idle[role=alertdialog]');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await kp.evaluate(() => document.activeElement.id), 'kiosk-continue', 'focus moves to the button');
    assert.match(await kp.textContent('#kiosk-idle-text'), /Over \d+ seconden wissen we/);
    await check(kp, 'kiosk conversation with the idle warning', { key: '/chat/{token}' });
    await kp.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await kp.clock.fastForward(45000);
    assert.equal(await dialog.isVisible(), false, 'extended: no warning 45 s later');
    assert.match(new URL(kp.url()).pathname, /^\/chat\//);
  });

  it('without a touch everything is wiped, and Back shows nothing of it', async () => {
    await kp.clock.fastForward(60000);
    await kp.waitForURL('**/kiosk');
    assert.equal(await kp.evaluate(() => sessionStorage.length + localStorage.length), 0);
    assert.doesNotMatch(await kp.content(), new RegExp(SECRET));
    await kp.goBack();
    await kp.waitForLoadState();
    assert.equal(new URL(kp.url()).pathname, '/kiosk');
    assert.doesNotMatch(await kp.content(), new RegExp(SECRET));
    await kp.goBack();
    await kp.waitForLoadState();
    assert.doesNotMatch(await kp.content(), new RegExp(SECRET), 'two steps back: still nothing');
  });
});
