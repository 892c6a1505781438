// The wallboard (/staff/overzicht) and its wall screen (/tv/{token}), made live. The page
// is complete without this script; here it is kept current from `board` frames: over the
// staff socket's board connection (data-ws) or, on a wall screen, by fetching the same
// frame every two seconds (data-poll). Waits and times in state count on between frames.
// "Updated at" says when the figures were taken; when the connection is lost (or no frame
// came for 25 s) a warning says the figures are no longer current. The polite live region
// announces only threshold crossings (an alert starting or ending), never every update.
import { LiveSocket, say } from './live.js';

const root = document.getElementById('board');
if (root) start(root);

function duration(secs) {
  const s = Math.max(0, Math.floor(secs));
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

function start(root) {
  const stale = document.getElementById('board-stale');
  const staleText = document.getElementById('board-stale-text');
  const updated = document.getElementById('board-updated');
  const announce = document.getElementById('board-announce');
  // Ticking cells count from the moment their frame arrived.
  let received = Date.now();
  let lastFrame = Date.now();
  let isStale = false;
  // Alerts per queue as last shown: { key: overText }.
  const shown = new Map();
  for (const row of root.querySelectorAll('#board-queues tbody tr[data-queue]')) {
    shown.set(row.dataset.queue, new Map());
  }
  let first = true;

  function setStale(on) {
    if (on === isStale) return;
    isStale = on;
    stale.hidden = !on;
    staleText.textContent = on ? root.dataset.stale : '';
    if (!on) say(announce, root.dataset.back, 8000);
  }

  function tick() {
    const extra = (Date.now() - received) / 1000;
    for (const cell of root.querySelectorAll('[data-secs]')) {
      if (cell.dataset.secs === '' || cell.dataset.ticking === '0') continue;
      cell.textContent = duration(Number(cell.dataset.secs) + extra);
    }
    if (Date.now() - lastFrame > 25000) setStale(true);
  }

  function level(el, lvl, text) {
    if (!el) return;
    el.className = `level level-${lvl}`;
    el.querySelector('[data-field=level_text]').textContent = text;
  }

  function queues(list) {
    const said = [];
    for (const q of list) {
      const row = root.querySelector(`#board-queues tr[data-queue="${q.id}"]`);
      if (!row) continue;
      const set = (f, v) => { row.querySelector(`[data-field=${f}]`).textContent = String(v); };
      set('waiting', q.waiting);
      set('service', q.service);
      set('answered', q.answered);
      set('abandoned', q.abandoned);
      const longest = row.querySelector('[data-field=longest]');
      longest.dataset.secs = String(q.longest_wait_secs);
      longest.dataset.ticking = q.waiting > 0 ? '1' : '0';
      longest.textContent = duration(q.longest_wait_secs);
      level(row.querySelector('[data-field=level]'), q.level, q.level_text);
      const ul = row.querySelector('[data-field=alerts]');
      ul.replaceChildren(...q.alerts.map((a) => {
        const li = document.createElement('li');
        li.textContent = a.text;
        return li;
      }));
      // Threshold crossings: alerts that start, and alerts that are over.
      const before = shown.get(String(q.id)) || new Map();
      const now = new Map(q.alerts.map((a) => [a.key, a.over]));
      if (!first) {
        for (const a of q.alerts) if (!before.has(a.key)) said.push(a.announce);
        for (const [key, over] of before) if (!now.has(key)) said.push(over);
      }
      shown.set(String(q.id), now);
    }
    if (said.length) say(announce, said.join('. '));
  }

  function agents(list) {
    const body = document.getElementById('board-agents');
    if (!body) return;
    body.replaceChildren(...list.map((a) => {
      const tr = document.createElement('tr');
      tr.className = `state-${a.state}`;
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = a.name;
      const state = document.createElement('td');
      state.textContent = a.state_text;
      const since = document.createElement('td');
      since.className = 'num';
      since.dataset.secs = a.since_secs == null ? '' : String(a.since_secs);
      since.textContent = a.since_secs == null ? '' : duration(a.since_secs);
      tr.append(th, state, since);
      return tr;
    }));
    const none = document.getElementById('board-no-agents');
    if (none) none.hidden = list.length > 0;
  }

  function contacts(list) {
    const body = document.getElementById('board-contacts');
    if (!body) return;
    // Rows of contacts still there stay where they are (and keep keyboard focus); the
    // rows are only rebuilt when a contact came, went or moved queue.
    const old = new Map([...body.querySelectorAll('tr[data-contact]')].map((r) => [r.dataset.contact, r]));
    const same = old.size === list.length
      && list.every((c, i) => body.rows[i] && body.rows[i].dataset.contact === String(c.id)
        && body.rows[i].dataset.queue === String(c.queue_id));
    const rows = list.map((c) => {
      let tr = old.get(String(c.id));
      if (!tr || tr.dataset.queue !== String(c.queue_id)) tr = contactRow(c);
      const cells = tr.querySelectorAll('td');
      cells[1].dataset.secs = String(c.waited_secs);
      cells[1].textContent = duration(c.waited_secs);
      cells[2].textContent = c.state_text;
      return tr;
    });
    if (!same) {
      const focused = document.activeElement;
      const inside = focused && body.contains(focused);
      body.replaceChildren(...rows);
      if (inside && document.contains(focused)) focused.focus();
      else if (inside) document.getElementById('wachtenden').focus();
    }
    document.getElementById('board-no-contacts').hidden = list.length > 0;
  }

  function contactRow(c) {
    const tr = document.createElement('tr');
    tr.dataset.contact = String(c.id);
    tr.dataset.queue = String(c.queue_id);
    const th = document.createElement('th');
    th.scope = 'row';
    const a = document.createElement('a');
    a.className = 'block-link';
    a.href = `/staff/overzicht/gesprek/${c.id}`;
    a.textContent = c.reference;
    const hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = ` ${document.getElementById('read-hidden').textContent}`;
    a.append(hidden);
    th.append(a);
    const queue = document.createElement('td');
    queue.textContent = c.queue;
    const waited = document.createElement('td');
    waited.className = 'num';
    const state = document.createElement('td');
    const action = document.createElement('td');
    const template = document.getElementById(`move-template-${c.queue_id}`);
    if (template) {
      const form = template.content.firstElementChild.cloneNode(true);
      form.action = `/staff/overzicht/wachtenden/${c.id}/verplaatsen`;
      const id = `move-${c.id}`;
      form.querySelector('label').htmlFor = id;
      form.querySelector('select').id = id;
      for (const span of form.querySelectorAll('[data-field=reference]')) span.textContent = ` ${c.reference}`;
      action.append(form);
    }
    tr.append(th, queue, waited, state, action);
    return tr;
  }

  function apply(board) {
    received = Date.now();
    lastFrame = received;
    setStale(false);
    updated.textContent = board.updated;
    queues(board.queues);
    level(document.getElementById('board-interpreters-level'), board.interpreters.level, board.interpreters.level_text);
    document.getElementById('board-interpreters').textContent = board.interpreters.text;
    level(document.getElementById('board-video-level'), board.video.level, board.video.level_text);
    document.getElementById('board-video').textContent = board.video.text;
    for (const c of board.counts) {
      const li = document.querySelector(`#board-counts li[data-state="${c.state}"] [data-field=n]`);
      if (li) li.textContent = String(c.n);
    }
    if (root.dataset.ws) {
      agents(board.agents);
      contacts(board.contacts);
    }
    first = false;
  }

  setInterval(tick, 1000);

  if (root.dataset.ws) {
    new LiveSocket(root.dataset.ws, {
      onOpen() {},
      onFrame(frame) { if (frame.type === 'board') apply(frame.board); },
      onDown() { setStale(true); },
    });
  } else if (root.dataset.poll) {
    const poll = async () => {
      try {
        const r = await fetch(root.dataset.poll, { cache: 'no-store', credentials: 'omit' });
        if (!r.ok) throw new Error(String(r.status));
        const frame = await r.json();
        if (frame.type === 'board') apply(frame.board);
      } catch {
        setStale(true);
      }
      setTimeout(poll, 2000);
    };
    setTimeout(poll, 2000);
  }
}
