// Kiosk privacy: a shared terminal forgets each resident. After `data-kiosk-idle`
// seconds without a touch or key, and when the conversation has ended, everything of the
// resident is wiped: browser storage, the screen, and (server side, /kiosk/reset) the
// kiosk's link to the conversation; the kiosk returns to its start page. WCAG 2.2.1: a
// warning 30 s before, as an alert dialog that takes focus, with a button to continue.
const root = document.querySelector('[data-kiosk-idle]');
if (root) start(root);

function start(root) {
  const idleMs = Math.max(60, Number(root.dataset.kioskIdle) || 120) * 1000;
  const warnMs = 30000;
  const dialog = document.getElementById('kiosk-idle');
  const text = document.getElementById('kiosk-idle-text');
  const count = document.getElementById('kiosk-idle-count');
  const keepGoing = document.getElementById('kiosk-continue');
  const reset = document.getElementById('kiosk-reset');
  let last = Date.now();
  let warned = false;
  let wiping = false;
  let returnFocus = null;

  const activity = () => { if (!warned) last = Date.now(); };
  for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart']) {
    document.addEventListener(type, activity, { capture: true, passive: true });
  }

  function hideWarning() {
    warned = false;
    last = Date.now();
    dialog.hidden = true;
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  }

  function showWarning(secondsLeft) {
    warned = true;
    returnFocus = document.activeElement;
    text.textContent = text.dataset.template.replace('{secs}', String(secondsLeft));
    dialog.hidden = false;
    keepGoing.focus();
  }

  keepGoing.addEventListener('click', hideWarning);
  dialog.addEventListener('keydown', (e) => {
    // Keep focus in the dialog; Escape also means "I am still here".
    if (e.key === 'Escape') { e.preventDefault(); hideWarning(); }
    if (e.key === 'Tab') { e.preventDefault(); keepGoing.focus(); }
  });

  function wipe() {
    if (wiping) return;
    wiping = true;
    try { sessionStorage.clear(); } catch { /* storage may be unavailable */ }
    try { localStorage.clear(); } catch { /* idem */ }
    // Nothing of the conversation stays on screen while the server resets the kiosk.
    reset.hidden = true;
    document.body.append(reset);
    document.querySelector('main')?.replaceChildren();
    reset.submit();
  }
  reset.addEventListener('submit', () => {
    try { sessionStorage.clear(); localStorage.clear(); } catch { /* idem */ }
  });

  setInterval(() => {
    if (wiping) return;
    const idle = Date.now() - last;
    if (idle >= idleMs) { wipe(); return; }
    const left = Math.ceil((idleMs - idle) / 1000);
    if (idle >= idleMs - warnMs) {
      if (!warned) showWarning(left);
      count.textContent = String(left);
    }
  }, 1000);

  // The conversation ended: show that briefly, then wipe. While the satisfaction survey
  // waits for answers, the idle timer decides instead (answering it shows the thanks,
  // which is wiped like any ended page).
  const status = () => root.dataset.status;
  const ended = () => status() === 'ended' || status() === 'abandoned';
  if (ended() && !document.getElementById('survey-form')) setTimeout(wipe, 10000);
  new MutationObserver(() => { if (ended()) setTimeout(wipe, 10000); })
    .observe(root, { attributes: true, attributeFilter: ['data-status'] });

  // Never show a page restored from the back/forward cache.
  window.addEventListener('pageshow', (e) => { if (e.persisted) location.reload(); });
}
