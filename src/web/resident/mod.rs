//! Pages for residents: everything a member of the public can open without an account.
//!
//! - [`home`]: the front page (channels with their honest wait, FAQ) and the language switch.
//! - [`chat`]: start a chat, and the conversation page (waiting, active, a video call,
//!   closed), which works without JavaScript.
//! - [`transcript`]: the printable transcript and its text download.
//! - [`video_start`]: start a video call, with an interpreter or an employee.
//! - [`leave_message`]: leave a message when nobody can answer now.
//! - [`accessibility_statement`]: the statement and its problem-report form.
//! - [`short_link`]: `/o/{topic}`, a chat with the topic chosen (call deflection).
//!
//! A resident reaches their conversation only through its capability token
//! ([`by_token`]); on a kiosk, only the kiosk's current conversation
//! ([`super::kiosk_device::guard`]).

pub mod accessibility_statement;
pub mod chat;
pub mod home;
pub mod leave_message;
pub mod short_link;
pub mod transcript;
pub mod video_start;

use super::AppError;
use super::AppState;
use crate::auth::plausible_token;
use crate::store::Conversation;

/// Finds the resident's conversation by token, or the "conversation not found" page.
pub async fn by_token(state: &AppState, token: &str) -> Result<Conversation, AppError> {
    if !plausible_token(token) {
        return Err(AppError::ConversationNotFound);
    }
    state
        .store
        .conversation_by_token(token)
        .await?
        .ok_or(AppError::ConversationNotFound)
}
