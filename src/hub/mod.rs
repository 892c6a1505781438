//! The hub: where the pure broker meets the network and the database.
//!
//! One tokio task owns the [`Broker`](crate::broker::Broker) (see [`driver`]). Everything
//! that changes routing (a new contact, an agent going available, an accept, a hang-up)
//! is sent to that task as a command; the task feeds it to the broker with the current
//! time, then carries out the broker's outputs in order: it writes the database (status,
//! system messages) and pushes [`Event`]s to the live connections. The task also wakes
//! for offer timeouts (`poll_timeout`), pushes queue positions at most once a second, and
//! marks residents who left while waiting as abandoned.
//!
//! Chat messages do not pass through the broker task: [`Hub::send_message`] stores the
//! message (the acknowledgement waits for the commit) and fans it out to the live
//! connections of that conversation, in sequence order, under a per-conversation lock.
//!
//! Connections register here ([`Hub::connect_resident`], [`Hub::connect_staff`]) and get
//! a bounded channel of events. A connection that does not keep up (its channel is full)
//! is dropped, so one slow client never stalls the others; it reconnects and resumes from
//! its last sequence number.
//!
//! Asynchronous work (a left message) does not pass through the broker either: it waits
//! in the inbox for any staff member with the skill (`hub/inbox.rs`).

mod board;
mod calls;
mod driver;
mod inbox;
mod intents;
mod live;
mod privacy;

pub use crate::broker::{ContactId, Presence};
pub use crate::domain::{Origin, RequestStatus, Skill};
pub use board::{
    Alert, BoardContact, BoardQueue, BoardSnapshot, BoardStaff, Interpreters, Reassign,
    ServiceNorm, Today, VideoUse, derive_state, today_start,
};
pub use calls::{RESIDENT_MEDIA_ID, Work, request_contact, staff_media_id};
pub use inbox::{ANSWERED_SHOWN, Answer, Answered, PickUp, reference};
pub use intents::{Accepted, Claim, Desk};
pub use live::{ConnId, Event, Participant, QueueFigures, StatusInfo};
pub use privacy::{Access, Subject, VIEW_EVERY};

use crate::broker::{self, Broker, BrokerConfig, BrokerError, Input, Millis, StaffId};
use crate::config::Config;
use crate::store::{Appended, Conversation, NewMessage, Sender, Store, StoreError};
use live::Live;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Bound of each connection's event channel.
pub const CONNECTION_QUEUE: usize = 512;

/// Why a hub call failed.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("broker refused: {0}")]
    Broker(#[from] BrokerError),
    #[error("the conversation is closed")]
    Closed,
    #[error("not allowed")]
    NotAllowed,
    #[error("the hub is shutting down")]
    ShuttingDown,
    #[error("only a video queue can be asked to join a call")]
    NotAVideoQueue,
    #[error("someone has already been asked to join this call")]
    AlreadyRequested,
    #[error("the offer is no longer there")]
    OfferGone,
    #[error("too many messages in a short time")]
    TooFast,
    #[error("front_door.overflow names a queue that does not exist: {0}")]
    UnknownOverflowQueue(String),
}

/// Who ended a conversation (stored, and shown as a system message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    Resident,
    Agent(StaffId),
    System,
    /// The staff member logged out: their contacts go back to the queue with a message
    /// that says so (not "the connection was lost").
    LoggedOut,
}

/// Settings the hub needs from the configuration.
#[derive(Debug, Clone)]
pub struct HubSettings {
    pub resident_grace: Duration,
    pub resident_idle: Duration,
    pub staff_grace: Duration,
    pub default_chat_capacity: u8,
    /// Overflow rules by queue slug: (from, to, after).
    pub overflow: Vec<(String, String, Duration)>,
    /// Messages one side of a conversation may send at once, then one per interval.
    pub message_burst: std::num::NonZeroU32,
    pub message_interval: Duration,
    /// What is masked in every text before it is stored or shown (`[privacy]`).
    pub redact: crate::privacy::redact::Detector,
    /// The report arithmetic's settings and the service norms (`[reports]`), for the
    /// wallboard's figures of today.
    pub report: crate::insight::figures::ReportSettings,
    pub norms: Vec<crate::insight::figures::Norm>,
    /// Media connections the UDP port range allows (one per call participant).
    pub media_connections: usize,
}

impl HubSettings {
    /// Extracts the hub's settings.
    pub fn from_config(c: &Config) -> HubSettings {
        HubSettings {
            resident_grace: Duration::from_secs(c.chat.resident_grace_secs),
            resident_idle: Duration::from_secs(c.chat.resident_idle_secs),
            staff_grace: Duration::from_secs(c.staff.disconnect_grace_secs),
            default_chat_capacity: c.broker.default_chat_capacity,
            overflow: c
                .front_door
                .overflow
                .iter()
                .map(|(from, rule)| {
                    (
                        from.clone(),
                        rule.to.clone(),
                        Duration::from_secs(rule.after_mins.saturating_mul(60)),
                    )
                })
                .collect(),
            message_burst: std::num::NonZeroU32::new(c.chat.message_burst)
                .unwrap_or(std::num::NonZeroU32::MIN),
            message_interval: Duration::from_millis(c.chat.message_interval_ms.max(1)),
            redact: c.privacy.detector(),
            report: c.reports.report_settings(),
            norms: c.reports.norms(),
            media_connections: usize::from(c.media.udp_port_max)
                .saturating_sub(usize::from(c.media.udp_port_min))
                .saturating_add(1),
        }
    }
}

type Query = Box<dyn FnOnce(&Broker, Millis) + Send>;

enum Cmd {
    Input {
        input: Input,
        by: EndedBy,
        reply: oneshot::Sender<Result<(), BrokerError>>,
    },
    Query(Query),
    Shutdown(oneshot::Sender<()>),
}

/// Shared handle; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    sfu: crate::sfu::Sfu,
    settings: HubSettings,
    cmd: mpsc::UnboundedSender<Cmd>,
    live: Mutex<Live>,
    conv_locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    /// Messages per conversation and side (resident, staff), over all its sockets and
    /// forms together (`chat.message_burst`, `chat.message_interval_ms`).
    message_rate: governor::DefaultKeyedRateLimiter<(i64, bool)>,
    /// Set once when Loket is stopping: every live connection closes itself (1012).
    closing: tokio::sync::watch::Sender<bool>,
    /// When each person last had a view recorded, per conversation ([`privacy`]).
    views: Mutex<HashMap<(i64, privacy::Subject), std::time::Instant>>,
    /// Counts changes the wallboard shows ([`board`]): a snapshot of an older count is
    /// not reused.
    board_generation: std::sync::atomic::AtomicU64,
    /// The last wallboard snapshot: when, at which change count, and the snapshot.
    board_cache: tokio::sync::Mutex<Option<(Instant, u64, Arc<board::BoardSnapshot>)>>,
    /// Each staff member's last logged state (`staff_events`) and since when.
    staff_states: Mutex<HashMap<i64, (crate::store::StaffState, i64)>>,
}

/// Broker configuration from Loket's configuration.
pub fn broker_config(c: &Config) -> BrokerConfig {
    BrokerConfig {
        offer_timeout_ms: c.broker.offer_timeout_secs * 1000,
        retry_cooldown_ms: c.broker.retry_cooldown_secs * 1000,
        default_handle_time_ms: c.broker.default_handle_time_secs * 1000,
        ..BrokerConfig::default()
    }
}

/// Current wall-clock time for the broker.
pub fn now_millis() -> Millis {
    u64::try_from(crate::store::now_ms()).unwrap_or(0)
}

impl Hub {
    /// Starts the broker task, restoring queues and open conversations from the store.
    pub async fn start(
        store: Store,
        sfu: crate::sfu::Sfu,
        broker_config: BrokerConfig,
        settings: HubSettings,
    ) -> Result<Hub, HubError> {
        let (tx, rx) = mpsc::unbounded_channel();
        let message_rate = governor::RateLimiter::keyed(
            governor::Quota::with_period(settings.message_interval)
                .unwrap_or_else(|| governor::Quota::per_second(std::num::NonZeroU32::MIN))
                .allow_burst(settings.message_burst),
        );
        let hub = Hub {
            inner: Arc::new(Inner {
                store: store.clone(),
                sfu,
                settings,
                cmd: tx,
                live: Mutex::new(Live::default()),
                conv_locks: Mutex::new(HashMap::new()),
                message_rate,
                closing: tokio::sync::watch::channel(false).0,
                views: Mutex::new(HashMap::new()),
                board_generation: std::sync::atomic::AtomicU64::new(0),
                board_cache: tokio::sync::Mutex::new(None),
                staff_states: Mutex::new(HashMap::new()),
            }),
        };
        hub.load_staff_states().await?;
        let mut broker = Broker::new(broker_config);
        let now = now_millis();
        let queues = store.queues().await?;
        for q in &queues {
            hub.live(|l| l.set_queue_name(q.id, &q.name_nl, &q.name_en));
            broker.handle_input(
                now,
                Input::DefineQueue {
                    queue: broker::QueueId(q.id),
                    channel: to_broker_channel(q.channel),
                },
            )?;
        }
        // Each queue's overflow rule (config slugs to queue ids; checked at start).
        let id_of = |slug: &str| {
            queues
                .iter()
                .find(|q| q.slug == slug)
                .map(|q| broker::QueueId(q.id))
                .ok_or_else(|| HubError::UnknownOverflowQueue(slug.to_string()))
        };
        for (from, to, after) in &hub.inner.settings.overflow {
            broker.handle_input(
                now,
                Input::SetOverflow {
                    queue: id_of(from)?,
                    overflow: Some(broker::Overflow {
                        to: id_of(to)?,
                        after_ms: u64::try_from(after.as_millis()).unwrap_or(u64::MAX),
                    }),
                },
            )?;
        }
        let interrupted = store
            .inbox_interrupted_sends("Loket stopped while sending")
            .await?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "e-mail answers interrupted by a stop marked failed"
            );
        }
        let restored = driver::restore(&hub, &mut broker, now).await?;
        if restored > 0 {
            tracing::info!(restored, "restored open conversations to their queues");
        }
        tokio::spawn(driver::run(hub.clone(), broker, rx));
        tokio::spawn(board::run(hub.clone()));
        Ok(hub)
    }

    /// The store behind this hub.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The media forwarder of every call.
    pub fn sfu(&self) -> &crate::sfu::Sfu {
        &self.inner.sfu
    }

    /// Hub settings.
    pub fn settings(&self) -> &HubSettings {
        &self.inner.settings
    }

    /// Tells every live connection that Loket is stopping; each closes with 1012
    /// ("service restart"), and its client reconnects and resumes once Loket is back.
    pub fn begin_shutdown(&self) {
        self.inner.closing.send_replace(true);
    }

    /// Resolves when [`Hub::begin_shutdown`] has been called.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.inner.closing.subscribe()
    }

    /// Stops the broker task (after the commands already queued).
    pub async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.inner.cmd.send(Cmd::Shutdown(tx)).is_ok() {
            let _ = rx.await;
        }
    }

    /// Feeds one input to the broker and waits until its outputs were carried out.
    /// Only the hub builds broker inputs; pages and connections call its intents.
    pub(crate) async fn input(&self, input: Input, by: EndedBy) -> Result<(), HubError> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .cmd
            .send(Cmd::Input { input, by, reply })
            .map_err(|_| HubError::ShuttingDown)?;
        Ok(rx.await.map_err(|_| HubError::ShuttingDown)??)
    }

    /// Runs a read-only query against the broker's current state.
    pub(crate) async fn query<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Broker, Millis) -> R + Send + 'static,
    ) -> Result<R, HubError> {
        let (tx, rx) = oneshot::channel();
        let q: Query = Box::new(move |b, now| {
            let _ = tx.send(f(b, now));
        });
        self.inner
            .cmd
            .send(Cmd::Query(q))
            .map_err(|_| HubError::ShuttingDown)?;
        rx.await.map_err(|_| HubError::ShuttingDown)
    }

    // ----- residents ----------------------------------------------------------------------

    /// Stores a new conversation (its question masked like every message: see
    /// [`crate::privacy::redact`]) and puts it in its queue; returns it with the
    /// resident's capability token.
    pub async fn open_contact(
        &self,
        new: &crate::store::NewConversation<'_>,
    ) -> Result<(Conversation, String), HubError> {
        let first = self.inner.settings.redact.mask(new.first_message);
        let masked = crate::store::NewConversation {
            first_message: first.as_ref(),
            ..new.clone()
        };
        let (conv, token) = self.inner.store.create_conversation(&masked).await?;
        self.contact_created(&conv).await?;
        Ok((conv, token))
    }

    /// Puts a newly created conversation in its queue.
    pub async fn contact_created(&self, conv: &Conversation) -> Result<(), HubError> {
        self.live(|l| {
            l.open_conversation(conv.id, None);
            if Origin::parse(&conv.origin).is_left_message() {
                l.keep_waiting(conv.id);
            }
        });
        self.input(
            Input::ContactCreated {
                contact: ContactId(conv.id),
                queue: broker::QueueId(conv.queue_id),
                priority: u8::try_from(conv.priority).unwrap_or(0),
                arrived_at: u64::try_from(conv.created_at).unwrap_or(0),
                front: false,
            },
            EndedBy::System,
        )
        .await
    }

    /// Notes that the resident loaded a page of their conversation (keeps their place).
    pub fn resident_seen(&self, conv: i64) {
        self.live(|l| l.resident_seen(conv, Instant::now()));
    }

    /// The resident leaves: abandoned while waiting, ended when in conversation.
    pub async fn resident_leave(&self, conv: i64) -> Result<(), HubError> {
        match self
            .input(
                Input::ContactLeft {
                    contact: ContactId(conv),
                },
                EndedBy::Resident,
            )
            .await
        {
            Err(HubError::Broker(BrokerError::UnknownContact(_))) => Err(HubError::Closed),
            other => other,
        }
    }

    /// Registers a resident's live connection to `conv`.
    pub fn connect_resident(
        &self,
        conv: i64,
    ) -> Result<(ConnId, mpsc::Receiver<Arc<Event>>), HubError> {
        let (tx, rx) = mpsc::channel(CONNECTION_QUEUE);
        let id = self
            .live(|l| l.add_resident_conn(conv, tx))
            .ok_or(HubError::Closed)?;
        Ok((id, rx))
    }

    /// Removes a resident's live connection.
    pub fn disconnect_resident(&self, conv: i64, id: ConnId) {
        self.live(|l| l.remove_resident_conn(conv, id, Instant::now()));
    }

    /// Is the conversation open (waiting or active)?
    pub fn is_open(&self, conv: i64) -> bool {
        self.live(|l| l.is_open(conv))
    }

    /// The agent holding `conv`, if any.
    pub fn agent_of(&self, conv: i64) -> Option<i64> {
        self.live(|l| l.agent_of(conv))
    }

    /// Current status of a resident's conversation, with queue position when waiting.
    pub async fn status_of(&self, conv: &Conversation) -> Result<StatusInfo, HubError> {
        let id = conv.id;
        let pos = self
            .query(move |b, _| {
                let c = ContactId(id);
                let nobody = b
                    .contact(c)
                    .is_some_and(|v| driver::queue_unstaffed(b, v.queue));
                match b.contact(c).map(|v| v.state) {
                    // Being offered to an agent right now: first in line, no wait.
                    Some(broker::ContactState::Offered { .. }) => Some((1, Some(0), false)),
                    _ => b
                        .position(c)
                        .map(|p| (p.position, p.estimated_wait_ms, nobody)),
                }
            })
            .await?;
        Ok(StatusInfo {
            status: conv.status,
            position: pos.map(|p| p.0),
            wait_ms: pos.and_then(|p| p.1),
            agent_name: conv.agent_name.clone(),
            lost_agent: if conv.status == crate::store::Status::Waiting {
                self.live(|l| l.lost_agent(id))
            } else {
                None
            },
            unstaffed: conv.status == crate::store::Status::Waiting && pos.is_some_and(|p| p.2),
        })
    }

    // ----- staff ------------------------------------------------------------------------------

    /// Registers (or refreshes) a staff member with the broker: skills and capacity.
    pub async fn staff_online(&self, user: &crate::store::User) -> Result<(), HubError> {
        let skills = self.inner.store.user_skills(user.id).await?;
        let cap = u8::try_from(user.chat_capacity)
            .unwrap_or(self.inner.settings.default_chat_capacity)
            .max(1);
        self.live(|l| {
            l.set_staff_name(user.id, &user.display_name);
            l.set_staff_role(user.id, user.role.as_str());
        });
        self.input(
            Input::StaffOnline {
                staff: StaffId(user.id),
                skills: skills.into_iter().map(broker::QueueId).collect(),
                chat_capacity: cap,
                video_capacity: 1,
            },
            EndedBy::System,
        )
        .await
    }

    /// Registers a console connection of a staff member.
    pub fn connect_staff(&self, staff: i64) -> (ConnId, mpsc::Receiver<Arc<Event>>) {
        let (tx, rx) = mpsc::channel(CONNECTION_QUEUE);
        let id = self.live(|l| l.add_staff_conn(staff, tx));
        (id, rx)
    }

    /// Removes a console connection; when it was the last one, the staff member is
    /// treated as disconnected after the grace period unless a new connection arrives.
    pub fn disconnect_staff(&self, staff: i64, id: ConnId) {
        let generation = self.live(|l| l.remove_staff_conn(staff, id));
        if let Some(generation) = generation {
            let hub = self.clone();
            let grace = self.inner.settings.staff_grace;
            tokio::spawn(async move {
                tokio::time::sleep(grace).await;
                if hub.live(|l| l.staff_gone_since(staff, generation)) {
                    tracing::info!(staff, "staff connection lost; requeueing their contacts");
                    let _ = hub
                        .input(
                            Input::StaffDisconnected {
                                staff: StaffId(staff),
                            },
                            EndedBy::System,
                        )
                        .await;
                }
            });
        }
    }

    /// Logout: the staff member leaves at once; the residents they held are told that
    /// the employee logged out and that they are back in the queue.
    pub async fn staff_logout(&self, staff: i64) {
        match self
            .input(
                Input::StaffDisconnected {
                    staff: StaffId(staff),
                },
                EndedBy::LoggedOut,
            )
            .await
        {
            Ok(()) | Err(HubError::Broker(BrokerError::UnknownStaff(_))) => {}
            Err(e) => tracing::warn!(staff, error = %e, "logout: broker refused disconnect"),
        }
    }

    /// An agent ends a conversation they hold.
    pub async fn agent_end(&self, conv: i64, staff: i64) -> Result<(), HubError> {
        if self.agent_of(conv) != Some(staff) {
            return Err(HubError::NotAllowed);
        }
        self.input(
            Input::ConversationEnded {
                contact: ContactId(conv),
            },
            EndedBy::Agent(StaffId(staff)),
        )
        .await
    }

    // ----- messages -----------------------------------------------------------------------

    /// Stores a message, then delivers it to everyone connected to the conversation.
    /// Returns only after the message is committed. Each side of a conversation may send
    /// `chat.message_burst` messages at once and then one per `chat.message_interval_ms`,
    /// over all its sockets and forms together; more is refused ([`HubError::TooFast`], nothing
    /// stored: the sender keeps the text and may send it again).
    pub async fn send_message(
        &self,
        conv: i64,
        sender: Sender,
        sender_name: &str,
        body: &str,
        client_id: Option<&str>,
    ) -> Result<Appended, HubError> {
        if !self.is_open(conv) {
            return Err(HubError::Closed);
        }
        let side = sender == Sender::Resident;
        if self.inner.message_rate.check_key(&(conv, side)).is_err() {
            tracing::warn!(
                conversation = conv,
                resident = side,
                "message refused: too fast"
            );
            return Err(HubError::TooFast);
        }
        self.append_and_broadcast(conv, sender, sender_name, body, client_id)
            .await
    }

    pub(crate) async fn append_and_broadcast(
        &self,
        conv: i64,
        sender: Sender,
        sender_name: &str,
        body: &str,
        client_id: Option<&str>,
    ) -> Result<Appended, HubError> {
        let lock = {
            let mut locks = self
                .inner
                .conv_locks
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            locks.entry(conv).or_default().clone()
        };
        let _guard = lock.lock().await;
        // Numbers a resident (or an agent) should not have typed are masked before the
        // text is stored or sent to anyone: the original never reaches the disk.
        let body = self.inner.settings.redact.mask(body);
        let body = body.as_ref();
        let appended = self
            .inner
            .store
            .append_message(&NewMessage {
                conversation_id: conv,
                sender,
                sender_name,
                body,
                client_id,
            })
            .await?;
        if !appended.duplicate {
            let event = Arc::new(Event::Message {
                conversation: conv,
                message: appended.message.clone(),
            });
            self.live(|l| l.send_conversation(conv, &event, true));
        }
        Ok(appended)
    }

    /// Typing indicator to everyone else in the conversation (`from_staff`: who typed,
    /// `None` for the resident).
    pub fn typing(&self, conv: i64, from_staff: Option<i64>, who: &str, active: bool) {
        let event = Arc::new(Event::Typing {
            conversation: conv,
            who: who.to_string(),
            active,
        });
        self.live(|l| {
            if from_staff.is_some() {
                l.send_residents(conv, &event);
            }
            l.send_staff_of(conv, &event, from_staff);
        });
    }

    /// Stores a resident's answers to the survey of their ended conversation, the comment
    /// masked like every message. `false`: no open survey (not offered, or answered).
    pub async fn answer_survey(
        &self,
        conv: i64,
        mut answers: crate::store::NewSurveyAnswer,
    ) -> Result<bool, HubError> {
        answers.comment = answers
            .comment
            .map(|c| self.inner.settings.redact.mask(&c).into_owned());
        Ok(self.inner.store.answer_survey(conv, &answers).await?)
    }

    /// Live figures of every queue.
    pub async fn queue_figures(&self) -> Result<Vec<live::QueueFigures>, HubError> {
        let hub = self.clone();
        self.query(move |b, _| driver::queue_figures(&hub, b)).await
    }

    fn live<R>(&self, f: impl FnOnce(&mut Live) -> R) -> R {
        let mut live = self.inner.live.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut live)
    }

    fn forget_lock(&self, conv: i64) {
        let mut locks = self
            .inner
            .conv_locks
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        locks.remove(&conv);
        drop(locks);
        // Ended conversations (and others whose allowance is whole) leave the rate table.
        self.inner.message_rate.retain_recent();
    }
}

/// Store channel to broker channel.
pub fn to_broker_channel(c: crate::store::Channel) -> broker::Channel {
    match c {
        crate::store::Channel::Chat => broker::Channel::Chat,
        crate::store::Channel::Video => broker::Channel::Video,
    }
}
