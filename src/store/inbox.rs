//! The inbox: asynchronous work ("berichten"), apart from the live queues.
//!
//! A message left when nobody could answer (channel `form`; later also WhatsApp and
//! e-mail intake) is an [`InboxItem`]. It waits for any staff member with its queue's
//! skill, oldest first; it is never offered, has no timeout and takes no chat capacity.
//! Its life: [`InboxState::New`] -> [`InboxState::PickedUp`] by one staff member (with the
//! time) -> [`InboxState::Answered`] with how ([`AnswerHow`]: a written answer the resident
//! reads with their link, an e-mail, or a call back with a note).
//!
//! An e-mail answer is kept *before* it is sent ([`Store::inbox_keep_email`] marks it
//! `sending`), and the outcome is recorded after: sent makes the item answered, a failure
//! keeps the answer with the relay's reason ([`SendState::Failed`]) so it can be sent again.
//! Every state change is one conditional UPDATE, so two staff members clicking at once
//! cannot both pick up, or both answer, the same item.
//!
//! The resident reaches their item through a capability token (stored hashed), like a
//! conversation.

use super::events::{EventKind, EventNote, log_message};
use super::{Store, StoreError, now_ms};
use crate::auth::{hash_token, random_token};

/// Where an item came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum InboxChannel {
    /// The leave-a-message form on the website or a kiosk.
    Form,
    /// A WhatsApp message (a later intake).
    Whatsapp,
    /// An e-mail to the organisation (a later intake).
    Email,
}

/// How the resident wants the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum Reach {
    /// By e-mail to `reach_value`.
    Email,
    /// A call to the phone number `reach_value`.
    Phone,
    /// They come back with their link and read a written answer.
    Return,
}

impl Reach {
    /// The stored (and form) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reach::Email => "email",
            Reach::Phone => "phone",
            Reach::Return => "return",
        }
    }

    /// The answer that fits this way of reaching the resident.
    pub fn answer_how(self) -> AnswerHow {
        match self {
            Reach::Email => AnswerHow::Email,
            Reach::Phone => AnswerHow::CalledBack,
            Reach::Return => AnswerHow::Written,
        }
    }
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum InboxState {
    New,
    PickedUp,
    Answered,
}

/// How it was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum AnswerHow {
    /// A written answer, shown on the resident's page.
    Written,
    /// An e-mail through the relay.
    Email,
    /// The staff member called the resident back (the body is their note).
    CalledBack,
}

/// An e-mail answer that is not (yet) sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum SendState {
    /// Handed to the relay right now (or when Loket stopped: see
    /// [`Store::inbox_interrupted_sends`]).
    Sending,
    /// The relay refused it or could not be reached; the answer is kept.
    Failed,
}

/// One item of asynchronous work.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboxItem {
    pub id: i64,
    pub channel: InboxChannel,
    pub queue_id: i64,
    pub queue_nl: String,
    pub queue_en: String,
    pub topic_nl: Option<String>,
    pub topic_en: Option<String>,
    pub resident_name: String,
    pub lang: String,
    pub body: String,
    pub reach: Reach,
    /// The e-mail address or phone number (empty for [`Reach::Return`]).
    pub reach_value: String,
    pub state: InboxState,
    pub picked_by: Option<i64>,
    pub picked_by_name: Option<String>,
    pub picked_at: Option<i64>,
    pub answer_how: Option<AnswerHow>,
    pub answer_subject: Option<String>,
    /// The written answer, the e-mail's text, or the note of the call.
    pub answer_body: Option<String>,
    pub answered_by: Option<i64>,
    pub answered_by_name: Option<String>,
    pub answered_at: Option<i64>,
    pub send_state: Option<SendState>,
    pub send_error: Option<String>,
    pub created_at: i64,
}

/// An item to store.
#[derive(Debug, Clone)]
pub struct NewInboxItem<'a> {
    pub channel: InboxChannel,
    pub queue_id: i64,
    pub topic_id: Option<i64>,
    pub resident_name: &'a str,
    pub lang: &'a str,
    pub body: &'a str,
    pub reach: Reach,
    pub reach_value: &'a str,
}

/// Which items a list shows: those of some queues, or of all (supervisors).
#[derive(Debug, Clone)]
pub enum Queues<'a> {
    All,
    Only(&'a [i64]),
}

const ITEM_SELECT: &str = "SELECT i.id, i.channel, i.queue_id, q.name_nl AS queue_nl,
     q.name_en AS queue_en, t.name_nl AS topic_nl, t.name_en AS topic_en, i.resident_name,
     i.lang, i.body, i.reach, i.reach_value, i.state, i.picked_by,
     p.display_name AS picked_by_name, i.picked_at, i.answer_how, i.answer_subject,
     i.answer_body, i.answered_by, a.display_name AS answered_by_name, i.answered_at,
     i.send_state, i.send_error, i.created_at
     FROM inbox_items i JOIN queues q ON q.id = i.queue_id
     LEFT JOIN topics t ON t.id = i.topic_id
     LEFT JOIN users p ON p.id = i.picked_by
     LEFT JOIN users a ON a.id = i.answered_by";

impl Store {
    /// Stores a new item; returns it with the resident's capability token.
    pub async fn create_inbox_item(
        &self,
        new: &NewInboxItem<'_>,
    ) -> Result<(InboxItem, String), StoreError> {
        let token = random_token();
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let id = sqlx::query(
            "INSERT INTO inbox_items (token_hash, channel, queue_id, topic_id, resident_name,
             lang, body, reach, reach_value, state, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?)",
        )
        .bind(hash_token(&token).as_slice())
        .bind(new.channel)
        .bind(new.queue_id)
        .bind(new.topic_id)
        .bind(new.resident_name)
        .bind(new.lang)
        .bind(new.body)
        .bind(new.reach)
        .bind(new.reach_value)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        log_message(&mut tx, id, now, &EventNote::new(EventKind::MessageLeft)).await?;
        tx.commit().await?;
        let item = self.inbox_item(id).await?.ok_or(StoreError::NotFound)?;
        Ok((item, token))
    }

    /// An item by id (staff side).
    pub async fn inbox_item(&self, id: i64) -> Result<Option<InboxItem>, StoreError> {
        Ok(
            sqlx::query_as::<_, InboxItem>(&format!("{ITEM_SELECT} WHERE i.id = ?"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// An item by the resident's capability token.
    pub async fn inbox_item_by_token(&self, token: &str) -> Result<Option<InboxItem>, StoreError> {
        Ok(
            sqlx::query_as::<_, InboxItem>(&format!("{ITEM_SELECT} WHERE i.token_hash = ?"))
                .bind(hash_token(token).as_slice())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The open items (new or picked up) of `queues`, oldest first, then the `answered`
    /// most recently answered ones.
    pub async fn inbox_list(
        &self,
        queues: Queues<'_>,
        answered: i64,
    ) -> Result<Vec<InboxItem>, StoreError> {
        let filter = match queues {
            Queues::All => String::new(),
            Queues::Only([]) => return Ok(Vec::new()),
            Queues::Only(ids) => format!(
                " AND i.queue_id IN ({})",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ),
        };
        let mut open = sqlx::query_as::<_, InboxItem>(&format!(
            "{ITEM_SELECT} WHERE i.state != 'answered'{filter} ORDER BY i.created_at, i.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let done = sqlx::query_as::<_, InboxItem>(&format!(
            "{ITEM_SELECT} WHERE i.state = 'answered'{filter} ORDER BY i.answered_at DESC LIMIT ?"
        ))
        .bind(answered)
        .fetch_all(&self.pool)
        .await?;
        open.extend(done);
        Ok(open)
    }

    /// `staff` picks up a new item. False when it was not new any more.
    pub async fn inbox_pick_up(&self, id: i64, staff: i64) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE inbox_items SET state = 'picked_up', picked_by = ?, picked_at = ?
             WHERE id = ? AND state = 'new'",
        )
        .bind(staff)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let done = done.rows_affected() == 1;
        if done {
            let note = EventNote::new(EventKind::MessagePickedUp).staff(staff);
            log_message(&mut tx, id, now, &note).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Records the answer of the staff member who picked the item up (a written answer
    /// or a call back with its note): the item is answered. False when it is not theirs
    /// or no longer open, or an e-mail of it is on its way.
    pub async fn inbox_answer(
        &self,
        id: i64,
        staff: i64,
        how: AnswerHow,
        body: &str,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE inbox_items SET state = 'answered', answer_how = ?, answer_subject = NULL,
             answer_body = ?, answered_by = ?, answered_at = ?, send_state = NULL,
             send_error = NULL
             WHERE id = ? AND state = 'picked_up' AND picked_by = ?
             AND (send_state IS NULL OR send_state = 'failed')",
        )
        .bind(how)
        .bind(body)
        .bind(staff)
        .bind(now)
        .bind(id)
        .bind(staff)
        .execute(&mut *tx)
        .await?;
        let done = done.rows_affected() == 1;
        if done {
            let note = EventNote::new(EventKind::MessageAnswered)
                .staff(staff)
                .detail(match how {
                    AnswerHow::Written => "written",
                    AnswerHow::Email => "email",
                    AnswerHow::CalledBack => "called_back",
                });
            log_message(&mut tx, id, now, &note).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Keeps an e-mail answer before it is sent and marks it `sending`. False when the
    /// item is not the staff member's, no longer open, or already being sent (so one
    /// answer is never sent twice at once).
    pub async fn inbox_keep_email(
        &self,
        id: i64,
        staff: i64,
        subject: &str,
        body: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE inbox_items SET answer_how = 'email', answer_subject = ?, answer_body = ?,
             send_state = 'sending', send_error = NULL
             WHERE id = ? AND state = 'picked_up' AND picked_by = ?
             AND (send_state IS NULL OR send_state = 'failed')",
        )
        .bind(subject)
        .bind(body)
        .bind(id)
        .bind(staff)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The relay accepted the kept e-mail answer: the item is answered.
    pub async fn inbox_email_sent(&self, id: i64) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE inbox_items SET state = 'answered', answered_by = picked_by,
             answered_at = ?, send_state = NULL, send_error = NULL
             WHERE id = ? AND send_state = 'sending'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            let staff: Option<i64> =
                sqlx::query_scalar("SELECT picked_by FROM inbox_items WHERE id = ?")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            let mut note = EventNote::new(EventKind::MessageAnswered).detail("email");
            note.staff = staff;
            log_message(&mut tx, id, now, &note).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The relay did not take the kept e-mail answer: it stays, marked failed.
    pub async fn inbox_email_failed(&self, id: i64, reason: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE inbox_items SET send_state = 'failed', send_error = ?
             WHERE id = ? AND send_state = 'sending'",
        )
        .bind(reason)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// At start: e-mails that were being sent when Loket stopped are marked failed (it
    /// is not known whether the relay took them), so staff see them and can send again.
    pub async fn inbox_interrupted_sends(&self, reason: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE inbox_items SET send_state = 'failed', send_error = ?
             WHERE send_state = 'sending'",
        )
        .bind(reason)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// How many items are new, picked up and answered (for reports).
    pub async fn inbox_counts(&self) -> Result<(i64, i64, i64), StoreError> {
        Ok(sqlx::query_as(
            "SELECT COALESCE(SUM(state = 'new'), 0), COALESCE(SUM(state = 'picked_up'), 0),
             COALESCE(SUM(state = 'answered'), 0) FROM inbox_items",
        )
        .fetch_one(&self.pool)
        .await?)
    }
}
