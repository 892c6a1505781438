//! Per-queue indexes: the ordered set of waiting contacts, the idle-ordered
//! set of staff who could take one right now, aggregates for statistics and
//! the recent handle times.

use std::cmp::Reverse;
use std::collections::{BTreeSet, VecDeque};

use super::types::{Channel, ContactId, Millis, Overflow, StaffId};

/// Sort key of a waiting contact: the smallest key is served first.
///
/// Field order is the routing order: priority descending, requeued first,
/// arrival ascending, contact id ascending (the derived `Ord` compares fields
/// in declaration order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct WaitKey {
    pub(super) priority: Reverse<u8>,
    /// `false` for requeued contacts, so they sort first.
    pub(super) fresh: bool,
    pub(super) arrived_at: Millis,
    pub(super) contact: ContactId,
}

impl WaitKey {
    pub(super) fn new(
        contact: ContactId,
        priority: u8,
        requeued: bool,
        arrived_at: Millis,
    ) -> Self {
        Self {
            priority: Reverse(priority),
            fresh: !requeued,
            arrived_at,
            contact,
        }
    }
}

/// One queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Queue {
    pub(super) channel: Channel,
    /// Waiting contacts in routing order.
    pub(super) waiting: BTreeSet<WaitKey>,
    /// Waiting contacts by arrival, for `longest_wait_ms`.
    pub(super) by_arrival: BTreeSet<(Millis, ContactId)>,
    /// Contacts of this queue currently offered.
    pub(super) offered: usize,
    /// Contacts of this queue currently assigned.
    pub(super) assigned: usize,
    /// Staff who have this queue as a skill (any presence).
    pub(super) members: BTreeSet<StaffId>,
    /// Available members with a free slot for `channel`, longest idle first.
    pub(super) free: BTreeSet<(Millis, StaffId)>,
    /// Available members.
    pub(super) available: usize,
    /// Sum of the channel capacity of Available members.
    pub(super) slots: usize,
    /// Sum of the free slots of Available members.
    pub(super) free_slots: usize,
    /// Recent handle times, oldest first.
    pub(super) handle_times: VecDeque<Millis>,
    /// Sum of `handle_times`.
    pub(super) handle_sum: u128,
    /// Recent waits from arrival to being answered (first accept), oldest first.
    pub(super) answer_times: VecDeque<Millis>,
    /// Where waiting contacts go while nobody serves this queue.
    pub(super) overflow: Option<Overflow>,
    /// Since when no member is Available (kept only for a queue with an overflow rule).
    pub(super) unstaffed_since: Option<Millis>,
    /// Needs a routing pass in the current `handle_input` call.
    pub(super) dirty: bool,
    /// A `QueueChanged` is due at the end of the current call.
    pub(super) touched: bool,
}

impl Queue {
    pub(super) fn new(channel: Channel) -> Self {
        Self {
            channel,
            waiting: BTreeSet::new(),
            by_arrival: BTreeSet::new(),
            offered: 0,
            assigned: 0,
            members: BTreeSet::new(),
            free: BTreeSet::new(),
            available: 0,
            slots: 0,
            free_slots: 0,
            handle_times: VecDeque::new(),
            handle_sum: 0,
            answer_times: VecDeque::new(),
            overflow: None,
            unstaffed_since: None,
            dirty: false,
            touched: false,
        }
    }

    /// No contact of this queue is live.
    pub(super) fn is_empty(&self) -> bool {
        self.waiting.is_empty() && self.offered == 0 && self.assigned == 0
    }

    /// Keeps the last `window` handle times.
    pub(super) fn record_handle_time(&mut self, ms: Millis, window: usize) {
        if window == 0 {
            return;
        }
        self.handle_times.push_back(ms);
        self.handle_sum += u128::from(ms);
        while self.handle_times.len() > window {
            if let Some(old) = self.handle_times.pop_front() {
                self.handle_sum -= u128::from(old);
            }
        }
    }

    /// Keeps the last `window` answer times (arrival to first accept).
    pub(super) fn record_answer_time(&mut self, ms: Millis, window: usize) {
        if window == 0 {
            return;
        }
        self.answer_times.push_back(ms);
        while self.answer_times.len() > window {
            self.answer_times.pop_front();
        }
    }

    /// Median of the recent answer times; `None` without history.
    pub(super) fn typical_answer_time(&self) -> Option<Millis> {
        let mut v: Vec<Millis> = self.answer_times.iter().copied().collect();
        v.sort_unstable();
        v.get(v.len() / 2).copied()
    }

    /// Mean of the recent handle times, or `default` without history.
    pub(super) fn average_handle_time(&self, default: Millis) -> Millis {
        match self.handle_times.len() {
            0 => default,
            n => Millis::try_from(self.handle_sum / n as u128).unwrap_or(Millis::MAX),
        }
    }

    /// Estimated wait of the contact at 1-based `position`.
    pub(super) fn estimate(&self, position: usize, aht: Millis) -> Option<Millis> {
        estimate_wait(position, self.slots, self.free_slots, aht)
    }
}

/// The estimate formula (see the module documentation):
/// `None` without slots, `0` if a free slot is there for this position,
/// otherwise `ceil(position / slots) * aht`.
pub(super) fn estimate_wait(
    position: usize,
    slots: usize,
    free_slots: usize,
    aht: Millis,
) -> Option<Millis> {
    if slots == 0 {
        return None;
    }
    if position <= free_slots {
        return Some(0);
    }
    let rounds = position.div_ceil(slots);
    Some(aht.saturating_mul(Millis::try_from(rounds).unwrap_or(Millis::MAX)))
}
