// Keyboard only, live over WebSockets in a real browser: a resident and an agent hold a
// whole conversation with Tab, Shift+Tab, Enter and Space; the live region behaves.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { tabTo, describeFocus, watchSockets, waitLive } from './lib/keys.js';
import { CutProxy } from './lib/proxy.js';
import { recordTexts } from './lib/flows.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;
const TIME = /(^|\D)\d{1,2}[:.]\d{2}(\D|$)/;

describe('keyboard-only conversation, live', { skip }, () => {
  const suite = new Suite('keyboard');
  let server, proxy, rp, sp, rSockets, sSockets;
  const navs = { r: 0 };

  before(async () => {
    ({ server } = await suite.start());
    // The resident browses through a proxy whose connections the test can cut.
    proxy = await new CutProxy(server.port).start();
    rp = await suite.page('resident');
    sp = await suite.page('agent');
    rSockets = watchSockets(rp);
    sSockets = watchSockets(sp);
    rp.on('framenavigated', (f) => { if (f === rp.mainFrame()) navs.r += 1; });
  });

  after(async () => {
    await proxy?.stop();
    await suite.close();
  });

  function ok(check, details) { suite.report.check({ state: 'keyboard/live', check, ok: true, details }); }

  it('resident starts a chat with the keyboard', async () => {
    await rp.goto(proxy.url('/'));
    await tabTo(rp, (f) => f.href === '/chat/start', { label: 'start-chat link' });
    await Promise.all([rp.waitForURL('**/chat/start'), rp.keyboard.press('Enter')]);
    await tabTo(rp, (f) => f.id === 'name', { label: 'name field' });
    await rp.keyboard.type('Sanne');
    await tabTo(rp, (f) => f.id === 'question', { label: 'question field' });
    await rp.keyboard.type('Waar kan ik een parkeervergunning aanvragen?');
    await tabTo(rp, (f) => f.tag === 'button' && f.type === 'submit' && f.form === '/chat/start', { label: 'start button' });
    await Promise.all([rp.waitForURL(/\/chat\/[^/]+$/), rp.keyboard.press('Enter')]);
    assert.equal(await rp.getAttribute('#chat', 'data-status'), 'waiting');
    // The log exists (empty of agent messages) before the first live message arrives.
    assert.equal(await rp.locator('[role=log]').count(), 1, 'one role=log on the page');
    await waitLive(rSockets);
    ok('resident started a chat by keyboard');
  });

  it('agent logs in, goes available with Space and accepts with Enter', async () => {
    await sp.goto(server.url('/staff/login'));
    await tabTo(sp, (f) => f.id === 'username', { label: 'username' });
    await sp.keyboard.type('bram');
    await sp.keyboard.press('Tab');
    assert.equal((await describeFocus(sp)).id, 'password');
    await sp.keyboard.type(DEMO_PASSWORD);
    await Promise.all([sp.waitForURL('**/staff'), sp.keyboard.press('Enter')]);
    await waitLive(sSockets);
    await tabTo(sp, (f) => f.name === 'presence' && f.value === 'available', { label: 'available button' });
    await sp.keyboard.press('Space');
    await sp.locator('#presence[data-presence=available]').waitFor();
    await sp.locator('#offers li.offer').waitFor();
    await tabTo(sp, (f) => f.action === 'accept', { label: 'accept button' });
    await sp.keyboard.press('Enter');
    await sp.locator('#chats .chat-panel').waitFor();
    const f = await describeFocus(sp);
    assert.ok(f && f.tag === 'textarea' && f.id.startsWith('reply-'), `focus moves to the reply box after accepting (got ${f && f.path})`);
    assert.equal(new URL(sp.url()).pathname, '/staff', 'accepting did not reload the page (live)');
    await rp.locator('#chat[data-status=active]').waitFor();
    ok('agent accepted by keyboard; focus moved to the reply box');
  });

  it('a reply lands in the resident log exactly once, with sender and time', async () => {
    await rp.evaluate(() => {
      window.__added = [];
      const list = document.querySelector('[role=log] ol');
      new MutationObserver((muts) => {
        for (const m of muts) for (const n of m.addedNodes) if (n.nodeName === 'LI' && !n.classList.contains('msg-system')) window.__added.push(n.textContent.replace(/\s+/g, ' ').trim());
      }).observe(list, { childList: true, subtree: true });
    });
    const navBefore = navs.r;
    await sp.keyboard.type('Goedemiddag Sanne, dat kan online.');
    await sp.keyboard.press('Enter');
    await rp.waitForFunction(() => window.__added.length >= 1);
    // A second, later message proves nothing else (a duplicate) was queued in between.
    await sp.keyboard.type('Zal ik de link sturen?');
    await sp.keyboard.press('Enter');
    await rp.waitForFunction(() => window.__added.some((t) => t.includes('Zal ik de link sturen?')));
    const added = await rp.evaluate(() => window.__added);
    assert.equal(added.length, 2, `two items added, once each: ${JSON.stringify(added)}`);
    assert.match(added[0], /Bram/i, 'sender name in the text');
    assert.match(added[0], TIME, 'time in the text');
    assert.match(added[0], /Goedemiddag Sanne/);
    const meta = await rp.$eval('#messages li:last-child', (li) => ({ sender: li.querySelector('.msg-sender')?.textContent, time: li.querySelector('time')?.getAttribute('datetime') }));
    assert.ok(meta.time && !Number.isNaN(Date.parse(meta.time)), 'a machine-readable <time datetime>');
    assert.equal(navs.r, navBefore, 'no page reload on the resident side');
    ok('live message added once, with sender and time', added);
  });

  it('resident replies with the keyboard (Enter sends, over the socket)', async () => {
    const navBefore = navs.r;
    await tabTo(rp, (f) => f.id === 'message', { label: 'message box' });
    await rp.keyboard.type('Ja graag.');
    await rp.keyboard.press('Enter');
    await sp.locator('.chat-panel .messages li', { hasText: 'Ja graag.' }).waitFor();
    await rp.locator('#messages li', { hasText: 'Ja graag.' }).waitFor();
    assert.equal(await rp.locator('#messages li', { hasText: 'Ja graag.' }).count(), 1);
    assert.equal(navs.r, navBefore, 'sent live, without a page load');
    ok('resident sent by keyboard');
  });

  it('connection loss is announced in role=alert, and the chat resumes without duplicates', async () => {
    const before = await rp.locator('#messages li:not(.msg-system)').count();
    // Every text of the alert region is recorded ("back" clears itself after 4 s).
    const lost = await rp.getAttribute('#chat', 'data-lost');
    const back = await rp.getAttribute('#chat', 'data-back');
    const alert = await recordTexts(rp, '#connection[role=alert]');
    proxy.disconnect();
    // The network drops (every connection cut, new ones refused): the alert says so.
    await alert.waitFor(lost);
    // While the resident is offline the agent writes; the message must arrive after the resume.
    const cur = await describeFocus(sp);
    if (!(cur && cur.tag === 'textarea')) await tabTo(sp, (x) => x.tag === 'textarea' && x.id.startsWith('reply-'), { label: 'reply box' });
    await sp.keyboard.type('Hier is de link: /parkeren');
    await sp.keyboard.press('Enter');
    await sp.locator('.chat-panel .messages li', { hasText: 'Hier is de link' }).waitFor();
    proxy.restore();
    // The socket comes back by itself; the alert then says the connection is back.
    // (Reconnect attempts back off up to 10 s apart: the bound is generous on purpose.)
    await alert.waitFor(back, { timeout: 60000 });
    assert.deepEqual((await alert.seen()).slice(-2), [lost, back], 'lost, then back');
    await rp.locator('#messages li', { hasText: 'Hier is de link' }).waitFor();
    const seqs = await rp.$$eval('#messages li:not(.msg-system)', (lis) => lis.map((li) => li.dataset.seq));
    assert.equal(new Set(seqs).size, seqs.length, `no duplicate messages after resume: ${seqs}`);
    assert.equal(seqs.length, before + 1);
    const added = await rp.evaluate(() => window.__added.filter((t) => t.includes('Hier is de link')).length);
    assert.equal(added, 1, 'the resumed message was added to the log once');
    ok('connection loss announced and resumed', [lost, back]);
  });

  it('agent ends the chat, fills in the wrap-up and logs out, by keyboard', async () => {
    await tabTo(sp, (f) => f.form.endsWith('/end'), { label: 'end chat button' });
    await sp.keyboard.press('Enter');
    // It asks first; focus is on "No", the answer before it is "Yes".
    await sp.locator('#confirm-dialog[open]').waitFor();
    await sp.keyboard.press('Shift+Tab');
    assert.equal((await describeFocus(sp)).id, 'confirm-yes');
    await sp.keyboard.press('Enter');
    await sp.locator('#wrapups .wrapup').waitFor();
    const f = await describeFocus(sp);
    assert.ok(f && f.tag === 'select' && f.id.startsWith('wrapup-topic-'), `focus moves to the wrap-up form (got ${f && f.path})`);
    // "Is de vraag in dit contact opgelost?": Tab reaches the radio group, Space says yes.
    await sp.keyboard.press('Tab');
    assert.ok((await describeFocus(sp)).id.startsWith('wrapup-resolved-'), 'the resolved question follows the topic');
    await sp.keyboard.press('Space');
    await sp.keyboard.press('Tab');
    assert.ok((await describeFocus(sp)).id.startsWith('wrapup-note-'));
    await sp.keyboard.type('Link naar parkeervergunning gestuurd.');
    await tabTo(sp, (x) => x.tag === 'button' && x.form.endsWith('/wrapup'), { label: 'wrap-up submit' });
    await sp.keyboard.press('Enter');
    await sp.locator('#wrapups .wrapup').waitFor({ state: 'detached' });
    const after = await describeFocus(sp);
    assert.ok(after && after.id === 'chats-title', `focus lands on the chats heading after the wrap-up (got ${after && after.path})`);
    await tabTo(sp, (x) => x.form === '/staff/logout', { back: true, label: 'log out button' });
    await Promise.all([sp.waitForURL((u) => !u.pathname.startsWith('/staff') || u.pathname === '/staff/login'), sp.keyboard.press('Enter')]);
    ok('agent wrap-up and logout by keyboard');
  });

  it('resident sees the ended conversation and opens the transcript by keyboard', async () => {
    await rp.locator('#chat[data-status=ended] .actions').waitFor();
    await tabTo(rp, (f) => f.href.endsWith('/transcript'), { label: 'transcript link' });
    await Promise.all([rp.waitForURL('**/transcript'), rp.keyboard.press('Enter')]);
    const text = await rp.textContent('ol.transcript');
    for (const t of ['parkeervergunning', 'Goedemiddag Sanne', 'Ja graag.', 'Hier is de link']) assert.ok(text.includes(t), `transcript has "${t}"`);
    ok('transcript opened by keyboard');
  });
});
