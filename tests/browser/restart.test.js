// A restart of Loket (SIGTERM, then started again on the same database and port): the
// resident's page is told its connection closed, reconnects by itself, and the
// conversation goes on without a lost or doubled message.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { startChat, sendMessage, recordTexts } from './lib/flows.js';
import { watchSockets, waitLive } from './lib/keys.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow restarts the server and is skipped' : false;

describe('restart of the server', { skip }, () => {
  const suite = new Suite('restart');
  let server, page, sockets;

  before(async () => {
    ({ server } = await suite.start());
    page = await suite.page('resident');
    sockets = watchSockets(page);
  });

  after(() => suite.close());

  const send = (text) => sendMessage(page, text);

  it('the resident page reconnects by itself and the chat goes on', async (t) => {
    await startChat(page, server, 'Wanneer komt de vuilniswagen?');
    await waitLive(sockets);
    await send('voor de herstart');

    // Every text the alert region shows is recorded: "back" clears itself after 4 s, and on
    // a busy machine the page may be back before the restart call here returns.
    const lost = await page.getAttribute('#chat', 'data-lost');
    const back = await page.getAttribute('#chat', 'data-back');
    const alert = await recordTexts(page, '#connection[role=alert]');
    const started = Date.now();
    await server.restart();
    // The page says the connection went, then that it is back, without a reload.
    // (Reconnect attempts back off up to 10 s apart: the bound is generous on purpose.)
    await alert.waitFor(lost);
    await alert.waitFor(back, { timeout: 60000 });
    const reconnectMs = Date.now() - started;
    assert.deepEqual((await alert.seen()).slice(-2), [lost, back], 'lost, then back');

    await send('na de herstart');
    const seqs = await page.$$eval('#messages li:not(.msg-system)', (lis) => lis.map((li) => li.dataset.seq));
    assert.equal(new Set(seqs).size, seqs.length, `no duplicates: ${seqs}`);
    const texts = await page.$$eval('#messages li:not(.msg-system)', (lis) => lis.map((li) => li.textContent));
    assert.equal(texts.filter((t) => t.includes('voor de herstart')).length, 1);
    assert.equal(texts.filter((t) => t.includes('na de herstart')).length, 1);
    assert.equal(await page.getAttribute('#chat', 'data-status'), 'waiting', 'still waiting in the queue');
    suite.report.check({ state: 'restart', check: 'reconnected after a server restart', ok: true, details: [lost, back, `${reconnectMs} ms`] });
    t.diagnostic(suite.report.figure({ name: 'resident page back after a server restart (stop, start, reconnect)', value: reconnectMs, unit: 'ms' }));
  });
});
