//! The live wallboard's reads (issue 16) and its TV tokens (`migrations/0013_board.sql`):
//! who has which skill, each staff member's last logged state, who still owes a
//! wrap-up, and the read-only tokens of wall screens (kept as hashes only).

use super::{Store, StoreError, now_ms};
use crate::auth::{hash_token, random_token};

/// A wall screen's read-only token, as the supervisor's list shows it (never the token).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BoardToken {
    pub id: i64,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl Store {
    /// Every (staff member, queue) skill pair.
    pub async fn skill_pairs(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT user_id, queue_id FROM user_skills ORDER BY user_id, queue_id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Each staff member's last logged state and when it was logged (`staff_events`).
    pub async fn latest_staff_states(&self) -> Result<Vec<(i64, String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT e.staff_id, e.state, e.at FROM staff_events e
             JOIN (SELECT staff_id, MAX(id) AS id FROM staff_events GROUP BY staff_id) l
               ON l.id = e.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Staff members with a conversation that ended at or after `since` and still waits
    /// for its wrap-up.
    pub async fn agents_owing_wrapup(&self, since: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT agent_id FROM conversations
             WHERE status = 'ended' AND wrapped_at IS NULL AND agent_id IS NOT NULL
               AND ended_at >= ?",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether `agent` has a conversation that ended at or after `since` and still waits
    /// for its wrap-up.
    pub async fn agent_owes_wrapup(&self, agent: i64, since: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM conversations
             WHERE ended_at >= ? AND agent_id = ? AND status = 'ended' AND wrapped_at IS NULL)",
        )
        .bind(since)
        .bind(agent)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Makes a wall screen's token; returns its id and the token (shown once).
    pub async fn create_board_token(
        &self,
        label: &str,
        by: i64,
    ) -> Result<(i64, String), StoreError> {
        let token = random_token();
        let id = sqlx::query(
            "INSERT INTO board_tokens (label, token_hash, created_by, created_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(label)
        .bind(hash_token(&token).as_slice())
        .bind(by)
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok((id, token))
    }

    /// The tokens in force, newest first.
    pub async fn board_tokens(&self) -> Result<Vec<BoardToken>, StoreError> {
        Ok(sqlx::query_as::<_, BoardToken>(
            "SELECT id, label, created_at, last_used_at FROM board_tokens
             WHERE revoked_at IS NULL ORDER BY created_at DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Revokes a token; `false` when there was no such token in force.
    pub async fn revoke_board_token(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE board_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The id of the token in force that `token` is, noting that it was used.
    pub async fn use_board_token(&self, token: &str) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "UPDATE board_tokens SET last_used_at = ?
             WHERE token_hash = ? AND revoked_at IS NULL RETURNING id",
        )
        .bind(now_ms())
        .bind(hash_token(token).as_slice())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The events of one conversation in order: kind, queue and staff member (for
    /// checks and support; no personal data).
    pub async fn conversation_events(
        &self,
        conversation: i64,
    ) -> Result<Vec<(String, i64, Option<i64>)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT kind, queue_id, staff_id FROM contact_events
             WHERE conversation_id = ? ORDER BY at, id",
        )
        .bind(conversation)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The states logged for one staff member, in order.
    pub async fn staff_states_of(&self, staff: i64) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT state FROM staff_events WHERE staff_id = ? ORDER BY at, id")
                .bind(staff)
                .fetch_all(&self.pool)
                .await?,
        )
    }
}
