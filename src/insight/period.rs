//! Periods: which contacts a report is about, as local days.
//!
//! A report covers whole local days in Europe/Amsterdam: "last week" means Monday 00:00
//! to the next Monday 00:00 on the clock at the town hall, whatever UTC says. The store
//! keeps UTC milliseconds, so a period is turned into a half-open UTC range once, here,
//! and every query and every figure uses that range:
//!
//! ```text
//!   from_date ..= to_date            (local calendar days, inclusive)
//!   start     ..  end                (UTC instants, end exclusive)
//!   start = local midnight at the beginning of from_date
//!   end   = local midnight at the beginning of the day after to_date
//! ```
//!
//! Not every day is 24 hours long. On the last Sunday of March the clocks jump from 02:00
//! to 03:00, so that day lasts 23 hours; on the last Sunday of October 02:00-03:00 happens
//! twice and the day lasts 25 hours. Adding `24 * 3600 * 1000` to a start would therefore
//! be wrong twice a year; instead each boundary is resolved on its own date with
//! `chrono_tz`, and the lengths fall out right (a week with the March Sunday is 167
//! hours, one with the October Sunday 169).
//!
//! The same care applies in the other direction: [`local_weekday_hour`] puts an instant
//! in its local weekday and hour, so the hour table of [`super::figures`] shows an event
//! at 01:30 UTC on 29 March 2026 at 03:30 local time, and both 02:30s of 25 October in
//! hour 2.
//!
//! Pure: "today" is passed in by the caller (no clock reads), and nothing here panics; a
//! date at the edge of what `chrono` can represent gives [`PeriodError::OutOfRange`].
//!
//! Presets are whole calendar units: "this month" is the first to the last day of the
//! month, including days still to come (they simply have no contacts yet). Weeks are ISO
//! weeks, Monday to Sunday; quarters are January-March, April-June, July-September and
//! October-December.

use super::Millis;
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Timelike};
use chrono_tz::Europe::Amsterdam;

/// The longest period a report may cover, in days (a leap year).
pub const MAX_DAYS: i64 = 366;

/// A named period relative to today, or a custom one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    Today,
    Yesterday,
    /// Monday to Sunday of the current ISO week.
    ThisWeek,
    /// Monday to Sunday of the week before.
    LastWeek,
    ThisMonth,
    LastMonth,
    ThisQuarter,
    LastQuarter,
    /// From and to dates chosen by the user (inclusive; at most [`MAX_DAYS`] days).
    Custom,
}

impl Preset {
    /// Every preset, in the order a page offers them.
    pub const ALL: [Preset; 9] = [
        Preset::Today,
        Preset::Yesterday,
        Preset::ThisWeek,
        Preset::LastWeek,
        Preset::ThisMonth,
        Preset::LastMonth,
        Preset::ThisQuarter,
        Preset::LastQuarter,
        Preset::Custom,
    ];

    /// A stable URL key: `today`, `yesterday`, `this-week`, `last-week`, `this-month`,
    /// `last-month`, `this-quarter`, `last-quarter`, `custom`.
    pub fn key(self) -> &'static str {
        match self {
            Preset::Today => "today",
            Preset::Yesterday => "yesterday",
            Preset::ThisWeek => "this-week",
            Preset::LastWeek => "last-week",
            Preset::ThisMonth => "this-month",
            Preset::LastMonth => "last-month",
            Preset::ThisQuarter => "this-quarter",
            Preset::LastQuarter => "last-quarter",
            Preset::Custom => "custom",
        }
    }

    /// The preset of a [`key`](Preset::key).
    pub fn parse(key: &str) -> Option<Preset> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// Whole local days, and the UTC range they cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first local day.
    pub from_date: NaiveDate,
    /// The last local day (inclusive).
    pub to_date: NaiveDate,
    /// Local midnight at the start of `from_date`, as UTC milliseconds.
    pub start: Millis,
    /// Local midnight at the start of the day after `to_date` (exclusive).
    pub end: Millis,
}

impl Period {
    /// Does the instant fall in the period (`start <= at < end`)?
    pub fn contains(&self, at: Millis) -> bool {
        self.start <= at && at < self.end
    }

    /// The number of local days (`to_date - from_date + 1`).
    pub fn days(&self) -> i64 {
        (self.to_date - self.from_date).num_days() + 1
    }
}

/// Why a period was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("a custom period needs a first and a last day")]
    MissingDates,
    #[error("the period ends ({to}) before it starts ({from})")]
    EndsBeforeStart { from: NaiveDate, to: NaiveDate },
    #[error("a period is at most {MAX_DAYS} days; {from} to {to} is {days} days")]
    TooLong {
        from: NaiveDate,
        to: NaiveDate,
        days: i64,
    },
    #[error("the date is outside the supported range")]
    OutOfRange,
}

/// The local days and UTC range of a preset, relative to the local date `today`.
/// `custom` is used only for [`Preset::Custom`] (and required there).
pub fn bounds(
    preset: Preset,
    today: NaiveDate,
    custom: Option<(NaiveDate, NaiveDate)>,
) -> Result<Period, PeriodError> {
    let (from, to) = match preset {
        Preset::Today => (today, today),
        Preset::Yesterday => {
            let d = today.pred_opt().ok_or(PeriodError::OutOfRange)?;
            (d, d)
        }
        Preset::ThisWeek => week_of(today)?,
        Preset::LastWeek => week_of(days_before(today, 7)?)?,
        Preset::ThisMonth => month_of(today)?,
        Preset::LastMonth => month_of(
            month_of(today)?
                .0
                .pred_opt()
                .ok_or(PeriodError::OutOfRange)?,
        )?,
        Preset::ThisQuarter => quarter_checked(today)?,
        Preset::LastQuarter => quarter_checked(
            quarter_checked(today)?
                .0
                .pred_opt()
                .ok_or(PeriodError::OutOfRange)?,
        )?,
        Preset::Custom => {
            let (from, to) = custom.ok_or(PeriodError::MissingDates)?;
            if to < from {
                return Err(PeriodError::EndsBeforeStart { from, to });
            }
            let days = (to - from).num_days() + 1;
            if days > MAX_DAYS {
                return Err(PeriodError::TooLong { from, to, days });
            }
            (from, to)
        }
    };
    let start = local_midnight(from).ok_or(PeriodError::OutOfRange)?;
    let end = to
        .succ_opt()
        .and_then(local_midnight)
        .ok_or(PeriodError::OutOfRange)?;
    Ok(Period {
        from_date: from,
        to_date: to,
        start,
        end,
    })
}

/// The first and last day of the quarter `date` is in (January-March, April-June,
/// July-September, October-December). At the very edge of the calendar, where the end
/// cannot be represented, the date itself stands in.
pub fn quarter_of(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    quarter_checked(date).unwrap_or((date, date))
}

/// The UTC instant (milliseconds) of local midnight at the start of `date`. Midnight
/// exists once on every day in Europe/Amsterdam, but should a rule ever put a change at
/// midnight, a skipped midnight moves to the first minute that exists and a doubled one
/// is its first occurrence.
pub fn local_midnight(date: NaiveDate) -> Option<Millis> {
    let naive = date.and_hms_opt(0, 0, 0)?;
    match Amsterdam.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.timestamp_millis()),
        LocalResult::Ambiguous(first, _) => Some(first.timestamp_millis()),
        LocalResult::None => (1..=180).find_map(|m| {
            let later = naive.checked_add_signed(Duration::minutes(m))?;
            Amsterdam
                .from_local_datetime(&later)
                .earliest()
                .map(|t| t.timestamp_millis())
        }),
    }
}

/// The local date (Europe/Amsterdam) of an instant.
pub fn local_date(at: Millis) -> Option<NaiveDate> {
    let utc = DateTime::from_timestamp_millis(at)?;
    Some(utc.with_timezone(&Amsterdam).date_naive())
}

/// The local weekday (0 = Monday ... 6 = Sunday) and hour (0-23) of an instant in
/// Europe/Amsterdam; `None` only for instants `chrono` cannot represent.
pub fn local_weekday_hour(at: Millis) -> Option<(u8, u8)> {
    let local = DateTime::from_timestamp_millis(at)?.with_timezone(&Amsterdam);
    let weekday = u8::try_from(local.weekday().num_days_from_monday()).ok()?;
    let hour = u8::try_from(local.hour()).ok()?;
    Some((weekday, hour))
}

fn days_before(date: NaiveDate, days: u64) -> Result<NaiveDate, PeriodError> {
    date.checked_sub_days(chrono::Days::new(days))
        .ok_or(PeriodError::OutOfRange)
}

fn days_after(date: NaiveDate, days: u64) -> Result<NaiveDate, PeriodError> {
    date.checked_add_days(chrono::Days::new(days))
        .ok_or(PeriodError::OutOfRange)
}

/// Monday and Sunday of the ISO week of `date`.
fn week_of(date: NaiveDate) -> Result<(NaiveDate, NaiveDate), PeriodError> {
    let monday = days_before(date, u64::from(date.weekday().num_days_from_monday()))?;
    Ok((monday, days_after(monday, 6)?))
}

/// The first and last day of the month of `date`.
fn month_of(date: NaiveDate) -> Result<(NaiveDate, NaiveDate), PeriodError> {
    let first = date.with_day(1).ok_or(PeriodError::OutOfRange)?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or(PeriodError::OutOfRange)?;
    Ok((first, next.pred_opt().ok_or(PeriodError::OutOfRange)?))
}

fn quarter_checked(date: NaiveDate) -> Result<(NaiveDate, NaiveDate), PeriodError> {
    let first_month = (date.month0() / 3) * 3 + 1;
    let first =
        NaiveDate::from_ymd_opt(date.year(), first_month, 1).ok_or(PeriodError::OutOfRange)?;
    let next = first
        .checked_add_months(chrono::Months::new(3))
        .ok_or(PeriodError::OutOfRange)?;
    Ok((first, next.pred_opt().ok_or(PeriodError::OutOfRange)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Millis = 3_600_000;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn utc(text: &str) -> Millis {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn presets_are_whole_local_units() {
        // Wednesday 13 May 2026 (summer time, UTC+2).
        let today = d(2026, 5, 13);
        let p = bounds(Preset::Today, today, None).unwrap();
        assert_eq!((p.from_date, p.to_date), (today, today));
        assert_eq!(p.start, utc("2026-05-12T22:00:00Z"));
        assert_eq!(p.end, utc("2026-05-13T22:00:00Z"));
        assert!(p.contains(p.start) && !p.contains(p.end) && p.contains(p.end - 1));
        let y = bounds(Preset::Yesterday, today, None).unwrap();
        assert_eq!((y.from_date, y.to_date), (d(2026, 5, 12), d(2026, 5, 12)));
        assert_eq!(y.end, p.start);

        let w = bounds(Preset::ThisWeek, today, None).unwrap();
        assert_eq!((w.from_date, w.to_date), (d(2026, 5, 11), d(2026, 5, 17)));
        assert_eq!(w.days(), 7);
        let lw = bounds(Preset::LastWeek, today, None).unwrap();
        assert_eq!((lw.from_date, lw.to_date), (d(2026, 5, 4), d(2026, 5, 10)));
        assert_eq!(lw.end, w.start);
        // A Monday and a Sunday belong to their own ISO week.
        let mon = bounds(Preset::ThisWeek, d(2026, 5, 11), None).unwrap();
        let sun = bounds(Preset::ThisWeek, d(2026, 5, 17), None).unwrap();
        assert_eq!(mon, w);
        assert_eq!(sun, w);

        let m = bounds(Preset::ThisMonth, today, None).unwrap();
        assert_eq!((m.from_date, m.to_date), (d(2026, 5, 1), d(2026, 5, 31)));
        let lm = bounds(Preset::LastMonth, d(2026, 3, 31), None).unwrap();
        assert_eq!((lm.from_date, lm.to_date), (d(2026, 2, 1), d(2026, 2, 28)));
        let jan = bounds(Preset::LastMonth, d(2026, 1, 15), None).unwrap();
        assert_eq!(
            (jan.from_date, jan.to_date),
            (d(2025, 12, 1), d(2025, 12, 31))
        );
        let leap = bounds(Preset::LastMonth, d(2028, 3, 1), None).unwrap();
        assert_eq!(leap.to_date, d(2028, 2, 29));

        let q = bounds(Preset::ThisQuarter, today, None).unwrap();
        assert_eq!((q.from_date, q.to_date), (d(2026, 4, 1), d(2026, 6, 30)));
        let lq = bounds(Preset::LastQuarter, today, None).unwrap();
        assert_eq!((lq.from_date, lq.to_date), (d(2026, 1, 1), d(2026, 3, 31)));
        let lq_jan = bounds(Preset::LastQuarter, d(2026, 1, 1), None).unwrap();
        assert_eq!(
            (lq_jan.from_date, lq_jan.to_date),
            (d(2025, 10, 1), d(2025, 12, 31))
        );
        // Winter time: 1 January starts at 23:00 UTC the day before.
        assert_eq!(lq.start, utc("2025-12-31T23:00:00Z"));
        // The quarter ends at local midnight in summer time.
        assert_eq!(lq.end, utc("2026-03-31T22:00:00Z"));
    }

    #[test]
    fn quarters() {
        assert_eq!(quarter_of(d(2026, 2, 14)), (d(2026, 1, 1), d(2026, 3, 31)));
        assert_eq!(quarter_of(d(2026, 4, 1)), (d(2026, 4, 1), d(2026, 6, 30)));
        assert_eq!(quarter_of(d(2026, 9, 30)), (d(2026, 7, 1), d(2026, 9, 30)));
        assert_eq!(
            quarter_of(d(2026, 12, 31)),
            (d(2026, 10, 1), d(2026, 12, 31))
        );
        // The last representable date has no "day after the quarter": no panic.
        let (a, b) = quarter_of(NaiveDate::MAX);
        assert!(a <= b);
    }

    #[test]
    fn custom_periods_are_checked() {
        let today = d(2026, 5, 13);
        assert_eq!(
            bounds(Preset::Custom, today, None),
            Err(PeriodError::MissingDates)
        );
        assert_eq!(
            bounds(Preset::Custom, today, Some((d(2026, 5, 2), d(2026, 5, 1)))),
            Err(PeriodError::EndsBeforeStart {
                from: d(2026, 5, 2),
                to: d(2026, 5, 1)
            })
        );
        // 366 days is allowed (a leap year), 367 is not.
        let year = bounds(
            Preset::Custom,
            today,
            Some((d(2028, 1, 1), d(2028, 12, 31))),
        );
        assert_eq!(year.map(|p| p.days()), Ok(366));
        assert_eq!(
            bounds(Preset::Custom, today, Some((d(2026, 1, 1), d(2027, 1, 2)))),
            Err(PeriodError::TooLong {
                from: d(2026, 1, 1),
                to: d(2027, 1, 2),
                days: 367
            })
        );
        // Other presets ignore custom dates.
        assert_eq!(
            bounds(Preset::Today, today, Some((d(2020, 1, 1), d(2020, 1, 2))))
                .unwrap()
                .from_date,
            today
        );
        // The edges of the calendar are errors, not panics.
        assert_eq!(
            bounds(Preset::Today, NaiveDate::MAX, None),
            Err(PeriodError::OutOfRange)
        );
        assert_eq!(
            bounds(Preset::Yesterday, NaiveDate::MIN, None),
            Err(PeriodError::OutOfRange)
        );
        for p in Preset::ALL {
            let _ = bounds(p, NaiveDate::MAX, None);
            let _ = bounds(p, NaiveDate::MIN, None);
            assert_eq!(Preset::parse(p.key()), Some(p));
        }
        assert_eq!(Preset::parse("This-Week"), None);
        assert_eq!(Preset::parse(""), None);
    }

    #[test]
    fn spring_forward_day_is_23_hours() {
        // Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.
        let day = d(2026, 3, 29);
        let p = bounds(Preset::Custom, day, Some((day, day))).unwrap();
        assert_eq!(p.start, utc("2026-03-28T23:00:00Z"));
        assert_eq!(p.end, utc("2026-03-29T22:00:00Z"));
        assert_eq!(p.end - p.start, 23 * HOUR);
        // 01:30 UTC is 03:30 CEST: hour 3 of the Sunday.
        assert_eq!(
            local_weekday_hour(utc("2026-03-29T01:30:00Z")),
            Some((6, 3))
        );
        // 00:30 UTC is 01:30 CET: hour 1; there is no hour 2 that night.
        assert_eq!(
            local_weekday_hour(utc("2026-03-29T00:30:00Z")),
            Some((6, 1))
        );
        // The week that contains it (Monday 23 to Sunday 29 March) is 167 hours.
        let w = bounds(Preset::ThisWeek, day, None).unwrap();
        assert_eq!((w.from_date, w.to_date), (d(2026, 3, 23), day));
        assert_eq!(w.end - w.start, 167 * HOUR);
    }

    #[test]
    fn fall_back_day_is_25_hours() {
        // Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET.
        let day = d(2026, 10, 25);
        let p = bounds(Preset::Custom, day, Some((day, day))).unwrap();
        assert_eq!(p.start, utc("2026-10-24T22:00:00Z"));
        assert_eq!(p.end, utc("2026-10-25T23:00:00Z"));
        assert_eq!(p.end - p.start, 25 * HOUR);
        // 00:30 UTC is 02:30 CEST and 01:30 UTC is 02:30 CET: both hour 2 of the Sunday.
        assert_eq!(
            local_weekday_hour(utc("2026-10-25T00:30:00Z")),
            Some((6, 2))
        );
        assert_eq!(
            local_weekday_hour(utc("2026-10-25T01:30:00Z")),
            Some((6, 2))
        );
        let w = bounds(Preset::ThisWeek, day, None).unwrap();
        assert_eq!((w.from_date, w.to_date), (d(2026, 10, 19), day));
        assert_eq!(w.end - w.start, 169 * HOUR);
        assert_eq!(local_date(utc("2026-10-25T22:59:59Z")), Some(day));
        assert_eq!(
            local_date(utc("2026-10-25T23:00:00Z")),
            Some(d(2026, 10, 26))
        );
    }

    #[test]
    fn instants_out_of_range_are_none() {
        assert_eq!(local_weekday_hour(Millis::MAX), None);
        assert_eq!(local_weekday_hour(Millis::MIN), None);
        assert_eq!(local_date(Millis::MAX), None);
        // The epoch was a Thursday, 01:00 in Amsterdam.
        assert_eq!(local_weekday_hour(0), Some((3, 1)));
    }
}
