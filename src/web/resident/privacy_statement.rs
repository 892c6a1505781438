//! The privacy statement (`/privacy`), linked from every page's footer: what Loket keeps
//! about residents, for how long (the retention terms in force, read from the store), who
//! can see it, and how to ask to see it or have it erased. A site can replace the default
//! text with its own (`[privacy] statement`, a plain-text file: paragraphs separated by
//! an empty line); the terms are always shown from the store, so they cannot go stale.

use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

#[derive(Template)]
#[template(path = "privacy_statement.html")]
pub struct PrivacyPage {
    pub base: Base,
    pub intro: String,
    /// The site's own text, when configured.
    pub own: Vec<String>,
    /// Each kind of data and how long it is kept.
    pub terms: Vec<(&'static str, String)>,
}

/// `GET /privacy`
pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t;
    let terms = state.store.retention_terms(&state.config.retention).await?;
    let own = match &state.config.privacy.statement {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => text
                .split("\n\n")
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "the privacy statement file cannot be read; showing the default");
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let page = PrivacyPage {
        base: ctx.base(t.s("privacystatement.title")),
        intro: t.f(
            "privacystatement.intro",
            &[("org", &state.config.organisation)],
        ),
        own,
        terms: [
            ("privacystatement.term_messages", terms.messages_days),
            ("privacystatement.term_contact", terms.contact_days),
            ("privacystatement.term_notes", terms.notes_days),
            ("privacystatement.term_log", terms.access_log_days),
        ]
        .into_iter()
        .map(|(k, d)| (t.s(k), t.f("privacystatement.days", &[("count", &d)])))
        .collect(),
    };
    Ok(Html(page.render()?).into_response())
}
