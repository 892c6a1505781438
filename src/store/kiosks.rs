//! Kiosks: shared devices in a public building, enrolled once with a one-time token and
//! then recognised by a device cookie (both kept as hashes only).

use super::{Kiosk, Store, StoreError, now_ms};
use crate::auth::{hash_token, random_token};

impl Store {
    const KIOSK_COLUMNS: &'static str = "id, name, location, idle_secs, current_conversation, created_at, enrolled_at, \
         last_seen_at, revoked_at";

    /// Registers a kiosk; returns it and its one-time enrolment token.
    pub async fn create_kiosk(
        &self,
        name: &str,
        location: &str,
        idle_secs: i64,
        by: i64,
    ) -> Result<(Kiosk, String), StoreError> {
        let token = random_token();
        let id = sqlx::query(
            "INSERT INTO kiosks (name, location, idle_secs, enrol_hash, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(name)
        .bind(location)
        .bind(idle_secs)
        .bind(hash_token(&token).as_slice())
        .bind(by)
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        let kiosk = self.kiosk(id).await?.ok_or(StoreError::NotFound)?;
        Ok((kiosk, token))
    }

    /// One kiosk.
    pub async fn kiosk(&self, id: i64) -> Result<Option<Kiosk>, StoreError> {
        Ok(sqlx::query_as::<_, Kiosk>(&format!(
            "SELECT {} FROM kiosks WHERE id = ?",
            Self::KIOSK_COLUMNS
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every kiosk.
    pub async fn kiosks(&self) -> Result<Vec<Kiosk>, StoreError> {
        Ok(sqlx::query_as::<_, Kiosk>(&format!(
            "SELECT {} FROM kiosks ORDER BY name",
            Self::KIOSK_COLUMNS
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The kiosk an unused enrolment token belongs to.
    pub async fn kiosk_by_enrolment(&self, token: &str) -> Result<Option<Kiosk>, StoreError> {
        Ok(sqlx::query_as::<_, Kiosk>(&format!(
            "SELECT {} FROM kiosks WHERE enrol_hash = ?",
            Self::KIOSK_COLUMNS
        ))
        .bind(hash_token(token).as_slice())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Uses an enrolment token (once): returns the kiosk and its new device token. A
    /// browser enrolled earlier for the same kiosk stops being that kiosk.
    pub async fn enrol_kiosk(&self, token: &str) -> Result<Option<(Kiosk, String)>, StoreError> {
        let device = random_token();
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE kiosks SET enrol_hash = NULL, device_hash = ?, enrolled_at = ?,
             revoked_at = NULL WHERE enrol_hash = ? RETURNING id",
        )
        .bind(hash_token(&device).as_slice())
        .bind(now_ms())
        .bind(hash_token(token).as_slice())
        .fetch_optional(&self.pool)
        .await?;
        let Some(id) = id else { return Ok(None) };
        Ok(self.kiosk(id).await?.map(|k| (k, device)))
    }

    /// The kiosk a device cookie belongs to.
    pub async fn kiosk_by_device(&self, token: &str) -> Result<Option<Kiosk>, StoreError> {
        Ok(sqlx::query_as::<_, Kiosk>(&format!(
            "SELECT {} FROM kiosks WHERE device_hash = ?",
            Self::KIOSK_COLUMNS
        ))
        .bind(hash_token(token).as_slice())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Sets or clears the conversation a kiosk shows.
    /// Makes `conversation` the kiosk's current one (and binds it to the kiosk), or with
    /// `None` ends that (a wipe): then nobody can open the old conversation by its link.
    pub async fn set_kiosk_conversation(
        &self,
        kiosk: i64,
        conversation: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE kiosks SET current_conversation = ? WHERE id = ?")
            .bind(conversation)
            .bind(kiosk)
            .execute(&mut *tx)
            .await?;
        if let Some(conv) = conversation {
            sqlx::query("UPDATE conversations SET kiosk_id = ? WHERE id = ?")
                .bind(kiosk)
                .bind(conv)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Renames a kiosk; `false` when there is no such kiosk.
    pub async fn rename_kiosk(&self, id: i64, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE kiosks SET name = ? WHERE id = ?")
            .bind(name)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Revokes a kiosk: its device cookie and any unused enrolment link stop working at
    /// once, and it shows no conversation any more. `false` when there is no such kiosk.
    pub async fn revoke_kiosk(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE kiosks SET device_hash = NULL, enrol_hash = NULL, current_conversation = NULL,
             revoked_at = ? WHERE id = ?",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Deletes a kiosk (its device cookie stops working with it).
    pub async fn delete_kiosk(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM kiosks WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// A new one-time enrolment token for an existing kiosk (the previous unused link
    /// stops working; an enrolled device keeps working until the new link is used).
    pub async fn new_kiosk_enrolment(&self, id: i64) -> Result<Option<String>, StoreError> {
        let token = random_token();
        let done = sqlx::query("UPDATE kiosks SET enrol_hash = ? WHERE id = ?")
            .bind(hash_token(&token).as_slice())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok((done.rows_affected() > 0).then_some(token))
    }

    /// Records that a kiosk was seen at `at` (unix ms). Callers throttle: see
    /// [`Kiosk::seen_due`].
    pub async fn kiosk_seen(&self, id: i64, at: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE kiosks SET last_seen_at = ? WHERE id = ?")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Kiosk {
    /// How often "last seen" is written at most (store writes are precious).
    pub const SEEN_EVERY_MS: i64 = 60_000;

    /// Whether a request at `now` (unix ms) should update "last seen".
    pub fn seen_due(&self, now: i64) -> bool {
        self.last_seen_at
            .is_none_or(|at| now.saturating_sub(at) >= Self::SEEN_EVERY_MS)
    }
}
