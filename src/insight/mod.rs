//! Insight: what happened to every contact, counted right.
//!
//! The one source of truth is the contact event log (`contact_events`, written by the
//! store in the same transaction as the change each event records, from what the broker
//! decided; see `store::events`). The store folds a period's events into one
//! [`ContactFact`] per contact; everything in this module is pure arithmetic on those
//! facts, so the page, the CSV and the tests see exactly the same numbers:
//!
//! - [`figures`]: the figures of a set of facts, with their definitions, and the contacts
//!   behind each number (drill-down). Totals are counted from the facts, never averaged
//!   from averages.
//! - [`period`]: periods (today, last week, a quarter, ...) as UTC bounds of local
//!   Europe/Amsterdam days, right on the 23- and 25-hour days.
//! - [`survey`]: which satisfaction-survey figures a report may show (a staff member
//!   is not judged on fewer answers than the minimum, and hidden numbers cannot be
//!   derived from what is shown).
//! - [`export`]: CSV of the aggregates and of one row per contact (RFC 4180, UTF-8,
//!   ISO 8601 with offset, durations in seconds, no formulas).
//!
//! Personal data never enters a fact: no names, no message text, no addresses. Retention
//! (issue 15) therefore never has to touch the event log, and the figures survive it.

pub mod export;
pub mod figures;
#[cfg(test)]
mod golden;
pub mod period;
pub mod survey;

/// Milliseconds since the Unix epoch (UTC), as everywhere in the store.
pub type Millis = i64;

/// Which contact a fact or an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContactRef {
    /// A live contact: a chat or a video call (`conversations.id`).
    Conversation(i64),
    /// A left message, answered later (`inbox_items.id`).
    Message(i64),
}

/// The channel a contact came by, as reports split them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportChannel {
    /// Text chat.
    Chat,
    /// A video call with an agent.
    Video,
    /// A video call in which a sign-language interpreter was asked for (a call in the
    /// interpreter queue, or a chat or call that asked for one).
    VideoInterpreter,
    /// A left message (asynchronous; no service level, a first-response time instead).
    LeftMessage,
}

impl ReportChannel {
    /// Every channel, in report order.
    pub const ALL: [ReportChannel; 4] = [
        ReportChannel::Chat,
        ReportChannel::Video,
        ReportChannel::VideoInterpreter,
        ReportChannel::LeftMessage,
    ];

    /// A stable lowercase key (URLs, CSV, configuration): `chat`, `video`, `video-tolk`,
    /// `bericht`.
    pub fn key(self) -> &'static str {
        match self {
            ReportChannel::Chat => "chat",
            ReportChannel::Video => "video",
            ReportChannel::VideoInterpreter => "video-tolk",
            ReportChannel::LeftMessage => "bericht",
        }
    }

    /// The channel of a [`key`](ReportChannel::key).
    pub fn parse(key: &str) -> Option<ReportChannel> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// Where a contact started, as reports split them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OriginKind {
    /// The website's start pages.
    Web,
    /// A kiosk at a district office.
    Kiosk,
    /// A short link or its QR code (a letter, a poster; the deflection link).
    Link,
    /// The leave-a-message form.
    LeftMessage,
    /// A problem report from the accessibility statement.
    AccessibilityReport,
}

impl OriginKind {
    /// Every origin, in report order.
    pub const ALL: [OriginKind; 5] = [
        OriginKind::Web,
        OriginKind::Kiosk,
        OriginKind::Link,
        OriginKind::LeftMessage,
        OriginKind::AccessibilityReport,
    ];

    /// A stable lowercase key (URLs, CSV): `web`, `kiosk`, `link`, `bericht`,
    /// `toegankelijkheid`.
    pub fn key(self) -> &'static str {
        match self {
            OriginKind::Web => "web",
            OriginKind::Kiosk => "kiosk",
            OriginKind::Link => "link",
            OriginKind::LeftMessage => "bericht",
            OriginKind::AccessibilityReport => "toegankelijkheid",
        }
    }

    /// The origin of a [`key`](OriginKind::key).
    pub fn parse(key: &str) -> Option<OriginKind> {
        Self::ALL.into_iter().find(|o| o.key() == key)
    }
}

impl ContactRef {
    /// The reference staff see: `C-<id>` for a conversation, the left message's own
    /// reference (`B-000-042`, as the resident got it) for a message.
    pub fn reference(self) -> String {
        match self {
            ContactRef::Conversation(id) => format!("C-{id}"),
            ContactRef::Message(id) => crate::hub::reference(id),
        }
    }
}

/// One contact, as the event log tells it. Times are UTC milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFact {
    pub contact: ContactRef,
    /// The queue it entered first.
    pub queue_id: i64,
    pub channel: ReportChannel,
    /// The topic the resident chose (none: "other" or not asked).
    pub topic_id: Option<i64>,
    pub origin: OriginKind,
    /// The staff member who answered it last (none: never answered).
    pub agent_id: Option<i64>,
    /// When it entered its first queue (a left message: when it was sent).
    pub queued_at: Millis,
    /// The first answer: a staff member accepted the chat or call; for a left message,
    /// the first answer sent (written or a call back).
    pub answered_at: Option<Millis>,
    /// The resident left before any answer.
    pub abandoned_at: Option<Millis>,
    /// Their place in the queue when they left (none: it was being offered to someone).
    pub abandon_position: Option<u32>,
    /// The conversation ended after an answer.
    pub ended_at: Option<Millis>,
    /// The agent finished the wrap-up.
    pub wrapped_at: Option<Millis>,
    /// The wrap-up's topic label.
    pub wrapup_topic: Option<String>,
    /// The wrap-up said the question was resolved at this first contact.
    pub resolved: Option<bool>,
    /// An interpreter was first asked for.
    pub interpreter_requested_at: Option<Millis>,
    /// An interpreter first joined.
    pub interpreter_joined_at: Option<Millis>,
    /// Offers rung, declined and missed (timed out); times handed back to the queue.
    pub offers: u32,
    pub declines: u32,
    pub timeouts: u32,
    pub requeues: u32,
    /// The satisfaction survey was offered: an answered live contact ended.
    pub survey_offered_at: Option<Millis>,
    /// The resident's answers to it, if they answered.
    pub survey: Option<SurveyAnswer>,
}

impl ContactFact {
    /// A contact that entered `queue_id` at `queued_at` and nothing more yet.
    pub fn new(
        contact: ContactRef,
        queue_id: i64,
        channel: ReportChannel,
        origin: OriginKind,
        queued_at: Millis,
    ) -> ContactFact {
        ContactFact {
            contact,
            queue_id,
            channel,
            topic_id: None,
            origin,
            agent_id: None,
            queued_at,
            answered_at: None,
            abandoned_at: None,
            abandon_position: None,
            ended_at: None,
            wrapped_at: None,
            wrapup_topic: None,
            resolved: None,
            interpreter_requested_at: None,
            interpreter_joined_at: None,
            offers: 0,
            declines: 0,
            timeouts: 0,
            requeues: 0,
            survey_offered_at: None,
            survey: None,
        }
    }
}

/// A resident's answers to the satisfaction survey (no free text: the optional comment
/// stays in `survey_answers` and goes with retention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub at: Millis,
    /// "Hoe tevreden bent u over dit contact?": 1 (very dissatisfied) to 5 (very satisfied).
    pub satisfaction: u8,
    /// "Is uw vraag beantwoord?"
    pub answered: QuestionAnswered,
    /// After a video call with an interpreter: "Kon u elkaar goed zien?" (optional).
    pub connection: Option<Connection>,
}

/// "Is uw vraag beantwoord?": ja / deels / nee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuestionAnswered {
    Yes,
    Partly,
    No,
}

impl QuestionAnswered {
    pub const ALL: [QuestionAnswered; 3] = [
        QuestionAnswered::Yes,
        QuestionAnswered::Partly,
        QuestionAnswered::No,
    ];

    /// A stable key (forms, the event log, CSV): `yes`, `partly`, `no`.
    pub fn key(self) -> &'static str {
        match self {
            QuestionAnswered::Yes => "yes",
            QuestionAnswered::Partly => "partly",
            QuestionAnswered::No => "no",
        }
    }

    pub fn parse(key: &str) -> Option<QuestionAnswered> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }
}

/// "Kon u elkaar goed zien?": ja / soms niet / nee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Connection {
    Good,
    Sometimes,
    Bad,
}

impl Connection {
    pub const ALL: [Connection; 3] = [Connection::Good, Connection::Sometimes, Connection::Bad];

    /// A stable key (forms, the event log, CSV): `good`, `sometimes`, `bad`.
    pub fn key(self) -> &'static str {
        match self {
            Connection::Good => "good",
            Connection::Sometimes => "sometimes",
            Connection::Bad => "bad",
        }
    }

    pub fn parse(key: &str) -> Option<Connection> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }
}
