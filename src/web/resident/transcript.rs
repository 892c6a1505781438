//! The transcript of a conversation: a printable page and a plain-text download, both
//! reached through the resident's capability link (never on a kiosk after a wipe).

use crate::web::views::{self, Base, MessageView};
use crate::web::{AppError, AppState, Ctx};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

#[derive(Template)]
#[template(path = "transcript.html")]
pub struct TranscriptPage {
    pub base: Base,
    pub token: String,
    pub started: String,
    pub topic: Option<String>,
    pub status_text: String,
    pub messages: Vec<MessageView>,
}

/// `GET /chat/{token}/transcript`: printable.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let conv = match super::open(&state, &headers, &token).await? {
        Ok((conv, _)) => conv,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let t = ctx.t;
    let messages = state.store.messages_after(conv.id, 0, 100_000).await?;
    let page = TranscriptPage {
        base: ctx.base(t.s("transcript.title")),
        token,
        started: views::local_datetime(conv.created_at),
        topic: conv.topic().map(|tp| tp.get(t.lang).to_string()),
        status_text: t.s(&format!("status.{}", conv.status.as_str())).into(),
        messages: messages
            .iter()
            .map(|m| views::message_view(t, m, true))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /chat/{token}/transcript.txt`: download.
pub async fn text(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let conv = match super::open(&state, &headers, &token).await? {
        Ok((conv, _)) => conv,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let messages = state.store.messages_after(conv.id, 0, 100_000).await?;
    let text = views::transcript_text(
        ctx.t,
        &state.config.organisation,
        conv.created_at,
        &messages,
    );
    let disposition = format!("attachment; filename=\"gesprek-{}.txt\"", conv.id);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        text,
    )
        .into_response())
}
