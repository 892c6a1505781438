//! The store: everything Loket keeps on disk, behind one type.
//!
//! [`Store`] wraps an sqlx SQLite pool (WAL journal; `synchronous=FULL` by default, so a
//! committed transaction survives a crash of the process and of the machine; see
//! [`Store::open_with`]).
//! Nothing outside this module writes SQL, so moving a larger site to PostgreSQL is a
//! change to this module and `migrations/` only.
//!
//! The rules the rest of Loket relies on:
//! - a chat message is acknowledged only after [`Store::append_message`] returned, i.e. after
//!   its transaction committed;
//! - each conversation numbers its messages 1, 2, 3... without gaps, and a message sent
//!   again with the same client id is stored once (the first copy is returned);
//! - capability tokens and session tokens are stored as SHA-256 hashes only;
//! - topics, FAQ entries and opening hours are read from a short-lived copy in memory
//!   (`cache.rs`), dropped whenever this store changes them.

mod cache;
mod models;
mod touch;
mod writer;

pub use models::*;

use crate::auth::{hash_token, random_token};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Row, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// A store failure. Callers map it to a 500 page or an error frame; it is never shown raw.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the data directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} already exists")]
    Duplicate(String),
    #[error("not found")]
    NotFound,
    #[error("could not store messages: {0}")]
    Write(String),
    #[error(
        "the database {path} cannot be written; Loket stores every message as it \
         arrives, so it needs write access to this file and its folder"
    )]
    NotWritable {
        path: String,
        source: std::io::Error,
    },
}

/// Fails clearly when the database file (or, for a new one, its folder) is read-only,
/// instead of SQLite's "unable to open database file" later.
fn writable(path: &std::path::Path) -> Result<(), StoreError> {
    let not_writable = |source| StoreError::NotWritable {
        path: path.display().to_string(),
        source,
    };
    if path.as_os_str().is_empty() || path.to_str() == Some(":memory:") {
        return Ok(());
    }
    if path.exists() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map(drop)
            .map_err(not_writable)?;
    }
    // SQLite also writes its journal (`-wal`, `-shm`) beside the file.
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let probe = dir.join(format!(".loket-write-check-{}", std::process::id()));
    std::fs::File::create(&probe).map_err(not_writable)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Current wall-clock time as unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Handle to the database; cheap to clone.
/// A staff session's "last used" time is written at most this often (milliseconds), so
/// idle expiry is exact to within a minute.
pub const SESSION_TOUCH_MS: i64 = 60_000;

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    writer: tokio::sync::mpsc::Sender<writer::Job>,
    touches: tokio::sync::mpsc::Sender<touch::Touch>,
    cache: std::sync::Arc<cache::Cache>,
}

impl Store {
    /// Opens (creating when missing) and migrates the database at `url`, with durable
    /// commits (see [`Store::open_with`]).
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Self::open_with(url, true).await
    }

    /// Opens the database. `durable`: every commit is flushed to disk before it returns
    /// (`synchronous=FULL`), so an acknowledged message survives even a power cut; with
    /// `false` (`synchronous=NORMAL`) it survives a crash of Loket but the last commits
    /// may be lost when the machine itself goes down. Messages are committed in batches
    /// (see [`writer`]), so durable commits cost one flush per batch, not per message.
    pub async fn open_with(url: &str, durable: bool) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if durable {
                SqliteSynchronous::Full
            } else {
                SqliteSynchronous::Normal
            })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 16 MiB page cache per connection keeps the hot part of the database in
            // memory; checkpointing the WAL every 10,000 pages (about 40 MB) instead of
            // 1,000 copies pages back far less often under load (measured: 15k -> 24k
            // messages/s in benches/chat_path.rs).
            .pragma("cache_size", "-16384")
            .pragma("wal_autocheckpoint", "10000")
            .pragma("temp_store", "memory");
        let path = options.get_filename().to_path_buf();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Dir {
                path: parent.display().to_string(),
                source,
            })?;
        }
        writable(&path)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            // A transaction whose COMMIT failed (SQLITE_FULL: disk full) is rolled back by
            // SQLite itself; sqlx's own ROLLBACK then fails and it keeps counting an open
            // transaction, so every later BEGIN on that connection would fail. A
            // connection released while still counted in a transaction (only ever after
            // an error) is closed instead of reused.
            .after_release(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let writer = writer::spawn(pool.clone());
        let touches = touch::spawn(pool.clone());
        Ok(Store {
            pool,
            writer,
            touches,
            cache: Default::default(),
        })
    }

    /// Closes every connection (used on shutdown so the WAL is checkpointed).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ----- settings -------------------------------------------------------------------

    /// Returns the setting `key`, creating it with `make()` when it does not exist yet.
    pub async fn setting_or_insert(
        &self,
        key: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        sqlx::query("INSERT OR IGNORE INTO settings (key, value, created_at) VALUES (?, ?, ?)")
            .bind(key)
            .bind(make())
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        Ok(value)
    }

    // ----- queues, topics, FAQ --------------------------------------------------------

    /// All queues, in id order.
    pub async fn queues(&self) -> Result<Vec<Queue>, StoreError> {
        Ok(sqlx::query_as::<_, Queue>(
            "SELECT id, slug, name_nl, name_en, channel, priority, is_demo FROM queues ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Adds a queue (used by the demo seed and by tests).
    pub async fn add_queue(
        &self,
        slug: &str,
        name_nl: &str,
        name_en: &str,
        channel: Channel,
        is_demo: bool,
    ) -> Result<i64, StoreError> {
        let id = sqlx::query(
            "INSERT INTO queues (slug, name_nl, name_en, channel, is_demo, created_at)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING",
        )
        .bind(slug)
        .bind(name_nl)
        .bind(name_en)
        .bind(channel.as_str())
        .bind(is_demo)
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    /// All topics a resident can choose.
    pub async fn topics(&self) -> Result<Vec<Topic>, StoreError> {
        if let Some(topics) = self.cache.topics() {
            return Ok(topics);
        }
        let topics = sqlx::query_as::<_, Topic>(
            "SELECT id, slug, name_nl, name_en, is_demo FROM topics ORDER BY name_nl",
        )
        .fetch_all(&self.pool)
        .await?;
        self.cache.put_topics(topics.clone());
        Ok(topics)
    }

    /// Adds a topic unless its slug exists.
    pub async fn add_topic(
        &self,
        slug: &str,
        name_nl: &str,
        name_en: &str,
        is_demo: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO topics (slug, name_nl, name_en, is_demo, created_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (slug) DO NOTHING",
        )
        .bind(slug)
        .bind(name_nl)
        .bind(name_en)
        .bind(is_demo)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        self.cache.forget(cache::Kind::Topics);
        Ok(())
    }

    /// Frequently asked questions, in insertion order.
    pub async fn faqs(&self) -> Result<Vec<Faq>, StoreError> {
        if let Some(faqs) = self.cache.faqs() {
            return Ok(faqs);
        }
        let faqs = sqlx::query_as::<_, Faq>(
            "SELECT id, question_nl, answer_nl, question_en, answer_en, is_demo FROM faqs ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        self.cache.put_faqs(faqs.clone());
        Ok(faqs)
    }

    /// Adds an FAQ entry unless the same Dutch question exists.
    pub async fn add_faq(
        &self,
        q_nl: &str,
        a_nl: &str,
        q_en: &str,
        a_en: &str,
        is_demo: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO faqs (question_nl, answer_nl, question_en, answer_en, is_demo, created_at)
             SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM faqs WHERE question_nl = ?)",
        )
        .bind(q_nl)
        .bind(a_nl)
        .bind(q_en)
        .bind(a_en)
        .bind(is_demo)
        .bind(now_ms())
        .bind(q_nl)
        .execute(&self.pool)
        .await?;
        self.cache.forget(cache::Kind::Faqs);
        Ok(())
    }

    /// Does the database hold demo data (from `loket demo`)?
    pub async fn has_demo_data(&self) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users WHERE is_demo = 1)
                 OR EXISTS (SELECT 1 FROM faqs WHERE is_demo = 1)
                 OR EXISTS (SELECT 1 FROM topics WHERE is_demo = 1)",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    // ----- users and sessions -----------------------------------------------------------

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

    // ----- conversations ---------------------------------------------------------------

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
        tx.commit().await?;
        let conv = self.conversation(id).await?.ok_or(StoreError::NotFound)?;
        Ok((conv, token))
    }

    const CONV_COLUMNS: &'static str =
        "c.id, c.queue_id, c.topic_id, c.resident_name, c.lang, c.origin, c.status,
         c.agent_id, c.created_at, c.assigned_at, c.ended_at, c.ended_by, c.wrapup_topic,
         c.wrapup_note, c.wrapped_at,
         (q.channel = 'video' OR c.call_started_at IS NOT NULL) AS is_call,
         c.contact_method, c.contact_value,
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

    /// Marks a conversation active with `agent_id`.
    pub async fn set_active(&self, id: i64, agent_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE conversations SET status = 'active', agent_id = ?, assigned_at = ? WHERE id = ?",
        )
        .bind(agent_id)
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Puts a conversation back to waiting (agent lost, restart); the transcript stays.
    pub async fn set_waiting(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE conversations SET status = 'waiting' WHERE id = ? AND status = 'active'",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends a conversation (`by`: resident, agent or system). Abandoned when it never
    /// reached an agent. Returns false when it had already ended.
    pub async fn finish(&self, id: i64, status: Status, by: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE conversations SET status = ?, ended_at = ?, ended_by = ?
             WHERE id = ? AND status IN ('waiting', 'active')",
        )
        .bind(status.as_str())
        .bind(now_ms())
        .bind(by)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the agent's wrap-up.
    pub async fn wrap_up(
        &self,
        id: i64,
        agent_id: i64,
        topic: &str,
        note: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE conversations SET wrapup_topic = ?, wrapup_note = ?, wrapped_at = ?
             WHERE id = ? AND agent_id = ? AND status = 'ended'",
        )
        .bind(topic)
        .bind(note)
        .bind(now_ms())
        .bind(id)
        .bind(agent_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    // ----- opening hours ---------------------------------------------------------------

    /// Every queue's opening hours (queues without a row are always open).
    pub async fn queue_schedules(
        &self,
    ) -> Result<std::collections::HashMap<i64, crate::schedule::Schedule>, StoreError> {
        if let Some(schedules) = self.cache.schedules() {
            return Ok(schedules);
        }
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT queue_id, schedule FROM queue_schedules")
                .fetch_all(&self.pool)
                .await?;
        let mut out = std::collections::HashMap::new();
        for (queue, text) in rows {
            match serde_json::from_str(&text) {
                Ok(s) => {
                    out.insert(queue, s);
                }
                // A row this version cannot read must not close the queue silently.
                Err(e) => {
                    tracing::error!(queue, error = %e, "unreadable opening hours; treated as always open")
                }
            }
        }
        self.cache.put_schedules(out.clone());
        Ok(out)
    }

    /// Sets a queue's opening hours.
    pub async fn set_queue_schedule(
        &self,
        queue_id: i64,
        schedule: &crate::schedule::Schedule,
        by: i64,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(schedule)
            .map_err(|e| StoreError::Write(format!("schedule did not serialise: {e}")))?;
        sqlx::query(
            "INSERT INTO queue_schedules (queue_id, schedule, updated_by, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (queue_id) DO UPDATE SET schedule = excluded.schedule,
                updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(queue_id)
        .bind(text)
        .bind(by)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        self.cache.forget(cache::Kind::Schedules);
        Ok(())
    }

    /// Removes a queue's opening hours (always open again).
    pub async fn clear_queue_schedule(&self, queue_id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM queue_schedules WHERE queue_id = ?")
            .bind(queue_id)
            .execute(&self.pool)
            .await?;
        self.cache.forget(cache::Kind::Schedules);
        Ok(())
    }

    /// Records how a resident who left a message wants to be reached.
    pub async fn set_contact(&self, id: i64, method: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE conversations SET contact_method = ?, contact_value = ? WHERE id = ?")
            .bind(method)
            .bind(value)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // ----- kiosks ----------------------------------------------------------------------

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

    // ----- calls -----------------------------------------------------------------------

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

    /// Records a request for one more staff member in a conversation's call.
    pub async fn create_call_request(
        &self,
        conversation_id: i64,
        queue_id: i64,
        topic_id: Option<i64>,
        requested_by: i64,
    ) -> Result<CallRequest, StoreError> {
        let id = sqlx::query(
            "INSERT INTO call_requests (conversation_id, queue_id, topic_id, requested_by, status, created_at)
             VALUES (?, ?, ?, ?, 'waiting', ?)",
        )
        .bind(conversation_id)
        .bind(queue_id)
        .bind(topic_id)
        .bind(requested_by)
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        self.call_request(id).await?.ok_or(StoreError::NotFound)
    }

    /// One call request.
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
    ) -> Result<(), StoreError> {
        let now = now_ms();
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
        .execute(&self.pool)
        .await?;
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

    // ----- messages --------------------------------------------------------------------

    /// Stores a message and returns it with its sequence number, after its transaction
    /// committed (see [`writer`]: messages are written in batches). When `client_id` was
    /// already stored for this conversation, the earlier message is returned instead and
    /// nothing is written (`Appended::duplicate`).
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
}

#[cfg(test)]
mod tests;
