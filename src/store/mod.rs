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
//!
//! This file holds the [`Store`] handle, opening the database and the error type. The
//! methods live with the data they handle, one `impl Store` per file:
//! `reference.rs` (settings, queues, topics, FAQ, opening hours), `staff.rs` (accounts,
//! sessions), `conversations.rs`, `messages.rs`, `kiosks.rs`, `calls.rs`, `inbox.rs` (asynchronous
//! work: left messages), `events.rs` (the contact event log the reports read) and
//! `privacy.rs` (retention purge, erasure, legal holds, the
//! access log).

mod board;
mod cache;
mod calls;
mod conversations;
mod events;
mod facts;
mod inbox;
mod kiosks;
mod messages;
mod models;
mod privacy;
mod reference;
mod staff;
mod survey;
mod touch;
mod writer;

pub use board::BoardToken;
pub use events::{EventKind, EventNote, StaffState};
pub use inbox::{
    AnswerHow, InboxChannel, InboxItem, InboxState, NewInboxItem, Queues, Reach, SendState,
};
pub use models::*;
pub use privacy::{
    AccessEntry, AccessFilter, Cutoffs, Found, Hold, LogCheck, NewAccess, PURGE_BATCH, PurgeCounts,
};
pub use survey::{NewSurveyAnswer, SurveyState};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqlitePool};
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

/// A staff session's "last used" time is written at most this often (milliseconds), so
/// idle expiry is exact to within a minute.
pub const SESSION_TOUCH_MS: i64 = 60_000;

/// The users table's role check as it is since the privacy officer's role (issue 15).
const USERS_WITH_PRIVACY: &str = "CREATE TABLE users_new (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'interpreter', 'supervisor', 'admin', 'privacy')),
    password_hash TEXT NOT NULL,
    chat_capacity INTEGER NOT NULL DEFAULT 3,
    is_demo       INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
)";

/// Widens the role check of `users` to the privacy officer, once. SQLite cannot change a
/// CHECK in place; its documented procedure rebuilds the table with foreign keys off, so
/// dropping the old table does not cascade into sessions and skills. A migration cannot
/// do that (sqlx runs each one inside a transaction, where the foreign-key switch is
/// ignored), so it runs here, on one connection, right after the migrations.
async fn widen_roles(pool: &SqlitePool) -> Result<(), StoreError> {
    let sql: Option<String> =
        sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'users'")
            .fetch_optional(pool)
            .await?;
    if sql.is_none_or(|s| s.contains("'privacy'")) {
        return Ok(());
    }
    let mut conn = pool.acquire().await?;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let rebuilt = async {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::query(USERS_WITH_PRIVACY).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO users_new (id, username, display_name, role, password_hash, \
             chat_capacity, is_demo, disabled, created_at) \
             SELECT id, username, display_name, role, password_hash, chat_capacity, is_demo, \
             disabled, created_at FROM users",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("DROP TABLE users").execute(&mut *tx).await?;
        sqlx::query("ALTER TABLE users_new RENAME TO users")
            .execute(&mut *tx)
            .await?;
        let broken: Vec<sqlx::sqlite::SqliteRow> = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *tx)
            .await?;
        if !broken.is_empty() {
            return Err(StoreError::Write(format!(
                "{} rows lost their staff member while widening the roles",
                broken.len()
            )));
        }
        tx.commit().await?;
        Ok::<(), StoreError>(())
    }
    .await;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    rebuilt
}

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    writer: tokio::sync::mpsc::Sender<writer::Job>,
    touches: tokio::sync::mpsc::Sender<touch::Touch>,
    cache: std::sync::Arc<cache::Cache>,
    /// Access-log entries are sealed one at a time (each names the one before it).
    access_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
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
            .pragma("temp_store", "memory")
            // Deleted rows are overwritten with zeros, so text the retention purge or an
            // erasure removed cannot be read back from the file (issue 15).
            .pragma("secure_delete", "ON");
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
        widen_roles(&pool).await?;
        let writer = writer::spawn(pool.clone());
        let touches = touch::spawn(pool.clone());
        let store = Store {
            pool,
            writer,
            touches,
            cache: Default::default(),
            access_lock: Default::default(),
        };
        store.facts_up_to_date().await?;
        Ok(store)
    }

    /// Closes every connection (used on shutdown so the WAL is checkpointed).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests;
