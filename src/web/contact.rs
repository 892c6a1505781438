//! Opening a contact: the one step every way in shares (the chat and video start pages,
//! leave a message, the accessibility report, the kiosk).
//!
//! A page checks its own form, then describes the contact as one [`NewContact`] and calls
//! [`open`]: the conversation is stored with its first message, the hub puts it in its
//! queue, and the resident gets the capability token of their conversation page. The
//! look-ups the forms need to choose a queue and a topic live here too.

use super::form::{FieldError, checked_text, name_error, normal_phone, valid_email};
use super::intake::{Kind, Source};
use super::{AppError, AppState};
use crate::hub::{Origin, Skill};
use crate::i18n::{Lang, T};
use crate::store::{Channel, Conversation, InboxItem, NewConversation, NewInboxItem, Queue, Topic};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Everything that describes a new contact.
#[derive(Debug, Clone)]
pub struct NewContact<'a> {
    pub queue: &'a Queue,
    pub topic: Option<&'a Topic>,
    /// The resident's name as they typed it (may be empty).
    pub name: &'a str,
    /// Where it came from.
    pub origin: Origin,
    /// The question, stored as the resident's first message (empty: none).
    pub first_message: &'a str,
    /// The resident's page language.
    pub lang: Lang,
    /// Who opens it (counted by the intake limits).
    pub source: &'a Source,
}

/// Stores the conversation and puts it in its queue; returns it with the resident's token.
pub async fn open(state: &AppState, c: NewContact<'_>) -> Result<(Conversation, String), AppError> {
    admit(state, Kind::Live, c.source)?;
    let origin = c.origin.to_string();
    let (conv, token) = state
        .hub
        .open_contact(&NewConversation {
            queue_id: c.queue.id,
            topic_id: c.topic.map(|tp| tp.id),
            resident_name: c.name,
            lang: c.lang.code(),
            origin: &origin,
            first_message: c.first_message,
        })
        .await?;
    tracing::info!(conversation = conv.id, %origin, queue = %c.queue.slug, "contact opened");
    Ok((conv, token))
}

/// The fields of a left message as a form sent them (the website's and the kiosk's).
#[derive(Debug, Clone, Copy)]
pub struct MessageFields<'a> {
    pub name: &'a str,
    pub message: &'a str,
    /// `email`, `phone` or `return`.
    pub reach: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
}

/// A left message, checked: ready for the inbox.
#[derive(Debug, Clone)]
pub struct CheckedMessage {
    pub name: String,
    pub body: String,
    pub reach: crate::store::Reach,
    pub reach_value: String,
}

/// Where a message is left decides the ways of answering it offers: e-mail only with a
/// mail relay; reading the answer with a link ("return") only where the resident can keep
/// a link (not at a kiosk).
#[derive(Debug, Clone, Copy)]
pub struct AnswerWays {
    pub email: bool,
    pub link: bool,
}

/// Checks a left message: the name (optional), the text (1 to `max` characters) and a way
/// of answering that `ways` offers, with its address or number. All errors at once, each
/// on its field.
pub fn check_message(
    t: T,
    f: MessageFields<'_>,
    max: usize,
    ways: AnswerWays,
) -> Result<CheckedMessage, Vec<FieldError>> {
    use crate::store::Reach;
    let mut errors = Vec::new();
    let name = f.name.trim().to_string();
    errors.extend(name_error(t, &name));
    let body = checked_text(t, f.message, max, "message", "message.error_message")
        .map_err(|e| errors.push(e))
        .ok();
    let email = f.email.trim();
    let reach = match f.reach {
        "email" if ways.email && valid_email(email) => Some((Reach::Email, email.to_string())),
        "email" if ways.email => {
            errors.push(FieldError::new("email", t.s("message.error_email")));
            None
        }
        "phone" => match normal_phone(f.phone) {
            Some(p) => Some((Reach::Phone, p)),
            None => {
                errors.push(FieldError::new("phone", t.s("message.error_phone")));
                None
            }
        },
        "return" if ways.link => Some((Reach::Return, String::new())),
        _ => {
            let first = if ways.email {
                "reach-email"
            } else {
                "reach-phone"
            };
            errors.push(FieldError::new(first, t.s("message.error_reach")));
            None
        }
    };
    match (body, reach) {
        (Some(body), Some((reach, reach_value))) if errors.is_empty() => Ok(CheckedMessage {
            name,
            body,
            reach,
            reach_value,
        }),
        _ => Err(errors),
    }
}

/// Counts a new contact of `kind` from `source`, or refuses it ([`super::intake`]).
fn admit(state: &AppState, kind: Kind, source: &Source) -> Result<(), AppError> {
    state
        .intake
        .admit(kind, source)
        .map_err(|r| AppError::TooMany { limit: r.limit })
}

/// Leaves a message (or a report) in the inbox for `source`: counted by the intake
/// limits, also per e-mail address or telephone number. Returns the item and the token
/// of the resident's page.
pub async fn leave(
    state: &AppState,
    source: &Source,
    item: &NewInboxItem<'_>,
) -> Result<(InboxItem, String), AppError> {
    admit(state, Kind::Message, source)?;
    state
        .intake
        .admit_reach(item.reach_value)
        .map_err(|r| AppError::TooMany { limit: r.limit })?;
    Ok(state.hub.inbox_submit(item).await?)
}

/// [`open`], then sends the resident to their conversation page.
pub async fn open_and_show(state: &AppState, c: NewContact<'_>) -> Result<Response, AppError> {
    let (_, token) = open(state, c).await?;
    Ok(Redirect::to(&format!("/chat/{token}")).into_response())
}

/// The queue of a built-in skill; a missing one is an internal error.
pub async fn skill_queue(state: &AppState, skill: Skill) -> Result<Queue, AppError> {
    queue_by_slug(state, skill.queue_slug()).await
}

/// The queue with `slug`; a missing queue is an internal error.
async fn queue_by_slug(state: &AppState, slug: &str) -> Result<Queue, AppError> {
    state
        .store
        .queues()
        .await?
        .into_iter()
        .find(|q| q.slug == slug)
        .ok_or_else(|| AppError::Internal(format!("the {slug} queue is missing")))
}

/// The chat queue a contact about `topic` goes to: a topic with a chat queue of its own
/// (same slug) goes there; everything else to the general `chat` queue.
pub async fn chat_queue_for(state: &AppState, topic: Option<&Topic>) -> Result<Queue, AppError> {
    let queues = state.store.queues().await?;
    match topic.and_then(|tp| queues.iter().find(|q| q.slug == tp.slug)) {
        Some(q) if q.channel == Channel::Chat => Ok(q.clone()),
        _ => skill_queue(state, Skill::Chat).await,
    }
}

/// The topic with `slug`, if there is one.
pub async fn topic_by_slug(state: &AppState, slug: &str) -> Result<Option<Topic>, AppError> {
    Ok(state
        .store
        .topics()
        .await?
        .into_iter()
        .find(|tp| tp.slug == slug))
}

/// The topic of accessibility reports (made by the statement's report form): it is not a
/// chat topic, so no start form or QR link offers it.
pub const REPORT_TOPIC: &str = "toegankelijkheid";

/// May residents pick `slug` when starting a chat (or get a link for it)?
pub fn is_chat_topic(slug: &str) -> bool {
    slug != REPORT_TOPIC
}

/// Every chat topic as (slug, name in the reader's language), for the topic choices.
pub async fn topic_options(state: &AppState, t: T) -> Result<Vec<(String, String)>, AppError> {
    Ok(state
        .store
        .topics()
        .await?
        .into_iter()
        .filter(|tp| is_chat_topic(&tp.slug))
        .map(|tp| {
            let name = tp.name().get(t.lang).to_string();
            (tp.slug, name)
        })
        .collect())
}

/// A start form (chat or video) as posted.
#[derive(Debug, Default, Deserialize)]
pub struct StartSubmit {
    /// The kind of video call (`tolk` or `medewerker`); empty for a chat.
    #[serde(default)]
    pub met: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub question: String,
    /// `link` when the resident came through a short link (`/o/{slug}`).
    #[serde(default)]
    pub via: String,
}

impl StartSubmit {
    /// Where this contact came from: a short link when the form says so and the topic is
    /// the link's, otherwise the website.
    pub fn origin(&self) -> Origin {
        if self.via == "link" && !self.topic.is_empty() {
            Origin::ShortLink {
                slug: self.topic.clone(),
            }
        } else {
            Origin::Web
        }
    }

    /// Checks the name and the question. A chat needs a question; a call does not (they
    /// will sign or say it). Gives the checked name and question, or the form to show
    /// again with its errors.
    pub fn check(
        self,
        t: T,
        max: usize,
        question_required: bool,
    ) -> Result<(String, String), (StartForm, Vec<FieldError>)> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        errors.extend(name_error(t, &name));
        let question = if !question_required && self.question.trim().is_empty() {
            Some(String::new())
        } else {
            checked_text(t, &self.question, max, "question", "start.error_question")
                .map_err(|e| errors.push(e))
                .ok()
        };
        match (question, errors.is_empty()) {
            (Some(question), true) => Ok((name, question)),
            _ => Err((
                StartForm {
                    name,
                    topic: self.topic,
                    question: self.question,
                    via: self.via,
                },
                errors,
            )),
        }
    }
}

/// Values of a start form (chat or video), kept when it is shown again with errors.
#[derive(Debug, Clone, Default)]
pub struct StartForm {
    pub name: String,
    pub topic: String,
    pub question: String,
    /// `link` when the resident came through a short link (kept as a hidden field).
    pub via: String,
}
