//! Asking before a number a resident should not type is sent (issue 15): a citizen service
//! number, a bank account number or a card number in a chat message or a left message.
//!
//! The hub masks every such number before it is stored ([`crate::privacy::redact`]), so
//! whatever a page does, staff see `*****6782`. This is the page's part: the resident is
//! told first and chooses. With JavaScript `static/js/redact-notice.js` asks in the page
//! before sending (its detector, `static/js/redact.js`, has the same rules); without, the
//! form posts, [`check`] finds the number and the page is shown again with the same notice
//! (`templates/redact_notice.html`) and two buttons in the form: `redact=remove`
//! ("Verwijderen en versturen": the numbers are taken out, then it is sent) and
//! `redact=send` ("Toch versturen": sent as typed, masked by the hub). Any other value of
//! `redact` is no answer: the notice is shown again.

use crate::i18n::T;
use crate::privacy::redact::{self, BsnMode, Detector, Kind};

/// What the resident chose for a text with a number in it (the form's `redact` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Nothing (yet), or a value that is not one of the two: ask.
    Ask,
    /// "Verwijderen en versturen".
    Remove,
    /// "Toch versturen".
    Send,
}

impl Choice {
    /// The choice a form posted; anything else than `remove` or `send` is [`Choice::Ask`].
    pub fn parse(value: &str) -> Choice {
        match value {
            "remove" => Choice::Remove,
            "send" => Choice::Send,
            _ => Choice::Ask,
        }
    }
}

/// Where the text goes: the notice says "in de chat" or "in uw bericht".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Chat,
    Message,
}

/// The outcome of [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// Send this text: nothing was found, the resident chose to send it as typed, or the
    /// numbers were taken out (then it may be empty: the caller's empty-text error).
    Send(String),
    /// Ask first: the kinds of number found, each once, in the order they first appear.
    Ask(Vec<Kind>),
}

/// Judges `text` (already cleaned) by the resident's `choice`.
pub fn check(detector: Detector, text: &str, choice: Choice) -> Checked {
    let found = detector.find(text);
    if found.is_empty() {
        return Checked::Send(text.to_string());
    }
    match choice {
        Choice::Send => Checked::Send(text.to_string()),
        Choice::Remove => Checked::Send(redact::remove(text, &found).trim().to_string()),
        Choice::Ask => {
            let mut kinds = Vec::new();
            for f in &found {
                if !kinds.contains(&f.kind) {
                    kinds.push(f.kind);
                }
            }
            Checked::Ask(kinds)
        }
    }
}

/// The notice beside a message box, as `templates/redact_notice.html` shows it: open when
/// the server found a number (no JavaScript), and always carrying the detector's settings
/// and the place's sentence for `static/js/redact-notice.js`.
#[derive(Debug, Clone)]
pub struct RedactView {
    /// The server found a number: the notice is shown with its buttons.
    pub open: bool,
    /// What was found, in sentences ("U lijkt een burgerservicenummer te delen. Dat is
    /// niet nodig in de chat."), when open.
    pub text: String,
    /// `all` or `context` (`[privacy] bsn`).
    pub mode: &'static str,
    /// `[privacy] cards`.
    pub cards: bool,
    /// The key of the sentence after what was found ("Dat is niet nodig in de chat.").
    pub place_key: &'static str,
}

impl RedactView {
    /// The notice for a box in `place`, open with the sentences for `found` (none: closed).
    pub fn new(t: T, detector: Detector, place: Place, found: &[Kind]) -> RedactView {
        let place_key = match place {
            Place::Chat => "redact.not_needed_chat",
            Place::Message => "redact.not_needed_message",
        };
        let mut sentences: Vec<&str> = found.iter().map(|k| t.s(kind_key(*k))).collect();
        if !sentences.is_empty() {
            sentences.push(t.s(place_key));
        }
        RedactView {
            open: !found.is_empty(),
            text: sentences.join(" "),
            mode: match detector.bsn {
                BsnMode::All => "all",
                BsnMode::Context => "context",
            },
            cards: detector.cards,
            place_key,
        }
    }
}

/// The sentence that says what kind of number was found.
fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Bsn => "redact.bsn",
        Kind::Iban => "redact.iban",
        Kind::Card => "redact.card",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detector() -> Detector {
        Detector {
            bsn: BsnMode::All,
            cards: true,
        }
    }

    #[test]
    fn only_remove_and_send_are_answers() {
        assert_eq!(Choice::parse("remove"), Choice::Remove);
        assert_eq!(Choice::parse("send"), Choice::Send);
        for hostile in ["", "REMOVE", "send ", "verwijderen", "<script>", "remove\0"] {
            assert_eq!(Choice::parse(hostile), Choice::Ask, "{hostile:?}");
        }
    }

    #[test]
    fn a_number_is_asked_about_then_removed_or_sent() {
        let d = detector();
        let text = "Mijn bsn is 123456782, rekening NL91ABNA0417164300 en bsn 111222333";
        assert_eq!(
            check(d, text, Choice::Ask),
            Checked::Ask(vec![Kind::Bsn, Kind::Iban])
        );
        assert_eq!(
            check(d, text, Choice::Remove),
            Checked::Send("Mijn bsn is, rekening en bsn".into())
        );
        assert_eq!(check(d, text, Choice::Send), Checked::Send(text.into()));
        assert_eq!(
            check(d, "Hoe laat open?", Choice::Ask),
            Checked::Send("Hoe laat open?".into())
        );
        assert_eq!(
            check(d, "123456782", Choice::Remove),
            Checked::Send(String::new())
        );
    }

    #[test]
    fn the_notice_says_what_was_found_and_where() {
        let t = T::default();
        let open = RedactView::new(t, detector(), Place::Chat, &[Kind::Bsn]);
        assert!(open.open);
        assert_eq!(
            open.text,
            "U lijkt een burgerservicenummer te delen. Dat is niet nodig in de chat."
        );
        let iban = RedactView::new(t, detector(), Place::Message, &[Kind::Iban]);
        assert_eq!(
            iban.text,
            "U lijkt een rekeningnummer (IBAN) te delen. Dat is niet nodig in uw bericht."
        );
        let closed = RedactView::new(
            t,
            Detector {
                bsn: BsnMode::Context,
                cards: false,
            },
            Place::Chat,
            &[],
        );
        assert!(!closed.open);
        assert!(closed.text.is_empty());
        assert_eq!((closed.mode, closed.cards), ("context", false));
    }
}
