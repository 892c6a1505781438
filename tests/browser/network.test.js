// Sign-language video on a bad line (issue 14): a three-way call (resident, interpreter,
// agent) with the resident's connection going through the impairment relay (lib/netem.js):
// their downlink limited to 1 Mbit/s, then 400 kbit/s, then 250 kbit/s with 3 % loss and
// 100 ms delay; then their uplink limited instead. Per case the test reports, for every
// stream the three receive: frame rate, width, freezes (count and seconds, from Chrome's
// inbound-rtp statistics), the audio/video offset (the receiver's estimated playout times
// of one person's audio and video), and how long the picture took to reach 20 fps again
// after the limit changed.
//
// Loket's adaptation (simulcast, src/sfu/layers.rs and allocate.rs): every camera is sent
// at 640x480 and 320x240, both at the full frame rate; the SFU gives each participant the
// layer their downlink carries, the signers (resident, interpreter) first.
//
// What it asserts: on a weak downlink the resident keeps a moving picture of the
// interpreter (at least half the rate the agent gets from the same interpreter on a good
// line, and at least 5 fps; without simulcast it froze at 0-1 fps), at a smaller size
// if need be; the interpreter and the agent keep receiving each other at full width and
// frame rate; with a weak uplink the resident's picture still reaches the others. The
// 20 fps target is reported per case, met or not (a 2-core machine running three
// browsers is CPU-bound near it). At 250 kbit/s the agent's video cannot fit beside the
// interpreter's: the SFU pauses it, and the resident, and only the resident, is told
// plainly that their line is too weak for smooth video (#call-network), and told again
// when it is good. The last part runs the 400 kbit/s case with simulcast off, for the
// comparison in docs/performance.md.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Suite } from './lib/suite.js';
import { AUDITOR_URL } from './lib/harness.js';
import { logIn, acceptFirstOffer, startVideoCall } from './lib/flows.js';
import { waitDecoding } from './lib/media.js';
import { ImpairmentRelay, sfuPort } from './lib/netem.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): calls post forms and are skipped' : false;

const FPS = { target: { min: 20 } };
const LO = 47000 + Math.floor(Math.random() * 150) * 12;
const HI = LO + 11;

/** Per tile: frames decoded, width, freezes, and audio/video playout times, now. */
function snapshot(page) {
  return page.evaluate(async () => {
    const stats = [];
    for (const pc of window.__pcs || []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp') stats.push(r); });
    }
    const out = {};
    for (const li of document.querySelectorAll('li.tile')) {
      const stream = li.querySelector('video').srcObject;
      if (!stream) continue;
      const ids = new Set(stream.getTracks().map((t) => t.id));
      const e = { frames: 0, width: 0, freezes: 0, freezeSecs: 0, videoPlayout: null, audioPlayout: null };
      for (const r of stats) {
        if (!ids.has(r.trackIdentifier)) continue;
        if (r.kind === 'video') {
          Object.assign(e, { frames: r.framesDecoded || 0, width: r.frameWidth || 0, freezes: r.freezeCount || 0,
            freezeSecs: r.totalFreezesDuration || 0, videoPlayout: r.estimatedPlayoutTimestamp ?? null });
        }
        if (r.kind === 'audio') e.audioPlayout = r.estimatedPlayoutTimestamp ?? null;
      }
      out[li.dataset.participant] = e;
    }
    return { at: performance.now(), tiles: out };
  });
}

/** Over `ms`: per tile fps, width at the end, freezes in the window, A/V offset (ms). */
async function measure(page, ms) {
  const a = await snapshot(page);
  await new Promise((r) => setTimeout(r, ms));
  const b = await snapshot(page);
  const secs = (b.at - a.at) / 1000;
  const out = {};
  for (const [id, now] of Object.entries(b.tiles)) {
    const was = a.tiles[id] || now;
    out[id] = {
      fps: Math.round(((now.frames - was.frames) / secs) * 10) / 10,
      width: now.width,
      freezes: now.freezes - was.freezes,
      freezeSecs: Math.round((now.freezeSecs - was.freezeSecs) * 10) / 10,
      avOffsetMs: now.videoPlayout != null && now.audioPlayout != null ? Math.round(now.videoPlayout - now.audioPlayout) : null,
    };
  }
  return out;
}

/** Seconds until `page` decodes `id` at 20 fps or more over a 1 s window (null: not in `maxMs`). */
async function timeTo20(page, id, maxMs) {
  const started = Date.now();
  while (Date.now() - started < maxMs) {
    const m = await measure(page, 1000);
    if ((m[id]?.fps || 0) >= 20) return Math.round((Date.now() - started) / 100) / 10;
  }
  return null;
}

describe('sign-language video on a bad line (impairment relay)', { skip }, () => {
  const relay = new ImpairmentRelay(LO, HI);
  const suite = new Suite('network', {
    media: true,
    env: { LOKET_MEDIA_BIND_IP: '127.0.0.1', LOKET_MEDIA_PORTS: `${LO}-${HI}`, LOKET_MEDIA_PUBLIC_IPS: '127.0.0.2' },
  });
  let rp, tp, ap, port;
  const ids = {};

  before(async () => {
    await relay.start();
    await suite.start();
    [rp, tp, ap] = await Promise.all([suite.page('resident'), suite.page('interpreter'), suite.page('agent')]);
  });

  after(async () => { await suite.close(); relay.close(); });

  const figure = (t, entry) => t.diagnostic(suite.report.figure(entry));

  function report(t, label, who, m, id) {
    const s = m[id];
    assert.ok(s, `${label}: ${who} receives nothing from ${id}: ${JSON.stringify(m)}`);
    figure(t, { name: `${label}: video fps, ${who} <- ${id}`, value: s.fps, unit: 'fps', ...FPS });
    figure(t, { name: `${label}: video width, ${who} <- ${id}`, value: s.width, unit: 'px' });
    figure(t, { name: `${label}: freezes, ${who} <- ${id}`, value: s.freezes, unit: `(${s.freezeSecs} s frozen)` });
    if (s.avOffsetMs != null) figure(t, { name: `${label}: audio/video offset, ${who} <- ${id}`, value: s.avOffsetMs, unit: 'ms' });
    return s;
  }

  it('a three-way call runs through the relay', async (t) => {
    await startVideoCall(rp, suite.server, { met: 'tolk', name: 'Sanne' });
    await logIn(tp, suite.server, 'tolk', { available: true });
    await acceptFirstOffer(tp, { call: true });
    ids.tolk = await tp.getAttribute('#call', 'data-self');
    await tp.selectOption('#add-queue', { label: 'Videobellen met een medewerker' });
    await tp.click('.call-add button[type=submit]');
    await logIn(ap, suite.server, 'anna', { available: true });
    await acceptFirstOffer(ap, { call: true });
    ids.anna = await ap.getAttribute('#call', 'data-self');
    await waitDecoding(rp, [ids.tolk, ids.anna]);
    await waitDecoding(tp, ['resident', ids.anna]);
    await waitDecoding(ap, ['resident', ids.tolk]);
    // What the resident's browser says in #call-network (a live region), in order: the
    // notice is shown for a while and then hidden, so a check of the text at one moment
    // can miss what was said.
    await rp.evaluate(() => {
      const box = document.querySelector('#call-network');
      window.__networkSaid = [];
      new MutationObserver(() => {
        const text = box.textContent.trim();
        if (text) window.__networkSaid.push(text);
      }).observe(box, { childList: true, characterData: true, subtree: true });
    });
    const pair = await sfuPort(rp);
    port = pair?.port;
    assert.equal(pair?.address, '127.0.0.2', `the resident's media goes to the relay: ${JSON.stringify(pair)}`);
    assert.ok(port >= LO && port <= HI, `the resident's media goes through the relay (SFU port ${port})`);
    const c0 = relay.counts(port);
    await rp.waitForTimeout(2000);
    const c = relay.counts(port);
    t.diagnostic(`relay, resident's line over 2 s: up ${c.up.passed - c0.up.passed} packets, down ${c.down.passed - c0.down.passed}`);
    assert.ok(c.down.passed > 0 && c.up.passed > 0, `packets pass both ways: ${JSON.stringify(c)}`);
  });

  // `warned`: at 250 kbit/s two videos (even at 320x240, about 180 kbit/s each) and two
  // audio streams cannot fit, so the agent's video is paused and the resident must be
  // told. At 400 kbit/s it depends on the rates the senders reach, so neither way is
  // asserted there; at 1 Mbit/s both fit at 320x240.
  const downCases = [
    ['downlink 1 Mbit/s', { kbps: 1000 }, false],
    ['downlink 400 kbit/s', { kbps: 400 }, null],
    ['downlink 250 kbit/s, 3 % loss, 100 ms', { kbps: 250, loss: 0.03, delayMs: 100, jitterMs: 10 }, true],
  ];
  for (const [label, down, warned] of downCases) {
    it(`resident's ${label}: the others are not dragged down; the resident's video is measured`, async (t) => {
      relay.impair(port, { down, up: {} });
      const adapt = await timeTo20(rp, ids.tolk, 10000);
      figure(t, { name: `${label}: seconds until the resident receives the interpreter at 20 fps`, value: adapt ?? 'not within 10', unit: 's' });
      const [r, i, a] = await Promise.all([measure(rp, 6000), measure(tp, 6000), measure(ap, 6000)]);
      const fromTolk = report(t, label, 'resident', r, ids.tolk);
      report(t, label, 'resident', r, ids.anna);
      const ia = report(t, label, 'interpreter', i, ids.anna);
      const ai = report(t, label, 'agent', a, ids.tolk);
      report(t, label, 'interpreter', i, 'resident');
      const c = relay.counts(port);
      t.diagnostic(`${label}: relay ${JSON.stringify(c)}`);
      // The resident is told their line is too weak; the interpreter and agent are not.
      if (warned) {
        await rp.waitForFunction(() => /te zwak voor vloeiend beeld/.test(document.querySelector('#call-network')?.textContent || ''), null, { timeout: 10000 });
        assert.equal(await rp.isVisible('#call-network'), true);
      }
      for (const [who, page] of [['interpreter', tp], ['agent', ap]]) {
        const said = await page.textContent('#call-network');
        assert.ok(!/te zwak/.test(said || ''), `${label}: the ${who}'s line is fine, yet: ${said}`);
      }
      if (warned) await suite.check(rp, 'video call, weak line (resident)', { key: '/chat/{token}' });
      // Media still reaches the resident through the limit, and the interpreter's picture
      // keeps moving: a smaller size, not a frozen one.
      assert.ok(c.down.passed > 0, 'packets reach the resident');
      assert.ok(fromTolk.width > 0, 'the resident still has a picture of the interpreter');
      // Against the same interpreter on the agent's good line (what this machine delivers
      // now: 11.5-24 fps between runs on 2 cores), with a floor far above frozen (0.3 fps
      // without simulcast). At 400 kbit/s the two small layers and both audio streams
      // would only just fit: the allocator keeps room for the interpreter's keyframes and
      // pauses the agent's video first (before, a fresh-clone CI run on 2026-11-30 at load
      // 7.8 measured 10.2 fps against 24.1 on the good line there, with 2 freezes).
      const relative = 0.5;
      assert.ok(fromTolk.fps >= 5 && fromTolk.fps >= ai.fps * relative,
        `${label}: the resident receives the interpreter at ${fromTolk.fps} fps (the agent, on a good line: ${ai.fps})`);
      figure(t, { name: `${label}: the interpreter at the resident against the agent's good line`, value: ai.fps ? Math.round((fromTolk.fps / ai.fps) * 100) : 'n/a', unit: '%' });
      // The interpreter and the agent, on good lines, keep their full quality.
      for (const [who, s] of [['interpreter <- agent', ia], ['agent <- interpreter', ai]]) {
        // Dragged down looks like the resident's own picture here: 0-0.5 fps and freezes.
        // The bound leaves room for a busy 2-core machine (three-way: 16-24 fps unimpaired).
        assert.ok(s.fps >= 8, `${label}: ${who} at ${s.fps} fps: dragged down by the resident's line`);
        assert.ok(s.width >= 320, `${label}: ${who} at ${s.width} px wide`);
      }
    });
  }

  it("resident's uplink 400 kbit/s: their picture reaches the others at a lower size, not a lower frame rate", async (t) => {
    relay.impair(port, { down: {}, up: { kbps: 400 } });
    const adapt = await timeTo20(tp, 'resident', 15000);
    figure(t, { name: 'uplink 400 kbit/s: seconds until the interpreter receives the resident at 20 fps', value: adapt ?? 'not within 15', unit: 's' });
    const [i, a] = await Promise.all([measure(tp, 6000), measure(ap, 6000)]);
    const it1 = report(t, 'uplink 400 kbit/s', 'interpreter', i, 'resident');
    const at1 = report(t, 'uplink 400 kbit/s', 'agent', a, 'resident');
    // Every layer the resident's browser sends (simulcast: full and half size).
    const sends = await rp.evaluate(async () => {
      const layers = [];
      for (const pc of window.__pcs || []) {
        if (pc.connectionState !== 'connected') continue;
        for (const r of (await pc.getStats()).values()) {
          if (r.type === 'outbound-rtp' && r.kind === 'video') {
            layers.push({ rid: r.rid, width: r.frameWidth || 0, fps: r.framesPerSecond || 0, kbps: Math.round((r.targetBitrate || 0) / 1000), limited: r.qualityLimitationReason });
          }
        }
      }
      return layers.length ? { kbps: layers.reduce((n, l) => n + l.kbps, 0), layers } : null;
    });
    t.diagnostic(`uplink 400 kbit/s: the resident sends ${JSON.stringify(sends)}`);
    assert.ok(sends && sends.kbps <= 450, `the resident's browser sends within the line (${JSON.stringify(sends)})`);
    assert.ok(it1.fps > 0 && at1.fps > 0, 'the others still receive the resident');
  });

  it('the line is good again: the resident receives the interpreter at full width', async (t) => {
    relay.impair(port, { down: {}, up: {} });
    const started = Date.now();
    const adapt = await timeTo20(rp, ids.tolk, 15000);
    figure(t, { name: 'recovered: seconds until the resident receives the interpreter at 20 fps', value: adapt ?? 'not within 15', unit: 's' });
    // Full size: what the agent gets from the interpreter on a good line (Chrome itself
    // sends less than 640 wide when its CPU is short).
    let full = null;
    while (full === null && Date.now() - started < 30000) {
      const [m, a] = await Promise.all([measure(rp, 1000), measure(ap, 1000)]);
      if ((m[ids.tolk]?.width || 0) >= (a[ids.tolk]?.width || 640)) full = Math.round((Date.now() - started) / 100) / 10;
    }
    figure(t, { name: 'recovered: seconds until the resident receives the interpreter at full size', value: full ?? 'not within 30', unit: 's' });
    const r = await measure(rp, 4000);
    const s = report(t, 'recovered', 'resident', r, ids.tolk);
    assert.ok(s.fps > 0, 'video flows again');
    // The warning makes way for the good news (said once the downlink was free again,
    // which may already be during the uplink case).
    await rp.waitForFunction(() => {
      const said = window.__networkSaid || [];
      const warned = said.findLastIndex((s) => /te zwak/.test(s));
      return warned >= 0 && said.slice(warned + 1).some((s) => /weer goed/.test(s));
    }, null, { timeout: 20000 });
  });
});

// The same weak downlink without Loket's adaptation: one full-size stream per camera,
// forwarded to everyone as it comes. Reported for docs/performance.md; it asserts only
// that the call runs, since what it shows is the problem simulcast solves.
describe('the same weak line with simulcast off (comparison)', { skip }, () => {
  const relay = new ImpairmentRelay(HI + 1, HI + 12);
  const suite = new Suite('network-off', {
    media: true,
    env: {
      LOKET_MEDIA_BIND_IP: '127.0.0.1', LOKET_MEDIA_PORTS: `${relay.lo}-${relay.hi}`, LOKET_MEDIA_PUBLIC_IPS: '127.0.0.2',
      LOKET_MEDIA_SIMULCAST: 'false',
    },
  });
  let rp, tp;
  before(async () => {
    await relay.start();
    await suite.start();
    [rp, tp] = await Promise.all([suite.page('resident'), suite.page('interpreter')]);
  });
  after(async () => { await suite.close(); relay.close(); });

  it("resident's downlink 400 kbit/s, simulcast off: what the resident receives", async (t) => {
    await startVideoCall(rp, suite.server, { met: 'tolk', name: 'Sanne' });
    await logIn(tp, suite.server, 'tolk', { available: true });
    await acceptFirstOffer(tp, { call: true });
    const tolk = await tp.getAttribute('#call', 'data-self');
    await waitDecoding(rp, [tolk]);
    const { port } = await sfuPort(rp);
    relay.impair(port, { down: { kbps: 400 }, up: {} });
    await rp.waitForTimeout(4000);
    const m = (await measure(rp, 6000))[tolk];
    for (const [name, value, unit] of [['video fps', m?.fps, 'fps'], ['video width', m?.width, 'px'], ['freezes', m?.freezes, `(${m?.freezeSecs} s frozen)`]]) {
      t.diagnostic(suite.report.figure({ name: `simulcast off, downlink 400 kbit/s: ${name}, resident <- ${tolk}`, value, unit }));
    }
    t.diagnostic(`simulcast off: relay ${JSON.stringify(relay.counts(port))}`);
    assert.ok(relay.counts(port).down.passed > 0, 'packets reach the resident');
  });
});
