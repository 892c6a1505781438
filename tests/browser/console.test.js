// The agent console as a working tool (issue 12), at a laptop's 1280x800 and a phone's
// 390x844: the own status reads as a state; offers show where the contact comes from
// (website, kiosk "Stadskantoor Noord") and count down; waits tick every second in the
// offers, the queue table and the waiting list; declining says so; a waiting resident
// can be taken from the list; two open chats with their reply boxes fit in the window;
// ending a chat and logging out with chats open ask first (a dialog, and a page of its
// own without JavaScript); after ending, the conversation stays beside the wrap-up form;
// logging out hands the chat back with a message to the resident that says so.
// Every new state: axe with zero violations and screenshots at both sizes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUDITOR_URL } from './lib/harness.js';
import { Suite } from './lib/suite.js';
import { runAxe } from './lib/checks.js';
import { logIn, goAvailable, startChat, submitAndWait } from './lib/flows.js';
import { tabTo, describeFocus } from './lib/keys.js';

const skip = AUDITOR_URL ? 'auditor mode (LOKET_URL): this flow posts and is skipped' : false;
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('agent console as a working tool', { skip }, () => {
    const suite = new Suite('console');
  let server, sp, r1, kp, link;

  before(async () => {
    ({ server } = await suite.start());
    sp = await suite.page('agent', { viewport: LAPTOP });
    r1 = await suite.page('resident');
    kp = await suite.page('kiosk');
  });

  after(() => suite.close());

  /** axe (zero violations) and a screenshot at 1280x800 and at 390x844; back to 1280x800. */
  async function look(page, state) {
    for (const size of [LAPTOP, PHONE]) {
      await page.setViewportSize(size);
      const axe = await runAxe(page);
      const shot = suite.report.screenshotPath(state, size.width);
      await page.screenshot({ path: shot.file, fullPage: size === PHONE });
      suite.report.page({ state, url: page.url(), path: new URL(page.url()).pathname, width: size.width, title: await page.title(), lang: 'nl', violations: axe.violations, incomplete: axe.incomplete, rulesRun: axe.rulesRun, screenshot: shot.name });
      assert.deepEqual(axe.violations.map((v) => `[${size.width}] ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), [], `${state}: axe`);
    }
    await page.setViewportSize(LAPTOP);
  }

  /** The text of `selector` now and 1.5 s later. */
  // Reads a ticking text, then waits (up to `within` ms) for it to move on; returns both
  // readings. A page that does not tick returns the same text twice and the test fails; a
  // busy machine that runs a timer late does not.
  async function twice(page, selector, within = 5000) {
    const el = page.locator(selector).first();
    const first = (await el.textContent()).trim();
    const deadline = Date.now() + within;
    let second = first;
    while (second === first && Date.now() < deadline) {
      await page.waitForTimeout(250);
      second = (await el.textContent()).trim();
    }
    return [first, second];
  }

  function inView(box) {
    return box && box.x >= 0 && box.y >= 0 && box.x + box.width <= LAPTOP.width && box.y + box.height <= LAPTOP.height;
  }

  it('a kiosk at "Stadskantoor Noord" is set up', async () => {
    const lead = await suite.page('supervisor');
    await logIn(lead, server, 'teamleider');
    await lead.goto(server.url('/staff/kiosks'));
    await lead.fill('#kiosk-name', 'Zuil hal');
    await lead.fill('#kiosk-location', 'Stadskantoor Noord');
    await lead.fill('#kiosk-idle', '600');
    await Promise.all([lead.waitForNavigation(), lead.click('main form button[type=submit]')]);
    link = (await lead.textContent('#enrol-link')).trim();
    await kp.goto(link);
    await Promise.all([kp.waitForURL('**/kiosk'), kp.click('main form button[type=submit]')]);
    await lead.context().close();
  });

  it('the own status reads as a state with one button to change it', async () => {
    await logIn(sp, server, 'anna');
    assert.equal((await sp.textContent('#presence-state')).trim(), 'Afwezig');
    assert.equal(await sp.locator('#presence form button').count(), 1, 'one button, not two equal ones');
    assert.equal((await sp.textContent('#presence-toggle')).trim(), 'Zet mij op beschikbaar');
    await look(sp, 'console away');
    await goAvailable(sp);
    assert.equal((await sp.textContent('#presence-state')).trim(), 'Beschikbaar');
    assert.equal((await sp.textContent('#presence-toggle')).trim(), 'Zet mij op afwezig');
  });

  it('an offer shows where the contact comes from, counts down, and its wait ticks', async () => {
    await startChat(r1, server, 'Waar vind ik mijn WOZ-waarde?', { name: 'Sanne' });
    const card = sp.locator('#offers li.offer').first();
    await card.waitFor();
    assert.match(await card.textContent(), /Via: website/);
    const [left1, left2] = await twice(sp, '#offers .countdown-secs');
    assert.ok(Number(left2) < Number(left1), `the countdown goes down (${left1} then ${left2})`);
    assert.ok(Number(left1) > 0);
    const [w1, w2] = await twice(sp, '#offers .ticking');
    assert.notEqual(w1, w2, `the wait ticks in the offer (${w1} then ${w2})`);
    // The queue table follows live: the ringing contact counts as offered, not waiting.
    const headers = await sp.locator('#queues thead th').allTextContents();
    assert.deepEqual(headers.map((h) => h.trim()).slice(1, 3), ['Wachtend', 'Aangeboden']);
    await sp.waitForFunction(() => [...document.querySelectorAll('#queues tbody tr')]
      .some((r) => r.querySelectorAll('td')[1]?.textContent.trim() === '1'));
    await look(sp, 'console with an offer');
  });

  it('declining says "U heeft het aanbod geweigerd", not "vervallen"', async () => {
    await sp.locator('#offers button[data-action=decline]').first().click();
    await sp.locator('#offers li.offer').waitFor({ state: 'detached' });
    const said = (await sp.textContent('#console-status')).trim();
    assert.equal(said, 'U heeft het aanbod geweigerd.');
    assert.doesNotMatch(said, /vervallen/);
  });

  it('waits tick every second in the queue table and the waiting list', async () => {
    await sp.locator('#waiting-list .waiting-item').first().waitFor();
    const [q1, q2] = await twice(sp, '#queues .ticking[data-since]');
    assert.notEqual(q1, q2, `longest wait ticks in the queue table (${q1} then ${q2})`);
    const [l1, l2] = await twice(sp, '#waiting-list .ticking');
    assert.notEqual(l1, l2, `the wait ticks in the waiting list (${l1} then ${l2})`);
    assert.match(await sp.textContent('#waiting-list'), /Via: website/);
    // Counts agree: the queue table's waiting count is the number in the list.
    const listed = await sp.locator('#waiting-list .waiting-item').count();
    const row = sp.locator('#queues tr', { has: sp.locator('.ticking[data-since]') }).first();
    assert.equal(Number((await row.locator('td').first().textContent()).trim()), listed);
    await look(sp, 'console with a waiting resident');
  });

  it('an agent takes a waiting resident from the list; the resident sees the agent', async () => {
    await submitAndWait(sp, sp.locator('#waiting-list button[data-action=take]').first());
    await sp.locator('#chats .chat-panel').first().waitFor();
    assert.match(await sp.textContent('.notice-box'), /uit de wachtrij genomen/);
    await r1.locator('#chat[data-status=active]').waitFor();
    assert.match(await r1.textContent('#messages'), /Anna de Vries neemt deel aan het gesprek/);
  });

  it('an offer from the kiosk says "Stadskantoor Noord"', async () => {
    await sp.goto(server.url('/staff'));
    await Promise.all([kp.waitForURL(/\/chat\/[^/]+$/), kp.locator('.kiosk-channels button', { hasText: 'Typen' }).click()]);
    const card = sp.locator('#offers li.offer').first();
    await card.waitFor();
    assert.match(await card.textContent(), /Via: zuil Stadskantoor Noord/);
    await card.locator('button[data-action=accept]').click();
    await sp.locator('#chats .chat-panel').nth(1).waitFor();
  });

  it('at 1280x800 both open chats and both reply boxes are wholly in view', async () => {
    await sp.goto(server.url('/staff'));
    await sp.locator('#chats .chat-panel').nth(1).waitFor();
    assert.equal(await sp.evaluate(() => window.scrollY), 0);
    for (let i = 0; i < 2; i++) {
      const panel = sp.locator('#chats .chat-panel').nth(i);
      for (const part of [panel, panel.locator('textarea'), panel.locator('.reply-form button[type=submit]'), panel.locator('.end-form button')]) {
        const box = await part.boundingBox();
        assert.ok(inView(box), `chat ${i + 1}: ${JSON.stringify(box)} is within 1280x800`);
      }
    }
    const [a, b] = [await sp.locator('#chats .chat-panel').nth(0).boundingBox(), await sp.locator('#chats .chat-panel').nth(1).boundingBox()];
    assert.ok(b.x >= a.x + a.width, 'side by side');
    await look(sp, 'console with two chats');
    await suite.check(sp, 'console with two chats (audit)', { key: '/staff' });
  });

  it('without JavaScript, ending a chat asks on a page of its own', async () => {
    const id = await sp.locator('#chats .chat-panel').nth(1).getAttribute('data-conversation');
    // form.submit() skips the script's dialog: the no-JavaScript post.
    await Promise.all([sp.waitForNavigation(), sp.evaluate((x) => document.querySelector(`form[action="/staff/chats/${x}/end"]`).submit(), id)]);
    assert.equal((await sp.textContent('h1')).trim(), 'Gesprek beëindigen?');
    await look(sp, 'end chat confirmation page');
    await submitAndWait(sp, sp.locator('main a', { hasText: 'Nee, terug' }));
    await sp.locator(`#conv-${id}`).waitFor();
  });

  it('ending a chat asks in a dialog; after ending, the conversation stays beside the wrap-up form', async () => {
    const panel = sp.locator('#chats .chat-panel').first();
    const id = await panel.getAttribute('data-conversation');
    await panel.locator('textarea').fill('Dat staat op de WOZ-beschikking.');
    await panel.locator('.reply-form button[type=submit]').click();
    await panel.locator('.messages li', { hasText: 'WOZ-beschikking' }).waitFor();
    await panel.locator('.end-form button').click();
    const dialog = sp.locator('#confirm-dialog[open]');
    await dialog.waitFor();
    assert.equal((await sp.textContent('#confirm-title')).trim(), 'Gesprek beëindigen?');
    assert.equal((await describeFocus(sp)).id, 'confirm-no', 'focus on the safe answer');
    await look(sp, 'end chat dialog');
    await sp.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await sp.locator(`#conv-${id}`).count(), 1, 'Escape keeps the chat');
    await panel.locator('.end-form button').click();
    await dialog.waitFor();
    await sp.click('#confirm-yes');
    const wrapup = sp.locator(`#wrapup-${id}`);
    await wrapup.waitFor();
    const log = await wrapup.locator('.wrapup-log').boundingBox();
    const form = await wrapup.locator('form').boundingBox();
    assert.ok(log && form && log.x + log.width <= form.x && log.y < form.y + form.height && form.y < log.y + log.height, `transcript beside the form: ${JSON.stringify({ log, form })}`);
    assert.match(await wrapup.locator('.wrapup-log').textContent(), /WOZ-beschikking/);
    await r1.locator('#chat[data-status=ended]').waitFor();
    await look(sp, 'wrap-up beside the transcript');
    await wrapup.locator('form button[type=submit]').click();
    await wrapup.waitFor({ state: 'detached' });
  });

  it('logging out with a chat open asks in a dialog (keyboard)', async () => {
    await tabTo(sp, (f) => f.form === '/staff/logout', { back: true, label: 'log out button' });
    await sp.keyboard.press('Enter');
    await sp.locator('#confirm-dialog[open]').waitFor();
    assert.equal((await sp.textContent('#confirm-title')).trim(), 'Uitloggen met open gesprekken?');
    await look(sp, 'logout dialog');
    await sp.keyboard.press('Enter'); // on "Nee, terug"
    await sp.locator('#confirm-dialog[open]').waitFor({ state: 'detached' });
    assert.equal(new URL(sp.url()).pathname, '/staff');
  });

  it('without JavaScript, logging out asks on a page of its own; the resident is told', async () => {
    await Promise.all([sp.waitForNavigation(), sp.evaluate(() => document.querySelector('form[action="/staff/logout"]').submit())]);
    assert.equal((await sp.textContent('h1')).trim(), 'Uitloggen met open gesprekken?');
    assert.match(await sp.textContent('main'), /1 open gesprek\. Dat gaat terug naar de wachtrij/);
    await look(sp, 'logout confirmation page');
    await Promise.all([sp.waitForURL('**/staff/login'), sp.click('main button[type=submit]')]);
    await kp.locator('#messages li', { hasText: 'De medewerker is gestopt' }).waitFor();
    await kp.locator('#chat[data-status=waiting]').waitFor();
  });

  it('no script errors or CSP violations', () => {
    suite.assertNoScriptErrors('console');
  });
});
