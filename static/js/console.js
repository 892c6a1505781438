// The agent console, made live over /ws/staff. Offers, chat panels and wrap-up forms are
// fetched as server-rendered fragments, so their markup lives in one place (templates/).
// Without a live connection every button is a plain form that posts.
import { LiveSocket, addMessage, say } from './live.js';
import { Composer } from './composer.js';

const root = document.getElementById('console');
if (root) start(root);

function start(root) {
  const offers = document.getElementById('offers');
  const chats = document.getElementById('chats');
  const wrapups = document.getElementById('wrapups');
  const status = document.getElementById('console-status');
  const connection = document.getElementById('connection');
  const composers = new Map(); // conversation id -> the Composer of its reply box
  let lostShown = false;
  const clock = startTicking(document, Number(root.dataset.now));
  const dialog = document.getElementById('confirm-dialog');
  const confirmTexts = document.getElementById('confirm-texts')?.dataset || {};

  // Asks before something that cannot be undone (end a chat, log out with chats open) in
  // a modal dialog; resolves true for yes. Escape or "No" answer no; focus goes back to
  // the button that asked.
  function ask(kind) {
    if (!dialog || typeof dialog.showModal !== 'function') return Promise.resolve(window.confirm(confirmTexts[`${kind}Text`]));
    const back = document.activeElement;
    document.getElementById('confirm-title').textContent = confirmTexts[`${kind}Title`];
    document.getElementById('confirm-text').textContent = confirmTexts[`${kind}Text`];
    const yes = document.getElementById('confirm-yes');
    const no = document.getElementById('confirm-no');
    yes.textContent = confirmTexts[`${kind}Yes`];
    return new Promise((resolve) => {
      let answer = false;
      const done = () => {
        yes.onclick = null; no.onclick = null; dialog.onclose = null;
        if (back && back.isConnected) back.focus();
        resolve(answer);
      };
      yes.onclick = () => { answer = true; dialog.close(); };
      no.onclick = () => { dialog.close(); };
      dialog.onclose = done;
      dialog.showModal();
      no.focus();
    });
  }

  // Posts the form the no-JavaScript way, confirmed (the server then does not ask again).
  function submitConfirmed(form) {
    const field = document.createElement('input');
    field.type = 'hidden'; field.name = 'bevestigd'; field.value = 'ja';
    form.append(field);
    form.submit();
  }

  const socket = new LiveSocket(root.dataset.ws, {
    onOpen() {
      if (lostShown) { say(connection, root.dataset.back, 4000); lostShown = false; }
      for (const panel of chats.querySelectorAll('.chat-panel')) resume(panel);
      for (const composer of composers.values()) composer.resend();
    },
    onDown() {
      if (!lostShown) { say(connection, root.dataset.lost); lostShown = true; }
    },
    onFrame,
  });

  function resume(panel) {
    socket.send({ type: 'resume', conversation: Number(panel.dataset.conversation), after: Number(panel.dataset.lastSeq) || 0 });
  }

  async function fragment(url) {
    const resp = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } });
    if (!resp.ok) return null;
    const doc = new DOMParser().parseFromString(await resp.text(), 'text/html');
    return doc.body.firstElementChild;
  }

  function updateEmpty() {
    document.getElementById('no-offers').hidden = offers.children.length > 0;
    const count = chats.querySelectorAll('.chat-panel').length;
    document.getElementById('no-chats').hidden = count > 0;
    const heading = document.getElementById('chats-title');
    heading.textContent = heading.textContent.replace(/\d+/, String(count));
    document.title = (offers.children.length ? `(${offers.children.length}) ` : '') + document.title.replace(/^\(\d+\) /, '');
  }

  // Removing an element that holds focus would drop focus to the page: move it first.
  function removeKeepingFocus(el, fallback) {
    if (!el) return;
    if (el.contains(document.activeElement)) {
      fallback.setAttribute('tabindex', '-1');
      fallback.focus();
    }
    el.remove();
  }

  const typingTimers = new Map();

  // The waiting list follows the queue figures (pushed at most once a second).
  let waitingBusy = false;
  async function refreshWaiting() {
    const current = document.getElementById('waiting-list');
    if (!current || waitingBusy) return;
    if (current.contains(document.activeElement)) return; // never move focus away
    waitingBusy = true;
    try {
      const fresh = await fragment('/staff/fragments/waiting');
      if (fresh && fresh.innerHTML !== current.innerHTML) current.replaceWith(fresh);
    } finally {
      waitingBusy = false;
    }
  }

  async function onFrame(f) {
    switch (f.type) {
      case 'offer': {
        if (document.getElementById(`offer-${f.conversation}`)) break;
        const card = await fragment(`/staff/fragments/offer/${f.conversation}`);
        if (!card || document.getElementById(card.id)) break;
        offers.append(card);
        wire(card);
        updateEmpty();
        say(status, root.dataset.newOffer.replace('{name}', card.querySelector('h3').textContent));
        break;
      }
      case 'offer_revoked': {
        const card = document.getElementById(`offer-${f.conversation}`);
        if (card) {
          removeKeepingFocus(card, document.getElementById('offers-title'));
          say(status, f.reason === 'declined' ? root.dataset.declined : root.dataset.offerGone);
          updateEmpty();
        }
        break;
      }
      case 'assigned': {
        // A call request's offer card carries the request id; the frame the conversation.
        const card = document.getElementById(`offer-${f.conversation}`) || document.querySelector('.offer[data-accepting]');
        const hadFocus = card && card.contains(document.activeElement);
        if (card) card.remove();
        if (f.call && card) {
          // Accepted here: go to the call.
          location.href = `/staff/gesprek/${f.conversation}`;
          return;
        }
        if (!document.getElementById(`conv-${f.conversation}`)) {
          const panel = await fragment(`/staff/fragments/chat/${f.conversation}`);
          if (panel && !document.getElementById(panel.id)) {
            chats.append(panel);
            wire(panel);
            const log = panel.querySelector('.log');
            if (log) log.scrollTop = log.scrollHeight;
            resume(panel);
            if (hadFocus) panel.querySelector('textarea').focus();
          }
        }
        updateEmpty();
        break;
      }
      case 'message': {
        const panel = document.getElementById(`conv-${f.conversation}`);
        if (!panel) break;
        if (addMessage(panel.querySelector('.messages'), f)) {
          panel.dataset.lastSeq = String(Math.max(Number(panel.dataset.lastSeq) || 0, f.seq));
        }
        if (f.sender === 'resident') panel.querySelector('.typing').textContent = '';
        break;
      }
      case 'typing': {
        const panel = document.getElementById(`conv-${f.conversation}`);
        if (!panel) break;
        const line = panel.querySelector('.typing');
        line.textContent = f.active ? root.dataset.typing.replace('{name}', f.who) : '';
        clearTimeout(typingTimers.get(f.conversation));
        if (f.active) typingTimers.set(f.conversation, setTimeout(() => { line.textContent = ''; }, 6000));
        break;
      }
      case 'released': {
        const panel = document.getElementById(`conv-${f.conversation}`);
        if (f.reason === 'ended' && !document.getElementById(`wrapup-${f.conversation}`)) {
          const form = await fragment(`/staff/fragments/wrapup/${f.conversation}`);
          if (form) {
            wrapups.append(form);
            wire(form);
            const log = form.querySelector('.log');
            if (log) log.scrollTop = log.scrollHeight;
            if (panel && panel.contains(document.activeElement)) form.querySelector('select').focus();
            say(status, form.querySelector('h3').textContent);
          }
        }
        removeKeepingFocus(panel, document.getElementById('chats-title'));
        composers.delete(f.conversation);
        updateEmpty();
        break;
      }
      case 'ack':
        composers.get(f.conversation)?.ack(f);
        break;
      case 'presence': {
        // The own status is a state ("Beschikbaar" / "Afwezig") with one button to change it.
        const available = f.presence === 'available';
        document.getElementById('presence').dataset.presence = available ? 'available' : 'away';
        document.getElementById('presence-state').textContent = available ? root.dataset.stateAvailable : root.dataset.stateAway;
        document.getElementById('presence-text').textContent = f.text;
        const toggle = document.getElementById('presence-toggle');
        toggle.value = available ? 'away' : 'available';
        toggle.textContent = available ? root.dataset.goAway : root.dataset.goAvailable;
        if (f.reason === 'missed_offer') say(status, f.text);
        break;
      }
      case 'queues': {
        for (const q of f.queues) {
          const row = document.querySelector(`#queues tr[data-queue="${q.id}"]`);
          if (!row) continue;
          const cells = row.querySelectorAll('td');
          if (cells[0].textContent !== String(q.waiting)) cells[0].textContent = String(q.waiting);
          if (cells[1].textContent !== String(q.offered)) cells[1].textContent = String(q.offered);
          if (cells[3].textContent !== String(q.staff_available)) cells[3].textContent = String(q.staff_available);
          // The longest wait ticks on in the page from when that resident arrived.
          const longest = cells[2].querySelector('.ticking');
          if (longest) {
            if (q.waiting > 0) {
              const since = clock.now() - q.longest_wait_secs * 1000;
              // Whole seconds from the server: keep the page's own start unless it is off by more.
              if (!longest.dataset.since || Math.abs(Number(longest.dataset.since) - since) > 1500) longest.dataset.since = String(since);
            } else {
              delete longest.dataset.since;
              longest.textContent = '0:00';
            }
          }
        }
        clock.tick();
        refreshWaiting();
        break;
      }
      case 'error': {
        if (f.code === 'offer_gone') {
          const card = document.getElementById(`offer-${f.conversation}`);
          if (card) { removeKeepingFocus(card, document.getElementById('offers-title')); updateEmpty(); }
          say(status, f.message);
          break;
        }
        // A refused reply goes back in its box, which says why; an error about a
        // conversation is said at its box, anything else in the console's status line.
        const composer = f.conversation ? composers.get(f.conversation) : undefined;
        if (composer) {
          if (!composer.refused(f)) composer.showError(f.message);
        } else {
          say(status, f.message);
        }
        break;
      }
      default:
        break;
    }
  }

  // Forms send frames while the live connection is open; otherwise they post.
  function wire(scope) {
    for (const form of scope.querySelectorAll('form')) {
      const action = form.getAttribute('action') || '';
      let m;
      if ((m = action.match(/^\/staff\/offers\/(-?\d+)\/(accept|decline)$/))) {
        const conversation = Number(m[1]);
        const type = m[2];
        form.addEventListener('submit', (e) => {
          if (socket.send({ type, conversation })) {
            e.preventDefault();
            if (type === 'accept') form.closest('.offer')?.setAttribute('data-accepting', '1');
          }
        });
      } else if ((m = action.match(/^\/staff\/chats\/(\d+)\/send$/))) {
        const conversation = Number(m[1]);
        composers.set(conversation, new Composer(form, {
          socket,
          conversation,
          texts: { empty: root.dataset.empty, tooLong: root.dataset.tooLong, failed: root.dataset.failed },
          focusOnError: false, // several boxes: a late answer must not pull focus from another
        }));
      } else if ((m = action.match(/^\/staff\/chats\/(\d+)\/end$/))) {
        const conversation = Number(m[1]);
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          if (!(await ask('end'))) return;
          if (!socket.send({ type: 'end', conversation })) submitConfirmed(form);
        });
      } else if (action === '/staff/presence') {
        form.addEventListener('submit', (e) => {
          const presence = e.submitter && e.submitter.value;
          if (presence && socket.send({ type: 'presence', presence })) e.preventDefault();
        });
      } else if (/^\/staff\/chats\/\d+\/wrapup$/.test(action)) {
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          const resp = await fetch(action, { method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin' });
          if (resp.ok) {
            const section = form.closest('.wrapup');
            say(status, root.dataset.wrapped || '');
            removeKeepingFocus(section, document.getElementById('chats-title'));
          } else {
            form.submit();
          }
        });
      }
    }
  }

  wire(document);
  // Logging out with chats open asks first: the chats go back to the queue.
  for (const form of document.querySelectorAll('form[action="/staff/logout"]')) {
    form.addEventListener('submit', async (e) => {
      if (!chats.querySelector('.chat-panel')) return;
      e.preventDefault();
      if (await ask('logout')) submitConfirmed(form);
    });
  }
  for (const log of document.querySelectorAll('#chats .log, #wrapups .log')) log.scrollTop = log.scrollHeight;
}

// Times that move on by themselves: how long someone has waited (`data-since`, unix ms of
// their arrival, from the server) and how long an offer still stands (`data-until`, unix
// ms of its expiry). The page ticks them every second from the server's times; the
// difference between the server's clock and this computer's (`serverNow`, rendered into
// the page) is taken into account, so a wrong clock here does not show wrong waits.

/** `m:ss`, or `h:mm:ss` from an hour, as the server writes durations. */
function durationText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const ss = String(s % 60).padStart(2, '0');
  if (s >= 3600) return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${ss}`;
  return `${Math.floor(s / 60)}:${ss}`;
}

/** Starts ticking every `.ticking[data-since]` and `[data-until]` under `root`. */
function startTicking(root, serverNow) {
  const skew = Number.isFinite(serverNow) && serverNow > 0 ? serverNow - Date.now() : 0;
  const now = () => Date.now() + skew;
  function tick() {
    const t = now();
    for (const el of root.querySelectorAll('.ticking[data-since]')) {
      const text = durationText(t - Number(el.dataset.since));
      if (el.textContent !== text) el.textContent = text;
    }
    for (const el of root.querySelectorAll('[data-until]')) {
      const text = String(Math.max(0, Math.ceil((Number(el.dataset.until) - t) / 1000)));
      if (el.textContent !== text) el.textContent = text;
    }
  }
  tick();
  setInterval(tick, 1000);
  return { now, tick };
}
