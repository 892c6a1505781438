//! CSV exports: one row per contact, or one row per part of a report.
//!
//! A CSV file leaves the application and is opened in a spreadsheet, so three things
//! matter more than in the page:
//!
//! 1. **It must parse everywhere.** We write RFC 4180 through the `csv` crate: fields
//!    that contain a comma, a quote or a line break are quoted, quotes are doubled, and
//!    lines end in CRLF. Text is UTF-8 (names and topics have accents).
//! 2. **It must not run anything.** A spreadsheet treats a cell that starts with `=`,
//!    `+`, `-` or `@` as a formula, and a tab or carriage return at the start can smuggle
//!    one in; a wrap-up topic typed as `=HYPERLINK("http://evil", "click")` would become a
//!    live link in the manager's spreadsheet ("CSV injection"). Every cell that starts
//!    with one of those characters gets a leading apostrophe, which spreadsheets show as
//!    text. Our own numbers are never negative, so no figure is changed by this.
//! 3. **It must mean the same as the page.** The aggregate export takes the very
//!    [`Figures`] the page shows and only formats them: averages in whole seconds rounded
//!    half up, shares as percentages with one decimal and a dot (`71.4`), computed from
//!    the same two counts ([`Share::percent_text`]); a figure without data is an empty
//!    cell, as the page shows "n.v.t.".
//!
//! In the per-contact export instants are ISO 8601 in Amsterdam time with their offset
//! (`2026-03-29T03:30:00+02:00`), so the file reads as local time and still names one
//! instant, also in the doubled hour of October. Durations are whole seconds, rounded
//! down, empty when the contact has none. Names (queue, topic, staff member) are not in
//! the facts (no personal data there); the caller supplies them per contact.
//!
//! Survey answers follow the rules of [`super::survey`]: a contact whose survey answer
//! the report hides has empty survey cells (only `survey_offered` stays), and a part whose
//! survey figures the report withholds has empty survey cells and says why in
//! `survey_note`, exactly as the page does.
//!
//! Pure: strings in, a string out.

use super::figures::{Figures, ReportSettings, Share, survey_answer};
use super::{ContactFact, Millis};
use chrono::DateTime;
use chrono_tz::Europe::Amsterdam;
use std::borrow::Cow;

/// The names the per-contact export shows, supplied by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportNames {
    pub queue: String,
    pub topic: String,
    pub agent: String,
    /// The report hides this contact's survey answer (see [`super::survey`]).
    pub survey_hidden: bool,
}

/// The header of [`facts_csv`].
pub const FACTS_HEADER: [&str; 22] = [
    "reference",
    "queue",
    "channel",
    "topic",
    "origin",
    "agent",
    "queued_at",
    "answered_at",
    "abandoned_at",
    "ended_at",
    "wrapped_at",
    "answer_s",
    "talk_s",
    "wrap_s",
    "resolved",
    "interpreter_wait_s",
    "wrapup_topic",
    "survey_offered",
    "survey_answered",
    "satisfaction",
    "question_answered",
    "connection",
];

/// One row per contact, with a header (see [`FACTS_HEADER`]).
pub fn facts_csv(facts: &[ContactFact], names: &dyn Fn(&ContactFact) -> ExportNames) -> String {
    let header = FACTS_HEADER.iter().map(|h| h.to_string()).collect();
    let rows = facts.iter().map(|c| {
        let n = names(c);
        let whole_s = |from: Option<Millis>, to: Option<Millis>| match (from, to) {
            (Some(a), Some(b)) => (b.saturating_sub(a).max(0) / 1000).to_string(),
            _ => String::new(),
        };
        let mut row = vec![
            c.contact.reference(),
            n.queue,
            c.channel.key().to_string(),
            n.topic,
            c.origin.key().to_string(),
            n.agent,
            local_time(Some(c.queued_at)),
            local_time(c.answered_at),
            local_time(c.abandoned_at),
            local_time(c.ended_at),
            local_time(c.wrapped_at),
            whole_s(Some(c.queued_at), c.answered_at),
            whole_s(c.answered_at, c.ended_at),
            whole_s(c.ended_at, c.wrapped_at),
            c.resolved.map(yes_no).unwrap_or_default().to_string(),
            whole_s(c.interpreter_requested_at, c.interpreter_joined_at),
            c.wrapup_topic.clone().unwrap_or_default(),
        ];
        let offered = c.survey_offered_at.is_some();
        row.push(yes_no(offered).to_string());
        match (offered, n.survey_hidden, survey_answer(c)) {
            (false, _, _) | (true, true, _) => {
                row.extend([String::new(), String::new(), String::new(), String::new()])
            }
            (true, false, None) => row.extend([
                "nee".to_string(),
                String::new(),
                String::new(),
                String::new(),
            ]),
            (true, false, Some(a)) => row.extend([
                "ja".to_string(),
                a.satisfaction.to_string(),
                a.answered.key().to_string(),
                a.connection
                    .map(|k| k.key().to_string())
                    .unwrap_or_default(),
            ]),
        }
        row
    });
    write_csv(std::iter::once(header).chain(rows))
}

fn yes_no(b: bool) -> &'static str {
    if b { "ja" } else { "nee" }
}

/// The survey columns of [`figures_csv`], after the others.
pub const SURVEY_COLUMNS: [&str; 18] = [
    "survey_offered",
    "survey_answered",
    "survey_response_pct",
    "satisfaction_avg",
    "satisfaction_sum",
    "satisfaction_1",
    "satisfaction_2",
    "satisfaction_3",
    "satisfaction_4",
    "satisfaction_5",
    "question_yes",
    "question_partly",
    "question_no",
    "connection_good",
    "connection_sometimes",
    "connection_bad",
    "connection_answers",
    "survey_note",
];

/// One row of [`figures_with_survey_csv`]: its label, its figures, and why its survey
/// figures are not shown (`None`: they are).
#[derive(Debug, Clone)]
pub struct FiguresRow<'a> {
    pub label: String,
    pub figures: &'a Figures,
    pub survey_hidden: Option<String>,
}

/// The header of [`figures_csv`] for these settings.
pub fn figures_header(s: &ReportSettings) -> Vec<String> {
    let mut h: Vec<String> = [
        "part",
        "offered",
        "answered",
        "abandoned",
        "short_abandoned",
        "other",
        "abandon_rate_pct",
        "asa_s",
        "p90_answer_s",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    for t in s.thresholds() {
        h.push(format!("answered_within_{t}s"));
        h.push(format!("sl_answered_{t}s_pct"));
        h.push(format!("sl_offered_{t}s_pct"));
    }
    h.extend(
        [
            "talk_n",
            "talk_avg_s",
            "wrap_n",
            "wrap_avg_s",
            "resolved_yes",
            "resolved_known",
            "fcr_pct",
            "left_messages",
            "left_answered",
            "left_open",
            "left_response_avg_s",
            "left_response_p90_s",
            "left_response_open_avg_s",
            "left_response_open_p90_s",
            "interpreter_requests",
            "interpreter_joined",
            "interpreter_never",
            "interpreter_wait_avg_s",
            "interpreter_wait_p90_s",
        ]
        .iter()
        .map(|c| c.to_string()),
    );
    h.extend(SURVEY_COLUMNS.iter().map(|c| c.to_string()));
    h
}

/// One row per part (the caller puts the total first), with a header (see
/// [`figures_header`]). Service levels follow the settings' thresholds; a threshold a
/// `Figures` was not computed for gives empty cells.
pub fn figures_csv(rows: &[(String, &Figures)], s: &ReportSettings) -> String {
    let rows: Vec<FiguresRow> = rows
        .iter()
        .map(|(label, f)| FiguresRow {
            label: label.clone(),
            figures: f,
            survey_hidden: None,
        })
        .collect();
    figures_with_survey_csv(&rows, s)
}

/// As [`figures_csv`], with rows whose survey figures are hidden: their survey cells
/// are empty and `survey_note` says why.
pub fn figures_with_survey_csv(rows: &[FiguresRow], s: &ReportSettings) -> String {
    let thresholds = s.thresholds();
    let body = rows.iter().map(|row| {
        let (label, f) = (&row.label, row.figures);
        let mut r = vec![
            label.clone(),
            f.offered.to_string(),
            f.answered.to_string(),
            f.abandoned.to_string(),
            f.short_abandoned.to_string(),
            f.other.to_string(),
            pct(f.abandon_rate),
            secs(f.asa_ms),
            secs(f.p90_answer_ms),
        ];
        for &t in &thresholds {
            match f.service_level(t) {
                Some(l) => {
                    r.push(l.answered_within.to_string());
                    r.push(pct(l.sl_answered));
                    r.push(pct(l.sl_offered));
                }
                None => r.extend([String::new(), String::new(), String::new()]),
            }
        }
        r.extend([
            f.talk_n.to_string(),
            secs(f.talk_ms),
            f.wrap_n.to_string(),
            secs(f.wrap_ms),
            f.resolved_yes.to_string(),
            f.resolved_known.to_string(),
            pct(f.fcr),
            f.left_messages.to_string(),
            f.left_answered.to_string(),
            f.left_open.to_string(),
            secs(f.left_response_ms),
            secs(f.left_response_p90_ms),
            secs(f.left_response_open_ms),
            secs(f.left_response_open_p90_ms),
            f.interpreter_requests.to_string(),
            f.interpreter_joined.to_string(),
            f.interpreter_never.to_string(),
            secs(f.interpreter_wait_ms),
            secs(f.interpreter_wait_p90_ms),
        ]);
        match &row.survey_hidden {
            Some(why) => {
                r.extend(std::iter::repeat_n(String::new(), SURVEY_COLUMNS.len() - 1));
                r.push(why.clone());
            }
            None => {
                r.extend([
                    f.survey_offered.to_string(),
                    f.survey_answered.to_string(),
                    pct(f.survey_response),
                    f.satisfaction.map(|m| m.text()).unwrap_or_default(),
                    f.satisfaction.map_or(0, |m| m.sum()).to_string(),
                ]);
                r.extend(f.satisfaction_scores.iter().map(u64::to_string));
                r.extend(f.question_answered.iter().map(u64::to_string));
                r.extend(f.connection.iter().map(u64::to_string));
                r.push(f.connection_answers().to_string());
                r.push(String::new());
            }
        }
        r
    });
    write_csv(std::iter::once(figures_header(s)).chain(body))
}

/// The hour table of a `Figures`: one row per weekday (`monday` first), one column per
/// local hour.
pub fn by_hour_csv(f: &Figures) -> String {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let header = std::iter::once("weekday".to_string())
        .chain((0..24).map(|h| h.to_string()))
        .collect();
    let rows = DAYS.iter().zip(&f.by_hour).map(|(day, hours)| {
        std::iter::once(day.to_string())
            .chain(hours.iter().map(|n| n.to_string()))
            .collect()
    });
    write_csv(std::iter::once(header).chain(rows))
}

/// Milliseconds as whole seconds, rounded half up; empty when `None`.
pub fn secs(ms: Option<Millis>) -> String {
    ms.map(|ms| ms.saturating_add(500).div_euclid(1000).to_string())
        .unwrap_or_default()
}

/// A share as a percentage with one decimal (`71.4`); empty when `None`.
pub fn pct(share: Option<Share>) -> String {
    share.map(|s| s.percent_text()).unwrap_or_default()
}

/// An instant as ISO 8601 in Amsterdam time with its offset, whole seconds; empty when
/// `None` (or not representable).
pub fn local_time(at: Option<Millis>) -> String {
    at.and_then(DateTime::from_timestamp_millis)
        .map(|t| {
            t.with_timezone(&Amsterdam)
                .format("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// A cell a spreadsheet would read as a formula, made text with a leading apostrophe.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// RFC 4180 (CRLF, quoting as needed), every cell defused.
fn write_csv(rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to memory cannot fail; all rows have the header's length.
        if w.write_record(row.iter().map(|c| defuse(c).into_owned()))
            .is_err()
        {
            break;
        }
    }
    match w.into_inner() {
        Ok(bytes) => String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::figures::figures;
    use crate::insight::{ContactRef, OriginKind, ReportChannel};

    fn utc(text: &str) -> Millis {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    fn fact(id: i64) -> ContactFact {
        let mut f = ContactFact::new(
            ContactRef::Conversation(id),
            1,
            ReportChannel::Chat,
            OriginKind::Web,
            utc("2026-03-29T01:30:00Z"),
        );
        f.topic_id = Some(7);
        f
    }

    fn names(c: &ContactFact) -> ExportNames {
        ExportNames {
            queue: format!("Wachtrij {}", c.queue_id),
            topic: "Paspoort, ID-kaart \"snel\"".to_string(),
            agent: c
                .agent_id
                .map(|a| format!("Medewerker {a}"))
                .unwrap_or_default(),
            // Medewerker 9's survey answers are hidden in this report.
            survey_hidden: c.agent_id == Some(9),
        }
    }

    #[test]
    fn survey_columns_per_contact() {
        use crate::insight::{Connection, QuestionAnswered, SurveyAnswer};
        let answered = |id, agent| {
            let mut f = fact(id);
            f.agent_id = Some(agent);
            f.answered_at = Some(f.queued_at + 1_000);
            f.ended_at = Some(f.queued_at + 61_000);
            f.survey_offered_at = f.ended_at;
            f
        };
        let mut a = answered(1, 3);
        a.survey = Some(SurveyAnswer {
            at: a.queued_at + 90_000,
            satisfaction: 4,
            answered: QuestionAnswered::Partly,
            connection: Some(Connection::Sometimes),
        });
        let b = answered(2, 3); // offered, not answered
        let mut c = answered(3, 9); // answered, but the report hides agent 9's answers
        c.survey = a.survey;
        let d = fact(4); // never offered
        let rows = read(&facts_csv(&[a, b, c, d], &names));
        let survey = |r: usize| rows[r].iter().skip(17).collect::<Vec<_>>();
        assert_eq!(
            survey(0),
            [
                "survey_offered",
                "survey_answered",
                "satisfaction",
                "question_answered",
                "connection"
            ]
        );
        assert_eq!(survey(1), ["ja", "ja", "4", "partly", "sometimes"]);
        assert_eq!(survey(2), ["ja", "nee", "", "", ""]);
        assert_eq!(survey(3), ["ja", "", "", "", ""]);
        assert_eq!(survey(4), ["nee", "", "", "", ""]);
    }

    #[test]
    fn hidden_survey_figures_are_empty_with_the_reason() {
        use crate::insight::{QuestionAnswered, SurveyAnswer};
        let s = ReportSettings::default();
        let mut a = fact(1);
        a.answered_at = Some(a.queued_at + 1_000);
        a.ended_at = Some(a.queued_at + 2_000);
        a.survey_offered_at = a.ended_at;
        a.survey = Some(SurveyAnswer {
            at: a.queued_at + 3_000,
            satisfaction: 2,
            answered: QuestionAnswered::No,
            connection: None,
        });
        let f = figures(&[a], &s, &|_, _| 0);
        let text = figures_with_survey_csv(
            &[
                FiguresRow {
                    label: "Totaal".into(),
                    figures: &f,
                    survey_hidden: None,
                },
                FiguresRow {
                    label: "agent: Medewerker 3".into(),
                    figures: &f,
                    survey_hidden: Some("te weinig antwoorden (minder dan 5)".into()),
                },
            ],
            &s,
        );
        let rows = read(&text);
        let header: Vec<&str> = rows[0].iter().collect();
        let first = header.iter().position(|h| *h == "survey_offered").unwrap();
        assert_eq!(header[first..], SURVEY_COLUMNS);
        let tail = |r: usize| rows[r].iter().skip(first).collect::<Vec<_>>();
        assert_eq!(
            tail(1),
            [
                "1", "1", "100.0", "2.0", "2", "0", "1", "0", "0", "0", "0", "0", "1", "0", "0",
                "0", "0", ""
            ]
        );
        let mut hidden = vec![""; SURVEY_COLUMNS.len() - 1];
        hidden.push("te weinig antwoorden (minder dan 5)");
        assert_eq!(tail(2), hidden);
        // The other figures of the hidden row are still there.
        assert_eq!(&rows[2][1], "1");
    }

    fn read(text: &str) -> Vec<csv::StringRecord> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn one_row_per_contact() {
        let mut a = fact(42);
        a.agent_id = Some(3);
        a.answered_at = Some(a.queued_at + 12_999);
        a.ended_at = Some(a.queued_at + 12_999 + 61_500);
        a.wrapped_at = Some(a.queued_at + 12_999 + 61_500 + 30_000);
        a.resolved = Some(true);
        a.interpreter_requested_at = Some(a.queued_at);
        a.interpreter_joined_at = Some(a.queued_at + 45_999);
        a.wrapup_topic = Some("=HYPERLINK(\"http://x\",\"klik\")".to_string());
        let mut b = fact(7);
        b.contact = ContactRef::Message(42);
        b.channel = ReportChannel::LeftMessage;
        b.origin = OriginKind::AccessibilityReport;
        b.topic_id = None;
        b.resolved = Some(false);
        b.wrapup_topic = Some("Afval, \"grof\" vuil\r\nnieuwe regel".to_string());
        let mut c = fact(8);
        c.channel = ReportChannel::VideoInterpreter;
        c.origin = OriginKind::Kiosk;
        c.abandoned_at = Some(c.queued_at + 4_000);
        c.wrapup_topic = Some("-1+2".to_string());
        let text = facts_csv(&[a, b, c], &names);
        assert!(text.ends_with("\r\n"));
        assert_eq!(text.matches("\r\n").count(), 5); // 4 records + 1 inside a field
        let rows = read(&text);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].iter().collect::<Vec<_>>(), FACTS_HEADER.to_vec());
        assert_eq!(
            rows[1].iter().collect::<Vec<_>>(),
            vec![
                "C-42",
                "Wachtrij 1",
                "chat",
                "Paspoort, ID-kaart \"snel\"",
                "web",
                "Medewerker 3",
                "2026-03-29T03:30:00+02:00",
                "2026-03-29T03:30:12+02:00",
                "",
                "2026-03-29T03:31:14+02:00",
                "2026-03-29T03:31:44+02:00",
                "12",
                "61",
                "30",
                "ja",
                "45",
                "'=HYPERLINK(\"http://x\",\"klik\")",
                "nee",
                "",
                "",
                "",
                "",
            ]
        );
        assert_eq!(&rows[2][0], "B-000-042");
        assert_eq!(&rows[2][2], "bericht");
        assert_eq!(&rows[2][4], "toegankelijkheid");
        assert_eq!(&rows[2][5], "");
        assert_eq!(&rows[2][11], "");
        assert_eq!(&rows[2][14], "nee");
        // A comma, quotes and a line break survive the round trip.
        assert_eq!(&rows[2][16], "Afval, \"grof\" vuil\r\nnieuwe regel");
        assert_eq!(&rows[3][2], "video-tolk");
        assert_eq!(&rows[3][4], "kiosk");
        assert_eq!(&rows[3][8], "2026-03-29T03:30:04+02:00");
        assert_eq!(&rows[3][14], "");
        assert_eq!(&rows[3][16], "'-1+2");
        // The injected formula is text in the file itself, quoted as RFC 4180 wants.
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\""));
    }

    #[test]
    fn times_carry_their_offset() {
        // Winter time, summer time, and both 02:30s of 25 October 2026.
        assert_eq!(
            local_time(Some(utc("2026-01-15T10:00:00.999Z"))),
            "2026-01-15T11:00:00+01:00"
        );
        assert_eq!(
            local_time(Some(utc("2026-03-29T01:30:00Z"))),
            "2026-03-29T03:30:00+02:00"
        );
        assert_eq!(
            local_time(Some(utc("2026-10-25T00:30:00Z"))),
            "2026-10-25T02:30:00+02:00"
        );
        assert_eq!(
            local_time(Some(utc("2026-10-25T01:30:00Z"))),
            "2026-10-25T02:30:00+01:00"
        );
        assert_eq!(local_time(None), "");
        assert_eq!(local_time(Some(Millis::MAX)), "");
    }

    #[test]
    fn every_dangerous_start_is_defused() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(defuse(bad), format!("'{bad}"));
        }
        for fine in ["", "12", "Paspoort", " =x", "a=b", "'x"] {
            assert_eq!(defuse(fine), fine);
        }
    }

    #[test]
    fn rounding_of_seconds_and_percentages() {
        assert_eq!(secs(Some(0)), "0");
        assert_eq!(secs(Some(499)), "0");
        assert_eq!(secs(Some(500)), "1");
        assert_eq!(secs(Some(57_405)), "57");
        assert_eq!(secs(Some(57_500)), "58");
        assert_eq!(secs(None), "");
        assert_eq!(secs(Some(Millis::MAX)), (Millis::MAX / 1000).to_string());
        assert_eq!(pct(Share::of(5, 7)), "71.4");
        assert_eq!(pct(Share::of(1, 8)), "12.5"); // 12.5 exactly
        assert_eq!(pct(Share::of(1, 16)), "6.3"); // 6.25 rounds half up
        assert_eq!(pct(Share::of(0, 3)), "0.0");
        assert_eq!(pct(Share::of(3, 3)), "100.0");
        assert_eq!(pct(Share::of(1, 0)), "");
        assert_eq!(pct(Share::of(u64::MAX, u64::MAX)), "100.0");
    }

    #[test]
    fn figures_csv_has_the_figures_numbers() {
        let s = ReportSettings::default();
        let mut a = fact(1);
        a.answered_at = Some(a.queued_at + 20_000);
        let mut b = fact(2);
        b.abandoned_at = Some(b.queued_at + 9_000);
        let f = figures(&[a, b], &s, &|_, _| 0);
        let empty = figures(&[], &s, &|_, _| 0);
        let text = figures_csv(
            &[("Totaal".to_string(), &f), ("=x".to_string(), &empty)],
            &s,
        );
        let rows = read(&text);
        assert_eq!(rows.len(), 3);
        let header: Vec<String> = rows[0].iter().map(str::to_string).collect();
        assert_eq!(header, figures_header(&s));
        let cell = |row: usize, name: &str| {
            let i = header.iter().position(|h| h == name).unwrap();
            rows[row][i].to_string()
        };
        assert_eq!(cell(1, "part"), "Totaal");
        assert_eq!(cell(1, "offered"), "2");
        assert_eq!(cell(1, "abandon_rate_pct"), "50.0");
        assert_eq!(cell(1, "asa_s"), "20");
        assert_eq!(cell(1, "answered_within_20s"), "1");
        assert_eq!(cell(1, "sl_offered_20s_pct"), "50.0");
        assert_eq!(cell(1, "sl_answered_20s_pct"), "100.0");
        assert_eq!(cell(1, "talk_avg_s"), "");
        // No data: empty cells, never 0 or NaN; the label is defused.
        assert_eq!(cell(2, "part"), "'=x");
        assert_eq!(cell(2, "offered"), "0");
        assert_eq!(cell(2, "asa_s"), "");
        assert_eq!(cell(2, "sl_offered_60s_pct"), "");
        assert!(!text.contains("NaN"));
        // A Figures computed with other thresholds leaves those cells empty.
        let other = ReportSettings {
            thresholds_s: vec![45],
            ..ReportSettings::default()
        };
        let g = figures(&[fact(3)], &other, &|_, _| 0);
        let rows = read(&figures_csv(&[("x".to_string(), &g)], &s));
        assert_eq!(rows[1].len(), header.len());
    }

    #[test]
    fn hour_table() {
        let s = ReportSettings::default();
        let f = figures(&[fact(1), fact(2)], &s, &|_, _| 0);
        let rows = read(&by_hour_csv(&f));
        assert_eq!(rows.len(), 8);
        assert_eq!(rows[0].len(), 25);
        // 29 March 2026 01:30 UTC: Sunday, 03:30 local.
        assert_eq!(&rows[7][0], "sunday");
        assert_eq!(&rows[7][4], "2");
        assert_eq!(
            rows.iter()
                .skip(1)
                .flat_map(|r| r.iter().skip(1))
                .filter(|c| *c != "0")
                .count(),
            1
        );
    }
}
