//! The accessibility statement (`/toegankelijkheid`, `/accessibility`), in the structure
//! of the Dutch model statement: scope, compliance status, last evaluation (date and
//! method), known limitations with their plan, and how to report a problem. A report is
//! asynchronous work: it goes to the Berichten list (on the `toegankelijkheid` topic),
//! never to the live queue, and the reporter reads the answer on the page of their
//! report (`/bericht/{token}`), like a left message.

use crate::store::{InboxChannel, NewInboxItem, Reach};
use crate::web::contact;
use crate::web::form::{
    CsrfForm, FieldError, checked_text, find_error, form_status, limit_hint, name_error,
};
use crate::web::intake::WebSource;
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Date of the last evaluation described on the page (update with each evaluation).
pub const EVALUATED: (&str, &str) = ("23-11-2026", "2026-11-23");
/// Longest page address accepted in a report.
const MAX_PAGE_CHARS: usize = 300;

#[derive(Template)]
#[template(path = "statement.html")]
pub struct StatementPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub intro: String,
    pub evaluated: String,
    pub evaluated_iso: String,
    pub limit_hint: String,
    pub problem: String,
    pub page: String,
    pub name: String,
}

impl StatementPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    problem: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    name: String,
}

fn render(
    state: &AppState,
    ctx: &Ctx,
    form: ReportForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let mut base = ctx.base(t.s("statement.title"));
    base.has_error = !errors.is_empty();
    let status = form_status(&errors);
    let page = StatementPage {
        base,
        errors,
        intro: t.f("statement.intro", &[("org", &state.config.organisation)]),
        evaluated: EVALUATED.0.to_string(),
        evaluated_iso: EVALUATED.1.to_string(),
        limit_hint: limit_hint(t, state.config.chat.max_message_chars),
        problem: form.problem,
        page: form.page,
        name: form.name,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /toegankelijkheid` and `GET /accessibility`.
pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render(&state, &ctx, ReportForm::default(), Vec::new())
}

/// `POST /toegankelijkheid/melding`: validates, leaves the report in the Berichten list,
/// shows its page.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    WebSource(source): WebSource,
    CsrfForm(f): CsrfForm<ReportForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let max = state.config.chat.max_message_chars;
    let mut errors = Vec::new();
    let problem = checked_text(t, &f.problem, max, "problem", "statement.error_problem")
        .map_err(|e| errors.push(e))
        .ok();
    let page = f.page.trim().to_string();
    if page.chars().count() > MAX_PAGE_CHARS || page.chars().any(char::is_control) {
        errors.push(FieldError::new("page", t.s("statement.error_page")));
    }
    let name = f.name.trim().to_string();
    errors.extend(name_error(t, &name));
    let (Some(problem), true) = (problem, errors.is_empty()) else {
        return render(&state, &ctx, f, errors);
    };
    let topic = contact::topic_by_slug(&state, contact::REPORT_TOPIC).await?;
    let mut message = format!("{}: {problem}", t.s("statement.report_prefix"));
    if !page.is_empty() {
        message.push_str(&format!("\n{} {page}", t.s("statement.page")));
    }
    let queue = contact::chat_queue_for(&state, topic.as_ref()).await?;
    let (_, token) = contact::leave(
        &state,
        &source,
        &NewInboxItem {
            channel: InboxChannel::Form,
            queue_id: queue.id,
            topic_id: topic.as_ref().map(|tp| tp.id),
            resident_name: &name,
            lang: t.lang.code(),
            body: &message,
            reach: Reach::Return,
            reach_value: "",
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/bericht/{token}")).into_response())
}
