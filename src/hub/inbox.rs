//! The inbox intents: asynchronous work ("berichten"), beside the live queues and
//! apart from the broker.
//!
//! A left message (and, later, a WhatsApp or e-mail message) is not a live contact:
//! nobody is waiting on a page, so it is never offered, has no offer timeout, takes no
//! chat capacity and is not requeued when a connection drops. It is stored as an
//! [`InboxItem`] (see `store/inbox.rs`) and waits in one shared list for every staff
//! member with its queue's skill (supervisors see every queue), oldest first. Anyone of
//! them picks it up; the one who did answers it the way the resident chose: written (the
//! resident reads it with their link), by e-mail through the relay ([`crate::mail`]), or
//! by calling back (with a note). An e-mail answer is kept before it is sent and marked
//! failed when the relay does not take it, so no answer is ever lost.
//!
//! Every intake channel calls [`Hub::inbox_submit`]; nothing here knows about the form.

use super::{Hub, HubError};
use crate::config::MailSettings;
use crate::i18n::{Lang, T};
use crate::store::{
    AnswerHow, InboxItem, InboxState, NewInboxItem, Queues, Reach, SendState, User,
};

/// How many answered items the list shows after the open ones.
pub const ANSWERED_SHOWN: i64 = 20;

/// The outcome of a pick-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickUp {
    /// It is theirs now (or was already).
    Mine,
    /// Someone else had picked it up, or it was answered: nothing changed.
    Taken,
}

/// An answer as a staff member gives it.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub how: AnswerHow,
    /// The written answer, the e-mail's text, or the note of the call.
    pub body: &'a str,
}

/// The outcome of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    /// Stored (and for an e-mail: accepted by the relay); the item is answered.
    Done,
    /// The e-mail was kept but the relay did not take it (the reason); it can be sent
    /// again.
    SendFailed(String),
    /// Not theirs (not picked up by them), already answered, or an answer that does not
    /// fit (an e-mail without a relay or to a resident without an address).
    Refused,
}

impl InboxItem {
    /// The reference a resident quotes: `B-` and the number, grouped for reading aloud.
    pub fn reference(&self) -> String {
        reference(self.id)
    }

    /// Open: new or picked up (an e-mail answer that failed is still open).
    pub fn is_open(&self) -> bool {
        self.state != InboxState::Answered
    }

    /// An e-mail answer of this item was refused by the relay (kept, not sent).
    pub fn send_failed(&self) -> bool {
        self.send_state == Some(SendState::Failed)
    }
}

/// `B-000-123`: the reference of item `id`.
pub fn reference(id: i64) -> String {
    let digits = format!("{id:06}");
    let (a, b) = digits.split_at(digits.len() - 3);
    format!("B-{a}-{b}")
}

impl Hub {
    /// Takes in a new item of asynchronous work (from any channel); returns it with the
    /// resident's capability token. It goes to the inbox, never to a live queue.
    pub async fn inbox_submit(
        &self,
        new: &NewInboxItem<'_>,
    ) -> Result<(InboxItem, String), HubError> {
        let body = self.inner.settings.redact.mask(new.body);
        let masked = NewInboxItem {
            body: body.as_ref(),
            ..new.clone()
        };
        let (item, token) = self.inner.store.create_inbox_item(&masked).await?;
        tracing::info!(item = item.id, channel = ?item.channel, queue = item.queue_id, "message left");
        Ok((item, token))
    }

    /// The queues whose items `user` works on: their skills; supervisors every queue.
    async fn inbox_queues(&self, user: &User) -> Result<Option<Vec<i64>>, HubError> {
        if user.role.supervises() {
            return Ok(None);
        }
        Ok(Some(self.inner.store.user_skills(user.id).await?))
    }

    /// The shared list for `user`: open items of their queues oldest first, then the
    /// most recently answered ones.
    pub async fn inbox(&self, user: &User) -> Result<Vec<InboxItem>, HubError> {
        let queues = self.inbox_queues(user).await?;
        let queues = match &queues {
            None => Queues::All,
            Some(ids) => Queues::Only(ids),
        };
        Ok(self.inner.store.inbox_list(queues, ANSWERED_SHOWN).await?)
    }

    /// One item, when it is in `user`'s list (else `None`: to them it does not exist).
    pub async fn inbox_item(&self, user: &User, id: i64) -> Result<Option<InboxItem>, HubError> {
        let Some(item) = self.inner.store.inbox_item(id).await? else {
            return Ok(None);
        };
        Ok(match self.inbox_queues(user).await? {
            Some(ids) if !ids.contains(&item.queue_id) => None,
            _ => Some(item),
        })
    }

    /// `user` picks up item `id` (it must be in their list).
    pub async fn inbox_pick_up(&self, user: &User, id: i64) -> Result<Option<PickUp>, HubError> {
        let Some(item) = self.inbox_item(user, id).await? else {
            return Ok(None);
        };
        if item.state == InboxState::PickedUp && item.picked_by == Some(user.id) {
            return Ok(Some(PickUp::Mine));
        }
        if self.inner.store.inbox_pick_up(id, user.id).await? {
            tracing::info!(item = id, staff = user.id, "message picked up");
            Ok(Some(PickUp::Mine))
        } else {
            Ok(Some(PickUp::Taken))
        }
    }

    /// The staff member who picked up item `id` answers it. An e-mail answer goes out
    /// through `mail` (the relay of `[mail]`); it is stored first, so a failed send keeps
    /// it. A written answer is possible for every item (the resident can read it with
    /// their link); an e-mail only to an address, a call back only to a phone number.
    pub async fn inbox_answer(
        &self,
        user: &User,
        id: i64,
        answer: Answer<'_>,
        mail: Option<&MailSettings>,
    ) -> Result<Option<Answered>, HubError> {
        let Some(item) = self.inbox_item(user, id).await? else {
            return Ok(None);
        };
        let body = self.inner.settings.redact.mask(answer.body);
        let answer = Answer {
            how: answer.how,
            body: body.as_ref(),
        };
        let store = &self.inner.store;
        let fits = answer.how == AnswerHow::Written || answer.how == item.reach.answer_how();
        if !fits || item.picked_by != Some(user.id) {
            return Ok(Some(Answered::Refused));
        }
        if answer.how != AnswerHow::Email {
            let done = store
                .inbox_answer(id, user.id, answer.how, answer.body)
                .await?;
            if done {
                tracing::info!(item = id, staff = user.id, how = ?answer.how, "message answered");
            }
            return Ok(Some(if done {
                Answered::Done
            } else {
                Answered::Refused
            }));
        }
        let (Some(mail), Reach::Email) = (mail, item.reach) else {
            return Ok(Some(Answered::Refused));
        };
        let t = T::new(Lang::parse(&item.lang).unwrap_or_default());
        let subject = t.f("message.mail_subject", &[("reference", &item.reference())]);
        if !store
            .inbox_keep_email(id, user.id, &subject, answer.body)
            .await?
        {
            return Ok(Some(Answered::Refused));
        }
        let outgoing = crate::mail::Outgoing {
            to: &item.reach_value,
            subject: &subject,
            body: answer.body,
        };
        match crate::mail::send(mail, &outgoing).await {
            Ok(()) => {
                store.inbox_email_sent(id).await?;
                tracing::info!(item = id, staff = user.id, "message answered by e-mail");
                Ok(Some(Answered::Done))
            }
            Err(e) => {
                let reason = e.to_string();
                // The relay's answer often names the address: not in the log.
                tracing::warn!(
                    item = id,
                    error = %crate::mail::without_addresses(&reason),
                    "e-mail answer not sent; kept"
                );
                store.inbox_email_failed(id, &reason).await?;
                Ok(Some(Answered::SendFailed(reason)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_aloud() {
        assert_eq!(reference(123), "B-000-123");
        assert_eq!(reference(1234567), "B-1234-567");
    }
}
