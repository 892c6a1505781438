//! A reference model rebuilt from the inputs and outputs alone, and the random steps
//! ([`Op`]) that drive it; `model/check.rs` runs each step through the broker and the
//! model and checks the invariants.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::super::*;

const CONFIG: BrokerConfig = BrokerConfig {
    offer_timeout_ms: 10_000,
    retry_cooldown_ms: 30_000,
    default_handle_time_ms: 50_000,
    handle_time_window: 4,
};

/// A random step; `pick` fields select among live entities so that most
/// inputs are meaningful, some are not.
#[derive(Debug, Clone)]
pub(super) enum Op {
    Define {
        queue: i64,
        video: bool,
    },
    Online {
        staff: i64,
        skills: Vec<i64>,
        chat: u8,
        video: u8,
    },
    Presence {
        staff: i64,
        presence: u8,
    },
    Disconnect {
        staff: i64,
    },
    Create {
        queue: i64,
        priority: u8,
        front: bool,
        early: u64,
        reuse: Option<usize>,
    },
    Accept {
        pick: usize,
        wrong: bool,
    },
    Decline {
        pick: usize,
        wrong: bool,
    },
    Leave {
        pick: usize,
        random: bool,
    },
    End {
        pick: usize,
        random: bool,
    },
    Requeue {
        pick: usize,
        random: bool,
    },
    Tick,
    /// Jump to the next deadline (as the server's timer would) and tick.
    TickAtDeadline,
    /// Jump to just before (or exactly at) an offer's expiry and accept.
    AcceptAtExpiry {
        pick: usize,
        late: bool,
    },
    /// A staff member picks a waiting contact from the list (`random`: any id).
    Claim {
        pick: usize,
        staff: i64,
        random: bool,
    },
}

pub(super) fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (1..=4i64, any::<bool>()).prop_map(|(queue, video)| Op::Define { queue, video }),
        3 => (1..=5i64, prop::collection::vec(prop_oneof![12 => 1..=3i64, 1 => Just(4i64)], 0..=3), 0..=3u8, 0..=2u8)
            .prop_map(|(staff, skills, chat, video)| Op::Online { staff, skills, chat, video }),
        4 => (1..=6i64, 0..5u8).prop_map(|(staff, presence)| Op::Presence { staff, presence }),
        1 => (1..=6i64).prop_map(|staff| Op::Disconnect { staff }),
        8 => (1..=4i64, 0..=2u8, prop::bool::weighted(0.15), 0..5_000u64,
              prop::option::weighted(0.1, any::<usize>()))
            .prop_map(|(queue, priority, front, early, reuse)| Op::Create { queue, priority, front, early, reuse }),
        8 => (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(pick, wrong)| Op::Accept { pick, wrong }),
        3 => (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(pick, wrong)| Op::Decline { pick, wrong }),
        3 => (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(pick, random)| Op::Leave { pick, random }),
        4 => (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(pick, random)| Op::End { pick, random }),
        2 => (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(pick, random)| Op::Requeue { pick, random }),
        2 => Just(Op::Tick),
        3 => Just(Op::TickAtDeadline),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(pick, late)| Op::AcceptAtExpiry { pick, late }),
        2 => (any::<usize>(), 1..=6i64, prop::bool::weighted(0.1))
            .prop_map(|(pick, staff, random)| Op::Claim { pick, staff, random }),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MState {
    Waiting,
    Offered { staff: StaffId, expires_at: Millis },
    Assigned { staff: StaffId, since: Millis },
}

#[derive(Debug, Clone)]
struct MContact {
    queue: QueueId,
    channel: Channel,
    priority: u8,
    arrived_at: Millis,
    requeued: bool,
    state: MState,
    cooldown: Vec<(StaffId, Millis)>,
}

impl MContact {
    fn key(&self, id: ContactId) -> (std::cmp::Reverse<u8>, bool, Millis, ContactId) {
        (
            std::cmp::Reverse(self.priority),
            !self.requeued,
            self.arrived_at,
            id,
        )
    }

    fn blocked(&self, staff: StaffId) -> bool {
        self.cooldown.iter().any(|(s, _)| *s == staff)
    }

    fn back_to_waiting(&mut self, now: Millis) {
        self.state = MState::Waiting;
        self.cooldown.retain(|(_, until)| *until > now);
    }

    fn add_cooldown(&mut self, staff: StaffId, now: Millis) {
        self.cooldown.retain(|(s, _)| *s != staff);
        self.cooldown.push((staff, now + CONFIG.retry_cooldown_ms));
    }
}

#[derive(Debug, Clone)]
struct MStaff {
    presence: Presence,
    skills: Vec<QueueId>,
    chat_cap: u8,
    video_cap: u8,
    /// Load above capacity is excused after a capacity cut, until it drops.
    excused: bool,
    /// Expected `idle_since`, rebuilt from outputs.
    idle_since: Millis,
}

/// Load of a staff member: (chats, videos, chat offers, video offers).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Load {
    chats: u8,
    videos: u8,
    chat_offers: u8,
    video_offers: u8,
}

impl Load {
    fn free_for(&self, st: &MStaff, channel: Channel) -> usize {
        let chat = self.chats + self.chat_offers;
        let video = self.videos + self.video_offers;
        match channel {
            Channel::Chat if video == 0 => usize::from(st.chat_cap.saturating_sub(chat)),
            Channel::Video if chat == 0 && video == 0 && st.video_cap > 0 => 1,
            _ => 0,
        }
    }
}

pub(super) struct Model {
    now: Millis,
    next_id: i64,
    queues: BTreeMap<QueueId, Channel>,
    handle_times: BTreeMap<QueueId, Vec<Millis>>,
    staff: BTreeMap<StaffId, MStaff>,
    contacts: BTreeMap<ContactId, MContact>,
    ever: BTreeSet<ContactId>,
    offers_made: usize,
    offers_closed: usize,
    pub(super) stats: Stats,
}

/// What a run exercised, to make sure the generator is not vacuous.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Stats {
    pub(super) steps: usize,
    pub(super) errors: usize,
    pub(super) offers: usize,
    pub(super) assigned: usize,
    pub(super) timeouts: usize,
    pub(super) requeued: usize,
}

fn channel_of(video: bool) -> Channel {
    if video { Channel::Video } else { Channel::Chat }
}

impl Model {
    pub(super) fn new() -> Self {
        Model {
            now: 1_000_000,
            next_id: 1,
            queues: BTreeMap::new(),
            handle_times: BTreeMap::new(),
            staff: BTreeMap::new(),
            contacts: BTreeMap::new(),
            ever: BTreeSet::new(),
            offers_made: 0,
            offers_closed: 0,
            stats: Stats::default(),
        }
    }

    pub(super) fn broker() -> Broker {
        Broker::new(CONFIG)
    }

    /// The next offer expiry or cooldown end of a waiting contact.
    fn next_deadline(&self) -> Option<Millis> {
        self.contacts
            .values()
            .flat_map(|c| {
                let offer = match c.state {
                    MState::Offered { expires_at, .. } => Some(expires_at),
                    _ => None,
                };
                let cooldown = (c.state == MState::Waiting)
                    .then(|| c.cooldown.iter().map(|(_, t)| *t).min())
                    .flatten();
                offer.into_iter().chain(cooldown)
            })
            .min()
    }

    /// Whether `sid` may be offered contact `c` right now.
    fn eligible(&self, c: &MContact, sid: StaffId) -> bool {
        self.staff.get(&sid).is_some_and(|st| {
            st.presence == Presence::Available
                && st.skills.contains(&c.queue)
                && !c.blocked(sid)
                && self.load(sid).free_for(st, c.channel) > 0
        })
    }

    fn set_idle(&mut self, staff: StaffId, now: Millis) {
        if let Some(st) = self.staff.get_mut(&staff) {
            st.idle_since = now;
        }
    }

    fn load(&self, staff: StaffId) -> Load {
        let mut load = Load::default();
        for c in self.contacts.values() {
            match c.state {
                MState::Offered { staff: s, .. } if s == staff => match c.channel {
                    Channel::Chat => load.chat_offers += 1,
                    Channel::Video => load.video_offers += 1,
                },
                MState::Assigned { staff: s, .. } if s == staff => match c.channel {
                    Channel::Chat => load.chats += 1,
                    Channel::Video => load.videos += 1,
                },
                _ => {}
            }
        }
        load
    }

    fn sorted<F: Fn(&MContact) -> bool>(&self, f: F) -> Vec<ContactId> {
        self.contacts
            .iter()
            .filter(|(_, c)| f(c))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Turns a random op into an input, using the model to aim at live
    /// entities most of the time. Also advances the clock.
    pub(super) fn input(&mut self, op: &Op, advance: Millis) -> Input {
        self.now += advance;
        let offered: Vec<(ContactId, StaffId)> = self
            .contacts
            .iter()
            .filter_map(|(id, c)| match c.state {
                MState::Offered { staff, .. } => Some((*id, staff)),
                _ => None,
            })
            .collect();
        let assigned = self.sorted(|c| matches!(c.state, MState::Assigned { .. }));
        let live: Vec<ContactId> = self.contacts.keys().copied().collect();
        let any_contact = |pick: usize| ContactId((pick % (self.next_id as usize + 2)) as i64);
        match *op {
            Op::Define { queue, video } => Input::DefineQueue {
                queue: QueueId(queue),
                channel: channel_of(video),
            },
            Op::Online {
                staff,
                ref skills,
                chat,
                video,
            } => Input::StaffOnline {
                staff: StaffId(staff),
                skills: skills.iter().map(|q| QueueId(*q)).collect(),
                chat_capacity: chat,
                video_capacity: video,
            },
            Op::Presence { staff, presence } => Input::SetPresence {
                staff: StaffId(staff),
                presence: match presence {
                    0..=2 => Presence::Available,
                    3 => Presence::Away,
                    _ => Presence::Offline,
                },
            },
            Op::Disconnect { staff } => Input::StaffDisconnected {
                staff: StaffId(staff),
            },
            Op::Create {
                queue,
                priority,
                front,
                early,
                reuse,
            } => {
                let contact = match reuse {
                    Some(pick) => any_contact(pick),
                    None => {
                        self.next_id += 1;
                        ContactId(self.next_id)
                    }
                };
                Input::ContactCreated {
                    contact,
                    queue: QueueId(queue),
                    priority,
                    arrived_at: self.now.saturating_sub(early),
                    front,
                }
            }
            Op::Accept { pick, wrong: false } | Op::Decline { pick, wrong: false }
                if offered.is_empty() =>
            {
                // Nothing to answer: make someone Available instead.
                Input::SetPresence {
                    staff: StaffId((pick % 5) as i64 + 1),
                    presence: Presence::Available,
                }
            }
            Op::End {
                pick,
                random: false,
            }
            | Op::Requeue {
                pick,
                random: false,
            } if assigned.is_empty() && !offered.is_empty() => {
                // Nothing held: accept an offer instead.
                let (contact, staff) = offered[pick % offered.len()];
                Input::OfferAccepted { contact, staff }
            }
            Op::Accept { pick, wrong } | Op::Decline { pick, wrong } => {
                let (contact, staff) = if offered.is_empty() {
                    (any_contact(pick), StaffId((pick % 6) as i64 + 1))
                } else {
                    let (c, s) = offered[pick % offered.len()];
                    if wrong {
                        (c, StaffId(s.0 % 6 + 1))
                    } else {
                        (c, s)
                    }
                };
                if matches!(op, Op::Accept { .. }) {
                    Input::OfferAccepted { contact, staff }
                } else {
                    Input::OfferDeclined { contact, staff }
                }
            }
            Op::Leave { pick, random } => Input::ContactLeft {
                contact: if random || live.is_empty() {
                    any_contact(pick)
                } else {
                    live[pick % live.len()]
                },
            },
            Op::End { pick, random } | Op::Requeue { pick, random } => {
                let contact = if random || assigned.is_empty() {
                    any_contact(pick)
                } else {
                    assigned[pick % assigned.len()]
                };
                if matches!(op, Op::End { .. }) {
                    Input::ConversationEnded { contact }
                } else {
                    Input::Requeue { contact }
                }
            }
            Op::Tick => Input::Tick,
            Op::TickAtDeadline => {
                if let Some(at) = self.next_deadline() {
                    self.now = self.now.max(at);
                }
                Input::Tick
            }
            Op::AcceptAtExpiry { pick, late } => match offered.get(pick % offered.len().max(1)) {
                Some(&(contact, staff)) => {
                    if let Some(MState::Offered { expires_at, .. }) =
                        self.contacts.get(&contact).map(|c| c.state)
                    {
                        let at = if late { expires_at } else { expires_at - 1 };
                        self.now = self.now.max(at);
                    }
                    Input::OfferAccepted { contact, staff }
                }
                None => Input::Tick,
            },
            Op::Claim {
                pick,
                staff,
                random,
            } => {
                let waiting = self.sorted(|c| c.state == MState::Waiting);
                let contact = if random || waiting.is_empty() {
                    any_contact(pick)
                } else {
                    waiting[pick % waiting.len()]
                };
                Input::ContactClaimed {
                    contact,
                    staff: StaffId(staff),
                }
            }
        }
    }

    /// Whether the input is valid in the model's state.
    fn valid(&self, input: &Input) -> bool {
        match input {
            Input::DefineQueue { queue, channel } => match self.queues.get(queue) {
                Some(ch) if ch != channel => !self.contacts.values().any(|c| c.queue == *queue),
                _ => true,
            },
            Input::StaffOnline { skills, .. } => skills.iter().all(|q| self.queues.contains_key(q)),
            Input::SetPresence { staff, .. } | Input::StaffDisconnected { staff } => {
                self.staff.contains_key(staff)
            }
            Input::ContactCreated { contact, queue, .. } => {
                !self.contacts.contains_key(contact) && self.queues.contains_key(queue)
            }
            Input::OfferAccepted { contact, staff } => {
                self.staff.contains_key(staff)
                    && self.contacts.get(contact).is_some_and(|c| {
                        matches!(c.state, MState::Offered { staff: s, expires_at }
                            if s == *staff && self.now < expires_at)
                    })
            }
            Input::OfferDeclined { contact, staff } => {
                self.staff.contains_key(staff)
                    && self.contacts.get(contact).is_some_and(
                        |c| matches!(c.state, MState::Offered { staff: s, .. } if s == *staff),
                    )
            }
            Input::Tick => true,
            // The model has no overflow rules (they have their own tests in
            // overflow.rs); the generator never sets one.
            Input::SetOverflow { .. } => false,
            Input::ContactLeft { contact } => self.contacts.contains_key(contact),
            Input::ConversationEnded { contact } | Input::Requeue { contact } => self
                .contacts
                .get(contact)
                .is_some_and(|c| matches!(c.state, MState::Assigned { .. })),
            Input::ContactClaimed { contact, staff } => {
                match (self.staff.get(staff), self.contacts.get(contact)) {
                    (Some(st), Some(c)) => {
                        c.state == MState::Waiting
                            && st.presence != Presence::Offline
                            && st.skills.contains(&c.queue)
                            && self.load(*staff).free_for(st, c.channel) > 0
                    }
                    _ => false,
                }
            }
            // Not generated: moving is covered by the unit tests in `moving.rs`.
            Input::MoveContact { .. } => false,
        }
    }
}

mod check;
