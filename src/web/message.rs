//! Leave a message: when a channel is closed or nobody is available, a resident writes
//! their question and how to be reached (e-mail, phone, or "I come back" with a link that
//! carries a code). It becomes a contact in the chat queue like any other, offered to the
//! next agent who is available (the next shift), with the same wrap-up and reports; it is
//! never abandoned for want of a live resident.

use super::resident::{checked_text, create_contact, name_error};
use super::views::{FieldError, MessageForm, MessagePage, MessageSentPage};
use super::{AppError, AppState, Ctx};
use crate::auth::plausible_token;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

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

async fn render(
    state: &AppState,
    ctx: &Ctx,
    form: MessageForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let mut base = ctx.base(t.s("message.title"));
    base.has_error = !errors.is_empty();
    let status = super::views::form_status(&errors);
    let max = state.config.chat.max_message_chars;
    let page = MessagePage {
        base,
        errors,
        form,
        topics: super::resident::topic_options(state, t).await?,
        limit_hint: t.f("form.limit", &[("max", &max)]),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /bericht`
pub async fn form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render(&state, &ctx, MessageForm::default(), Vec::new()).await
}

#[derive(Debug, Deserialize)]
pub struct Submit {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    reach: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

/// `POST /bericht`: validates, creates the contact, shows the confirmation.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Submit>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let t = ctx.t;
    let max = state.config.chat.max_message_chars;
    let mut errors = Vec::new();
    let name = f.name.trim().to_string();
    errors.extend(name_error(t, &name));
    let body = checked_text(t, &f.message, max, "message", "message.error_message")
        .map_err(|e| errors.push(e))
        .ok();
    let contact = match f.reach.as_str() {
        "email" if valid_email(f.email.trim()) => Some(("email", f.email.trim().to_string())),
        "email" => {
            errors.push(FieldError {
                field: "email".into(),
                message: t.s("message.error_email").into(),
            });
            None
        }
        "phone" => match normal_phone(&f.phone) {
            Some(p) => Some(("phone", p)),
            None => {
                errors.push(FieldError {
                    field: "phone".into(),
                    message: t.s("message.error_phone").into(),
                });
                None
            }
        },
        "return" => Some(("return", String::new())),
        _ => {
            errors.push(FieldError {
                field: "reach-email".into(),
                message: t.s("message.error_reach").into(),
            });
            None
        }
    };
    let (Some(body), Some((method, value)), true) = (body, contact, errors.is_empty()) else {
        let form = MessageForm {
            name,
            topic: f.topic,
            message: f.message,
            reach: f.reach,
            email: f.email,
            phone: f.phone,
        };
        return render(&state, &ctx, form, errors).await;
    };
    let queues = state.store.queues().await?;
    let Some(queue) = queues.iter().find(|q| q.slug == "chat") else {
        return Err(AppError::Internal("the chat queue is missing".into()));
    };
    let topics = state.store.topics().await?;
    let topic = topics.iter().find(|tp| tp.slug == f.topic);
    let contact = crate::web::resident::ContactDetails {
        method,
        value: &value,
    };
    let (_, token) = create_contact(
        &state,
        &ctx,
        queue,
        topic,
        &name,
        "message",
        &body,
        Some(contact),
    )
    .await?;
    Ok(axum::response::Redirect::to(&format!("/bericht/{token}")).into_response())
}

/// `GET /bericht/{token}`: the confirmation, with the reference (and the link to come back).
pub async fn sent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    if !plausible_token(&token) {
        return Err(AppError::ConversationNotFound);
    }
    let conv = state
        .store
        .conversation_by_token(&token)
        .await?
        .filter(|c| c.origin == "message")
        .ok_or(AppError::ConversationNotFound)?;
    let value = conv.contact_value.clone().unwrap_or_default();
    let how = match conv.contact_method.as_deref() {
        Some("email") => t.f("message.sent_email", &[("value", &value)]),
        Some("phone") => t.f("message.sent_phone", &[("value", &value)]),
        _ => t.s("message.sent_return").to_string(),
    };
    let page = MessageSentPage {
        base: ctx.base(t.s("message.sent_title")),
        reference: reference(conv.id),
        how,
        show_link: conv.contact_method.as_deref() == Some("return"),
        link: format!("/chat/{token}"),
    };
    Ok(Html(page.render()?).into_response())
}

/// The reference a resident quotes: `B-` and the number, grouped for reading aloud.
pub fn reference(id: i64) -> String {
    let digits = format!("{id:06}");
    let (a, b) = digits.split_at(digits.len() - 3);
    format!("B-{a}-{b}")
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
        assert_eq!(reference(123), "B-000-123");
        assert_eq!(reference(1234567), "B-1234-567");
    }
}
