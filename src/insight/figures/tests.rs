//! Unit tests and properties of the figures. The hand-computed week is in
//! `insight::golden`.

use super::*;
use crate::insight::ContactRef;
use crate::insight::{Connection, QuestionAnswered, SurveyAnswer};
use chrono::DateTime;

fn utc(text: &str) -> Millis {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .timestamp_millis()
}

fn fact(id: i64, channel: ReportChannel, at: Millis) -> ContactFact {
    let contact = if channel == ReportChannel::LeftMessage {
        ContactRef::Message(id)
    } else {
        ContactRef::Conversation(id)
    };
    ContactFact::new(contact, 1, channel, OriginKind::Web, at)
}

fn no_hours(_: Millis, _: Millis) -> Millis {
    0
}

#[test]
fn nothing_is_not_zero() {
    let s = ReportSettings::default();
    let f = figures(&[], &s, &no_hours);
    let none = ServiceLevel {
        threshold_s: 0,
        answered_within: 0,
        sl_answered: None,
        sl_offered: None,
    };
    assert_eq!(
        f,
        Figures {
            offered: 0,
            answered: 0,
            abandoned: 0,
            short_abandoned: 0,
            other: 0,
            abandon_rate: None,
            asa_ms: None,
            p90_answer_ms: None,
            service_levels: [20, 30, 60]
                .map(|t| ServiceLevel {
                    threshold_s: t,
                    ..none.clone()
                })
                .to_vec(),
            talk_n: 0,
            talk_ms: None,
            wrap_n: 0,
            wrap_ms: None,
            resolved_yes: 0,
            resolved_known: 0,
            fcr: None,
            left_messages: 0,
            left_answered: 0,
            left_open: 0,
            left_response_ms: None,
            left_response_p90_ms: None,
            left_response_open_ms: None,
            left_response_open_p90_ms: None,
            interpreter_requests: 0,
            interpreter_joined: 0,
            interpreter_never: 0,
            interpreter_wait_ms: None,
            interpreter_wait_p90_ms: None,
            by_hour: [[0; 24]; 7],
            survey_offered: 0,
            survey_answered: 0,
            survey_response: None,
            satisfaction: None,
            satisfaction_scores: [0; 5],
            question_answered: [0; 3],
            connection: [0; 3],
        }
    );
    assert!(breakdown(&[], &s, &no_hours, Breakdown::Agent).is_empty());
    // Only short abandons: the abandon rate has no denominator.
    let mut a = fact(1, ReportChannel::Chat, 0);
    a.abandoned_at = Some(1_000);
    let f = figures(&[a], &s, &no_hours);
    assert_eq!((f.offered, f.short_abandoned, f.abandon_rate), (1, 1, None));
    assert_eq!(f.service_levels[0].sl_offered, None);
}

#[test]
fn averages_round_half_up_and_percentiles_take_a_rank() {
    let mut s = Sample::default();
    assert_eq!((s.mean(), s.p90()), (None, None));
    for v in [1, 2] {
        s.push(v);
    }
    assert_eq!(s.mean(), Some(2)); // 1.5 -> 2
    let mut s = Sample(vec![1, 1, 2]);
    assert_eq!(s.mean(), Some(1)); // 1.33 -> 1
    assert_eq!(s.p90(), Some(2)); // rank ceil(2.7) = 3
    // n = 10: rank 9; n = 11: rank ceil(9.9) = 10; n = 1: rank 1.
    let mut ten = Sample((1..=10).rev().collect());
    assert_eq!(ten.p90(), Some(9));
    let mut eleven = Sample((1..=11).collect());
    assert_eq!(eleven.p90(), Some(10));
    let mut one = Sample(vec![7]);
    assert_eq!((one.mean(), one.p90()), (Some(7), Some(7)));
    // Huge values do not overflow.
    let big = Sample(vec![Millis::MAX, Millis::MAX, Millis::MAX]);
    assert_eq!(big.mean(), Some(Millis::MAX));
}

#[test]
fn shares() {
    assert_eq!(Share::of(1, 0), None);
    let s = Share::of(5, 7).unwrap();
    assert_eq!((s.part(), s.whole(), s.permille()), (5, 7, 714));
    assert_eq!(s.percent_text(), "71.4");
    assert!((s.value() - 5.0 / 7.0).abs() < 1e-12);
    assert_eq!(Share::of(2, 3).unwrap().percent_text(), "66.7");
    assert_eq!(Share::of(1, 2000).unwrap().percent_text(), "0.1"); // 0.05 half up
    assert_eq!(Share::of(1, 2001).unwrap().percent_text(), "0.0");
}

#[test]
fn thresholds_are_inclusive_and_short_abandons_strict() {
    let s = ReportSettings {
        thresholds_s: vec![30, 20, 30],
        ..ReportSettings::default()
    };
    assert_eq!(s.thresholds(), vec![20, 30]);
    let at = utc("2026-02-03T09:00:00Z");
    let answered = |id, wait| {
        let mut f = fact(id, ReportChannel::Chat, at);
        f.answered_at = Some(at + wait);
        f
    };
    let left = |id, wait| {
        let mut f = fact(id, ReportChannel::Video, at);
        f.abandoned_at = Some(at + wait);
        f
    };
    let facts = [
        answered(1, 20_000),
        answered(2, 20_001),
        answered(3, 30_000),
        left(4, 4_999),
        left(5, 5_000),
        // Both answered and abandoned (should not happen): answered wins.
        {
            let mut f = answered(6, 1_000);
            f.abandoned_at = Some(at + 500);
            f
        },
        // A clock step: answered "before" it was queued counts as 0 ms.
        answered(7, -3_000),
    ];
    let f = figures(&facts, &s, &no_hours);
    assert_eq!(
        (f.answered, f.abandoned, f.short_abandoned, f.other),
        (5, 1, 1, 0)
    );
    assert_eq!(f.service_level(20).unwrap().answered_within, 3); // 20 s, 1 s, 0 s
    assert_eq!(f.service_level(30).unwrap().answered_within, 5);
    assert_eq!(f.service_level(60), None);
    assert_eq!(f.asa_ms, Some((20_000 + 20_001 + 30_000 + 1_000) / 5));
}

#[test]
fn hours_are_local_also_when_the_clocks_change() {
    let s = ReportSettings::default();
    let facts = [
        // Sunday 29 March 2026 01:30 UTC = 03:30 CEST.
        fact(1, ReportChannel::Chat, utc("2026-03-29T01:30:00Z")),
        // Sunday 25 October 2026 00:30 UTC = 02:30 CEST, 01:30 UTC = 02:30 CET.
        fact(2, ReportChannel::Video, utc("2026-10-25T00:30:00Z")),
        fact(3, ReportChannel::LeftMessage, utc("2026-10-25T01:30:00Z")),
    ];
    let f = figures(&facts, &s, &no_hours);
    assert_eq!(f.by_hour[6][3], 1);
    assert_eq!(f.by_hour[6][2], 2);
    assert_eq!(f.by_hour.iter().flatten().sum::<u64>(), 3);
    assert_eq!(
        contacts(
            &facts,
            &s,
            Figure::Hour {
                weekday: 6,
                hour: 2
            }
        )
        .len(),
        2
    );
}

#[test]
fn figure_keys_round_trip() {
    let s = ReportSettings::default();
    let mut all = Figure::all(&s);
    all.extend([Figure::AnsweredWithin(0), Figure::AnsweredAfter(u32::MAX)]);
    assert_eq!(all.len(), 15 + 14 + 2 * 3 + 168 + 2);
    for f in &all {
        let key = f.key();
        assert!(
            key.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{key}"
        );
        assert_eq!(Figure::parse(&key), Some(*f), "{key}");
        assert!(definition(f.definition_key()).is_some(), "{key}");
    }
    assert_eq!(Figure::AnsweredWithin(30).key(), "answered-within-30");
    assert_eq!(
        Figure::Hour {
            weekday: 0,
            hour: 14
        }
        .key(),
        "hour-0-14"
    );
    for bad in [
        "",
        "Offered",
        "offered ",
        "answered-within-",
        "answered-within-030",
        "answered-within-+30",
        "answered-within--1",
        "answered-within-4294967296",
        "hour-7-0",
        "hour-0-24",
        "hour-0",
        "hour-0-1-2",
        "hour-00-1",
        "hour-256-1",
    ] {
        assert_eq!(Figure::parse(bad), None, "{bad:?}");
    }
    // Hour cells outside the table count nothing and never panic.
    let f = figures(&[], &s, &no_hours);
    assert_eq!(
        Figure::Hour {
            weekday: 9,
            hour: 0
        }
        .count_in(&f),
        None
    );
    assert_eq!(Figure::AnsweredWithin(45).count_in(&f), None);
    // Scores outside 1-5 have no key and no count.
    for bad in [0, 6] {
        assert_eq!(Figure::Satisfaction(bad).key(), "");
        assert_eq!(Figure::Satisfaction(bad).count_in(&f), None);
    }
    assert_eq!(Figure::Satisfaction(5).key(), "satisfaction-5");
    assert_eq!(
        Figure::parse("question-partly"),
        Some(Figure::Question(QuestionAnswered::Partly))
    );
    assert_eq!(
        Figure::parse("connection-bad"),
        Some(Figure::Connection(Connection::Bad))
    );
    for bad in [
        "satisfaction-0",
        "satisfaction-6",
        "question-maybe",
        "connection-",
    ] {
        assert_eq!(Figure::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn survey_figures_count_offers_and_answers_exactly() {
    let s = ReportSettings::default();
    let at = utc("2026-02-03T09:00:00Z");
    let survey = |id, score: u8, answered, connection| {
        let mut f = fact(id, ReportChannel::Chat, at);
        f.answered_at = Some(at + 1_000);
        f.ended_at = Some(at + 60_000);
        f.survey_offered_at = f.ended_at;
        if score > 0 {
            f.survey = Some(SurveyAnswer {
                at: at + 90_000,
                satisfaction: score,
                answered,
                connection,
            });
        }
        f
    };
    use QuestionAnswered::{No, Partly, Yes};
    let facts = [
        survey(1, 5, Yes, None),
        survey(2, 4, Yes, Some(Connection::Good)),
        survey(3, 4, Partly, Some(Connection::Bad)),
        survey(4, 1, No, None),
        survey(5, 0, Yes, None), // offered, not answered
        survey(6, 0, Yes, None),
        // An answer without an offer is not counted (the rate stays at most 100%).
        {
            let mut f = survey(7, 3, Yes, None);
            f.survey_offered_at = None;
            f
        },
        // A score outside 1-5 is not counted either.
        survey(8, 9, Yes, None),
    ];
    let f = figures(&facts, &s, &no_hours);
    assert_eq!((f.survey_offered, f.survey_answered), (7, 4));
    assert_eq!(f.survey_response, Share::of(4, 7));
    // (5 + 4 + 4 + 1) / 4 = 3.5.
    assert_eq!(f.satisfaction.map(|m| (m.sum(), m.n())), Some((14, 4)));
    assert_eq!(f.satisfaction.unwrap().text(), "3.5");
    assert_eq!(f.satisfaction_scores, [1, 0, 0, 2, 1]);
    assert_eq!(f.question_answered, [2, 1, 1]);
    assert_eq!(f.connection, [1, 0, 1]);
    assert_eq!(f.connection_share(Connection::Good), Share::of(1, 2));
    assert_eq!(f.question_share(Yes), Share::of(2, 4));
    assert_eq!(f.satisfaction_share(4), Share::of(2, 4));
    assert_eq!(Figure::SurveyUnanswered.count_in(&f), Some(3));
    let ids = |fig| -> Vec<ContactRef> {
        contacts(&facts, &s, fig)
            .iter()
            .map(|c| c.contact)
            .collect()
    };
    assert_eq!(
        ids(Figure::SurveyUnanswered),
        [5, 6, 8].map(ContactRef::Conversation).to_vec()
    );
    assert_eq!(
        ids(Figure::Satisfaction(4)),
        [2, 3].map(ContactRef::Conversation).to_vec()
    );
    // Means round half up in tenths: 13 / 3 = 4.33 -> 4.3, 9 / 2 = 4.5, 29 / 6 = 4.83.
    assert_eq!(Mean::of(13, 3).unwrap().text(), "4.3");
    assert_eq!(Mean::of(9, 2).unwrap().text(), "4.5");
    assert_eq!(Mean::of(29, 6).unwrap().text(), "4.8");
    assert_eq!(Mean::of(1, 20).unwrap().text(), "0.1"); // 0.05 half up
    assert_eq!(Mean::of(3, 0), None);
}

#[test]
fn definitions_are_the_field_docs() {
    let keys: Vec<&str> = definitions().iter().map(|d| d.key).collect();
    let mut unique = keys.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), keys.len());
    // Each field's doc comment, joined into one line, is its definition's text.
    let source = include_str!("../figures.rs");
    let mut docs: Vec<(String, String)> = Vec::new();
    let mut doc = Vec::new();
    for line in source.lines().map(str::trim) {
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim().to_string());
        } else if let Some(field) = line.strip_prefix("pub ").and_then(|l| l.split_once(':')) {
            if !doc.is_empty() && !field.0.contains(' ') {
                docs.push((field.0.to_string(), doc.join(" ")));
            }
            doc.clear();
        } else {
            doc.clear();
        }
    }
    let doc_of = |field: &str| {
        docs.iter()
            .find(|(f, _)| f == field)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| panic!("no doc for {field}"))
    };
    for (field, key) in [
        ("offered", "offered"),
        ("answered", "answered"),
        ("abandoned", "abandoned"),
        ("short_abandoned", "short-abandoned"),
        ("other", "other"),
        ("abandon_rate", "abandon-rate"),
        ("asa_ms", "asa"),
        ("p90_answer_ms", "p90-answer"),
        ("answered_within", "answered-within"),
        ("sl_answered", "sl-answered"),
        ("sl_offered", "sl-offered"),
        ("talk_ms", "talk"),
        ("wrap_ms", "wrap"),
        ("resolved_yes", "resolved"),
        ("fcr", "fcr"),
        ("left_messages", "left-messages"),
        ("left_answered", "left-answered"),
        ("left_open", "left-open"),
        ("left_response_ms", "left-response"),
        ("left_response_p90_ms", "left-response-p90"),
        ("left_response_open_ms", "left-response-open"),
        ("left_response_open_p90_ms", "left-response-open-p90"),
        ("interpreter_requests", "interpreter-requests"),
        ("interpreter_joined", "interpreter-joined"),
        ("interpreter_never", "interpreter-never"),
        ("interpreter_wait_ms", "interpreter-wait"),
        ("interpreter_wait_p90_ms", "interpreter-wait-p90"),
        ("by_hour", "by-hour"),
        ("survey_offered", "survey-offered"),
        ("survey_answered", "survey-answered"),
        ("survey_response", "survey-response"),
        ("satisfaction", "satisfaction"),
        ("satisfaction_scores", "satisfaction-scores"),
        ("question_answered", "question-answered"),
        ("connection", "connection"),
    ] {
        assert_eq!(Some(doc_of(field).as_str()), definition(key), "{field}");
    }
}

#[test]
fn breakdown_keys_round_trip() {
    let keys = [
        BreakdownKey::Queue(1),
        BreakdownKey::Queue(-3),
        BreakdownKey::Topic(None),
        BreakdownKey::Topic(Some(7)),
        BreakdownKey::Agent(None),
        BreakdownKey::Agent(Some(12)),
        BreakdownKey::Interpreter(true),
        BreakdownKey::Interpreter(false),
    ]
    .into_iter()
    .chain(ReportChannel::ALL.map(BreakdownKey::Channel))
    .chain(OriginKind::ALL.map(BreakdownKey::Origin));
    for k in keys {
        assert_eq!(BreakdownKey::parse(&k.key()), Some(k), "{}", k.key());
    }
    assert_eq!(
        BreakdownKey::Channel(ReportChannel::VideoInterpreter).key(),
        "channel-video-tolk"
    );
    for bad in [
        "",
        "queue",
        "queue-",
        "queue-01",
        "topic-None",
        "channel-Chat",
        "interpreter-ja",
        "interpreter-",
        "x-1",
    ] {
        assert_eq!(BreakdownKey::parse(bad), None, "{bad:?}");
    }
    for b in Breakdown::ALL {
        assert_eq!(Breakdown::parse(b.key()), Some(b));
    }
}

#[test]
fn norms_parse_and_handle_no_data() {
    assert_eq!(
        Norm::parse("answered-within-30s", " video ", " 80 % "),
        Ok(Norm {
            metric: NormMetric::AnsweredWithin { seconds: 30 },
            channel: Some(ReportChannel::Video),
            target: 0.8,
        })
    );
    assert_eq!(
        Norm::parse("left-answered-within-8h", "", "0.9").map(|n| n.metric),
        Ok(NormMetric::LeftAnsweredWithin { hours: 8 })
    );
    assert!(matches!(
        Norm::parse("asa", "", "1"),
        Err(NormError::Metric(_))
    ));
    assert!(matches!(
        Norm::parse("abandon-rate", "fax", "1"),
        Err(NormError::Channel(_))
    ));
    for bad in ["", "x", "120%", "-0.1", "NaN", "inf"] {
        assert!(
            matches!(
                Norm::parse("abandon-rate", "", bad),
                Err(NormError::Target(_))
            ),
            "{bad:?}"
        );
    }
    for m in [
        NormMetric::AbandonRate,
        NormMetric::AnsweredWithin { seconds: 20 },
        NormMetric::LeftAnsweredWithin { hours: 24 },
    ] {
        assert_eq!(NormMetric::parse(&m.key()), Some(m));
    }
    let s = ReportSettings::default();
    let norm = Norm {
        metric: NormMetric::AbandonRate,
        channel: None,
        target: f64::NAN,
    };
    let rows = norm_table(&[], &s, &[norm]);
    assert_eq!((rows[0].achieved, rows[0].n, rows[0].met), (None, 0, None));
    // A NaN target with data: achieved, but not judged.
    let mut a = fact(1, ReportChannel::Chat, 0);
    a.abandoned_at = Some(60_000);
    let rows = norm_table(&[a], &s, &[norm]);
    assert_eq!(
        (rows[0].achieved, rows[0].n, rows[0].met),
        (Some(1.0), 1, None)
    );
    // The abandon-rate norm is met at exactly the target.
    let at_target = Norm {
        target: 1.0,
        ..norm
    };
    let mut b = fact(2, ReportChannel::Chat, 0);
    b.abandoned_at = Some(60_000);
    assert_eq!(norm_table(&[b], &s, &[at_target])[0].met, Some(true));
}

// ---------------------------------------------------------------------------------------
// Properties over random facts (a small deterministic generator; no extra crates).

/// xorshift64*: deterministic, good enough to shuffle test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    /// A duration with a taste for the edges (0, thresholds, the short-abandon limit).
    fn duration(&mut self) -> Millis {
        if self.chance(30) {
            self.pick(&[
                0, 4_999, 5_000, 5_001, 20_000, 20_001, 30_000, 60_000, 60_001,
            ])
        } else if self.chance(5) {
            -(self.below(10_000) as Millis) // a clock step
        } else {
            self.below(600_000) as Millis
        }
    }
}

fn random_fact(rng: &mut Rng, id: i64) -> ContactFact {
    use ReportChannel::*;
    let channel = rng.pick(&[Chat, Chat, Video, VideoInterpreter, LeftMessage]);
    // Around both changes of summer time in 2026.
    let start = rng.pick(&[utc("2026-03-25T00:00:00Z"), utc("2026-10-21T00:00:00Z")]);
    let queued_at = start + rng.below(8 * 86_400_000) as Millis;
    let mut f = fact(id, channel, queued_at);
    f.queue_id = rng.below(3) as i64 + 1;
    f.topic_id = rng.pick(&[None, Some(100), Some(101), Some(102)]);
    f.origin = rng.pick(&OriginKind::ALL);
    if rng.chance(60) {
        f.answered_at = Some(queued_at + rng.duration());
        f.agent_id = Some(rng.below(4) as i64 + 10);
        if rng.chance(80) {
            f.ended_at = f.answered_at.map(|a| a + rng.duration());
            if rng.chance(80) {
                f.wrapped_at = f.ended_at.map(|e| e + rng.duration());
                f.resolved = rng.pick(&[None, Some(true), Some(false)]);
            }
        }
    }
    if rng.chance(if f.answered_at.is_some() { 3 } else { 70 }) {
        f.abandoned_at = Some(queued_at + rng.duration());
    }
    if rng.chance(20) {
        f.interpreter_requested_at = Some(queued_at + rng.duration());
        if rng.chance(60) {
            f.interpreter_joined_at = f.interpreter_requested_at.map(|r| r + rng.duration());
        }
    }
    // The survey: offered when an answered live contact ended; answered about half the
    // time; now and then an answer without an offer or with a bad score (not counted).
    if let (true, Some(e)) = (channel != LeftMessage, f.ended_at)
        && rng.chance(80)
    {
        f.survey_offered_at = Some(e);
    }
    if (f.survey_offered_at.is_some() && rng.chance(55)) || rng.chance(2) {
        f.survey = Some(SurveyAnswer {
            at: queued_at + rng.duration(),
            satisfaction: if rng.chance(3) {
                0
            } else {
                rng.below(5) as u8 + 1
            },
            answered: rng.pick(&QuestionAnswered::ALL),
            connection: if crate::insight::figures::with_interpreter(&f) && rng.chance(70) {
                Some(rng.pick(&Connection::ALL))
            } else {
                None
            },
        });
    }
    f
}

fn random_settings(rng: &mut Rng) -> ReportSettings {
    if rng.chance(50) {
        return ReportSettings::default();
    }
    ReportSettings {
        short_abandon_ms: rng.pick(&[0, 1, 5_000, 10_000, -1]),
        thresholds_s: (0..rng.below(4))
            .map(|_| rng.pick(&[0, 10, 20, 45, 60]))
            .collect(),
        min_survey_answers: 5,
    }
}

/// Every count of a `Figures`, flattened, for comparing totals with sums of parts.
fn counts(f: &Figures) -> Vec<u64> {
    let mut v = vec![
        f.offered,
        f.answered,
        f.abandoned,
        f.short_abandoned,
        f.other,
        f.talk_n,
        f.wrap_n,
        f.resolved_yes,
        f.resolved_known,
        f.left_messages,
        f.left_answered,
        f.left_open,
        f.interpreter_requests,
        f.interpreter_joined,
        f.interpreter_never,
    ];
    v.extend(f.service_levels.iter().map(|l| l.answered_within));
    v.extend(f.by_hour.iter().flatten());
    v.extend([f.survey_offered, f.survey_answered]);
    v.push(f.satisfaction.map_or(0, |m| m.sum()));
    v.extend(f.satisfaction_scores);
    v.extend(f.question_answered);
    v.extend(f.connection);
    v
}

/// Each average with the count it is over, and its 90th percentile if it has one.
fn averages(f: &Figures) -> Vec<(u64, Option<Millis>, Option<Option<Millis>>)> {
    vec![
        (f.answered, f.asa_ms, Some(f.p90_answer_ms)),
        (f.talk_n, f.talk_ms, None),
        (f.wrap_n, f.wrap_ms, None),
        (
            f.left_answered,
            f.left_response_ms,
            Some(f.left_response_p90_ms),
        ),
        (
            f.left_answered,
            f.left_response_open_ms,
            Some(f.left_response_open_p90_ms),
        ),
        (
            f.interpreter_joined,
            f.interpreter_wait_ms,
            Some(f.interpreter_wait_p90_ms),
        ),
    ]
}

#[test]
fn totals_are_the_sums_of_their_parts() {
    let mut rng = Rng(0x0001_0CE7_2026);
    // Opening hours stand-in: the part of the span in the first 8 hours of each UTC day
    // (anything pure will do; it only has to be the same for totals and parts).
    let open = |a: Millis, b: Millis| (b - a).clamp(0, 8 * 3_600_000);
    for round in 0..300 {
        let n = rng.pick(&[0, 1, 2, 3, 10, 40, 150]);
        let facts: Vec<ContactFact> = (0..n).map(|i| random_fact(&mut rng, i)).collect();
        let s = random_settings(&mut rng);
        let total = figures(&facts, &s, &open);
        assert_eq!(
            total.offered,
            total.answered + total.abandoned + total.short_abandoned + total.other,
            "round {round}"
        );
        assert_eq!(total.left_messages, total.left_answered + total.left_open);
        assert_eq!(
            total.interpreter_requests,
            total.interpreter_joined + total.interpreter_never
        );
        assert_eq!(total.offered + total.left_messages, facts.len() as u64);
        assert_eq!(
            total.by_hour.iter().flatten().sum::<u64>(),
            facts.len() as u64
        );
        assert_eq!(
            total.survey_answered,
            total.satisfaction_scores.iter().sum::<u64>()
        );
        assert_eq!(
            total.survey_answered,
            total.question_answered.iter().sum::<u64>()
        );
        assert!(total.survey_answered <= total.survey_offered);
        assert!(total.connection_answers() <= total.survey_answered);
        assert_eq!(
            total.satisfaction.map_or(0, |m| m.n()),
            total.survey_answered
        );
        for fig in Figure::all(&s) {
            assert_eq!(
                Some(contacts(&facts, &s, fig).len() as u64),
                fig.count_in(&total),
                "round {round}: {}",
                fig.key()
            );
        }
        for b in Breakdown::ALL {
            let parts = breakdown(&facts, &s, &open, b);
            // Sorted by offered descending, then key.
            for w in parts.windows(2) {
                let (ka, a) = &w[0];
                let (kb, bb) = &w[1];
                assert!(a.offered > bb.offered || (a.offered == bb.offered && ka < kb));
            }
            // Counts add up.
            let mut sum = vec![0u64; counts(&total).len()];
            for (k, p) in &parts {
                for (acc, c) in sum.iter_mut().zip(counts(p)) {
                    *acc += c;
                }
                // The part's figures are those of its own contacts.
                let own: Vec<ContactFact> =
                    facts.iter().filter(|c| k.matches(c)).cloned().collect();
                assert_eq!(figures(&own, &s, &open), *p);
            }
            assert_eq!(sum, counts(&total), "round {round}, {b:?}");
            // Average satisfaction: the count-weighted mean of the parts' means (exactly,
            // as fractions: sum over n), each part's mean its own scores.
            if let Some(m) = total.satisfaction {
                let weighted: f64 = parts
                    .iter()
                    .filter_map(|(_, p)| p.satisfaction)
                    .map(|pm| pm.value() * pm.n() as f64)
                    .sum();
                assert!(
                    (m.value() * m.n() as f64 - weighted).abs() < 1e-6,
                    "round {round}, {b:?}: satisfaction"
                );
            } else {
                assert!(parts.iter().all(|(_, p)| p.satisfaction.is_none()));
            }
            // Averages: the count-weighted mean of the parts' averages, within the parts'
            // rounding (each average is at most 0.5 ms off its exact value, so the two
            // sides differ by at most 1 ms).
            for (i, (n, mean, p90)) in averages(&total).into_iter().enumerate() {
                let mut weighted: i128 = 0;
                let mut part_p90s = Vec::new();
                for (_, p) in &parts {
                    let (pn, pm, pp) = averages(p)[i];
                    assert_eq!(pm.is_some(), pn > 0);
                    weighted += i128::from(pn) * i128::from(pm.unwrap_or(0));
                    if let Some(Some(v)) = pp {
                        part_p90s.push(v);
                    }
                }
                match mean {
                    None => assert_eq!(n, 0),
                    Some(m) => {
                        let diff = (i128::from(m) * i128::from(n) - weighted).abs();
                        assert!(diff <= i128::from(n), "round {round}, {b:?}, average {i}");
                    }
                }
                // A nearest-rank percentile of a union lies between the parts' own.
                if let Some(Some(p)) = p90 {
                    let lo = part_p90s.iter().min().copied().unwrap();
                    let hi = part_p90s.iter().max().copied().unwrap();
                    assert!(lo <= p && p <= hi, "round {round}, {b:?}, p90 {i}");
                }
            }
        }
    }
}

#[test]
fn no_input_makes_it_panic() {
    let extremes = [Millis::MIN, -1, 0, 1, Millis::MAX];
    let mut facts = Vec::new();
    let mut id = 0;
    for &q in &extremes {
        for &t in &extremes {
            for channel in ReportChannel::ALL {
                id += 1;
                let mut f = fact(id, channel, q);
                f.answered_at = Some(t);
                f.ended_at = Some(q);
                f.wrapped_at = Some(t);
                f.resolved = Some(true);
                f.interpreter_requested_at = Some(t);
                f.interpreter_joined_at = Some(q);
                f.survey_offered_at = Some(t);
                f.survey = Some(SurveyAnswer {
                    at: q,
                    satisfaction: [0, 1, 5, 6, u8::MAX][id as usize % 5],
                    answered: QuestionAnswered::Partly,
                    connection: Some(Connection::Sometimes),
                });
                facts.push(f);
                let mut g = fact(id + 1000, channel, q);
                g.abandoned_at = Some(t);
                facts.push(g);
            }
        }
    }
    let weird_hours = |a: Millis, b: Millis| b.wrapping_sub(a);
    for s in [
        ReportSettings::default(),
        ReportSettings {
            short_abandon_ms: Millis::MIN,
            thresholds_s: vec![0, u32::MAX],
            min_survey_answers: 0,
        },
        ReportSettings {
            short_abandon_ms: Millis::MAX,
            thresholds_s: vec![],
            min_survey_answers: 0,
        },
    ] {
        let f = figures(&facts, &s, &weird_hours);
        assert_eq!(
            f.offered,
            f.answered + f.abandoned + f.short_abandoned + f.other
        );
        for b in Breakdown::ALL {
            breakdown(&facts, &s, &weird_hours, b);
        }
        for fig in Figure::all(&s) {
            assert_eq!(
                Some(contacts(&facts, &s, fig).len() as u64),
                fig.count_in(&f)
            );
        }
        let norms = [
            Norm {
                metric: NormMetric::AnsweredWithin { seconds: u32::MAX },
                channel: None,
                target: f64::INFINITY,
            },
            Norm {
                metric: NormMetric::LeftAnsweredWithin { hours: u32::MAX },
                channel: Some(ReportChannel::LeftMessage),
                target: -1.0,
            },
        ];
        norm_table(&facts, &s, &norms);
        crate::insight::export::figures_csv(&[("x".to_string(), &f)], &s);
    }
    crate::insight::export::facts_csv(&facts, &|_| Default::default());
}
