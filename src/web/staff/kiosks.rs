//! Kiosks for supervisors (`/staff/kiosks`): register a kiosk (name, location,
//! inactivity timeout) and get its one-time enrolment link; the list of kiosks.
//! How a kiosk works for residents is in [`crate::web::kiosk`].

use crate::i18n::T;
use crate::store::User;
use crate::web::ctx::site_address;
use crate::web::form::{CsrfForm, FieldError, find_error, form_status, short_text_ok};
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx, Supervisor};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

/// Shortest and longest inactivity timeout a supervisor may set (the warning comes 30 s
/// before it, so at least 20 s of warning is always left).
pub const IDLE_RANGE: std::ops::RangeInclusive<i64> = 60..=1800;

/// A registered kiosk in the supervisor's list.
#[derive(Debug, Clone)]
pub struct KioskRow {
    pub name: String,
    pub location: String,
    pub idle: String,
    pub enrolled: String,
}

#[derive(Template)]
#[template(path = "staff/kiosks.html")]
pub struct KioskAdminPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub rows: Vec<KioskRow>,
    /// The enrolment link of a kiosk just registered (shown once).
    pub link: Option<String>,
    pub name: String,
    pub location: String,
    pub idle: String,
}

impl KioskAdminPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

async fn render_admin(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
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
    let status = form_status(&errors);
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
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
) -> Result<Response, AppError> {
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
    Supervisor(user): Supervisor,
    headers: HeaderMap,
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
    let site = site_address(&headers, state.config.secure_cookies);
    let link = format!("{site}/kiosk/aanmelden/{token}");
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
