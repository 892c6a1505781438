// A restart of Loket (SIGTERM, then started again on the same database and port): the
// resident's page is told its connection closed, reconnects by itself, and the
// conversation goes on without a lost or doubled message.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, AUDITOR_URL } from './lib/harness.js';
import { launch, newContext } from './lib/browser.js';
import { Report } from './lib/report.js';
import { watchSockets, waitLive } from './lib/keys.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow restarts the server and is skipped' : false;

describe('restart of the server', { skip }, () => {
  let server, browser, page, sockets, report;

  before(async () => {
    server = await startServer();
    browser = await launch();
    report = new Report('restart');
    const ctx = await newContext(browser);
    page = await ctx.newPage();
    sockets = watchSockets(page);
  });

  after(async () => {
    report?.write();
    await browser?.close();
    await server?.stop();
  });

  async function send(text) {
    await page.locator('#message').fill(text);
    await page.locator('#message').press('Enter');
    await page.locator('#messages li', { hasText: text }).waitFor({ timeout: 15000 });
  }

  it('the resident page reconnects by itself and the chat goes on', async () => {
    await page.goto(server.url('/chat/start'));
    await page.locator('#question').fill('Wanneer komt de vuilniswagen?');
    await Promise.all([
      page.waitForURL(/\/chat\/[^/]+$/),
      page.locator('form[action="/chat/start"] button[type=submit]').click(),
    ]);
    await waitLive(sockets);
    await send('voor de herstart');

    const started = Date.now();
    await server.restart();
    // The page says the connection went, then that it is back, without a reload.
    await page.waitForFunction(() => document.querySelector('#connection').textContent.trim().length > 0, null, { timeout: 15000 });
    const lost = (await page.locator('#connection[role=alert]').textContent()).trim();
    await page.waitForFunction((t) => { const x = document.querySelector('#connection').textContent.trim(); return x && x !== t; }, lost, { timeout: 20000 });
    const back = (await page.locator('#connection').textContent()).trim();
    const reconnectMs = Date.now() - started;

    await send('na de herstart');
    const seqs = await page.$$eval('#messages li:not(.msg-system)', (lis) => lis.map((li) => li.dataset.seq));
    assert.equal(new Set(seqs).size, seqs.length, `no duplicates: ${seqs}`);
    const texts = await page.$$eval('#messages li:not(.msg-system)', (lis) => lis.map((li) => li.textContent));
    assert.equal(texts.filter((t) => t.includes('voor de herstart')).length, 1);
    assert.equal(texts.filter((t) => t.includes('na de herstart')).length, 1);
    assert.equal(await page.getAttribute('#chat', 'data-status'), 'waiting', 'still waiting in the queue');
    report.check({ state: 'restart', check: 'reconnected after a server restart', ok: true, details: [lost, back, `${reconnectMs} ms`] });
  });
});
