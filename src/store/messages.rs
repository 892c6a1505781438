//! Chat messages: appended through the batching writer (`writer.rs`), so a message is
//! acknowledged only after its transaction committed, and read back by sequence number.

use super::{Appended, Message, NewMessage, Store, StoreError, writer};

impl Store {
    /// Stores a message and returns it with its sequence number, after its transaction
    /// committed (see [`writer`]: messages are written in batches). When
    /// `client_id` was already stored for this conversation, the earlier message is
    /// returned instead and nothing is written (`Appended::duplicate`).
    pub async fn append_message(&self, new: &NewMessage<'_>) -> Result<Appended, StoreError> {
        let (job, reply) = writer::Job::new(new);
        self.writer
            .send(job)
            .await
            .map_err(|_| StoreError::Write("the message writer has stopped".into()))?;
        reply
            .await
            .map_err(|_| StoreError::Write("the message writer has stopped".into()))?
    }

    /// Messages with `seq > after`, oldest first, at most `limit`.
    pub async fn messages_after(
        &self,
        conversation_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Message>, StoreError> {
        Ok(sqlx::query_as::<_, Message>(
            "SELECT seq, sender, sender_name, body, client_id, created_at FROM messages
             WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(conversation_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The last `limit` messages of a conversation (in order), and how many come before
    /// them.
    pub async fn messages_last(
        &self,
        conversation_id: i64,
        limit: i64,
    ) -> Result<(Vec<Message>, i64), StoreError> {
        let mut last = sqlx::query_as::<_, Message>(
            "SELECT seq, sender, sender_name, body, client_id, created_at FROM messages
             WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?",
        )
        .bind(conversation_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        last.reverse();
        let earlier = match last.first() {
            Some(first) => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND seq < ?",
                )
                .bind(conversation_id)
                .bind(first.seq)
                .fetch_one(&self.pool)
                .await?
            }
            None => 0,
        };
        Ok((last, earlier))
    }
}
