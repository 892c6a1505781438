// Live connection helpers shared by the resident chat, the agent console and the staff call
// page (and their message boxes, composer.js).
// A LiveSocket reconnects by itself (with back-off), sends a heartbeat, and tells its
// owner when it opens (so the owner can resume from the last message number it saw).

export class LiveSocket {
  constructor(path, { onOpen, onFrame, onDown }) {
    this.path = path;
    this.onOpen = onOpen;
    this.onFrame = onFrame;
    this.onDown = onDown;
    this.delay = 500;
    this.ws = null;
    this.wasOpen = false;
    this.heartbeat = null;
    this.connect();
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}${this.path}`);
    this.ws = ws;
    ws.addEventListener('open', () => {
      const reconnected = this.wasOpen;
      this.wasOpen = true;
      this.delay = 500;
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.send({ type: 'ping' }), 25000);
      this.onOpen(reconnected);
    });
    ws.addEventListener('message', (e) => {
      let frame;
      try { frame = JSON.parse(e.data); } catch { return; }
      this.onFrame(frame);
    });
    ws.addEventListener('close', (e) => {
      clearInterval(this.heartbeat);
      if (this.ws !== ws) return;
      if (e.code === 4401) { location.reload(); return; } // session ended: the page asks to log in
      this.onDown();
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 10000);
    });
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  send(frame) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }
}

// A random id for a message, so that a resend after a reconnect is stored once.
export function clientId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Builds one message item with the same markup as the server (`message_item` in
// templates/macros/chat.html; change both together). Text only, never HTML.
export function messageItem(m) {
  const li = document.createElement('li');
  li.className = `msg msg-${m.sender}`;
  li.dataset.seq = String(m.seq);
  const meta = document.createElement('p');
  meta.className = 'msg-meta';
  const who = document.createElement('span');
  who.className = 'msg-sender';
  who.textContent = m.sender_name;
  const time = document.createElement('time');
  time.dateTime = new Date(m.at).toISOString();
  time.textContent = m.time;
  meta.append(who, ' ', time);
  const body = document.createElement('p');
  body.className = 'msg-body';
  body.textContent = m.body;
  li.append(meta, body);
  return li;
}

// Adds a message to a list once, in sequence order. Returns true when it was new.
export function addMessage(list, m) {
  if (list.querySelector(`li[data-seq="${m.seq}"]`)) return false;
  const log = list.closest('.log');
  const nearBottom = log ? log.scrollHeight - log.scrollTop - log.clientHeight < 80 : false;
  const item = messageItem(m);
  const later = Array.from(list.children).find((li) => Number(li.dataset.seq) > m.seq);
  list.insertBefore(item, later || null);
  if (log && nearBottom) log.scrollTop = log.scrollHeight;
  return true;
}

// Shows a text in a live region; clears it after `ms` when given.
export function say(region, text, ms) {
  if (!region) return;
  region.textContent = text;
  if (ms) setTimeout(() => { if (region.textContent === text) region.textContent = ''; }, ms);
}

// Throttled typing notifications: true at most every 2 s while typing, false after 3 s idle.
export function typingNotifier(send) {
  let last = 0;
  let idle = null;
  return {
    input() {
      const now = Date.now();
      if (now - last > 2000) { last = now; send(true); }
      clearTimeout(idle);
      idle = setTimeout(() => { last = 0; send(false); }, 3000);
    },
    stop() {
      clearTimeout(idle);
      if (last) { last = 0; send(false); }
    },
  };
}
