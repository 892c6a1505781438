//! The contact event log and the staff state log (issue 16): what happened to every
//! contact, as the broker decided it, for the reports.
//!
//! Every event is written in the **same transaction** as the change it records: the
//! conversation becoming active and its `answered` event commit together, or neither
//! does. So the log never says a thing happened that the conversation rows do not show,
//! and a crash between the two cannot happen. Events with no row change of their own
//! (an offer rung, declined or missed) are written on their own.
//!
//! An event copies the contact's queue, channel, topic and origin at that moment from
//! the conversation (or left message) row with `INSERT ... SELECT`, so it needs no join
//! later and stays right when the contact moves on (an overflow to another queue).
//!
//! No personal data enters this log (see `migrations/0011_insight.sql`); the privacy
//! purge leaves it alone and the figures survive it.
//!
//! [`Store::contact_facts`] folds a period's events into one
//! [`ContactFact`](crate::insight::ContactFact) per contact, the only input of the
//! reports.

use super::{Store, StoreError, now_ms};
use crate::insight::{
    Connection, ContactFact, ContactRef, Millis, OriginKind, QuestionAnswered, ReportChannel,
    SurveyAnswer,
};
use sqlx::SqliteConnection;
use std::collections::{BTreeMap, HashMap};

/// What happened (the `kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// Entered its first queue.
    Queued,
    /// Rung at a staff member.
    Offered,
    /// The staff member said no.
    Declined,
    /// Nobody answered the ring in time.
    OfferTimedOut,
    /// The ring stopped because the resident left or the staff member went away.
    OfferWithdrawn,
    /// A staff member took it: the conversation is theirs.
    Answered,
    /// Back in line (the staff member handed it back, lost their connection, or the
    /// server restarted).
    Requeued,
    /// Nobody served its queue for the queue's overflow time: it moved queue.
    Overflowed,
    /// A supervisor moved it to another queue.
    Reassigned,
    /// The resident left before an answer.
    Abandoned,
    /// Over, after an answer.
    Ended,
    /// The agent finished the wrap-up.
    WrappedUp,
    /// An interpreter was asked for.
    InterpreterRequested,
    /// An interpreter joined the call.
    InterpreterJoined,
    /// The interpreter left the call.
    InterpreterLeft,
    /// A message was left (the asynchronous inbox).
    MessageLeft,
    /// A staff member picked the message up.
    MessagePickedUp,
    /// The message was answered (written, e-mailed, or called back).
    MessageAnswered,
    /// The satisfaction survey was offered (an answered contact ended).
    SurveyOffered,
    /// The resident answered the survey (`score`, `detail`, `label`).
    SurveyAnswered,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Queued => "queued",
            EventKind::Offered => "offered",
            EventKind::Declined => "declined",
            EventKind::OfferTimedOut => "offer_timed_out",
            EventKind::OfferWithdrawn => "offer_withdrawn",
            EventKind::Answered => "answered",
            EventKind::Requeued => "requeued",
            EventKind::Overflowed => "overflowed",
            EventKind::Reassigned => "reassigned",
            EventKind::Abandoned => "abandoned",
            EventKind::Ended => "ended",
            EventKind::WrappedUp => "wrapped_up",
            EventKind::InterpreterRequested => "interpreter_requested",
            EventKind::InterpreterJoined => "interpreter_joined",
            EventKind::InterpreterLeft => "interpreter_left",
            EventKind::MessageLeft => "message_left",
            EventKind::MessagePickedUp => "message_picked_up",
            EventKind::MessageAnswered => "message_answered",
            EventKind::SurveyOffered => "survey_offered",
            EventKind::SurveyAnswered => "survey_answered",
        }
    }
}

/// One event to record, beside the contact it is about.
#[derive(Debug, Clone, Copy)]
pub struct EventNote<'a> {
    pub kind: EventKind,
    /// The staff member it is about.
    pub staff: Option<i64>,
    /// Abandoned: the place in line (`None`: it was being offered).
    pub position: Option<i64>,
    /// Abandoned: how long the resident waited.
    pub waited_ms: Option<i64>,
    /// A short fixed word (see the migration), never free text.
    pub detail: &'a str,
    /// Wrapped up: the topic label (a slug from the site's list). Survey answered: the
    /// connection word.
    pub label: Option<&'a str>,
    /// Survey answered: the satisfaction score, 1 to 5.
    pub score: Option<i64>,
}

impl<'a> EventNote<'a> {
    pub fn new(kind: EventKind) -> Self {
        EventNote {
            kind,
            staff: None,
            position: None,
            waited_ms: None,
            detail: "",
            label: None,
            score: None,
        }
    }

    pub fn staff(mut self, staff: i64) -> Self {
        self.staff = Some(staff);
        self
    }

    pub fn detail(mut self, detail: &'a str) -> Self {
        self.detail = detail;
        self
    }
}

/// Appends `note` about conversation `id` at `at`, inside the caller's transaction.
pub(super) async fn log_conversation(
    conn: &mut SqliteConnection,
    id: i64,
    at: Millis,
    note: &EventNote<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id,
             origin, staff_id, position, waited_ms, detail, label, score)
         SELECT c.id, ?, ?, c.queue_id, q.channel, c.topic_id, c.origin, ?, ?, ?, ?, ?, ?
         FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.id = ?",
    )
    .bind(at)
    .bind(note.kind.as_str())
    .bind(note.staff)
    .bind(note.position)
    .bind(note.waited_ms)
    .bind(note.detail)
    .bind(note.label)
    .bind(note.score)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    super::facts::refresh(conn, ContactRef::Conversation(id)).await
}

/// Appends `note` about left message `id` at `at`, inside the caller's transaction.
pub(super) async fn log_message(
    conn: &mut SqliteConnection,
    id: i64,
    at: Millis,
    note: &EventNote<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO contact_events (inbox_id, at, kind, queue_id, channel, topic_id, origin,
             staff_id, detail)
         SELECT i.id, ?, ?, i.queue_id, i.channel, i.topic_id, 'message', ?, ?
         FROM inbox_items i WHERE i.id = ?",
    )
    .bind(at)
    .bind(note.kind.as_str())
    .bind(note.staff)
    .bind(note.detail)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    super::facts::refresh(conn, ContactRef::Message(id)).await
}

/// A staff member's presence as the state log keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffState {
    Available,
    /// Holds at least one contact (a chat, a call, or a call they joined).
    Busy,
    /// Holds nothing, and a conversation of theirs still waits for its wrap-up.
    WrapUp,
    Away,
    Offline,
}

impl StaffState {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffState::Available => "available",
            StaffState::Busy => "busy",
            StaffState::WrapUp => "wrap_up",
            StaffState::Away => "away",
            StaffState::Offline => "offline",
        }
    }

    /// The state of a stored name.
    pub fn parse(s: &str) -> Option<StaffState> {
        [
            StaffState::Available,
            StaffState::Busy,
            StaffState::WrapUp,
            StaffState::Away,
            StaffState::Offline,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// One row of the event log as read back.
#[derive(Debug, Clone)]
struct EventRow {
    id: i64,
    conversation_id: Option<i64>,
    inbox_id: Option<i64>,
    at: i64,
    kind: String,
    queue_id: i64,
    channel: String,
    topic_id: Option<i64>,
    origin: String,
    staff_id: Option<i64>,
    position: Option<i64>,
    detail: String,
    label: Option<String>,
    score: Option<i64>,
}

/// A row as the query sends it: a JSON array in the column order of the query in
/// [`Store::contact_facts`].
type RawRow = (
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    String,
    i64,
    String,
    Option<i64>,
    String,
    Option<i64>,
    Option<i64>,
    String,
    Option<String>,
    Option<i64>,
);

impl From<RawRow> for EventRow {
    fn from(r: RawRow) -> Self {
        EventRow {
            id: r.0,
            conversation_id: r.1,
            inbox_id: r.2,
            at: r.3,
            kind: r.4,
            queue_id: r.5,
            channel: r.6,
            topic_id: r.7,
            origin: r.8,
            staff_id: r.9,
            position: r.10,
            detail: r.11,
            label: r.12,
            score: r.13,
        }
    }
}

impl Store {
    /// Records an event that changes no row of its own (an offer rung, declined,
    /// missed or withdrawn; an interpreter joining or leaving).
    pub async fn record_event(&self, id: i64, note: &EventNote<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        log_conversation(&mut tx, id, now_ms(), note).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a staff member's presence change, with its reason.
    pub async fn record_staff_state(
        &self,
        staff: i64,
        state: StaffState,
        reason: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO staff_events (staff_id, at, state, reason) VALUES (?, ?, ?, ?)")
            .bind(staff)
            .bind(now_ms())
            .bind(state.as_str())
            .bind(reason)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every contact that entered a queue (or left a message) in `[from, to)`, folded
    /// from its events (also those after `to`: a contact that arrived at 23:59 and was
    /// answered after midnight counts on its day, with its answer).
    ///
    /// The period is read a day at a time: the day's arrivals by `(kind, at)`, then each
    /// contact's events by `(conversation_id, at)` or `(inbox_id, at)`, returned as one
    /// JSON array per day and query. A quarter holds about a million events, and the
    /// SQLite driver's cost per returned row (a hand-over between threads) was ten times
    /// SQLite's own work for them (measured: `cargo bench --bench report`). Each
    /// contact's few events are put in time order here before folding.
    ///
    /// This is the definition; reports read the same facts kept up to date per contact
    /// ([`Store::contact_facts`], `src/store/facts.rs`), and tests check both agree.
    pub async fn fold_events(
        &self,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<ContactFact>, StoreError> {
        const CHUNK_MS: i64 = 86_400_000;
        let mut by_contact: HashMap<ContactRef, Vec<EventRow>> = HashMap::new();
        // Only the stretch that holds arrivals is walked (a wide period stays cheap).
        let (first, last): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT MIN(at), MAX(at) FROM contact_events
             WHERE kind IN ('queued', 'message_left') AND at >= ? AND at < ?",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Vec::new());
        };
        let to = last.saturating_add(1).min(to);
        let mut chunk_start = first;
        while chunk_start < to {
            let chunk_end = chunk_start.saturating_add(CHUNK_MS).min(to);
            for (arrival, column) in [("queued", "conversation_id"), ("message_left", "inbox_id")] {
                let sql = format!(
                    "SELECT json_group_array(json_array(e.id, e.conversation_id, e.inbox_id, e.at,
                         e.kind, e.queue_id, e.channel, e.topic_id, e.origin, e.staff_id,
                         e.position, e.detail, e.label, e.score))
                     FROM contact_events a CROSS JOIN contact_events e ON e.{column} = a.{column}
                     WHERE a.kind = ? AND a.at >= ? AND a.at < ?"
                );
                let json: Option<String> = sqlx::query_scalar(&sql)
                    .bind(arrival)
                    .bind(chunk_start)
                    .bind(chunk_end)
                    .fetch_one(&self.pool)
                    .await?;
                let rows: Vec<RawRow> = match json.as_deref() {
                    Some(text) => serde_json::from_str(text)
                        .map_err(|e| StoreError::Write(format!("event log: {e}")))?,
                    None => Vec::new(),
                };
                for row in rows.into_iter().map(EventRow::from) {
                    let contact = match (row.conversation_id, row.inbox_id) {
                        (Some(c), _) => ContactRef::Conversation(c),
                        (None, Some(i)) => ContactRef::Message(i),
                        (None, None) => continue,
                    };
                    by_contact.entry(contact).or_default().push(row);
                }
            }
            chunk_start = chunk_end;
        }
        let mut facts: BTreeMap<ContactRef, ContactFact> = BTreeMap::new();
        for (_, mut events) in by_contact {
            events.sort_by_key(|row| (row.at, row.id));
            for row in events {
                fold(&mut facts, row);
            }
        }
        Ok(facts.into_values().collect())
    }
}

/// The fact of one contact from all its events (none: it has no events), read inside the
/// caller's transaction.
pub(super) async fn fold_contact(
    conn: &mut SqliteConnection,
    contact: ContactRef,
) -> Result<Option<ContactFact>, StoreError> {
    let (column, id) = match contact {
        ContactRef::Conversation(id) => ("conversation_id", id),
        ContactRef::Message(id) => ("inbox_id", id),
    };
    let sql = format!(
        "SELECT json_group_array(json_array(e.id, e.conversation_id, e.inbox_id, e.at,
             e.kind, e.queue_id, e.channel, e.topic_id, e.origin, e.staff_id,
             e.position, e.detail, e.label, e.score))
         FROM contact_events e WHERE e.{column} = ?"
    );
    let json: Option<String> = sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let mut rows: Vec<EventRow> = match json.as_deref() {
        Some(text) => serde_json::from_str::<Vec<RawRow>>(text)
            .map_err(|e| StoreError::Write(format!("event log: {e}")))?
            .into_iter()
            .map(EventRow::from)
            .collect(),
        None => Vec::new(),
    };
    rows.sort_by_key(|row| (row.at, row.id));
    let mut facts = BTreeMap::new();
    for row in rows {
        fold(&mut facts, row);
    }
    Ok(facts.remove(&contact))
}

fn origin_kind(stored: &str) -> OriginKind {
    match crate::domain::Origin::parse(stored) {
        crate::domain::Origin::Web => OriginKind::Web,
        crate::domain::Origin::Kiosk { .. } => OriginKind::Kiosk,
        crate::domain::Origin::ShortLink { .. } => OriginKind::Link,
        crate::domain::Origin::LeftMessage => OriginKind::LeftMessage,
        crate::domain::Origin::AccessibilityReport => OriginKind::AccessibilityReport,
    }
}

/// Folds one event into its contact's fact (events arrive in time order).
fn fold(facts: &mut BTreeMap<ContactRef, ContactFact>, row: EventRow) {
    let contact = match (row.conversation_id, row.inbox_id) {
        (Some(c), _) => ContactRef::Conversation(c),
        (None, Some(i)) => ContactRef::Message(i),
        (None, None) => return,
    };
    let fact = facts.entry(contact).or_insert_with(|| {
        let channel = match (contact, row.channel.as_str()) {
            (ContactRef::Message(_), _) => ReportChannel::LeftMessage,
            (_, "video") => ReportChannel::Video,
            _ => ReportChannel::Chat,
        };
        let origin = match contact {
            ContactRef::Message(_) => OriginKind::LeftMessage,
            ContactRef::Conversation(_) => origin_kind(&row.origin),
        };
        let mut f = ContactFact::new(contact, row.queue_id, channel, origin, row.at);
        f.topic_id = row.topic_id;
        f
    });
    match row.kind.as_str() {
        "queued" | "message_left" => fact.queued_at = fact.queued_at.min(row.at),
        "offered" => fact.offers += 1,
        "declined" => fact.declines += 1,
        "offer_timed_out" => fact.timeouts += 1,
        "answered" | "message_answered" => {
            fact.answered_at.get_or_insert(row.at);
            if row.staff_id.is_some() {
                fact.agent_id = row.staff_id;
            }
            // A sign-language call: its interpreter answered it in the interpreter queue.
            if row.detail == "interpreter" && fact.channel == ReportChannel::Video {
                fact.channel = ReportChannel::VideoInterpreter;
            }
        }
        "requeued" => fact.requeues += 1,
        // Abandoned after an answer (handed back, then the resident left): it was answered.
        "abandoned" if fact.answered_at.is_none() => {
            fact.abandoned_at = Some(row.at);
            fact.abandon_position = row.position.and_then(|p| u32::try_from(p).ok());
        }
        "ended" if fact.answered_at.is_some() => {
            fact.ended_at.get_or_insert(row.at);
        }
        "wrapped_up" => {
            fact.wrapped_at.get_or_insert(row.at);
            fact.wrapup_topic = row.label;
            fact.resolved = match row.detail.as_str() {
                "resolved" => Some(true),
                "not_resolved" => Some(false),
                _ => None,
            };
        }
        "interpreter_requested" => {
            fact.interpreter_requested_at.get_or_insert(row.at);
            if fact.channel != ReportChannel::LeftMessage {
                fact.channel = ReportChannel::VideoInterpreter;
            }
        }
        "interpreter_joined" => {
            fact.interpreter_joined_at.get_or_insert(row.at);
        }
        "survey_offered" => {
            fact.survey_offered_at.get_or_insert(row.at);
        }
        "survey_answered" => {
            let satisfaction = row
                .score
                .and_then(|s| u8::try_from(s).ok())
                .filter(|s| (1..=5).contains(s));
            if let (Some(satisfaction), Some(answered)) =
                (satisfaction, QuestionAnswered::parse(&row.detail))
            {
                fact.survey = Some(SurveyAnswer {
                    at: row.at,
                    satisfaction,
                    answered,
                    connection: row.label.as_deref().and_then(Connection::parse),
                });
            }
        }
        _ => {}
    }
}
