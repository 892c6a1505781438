//! Figures: the numbers of a report, each with its definition, and the contacts behind
//! each number.
//!
//! # From facts to figures
//!
//! The input is a slice of [`ContactFact`]s, one per contact, already chosen by the
//! caller (usually: every contact that entered a queue in the [period](super::period)).
//! [`figures`] walks it once and counts. Every contact lands in exactly one of these
//! boxes:
//!
//! ```text
//!   channel LeftMessage ............................ a left message (asynchronous)
//!   otherwise a live contact ("offered"):
//!     answered_at set .............................. answered
//!     abandoned_at set, waited >= short_abandon_ms .. abandoned
//!     abandoned_at set, waited <  short_abandon_ms .. short_abandoned
//!     neither ...................................... other (waiting, closed by the system)
//! ```
//!
//! so `offered = answered + abandoned + short_abandoned + other` always holds. A resident
//! who leaves within a few seconds most likely clicked by mistake; counting them as
//! abandoned would punish the team for something it could not have prevented, so they
//! are shown apart and left out of the abandon rate's denominator as well.
//!
//! # Averages are computed from contacts, never from averages
//!
//! The average speed of answer of a week is the sum of all its answer times divided by
//! their number, not the mean of seven daily averages (a quiet Sunday would weigh as much
//! as a busy Monday). So a [`Figures`] is always computed from the facts themselves, also
//! for every part of a [`breakdown`]; the total is never assembled from the parts. The
//! tests check the consequence: a total's count equals the sum of its parts' counts, and
//! its average equals the count-weighted mean of the parts' averages (up to rounding).
//!
//! Averages are integer arithmetic on milliseconds, rounded half up:
//! `(2 * sum + n) / (2 * n)`. Percentiles are nearest-rank: the 90th percentile of `n`
//! sorted values is the value at rank `ceil(0.9 n)` (1-based), always a value that
//! occurred. Ratios are kept as their two counts ([`Share`]), so a page, a CSV and a test
//! all derive the same percentage from the same integers.
//!
//! # No data is not zero
//!
//! A figure without data (the average answer time of a day nobody was answered, a service
//! level with nobody offered) is `None`, shown as "n.v.t." (not applicable), never 0 and
//! never NaN. Nothing here panics on any input: durations that would be negative (a clock
//! step between two events) count as 0, sums are 128-bit, divisions check their divisor.
//!
//! # Drill-down
//!
//! Every count has a [`Figure`] with a URL-safe key (`answered-within-30`, `hour-0-14`);
//! [`contacts`] returns exactly the contacts counted in it, using the same classification
//! as [`figures`] (a test asserts the numbers agree for every figure).
//!
//! # Norms
//!
//! A service norm ("80% answered within 30 seconds", "at most 5% abandoned", "left
//! messages answered within 8 hours") is a [`Norm`]; [`norm_table`] says what was
//! achieved, over how many contacts, and whether the norm was met.
//!
//! Pure: no I/O, no clock. Time spent within opening hours is asked of the caller through
//! `open_ms(from, to)` (see `Schedule::open_ms_between`).

use super::period::local_weekday_hour;
use super::{
    Connection, ContactFact, Millis, OriginKind, QuestionAnswered, ReportChannel, SurveyAnswer,
};
use std::collections::BTreeMap;

/// Settings of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSettings {
    /// A resident who leaves the queue sooner than this is "short abandoned": counted
    /// apart, not in the abandon rate. Default 5 seconds.
    pub short_abandon_ms: Millis,
    /// Service-level thresholds in seconds (answered within T seconds, inclusive).
    /// Default 20, 30 and 60. Used sorted, each once.
    pub thresholds_s: Vec<u32>,
    /// The fewest survey answers a staff member's satisfaction figures are shown for
    /// (see [`super::survey`]). Default 5.
    pub min_survey_answers: u32,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            short_abandon_ms: 5_000,
            thresholds_s: vec![20, 30, 60],
            min_survey_answers: 5,
        }
    }
}

impl ReportSettings {
    /// The thresholds in ascending order, each once.
    pub fn thresholds(&self) -> Vec<u32> {
        let mut t = self.thresholds_s.clone();
        t.sort_unstable();
        t.dedup();
        t
    }
}

/// A ratio kept as its two counts: `part` out of `whole`, `whole` never 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Share {
    part: u64,
    whole: u64,
}

impl Share {
    /// `part / whole`; `None` when `whole` is 0 (no data: "n.v.t.").
    pub fn of(part: u64, whole: u64) -> Option<Share> {
        (whole > 0).then_some(Share { part, whole })
    }

    /// The numerator.
    pub fn part(&self) -> u64 {
        self.part
    }

    /// The denominator (never 0).
    pub fn whole(&self) -> u64 {
        self.whole
    }

    /// The ratio as a number, 0.0 to 1.0.
    pub fn value(&self) -> f64 {
        self.part as f64 / self.whole as f64
    }

    /// The percentage in tenths, rounded half up in integers (5 of 7: 714, i.e. 71.4%).
    pub fn permille(&self) -> u128 {
        let (p, w) = (u128::from(self.part), u128::from(self.whole));
        (2 * p * 1000 + w) / (2 * w)
    }

    /// The percentage with one decimal and a dot: `71.4`.
    pub fn percent_text(&self) -> String {
        let t = self.permille();
        format!("{}.{}", t / 10, t % 10)
    }
}

/// An average kept as its sum and count, so it stays exact (and `Eq`), and a total is
/// computed from the individual values, never from averages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mean {
    sum: u64,
    n: u64,
}

impl Mean {
    /// `sum / n`; `None` when `n` is 0 (no data: "n.v.t.").
    pub fn of(sum: u64, n: u64) -> Option<Mean> {
        (n > 0).then_some(Mean { sum, n })
    }

    /// The sum of the values.
    pub fn sum(&self) -> u64 {
        self.sum
    }

    /// How many values (never 0).
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The mean as a number.
    pub fn value(&self) -> f64 {
        self.sum as f64 / self.n as f64
    }

    /// The mean in tenths, rounded half up in integers (13 over 3: 43, i.e. 4.3).
    pub fn tenths(&self) -> u128 {
        let (s, n) = (u128::from(self.sum), u128::from(self.n));
        (2 * s * 10 + n) / (2 * n)
    }

    /// The mean with one decimal and a dot: `4.3`.
    pub fn text(&self) -> String {
        let t = self.tenths();
        format!("{}.{}", t / 10, t % 10)
    }
}

/// The service level at one threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLevel {
    /// T, in seconds.
    pub threshold_s: u32,
    /// Answered live contacts whose answer time (answered_at - queued_at) was at most T
    /// seconds (inclusive).
    pub answered_within: u64,
    /// answered_within / answered.
    pub sl_answered: Option<Share>,
    /// answered_within / (answered + abandoned): short abandons and others left out.
    pub sl_offered: Option<Share>,
}

/// The figures of a set of contacts. Each field's documentation is its definition, as
/// the report page prints it (see [`definitions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// Live contacts (chats and video calls, not left messages) that entered a queue in
    /// the period.
    pub offered: u64,
    /// Offered contacts a staff member accepted.
    pub answered: u64,
    /// Offered contacts not answered whose resident left after waiting at least the
    /// short-abandon time.
    pub abandoned: u64,
    /// Offered contacts not answered whose resident left within the short-abandon time;
    /// shown apart, not counted as abandoned.
    pub short_abandoned: u64,
    /// Offered contacts neither answered nor abandoned: still waiting, or closed by the
    /// system.
    pub other: u64,
    /// abandoned / (offered - short_abandoned).
    pub abandon_rate: Option<Share>,
    /// Average speed of answer: the mean of answered_at - queued_at over answered
    /// contacts.
    pub asa_ms: Option<Millis>,
    /// The 90th percentile of the answer times (nearest rank).
    pub p90_answer_ms: Option<Millis>,
    /// Per threshold T: answered within T seconds, as a share of answered and of
    /// answered + abandoned.
    pub service_levels: Vec<ServiceLevel>,
    /// The number of live contacts answered and ended (the talk times averaged).
    pub talk_n: u64,
    /// Average talk time: the mean of ended_at - answered_at over answered and ended
    /// live contacts.
    pub talk_ms: Option<Millis>,
    /// The number of live contacts ended and wrapped up (the wrap-up times averaged).
    pub wrap_n: u64,
    /// Average wrap-up time: the mean of wrapped_at - ended_at over ended and wrapped-up
    /// live contacts.
    pub wrap_ms: Option<Millis>,
    /// Wrap-ups (any channel) that said the question was resolved at this first contact.
    pub resolved_yes: u64,
    /// Wrap-ups (any channel) that said whether the question was resolved (yes or no).
    pub resolved_known: u64,
    /// First-contact resolution: resolved_yes / resolved_known.
    pub fcr: Option<Share>,
    /// Left messages sent in the period.
    pub left_messages: u64,
    /// Left messages that got a first answer (written or a call back).
    pub left_answered: u64,
    /// Left messages without an answer yet.
    pub left_open: u64,
    /// Average first response to a left message, wall-clock: the mean of answered_at -
    /// sent over answered left messages.
    pub left_response_ms: Option<Millis>,
    /// The 90th percentile of the wall-clock first responses (nearest rank).
    pub left_response_p90_ms: Option<Millis>,
    /// Average first response to a left message counting only opening hours.
    pub left_response_open_ms: Option<Millis>,
    /// The 90th percentile of the first responses within opening hours (nearest rank).
    pub left_response_open_p90_ms: Option<Millis>,
    /// Contacts (any channel) in which an interpreter was asked for.
    pub interpreter_requests: u64,
    /// Interpreter requests an interpreter joined.
    pub interpreter_joined: u64,
    /// Interpreter requests no interpreter ever joined.
    pub interpreter_never: u64,
    /// Average interpreter wait: the mean of joined - asked over joined requests.
    pub interpreter_wait_ms: Option<Millis>,
    /// The 90th percentile of the interpreter waits (nearest rank).
    pub interpreter_wait_p90_ms: Option<Millis>,
    /// All contacts (live and left messages) by local weekday (0 = Monday) and hour of
    /// queued_at (a left message: when it was sent), Europe/Amsterdam time.
    pub by_hour: [[u64; 24]; 7],
    /// Answered live contacts that ended, whose resident was offered the satisfaction
    /// survey (never after an abandoned contact).
    pub survey_offered: u64,
    /// Offered surveys the resident answered (once each).
    pub survey_answered: u64,
    /// Response rate: survey_answered / survey_offered.
    pub survey_response: Option<Share>,
    /// Average satisfaction (1 to 5): the sum of all scores given divided by their number
    /// (survey_answered), never an average of averages.
    pub satisfaction: Option<Mean>,
    /// Answered surveys per score, 1 (very dissatisfied) to 5 (very satisfied).
    pub satisfaction_scores: [u64; 5],
    /// Answered surveys per answer to "was your question answered?": yes, partly, no.
    pub question_answered: [u64; 3],
    /// Answered surveys per answer to "could you see each other well?" (asked only after
    /// a call an interpreter took part in; optional): good, sometimes, bad.
    pub connection: [u64; 3],
}

impl Figures {
    /// The service level at threshold `t` seconds, if it was computed.
    pub fn service_level(&self, t: u32) -> Option<&ServiceLevel> {
        self.service_levels.iter().find(|l| l.threshold_s == t)
    }

    /// Answered surveys that gave score `score` (1 to 5); 0 for any other score.
    pub fn satisfaction_count(&self, score: u8) -> u64 {
        usize::from(score)
            .checked_sub(1)
            .and_then(|i| self.satisfaction_scores.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Answered surveys that answered "was your question answered?" with `a`.
    pub fn question_count(&self, a: QuestionAnswered) -> u64 {
        self.question_answered[question_index(a)]
    }

    /// Answered surveys that answered the connection question with `c`.
    pub fn connection_count(&self, c: Connection) -> u64 {
        self.connection[connection_index(c)]
    }

    /// Answered surveys that answered the connection question at all.
    pub fn connection_answers(&self) -> u64 {
        self.connection.iter().sum()
    }

    /// The share of answered surveys whose question was answered `a`.
    pub fn question_share(&self, a: QuestionAnswered) -> Option<Share> {
        Share::of(self.question_count(a), self.survey_answered)
    }

    /// The share of answered surveys that gave score `score`.
    pub fn satisfaction_share(&self, score: u8) -> Option<Share> {
        Share::of(self.satisfaction_count(score), self.survey_answered)
    }

    /// The share of connection answers that were `c`.
    pub fn connection_share(&self, c: Connection) -> Option<Share> {
        Share::of(self.connection_count(c), self.connection_answers())
    }
}

fn question_index(a: QuestionAnswered) -> usize {
    match a {
        QuestionAnswered::Yes => 0,
        QuestionAnswered::Partly => 1,
        QuestionAnswered::No => 2,
    }
}

fn connection_index(c: Connection) -> usize {
    match c {
        Connection::Good => 0,
        Connection::Sometimes => 1,
        Connection::Bad => 2,
    }
}

/// A figure's definition, keyed for the page (which may translate by key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Definition {
    pub key: &'static str,
    pub text: &'static str,
}

const DEFINITIONS: &[Definition] = &[
    Definition {
        key: "offered",
        text: "Live contacts (chats and video calls, not left messages) that entered a queue in the period.",
    },
    Definition {
        key: "answered",
        text: "Offered contacts a staff member accepted.",
    },
    Definition {
        key: "abandoned",
        text: "Offered contacts not answered whose resident left after waiting at least the short-abandon time.",
    },
    Definition {
        key: "short-abandoned",
        text: "Offered contacts not answered whose resident left within the short-abandon time; shown apart, not counted as abandoned.",
    },
    Definition {
        key: "other",
        text: "Offered contacts neither answered nor abandoned: still waiting, or closed by the system.",
    },
    Definition {
        key: "abandon-rate",
        text: "abandoned / (offered - short_abandoned).",
    },
    Definition {
        key: "asa",
        text: "Average speed of answer: the mean of answered_at - queued_at over answered contacts.",
    },
    Definition {
        key: "p90-answer",
        text: "The 90th percentile of the answer times (nearest rank).",
    },
    Definition {
        key: "answered-within",
        text: "Answered live contacts whose answer time (answered_at - queued_at) was at most T seconds (inclusive).",
    },
    Definition {
        key: "answered-after",
        text: "Answered live contacts whose answer time was more than T seconds.",
    },
    Definition {
        key: "sl-answered",
        text: "answered_within / answered.",
    },
    Definition {
        key: "sl-offered",
        text: "answered_within / (answered + abandoned): short abandons and others left out.",
    },
    Definition {
        key: "talk",
        text: "Average talk time: the mean of ended_at - answered_at over answered and ended live contacts.",
    },
    Definition {
        key: "wrap",
        text: "Average wrap-up time: the mean of wrapped_at - ended_at over ended and wrapped-up live contacts.",
    },
    Definition {
        key: "resolved",
        text: "Wrap-ups (any channel) that said the question was resolved at this first contact.",
    },
    Definition {
        key: "not-resolved",
        text: "Wrap-ups (any channel) that said the question was not resolved at this first contact.",
    },
    Definition {
        key: "fcr",
        text: "First-contact resolution: resolved_yes / resolved_known.",
    },
    Definition {
        key: "left-messages",
        text: "Left messages sent in the period.",
    },
    Definition {
        key: "left-answered",
        text: "Left messages that got a first answer (written or a call back).",
    },
    Definition {
        key: "left-open",
        text: "Left messages without an answer yet.",
    },
    Definition {
        key: "left-response",
        text: "Average first response to a left message, wall-clock: the mean of answered_at - sent over answered left messages.",
    },
    Definition {
        key: "left-response-p90",
        text: "The 90th percentile of the wall-clock first responses (nearest rank).",
    },
    Definition {
        key: "left-response-open",
        text: "Average first response to a left message counting only opening hours.",
    },
    Definition {
        key: "left-response-open-p90",
        text: "The 90th percentile of the first responses within opening hours (nearest rank).",
    },
    Definition {
        key: "interpreter-requests",
        text: "Contacts (any channel) in which an interpreter was asked for.",
    },
    Definition {
        key: "interpreter-joined",
        text: "Interpreter requests an interpreter joined.",
    },
    Definition {
        key: "interpreter-never",
        text: "Interpreter requests no interpreter ever joined.",
    },
    Definition {
        key: "interpreter-wait",
        text: "Average interpreter wait: the mean of joined - asked over joined requests.",
    },
    Definition {
        key: "interpreter-wait-p90",
        text: "The 90th percentile of the interpreter waits (nearest rank).",
    },
    Definition {
        key: "by-hour",
        text: "All contacts (live and left messages) by local weekday (0 = Monday) and hour of queued_at (a left message: when it was sent), Europe/Amsterdam time.",
    },
    Definition {
        key: "survey-offered",
        text: "Answered live contacts that ended, whose resident was offered the satisfaction survey (never after an abandoned contact).",
    },
    Definition {
        key: "survey-answered",
        text: "Offered surveys the resident answered (once each).",
    },
    Definition {
        key: "survey-unanswered",
        text: "Offered surveys the resident did not answer (yet).",
    },
    Definition {
        key: "survey-response",
        text: "Response rate: survey_answered / survey_offered.",
    },
    Definition {
        key: "satisfaction",
        text: "Average satisfaction (1 to 5): the sum of all scores given divided by their number (survey_answered), never an average of averages.",
    },
    Definition {
        key: "satisfaction-scores",
        text: "Answered surveys per score, 1 (very dissatisfied) to 5 (very satisfied).",
    },
    Definition {
        key: "question-answered",
        text: "Answered surveys per answer to \"was your question answered?\": yes, partly, no.",
    },
    Definition {
        key: "connection",
        text: "Answered surveys per answer to \"could you see each other well?\" (asked only after a call an interpreter took part in; optional): good, sometimes, bad.",
    },
    Definition {
        key: "survey-by-agent",
        text: "Per staff member: the surveys of the contacts they answered last (agent_id), also when a colleague or an interpreter took part; shown only from the minimum number of answers.",
    },
];

/// Every figure's definition (the same text as the [`Figures`] field's documentation),
/// in page order.
pub fn definitions() -> &'static [Definition] {
    DEFINITIONS
}

/// The definition of one key (see [`definitions`]).
pub fn definition(key: &str) -> Option<&'static str> {
    DEFINITIONS.iter().find(|d| d.key == key).map(|d| d.text)
}

// ---------------------------------------------------------------------------------------
// Classification: the one place that decides which box a contact is in. Both `figures`
// and `contacts` use it, so a drill-down always lists exactly what was counted.

/// How long from `from` to `to`; a negative span (a clock step) counts as 0.
fn span(from: Millis, to: Millis) -> Millis {
    to.saturating_sub(from).max(0)
}

fn is_live(c: &ContactFact) -> bool {
    c.channel != ReportChannel::LeftMessage
}

fn is_left(c: &ContactFact) -> bool {
    c.channel == ReportChannel::LeftMessage
}

/// What happened to a live contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Answered, after this answer time.
    Answered(Millis),
    Abandoned,
    ShortAbandoned,
    Other,
}

/// The outcome of a live contact; `None` for a left message.
fn outcome(c: &ContactFact, s: &ReportSettings) -> Option<Outcome> {
    if !is_live(c) {
        return None;
    }
    Some(match (c.answered_at, c.abandoned_at) {
        (Some(a), _) => Outcome::Answered(span(c.queued_at, a)),
        (None, Some(x)) if span(c.queued_at, x) >= s.short_abandon_ms => Outcome::Abandoned,
        (None, Some(_)) => Outcome::ShortAbandoned,
        (None, None) => Outcome::Other,
    })
}

/// The answer time of an answered live contact.
fn answer_time(c: &ContactFact, s: &ReportSettings) -> Option<Millis> {
    match outcome(c, s) {
        Some(Outcome::Answered(w)) => Some(w),
        _ => None,
    }
}

/// Is `wait_ms` within `t` seconds (inclusive)?
fn within(wait_ms: Millis, t_s: u32) -> bool {
    wait_ms <= Millis::from(t_s) * 1000
}

/// The talk time of an answered and ended live contact.
fn talk_time(c: &ContactFact) -> Option<Millis> {
    match (is_live(c), c.answered_at, c.ended_at) {
        (true, Some(a), Some(e)) => Some(span(a, e)),
        _ => None,
    }
}

/// The wrap-up time of an ended and wrapped-up live contact.
fn wrap_time(c: &ContactFact) -> Option<Millis> {
    match (is_live(c), c.ended_at, c.wrapped_at) {
        (true, Some(e), Some(w)) => Some(span(e, w)),
        _ => None,
    }
}

/// The wall-clock first response to an answered left message.
fn left_response(c: &ContactFact) -> Option<Millis> {
    match (is_left(c), c.answered_at) {
        (true, Some(a)) => Some(span(c.queued_at, a)),
        _ => None,
    }
}

/// With an interpreter: one was asked for, or an interpreter answered a sign-language
/// call (the channel is then `video-tolk`).
pub(crate) fn with_interpreter(c: &ContactFact) -> bool {
    c.interpreter_requested_at.is_some() || c.channel == ReportChannel::VideoInterpreter
}

/// The interpreter wait of a request an interpreter joined.
fn interpreter_wait(c: &ContactFact) -> Option<Millis> {
    match (c.interpreter_requested_at, c.interpreter_joined_at) {
        (Some(r), Some(j)) => Some(span(r, j)),
        _ => None,
    }
}

/// The survey answer of a contact offered the survey (an answer without an offer is
/// not counted, so the response rate never exceeds 100%).
pub(crate) fn survey_answer(c: &ContactFact) -> Option<&SurveyAnswer> {
    c.survey_offered_at
        .and(c.survey.as_ref())
        .filter(|a| (1..=5).contains(&a.satisfaction))
}

/// A set of durations: its count, mean and 90th percentile.
#[derive(Default)]
struct Sample(Vec<Millis>);

impl Sample {
    fn push(&mut self, v: Millis) {
        self.0.push(v);
    }

    fn n(&self) -> u64 {
        self.0.len() as u64
    }

    /// `sum / n` rounded half up (values are never negative).
    fn mean(&self) -> Option<Millis> {
        let n = i128::try_from(self.0.len()).ok().filter(|&n| n > 0)?;
        let sum: i128 = self.0.iter().map(|&v| i128::from(v)).sum();
        Millis::try_from((2 * sum + n) / (2 * n)).ok()
    }

    /// The value at rank `ceil(0.9 n)` of the sorted values (`n - floor(n / 10)`).
    fn p90(&mut self) -> Option<Millis> {
        self.0.sort_unstable();
        let n = self.0.len();
        let rank = n - n / 10;
        rank.checked_sub(1).and_then(|i| self.0.get(i)).copied()
    }
}

/// The figures of `facts`. `open_ms(from, to)` gives the time within opening hours
/// between two instants (for the first response to left messages).
pub fn figures(
    facts: &[ContactFact],
    s: &ReportSettings,
    open_ms: &dyn Fn(Millis, Millis) -> Millis,
) -> Figures {
    compute(facts.iter(), s, open_ms)
}

fn compute<'a>(
    facts: impl Iterator<Item = &'a ContactFact>,
    s: &ReportSettings,
    open_ms: &dyn Fn(Millis, Millis) -> Millis,
) -> Figures {
    let thresholds = s.thresholds();
    let mut within_counts = vec![0u64; thresholds.len()];
    let (mut offered, mut answered, mut abandoned, mut short_abandoned, mut other) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let (mut answer, mut talk, mut wrap) =
        (Sample::default(), Sample::default(), Sample::default());
    let (mut resolved_yes, mut resolved_known) = (0u64, 0u64);
    let (mut left_messages, mut left_open) = (0u64, 0u64);
    let (mut left_wall, mut left_in_hours) = (Sample::default(), Sample::default());
    let (mut interpreter_requests, mut interpreter_never) = (0u64, 0u64);
    let mut interpreter = Sample::default();
    let mut by_hour = [[0u64; 24]; 7];
    let (mut survey_offered, mut survey_answered, mut satisfaction_sum) = (0u64, 0u64, 0u64);
    let mut satisfaction_scores = [0u64; 5];
    let mut question_answered = [0u64; 3];
    let mut connection = [0u64; 3];

    for c in facts {
        if c.survey_offered_at.is_some() {
            survey_offered += 1;
        }
        if let Some(a) = survey_answer(c)
            && let Some(slot) = usize::from(a.satisfaction)
                .checked_sub(1)
                .and_then(|i| satisfaction_scores.get_mut(i))
        {
            *slot += 1;
            survey_answered += 1;
            satisfaction_sum += u64::from(a.satisfaction);
            question_answered[question_index(a.answered)] += 1;
            if let Some(k) = a.connection {
                connection[connection_index(k)] += 1;
            }
        }
        match outcome(c, s) {
            None => {}
            Some(o) => {
                offered += 1;
                match o {
                    Outcome::Answered(w) => {
                        answered += 1;
                        answer.push(w);
                        for (count, &t) in within_counts.iter_mut().zip(&thresholds) {
                            if within(w, t) {
                                *count += 1;
                            }
                        }
                    }
                    Outcome::Abandoned => abandoned += 1,
                    Outcome::ShortAbandoned => short_abandoned += 1,
                    Outcome::Other => other += 1,
                }
            }
        }
        if let Some(t) = talk_time(c) {
            talk.push(t);
        }
        if let Some(w) = wrap_time(c) {
            wrap.push(w);
        }
        if let Some(r) = c.resolved {
            resolved_known += 1;
            if r {
                resolved_yes += 1;
            }
        }
        if is_left(c) {
            left_messages += 1;
            match (left_response(c), c.answered_at) {
                (Some(wall), Some(a)) => {
                    left_wall.push(wall);
                    left_in_hours.push(open_ms(c.queued_at, a).max(0));
                }
                _ => left_open += 1,
            }
        }
        if c.interpreter_requested_at.is_some() {
            interpreter_requests += 1;
            match interpreter_wait(c) {
                Some(w) => interpreter.push(w),
                None => interpreter_never += 1,
            }
        }
        if let Some((d, h)) = local_weekday_hour(c.queued_at)
            && let Some(cell) = by_hour
                .get_mut(usize::from(d))
                .and_then(|row| row.get_mut(usize::from(h)))
        {
            *cell += 1;
        }
    }

    let service_levels = thresholds
        .iter()
        .zip(within_counts)
        .map(|(&threshold_s, answered_within)| ServiceLevel {
            threshold_s,
            answered_within,
            sl_answered: Share::of(answered_within, answered),
            sl_offered: Share::of(answered_within, answered + abandoned),
        })
        .collect();
    Figures {
        offered,
        answered,
        abandoned,
        short_abandoned,
        other,
        abandon_rate: Share::of(abandoned, offered - short_abandoned),
        asa_ms: answer.mean(),
        p90_answer_ms: answer.p90(),
        service_levels,
        talk_n: talk.n(),
        talk_ms: talk.mean(),
        wrap_n: wrap.n(),
        wrap_ms: wrap.mean(),
        resolved_yes,
        resolved_known,
        fcr: Share::of(resolved_yes, resolved_known),
        left_messages,
        left_answered: left_wall.n(),
        left_open,
        left_response_ms: left_wall.mean(),
        left_response_p90_ms: left_wall.p90(),
        left_response_open_ms: left_in_hours.mean(),
        left_response_open_p90_ms: left_in_hours.p90(),
        interpreter_requests,
        interpreter_joined: interpreter.n(),
        interpreter_never,
        interpreter_wait_ms: interpreter.mean(),
        interpreter_wait_p90_ms: interpreter.p90(),
        by_hour,
        survey_offered,
        survey_answered,
        survey_response: Share::of(survey_answered, survey_offered),
        satisfaction: Mean::of(satisfaction_sum, survey_answered),
        satisfaction_scores,
        question_answered,
        connection,
    }
}

// ---------------------------------------------------------------------------------------
// Breakdowns.

/// What to split a report by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Breakdown {
    Queue,
    Channel,
    Topic,
    /// The staff member who answered last; unanswered contacts under `Agent(None)`.
    Agent,
    Origin,
    /// With an interpreter (one was asked for, or a sign-language call an interpreter
    /// answered: channel `video-tolk`) or without.
    Interpreter,
}

impl Breakdown {
    pub const ALL: [Breakdown; 6] = [
        Breakdown::Queue,
        Breakdown::Channel,
        Breakdown::Topic,
        Breakdown::Agent,
        Breakdown::Origin,
        Breakdown::Interpreter,
    ];

    /// A stable URL key: `queue`, `channel`, `topic`, `agent`, `origin`, `interpreter`.
    pub fn key(self) -> &'static str {
        match self {
            Breakdown::Queue => "queue",
            Breakdown::Channel => "channel",
            Breakdown::Topic => "topic",
            Breakdown::Agent => "agent",
            Breakdown::Origin => "origin",
            Breakdown::Interpreter => "interpreter",
        }
    }

    /// The breakdown of a [`key`](Breakdown::key).
    pub fn parse(key: &str) -> Option<Breakdown> {
        Self::ALL.into_iter().find(|b| b.key() == key)
    }

    /// The part a contact belongs to.
    pub fn key_of(self, c: &ContactFact) -> BreakdownKey {
        match self {
            Breakdown::Queue => BreakdownKey::Queue(c.queue_id),
            Breakdown::Channel => BreakdownKey::Channel(c.channel),
            Breakdown::Topic => BreakdownKey::Topic(c.topic_id),
            Breakdown::Agent => BreakdownKey::Agent(c.agent_id),
            Breakdown::Origin => BreakdownKey::Origin(c.origin),
            Breakdown::Interpreter => BreakdownKey::Interpreter(with_interpreter(c)),
        }
    }
}

/// One part of a breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BreakdownKey {
    Queue(i64),
    Channel(ReportChannel),
    /// `None`: no topic chosen.
    Topic(Option<i64>),
    /// `None`: never answered.
    Agent(Option<i64>),
    Origin(OriginKind),
    /// `true`: with an interpreter.
    Interpreter(bool),
}

impl BreakdownKey {
    /// Does the contact belong to this part?
    pub fn matches(&self, c: &ContactFact) -> bool {
        self.breakdown().key_of(c) == *self
    }

    /// Which breakdown this part is of.
    pub fn breakdown(&self) -> Breakdown {
        match self {
            BreakdownKey::Queue(_) => Breakdown::Queue,
            BreakdownKey::Channel(_) => Breakdown::Channel,
            BreakdownKey::Topic(_) => Breakdown::Topic,
            BreakdownKey::Agent(_) => Breakdown::Agent,
            BreakdownKey::Origin(_) => Breakdown::Origin,
            BreakdownKey::Interpreter(_) => Breakdown::Interpreter,
        }
    }

    /// A URL-safe key: `queue-1`, `channel-video-tolk`, `topic-7`, `topic-none`,
    /// `agent-12`, `agent-none`, `origin-kiosk`, `interpreter-yes`, `interpreter-no`.
    pub fn key(&self) -> String {
        let opt = |v: Option<i64>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
        match self {
            BreakdownKey::Queue(q) => format!("queue-{q}"),
            BreakdownKey::Channel(c) => format!("channel-{}", c.key()),
            BreakdownKey::Topic(t) => format!("topic-{}", opt(*t)),
            BreakdownKey::Agent(a) => format!("agent-{}", opt(*a)),
            BreakdownKey::Origin(o) => format!("origin-{}", o.key()),
            BreakdownKey::Interpreter(yes) => {
                format!("interpreter-{}", if *yes { "yes" } else { "no" })
            }
        }
    }

    /// The part of a [`key`](BreakdownKey::key).
    pub fn parse(text: &str) -> Option<BreakdownKey> {
        let opt = |v: &str| match v {
            "none" => Some(None),
            v => canonical_i64(v).map(Some),
        };
        let (kind, rest) = text.split_once('-')?;
        match kind {
            "queue" => canonical_i64(rest).map(BreakdownKey::Queue),
            "channel" => ReportChannel::parse(rest).map(BreakdownKey::Channel),
            "topic" => opt(rest).map(BreakdownKey::Topic),
            "agent" => opt(rest).map(BreakdownKey::Agent),
            "origin" => OriginKind::parse(rest).map(BreakdownKey::Origin),
            "interpreter" => match rest {
                "yes" => Some(BreakdownKey::Interpreter(true)),
                "no" => Some(BreakdownKey::Interpreter(false)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Parses a number only in the form `to_string` writes it (no `+`, no leading zeros), so
/// every accepted key is the key of what it parses to.
fn canonical_i64(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|v| v.to_string() == text)
}

fn canonical_u32(text: &str) -> Option<u32> {
    text.parse::<u32>().ok().filter(|v| v.to_string() == text)
}

/// The figures of each part, computed from the part's own contacts, sorted by offered
/// (descending), then by key. Parts without contacts do not appear.
pub fn breakdown(
    facts: &[ContactFact],
    s: &ReportSettings,
    open_ms: &dyn Fn(Millis, Millis) -> Millis,
    key: Breakdown,
) -> Vec<(BreakdownKey, Figures)> {
    let mut parts: BTreeMap<BreakdownKey, Vec<&ContactFact>> = BTreeMap::new();
    for c in facts {
        parts.entry(key.key_of(c)).or_default().push(c);
    }
    let mut rows: Vec<(BreakdownKey, Figures)> = parts
        .into_iter()
        .map(|(k, part)| (k, compute(part.into_iter(), s, open_ms)))
        .collect();
    rows.sort_by(|(ka, a), (kb, b)| b.offered.cmp(&a.offered).then(ka.cmp(kb)));
    rows
}

// ---------------------------------------------------------------------------------------
// Drill-down.

/// A count in [`Figures`] that can be opened to the contacts behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    Offered,
    Answered,
    Abandoned,
    ShortAbandoned,
    Other,
    /// Answered within T seconds (inclusive).
    AnsweredWithin(u32),
    /// Answered after more than T seconds.
    AnsweredAfter(u32),
    /// Answered and ended live contacts (`talk_n`).
    Talk,
    /// Ended and wrapped-up live contacts (`wrap_n`).
    Wrapped,
    Resolved,
    NotResolved,
    LeftMessages,
    LeftAnswered,
    /// Left messages without an answer yet.
    LeftOpen,
    InterpreterRequests,
    InterpreterJoined,
    InterpreterNever,
    /// One cell of `by_hour`: weekday 0 (Monday) to 6, hour 0 to 23.
    Hour {
        weekday: u8,
        hour: u8,
    },
    SurveyOffered,
    SurveyAnswered,
    /// Offered surveys not answered.
    SurveyUnanswered,
    /// Answered surveys with this score (1 to 5).
    Satisfaction(u8),
    /// Answered surveys with this answer to "was your question answered?".
    Question(QuestionAnswered),
    /// Answered surveys with this answer to the connection question.
    Connection(Connection),
}

const SIMPLE_FIGURES: [(Figure, &str); 29] = [
    (Figure::Offered, "offered"),
    (Figure::Answered, "answered"),
    (Figure::Abandoned, "abandoned"),
    (Figure::ShortAbandoned, "short-abandoned"),
    (Figure::Other, "other"),
    (Figure::Talk, "talk"),
    (Figure::Wrapped, "wrapped"),
    (Figure::Resolved, "resolved"),
    (Figure::NotResolved, "not-resolved"),
    (Figure::LeftMessages, "left-messages"),
    (Figure::LeftAnswered, "left-answered"),
    (Figure::LeftOpen, "left-open"),
    (Figure::InterpreterRequests, "interpreter-requests"),
    (Figure::InterpreterJoined, "interpreter-joined"),
    (Figure::InterpreterNever, "interpreter-never"),
    (Figure::SurveyOffered, "survey-offered"),
    (Figure::SurveyAnswered, "survey-answered"),
    (Figure::SurveyUnanswered, "survey-unanswered"),
    (Figure::Satisfaction(1), "satisfaction-1"),
    (Figure::Satisfaction(2), "satisfaction-2"),
    (Figure::Satisfaction(3), "satisfaction-3"),
    (Figure::Satisfaction(4), "satisfaction-4"),
    (Figure::Satisfaction(5), "satisfaction-5"),
    (Figure::Question(QuestionAnswered::Yes), "question-yes"),
    (
        Figure::Question(QuestionAnswered::Partly),
        "question-partly",
    ),
    (Figure::Question(QuestionAnswered::No), "question-no"),
    (Figure::Connection(Connection::Good), "connection-good"),
    (
        Figure::Connection(Connection::Sometimes),
        "connection-sometimes",
    ),
    (Figure::Connection(Connection::Bad), "connection-bad"),
];

impl Figure {
    /// A URL-safe key: `offered`, `answered`, `abandoned`, `short-abandoned`, `other`,
    /// `answered-within-30`, `answered-after-30`, `talk`, `wrapped`, `resolved`,
    /// `not-resolved`, `left-messages`, `left-answered`, `left-open`,
    /// `interpreter-requests`, `interpreter-joined`, `interpreter-never`, `hour-0-14`
    /// (weekday-hour), `survey-offered`, `survey-answered`, `survey-unanswered`,
    /// `satisfaction-1` to `satisfaction-5`, `question-yes`, `question-partly`,
    /// `question-no`, `connection-good`, `connection-sometimes`, `connection-bad`.
    /// (A score outside 1-5 has no key: the empty string, which parses to nothing.)
    pub fn key(&self) -> String {
        match self {
            Figure::AnsweredWithin(t) => format!("answered-within-{t}"),
            Figure::AnsweredAfter(t) => format!("answered-after-{t}"),
            Figure::Hour { weekday, hour } => format!("hour-{weekday}-{hour}"),
            simple => SIMPLE_FIGURES
                .iter()
                .find(|(f, _)| f == simple)
                .map(|(_, k)| (*k).to_string())
                .unwrap_or_default(),
        }
    }

    /// The figure of a [`key`](Figure::key); `None` for anything else (also a weekday
    /// above 6 or an hour above 23).
    pub fn parse(text: &str) -> Option<Figure> {
        if let Some((f, _)) = SIMPLE_FIGURES.iter().find(|(_, k)| *k == text) {
            return Some(*f);
        }
        if let Some(t) = text.strip_prefix("answered-within-") {
            return canonical_u32(t).map(Figure::AnsweredWithin);
        }
        if let Some(t) = text.strip_prefix("answered-after-") {
            return canonical_u32(t).map(Figure::AnsweredAfter);
        }
        let (d, h) = text.strip_prefix("hour-")?.split_once('-')?;
        let weekday = u8::try_from(canonical_u32(d)?).ok().filter(|&d| d < 7)?;
        let hour = u8::try_from(canonical_u32(h)?).ok().filter(|&h| h < 24)?;
        Some(Figure::Hour { weekday, hour })
    }

    /// The key of its definition in [`definitions`].
    pub fn definition_key(&self) -> &'static str {
        match self {
            Figure::Offered => "offered",
            Figure::Answered => "answered",
            Figure::Abandoned => "abandoned",
            Figure::ShortAbandoned => "short-abandoned",
            Figure::Other => "other",
            Figure::AnsweredWithin(_) => "answered-within",
            Figure::AnsweredAfter(_) => "answered-after",
            Figure::Talk => "talk",
            Figure::Wrapped => "wrap",
            Figure::Resolved => "resolved",
            Figure::NotResolved => "not-resolved",
            Figure::LeftMessages => "left-messages",
            Figure::LeftAnswered => "left-answered",
            Figure::LeftOpen => "left-open",
            Figure::InterpreterRequests => "interpreter-requests",
            Figure::InterpreterJoined => "interpreter-joined",
            Figure::InterpreterNever => "interpreter-never",
            Figure::Hour { .. } => "by-hour",
            Figure::SurveyOffered => "survey-offered",
            Figure::SurveyAnswered => "survey-answered",
            Figure::SurveyUnanswered => "survey-unanswered",
            Figure::Satisfaction(_) => "satisfaction-scores",
            Figure::Question(_) => "question-answered",
            Figure::Connection(_) => "connection",
        }
    }

    /// The number this figure drills into, as `figures` counted it; `None` when
    /// `Figures` does not hold it (a threshold not in the settings).
    pub fn count_in(&self, f: &Figures) -> Option<u64> {
        Some(match *self {
            Figure::Offered => f.offered,
            Figure::Answered => f.answered,
            Figure::Abandoned => f.abandoned,
            Figure::ShortAbandoned => f.short_abandoned,
            Figure::Other => f.other,
            Figure::AnsweredWithin(t) => f.service_level(t)?.answered_within,
            Figure::AnsweredAfter(t) => f
                .answered
                .saturating_sub(f.service_level(t)?.answered_within),
            Figure::Talk => f.talk_n,
            Figure::Wrapped => f.wrap_n,
            Figure::Resolved => f.resolved_yes,
            Figure::NotResolved => f.resolved_known.saturating_sub(f.resolved_yes),
            Figure::LeftMessages => f.left_messages,
            Figure::LeftAnswered => f.left_answered,
            Figure::LeftOpen => f.left_open,
            Figure::InterpreterRequests => f.interpreter_requests,
            Figure::InterpreterJoined => f.interpreter_joined,
            Figure::InterpreterNever => f.interpreter_never,
            Figure::Hour { weekday, hour } => *f
                .by_hour
                .get(usize::from(weekday))?
                .get(usize::from(hour))?,
            Figure::SurveyOffered => f.survey_offered,
            Figure::SurveyAnswered => f.survey_answered,
            Figure::SurveyUnanswered => f.survey_offered.saturating_sub(f.survey_answered),
            Figure::Satisfaction(score) => *f
                .satisfaction_scores
                .get(usize::from(score).checked_sub(1)?)?,
            Figure::Question(a) => f.question_count(a),
            Figure::Connection(k) => f.connection_count(k),
        })
    }

    /// Every figure a [`Figures`] computed with these settings holds (168 hour cells
    /// included).
    pub fn all(s: &ReportSettings) -> Vec<Figure> {
        let mut all: Vec<Figure> = SIMPLE_FIGURES.iter().map(|(f, _)| *f).collect();
        for t in s.thresholds() {
            all.push(Figure::AnsweredWithin(t));
            all.push(Figure::AnsweredAfter(t));
        }
        for weekday in 0..7 {
            for hour in 0..24 {
                all.push(Figure::Hour { weekday, hour });
            }
        }
        all
    }

    /// Is the contact counted in this figure?
    pub fn counts(&self, c: &ContactFact, s: &ReportSettings) -> bool {
        let o = outcome(c, s);
        match *self {
            Figure::Offered => o.is_some(),
            Figure::Answered => matches!(o, Some(Outcome::Answered(_))),
            Figure::Abandoned => o == Some(Outcome::Abandoned),
            Figure::ShortAbandoned => o == Some(Outcome::ShortAbandoned),
            Figure::Other => o == Some(Outcome::Other),
            Figure::AnsweredWithin(t) => answer_time(c, s).is_some_and(|w| within(w, t)),
            Figure::AnsweredAfter(t) => answer_time(c, s).is_some_and(|w| !within(w, t)),
            Figure::Talk => talk_time(c).is_some(),
            Figure::Wrapped => wrap_time(c).is_some(),
            Figure::Resolved => c.resolved == Some(true),
            Figure::NotResolved => c.resolved == Some(false),
            Figure::LeftMessages => is_left(c),
            Figure::LeftAnswered => left_response(c).is_some(),
            Figure::LeftOpen => is_left(c) && left_response(c).is_none(),
            Figure::InterpreterRequests => c.interpreter_requested_at.is_some(),
            Figure::InterpreterJoined => interpreter_wait(c).is_some(),
            Figure::InterpreterNever => {
                c.interpreter_requested_at.is_some() && interpreter_wait(c).is_none()
            }
            Figure::Hour { weekday, hour } => {
                local_weekday_hour(c.queued_at) == Some((weekday, hour))
            }
            Figure::SurveyOffered => c.survey_offered_at.is_some(),
            Figure::SurveyAnswered => survey_answer(c).is_some(),
            Figure::SurveyUnanswered => c.survey_offered_at.is_some() && survey_answer(c).is_none(),
            Figure::Satisfaction(score) => {
                survey_answer(c).is_some_and(|a| a.satisfaction == score)
            }
            Figure::Question(q) => survey_answer(c).is_some_and(|a| a.answered == q),
            Figure::Connection(k) => survey_answer(c).is_some_and(|a| a.connection == Some(k)),
        }
    }

    /// Does this figure count survey answers (shown only within the rules of
    /// [`super::survey`])?
    pub fn is_survey(&self) -> bool {
        matches!(
            self,
            Figure::SurveyOffered
                | Figure::SurveyAnswered
                | Figure::SurveyUnanswered
                | Figure::Satisfaction(_)
                | Figure::Question(_)
                | Figure::Connection(_)
        )
    }
}

/// Exactly the contacts counted in figure `f`, in the order of `facts`.
pub fn contacts<'a>(
    facts: &'a [ContactFact],
    s: &ReportSettings,
    f: Figure,
) -> Vec<&'a ContactFact> {
    facts.iter().filter(|c| f.counts(c, s)).collect()
}

// ---------------------------------------------------------------------------------------
// Norms.

/// What a norm measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NormMetric {
    /// The share of answered + abandoned live contacts answered within this many seconds
    /// (`sl_offered`); at least the target.
    AnsweredWithin { seconds: u32 },
    /// The abandon rate (`abandon_rate`); at most the target.
    AbandonRate,
    /// The share of left messages answered within this many wall-clock hours; at least
    /// the target. A message still unanswered counts as not answered within.
    LeftAnsweredWithin { hours: u32 },
}

impl NormMetric {
    /// A stable key: `answered-within-30s`, `abandon-rate`, `left-answered-within-8h`.
    pub fn key(&self) -> String {
        match self {
            NormMetric::AnsweredWithin { seconds } => format!("answered-within-{seconds}s"),
            NormMetric::AbandonRate => "abandon-rate".to_string(),
            NormMetric::LeftAnsweredWithin { hours } => format!("left-answered-within-{hours}h"),
        }
    }

    /// The metric of a [`key`](NormMetric::key).
    pub fn parse(text: &str) -> Option<NormMetric> {
        if text == "abandon-rate" {
            return Some(NormMetric::AbandonRate);
        }
        if let Some(s) = text
            .strip_prefix("answered-within-")
            .and_then(|t| t.strip_suffix('s'))
        {
            return canonical_u32(s).map(|seconds| NormMetric::AnsweredWithin { seconds });
        }
        let h = text
            .strip_prefix("left-answered-within-")?
            .strip_suffix('h')?;
        canonical_u32(h).map(|hours| NormMetric::LeftAnsweredWithin { hours })
    }

    /// Is a lower value better (the target is a maximum)?
    pub fn at_most(&self) -> bool {
        matches!(self, NormMetric::AbandonRate)
    }
}

/// A service norm: a metric, optionally for one channel, and its target (a share, 0 to
/// 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Norm {
    pub metric: NormMetric,
    /// `None`: all channels.
    pub channel: Option<ReportChannel>,
    pub target: f64,
}

/// Why a norm from configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormError {
    #[error("{0:?} is not a norm (answered-within-30s, abandon-rate, left-answered-within-8h)")]
    Metric(String),
    #[error("{0:?} is not a channel (chat, video, video-tolk, bericht)")]
    Channel(String),
    #[error("{0:?} is not a target between 0 and 1 or 0% and 100%")]
    Target(String),
}

impl Norm {
    /// A norm from configuration text: a metric key, a channel key (empty or `all`: all
    /// channels) and a target as a share (`0.8`) or a percentage (`80%`).
    pub fn parse(metric: &str, channel: &str, target: &str) -> Result<Norm, NormError> {
        let metric =
            NormMetric::parse(metric.trim()).ok_or_else(|| NormError::Metric(metric.into()))?;
        let channel = match channel.trim() {
            "" | "all" => None,
            c => Some(ReportChannel::parse(c).ok_or_else(|| NormError::Channel(c.into()))?),
        };
        let bad = || NormError::Target(target.into());
        let t = target.trim();
        let value = match t.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().map_err(|_| bad())? / 100.0,
            None => t.parse::<f64>().map_err(|_| bad())?,
        };
        if !(0.0..=1.0).contains(&value) {
            return Err(bad());
        }
        Ok(Norm {
            metric,
            channel,
            target: value,
        })
    }
}

/// A norm and what was achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct NormRow {
    pub norm: Norm,
    /// The achieved share as counts; `None` without data.
    pub share: Option<Share>,
    /// The achieved share, 0 to 1; `None` without data.
    pub achieved: Option<f64>,
    /// The contacts it is measured over (the share's denominator; 0 without data).
    pub n: u64,
    /// Met: achieved >= target (at most the target for the abandon rate); `None` without
    /// data or with a target that is not a number.
    pub met: Option<bool>,
}

/// Each norm, measured over `facts` (limited to its channel when it has one).
pub fn norm_table(facts: &[ContactFact], s: &ReportSettings, norms: &[Norm]) -> Vec<NormRow> {
    norms
        .iter()
        .map(|norm| {
            let mine = || {
                facts
                    .iter()
                    .filter(|c| norm.channel.is_none_or(|ch| c.channel == ch))
            };
            let share = match norm.metric {
                NormMetric::AnsweredWithin { seconds } => {
                    let (mut hit, mut whole) = (0u64, 0u64);
                    for c in mine() {
                        match outcome(c, s) {
                            Some(Outcome::Answered(w)) => {
                                whole += 1;
                                if within(w, seconds) {
                                    hit += 1;
                                }
                            }
                            Some(Outcome::Abandoned) => whole += 1,
                            _ => {}
                        }
                    }
                    Share::of(hit, whole)
                }
                NormMetric::AbandonRate => {
                    let (mut hit, mut whole) = (0u64, 0u64);
                    for c in mine() {
                        match outcome(c, s) {
                            Some(Outcome::Abandoned) => {
                                hit += 1;
                                whole += 1;
                            }
                            Some(Outcome::Answered(_)) | Some(Outcome::Other) => whole += 1,
                            _ => {}
                        }
                    }
                    Share::of(hit, whole)
                }
                NormMetric::LeftAnsweredWithin { hours } => {
                    let limit = Millis::from(hours) * 3_600_000;
                    let (mut hit, mut whole) = (0u64, 0u64);
                    for c in mine().filter(|c| is_left(c)) {
                        whole += 1;
                        if left_response(c).is_some_and(|r| r <= limit) {
                            hit += 1;
                        }
                    }
                    Share::of(hit, whole)
                }
            };
            let achieved = share.map(|sh| sh.value());
            let met = achieved.filter(|_| norm.target.is_finite()).map(|a| {
                if norm.metric.at_most() {
                    a <= norm.target
                } else {
                    a >= norm.target
                }
            });
            NormRow {
                norm: *norm,
                share,
                achieved,
                n: share.map_or(0, |sh| sh.whole()),
                met,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
