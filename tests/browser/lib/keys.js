// Keyboard-only helpers: move focus with Tab / Shift+Tab until a wanted element has it.
import { focusState } from './checks.js';

export function describeFocus(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {
      tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '', value: el.value ?? '',
      type: el.getAttribute('type') || '', href: el.getAttribute('href') || '',
      text: (el.textContent || '').trim().replace(/\s+/g, ' '),
      action: el.dataset ? el.dataset.action || '' : '',
      path: (() => { const parts = []; for (let n = el; n && n !== document.body; n = n.parentElement) parts.push(n.id ? `#${n.id}` : n.tagName.toLowerCase()); return parts.reverse().join(' > '); })(),
      form: el.form ? el.form.getAttribute('action') || '' : '',
    };
  });
}

/** Presses Tab (or Shift+Tab) until `want(focus)` is true; each stop must have a visible focus. */
export async function tabTo(page, want, { back = false, max = 60, label = 'target' } = {}) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await describeFocus(page);
    if (f) {
      const vis = await focusState(page);
      if (!vis.visible) throw new Error(`focus not visible on ${vis.desc}`);
    }
    seen.push(f ? `${f.tag}#${f.id} "${f.text.slice(0, 25)}"` : '(body)');
    if (f && want(f)) return f;
  }
  throw new Error(`${back ? 'Shift+Tab' : 'Tab'} never reached ${label} in ${max} presses; stops: ${seen.join(' | ')}`);
}

/** Records the page's WebSockets (to /ws/...) and how many frames each received. */
export function watchSockets(page) {
  const sockets = [];
  page.on('websocket', (ws) => {
    const s = { url: ws.url(), open: true, frames: 0 };
    sockets.push(s);
    ws.on('framereceived', () => { s.frames += 1; });
    ws.on('close', () => { s.open = false; });
  });
  return sockets;
}

/** Waits until an open live socket has received at least one frame. */
export async function waitLive(sockets, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (sockets.some((s) => s.open && s.frames > 0)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no live WebSocket with frames within ${timeoutMs} ms: ${JSON.stringify(sockets)}`);
}
