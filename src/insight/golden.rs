//! The golden fixture: 38 contacts of one week (nine satisfaction surveys answered),
//! every figure worked out by hand.
//!
//! The week is Monday 2 to Sunday 8 March 2026 (winter time, UTC+1 throughout; two left
//! messages are answered on Monday 9 March). Queue 1 is the chat queue, queue 2 the video
//! queue. Settings are the defaults: short abandon 5 s, thresholds 20, 30 and 60 s.
//! Opening hours for left messages: Monday to Friday 09:00-17:00.
//!
//! The expected values below were computed by hand from the table (the arithmetic is
//! written out beside each one) and cross-checked by a separate script, never by running
//! the code under test. If a definition changes (inclusive thresholds, the short-abandon
//! rule, what counts as offered, rounding, the percentile rank), this test fails: update
//! it only together with the definitions the page prints.

use super::export::figures_csv;
use super::figures::*;
use super::survey::{Hidden, SurveyPrivacy};
use super::{
    Connection, ContactFact, ContactRef, Millis, OriginKind, QuestionAnswered, ReportChannel,
    SurveyAnswer,
};
use crate::schedule::{Schedule, parse_day};
use chrono::{DateTime, TimeZone};
use chrono_tz::Europe::Amsterdam;

use OriginKind::{AccessibilityReport, Kiosk, Link, Web};
use ReportChannel::{Chat, LeftMessage, Video, VideoInterpreter};

/// Local time in Amsterdam on a day of March 2026.
fn mar(day: u32, h: u32, m: u32) -> Millis {
    Amsterdam
        .with_ymd_and_hms(2026, 3, day, h, m, 0)
        .single()
        .unwrap()
        .timestamp_millis()
}

fn base(contact: ContactRef, queue_id: i64, channel: ReportChannel, at: Millis) -> ContactFact {
    ContactFact::new(contact, queue_id, channel, Web, at)
}

fn live(id: i64, queue: i64, channel: ReportChannel, at: Millis) -> ContactFact {
    base(ContactRef::Conversation(id), queue, channel, at)
}

fn message(id: i64, queue: i64, at: Millis) -> ContactFact {
    let mut f = base(ContactRef::Message(id), queue, LeftMessage, at);
    f.origin = OriginKind::LeftMessage;
    f
}

/// Builder steps; times are offsets from the previous step, as a supervisor reads them.
trait Step: Sized {
    fn topic(self, t: i64) -> Self;
    fn from(self, o: OriginKind) -> Self;
    /// Answered by `agent` after waiting `wait` ms.
    fn answer(self, agent: i64, wait: Millis) -> Self;
    /// Ended `talk` ms after the answer.
    fn talk(self, talk: Millis) -> Self;
    /// Wrapped up `wrap` ms after the end.
    fn wrap(self, wrap: Millis, resolved: Option<bool>, topic: &str) -> Self;
    /// Left after waiting `wait` ms, at queue position `pos`.
    fn leave(self, wait: Millis, pos: Option<u32>) -> Self;
    /// An interpreter asked for `after` ms after queueing; joined `join` ms later.
    fn interpreter(self, after: Millis, join: Option<Millis>) -> Self;
}

impl Step for ContactFact {
    fn topic(mut self, t: i64) -> Self {
        self.topic_id = Some(t);
        self
    }
    fn from(mut self, o: OriginKind) -> Self {
        self.origin = o;
        self
    }
    fn answer(mut self, agent: i64, wait: Millis) -> Self {
        self.agent_id = Some(agent);
        self.answered_at = Some(self.queued_at + wait);
        self
    }
    fn talk(mut self, talk: Millis) -> Self {
        self.ended_at = self.answered_at.map(|a| a + talk);
        self
    }
    fn wrap(mut self, wrap: Millis, resolved: Option<bool>, topic: &str) -> Self {
        self.wrapped_at = self.ended_at.map(|e| e + wrap);
        self.resolved = resolved;
        self.wrapup_topic = Some(topic.to_string());
        self
    }
    fn leave(mut self, wait: Millis, pos: Option<u32>) -> Self {
        self.abandoned_at = Some(self.queued_at + wait);
        self.abandon_position = pos;
        self
    }
    fn interpreter(mut self, after: Millis, join: Option<Millis>) -> Self {
        let asked = self.queued_at + after;
        self.interpreter_requested_at = Some(asked);
        self.interpreter_joined_at = join.map(|j| asked + j);
        self
    }
}

const YES: Option<bool> = Some(true);
const NO: Option<bool> = Some(false);
const UNKNOWN: Option<bool> = None;

/// The week with its satisfaction surveys: every answered live contact that ended
/// (1-19) was offered the survey when it ended; nine residents answered.
fn week() -> Vec<ContactFact> {
    use Connection::{Bad, Good};
    use QuestionAnswered::{No, Partly, Yes};
    // id, score, "was your question answered?", connection (interpreter calls 13, 17).
    #[rustfmt::skip]
    let answers: [(i64, u8, QuestionAnswered, Option<Connection>); 9] = [
        (1, 5, Yes, None),      // chat, queue 1, agent 11
        (2, 4, Yes, None),      // chat, queue 1, agent 11
        (3, 2, Partly, None),   // chat, queue 1, agent 12
        (6, 5, Yes, None),      // chat, queue 1, agent 11
        (8, 3, No, None),       // video, queue 2, agent 14
        (13, 4, Yes, Some(Good)), // video-tolk, queue 2, agent 14
        (15, 5, Yes, None),     // video, queue 2, agent 14
        (17, 1, No, Some(Bad)), // video-tolk, queue 2, agent 14
        (19, 4, Partly, None),  // video, queue 2, agent 12
    ];
    let mut facts = week_contacts();
    for f in &mut facts {
        if f.channel != LeftMessage && f.answered_at.is_some() {
            f.survey_offered_at = f.ended_at;
        }
        if let Some(&(_, satisfaction, answered, connection)) = answers
            .iter()
            .find(|(id, ..)| f.contact == ContactRef::Conversation(*id))
        {
            f.survey = f.survey_offered_at.map(|at| SurveyAnswer {
                at: at + 120_000,
                satisfaction,
                answered,
                connection,
            });
        }
    }
    facts
}

/// The week. Columns: id, queue, channel, local queue time; then what happened.
#[rustfmt::skip]
fn week_contacts() -> Vec<ContactFact> {
    vec![
        // --- Answered live contacts (21): answer time, talk, wrap-up ---------------------
        live(1, 1, Chat, mar(2, 9, 2)).topic(100).answer(11, 3_000).talk(240_000).wrap(30_000, YES, "Paspoort"),
        live(2, 1, Chat, mar(2, 9, 10)).topic(100).answer(11, 5_000).talk(300_000).wrap(45_000, YES, "Paspoort"),
        live(3, 1, Chat, mar(2, 10, 15)).topic(101).from(Kiosk).answer(12, 8_000).talk(180_000).wrap(20_000, NO, "Parkeren"),
        live(4, 1, Chat, mar(2, 11, 40)).topic(101).answer(12, 12_500).talk(420_000).wrap(60_000, YES, "Parkeren"),
        live(5, 1, Chat, mar(2, 14, 5)).from(Link).answer(13, 15_000).talk(600_000).wrap(90_000, UNKNOWN, "Overig"),
        live(6, 1, Chat, mar(3, 9, 30)).topic(102).answer(11, 19_999).talk(150_000).wrap(15_000, YES, "Afval"),
        live(7, 1, Chat, mar(3, 9, 45)).topic(102).answer(13, 20_000).talk(200_000).wrap(25_000, YES, "Afval"),
        live(8, 2, Video, mar(3, 10, 0)).topic(100).answer(14, 20_000).talk(900_000).wrap(120_000, NO, "Paspoort"),
        live(9, 2, Video, mar(3, 13, 20)).topic(100).from(Kiosk).answer(14, 20_001).talk(720_000).wrap(100_000, YES, "Paspoort"),
        live(10, 1, Chat, mar(4, 9, 15)).topic(101).answer(12, 25_000).talk(330_000).wrap(40_000, YES, "Parkeren"),
        live(11, 2, Video, mar(4, 11, 0)).topic(101).from(Link).answer(14, 30_000).talk(480_000),
        live(12, 1, Chat, mar(4, 15, 30)).answer(11, 30_000).talk(270_000).wrap(35_008, UNKNOWN, "=HYPERLINK(\"http://x\",\"klik\")"),
        live(13, 2, VideoInterpreter, mar(5, 9, 5)).topic(100).answer(14, 31_000).talk(1_200_000).wrap(180_000, YES, "Paspoort, \"spoed\"").interpreter(0, Some(30_000)),
        live(14, 1, Chat, mar(5, 10, 30)).topic(102).from(Kiosk).answer(13, 45_000).talk(360_000).wrap(50_000, NO, "Afval"),
        live(15, 2, Video, mar(5, 14, 45)).topic(102).answer(14, 60_000).talk(540_000).wrap(70_000, UNKNOWN, "Afval"),
        live(16, 1, Chat, mar(6, 9, 20)).topic(100).answer(12, 61_000).talk(210_000),
        live(17, 2, VideoInterpreter, mar(6, 10, 10)).topic(101).from(Kiosk).answer(14, 90_000).talk(1_500_000).wrap(240_000, YES, "Parkeren").interpreter(0, Some(45_500)),
        live(18, 1, Chat, mar(6, 11, 55)).topic(101).answer(13, 120_000).talk(390_000),
        live(19, 2, Video, mar(6, 15, 0)).from(Link).answer(12, 150_000).talk(660_000).wrap(80_000, NO, "Overig"),
        // Still talking: answered, not ended.
        live(20, 1, Chat, mar(2, 16, 50)).topic(100).answer(11, 200_000),
        // An interpreter asked for one minute into the call, joined two minutes later.
        live(21, 2, VideoInterpreter, mar(4, 13, 0)).topic(100).answer(14, 240_000).interpreter(300_000, Some(120_000)),
        // --- Abandoned after at least 5 s (5): ------------------------------------------
        live(22, 1, Chat, mar(2, 9, 30)).topic(100).leave(5_000, Some(2)), // exactly 5 s: abandoned
        live(23, 1, Chat, mar(3, 10, 5)).topic(101).from(Kiosk).leave(6_000, Some(1)),
        live(24, 2, Video, mar(4, 10, 40)).topic(102).leave(40_000, Some(3)),
        live(25, 2, VideoInterpreter, mar(5, 11, 15)).topic(100).from(Link).leave(95_000, Some(1)).interpreter(0, None),
        live(26, 1, Chat, mar(6, 14, 10)).leave(180_000, None),
        // --- Short abandoned, under 5 s (3): ----------------------------------------------
        live(27, 1, Chat, mar(2, 12, 0)).topic(100).leave(3_000, Some(1)),
        live(28, 2, Video, mar(3, 16, 20)).topic(101).from(Kiosk).leave(4_999, Some(1)), // 1 ms short
        live(29, 1, Chat, mar(5, 16, 55)).from(Link).leave(1_000, Some(4)),
        // --- Other: neither answered nor abandoned (3) ------------------------------------
        live(30, 1, Chat, mar(6, 16, 58)).topic(102), // still waiting
        live(31, 2, Video, mar(4, 17, 5)).topic(100), // closed by the system
        live(32, 2, VideoInterpreter, mar(5, 15, 40)).topic(101).from(Kiosk).interpreter(10_000, None),
        // --- Left messages (6) ------------------------------------------------------------
        // Monday 10:00, answered 11:30: 1.5 h wall-clock, 1.5 h open. Resolved (a wrap-up
        // answer on a message counts for first-contact resolution).
        {
            let mut m = message(101, 1, mar(2, 10, 0)).topic(100).answer(11, 5_400_000);
            m.resolved = YES;
            m
        },
        // Friday 16:00, answered Monday 9 March 10:00: 66 h wall-clock, 1 h + 1 h open.
        message(102, 1, mar(6, 16, 0)).topic(101).answer(12, mar(9, 10, 0) - mar(6, 16, 0)),
        // Saturday 12:00 (an accessibility report), answered Monday 09:30: 45.5 h, 0.5 h open.
        message(103, 2, mar(7, 12, 0)).from(AccessibilityReport).answer(13, mar(9, 9, 30) - mar(7, 12, 0)),
        // Tuesday 08:00, answered 13:15: 5.25 h wall-clock, 4.25 h open (from 09:00).
        // Closed and wrapped up afterwards: not a talk or wrap-up time (live only).
        message(104, 2, mar(3, 8, 0)).topic(102).answer(14, mar(3, 13, 15) - mar(3, 8, 0)).talk(600_000).wrap(60_000, UNKNOWN, "Afval"),
        // Not answered yet.
        message(105, 1, mar(4, 20, 0)).topic(100),
        message(106, 2, mar(8, 11, 0)).from(AccessibilityReport),
    ]
}

fn office() -> Schedule {
    let day = parse_day("09:00-17:00").unwrap();
    let mut s = Schedule::default();
    for d in 0..5 {
        s.weekly[d] = day.clone();
    }
    s
}

fn open_ms(schedule: &Schedule) -> impl Fn(Millis, Millis) -> Millis + '_ {
    |a, b| match (
        DateTime::from_timestamp_millis(a),
        DateTime::from_timestamp_millis(b),
    ) {
        (Some(a), Some(b)) => schedule.open_ms_between(a, b),
        _ => 0,
    }
}

fn sl(t: u32, within: u64, answered: u64, answered_abandoned: u64) -> ServiceLevel {
    ServiceLevel {
        threshold_s: t,
        answered_within: within,
        sl_answered: Share::of(within, answered),
        sl_offered: Share::of(within, answered_abandoned),
    }
}

/// The whole `Figures` of the week, by hand.
fn expected() -> Figures {
    let mut by_hour = [[0u64; 24]; 7];
    // Queue times by local weekday and hour (all 38 contacts, messages included):
    // Mon: 09:02 09:10 09:30 | 10:15 10:00(msg) | 11:40 | 12:00 | 14:05 | 16:50   = 9
    // Tue: 08:00(msg) | 09:30 09:45 | 10:00 10:05 | 13:20 | 16:20                  = 7
    // Wed: 09:15 | 10:40 | 11:00 | 13:00 | 15:30 | 17:05 | 20:00(msg)              = 7
    // Thu: 09:05 | 10:30 | 11:15 | 14:45 | 15:40 | 16:55                           = 6
    // Fri: 09:20 | 10:10 | 11:55 | 14:10 | 15:00 | 16:00(msg) 16:58                 = 7
    // Sat: 12:00(msg) = 1; Sun: 11:00(msg) = 1.                       9+7+7+6+7+1+1 = 38
    #[rustfmt::skip]
    const CELLS: [(usize, usize, u64); 32] = [
        (0, 9, 3), (0, 10, 2), (0, 11, 1), (0, 12, 1), (0, 14, 1), (0, 16, 1),
        (1, 8, 1), (1, 9, 2), (1, 10, 2), (1, 13, 1), (1, 16, 1),
        (2, 9, 1), (2, 10, 1), (2, 11, 1), (2, 13, 1), (2, 15, 1), (2, 17, 1), (2, 20, 1),
        (3, 9, 1), (3, 10, 1), (3, 11, 1), (3, 14, 1), (3, 15, 1), (3, 16, 1),
        (4, 9, 1), (4, 10, 1), (4, 11, 1), (4, 14, 1), (4, 15, 1), (4, 16, 2),
        (5, 12, 1), (6, 11, 1),
    ];
    for (d, h, n) in CELLS {
        by_hour[d][h] = n;
    }
    Figures {
        // Live contacts: ids 1-32. Left messages 101-106 are not offered.
        offered: 32,
        // Ids 1-21.
        answered: 21,
        // 22 (exactly 5 s: not short), 23 (6 s), 24 (40 s), 25 (95 s), 26 (180 s).
        abandoned: 5,
        // 27 (3 s), 28 (4.999 s), 29 (1 s).
        short_abandoned: 3,
        // 30, 31, 32.
        other: 3,
        // 32 = 21 + 5 + 3 + 3.
        // abandon rate = 5 / (32 - 3) = 5 / 29 = 17.24 %.
        abandon_rate: Share::of(5, 29),
        // Answer times (s): 3 + 5 + 8 + 12.5 + 15 + 19.999 + 20 + 20 + 20.001 + 25 + 30
        // + 30 + 31 + 45 + 60 + 61 + 90 + 120 + 150 + 200 + 240 = 1205.5 s over 21;
        // 1_205_500 / 21 = 57_404.76 ms -> 57_405 ms.
        asa_ms: Some(57_405),
        // Rank ceil(0.9 * 21) = ceil(18.9) = 19 of the sorted list above: 150 s.
        p90_answer_ms: Some(150_000),
        service_levels: vec![
            // <= 20 s: 3, 5, 8, 12.5, 15, 19.999, 20, 20 = 8 (20.001 is not within).
            // 8 / 21 = 38.1 %; 8 / (21 + 5) = 8 / 26 = 30.8 %.
            sl(20, 8, 21, 26),
            // <= 30 s: those 8 + 20.001, 25, 30, 30 = 12. 12/21 = 57.1 %, 12/26 = 46.2 %.
            sl(30, 12, 21, 26),
            // <= 60 s: those 12 + 31, 45, 60 = 15 (61 is not). 71.4 %, 57.7 %.
            sl(60, 15, 21, 26),
        ],
        // Answered and ended: 1-19 (20 and 21 still talking) = 19. Talk (s): 240 + 300 +
        // 180 + 420 + 600 + 150 + 200 + 900 + 720 + 330 + 480 + 270 + 1200 + 360 + 540 +
        // 210 + 1500 + 390 + 660 = 9650 s; 9_650_000 / 19 = 507_894.74 -> 507_895 ms.
        talk_n: 19,
        talk_ms: Some(507_895),
        // (Message 104 was closed and wrapped up too, but a message has no talk time.)
        // Ended and wrapped: 1-10, 12-15, 17, 19 = 16 (11, 16, 18 not wrapped up).
        // Wrap (s): 30 + 45 + 20 + 60 + 90 + 15 + 25 + 120 + 100 + 40 + 35.008 + 180 + 50
        // + 70 + 240 + 80 = 1200.008 s; 1_200_008 / 16 = 75_000.5 -> 75_001 ms (half up).
        wrap_n: 16,
        wrap_ms: Some(75_001),
        // Yes: 1, 2, 4, 6, 7, 9, 10, 13, 17 and message 101 = 10.
        // No: 3, 8, 14, 19 = 4. Unknown (5, 12, 15) not counted. 10 / 14 = 71.4 %.
        resolved_yes: 10,
        resolved_known: 14,
        fcr: Share::of(10, 14),
        // Messages 101-106; answered 101-104; open 105, 106.
        left_messages: 6,
        left_answered: 4,
        left_open: 2,
        // Wall-clock (h): 1.5 + 66 + 45.5 + 5.25 = 118.25 h = 425_700_000 ms;
        // / 4 = 106_425_000 ms. Rank ceil(0.9 * 4) = 4 of (1.5, 5.25, 45.5, 66): 66 h.
        left_response_ms: Some(106_425_000),
        left_response_p90_ms: Some(237_600_000),
        // Opening hours (h): 1.5 + 2 + 0.5 + 4.25 = 8.25 h = 29_700_000 ms; / 4 =
        // 7_425_000 ms. Rank 4 of (0.5, 1.5, 2, 4.25): 4.25 h = 15_300_000 ms.
        left_response_open_ms: Some(7_425_000),
        left_response_open_p90_ms: Some(15_300_000),
        // Asked: 13, 17, 21, 25, 32 = 5; joined 13 (30 s), 17 (45.5 s), 21 (120 s);
        // never 25, 32. (30_000 + 45_500 + 120_000) / 3 = 195_500 / 3 = 65_166.67 ->
        // 65_167 ms. Rank ceil(2.7) = 3: 120 s.
        interpreter_requests: 5,
        interpreter_joined: 3,
        interpreter_never: 2,
        interpreter_wait_ms: Some(65_167),
        interpreter_wait_p90_ms: Some(120_000),
        by_hour,
        // Offered: answered and ended live contacts 1-19 (20 and 21 still talking, and
        // never after an abandon or for a left message) = 19. Answered: 1, 2, 3, 6, 8,
        // 13, 15, 17, 19 = 9. Response 9 / 19 = 47.4 %.
        survey_offered: 19,
        survey_answered: 9,
        survey_response: Share::of(9, 19),
        // Scores 5 + 4 + 2 + 5 + 3 + 4 + 5 + 1 + 4 = 33 over 9 = 3.67 -> "3.7".
        satisfaction: Mean::of(33, 9),
        // 1: (17); 2: (3); 3: (8); 4: (2, 13, 19); 5: (1, 6, 15).
        satisfaction_scores: [1, 1, 1, 3, 3],
        // Yes: 1, 2, 6, 13, 15; partly: 3, 19; no: 8, 17.
        question_answered: [5, 2, 2],
        // Only the two interpreter calls answered it: 13 good, 17 bad.
        connection: [1, 0, 1],
    }
}

#[test]
fn the_week_by_hand() {
    let facts = week();
    assert_eq!(facts.len(), 38);
    let s = ReportSettings::default();
    let schedule = office();
    let open = open_ms(&schedule);
    let f = figures(&facts, &s, &open);
    assert_eq!(f, expected());

    // The total row of the CSV, cell by cell from the figures above:
    // 17.2 = 5/29; 57 = 57.405 s; 150 s; per threshold: count, % of answered, % of
    // answered + abandoned; 508 = 507.895 s; 75 = 75.001 s; 71.4 = 10/14; left-message
    // times in s; 65 = 65.167 s.
    let csv = figures_csv(&[("Totaal".to_string(), &f)], &s);
    let records: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        records.len(),
        3,
        "header, total, and the empty rest after the last CRLF"
    );
    assert_eq!(records[2], "");
    let total_row = records[1];
    assert_eq!(
        total_row,
        "Totaal,32,21,5,3,3,17.2,57,150,\
         8,38.1,30.8,12,57.1,46.2,15,71.4,57.7,\
         19,508,16,75,10,14,71.4,\
         6,4,2,106425,237600,7425,15300,\
         5,3,2,65,120,\
         19,9,47.4,3.7,33,1,1,1,3,3,5,2,2,1,0,1,2,"
    );
}

#[test]
fn the_week_survey_by_channel_and_who_is_hidden() {
    let facts = week();
    let s = ReportSettings::default();
    let schedule = office();
    let open = open_ms(&schedule);
    /// A part: offered, answered, and the satisfaction's (sum, n).
    type SurveyRow = (BreakdownKey, u64, u64, Option<(u64, u64)>);
    let survey = |b: Breakdown| -> Vec<SurveyRow> {
        breakdown(&facts, &s, &open, b)
            .into_iter()
            .map(|(k, f)| {
                let m = f.satisfaction.map(|m| (m.sum(), m.n()));
                (k, f.survey_offered, f.survey_answered, m)
            })
            .collect()
    };
    use BreakdownKey::{Agent, Channel, Interpreter};
    assert_eq!(
        survey(Breakdown::Channel),
        vec![
            // Chat ended: 1-7, 10, 12, 14, 16, 18 = 12; answered 1, 2, 3, 6: 5+4+2+5 = 16.
            (Channel(Chat), 12, 4, Some((16, 4))),
            // Video ended: 8, 9, 11, 15, 19 = 5; answered 8, 15, 19: 3+5+4 = 12.
            (Channel(Video), 5, 3, Some((12, 3))),
            // Video with interpreter ended: 13, 17; both answered: 4+1 = 5 (2.5).
            (Channel(VideoInterpreter), 2, 2, Some((5, 2))),
            (Channel(LeftMessage), 0, 0, None),
        ]
    );
    // 16 + 12 + 5 = 33 over 4 + 3 + 2 = 9: the total, exactly. With an interpreter (asked
    // for, or the video-tolk channel): 13, 17, 21, 25, 32; surveys of 13 and 17.
    assert_eq!(
        survey(Breakdown::Interpreter),
        vec![
            // Without an interpreter (27 live contacts and the messages; sorted first):
            // surveys offered 19 - 2 = 17, answered 1, 2, 3, 6, 8, 15, 19: 5+4+2+5+3+5+4.
            (Interpreter(false), 17, 7, Some((28, 7))),
            (Interpreter(true), 2, 2, Some((5, 2))),
        ]
    );
    let mut by_agent = survey(Breakdown::Agent);
    by_agent.sort_by_key(|r| r.0);
    assert_eq!(
        by_agent,
        vec![
            // Never answered (abandoned, other, message 105/106): no surveys.
            (Agent(None), 0, 0, None),
            // 11: ended 1, 2, 6, 12; answered 1, 2, 6 (5+4+5).
            (Agent(Some(11)), 4, 3, Some((14, 3))),
            // 12: ended 3, 4, 10, 16, 19; answered 3, 19 (2+4).
            (Agent(Some(12)), 5, 2, Some((6, 2))),
            // 13: ended 5, 7, 14, 18; nobody answered.
            (Agent(Some(13)), 4, 0, None),
            // 14: ended 8, 9, 11, 13, 15, 17; answered 8, 13, 15, 17 (3+4+5+1).
            (Agent(Some(14)), 6, 4, Some((13, 4))),
        ]
    );

    // At the default minimum of 5 answers every staff member is hidden; the team total is
    // shown (three staff members with answers: none can be singled out).
    let p = SurveyPrivacy::new(&facts, s.min_survey_answers);
    for a in [11, 12, 13, 14] {
        assert_eq!(p.agent(Some(a)), Some(Hidden::TooFew), "agent {a}");
    }
    assert_eq!(p.set(facts.iter()), None);
    // At a minimum of 3: 12 (2 answers) and 13 (none) are too few; 12 would be the only
    // hidden one with answers, so 11 (3, fewer than 14's 4) is withheld with them.
    let p = SurveyPrivacy::new(&facts, 3);
    assert_eq!(p.agent(Some(12)), Some(Hidden::TooFew));
    assert_eq!(p.agent(Some(13)), Some(Hidden::TooFew));
    assert_eq!(p.agent(Some(11)), Some(Hidden::Withheld));
    assert_eq!(p.agent(Some(14)), None);
    // Per queue: queue 2 holds hidden 12 alone (19), so it is withheld; then total -
    // queue 1 would give queue 2, so queue 1 (hidden 11 and 12) goes as well.
    let queues = p.parts(&facts, Breakdown::Queue, true);
    assert_eq!(queues[&BreakdownKey::Queue(2)], Some(Hidden::TooFew));
    assert_eq!(queues[&BreakdownKey::Queue(1)], Some(Hidden::Withheld));
    // Per contact: the answers of 11, 12 and 13 stay out of lists and files.
    let hidden: Vec<ContactRef> = contacts(&facts, &s, Figure::SurveyAnswered)
        .into_iter()
        .filter(|c| p.hides_contact(c))
        .map(|c| c.contact)
        .collect();
    assert_eq!(
        hidden,
        [1, 2, 3, 6, 19].map(ContactRef::Conversation).to_vec()
    );
}

#[test]
fn the_week_by_channel() {
    let facts = week();
    let s = ReportSettings::default();
    let schedule = office();
    let open = open_ms(&schedule);
    let rows = breakdown(&facts, &s, &open, Breakdown::Channel);
    let keys: Vec<BreakdownKey> = rows.iter().map(|(k, _)| *k).collect();
    // Sorted by offered: chat 19, video 8, video-tolk 5, messages 0.
    assert_eq!(
        keys,
        [Chat, Video, VideoInterpreter, LeftMessage].map(BreakdownKey::Channel)
    );
    let summary: Vec<_> = rows
        .iter()
        .map(|(_, f)| {
            (
                f.offered,
                f.answered,
                f.abandoned,
                f.short_abandoned,
                f.other,
                f.asa_ms,
                f.p90_answer_ms,
                f.left_messages,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            // Chat: answered 1-7, 10, 12, 14, 16, 18, 20 = 13; abandoned 22, 23, 26;
            // short 27, 29; other 30. Answer times: 3 + 5 + 8 + 12.5 + 15 + 19.999 + 20
            // + 25 + 30 + 45 + 61 + 120 + 200 = 564.499 s; 564_499 / 13 = 43_422.99 ->
            // 43_423. Rank ceil(11.7) = 12 of 13: 120 s.
            (19, 13, 3, 2, 1, Some(43_423), Some(120_000), 0),
            // Video: answered 8, 9, 11, 15, 19: (20 + 20.001 + 30 + 60 + 150) = 280.001 s;
            // / 5 = 56_000.2 -> 56_000. Rank ceil(4.5) = 5: 150 s. Abandoned 24, short
            // 28, other 31.
            (8, 5, 1, 1, 1, Some(56_000), Some(150_000), 0),
            // Video with interpreter: answered 13, 17, 21: (31 + 90 + 240) / 3 = 120.333 s
            // -> 120_333. Rank 3: 240 s. Abandoned 25, other 32.
            (5, 3, 1, 0, 1, Some(120_333), Some(240_000), 0),
            // Messages: none offered, 6 left.
            (0, 0, 0, 0, 0, None, None, 6),
        ]
    );
    // Count-weighted: 43_423 * 13 + 56_000 * 5 + 120_333 * 3 = 1_205_498, against the
    // total's 1_205_500 / 21 (within the parts' rounding).
}

#[test]
fn the_week_drills_down_to_its_contacts() {
    let facts = week();
    let s = ReportSettings::default();
    let schedule = office();
    let f = figures(&facts, &s, &open_ms(&schedule));
    let ids = |fig: Figure| -> Vec<ContactRef> {
        contacts(&facts, &s, fig)
            .into_iter()
            .map(|c| c.contact)
            .collect()
    };
    let conv = |ids: &[i64]| -> Vec<ContactRef> {
        ids.iter().map(|&i| ContactRef::Conversation(i)).collect()
    };
    assert_eq!(
        ids(Figure::AnsweredWithin(20)),
        conv(&[1, 2, 3, 4, 5, 6, 7, 8])
    );
    assert_eq!(
        ids(Figure::AnsweredAfter(60)),
        conv(&[16, 17, 18, 19, 20, 21])
    );
    assert_eq!(ids(Figure::ShortAbandoned), conv(&[27, 28, 29]));
    assert_eq!(ids(Figure::Abandoned), conv(&[22, 23, 24, 25, 26]));
    assert_eq!(
        ids(Figure::Hour {
            weekday: 0,
            hour: 9
        }),
        conv(&[1, 2, 22])
    );
    assert_eq!(
        ids(Figure::LeftOpen),
        vec![ContactRef::Message(105), ContactRef::Message(106)]
    );
    assert_eq!(ids(Figure::InterpreterNever), conv(&[25, 32]));
    assert_eq!(
        ids(Figure::SurveyAnswered),
        conv(&[1, 2, 3, 6, 8, 13, 15, 17, 19])
    );
    assert_eq!(
        ids(Figure::SurveyUnanswered),
        conv(&[4, 5, 7, 9, 10, 11, 12, 14, 16, 18])
    );
    assert_eq!(ids(Figure::Satisfaction(4)), conv(&[2, 13, 19]));
    assert_eq!(ids(Figure::Question(QuestionAnswered::No)), conv(&[8, 17]));
    assert_eq!(ids(Figure::Connection(Connection::Bad)), conv(&[17]));
    // Every figure: the contacts listed are as many as the number shown.
    for fig in Figure::all(&s) {
        assert_eq!(
            Some(contacts(&facts, &s, fig).len() as u64),
            fig.count_in(&f),
            "{}",
            fig.key()
        );
    }
}

#[test]
fn the_week_against_its_norms() {
    let facts = week();
    let s = ReportSettings::default();
    let norms = [
        // 12 of 26 answered within 30 s: 0.46 < 0.8.
        Norm::parse("answered-within-30s", "", "80%").unwrap(),
        // Chat: 10 of (13 answered + 3 abandoned) within 60 s: 0.625 >= 0.5.
        Norm::parse("answered-within-60s", "chat", "0.5").unwrap(),
        // 5 / 29 = 0.172 > 0.1.
        Norm::parse("abandon-rate", "all", "10%").unwrap(),
        // Video: 1 (24) of 8 - 1 short (28) = 7: 0.143 <= 0.2.
        Norm::parse("abandon-rate", "video", "20%").unwrap(),
        // Within 8 h: 101 (1.5 h), 104 (5.25 h) of 6: 0.333 < 0.5.
        Norm::parse("left-answered-within-8h", "", "50%").unwrap(),
        // Within 72 h: 101, 102 (66 h), 103 (45.5 h), 104 of 6: 0.667 >= 0.5.
        Norm::parse("left-answered-within-72h", "bericht", "50%").unwrap(),
        // Messages have no service level: no data.
        Norm::parse("answered-within-20s", "bericht", "80%").unwrap(),
    ];
    let got: Vec<_> = norm_table(&facts, &s, &norms)
        .into_iter()
        .map(|r| (r.share.map(|s| (s.part(), s.whole())), r.n, r.met))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some((12, 26)), 26, Some(false)),
            (Some((10, 16)), 16, Some(true)),
            (Some((5, 29)), 29, Some(false)),
            (Some((1, 7)), 7, Some(true)),
            (Some((2, 6)), 6, Some(false)),
            (Some((4, 6)), 6, Some(true)),
            (None, 0, None),
        ]
    );
}
