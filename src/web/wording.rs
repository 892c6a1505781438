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

/// Sentence about the expected wait in a queue, from the broker's estimate.
pub fn wait_sentence(t: T, estimate: Option<u64>, free_now: bool) -> String {
    match estimate {
        _ if free_now => t.s("wait.now").to_string(),
        Some(0) => t.s("wait.now").to_string(),
        Some(ms) => t.f("wait.minutes", &[("minutes", &ms.div_ceil(60_000).max(1))]),
        None => t.s("wait.unknown").to_string(),
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
            let mut s = match info.position {
                Some(p) => t.f("chat.position", &[("position", &p)]),
                None => String::new(),
            };
            let wait = wait_sentence(t, info.wait_ms, false);
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&wait);
            s
        }
        Status::Active => t.f(
            "chat.active_status",
            &[("name", &info.agent_name.clone().unwrap_or_default())],
        ),
        Status::Ended => t.s("chat.ended_status").into(),
        Status::Abandoned => t.s("chat.abandoned_status").into(),
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
    fn wait_sentences_are_honest() {
        let t = T::new(Lang::En);
        assert_eq!(
            wait_sentence(t, Some(0), false),
            "An employee is available now."
        );
        assert_eq!(
            wait_sentence(t, Some(30_000), false),
            "Expected wait: about 1 minute."
        );
        assert_eq!(
            wait_sentence(t, Some(90_000), false),
            "Expected wait: about 2 minutes."
        );
        assert!(wait_sentence(t, None, false).starts_with("No employee is available"));
        let waiting = StatusInfo {
            status: Status::Waiting,
            position: Some(3),
            wait_ms: Some(600_000),
            agent_name: None,
        };
        assert_eq!(
            status_sentence(t, &waiting),
            "You are number 3 in the queue. Expected wait: about 10 minutes."
        );
    }
}
