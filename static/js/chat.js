// The resident's conversation page, made live. Without JavaScript the page still works:
// the message box is a form that posts, and a link fetches new messages.
import { LiveSocket, clientId, addMessage, say, typingNotifier } from './live.js';

const root = document.getElementById('chat');
if (root) start(root);

async function start(root) {
  // A video call: the call area is on this page; call.js drives it over this socket.
  const callRoot = document.getElementById('call');
  let call = null;
  if (callRoot) {
    const { Call } = await import('./call.js');
    call = new Call(callRoot, { send: (frame) => socket.send(frame), selfId: callRoot.dataset.self });
    window.addEventListener('pagehide', () => call.leave());
  }
  const list = document.getElementById('messages');
  const statusText = document.getElementById('queue-status-text');
  const connection = document.getElementById('connection');
  const typing = document.getElementById('typing');
  const form = document.getElementById('message-form');
  const textarea = document.getElementById('message');
  const refresh = document.getElementById('latest');
  const max = Number(root.dataset.max) || 2000;
  let lastSeq = Number(root.dataset.lastSeq) || 0;
  let status = root.dataset.status;
  let lostShown = false;
  let typingTimer = null;
  // Messages sent but not yet acknowledged: resent with the same id after a reconnect.
  const outbox = new Map();

  if (refresh) refresh.hidden = true;
  // Show the newest messages first: the log scrolls, so start at its end.
  const log = list.closest('.log');
  if (log) log.scrollTop = log.scrollHeight;

  const socket = new LiveSocket(root.dataset.ws, {
    onOpen(reconnected) {
      if (lostShown) { say(connection, root.dataset.back, 4000); lostShown = false; }
      socket.send({ type: 'resume', after: lastSeq });
      for (const [id, body] of outbox) socket.send({ type: 'send', client_id: id, body });
      if (call && status === 'active') { if (reconnected) call.rejoin(); else call.join(); }
    },
    onDown() {
      if (!lostShown) { say(connection, root.dataset.lost); lostShown = true; }
    },
    onFrame(f) {
      if (call && call.onFrame(f)) return;
      switch (f.type) {
        case 'participants': {
          // A chat that became a video call (an interpreter is joining): offer to go there.
          const invite = document.getElementById('call-invite');
          if (!call && invite && invite.hidden) { invite.hidden = false; say(connection, invite.textContent.trim(), 0); }
          break;
        }
        case 'message':
          if (addMessage(list, f)) lastSeq = Math.max(lastSeq, f.seq);
          if (f.sender === 'agent') typing.textContent = '';
          break;
        case 'ack':
          outbox.delete(f.client_id);
          if (outbox.size === 0) setFormState('');
          break;
        case 'status':
          onStatus(f);
          break;
        case 'typing':
          typing.textContent = f.active ? root.dataset.typing.replace('{name}', f.who) : '';
          clearTimeout(typingTimer);
          if (f.active) typingTimer = setTimeout(() => { typing.textContent = ''; }, 6000);
          break;
        case 'error': {
          const refused = f.client_id ? outbox.get(f.client_id) : undefined;
          if (f.client_id) outbox.delete(f.client_id);
          if (f.code === 'conversation_closed') { location.reload(); return; }
          // A message the server could not store is not lost: it goes back in the box.
          if (refused && !textarea.value.trim()) textarea.value = refused;
          showError(f.message);
          break;
        }
        default:
          break;
      }
    },
  });

  function onStatus(f) {
    if (statusText && statusText.textContent !== f.text) statusText.textContent = f.text;
    if (f.status === status) return;
    const was = status;
    status = f.status;
    root.dataset.status = status;
    if (status === 'ended' || status === 'abandoned') {
      // The conversation is over: show the closed page with the transcript links.
      if (call) call.leave();
      setTimeout(() => location.reload(), 1500);
    } else if (status === 'waiting' && was === 'active' && call) {
      call.leave(); // the person we talked to was lost; we wait for the next one
    } else if (status === 'active' && was === 'waiting') {
      if (call) call.join();
      // Make the page what a reload would show for an active chat: heading, page title
      // (WCAG 2.4.2), the end button's label, and no more waiting help.
      const h1 = document.querySelector('h1');
      if (h1 && f.agent_name) h1.textContent = root.dataset.activeH1.replace('{name}', f.agent_name);
      const errorPrefix = document.getElementById('error-summary') ? (document.title.match(/^[^:]+: /) || [''])[0] : '';
      document.title = `${errorPrefix}${root.dataset.titleActive} - ${root.dataset.org}`;
      const endButton = document.querySelector('.end-form button');
      if (endButton) endButton.textContent = root.dataset.end;
      const help = document.getElementById('waiting-help');
      if (help) help.remove();
    }
  }

  function errorBox() {
    let box = document.getElementById('message-error-live');
    if (!box) {
      box = document.createElement('p');
      box.id = 'message-error-live';
      box.className = 'error-message';
      box.setAttribute('role', 'alert');
      textarea.before(box);
    }
    return box;
  }

  function showError(text) {
    errorBox().textContent = text;
    textarea.setAttribute('aria-invalid', 'true');
    textarea.setAttribute('aria-describedby', `${describedBy} message-error-live`);
    textarea.focus();
  }

  function clearError() {
    const box = document.getElementById('message-error-live');
    if (box) box.textContent = '';
    textarea.removeAttribute('aria-invalid');
    textarea.setAttribute('aria-describedby', describedBy);
  }

  const describedBy = textarea ? (textarea.getAttribute('aria-describedby') || 'message-hint').replace(/ ?message-error\S*/g, '') : '';
  let stateLine = null;
  function setFormState(text) {
    if (!stateLine) {
      stateLine = document.createElement('p');
      stateLine.className = 'hint';
      stateLine.setAttribute('role', 'status');
      form.append(stateLine);
    }
    stateLine.textContent = text;
  }

  if (!form || !textarea) return;
  const notifier = typingNotifier((active) => socket.send({ type: 'typing', active }));
  textarea.addEventListener('input', () => {
    notifier.input();
    if (call) call.typed(textarea.value);
  });
  textarea.addEventListener('keydown', (e) => {
    // Enter sends, Shift+Enter makes a new line (as in most chat programs).
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    if (!socket.open) return; // no live connection: the form posts the normal way
    e.preventDefault();
    const body = textarea.value.trim();
    if (!body) { showError(root.dataset.empty); return; }
    if ([...body].length > max) { showError(root.dataset.tooLong); return; }
    clearError();
    const id = clientId();
    outbox.set(id, body);
    socket.send({ type: 'send', client_id: id, body });
    notifier.stop();
    if (call) call.lineDone();
    textarea.value = '';
    setTimeout(() => { if (outbox.has(id)) setFormState(root.dataset.failed); }, 5000);
  });
}
