// Asks before a number the resident should not send leaves the page (issue 15): the notice
// of templates/redact_notice.html, made live. Without JavaScript the server asks the same
// after the form posts (src/web/redaction.rs); whatever is sent, the server masks such
// numbers before anything is stored.
//
// When the resident sends (Enter, the Send button) a text in which static/js/redact.js finds
// a citizen service number, an IBAN or a card number, nothing is sent: the notice's live
// region (role="alert", in the page from the start) says what was found, its two buttons
// (from the notice's <template>) appear and focus moves to the first. "Verwijderen en versturen" takes the numbers out of
// the box and sends; "Toch versturen" sends as typed. Both are the form's own submit
// buttons (name="redact"), so without a live connection the form posts the choice to the
// server. Escape, or editing the text, closes the notice and focus returns to the box;
// nothing typed is lost.
//
// On the chat page the Composer (static/js/composer.js) calls check() before it sends; on a
// page whose form posts (leaving a message) guardForm() does it in the form's submit event.
import { find, remove } from './redact.js';

export class RedactNotice {
  /**
   * @param {HTMLElement} root  `#redact-notice` (its data- attributes carry the settings and
   *   texts, its <template> the answers)
   * @param {HTMLTextAreaElement} box  the message box it is about
   */
  constructor(root, box) {
    this.root = root;
    this.box = box;
    this.alert = root.querySelector('.redact-alert');
    this.template = root.querySelector('template');
    // Open already when the server asked (the page after a post without a live connection).
    this.actions = root.querySelector(':scope > .redact-actions');
    this.opts = { bsn: root.dataset.mode === 'context' ? 'context' : 'all', cards: root.dataset.cards === '1' };
    // Editing the text answers the question another way: the notice goes.
    box.addEventListener('input', () => { if (this.isOpen) this.close(false); });
    const escape = (e) => {
      if (e.key === 'Escape' && this.isOpen) {
        e.preventDefault();
        e.stopPropagation();
        this.close(true);
      }
    };
    box.addEventListener('keydown', escape);
    root.addEventListener('keydown', escape);
  }

  get isOpen() {
    return Boolean(this.actions);
  }

  /**
   * Before `text` is sent by `submitter` (the button that sent the form, or null for Enter):
   * the text to send, or null when the notice is shown instead. "Verwijderen en versturen"
   * takes the numbers out of the box too.
   */
  check(text, submitter) {
    const found = find(text, this.opts);
    const choice = submitter && submitter.name === 'redact' ? submitter.value : '';
    // Answered: the notice goes once the submit event is over. A form that posts takes the
    // answer from its button, which must still be in the form then.
    const closeLater = () => setTimeout(() => { if (this.isOpen) this.close(true); });
    if (found.length === 0 || choice === 'send') {
      if (choice) closeLater();
      else if (this.isOpen) this.close(false);
      return text;
    }
    if (choice === 'remove') {
      const kept = remove(text, found).trim();
      this.box.value = kept;
      closeLater();
      return kept;
    }
    this.open(found);
    return null;
  }

  /** Says what was found (the live region), adds the answers and focuses the first. */
  open(found) {
    const d = this.root.dataset;
    const kinds = [...new Set(found.map((f) => f.kind))];
    const title = Object.assign(document.createElement('h2'), { id: 'redact-title', className: 'redact-title', textContent: d.title });
    const text = Object.assign(document.createElement('p'), { id: 'redact-text', className: 'redact-text', textContent: [...kinds.map((k) => d[k]), d.place].join(' ') });
    const hint = Object.assign(document.createElement('p'), { id: 'redact-hint', className: 'redact-hint', textContent: d.hint });
    this.alert.replaceChildren(title, text, hint);
    if (!this.actions) {
      this.actions = this.template.content.firstElementChild.cloneNode(true);
      this.root.append(this.actions);
    }
    this.root.classList.add('is-open');
    this.actions.querySelector('button[name=redact]').focus();
  }

  /** Empties the notice and takes the answers away; with `focusBox`, focus returns to the box. */
  close(focusBox) {
    this.alert.replaceChildren();
    if (this.actions) this.actions.remove();
    this.actions = null;
    this.root.classList.remove('is-open');
    if (focusBox) this.box.focus();
  }
}

/**
 * Guards a form that posts (leaving a message): a text with a number is not posted until
 * the resident chose one of the notice's buttons (which post their choice).
 */
export function guardForm(form) {
  const root = form.querySelector('.redact-notice');
  const box = form.querySelector('textarea');
  if (!root || !box) return null;
  const notice = new RedactNotice(root, box);
  form.addEventListener('submit', (e) => {
    const text = box.value.trim();
    if (text && notice.check(text, e.submitter) === null) e.preventDefault();
  });
  return notice;
}

// Loaded on its own by a page with a guarded form (data-redact-form); the chat page imports
// RedactNotice for its Composer instead.
for (const form of document.querySelectorAll('form[data-redact-form]')) guardForm(form);
