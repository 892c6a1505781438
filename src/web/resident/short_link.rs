//! Call deflection for residents: `/o/{slug}` (printed in a letter, on a poster, said in
//! the phone menu) opens the chat start page with that topic chosen. Supervisors find
//! every link with its QR code on [`crate::web::staff::short_links`].

use crate::web::{AppError, AppState, contact};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

/// `GET /o/{slug}`: to the chat start page with the topic chosen.
pub async fn open(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    // The accessibility-report topic is no chat topic: it has no short link.
    let topic = contact::topic_by_slug(&state, &slug)
        .await?
        .filter(|tp| contact::is_chat_topic(&tp.slug))
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("/chat/start?onderwerp={}", topic.slug)).into_response())
}
