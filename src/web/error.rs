//! One error type for every handler, and the error pages it becomes.
//!
//! A handler returns `Result<_, AppError>`. [`AppError`] turns into a bare response that
//! carries an [`ErrorKind`] marker; the [`render_error_pages`] middleware, which knows the
//! visitor's language, renders the marker as a proper page (title starting with "Fout:"
//! / "Error:", a plain explanation, a way back). Errors that axum itself produces (an
//! unknown route, a body that is too large, an undecodable form) get the same treatment.
//! Internal errors are logged once, as the response is made, with their whole chain of
//! causes (and the request id from the surrounding span); they are never shown raw.

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
///
/// Failures of the store, the hub and the templates keep their cause as the error's
/// [`source`](std::error::Error::source), so the one log line written when the error
/// becomes a response (see [`chain`]) says what went wrong all the way down. Their own
/// text is a short label: it never carries message text, tokens or names.
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
    /// Too many new contacts from one source ([`super::intake`]); `limit` names which.
    #[error("too many new contacts ({limit} limit)")]
    TooMany { limit: &'static str },
    #[error("store failed")]
    Store(#[from] StoreError),
    /// A hub failure other than [`HubError::NotAllowed`] (that one is [`AppError::Forbidden`]).
    #[error("hub failed")]
    Hub(#[source] HubError),
    #[error("template failed")]
    Template(#[from] askama::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<HubError> for AppError {
    fn from(e: HubError) -> Self {
        match e {
            HubError::NotAllowed => AppError::Forbidden,
            other => AppError::Hub(other),
        }
    }
}

/// The error and its sources as one line: `a: b: c`. Many errors repeat their source in
/// their own text (`database error: {0}`); a source already contained in the line
/// before it is left out, so each cause appears once.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut last = line.clone();
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !last.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
            last = text;
        }
        source = e.source();
    }
    line
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
    TooMany,
    Internal,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, kind) = match &self {
            AppError::LoginRequired => return Redirect::to("/staff/login").into_response(),
            AppError::NotFound => (StatusCode::NOT_FOUND, ErrorKind::NotFound),
            AppError::ConversationNotFound => {
                (StatusCode::NOT_FOUND, ErrorKind::ConversationNotFound)
            }
            AppError::Forbidden => (StatusCode::FORBIDDEN, ErrorKind::Forbidden),
            AppError::Csrf => (StatusCode::FORBIDDEN, ErrorKind::Csrf),
            AppError::BadRequest => (StatusCode::BAD_REQUEST, ErrorKind::BadRequest),
            AppError::TooMany { limit } => {
                tracing::warn!(limit, "new contact refused: intake limit");
                (StatusCode::TOO_MANY_REQUESTS, ErrorKind::TooMany)
            }
            AppError::Store(_)
            | AppError::Hub(_)
            | AppError::Template(_)
            | AppError::Internal(_) => {
                tracing::error!(error = %chain(&self), "internal error");
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
        ErrorKind::TooMany => ("error.too_many_h1", "error.too_many"),
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
            kiosk: false,
            contact: crate::web::views::FooterContact::new(&state.config.contact, t),
        },
        heading: t.s(heading).to_string(),
        message: t.s(message).to_string(),
    };
    match page.render() {
        Ok(html) => {
            let mut out = (status, Html(html)).into_response();
            if kind == ErrorKind::TooMany {
                // A few minutes refill enough of the allowance for one more contact.
                out.headers_mut().insert(
                    header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("300"),
                );
            }
            for (name, value) in resp.headers() {
                if name == header::SET_COOKIE {
                    out.headers_mut().append(name, value.clone());
                }
            }
            out
        }
        Err(e) => {
            tracing::error!(error = %chain(&e), "error page failed to render");
            status.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_error() -> StoreError {
        StoreError::Db(sqlx::Error::RowNotFound)
    }

    #[test]
    fn chain_names_each_cause_once() {
        let line = chain(&AppError::from(store_error()));
        let cause = sqlx::Error::RowNotFound.to_string();
        assert_eq!(line, format!("store failed: database error: {cause}"));
        let line = chain(&AppError::from(HubError::Store(store_error())));
        assert_eq!(line, format!("hub failed: database error: {cause}"));
    }

    #[test]
    fn sources_are_kept() {
        let e = AppError::from(HubError::Store(store_error()));
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source, Some(store_error().to_string()));
    }

    #[test]
    fn statuses_are_unchanged() {
        let status = |e: AppError| e.into_response().status();
        assert_eq!(
            status(store_error().into()),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            status(HubError::ShuttingDown.into()),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(status(HubError::NotAllowed.into()), StatusCode::FORBIDDEN);
        assert_eq!(
            status(AppError::Internal("x".into())),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(status(AppError::NotFound), StatusCode::NOT_FOUND);
    }
}
