// The message box, made live: one Composer per box, on the resident's chat page, in each
// chat panel of the agent console and on the staff call page. It owns what a message box
// does between the key press and the server's answer, so the three pages cannot drift:
//
// - Enter sends (Shift+Enter makes a new line), as does the Send button;
// - every message gets a random client id, and waits in an outbox until the server
//   acknowledges it; after a reconnect the page calls resend() and the outbox goes again
//   with the same ids (the server stores each id once);
// - an empty or too long message is refused here, before it is sent;
// - an optional check may hold a message back first (the resident's page asks about a
//   citizen service number or an IBAN in it: static/js/redact-notice.js);
// - a message the server refuses (too long, not stored, ...) goes back into the box and the
//   reason is announced (role="alert"), with `aria-invalid` and `aria-describedby` on the
//   box: nothing typed is ever lost;
// - a message without an answer after 5 s says so in a status line;
// - typing notifications, throttled.
//
// Without a live connection the form posts the normal way (the server then renders the
// same refusal with the text kept in the box).
import { clientId, typingNotifier } from './live.js';

const UNANSWERED_MS = 5000;

export class Composer {
  /**
   * @param {HTMLFormElement} form  the form around the box (it posts without JavaScript)
   * @param {object} opts
   * @param {{open: boolean, send(frame: object): boolean}} opts.socket  the page's LiveSocket
   * @param {number} [opts.conversation]  added to every frame (staff sockets serve many)
   * @param {{empty?: string, tooLong?: string, failed?: string}} [opts.texts]  what the box
   *   says; `{max}` in tooLong is replaced by the limit
   * @param {number} [opts.max]  most characters in a message (default: the box's maxlength)
   * @param {boolean} [opts.focusOnError]  move focus to the box when a message is refused
   *   (true where the page has one box; a console with several leaves focus where it is)
   * @param {(text: string) => void} [opts.onInput]  every change of the text (real-time text)
   * @param {() => void} [opts.onSent]  a message went out (the real-time line is done)
   * @param {(text: string, submitter: HTMLElement|null) => string|null} [opts.check]  runs
   *   before a message goes (also when the form will post): the text to send, or null to
   *   hold it back (the check then says why in the page)
   */
  constructor(form, { socket, conversation, texts = {}, max, focusOnError = true, onInput, onSent, check } = {}) {
    this.form = form;
    this.textarea = form.querySelector('textarea');
    this.socket = socket;
    this.conversation = conversation;
    this.texts = texts;
    this.max = max || (this.textarea.maxLength > 0 ? this.textarea.maxLength : 0);
    this.focusOnError = focusOnError;
    this.onSent = onSent;
    this.check = check;
    this.outbox = new Map(); // client id -> body, until acknowledged or refused
    // The box's own description (hint, live-text hint) without any error: errors come and go.
    const errorId = new RegExp(`(^|\\s)${this.textarea.id}-error\\S*`, 'g');
    this.describedBy = (this.textarea.getAttribute('aria-describedby') || '').replace(errorId, '').trim();
    this.errorId = `${this.textarea.id}-error-live`;
    this.state = null;

    this.notifier = typingNotifier((active) => this.send({ type: 'typing', active }));
    this.textarea.addEventListener('input', () => {
      this.notifier.input();
      if (onInput) onInput(this.textarea.value);
    });
    this.textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', (e) => this.submit(e));
  }

  /** Sends a frame on the page's socket, with this box's conversation. */
  send(frame) {
    return this.socket.send(this.conversation === undefined ? frame : { ...frame, conversation: this.conversation });
  }

  submit(e) {
    let body = this.textarea.value.trim();
    if (body && this.check) {
      const checked = this.check(body, e.submitter || null);
      if (checked === null) {
        e.preventDefault();
        return;
      }
      body = checked;
    }
    if (!this.socket.open) return; // no live connection: the form posts the normal way
    e.preventDefault();
    if (!body) {
      if (this.texts.empty) this.showError(this.texts.empty);
      return;
    }
    if (this.max && [...body].length > this.max) {
      this.showError((this.texts.tooLong || '').replace('{max}', String(this.max)));
      return;
    }
    this.clearError();
    const id = clientId();
    this.outbox.set(id, body);
    this.send({ type: 'send', client_id: id, body });
    this.notifier.stop();
    if (this.onSent) this.onSent();
    this.textarea.value = '';
    setTimeout(() => { if (this.outbox.has(id) && this.texts.failed) this.setState(this.texts.failed); }, UNANSWERED_MS);
  }

  /** After a reconnect: every message not yet acknowledged goes again, with the same id. */
  resend() {
    for (const [id, body] of this.outbox) this.send({ type: 'send', client_id: id, body });
  }

  /** An `ack` frame. Returns true when it acknowledged a message of this box. */
  ack(frame) {
    if (!this.outbox.delete(frame.client_id)) return false;
    if (this.outbox.size === 0) this.setState('');
    return true;
  }

  /**
   * An `error` frame. When it refuses a message of this box, the message's text goes back
   * into the box (before anything typed since) and the reason is announced; returns true.
   */
  refused(frame) {
    if (!frame.client_id || !this.outbox.has(frame.client_id)) return false;
    const text = this.outbox.get(frame.client_id);
    this.outbox.delete(frame.client_id);
    if (this.outbox.size === 0) this.setState('');
    const now = this.textarea.value.trim();
    this.textarea.value = now ? `${text}\n${now}` : text;
    this.showError(frame.message);
    return true;
  }

  /** Shows an error at the box (role="alert"), marks the box invalid and describes it. */
  showError(text) {
    let box = document.getElementById(this.errorId);
    if (!box) {
      box = document.createElement('p');
      box.id = this.errorId;
      box.className = 'error-message';
      box.setAttribute('role', 'alert');
      this.textarea.before(box);
    }
    box.textContent = text;
    this.textarea.setAttribute('aria-invalid', 'true');
    this.textarea.setAttribute('aria-describedby', `${this.describedBy} ${this.errorId}`.trim());
    if (this.focusOnError) this.textarea.focus();
  }

  clearError() {
    const box = document.getElementById(this.errorId);
    if (box) box.textContent = '';
    this.textarea.removeAttribute('aria-invalid');
    if (this.describedBy) this.textarea.setAttribute('aria-describedby', this.describedBy);
    else this.textarea.removeAttribute('aria-describedby');
  }

  /** The status line under the box (role="status"): "not sent yet", or nothing. */
  setState(text) {
    if (!this.state) {
      this.state = document.createElement('p');
      this.state.className = 'hint composer-state';
      this.state.setAttribute('role', 'status');
      this.form.append(this.state);
    }
    this.state.textContent = text;
  }
}
