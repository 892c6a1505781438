// Issue 13 in a real browser: what a resident sees when their device or network has
// started too many conversations (the intake limits), and when a queue is full. The
// limits are set low here (one chat per browser) so a person meets them at once; the
// Rust flood tests (tests/it/flood.rs) check the defaults against scripted floods.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { startChat, submitAndWait } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;

describe('too many new conversations: an honest page, and the way back', { skip }, () => {
  const suite = new Suite('abuse', { env: { LOKET_INTAKE_LIVE_PER_BROWSER: '1' } });
  let server, rp;

  before(async () => {
    ({ server } = await suite.start());
  });
  after(() => suite.close());

  for (const [w, h] of [[1280, 800], [390, 844]]) {
    it(`a second chat from the same browser is refused plainly (${w}x${h})`, async () => {
      rp = await suite.page(`resident ${w}`, { viewport: { width: w, height: h } });
      const first = await startChat(rp, server, 'Mijn eerste vraag');
      await rp.goto(server.url('/chat/start'));
      await rp.fill('#question', 'Nog een vraag');
      const [resp] = await Promise.all([
        rp.waitForResponse((r) => r.url().endsWith('/chat/start') && r.request().method() === 'POST'),
        submitAndWait(rp, 'main form button[type=submit]'),
      ]);
      assert.equal(resp.status(), 429);
      assert.equal(resp.headers()['retry-after'], '300');
      assert.equal((await rp.locator('h1').textContent()).trim(), 'Even geen nieuw gesprek mogelijk');
      assert.match(await rp.title(), /^Fout: Even geen nieuw gesprek mogelijk/);
      assert.match(await rp.locator('main').textContent(), /Probeer het over 10 minuten opnieuw/);
      await suite.check(rp, `too many new conversations (${w})`, { key: '/chat/start' });
      // The first conversation is still there, unharmed.
      await rp.goto(server.url(first));
      assert.equal(await rp.locator('#chat').getAttribute('data-status'), 'waiting');
      await rp.close();
    });
  }

  it('no script errors', () => suite.assertNoScriptErrors('abuse'));
});
