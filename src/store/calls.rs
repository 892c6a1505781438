//! Calls: a conversation turned into a video call, and the requests for one more staff
//! member (an interpreter) to join it.

use super::events::{EventKind, EventNote, log_conversation};
use super::{CallRequest, Store, StoreError, now_ms};

impl Store {
    /// Turns a text chat into a call (an interpreter is being asked to join).
    pub async fn start_call(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE conversations SET call_started_at = ? WHERE id = ? AND call_started_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a request for one more staff member in a conversation's call
    /// (`interpreter`: the request goes to the interpreters' queue, and the event log
    /// says an interpreter was asked for).
    pub async fn create_call_request(
        &self,
        conversation_id: i64,
        queue_id: i64,
        topic_id: Option<i64>,
        requested_by: i64,
        interpreter: bool,
    ) -> Result<CallRequest, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let id = sqlx::query(
            "INSERT INTO call_requests (conversation_id, queue_id, topic_id, requested_by, status, created_at)
             VALUES (?, ?, ?, ?, 'waiting', ?)",
        )
        .bind(conversation_id)
        .bind(queue_id)
        .bind(topic_id)
        .bind(requested_by)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        if interpreter {
            let note = EventNote::new(EventKind::InterpreterRequested).staff(requested_by);
            log_conversation(&mut tx, conversation_id, now, &note).await?;
        }
        tx.commit().await?;
        self.call_request(id).await?.ok_or(StoreError::NotFound)
    }

    /// One call request.
    /// A waiting call request moved to another queue (overflow).
    pub async fn move_request_to_queue(&self, id: i64, queue: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE call_requests SET queue_id = ? WHERE id = ?")
            .bind(queue)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn call_request(&self, id: i64) -> Result<Option<CallRequest>, StoreError> {
        Ok(sqlx::query_as::<_, CallRequest>(
            "SELECT r.id, r.conversation_id, r.queue_id, r.topic_id, r.requested_by, r.staff_id,
                    r.status, r.created_at, u.display_name AS requested_by_name,
                    t.name_nl AS topic_nl, t.name_en AS topic_en
             FROM call_requests r JOIN users u ON u.id = r.requested_by
             LEFT JOIN topics t ON t.id = r.topic_id WHERE r.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Open (waiting or active) call requests of a conversation.
    pub async fn open_call_requests(
        &self,
        conversation_id: i64,
    ) -> Result<Vec<CallRequest>, StoreError> {
        Ok(sqlx::query_as::<_, CallRequest>(
            "SELECT r.id, r.conversation_id, r.queue_id, r.topic_id, r.requested_by, r.staff_id,
                    r.status, r.created_at, u.display_name AS requested_by_name,
                    t.name_nl AS topic_nl, t.name_en AS topic_en
             FROM call_requests r JOIN users u ON u.id = r.requested_by
             LEFT JOIN topics t ON t.id = r.topic_id
             WHERE r.conversation_id = ? AND r.status IN ('waiting', 'active') ORDER BY r.id",
        )
        .bind(conversation_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Sets a call request's state: `active` (with the staff member who joined), back to
    /// `waiting`, `ended` (they left) or `cancelled` (nobody joined).
    pub async fn set_call_request(
        &self,
        id: i64,
        status: &str,
        staff_id: Option<i64>,
        event: Option<&EventNote<'_>>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE call_requests SET status = ?,
                staff_id = COALESCE(?, staff_id),
                accepted_at = CASE WHEN ? = 'active' THEN ? ELSE accepted_at END,
                ended_at = CASE WHEN ? IN ('ended', 'cancelled') THEN ? ELSE ended_at END
             WHERE id = ?",
        )
        .bind(status)
        .bind(staff_id)
        .bind(status)
        .bind(now)
        .bind(status)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if let Some(note) = event {
            let conv: Option<i64> =
                sqlx::query_scalar("SELECT conversation_id FROM call_requests WHERE id = ?")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(conv) = conv {
                log_conversation(&mut tx, conv, now, note).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// After a restart no call is connected any more: open requests are closed.
    pub async fn close_open_call_requests(&self) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE call_requests SET status = CASE WHEN status = 'active' THEN 'ended' ELSE 'cancelled' END,
                ended_at = ? WHERE status IN ('waiting', 'active')",
        )
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .rows_affected())
    }
}
