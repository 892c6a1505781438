// In-page checks: axe-core, reflow, text spacing, target size, visible focus.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_VERSION = JSON.parse(readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version;
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe on the whole document with the WCAG 2.x A/AA tags. */
export async function runAxe(page) {
  // evaluate (not addScriptTag) so the page's CSP (script-src 'self') does not block it.
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    const slim = (list) => list.map((x) => ({
      id: x.id, impact: x.impact, help: x.help, helpUrl: x.helpUrl, tags: x.tags,
      nodes: x.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 300), summary: n.failureSummary || '' })),
    }));
    return {
      violations: slim(r.violations),
      incomplete: slim(r.incomplete),
      rulesRun: [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].map((x) => x.id),
    };
  }, AXE_TAGS);
}

/** WCAG 1.4.10: no horizontal scrolling at 320 CSS px. */
export function pageOverflow(page) {
  return page.evaluate(() => {
    const de = document.documentElement;
    const wide = [];
    if (de.scrollWidth > de.clientWidth) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > de.clientWidth + 1 && r.width > 0 && !el.closest('.visually-hidden, .table-wrap')) {
          wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} right=${Math.round(r.right)}`);
        }
      }
    }
    return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, wide: wide.slice(0, 10) };
  });
}

export const TEXT_SPACING_CSS = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }`;

/** WCAG 1.4.12: with the text-spacing overrides applied, no text is clipped. Returns the clipped elements. */
export async function textSpacingClipping(page) {
  // addStyleTag would be blocked by style-src 'self' (inline); CDP-injected styles are not.
  const handle = await page.evaluateHandle((css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return sheet;
  }, TEXT_SPACING_CSS);
  try {
    return await page.evaluate(() => {
      // The overrides must really apply (a CSP could block them and make this check pass silently).
      if (getComputedStyle(document.body).wordSpacing === '0px' || getComputedStyle(document.body).letterSpacing === 'normal') {
        throw new Error('text-spacing overrides did not apply');
      }
      const clipped = [];
      for (const el of document.body.querySelectorAll('*')) {
        if (el.closest('.visually-hidden, [hidden], script, style, option')) continue;
        const cs = getComputedStyle(el);
        if (cs.display === 'none' || cs.visibility === 'hidden') continue;
        const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        const isField = /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
        if (!hasText && !isField) continue;
        const hides = (v) => v === 'hidden' || v === 'clip';
        const xClip = hides(cs.overflowX) && el.scrollWidth > el.clientWidth + 1;
        const yClip = hides(cs.overflowY) && el.scrollHeight > el.clientHeight + 1;
        // Text wider than its box with nowhere to go (white-space: nowrap) also counts.
        const noWrap = !isField && el.scrollWidth > el.clientWidth + 1 && cs.overflowX === 'visible' && cs.whiteSpace === 'nowrap';
        // Fixed-height fields cut their text.
        const fieldClip = isField && el.tagName !== 'TEXTAREA' && el.scrollHeight > el.clientHeight + 2;
        if (xClip || yClip || noWrap || fieldClip) {
          clipped.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent || el.value || '').trim().slice(0, 40)}" scroll=${el.scrollWidth}x${el.scrollHeight} client=${el.clientWidth}x${el.clientHeight}`);
        }
      }
      return clipped;
    });
  } finally {
    await page.evaluate((sheet) => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    }, handle);
    await handle.dispose();
  }
}

/** WCAG 2.5.8 (stricter form): every visible control is at least 24x24 CSS px.
 *  Links inside running text (a sentence in a paragraph) are exempt, as WCAG allows. */
export function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    const controls = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])');
    for (const el of controls) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not rendered
      if (el.closest('.visually-hidden')) continue;
      if (el.classList.contains('skip-link')) continue; // off-screen until focused; checked in the focus walk
      if (el.tagName === 'A') {
        const parent = el.parentElement;
        const sentence = parent && parent.tagName === 'P' && parent.textContent.trim().length > el.textContent.trim().length + 1;
        if (sentence) continue;
      }
      if (r.width < 24 || r.height < 24) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent || el.value || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
      }
    }
    return out;
  });
}

/** Describes the focused element and whether its focus is visible and not covered. */
export function focusState(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { none: true };
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    const cx = r.left + r.width / 2;
    const cy = r.top + r.height / 2;
    const hit = document.elementFromPoint(cx, cy);
    const onTop = Boolean(hit && (hit === el || el.contains(hit)));
    const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
    return {
      none: false,
      desc: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.name ? '[name=' + el.name + ']' : ''} "${(el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`,
      tag: el.tagName.toLowerCase(),
      text: (el.textContent || '').trim().replace(/\s+/g, ' '),
      visible: outline || shadow,
      onTop,
      inView,
      hit: hit ? `${hit.tagName.toLowerCase()}${hit.className ? '.' + hit.className : ''}` : 'nothing',
    };
  });
}

/** Page-level basics: lang and title. */
export function basics(page) {
  return page.evaluate(() => ({ lang: document.documentElement.lang, title: document.title }));
}
