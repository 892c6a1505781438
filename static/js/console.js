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
          say(status, root.dataset.offerGone);
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
        document.getElementById('presence-text').textContent = f.text;
        for (const b of document.querySelectorAll('.presence button[name="presence"]')) {
          b.setAttribute('aria-pressed', String(b.value === f.presence));
        }
        if (f.reason === 'missed_offer') say(status, f.text);
        break;
      }
      case 'queues': {
        for (const q of f.queues) {
          const row = document.querySelector(`#queues tr[data-queue="${q.id}"]`);
          if (!row) continue;
          const cells = row.querySelectorAll('td');
          const s = q.longest_wait_secs;
          const longest = s >= 3600
            ? `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
            : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
          const values = [String(q.waiting), longest, String(q.staff_available)];
          cells.forEach((c, i) => { if (c.textContent !== values[i]) c.textContent = values[i]; });
        }
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
        form.addEventListener('submit', (e) => {
          if (socket.send({ type: 'end', conversation })) e.preventDefault();
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
  for (const log of chats.querySelectorAll('.log')) log.scrollTop = log.scrollHeight;
}
