//! HTTP: the router, shared state, middleware and the page/socket handlers.
//!
//! Handlers are thin: they validate input at the edge, call the [`Hub`] or the
//! [`Store`], and render a template. One error type ([`AppError`]) becomes a proper page
//! in the visitor's language (see [`error`]). Middleware adds the security headers (a
//! strict Content-Security-Policy without inline script, no framing, no referrer to other
//! sites: `same-origin`, because `no-referrer` makes browsers send `Origin: null` on form
//! posts, which the CSRF origin check must refuse), the
//! CSRF cookie, request ids and tracing spans that name the route, never the raw URL
//! (resident URLs carry capability tokens).
//!
//! The folder is a map by audience. Page modules are leaves: they use the shared steps
//! below and never each other.
//!
//! - [`resident`]: the public pages (home, chat, transcript, video start, leave a message,
//!   accessibility statement, short links).
//! - [`kiosk`]: the kiosk's start page, enrolment and wipe.
//! - [`staff`]: everything behind a login (console, call page, supervisors' pages).
//! - [`live`]: the WebSocket endpoints and call signalling.
//! - [`tv`]: the wallboard on a wall screen, by a read-only token.
//!
//! Shared steps: [`ctx`] (per-request context, cookies, who is signed in, the origin
//! check), [`form`] (CSRF-checked forms, field errors, field checks), [`contact`] (opening
//! a contact), [`front_door`] (can a channel be started now), [`wording`] (every sentence
//! about waits and states), [`views`] (what every template shares), [`call_view`],
//! [`board_view`] (the wallboard in words, for its page, live frame and TV mode),
//! [`kiosk_device`], [`assets`] (static files) and [`error`] (the one error type).

pub mod assets;
pub mod board_view;
pub mod call_view;
pub mod contact;
pub mod ctx;
pub mod download;
pub mod error;
pub mod form;
pub mod front_door;
pub mod intake;
pub mod kiosk;
pub mod kiosk_device;
pub mod live;
pub mod redaction;
pub mod resident;
pub mod sign_video;
pub mod staff;
pub mod tv;
pub mod views;
pub mod wording;

pub use ctx::{Ctx, PrivacyOfficer, SessionRef, StaffUser, Supervisor};
pub use error::AppError;

use crate::auth::{Csrf, LoginThrottle, PasswordChecker};
use crate::config::Config;
use crate::hub::Hub;
use crate::store::Store;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (forms), in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; media-src 'self' blob:; font-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub hub: Hub,
    pub store: Store,
    pub config: Arc<Config>,
    pub csrf: Csrf,
    pub throttle: Arc<LoginThrottle>,
    /// How many new contacts one source may open ([`intake`]).
    pub intake: Arc<intake::Intake>,
    /// argon2 checks, on a bounded pool of threads.
    pub passwords: PasswordChecker,
    /// The database holds demo data: every page says so.
    pub demo: bool,
    /// Caps on live sockets per conversation and per staff session (`[limits]`).
    pub sockets: live::SocketCaps,
    /// Reports are computed one at a time (`web::staff::reports`).
    pub reports: Arc<tokio::sync::Semaphore>,
}

/// Every page route a visitor can open with GET, as `(pattern, description)`. The browser
/// accessibility suite reads this list (`loket routes`) and fails when a route has no visit.
pub const PAGE_ROUTES: &[(&str, &str)] = &[
    ("/", "home: channels, wait times, FAQ"),
    (
        "/chat/start",
        "start a chat (form, with and without errors)",
    ),
    (
        "/chat/{token}",
        "conversation: waiting, active, closed, with error",
    ),
    (
        "/chat/{token}/beeindigen",
        "the question before ending or stopping to wait (no JavaScript)",
    ),
    ("/chat/{token}/transcript", "printable transcript"),
    (
        "/bericht",
        "leave a message out of hours (form, with errors)",
    ),
    (
        "/bericht/{token}",
        "the resident's message: received (reference, promise, link), answered (the answer)",
    ),
    (
        "/video/start",
        "start a video call (interpreter or employee; camera check; with errors)",
    ),
    (
        "/toegankelijkheid",
        "accessibility statement (Dutch), report form with and without errors",
    ),
    ("/accessibility", "accessibility statement (English)"),
    ("/staff/login", "staff login (with errors)"),
    (
        "/staff",
        "agent console: idle, with offers, with several chats, wrap-up",
    ),
    (
        "/kiosk",
        "kiosk start page (enrolled), refusal (not enrolled)",
    ),
    ("/kiosk/aanmelden/{token}", "kiosk enrolment confirmation"),
    (
        "/kiosk/bericht",
        "kiosk: leave a message in the kiosk layout (with errors)",
    ),
    (
        "/kiosk/bericht/ontvangen",
        "kiosk: the message was received, with its reference",
    ),
    (
        "/staff/kiosks",
        "supervisor: kiosks (none, with errors, with a new enrolment link and QR code, \
         list with last seen, rename error)",
    ),
    (
        "/staff/links",
        "supervisor: short link and QR code per topic (call deflection)",
    ),
    (
        "/staff/openingstijden",
        "supervisor: opening hours per queue (with errors, saved)",
    ),
    (
        "/staff/berichten",
        "staff: shared list of left messages (new, picked up, answered)",
    ),
    (
        "/staff/rapportage",
        "supervisor: reports (figures with definitions, norms, hours chart, breakdowns, \
         the contacts behind a number, filter errors)",
    ),
    (
        "/staff/overzicht",
        "supervisor: live wallboard (queues, staff by state, interpreters, video capacity, \
         waiting contacts with move forms, wall screen tokens; with a move error, a new TV link)",
    ),
    (
        "/staff/overzicht/gesprek/{id}",
        "supervisor: an open conversation, read-only (no reply box)",
    ),
    (
        "/tv/{token}",
        "wall screen: the wallboard without names, by a read-only token",
    ),
    (
        "/privacy",
        "privacy statement: what Loket keeps, for how long, how to ask for it or have it erased",
    ),
    (
        "/staff/privacy",
        "privacy officer: search (empty, with results, nothing found), holds in force",
    ),
    (
        "/staff/privacy/inzage",
        "privacy officer: everything about a resident (art. 15), hold forms, hold placed, error",
    ),
    (
        "/staff/privacy/wissen",
        "privacy officer: erase confirmation, missing confirmation error, erased",
    ),
    (
        "/staff/privacy/log",
        "privacy officer: access log with filters (and with a filter error)",
    ),
    (
        "/staff/privacy/bewaartermijnen",
        "privacy officer: retention terms with the next purge's preview (errors, saved)",
    ),
    (
        "/staff/berichten/{id}",
        "staff: one left message (pick up; written, e-mail or call-back answer; failed e-mail)",
    ),
    (
        "/staff/gesprek/{id}",
        "staff call page: two- and three-way video call, request waiting, ended",
    ),
];

/// Builds the application router.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let static_files = Router::new().route("/static/{*path}", get(assets::serve));
    let pages = Router::new()
        .route("/", get(resident::home::home))
        .route("/taal/{lang}", get(resident::home::switch_language))
        .route(
            "/chat/start",
            get(resident::chat::start_form).post(resident::chat::start_submit),
        )
        .route("/chat/{token}", get(resident::chat::conversation))
        .route("/chat/{token}/send", post(resident::chat::send))
        .route("/chat/{token}/end", post(resident::chat::end))
        .route("/chat/{token}/beeindigen", get(resident::chat::end_confirm))
        .route("/chat/{token}/enquete", post(resident::survey::answer))
        .route("/ngt/{page}/{file}", get(sign_video::serve))
        .route("/chat/{token}/transcript", get(resident::transcript::page))
        .route(
            "/chat/{token}/transcript.txt",
            get(resident::transcript::text),
        )
        .route(
            "/video/start",
            get(resident::video_start::start_form).post(resident::video_start::start_submit),
        )
        .route("/o/{slug}", get(resident::short_link::open))
        .route("/kiosk", get(kiosk::start_page))
        .route("/kiosk/start", post(kiosk::start))
        .route("/kiosk/reset", post(kiosk::reset))
        .route(
            "/kiosk/bericht",
            get(kiosk::message_form).post(kiosk::message_submit),
        )
        .route("/kiosk/bericht/ontvangen", get(kiosk::message_sent))
        .route(
            "/kiosk/aanmelden/{token}",
            get(kiosk::enrol_page).post(kiosk::enrol),
        )
        .route(
            "/bericht",
            get(resident::leave_message::form).post(resident::leave_message::submit),
        )
        .route("/bericht/{token}", get(resident::leave_message::sent))
        .route(
            "/toegankelijkheid",
            get(resident::accessibility_statement::page),
        )
        .route(
            "/accessibility",
            get(resident::accessibility_statement::page),
        )
        .route(
            "/toegankelijkheid/melding",
            post(resident::accessibility_statement::report),
        )
        .route(
            "/staff/login",
            get(staff::login::login_form).post(staff::login::login),
        )
        .route("/staff/logout", post(staff::login::logout))
        .route("/staff", get(staff::console::console))
        .route("/staff/presence", post(staff::console::actions::presence))
        .route(
            "/staff/offers/{id}/accept",
            post(staff::console::actions::accept),
        )
        .route(
            "/staff/offers/{id}/decline",
            post(staff::console::actions::decline),
        )
        .route(
            "/staff/chats/{id}/send",
            post(staff::console::actions::send),
        )
        .route("/staff/chats/{id}/end", post(staff::console::actions::end))
        .route(
            "/staff/wachtenden/{id}/nemen",
            post(staff::console::actions::take),
        )
        .route(
            "/staff/chats/{id}/wrapup",
            post(staff::console::actions::wrapup),
        )
        .route(
            "/staff/kiosks",
            get(staff::kiosks::page).post(staff::kiosks::register),
        )
        .route("/staff/kiosks/{id}/naam", post(staff::kiosks::rename))
        .route("/staff/kiosks/{id}/intrekken", post(staff::kiosks::revoke))
        .route("/staff/kiosks/{id}/link", post(staff::kiosks::new_link))
        .route(
            "/staff/kiosks/{id}/verwijderen",
            post(staff::kiosks::delete),
        )
        .route("/staff/links", get(staff::short_links::page))
        .route("/staff/links/{slug}/qr.svg", get(staff::short_links::qr))
        .route("/staff/openingstijden", get(staff::opening_hours::page))
        .route("/staff/rapportage", get(staff::reports::page))
        .route(
            "/staff/rapportage/cijfers.csv",
            get(staff::reports::figures_csv),
        )
        .route(
            "/staff/rapportage/contacten.csv",
            get(staff::reports::contacts_csv),
        )
        .route("/staff/overzicht", get(staff::board::page))
        .route(
            "/staff/overzicht/gesprek/{id}",
            get(staff::board::conversation),
        )
        .route(
            "/staff/overzicht/wachtenden/{id}/verplaatsen",
            post(staff::board::reassign),
        )
        .route("/staff/overzicht/tv", post(staff::board::new_tv))
        .route(
            "/staff/overzicht/tv/{id}/intrekken",
            post(staff::board::revoke_tv),
        )
        .route("/tv/{token}", get(tv::page))
        .route("/tv/{token}/stand.json", get(tv::figures))
        .route("/staff/privacy", get(staff::privacy::page))
        .route("/staff/privacy/inzage", get(staff::privacy::export_page))
        .route(
            "/staff/privacy/inzage.json",
            get(staff::privacy::export_json),
        )
        .route(
            "/staff/privacy/wissen",
            get(staff::privacy::erase_confirm).post(staff::privacy::erase),
        )
        .route(
            "/staff/privacy/bewaarplicht",
            post(staff::privacy::place_hold),
        )
        .route(
            "/staff/privacy/bewaarplicht/{id}/opheffen",
            post(staff::privacy::lift_hold),
        )
        .route("/staff/privacy/log", get(staff::privacy::log_page))
        .route("/staff/privacy/log.csv", get(staff::privacy::log_csv))
        .route(
            "/staff/privacy/bewaartermijnen",
            get(staff::privacy::terms).post(staff::privacy::save_terms),
        )
        .route("/privacy", get(resident::privacy_statement::page))
        .route(
            "/staff/openingstijden/{queue}",
            post(staff::opening_hours::save),
        )
        .route("/staff/berichten", get(staff::messages::list))
        .route("/staff/berichten/{id}", get(staff::messages::item))
        .route(
            "/staff/berichten/{id}/oppakken",
            post(staff::messages::pick_up),
        )
        .route(
            "/staff/berichten/{id}/antwoord",
            post(staff::messages::answer),
        )
        .route("/staff/gesprek/{id}", get(staff::call::call_page))
        .route("/staff/gesprek/{id}/aanvragen", post(staff::call::request))
        .route("/staff/gesprek/{id}/intrekken", post(staff::call::cancel))
        .route("/staff/gesprek/{id}/verlaten", post(staff::call::leave))
        .route(
            "/staff/fragments/chat/{id}",
            get(staff::console::panels::chat_fragment),
        )
        .route(
            "/staff/fragments/offer/{id}",
            get(staff::console::panels::offer_fragment),
        )
        .route(
            "/staff/fragments/wrapup/{id}",
            get(staff::console::panels::wrapup_fragment),
        )
        .route(
            "/staff/fragments/waiting",
            get(staff::console::panels::waiting_fragment),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let app = Router::new()
        .merge(pages)
        .merge(static_files)
        .route("/healthz", get(|| async { "ok" }))
        .route("/ws/chat/{token}", get(live::resident_socket))
        .route("/ws/staff", get(live::staff_socket))
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::render_error_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::ensure_csrf_cookie,
        ));
    // Behind HTTPS: `__Host-` cookie names and Strict-Transport-Security.
    let app = match https_headers(&state.config) {
        Some(hsts) => app
            .layer(axum::middleware::from_fn(ctx::host_prefixed_cookies))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::STRICT_TRANSPORT_SECURITY,
                hsts,
            )),
        None => app,
    };
    let app = if state.config.security.public_url.is_some() {
        app.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::canonical_host,
        ))
    } else {
        app
    };
    app.layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(header_if_missing(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_if_missing(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_if_missing(header::REFERRER_POLICY, "same-origin"))
        .layer(header_if_missing(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_if_missing(
            HeaderName::from_static("permissions-policy"),
            "camera=(self), microphone=(self), geolocation=(), payment=()",
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "unmatched".into());
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_string();
            tracing::info_span!("request", method = %req.method(), route, request_id = id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::from_fn(drop_client_request_id))
        .with_state(state)
}

/// The request id in the logs is the server's own: one sent by the client is removed
/// before [`SetRequestIdLayer`] makes a new one (a client could otherwise choose the id
/// its requests are logged under, to blur them with another's or forge a log line).
async fn drop_client_request_id(
    mut req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    req.headers_mut().remove("x-request-id");
    next.run(req).await
}

/// The `Strict-Transport-Security` value when Loket is served over HTTPS
/// (`secure_cookies = true`); `None` over plain HTTP, where browsers ignore it anyway.
fn https_headers(config: &Config) -> Option<HeaderValue> {
    if !config.secure_cookies {
        return None;
    }
    HeaderValue::from_str(&format!("max-age={}", config.security.hsts_max_age_secs)).ok()
}

/// A layer that sets a security header unless the handler set it already.
fn header_if_missing(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
