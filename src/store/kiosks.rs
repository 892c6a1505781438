//! Kiosks: shared devices in a public building, enrolled once with a one-time token and
//! then recognised by a device cookie (both kept as hashes only).

use super::{Kiosk, Store, StoreError, now_ms};
use crate::auth::{hash_token, random_token};

impl Store {
    const KIOSK_COLUMNS: &'static str =
        "id, name, location, idle_secs, current_conversation, created_at, enrolled_at";

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
            "UPDATE kiosks SET enrol_hash = NULL, device_hash = ?, enrolled_at = ?
             WHERE enrol_hash = ? RETURNING id",
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
    pub async fn set_kiosk_conversation(
        &self,
        kiosk: i64,
        conversation: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE kiosks SET current_conversation = ? WHERE id = ?")
            .bind(conversation)
            .bind(kiosk)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
