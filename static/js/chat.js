// The resident's conversation page, made live. Without JavaScript the page still works:
// the message box is a form that posts, and a link fetches new messages.
import { LiveSocket, addMessage, say } from './live.js';
import { Composer } from './composer.js';
import { RedactNotice } from './redact-notice.js';

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
  // On a call screen good news (the connection is back) is a status, not the alert.
  const news = document.getElementById('call-news') || connection;
  const typing = document.getElementById('typing');
  const form = document.getElementById('message-form');
  const refresh = document.getElementById('latest');
  let lastSeq = Number(root.dataset.lastSeq) || 0;
  let status = root.dataset.status;
  let lostShown = false;
  let typingTimer = null;
  let composer = null; // the message box (absent once the conversation is closed)

  if (refresh) refresh.hidden = true;
  // Show the newest messages first: the log scrolls, so start at its end.
  const log = list.closest('.log');
  if (log) log.scrollTop = log.scrollHeight;

  const socket = new LiveSocket(root.dataset.ws, {
    onOpen(reconnected) {
      if (lostShown) { if (news !== connection) say(connection, ''); say(news, root.dataset.back, 4000); lostShown = false; }
      socket.send({ type: 'resume', after: lastSeq });
      if (composer) composer.resend();
      if (call && status === 'active') { if (reconnected) call.rejoin(); else call.join(); }
    },
    onDown() {
      if (!lostShown) { say(connection, root.dataset.lost); lostShown = true; }
    },
    onFrame(f) {
      if (call && call.onFrame(f)) return;
      switch (f.type) {
        case 'participants': {
          // A chat that became a video call (an interpreter is joining): offer to go there,
          // once. Only a call with a staff member in it is one to join; a list with just the
          // resident is no invitation.
          const invite = document.getElementById('call-invite');
          const staffIn = (f.participants || []).some((p) => p.role !== 'resident');
          if (!call && staffIn && invite && invite.hidden) { invite.hidden = false; say(connection, invite.textContent.trim(), 0); }
          break;
        }
        case 'message':
          if (addMessage(list, f)) lastSeq = Math.max(lastSeq, f.seq);
          if (f.sender === 'agent' || f.sender === 'interpreter') typing.textContent = '';
          break;
        case 'ack':
          if (composer) composer.ack(f);
          break;
        case 'status':
          onStatus(f);
          break;
        case 'typing':
          typing.textContent = f.active ? root.dataset.typing.replace('{name}', f.who) : '';
          clearTimeout(typingTimer);
          if (f.active) typingTimer = setTimeout(() => { typing.textContent = ''; }, 6000);
          break;
        case 'error':
          if (f.code === 'conversation_closed') { location.reload(); return; }
          // A refused message goes back in the box; any other error is said there too.
          if (composer && !composer.refused(f)) composer.showError(f.message);
          break;
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
    } else if (status === 'waiting' && was === 'active') {
      // The person we talked to was lost (connection dropped, or logged out): we wait for
      // the next one. The page becomes what a reload would show for a waiting chat; the
      // status box (role=status) has already said what happened, once.
      if (call) {
        call.leave();
        call.preview(); // the self view shows the camera while waiting
      }
      const h1 = document.querySelector('h1');
      if (h1) h1.textContent = root.dataset.waitingH1;
      setTitle(root.dataset.titleWaiting);
      setEndLabel(root.dataset.stop);
    } else if (status === 'active' && was === 'waiting') {
      if (call) call.join();
      // Make the page what a reload would show for an active chat: heading, page title
      // (WCAG 2.4.2), the end button's label, and no more waiting help.
      const h1 = document.querySelector('h1');
      if (h1 && f.agent_name) h1.textContent = root.dataset.activeH1.replace('{name}', f.agent_name);
      setTitle(root.dataset.titleActive);
      setEndLabel(root.dataset.end);
      for (const id of ['waiting-help', 'leave-message']) document.getElementById(id)?.remove();
    }
  }

  // The way out says what it does in this state: "Stoppen met wachten" while waiting,
  // "Ophangen" (call) or "Gesprek beëindigen" (chat) once someone helps: the link below a
  // chat and the call bar's button alike.
  function setEndLabel(text) {
    for (const el of document.querySelectorAll('#end-link, .call-hangup button[type=submit]')) {
      if (el.textContent !== text) el.textContent = text;
    }
  }

  // The page title follows the state (WCAG 2.4.2), keeping an error summary's prefix.
  function setTitle(text) {
    const errorPrefix = document.getElementById('error-summary') ? (document.title.match(/^[^:]+: /) || [''])[0] : '';
    document.title = `${errorPrefix}${text} - ${root.dataset.org}`;
  }

  askBeforeEnding(() => status);

  if (!form) return;
  // A citizen service number, IBAN or card number in a message: ask before it is sent.
  const noticeRoot = document.getElementById('redact-notice');
  const notice = noticeRoot ? new RedactNotice(noticeRoot, form.querySelector('textarea')) : null;
  composer = new Composer(form, {
    check: notice ? (text, submitter) => notice.check(text, submitter) : undefined,
    socket,
    max: Number(root.dataset.max) || 2000,
    texts: { empty: root.dataset.empty, tooLong: root.dataset.tooLong, failed: root.dataset.failed },
    onInput: (text) => { if (call) call.typed(text); },
    onSent: () => { if (call) call.lineDone(); },
  });
}

// "Gesprek beëindigen" and "Stoppen met wachten" ask first. Without JavaScript the link
// opens a confirmation page; here the same question is a modal dialog (focus moves into
// it, Escape or "Nee" closes it and focus returns to the link).
function askBeforeEnding(currentStatus) {
  const link = document.getElementById('end-link');
  const dialog = document.getElementById('end-dialog');
  if (!link || !dialog || typeof dialog.showModal !== 'function') return;
  const title = document.getElementById('end-dialog-title');
  const text = document.getElementById('end-dialog-text');
  const yes = document.getElementById('end-confirm');
  const no = document.getElementById('end-cancel');
  no.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => link.focus());
  link.addEventListener('click', (event) => {
    event.preventDefault();
    const which = currentStatus() === 'waiting' ? 'stop' : 'end';
    title.textContent = dialog.dataset[`${which}H1`];
    text.textContent = dialog.dataset[`${which}Text`];
    yes.textContent = dialog.dataset[`${which}Yes`];
    dialog.showModal();
    // The question could end the conversation: focus starts on the safe answer.
    no.focus();
  });
}
