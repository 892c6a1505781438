//! Kiosks for supervisors (`/staff/kiosks`): register a kiosk (name, location,
//! inactivity timeout) and get its one-time enrolment link (also as a QR code); the list
//! of kiosks with when each was last seen; rename, revoke (the device cookie stops working
//! at once), a new enrolment link, delete. How a kiosk works for residents is in
//! [`crate::web::kiosk`].
//!
//! Every form answers with a redirect (Post/Redirect/Get), so reloading the page repeats
//! nothing. The enrolment link of a kiosk just registered travels to that one GET in a
//! short-lived HttpOnly cookie and is shown once: the store keeps only its hash.

use crate::auth::plausible_token;
use crate::i18n::T;
use crate::store::{Kiosk, User};
use crate::web::ctx::{cookie, set_cookie, site_address};
use crate::web::form::{CsrfForm, FieldError, NoFields, find_error, form_status, short_text_ok};
use crate::web::views::{self, Base};
use crate::web::{AppError, AppState, Ctx, Supervisor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine;
use serde::Deserialize;

/// Shortest and longest inactivity timeout a supervisor may set (the warning comes 30 s
/// before it, so at least 20 s of warning is always left).
pub const IDLE_RANGE: std::ops::RangeInclusive<i64> = 60..=1800;

/// The cookie that carries a new enrolment link (`{kiosk id}.{token}`) to the one page
/// that shows it.
const LINK_COOKIE: &str = "loket_kiosk_link";

/// A registered kiosk in the supervisor's list.
#[derive(Debug, Clone)]
pub struct KioskRow {
    pub id: i64,
    pub name: String,
    /// The value of the rename field (what was typed, after an error).
    pub name_value: String,
    pub location: String,
    pub idle: String,
    pub enrolled: String,
    pub last_seen: String,
    /// Has a working device (revoking makes sense).
    pub active: bool,
}

/// The enrolment link of a kiosk, shown once.
#[derive(Debug, Clone)]
pub struct NewLink {
    /// "Enrolment link of kiosk X".
    pub title: String,
    pub url: String,
    /// The QR code as an SVG data URL.
    pub qr: String,
    pub qr_alt: String,
}

#[derive(Template)]
#[template(path = "staff/kiosks.html")]
pub struct KioskAdminPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub rows: Vec<KioskRow>,
    pub link: Option<NewLink>,
    pub notice: Option<String>,
    pub name: String,
    pub location: String,
    pub idle: String,
}

impl KioskAdminPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

/// The registration form's values, and a rename that was refused (kiosk id, typed name).
#[derive(Debug, Default)]
struct Entered {
    name: String,
    location: String,
    idle: String,
    rename: Option<(i64, String)>,
}

fn last_seen_text(t: T, k: &Kiosk) -> String {
    match k.last_seen_at {
        Some(ms) => views::local_datetime(ms),
        None => t.s("kiosk.never_seen").into(),
    }
}

fn state_text(t: T, k: &Kiosk) -> &'static str {
    if k.enrolled_at.is_some() && k.revoked_at.is_none() {
        t.s("kiosk.enrolled")
    } else if k.revoked_at.is_some() {
        t.s("kiosk.revoked")
    } else {
        t.s("kiosk.not_enrolled")
    }
}

fn qr_data_url(url: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

#[allow(clippy::too_many_arguments)]
async fn render_admin(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    link: Option<NewLink>,
    notice: Option<String>,
    errors: Vec<FieldError>,
    entered: Entered,
) -> Result<Response, AppError> {
    let t: T = ctx.t;
    let rows = state
        .store
        .kiosks()
        .await?
        .into_iter()
        .map(|k| KioskRow {
            id: k.id,
            name_value: match &entered.rename {
                Some((id, typed)) if *id == k.id => typed.clone(),
                _ => k.name.clone(),
            },
            idle: t.f("kiosk.idle_value", &[("secs", &k.idle_secs)]),
            enrolled: state_text(t, &k).into(),
            last_seen: last_seen_text(t, &k),
            active: k.enrolled_at.is_some() && k.revoked_at.is_none(),
            name: k.name,
            location: k.location,
        })
        .collect();
    let mut base = ctx.staff_base(t.s("kiosk.admin_title"), user);
    base.has_error = !errors.is_empty();
    let status = form_status(&errors);
    let page = KioskAdminPage {
        base,
        errors,
        rows,
        link,
        notice,
        name: entered.name,
        location: entered.location,
        idle: entered.idle,
    };
    Ok((status, Html(page.render()?)).into_response())
}

fn fresh_form() -> Entered {
    Entered {
        idle: "120".into(),
        ..Entered::default()
    }
}

#[derive(Debug, Deserialize)]
pub struct AdminQuery {
    /// What was just done: `hernoemd`, `ingetrokken`, `verwijderd`.
    #[serde(default)]
    klaar: String,
}

/// `GET /staff/kiosks`: the list, the registration form, and once, a new enrolment link.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    headers: HeaderMap,
    Query(q): Query<AdminQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let mut link = None;
    let flash = cookie(&headers, LINK_COOKIE);
    if let Some((id, token)) = flash.and_then(|v| v.split_once('.'))
        && let (Ok(id), true) = (id.parse::<i64>(), plausible_token(token))
        && let Some(kiosk) = state.store.kiosk(id).await?
    {
        let site = site_address(&headers, state.config.secure_cookies);
        let url = format!("{site}/kiosk/aanmelden/{token}");
        link = Some(NewLink {
            qr: qr_data_url(&url)?,
            qr_alt: t.f("kiosk.qr_alt", &[("name", &kiosk.name)]),
            title: t.f("kiosk.link_title", &[("name", &kiosk.name)]),
            url,
        });
    }
    let notice = match q.klaar.as_str() {
        "hernoemd" => Some(t.s("kiosk.renamed")),
        "ingetrokken" => Some(t.s("kiosk.revoked_done")),
        "verwijderd" => Some(t.s("kiosk.deleted")),
        _ => None,
    }
    .map(String::from);
    let mut resp =
        render_admin(&state, &ctx, &user, link, notice, Vec::new(), fresh_form()).await?;
    if flash.is_some() {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(
                LINK_COOKIE,
                "",
                Some(0),
                "Strict",
                state.config.secure_cookies,
            ),
        );
    }
    Ok(resp)
}

/// Back to the list, carrying a new enrolment link for the one GET that shows it.
fn redirect_with_link(state: &AppState, kiosk: i64, token: &str) -> Response {
    let mut resp = Redirect::to("/staff/kiosks#new-link").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LINK_COOKIE,
            &format!("{kiosk}.{token}"),
            Some(300),
            "Strict",
            state.config.secure_cookies,
        ),
    );
    resp
}

#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    idle: String,
}

/// `POST /staff/kiosks`: register a kiosk; back to the list, which shows its enrolment
/// link once.
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    CsrfForm(f): CsrfForm<RegisterForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let mut errors = Vec::new();
    let text_ok = |s: &str| short_text_ok(s, 100);
    if !text_ok(&f.name) {
        errors.push(FieldError::new("kiosk-name", t.s("kiosk.error_name")));
    }
    if !text_ok(&f.location) {
        errors.push(FieldError::new(
            "kiosk-location",
            t.s("kiosk.error_location"),
        ));
    }
    let idle = f
        .idle
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| IDLE_RANGE.contains(s));
    if idle.is_none() {
        errors.push(FieldError::new("kiosk-idle", t.s("kiosk.error_idle")));
    }
    let (Some(idle), true) = (idle, errors.is_empty()) else {
        let entered = Entered {
            name: f.name,
            location: f.location,
            idle: f.idle,
            rename: None,
        };
        return render_admin(&state, &ctx, &user, None, None, errors, entered).await;
    };
    let (kiosk, token) = state
        .store
        .create_kiosk(f.name.trim(), f.location.trim(), idle, user.id)
        .await?;
    tracing::info!(kiosk = kiosk.id, staff = user.id, "kiosk registered");
    Ok(redirect_with_link(&state, kiosk.id, &token))
}

#[derive(Debug, Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

/// `POST /staff/kiosks/{id}/naam`: rename a kiosk.
pub async fn rename(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RenameForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    if !short_text_ok(&f.name, 100) {
        let errors = vec![FieldError::new(
            format!("kiosk-{id}-name"),
            t.s("kiosk.error_name"),
        )];
        let entered = Entered {
            rename: Some((id, f.name)),
            ..fresh_form()
        };
        return render_admin(&state, &ctx, &user, None, None, errors, entered).await;
    }
    if state.store.rename_kiosk(id, f.name.trim()).await? {
        tracing::info!(kiosk = id, staff = user.id, "kiosk renamed");
    }
    Ok(Redirect::to("/staff/kiosks?klaar=hernoemd").into_response())
}

/// Ends the conversation a kiosk shows, if any (before it is revoked or deleted).
async fn end_current(state: &AppState, kiosk: &Kiosk) -> Result<(), AppError> {
    if let Some(conv) = kiosk.current_conversation {
        match state.hub.resident_leave(conv).await {
            Ok(()) | Err(crate::hub::HubError::Closed) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// `POST /staff/kiosks/{id}/intrekken`: the kiosk's device stops being the kiosk at once.
pub async fn revoke(
    State(state): State<AppState>,
    Supervisor(user): Supervisor,
    Path(id): Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    if let Some(kiosk) = state.store.kiosk(id).await? {
        end_current(&state, &kiosk).await?;
        state.store.revoke_kiosk(id).await?;
        tracing::info!(kiosk = id, staff = user.id, "kiosk revoked");
    }
    Ok(Redirect::to("/staff/kiosks?klaar=ingetrokken").into_response())
}

/// `POST /staff/kiosks/{id}/link`: a new one-time enrolment link (after a revoke, or for a
/// new device).
pub async fn new_link(
    State(state): State<AppState>,
    Supervisor(user): Supervisor,
    Path(id): Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    match state.store.new_kiosk_enrolment(id).await? {
        Some(token) => {
            tracing::info!(kiosk = id, staff = user.id, "kiosk link issued");
            Ok(redirect_with_link(&state, id, &token))
        }
        None => Ok(Redirect::to("/staff/kiosks").into_response()),
    }
}

/// `POST /staff/kiosks/{id}/verwijderen`: delete a kiosk (its device stops working).
pub async fn delete(
    State(state): State<AppState>,
    Supervisor(user): Supervisor,
    Path(id): Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    if let Some(kiosk) = state.store.kiosk(id).await? {
        end_current(&state, &kiosk).await?;
        state.store.delete_kiosk(id).await?;
        tracing::info!(kiosk = id, staff = user.id, "kiosk deleted");
    }
    Ok(Redirect::to("/staff/kiosks?klaar=verwijderd").into_response())
}
