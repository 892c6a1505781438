// Video calls through Loket's SFU in real headless Chromium: a resident, a sign-language
// interpreter and an agent, each in their own browser context with a fake 25 fps camera
// and a fake microphone, on loopback only. Checks from getStats() that everyone decodes
// everyone else's video (fps, size) and receives audio; real-time text with erasure;
// an agent leaving (the others go on) and a resident reloading (reconnect); keyboard
// operation of the controls; and axe + layout checks on every call page state.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, DEMO_PASSWORD, AUDITOR_URL } from './lib/harness.js';
import { newContext } from './lib/browser.js';
import { Report } from './lib/report.js';
import { Auditor } from './lib/audit.js';
import { tabTo } from './lib/keys.js';
import { makeClip, launchWithMedia, recordPeers, measure, waitDecoding, received } from './lib/media.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): calls post forms and are skipped' : false;
const MIN_FPS = 20;
const MIN_WIDTH = 320;

describe('video calls through the SFU', { skip }, () => {
  let server, browser, report, auditor;
  let rctx, tctx, actx, rp, tp, ap;
  const ids = {};
  const figures = {};
  const pageErrors = [];

  before(async () => {
    server = await startServer();
    browser = await launchWithMedia(makeClip({ fps: 25 }));
    report = new Report('call');
    auditor = new Auditor(report);
    [rctx, tctx, actx] = await Promise.all([newContext(browser), newContext(browser), newContext(browser)]);
    for (const c of [rctx, tctx, actx]) await recordPeers(c);
    [rp, tp, ap] = await Promise.all([rctx.newPage(), tctx.newPage(), actx.newPage()]);
    for (const [who, p] of [['resident', rp], ['interpreter', tp], ['agent', ap]]) {
      p.on('pageerror', (e) => pageErrors.push(`${who}: ${e.message}`));
      p.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(`${who}: ${m.text()}`); });
    }
  });

  after(async () => {
    report?.note(`call figures (fps over 3 s, from getStats): ${JSON.stringify(figures)}`);
    report?.write();
    await browser?.close();
    await server?.stop();
  });

  async function check(page, name, opts) {
    const problems = await auditor.audit(page, name, opts);
    assert.deepEqual(problems, [], `${name}: ${problems.length} problem(s)`);
  }

  async function login(page, user) {
    await page.goto(server.url('/staff/login'));
    await page.fill('#username', user);
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL('**/staff'), page.click('main form button[type=submit]')]);
    await page.click('button[name=presence][value=available]');
    await page.locator('button[name=presence][value=available][aria-pressed=true]').waitFor();
  }

  function assertQuality(label, m, from) {
    for (const id of from) {
      const s = m[id];
      assert.ok(s, `${label}: nothing received from ${id}: ${JSON.stringify(m)}`);
      assert.ok(s.fps >= MIN_FPS, `${label}: ${id} video at ${s.fps.toFixed(1)} fps (< ${MIN_FPS})`);
      assert.ok(s.width >= MIN_WIDTH, `${label}: ${id} video ${s.width}x${s.height} (< ${MIN_WIDTH} wide)`);
      assert.ok(s.audioPackets > 0, `${label}: no audio packets from ${id}`);
    }
  }

  it('resident chooses a call with an interpreter and checks the camera', async () => {
    await rp.goto(server.url('/'));
    await Promise.all([rp.waitForURL('**/video/start?met=tolk'), rp.click('main a[href="/video/start?met=tolk"]')]);
    await check(rp, 'video start (interpreter)', { key: '/video/start' });
    await rp.click('#check-devices');
    await rp.waitForFunction(() => document.getElementById('preview').videoWidth > 0);
    assert.match(await rp.textContent('#device-status'), /werken/);
    assert.ok(await rp.locator('#camera option').count() >= 2, 'the fake camera is listed');
    await check(rp, 'video start with camera preview', { key: '/video/start' });
    // A question that is too long is refused with a clear error, nothing lost.
    await rp.fill('#question', 'x'.repeat(2001));
    await Promise.all([rp.waitForNavigation(), rp.click('main form button[type=submit]')]);
    await rp.locator('#error-summary').waitFor();
    await check(rp, 'video start with errors', { key: '/video/start' });
    await rp.fill('#name', 'Sanne');
    await rp.fill('#question', '');
    await Promise.all([rp.waitForURL(/\/chat\/[^/]+$/), rp.click('main form button[type=submit]')]);
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'waiting');
    await rp.locator('#call').waitFor();
    await check(rp, 'video call waiting (resident)', { key: '/chat/{token}' });
  });

  it('the interpreter accepts; both decode each other through the SFU', async () => {
    await login(tp, 'tolk');
    await tp.locator('#offers li.offer').first().waitFor();
    const started = Date.now();
    await Promise.all([tp.waitForURL(/\/staff\/gesprek\/\d+$/), tp.locator('#offers button[data-action=accept]').first().click()]);
    ids.conv = Number(tp.url().match(/gesprek\/(\d+)/)[1]);
    ids.tolk = await tp.getAttribute('#call', 'data-self');
    await rp.locator('#chat[data-status=active]').waitFor();
    await waitDecoding(tp, ['resident']);
    await waitDecoding(rp, [ids.tolk]);
    figures.firstFrameMs = Date.now() - started;
    const [mt, mr] = await Promise.all([measure(tp), measure(rp)]);
    assertQuality('interpreter', mt, ['resident']);
    assertQuality('resident', mr, [ids.tolk]);
    figures.twoWay = { interpreter: mt, resident: mr };
    // The sender keeps the frame rate when bandwidth drops (EN 301 549 6.5).
    const pref = await rp.evaluate(() => window.__pcs.at(-1).getSenders().filter((s) => s.track?.kind === 'video').map((s) => s.getParameters().degradationPreference));
    assert.deepEqual(pref, ['maintain-framerate']);
    assert.match(await tp.textContent('#call .tile[data-participant=resident] figcaption'), /Sanne/);
  });

  it('the interpreter adds an agent: a three-way call, everyone decodes the other two', async () => {
    await tp.selectOption('#add-queue', { label: 'Videobellen met een medewerker' });
    // The request is posted in the background: the call is not interrupted.
    await tp.click('.call-add button[type=submit]');
    await tp.locator('.call-add', { hasText: 'gevraagd' }).first().waitFor();
    await check(tp, 'staff call: request waiting (interpreter)', { key: '/staff/gesprek/{id}' });
    await login(ap, 'anna');
    await ap.locator('#offers li.offer').first().waitFor();
    await Promise.all([ap.waitForURL(/\/staff\/gesprek\/\d+$/), ap.locator('#offers button[data-action=accept]').first().click()]);
    ids.anna = await ap.getAttribute('#call', 'data-self');
    // The interpreter's "add someone" section follows: the request is no longer waiting.
    await tp.locator('.call-add form[action$="/aanvragen"]').waitFor();
    await waitDecoding(ap, ['resident', ids.tolk]);
    await waitDecoding(tp, ['resident', ids.anna]);
    await waitDecoding(rp, [ids.tolk, ids.anna]);
    const [mr, mt, ma] = await Promise.all([measure(rp), measure(tp), measure(ap)]);
    assertQuality('resident', mr, [ids.tolk, ids.anna]);
    assertQuality('interpreter', mt, ['resident', ids.anna]);
    assertQuality('agent', ma, ['resident', ids.tolk]);
    figures.threeWay = { resident: mr, interpreter: mt, agent: ma };
    // The layout favours the people who sign: resident and interpreter large, agent small.
    assert.match(await ap.getAttribute(`.tile[data-participant="${ids.tolk}"]`, 'class'), /tile-large/);
    assert.match(await rp.getAttribute(`.tile[data-participant="${ids.anna}"]`, 'class'), /tile-small/);
  });

  it('real-time text: typed characters arrive within 500 ms, backspace erases', async () => {
    await rp.focus('#message');
    const sentAt = Date.now();
    await rp.keyboard.type('Hallo');
    const line = (p) => p.locator('#rtt-lines li[data-participant=resident] .rtt-text');
    await line(tp).filter({ hasText: /^Hallo$/ }).waitFor({ timeout: 2000 });
    figures.rttMs = Date.now() - sentAt;
    assert.ok(figures.rttMs < 500 + 5 * 60, `text took ${figures.rttMs} ms (typing 5 keys included)`);
    await line(ap).filter({ hasText: /^Hallo$/ }).waitFor({ timeout: 1000 });
    // One key: measured from the key press alone.
    const t0 = Date.now();
    await rp.keyboard.press('Backspace');
    await rp.keyboard.press('Backspace');
    await line(tp).filter({ hasText: /^Hal$/ }).waitFor({ timeout: 1000 });
    const eraseMs = Date.now() - t0;
    assert.ok(eraseMs < 500, `erasure arrived after ${eraseMs} ms`);
    figures.rttEraseMs = eraseMs;
    assert.equal(await tp.getAttribute('#rtt-lines', 'aria-live'), 'off', 'not announced character by character');
    assert.match(await tp.textContent('#rtt-lines li[data-participant=resident] .rtt-name'), /Sanne/);
    // Enter completes the line: it goes into the log (stored) and the live line clears.
    await rp.keyboard.type('lo allemaal');
    await rp.keyboard.press('Enter');
    await tp.locator('#messages li', { hasText: 'Hallo allemaal' }).waitFor();
    await ap.locator('#messages li', { hasText: 'Hallo allemaal' }).waitFor();
    await line(tp).waitFor({ state: 'detached', timeout: 2000 });
    // And the other way: the interpreter types, the resident sees it live.
    await tp.focus('#message');
    await tp.keyboard.type('Goedemiddag');
    await rp.locator(`#rtt-lines li[data-participant="${ids.tolk}"] .rtt-text`).filter({ hasText: 'Goedemiddag' }).waitFor({ timeout: 1000 });
    await tp.keyboard.press('Enter');
    await rp.locator('#messages li', { hasText: 'Goedemiddag' }).waitFor();
  });

  it('call controls work by keyboard and say their state (aria-pressed)', async () => {
    await rp.evaluate(() => document.activeElement?.blur());
    await rp.locator('#toggle-mic').focus();
    await rp.keyboard.press('Space');
    assert.equal(await rp.getAttribute('#toggle-mic', 'aria-pressed'), 'true');
    assert.equal(await rp.evaluate(() => window.__pcs.at(-1).getSenders().find((s) => s.track?.kind === 'audio').track.enabled), false);
    await rp.keyboard.press('Space');
    assert.equal(await rp.getAttribute('#toggle-mic', 'aria-pressed'), 'false');
    await tabTo(rp, (f) => f.id === 'toggle-cam', { label: 'camera button' });
    await rp.keyboard.press('Enter');
    assert.equal(await rp.getAttribute('#toggle-cam', 'aria-pressed'), 'true');
    assert.match(await rp.textContent('#call-status'), /camera staat uit/);
    await rp.keyboard.press('Enter');
    assert.equal(await rp.getAttribute('#toggle-cam', 'aria-pressed'), 'false');
    // Pin the agent: their tile becomes the large one.
    const pin = rp.locator(`.tile[data-participant="${ids.anna}"] .tile-pin`);
    await pin.focus();
    await rp.keyboard.press('Enter');
    assert.equal(await pin.getAttribute('aria-pressed'), 'true');
    assert.match(await rp.getAttribute(`.tile[data-participant="${ids.anna}"]`, 'class'), /tile-pinned/);
    await rp.keyboard.press('Enter');
    assert.equal(await pin.getAttribute('aria-pressed'), 'false');
  });

  it('every call page passes the checks in the three-way state', async () => {
    await check(rp, 'video call active, three-way (resident)', { key: '/chat/{token}' });
    await check(tp, 'staff call, three-way (interpreter)', { key: '/staff/gesprek/{id}' });
    await check(ap, 'staff call, three-way (agent)', { key: '/staff/gesprek/{id}' });
    for (const [page, state] of [[rp, 'video call active, three-way (resident)'], [tp, 'staff call, three-way (interpreter)']]) {
      // Start the Tab walk at the top of the page.
      await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
      await page.mouse.click(2, 2);
      const { problems, stops } = await auditor.focusWalk(page, state);
      assert.deepEqual(problems, []);
      // Every call control is reachable by Tab.
      for (const want of ['toggle-mic', 'toggle-cam', 'message']) assert.ok(stops.some((d) => d.includes(want)), `${state}: Tab reaches #${want}: ${stops.join(' | ')}`);
    }
  });

  it('the agent leaves; resident and interpreter go on', async () => {
    await Promise.all([ap.waitForURL('**/staff?melding=left-call'), ap.click('.call-leave button[type=submit]')]);
    await rp.locator(`.tile[data-participant="${ids.anna}"]`).waitFor({ state: 'detached' });
    await tp.locator(`.tile[data-participant="${ids.anna}"]`).waitFor({ state: 'detached' });
    const [mr, mt] = await Promise.all([measure(rp), measure(tp)]);
    assertQuality('resident after the agent left', mr, [ids.tolk]);
    assertQuality('interpreter after the agent left', mt, ['resident']);
  });

  it('the resident reloads the page and is back in the call', async () => {
    await rp.reload();
    await rp.locator('#chat[data-status=active]').waitFor();
    await waitDecoding(rp, [ids.tolk]);
    // The interpreter receives the resident's new stream too.
    const before = (await received(tp)).resident?.video?.frames || 0;
    const deadline = Date.now() + 15000;
    while (((await received(tp)).resident?.video?.frames || 0) <= before + 20) {
      assert.ok(Date.now() < deadline, 'interpreter decodes the reconnected resident');
      await new Promise((r) => setTimeout(r, 200));
    }
    const mt = await measure(tp);
    assertQuality('interpreter after the resident reconnected', mt, ['resident']);
  });

  it('the interpreter hangs up: the call ends for everyone', async () => {
    await Promise.all([tp.waitForURL(/\/staff/), tp.click('.call-leave button[type=submit]')]);
    await rp.locator('#chat[data-status=ended]').waitFor({ timeout: 10000 });
    await rp.waitForLoadState();
    await rp.locator('h1').waitFor();
    await tp.goto(server.url(`/staff/gesprek/${ids.conv}`));
    assert.match(await tp.textContent('main'), /afgelopen/);
    await check(tp, 'staff call ended', { key: '/staff/gesprek/{id}' });
  });

  it('no script errors or CSP violations on the call pages', () => {
    report.check({ state: 'call', check: 'no script errors / CSP violations', ok: pageErrors.length === 0, details: pageErrors });
    assert.deepEqual(pageErrors, []);
  });
});

describe('a resident who refuses the camera and microphone', { skip }, () => {
  let server, browser, report, auditor, rctx, actx, rp, ap;

  before(async () => {
    server = await startServer();
    browser = await launchWithMedia(makeClip({ fps: 25 }));
    report = new Report('call-refused');
    auditor = new Auditor(report);
    [rctx, actx] = await Promise.all([newContext(browser), newContext(browser)]);
    for (const c of [rctx, actx]) await recordPeers(c);
    // The browser's permission prompt answered "block": getUserMedia rejects.
    await rctx.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    [rp, ap] = await Promise.all([rctx.newPage(), actx.newPage()]);
  });

  after(async () => {
    report?.write();
    await browser?.close();
    await server?.stop();
  });

  it('the page says so plainly, offers the text, and the call still connects', async () => {
    await rp.goto(server.url('/video/start?met=medewerker'));
    await rp.click('#check-devices');
    await rp.locator('#device-status', { hasText: 'niet toegestaan' }).waitFor();
    await rp.fill('#question', 'Ik wil alleen typen.');
    await Promise.all([rp.waitForURL(/\/chat\/[^/]+$/), rp.click('main form button[type=submit]')]);
    await ap.goto(server.url('/staff/login'));
    await ap.fill('#username', 'bram');
    await ap.fill('#password', DEMO_PASSWORD);
    await Promise.all([ap.waitForURL('**/staff'), ap.click('main form button[type=submit]')]);
    await ap.click('button[name=presence][value=available]');
    await ap.locator('#offers li.offer').first().waitFor();
    await Promise.all([ap.waitForURL(/\/staff\/gesprek\/\d+$/), ap.locator('#offers button[data-action=accept]').first().click()]);
    const bram = await ap.getAttribute('#call', 'data-self');
    await rp.locator('#media-problem:not([hidden])').waitFor();
    assert.match(await rp.textContent('#media-problem'), /niet toegestaan/);
    assert.equal(await rp.getAttribute('#media-problem', 'role'), 'alert');
    // The resident still sees and hears the employee, and can type.
    await waitDecoding(rp, [bram]);
    const m = await measure(rp, 2000);
    assert.ok(m[bram].fps >= MIN_FPS, `resident receives ${m[bram].fps} fps`);
    assert.equal(await rp.isDisabled('#toggle-cam'), true);
    await rp.fill('#message', 'Hoort u mij? Ik typ liever.');
    await rp.press('#message', 'Enter');
    await ap.locator('#messages li', { hasText: 'Ik typ liever' }).waitFor();
    // The employee's page shows no picture for the resident (nothing sent), no error.
    assert.equal((await received(ap)).resident?.video?.frames || 0, 0);
    const problems = await auditor.audit(rp, 'video call without camera (resident)', { key: '/chat/{token}' });
    assert.deepEqual(problems, []);
  });
});
