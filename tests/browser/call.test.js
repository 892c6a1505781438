// Video calls through Loket's SFU in real headless Chromium: a resident, a sign-language
// interpreter and an agent, each in their own browser context with a fake 25 fps camera
// and a fake microphone, on loopback only. Checks from getStats() that everyone decodes
// everyone else's video (fps, size) and receives audio; real-time text with erasure;
// an agent leaving (the others go on) and a resident reloading (reconnect); keyboard
// operation of the controls; and axe + layout checks on every call page state.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { logIn, acceptFirstOffer } from './lib/flows.js';
import { tabTo } from './lib/keys.js';
import { measure, waitDecoding, received, sent } from './lib/media.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): calls post forms and are skipped' : false;

// Requirements are measured and reported (report/index.html, "Measured figures"); the test
// asserts only bounds that a real defect exceeds, so a busy machine cannot fail it.
// Video for sign language: 20 fps or more (EN 301 549 6.5.3 b) at 320 px or wider (QVGA,
// 6.5.2 b); a call whose video stalls or shrinks to a stamp is broken whatever the load.
// The asserted fps bound is "frames keep coming" (measured again over 10 s before failing):
// on two cores kept busy (load average 14-20) streams of a three-way call measured
// 1.5-4.4 fps over 3 s.
const FPS = { target: { min: 20 }, bound: { min: 0.5 } };
const WIDTH = { target: { min: 320 }, bound: { min: 160 } };
// Real-time text: sent within 500 ms (EN 301 549 6.2.4); measured here inside the pages,
// from the sender's box changing to the other side's screen showing it (the test driver's
// own key-press delays are not counted). The test fails only at 5 s or more.
const RTT = { target: { max: 500 }, bound: { max: 5000 } };

describe('video calls through the SFU', { skip }, () => {
  const suite = new Suite('call', { media: true });
  let rp, tp, ap;
  const ids = {};

  before(async () => {
    await suite.start();
    [rp, tp, ap] = await Promise.all([suite.page('resident'), suite.page('interpreter'), suite.page('agent')]);
  });

  after(() => suite.close());

  const check = (page, name, opts) => suite.check(page, name, opts);
  const figure = (t, entry) => t.diagnostic(suite.report.figure(entry));

  /**
   * Measures what `page` receives from each of `from` over `ms` (10 s more for a stream
   * below the bound) and records fps and width as figures; fails only on video that
   * stopped, shrank to a stamp, or no audio.
   */
  async function quality(t, label, page, from, ms = 3000) {
    const m = await measure(page, ms);
    if (from.some((id) => !m[id] || m[id].fps < FPS.bound.min)) {
      const longer = await measure(page, 10000);
      for (const id of from) if (!m[id] || m[id].fps < FPS.bound.min) m[id] = longer[id];
    }
    // Why a stream is below its target: the sending browser says (cpu, bandwidth, none).
    t.diagnostic(`${label}: sends ${JSON.stringify(await sent(page))}`);
    assertQuality(t, label, m, from);
  }

  function assertQuality(t, label, m, from) {
    for (const id of from) {
      const s = m[id];
      assert.ok(s, `${label}: nothing received from ${id}: ${JSON.stringify(m)}`);
      const who = `${label} <- ${id}`;
      figure(t, { name: `video fps, ${who}`, value: Math.round(s.fps * 10) / 10, unit: 'fps', ...FPS });
      figure(t, { name: `video width, ${who}`, value: s.width, unit: 'px', ...WIDTH });
      assert.ok(s.fps >= FPS.bound.min, `${label}: ${id} video at ${s.fps.toFixed(1)} fps (< ${FPS.bound.min}: stalled)`);
      assert.ok(s.width >= WIDTH.bound.min, `${label}: ${id} video ${s.width}x${s.height} (< ${WIDTH.bound.min} wide)`);
      assert.ok(s.audioPackets > 0, `${label}: no audio packets from ${id}`);
    }
  }

  it('resident chooses a call with an interpreter and checks the camera', async () => {
    await rp.goto(suite.server.url('/'));
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

  it('the interpreter accepts; both decode each other through the SFU', async (t) => {
    await logIn(tp, suite.server, 'tolk', { available: true });
    await tp.locator('#offers li.offer').first().waitFor();
    const started = Date.now();
    ids.conv = await acceptFirstOffer(tp, { call: true });
    ids.tolk = await tp.getAttribute('#call', 'data-self');
    await rp.locator('#chat[data-status=active]').waitFor();
    // The call bar's way out follows the state: no longer "Stoppen met wachten".
    assert.equal((await rp.textContent('.call-hangup button[type=submit]')).trim(), 'Ophangen');
    await waitDecoding(tp, ['resident']);
    await waitDecoding(rp, [ids.tolk]);
    figure(t, { name: 'first video frame after accepting (both ways)', value: Date.now() - started, unit: 'ms' });
    await Promise.all([quality(t, 'two-way: interpreter', tp, ['resident']), quality(t, 'two-way: resident', rp, [ids.tolk])]);
    // The sender keeps the frame rate when bandwidth drops (EN 301 549 6.5).
    const pref = await rp.evaluate(() => window.__pcs.at(-1).getSenders().filter((s) => s.track?.kind === 'video').map((s) => s.getParameters().degradationPreference));
    assert.deepEqual(pref, ['maintain-framerate']);
    assert.match(await tp.textContent('#call .tile[data-participant=resident] figcaption'), /Sanne/);
  });

  it('the interpreter adds an agent: a three-way call, everyone decodes the other two', async (t) => {
    await tp.selectOption('#add-queue', { label: 'Videobellen met een medewerker' });
    // The request is posted in the background: the call is not interrupted.
    await tp.click('.call-add button[type=submit]');
    await tp.locator('.call-add', { hasText: 'gevraagd' }).first().waitFor();
    await check(tp, 'staff call: request waiting (interpreter)', { key: '/staff/gesprek/{id}' });
    await logIn(ap, suite.server, 'anna', { available: true });
    await acceptFirstOffer(ap, { call: true });
    ids.anna = await ap.getAttribute('#call', 'data-self');
    // The interpreter's "add someone" section follows: the request is no longer waiting.
    await tp.locator('.call-add form[action$="/aanvragen"]').waitFor();
    await waitDecoding(ap, ['resident', ids.tolk]);
    await waitDecoding(tp, ['resident', ids.anna]);
    await waitDecoding(rp, [ids.tolk, ids.anna]);
    // Measured once the call has settled, as a signer sees it: the agent's joining (page
    // load, keyframes, the new sender's bitrate ramp-up) is over after a few seconds.
    await ap.waitForTimeout(3000);
    await Promise.all([
      quality(t, 'three-way: resident', rp, [ids.tolk, ids.anna], 6000),
      quality(t, 'three-way: interpreter', tp, ['resident', ids.anna], 6000),
      quality(t, 'three-way: agent', ap, ['resident', ids.tolk], 6000),
    ]);
    // The layout favours the people who sign: the main (large) tile is the interpreter for
    // the resident and the resident for staff; the agent's tile is small for the resident.
    assert.match(await rp.getAttribute(`.tile[data-participant="${ids.tolk}"]`, 'class'), /tile-main/);
    assert.match(await ap.getAttribute('.tile[data-participant="resident"]', 'class'), /tile-main/);
    assert.match(await tp.getAttribute('.tile[data-participant="resident"]', 'class'), /tile-main/);
    assert.match(await rp.getAttribute(`.tile[data-participant="${ids.anna}"]`, 'class'), /tile-small/);
  });

  it('real-time text: typed characters arrive (measured against 500 ms), backspace erases', async (t) => {
    // In-page clocks (one machine, one clock): when the resident's box held each text, and
    // when the interpreter's and the agent's pages first showed it.
    await rp.evaluate(() => {
      window.__typed = {};
      document.getElementById('message').addEventListener('input', (e) => { window.__typed[e.target.value] ??= Date.now(); });
    });
    for (const p of [tp, ap]) {
      await p.evaluate(() => {
        window.__shown = {};
        const lines = document.getElementById('rtt-lines');
        const note = () => {
          const text = lines.querySelector('li[data-participant=resident] .rtt-text')?.textContent;
          if (text !== undefined) window.__shown[text] ??= Date.now();
        };
        new MutationObserver(note).observe(lines, { childList: true, subtree: true, characterData: true });
      });
    }
    const latency = async (p, text) => (await p.evaluate((x) => window.__shown[x], text)) - (await rp.evaluate((x) => window.__typed[x], text));
    const line = (p) => p.locator('#rtt-lines li[data-participant=resident] .rtt-text');
    await rp.focus('#message');
    await rp.keyboard.type('Hallo');
    await line(tp).filter({ hasText: /^Hallo$/ }).waitFor();
    await line(ap).filter({ hasText: /^Hallo$/ }).waitFor();
    // Every key: from the box holding the text to the other page showing it.
    const keys = [];
    for (const prefix of ['H', 'Ha', 'Hal', 'Hall', 'Hallo']) {
      for (const p of [tp, ap]) {
        const ms = await latency(p, prefix);
        if (!Number.isNaN(ms)) keys.push(ms); // a prefix may be sent together with the next key
      }
    }
    const worst = Math.max(...keys);
    figure(t, { name: 'real-time text, slowest of 5 keys at 2 receivers (box to screen)', value: worst, unit: 'ms', ...RTT });
    figure(t, { name: 'real-time text, Hallo complete at the interpreter (box to screen)', value: await latency(tp, 'Hallo'), unit: 'ms', ...RTT });
    assert.ok(worst < RTT.bound.max, `real-time text took ${worst} ms (${keys.join(', ')})`);
    // Erasure: the same clocks, started afresh ("Hal" was on both screens before).
    await rp.evaluate(() => { window.__typed = {}; });
    await tp.evaluate(() => { window.__shown = {}; });
    await rp.keyboard.press('Backspace');
    await rp.keyboard.press('Backspace');
    await line(tp).filter({ hasText: /^Hal$/ }).waitFor();
    const eraseMs = await latency(tp, 'Hal');
    figure(t, { name: 'real-time text, erasure (2 x Backspace) at the interpreter (box to screen)', value: eraseMs, unit: 'ms', ...RTT });
    assert.ok(eraseMs < RTT.bound.max, `erasure arrived after ${eraseMs} ms`);
    assert.equal(await tp.getAttribute('#rtt-lines', 'aria-live'), 'off', 'not announced character by character');
    assert.match(await tp.textContent('#rtt-lines li[data-participant=resident] .rtt-name'), /Sanne/);
    // Enter completes the line: it goes into the log (stored) and the live line clears.
    await rp.keyboard.type('lo allemaal');
    await rp.keyboard.press('Enter');
    await tp.locator('#messages li', { hasText: 'Hallo allemaal' }).waitFor();
    await ap.locator('#messages li', { hasText: 'Hallo allemaal' }).waitFor();
    await line(tp).waitFor({ state: 'detached' });
    // And the other way: the interpreter types, the resident sees it live.
    await tp.focus('#message');
    await tp.keyboard.type('Goedemiddag');
    await rp.locator(`#rtt-lines li[data-participant="${ids.tolk}"] .rtt-text`).filter({ hasText: 'Goedemiddag' }).waitFor();
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
      const { problems, stops } = await suite.auditor.focusWalk(page, state);
      assert.deepEqual(problems, []);
      // Every call control is reachable by Tab.
      for (const want of ['toggle-mic', 'toggle-cam', 'message']) assert.ok(stops.some((d) => d.includes(want)), `${state}: Tab reaches #${want}: ${stops.join(' | ')}`);
    }
  });

  it('the agent leaves; resident and interpreter go on', async (t) => {
    await Promise.all([ap.waitForURL('**/staff?melding=left-call'), ap.click('.call-leave button[type=submit]')]);
    await rp.locator(`.tile[data-participant="${ids.anna}"]`).waitFor({ state: 'detached' });
    await tp.locator(`.tile[data-participant="${ids.anna}"]`).waitFor({ state: 'detached' });
    await Promise.all([quality(t, 'after the agent left: resident', rp, [ids.tolk]), quality(t, 'after the agent left: interpreter', tp, ['resident'])]);
  });

  it('the resident reloads the page and is back in the call', async (t) => {
    await rp.reload();
    await rp.locator('#chat[data-status=active]').waitFor();
    await waitDecoding(rp, [ids.tolk]);
    // The interpreter receives the resident's new stream too.
    const before = (await received(tp)).resident?.video?.frames || 0;
    const deadline = Date.now() + 30000;
    while (((await received(tp)).resident?.video?.frames || 0) <= before + 20) {
      assert.ok(Date.now() < deadline, 'interpreter decodes the reconnected resident');
      await new Promise((r) => setTimeout(r, 200));
    }
    await quality(t, 'after the resident reconnected: interpreter', tp, ['resident']);
  });

  it('the interpreter hangs up: the call ends for everyone', async () => {
    await Promise.all([tp.waitForURL(/\/staff/), tp.click('.call-leave button[type=submit]')]);
    await rp.locator('#chat[data-status=ended]').waitFor();
    await rp.waitForLoadState();
    await rp.locator('h1').waitFor();
    await tp.goto(suite.server.url(`/staff/gesprek/${ids.conv}`));
    assert.match(await tp.textContent('main'), /afgelopen/);
    await check(tp, 'staff call ended', { key: '/staff/gesprek/{id}' });
  });

  it('no script errors or CSP violations on the call pages', () => {
    suite.assertNoScriptErrors('call');
  });
});

describe('a resident who refuses the camera and microphone', { skip }, () => {
  const suite = new Suite('call-refused', { media: true });
  let rp, ap;

  before(async () => {
    await suite.start();
    // The browser's permission prompt answered "block": getUserMedia rejects.
    const rctx = await suite.context();
    await rctx.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    rp = await rctx.newPage();
    ap = await suite.page('agent');
  });

  after(() => suite.close());

  it('the page says so plainly, offers the text, and the call still connects', async (t) => {
    await rp.goto(suite.server.url('/video/start?met=medewerker'));
    await rp.click('#check-devices');
    await rp.locator('#device-status', { hasText: 'niet toegestaan' }).waitFor();
    await rp.fill('#question', 'Ik wil alleen typen.');
    await Promise.all([rp.waitForURL(/\/chat\/[^/]+$/), rp.click('main form button[type=submit]')]);
    await logIn(ap, suite.server, 'bram', { available: true });
    await acceptFirstOffer(ap, { call: true });
    const bram = await ap.getAttribute('#call', 'data-self');
    await rp.locator('#media-problem:not([hidden])').waitFor();
    assert.match(await rp.textContent('#media-problem'), /niet toegestaan/);
    assert.equal(await rp.getAttribute('#media-problem', 'role'), 'alert');
    // The resident still sees and hears the employee, and can type.
    await waitDecoding(rp, [bram]);
    const m = await measure(rp, 2000);
    t.diagnostic(suite.report.figure({ name: 'video fps, resident without camera <- staff', value: Math.round(m[bram].fps * 10) / 10, unit: 'fps', ...FPS }));
    assert.ok(m[bram].fps >= FPS.bound.min, `resident receives ${m[bram].fps} fps`);
    assert.equal(await rp.isDisabled('#toggle-cam'), true);
    await rp.fill('#message', 'Hoort u mij? Ik typ liever.');
    await rp.press('#message', 'Enter');
    await ap.locator('#messages li', { hasText: 'Ik typ liever' }).waitFor();
    // The employee's page shows no picture for the resident (nothing sent), no error.
    assert.equal((await received(ap)).resident?.video?.frames || 0, 0);
    await suite.check(rp, 'video call without camera (resident)', { key: '/chat/{token}' });
  });
});
