//! Forms, the same way on every page: the CSRF check, field errors, and the checks of
//! the fields people type.
//!
//! A handler takes its form as [`CsrfForm<T>`]: the extractor reads the body once, checks
//! the CSRF token (and the `Origin` of the post) before anything else sees the form, and
//! hands over `T`. A form with only the token is `CsrfForm<NoFields>`. A field that does not
//! pass becomes a [`FieldError`]; the page is shown again with the error summary, each
//! error beside its field (the askama macros in `templates/macros/`), the typed values kept,
//! and status 400 ([`form_status`]).

use super::{AppError, AppState, Ctx};
use crate::i18n::T;
use crate::protocol::{ErrorCode, clean_message};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Longest resident name accepted.
pub const MAX_NAME_CHARS: usize = 80;

/// One field error for the error summary and the field itself.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The `id` of the field (the summary links to it).
    pub field: String,
    pub message: String,
}

impl FieldError {
    /// An error for the field with id `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// 400 when a form is shown again with errors, else 200.
pub fn form_status(errors: &[FieldError]) -> axum::http::StatusCode {
    if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::BAD_REQUEST
    }
}

/// The error for `field`, if any (page structs expose it to templates as `error_for`).
pub fn find_error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// A form whose CSRF token was checked: every `POST` handler takes its form this way.
#[derive(Debug)]
pub struct CsrfForm<F>(pub F);

/// A form that carries nothing but its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

#[derive(Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf: String,
}

impl<F: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<F> {
    /// A body that is too large keeps axum's 413 (the error pages render it); anything
    /// else that is wrong is an [`AppError`].
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let bad = |_| AppError::BadRequest.into_response();
        let token: TokenField = serde_urlencoded::from_bytes(&bytes).map_err(bad)?;
        ctx.check_csrf(state, &token.csrf)
            .map_err(IntoResponse::into_response)?;
        let form = serde_urlencoded::from_bytes(&bytes).map_err(bad)?;
        Ok(CsrfForm(form))
    }
}

/// Checks a required free text (a question, a problem report) with the message rules:
/// the cleaned text, or the form error for `field` (`empty_key` when it is empty).
pub fn checked_text(
    t: T,
    text: &str,
    max: usize,
    field: &str,
    empty_key: &str,
) -> Result<String, FieldError> {
    clean_message(text, max).map_err(|code| {
        let message = if code == ErrorCode::MessageTooLong {
            t.f("chat.error_too_long", &[("max", &max)])
        } else {
            t.s(empty_key).into()
        };
        FieldError::new(field, message)
    })
}

/// Checks an optional resident name: at most [`MAX_NAME_CHARS`], no control characters.
pub fn name_error(t: T, name: &str) -> Option<FieldError> {
    (name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control))
        .then(|| FieldError::new("name", t.s("start.error_name")))
}

/// A message typed in a message box and sent without JavaScript (the resident's page,
/// the console, the staff call page).
#[derive(Debug, Default, Deserialize)]
pub struct MessageBox {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub message: String,
}

impl MessageBox {
    /// The client id, when it is a valid one (a resend with it is stored once).
    pub fn client_id(&self) -> Option<&str> {
        crate::protocol::valid_client_id(&self.client_id).then_some(self.client_id.as_str())
    }

    /// The cleaned text, or the error for the box with id `field`.
    pub fn checked(&self, t: T, max: usize, field: &str) -> Result<String, FieldError> {
        checked_text(t, &self.message, max, field, "chat.error_empty")
    }
}

/// The hint under a text box: "at most N characters".
pub fn limit_hint(t: T, max: usize) -> String {
    t.f("form.limit", &[("max", &max)])
}

/// Checks an e-mail address: one `@`, a dot in the domain, no spaces, at most 254 bytes.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

/// Normalises a phone number (`+`, digits, spaces, dashes, dots, brackets allowed;
/// 8 to 15 digits); `None` when it is not one.
pub fn normal_phone(s: &str) -> Option<String> {
    let s = s.trim();
    let allowed = s.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0)
    });
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (allowed && (8..=15).contains(&digits)).then(|| s.to_string())
}

/// A short line of text a supervisor types (a kiosk's name or location): not blank, at
/// most `max` characters, no control characters.
pub fn short_text_ok(s: &str, max: usize) -> bool {
    !s.trim().is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_details_are_checked() {
        assert!(valid_email("naam@voorbeeld.nl"));
        assert!(!valid_email("naam@voorbeeld"));
        assert!(!valid_email("naam voorbeeld.nl"));
        assert!(!valid_email("a@b@c.nl"));
        assert!(!valid_email("<script>@x.nl"));
        assert_eq!(normal_phone(" 06 12345678 "), Some("06 12345678".into()));
        assert_eq!(
            normal_phone("+31 (0)20-123 4567"),
            Some("+31 (0)20-123 4567".into())
        );
        assert_eq!(normal_phone("12345"), None);
        assert_eq!(normal_phone("06 1234abcd"), None);
        assert_eq!(normal_phone("06+12345678"), None);
    }

    #[test]
    fn names_and_short_texts_are_checked() {
        let t = T::default();
        assert!(name_error(t, "Anna").is_none());
        assert!(name_error(t, &"a".repeat(MAX_NAME_CHARS + 1)).is_some());
        assert!(name_error(t, "a\u{7}b").is_some());
        assert!(short_text_ok("Stadskantoor", 100));
        assert!(!short_text_ok("   ", 100));
        assert!(!short_text_ok("a\nb", 100));
    }
}
