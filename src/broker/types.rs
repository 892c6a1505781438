//! Public vocabulary of the broker: identifiers, inputs, outputs, errors and
//! read-only views. Everything here is plain data; the logic lives in
//! [`super::Broker`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// Wall-clock time in unix milliseconds. The broker never reads a clock: the
/// caller passes `now` with every input and query that needs it.
pub type Millis = u64;

/// A contact (one resident's conversation); equal to the conversation's
/// database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ContactId(pub i64);

/// A staff member (agent or interpreter); equal to the user's database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StaffId(pub i64);

/// A queue (skill); equal to the queue's database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QueueId(pub i64);

impl fmt::Display for ContactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "contact {}", self.0)
    }
}

impl fmt::Display for StaffId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "staff {}", self.0)
    }
}

impl fmt::Display for QueueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "queue {}", self.0)
    }
}

/// The medium of a queue and of every contact in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Text chat; a staff member can hold several at once (`chat_capacity`).
    Chat,
    /// WebRTC video call; needs the staff member's full attention.
    Video,
}

/// Whether a staff member wants to receive offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Receives offers while they have a free slot.
    Available,
    /// Connected but receives no new offers (break, wrap-up, or after a missed offer).
    Away,
    /// Not connected. Receives no offers.
    Offline,
}

/// Why an offer was withdrawn from a staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeReason {
    /// Nobody answered before `expires_at`; the staff member is set Away (RONA).
    TimedOut,
    /// The staff member declined it.
    Declined,
    /// The resident left before the offer was answered.
    ContactLeft,
    /// The staff member disconnected or logged out.
    StaffLeft,
}

/// Why a staff member's presence changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceReason {
    /// The staff member asked for it ([`Input::SetPresence`]).
    Requested,
    /// The staff member let an offer time out and was set Away
    /// ("redirection on no answer", RONA).
    MissedOffer,
    /// The connection was lost or the staff member logged out
    /// ([`Input::StaffDisconnected`]).
    Disconnected,
    /// A new or offline staff member came online ([`Input::StaffOnline`]) and
    /// starts Away.
    Connected,
}

/// Tunables of the broker. All durations are in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerConfig {
    /// How long a staff member has to accept an offer (default 20 s).
    pub offer_timeout_ms: Millis,
    /// How long a staff member who declined, missed or handed back a contact
    /// is skipped for that contact (default 60 s).
    pub retry_cooldown_ms: Millis,
    /// Average handle time used for estimates until a queue has history
    /// (default 5 min).
    pub default_handle_time_ms: Millis,
    /// How many recent handle times are kept per queue (default 50); 0 means
    /// estimates always use `default_handle_time_ms`.
    pub handle_time_window: usize,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        Self {
            offer_timeout_ms: 20_000,
            retry_cooldown_ms: 60_000,
            default_handle_time_ms: 300_000,
            handle_time_window: 50,
        }
    }
}

/// What happens to the contacts waiting in a queue while nobody who serves it is
/// Available: after `after_ms` (counted from when the queue lost its last Available
/// member, or from when the contact entered the queue, whichever is later) they move to
/// queue `to`, keeping their arrival time (and so their fair place there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Overflow {
    /// The queue that takes them over (same channel).
    pub to: QueueId,
    /// How long they wait in the unstaffed queue first.
    pub after_ms: Millis,
}

/// Something that happened, fed to [`super::Broker::handle_input`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Create a queue or confirm it exists. Idempotent; changing the channel
    /// of an existing queue is only allowed while it holds no contacts.
    DefineQueue {
        /// The queue.
        queue: QueueId,
        /// Its channel.
        channel: Channel,
    },
    /// Set (or with `None` remove) a queue's overflow rule. Both queues must be
    /// defined, differ and have the same channel. Without a rule, contacts
    /// stay in their queue however long nobody serves it.
    SetOverflow {
        /// The queue the rule is for.
        queue: QueueId,
        /// The rule.
        overflow: Option<Overflow>,
    },
    /// Register a staff member or update their skills and capacities. A new
    /// (or Offline) staff member starts Away. Every skill must be a defined
    /// queue. Lowering a capacity below the current load is allowed: no new
    /// offers are made until the load drops below it.
    StaffOnline {
        /// The staff member.
        staff: StaffId,
        /// Queues they may serve (duplicates are ignored).
        skills: Vec<QueueId>,
        /// How many chats they can hold at once.
        chat_capacity: u8,
        /// Non-zero if they take video calls (at most one at a time, and only
        /// when holding nothing else).
        video_capacity: u8,
    },
    /// The staff member changes presence. Offers already made and contacts
    /// already held are kept; only [`Input::StaffDisconnected`] releases them.
    SetPresence {
        /// The staff member.
        staff: StaffId,
        /// The new presence.
        presence: Presence,
    },
    /// Connection lost or logged out: presence Offline, every offer to them is
    /// revoked and re-routed, every contact they hold is requeued at the front.
    StaffDisconnected {
        /// The staff member.
        staff: StaffId,
    },
    /// A resident starts a conversation.
    ContactCreated {
        /// The new contact; must not be known to the broker.
        contact: ContactId,
        /// The queue it waits in.
        queue: QueueId,
        /// Higher is served first.
        priority: u8,
        /// When the resident arrived (orders contacts of equal priority).
        arrived_at: Millis,
        /// Treat as requeued (ahead of never-served contacts of the same
        /// priority), e.g. for conversations restored after a restart.
        front: bool,
    },
    /// The staff member accepts the offer they hold for this contact.
    OfferAccepted {
        /// The offered contact.
        contact: ContactId,
        /// The staff member it was offered to.
        staff: StaffId,
    },
    /// The staff member declines the offer they hold for this contact.
    OfferDeclined {
        /// The offered contact.
        contact: ContactId,
        /// The staff member it was offered to.
        staff: StaffId,
    },
    /// Process everything due at `now`: offer timeouts and cooldown expiries.
    Tick,
    /// The resident left. Waiting/Offered: Abandoned (any offer is revoked).
    /// Assigned: Ended (capacity freed, handle time recorded).
    ContactLeft {
        /// The contact.
        contact: ContactId,
    },
    /// The staff member ended an Assigned conversation: capacity freed,
    /// handle time recorded.
    ConversationEnded {
        /// The contact.
        contact: ContactId,
    },
    /// The staff member hands an Assigned contact back (e.g. a transfer): it
    /// is requeued at the front and their capacity is freed. They are skipped
    /// for this contact for `retry_cooldown_ms` so it does not bounce back.
    Requeue {
        /// The contact.
        contact: ContactId,
    },
    /// The staff member picks this waiting contact from their queue's list
    /// themselves, beside the broker's offers: it is assigned to them at once.
    /// Refused unless the contact is Waiting (not offered, not held), the
    /// staff member is online (Available or Away), has the contact's queue as
    /// a skill and has a free slot for its channel (the same slot arithmetic
    /// as offers). A cooldown does not block it: picking is their own choice.
    ContactClaimed {
        /// The waiting contact.
        contact: ContactId,
        /// The staff member who takes it.
        staff: StaffId,
    },
    /// A supervisor moves a waiting contact to another queue of the same channel
    /// ([`Output::Moved`]). It keeps its arrival time and requeued mark, so it takes its
    /// fair place there. Refused unless the contact is Waiting (not offered, not held)
    /// and `to` is another defined queue of its channel.
    MoveContact {
        /// The waiting contact.
        contact: ContactId,
        /// The queue it is to wait in.
        to: QueueId,
    },
}

/// Something the server must act on, taken with [`super::Broker::poll_output`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Output {
    /// Ring the staff member: the contact is reserved for them until
    /// `expires_at`.
    Offer {
        /// The contact offered.
        contact: ContactId,
        /// The staff member it is offered to.
        staff: StaffId,
        /// When the offer times out (a [`Input::Tick`] at or after this time
        /// revokes it).
        expires_at: Millis,
    },
    /// Stop ringing: the offer is withdrawn.
    OfferRevoked {
        /// The contact that was offered.
        contact: ContactId,
        /// The staff member it was offered to.
        staff: StaffId,
        /// Why.
        reason: RevokeReason,
    },
    /// The staff member now holds the contact: connect them.
    Assigned {
        /// The contact.
        contact: ContactId,
        /// The staff member who holds it.
        staff: StaffId,
    },
    /// The contact was taken away from a staff member and is waiting again,
    /// at the front of its priority.
    Requeued {
        /// The contact.
        contact: ContactId,
        /// The staff member who dropped or handed it back.
        staff: StaffId,
    },
    /// The resident left before being served; the broker forgot the contact.
    Abandoned {
        /// The contact.
        contact: ContactId,
        /// Their place in line when they left (`None`: it was being offered to a
        /// staff member, so at the head of the line).
        position: Option<usize>,
        /// How long they waited, from their arrival in line.
        waited_ms: Millis,
    },
    /// The conversation is over; the broker forgot the contact.
    Ended {
        /// The contact.
        contact: ContactId,
        /// The staff member who held it (always `Some` from this broker; an
        /// `Option` so the server can reuse the type for contacts it ends
        /// itself).
        staff: Option<StaffId>,
    },
    /// A staff member's presence changed.
    PresenceChanged {
        /// The staff member.
        staff: StaffId,
        /// The new presence.
        presence: Presence,
        /// Why.
        reason: PresenceReason,
    },
    /// Nobody served the contact's queue for the queue's overflow time: it moved
    /// to the overflow queue (waiting, arrival time kept).
    Overflowed {
        /// The contact.
        contact: ContactId,
        /// The queue it left.
        from: QueueId,
        /// The queue it waits in now.
        to: QueueId,
    },
    /// A supervisor moved the waiting contact to another queue
    /// ([`Input::MoveContact`]); it waits there now, arrival time kept.
    Moved {
        /// The contact.
        contact: ContactId,
        /// The queue it left.
        from: QueueId,
        /// The queue it waits in now.
        to: QueueId,
    },
    /// Positions or statistics of this queue may have changed. Emitted at most
    /// once per queue per [`super::Broker::handle_input`] call, after the other
    /// outputs of that call.
    QueueChanged {
        /// The queue.
        queue: QueueId,
    },
}

/// The coarse state of a live contact, used in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactStatus {
    /// Waiting in its queue.
    Waiting,
    /// Reserved for one staff member.
    Offered,
    /// Held by one staff member.
    Assigned,
}

impl fmt::Display for ContactStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ContactStatus::Waiting => "waiting",
            ContactStatus::Offered => "offered",
            ContactStatus::Assigned => "assigned",
        })
    }
}

/// Why an input was rejected. A rejected input changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerError {
    /// The contact is not (or no longer) known to the broker.
    UnknownContact(ContactId),
    /// The staff member never came online.
    UnknownStaff(StaffId),
    /// The queue was never defined.
    UnknownQueue(QueueId),
    /// A contact with this id is already live.
    DuplicateContact(ContactId),
    /// The queue's channel cannot change while it holds contacts.
    QueueNotEmpty {
        /// The queue.
        queue: QueueId,
        /// Its current channel.
        channel: Channel,
    },
    /// The contact is not in the state this input needs.
    InvalidState {
        /// The contact.
        contact: ContactId,
        /// The state the input needs.
        expected: ContactStatus,
        /// The state it is in.
        actual: ContactStatus,
    },
    /// The contact is not currently offered to this staff member.
    NotOfferedTo {
        /// The contact.
        contact: ContactId,
        /// The staff member who answered.
        staff: StaffId,
    },
    /// The offer expired (`now >= expires_at`) before it was accepted; the
    /// next [`Input::Tick`] revokes it.
    OfferExpired {
        /// The contact.
        contact: ContactId,
        /// The staff member who answered too late.
        staff: StaffId,
        /// When the offer expired.
        expired_at: Millis,
    },
    /// The staff member is Offline and cannot pick a contact.
    StaffOffline(StaffId),
    /// The staff member does not serve the contact's queue.
    NotSkilled {
        /// The staff member.
        staff: StaffId,
        /// The contact's queue.
        queue: QueueId,
    },
    /// The staff member has no free slot for the contact's channel.
    NoCapacity {
        /// The staff member.
        staff: StaffId,
        /// The contact's channel.
        channel: Channel,
    },
    /// An overflow rule must name another queue of the same channel.
    InvalidOverflow {
        /// The queue the rule was for.
        queue: QueueId,
        /// The queue it named.
        to: QueueId,
    },
    /// A contact can only be moved to another queue of its own channel.
    InvalidMove {
        /// The contact.
        contact: ContactId,
        /// The queue it was to go to.
        to: QueueId,
    },
}

impl fmt::Display for BrokerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrokerError::UnknownContact(c) => write!(f, "unknown {c}"),
            BrokerError::UnknownStaff(s) => write!(f, "unknown {s}"),
            BrokerError::UnknownQueue(q) => write!(f, "unknown {q}"),
            BrokerError::DuplicateContact(c) => write!(f, "{c} already exists"),
            BrokerError::QueueNotEmpty { queue, channel } => {
                write!(f, "{queue} holds contacts; its channel stays {channel:?}")
            }
            BrokerError::InvalidState {
                contact,
                expected,
                actual,
            } => write!(f, "{contact} is {actual}, expected {expected}"),
            BrokerError::NotOfferedTo { contact, staff } => {
                write!(f, "{contact} is not offered to {staff}")
            }
            BrokerError::OfferExpired {
                contact,
                staff,
                expired_at,
            } => write!(
                f,
                "the offer of {contact} to {staff} expired at {expired_at}"
            ),
            BrokerError::StaffOffline(s) => write!(f, "{s} is offline"),
            BrokerError::NotSkilled { staff, queue } => write!(f, "{staff} does not serve {queue}"),
            BrokerError::NoCapacity { staff, channel } => {
                write!(f, "{staff} has no free {channel:?} slot")
            }
            BrokerError::InvalidOverflow { queue, to } => {
                write!(
                    f,
                    "{queue} cannot overflow to {to} (same queue or other channel)"
                )
            }
            BrokerError::InvalidMove { contact, to } => {
                write!(
                    f,
                    "{contact} cannot move to {to} (same queue or other channel)"
                )
            }
        }
    }
}

impl std::error::Error for BrokerError {}

/// Where a live contact is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ContactState {
    /// Waiting in its queue.
    Waiting,
    /// Reserved for `staff` until `expires_at`.
    Offered {
        /// The staff member it is offered to.
        staff: StaffId,
        /// When the offer times out.
        expires_at: Millis,
    },
    /// Held by `staff` since `since`.
    Assigned {
        /// The staff member who holds it.
        staff: StaffId,
        /// When they accepted it.
        since: Millis,
    },
}

impl ContactState {
    /// The coarse state, without data.
    pub fn status(&self) -> ContactStatus {
        match self {
            ContactState::Waiting => ContactStatus::Waiting,
            ContactState::Offered { .. } => ContactStatus::Offered,
            ContactState::Assigned { .. } => ContactStatus::Assigned,
        }
    }
}

/// A snapshot of one live contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactView {
    /// Its queue.
    pub queue: QueueId,
    /// Its queue's channel.
    pub channel: Channel,
    /// Higher is served first.
    pub priority: u8,
    /// When the resident arrived.
    pub arrived_at: Millis,
    /// Where it is in its life.
    pub state: ContactState,
    /// It was served before (or restored with `front`), so it waits ahead of
    /// never-served contacts of the same priority.
    pub requeued: bool,
}

/// A snapshot of one staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffView {
    /// Current presence.
    pub presence: Presence,
    /// Queues they serve, ascending.
    pub skills: Vec<QueueId>,
    /// Maximum chats held plus offered.
    pub chat_capacity: u8,
    /// Non-zero if they take video calls.
    pub video_capacity: u8,
    /// Chats held.
    pub chats: u8,
    /// Video calls held.
    pub videos: u8,
    /// Offers pending (both channels).
    pub offers: u8,
    /// When they last became Available, accepted a contact, or had a contact
    /// or offer end. The smallest value is offered first.
    pub idle_since: Millis,
}

/// A waiting contact's place in its queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// 1-based place among the queue's waiting contacts.
    pub position: usize,
    /// Estimated wait; `None` when nobody with the skill is Available.
    pub estimated_wait_ms: Option<Millis>,
}

/// Live statistics of one queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QueueStats {
    /// The queue's channel.
    pub channel: Channel,
    /// Contacts waiting.
    pub waiting: usize,
    /// Contacts offered and not yet answered.
    pub offered: usize,
    /// Contacts held by staff.
    pub assigned: usize,
    /// Available staff with this skill.
    pub staff_available: usize,
    /// Slots of this channel that Available staff with this skill could take
    /// right now.
    pub free_slots: usize,
    /// `now - arrived_at` of the earliest-arrived waiting contact, 0 if none.
    pub longest_wait_ms: Millis,
    /// Mean of the recent handle times, or the configured default.
    pub average_handle_time_ms: Millis,
    /// The usual time to be answered: the median wait from arrival to the first accept
    /// over the last `handle_time_window` contacts; `None` without history.
    pub typical_answer_ms: Option<Millis>,
    /// Estimated wait of a contact arriving now (position `waiting + 1`).
    pub estimated_wait_ms: Option<Millis>,
}
