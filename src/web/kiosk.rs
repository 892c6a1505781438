//! Kiosk mode: a shared terminal at a district office.
//!
//! A supervisor registers a kiosk (`/staff/kiosks`: name, location, inactivity timeout);
//! that yields a one-time enrolment link (`/kiosk/aanmelden/{token}`) which turns a
//! browser into the kiosk with a long-lived, HttpOnly device cookie. Only such a browser
//! can open `/kiosk`: very large touch targets, plain language, a pictogram and text per
//! channel, one touch to start. The contact records the kiosk's location as its origin.
//!
//! Privacy on a shared device: the kiosk shows only its *current* conversation. When the
//! conversation ends, or after inactivity (`static/js/kiosk.js`: a warning at least 20 s
//! before, announced, with a button to continue), the page posts `/kiosk/reset`: the
//! conversation is closed and forgotten by the kiosk, browser storage is cleared and the
//! start page replaces the conversation in the history. A later visit to that
//! conversation's address from the kiosk (the Back button) is sent to the start page, and
//! pages are `no-store`, so nothing of it is shown again.

use super::contact::{self, NewContact};
use super::ctx::set_cookie;
use super::form::{CsrfForm, NoFields};
use super::kiosk_device::{DEVICE_MAX_AGE, KIOSK_COOKIE, kiosk_of};
use super::views::Base;
use super::{AppError, AppState, Ctx, front_door};
use crate::auth::plausible_token;
use crate::hub::{Origin, Skill};
use crate::store::Kiosk;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// One channel on the kiosk start page.
#[derive(Debug, Clone)]
pub struct KioskChannel {
    /// `chat`, `tolk` or `medewerker`.
    pub kind: &'static str,
    /// Pictogram name (an inline SVG in the template).
    pub icon: &'static str,
    pub label: String,
    pub can_start: bool,
    /// The wait, or why it cannot start now.
    pub note: String,
}

#[derive(Template)]
#[template(path = "kiosk.html")]
pub struct KioskPage {
    pub base: Base,
    pub location: String,
    pub channels: Vec<KioskChannel>,
}

#[derive(Template)]
#[template(path = "kiosk_refused.html")]
pub struct KioskRefusedPage {
    pub base: Base,
}

#[derive(Template)]
#[template(path = "kiosk_enrol.html")]
pub struct KioskEnrolPage {
    pub base: Base,
    pub token: String,
    pub name: String,
    pub location: String,
}

fn refused(ctx: &Ctx) -> Result<Response, AppError> {
    let page = KioskRefusedPage {
        base: ctx.base(ctx.t.s("kiosk.refused_title")),
    };
    Ok((StatusCode::FORBIDDEN, Html(page.render()?)).into_response())
}

/// `GET /kiosk`: the kiosk's start page, or a clear refusal for any other browser.
pub async fn start_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    // A conversation still attached (the page was closed without a reset) is wiped now.
    reset_kiosk(&state, &kiosk).await?;
    let t = ctx.t;
    let queues = state.store.queues().await?;
    let now = chrono::Utc::now();
    let mut channels = Vec::new();
    for (kind, skill, icon, label) in [
        ("chat", Skill::Chat, "kiosk-chat", "kiosk.chat"),
        (
            "tolk",
            Skill::Interpreting,
            "kiosk-sign",
            "kiosk.interpreter",
        ),
        ("medewerker", Skill::Video, "kiosk-video", "kiosk.video"),
    ] {
        let Some(q) = queues.iter().find(|q| skill.is_queue(&q.slug)) else {
            continue;
        };
        let door = front_door::door(&state, t, q, now).await?;
        channels.push(KioskChannel {
            kind,
            icon,
            label: t.s(label).into(),
            can_start: door.can_start,
            note: if door.can_start {
                door.wait_text
            } else {
                door.reason
            },
        });
    }
    let page = KioskPage {
        base: ctx.base(t.s("kiosk.title")),
        location: kiosk.location,
        channels,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    kind: String,
}

/// `POST /kiosk/start`: one touch starts a chat or a video call.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<StartForm>,
) -> Result<Response, AppError> {
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    let skill = match f.kind.as_str() {
        "chat" => Skill::Chat,
        "tolk" => Skill::Interpreting,
        "medewerker" => Skill::Video,
        _ => return Err(AppError::BadRequest),
    };
    let queues = state.store.queues().await?;
    let queue = queues
        .iter()
        .find(|q| skill.is_queue(&q.slug))
        .ok_or(AppError::NotFound)?;
    if !front_door::door(&state, ctx.t, queue, chrono::Utc::now())
        .await?
        .can_start
    {
        return Ok(Redirect::to("/kiosk").into_response());
    }
    let origin = Origin::Kiosk {
        location: kiosk.location.clone(),
    };
    let new = NewContact {
        queue,
        topic: None,
        name: "",
        origin,
        first_message: "",
        reach: None,
        lang: ctx.t.lang,
    };
    let (conv, token) = contact::open(&state, new).await?;
    state
        .store
        .set_kiosk_conversation(kiosk.id, Some(conv.id))
        .await?;
    tracing::info!(
        kiosk = kiosk.id,
        conversation = conv.id,
        "kiosk contact started"
    );
    Ok(Redirect::to(&format!("/chat/{token}")).into_response())
}

/// Closes and forgets the kiosk's current conversation.
async fn reset_kiosk(state: &AppState, kiosk: &Kiosk) -> Result<(), AppError> {
    if let Some(conv) = kiosk.current_conversation {
        match state.hub.resident_leave(conv).await {
            Ok(()) | Err(crate::hub::HubError::Closed) => {}
            Err(e) => return Err(e.into()),
        }
        state.store.set_kiosk_conversation(kiosk.id, None).await?;
        tracing::info!(kiosk = kiosk.id, conversation = conv, "kiosk wiped");
    }
    Ok(())
}

/// `POST /kiosk/reset`: the resident is done (or gone): wipe and return to the start.
pub async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    reset_kiosk(&state, &kiosk).await?;
    Ok(Redirect::to("/kiosk").into_response())
}

/// `GET /kiosk/aanmelden/{token}`: confirm turning this browser into the kiosk.
pub async fn enrol_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if !plausible_token(&token) {
        return Err(AppError::NotFound);
    }
    let kiosk = state
        .store
        .kiosk_by_enrolment(&token)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = KioskEnrolPage {
        base: ctx.base(ctx.t.s("kiosk.enrol_title")),
        token,
        name: kiosk.name,
        location: kiosk.location,
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /kiosk/aanmelden/{token}`: this browser becomes the kiosk (the link is used up).
pub async fn enrol(
    State(state): State<AppState>,
    Path(token): Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    if !plausible_token(&token) {
        return Err(AppError::NotFound);
    }
    let (kiosk, device) = state
        .store
        .enrol_kiosk(&token)
        .await?
        .ok_or(AppError::NotFound)?;
    tracing::info!(kiosk = kiosk.id, "kiosk enrolled");
    let mut resp = Redirect::to("/kiosk").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            KIOSK_COOKIE,
            &device,
            Some(DEVICE_MAX_AGE),
            "Strict",
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}
