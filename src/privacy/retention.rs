//! Retention terms: checking them, when the daily purge runs next, and the sentences that
//! say what a purge removes. Pure: time is passed in (unix milliseconds).

use crate::config::RetentionSettings;
use crate::i18n::T;
use crate::store::PurgeCounts;
use chrono::{Duration, NaiveTime, TimeZone};
use chrono_tz::Europe::Amsterdam;

/// Shortest and longest term, in days.
pub const MIN_DAYS: u32 = 1;
pub const MAX_DAYS: u32 = 3650;

/// What is wrong with a set of terms: the field and a text key that says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermError {
    pub field: &'static str,
    pub key: &'static str,
}

/// Checks every term (1..=3650 days; the access log at least as long as the messages, so
/// a resident can always learn who read a conversation while it exists) and the time.
pub fn check(terms: &RetentionSettings) -> Result<(), TermError> {
    for (field, days) in [
        ("messages_days", terms.messages_days),
        ("contact_days", terms.contact_days),
        ("notes_days", terms.notes_days),
        ("access_log_days", terms.access_log_days),
    ] {
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return Err(TermError {
                field,
                key: "retention.days_range",
            });
        }
    }
    if terms.access_log_days < terms.messages_days {
        return Err(TermError {
            field: "access_log_days",
            key: "retention.log_shorter",
        });
    }
    if parse_clock(&terms.purge_at).is_none() {
        return Err(TermError {
            field: "purge_at",
            key: "retention.clock",
        });
    }
    Ok(())
}

/// `HH:MM` (24 hours).
pub fn parse_clock(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// The next moment (unix ms, after `now`) the clock in Amsterdam shows `at`.
pub fn next_run(now: i64, at: NaiveTime) -> i64 {
    let Some(local) = Amsterdam.timestamp_millis_opt(now).single() else {
        return now + 86_400_000;
    };
    let mut day = local.date_naive();
    for _ in 0..3 {
        if let Some(t) = Amsterdam
            .from_local_datetime(&day.and_time(at))
            .earliest()
            .map(|d| d.timestamp_millis())
            .filter(|t| *t > now)
        {
            return t;
        }
        day += Duration::days(1);
    }
    now + 86_400_000
}

/// A count as Dutch readers write it: `1.234`; English: `1,234`.
pub fn grouped(t: &T, n: u64) -> String {
    let sep = if t.code() == "nl" { '.' } else { ',' };
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A date as `dd-mm` (the day the purge runs).
pub fn day_month(ms: i64) -> String {
    Amsterdam
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.format("%d-%m").to_string())
        .unwrap_or_default()
}

/// A date as `dd-mm-yyyy`.
pub fn date(ms: i64) -> String {
    Amsterdam
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.format("%d-%m-%Y").to_string())
        .unwrap_or_default()
}

/// The lines that say what a purge on `on` removes (`dry`: would remove).
pub fn summary(t: &T, on: i64, c: &PurgeCounts, dry: bool) -> Vec<String> {
    let n = |v: u64| grouped(t, v);
    let head = if dry {
        "retention.dry"
    } else {
        "retention.done"
    };
    let mut lines = vec![t.f(
        head,
        &[
            ("date", &day_month(on)),
            ("count", &c.conversations),
            ("shown", &n(c.conversations)),
        ],
    )];
    for (key, v) in [
        ("retention.line_messages", c.messages),
        ("retention.line_contacts", c.contacts),
        ("retention.line_notes", c.notes),
        ("retention.line_left", c.left_messages),
        ("retention.line_left_contacts", c.left_contacts),
        ("retention.line_log", c.access_log),
    ] {
        lines.push(t.f(key, &[("count", &v), ("shown", &n(v))]));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn terms_are_checked() {
        let ok = RetentionSettings::default();
        assert_eq!(check(&ok), Ok(()));
        let zero = RetentionSettings {
            messages_days: 0,
            ..ok.clone()
        };
        assert_eq!(check(&zero).map_err(|e| e.field), Err("messages_days"));
        let short_log = RetentionSettings {
            access_log_days: 30,
            ..ok.clone()
        };
        assert_eq!(
            check(&short_log).map_err(|e| e.key),
            Err("retention.log_shorter")
        );
        for bad in ["25:00", "3:5", "", "03:30:00", "aa:bb"] {
            let t = RetentionSettings {
                purge_at: bad.into(),
                ..ok.clone()
            };
            assert!(check(&t).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_next_run_is_the_next_local_time() {
        // 2026-03-12 10:00 UTC = 11:00 in Amsterdam; 03:30 local is next day 02:30 UTC.
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 3, 12, 10, 0, 0)
            .unwrap()
            .timestamp_millis();
        let next = next_run(now, parse_clock("03:30").unwrap());
        let want = chrono::Utc
            .with_ymd_and_hms(2026, 3, 13, 2, 30, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(next, want);
        // Later today.
        let next = next_run(now, parse_clock("23:15").unwrap());
        assert_eq!(next - now, (12 * 60 + 15) * 60_000);
    }

    #[test]
    fn counts_are_grouped_per_language() {
        assert_eq!(grouped(&T::new(Lang::Nl), 1234), "1.234");
        assert_eq!(grouped(&T::new(Lang::En), 1_234_567), "1,234,567");
        assert_eq!(grouped(&T::new(Lang::Nl), 999), "999");
    }

    #[test]
    fn the_dry_run_says_what_would_go() {
        let on = chrono::Utc
            .with_ymd_and_hms(2026, 3, 12, 10, 0, 0)
            .unwrap()
            .timestamp_millis();
        let c = PurgeCounts {
            conversations: 1234,
            ..Default::default()
        };
        let lines = summary(&T::new(Lang::Nl), on, &c, true);
        assert_eq!(lines[0], "Op 12-03 worden 1.234 gesprekken verwijderd.");
        let one = PurgeCounts {
            conversations: 1,
            ..Default::default()
        };
        assert_eq!(
            summary(&T::new(Lang::Nl), on, &one, true)[0],
            "Op 12-03 wordt 1 gesprek verwijderd."
        );
    }
}
