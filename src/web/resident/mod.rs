//! Pages for residents: everything a member of the public can open without an account.
//!
//! - [`home`]: the front page (channels with their honest wait, FAQ) and the language switch.
//! - [`chat`]: start a chat, and the conversation page (waiting, active, a video call,
//!   closed), which works without JavaScript.
//! - [`transcript`]: the printable transcript and its text download.
//! - [`video_start`]: start a video call, with an interpreter or an employee.
//! - [`leave_message`]: leave a message when nobody can answer now.
//! - [`accessibility_statement`]: the statement and its problem-report form.
//! - [`privacy_statement`]: what Loket keeps, for how long, and residents' rights.
//! - [`short_link`]: `/o/{topic}`, a chat with the topic chosen (call deflection).
//! - [`survey`]: the satisfaction survey on the page of an ended conversation.
//!
//! A resident reaches their conversation only through its capability token, and every
//! route of it opens it with [`open`]: the token, and the kiosk binding (on a kiosk only
//! the kiosk's current conversation; a kiosk's conversation only there,
//! [`super::kiosk_device::guard`]).

pub mod accessibility_statement;
pub mod chat;
pub mod home;
pub mod leave_message;
pub mod privacy_statement;
pub mod short_link;
pub mod survey;
pub mod transcript;
pub mod video_start;

use super::AppError;
use super::AppState;
use crate::auth::plausible_token;
use crate::store::{Conversation, Kiosk};
use axum::http::HeaderMap;
use axum::response::Response;

/// What [`open`] found: the conversation (with the kiosk this browser is, when it is the
/// conversation's kiosk), or the answer for a browser that may not open it.
pub type Opened = Result<(Conversation, Option<Kiosk>), Response>;

/// Opens the resident's conversation for a route of it: by its token, checked against
/// the kiosk binding. "Conversation not found" for an unknown token.
pub async fn open(state: &AppState, headers: &HeaderMap, token: &str) -> Result<Opened, AppError> {
    let conv = by_token(state, token).await?;
    Ok(super::kiosk_device::guard(state, headers, &conv)
        .await?
        .map(|kiosk| (conv, kiosk)))
}

/// Finds the resident's conversation by token, or the "conversation not found" page.
async fn by_token(state: &AppState, token: &str) -> Result<Conversation, AppError> {
    if !plausible_token(token) {
        return Err(AppError::ConversationNotFound);
    }
    state
        .store
        .conversation_by_token(token)
        .await?
        .ok_or(AppError::ConversationNotFound)
}
