//! Staff sign-in and sign-out. Every login attempt takes its slot in the login counts
//! before the password is checked ([`crate::auth::LoginThrottle`]): per account and
//! address, per address and per account for browsers not known to the account, and only
//! per browser for a browser the account signed in from before (its signed
//! [`DeviceCookie`]), so that nobody elsewhere can lock a person out; known browsers also
//! have their own share of the password checks. Every login gets a new session id (no
//! fixation); sign-out ends the session on the server and hands the staff member's
//! contacts back to the queue.

use crate::auth::{Bucket, DeviceCookie, Lane, address_key, dummy_hash};
use crate::web::ctx::ClientAddr;
use crate::web::ctx::{DEVICE_COOKIE, SESSION_COOKIE, cookie, set_cookie};
use crate::web::form::{CsrfForm, FieldError, find_error, form_status};
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx, StaffUser};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::time::Instant;

#[derive(Template)]
#[template(path = "staff/login.html")]
pub struct LoginPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub username: String,
}

impl LoginPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

fn render_login(
    ctx: &Ctx,
    username: String,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let mut base = ctx.base(ctx.t.s("login.title"));
    base.has_error = !errors.is_empty();
    let status = form_status(&errors);
    let page = LoginPage {
        base,
        errors,
        username,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /staff/login`
pub async fn login_form(ctx: Ctx, user: Option<StaffUser>) -> Result<Response, AppError> {
    if user.is_some() {
        return Ok(Redirect::to("/staff").into_response());
    }
    render_login(&ctx, String::new(), Vec::new())
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /staff/login`: throttled before the check (see the module doc); a new session id on
/// every login (no fixation); always lands on `/staff` (no open redirect).
pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let username = f.username.trim().to_string();
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(FieldError::new("username", t.s("login.error_username")));
    }
    if f.password.is_empty() {
        errors.push(FieldError::new("password", t.s("login.error_password")));
    }
    if !errors.is_empty() {
        return render_login(&ctx, username, errors);
    }
    let account = username.to_lowercase();
    let known = cookie(&headers, DEVICE_COOKIE)
        .and_then(|v| DeviceCookie::parse(&state.csrf, v))
        .filter(|d| d.knows(&account));
    let limits = &state.config.security;
    let address = address_key(addr);
    // The slot is taken before anything is checked: parallel guesses are counted as they
    // arrive, and one that finds the checker busy has still used its slot.
    let (buckets, lane) = match &known {
        Some(device) => (
            vec![Bucket {
                key: format!("known:{}|{account}", device.id),
                free: limits.login_free_known_browser,
            }],
            Lane::Known,
        ),
        None => (
            vec![
                Bucket {
                    key: format!("pair:{account}|{address}"),
                    free: limits.login_free_per_account_address,
                },
                Bucket {
                    key: format!("addr:{address}"),
                    free: limits.login_free_per_address,
                },
                Bucket {
                    key: format!("account:{account}"),
                    free: limits.login_free_per_account,
                },
            ],
            Lane::General,
        ),
    };
    if let Err(wait) = state.throttle.begin(&buckets, Instant::now()) {
        tracing::warn!(%addr, known = known.is_some(), "login throttled");
        let errors = vec![FieldError {
            field: "username".into(),
            message: t.f(
                "login.error_throttled",
                &[("seconds", &wait.as_secs().max(1))],
            ),
        }];
        return render_login(&ctx, username, errors);
    }
    let user = state.store.user_by_name(&username).await?;
    let hash = user
        .as_ref()
        .filter(|u| !u.disabled)
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password = f.password;
    let Ok(ok) = state.passwords.verify(password, hash, lane).await else {
        tracing::warn!(%addr, "login refused: password checks busy");
        let errors = vec![FieldError::new("username", t.s("login.error_busy"))];
        return render_login(&ctx, username, errors);
    };
    let Some(user) = user.filter(|u| ok && !u.disabled) else {
        tracing::info!(%addr, "failed login");
        let errors = vec![FieldError::new("username", t.s("login.error_wrong"))];
        return render_login(&ctx, username, errors);
    };
    // Only the counts that were this browser's own are forgotten: the address's and the
    // account's keep counting others' attempts.
    if let Some(own) = buckets.first() {
        state.throttle.succeed(&[own.key.as_str()]);
    }
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(old).await?;
    }
    let token = state.store.create_session(user.id).await?;
    tracing::info!(staff = user.id, known = known.is_some(), "login");
    let mut device = known
        .or_else(|| {
            cookie(&headers, DEVICE_COOKIE).and_then(|v| DeviceCookie::parse(&state.csrf, v))
        })
        .unwrap_or_default();
    device.remember(&account);
    let secure = state.config.secure_cookies;
    let mut resp = Redirect::to("/staff").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &token, None, "Strict", secure),
    );
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            DEVICE_COOKIE,
            &device.value(&state.csrf),
            Some(DeviceCookie::MAX_AGE_SECS),
            "Strict",
            secure,
        ),
    );
    Ok(resp)
}

/// Asks before logging out with open chats (without JavaScript; the console asks in a
/// dialog and then posts the confirmation itself).
#[derive(Template)]
#[template(path = "staff/confirm.html")]
pub struct LogoutConfirmPage {
    pub base: Base,
    pub heading: String,
    pub text: String,
    pub action: String,
    pub yes: String,
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    /// `ja` once confirmed; only asked for while chats are open.
    #[serde(default)]
    bevestigd: String,
}

/// `POST /staff/logout`: ends the session on the server and requeues held contacts.
/// With open chats it asks first: the chats go back to the queue.
pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<LogoutForm>,
) -> Result<Response, AppError> {
    let open = state.hub.desk(user.id).await?.conversations.len();
    if open > 0 && f.bevestigd != "ja" {
        let t = ctx.t;
        let page = LogoutConfirmPage {
            base: ctx.staff_base(t.s("console.confirm_logout_h"), &user),
            heading: t.s("console.confirm_logout_h").to_string(),
            text: t.f("console.confirm_logout_count", &[("count", &open)]),
            action: "/staff/logout".to_string(),
            yes: t.s("nav.logout").to_string(),
        };
        return Ok(Html(page.render()?).into_response());
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(token).await?;
    }
    state.hub.staff_logout(user.id).await;
    tracing::info!(staff = user.id, "logout");
    let mut resp = Redirect::to("/staff/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            "",
            Some(0),
            "Strict",
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}
