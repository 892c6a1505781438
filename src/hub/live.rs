//! Who is connected right now, and the events they receive.
//!
//! [`Live`] is plain data behind a mutex in the hub: open conversations with their
//! resident connections and agent, and staff connections. It never awaits; sending is
//! `try_send` on bounded channels, and a full channel drops that connection.

use crate::store::{Message, Status};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

/// Identifies one live connection.
pub type ConnId = u64;

/// What the resident's page shows about their conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusInfo {
    pub status: Status,
    pub position: Option<usize>,
    pub wait_ms: Option<u64>,
    pub agent_name: Option<String>,
    /// Waiting again because the connection with this staff member was lost (or they
    /// logged out): the resident is told so, once, until someone else answers.
    pub lost_agent: Option<String>,
    /// Waiting in a queue that nobody available serves right now (the last person with
    /// the skill left): the resident is told so honestly and offered to leave a message.
    pub unstaffed: bool,
}

/// Something a live connection should hear about. Connections turn events into
/// protocol frames in their own language.
#[derive(Debug, Clone)]
pub enum Event {
    Message {
        conversation: i64,
        message: Message,
    },
    Typing {
        conversation: i64,
        who: String,
        active: bool,
    },
    Status {
        conversation: i64,
        info: StatusInfo,
    },
    Offer {
        conversation: i64,
        queue_nl: String,
        queue_en: String,
        resident_name: String,
        topic_nl: Option<String>,
        topic_en: Option<String>,
        preview: String,
        expires_in_ms: u64,
        /// A video call (the console opens the call page on accept).
        call: bool,
        /// For a request to join a call: who asked.
        join_by: Option<String>,
    },
    OfferRevoked {
        conversation: i64,
        reason: &'static str,
    },
    Assigned {
        conversation: i64,
        resident_name: String,
        topic_nl: Option<String>,
        topic_en: Option<String>,
        last_seq: i64,
        /// A video call (the console opens the call page).
        call: bool,
    },
    Released {
        conversation: i64,
        reason: &'static str,
    },
    Presence {
        available: bool,
        offline: bool,
        reason: Option<&'static str>,
    },
    Queues(Vec<QueueFigures>),
    /// The wallboard (to board connections only).
    Board(Arc<super::board::BoardSnapshot>),
    /// Who is in a conversation's call now.
    Participants {
        conversation: i64,
        list: Vec<Participant>,
    },
}

/// One person in a call.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    /// The media id: `resident` or `staff-{id}` (the SFU's participant id and the
    /// stream id of their forwarded tracks).
    pub id: String,
    pub name: String,
    /// `resident`, `agent` or `interpreter`.
    pub role: &'static str,
}

/// Live figures of a queue.
#[derive(Debug, Clone)]
pub struct QueueFigures {
    pub id: i64,
    pub name_nl: String,
    pub name_en: String,
    /// Contacts waiting (residents, and calls asking for one more staff member).
    pub waiting: usize,
    /// Contacts offered to someone who has not answered yet.
    pub offered: usize,
    pub longest_wait_ms: u64,
    pub staff_available: usize,
}

impl QueueFigures {
    /// The queue's name in both languages.
    pub fn name(&self) -> crate::i18n::Localized {
        crate::i18n::Localized::new(&self.name_nl, &self.name_en)
    }
}

type Tx = mpsc::Sender<Arc<Event>>;

#[derive(Debug)]
struct ConvLive {
    agent: Option<i64>,
    /// Staff members who joined the call through a call request: (staff, request id).
    guests: Vec<(i64, i64)>,
    residents: Vec<(ConnId, Tx)>,
    last_seen: Instant,
    had_socket: bool,
    /// A message left out of hours: it waits for an agent without a resident present.
    keep: bool,
    /// The name of the agent whose connection was lost, while the resident waits again.
    lost_agent: Option<String>,
}

#[derive(Debug, Default)]
struct StaffLive {
    conns: Vec<(ConnId, Tx)>,
    generation: u64,
    name: String,
    role: &'static str,
}

/// The registry of live connections.
#[derive(Debug, Default)]
pub struct Live {
    next: ConnId,
    convs: HashMap<i64, ConvLive>,
    staff: HashMap<i64, StaffLive>,
    queue_names: HashMap<i64, (String, String)>,
    /// Which connection owns each call participant's media: (conversation, media id).
    media_owners: HashMap<(i64, String), u64>,
    /// Wallboard connections (supervisors' `/staff/overzicht`).
    board: Vec<(ConnId, Tx)>,
}

/// Sends to every connection; drops (and reports) those whose queue is full or closed.
fn send_all(conns: &mut Vec<(ConnId, Tx)>, event: &Arc<Event>) {
    conns.retain(|(id, tx)| match tx.try_send(event.clone()) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            tracing::warn!(conn = id, "connection too slow; dropping it");
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    });
}

impl Live {
    fn next_id(&mut self) -> ConnId {
        self.next += 1;
        self.next
    }

    /// Marks a conversation open (waiting or active).
    pub fn open_conversation(&mut self, conv: i64, agent: Option<i64>) {
        let entry = self.convs.entry(conv).or_insert_with(|| ConvLive {
            agent: None,
            guests: Vec::new(),
            residents: Vec::new(),
            last_seen: Instant::now(),
            had_socket: false,
            keep: false,
            lost_agent: None,
        });
        if agent.is_some() {
            entry.lost_agent = None;
        }
        entry.agent = agent;
    }

    /// Forgets a closed conversation (after its final events were sent).
    pub fn close_conversation(&mut self, conv: i64) {
        self.convs.remove(&conv);
        self.media_owners.retain(|(c, _), _| *c != conv);
    }

    /// Is `conv` open?
    pub fn is_open(&self, conv: i64) -> bool {
        self.convs.contains_key(&conv)
    }

    /// The agent holding `conv`.
    pub fn agent_of(&self, conv: i64) -> Option<i64> {
        self.convs.get(&conv).and_then(|c| c.agent)
    }

    /// Sets or clears the agent of `conv`.
    pub fn set_agent(&mut self, conv: i64, agent: Option<i64>) {
        if let Some(c) = self.convs.get_mut(&conv) {
            if agent.is_some() {
                c.lost_agent = None;
            }
            c.agent = agent;
        }
    }

    /// The agent of `conv` was lost: remember their name (for the resident's status)
    /// until someone answers again.
    pub fn set_lost_agent(&mut self, conv: i64, name: Option<String>) {
        if let Some(c) = self.convs.get_mut(&conv) {
            c.lost_agent = name;
        }
    }

    /// The name of the agent whose connection with `conv` was lost, while it waits again.
    pub fn lost_agent(&self, conv: i64) -> Option<String> {
        self.convs.get(&conv).and_then(|c| c.lost_agent.clone())
    }

    /// The resident loaded a page.
    pub fn resident_seen(&mut self, conv: i64, now: Instant) {
        if let Some(c) = self.convs.get_mut(&conv) {
            c.last_seen = now;
        }
    }

    /// Keeps a waiting conversation although no resident is present (a left message).
    pub fn keep_waiting(&mut self, conv: i64) {
        if let Some(c) = self.convs.get_mut(&conv) {
            c.keep = true;
        }
    }

    /// Adds a resident connection; `None` when the conversation is not open.
    pub fn add_resident_conn(&mut self, conv: i64, tx: Tx) -> Option<ConnId> {
        if !self.convs.contains_key(&conv) {
            return None;
        }
        let id = self.next_id();
        let c = self.convs.get_mut(&conv)?;
        c.residents.push((id, tx));
        c.had_socket = true;
        Some(id)
    }

    /// Removes a resident connection.
    pub fn remove_resident_conn(&mut self, conv: i64, id: ConnId, now: Instant) {
        if let Some(c) = self.convs.get_mut(&conv) {
            c.residents.retain(|(i, _)| *i != id);
            c.last_seen = now;
        }
    }

    /// Waiting-or-active conversations whose resident has been gone too long:
    /// no live connection, and unseen for `grace` (after a socket) or `idle` (never had one).
    pub fn residents_gone(
        &self,
        now: Instant,
        grace: std::time::Duration,
        idle: std::time::Duration,
    ) -> Vec<i64> {
        self.convs
            .iter()
            .filter(|(_, c)| {
                !c.keep
                    && c.agent.is_none()
                    && c.residents.iter().all(|(_, tx)| tx.is_closed())
                    && now.duration_since(c.last_seen) > if c.had_socket { grace } else { idle }
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// Remembers a staff member's display name.
    pub fn set_staff_name(&mut self, staff: i64, name: &str) {
        self.staff.entry(staff).or_default().name = name.to_string();
    }

    /// Remembers a staff member's role name (`agent`, `interpreter`, ...).
    pub fn set_staff_role(&mut self, staff: i64, role: &'static str) {
        self.staff.entry(staff).or_default().role = role;
    }

    /// A staff member's role name (empty when unknown).
    pub fn staff_role(&self, staff: i64) -> &'static str {
        self.staff.get(&staff).map(|s| s.role).unwrap_or("")
    }

    /// Adds a guest (a staff member who joined the call through `request`).
    pub fn add_guest(&mut self, conv: i64, staff: i64, request: i64) {
        if let Some(c) = self.convs.get_mut(&conv) {
            c.guests.retain(|(s, _)| *s != staff);
            c.guests.push((staff, request));
        }
    }

    /// Removes the guest who joined through `request`; returns the staff member.
    pub fn remove_guest(&mut self, conv: i64, request: i64) -> Option<i64> {
        let c = self.convs.get_mut(&conv)?;
        let pos = c.guests.iter().position(|(_, r)| *r == request)?;
        Some(c.guests.remove(pos).0)
    }

    /// Guests of a conversation's call: (staff, request id).
    pub fn guests(&self, conv: i64) -> Vec<(i64, i64)> {
        self.convs
            .get(&conv)
            .map(|c| c.guests.clone())
            .unwrap_or_default()
    }

    /// Every staff member in a conversation: its agent and its guests.
    pub fn staff_in(&self, conv: i64) -> Vec<i64> {
        match self.convs.get(&conv) {
            Some(c) => c
                .agent
                .into_iter()
                .chain(c.guests.iter().map(|g| g.0))
                .collect(),
            None => Vec::new(),
        }
    }

    /// A staff member's display name.
    pub fn staff_name(&self, staff: i64) -> String {
        self.staff
            .get(&staff)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// Adds a console connection.
    pub fn add_staff_conn(&mut self, staff: i64, tx: Tx) -> ConnId {
        let id = self.next_id();
        let s = self.staff.entry(staff).or_default();
        s.conns.push((id, tx));
        s.generation += 1;
        id
    }

    /// Removes a console connection; returns the generation to check after the grace
    /// period when it was the last one.
    pub fn remove_staff_conn(&mut self, staff: i64, id: ConnId) -> Option<u64> {
        let s = self.staff.get_mut(&staff)?;
        s.conns.retain(|(i, _)| *i != id);
        s.conns.is_empty().then_some(s.generation)
    }

    /// True when the staff member still has no connection and none came and went since.
    pub fn staff_gone_since(&self, staff: i64, generation: u64) -> bool {
        self.staff
            .get(&staff)
            .is_none_or(|s| s.conns.is_empty() && s.generation == generation)
    }

    /// Sends to the residents and (when `agent`) the agent of a conversation.
    /// Guests of a call hear what its agent hears.
    pub fn send_conversation(&mut self, conv: i64, event: &Arc<Event>, agent: bool) {
        if let Some(c) = self.convs.get_mut(&conv) {
            send_all(&mut c.residents, event);
        }
        if agent {
            for s in self.staff_in(conv) {
                self.send_staff(s, event);
            }
        }
    }

    /// Sends to the residents of a conversation.
    pub fn send_residents(&mut self, conv: i64, event: &Arc<Event>) {
        if let Some(c) = self.convs.get_mut(&conv) {
            send_all(&mut c.residents, event);
        }
    }

    /// Sends to the staff in a conversation (its agent and call guests), except `but`.
    pub fn send_staff_of(&mut self, conv: i64, event: &Arc<Event>, but: Option<i64>) {
        for s in self.staff_in(conv) {
            if Some(s) != but {
                self.send_staff(s, event);
            }
        }
    }

    /// Sends to every console connection of one staff member.
    pub fn send_staff(&mut self, staff: i64, event: &Arc<Event>) {
        if let Some(s) = self.staff.get_mut(&staff) {
            send_all(&mut s.conns, event);
        }
    }

    /// Sends to every console connection.
    pub fn send_all_staff(&mut self, event: &Arc<Event>) {
        for s in self.staff.values_mut() {
            send_all(&mut s.conns, event);
        }
    }

    /// Does any resident listen to `conv`?
    pub fn has_residents(&self, conv: i64) -> bool {
        self.convs
            .get(&conv)
            .is_some_and(|c| !c.residents.is_empty())
    }

    /// A connection takes over a participant's media (a reload replaces the old page).
    pub fn claim_media(&mut self, conv: i64, id: &str) -> u64 {
        let token = self.next_id();
        self.media_owners.insert((conv, id.to_string()), token);
        token
    }

    /// Gives the media back; true when `token` still owned it (so it should hang up).
    pub fn release_media(&mut self, conv: i64, id: &str, token: u64) -> bool {
        let key = (conv, id.to_string());
        if self.media_owners.get(&key) == Some(&token) {
            self.media_owners.remove(&key);
            true
        } else {
            false
        }
    }

    /// Remembers queue names (Dutch, English) for figures.
    pub fn set_queue_name(&mut self, queue: i64, nl: &str, en: &str) {
        self.queue_names
            .insert(queue, (nl.to_string(), en.to_string()));
    }

    /// Queue names by id.
    pub fn queue_names(&self) -> HashMap<i64, (String, String)> {
        self.queue_names.clone()
    }

    /// Adds a wallboard connection.
    pub fn add_board_conn(&mut self, tx: Tx) -> ConnId {
        let id = self.next_id();
        self.board.push((id, tx));
        id
    }

    /// Removes a wallboard connection.
    pub fn remove_board_conn(&mut self, id: ConnId) {
        self.board.retain(|(i, _)| *i != id);
    }

    /// Sends to every wallboard connection.
    pub fn send_board(&mut self, event: &Arc<Event>) {
        send_all(&mut self.board, event);
    }

    /// Is a wallboard open?
    pub fn has_board(&self) -> bool {
        !self.board.is_empty()
    }

    /// Is anyone connected to a console?
    pub fn any_staff_connected(&self) -> bool {
        self.staff.values().any(|s| !s.conns.is_empty())
    }
}
