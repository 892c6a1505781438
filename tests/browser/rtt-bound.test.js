// Real-time text cannot freeze the page that shows it (issue 13, item 3): one
// 60,000-character chunk on a t140 channel froze an agent's call page for about 30 s.
// The server cuts chunks to 500 bytes and ~50 characters a second (tests/it/rtt_limits.rs);
// this checks the page's own bound in real Chromium: the call page's real channel handler
// (static/js/call.js, Call.addChannel -> applyT140 -> setLive) gets ten 60,000-character
// chunks, keeps only the last characters of the live line, and stays responsive.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Suite } from './lib/suite.js';

describe('real-time text: what the page keeps is bounded', () => {
  const suite = new Suite('rtt-bound');
  let server;

  before(async () => {
    ({ server } = await suite.start());
  });

  after(() => suite.close());

  it('ten 60,000-character chunks keep at most 300 characters on screen, quickly', async () => {
    const page = await suite.page('agent');
    await page.goto(server.url('/'));
    const result = await page.evaluate(async () => {
      const { Call, MAX_LIVE_CHARS } = await import('/static/js/call.js');
      // The live-text region of a call page, and a Call with only what its text needs.
      const lines = document.createElement('ul');
      lines.id = 'rtt-lines';
      document.body.append(lines);
      const call = Object.create(Call.prototype);
      Object.assign(call, { channels: new Map(), live: new Map(), rttSent: '', rttLines: lines, nameOf: () => 'Jan' });
      const channel = new EventTarget();
      Object.assign(channel, { label: 't140:resident', protocol: 't140', readyState: 'open', send() {} });
      call.addChannel(channel);
      const started = performance.now();
      for (let i = 0; i < 10; i += 1) {
        channel.dispatchEvent(new MessageEvent('message', { data: 'x'.repeat(60_000) }));
      }
      // Let the page lay the line out and paint it.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const ms = performance.now() - started;
      channel.dispatchEvent(new MessageEvent('message', { data: 'Hallo' }));
      const text = lines.querySelector('li[data-participant=resident] .rtt-text').textContent;
      return { max: MAX_LIVE_CHARS, kept: [...call.live.get('resident')].length, shown: text.length, end: text.slice(-5), ms };
    });
    console.log(`ten 60,000-character chunks: the live line keeps ${result.kept} characters, shows ${result.shown}, handled and painted in ${result.ms.toFixed(0)} ms`);
    assert.ok(result.kept <= 300, `the live line keeps ${result.kept} characters`);
    assert.ok(result.shown <= 300, `the page shows ${result.shown} characters`);
    assert.equal(result.end, 'Hallo', 'what comes after the flood is shown');
    assert.ok(result.ms < 2000, `handling the flood took ${result.ms} ms`);
    assert.equal(result.max, 300);
    // The page still answers at once.
    const t0 = Date.now();
    await page.evaluate(() => document.title);
    assert.ok(Date.now() - t0 < 1000);
  });
});
