//! Staff accounts and their login sessions.
//!
//! Passwords arrive here already hashed (argon2, see `crate::auth`), and a session is
//! kept only as the SHA-256 hash of its cookie token, so a copy of the database holds no
//! usable secret. A session's "last used" time is written in batches (`touch.rs`).

use super::{NewUser, SESSION_TOUCH_MS, Store, StoreError, User, now_ms};
use crate::auth::{hash_token, random_token};
use sqlx::Row;

impl Store {
    /// Number of staff accounts.
    pub async fn user_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Creates a staff account with its skills (queue slugs). Fails on a taken username.
    pub async fn add_user(&self, new: &NewUser<'_>) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
            .bind(new.username)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::Duplicate(format!("user {}", new.username)));
        }
        let id = sqlx::query(
            "INSERT INTO users (username, display_name, role, password_hash, chat_capacity, is_demo, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(new.username)
        .bind(new.display_name)
        .bind(new.role.as_str())
        .bind(new.password_hash)
        .bind(i64::from(new.chat_capacity))
        .bind(new.is_demo)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        for slug in new.skills {
            let done = sqlx::query(
                "INSERT OR IGNORE INTO user_skills (user_id, queue_id) SELECT ?, id FROM queues WHERE slug = ?",
            )
            .bind(id)
            .bind(slug)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        }
        tx.commit().await?;
        Ok(id)
    }

    const USER_COLUMNS: &'static str =
        "id, username, display_name, role, password_hash, chat_capacity, is_demo, disabled";

    /// Every staff account, by username.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        Ok(sqlx::query_as::<_, User>(&format!(
            "SELECT {} FROM users ORDER BY username",
            Self::USER_COLUMNS
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The account with this username, if any.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        Ok(sqlx::query_as::<_, User>(&format!(
            "SELECT {} FROM users WHERE username = ?",
            Self::USER_COLUMNS
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The account with this id, if any.
    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        Ok(sqlx::query_as::<_, User>(&format!(
            "SELECT {} FROM users WHERE id = ?",
            Self::USER_COLUMNS
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Queue ids this user may take contacts from.
    pub async fn user_skills(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT queue_id FROM user_skills WHERE user_id = ? ORDER BY queue_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Disables an account and ends all its sessions, in one transaction: every staff
    /// route and the console's socket refuse it from the next request or heartbeat, and
    /// re-enabling it later does not bring an old session back. `false`: no such account.
    pub async fn disable_user(&self, username: &str) -> Result<bool, StoreError> {
        self.change_and_sign_out(username, AccountChange::Disable)
            .await
    }

    /// Enables a disabled account again (it must log in anew). `false`: no such account.
    pub async fn enable_user(&self, username: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE users SET disabled = 0 WHERE username = ?")
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Sets an account's password (already hashed) and ends all its sessions, in one
    /// transaction: whoever knew the old password is signed out. `false`: no such account.
    pub async fn set_password(&self, username: &str, hash: &str) -> Result<bool, StoreError> {
        self.change_and_sign_out(username, AccountChange::Password(hash))
            .await
    }

    /// One change to an account plus the end of all its sessions, in one transaction (the
    /// two reasons a person must be signed out everywhere at once). `false`: no such account.
    async fn change_and_sign_out(
        &self,
        username: &str,
        change: AccountChange<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else {
            return Ok(false);
        };
        let update = match change {
            AccountChange::Disable => sqlx::query("UPDATE users SET disabled = 1 WHERE id = ?"),
            AccountChange::Password(hash) => {
                sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?").bind(hash)
            }
        };
        update.bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Starts a session for `user_id`; returns the cookie token (only its hash is kept).
    pub async fn create_session(&self, user_id: i64) -> Result<String, StoreError> {
        let token = random_token();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
        )
        .bind(hash_token(&token).as_slice())
        .bind(user_id)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The user behind a session token, if the session exists, the account is enabled and
    /// the session was used within `idle_ms`. Refreshes the session's last use.
    pub async fn session_user(
        &self,
        token: &str,
        idle_ms: i64,
    ) -> Result<Option<User>, StoreError> {
        let now = now_ms();
        let hash = hash_token(token);
        let row = sqlx::query(
            "SELECT user_id, last_seen_at FROM sessions WHERE token_hash = ? AND last_seen_at > ?",
        )
        .bind(hash.as_slice())
        .bind(now - idle_ms)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        // Writing on every request would make each staff page view a disk commit; a
        // session's last use only needs to be known to the nearest minute.
        let last_seen: i64 = row.try_get("last_seen_at")?;
        if now - last_seen > SESSION_TOUCH_MS {
            // Written in a batch with other sessions' (see `touch.rs`).
            let _ = self.touches.try_send((hash.to_vec(), now));
        }
        let user = self.user(row.try_get("user_id")?).await?;
        Ok(user.filter(|u| !u.disabled))
    }

    /// Ends one session (logout).
    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(hash_token(token).as_slice())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions unused for longer than `idle_ms`.
    pub async fn purge_sessions(&self, idle_ms: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE last_seen_at <= ?")
            .bind(now_ms() - idle_ms)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}

/// What [`Store::change_and_sign_out`] changes.
enum AccountChange<'a> {
    Disable,
    /// The new password hash.
    Password(&'a str),
}
