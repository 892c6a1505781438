//! Per-staff bookkeeping and the slot arithmetic (capacity and video
//! exclusivity).

use super::types::{Channel, ContactId, Millis, Presence, QueueId};

/// One staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Staff {
    pub(super) presence: Presence,
    /// Sorted, deduplicated, all defined queues.
    pub(super) skills: Vec<QueueId>,
    pub(super) chat_capacity: u8,
    pub(super) video_capacity: u8,
    pub(super) chats: u8,
    pub(super) videos: u8,
    pub(super) chat_offers: u8,
    pub(super) video_offers: u8,
    pub(super) idle_since: Millis,
    /// Contacts held, in the order they were accepted.
    pub(super) held: Vec<ContactId>,
    /// Contacts offered, in the order they were offered.
    pub(super) offers: Vec<ContactId>,
}

impl Staff {
    pub(super) fn new(
        skills: Vec<QueueId>,
        chat_capacity: u8,
        video_capacity: u8,
        now: Millis,
    ) -> Self {
        Self {
            presence: Presence::Away,
            skills,
            chat_capacity,
            video_capacity,
            chats: 0,
            videos: 0,
            chat_offers: 0,
            video_offers: 0,
            idle_since: now,
            held: Vec::new(),
            offers: Vec::new(),
        }
    }

    fn chat_load(&self) -> u8 {
        self.chats.saturating_add(self.chat_offers)
    }

    fn video_load(&self) -> u8 {
        self.videos.saturating_add(self.video_offers)
    }

    /// Slots of `channel` this staff member contributes to the estimate
    /// (`chat_capacity`, or 1 for video if `video_capacity > 0`: exclusivity
    /// means at most one call at a time).
    pub(super) fn slots_for(&self, channel: Channel) -> usize {
        match channel {
            Channel::Chat => usize::from(self.chat_capacity),
            Channel::Video => usize::from(self.video_capacity.min(1)),
        }
    }

    /// How many more contacts of `channel` could be offered right now,
    /// ignoring presence. Chats: the unused chat capacity unless a video is
    /// held or offered. Video: one if nothing at all is held or offered.
    pub(super) fn free_for(&self, channel: Channel) -> usize {
        match channel {
            Channel::Chat => {
                if self.video_load() > 0 {
                    0
                } else {
                    usize::from(self.chat_capacity.saturating_sub(self.chat_load()))
                }
            }
            Channel::Video => {
                if self.video_capacity == 0 || self.chat_load() > 0 || self.video_load() > 0 {
                    0
                } else {
                    1
                }
            }
        }
    }

    /// Adds a pending offer of `channel`.
    pub(super) fn add_offer(&mut self, contact: ContactId, channel: Channel) {
        self.offers.push(contact);
        match channel {
            Channel::Chat => self.chat_offers = self.chat_offers.saturating_add(1),
            Channel::Video => self.video_offers = self.video_offers.saturating_add(1),
        }
    }

    /// Removes a pending offer of `channel`.
    pub(super) fn remove_offer(&mut self, contact: ContactId, channel: Channel) {
        if let Some(i) = self.offers.iter().position(|c| *c == contact) {
            self.offers.remove(i);
            match channel {
                Channel::Chat => self.chat_offers = self.chat_offers.saturating_sub(1),
                Channel::Video => self.video_offers = self.video_offers.saturating_sub(1),
            }
        }
    }

    /// Starts holding a contact of `channel`.
    pub(super) fn add_held(&mut self, contact: ContactId, channel: Channel) {
        self.held.push(contact);
        match channel {
            Channel::Chat => self.chats = self.chats.saturating_add(1),
            Channel::Video => self.videos = self.videos.saturating_add(1),
        }
    }

    /// Stops holding a contact of `channel`.
    pub(super) fn remove_held(&mut self, contact: ContactId, channel: Channel) {
        if let Some(i) = self.held.iter().position(|c| *c == contact) {
            self.held.remove(i);
            match channel {
                Channel::Chat => self.chats = self.chats.saturating_sub(1),
                Channel::Video => self.videos = self.videos.saturating_sub(1),
            }
        }
    }
}
