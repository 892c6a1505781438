//! The message writer: one task that appends chat messages in batches (group commit).
//!
//! Every message goes through this task. It takes what is queued (up to [`MAX_BATCH`]),
//! and writes it in ONE transaction: one query to find resends (same client id), one
//! multi-row insert, one commit. Only after the commit does each sender get its answer,
//! so an acknowledged message is always on disk; when the transaction fails, every
//! message of the batch gets the error and none is acknowledged. When Loket is idle a
//! batch is a single message, so batching adds no delay; under load it turns thousands
//! of small transactions into a few large ones.
//!
//! Sequence numbers: the writer is the only writer of messages, so it keeps the last
//! number of each conversation it has seen in memory (loaded from the database on first
//! use) and numbers new messages 1, 2, 3... without gaps. Resends are detected before
//! numbering, so a duplicate never burns a number.

use super::{Appended, Message, NewMessage, Sender, StoreError, now_ms};
use sqlx::{QueryBuilder, Row, SqlitePool};
use std::collections::{HashMap, HashSet, VecDeque};
use tokio::sync::{mpsc, oneshot};

/// Most messages written in one transaction (7 bound values each stays far below
/// SQLite's limit of 32,766 variables).
pub const MAX_BATCH: usize = 512;
/// Conversations whose last number is cached; the cache is emptied beyond this.
const CACHE_LIMIT: usize = 200_000;

/// A message waiting to be written.
#[derive(Debug)]
pub(super) struct Job {
    pub conversation_id: i64,
    pub sender: Sender,
    pub sender_name: String,
    pub body: String,
    pub client_id: Option<String>,
    pub reply: oneshot::Sender<Result<Appended, StoreError>>,
}

impl Job {
    pub fn new(m: &NewMessage<'_>) -> (Job, oneshot::Receiver<Result<Appended, StoreError>>) {
        let (reply, rx) = oneshot::channel();
        (
            Job {
                conversation_id: m.conversation_id,
                sender: m.sender,
                sender_name: m.sender_name.to_string(),
                body: m.body.to_string(),
                client_id: m.client_id.map(str::to_string),
                reply,
            },
            rx,
        )
    }
}

/// Starts the writer task; it ends when every sender is dropped.
pub(super) fn spawn(pool: SqlitePool) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel(8 * MAX_BATCH);
    tokio::spawn(run(pool, rx));
    tx
}

/// What the writer remembers of a conversation: its last number and the client ids of
/// its most recent messages (to answer resends without asking the database).
#[derive(Debug, Default, Clone)]
struct ConvState {
    last: i64,
    recent: HashMap<String, (i64, i64)>,
    order: VecDeque<String>,
}

impl ConvState {
    fn remember(&mut self, client_id: &str, seq: i64, at: i64) {
        if self
            .recent
            .insert(client_id.to_string(), (seq, at))
            .is_none()
        {
            self.order.push_back(client_id.to_string());
        }
        while self.order.len() > RECENT_IDS {
            if let Some(old) = self.order.pop_front() {
                self.recent.remove(&old);
            }
        }
    }
}

/// Client ids remembered per conversation. A resend of an older message is still caught
/// by the database's unique index, and the batch is then retried the careful way.
const RECENT_IDS: usize = 256;

fn is_unique_violation(e: &StoreError) -> bool {
    matches!(e, StoreError::Db(sqlx::Error::Database(d)) if d.is_unique_violation())
}

async fn run(pool: SqlitePool, mut rx: mpsc::Receiver<Job>) {
    let mut last_seq: HashMap<i64, ConvState> = HashMap::new();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if last_seq.len() > CACHE_LIMIT {
            last_seq.clear();
        }
        let jobs = std::mem::take(&mut batch);
        let touched: Vec<i64> = jobs.iter().map(|j| j.conversation_id).collect();
        let mut result = write_batch(&pool, &mut last_seq, &jobs, false).await;
        if result.as_ref().is_err_and(is_unique_violation) {
            // A resend older than the remembered ids: check every id in the database.
            for c in &touched {
                last_seq.remove(c);
            }
            result = write_batch(&pool, &mut last_seq, &jobs, true).await;
        }
        match result {
            Ok(results) => {
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(e) => {
                // Nothing of this batch was stored: forget the numbers we handed out.
                for c in touched {
                    last_seq.remove(&c);
                }
                tracing::error!(error = %e, count = jobs.len(), "message batch not stored");
                let text = e.to_string();
                for job in jobs {
                    let _ = job.reply.send(Err(StoreError::Write(text.clone())));
                }
            }
        }
    }
}

/// Writes one batch; returns one result per job, in order.
async fn write_batch(
    pool: &SqlitePool,
    last_seq: &mut HashMap<i64, ConvState>,
    jobs: &[Job],
    careful: bool,
) -> Result<Vec<Result<Appended, StoreError>>, StoreError> {
    // IMMEDIATE: take the write lock at the start (waiting up to the busy timeout),
    // instead of failing with SQLITE_BUSY when a read transaction upgrades later.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;

    // Last numbers (and existence) of conversations not cached yet.
    let unknown: Vec<i64> = jobs
        .iter()
        .map(|j| j.conversation_id)
        .filter(|c| !last_seq.contains_key(c))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if !unknown.is_empty() {
        let mut q = QueryBuilder::new(
            "SELECT c.id, (SELECT COALESCE(MAX(m.seq), 0) FROM messages m WHERE m.conversation_id = c.id) AS last
             FROM conversations c WHERE c.id IN (",
        );
        let mut sep = q.separated(", ");
        for c in &unknown {
            sep.push_bind(*c);
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *tx).await? {
            let id: i64 = row.try_get("id")?;
            let last: i64 = row.try_get("last")?;
            let mut state = ConvState {
                last,
                ..ConvState::default()
            };
            let recent = sqlx::query(
                "SELECT client_id, seq, created_at FROM messages
                 WHERE conversation_id = ? AND seq > ? AND client_id IS NOT NULL ORDER BY seq",
            )
            .bind(id)
            .bind(last - RECENT_IDS as i64)
            .fetch_all(&mut *tx)
            .await?;
            for r in recent {
                let client_id: String = r.try_get("client_id")?;
                state.remember(&client_id, r.try_get("seq")?, r.try_get("created_at")?);
            }
            last_seq.insert(id, state);
        }
    }

    // Resends: client ids already stored.
    let with_ids: Vec<(i64, &str)> = jobs
        .iter()
        .filter_map(|j| j.client_id.as_deref().map(|id| (j.conversation_id, id)))
        .collect();
    let mut existing: HashMap<(i64, String), Message> = HashMap::new();
    let careful_ids: &[(i64, &str)] = if careful { &with_ids } else { &[] };
    for with_ids in chunks(careful_ids) {
        // A join on a VALUES list lets SQLite use the (conversation_id, client_id)
        // index; `(a, b) IN (VALUES ...)` would scan the whole table.
        let mut q = QueryBuilder::new(
            "SELECT m.conversation_id, m.seq, m.sender, m.sender_name, m.body, m.client_id, m.created_at
             FROM (VALUES ",
        );
        let mut sep = q.separated(", ");
        for (c, id) in with_ids {
            sep.push("(");
            sep.push_bind_unseparated(*c);
            sep.push_unseparated(", ");
            sep.push_bind_unseparated(*id);
            sep.push_unseparated(")");
        }
        q.push(
            ") AS v JOIN messages m ON m.conversation_id = v.column1 AND m.client_id = v.column2
             AND m.client_id IS NOT NULL",
        );
        for row in q.build().fetch_all(&mut *tx).await? {
            let conv: i64 = row.try_get("conversation_id")?;
            let m = Message {
                seq: row.try_get("seq")?,
                sender: row.try_get("sender")?,
                sender_name: row.try_get("sender_name")?,
                body: row.try_get("body")?,
                client_id: row.try_get("client_id")?,
                created_at: row.try_get("created_at")?,
            };
            if let Some(id) = m.client_id.clone() {
                existing.insert((conv, id), m);
            }
        }
    }

    // Number the new ones; a client id seen twice in this batch is stored once.
    let now = now_ms();
    let mut results: Vec<Result<Appended, StoreError>> = Vec::with_capacity(jobs.len());
    let mut rows: Vec<(i64, Message)> = Vec::new();
    let mut in_batch: HashMap<(i64, String), usize> = HashMap::new();
    for job in jobs {
        // Changed in place; when the transaction fails the caller forgets these
        // conversations, so the next batch reloads them from the database.
        let Some(last) = last_seq.get_mut(&job.conversation_id) else {
            results.push(Err(StoreError::NotFound));
            continue;
        };
        if let Some(id) = &job.client_id {
            let key = (job.conversation_id, id.clone());
            let remembered = last.recent.get(id).map(|(seq, at)| Message {
                seq: *seq,
                sender: job.sender,
                sender_name: job.sender_name.clone(),
                body: job.body.clone(),
                client_id: Some(id.clone()),
                created_at: *at,
            });
            if let Some(m) = existing.get(&key).or(remembered.as_ref()) {
                results.push(Ok(Appended {
                    message: m.clone(),
                    duplicate: true,
                }));
                continue;
            }
            if let Some((_, m)) = in_batch.get(&key).and_then(|i| rows.get(*i)) {
                results.push(Ok(Appended {
                    message: m.clone(),
                    duplicate: true,
                }));
                continue;
            }
            in_batch.insert(key, rows.len());
        }
        last.last += 1;
        if let Some(id) = &job.client_id {
            last.remember(id, last.last, now);
        }
        let message = Message {
            seq: last.last,
            sender: job.sender,
            sender_name: job.sender_name.clone(),
            body: job.body.clone(),
            client_id: job.client_id.clone(),
            created_at: now,
        };
        rows.push((job.conversation_id, message.clone()));
        results.push(Ok(Appended {
            message,
            duplicate: false,
        }));
    }

    for chunk in chunks(&rows) {
        let mut q = QueryBuilder::new(
            "INSERT INTO messages (conversation_id, seq, sender, sender_name, body, client_id, created_at) ",
        );
        q.push_values(chunk, |mut b, (conv, m)| {
            b.push_bind(*conv)
                .push_bind(m.seq)
                .push_bind(m.sender.as_str())
                .push_bind(&m.sender_name)
                .push_bind(&m.body)
                .push_bind(&m.client_id)
                .push_bind(m.created_at);
        });
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(results)
}

/// Splits a batch into chunks of a few fixed sizes, so that the multi-row statements
/// have few distinct shapes and stay in sqlx's prepared-statement cache.
fn chunks<T>(items: &[T]) -> Vec<&[T]> {
    const SIZES: [usize; 4] = [128, 32, 8, 1];
    let mut out = Vec::new();
    let mut rest = items;
    while !rest.is_empty() {
        let size = SIZES
            .iter()
            .copied()
            .find(|s| *s <= rest.len())
            .unwrap_or(1);
        let (head, tail) = rest.split_at(size);
        out.push(head);
        rest = tail;
    }
    out
}
