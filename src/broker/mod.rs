//! The session broker: who gets which contact, and when.
//!
//! The broker is a pure, sans-IO state machine in the style of `str0m`: the
//! server feeds it [`Input`]s together with the current time, and takes
//! [`Output`]s out of it. It has no clock, no threads, no database and no
//! I/O, so every decision is deterministic and can be tested by replaying
//! inputs.
//!
//! # What it owns
//!
//! * **Queues** ([`QueueId`]): each has a [`Channel`] (chat or video), an
//!   ordered set of waiting contacts and the last handle times.
//! * **Staff** ([`StaffId`]): presence, skills (the queues they serve),
//!   capacities, the contacts they hold and the offers ringing for them.
//! * **Live contacts** ([`ContactId`]): waiting, offered to one staff member,
//!   or assigned to one. A contact that is abandoned or ended is forgotten at
//!   once (the server keeps history in its database); inputs about it then
//!   fail with [`BrokerError::UnknownContact`].
//! * **Deadlines**: offer expiries and retry cooldowns.
//!
//! # Events in, actions out
//!
//! [`Broker::handle_input`] applies one [`Input`] at time `now`. It either
//! returns an error and changes nothing at all (every check happens before
//! the first mutation), or applies the input, routes whatever became
//! routable, and appends [`Output`]s to an internal FIFO. Outputs are
//! instructions for the server: ring a staff member ([`Output::Offer`]), stop
//! ringing ([`Output::OfferRevoked`]), connect a conversation
//! ([`Output::Assigned`]), tell a resident they are back in line
//! ([`Output::Requeued`]), close ([`Output::Abandoned`], [`Output::Ended`]),
//! publish presence ([`Output::PresenceChanged`]) and refresh queue positions
//! ([`Output::QueueChanged`], at most once per queue per call, after the
//! other outputs of the call).
//!
//! # Routing rules
//!
//! * **Order.** Waiting contacts are served by the key `(priority
//!   descending, requeued first, arrived_at ascending, contact id
//!   ascending)`. A contact is *requeued* once a staff member dropped it
//!   (disconnect), handed it back ([`Input::Requeue`]) or it was restored
//!   with `front = true`; it then goes ahead of every never-served contact of
//!   the same priority.
//! * **Capacity.** An offer reserves a slot: `chats + chat offers <=
//!   chat_capacity`. A video call needs full attention: a staff member gets a
//!   video offer only when they hold and are offered nothing at all (so never
//!   more than one video), and gets no chat offer while they hold or are
//!   offered a video. Lowering a capacity below the current load is allowed;
//!   it only stops new offers.
//! * **Matching.** Whenever something changes (a contact is created or goes
//!   back to waiting, a staff member becomes Available or frees a slot, an
//!   offer ends, a cooldown expires), the broker matches greedily: it takes
//!   the best waiting contact (by the key above, across all affected queues)
//!   that has an eligible staff member, and offers it to the **longest-idle**
//!   one (smallest `idle_since`, ties by staff id). Eligible means: Available,
//!   has the queue as a skill, has a free slot for the channel, and is not in
//!   the contact's cooldown list. It repeats until no pair is left, so after
//!   every call no waiting contact is left while an eligible staff member has
//!   a free slot. Seen from a staff member who frees up: they get the best
//!   waiting contact across all their skill queues. `idle_since` is the last
//!   time the staff member became Available, accepted a contact, or had a
//!   contact or an offer end. A contact is offered to at most one staff
//!   member at a time and held by at most one.
//! * **Offer timeout (RONA).** An offer expires at `now + offer_timeout_ms`.
//!   The first [`Input::Tick`] with `now >= expires_at` revokes it
//!   ([`RevokeReason::TimedOut`]), sets the staff member Away
//!   ([`PresenceReason::MissedOffer`], "redirection on no answer") and routes
//!   the contact to the next eligible person. Accepting at or after
//!   `expires_at` fails with [`BrokerError::OfferExpired`].
//! * **No ping-pong.** A staff member who declined, missed or handed back
//!   ([`Input::Requeue`]) a contact is skipped for that contact for
//!   `retry_cooldown_ms`. The cooldown is lifted by the first `Tick` at or
//!   after its end (or when the contact goes back to waiting after it ended),
//!   so a lone staff member who declined gets the contact again later, but
//!   never immediately.
//! * **Picking from the list.** Beside the offers, a staff member may take a
//!   waiting contact themselves ([`Input::ContactClaimed`]): it is assigned
//!   at once if it is Waiting, they are online, serve its queue and have a
//!   free slot for its channel (the same capacity rule as offers; a cooldown
//!   does not stop a deliberate pick).
//! * **Overflow.** A queue may have an [`Overflow`] rule
//!   ([`Input::SetOverflow`]). While none of its members is Available, a
//!   waiting contact moves to the rule's queue once `after_ms` has passed
//!   since the later of "the queue lost its last Available member" and "the
//!   contact entered the queue" ([`Output::Overflowed`]). It keeps its
//!   arrival time and requeued mark, so it takes its fair place there.
//!   Offered and held contacts never move. Without a rule contacts stay.
//! * **Moving.** A supervisor may move a waiting contact to another queue of
//!   its channel ([`Input::MoveContact`], [`Output::Moved`]); like an
//!   overflow it keeps its arrival time and requeued mark there.
//! * **Disconnect.** [`Input::StaffDisconnected`] sets the staff member
//!   Offline, revokes their offers ([`RevokeReason::StaffLeft`]) and requeues
//!   every contact they hold at the front ([`Output::Requeued`]); all of them
//!   are routed again at once.
//!
//! # Estimated wait
//!
//! Per queue the broker keeps the last `handle_time_window` handle times
//! (from accept to end). `AHT` is their mean, or `default_handle_time_ms`
//! without history. `slots` is the sum of the channel capacity of the
//! Available staff with the skill (`chat_capacity` for chat queues; for video
//! queues 1 per staff member with `video_capacity > 0`, since a video call is
//! exclusive), and `free_slots` is how many of those slots are unused right
//! now. For the waiting contact at 1-based position `p`:
//!
//! ```text
//! estimate(p) = None                        if slots == 0 (nobody can serve)
//!             = Some(0)                     if p <= free_slots
//!             = Some(ceil(p / slots) * AHT) otherwise
//! ```
//!
//! [`QueueStats::estimated_wait_ms`] is `estimate(waiting + 1)`, the wait of
//! a contact arriving now.
//!
//! # Driving the broker
//!
//! The server owns one `Broker` (behind a mutex or inside one task) and runs
//! this loop; `now` is the wall clock in unix milliseconds:
//!
//! ```
//! use loket::broker::*;
//!
//! let mut broker = Broker::new(BrokerConfig::default());
//! let now: Millis = 1_000;
//! broker.handle_input(now, Input::DefineQueue { queue: QueueId(1), channel: Channel::Chat })?;
//! broker.handle_input(now, Input::StaffOnline {
//!     staff: StaffId(7), skills: vec![QueueId(1)], chat_capacity: 2, video_capacity: 0,
//! })?;
//! broker.handle_input(now, Input::SetPresence { staff: StaffId(7), presence: Presence::Available })?;
//! broker.handle_input(now, Input::ContactCreated {
//!     contact: ContactId(42), queue: QueueId(1), priority: 0, arrived_at: now, front: false,
//! })?;
//! // 1. After every input, drain the outputs and act on them.
//! while let Some(output) = broker.poll_output() {
//!     match output {
//!         Output::Offer { .. } => { /* ring the staff member */ }
//!         Output::QueueChanged { queue } => { /* schedule a throttled positions(queue) push */ }
//!         _ => { /* ... */ }
//!     }
//! }
//! // 2. Sleep until the next deadline (or the next input), then Tick.
//! if let Some(at) = broker.poll_timeout() {
//!     assert_eq!(at, now + 20_000);
//!     broker.handle_input(at, Input::Tick)?; // the offer timed out: RONA
//! }
//! # Ok::<(), BrokerError>(())
//! ```
//!
//! [`Broker::poll_timeout`] returns the earliest time at which a `Tick` would
//! change something; it changes after every input, so re-arm the timer after
//! each `handle_input`. Feed a `Tick` when the timer fires (ticking early or
//! often is harmless). An error from `handle_input` means the input was stale
//! or wrong (say a double click on "accept"): report it to the caller and
//! carry on; the broker is unchanged.
//!
//! # Cost
//!
//! Everything is indexed: per-queue `BTreeSet`s of waiting contacts (in
//! routing order and by arrival) and of free Available staff (by
//! `idle_since`), hash maps for contacts and staff, and ordered sets of
//! deadlines. A steady-state event costs `O(k log n)` for `n` live contacts
//! and `k` skills of the staff member involved. [`Broker::position`] counts
//! the contacts ahead (`O(p)`); use [`Broker::positions`] (one pass over the
//! queue) for bulk notifications.

mod queue;
mod staff;
mod types;

#[cfg(test)]
mod tests;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use queue::{Queue, WaitKey};
use staff::Staff;
pub use types::*;

/// One live contact.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Contact {
    queue: QueueId,
    channel: Channel,
    priority: u8,
    arrived_at: Millis,
    /// When it entered its current queue (arrival, or an overflow move).
    entered_at: Millis,
    requeued: bool,
    state: ContactState,
    /// Staff members skipped for this contact, and until when.
    cooldown: Vec<(StaffId, Millis)>,
}

impl Contact {
    fn key(&self, id: ContactId) -> WaitKey {
        WaitKey::new(id, self.priority, self.requeued, self.arrived_at)
    }

    fn in_cooldown(&self, staff: StaffId) -> bool {
        self.cooldown.iter().any(|(s, _)| *s == staff)
    }
}

/// Queues to route and queues to announce, collected during one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Marks {
    dirty: Vec<QueueId>,
    touched: Vec<QueueId>,
}

impl Marks {
    fn touch(&mut self, id: QueueId, queue: &mut Queue) {
        if !queue.touched {
            queue.touched = true;
            self.touched.push(id);
        }
    }

    fn dirty(&mut self, id: QueueId, queue: &mut Queue) {
        if !queue.dirty {
            queue.dirty = true;
            self.dirty.push(id);
        }
    }
}

/// The contact-centre state machine. See the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broker {
    config: BrokerConfig,
    queues: BTreeMap<QueueId, Queue>,
    staff: HashMap<StaffId, Staff>,
    contacts: HashMap<ContactId, Contact>,
    /// `(expires_at, contact)` of every offer.
    offer_deadlines: BTreeSet<(Millis, ContactId)>,
    /// `(until, contact, staff)` of the cooldowns of *waiting* contacts.
    cooldown_deadlines: BTreeSet<(Millis, ContactId, StaffId)>,
    outputs: VecDeque<Output>,
    marks: Marks,
}

/// Removes a staff member's contribution from one queue's aggregates.
fn remove_contribution(queue: &mut Queue, id: StaffId, s: &Staff) {
    if s.presence != Presence::Available {
        return;
    }
    let channel = queue.channel;
    queue.available = queue.available.saturating_sub(1);
    queue.slots = queue.slots.saturating_sub(s.slots_for(channel));
    let free = s.free_for(channel);
    queue.free_slots = queue.free_slots.saturating_sub(free);
    if free > 0 {
        queue.free.remove(&(s.idle_since, id));
    }
}

/// Adds a staff member's contribution to one queue's aggregates; returns
/// whether they can take a contact of it now.
fn add_contribution(queue: &mut Queue, id: StaffId, s: &Staff) -> bool {
    if s.presence != Presence::Available {
        return false;
    }
    let channel = queue.channel;
    queue.available += 1;
    queue.slots += s.slots_for(channel);
    let free = s.free_for(channel);
    queue.free_slots += free;
    if free > 0 {
        queue.free.insert((s.idle_since, id));
    }
    free > 0
}

impl Broker {
    /// An empty broker: no queues, no staff, no contacts.
    pub fn new(config: BrokerConfig) -> Self {
        Self {
            config,
            queues: BTreeMap::new(),
            staff: HashMap::new(),
            contacts: HashMap::new(),
            offer_deadlines: BTreeSet::new(),
            cooldown_deadlines: BTreeSet::new(),
            outputs: VecDeque::new(),
            marks: Marks::default(),
        }
    }

    /// The configuration the broker was made with.
    pub fn config(&self) -> &BrokerConfig {
        &self.config
    }

    /// Applies one input at time `now`, then routes. On error nothing changed
    /// and no output was produced.
    pub fn handle_input(&mut self, now: Millis, input: Input) -> Result<(), BrokerError> {
        let result = match input {
            Input::DefineQueue { queue, channel } => self.define_queue(queue, channel),
            Input::SetOverflow { queue, overflow } => self.set_overflow(queue, overflow),
            Input::StaffOnline {
                staff,
                skills,
                chat_capacity,
                video_capacity,
            } => self.staff_online(now, staff, skills, chat_capacity, video_capacity),
            Input::SetPresence { staff, presence } => self.set_presence(now, staff, presence),
            Input::StaffDisconnected { staff } => self.staff_disconnected(now, staff),
            Input::ContactCreated {
                contact,
                queue,
                priority,
                arrived_at,
                front,
            } => self.contact_created(now, contact, queue, priority, arrived_at, front),
            Input::OfferAccepted { contact, staff } => self.offer_accepted(now, contact, staff),
            Input::OfferDeclined { contact, staff } => self.offer_declined(now, contact, staff),
            Input::Tick => {
                self.tick(now);
                Ok(())
            }
            Input::ContactLeft { contact } => self.contact_left(now, contact),
            Input::ConversationEnded { contact } => self.conversation_ended(now, contact),
            Input::Requeue { contact } => self.requeue(now, contact),
            Input::ContactClaimed { contact, staff } => self.contact_claimed(now, contact, staff),
            Input::MoveContact { contact, to } => self.move_contact(now, contact, to),
        };
        if result.is_ok() {
            self.route(now);
            self.note_unstaffed(now);
        }
        for id in self.marks.touched.drain(..) {
            if let Some(queue) = self.queues.get_mut(&id) {
                queue.touched = false;
            }
            self.outputs.push_back(Output::QueueChanged { queue: id });
        }
        result
    }

    /// Takes the oldest pending output, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// The earliest time at which an [`Input::Tick`] would change something:
    /// an offer expiry, the end of a cooldown of a waiting contact, or an
    /// overflow move. `None` if nothing is pending.
    pub fn poll_timeout(&self) -> Option<Millis> {
        let offer = self.offer_deadlines.first().map(|(t, _)| *t);
        let cooldown = self.cooldown_deadlines.first().map(|(t, _, _)| *t);
        [offer, cooldown, self.next_overflow()]
            .into_iter()
            .flatten()
            .min()
    }

    /// When the next waiting contact of an unstaffed queue with an overflow rule
    /// moves on. Only unstaffed queues with a rule are looked at (one pass over
    /// their waiting contacts; such queues are rare and short).
    fn next_overflow(&self) -> Option<Millis> {
        self.queues
            .values()
            .filter_map(|q| Some((q.overflow?, q.unstaffed_since?, q)))
            .flat_map(|(rule, since, q)| {
                q.waiting.iter().filter_map(move |key| {
                    let c = self.contacts.get(&key.contact)?;
                    Some(since.max(c.entered_at).saturating_add(rule.after_ms))
                })
            })
            .min()
    }

    // ----- read-only queries -------------------------------------------

    /// A snapshot of a live contact.
    pub fn contact(&self, c: ContactId) -> Option<ContactView> {
        let contact = self.contacts.get(&c)?;
        Some(ContactView {
            queue: contact.queue,
            channel: contact.channel,
            priority: contact.priority,
            arrived_at: contact.arrived_at,
            state: contact.state,
            requeued: contact.requeued,
        })
    }

    /// A snapshot of a staff member.
    pub fn staff(&self, s: StaffId) -> Option<StaffView> {
        let staff = self.staff.get(&s)?;
        Some(StaffView {
            presence: staff.presence,
            skills: staff.skills.clone(),
            chat_capacity: staff.chat_capacity,
            video_capacity: staff.video_capacity,
            chats: staff.chats,
            videos: staff.videos,
            offers: staff.chat_offers.saturating_add(staff.video_offers),
            idle_since: staff.idle_since,
        })
    }

    /// The place and estimated wait of a waiting contact (`None` if it is
    /// unknown or not waiting). Counts the contacts ahead: `O(position)`.
    pub fn position(&self, c: ContactId) -> Option<Position> {
        let contact = self.contacts.get(&c)?;
        if contact.state != ContactState::Waiting {
            return None;
        }
        let queue = self.queues.get(&contact.queue)?;
        let position = queue.waiting.range(..contact.key(c)).count() + 1;
        let aht = queue.average_handle_time(self.config.default_handle_time_ms);
        Some(Position {
            position,
            estimated_wait_ms: queue.estimate(position, aht),
        })
    }

    /// Every waiting contact of a queue with its position, in queue order, in
    /// one pass. Empty for an unknown queue.
    pub fn positions(&self, q: QueueId) -> Vec<(ContactId, Position)> {
        let Some(queue) = self.queues.get(&q) else {
            return Vec::new();
        };
        let aht = queue.average_handle_time(self.config.default_handle_time_ms);
        queue
            .waiting
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let position = i + 1;
                (
                    key.contact,
                    Position {
                        position,
                        estimated_wait_ms: queue.estimate(position, aht),
                    },
                )
            })
            .collect()
    }

    /// Live statistics of a queue (`None` if it is not defined).
    pub fn queue_stats(&self, q: QueueId, now: Millis) -> Option<QueueStats> {
        let queue = self.queues.get(&q)?;
        let aht = queue.average_handle_time(self.config.default_handle_time_ms);
        let waiting = queue.waiting.len();
        Some(QueueStats {
            channel: queue.channel,
            waiting,
            offered: queue.offered,
            assigned: queue.assigned,
            staff_available: queue.available,
            free_slots: queue.free_slots,
            longest_wait_ms: queue
                .by_arrival
                .first()
                .map_or(0, |(arrived, _)| now.saturating_sub(*arrived)),
            average_handle_time_ms: aht,
            typical_answer_ms: queue.typical_answer_time(),
            estimated_wait_ms: queue.estimate(waiting + 1, aht),
        })
    }

    /// The defined queues, ascending.
    pub fn queues(&self) -> impl Iterator<Item = QueueId> + '_ {
        self.queues.keys().copied()
    }

    /// The offers ringing for a staff member, with their expiry, oldest
    /// first.
    pub fn offers_for(&self, s: StaffId) -> Vec<(ContactId, Millis)> {
        let Some(staff) = self.staff.get(&s) else {
            return Vec::new();
        };
        staff
            .offers
            .iter()
            .filter_map(|c| match self.contacts.get(c)?.state {
                ContactState::Offered { expires_at, .. } => Some((*c, expires_at)),
                _ => None,
            })
            .collect()
    }

    /// Every staff member the broker knows (online or not), by id, with their snapshot.
    pub fn staff_list(&self) -> Vec<(StaffId, StaffView)> {
        let mut ids: Vec<StaffId> = self.staff.keys().copied().collect();
        ids.sort_unstable();
        ids.into_iter()
            .filter_map(|id| Some((id, self.staff(id)?)))
            .collect()
    }

    /// The contacts of a queue, waiting or offered, in arrival order.
    pub fn contacts_in(&self, q: QueueId) -> Vec<(ContactId, ContactView)> {
        let mut out: Vec<(ContactId, ContactView)> = self
            .contacts
            .iter()
            .filter(|(_, c)| c.queue == q && !matches!(c.state, ContactState::Assigned { .. }))
            .filter_map(|(id, _)| Some((*id, self.contact(*id)?)))
            .collect();
        out.sort_by_key(|(id, c)| (c.arrived_at, *id));
        out
    }

    /// The contacts a staff member holds, in the order they were accepted.
    pub fn contacts_of(&self, s: StaffId) -> Vec<ContactId> {
        self.staff
            .get(&s)
            .map(|s| s.held.clone())
            .unwrap_or_default()
    }

    // ----- input handlers (validate first, then mutate) ----------------

    fn define_queue(&mut self, id: QueueId, channel: Channel) -> Result<(), BrokerError> {
        match self.queues.get_mut(&id) {
            Some(queue) if queue.channel == channel => Ok(()),
            Some(queue) if !queue.is_empty() => Err(BrokerError::QueueNotEmpty {
                queue: id,
                channel: queue.channel,
            }),
            Some(queue) => {
                // Rebuild the staff aggregates for the new channel.
                queue.channel = channel;
                queue.available = 0;
                queue.slots = 0;
                queue.free_slots = 0;
                queue.free.clear();
                let members = std::mem::take(&mut queue.members);
                for member in &members {
                    if let Some(s) = self.staff.get(member) {
                        add_contribution(queue, *member, s);
                    }
                }
                queue.members = members;
                self.marks.touch(id, queue);
                Ok(())
            }
            None => {
                let mut queue = Queue::new(channel);
                self.marks.touch(id, &mut queue);
                self.queues.insert(id, queue);
                Ok(())
            }
        }
    }

    fn set_overflow(&mut self, id: QueueId, overflow: Option<Overflow>) -> Result<(), BrokerError> {
        let channel = self
            .queues
            .get(&id)
            .ok_or(BrokerError::UnknownQueue(id))?
            .channel;
        if let Some(rule) = overflow {
            let to = self
                .queues
                .get(&rule.to)
                .ok_or(BrokerError::UnknownQueue(rule.to))?;
            if rule.to == id || to.channel != channel {
                return Err(BrokerError::InvalidOverflow {
                    queue: id,
                    to: rule.to,
                });
            }
        }
        if let Some(queue) = self.queues.get_mut(&id) {
            queue.overflow = overflow;
            queue.unstaffed_since = None;
        }
        Ok(())
    }

    /// Keeps `unstaffed_since` of the queues with an overflow rule: set when the
    /// last Available member goes, cleared when one is back.
    fn note_unstaffed(&mut self, now: Millis) {
        for queue in self.queues.values_mut() {
            if queue.overflow.is_none() {
                continue;
            }
            if queue.available > 0 {
                queue.unstaffed_since = None;
            } else if queue.unstaffed_since.is_none() {
                queue.unstaffed_since = Some(now);
            }
        }
    }

    /// Moves the waiting contacts of unstaffed queues whose overflow time has come.
    fn overflow_due(&mut self, now: Millis) {
        let mut due: Vec<(ContactId, QueueId, QueueId)> = Vec::new();
        for (id, q) in &self.queues {
            let (Some(rule), Some(since)) = (q.overflow, q.unstaffed_since) else {
                continue;
            };
            for key in &q.waiting {
                if let Some(c) = self.contacts.get(&key.contact)
                    && since.max(c.entered_at).saturating_add(rule.after_ms) <= now
                {
                    due.push((key.contact, *id, rule.to));
                }
            }
        }
        for (contact, from, to) in due {
            self.dequeue(contact);
            if let Some(c) = self.contacts.get_mut(&contact) {
                c.queue = to;
                c.entered_at = now;
            }
            self.outputs
                .push_back(Output::Overflowed { contact, from, to });
            self.enqueue(now, contact);
        }
    }

    fn move_contact(
        &mut self,
        now: Millis,
        contact: ContactId,
        to: QueueId,
    ) -> Result<(), BrokerError> {
        let c = self
            .contacts
            .get(&contact)
            .ok_or(BrokerError::UnknownContact(contact))?;
        if c.state != ContactState::Waiting {
            return Err(BrokerError::InvalidState {
                contact,
                expected: ContactStatus::Waiting,
                actual: c.state.status(),
            });
        }
        let target = self.queues.get(&to).ok_or(BrokerError::UnknownQueue(to))?;
        if to == c.queue || target.channel != c.channel {
            return Err(BrokerError::InvalidMove { contact, to });
        }
        // Checked: the same steps as an overflow move.
        let from = c.queue;
        self.dequeue(contact);
        if let Some(c) = self.contacts.get_mut(&contact) {
            c.queue = to;
            c.entered_at = now;
        }
        self.outputs.push_back(Output::Moved { contact, from, to });
        self.enqueue(now, contact);
        Ok(())
    }

    fn staff_online(
        &mut self,
        now: Millis,
        id: StaffId,
        mut skills: Vec<QueueId>,
        chat_capacity: u8,
        video_capacity: u8,
    ) -> Result<(), BrokerError> {
        if let Some(unknown) = skills.iter().find(|q| !self.queues.contains_key(q)) {
            return Err(BrokerError::UnknownQueue(*unknown));
        }
        skills.sort_unstable();
        skills.dedup();
        let old_skills = match self.staff.get(&id) {
            Some(s) => s.skills.clone(),
            None => Vec::new(),
        };
        for q in old_skills
            .iter()
            .filter(|q| skills.binary_search(q).is_err())
        {
            if let Some(queue) = self.queues.get_mut(q) {
                queue.members.remove(&id);
            }
        }
        for q in &skills {
            if let Some(queue) = self.queues.get_mut(q) {
                queue.members.insert(id);
            }
        }
        let came_online = match self.staff.entry(id) {
            Entry::Vacant(slot) => {
                slot.insert(Staff::new(skills, chat_capacity, video_capacity, now));
                true
            }
            Entry::Occupied(_) => self
                .update_staff(id, |s| {
                    s.skills = skills;
                    s.chat_capacity = chat_capacity;
                    s.video_capacity = video_capacity;
                    let was_offline = s.presence == Presence::Offline;
                    if was_offline {
                        s.presence = Presence::Away;
                    }
                    was_offline
                })
                .unwrap_or(false),
        };
        if came_online {
            self.outputs.push_back(Output::PresenceChanged {
                staff: id,
                presence: Presence::Away,
                reason: PresenceReason::Connected,
            });
        }
        Ok(())
    }

    fn set_presence(
        &mut self,
        now: Millis,
        id: StaffId,
        presence: Presence,
    ) -> Result<(), BrokerError> {
        let staff = self.staff.get(&id).ok_or(BrokerError::UnknownStaff(id))?;
        if staff.presence != presence {
            self.change_presence(now, id, presence, PresenceReason::Requested);
        }
        Ok(())
    }

    fn staff_disconnected(&mut self, now: Millis, id: StaffId) -> Result<(), BrokerError> {
        let staff = self.staff.get(&id).ok_or(BrokerError::UnknownStaff(id))?;
        let offers = staff.offers.clone();
        let held = staff.held.clone();
        if staff.presence != Presence::Offline {
            self.change_presence(now, id, Presence::Offline, PresenceReason::Disconnected);
        }
        for contact in offers {
            if self
                .revoke_offer(now, contact, RevokeReason::StaffLeft)
                .is_some()
            {
                self.enqueue(now, contact);
            }
        }
        for contact in held {
            if self.release_held(now, contact).is_some() {
                if let Some(c) = self.contacts.get_mut(&contact) {
                    c.requeued = true;
                }
                self.outputs
                    .push_back(Output::Requeued { contact, staff: id });
                self.enqueue(now, contact);
            }
        }
        Ok(())
    }

    fn contact_created(
        &mut self,
        now: Millis,
        id: ContactId,
        queue: QueueId,
        priority: u8,
        arrived_at: Millis,
        front: bool,
    ) -> Result<(), BrokerError> {
        if self.contacts.contains_key(&id) {
            return Err(BrokerError::DuplicateContact(id));
        }
        let channel = self
            .queues
            .get(&queue)
            .ok_or(BrokerError::UnknownQueue(queue))?
            .channel;
        self.contacts.insert(
            id,
            Contact {
                queue,
                channel,
                priority,
                arrived_at,
                entered_at: now,
                requeued: front,
                state: ContactState::Waiting,
                cooldown: Vec::new(),
            },
        );
        self.enqueue(now, id);
        Ok(())
    }

    /// Checks that `contact` is offered to `staff`; returns its expiry.
    fn check_offer(&self, contact: ContactId, staff: StaffId) -> Result<Millis, BrokerError> {
        if !self.staff.contains_key(&staff) {
            return Err(BrokerError::UnknownStaff(staff));
        }
        let c = self
            .contacts
            .get(&contact)
            .ok_or(BrokerError::UnknownContact(contact))?;
        match c.state {
            ContactState::Offered {
                staff: to,
                expires_at,
            } if to == staff => Ok(expires_at),
            _ => Err(BrokerError::NotOfferedTo { contact, staff }),
        }
    }

    fn offer_accepted(
        &mut self,
        now: Millis,
        contact: ContactId,
        staff: StaffId,
    ) -> Result<(), BrokerError> {
        let expires_at = self.check_offer(contact, staff)?;
        if now >= expires_at {
            return Err(BrokerError::OfferExpired {
                contact,
                staff,
                expired_at: expires_at,
            });
        }
        self.offer_deadlines.remove(&(expires_at, contact));
        let Some(c) = self.contacts.get_mut(&contact) else {
            return Ok(());
        };
        c.state = ContactState::Assigned { staff, since: now };
        let channel = c.channel;
        let queue_id = c.queue;
        // Only a first answer counts towards "usually answered within".
        let answered = (!c.requeued).then(|| now.saturating_sub(c.arrived_at));
        let window = self.config.handle_time_window;
        if let Some(queue) = self.queues.get_mut(&queue_id) {
            if let Some(wait) = answered {
                queue.record_answer_time(wait, window);
            }
            queue.offered = queue.offered.saturating_sub(1);
            queue.assigned += 1;
            self.marks.touch(queue_id, queue);
        }
        self.update_staff(staff, |s| {
            s.remove_offer(contact, channel);
            s.add_held(contact, channel);
            s.idle_since = now;
        });
        self.outputs.push_back(Output::Assigned { contact, staff });
        Ok(())
    }

    fn offer_declined(
        &mut self,
        now: Millis,
        contact: ContactId,
        staff: StaffId,
    ) -> Result<(), BrokerError> {
        self.check_offer(contact, staff)?;
        if self
            .revoke_offer(now, contact, RevokeReason::Declined)
            .is_some()
        {
            self.add_cooldown(now, contact, staff);
            self.enqueue(now, contact);
        }
        Ok(())
    }

    fn tick(&mut self, now: Millis) {
        self.overflow_due(now);
        while let Some(&(expires_at, contact)) = self.offer_deadlines.first() {
            if expires_at > now {
                break;
            }
            self.offer_deadlines.pop_first();
            let Some(staff) = self.revoke_offer(now, contact, RevokeReason::TimedOut) else {
                continue;
            };
            if self
                .staff
                .get(&staff)
                .is_some_and(|s| s.presence == Presence::Available)
            {
                self.change_presence(now, staff, Presence::Away, PresenceReason::MissedOffer);
            }
            self.add_cooldown(now, contact, staff);
            self.enqueue(now, contact);
        }
        while let Some(&(until, contact, staff)) = self.cooldown_deadlines.first() {
            if until > now {
                break;
            }
            self.cooldown_deadlines.pop_first();
            if let Some(c) = self.contacts.get_mut(&contact) {
                c.cooldown.retain(|(s, _)| *s != staff);
                if let Some(queue) = self.queues.get_mut(&c.queue) {
                    self.marks.dirty(c.queue, queue);
                }
            }
        }
    }

    fn contact_left(&mut self, now: Millis, contact: ContactId) -> Result<(), BrokerError> {
        let c = self
            .contacts
            .get(&contact)
            .ok_or(BrokerError::UnknownContact(contact))?;
        let waited_ms = now.saturating_sub(c.arrived_at);
        match c.state {
            ContactState::Waiting => {
                let position = self.position(contact).map(|p| p.position);
                self.dequeue(contact);
                self.forget(contact);
                self.outputs.push_back(Output::Abandoned {
                    contact,
                    position,
                    waited_ms,
                });
            }
            ContactState::Offered { .. } => {
                self.revoke_offer(now, contact, RevokeReason::ContactLeft);
                self.forget(contact);
                self.outputs.push_back(Output::Abandoned {
                    contact,
                    position: None,
                    waited_ms,
                });
            }
            ContactState::Assigned { .. } => self.finish(now, contact),
        }
        Ok(())
    }

    /// Checks that `contact` is assigned.
    fn check_assigned(&self, contact: ContactId) -> Result<(), BrokerError> {
        let c = self
            .contacts
            .get(&contact)
            .ok_or(BrokerError::UnknownContact(contact))?;
        match c.state {
            ContactState::Assigned { .. } => Ok(()),
            other => Err(BrokerError::InvalidState {
                contact,
                expected: ContactStatus::Assigned,
                actual: other.status(),
            }),
        }
    }

    fn conversation_ended(&mut self, now: Millis, contact: ContactId) -> Result<(), BrokerError> {
        self.check_assigned(contact)?;
        self.finish(now, contact);
        Ok(())
    }

    fn requeue(&mut self, now: Millis, contact: ContactId) -> Result<(), BrokerError> {
        self.check_assigned(contact)?;
        if let Some((staff, _)) = self.release_held(now, contact) {
            if let Some(c) = self.contacts.get_mut(&contact) {
                c.requeued = true;
            }
            self.add_cooldown(now, contact, staff);
            self.outputs.push_back(Output::Requeued { contact, staff });
            self.enqueue(now, contact);
        }
        Ok(())
    }

    fn contact_claimed(
        &mut self,
        now: Millis,
        contact: ContactId,
        staff: StaffId,
    ) -> Result<(), BrokerError> {
        let s = self
            .staff
            .get(&staff)
            .ok_or(BrokerError::UnknownStaff(staff))?;
        let c = self
            .contacts
            .get(&contact)
            .ok_or(BrokerError::UnknownContact(contact))?;
        if c.state != ContactState::Waiting {
            return Err(BrokerError::InvalidState {
                contact,
                expected: ContactStatus::Waiting,
                actual: c.state.status(),
            });
        }
        if s.presence == Presence::Offline {
            return Err(BrokerError::StaffOffline(staff));
        }
        if s.skills.binary_search(&c.queue).is_err() {
            return Err(BrokerError::NotSkilled {
                staff,
                queue: c.queue,
            });
        }
        let channel = c.channel;
        if s.free_for(channel) == 0 {
            return Err(BrokerError::NoCapacity { staff, channel });
        }
        // Checked: take it out of the queue and give it to them, as an accepted offer.
        self.dequeue(contact);
        let Some(c) = self.contacts.get_mut(&contact) else {
            return Ok(());
        };
        c.state = ContactState::Assigned { staff, since: now };
        let queue_id = c.queue;
        let answered = (!c.requeued).then(|| now.saturating_sub(c.arrived_at));
        let window = self.config.handle_time_window;
        if let Some(queue) = self.queues.get_mut(&queue_id) {
            if let Some(wait) = answered {
                queue.record_answer_time(wait, window);
            }
            queue.assigned += 1;
            self.marks.touch(queue_id, queue);
        }
        self.update_staff(staff, |s| {
            s.add_held(contact, channel);
            s.idle_since = now;
        });
        self.outputs.push_back(Output::Assigned { contact, staff });
        Ok(())
    }

    // ----- mutation helpers (no validation; callers checked) -----------

    /// Applies `f` to a staff member, keeping the per-queue aggregates and
    /// free-staff indexes in step. Queues where they can now take a contact
    /// are marked for routing.
    fn update_staff<R>(&mut self, id: StaffId, f: impl FnOnce(&mut Staff) -> R) -> Option<R> {
        let Broker {
            staff,
            queues,
            marks,
            ..
        } = self;
        let s = staff.get_mut(&id)?;
        for q in &s.skills {
            if let Some(queue) = queues.get_mut(q) {
                remove_contribution(queue, id, s);
                marks.touch(*q, queue);
            }
        }
        let result = f(s);
        for q in &s.skills {
            if let Some(queue) = queues.get_mut(q) {
                if add_contribution(queue, id, s) {
                    marks.dirty(*q, queue);
                }
                marks.touch(*q, queue);
            }
        }
        Some(result)
    }

    fn change_presence(
        &mut self,
        now: Millis,
        id: StaffId,
        presence: Presence,
        reason: PresenceReason,
    ) {
        self.update_staff(id, |s| {
            s.presence = presence;
            if presence == Presence::Available {
                s.idle_since = now;
            }
        });
        self.outputs.push_back(Output::PresenceChanged {
            staff: id,
            presence,
            reason,
        });
    }

    /// Puts a contact (not in the waiting set) into its queue's waiting set.
    /// Expired cooldowns are dropped; the others get deadlines.
    fn enqueue(&mut self, now: Millis, id: ContactId) {
        let Some(c) = self.contacts.get_mut(&id) else {
            return;
        };
        c.state = ContactState::Waiting;
        c.cooldown.retain(|(_, until)| *until > now);
        for (staff, until) in &c.cooldown {
            self.cooldown_deadlines.insert((*until, id, *staff));
        }
        let key = c.key(id);
        let arrived_at = c.arrived_at;
        let queue_id = c.queue;
        if let Some(queue) = self.queues.get_mut(&queue_id) {
            queue.waiting.insert(key);
            queue.by_arrival.insert((arrived_at, id));
            self.marks.dirty(queue_id, queue);
            self.marks.touch(queue_id, queue);
        }
    }

    /// Takes a waiting contact out of its queue's waiting set.
    fn dequeue(&mut self, id: ContactId) {
        let Some(c) = self.contacts.get(&id) else {
            return;
        };
        for (staff, until) in &c.cooldown {
            self.cooldown_deadlines.remove(&(*until, id, *staff));
        }
        if let Some(queue) = self.queues.get_mut(&c.queue) {
            queue.waiting.remove(&c.key(id));
            queue.by_arrival.remove(&(c.arrived_at, id));
            self.marks.touch(c.queue, queue);
        }
    }

    /// Forgets a contact that is not in the waiting set.
    fn forget(&mut self, id: ContactId) {
        self.contacts.remove(&id);
    }

    /// Skips `staff` for `contact` (not waiting) until `now + retry_cooldown_ms`.
    fn add_cooldown(&mut self, now: Millis, contact: ContactId, staff: StaffId) {
        let until = now.saturating_add(self.config.retry_cooldown_ms);
        if let Some(c) = self.contacts.get_mut(&contact) {
            match c.cooldown.iter_mut().find(|(s, _)| *s == staff) {
                Some(entry) => entry.1 = until,
                None => c.cooldown.push((staff, until)),
            }
        }
    }

    /// Withdraws the offer of `contact`, freeing the staff member's slot. The
    /// contact is left out of the waiting set; the caller enqueues or forgets
    /// it. Returns the staff member it was offered to.
    fn revoke_offer(
        &mut self,
        now: Millis,
        contact: ContactId,
        reason: RevokeReason,
    ) -> Option<StaffId> {
        let c = self.contacts.get_mut(&contact)?;
        let ContactState::Offered { staff, expires_at } = c.state else {
            return None;
        };
        c.state = ContactState::Waiting;
        let channel = c.channel;
        let queue_id = c.queue;
        self.offer_deadlines.remove(&(expires_at, contact));
        if let Some(queue) = self.queues.get_mut(&queue_id) {
            queue.offered = queue.offered.saturating_sub(1);
            self.marks.touch(queue_id, queue);
        }
        self.update_staff(staff, |s| {
            s.remove_offer(contact, channel);
            s.idle_since = now;
        });
        self.outputs.push_back(Output::OfferRevoked {
            contact,
            staff,
            reason,
        });
        Some(staff)
    }

    /// Takes an assigned contact away from its staff member, freeing the
    /// slot. The contact is left out of the waiting set; the caller enqueues
    /// or forgets it. Returns the staff member and when they accepted it.
    fn release_held(&mut self, now: Millis, contact: ContactId) -> Option<(StaffId, Millis)> {
        let c = self.contacts.get_mut(&contact)?;
        let ContactState::Assigned { staff, since } = c.state else {
            return None;
        };
        c.state = ContactState::Waiting;
        let channel = c.channel;
        let queue_id = c.queue;
        if let Some(queue) = self.queues.get_mut(&queue_id) {
            queue.assigned = queue.assigned.saturating_sub(1);
            self.marks.touch(queue_id, queue);
        }
        self.update_staff(staff, |s| {
            s.remove_held(contact, channel);
            s.idle_since = now;
        });
        Some((staff, since))
    }

    /// Ends an assigned contact: frees the slot, records the handle time and
    /// forgets the contact.
    fn finish(&mut self, now: Millis, contact: ContactId) {
        let Some((staff, since)) = self.release_held(now, contact) else {
            return;
        };
        let window = self.config.handle_time_window;
        let queue_id = self.contacts.get(&contact).map(|c| c.queue);
        if let Some(queue) = queue_id.and_then(|q| self.queues.get_mut(&q)) {
            queue.record_handle_time(now.saturating_sub(since), window);
        }
        self.forget(contact);
        self.outputs.push_back(Output::Ended {
            contact,
            staff: Some(staff),
        });
    }

    /// Offers a waiting contact to a staff member.
    fn make_offer(&mut self, now: Millis, contact: ContactId, staff: StaffId) {
        self.dequeue(contact);
        let expires_at = now.saturating_add(self.config.offer_timeout_ms);
        let Some(c) = self.contacts.get_mut(&contact) else {
            return;
        };
        c.state = ContactState::Offered { staff, expires_at };
        let channel = c.channel;
        let queue_id = c.queue;
        self.offer_deadlines.insert((expires_at, contact));
        if let Some(queue) = self.queues.get_mut(&queue_id) {
            queue.offered += 1;
        }
        self.update_staff(staff, |s| s.add_offer(contact, channel));
        self.outputs.push_back(Output::Offer {
            contact,
            staff,
            expires_at,
        });
    }

    // ----- routing ------------------------------------------------------

    /// The first waiting contact of `q` (in queue order) that some free
    /// staff member may take, with the longest-idle such staff member.
    ///
    /// A contact is skipped only if every free staff member of the queue is
    /// in its cooldown, so the scan is bounded by the cooldowns in force.
    fn candidate(&self, q: QueueId) -> Option<(WaitKey, StaffId)> {
        let queue = self.queues.get(&q)?;
        if queue.free.is_empty() {
            return None;
        }
        for key in &queue.waiting {
            let Some(c) = self.contacts.get(&key.contact) else {
                continue;
            };
            if let Some((_, staff)) = queue.free.iter().find(|(_, s)| !c.in_cooldown(*s)) {
                return Some((*key, *staff));
            }
        }
        None
    }

    /// Greedy matching over the queues marked dirty: repeatedly offers the
    /// best routable contact (by [`WaitKey`], across queues) to its
    /// longest-idle eligible staff member, until no pair is left.
    fn route(&mut self, now: Millis) {
        let mut candidates: Vec<(QueueId, WaitKey, StaffId)> = Vec::new();
        loop {
            while let Some(q) = self.marks.dirty.pop() {
                if let Some(queue) = self.queues.get_mut(&q) {
                    queue.dirty = false;
                }
                candidates.retain(|(cq, _, _)| *cq != q);
                if let Some((key, staff)) = self.candidate(q) {
                    candidates.push((q, key, staff));
                }
            }
            let Some(best) = candidates
                .iter()
                .enumerate()
                .min_by_key(|(_, (_, key, _))| *key)
                .map(|(i, _)| i)
            else {
                break;
            };
            let (q, key, staff) = candidates.swap_remove(best);
            self.make_offer(now, key.contact, staff);
            // The chosen queue moves on; other queues that counted on this
            // staff member must look again (they may be full now).
            for id in std::iter::once(q).chain(
                candidates
                    .iter()
                    .filter(|(_, _, s)| *s == staff)
                    .map(|(cq, _, _)| *cq),
            ) {
                if let Some(queue) = self.queues.get_mut(&id) {
                    self.marks.dirty(id, queue);
                }
            }
        }
    }
}
