//! Staff sessions' "last used" times, written in batches.
//!
//! Every open console confirms its session on each heartbeat, and every signed-in page
//! view does too; a session's last use is written at most once a minute
//! ([`super::SESSION_TOUCH_MS`]). With thousands of consoles open those writes would each
//! be a durable commit competing with chat messages for SQLite's write lock (seen in the
//! load test as latency spikes of a second). So they are queued here and written together:
//! one transaction for everything that arrived within [`GATHER`].

use sqlx::SqlitePool;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long the task gathers touches before writing them.
const GATHER: Duration = Duration::from_millis(250);
/// Touches waiting at most; beyond this a touch is skipped (it is only a timestamp, and
/// the next heartbeat asks again).
const QUEUE: usize = 65_536;

/// A session's token hash and when it was used.
pub(super) type Touch = (Vec<u8>, i64);

/// Starts the task; it ends when every sender is dropped.
pub(super) fn spawn(pool: SqlitePool) -> mpsc::Sender<Touch> {
    let (tx, rx) = mpsc::channel(QUEUE);
    tokio::spawn(run(pool, rx));
    tx
}

async fn run(pool: SqlitePool, mut rx: mpsc::Receiver<Touch>) {
    while let Some(first) = rx.recv().await {
        tokio::time::sleep(GATHER).await;
        let mut batch = vec![first];
        while let Ok(t) = rx.try_recv() {
            batch.push(t);
        }
        if let Err(e) = write(&pool, &batch).await {
            tracing::warn!(error = %e, count = batch.len(), "session times not written");
        }
    }
}

async fn write(pool: &SqlitePool, batch: &[Touch]) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    for (hash, at) in batch {
        sqlx::query("UPDATE sessions SET last_seen_at = MAX(last_seen_at, ?) WHERE token_hash = ?")
            .bind(at)
            .bind(hash.as_slice())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}
