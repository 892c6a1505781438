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
}

/// Live figures of a queue.
#[derive(Debug, Clone)]
pub struct QueueFigures {
    pub id: i64,
    pub name_nl: String,
    pub name_en: String,
    pub waiting: usize,
    pub longest_wait_ms: u64,
    pub staff_available: usize,
}

type Tx = mpsc::Sender<Arc<Event>>;

#[derive(Debug)]
struct ConvLive {
    agent: Option<i64>,
    residents: Vec<(ConnId, Tx)>,
    last_seen: Instant,
    had_socket: bool,
}

#[derive(Debug, Default)]
struct StaffLive {
    conns: Vec<(ConnId, Tx)>,
    generation: u64,
    name: String,
}

/// The registry of live connections.
#[derive(Debug, Default)]
pub struct Live {
    next: ConnId,
    convs: HashMap<i64, ConvLive>,
    staff: HashMap<i64, StaffLive>,
    queue_names: HashMap<i64, (String, String)>,
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
            residents: Vec::new(),
            last_seen: Instant::now(),
            had_socket: false,
        });
        entry.agent = agent;
    }

    /// Forgets a closed conversation (after its final events were sent).
    pub fn close_conversation(&mut self, conv: i64) {
        self.convs.remove(&conv);
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
            c.agent = agent;
        }
    }

    /// The resident loaded a page.
    pub fn resident_seen(&mut self, conv: i64, now: Instant) {
        if let Some(c) = self.convs.get_mut(&conv) {
            c.last_seen = now;
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
                c.agent.is_none()
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
    pub fn send_conversation(&mut self, conv: i64, event: &Arc<Event>, agent: bool) {
        let agent_id = match self.convs.get_mut(&conv) {
            Some(c) => {
                send_all(&mut c.residents, event);
                c.agent
            }
            None => None,
        };
        if agent {
            if let Some(a) = agent_id {
                self.send_staff(a, event);
            }
        }
    }

    /// Sends to the residents of a conversation.
    pub fn send_residents(&mut self, conv: i64, event: &Arc<Event>) {
        if let Some(c) = self.convs.get_mut(&conv) {
            send_all(&mut c.residents, event);
        }
    }

    /// Sends to the agent holding a conversation.
    pub fn send_agent_of(&mut self, conv: i64, event: &Arc<Event>) {
        if let Some(a) = self.agent_of(conv) {
            self.send_staff(a, event);
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

    /// Remembers queue names (Dutch, English) for figures.
    pub fn set_queue_name(&mut self, queue: i64, nl: &str, en: &str) {
        self.queue_names
            .insert(queue, (nl.to_string(), en.to_string()));
    }

    /// Queue names by id.
    pub fn queue_names(&self) -> HashMap<i64, (String, String)> {
        self.queue_names.clone()
    }

    /// Is anyone connected to a console?
    pub fn any_staff_connected(&self) -> bool {
        self.staff.values().any(|s| !s.conns.is_empty())
    }
}
