//! The front door's honesty: can a resident start a channel now, and if not, why, when it
//! opens again and what they can do instead.
//!
//! A channel can be started when its queue is open (its opening hours, see
//! [`crate::schedule`]) **and** someone with the skill is available or the broker's
//! estimated wait is within `front_door.max_wait_mins` (or nobody is online at all and the
//! site allows queueing then, `front_door.queue_without_staff`). Otherwise the pages say so
//! and offer to leave a message ([`super::message`]).

use super::{AppError, AppState};
use crate::broker::QueueId;
use crate::i18n::{Lang, T};
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Amsterdam;

/// What the front door says about one queue right now.
#[derive(Debug, Clone)]
pub struct Door {
    /// A resident may start now.
    pub can_start: bool,
    /// The expected wait, as a sentence.
    pub wait_text: String,
    /// Why they cannot start now, and when they can (empty when they can).
    pub reason: String,
    /// How quickly people were usually answered lately (empty without history).
    pub usual_text: String,
}

/// "Usually answered within N minutes", from the broker's recent answer times.
pub fn usual_sentence(t: T, typical_ms: Option<u64>) -> String {
    match typical_ms {
        None => String::new(),
        Some(ms) if ms < 60_000 => t.s("door.usual_under_minute").to_string(),
        Some(ms) => t.f("door.usual_minutes", &[("minutes", &ms.div_ceil(60_000))]),
    }
}

/// Looks at the opening hours and the broker's figures of `queue` at `now`.
pub async fn door(
    state: &AppState,
    t: T,
    queue: i64,
    now: DateTime<Utc>,
) -> Result<Door, AppError> {
    let schedules = state.store.queue_schedules().await?;
    let stats = state
        .hub
        .query(move |b, at| b.queue_stats(QueueId(queue), at))
        .await?;
    let usual_text = usual_sentence(t, stats.as_ref().and_then(|s| s.typical_answer_ms));
    let (wait_text, available, estimate) = match &stats {
        Some(s) => (
            super::resident::wait_sentence(t, s.estimated_wait_ms, s.free_slots > s.waiting),
            s.staff_available > 0,
            s.estimated_wait_ms,
        ),
        None => (t.s("wait.unknown").to_string(), false, None),
    };
    if let Some(schedule) = schedules.get(&queue) {
        if !schedule.is_open(now) {
            let reason = match schedule.next_opening(now) {
                Some(at) => t.f("door.closed_until", &[("when", &when_text(t, now, at))]),
                None => t.s("door.closed").to_string(),
            };
            return Ok(Door {
                can_start: false,
                wait_text,
                reason,
                usual_text,
            });
        }
    }
    let limit_ms = state.config.front_door.max_wait_mins.saturating_mul(60_000);
    let within = estimate.is_some_and(|ms| ms <= limit_ms);
    let allowed_empty = state.config.front_door.queue_without_staff && estimate.is_none();
    if available || within || allowed_empty {
        Ok(Door {
            can_start: true,
            wait_text,
            reason: String::new(),
            usual_text,
        })
    } else {
        Ok(Door {
            can_start: false,
            wait_text,
            reason: t.s("door.nobody").to_string(),
            usual_text,
        })
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
}
