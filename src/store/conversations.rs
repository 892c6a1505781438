//! Conversations: a resident's contact from its creation (waiting) through an agent
//! (active) to its end and the agent's wrap-up.
//!
//! The resident holds a capability token for their conversation; only its hash is
//! stored. Every read goes through one SELECT (`conv_select`) that joins the queue, topic
//! and agent, so a [`Conversation`] always arrives complete.

use super::events::{EventKind, EventNote, log_conversation};
use super::{Conversation, NewConversation, Status, Store, StoreError, now_ms};
use crate::auth::{hash_token, random_token};

impl Store {
    /// Creates a waiting conversation with the resident's first message (none when
    /// `first_message` is empty, as for a video call started without a question).
    /// Returns the conversation and the capability token for the resident.
    pub async fn create_conversation(
        &self,
        new: &NewConversation<'_>,
    ) -> Result<(Conversation, String), StoreError> {
        let token = random_token();
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let id = sqlx::query(
            "INSERT INTO conversations (token_hash, queue_id, topic_id, resident_name, lang, origin, status, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?)",
        )
        .bind(hash_token(&token).as_slice())
        .bind(new.queue_id)
        .bind(new.topic_id)
        .bind(new.resident_name)
        .bind(new.lang)
        .bind(new.origin)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        // A video call may start without a written question.
        if !new.first_message.is_empty() {
            sqlx::query(
                "INSERT INTO messages (conversation_id, seq, sender, sender_name, body, created_at)
                 VALUES (?, 1, 'resident', ?, ?, ?)",
            )
            .bind(id)
            .bind(new.resident_name)
            .bind(new.first_message)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        log_conversation(&mut tx, id, now, &EventNote::new(EventKind::Queued)).await?;
        tx.commit().await?;
        let conv = self.conversation(id).await?.ok_or(StoreError::NotFound)?;
        Ok((conv, token))
    }

    const CONV_COLUMNS: &'static str =
        "c.id, c.queue_id, c.topic_id, c.resident_name, c.lang, c.origin, c.status,
         c.agent_id, c.created_at, c.assigned_at, c.ended_at, c.ended_by, c.wrapup_topic,
         c.wrapup_note, c.wrapped_at,
         (q.channel = 'video' OR c.call_started_at IS NOT NULL) AS is_call,
         c.contact_method, c.contact_value, c.kiosk_id,
         (SELECT COALESCE(MAX(m.seq), 0) FROM messages m WHERE m.conversation_id = c.id) AS last_seq,
         q.slug AS queue_slug, q.channel AS channel,
         q.priority AS priority, t.name_nl AS topic_nl, t.name_en AS topic_en,
         u.display_name AS agent_name";

    fn conv_select(filter: &str) -> String {
        format!(
            "SELECT {} FROM conversations c JOIN queues q ON q.id = c.queue_id
             LEFT JOIN topics t ON t.id = c.topic_id LEFT JOIN users u ON u.id = c.agent_id
             WHERE {filter}",
            Self::CONV_COLUMNS
        )
    }

    /// A conversation by id (staff side).
    pub async fn conversation(&self, id: i64) -> Result<Option<Conversation>, StoreError> {
        Ok(
            sqlx::query_as::<_, Conversation>(&Self::conv_select("c.id = ?"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// A conversation by the resident's capability token.
    pub async fn conversation_by_token(
        &self,
        token: &str,
    ) -> Result<Option<Conversation>, StoreError> {
        Ok(
            sqlx::query_as::<_, Conversation>(&Self::conv_select("c.token_hash = ?"))
                .bind(hash_token(token).as_slice())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Conversations that were waiting or active (for restoring the broker on start).
    pub async fn open_conversations(&self) -> Result<Vec<Conversation>, StoreError> {
        Ok(sqlx::query_as::<_, Conversation>(&Self::conv_select(
            "c.status IN ('waiting', 'active') ORDER BY c.id",
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Recently ended conversations of one agent that still need a wrap-up.
    pub async fn awaiting_wrapup(&self, agent_id: i64) -> Result<Vec<Conversation>, StoreError> {
        Ok(sqlx::query_as::<_, Conversation>(&Self::conv_select(
            "c.agent_id = ? AND c.status = 'ended' AND c.wrapped_at IS NULL ORDER BY c.ended_at",
        ))
        .bind(agent_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Marks a conversation active with `agent_id`, and logs who answered it (with their
    /// role: an interpreter answering makes it a sign-language call in the reports).
    pub async fn set_active(&self, id: i64, agent_id: i64) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE conversations SET status = 'active', agent_id = ?, assigned_at = ? WHERE id = ?",
        )
        .bind(agent_id)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let role: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = ?")
            .bind(agent_id)
            .fetch_optional(&mut *tx)
            .await?;
        let note = EventNote::new(EventKind::Answered).staff(agent_id).detail(
            if role.as_deref() == Some("interpreter") {
                "interpreter"
            } else {
                "agent"
            },
        );
        log_conversation(&mut tx, id, now, &note).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A waiting conversation moved to another queue: `note` says why (an overflow, a
    /// supervisor's reassignment).
    pub async fn move_to_queue(
        &self,
        id: i64,
        queue: i64,
        note: &EventNote<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE conversations SET queue_id = ? WHERE id = ?")
            .bind(queue)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        log_conversation(&mut tx, id, now_ms(), note).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts an active conversation back to waiting (agent lost or handed it back,
    /// restart; `note` says which); the transcript stays.
    pub async fn set_waiting(&self, id: i64, note: &EventNote<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE conversations SET status = 'waiting' WHERE id = ? AND status = 'active'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            log_conversation(&mut tx, id, now_ms(), note).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends a conversation (`note`: `abandoned` when it never reached an agent, else
    /// `ended`, with who ended it in its detail). Returns false when it had already ended.
    pub async fn finish(
        &self,
        id: i64,
        status: Status,
        note: &EventNote<'_>,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE conversations SET status = ?, ended_at = ?, ended_by = ?
             WHERE id = ? AND status IN ('waiting', 'active')",
        )
        .bind(status.as_str())
        .bind(now)
        .bind(note.detail)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let done = done.rows_affected() == 1;
        if done {
            log_conversation(&mut tx, id, now, note).await?;
            if status == Status::Ended {
                super::survey::offer(&mut tx, id, now).await?;
            }
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Records the wrap-up of an ended conversation, once: a finished wrap-up is never
    /// overwritten (reports count it as it was given). `resolved`: the agent's answer to
    /// "resolved at this first contact?" (none: not given). `false` when it is not this
    /// agent's ended conversation or it was wrapped up already.
    pub async fn wrap_up(
        &self,
        id: i64,
        agent_id: i64,
        topic: &str,
        note: &str,
        resolved: Option<bool>,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE conversations SET wrapup_topic = ?, wrapup_note = ?, wrapped_at = ?,
                 wrapup_resolved = ?
             WHERE id = ? AND agent_id = ? AND status = 'ended' AND wrapped_at IS NULL",
        )
        .bind(topic)
        .bind(note)
        .bind(now)
        .bind(resolved)
        .bind(id)
        .bind(agent_id)
        .execute(&mut *tx)
        .await?;
        let done = done.rows_affected() == 1;
        if done {
            let mut event =
                EventNote::new(EventKind::WrappedUp)
                    .staff(agent_id)
                    .detail(match resolved {
                        Some(true) => "resolved",
                        Some(false) => "not_resolved",
                        None => "",
                    });
            event.label = Some(topic);
            log_conversation(&mut tx, id, now, &event).await?;
        }
        tx.commit().await?;
        Ok(done)
    }
}
