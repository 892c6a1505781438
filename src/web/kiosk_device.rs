//! Which kiosk a browser is: the device cookie an enrolment sets, and the rule that a
//! kiosk shows only its current conversation (used by the conversation pages).

use crate::auth::plausible_token;
use crate::store::{Kiosk, now_ms};
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

/// For the conversation pages: on a kiosk, only its current conversation may be shown.
/// `Some(kiosk)` when this browser is a kiosk allowed to show `conv`; `Err` redirect
/// when it is a kiosk that must not.
pub async fn guard(
    state: &AppState,
    headers: &HeaderMap,
    conv: i64,
) -> Result<Result<Option<Kiosk>, Response>, AppError> {
    match kiosk_of(state, headers).await? {
        None => Ok(Ok(None)),
        Some(k) if k.current_conversation == Some(conv) => Ok(Ok(Some(k))),
        Some(_) => Ok(Err(Redirect::to("/kiosk").into_response())),
    }
}
