//! Finding and masking numbers a resident should not have typed: the citizen service
//! number (BSN), bank account numbers (IBAN) and, when switched on, payment card numbers.
//! Pure text in, findings or masked text out; no I/O.
//!
//! - **BSN**: 9 digits, or 8 with the leading zero left off, optionally grouped with dots or
//!   single spaces (`123.456.782`, `123 456 782`), passing the 11-proof (weights 9..2 and
//!   -1), not all zeros, and not part of a longer number: the digits are a whole run of
//!   digits and separators. About 1 in 11 random 9-digit numbers passes the proof, so
//!   [`BsnMode::Context`] masks a valid number only near a word that names it ("bsn",
//!   "burgerservicenummer", "sofinummer", ...), and [`BsnMode::All`] masks every valid one.
//! - **IBAN** (ISO 13616): a country code with its registered length, two check digits and
//!   the account, with or without spaces, in any letter case, passing mod-97.
//! - **Card numbers**: 13 to 19 digits, optionally grouped by spaces or dashes, passing Luhn.
//!
//! A mask keeps the last four characters: `123456782` becomes `*****6782`. [`remove`]
//! takes the numbers out instead (the resident chose "Verwijderen en versturen").
//!
//! `static/js/redact.js` finds the same numbers in the resident's browser, before sending;
//! `tests/redact_vectors.json` holds cases both implementations are tested against.

use std::borrow::Cow;
use std::ops::Range;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bsn,
    Iban,
    Card,
}

/// One finding: its kind and its byte range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    pub range: Range<usize>,
}

/// How a number that passes the 11-proof is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BsnMode {
    /// Only near a word that names it (fewer false alarms on case and customer numbers).
    Context,
    /// Every valid number (more false alarms; nothing that is a BSN slips through).
    #[default]
    All,
}

/// The detectors and their settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Detector {
    pub bsn: BsnMode,
    pub cards: bool,
}

/// Words that name a BSN (lower case); a valid number within [`CONTEXT_CHARS`] after one
/// counts in [`BsnMode::Context`].
const CONTEXT_WORDS: &[&str] = &[
    "bsn",
    "burgerservicenummer",
    "burger service nummer",
    "sofinummer",
    "sofi-nummer",
    "sofi nummer",
    "citizen service number",
];
const CONTEXT_CHARS: usize = 40;

impl Detector {
    /// Everything found in `text`, in order, not overlapping.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut found = find_ibans(text);
        for run in digit_runs(text, &[' ', '.']) {
            if overlaps(&found, &run.range) {
                continue;
            }
            if bsn_digits(&run.digits).is_some_and(|d| bsn_valid(&d))
                && (self.bsn == BsnMode::All || named_before(text, run.range.start))
            {
                found.push(Finding {
                    kind: Kind::Bsn,
                    range: run.range,
                });
            }
        }
        if self.cards {
            for run in digit_runs(text, &[' ', '-']) {
                if !overlaps(&found, &run.range)
                    && (13..=19).contains(&run.digits.len())
                    && luhn_valid(&run.digits)
                {
                    found.push(Finding {
                        kind: Kind::Card,
                        range: run.range,
                    });
                }
            }
        }
        found.sort_by_key(|f| f.range.start);
        found
    }

    /// `text` with every finding masked (borrowed when nothing was found).
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let found = self.find(text);
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in &found {
            out.push_str(&text[at..f.range.start]);
            out.push_str(&masked(&text[f.range.clone()]));
            at = f.range.end;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }

    /// `text` with every finding taken out (borrowed when nothing was found); see
    /// [`remove`].
    pub fn remove<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let found = self.find(text);
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        Cow::Owned(remove(text, &found))
    }
}

/// What may follow a removed number for the space before it to go too.
const TIDY_AFTER: &str = " \n.,;:!?)";

/// `text` without the numbers `found` in it (from [`Detector::find`] on the same text),
/// tidied: a space before a removed number goes when a space, a line end, punctuation or
/// the end follows it (`"bsn 123456782 graag"` becomes `"bsn graag"`, `"is 123456782."`
/// `"is."`), and a space after a number at the start of a line goes. Findings out of
/// order, overlapping or not on character boundaries are skipped, never a panic.
/// `static/js/redact.js` `remove()` does the same.
pub fn remove(text: &str, found: &[Finding]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in found {
        let (Some(before), Some(_)) = (text.get(at..f.range.start), text.get(f.range.clone()))
        else {
            continue;
        };
        out.push_str(before);
        at = f.range.end;
        let next = text[at..].chars().next();
        if out.ends_with(' ') && next.is_none_or(|c| TIDY_AFTER.contains(c)) {
            out.pop();
        } else if (out.is_empty() || out.ends_with('\n')) && next == Some(' ') {
            at += 1;
        }
    }
    out.push_str(&text[at..]);
    out
}

fn overlaps(found: &[Finding], r: &Range<usize>) -> bool {
    found
        .iter()
        .any(|f| f.range.start < r.end && r.start < f.range.end)
}

/// The mask of a found number: stars for all but its last four letters or digits.
fn masked(found: &str) -> String {
    let chars: Vec<char> = found
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let keep = chars.len().min(4);
    let mut out = "*".repeat(chars.len() - keep);
    out.extend(&chars[chars.len() - keep..]);
    out
}

/// A maximal run of ASCII digits, joined by single separators.
struct Run {
    range: Range<usize>,
    digits: Vec<u8>,
}

/// The runs of digits in `text`, where one separator from `seps` between two digits joins
/// them. A run next to a letter or digit on either side is still returned whole: the
/// caller's length checks keep digits inside longer numbers out.
fn digit_runs(text: &str, seps: &[char]) -> Vec<Run> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // Part of a word such as "A12": not a number on its own.
        let glued = i > 0 && bytes[i - 1].is_ascii_alphabetic();
        let start = i;
        let mut digits = Vec::new();
        let mut end = i;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_digit() {
                digits.push(b - b'0');
                i += 1;
                end = i;
            } else if seps.contains(&char::from(b))
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            {
                i += 1;
            } else {
                break;
            }
        }
        let glued = glued || bytes.get(end).is_some_and(u8::is_ascii_alphabetic);
        if !glued {
            runs.push(Run {
                range: start..end,
                digits,
            });
        }
    }
    runs
}

/// The nine digits of a BSN candidate: 9 digits, or 8 with a zero put in front.
fn bsn_digits(d: &[u8]) -> Option<[u8; 9]> {
    let mut out = [0u8; 9];
    match d.len() {
        9 => out.copy_from_slice(d),
        8 => out[1..].copy_from_slice(d),
        _ => return None,
    }
    Some(out)
}

/// The 11-proof: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11; all zeros is not a BSN.
pub fn bsn_valid(d: &[u8; 9]) -> bool {
    if d.iter().all(|&x| x == 0) {
        return false;
    }
    let sum: i32 = d[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(&x, w)| i32::from(x) * w)
        .sum::<i32>()
        - i32::from(d[8]);
    sum.rem_euclid(11) == 0
}

/// Whether a word that names a BSN ends at most [`CONTEXT_CHARS`] before byte `at`.
fn named_before(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(CONTEXT_CHARS + 30);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text[from..at].to_lowercase();
    CONTEXT_WORDS.iter().any(|w| {
        before
            .rfind(w)
            .is_some_and(|p| before.len() - (p + w.len()) <= CONTEXT_CHARS)
    })
}

/// Luhn's check over the digits.
pub fn luhn_valid(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    !d.is_empty() && sum % 10 == 0
}

/// IBAN lengths per country (the SWIFT IBAN registry).
#[rustfmt::skip]
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16),
    ("BG", 22), ("BH", 22), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28),
    ("CZ", 24), ("DE", 22), ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24),
    ("FI", 18), ("FO", 18), ("FR", 27), ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18),
    ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23),
    ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32),
    ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("MC", 27), ("MD", 24), ("ME", 22),
    ("MK", 19), ("MR", 27), ("MT", 31), ("MU", 30), ("NL", 18), ("NO", 15), ("PK", 24),
    ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("SA", 24),
    ("SC", 31), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("ST", 25), ("SV", 28),
    ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
];

fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| *c == country)
        .map(|&(_, n)| n)
}

/// Mod-97 of an IBAN (upper case, no spaces) with its first four characters moved to the
/// end and letters as 10..35; a valid IBAN gives 1.
pub fn iban_valid(iban: &str) -> bool {
    let b = iban.as_bytes();
    if b.len() < 5
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || iban_length(&iban[..2]) != Some(b.len())
        || !b
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// IBANs in `text`: at a word start, two letters and two digits, then the account with
/// single spaces allowed, as long as the country's registered length.
fn find_ibans(text: &str) -> Vec<Finding> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        let word_start = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let head = word_start
            && b[i].is_ascii_alphabetic()
            && b[i + 1].is_ascii_alphabetic()
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit();
        let Some(len) = head
            .then(|| iban_length(&text[i..i + 2].to_ascii_uppercase()))
            .flatten()
        else {
            i += 1;
            continue;
        };
        let mut compact = String::with_capacity(len);
        let mut j = i;
        while j < b.len() && compact.len() < len {
            let c = b[j];
            if c.is_ascii_alphanumeric() {
                compact.push(char::from(c.to_ascii_uppercase()));
                j += 1;
            } else if c == b' ' && b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
                j += 1;
            } else {
                break;
            }
        }
        let whole = !b.get(j).is_some_and(u8::is_ascii_alphanumeric);
        if compact.len() == len && whole && iban_valid(&compact) {
            found.push(Finding {
                kind: Kind::Iban,
                range: i..j,
            });
            i = j;
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(d: Detector, text: &str) -> Vec<(Kind, String)> {
        d.find(text)
            .into_iter()
            .map(|f| (f.kind, text[f.range].to_owned()))
            .collect()
    }

    fn all() -> Detector {
        Detector {
            bsn: BsnMode::All,
            cards: true,
        }
    }

    #[test]
    fn the_issue_vectors() {
        for valid in ["123456782", "111222333", "012345672"] {
            assert_eq!(
                kinds(all(), valid),
                vec![(Kind::Bsn, valid.to_owned())],
                "{valid}"
            );
        }
        for invalid in ["123456789", "000000000"] {
            assert!(kinds(all(), invalid).is_empty(), "{invalid}");
        }
        for valid in ["NL91ABNA0417164300", "NL20INGB0001234567"] {
            assert_eq!(kinds(all(), valid), vec![(Kind::Iban, valid.to_owned())]);
        }
        assert!(kinds(all(), "NL91ABNA0417164301").is_empty());
    }

    #[test]
    fn formatted_and_embedded_numbers() {
        let d = all();
        assert_eq!(kinds(d, "mijn bsn is 1234.56.782.").len(), 1);
        assert_eq!(kinds(d, "123 456 782")[0].1, "123 456 782");
        assert_eq!(kinds(d, "12345672 (zonder nul)")[0].1, "12345672");
        assert!(kinds(d, "1234567820").is_empty(), "inside a longer number");
        assert!(kinds(d, "A123456782").is_empty(), "part of a word");
        assert!(kinds(d, "123456782B").is_empty(), "part of a word");
        assert_eq!(
            kinds(d, "rekening nl91 abna 0417 1643 00 graag")[0].1,
            "nl91 abna 0417 1643 00"
        );
        assert_eq!(kinds(d, "BE68539007547034")[0].0, Kind::Iban);
        assert_eq!(kinds(d, "DE89 3704 0044 0532 0130 00")[0].0, Kind::Iban);
        assert!(
            kinds(d, "NL91ABNA04171643001").is_empty(),
            "too long for NL"
        );
        assert_eq!(kinds(d, "kaart 4111 1111 1111 1111")[0].0, Kind::Card);
        assert!(kinds(Detector::default(), "4111 1111 1111 1111").is_empty());
    }

    #[test]
    fn context_mode_needs_a_naming_word_before_the_number() {
        let d = Detector {
            bsn: BsnMode::Context,
            cards: false,
        };
        assert!(kinds(d, "zaaknummer 123456782").is_empty());
        assert_eq!(kinds(d, "Mijn BSN: 123456782").len(), 1);
        assert_eq!(kinds(d, "burgerservicenummer is 111 222 333").len(), 1);
        let far = format!("bsn {} 123456782", "x".repeat(60));
        assert!(kinds(d, &far).is_empty());
        assert_eq!(
            kinds(d, "NL91ABNA0417164300").len(),
            1,
            "IBANs need no word"
        );
    }

    #[test]
    fn masks_keep_the_last_four() {
        let d = all();
        assert_eq!(d.mask("bsn 123456782."), "bsn *****6782.");
        assert_eq!(d.mask("123.456.782"), "*****6782");
        assert_eq!(d.mask("NL91 ABNA 0417 1643 00"), "**************4300");
        assert!(matches!(d.mask("niets hier 12345"), Cow::Borrowed(_)));
        assert_eq!(d.mask("é 123456782 ü"), "é *****6782 ü");
    }

    #[test]
    fn remove_takes_the_numbers_out_and_tidies_the_spaces() {
        let d = all();
        assert_eq!(d.remove("Mijn bsn is 123456782"), "Mijn bsn is");
        assert_eq!(d.remove("Mijn bsn is 123.456.782."), "Mijn bsn is.");
        assert_eq!(d.remove("bsn 123456782 graag"), "bsn graag");
        assert_eq!(d.remove("123456782 is mijn bsn"), "is mijn bsn");
        assert_eq!(
            d.remove("rekening NL91 ABNA 0417 1643 00, bsn 111222333"),
            "rekening, bsn"
        );
        assert_eq!(d.remove("kaart 4111-1111-1111-1111?"), "kaart?");
        assert_eq!(d.remove("alleen 123456782\nen meer"), "alleen\nen meer");
        assert_eq!(d.remove("123456782"), "");
        assert!(matches!(d.remove("zaak 12345"), Cow::Borrowed(_)));
    }

    #[test]
    fn remove_skips_findings_that_do_not_fit_the_text() {
        let text = "é 123456782";
        let bad = |range: Range<usize>| Finding {
            kind: Kind::Bsn,
            range,
        };
        assert_eq!(
            remove(text, &[bad(1..3)]),
            text,
            "not on a character boundary"
        );
        assert_eq!(remove(text, &[bad(3..99)]), text, "past the end");
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = bad(8..3);
        assert_eq!(remove(text, &[backwards]), text, "backwards");
        assert_eq!(
            remove(text, &[bad(3..12), bad(4..6)]),
            "é",
            "the overlapping one is skipped"
        );
        assert_eq!(remove(text, &[]), text);
    }

    /// The cases `static/js/redact.js` is tested against too (tests/browser/redact.test.js):
    /// both find the same numbers and remove them the same way.
    #[test]
    fn the_shared_vectors() {
        let vectors: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../tests/redact_vectors.json")).unwrap();
        assert!(vectors.len() > 40);
        for v in vectors {
            let text = v["text"].as_str().unwrap();
            let d = Detector {
                bsn: if v["bsn"] == "context" {
                    BsnMode::Context
                } else {
                    BsnMode::All
                },
                cards: v["cards"] == true,
            };
            let want: Vec<(Kind, String)> = v["found"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    let kind = match f[0].as_str().unwrap() {
                        "bsn" => Kind::Bsn,
                        "iban" => Kind::Iban,
                        _ => Kind::Card,
                    };
                    (kind, f[1].as_str().unwrap().to_owned())
                })
                .collect();
            assert_eq!(kinds(d, text), want, "{text:?}");
            assert_eq!(d.remove(text), v["removed"].as_str().unwrap(), "{text:?}");
        }
    }

    fn proof(n: u32) -> bool {
        let s = format!("{n:09}");
        let d: Vec<i32> = s.bytes().map(|b| i32::from(b - b'0')).collect();
        let sum: i32 = (0..8).map(|i| d[i] * (9 - i as i32)).sum::<i32>() - d[8];
        n != 0 && sum % 11 == 0
    }

    proptest! {
        #[test]
        fn nine_digits_agree_with_the_eleven_proof(n in 0u32..1_000_000_000) {
            let text = format!("{n:09}");
            let found = !all().find(&text).is_empty();
            prop_assert_eq!(found, proof(n));
        }

        #[test]
        fn formatted_valid_numbers_are_found(first in 1u32..100_000_000, sep in prop::sample::select(vec![" ", "."])) {
            // The ninth digit that makes the first eight pass the 11-proof (none: 10).
            let eight = format!("{first:08}");
            let sum: u32 = eight.bytes().zip((2..=9).rev()).map(|(b, w)| u32::from(b - b'0') * w).sum();
            prop_assume!(sum % 11 < 10);
            let s = format!("{eight}{}", sum % 11);
            prop_assert!(proof(s.parse().unwrap_or(0)));
            let text = format!("nummer {}{sep}{}{sep}{} graag", &s[..3], &s[3..6], &s[6..]);
            let found = all().find(&text);
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].kind, Kind::Bsn);
        }

        #[test]
        fn digits_inside_longer_numbers_are_not_found(n in 0u32..1_000_000_000, extra in 0u32..10) {
            let text = format!("{n:09}{extra}");
            prop_assert!(all().find(&text).iter().all(|f| f.kind != Kind::Bsn));
        }

        #[test]
        fn any_text_is_handled(text in "\\PC{0,200}") {
            let d = all();
            let masked = d.mask(&text);
            prop_assert!(d.find(&masked).is_empty(), "a mask is never found again: {}", masked);
            let removed = d.remove(&text);
            prop_assert!(removed.len() <= text.len());
            for f in d.find(&text) {
                prop_assert!(!removed.contains(&text[f.range]), "{}", removed);
            }
        }
    }
}
