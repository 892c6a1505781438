//! Opening hours per queue, edited by supervisors (`/staff/openingstijden`): a weekly
//! schedule and dated exceptions (public holidays, a closed afternoon), in
//! Europe/Amsterdam time. The rules live in [`crate::schedule`]; this is the form.

use crate::i18n::T;
use crate::schedule::{Schedule, ScheduleError, day_text, parse_day};
use crate::store::User;
use crate::web::form::{CsrfForm, FieldError, find_error, form_status};
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx, Supervisor, wording};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// One queue's opening hours in the form.
#[derive(Debug, Clone)]
pub struct HoursQueue {
    pub id: i64,
    pub name: String,
    /// Has opening hours (otherwise always open).
    pub limited: bool,
    /// Monday to Sunday, as `09:00-12:30, 13:30-17:00`.
    pub days: Vec<String>,
    /// One exception per line.
    pub exceptions: String,
}

#[derive(Template)]
#[template(path = "staff/hours.html")]
pub struct HoursPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub queues: Vec<HoursQueue>,
    pub weekdays: Vec<&'static str>,
}

impl HoursPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

/// What is wrong with a day's times, in the reader's language.
pub fn problem_text(t: T, e: &ScheduleError) -> String {
    match e {
        ScheduleError::BadSpan(text) => t.f("hours.problem_bad_span", &[("text", text)]),
        ScheduleError::Backwards(span) => t.f("hours.problem_backwards", &[("span", span)]),
        ScheduleError::Overlap(a, b) => t.f("hours.problem_overlap", &[("a", a), ("b", b)]),
    }
}

/// Exceptions as text, one per line: `2026-12-25: ` (closed) or `2026-12-24: 09:00-12:00`.
pub fn exceptions_text(s: &Schedule) -> String {
    s.exceptions
        .iter()
        .map(|(d, spans)| format!("{}: {}", d.format("%Y-%m-%d"), day_text(spans)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses the exceptions text; the error names the line.
pub fn parse_exceptions(
    t: T,
    text: &str,
) -> Result<BTreeMap<NaiveDate, Vec<crate::schedule::Span>>, String> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (date, spans) = line.split_once(':').map_or((line, ""), |(d, s)| (d, s));
        let bad = || t.f("hours.error_exception", &[("line", &(n + 1))]);
        let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| bad())?;
        let spans = spans.trim();
        let closed =
            spans.is_empty() || ["gesloten", "closed"].contains(&spans.to_lowercase().as_str());
        let spans = if closed {
            Vec::new()
        } else {
            parse_day(spans).map_err(|_| bad())?
        };
        out.insert(date, spans);
    }
    Ok(out)
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    entered: Option<(i64, HoursQueue)>,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let schedules = state.store.queue_schedules().await?;
    let mut queues = Vec::new();
    for q in state.store.queues().await? {
        let view = match &entered {
            Some((id, v)) if *id == q.id => v.clone(),
            _ => {
                let s = schedules.get(&q.id);
                HoursQueue {
                    id: q.id,
                    name: String::new(),
                    limited: s.is_some(),
                    days: (0..7)
                        .map(|d| s.map(|s| day_text(&s.weekly[d])).unwrap_or_default())
                        .collect(),
                    exceptions: s.map(exceptions_text).unwrap_or_default(),
                }
            }
        };
        queues.push(HoursQueue {
            name: q.name().get(t.lang).to_string(),
            ..view
        });
    }
    let mut base = ctx.staff_base(t.s("hours.title"), user);
    base.has_error = !errors.is_empty();
    let status = form_status(&errors);
    let page = HoursPage {
        base,
        errors,
        notice,
        queues,
        weekdays: wording::weekday_names(t),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /staff/openingstijden`
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let notice = q
        .contains_key("opgeslagen")
        .then(|| ctx.t.s("hours.saved").to_string());
    render(&state, &ctx, &user, None, Vec::new(), notice).await
}

/// `POST /staff/openingstijden/{queue}`: one queue's schedule.
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    Path(queue): Path<i64>,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    if !state.store.queues().await?.iter().any(|q| q.id == queue) {
        return Err(AppError::NotFound);
    }
    let limited = f.get("limited").is_some_and(|v| v == "1");
    let days: Vec<String> = (0..7)
        .map(|d| f.get(&format!("day{d}")).cloned().unwrap_or_default())
        .collect();
    let exceptions = f.get("exceptions").cloned().unwrap_or_default();
    let mut errors = Vec::new();
    let mut schedule = Schedule::default();
    for (d, text) in days.iter().enumerate() {
        match parse_day(text) {
            Ok(spans) => schedule.weekly[d] = spans,
            Err(e) => errors.push(FieldError {
                field: format!("q{queue}-day{d}"),
                message: t.f(
                    "hours.error_day",
                    &[
                        ("day", &wording::weekday_names(t)[d]),
                        ("problem", &problem_text(t, &e)),
                    ],
                ),
            }),
        }
    }
    match parse_exceptions(t, &exceptions) {
        Ok(map) => schedule.exceptions = map,
        Err(message) => errors.push(FieldError {
            field: format!("q{queue}-exceptions"),
            message,
        }),
    }
    if !errors.is_empty() {
        let entered = HoursQueue {
            id: queue,
            name: String::new(),
            limited,
            days,
            exceptions,
        };
        return render(&state, &ctx, &user, Some((queue, entered)), errors, None).await;
    }
    if limited {
        state
            .store
            .set_queue_schedule(queue, &schedule, user.id)
            .await?;
    } else {
        state.store.clear_queue_schedule(queue).await?;
    }
    tracing::info!(queue, staff = user.id, limited, "opening hours changed");
    Ok(Redirect::to(&format!("/staff/openingstijden?opgeslagen=1#queue-{queue}")).into_response())
}
