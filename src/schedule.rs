//! Opening hours: a weekly schedule plus dated exceptions, in Europe/Amsterdam time.
//!
//! A [`Schedule`] says, for each weekday, during which local wall-clock spans a queue is
//! open (`09:00-12:30, 13:30-17:00`), and for particular dates something else (a public
//! holiday: closed all day; a closed afternoon: only the morning). It answers the front
//! door's questions for any instant: is it open now ([`Schedule::is_open`]), when does it
//! close ([`Schedule::closes_at`]), and when does it open next ([`Schedule::next_opening`]).
//!
//! Pure: no clock (the caller passes the instant), no I/O. Spans are local times on one
//! date, so a change to or from summer time is handled by resolving each span on its own
//! date: on the last Sunday of March a span `02:30-04:00` starts at 03:00 (02:30 does not
//! exist that night); on the last Sunday of October a span touching 02:00-03:00 (which
//! happens twice) starts at the first and ends at the second occurrence, so it is open for
//! its whole wall-clock length.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How far ahead [`Schedule::next_opening`] looks.
pub const LOOKAHEAD_DAYS: i64 = 400;

/// One open span on a day, in local wall-clock time; `end` after `start` (24:00 is
/// written as `end_of_day`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// The span runs to midnight (the end of the day); `end` is then ignored.
    #[serde(default)]
    pub end_of_day: bool,
}

/// Why a schedule or span was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("{0:?} is not a time span such as 09:00-17:00")]
    BadSpan(String),
    #[error("the span {0} ends before it starts")]
    Backwards(String),
    #[error("the spans {0} and {1} overlap")]
    Overlap(String, String),
}

impl Span {
    /// Parses `HH:MM-HH:MM` (`24:00` allowed as the end).
    pub fn parse(text: &str) -> Result<Span, ScheduleError> {
        let bad = || ScheduleError::BadSpan(text.to_string());
        let (a, b) = text.trim().split_once('-').ok_or_else(bad)?;
        let start = NaiveTime::parse_from_str(a.trim(), "%H:%M").map_err(|_| bad())?;
        let (end, end_of_day) = if b.trim() == "24:00" {
            (NaiveTime::MIN, true)
        } else {
            (
                NaiveTime::parse_from_str(b.trim(), "%H:%M").map_err(|_| bad())?,
                false,
            )
        };
        let span = Span {
            start,
            end,
            end_of_day,
        };
        if !end_of_day && end <= start {
            return Err(ScheduleError::Backwards(span.to_string()));
        }
        Ok(span)
    }

    fn starts_before_end_of(&self, other: &Span) -> bool {
        other.end_of_day || self.start < other.end
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.end_of_day {
            write!(f, "{}-24:00", self.start.format("%H:%M"))
        } else {
            write!(
                f,
                "{}-{}",
                self.start.format("%H:%M"),
                self.end.format("%H:%M")
            )
        }
    }
}

/// Parses a day's spans, `09:00-12:30, 13:30-17:00` (empty: closed), sorted, no overlaps.
pub fn parse_day(text: &str) -> Result<Vec<Span>, ScheduleError> {
    let mut spans = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Span::parse)
        .collect::<Result<Vec<_>, _>>()?;
    spans.sort_by_key(|s| s.start);
    for pair in spans.windows(2) {
        if pair[1].starts_before_end_of(&pair[0]) {
            return Err(ScheduleError::Overlap(
                pair[0].to_string(),
                pair[1].to_string(),
            ));
        }
    }
    Ok(spans)
}

/// A day's spans as text (`09:00-12:30, 13:30-17:00`; empty when closed).
pub fn day_text(spans: &[Span]) -> String {
    spans
        .iter()
        .map(Span::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Weekly opening hours with dated exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Monday (0) to Sunday (6).
    pub weekly: [Vec<Span>; 7],
    /// Dates that differ from the week: their spans (empty: closed all day).
    pub exceptions: BTreeMap<NaiveDate, Vec<Span>>,
}

impl Schedule {
    /// Open every day, all day (a queue without opening hours).
    pub fn always_open() -> Schedule {
        let all = vec![Span {
            start: NaiveTime::MIN,
            end: NaiveTime::MIN,
            end_of_day: true,
        }];
        Schedule {
            weekly: std::array::from_fn(|_| all.clone()),
            exceptions: BTreeMap::new(),
        }
    }

    /// The spans of a local date (its exception, or its weekday).
    pub fn spans_on(&self, date: NaiveDate) -> &[Span] {
        match self.exceptions.get(&date) {
            Some(spans) => spans,
            None => &self.weekly[date.weekday().num_days_from_monday() as usize],
        }
    }

    /// The instants (UTC) a date's spans cover, resolved in Europe/Amsterdam.
    fn intervals_on(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        self.spans_on(date)
            .iter()
            .filter_map(|s| {
                let start = local_instant(date, s.start, Edge::Start)?;
                let end = if s.end_of_day {
                    local_instant(date.succ_opt()?, NaiveTime::MIN, Edge::End)?
                } else {
                    local_instant(date, s.end, Edge::End)?
                };
                (end > start).then_some((start, end))
            })
            .collect()
    }

    /// Is it open at `at`?
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.closes_at(at).is_some()
    }

    /// When the current open span ends (following spans that join without a gap, also
    /// across midnight); `None` when closed at `at`.
    pub fn closes_at(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = at.with_timezone(&Amsterdam).date_naive();
        let mut end: Option<DateTime<Utc>> = None;
        // Yesterday's span may run past midnight only when it ends at 24:00.
        let mut date = today.pred_opt()?;
        for _ in 0..LOOKAHEAD_DAYS {
            for (s, e) in self.intervals_on(date) {
                match end {
                    None if s <= at && at < e => end = Some(e),
                    Some(current) if s <= current && e > current => end = Some(e),
                    _ => {}
                }
            }
            match end {
                // Keep following only while the open stretch reaches the next day.
                Some(current) if current.with_timezone(&Amsterdam).date_naive() > date => {}
                Some(current) => return Some(current),
                None if date >= today => return None,
                None => {}
            }
            date = date.succ_opt()?;
        }
        end
    }

    /// The next instant at or after `at` when it opens (`at` itself when open now);
    /// `None` when it does not open within [`LOOKAHEAD_DAYS`].
    pub fn next_opening(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_open(at) {
            return Some(at);
        }
        let mut date = at.with_timezone(&Amsterdam).date_naive();
        for _ in 0..LOOKAHEAD_DAYS {
            if let Some((s, _)) = self.intervals_on(date).into_iter().find(|(s, _)| *s >= at) {
                return Some(s);
            }
            date = date.succ_opt()?;
        }
        None
    }
}

impl Schedule {
    /// How many milliseconds between `from` and `to` fall within opening hours (0 when
    /// `to <= from`): the time a left message waited while someone could have answered
    /// it. Walks the local days from `from`'s to `to`'s and adds the overlap of each of
    /// their open spans (resolved as in [`Schedule::is_open`], so a day with a change to
    /// or from summer time counts its real length).
    pub fn open_ms_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let last = to.with_timezone(&Amsterdam).date_naive();
        let mut date = from.with_timezone(&Amsterdam).date_naive();
        let mut total: i64 = 0;
        while date <= last {
            for (s, e) in self.intervals_on(date) {
                let (s, e) = (s.max(from), e.min(to));
                if e > s {
                    total = total.saturating_add((e - s).num_milliseconds());
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }
}

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// A local wall-clock time on a date as an instant. A time that does not exist (the hour
/// skipped in March) moves forward to the first one that does; a time that exists twice
/// (October) is the first occurrence for a start, the second for an end.
fn local_instant(date: NaiveDate, time: NaiveTime, edge: Edge) -> Option<DateTime<Utc>> {
    let naive = date.and_time(time);
    match Amsterdam.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, second) => Some(
            match edge {
                Edge::Start => first,
                Edge::End => second,
            }
            .with_timezone(&Utc),
        ),
        LocalResult::None => (1..=180).find_map(|m| {
            match Amsterdam.from_local_datetime(&(naive + Duration::minutes(m))) {
                LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
                _ => None,
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> Schedule {
        let week = parse_day("09:00-12:30, 13:30-17:00").unwrap();
        let mut s = Schedule::default();
        for d in 0..5 {
            s.weekly[d] = week.clone();
        }
        s
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn weekdays_open_and_close_in_local_time() {
        let s = office();
        // Tuesday 3 February 2026, 09:30 in Amsterdam (CET, UTC+1).
        assert!(s.is_open(utc("2026-02-03T08:30:00Z")));
        assert_eq!(
            s.closes_at(utc("2026-02-03T08:30:00Z")),
            Some(utc("2026-02-03T11:30:00Z"))
        );
        // Lunch break: closed, opens at 13:30.
        assert!(!s.is_open(utc("2026-02-03T12:00:00Z")));
        assert_eq!(
            s.next_opening(utc("2026-02-03T12:00:00Z")),
            Some(utc("2026-02-03T12:30:00Z"))
        );
        // Exactly at closing time it is closed; at opening time open.
        assert!(!s.is_open(utc("2026-02-03T16:00:00Z")));
        assert!(s.is_open(utc("2026-02-03T08:00:00Z")));
        // Friday evening: next opening is Monday 09:00.
        assert_eq!(
            s.next_opening(utc("2026-02-06T18:00:00Z")),
            Some(utc("2026-02-09T08:00:00Z"))
        );
    }

    #[test]
    fn holidays_and_closed_afternoons() {
        let mut s = office();
        // King's Day (Monday 27 April 2026) closed; Tuesday 28 April only the morning.
        s.exceptions
            .insert(NaiveDate::from_ymd_opt(2026, 4, 27).unwrap(), Vec::new());
        s.exceptions.insert(
            NaiveDate::from_ymd_opt(2026, 4, 28).unwrap(),
            parse_day("09:00-12:00").unwrap(),
        );
        // Monday 10:00 CEST (UTC+2): closed; opens Tuesday 09:00.
        assert!(!s.is_open(utc("2026-04-27T08:00:00Z")));
        assert_eq!(
            s.next_opening(utc("2026-04-27T08:00:00Z")),
            Some(utc("2026-04-28T07:00:00Z"))
        );
        // Tuesday 14:00: closed (the afternoon off); next is Wednesday 09:00.
        assert!(!s.is_open(utc("2026-04-28T12:00:00Z")));
        assert_eq!(
            s.next_opening(utc("2026-04-28T12:00:00Z")),
            Some(utc("2026-04-29T07:00:00Z"))
        );
        // A Saturday made an opening day by exception.
        s.exceptions.insert(
            NaiveDate::from_ymd_opt(2026, 5, 2).unwrap(),
            parse_day("10:00-14:00").unwrap(),
        );
        assert!(s.is_open(utc("2026-05-02T09:00:00Z")));
    }

    #[test]
    fn spring_forward_in_march() {
        // Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.
        let mut s = Schedule::default();
        s.weekly[6] = parse_day("01:00-04:00").unwrap();
        let open = utc("2026-03-29T00:00:00Z"); // 01:00 CET
        assert!(s.is_open(open));
        // 04:00 CEST is 02:00 UTC: the span lasts two real hours that night.
        assert_eq!(s.closes_at(open), Some(utc("2026-03-29T02:00:00Z")));
        // A span starting in the skipped hour starts at 03:00 CEST.
        let mut t = Schedule::default();
        t.weekly[6] = parse_day("02:30-05:00").unwrap();
        assert_eq!(
            t.next_opening(utc("2026-03-28T23:00:00Z")),
            Some(utc("2026-03-29T01:00:00Z"))
        );
        // Weekday hours after the change are in summer time: Monday 09:00 = 07:00 UTC.
        let o = office();
        assert_eq!(
            o.next_opening(utc("2026-03-28T12:00:00Z")),
            Some(utc("2026-03-30T07:00:00Z"))
        );
        assert!(!o.is_open(utc("2026-03-30T06:30:00Z")));
        assert!(o.is_open(utc("2026-03-30T07:00:00Z")));
    }

    #[test]
    fn fall_back_in_october() {
        // Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:00-03:00 happens twice.
        let mut s = Schedule::default();
        s.weekly[6] = parse_day("02:00-03:00").unwrap();
        // Opens at the first 02:00 (00:00 UTC), closes at the second 03:00 (02:00 UTC).
        assert_eq!(
            s.next_opening(utc("2026-10-24T22:00:00Z")),
            Some(utc("2026-10-25T00:00:00Z"))
        );
        assert!(s.is_open(utc("2026-10-25T01:30:00Z")));
        assert_eq!(
            s.closes_at(utc("2026-10-25T00:30:00Z")),
            Some(utc("2026-10-25T02:00:00Z"))
        );
        // The next Monday 09:00 is in winter time: 08:00 UTC.
        let o = office();
        assert_eq!(
            o.next_opening(utc("2026-10-24T12:00:00Z")),
            Some(utc("2026-10-26T08:00:00Z"))
        );
    }

    #[test]
    fn open_stretches_continue_over_midnight() {
        let mut s = Schedule::default();
        s.weekly[0] = parse_day("20:00-24:00").unwrap();
        s.weekly[1] = parse_day("00:00-02:00").unwrap();
        // Monday 2 February 2026 22:00 CET: closes Tuesday 02:00 CET.
        assert_eq!(
            s.closes_at(utc("2026-02-02T21:00:00Z")),
            Some(utc("2026-02-03T01:00:00Z"))
        );
        assert!(Schedule::always_open().is_open(utc("2026-07-01T12:00:00Z")));
        assert_eq!(
            Schedule::default().next_opening(utc("2026-07-01T12:00:00Z")),
            None
        );
    }

    fn office_nine_to_five() -> Schedule {
        let day = parse_day("09:00-17:00").unwrap();
        let mut s = Schedule::default();
        for d in 0..5 {
            s.weekly[d] = day.clone();
        }
        s
    }

    #[test]
    fn open_time_between_two_instants() {
        let s = office_nine_to_five();
        let hour = 3_600_000;
        // Friday 6 February 2026 16:00 CET to Monday 9 February 10:00 CET: 1 h + 1 h.
        assert_eq!(
            s.open_ms_between(utc("2026-02-06T15:00:00Z"), utc("2026-02-09T09:00:00Z")),
            2 * hour
        );
        // Within one span, and across the lunch break of the split schedule.
        assert_eq!(
            s.open_ms_between(utc("2026-02-03T08:15:00Z"), utc("2026-02-03T08:45:30.5Z")),
            1_830_500
        );
        assert_eq!(
            office().open_ms_between(utc("2026-02-03T10:00:00Z"), utc("2026-02-03T14:00:00Z")),
            3 * hour // 11:00-12:30 and 13:30-15:00 local
        );
        // Entirely outside opening hours; empty and backwards ranges.
        assert_eq!(
            s.open_ms_between(utc("2026-02-07T10:00:00Z"), utc("2026-02-08T20:00:00Z")),
            0
        );
        let t = utc("2026-02-03T10:00:00Z");
        assert_eq!(s.open_ms_between(t, t), 0);
        assert_eq!(s.open_ms_between(t, utc("2026-02-03T09:00:00Z")), 0);
        // A holiday counts nothing; a whole week counts 5 x 8 hours.
        let mut h = s.clone();
        h.exceptions
            .insert(NaiveDate::from_ymd_opt(2026, 2, 9).unwrap(), Vec::new());
        assert_eq!(
            h.open_ms_between(utc("2026-02-06T15:00:00Z"), utc("2026-02-09T09:00:00Z")),
            hour
        );
        assert_eq!(
            s.open_ms_between(utc("2026-02-01T23:00:00Z"), utc("2026-02-08T23:00:00Z")),
            40 * hour
        );
    }

    #[test]
    fn open_time_across_a_change_of_summer_time() {
        let s = office_nine_to_five();
        let hour = 3_600_000;
        // Friday 27 March 2026 16:00 CET (15:00 UTC) to Monday 30 March 10:00 CEST
        // (08:00 UTC): 62 real hours pass, 2 of them open.
        assert_eq!(
            s.open_ms_between(utc("2026-03-27T15:00:00Z"), utc("2026-03-30T08:00:00Z")),
            2 * hour
        );
        // October: Friday 23 16:00 CEST to Monday 26 10:00 CET.
        assert_eq!(
            s.open_ms_between(utc("2026-10-23T14:00:00Z"), utc("2026-10-26T09:00:00Z")),
            2 * hour
        );
        // Always open: the weekend of 28-29 March has 47 hours, that of 24-25 October 49.
        let always = Schedule::always_open();
        assert_eq!(
            always.open_ms_between(utc("2026-03-27T23:00:00Z"), utc("2026-03-29T22:00:00Z")),
            47 * hour
        );
        assert_eq!(
            always.open_ms_between(utc("2026-10-23T22:00:00Z"), utc("2026-10-25T23:00:00Z")),
            49 * hour
        );
        // A Sunday span across the doubled hour counts its real length (2 h of clock
        // time 02:00-03:00 twice plus 03:00-04:00: 3 h).
        let mut n = Schedule::default();
        n.weekly[6] = parse_day("02:00-04:00").unwrap();
        assert_eq!(
            n.open_ms_between(utc("2026-10-24T12:00:00Z"), utc("2026-10-25T12:00:00Z")),
            3 * hour
        );
    }

    #[test]
    fn spans_are_checked() {
        assert!(parse_day("").unwrap().is_empty());
        assert_eq!(
            day_text(&parse_day(" 13:30-17:00 ,09:00-12:30").unwrap()),
            "09:00-12:30, 13:30-17:00"
        );
        assert!(matches!(parse_day("9-5"), Err(ScheduleError::BadSpan(_))));
        assert!(matches!(
            parse_day("17:00-09:00"),
            Err(ScheduleError::Backwards(_))
        ));
        assert!(matches!(
            parse_day("09:00-12:00, 11:00-13:00"),
            Err(ScheduleError::Overlap(..))
        ));
        assert_eq!(day_text(&parse_day("18:00-24:00").unwrap()), "18:00-24:00");
    }
}
