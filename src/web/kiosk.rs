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

use super::ctx::{cookie, set_cookie};
use super::resident::create_contact;
use super::views::{
    FieldError, KioskAdminPage, KioskEnrolPage, KioskPage, KioskRefusedPage, KioskRow,
};
use super::{AppError, AppState, Ctx, StaffUser};
use crate::auth::plausible_token;
use crate::i18n::T;
use crate::store::Kiosk;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The device cookie of an enrolled kiosk.
pub const KIOSK_COOKIE: &str = "loket_kiosk";
/// How long the device cookie lives (a year; re-enrol to renew).
const DEVICE_MAX_AGE: u64 = 365 * 24 * 3600;
/// Shortest and longest inactivity timeout a supervisor may set (the warning comes 30 s
/// before it, so at least 20 s of warning is always left).
pub const IDLE_RANGE: std::ops::RangeInclusive<i64> = 60..=1800;

/// The kiosk this browser is, if it is one.
pub async fn kiosk_of(state: &AppState, headers: &HeaderMap) -> Result<Option<Kiosk>, AppError> {
    match cookie(headers, KIOSK_COOKIE) {
        Some(token) if plausible_token(token) => Ok(state.store.kiosk_by_device(token).await?),
        _ => Ok(None),
    }
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
    for (kind, slug, icon, label) in [
        ("chat", "chat", "kiosk-chat", "kiosk.chat"),
        ("tolk", "ngt", "kiosk-sign", "kiosk.interpreter"),
        ("medewerker", "video", "kiosk-video", "kiosk.video"),
    ] {
        let Some(q) = queues.iter().find(|q| q.slug == slug) else {
            continue;
        };
        let door = super::front::door(&state, t, q.id, now).await?;
        channels.push(super::views::KioskChannel {
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
    csrf: String,
    #[serde(default)]
    kind: String,
}

/// `POST /kiosk/start`: one touch starts a chat or a video call.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<StartForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    let slug = match f.kind.as_str() {
        "chat" => "chat",
        "tolk" => "ngt",
        "medewerker" => "video",
        _ => return Err(AppError::BadRequest),
    };
    let queues = state.store.queues().await?;
    let queue = queues
        .iter()
        .find(|q| q.slug == slug)
        .ok_or(AppError::NotFound)?;
    if !super::front::door(&state, ctx.t, queue.id, chrono::Utc::now())
        .await?
        .can_start
    {
        return Ok(Redirect::to("/kiosk").into_response());
    }
    let origin = format!("kiosk: {}", kiosk.location);
    let (conv, token) = create_contact(&state, &ctx, queue, None, "", &origin, "", None).await?;
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

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /kiosk/reset`: the resident is done (or gone): wipe and return to the start.
pub async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    reset_kiosk(&state, &kiosk).await?;
    Ok(Redirect::to("/kiosk").into_response())
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
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
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

// ----- supervisors ----------------------------------------------------------------------

async fn render_admin(
    state: &AppState,
    ctx: &Ctx,
    user: &crate::store::User,
    link: Option<String>,
    errors: Vec<FieldError>,
    form: (String, String, String),
) -> Result<Response, AppError> {
    let t: T = ctx.t;
    let rows = state
        .store
        .kiosks()
        .await?
        .into_iter()
        .map(|k| KioskRow {
            name: k.name,
            location: k.location,
            idle: t.f("kiosk.idle_value", &[("secs", &k.idle_secs)]),
            enrolled: t
                .s(if k.enrolled_at.is_some() {
                    "kiosk.enrolled"
                } else {
                    "kiosk.not_enrolled"
                })
                .into(),
        })
        .collect();
    let mut base = ctx.staff_base(t.s("kiosk.admin_title"), user);
    base.has_error = !errors.is_empty();
    let status = super::views::form_status(&errors);
    let page = KioskAdminPage {
        base,
        errors,
        rows,
        link,
        name: form.0,
        location: form.1,
        idle: form.2,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /staff/kiosks`
pub async fn admin(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
) -> Result<Response, AppError> {
    if !user.role.supervises() {
        return Err(AppError::Forbidden);
    }
    render_admin(
        &state,
        &ctx,
        &user,
        None,
        Vec::new(),
        (String::new(), String::new(), "120".into()),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    idle: String,
}

/// `POST /staff/kiosks`: register a kiosk; the page shows its enrolment link once.
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    headers: HeaderMap,
    Form(f): Form<RegisterForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    if !user.role.supervises() {
        return Err(AppError::Forbidden);
    }
    let t = ctx.t;
    let mut errors = Vec::new();
    let text_ok = |s: &str| {
        !s.trim().is_empty() && s.chars().count() <= 100 && !s.chars().any(char::is_control)
    };
    if !text_ok(&f.name) {
        errors.push(FieldError {
            field: "kiosk-name".into(),
            message: t.s("kiosk.error_name").into(),
        });
    }
    if !text_ok(&f.location) {
        errors.push(FieldError {
            field: "kiosk-location".into(),
            message: t.s("kiosk.error_location").into(),
        });
    }
    let idle = f
        .idle
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| IDLE_RANGE.contains(s));
    if idle.is_none() {
        errors.push(FieldError {
            field: "kiosk-idle".into(),
            message: t.s("kiosk.error_idle").into(),
        });
    }
    let (Some(idle), true) = (idle, errors.is_empty()) else {
        return render_admin(
            &state,
            &ctx,
            &user,
            None,
            errors,
            (f.name, f.location, f.idle),
        )
        .await;
    };
    let (kiosk, token) = state
        .store
        .create_kiosk(f.name.trim(), f.location.trim(), idle, user.id)
        .await?;
    tracing::info!(kiosk = kiosk.id, staff = user.id, "kiosk registered");
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    let link = format!("{scheme}://{host}/kiosk/aanmelden/{token}");
    render_admin(
        &state,
        &ctx,
        &user,
        Some(link),
        Vec::new(),
        (String::new(), String::new(), "120".into()),
    )
    .await
}
