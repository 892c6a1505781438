// Numbers a resident should not type (issue 15), found in the browser before a message is
// sent: the citizen service number (BSN), bank account numbers (IBAN) and, when switched
// on, payment card numbers. The rules are those of src/privacy/redact.rs, which masks what
// is stored whatever the page does; this copy only lets the page ask first. Both are tested
// against tests/redact_vectors.json.
//
// - BSN: 9 digits, or 8 with the leading zero left off, optionally grouped with dots or
//   single spaces, passing the 11-proof (weights 9..2 and -1), not all zeros, and not part
//   of a longer number or a word. In 'context' mode only when a word that names it ("bsn",
//   "burgerservicenummer", ...) ends at most 40 bytes before it.
// - IBAN: a country code with its registered length, two check digits and the account,
//   with or without single spaces, in any letter case, passing mod-97.
// - Card numbers (when `cards`): 13 to 19 digits, grouped by spaces or dashes, passing Luhn.
//
// Like the server, the work is done on the text's UTF-8 bytes (distances in 'context' mode
// are bytes there); the findings come back as positions in the JavaScript string.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const SPACE = 0x20;
const DOT = 0x2e;
const DASH = 0x2d;

const CONTEXT_WORDS = [
  'bsn',
  'burgerservicenummer',
  'burger service nummer',
  'sofinummer',
  'sofi-nummer',
  'sofi nummer',
  'citizen service number',
];
const CONTEXT_CHARS = 40;

// IBAN lengths per country (the SWIFT IBAN registry), as in src/privacy/redact.rs.
const IBAN_LENGTHS = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16,
  BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24,
  FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23,
  IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22,
  MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24,
  SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28,
  TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

const isDigit = (b) => b >= 0x30 && b <= 0x39;
const isUpper = (b) => b >= 0x41 && b <= 0x5a;
const isLower = (b) => b >= 0x61 && b <= 0x7a;
const isAlpha = (b) => isUpper(b) || isLower(b);
const isAlnum = (b) => isDigit(b) || isAlpha(b);

/**
 * Every number in `text` a resident should not send, in order, not overlapping.
 * @param {string} text
 * @param {{bsn?: 'all'|'context', cards?: boolean}} [opts]  as `[privacy]` in loket.toml
 * @returns {{kind: 'bsn'|'iban'|'card', start: number, end: number}[]}  positions in `text`
 */
export function find(text, { bsn = 'all', cards = true } = {}) {
  const b = encoder.encode(text);
  const found = findIbans(b);
  for (const run of digitRuns(b, [SPACE, DOT])) {
    if (overlaps(found, run)) continue;
    const digits = bsnDigits(run.digits);
    if (digits && bsnValid(digits) && (bsn !== 'context' || namedBefore(b, run.start))) {
      found.push({ kind: 'bsn', start: run.start, end: run.end });
    }
  }
  if (cards) {
    for (const run of digitRuns(b, [SPACE, DASH])) {
      if (!overlaps(found, run) && run.digits.length >= 13 && run.digits.length <= 19 && luhnValid(run.digits)) {
        found.push({ kind: 'card', start: run.start, end: run.end });
      }
    }
  }
  found.sort((x, y) => x.start - y.start);
  const index = stringIndex(text, b.length);
  return found.map((f) => ({ kind: f.kind, start: index[f.start], end: index[f.end] }));
}

/**
 * `text` without the numbers `findings` (from find() on the same text), tidied as the
 * server does: a space before a removed number goes when a space, a line end, punctuation
 * or the end follows it, and a space after a number at the start of a line goes.
 */
export function remove(text, findings) {
  let out = '';
  let at = 0;
  for (const f of findings) {
    if (!(f.start >= at && f.end >= f.start && f.end <= text.length)) continue;
    out += text.slice(at, f.start);
    at = f.end;
    const next = text[at];
    if (out.endsWith(' ') && (next === undefined || ' \n.,;:!?)'.includes(next))) {
      out = out.slice(0, -1);
    } else if ((out === '' || out.endsWith('\n')) && next === ' ') {
      at += 1;
    }
  }
  return out + text.slice(at);
}

/** For each UTF-8 byte offset that starts a character (and the end): its string index. */
function stringIndex(text, byteLength) {
  const index = new Array(byteLength + 1);
  let byte = 0;
  let unit = 0;
  for (const ch of text) {
    index[byte] = unit;
    const cp = ch.codePointAt(0);
    // A lone surrogate is encoded as U+FFFD: 3 bytes, like any other BMP character above U+07FF.
    byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    unit += ch.length;
  }
  index[byte] = unit;
  return index;
}

function overlaps(found, r) {
  return found.some((f) => f.start < r.end && r.start < f.end);
}

/**
 * The runs of digits in the bytes `b`, where one separator from `seps` between two digits
 * joins them; a run glued to a letter on either side is not a number on its own.
 */
function digitRuns(b, seps) {
  const runs = [];
  let i = 0;
  while (i < b.length) {
    if (!isDigit(b[i])) { i += 1; continue; }
    let glued = i > 0 && isAlpha(b[i - 1]);
    const start = i;
    const digits = [];
    let end = i;
    while (i < b.length) {
      const c = b[i];
      if (isDigit(c)) {
        digits.push(c - 0x30);
        i += 1;
        end = i;
      } else if (seps.includes(c) && i + 1 < b.length && isDigit(b[i + 1])) {
        i += 1;
      } else {
        break;
      }
    }
    glued = glued || (end < b.length && isAlpha(b[end]));
    if (!glued) runs.push({ start, end, digits });
  }
  return runs;
}

/** The nine digits of a BSN candidate: 9 digits, or 8 with a zero put in front. */
function bsnDigits(d) {
  if (d.length === 9) return d;
  if (d.length === 8) return [0, ...d];
  return null;
}

/** The 11-proof: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11; all zeros is not a BSN. */
export function bsnValid(d) {
  if (d.every((x) => x === 0)) return false;
  let sum = -d[8];
  for (let i = 0; i < 8; i++) sum += d[i] * (9 - i);
  return ((sum % 11) + 11) % 11 === 0;
}

/** Whether a word that names a BSN ends at most 40 bytes before byte `at`. */
function namedBefore(b, at) {
  let from = Math.max(0, at - (CONTEXT_CHARS + 30));
  while (from > 0 && (b[from] & 0xc0) === 0x80) from -= 1;
  const before = decoder.decode(b.subarray(from, at)).toLowerCase();
  return CONTEXT_WORDS.some((w) => {
    const p = before.lastIndexOf(w);
    return p >= 0 && encoder.encode(before.slice(p + w.length)).length <= CONTEXT_CHARS;
  });
}

/** Luhn's check over the digits. */
export function luhnValid(d) {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    const x = d[d.length - 1 - i];
    if (i % 2 === 1) {
      const y = x * 2;
      sum += y > 9 ? y - 9 : y;
    } else {
      sum += x;
    }
  }
  return d.length > 0 && sum % 10 === 0;
}

/** Mod-97 of an IBAN (upper case, no spaces); a valid IBAN gives 1. */
export function ibanValid(iban) {
  const b = encoder.encode(iban);
  if (b.length < 5
    || !isUpper(b[0]) || !isUpper(b[1]) || !isDigit(b[2]) || !isDigit(b[3])
    || IBAN_LENGTHS[iban.slice(0, 2)] !== b.length
    || !b.every((c) => isUpper(c) || isDigit(c))) {
    return false;
  }
  let rem = 0;
  for (const c of [...b.subarray(4), ...b.subarray(0, 4)]) {
    const v = isDigit(c) ? c - 0x30 : c - 0x41 + 10;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

/**
 * IBANs in the bytes `b`: at a word start, two letters and two digits, then the account
 * with single spaces allowed, as long as the country's registered length.
 */
function findIbans(b) {
  const found = [];
  let i = 0;
  while (i + 4 <= b.length) {
    const wordStart = i === 0 || !isAlnum(b[i - 1]);
    const head = wordStart && isAlpha(b[i]) && isAlpha(b[i + 1]) && isDigit(b[i + 2]) && isDigit(b[i + 3]);
    const len = head ? IBAN_LENGTHS[String.fromCharCode(b[i], b[i + 1]).toUpperCase()] : undefined;
    if (!len) { i += 1; continue; }
    let compact = '';
    let j = i;
    while (j < b.length && compact.length < len) {
      const c = b[j];
      if (isAlnum(c)) {
        compact += String.fromCharCode(c).toUpperCase();
        j += 1;
      } else if (c === SPACE && j + 1 < b.length && isAlnum(b[j + 1])) {
        j += 1;
      } else {
        break;
      }
    }
    const whole = !(j < b.length && isAlnum(b[j]));
    if (compact.length === len && whole && ibanValid(compact)) {
      found.push({ kind: 'iban', start: i, end: j });
      i = j;
    } else {
      i += 1;
    }
  }
  return found;
}
