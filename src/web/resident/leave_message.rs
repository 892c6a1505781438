//! Leave a message: when a channel is closed or nobody is available, a resident writes
//! their question and how to be reached: by e-mail (only offered when an SMTP relay is
//! configured, `[mail]`), by phone, or "I come back" with a link that carries a code.
//!
//! A left message is asynchronous work, not a live chat: it goes to the inbox
//! ([`Hub::inbox_submit`](crate::hub::Hub::inbox_submit)), where any staff member with
//! the skill of its queue picks it up and answers it (`/staff/berichten`). It is never
//! offered like a chat, takes no chat capacity and has no queue position.
//!
//! `/bericht/{token}` is the resident's own page for it: first the confirmation (the
//! reference, the promise "U krijgt binnen N werkdagen antwoord" from
//! `[messages] answer_within_days`, the link to keep), later the answer.

use crate::auth::plausible_token;
use crate::store::{AnswerHow, InboxChannel, InboxItem, InboxState, NewInboxItem, Reach};
use crate::web::contact;
use crate::web::ctx::site_address;
use crate::web::form::{CsrfForm, FieldError, find_error, form_status, limit_hint};
use crate::web::intake::WebSource;
use crate::web::redaction::{self, Checked, Choice, Place, RedactView};
use crate::web::views::{Base, iso_time, local_datetime};
use crate::web::{AppError, AppState, Ctx};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
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
    /// An SMTP relay is configured: e-mail is one of the ways to be reached.
    pub offer_email: bool,
    /// The notice about a number the resident should not send (issue 15).
    pub redact: RedactView,
}

impl MessagePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

/// The resident's page of their message: the confirmation, then the answer.
#[derive(Template)]
#[template(path = "message_sent.html")]
pub struct MessageSentPage {
    pub base: Base,
    pub reference: String,
    /// "U krijgt binnen 2 werkdagen antwoord." (while not answered).
    pub promise: String,
    /// How the answer will come (while not answered).
    pub how: String,
    /// The full address of this page, to keep.
    pub link: String,
    /// Where it stands, one sentence (the status box).
    pub status: String,
    pub body: String,
    pub sent_at: String,
    pub sent_iso: String,
    pub answer: Option<AnswerView>,
}

/// The answer as the resident sees it.
#[derive(Debug, Clone)]
pub struct AnswerView {
    /// What happened ("We hebben u op ... gebeld.").
    pub lead: String,
    /// The text (a written or e-mailed answer; never the note of a call).
    pub text: Option<String>,
    pub by: String,
}
async fn render(
    state: &AppState,
    ctx: &Ctx,
    form: MessageForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    render_asking(state, ctx, form, errors, &[]).await
}

/// The form; with `found` (numbers in the message the resident should not send), the
/// notice that asks what to do with them is open.
async fn render_asking(
    state: &AppState,
    ctx: &Ctx,
    form: MessageForm,
    errors: Vec<FieldError>,
    found: &[crate::privacy::redact::Kind],
) -> Result<Response, AppError> {
    let t = ctx.t;
    let mut base = ctx.base(t.s("message.title"));
    base.has_error = !errors.is_empty() || !found.is_empty();
    let status = form_status(&errors);
    let max = state.config.chat.max_message_chars;
    let page = MessagePage {
        base,
        errors,
        form,
        topics: contact::topic_options(state, t).await?,
        limit_hint: limit_hint(t, max),
        offer_email: state.config.mail.is_some(),
        redact: RedactView::new(t, state.config.privacy.detector(), Place::Message, found),
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
    /// The answer to the notice about a number in the message: `remove` or `send`.
    #[serde(default)]
    redact: String,
}

/// `POST /bericht`: validates, creates the contact, shows the confirmation.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    WebSource(source): WebSource,
    CsrfForm(f): CsrfForm<Submit>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let fields = contact::MessageFields {
        name: &f.name,
        message: &f.message,
        reach: &f.reach,
        email: &f.email,
        phone: &f.phone,
    };
    let ways = contact::AnswerWays {
        email: state.config.mail.is_some(),
        link: true,
    };
    let checked = contact::check_message(t, fields, state.config.chat.max_message_chars, ways);
    let kept = |f: Submit| MessageForm {
        name: f.name.trim().to_string(),
        topic: f.topic,
        message: f.message,
        reach: f.reach,
        email: f.email,
        phone: f.phone,
    };
    let mut m = match checked {
        Ok(m) => m,
        Err(errors) => return render(&state, &ctx, kept(f), errors).await,
    };
    // A number the resident should not send: ask first, unless the form says what to do.
    let detector = state.config.privacy.detector();
    match redaction::check(detector, &m.body, Choice::parse(&f.redact)) {
        Checked::Send(body) if body.is_empty() => {
            // Only the number was typed, and it was removed: nothing is left to send.
            let errors = vec![FieldError::new("message", t.s("message.error_message"))];
            let form = MessageForm {
                message: body,
                ..kept(f)
            };
            return render(&state, &ctx, form, errors).await;
        }
        Checked::Send(body) => m.body = body,
        Checked::Ask(found) => {
            return render_asking(&state, &ctx, kept(f), Vec::new(), &found).await;
        }
    }
    let topic = contact::topic_by_slug(&state, &f.topic).await?;
    let queue = contact::chat_queue_for(&state, topic.as_ref()).await?;
    let (_, token) = contact::leave(
        &state,
        &source,
        &NewInboxItem {
            channel: InboxChannel::Form,
            queue_id: queue.id,
            topic_id: topic.as_ref().map(|tp| tp.id),
            resident_name: &m.name,
            lang: t.lang.code(),
            body: &m.body,
            reach: m.reach,
            reach_value: &m.reach_value,
        },
    )
    .await?;
    Ok(axum::response::Redirect::to(&format!("/bericht/{token}")).into_response())
}

/// `GET /bericht/{token}`: the resident's page of their message. Before the answer: the
/// confirmation (reference, promise, how the answer comes, the link to keep) and their
/// message; once answered: the answer. Never a queue.
pub async fn sent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let t = ctx.t;
    if !plausible_token(&token) {
        return Err(AppError::ConversationNotFound);
    }
    let item = state
        .store
        .inbox_item_by_token(&token)
        .await?
        .ok_or(AppError::ConversationNotFound)?;
    let answered = item.state == InboxState::Answered;
    let title = if answered {
        t.s("message.answer_title")
    } else {
        t.s("message.sent_title")
    };
    let page = MessageSentPage {
        base: ctx.base(title),
        reference: item.reference(),
        promise: t.f(
            "message.promise",
            &[("days", &state.config.messages.answer_within_days)],
        ),
        how: match item.reach {
            Reach::Email => t.f("message.sent_email", &[("value", &item.reach_value)]),
            Reach::Phone => t.f("message.sent_phone", &[("value", &item.reach_value)]),
            Reach::Return => t.s("message.sent_here").to_string(),
        },
        link: format!(
            "{}/bericht/{token}",
            site_address(&headers, state.config.secure_cookies)
        ),
        status: status_text(&ctx, &item),
        body: item.body.clone(),
        sent_at: local_datetime(item.created_at),
        sent_iso: iso_time(item.created_at),
        answer: answer_view(&ctx, &item),
    };
    Ok(Html(page.render()?).into_response())
}

/// Where the message stands, as the resident reads it.
fn status_text(ctx: &Ctx, item: &InboxItem) -> String {
    let t = ctx.t;
    match (item.state, item.answered_at) {
        (InboxState::Answered, Some(at)) => {
            t.f("message.state_answered", &[("time", &local_datetime(at))])
        }
        (InboxState::New, _) => t.s("message.state_new").to_string(),
        _ => t.s("message.state_picked_up").to_string(),
    }
}

fn answer_view(ctx: &Ctx, item: &InboxItem) -> Option<AnswerView> {
    let t = ctx.t;
    if item.state != InboxState::Answered {
        return None;
    }
    let time = local_datetime(item.answered_at.unwrap_or(item.created_at));
    let by = item.answered_by_name.clone().unwrap_or_default();
    let text = item.answer_body.clone();
    Some(match item.answer_how {
        Some(AnswerHow::CalledBack) => AnswerView {
            lead: t.f("message.answered_phone", &[("time", &time)]),
            text: None,
            by,
        },
        Some(AnswerHow::Email) => AnswerView {
            lead: t.f(
                "message.answered_email",
                &[("time", &time), ("address", &item.reach_value)],
            ),
            text,
            by,
        },
        _ => AnswerView {
            lead: t.f("message.answered_written", &[("time", &time)]),
            text,
            by,
        },
    })
}
