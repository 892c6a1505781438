//! Reports for supervisors (`/staff/rapportage`): the figures of a period, each with
//! what it counts, the contacts behind every number, the service norms, contacts per
//! hour of the day (an SVG chart drawn here, with its table), breakdowns per queue,
//! channel, topic, staff member, origin and interpreter, the satisfaction survey (its
//! figures and breakdowns, within the hiding rules of [`crate::insight::survey`]), and
//! two CSV downloads.
//!
//! Everything comes from the contact event log through
//! [`Store::contact_facts`](crate::store::Store::contact_facts); the arithmetic is
//! [`crate::insight`]'s, so the page and the CSV show the same numbers. This module only
//! reads the filter, names things and lays them out.

use crate::i18n::T;
use crate::insight::export::{self, ExportNames};
use crate::insight::figures::{
    Breakdown, BreakdownKey, Figure, Figures, Mean, NormMetric, ReportSettings, Share, breakdown,
    contacts, figures,
};
use crate::insight::period::{self, Period, PeriodError, Preset};
use crate::insight::survey::{Hidden, SurveyPrivacy};
use crate::insight::{
    Connection, ContactFact, ContactRef, Millis, OriginKind, QuestionAnswered, ReportChannel,
};
use crate::store::{Queue, Role, Topic, User};
use crate::web::form::{FieldError, form_status};
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx, Supervisor};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Most contacts listed under a number on the page (the CSV has them all).
const DRILL_ROWS: usize = 500;

/// The filter, as in the address (`?periode=deze-week&wachtrij=1&...`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub periode: String,
    #[serde(default)]
    pub van: String,
    #[serde(default)]
    pub tot: String,
    #[serde(default)]
    pub wachtrij: String,
    #[serde(default)]
    pub kanaal: String,
    #[serde(default)]
    pub onderwerp: String,
    #[serde(default)]
    pub medewerker: String,
    #[serde(default)]
    pub herkomst: String,
    /// The number opened to its contacts (a [`Figure`] key).
    #[serde(default, skip_serializing)]
    pub cijfer: String,
}

/// One option of a filter list.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One filter list.
#[derive(Debug, Clone)]
pub struct FilterSelect {
    pub id: &'static str,
    pub label: String,
    pub options: Vec<Choice>,
    pub error: Option<String>,
}

/// One figure line: name, value, the link to its contacts, what it counts.
#[derive(Debug, Clone)]
pub struct FigureRow {
    pub name: String,
    pub value: String,
    /// The address of the contacts behind it (counts only).
    pub link: Option<String>,
    /// The accessible name of that link.
    pub link_label: String,
    /// A share after the count (`40,0%`), or empty.
    pub share: String,
    pub meaning: String,
}

/// One part of a survey breakdown; `hidden` says why its figures are not shown.
#[derive(Debug, Clone)]
pub struct SurveyPartRow {
    pub name: String,
    pub hidden: Option<String>,
    pub offered: u64,
    pub answered: u64,
    pub response: String,
    pub satisfaction: String,
    pub question_yes: String,
}

/// One survey breakdown table.
#[derive(Debug, Clone)]
pub struct SurveyTable {
    pub id: &'static str,
    pub title: String,
    pub rows: Vec<SurveyPartRow>,
}

/// One service-level threshold.
#[derive(Debug, Clone)]
pub struct SlRow {
    pub threshold: String,
    pub within: String,
    pub link: String,
    pub link_label: String,
    pub of_answered: String,
    pub of_offered: String,
}

/// One norm of the norms table.
#[derive(Debug, Clone)]
pub struct NormView {
    pub name: String,
    pub target: String,
    pub achieved: String,
    pub n: u64,
    pub met: String,
    pub met_class: &'static str,
}

/// One part of a breakdown.
#[derive(Debug, Clone)]
pub struct PartRow {
    pub name: String,
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub sl: String,
    pub asa: String,
    pub left: u64,
}

/// One breakdown table.
#[derive(Debug, Clone)]
pub struct PartTable {
    pub id: &'static str,
    pub title: String,
    pub rows: Vec<PartRow>,
}

/// One bar of the hours chart.
#[derive(Debug, Clone)]
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub height: u32,
    pub label: String,
}

/// One cell of the hours table: the count, and the link to its contacts with the link's
/// name for a screen reader ("maandag van 09:00 tot 10:00").
#[derive(Debug, Clone)]
pub struct HourCell {
    pub n: u64,
    pub link: Option<String>,
    pub label: String,
}

/// One weekday row of the hours table.
#[derive(Debug, Clone)]
pub struct HourRow {
    pub day: String,
    pub cells: Vec<HourCell>,
    pub total: u64,
}

/// One contact under an opened number.
#[derive(Debug, Clone)]
pub struct DrillRow {
    pub reference: String,
    pub queue: String,
    pub channel: String,
    pub topic: String,
    pub agent: String,
    pub arrived: String,
    pub answer_time: String,
    pub outcome: String,
}

/// The contacts behind one number.
#[derive(Debug, Clone)]
pub struct Drill {
    pub title: String,
    /// What the number counts.
    pub meaning: String,
    pub count: String,
    pub truncated: Option<String>,
    /// Survey answers left out of the list (of staff members the report hides).
    pub left_out: Option<String>,
    pub rows: Vec<DrillRow>,
}

#[derive(Template)]
#[template(path = "staff/reports.html")]
pub struct ReportPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub query: ReportQuery,
    pub periods: Vec<Choice>,
    pub selects: Vec<FilterSelect>,
    /// The breakdowns' service-level column ("Binnen 20 s").
    pub sl_header: String,
    pub showing: String,
    pub figures_csv: String,
    pub contacts_csv: String,
    pub rows: Vec<FigureRow>,
    pub sl_rows: Vec<SlRow>,
    pub sl_meaning: String,
    pub norms: Vec<NormView>,
    pub bars: Vec<Bar>,
    pub hours: Vec<HourRow>,
    pub hour_totals: Vec<u64>,
    pub parts: Vec<PartTable>,
    /// The satisfaction survey: what the minimum is, the figures (or why not shown) and
    /// the breakdowns.
    pub survey_intro: String,
    pub survey_hidden: Option<String>,
    pub survey_rows: Vec<FigureRow>,
    pub survey_parts: Vec<SurveyTable>,
    pub drill: Option<Drill>,
    pub back: String,
}

impl ReportPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::web::form::find_error(&self.errors, field)
    }
}

/// What the page and the downloads share: the period, the facts after the filter, the
/// names and the settings.
struct Loaded {
    period: Period,
    facts: Vec<ContactFact>,
    names: Names,
    settings: ReportSettings,
    norms: Vec<crate::insight::figures::Norm>,
    open_ms: Box<dyn Fn(Millis, Millis) -> Millis + Send + Sync>,
    /// Which survey answers this report may show.
    privacy: SurveyPrivacy,
    /// This report's turn ([`AppState::reports`]): held until the response is made.
    _turn: tokio::sync::OwnedSemaphorePermit,
}

/// Names of queues, topics and staff, in the reader's language.
struct Names {
    queues: Vec<Queue>,
    topics: Vec<Topic>,
    users: Vec<User>,
    nl: bool,
}

impl Names {
    fn queue(&self, id: i64) -> String {
        self.queues
            .iter()
            .find(|q| q.id == id)
            .map(|q| if self.nl { &q.name_nl } else { &q.name_en }.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }

    fn topic(&self, t: T, id: Option<i64>) -> String {
        match id {
            None => t.s("report.no_topic").to_string(),
            Some(id) => self
                .topics
                .iter()
                .find(|x| x.id == id)
                .map(|x| if self.nl { &x.name_nl } else { &x.name_en }.clone())
                .unwrap_or_else(|| format!("#{id}")),
        }
    }

    fn agent(&self, t: T, id: Option<i64>) -> String {
        match id {
            None => t.s("report.unanswered").to_string(),
            Some(id) => self
                .users
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.display_name.clone())
                .unwrap_or_else(|| format!("#{id}")),
        }
    }
}

fn channel_name(t: T, c: ReportChannel) -> String {
    t.s(match c {
        ReportChannel::Chat => "report.channel_chat",
        ReportChannel::Video => "report.channel_video",
        ReportChannel::VideoInterpreter => "report.channel_video_tolk",
        ReportChannel::LeftMessage => "report.channel_bericht",
    })
    .to_string()
}

fn origin_name(t: T, o: OriginKind) -> String {
    t.s(match o {
        OriginKind::Web => "report.origin_web",
        OriginKind::Kiosk => "report.origin_kiosk",
        OriginKind::Link => "report.origin_link",
        OriginKind::LeftMessage => "report.origin_bericht",
        OriginKind::AccessibilityReport => "report.origin_report",
    })
    .to_string()
}

const PRESETS: [(Preset, &str); 9] = [
    (Preset::Today, "report.period_today"),
    (Preset::Yesterday, "report.period_yesterday"),
    (Preset::ThisWeek, "report.period_this_week"),
    (Preset::LastWeek, "report.period_last_week"),
    (Preset::ThisMonth, "report.period_this_month"),
    (Preset::LastMonth, "report.period_last_month"),
    (Preset::ThisQuarter, "report.period_this_quarter"),
    (Preset::LastQuarter, "report.period_last_quarter"),
    (Preset::Custom, "report.period_custom"),
];

const CHANNELS: [ReportChannel; 4] = [
    ReportChannel::Chat,
    ReportChannel::Video,
    ReportChannel::VideoInterpreter,
    ReportChannel::LeftMessage,
];

const ORIGINS: [OriginKind; 5] = [
    OriginKind::Web,
    OriginKind::Kiosk,
    OriginKind::Link,
    OriginKind::LeftMessage,
    OriginKind::AccessibilityReport,
];

/// A date as `30-11-2026` (what the page shows) or `2026-11-30`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%d-%m-%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .ok()
}

fn day_text(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// The filter's values as a query string (for the download links and drill-downs).
fn query_string(q: &ReportQuery) -> String {
    serde_urlencoded::to_string(q).unwrap_or_default()
}

/// Reads the filter: the period, and which facts it keeps. Errors name their field.
async fn load(state: &AppState, t: T, q: &ReportQuery) -> Result<Loaded, Vec<FieldError>> {
    let mut errors = Vec::new();
    let preset = if q.periode.is_empty() {
        Preset::Today
    } else {
        Preset::parse(&q.periode).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "periode",
                t.s("report.error_filter").to_string(),
            ));
            Preset::Today
        })
    };
    let today = period::local_date(crate::store::now_ms())
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let mut custom = None;
    if preset == Preset::Custom {
        let from = parse_date(&q.van);
        let until = parse_date(&q.tot);
        if q.van.trim().is_empty() {
            errors.push(FieldError::new(
                "van",
                t.s("report.error_missing").to_string(),
            ));
        } else if from.is_none() {
            errors.push(FieldError::new("van", t.s("report.error_date").to_string()));
        }
        if q.tot.trim().is_empty() {
            errors.push(FieldError::new(
                "tot",
                t.s("report.error_missing").to_string(),
            ));
        } else if until.is_none() {
            errors.push(FieldError::new("tot", t.s("report.error_date").to_string()));
        }
        custom = from.zip(until);
    }
    let names = Names {
        queues: state.store.queues().await.unwrap_or_default(),
        topics: state.store.topics().await.unwrap_or_default(),
        users: state.store.users().await.unwrap_or_default(),
        nl: t.lang == crate::i18n::Lang::Nl,
    };
    // Each filter keeps the facts of one part (a queue, a channel, ...).
    let mut keep: Vec<BreakdownKey> = Vec::new();
    let mut pick = |field: &str, value: &str, key: Option<BreakdownKey>| {
        if value.is_empty() {
            return;
        }
        match key {
            Some(k) => keep.push(k),
            None => errors.push(FieldError::new(
                field,
                t.s("report.error_filter").to_string(),
            )),
        }
    };
    let id = |v: &str| v.parse::<i64>().ok();
    pick(
        "wachtrij",
        &q.wachtrij,
        id(&q.wachtrij)
            .filter(|i| names.queues.iter().any(|x| x.id == *i))
            .map(BreakdownKey::Queue),
    );
    pick(
        "kanaal",
        &q.kanaal,
        ReportChannel::parse(&q.kanaal).map(BreakdownKey::Channel),
    );
    pick(
        "onderwerp",
        &q.onderwerp,
        if q.onderwerp == "geen" {
            Some(BreakdownKey::Topic(None))
        } else {
            id(&q.onderwerp)
                .filter(|i| names.topics.iter().any(|x| x.id == *i))
                .map(|i| BreakdownKey::Topic(Some(i)))
        },
    );
    pick(
        "medewerker",
        &q.medewerker,
        id(&q.medewerker)
            .filter(|i| names.users.iter().any(|x| x.id == *i))
            .map(|i| BreakdownKey::Agent(Some(i))),
    );
    pick(
        "herkomst",
        &q.herkomst,
        OriginKind::parse(&q.herkomst).map(BreakdownKey::Origin),
    );
    let period = match period::bounds(preset, today, custom) {
        Ok(p) => Some(p),
        Err(e) => {
            if custom.is_some() || preset != Preset::Custom {
                let key = match e {
                    PeriodError::MissingDates => "report.error_missing",
                    PeriodError::EndsBeforeStart { .. } => "report.error_backwards",
                    PeriodError::TooLong { .. } => "report.error_too_long",
                    PeriodError::OutOfRange => "report.error_range",
                };
                errors.push(FieldError::new("tot", t.s(key).to_string()));
            }
            None
        }
    };
    let (Some(period), true) = (period, errors.is_empty()) else {
        return Err(errors);
    };
    // One report at a time: a quarter takes most of a second of one core, and repeated
    // requests (a refresh held down, a script) wait their turn instead of taking every
    // core from the conversations.
    let Ok(turn) = state.reports.clone().acquire_owned().await else {
        return Err(vec![FieldError::new(
            "periode",
            t.s("errors.server").to_string(),
        )]);
    };
    let mut facts = match state.store.contact_facts(period.start, period.end).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "could not read the event log");
            return Err(vec![FieldError::new(
                "periode",
                t.s("errors.server").to_string(),
            )]);
        }
    };
    facts.retain(|f| keep.iter().all(|k| k.matches(f)));
    // First responses "within opening hours": the chosen queue's hours, else the chat's.
    let schedules = state.store.queue_schedules().await.unwrap_or_default();
    let queue = keep
        .iter()
        .find_map(|k| match k {
            BreakdownKey::Queue(q) => Some(*q),
            _ => None,
        })
        .or_else(|| names.queues.iter().find(|q| q.slug == "chat").map(|q| q.id));
    let schedule = queue.and_then(|q| schedules.get(&q).cloned());
    let open_ms: Box<dyn Fn(Millis, Millis) -> Millis + Send + Sync> = match schedule {
        Some(s) => Box::new(move |from, to| {
            use chrono::TimeZone;
            match (
                chrono::Utc.timestamp_millis_opt(from).single(),
                chrono::Utc.timestamp_millis_opt(to).single(),
            ) {
                (Some(a), Some(b)) => s.open_ms_between(a, b),
                _ => 0,
            }
        }),
        // No opening hours: always open.
        None => Box::new(|from, to| (to - from).max(0)),
    };
    let privacy = SurveyPrivacy::new(&facts, state.config.reports.survey_min_answers);
    Ok(Loaded {
        _turn: turn,
        period,
        facts,
        names,
        privacy,
        settings: state.config.reports.report_settings(),
        norms: state.config.reports.norms(),
        open_ms,
    })
}

/// `1 min 5 s`, `12 s`, `3 u 20 min`; `n.v.t.` when there is no figure.
fn duration(t: T, ms: Option<Millis>) -> String {
    let Some(ms) = ms else {
        return t.s("report.none").to_string();
    };
    let secs = (ms + 500) / 1000;
    if secs < 60 {
        t.f("report.duration_s", &[("seconds", &secs)])
    } else if secs < 3600 {
        t.f(
            "report.duration_ms",
            &[("minutes", &(secs / 60)), ("seconds", &(secs % 60))],
        )
    } else {
        t.f(
            "report.duration_h",
            &[("hours", &(secs / 3600)), ("minutes", &(secs % 3600 / 60))],
        )
    }
}

/// `71,4%` in Dutch, `71.4%` in English; `n.v.t.` without a figure.
fn percent(t: T, share: Option<Share>) -> String {
    share.map_or_else(
        || t.s("report.none").to_string(),
        |s| {
            let text = s.percent_text();
            if t.lang == crate::i18n::Lang::Nl {
                format!("{}%", text.replace('.', ","))
            } else {
                format!("{text}%")
            }
        },
    )
}

/// The name of a figure (for its row and its list).
fn figure_name(t: T, f: Figure, s: &ReportSettings) -> String {
    let short = (s.short_abandon_ms / 1000).to_string();
    match f {
        Figure::Offered => t.s("report.fig_offered").to_string(),
        Figure::Answered => t.s("report.fig_answered").to_string(),
        Figure::Abandoned => t.s("report.fig_abandoned").to_string(),
        Figure::ShortAbandoned => t.f("report.fig_short_abandoned", &[("seconds", &short)]),
        Figure::Other => t.s("report.fig_other").to_string(),
        Figure::AnsweredWithin(x) => t.f("report.fig_within", &[("seconds", &x)]),
        Figure::AnsweredAfter(x) => t.f("report.fig_after", &[("seconds", &x)]),
        Figure::Talk => t.s("report.fig_talk").to_string(),
        Figure::Wrapped => t.s("report.fig_wrap").to_string(),
        Figure::Resolved => t.s("report.fig_resolved").to_string(),
        Figure::NotResolved => t.s("report.fig_not_resolved").to_string(),
        Figure::LeftMessages => t.s("report.fig_left").to_string(),
        Figure::LeftAnswered => t.s("report.fig_left_answered").to_string(),
        Figure::LeftOpen => t.s("report.fig_left_open").to_string(),
        Figure::InterpreterRequests => t.s("report.fig_interpreter").to_string(),
        Figure::InterpreterJoined => t.s("report.fig_interpreter_joined").to_string(),
        Figure::InterpreterNever => t.s("report.fig_interpreter_never").to_string(),
        Figure::Hour { weekday, hour } => t.f(
            "report.fig_hour",
            &[
                ("day", &weekday_name(t, weekday)),
                ("hour", &format!("{hour:02}")),
                ("next", &format!("{:02}", (hour + 1) % 24)),
            ],
        ),
        Figure::SurveyOffered => t.s("report.fig_survey_offered").to_string(),
        Figure::SurveyAnswered => t.s("report.fig_survey_answered").to_string(),
        Figure::SurveyUnanswered => t.s("report.fig_survey_unanswered").to_string(),
        Figure::Satisfaction(score) => t.f(
            "report.fig_score",
            &[
                ("score", &score),
                (
                    "label",
                    &t.s(match score {
                        1 => "report.score_1",
                        2 => "report.score_2",
                        3 => "report.score_3",
                        4 => "report.score_4",
                        _ => "report.score_5",
                    }),
                ),
            ],
        ),
        Figure::Question(a) => t
            .s(match a {
                QuestionAnswered::Yes => "report.fig_question_yes",
                QuestionAnswered::Partly => "report.fig_question_partly",
                QuestionAnswered::No => "report.fig_question_no",
            })
            .to_string(),
        Figure::Connection(k) => t
            .s(match k {
                Connection::Good => "report.fig_connection_good",
                Connection::Sometimes => "report.fig_connection_sometimes",
                Connection::Bad => "report.fig_connection_bad",
            })
            .to_string(),
    }
}

/// The text that says what a figure counts.
fn definition_key(f: Figure) -> &'static str {
    match f {
        Figure::Offered => "report.def_offered",
        Figure::Answered => "report.def_answered",
        Figure::Abandoned => "report.def_abandoned",
        Figure::ShortAbandoned => "report.def_short_abandoned",
        Figure::Other => "report.def_other",
        Figure::AnsweredWithin(_) => "report.def_within",
        Figure::AnsweredAfter(_) => "report.def_after",
        Figure::Talk => "report.def_talk",
        Figure::Wrapped => "report.def_wrap",
        Figure::Resolved => "report.def_resolved",
        Figure::NotResolved => "report.def_not_resolved",
        Figure::LeftMessages => "report.def_left",
        Figure::LeftAnswered => "report.def_left_answered",
        Figure::LeftOpen => "report.def_left_open",
        Figure::InterpreterRequests => "report.def_interpreter",
        Figure::InterpreterJoined => "report.def_interpreter_joined",
        Figure::InterpreterNever => "report.def_interpreter_never",
        Figure::Hour { .. } => "report.by_hour_intro",
        Figure::SurveyOffered => "report.def_survey_offered",
        Figure::SurveyAnswered => "report.def_survey_answered",
        Figure::SurveyUnanswered => "report.def_survey_unanswered",
        Figure::Satisfaction(_) => "report.def_satisfaction_scores",
        Figure::Question(_) => "report.def_question",
        Figure::Connection(_) => "report.def_connection",
    }
}

/// `4,3` in Dutch, `4.3` in English; `n.v.t.` without answers.
fn mean(t: T, m: Option<Mean>) -> String {
    m.map_or_else(
        || t.s("report.none").to_string(),
        |m| {
            let text = m.text();
            if t.lang == crate::i18n::Lang::Nl {
                text.replace('.', ",")
            } else {
                text
            }
        },
    )
}

/// Why survey figures are not shown, in words.
fn hidden_text(t: T, h: Hidden, min: u32) -> String {
    match h {
        Hidden::TooFew => t.f("report.survey_too_few", &[("min", &min)]),
        Hidden::Withheld => t.s("report.survey_withheld").to_string(),
    }
}

/// The survey's figure lines: counts open their contacts, each with what it counts.
fn survey_rows(t: T, f: &Figures, s: &ReportSettings, base_query: &str) -> Vec<FigureRow> {
    let count = |fig: Figure, share: Option<Share>, meaning: &str| {
        let name = figure_name(t, fig, s);
        let value = fig.count_in(f).unwrap_or(0);
        FigureRow {
            link: (value > 0).then(|| format!("?{base_query}&cijfer={}#lijst", fig.key())),
            link_label: t.f("report.open_list", &[("figure", &name)]),
            value: value.to_string(),
            share: share.map(|sh| percent(t, Some(sh))).unwrap_or_default(),
            name,
            meaning: t.s(meaning).to_string(),
        }
    };
    let mut rows = vec![
        count(Figure::SurveyOffered, None, "report.def_survey_offered"),
        count(Figure::SurveyAnswered, None, "report.def_survey_answered"),
        count(
            Figure::SurveyUnanswered,
            None,
            "report.def_survey_unanswered",
        ),
        FigureRow {
            name: t.s("report.fig_survey_response").to_string(),
            value: percent(t, f.survey_response),
            link: None,
            link_label: String::new(),
            share: String::new(),
            meaning: t.s("report.def_survey_response").to_string(),
        },
        FigureRow {
            name: t.s("report.fig_satisfaction").to_string(),
            value: mean(t, f.satisfaction),
            link: None,
            link_label: String::new(),
            share: String::new(),
            meaning: t.s("report.def_satisfaction").to_string(),
        },
    ];
    for score in (1..=5).rev() {
        rows.push(count(
            Figure::Satisfaction(score),
            f.satisfaction_share(score),
            "report.def_satisfaction_scores",
        ));
    }
    for a in QuestionAnswered::ALL {
        rows.push(count(
            Figure::Question(a),
            f.question_share(a),
            "report.def_question",
        ));
    }
    for k in Connection::ALL {
        rows.push(count(
            Figure::Connection(k),
            f.connection_share(k),
            "report.def_connection",
        ));
    }
    rows
}

/// The name of a breakdown part.
fn part_name(t: T, names: &Names, k: BreakdownKey) -> String {
    match k {
        BreakdownKey::Queue(id) => names.queue(id),
        BreakdownKey::Channel(c) => channel_name(t, c),
        BreakdownKey::Topic(x) => names.topic(t, x),
        BreakdownKey::Agent(a) => names.agent(t, a),
        BreakdownKey::Origin(o) => origin_name(t, o),
        BreakdownKey::Interpreter(true) => t.s("report.with_interpreter").to_string(),
        BreakdownKey::Interpreter(false) => t.s("report.without_interpreter").to_string(),
    }
}

/// The survey breakdowns: per queue, channel, topic, staff member and interpreter, each
/// part with surveys, hidden parts in words.
fn survey_tables(t: T, l: &Loaded, total_shown: bool) -> Vec<SurveyTable> {
    let s = &l.settings;
    let min = l.privacy.min;
    [
        (
            Breakdown::Queue,
            "tevredenheid-wachtrij",
            "report.survey_by_queue",
        ),
        (
            Breakdown::Channel,
            "tevredenheid-kanaal",
            "report.survey_by_channel",
        ),
        (
            Breakdown::Topic,
            "tevredenheid-onderwerp",
            "report.survey_by_topic",
        ),
        (
            Breakdown::Agent,
            "tevredenheid-medewerker",
            "report.survey_by_agent",
        ),
        (
            Breakdown::Interpreter,
            "tevredenheid-tolk",
            "report.survey_by_interpreter",
        ),
    ]
    .into_iter()
    .map(|(b, id, title)| {
        let shown = l.privacy.parts(&l.facts, b, total_shown);
        let rows = breakdown(&l.facts, s, &*l.open_ms, b)
            .into_iter()
            .filter_map(|(k, pf)| {
                let hidden = shown.get(&k).copied().flatten();
                if hidden.is_none() && pf.survey_offered == 0 {
                    return None;
                }
                Some(SurveyPartRow {
                    name: part_name(t, &l.names, k),
                    hidden: hidden.map(|h| hidden_text(t, h, min)),
                    offered: pf.survey_offered,
                    answered: pf.survey_answered,
                    response: percent(t, pf.survey_response),
                    satisfaction: mean(t, pf.satisfaction),
                    question_yes: percent(t, pf.question_share(QuestionAnswered::Yes)),
                })
            })
            .collect();
        SurveyTable {
            id,
            title: t.s(title).to_string(),
            rows,
        }
    })
    .collect()
}

fn weekday_name(t: T, d: u8) -> String {
    t.s(match d {
        0 => "report.weekday_0",
        1 => "report.weekday_1",
        2 => "report.weekday_2",
        3 => "report.weekday_3",
        4 => "report.weekday_4",
        5 => "report.weekday_5",
        _ => "report.weekday_6",
    })
    .to_string()
}

/// The figure lines, in the order a supervisor reads them.
fn figure_rows(t: T, f: &Figures, s: &ReportSettings, base_query: &str) -> Vec<FigureRow> {
    let count = |fig: Figure, meaning: &str| {
        let name = figure_name(t, fig, s);
        let value = fig.count_in(f).unwrap_or(0);
        FigureRow {
            link: (value > 0).then(|| format!("?{base_query}&cijfer={}#lijst", fig.key())),
            link_label: t.f("report.open_list", &[("figure", &name)]),
            value: value.to_string(),
            share: String::new(),
            name,
            meaning: t.s(meaning).to_string(),
        }
    };
    let plain = |name: &str, value: String, meaning: &str| FigureRow {
        name: t.s(name).to_string(),
        value,
        link: None,
        link_label: String::new(),
        share: String::new(),
        meaning: t.s(meaning).to_string(),
    };
    vec![
        count(Figure::Offered, "report.def_offered"),
        count(Figure::Answered, "report.def_answered"),
        count(Figure::Abandoned, "report.def_abandoned"),
        count(Figure::ShortAbandoned, "report.def_short_abandoned"),
        count(Figure::Other, "report.def_other"),
        plain(
            "report.fig_abandon_rate",
            percent(t, f.abandon_rate),
            "report.def_abandon_rate",
        ),
        plain("report.fig_asa", duration(t, f.asa_ms), "report.def_asa"),
        plain(
            "report.fig_p90",
            duration(t, f.p90_answer_ms),
            "report.def_p90",
        ),
        plain("report.fig_talk", duration(t, f.talk_ms), "report.def_talk"),
        plain("report.fig_wrap", duration(t, f.wrap_ms), "report.def_wrap"),
        count(Figure::Resolved, "report.def_resolved"),
        count(Figure::NotResolved, "report.def_not_resolved"),
        plain("report.fig_fcr", percent(t, f.fcr), "report.def_fcr"),
        count(Figure::LeftMessages, "report.def_left"),
        count(Figure::LeftAnswered, "report.def_left_answered"),
        count(Figure::LeftOpen, "report.def_left_open"),
        plain(
            "report.fig_left_response",
            duration(t, f.left_response_ms),
            "report.def_left_response",
        ),
        plain(
            "report.fig_left_response_p90",
            duration(t, f.left_response_p90_ms),
            "report.def_left_response_p90",
        ),
        plain(
            "report.fig_left_response_open",
            duration(t, f.left_response_open_ms),
            "report.def_left_response_open",
        ),
        plain(
            "report.fig_left_response_open_p90",
            duration(t, f.left_response_open_p90_ms),
            "report.def_left_response_open_p90",
        ),
        count(Figure::InterpreterRequests, "report.def_interpreter"),
        count(Figure::InterpreterJoined, "report.def_interpreter_joined"),
        count(Figure::InterpreterNever, "report.def_interpreter_never"),
        plain(
            "report.fig_interpreter_wait",
            duration(t, f.interpreter_wait_ms),
            "report.def_interpreter_wait",
        ),
        plain(
            "report.fig_interpreter_wait_p90",
            duration(t, f.interpreter_wait_p90_ms),
            "report.def_interpreter_wait_p90",
        ),
    ]
}

fn norm_name(t: T, m: &NormMetric) -> String {
    match m {
        NormMetric::AnsweredWithin { seconds } => {
            t.f("report.norm_answered_within", &[("seconds", seconds)])
        }
        NormMetric::AbandonRate => t.s("report.norm_abandon_rate").to_string(),
        NormMetric::LeftAnsweredWithin { hours } => {
            t.f("report.norm_left_within", &[("hours", hours)])
        }
    }
}

/// The bars of the contacts-per-hour chart (all weekdays together).
fn bars(totals: &[u64]) -> Vec<Bar> {
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    totals
        .iter()
        .enumerate()
        .map(|(h, &n)| {
            let height = u32::try_from(n * 160 / max).unwrap_or(160);
            Bar {
                x: 40 + u32::try_from(h).unwrap_or(0) * 24,
                y: 180 - height,
                height,
                label: format!("{h:02}:00: {n}"),
            }
        })
        .collect()
}

fn drill_rows(t: T, l: &Loaded, list: &[&ContactFact]) -> Vec<DrillRow> {
    let s = &l.settings;
    list.iter()
        .take(DRILL_ROWS)
        .map(|c| {
            let outcome = match (c.contact, c.answered_at, c.abandoned_at) {
                (ContactRef::Message(_), Some(_), _) => "report.outcome_left_answered",
                (ContactRef::Message(_), None, _) => "report.outcome_left_open",
                (_, Some(_), _) => "report.outcome_answered",
                (_, None, Some(a)) if a - c.queued_at < s.short_abandon_ms => {
                    "report.outcome_short"
                }
                (_, None, Some(_)) => "report.outcome_abandoned",
                (_, None, None) => "report.outcome_other",
            };
            DrillRow {
                reference: match c.contact {
                    ContactRef::Conversation(id) => format!("C-{id}"),
                    ContactRef::Message(id) => crate::hub::reference(id),
                },
                queue: l.names.queue(c.queue_id),
                channel: channel_name(t, c.channel),
                topic: l.names.topic(t, c.topic_id),
                agent: l.names.agent(t, c.agent_id),
                arrived: crate::web::views::local_datetime(c.queued_at),
                answer_time: duration(t, c.answered_at.map(|a| a - c.queued_at)),
                outcome: t.s(outcome).to_string(),
            }
        })
        .collect()
}

fn choices<I: IntoIterator<Item = (String, String)>>(items: I, chosen: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == chosen,
            value,
            label,
        })
        .collect()
}

/// `GET /staff/rapportage`.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let loaded = load(&state, t, &q).await;
    let names = match &loaded {
        Ok(l) => Names {
            queues: l.names.queues.clone(),
            topics: l.names.topics.clone(),
            users: l.names.users.clone(),
            nl: l.names.nl,
        },
        Err(_) => Names {
            queues: state.store.queues().await?,
            topics: state.store.topics().await?,
            users: state.store.users().await?,
            nl: t.lang == crate::i18n::Lang::Nl,
        },
    };
    let periode = if q.periode.is_empty() {
        Preset::Today.key().to_string()
    } else {
        q.periode.clone()
    };
    let all = t.s("report.all").to_string();
    let with_all = |items: Vec<(String, String)>| {
        let mut v = vec![(String::new(), all.clone())];
        v.extend(items);
        v
    };
    let periods = choices(
        PRESETS
            .iter()
            .map(|(p, k)| (p.key().to_string(), t.s(k).to_string())),
        &periode,
    );
    let queues = choices(
        with_all(
            names
                .queues
                .iter()
                .map(|x| (x.id.to_string(), names.queue(x.id)))
                .collect(),
        ),
        &q.wachtrij,
    );
    let channels = choices(
        with_all(
            CHANNELS
                .iter()
                .map(|c| (c.key().to_string(), channel_name(t, *c)))
                .collect(),
        ),
        &q.kanaal,
    );
    let mut topic_items: Vec<(String, String)> = names
        .topics
        .iter()
        .map(|x| (x.id.to_string(), names.topic(t, Some(x.id))))
        .collect();
    topic_items.push(("geen".to_string(), t.s("report.no_topic").to_string()));
    let topics = choices(with_all(topic_items), &q.onderwerp);
    let agents = choices(
        with_all(
            names
                .users
                .iter()
                .filter(|u| matches!(u.role, Role::Agent | Role::Interpreter | Role::Supervisor))
                .map(|u| (u.id.to_string(), u.display_name.clone()))
                .collect(),
        ),
        &q.medewerker,
    );
    let origins = choices(
        with_all(
            ORIGINS
                .iter()
                .map(|o| (o.key().to_string(), origin_name(t, *o)))
                .collect(),
        ),
        &q.herkomst,
    );
    let qs = query_string(&q);
    let base = ctx.staff_base(t.s("report.title").to_string(), &user);
    let mut page = ReportPage {
        base,
        errors: Vec::new(),
        query: q.clone(),
        periods,
        selects: vec![
            ("wachtrij", "report.queue", queues),
            ("kanaal", "report.channel", channels),
            ("onderwerp", "report.topic", topics),
            ("medewerker", "report.agent", agents),
            ("herkomst", "report.origin", origins),
        ]
        .into_iter()
        .map(|(id, label, options)| FilterSelect {
            id,
            label: t.s(label).to_string(),
            options,
            error: None,
        })
        .collect(),
        sl_header: String::new(),
        showing: String::new(),
        figures_csv: format!("/staff/rapportage/cijfers.csv?{qs}"),
        contacts_csv: format!("/staff/rapportage/contacten.csv?{qs}"),
        rows: Vec::new(),
        sl_rows: Vec::new(),
        sl_meaning: t.s("report.def_sl").to_string(),
        norms: Vec::new(),
        bars: Vec::new(),
        hours: Vec::new(),
        hour_totals: Vec::new(),
        parts: Vec::new(),
        survey_intro: t.f(
            "report.survey_intro",
            &[("min", &state.config.reports.survey_min_answers)],
        ),
        survey_hidden: None,
        survey_rows: Vec::new(),
        survey_parts: Vec::new(),
        drill: None,
        back: format!("/staff/rapportage?{qs}#cijfers"),
    };
    match loaded {
        Err(errors) => {
            page.base.has_error = true;
            for sel in &mut page.selects {
                sel.error = crate::web::form::find_error(&errors, sel.id).map(str::to_string);
            }
            page.errors = errors;
        }
        Ok(l) => fill(t, &mut page, &l, &q, &qs),
    }
    let status = form_status(&page.errors);
    Ok((status, Html(page.render()?)).into_response())
}

/// Fills the page's figures from the loaded facts.
fn fill(t: T, page: &mut ReportPage, l: &Loaded, q: &ReportQuery, qs: &str) {
    let s = &l.settings;
    let f = figures(&l.facts, s, &*l.open_ms);
    page.showing = t.f(
        "report.showing",
        &[
            ("from", &day_text(l.period.from_date)),
            ("until", &day_text(l.period.to_date)),
            ("count", &l.facts.len()),
        ],
    );
    page.rows = figure_rows(t, &f, s, qs);
    page.sl_rows = f
        .service_levels
        .iter()
        .map(|sl| {
            let name = figure_name(t, Figure::AnsweredWithin(sl.threshold_s), s);
            SlRow {
                threshold: t.f("report.seconds", &[("seconds", &sl.threshold_s)]),
                within: sl.answered_within.to_string(),
                link: format!(
                    "?{qs}&cijfer={}#lijst",
                    Figure::AnsweredWithin(sl.threshold_s).key()
                ),
                link_label: t.f("report.open_list", &[("figure", &name)]),
                of_answered: percent(t, sl.sl_answered),
                of_offered: percent(t, sl.sl_offered),
            }
        })
        .collect();
    let norms = crate::insight::figures::norm_table(&l.facts, s, &l.norms);
    page.norms = norms
        .iter()
        .map(|r| {
            let channel = r.norm.channel.map_or_else(
                || t.s("report.norm_all_channels").to_string(),
                |c| channel_name(t, c),
            );
            let (met, met_class) = match r.met {
                Some(true) => (t.s("report.met_yes").to_string(), "met"),
                Some(false) => (t.s("report.met_no").to_string(), "not-met"),
                None => (t.s("report.none").to_string(), ""),
            };
            NormView {
                name: format!("{} ({channel})", norm_name(t, &r.norm.metric)),
                target: format!(
                    "{} {:.0}%",
                    if r.norm.metric.at_most() {
                        "≤"
                    } else {
                        "≥"
                    },
                    r.norm.target * 100.0
                ),
                achieved: percent(t, r.share),
                n: r.n,
                met,
                met_class,
            }
        })
        .collect();
    let totals: Vec<u64> = (0..24)
        .map(|h| f.by_hour.iter().map(|d| d[h]).sum())
        .collect();
    page.bars = bars(&totals);
    page.hours = f
        .by_hour
        .iter()
        .enumerate()
        .map(|(d, row)| {
            let weekday = u8::try_from(d).unwrap_or(0);
            HourRow {
                day: weekday_name(t, weekday),
                cells: row
                    .iter()
                    .enumerate()
                    .map(|(h, &n)| {
                        let hour = u8::try_from(h).unwrap_or(0);
                        let fig = Figure::Hour { weekday, hour };
                        HourCell {
                            n,
                            link: (n > 0).then(|| format!("?{qs}&cijfer={}#lijst", fig.key())),
                            label: figure_name(t, fig, s),
                        }
                    })
                    .collect(),
                total: row.iter().sum(),
            }
        })
        .collect();
    page.hour_totals = totals;
    let sl_t = s.thresholds().first().copied().unwrap_or(30);
    page.sl_header = t.f("report.col_sl", &[("seconds", &sl_t)]);
    page.parts = Breakdown::ALL
        .iter()
        .map(|b| {
            let (id, title) = match b {
                Breakdown::Queue => ("per-wachtrij", "report.by_queue"),
                Breakdown::Channel => ("per-kanaal", "report.by_channel"),
                Breakdown::Topic => ("per-onderwerp", "report.by_topic"),
                Breakdown::Agent => ("per-medewerker", "report.by_agent"),
                Breakdown::Origin => ("per-herkomst", "report.by_origin"),
                Breakdown::Interpreter => ("per-tolk", "report.by_interpreter"),
            };
            let rows = breakdown(&l.facts, s, &*l.open_ms, *b)
                .iter()
                .map(|(k, pf)| PartRow {
                    name: part_name(t, &l.names, *k),
                    offered: pf.offered,
                    answered: pf.answered,
                    abandoned: pf.abandoned,
                    sl: percent(t, pf.service_level(sl_t).and_then(|x| x.sl_offered)),
                    asa: duration(t, pf.asa_ms),
                    left: pf.left_messages,
                })
                .collect();
            PartTable {
                id,
                title: t.s(title).to_string(),
                rows,
            }
        })
        .collect();
    let survey_hidden = l.privacy.set(l.facts.iter());
    match survey_hidden {
        Some(h) => page.survey_hidden = Some(hidden_text(t, h, l.privacy.min)),
        None => page.survey_rows = survey_rows(t, &f, s, qs),
    }
    page.survey_parts = survey_tables(t, l, survey_hidden.is_none());
    if let Some(fig) = Figure::parse(&q.cijfer) {
        let mut list = contacts(&l.facts, s, fig);
        let name = figure_name(t, fig, s);
        let full = list.len();
        let mut left_out = None;
        let mut count = t.f("report.drill_count", &[("count", &full)]);
        if fig.is_survey() {
            // Survey answers of staff members the report hides stay out of the list; when
            // the whole report's survey figures are hidden, so is the number.
            list.retain(|c| !l.privacy.hides_contact(c));
            if let Some(h) = survey_hidden {
                count = hidden_text(t, h, l.privacy.min);
            } else if list.len() < full {
                left_out = Some(t.f(
                    "report.drill_left_out",
                    &[("count", &(full - list.len())), ("min", &l.privacy.min)],
                ));
            }
        }
        page.drill = Some(Drill {
            title: t.f("report.drill_title", &[("figure", &name)]),
            meaning: t.s(definition_key(fig)).to_string(),
            count,
            truncated: (list.len() > DRILL_ROWS)
                .then(|| t.f("report.drill_truncated", &[("shown", &DRILL_ROWS)])),
            left_out,
            rows: drill_rows(t, l, &list),
        });
    }
}

/// `GET /staff/rapportage/cijfers.csv`: the total and every breakdown part, with exactly
/// the numbers the page shows.
pub async fn figures_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(_user): Supervisor,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let l = load(&state, t, &q)
        .await
        .map_err(|_| AppError::BadRequest)?;
    let s = &l.settings;
    let total = figures(&l.facts, s, &*l.open_ms);
    let min = l.privacy.min;
    let total_hidden = l.privacy.set(l.facts.iter());
    let mut parts: Vec<(String, Figures, Option<Hidden>)> = Vec::new();
    for b in Breakdown::ALL {
        let shown = l.privacy.parts(&l.facts, b, total_hidden.is_none());
        for (k, f) in breakdown(&l.facts, s, &*l.open_ms, b) {
            let name = part_name(t, &l.names, k);
            let hidden = shown.get(&k).copied().flatten();
            parts.push((format!("{}: {name}", b.key()), f, hidden));
        }
    }
    let mut rows = vec![export::FiguresRow {
        label: t.s("report.total").to_string(),
        figures: &total,
        survey_hidden: total_hidden.map(|h| hidden_text(t, h, min)),
    }];
    rows.extend(parts.iter().map(|(label, f, h)| export::FiguresRow {
        label: label.clone(),
        figures: f,
        survey_hidden: h.map(|h| hidden_text(t, h, min)),
    }));
    let body = export::figures_with_survey_csv(&rows, s);
    Ok(download("loket-cijfers.csv", body))
}

/// `GET /staff/rapportage/contacten.csv`: one line per contact of the period and filter.
pub async fn contacts_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(_user): Supervisor,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let l = load(&state, t, &q)
        .await
        .map_err(|_| AppError::BadRequest)?;
    let names = |c: &ContactFact| ExportNames {
        queue: l.names.queue(c.queue_id),
        topic: c
            .topic_id
            .map(|id| l.names.topic(t, Some(id)))
            .unwrap_or_default(),
        agent: c
            .agent_id
            .map(|id| l.names.agent(t, Some(id)))
            .unwrap_or_default(),
        survey_hidden: l.privacy.hides_contact(c),
    };
    let body = export::facts_csv(&l.facts, &names);
    Ok(download("loket-contacten.csv", body))
}

/// A CSV download that is never cached.
fn download(filename: &'static str, body: String) -> Response {
    crate::web::download::attachment("text/csv; charset=utf-8", filename, body)
}
