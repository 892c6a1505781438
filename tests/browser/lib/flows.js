// What several test files do the same way, through the UI as a person would: log in as
// demo staff, go available, accept an offer, start a chat or a video call, submit a form and
// wait for the next page, and collect script errors and CSP violations. A test that is
// *about* one of these steps (the keyboard-only login, the login form's errors) still
// spells it out itself.
import assert from 'node:assert/strict';
import { DEMO_PASSWORD } from './harness.js';

/** Clicks (a selector or a locator) and waits until the page it leads to has loaded. */
export async function submitAndWait(page, target) {
  const locator = typeof target === 'string' ? page.locator(target) : target;
  const nav = page.waitForNavigation({ waitUntil: 'load' });
  await locator.click();
  return nav;
}

/** Ends the resident's conversation (or stops waiting) the way a person does: the end
 * link, then "Ja" in the dialog (JavaScript) or on the confirmation page (without). */
export async function endChat(page) {
  await page.locator('#end-link').click();
  const yes = page.locator('#end-dialog[open] #end-confirm, main form.confirm-actions button[type=submit]').first();
  await yes.waitFor();
  await submitAndWait(page, yes);
}

/** Logs a demo staff member in through the login form; optionally goes available. */
export async function logIn(page, server, user, { available = false } = {}) {
  await page.goto(server.url('/staff/login'));
  await page.fill('#username', user);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL('**/staff'), page.click('main form button[type=submit]')]);
  if (available) await goAvailable(page);
}

/** Presses "available" on the console and waits until the page says so. */
export async function goAvailable(page) {
  // Presence is kept between sessions: someone already available stays so.
  if (await page.locator('#presence[data-presence=available]').count()) return;
  await page.click('button[name=presence][value=available]');
  await page.locator('#presence[data-presence=available]').waitFor();
}

/**
 * Accepts the first offer on the console. A call opens the staff call page (returns the
 * conversation id); a chat opens a panel on the console (returns its locator).
 */
export async function acceptFirstOffer(page, { call = false } = {}) {
  await page.locator('#offers li.offer').first().waitFor();
  const accept = page.locator('#offers button[data-action=accept]').first();
  if (call) {
    await Promise.all([page.waitForURL(/\/staff\/gesprek\/\d+$/), accept.click()]);
    return Number(page.url().match(/gesprek\/(\d+)/)[1]);
  }
  const before = await page.locator('#chats .chat-panel').count();
  await accept.click();
  const panel = page.locator('#chats .chat-panel').nth(before);
  await panel.waitFor();
  return panel;
}

/** Starts a chat through the start form; returns the conversation page's path. */
export async function startChat(page, server, question, { name } = {}) {
  await page.goto(server.url('/chat/start'));
  if (name) await page.fill('#name', name);
  await page.fill('#question', question);
  await submitAndWait(page, 'main form button[type=submit]');
  const path = new URL(page.url()).pathname;
  assert.match(path, /^\/chat\/[^/]+$/, `a conversation page after starting a chat (got ${page.url()})`);
  return path;
}

/** Starts a video call (`met`: medewerker or tolk) through its start form. */
export async function startVideoCall(page, server, { met = 'medewerker', question = '', name } = {}) {
  await page.goto(server.url(`/video/start?met=${met}`));
  if (name) await page.fill('#name', name);
  if (question) await page.fill('#question', question);
  await Promise.all([page.waitForURL(/\/chat\/[^/]+$/), page.click('main form button[type=submit]')]);
  await page.locator('#call').waitFor();
}

/** Types a message in the box and sends it with Enter; waits until the log shows it. */
export async function sendMessage(page, text, { box = '#message', log = '#messages' } = {}) {
  await page.locator(box).fill(text);
  await page.locator(box).press('Enter');
  await page.locator(`${log} li`, { hasText: text }).first().waitFor();
}

/** Collects the page's script errors and Content-Security-Policy violations into `into`. */
export function watchErrors(page, who, into) {
  page.on('pageerror', (e) => into.push(`${who} ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) into.push(`${who} ${page.url()}: ${m.text()}`);
  });
  return into;
}

/**
 * Makes the server refuse every message that contains `marker`, on the live socket of
 * `target` (a page or a browser context): on its way out of the browser (Playwright's
 * WebSocket routing) the message's body is replaced by `length()` characters (more than the
 * server accepts), so the server answers with its own `error` frame for that client id, as
 * it does for any refusal (too long, not stored). The page still holds the text it sent.
 * Must be called before the page opens its socket.
 */
export async function refuseMarked(target, marker, length) {
  await target.routeWebSocket(/\/ws\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      if (typeof message === 'string' && message.includes(marker)) {
        try {
          const frame = JSON.parse(message);
          if (frame.type === 'send') { server.send(JSON.stringify({ ...frame, body: 'x'.repeat(length()) })); return; }
        } catch { /* not JSON: pass it on */ }
      }
      server.send(message);
    });
  });
}

/**
 * Records every text the element `selector` shows from now on (a live region whose text
 * comes and goes, such as "connection lost" / "connection back", which clears itself after
 * a few seconds), so a test can wait for a text even if it has gone again by the time the
 * test looks. Returns `waitFor(text)`, which resolves once the element has shown `text`.
 */
export async function recordTexts(page, selector) {
  await page.evaluate((sel) => {
    window.__texts ??= {};
    const seen = (window.__texts[sel] = []);
    const el = document.querySelector(sel);
    const note = () => { const t = el.textContent.trim(); if (t && seen.at(-1) !== t) seen.push(t); };
    note();
    new MutationObserver(note).observe(el, { childList: true, subtree: true, characterData: true });
  }, selector);
  return {
    waitFor: (text, opts) => page.waitForFunction(([sel, x]) => window.__texts[sel].includes(x), [selector, text], opts),
    seen: () => page.evaluate((sel) => window.__texts[sel], selector),
  };
}
