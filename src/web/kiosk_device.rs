//! Which kiosk a browser is: the device cookie an enrolment sets, and the rule that a
//! kiosk shows only its current conversation (used by the conversation pages).

use crate::auth::plausible_token;
use crate::store::{Conversation, Kiosk, now_ms};
use crate::web::ctx::cookie;
use crate::web::{AppError, AppState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

/// The device cookie of an enrolled kiosk.
pub const KIOSK_COOKIE: &str = "loket_kiosk";
/// How long the device cookie lives (a year; re-enrol to renew).
pub const DEVICE_MAX_AGE: u64 = 365 * 24 * 3600;
/// The kiosk this browser is, if it is one (a revoked or deleted kiosk is none). Notes
/// that the kiosk was seen, at most once a minute.
pub async fn kiosk_of(state: &AppState, headers: &HeaderMap) -> Result<Option<Kiosk>, AppError> {
    let kiosk = match cookie(headers, KIOSK_COOKIE) {
        Some(token) if plausible_token(token) => state.store.kiosk_by_device(token).await?,
        _ => None,
    };
    if let Some(k) = &kiosk {
        let now = now_ms();
        if k.seen_due(now) {
            state.store.kiosk_seen(k.id, now).await?;
        }
    }
    Ok(kiosk)
}

/// For every route and socket of a conversation (by its token): on a kiosk, only its
/// current conversation may be opened; a conversation started at a kiosk opens only on
/// that kiosk, and only while it is current there (after a wipe, nowhere: its link is
/// worth nothing). `Some(kiosk)` when this browser is a kiosk allowed to show `conv`;
/// `Err` with the answer otherwise: a kiosk goes to its start screen, any other browser
/// hears "conversation not found".
pub async fn guard(
    state: &AppState,
    headers: &HeaderMap,
    conv: &Conversation,
) -> Result<Result<Option<Kiosk>, Response>, AppError> {
    match kiosk_of(state, headers).await? {
        Some(k) if k.current_conversation == Some(conv.id) && conv.kiosk_id == Some(k.id) => {
            Ok(Ok(Some(k)))
        }
        Some(_) => Ok(Err(Redirect::to("/kiosk").into_response())),
        None if conv.kiosk_id.is_some() => Ok(Err(AppError::ConversationNotFound.into_response())),
        None => Ok(Ok(None)),
    }
}
