//! Leave a message: when a channel is closed or nobody is available, a resident writes
//! their question and how to be reached (e-mail, phone, or "I come back" with a link that
//! carries a code). It becomes a contact in the chat queue like any other, offered to the
//! next agent who is available (the next shift), with the same wrap-up and reports; it is
//! never abandoned for want of a live resident.

use crate::auth::plausible_token;
use crate::hub::{Origin, Skill};
use crate::web::contact::{self, NewContact, Reach};
use crate::web::form::{
    CsrfForm, FieldError, checked_text, find_error, form_status, limit_hint, name_error,
    normal_phone, valid_email,
};
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

/// Values of the leave-a-message form, kept when it is shown again with errors.
#[derive(Debug, Clone, Default)]
pub struct MessageForm {
    pub name: String,
    pub topic: String,
    pub message: String,
    /// `email`, `phone` or `return`.
    pub reach: String,
    pub email: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub form: MessageForm,
    pub topics: Vec<(String, String)>,
    pub limit_hint: String,
}

impl MessagePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "message_sent.html")]
pub struct MessageSentPage {
    pub base: Base,
    pub reference: String,
    pub how: String,
    pub show_link: bool,
    pub link: String,
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
    let status = form_status(&errors);
    let max = state.config.chat.max_message_chars;
    let page = MessagePage {
        base,
        errors,
        form,
        topics: contact::topic_options(state, t).await?,
        limit_hint: limit_hint(t, max),
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
    CsrfForm(f): CsrfForm<Submit>,
) -> Result<Response, AppError> {
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
            errors.push(FieldError::new("email", t.s("message.error_email")));
            None
        }
        "phone" => match normal_phone(&f.phone) {
            Some(p) => Some(("phone", p)),
            None => {
                errors.push(FieldError::new("phone", t.s("message.error_phone")));
                None
            }
        },
        "return" => Some(("return", String::new())),
        _ => {
            errors.push(FieldError::new("reach-email", t.s("message.error_reach")));
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
    let queue = contact::skill_queue(&state, Skill::Chat).await?;
    let topic = contact::topic_by_slug(&state, &f.topic).await?;
    let new = NewContact {
        queue: &queue,
        topic: topic.as_ref(),
        name: &name,
        origin: Origin::LeftMessage,
        first_message: &body,
        reach: Some(Reach {
            method,
            value: &value,
        }),
        lang: t.lang,
    };
    let (_, token) = contact::open(&state, new).await?;
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
        .filter(|c| Origin::parse(&c.origin).is_left_message())
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
    fn references_read_aloud() {
        assert_eq!(reference(123), "B-000-123");
        assert_eq!(reference(1234567), "B-1234-567");
    }
}
