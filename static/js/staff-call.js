// The staff call page, made live: the video call (call.js), the conversation's messages
// and real-time text, over the staff WebSocket. Without JavaScript the page still shows
// the messages, and every action (send, ask someone to join, leave, hang up) is a form.
import { LiveSocket, addMessage, say } from './live.js';
import { Composer } from './composer.js';
import { Call } from './call.js';

const root = document.getElementById('call-page');
if (root && root.dataset.open === '1') start(root);

function start(root) {
  const conversation = Number(root.dataset.conversation);
  const list = document.getElementById('messages');
  const connection = document.getElementById('connection');
  // Good news (the connection is back, someone was asked to join) is a status in the
  // status style; the alert region is for problems.
  const news = document.getElementById('call-news') || connection;
  const typing = document.getElementById('typing');
  const form = document.getElementById('message-form');
  const callRoot = document.getElementById('call');
  let lastSeq = Number(root.dataset.lastSeq) || 0;
  let navigating = false;
  document.addEventListener('submit', (e) => {
    if (!e.defaultPrevented && e.target.closest('.call-leave')) navigating = true;
  });
  let lostShown = false;
  let typingTimer = null;
  let composer = null; // the message box
  const log = list.closest('.log');
  if (log) log.scrollTop = log.scrollHeight;

  const socket = new LiveSocket(root.dataset.ws, {
    onOpen(reconnected) {
      if (lostShown) { say(connection, ''); say(news, root.dataset.back, 4000); lostShown = false; }
      socket.send({ type: 'resume', conversation, after: lastSeq });
      if (composer) composer.resend();
      if (reconnected) call.rejoin(); else call.join();
    },
    onDown() {
      if (!lostShown) { say(connection, root.dataset.lost); lostShown = true; }
    },
    onFrame(f) {
      if (f.conversation !== undefined && f.conversation !== conversation) return;
      if (f.type === 'participants') refreshAdd();
      if (call.onFrame(f)) return;
      switch (f.type) {
        case 'message':
          if (addMessage(list, f)) lastSeq = Math.max(lastSeq, f.seq);
          break;
        case 'ack':
          if (composer) composer.ack(f);
          break;
        case 'typing':
          typing.textContent = f.active ? root.dataset.typing.replace('{name}', f.who) : '';
          clearTimeout(typingTimer);
          if (f.active) typingTimer = setTimeout(() => { typing.textContent = ''; }, 6000);
          break;
        case 'released':
          // The call ended, or we left it: show the page as it is now (unless a form we
          // submitted, leave or hang up, is already taking us elsewhere).
          call.leave();
          if (!navigating) location.reload();
          break;
        case 'error':
          // A refused message goes back in the box, which says why; other errors are said
          // in the page's alert region.
          if (!composer || !composer.refused(f)) say(connection, f.message, 8000);
          break;
        default:
          break;
      }
    },
  });

  const call = new Call(callRoot, {
    send: (frame) => socket.send(frame),
    conversation,
    selfId: callRoot.dataset.self,
  });
  window.addEventListener('pagehide', () => call.leave());

  // Someone joined or left: the "add someone" section may have changed (a request that
  // was waiting has been answered). Swap in the server's version unless it is in use.
  async function refreshAdd() {
    const inUse = (el) => el.contains(document.activeElement) && document.activeElement.tagName !== 'H2';
    const section = document.querySelector('.call-add');
    if (!section || inUse(section)) return;
    const resp = await fetch(location.pathname, { credentials: 'same-origin' });
    if (!resp.ok) return;
    const fresh = new DOMParser().parseFromString(await resp.text(), 'text/html').querySelector('.call-add');
    const now = document.querySelector('.call-add');
    if (!fresh || !now || inUse(now) || fresh.innerHTML === now.innerHTML) return;
    const hadFocus = now.contains(document.activeElement);
    now.replaceWith(fresh);
    if (hadFocus) {
      const heading = fresh.querySelector('h2');
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }

  // Asking someone to join (or withdrawing that) must not drop the call: post in the
  // background and swap in the section as the server renders it now.
  document.addEventListener('submit', async (e) => {
    const form = e.target;
    const section = form.closest('.call-add');
    if (!section || !socket.open) return;
    e.preventDefault();
    const resp = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin' });
    if (!resp.ok) { form.submit(); return; }
    const doc = new DOMParser().parseFromString(await resp.text(), 'text/html');
    const fresh = doc.querySelector('.call-add');
    const notice = doc.querySelector('.notice-box p');
    if (fresh) {
      section.replaceWith(fresh);
      const heading = fresh.querySelector('h2');
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
    if (notice) say(news, notice.textContent, 8000);
  });

  if (!form) return;
  composer = new Composer(form, {
    socket,
    conversation,
    texts: { empty: root.dataset.empty, tooLong: root.dataset.tooLong, failed: root.dataset.failed },
    onInput: (text) => call.typed(text),
    onSent: () => call.lineDone(),
  });
}
