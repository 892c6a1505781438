//! One error type for every handler, and the error pages it becomes.
//!
//! A handler returns `Result<_, AppError>`. [`AppError`] turns into a bare response that
//! carries an [`ErrorKind`] marker; the [`render_error_pages`] middleware, which knows the
//! visitor's language, renders the marker as a proper page (title starting with "Fout:"
//! / "Error:", a plain explanation, a way back). Errors that axum itself produces (an
//! unknown route, a body that is too large, an undecodable form) get the same treatment.
//! Internal errors are logged with the request id and never shown raw.

use super::AppState;
use super::ctx::request_lang;
use super::views::{Base, ErrorPage};
use crate::hub::HubError;
use crate::i18n::T;
use crate::store::StoreError;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("page not found")]
    NotFound,
    #[error("conversation not found")]
    ConversationNotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("CSRF check failed")]
    Csrf,
    #[error("login required")]
    LoginRequired,
    #[error("bad request")]
    BadRequest,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<HubError> for AppError {
    fn from(e: HubError) -> Self {
        match e {
            HubError::NotAllowed => AppError::Forbidden,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

/// Marker on an error response, rendered into a page by [`render_error_pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    ConversationNotFound,
    Forbidden,
    Csrf,
    BadRequest,
    TooLarge,
    Internal,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, kind) = match self {
            AppError::LoginRequired => return Redirect::to("/staff/login").into_response(),
            AppError::NotFound => (StatusCode::NOT_FOUND, ErrorKind::NotFound),
            AppError::ConversationNotFound => {
                (StatusCode::NOT_FOUND, ErrorKind::ConversationNotFound)
            }
            AppError::Forbidden => (StatusCode::FORBIDDEN, ErrorKind::Forbidden),
            AppError::Csrf => (StatusCode::FORBIDDEN, ErrorKind::Csrf),
            AppError::BadRequest => (StatusCode::BAD_REQUEST, ErrorKind::BadRequest),
            AppError::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal)
            }
        };
        let mut resp = status.into_response();
        resp.extensions_mut().insert(kind);
        resp
    }
}

/// Fallback for unknown routes.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Renders error markers, and axum's own plain-text errors, as pages in the visitor's
/// language. WebSocket, health and static routes are left alone.
pub async fn render_error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let lang = request_lang(req.headers());
    let path = req.uri().path().to_string();
    let passthrough = path.starts_with("/ws/") || path == "/healthz";
    let resp = next.run(req).await;
    if passthrough {
        return resp;
    }
    let status = resp.status();
    let kind = match resp.extensions().get::<ErrorKind>() {
        Some(k) => *k,
        None => {
            let is_html = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html"));
            if is_html || !(status.is_client_error() || status.is_server_error()) {
                return resp;
            }
            match status {
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => ErrorKind::NotFound,
                StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge,
                s if s.is_server_error() => ErrorKind::Internal,
                _ => ErrorKind::BadRequest,
            }
        }
    };
    let t = T::new(lang);
    let (heading, message) = match kind {
        ErrorKind::NotFound => ("error.not_found_h1", "error.not_found"),
        ErrorKind::ConversationNotFound => (
            "error.conversation_not_found_h1",
            "error.conversation_not_found",
        ),
        ErrorKind::Forbidden => ("error.forbidden_h1", "error.forbidden"),
        ErrorKind::Csrf => ("error.bad_request_h1", "error.csrf"),
        ErrorKind::BadRequest => ("error.bad_request_h1", "error.server"),
        ErrorKind::TooLarge => ("error.bad_request_h1", "error.too_large"),
        ErrorKind::Internal => ("error.server_h1", "error.server"),
    };
    let page = ErrorPage {
        base: Base {
            t,
            title: t.s(heading).to_string(),
            org: state.config.organisation.clone(),
            csrf: String::new(),
            path,
            staff: None,
            has_error: true,
            demo: state.demo,
        },
        heading: t.s(heading).to_string(),
        message: t.s(message).to_string(),
    };
    match page.render() {
        Ok(html) => {
            let mut out = (status, Html(html)).into_response();
            for (name, value) in resp.headers() {
                if name == header::SET_COOKIE {
                    out.headers_mut().append(name, value.clone());
                }
            }
            out
        }
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            status.into_response()
        }
    }
}
