//! Rows the store reads and writes.

use crate::domain::RequestStatus;
use crate::i18n::Localized;
use serde::Serialize;

/// A staff member's role. Roles are checked on every staff route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Agent,
    Interpreter,
    Supervisor,
    Admin,
    /// The privacy officer: finds, exports and erases a resident's data, places legal
    /// holds, reads the access log and sets retention terms. Serves no queue.
    Privacy,
}

impl Role {
    /// The stored and command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Interpreter => "interpreter",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Privacy => "privacy",
        }
    }

    /// Parses a command-line role name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "agent" => Some(Role::Agent),
            "interpreter" => Some(Role::Interpreter),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            "privacy" => Some(Role::Privacy),
            _ => None,
        }
    }

    /// Queue slugs a new account of this role serves unless told otherwise.
    pub fn default_skills(self) -> &'static [&'static str] {
        match self {
            Role::Agent => &["chat", "video"],
            Role::Interpreter => &["ngt"],
            Role::Supervisor | Role::Admin | Role::Privacy => &[],
        }
    }

    /// May this role see the supervisor overview?
    pub fn supervises(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }

    /// May this role use the privacy pages (search, export, erase, holds, access log,
    /// retention terms)?
    pub fn guards_privacy(self) -> bool {
        matches!(self, Role::Privacy | Role::Admin)
    }

    /// Does this role answer residents (the console, conversations, left messages)?
    pub fn answers(self) -> bool {
        !matches!(self, Role::Privacy)
    }
}

/// A queue's channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Chat,
    Video,
}

impl Channel {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Chat => "chat",
            Channel::Video => "video",
        }
    }
}

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Waiting,
    Active,
    Ended,
    Abandoned,
}

impl Status {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Active => "active",
            Status::Ended => "ended",
            Status::Abandoned => "abandoned",
        }
    }

    /// Ended or abandoned.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Ended | Status::Abandoned)
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Sender {
    Resident,
    Agent,
    /// A sign-language interpreter writing in a call's chat.
    Interpreter,
    System,
}

impl Sender {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sender::Resident => "resident",
            Sender::Agent => "agent",
            Sender::Interpreter => "interpreter",
            Sender::System => "system",
        }
    }

    /// A staff member writes in their role: interpreters as interpreters, everyone else
    /// (agents, and supervisors or administrators who take a chat) as the organisation.
    pub fn staff(role: Role) -> Sender {
        match role {
            Role::Interpreter => Sender::Interpreter,
            _ => Sender::Agent,
        }
    }
}

/// A queue contacts wait in.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Queue {
    pub id: i64,
    pub slug: String,
    pub name_nl: String,
    pub name_en: String,
    pub channel: Channel,
    pub priority: i64,
    pub is_demo: bool,
}

/// A topic a resident can pick when starting a chat.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Topic {
    pub id: i64,
    pub slug: String,
    pub name_nl: String,
    pub name_en: String,
    pub is_demo: bool,
}

/// A frequently asked question with its answer in both languages.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Faq {
    pub id: i64,
    pub question_nl: String,
    pub answer_nl: String,
    pub question_en: String,
    pub answer_en: String,
    pub is_demo: bool,
}

/// A staff account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub chat_capacity: i64,
    pub is_demo: bool,
    pub disabled: bool,
}

/// A staff account to create.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub chat_capacity: u8,
    pub skills: &'a [&'a str],
    pub is_demo: bool,
}

/// One resident's contact.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Conversation {
    pub id: i64,
    pub queue_id: i64,
    pub topic_id: Option<i64>,
    pub resident_name: String,
    pub lang: String,
    pub origin: String,
    pub status: Status,
    pub agent_id: Option<i64>,
    pub created_at: i64,
    pub assigned_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub ended_by: Option<String>,
    pub wrapup_topic: Option<String>,
    pub wrapup_note: Option<String>,
    pub wrapped_at: Option<i64>,
    /// A video call from the start, or a chat that became one.
    pub is_call: bool,
    /// A message left out of hours: `email`, `phone` or `return`.
    pub contact_method: Option<String>,
    pub contact_value: Option<String>,
    /// Started at this kiosk: it opens there only, while it is the kiosk's current
    /// conversation (0: a kiosk no longer known).
    pub kiosk_id: Option<i64>,
    pub last_seq: i64,
    pub queue_slug: String,
    pub channel: Channel,
    pub priority: i64,
    pub topic_nl: Option<String>,
    pub topic_en: Option<String>,
    pub agent_name: Option<String>,
}

/// A conversation to create.
#[derive(Debug, Clone)]
pub struct NewConversation<'a> {
    pub queue_id: i64,
    pub topic_id: Option<i64>,
    pub resident_name: &'a str,
    pub lang: &'a str,
    pub origin: &'a str,
    pub first_message: &'a str,
}

/// A stored chat message.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Message {
    pub seq: i64,
    pub sender: Sender,
    pub sender_name: String,
    pub body: String,
    pub client_id: Option<String>,
    pub created_at: i64,
}

/// A message to store.
#[derive(Debug)]
pub struct NewMessage<'a> {
    pub conversation_id: i64,
    pub sender: Sender,
    pub sender_name: &'a str,
    pub body: &'a str,
    pub client_id: Option<&'a str>,
}

/// Result of [`super::Store::append_message`].
#[derive(Debug, Clone)]
pub struct Appended {
    pub message: Message,
    /// True when the client id was seen before and nothing new was stored.
    pub duplicate: bool,
}

/// A request for one more staff member (an agent or an interpreter) in a call.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallRequest {
    pub id: i64,
    pub conversation_id: i64,
    pub queue_id: i64,
    pub topic_id: Option<i64>,
    pub requested_by: i64,
    pub staff_id: Option<i64>,
    /// `waiting`, `active`, `ended` or `cancelled`.
    pub status: String,
    pub created_at: i64,
    pub requested_by_name: String,
    pub topic_nl: Option<String>,
    pub topic_en: Option<String>,
}

/// A registered kiosk (a shared terminal at an office).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Kiosk {
    pub id: i64,
    pub name: String,
    pub location: String,
    /// Seconds of inactivity before the kiosk wipes a resident's session.
    pub idle_secs: i64,
    pub current_conversation: Option<i64>,
    pub created_at: i64,
    pub enrolled_at: Option<i64>,
    /// Last request of the kiosk's device (unix ms; written at most once a minute).
    pub last_seen_at: Option<i64>,
    /// When a supervisor revoked the device (its cookie no longer works).
    pub revoked_at: Option<i64>,
}

// ----- bilingual columns ---------------------------------------------------------------
// Names and texts are stored as `*_nl` / `*_en` column pairs; code reads them as one
// [`Localized`] and picks the reader's language with `get(lang)`.

impl Queue {
    /// The queue's name in both languages.
    pub fn name(&self) -> Localized {
        Localized::new(&self.name_nl, &self.name_en)
    }
}

impl Topic {
    /// The topic's name in both languages.
    pub fn name(&self) -> Localized {
        Localized::new(&self.name_nl, &self.name_en)
    }
}

impl Faq {
    /// The question in both languages.
    pub fn question(&self) -> Localized {
        Localized::new(&self.question_nl, &self.question_en)
    }

    /// The answer in both languages.
    pub fn answer(&self) -> Localized {
        Localized::new(&self.answer_nl, &self.answer_en)
    }
}

impl Conversation {
    /// The topic the resident chose, in both languages (none chosen: `None`).
    pub fn topic(&self) -> Option<Localized> {
        Localized::from_options(self.topic_nl.clone(), self.topic_en.clone())
    }
}

impl CallRequest {
    /// The topic of the request, in both languages.
    pub fn topic(&self) -> Option<Localized> {
        Localized::from_options(self.topic_nl.clone(), self.topic_en.clone())
    }

    /// Where the request stands.
    pub fn state(&self) -> Option<RequestStatus> {
        RequestStatus::parse(&self.status)
    }
}
