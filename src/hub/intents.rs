//! What staff ask of the contact centre, in their own words: go available or away,
//! accept or decline an offer, and what is on their desk right now.
//!
//! Pages and live connections call these; they never build broker inputs or read the
//! broker themselves. Each intent turns into one broker input (carried out by the driver
//! like any other) or one read of the broker's state, and answers in the web's terms:
//! conversation ids, "the offer is gone", "not yours".

use super::{EndedBy, Hub, HubError, Work};
use crate::broker::{
    BrokerError, ContactId, Input, Millis, Presence, QueueId, QueueStats, StaffId,
};
use crate::store::User;

/// What a staff member has in hand: for the console page and a new console connection.
#[derive(Debug, Clone, Default)]
pub struct Desk {
    /// Available for new contacts (else away, or not registered yet).
    pub available: bool,
    /// Chats they may hold at once.
    pub chat_capacity: u8,
    /// Offers waiting for their answer: the contact and when the offer expires.
    pub offers: Vec<(ContactId, Millis)>,
    /// The conversations they take part in (a call they joined through a request stands
    /// for that call's conversation), in the order they got them.
    pub conversations: Vec<i64>,
}

/// The answer to picking a waiting contact from the list ([`Hub::claim_contact`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// It is theirs now (the console opens its panel, as for an accepted offer).
    Taken,
    /// They hold (or are offered) as much as they can take.
    Full,
    /// Not a queue they serve.
    NotTheirs,
    /// No longer waiting: offered to or taken by someone else, or the resident left.
    Gone,
}

/// What an accepted offer opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// The conversation (for a request to join a call: that call's conversation).
    pub conversation: Option<i64>,
}

impl Hub {
    /// Registers the staff member (skills, capacity) and sets their presence.
    pub async fn set_presence(&self, user: &User, presence: Presence) -> Result<(), HubError> {
        self.staff_online(user).await?;
        tracing::info!(staff = user.id, ?presence, "presence");
        self.input(
            Input::SetPresence {
                staff: StaffId(user.id),
                presence,
            },
            EndedBy::System,
        )
        .await
    }

    /// Accepts an offer made to `staff`. [`HubError::OfferGone`] when it expired, went
    /// to someone else, or was never theirs.
    pub async fn accept_offer(&self, staff: i64, contact: ContactId) -> Result<Accepted, HubError> {
        let input = Input::OfferAccepted {
            contact,
            staff: StaffId(staff),
        };
        self.input(input, EndedBy::System)
            .await
            .map_err(offer_gone)?;
        Ok(Accepted {
            conversation: self.conversation_of(contact).await?,
        })
    }

    /// Declines an offer made to `staff` ([`HubError::OfferGone`] as for accepting).
    pub async fn decline_offer(&self, staff: i64, contact: ContactId) -> Result<(), HubError> {
        let input = Input::OfferDeclined {
            contact,
            staff: StaffId(staff),
        };
        self.input(input, EndedBy::System).await.map_err(offer_gone)
    }

    /// The staff member picks a waiting conversation from their queues' list, beside the
    /// offers: it is assigned to them at once if it still waits, they serve its queue
    /// and have room for it.
    pub async fn claim_contact(&self, user: &User, conversation: i64) -> Result<Claim, HubError> {
        // Only a resident's conversation is picked from the list (not a request to join
        // a call, which has a negative contact id).
        if !matches!(Work::of(ContactId(conversation)), Work::Conversation(_)) {
            return Ok(Claim::Gone);
        }
        self.staff_online(user).await?;
        let input = Input::ContactClaimed {
            contact: ContactId(conversation),
            staff: StaffId(user.id),
        };
        match self.input(input, EndedBy::System).await {
            Ok(()) => {
                tracing::info!(conversation, staff = user.id, "picked from the list");
                Ok(Claim::Taken)
            }
            Err(HubError::Broker(e)) => Ok(match e {
                BrokerError::NoCapacity { .. } => Claim::Full,
                BrokerError::NotSkilled { .. } => Claim::NotTheirs,
                _ => Claim::Gone,
            }),
            Err(e) => Err(e),
        }
    }

    /// The staff member's desk: presence, capacity, offers and conversations.
    pub async fn desk(&self, staff: i64) -> Result<Desk, HubError> {
        let id = StaffId(staff);
        let (view, offers, held) = self
            .query(move |b, _| (b.staff(id), b.offers_for(id), b.contacts_of(id)))
            .await?;
        let mut conversations = Vec::new();
        for contact in held {
            conversations.extend(self.conversation_of(contact).await?);
        }
        Ok(Desk {
            available: view
                .as_ref()
                .is_some_and(|v| v.presence == Presence::Available),
            chat_capacity: view.map(|v| v.chat_capacity).unwrap_or(0),
            offers,
            conversations,
        })
    }

    /// The offer of `contact` to `staff`, with when it expires, if it still stands.
    pub async fn offer_to(
        &self,
        staff: i64,
        contact: ContactId,
    ) -> Result<Option<(ContactId, Millis)>, HubError> {
        let id = StaffId(staff);
        let offers = self.query(move |b, _| b.offers_for(id)).await?;
        Ok(offers.into_iter().find(|(c, _)| *c == contact))
    }

    /// The first `limit` conversations waiting in `queue`, with their places (1 = next).
    pub async fn waiting_in(
        &self,
        queue: i64,
        limit: usize,
    ) -> Result<Vec<(Work, usize)>, HubError> {
        let id = QueueId(queue);
        self.query(move |b, _| {
            b.positions(id)
                .into_iter()
                .take(limit)
                .map(|(c, p)| (Work::of(c), p.position))
                .collect()
        })
        .await
    }

    /// The broker's figures of `queue` now (waiting, free places, estimates).
    pub async fn queue_stats(&self, queue: i64) -> Result<Option<QueueStats>, HubError> {
        self.query(move |b, at| b.queue_stats(QueueId(queue), at))
            .await
    }

    /// The conversation a broker contact stands for (a call request: its call).
    async fn conversation_of(&self, contact: ContactId) -> Result<Option<i64>, HubError> {
        Ok(match Work::of(contact) {
            Work::Conversation(id) => Some(id),
            Work::Request(r) => self
                .inner
                .store
                .call_request(r)
                .await?
                .map(|r| r.conversation_id),
        })
    }
}

/// The broker refusing an answer to an offer (unknown contact, not offered to them, no
/// longer offered) means the offer is no longer there; a stale click, not a fault.
fn offer_gone(e: HubError) -> HubError {
    match e {
        HubError::Broker(_) => HubError::OfferGone,
        other => other,
    }
}
