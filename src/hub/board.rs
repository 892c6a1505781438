//! The live wallboard (issue 16, `/staff/overzicht` and the TV mode): one snapshot of
//! what is happening now and what happened today, pushed to every board connection at
//! most once a second.
//!
//! - **Now** comes from the broker, through a read-only query: per queue who waits, who
//!   is being offered, the longest wait, who is available; every staff member's presence
//!   and load. Queries never change the broker.
//! - **Today** comes from the contact event log ([`Store::contact_facts`] from local
//!   midnight in Europe/Amsterdam, [`crate::insight::figures`]), never from counters in
//!   memory: a restart changes nothing and midnight resets the figures.
//! - **Staff states** (available, busy, wrap-up, away, offline) are derived in one place
//!   ([`derive_state`]) from the broker and the open wrap-ups, and every change is logged
//!   in `staff_events` by [`Hub::note_staff`]; the time in state is the time of that last
//!   logged change, so it survives a restart too.
//!
//! Pushing: the driver marks the board dirty after every broker output and the board
//! task ([`run`]) rebuilds and sends a snapshot at most once per [`PUSH_EVERY`] while a
//! board is connected, and at least every [`REFRESH_EVERY`] (so midnight and the "last
//! updated" time move on a quiet day). A TV screen reads the same snapshot through
//! [`Hub::board`], which reuses one younger than a second.

use super::{EndedBy, Hub, HubError, Work};
use crate::broker::{ContactId, Input, Presence, QueueId, QueueStats, StaffId, StaffView};
use crate::domain::Skill;
use crate::insight::figures::{NormMetric, Share, figures, norm_table};
use crate::insight::{ContactFact, ReportChannel, period};
use crate::store::{Channel, StaffState, User, now_ms};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// At most one push a second.
pub const PUSH_EVERY: Duration = Duration::from_secs(1);
/// A push at least this often, changed or not.
pub const REFRESH_EVERY: Duration = Duration::from_secs(10);

/// Everything the board shows, at one moment. No resident names, no message text.
#[derive(Debug, Clone)]
pub struct BoardSnapshot {
    /// When it was taken (UTC milliseconds).
    pub at: i64,
    pub queues: Vec<BoardQueue>,
    pub staff: Vec<BoardStaff>,
    /// Conversations waiting or being offered, oldest first.
    pub contacts: Vec<BoardContact>,
    pub interpreters: Interpreters,
    pub video: VideoUse,
}

/// One queue, now and today.
#[derive(Debug, Clone)]
pub struct BoardQueue {
    pub id: i64,
    pub name_nl: String,
    pub name_en: String,
    pub video: bool,
    /// The sign-language interpreters' queue.
    pub sign_language: bool,
    /// Contacts waiting (residents, and calls asking for one more staff member).
    pub waiting: usize,
    /// Contacts being offered to someone right now.
    pub offered: usize,
    pub longest_wait_ms: u64,
    pub staff_available: usize,
    pub today: Today,
}

/// A queue's figures today, from the event log (contacts counted in the queue they
/// entered first, as in the reports).
#[derive(Debug, Clone, Default)]
pub struct Today {
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub short_abandoned: u64,
    pub service: ServiceNorm,
}

/// The service level of a queue today against its norm.
#[derive(Debug, Clone, Default)]
pub struct ServiceNorm {
    /// Answered within this many seconds.
    pub seconds: u32,
    /// The norm's target (0 to 1); `None` when no norm is configured.
    pub target: Option<f64>,
    /// Answered within the time / (answered + abandoned); `None` without contacts.
    pub achieved: Option<Share>,
}

impl ServiceNorm {
    /// Today's service level is known and below its target.
    pub fn below(&self) -> bool {
        match (self.target, self.achieved) {
            (Some(t), Some(a)) => a.value() < t,
            _ => false,
        }
    }
}

/// Something on the board that needs a supervisor's eye.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alert {
    /// Today's service level is under the norm.
    ServiceLevelBelow,
    /// Someone waits longer than the norm's time already.
    WaitOverNorm,
    /// People wait and nobody with the skill is available.
    NobodyAvailable,
    /// The sign-language queue has no free interpreter: never "fine" then.
    NoInterpreter,
}

impl Alert {
    /// A stable key (the page and its script compare them).
    pub fn key(self) -> &'static str {
        match self {
            Alert::ServiceLevelBelow => "sl_below",
            Alert::WaitOverNorm => "wait_over_norm",
            Alert::NobodyAvailable => "nobody_available",
            Alert::NoInterpreter => "no_interpreter",
        }
    }
}

impl BoardQueue {
    /// What needs attention in this queue, given how many interpreters are free.
    pub fn alerts(&self, interpreters_free: usize) -> Vec<Alert> {
        let mut out = Vec::new();
        if self.sign_language && interpreters_free == 0 {
            out.push(Alert::NoInterpreter);
        }
        if self.waiting > 0 && self.staff_available == 0 && !self.sign_language {
            out.push(Alert::NobodyAvailable);
        }
        if self.waiting > 0 && self.longest_wait_ms > u64::from(self.today.service.seconds) * 1000 {
            out.push(Alert::WaitOverNorm);
        }
        if self.today.service.below() {
            out.push(Alert::ServiceLevelBelow);
        }
        out
    }
}

/// One staff member who can take contacts.
#[derive(Debug, Clone)]
pub struct BoardStaff {
    pub id: i64,
    pub name: String,
    pub state: StaffState,
    /// Since when (the last logged change); `None` when never logged.
    pub since: Option<i64>,
    pub interpreter: bool,
}

/// A conversation waiting or being offered.
#[derive(Debug, Clone)]
pub struct BoardContact {
    pub id: i64,
    pub queue_id: i64,
    pub arrived_at: i64,
    pub offered: bool,
}

/// Sign-language interpreters (staff with the interpreters' queue as a skill).
#[derive(Debug, Clone, Copy, Default)]
pub struct Interpreters {
    /// Available with nothing in hand: could take a call now.
    pub free: usize,
    /// In a call or a chat.
    pub busy: usize,
    /// Signed in (free, busy or away).
    pub online: usize,
}

/// Video calls in the media forwarder.
#[derive(Debug, Clone, Copy, Default)]
pub struct VideoUse {
    /// Calls with media now.
    pub calls: usize,
    /// Media connections now (one per participant).
    pub connections: usize,
    /// Media connections the configured UDP port range allows.
    pub max_connections: usize,
}

/// A staff member's state from the broker's view and whether a wrap-up is open.
pub fn derive_state(view: Option<&StaffView>, owes_wrapup: bool) -> StaffState {
    match view {
        None => StaffState::Offline,
        Some(v) if v.presence == Presence::Offline => StaffState::Offline,
        Some(v) if v.chats > 0 || v.videos > 0 => StaffState::Busy,
        Some(_) if owes_wrapup => StaffState::WrapUp,
        Some(v) if v.presence == Presence::Available => StaffState::Available,
        Some(_) => StaffState::Away,
    }
}

/// Local midnight today (Europe/Amsterdam), as UTC milliseconds.
pub fn today_start(now: i64) -> i64 {
    period::local_date(now)
        .and_then(|d| period::bounds(period::Preset::Today, d, None).ok())
        .map_or(now - 86_400_000, |p| p.start)
}

/// The answered-within norm of a channel: its own, else the one for all channels.
fn norm_for(norms: &[crate::insight::figures::Norm], channel: ReportChannel) -> Option<(u32, f64)> {
    let within = |n: &&crate::insight::figures::Norm| match n.metric {
        NormMetric::AnsweredWithin { seconds } => Some((seconds, n.target)),
        _ => None,
    };
    norms
        .iter()
        .filter(|n| n.channel == Some(channel))
        .find_map(|n| within(&n))
        .or_else(|| {
            norms
                .iter()
                .filter(|n| n.channel.is_none())
                .find_map(|n| within(&n))
        })
}

/// Today's figures of one queue's facts.
fn today_of(hub: &Hub, facts: &[ContactFact], channel: ReportChannel) -> Today {
    let s = &hub.inner.settings;
    let f = figures(facts, &s.report, &|_, _| 0);
    let (seconds, target) = match norm_for(&s.norms, channel) {
        Some((sec, t)) => (sec, Some(t)),
        None => (s.report.thresholds().first().copied().unwrap_or(30), None),
    };
    let norm = crate::insight::figures::Norm {
        metric: NormMetric::AnsweredWithin { seconds },
        // The queue's own contacts, whatever channel each ended up as.
        channel: None,
        target: target.unwrap_or(0.0),
    };
    let achieved = norm_table(facts, &s.report, &[norm])
        .first()
        .and_then(|r| r.share);
    Today {
        offered: f.offered,
        answered: f.answered,
        abandoned: f.abandoned,
        short_abandoned: f.short_abandoned,
        service: ServiceNorm {
            seconds,
            target,
            achieved,
        },
    }
}

impl Hub {
    /// The board now: a snapshot at most a second old (shared by every TV screen).
    pub async fn board(&self) -> Result<Arc<BoardSnapshot>, HubError> {
        let mut cache = self.inner.board_cache.lock().await;
        let generation = self.inner.board_generation.load(Ordering::Acquire);
        if let Some((at, built, snap)) = cache.as_ref()
            && *built == generation
            && at.elapsed() < PUSH_EVERY
        {
            return Ok(snap.clone());
        }
        let snap = Arc::new(self.build_board().await?);
        *cache = Some((Instant::now(), generation, snap.clone()));
        Ok(snap)
    }

    /// Builds a new snapshot (see the module documentation).
    async fn build_board(&self) -> Result<BoardSnapshot, HubError> {
        let store = &self.inner.store;
        let (live, staff_views, waiting) = self
            .query(|b, now| {
                let queues: HashMap<i64, QueueStats> = b
                    .queues()
                    .filter_map(|q| Some((q.0, b.queue_stats(q, now)?)))
                    .collect();
                let staff: HashMap<i64, StaffView> =
                    b.staff_list().into_iter().map(|(s, v)| (s.0, v)).collect();
                let contacts: Vec<(ContactId, crate::broker::ContactView)> =
                    b.queues().flat_map(|q| b.contacts_in(q)).collect();
                (queues, staff, contacts)
            })
            .await?;
        let now = now_ms();
        let start = today_start(now);
        let queues = store.queues().await?;
        let facts = store.contact_facts(start, now.saturating_add(1)).await?;
        let mut by_queue: HashMap<i64, Vec<ContactFact>> = HashMap::new();
        for f in facts {
            by_queue.entry(f.queue_id).or_default().push(f);
        }
        let sign_queue = queues
            .iter()
            .find(|q| Skill::Interpreting.is_queue(&q.slug))
            .map(|q| q.id);
        let board_queues = queues
            .iter()
            .map(|q| {
                let s = live.get(&q.id);
                let sign_language = Some(q.id) == sign_queue;
                let channel = match (q.channel, sign_language) {
                    (_, true) => ReportChannel::VideoInterpreter,
                    (Channel::Video, false) => ReportChannel::Video,
                    (Channel::Chat, false) => ReportChannel::Chat,
                };
                let facts = by_queue.remove(&q.id).unwrap_or_default();
                BoardQueue {
                    id: q.id,
                    name_nl: q.name_nl.clone(),
                    name_en: q.name_en.clone(),
                    video: q.channel == Channel::Video,
                    sign_language,
                    waiting: s.map_or(0, |s| s.waiting),
                    offered: s.map_or(0, |s| s.offered),
                    longest_wait_ms: s.map_or(0, |s| s.longest_wait_ms),
                    staff_available: s.map_or(0, |s| s.staff_available),
                    today: today_of(self, &facts, channel),
                }
            })
            .collect();

        // Staff who can take contacts: a skill, or signed in to the broker now.
        let mut skills: HashMap<i64, Vec<i64>> = HashMap::new();
        for (user, queue) in store.skill_pairs().await? {
            skills.entry(user).or_default().push(queue);
        }
        let owing: HashSet<i64> = store
            .agents_owing_wrapup(start)
            .await?
            .into_iter()
            .collect();
        let logged = self.staff_states();
        let mut interpreters = Interpreters::default();
        let mut staff = Vec::new();
        let users: Vec<User> = store.users().await?;
        for u in users.into_iter().filter(|u| !u.disabled) {
            let view = staff_views.get(&u.id);
            let has_skills = skills.get(&u.id).is_some_and(|s| !s.is_empty());
            if !has_skills && view.is_none() {
                continue;
            }
            let state = derive_state(view, owing.contains(&u.id));
            let interpreter =
                sign_queue.is_some_and(|q| skills.get(&u.id).is_some_and(|s| s.contains(&q)));
            if interpreter {
                if state != StaffState::Offline {
                    interpreters.online += 1;
                }
                match view {
                    Some(v) if v.chats > 0 || v.videos > 0 => interpreters.busy += 1,
                    Some(v)
                        if v.presence == Presence::Available
                            && v.offers == 0
                            && v.video_capacity > 0 =>
                    {
                        interpreters.free += 1
                    }
                    _ => {}
                }
            }
            let since = logged
                .get(&u.id)
                .filter(|(s, _)| *s == state)
                .map(|(_, at)| *at);
            staff.push(BoardStaff {
                id: u.id,
                name: u.display_name,
                state,
                since,
                interpreter,
            });
        }
        let contacts = waiting
            .into_iter()
            .filter(|(c, _)| matches!(Work::of(*c), Work::Conversation(_)))
            .map(|(c, v)| BoardContact {
                id: c.0,
                queue_id: v.queue.0,
                arrived_at: i64::try_from(v.arrived_at).unwrap_or(0),
                offered: matches!(v.state, crate::broker::ContactState::Offered { .. }),
            })
            .collect();
        let sfu = self.sfu().stats();
        Ok(BoardSnapshot {
            at: now,
            queues: board_queues,
            staff,
            contacts,
            interpreters,
            video: VideoUse {
                calls: sfu.rooms,
                connections: sfu.peers,
                max_connections: self.inner.settings.media_connections,
            },
        })
    }

    /// Each staff member's last logged state and since when.
    fn staff_states(&self) -> HashMap<i64, (StaffState, i64)> {
        self.inner
            .staff_states
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Reads the staff states logged before this start (the time in state goes on).
    pub(super) async fn load_staff_states(&self) -> Result<(), HubError> {
        let rows = self.inner.store.latest_staff_states().await?;
        let mut map = self
            .inner
            .staff_states
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        for (staff, state, at) in rows {
            if let Some(s) = StaffState::parse(&state) {
                map.insert(staff, (s, at));
            }
        }
        Ok(())
    }

    /// Logs `state` for `staff` in `staff_events` when it differs from the last logged
    /// one, and marks the board for a push.
    pub(super) async fn log_staff_state(
        &self,
        staff: i64,
        state: StaffState,
        reason: &str,
    ) -> Result<(), HubError> {
        {
            let mut map = self
                .inner
                .staff_states
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if map.get(&staff).is_some_and(|(s, _)| *s == state) {
                return Ok(());
            }
            map.insert(staff, (state, now_ms()));
        }
        self.mark_board();
        self.inner
            .store
            .record_staff_state(staff, state, reason)
            .await?;
        Ok(())
    }

    /// Derives and logs the state of `staff` from the broker's `view` of them.
    pub(super) async fn note_staff(
        &self,
        staff: i64,
        view: Option<&StaffView>,
        reason: &str,
    ) -> Result<(), HubError> {
        let holds = view.is_some_and(|v| v.chats > 0 || v.videos > 0);
        let offline = view.is_none_or(|v| v.presence == Presence::Offline);
        let owes = !holds
            && !offline
            && self
                .inner
                .store
                .agent_owes_wrapup(staff, today_start(now_ms()))
                .await?;
        self.log_staff_state(staff, derive_state(view, owes), reason)
            .await
    }

    /// The staff member finished a wrap-up: their state follows (available, away, or
    /// wrap-up still when another is open).
    pub async fn wrapped_up(&self, staff: i64) -> Result<(), HubError> {
        let id = StaffId(staff);
        let view = self.query(move |b, _| b.staff(id)).await?;
        self.note_staff(staff, view.as_ref(), "wrapped_up").await
    }

    /// Something changed: the board task pushes a new snapshot within a second, and the
    /// next page or screen that asks gets a new one.
    pub(super) fn mark_board(&self) {
        self.inner.board_generation.fetch_add(1, Ordering::AcqRel);
    }

    /// A supervisor moves a waiting conversation to another queue of its channel. The
    /// broker decides; the driver stores the move with a `reassigned` event and tells
    /// the resident.
    pub async fn reassign(
        &self,
        conversation: i64,
        to_queue: i64,
        by: &User,
    ) -> Result<Reassign, HubError> {
        if !matches!(Work::of(ContactId(conversation)), Work::Conversation(_)) {
            return Ok(Reassign::Gone);
        }
        let input = Input::MoveContact {
            contact: ContactId(conversation),
            to: QueueId(to_queue),
        };
        match self.input(input, EndedBy::Agent(StaffId(by.id))).await {
            Ok(()) => {
                tracing::info!(conversation, queue = to_queue, staff = by.id, "reassigned");
                Ok(Reassign::Moved)
            }
            Err(HubError::Broker(e)) => Ok(match e {
                crate::broker::BrokerError::InvalidMove { .. }
                | crate::broker::BrokerError::UnknownQueue(_) => Reassign::NotThatQueue,
                _ => Reassign::Gone,
            }),
            Err(e) => Err(e),
        }
    }

    /// Registers a board connection (a supervisor's wallboard page).
    pub fn connect_board(
        &self,
    ) -> (
        super::ConnId,
        tokio::sync::mpsc::Receiver<Arc<super::Event>>,
    ) {
        let (tx, rx) = tokio::sync::mpsc::channel(super::CONNECTION_QUEUE);
        let id = self.live(|l| l.add_board_conn(tx));
        (id, rx)
    }

    /// Removes a board connection.
    pub fn disconnect_board(&self, id: super::ConnId) {
        self.live(|l| l.remove_board_conn(id));
    }
}

/// The answer to a reassignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reassign {
    Moved,
    /// No longer waiting (offered, answered, or the resident left).
    Gone,
    /// Not another queue of the same channel.
    NotThatQueue,
}

/// The board task: pushes a snapshot to the board connections (see the module
/// documentation). Ends when Loket stops.
pub(super) async fn run(hub: Hub) {
    let mut tick = tokio::time::interval(PUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut closing = hub.closing();
    let mut last: Option<(Instant, u64)> = None;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = closing.changed() => break,
        }
        if !hub.live(|l| l.has_board()) {
            continue;
        }
        let generation = hub.inner.board_generation.load(Ordering::Acquire);
        if last.is_some_and(|(at, g)| g == generation && at.elapsed() < REFRESH_EVERY) {
            continue;
        }
        match hub.build_board().await {
            Ok(snap) => {
                let snap = Arc::new(snap);
                *hub.inner.board_cache.lock().await =
                    Some((Instant::now(), generation, snap.clone()));
                let event = Arc::new(super::Event::Board(snap));
                hub.live(|l| l.send_board(&event));
                last = Some((Instant::now(), generation));
            }
            Err(HubError::ShuttingDown) => break,
            Err(e) => tracing::warn!(error = %e, "board snapshot failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(waiting: usize, available: usize, longest_ms: u64) -> BoardQueue {
        BoardQueue {
            id: 1,
            name_nl: "Chat".into(),
            name_en: "Chat".into(),
            video: false,
            sign_language: false,
            waiting,
            offered: 0,
            longest_wait_ms: longest_ms,
            staff_available: available,
            today: Today {
                service: ServiceNorm {
                    seconds: 30,
                    target: Some(0.7),
                    achieved: None,
                },
                ..Today::default()
            },
        }
    }

    #[test]
    fn alerts_follow_the_norm_and_who_is_there() {
        assert!(queue(0, 0, 0).alerts(1).is_empty());
        assert_eq!(queue(1, 0, 1_000).alerts(1), vec![Alert::NobodyAvailable]);
        assert_eq!(queue(1, 1, 31_000).alerts(1), vec![Alert::WaitOverNorm]);
        let mut q = queue(0, 1, 0);
        q.today.service.achieved = Share::of(6, 10);
        assert_eq!(q.alerts(1), vec![Alert::ServiceLevelBelow]);
        q.today.service.achieved = Share::of(7, 10);
        assert!(q.alerts(1).is_empty());
        // No target configured: never "below".
        q.today.service.target = None;
        q.today.service.achieved = Share::of(0, 10);
        assert!(q.alerts(1).is_empty());
    }

    #[test]
    fn a_sign_language_queue_is_not_fine_without_a_free_interpreter() {
        let mut q = queue(0, 0, 0);
        q.sign_language = true;
        assert_eq!(q.alerts(0), vec![Alert::NoInterpreter]);
        assert!(q.alerts(1).is_empty());
    }

    #[test]
    fn states_are_derived_in_one_order() {
        let view = |presence, chats| StaffView {
            presence,
            skills: vec![],
            chat_capacity: 3,
            video_capacity: 1,
            chats,
            videos: 0,
            offers: 0,
            idle_since: 0,
        };
        assert_eq!(derive_state(None, true), StaffState::Offline);
        let v = view(Presence::Offline, 0);
        assert_eq!(derive_state(Some(&v), true), StaffState::Offline);
        let v = view(Presence::Away, 1);
        assert_eq!(derive_state(Some(&v), true), StaffState::Busy);
        let v = view(Presence::Available, 0);
        assert_eq!(derive_state(Some(&v), true), StaffState::WrapUp);
        assert_eq!(derive_state(Some(&v), false), StaffState::Available);
        let v = view(Presence::Away, 0);
        assert_eq!(derive_state(Some(&v), false), StaffState::Away);
    }
}
