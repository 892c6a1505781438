//! Every sentence Loket says about waiting, availability and opening times, in one place,
//! so that pages, live frames and the kiosk say the same thing the same way.
//!
//! The words themselves live in the Fluent files (`locales/`); this module chooses which
//! sentence fits a state and fills in its values.

use crate::hub::StatusInfo;
use crate::i18n::{Lang, Localized, T};
use crate::store::Status;
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Amsterdam;

/// Two sentences as one text (the second may be empty).
pub fn join_sentences(a: &str, b: &str) -> String {
    if b.is_empty() {
        a.to_string()
    } else {
        format!("{a} {b}")
    }
}

/// Which way a resident reaches us: the words differ per channel ("tolk" for the
/// interpreter channel, "videogesprek" for calls, never "chat" for a call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    Chat,
    Video,
    Interpreter,
}

/// What the front door knows about a queue right now, in the order it is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// Outside opening hours; `reopens` is the "when" text of the next opening, if known.
    Closed { reopens: Option<String> },
    /// Open, and someone with the skill has room now.
    Free,
    /// Open, nobody free, and the broker estimates the wait (milliseconds).
    Estimate(u64),
    /// Open, nobody free, and no estimate (nobody online, or no history).
    Unknown,
}

/// The one sentence about a channel's availability, for pages and the kiosk. Exactly one
/// sentence per state, so "available now" never stands beside "closed". The role word
/// ("tolk" or "medewerker") and the channel word ("de chat", "een videogesprek") are
/// chosen in the Fluent files from `$who` and `$what`, so each language builds its own
/// sentence.
pub fn availability_sentence(t: T, kind: ChannelKind, state: &Availability) -> String {
    let what = match kind {
        ChannelKind::Chat => "chat",
        ChannelKind::Video | ChannelKind::Interpreter => "video",
    };
    let who = match kind {
        ChannelKind::Interpreter => "interpreter",
        _ => "employee",
    };
    match state {
        Availability::Closed {
            reopens: Some(when),
        } => t.f("door.closed_until", &[("when", &when.as_str())]),
        Availability::Closed { reopens: None } => t.s("door.closed").to_string(),
        Availability::Free => t.f("avail.free", &[("who", &who), ("what", &what)]),
        Availability::Estimate(ms) => t.f(
            "avail.wait",
            &[("what", &what), ("minutes", &ms.div_ceil(60_000).max(1))],
        ),
        Availability::Unknown => t.f("avail.none", &[("who", &who), ("what", &what)]),
    }
}

/// Sentence about the expected wait of a resident already in the queue: never "someone
/// is available" (nobody has answered yet), and an estimate when the broker has one.
pub fn waiting_sentence(t: T, estimate: Option<u64>) -> String {
    match estimate {
        Some(ms) if ms < 60_000 => t.s("wait.under_minute").to_string(),
        Some(ms) => t.f("wait.minutes", &[("minutes", &ms.div_ceil(60_000))]),
        None => t.s("wait.unknown_waiting").to_string(),
    }
}

/// The topic of a contact as staff see it ("no topic" when the resident chose none).
pub fn topic_text(t: T, topic: Option<Localized>) -> String {
    match topic {
        Some(tp) => tp.get(t.lang).to_string(),
        None => t.s("console.no_topic").to_string(),
    }
}

/// "Usually answered within N minutes", from the broker's recent answer times.
pub fn usual_sentence(t: T, typical_ms: Option<u64>) -> String {
    match typical_ms {
        None => String::new(),
        Some(ms) if ms < 60_000 => t.s("door.usual_under_minute").to_string(),
        Some(ms) => t.f("door.usual_minutes", &[("minutes", &ms.div_ceil(60_000))]),
    }
}

/// The sentence that describes a conversation's state to the resident.
pub fn status_sentence(t: T, info: &StatusInfo) -> String {
    match info.status {
        Status::Waiting => {
            let place = match (info.position, &info.lost_agent) {
                (Some(p), Some(name)) => t.f(
                    "chat.requeued",
                    &[("name", &name.as_str()), ("position", &p)],
                ),
                (None, Some(name)) => t.f("chat.requeued_no_place", &[("name", &name.as_str())]),
                (Some(p), None) => t.f("chat.position", &[("position", &p)]),
                (None, None) => String::new(),
            };
            let wait = if info.unstaffed {
                t.s("wait.unstaffed").to_string()
            } else {
                waiting_sentence(t, info.wait_ms)
            };
            join_sentences_nonempty(&place, &wait)
        }
        Status::Active => t.f(
            "chat.active_status",
            &[("name", &info.agent_name.clone().unwrap_or_default())],
        ),
        Status::Ended => t.s("chat.ended_status").into(),
        Status::Abandoned => t.s("chat.abandoned_status").into(),
    }
}

/// Like [`join_sentences`], but the first may be empty too.
fn join_sentences_nonempty(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        join_sentences(a, b)
    }
}

/// "vandaag om 13:30", "morgen om 09:00", "maandag 9 februari om 09:00".
pub fn when_text(t: T, now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let today = now.with_timezone(&Amsterdam).date_naive();
    let local = at.with_timezone(&Amsterdam);
    let time = local.format("%H:%M").to_string();
    let date = local.date_naive();
    let day = if date == today {
        t.s("door.today").to_string()
    } else if Some(date) == today.succ_opt() {
        t.s("door.tomorrow").to_string()
    } else {
        let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
        let month = MONTHS[date.month0() as usize];
        match t.lang {
            Lang::Nl => format!("{} {} {}", weekday.0, date.day(), month.0),
            Lang::En => format!("{} {} {}", weekday.1, date.day(), month.1),
        }
    };
    t.f("door.at", &[("day", &day), ("time", &time)])
}

const WEEKDAYS: [(&str, &str); 7] = [
    ("maandag", "Monday"),
    ("dinsdag", "Tuesday"),
    ("woensdag", "Wednesday"),
    ("donderdag", "Thursday"),
    ("vrijdag", "Friday"),
    ("zaterdag", "Saturday"),
    ("zondag", "Sunday"),
];

const MONTHS: [(&str, &str); 12] = [
    ("januari", "January"),
    ("februari", "February"),
    ("maart", "March"),
    ("april", "April"),
    ("mei", "May"),
    ("juni", "June"),
    ("juli", "July"),
    ("augustus", "August"),
    ("september", "September"),
    ("oktober", "October"),
    ("november", "November"),
    ("december", "December"),
];

/// Weekday names for forms (Monday first).
pub fn weekday_names(t: T) -> Vec<&'static str> {
    WEEKDAYS
        .iter()
        .map(|d| match t.lang {
            Lang::Nl => d.0,
            Lang::En => d.1,
        })
        .collect()
}

/// How long a conversation's content is still kept, as agents and the privacy officer see
/// it: "kept until ...", "deleted on ...", still open, or under a legal hold.
pub async fn kept_text(
    state: &super::AppState,
    t: T,
    c: &crate::store::Conversation,
    terms: &crate::config::RetentionSettings,
) -> Result<String, super::AppError> {
    use crate::privacy::retention::date;
    if let Some(at) = state.store.purged_at(c.id).await? {
        return Ok(t.f("retention.purged", &[("date", &date(at))]));
    }
    Ok(match state.store.kept_until(c.id, terms).await? {
        Some(until) => t.f("retention.kept_until", &[("date", &date(until))]),
        None if c.ended_at.is_none() => t.s("retention.kept_open").into(),
        None => t.s("retention.kept_held").into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    #[test]
    fn opening_times_read_naturally() {
        let nl = T::new(Lang::Nl);
        let en = T::new(Lang::En);
        let now = utc("2026-02-06T18:00:00Z"); // Friday 19:00 in Amsterdam
        assert_eq!(
            when_text(nl, now, utc("2026-02-09T08:00:00Z")),
            "maandag 9 februari om 09:00"
        );
        assert_eq!(
            when_text(en, now, utc("2026-02-09T08:00:00Z")),
            "Monday 9 February at 09:00"
        );
        assert_eq!(
            when_text(nl, now, utc("2026-02-07T08:00:00Z")),
            "morgen om 09:00"
        );
        assert_eq!(
            when_text(nl, now, utc("2026-02-06T20:00:00Z")),
            "vandaag om 21:00"
        );
    }
    #[test]
    fn availability_table_in_both_languages() {
        use Availability::*;
        use ChannelKind::*;
        let nl = T::new(Lang::Nl);
        let en = T::new(Lang::En);
        let closed = Closed {
            reopens: Some("morgen om 09:00".into()),
        };
        let table: Vec<(ChannelKind, Availability, &str, &str)> = vec![
            (
                Chat,
                closed.clone(),
                "Nu gesloten. We zijn er weer morgen om 09:00.",
                "Closed now. We are back morgen om 09:00.",
            ),
            (
                Video,
                Closed { reopens: None },
                "Nu gesloten.",
                "Closed now.",
            ),
            (
                Interpreter,
                Closed { reopens: None },
                "Nu gesloten.",
                "Closed now.",
            ),
            (
                Chat,
                Free,
                "Er is nu een medewerker beschikbaar voor de chat.",
                "An employee is available for a chat now.",
            ),
            (
                Video,
                Free,
                "Er is nu een medewerker beschikbaar voor een videogesprek.",
                "An employee is available for a video call now.",
            ),
            (
                Interpreter,
                Free,
                "Er is nu een tolk beschikbaar voor een videogesprek.",
                "An interpreter is available for a video call now.",
            ),
            (
                Chat,
                Estimate(30_000),
                "Verwachte wachttijd voor de chat: ongeveer 1 minuut.",
                "Expected wait for a chat: about 1 minute.",
            ),
            (
                Chat,
                Estimate(60_000),
                "Verwachte wachttijd voor de chat: ongeveer 1 minuut.",
                "Expected wait for a chat: about 1 minute.",
            ),
            (
                Video,
                Estimate(90_000),
                "Verwachte wachttijd voor een videogesprek: ongeveer 2 minuten.",
                "Expected wait for a video call: about 2 minutes.",
            ),
            (
                Interpreter,
                Estimate(600_000),
                "Verwachte wachttijd voor een videogesprek: ongeveer 10 minuten.",
                "Expected wait for a video call: about 10 minutes.",
            ),
            (
                Chat,
                Unknown,
                "Er is op dit moment geen medewerker beschikbaar voor de chat. We kunnen niet zeggen hoe lang het duurt.",
                "No employee is available for a chat at the moment. We cannot say how long it will take.",
            ),
            (
                Video,
                Unknown,
                "Er is op dit moment geen medewerker beschikbaar voor een videogesprek. We kunnen niet zeggen hoe lang het duurt.",
                "No employee is available for a video call at the moment. We cannot say how long it will take.",
            ),
            (
                Interpreter,
                Unknown,
                "Er is op dit moment geen tolk beschikbaar voor een videogesprek. We kunnen niet zeggen hoe lang het duurt.",
                "No interpreter is available for a video call at the moment. We cannot say how long it will take.",
            ),
        ];
        for (kind, state, want_nl, want_en) in table {
            assert_eq!(
                availability_sentence(nl, kind, &state),
                want_nl,
                "{kind:?} {state:?}"
            );
            assert_eq!(
                availability_sentence(en, kind, &state),
                want_en,
                "{kind:?} {state:?}"
            );
        }
        // A call is never called a chat.
        for state in [Free, Estimate(120_000), Unknown] {
            for kind in [Video, Interpreter] {
                for t in [nl, en] {
                    assert!(!availability_sentence(t, kind, &state).contains("chat"));
                }
            }
        }
    }
    #[test]
    fn waiting_and_requeued_sentences() {
        let nl = T::new(Lang::Nl);
        let en = T::new(Lang::En);
        let mut info = StatusInfo {
            status: Status::Waiting,
            position: Some(1),
            wait_ms: None,
            agent_name: None,
            lost_agent: Some("Anna".into()),
            unstaffed: false,
        };
        assert_eq!(
            status_sentence(nl, &info),
            "De verbinding met Anna is verbroken. U bent weer nummer 1 in de wachtrij. We kunnen nog niet zeggen hoe lang het duurt."
        );
        assert_eq!(
            status_sentence(en, &info),
            "The connection with Anna was lost. You are number 1 in the queue again. We cannot say yet how long it will take."
        );
        info.lost_agent = None;
        info.wait_ms = Some(0);
        // Waiting is never "someone is available now": nobody has answered yet.
        assert_eq!(
            status_sentence(nl, &info),
            "U bent nummer 1 in de wachtrij. Verwachte wachttijd: minder dan 1 minuut."
        );
        info.wait_ms = Some(120_000);
        assert_eq!(
            status_sentence(en, &info),
            "You are number 1 in the queue. Expected wait: about 2 minutes."
        );
        // The last person with the skill left: an honest message, with what to do.
        info.unstaffed = true;
        info.wait_ms = None;
        assert_eq!(
            status_sentence(nl, &info),
            "U bent nummer 1 in de wachtrij. Er is nu niemand beschikbaar die uw vraag kan beantwoorden. U kunt blijven wachten, of een bericht achterlaten: dan nemen we contact met u op."
        );
    }
    #[test]
    fn wait_sentences_are_honest() {
        let t = T::new(Lang::En);
        let waiting = StatusInfo {
            status: Status::Waiting,
            position: Some(3),
            wait_ms: Some(600_000),
            agent_name: None,
            lost_agent: None,
            unstaffed: false,
        };
        assert_eq!(
            status_sentence(t, &waiting),
            "You are number 3 in the queue. Expected wait: about 10 minutes."
        );
    }
}
