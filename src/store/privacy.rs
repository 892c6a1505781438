//! Privacy: the retention purge, erasure on request, legal holds, the retention terms set
//! on the privacy page, finding everything about one resident, and the access log.
//!
//! One executor does both the purge and an erasure ([`Store::purge_batch`] and
//! [`Store::erase`]): it blanks the personal fields and deletes the messages of the
//! conversations it is given, and leaves each row's queue, channel, topic, times and
//! outcome, so reports keep their counts. Every step is idempotent (it only touches rows
//! that still hold something), works in batches of one transaction each, and can be
//! killed at any point: the next run finishes the job and a run with nothing left to do
//! changes nothing. SQLite runs with `secure_delete`, so deleted text is overwritten in
//! the file, and the purge ends with a WAL checkpoint that truncates the log.
//!
//! The access log is append-only: entries are sealed with [`crate::privacy::chain`] under
//! one lock, and only retention removes old entries, keeping the hash of the last one it
//! removed as the chain's new start (setting `access_log.anchor`).

use super::{Store, StoreError, now_ms};
use crate::config::RetentionSettings;
use crate::privacy::chain;
use serde::Serialize;
use sqlx::Row;

/// Conversations (or left messages) handled per transaction.
pub const PURGE_BATCH: i64 = 200;
const DAY_MS: i64 = 86_400_000;
const TERMS_KEY: &str = "retention_terms";
const ANCHOR_KEY: &str = "access_log.anchor";
const LAST_ID_KEY: &str = "access_log.last_id";

/// The moment each kind of data is kept from: anything whose anchor lies before it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    pub messages: i64,
    pub contact: i64,
    pub notes: i64,
    pub access_log: i64,
}

impl Cutoffs {
    /// The cutoffs at `now` (unix ms) for `terms`.
    pub fn at(now: i64, terms: &RetentionSettings) -> Cutoffs {
        let back = |days: u32| now - i64::from(days) * DAY_MS;
        Cutoffs {
            messages: back(terms.messages_days),
            contact: back(terms.contact_days),
            notes: back(terms.notes_days),
            access_log: back(terms.access_log_days),
        }
    }

    /// Everything, now (an erasure).
    fn everything() -> Cutoffs {
        Cutoffs {
            messages: i64::MAX,
            contact: i64::MAX,
            notes: i64::MAX,
            access_log: i64::MIN,
        }
    }
}

/// What a purge removed (or, for a dry run, would remove).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeCounts {
    /// Conversations whose messages went.
    pub conversations: u64,
    /// Messages deleted.
    pub messages: u64,
    /// Conversations whose name and contact details went.
    pub contacts: u64,
    /// Wrap-up notes removed.
    pub notes: u64,
    /// Left messages whose text and answer went.
    pub left_messages: u64,
    /// Left messages whose name and address or number went.
    pub left_contacts: u64,
    /// Access-log entries past their term.
    pub access_log: u64,
}

impl PurgeCounts {
    pub fn is_empty(&self) -> bool {
        *self == PurgeCounts::default()
    }

    fn add(&mut self, o: PurgeCounts) {
        self.conversations += o.conversations;
        self.messages += o.messages;
        self.contacts += o.contacts;
        self.notes += o.notes;
        self.left_messages += o.left_messages;
        self.left_contacts += o.left_contacts;
        self.access_log += o.access_log;
    }
}

/// Which rows an executor step works on.
#[derive(Debug, Clone, Copy)]
enum Scope {
    /// Everything past its cutoff and not on hold, up to a batch.
    Due,
    /// One conversation (an erasure).
    Conversation(i64),
    /// One left message (an erasure).
    Inbox(i64),
}

/// A conversation still holds text the resident or staff wrote: messages, or the
/// comment of a survey answer.
const CONV_TEXT: &str = "EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id) \
    OR EXISTS (SELECT 1 FROM survey_answers s WHERE s.conversation_id = c.id \
    AND s.comment IS NOT NULL)";

/// The last moment of activity of a conversation (its end, else its last message, else its
/// start), as SQL over `c`.
const CONV_ANCHOR: &str = "COALESCE(c.ended_at, (SELECT MAX(m.created_at) FROM messages m \
     WHERE m.conversation_id = c.id), c.created_at)";
const CONV_FREE: &str = "NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.conversation_id = c.id \
     AND h.lifted_at IS NULL)";
const INBOX_ANCHOR: &str = "COALESCE(i.answered_at, i.created_at)";
const INBOX_FREE: &str = "NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.inbox_id = i.id \
     AND h.lifted_at IS NULL)";

/// A legal hold as the privacy page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Hold {
    pub id: i64,
    pub conversation_id: Option<i64>,
    pub inbox_id: Option<i64>,
    pub reason: String,
    pub set_by: String,
    pub set_at: i64,
    pub lifted_by: Option<String>,
    pub lifted_reason: Option<String>,
    pub lifted_at: Option<i64>,
}

/// One access-log entry, with the names of who and what.
#[derive(Debug, Clone, Serialize)]
pub struct AccessEntry {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub role: String,
    pub action: String,
    pub conversation_id: Option<i64>,
    pub inbox_id: Option<i64>,
    pub session: String,
    pub detail: String,
    #[serde(skip)]
    pub prev_hash: Vec<u8>,
    #[serde(skip)]
    pub hash: Vec<u8>,
}

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewAccess<'a> {
    pub user_id: Option<i64>,
    pub role: &'a str,
    pub action: &'a str,
    pub conversation_id: Option<i64>,
    pub inbox_id: Option<i64>,
    pub session: &'a str,
    pub detail: &'a str,
}

/// Filters of the access-log page (all optional).
#[derive(Debug, Clone, Default)]
pub struct AccessFilter {
    pub user: Option<String>,
    pub action: Option<String>,
    pub conversation_id: Option<i64>,
    pub inbox_id: Option<i64>,
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub limit: i64,
}

/// Where the chain stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogCheck {
    /// Every entry fits; how many there are.
    Intact(u64),
    /// The first entry that does not fit.
    Broken(chain::Broken),
}

/// What a search found: conversations and left messages.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Found {
    pub conversations: Vec<i64>,
    pub inbox_items: Vec<i64>,
}

impl Store {
    // ----- retention terms --------------------------------------------------------------

    /// The retention terms: those set on the privacy page, else `defaults` (the config).
    pub async fn retention_terms(
        &self,
        defaults: &RetentionSettings,
    ) -> Result<RetentionSettings, StoreError> {
        let stored: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(TERMS_KEY)
            .fetch_optional(&self.pool)
            .await?;
        Ok(stored
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_else(|| defaults.clone()))
    }

    /// Stores new retention terms (validated by the caller).
    pub async fn set_retention_terms(&self, terms: &RetentionSettings) -> Result<(), StoreError> {
        let value = serde_json::to_string(terms).map_err(|e| StoreError::Write(e.to_string()))?;
        sqlx::query(
            "INSERT INTO settings (key, value, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(TERMS_KEY)
        .bind(value)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    // ----- purge and erasure ------------------------------------------------------------

    /// What a purge at `now` would remove, without removing anything.
    pub async fn purge_preview(
        &self,
        now: i64,
        terms: &RetentionSettings,
    ) -> Result<PurgeCounts, StoreError> {
        let cut = Cutoffs::at(now, terms);
        let count = |sql: String, at: i64| {
            let pool = self.pool.clone();
            async move {
                let n: i64 = sqlx::query_scalar(&sql).bind(at).fetch_one(&pool).await?;
                Ok::<u64, StoreError>(n.max(0) as u64)
            }
        };
        let conv = |cond: &str| {
            format!(
                "SELECT COUNT(*) FROM conversations c WHERE {CONV_ANCHOR} < ? AND {CONV_FREE} AND ({cond})"
            )
        };
        let inbox = |cond: &str| {
            format!(
                "SELECT COUNT(*) FROM inbox_items i WHERE {INBOX_ANCHOR} < ? AND {INBOX_FREE} AND ({cond})"
            )
        };
        Ok(PurgeCounts {
            conversations: count(conv(CONV_TEXT), cut.messages).await?,
            messages: count(
                format!(
                    "SELECT COUNT(*) FROM messages WHERE conversation_id IN \
                     (SELECT c.id FROM conversations c WHERE {CONV_ANCHOR} < ? AND {CONV_FREE})"
                ),
                cut.messages,
            )
            .await?,
            contacts: count(
                conv("c.resident_name != '' OR c.contact_value IS NOT NULL"),
                cut.contact,
            )
            .await?,
            notes: count(conv("c.wrapup_note IS NOT NULL"), cut.notes).await?,
            left_messages: count(
                inbox("i.body != '' OR i.answer_body IS NOT NULL OR i.answer_subject IS NOT NULL"),
                cut.messages,
            )
            .await?,
            left_contacts: count(
                inbox("i.resident_name != '' OR i.reach_value != ''"),
                cut.contact,
            )
            .await?,
            access_log: count(
                "SELECT COUNT(*) FROM access_log WHERE at < ?".to_string(),
                cut.access_log,
            )
            .await?,
        })
    }

    /// Runs the purge at `now` to the end, batch by batch, then checkpoints the WAL so no
    /// deleted text stays in the log file. Safe to kill at any point.
    pub async fn purge(
        &self,
        now: i64,
        terms: &RetentionSettings,
    ) -> Result<PurgeCounts, StoreError> {
        let mut total = PurgeCounts::default();
        loop {
            let done = self.purge_batch(now, terms, PURGE_BATCH).await?;
            if done.is_empty() {
                break;
            }
            total.add(done);
        }
        self.checkpoint().await?;
        Ok(total)
    }

    /// One batch of the purge (one transaction): at most `limit` conversations and left
    /// messages per step. Empty counts: nothing was left to do.
    pub async fn purge_batch(
        &self,
        now: i64,
        terms: &RetentionSettings,
        limit: i64,
    ) -> Result<PurgeCounts, StoreError> {
        self.execute(Cutoffs::at(now, terms), Scope::Due, limit, now)
            .await
    }

    /// Erases one conversation's content and contact details now (art. 17), keeping its
    /// figures. Refused (`Ok(false)`) while a legal hold is on it.
    pub async fn erase_conversation(&self, id: i64) -> Result<bool, StoreError> {
        if self.held_conversation(id).await? {
            return Ok(false);
        }
        self.execute(Cutoffs::everything(), Scope::Conversation(id), 1, now_ms())
            .await?;
        self.checkpoint().await?;
        Ok(true)
    }

    /// Erases one left message's text, answer and contact details now (art. 17).
    /// Refused (`Ok(false)`) while a legal hold is on it.
    pub async fn erase_inbox_item(&self, id: i64) -> Result<bool, StoreError> {
        if self.held_inbox(id).await? {
            return Ok(false);
        }
        self.execute(Cutoffs::everything(), Scope::Inbox(id), 1, now_ms())
            .await?;
        self.checkpoint().await?;
        Ok(true)
    }

    /// Writes the WAL back into the database file and truncates it.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The one executor of purge and erasure.
    async fn execute(
        &self,
        cut: Cutoffs,
        scope: Scope,
        limit: i64,
        now: i64,
    ) -> Result<PurgeCounts, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut counts = PurgeCounts::default();
        // Which conversations / left messages a step takes: past the cutoff and free, or
        // the one named. The ids are chosen inside the transaction.
        let conv_ids = |cond: &str| match scope {
            Scope::Due => format!(
                "SELECT c.id FROM conversations c WHERE {CONV_ANCHOR} < ? AND {CONV_FREE} \
                 AND ({cond}) LIMIT {limit}"
            ),
            Scope::Conversation(id) => {
                format!(
                    "SELECT c.id FROM conversations c WHERE c.id = {id} AND ? IS NOT NULL AND ({cond})"
                )
            }
            Scope::Inbox(_) => "SELECT 0 WHERE ? IS NULL".to_string(),
        };
        let inbox_ids = |cond: &str| match scope {
            Scope::Due => format!(
                "SELECT i.id FROM inbox_items i WHERE {INBOX_ANCHOR} < ? AND {INBOX_FREE} \
                 AND ({cond}) LIMIT {limit}"
            ),
            Scope::Inbox(id) => {
                format!(
                    "SELECT i.id FROM inbox_items i WHERE i.id = {id} AND ? IS NOT NULL AND ({cond})"
                )
            }
            Scope::Conversation(_) => "SELECT 0 WHERE ? IS NULL".to_string(),
        };
        async fn ids(
            tx: &mut sqlx::SqliteConnection,
            sql: &str,
            cut: i64,
        ) -> Result<Vec<i64>, StoreError> {
            Ok(sqlx::query_scalar(sql).bind(cut).fetch_all(tx).await?)
        }
        fn list(ids: &[i64]) -> String {
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        }

        // Messages and transcripts, and the survey comment (the resident's own words too).
        let c = ids(&mut tx, &conv_ids(CONV_TEXT), cut.messages).await?;
        if !c.is_empty() {
            let l = list(&c);
            let gone = sqlx::query(&format!(
                "DELETE FROM messages WHERE conversation_id IN ({l})"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "UPDATE survey_answers SET comment = NULL WHERE conversation_id IN ({l})"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "UPDATE conversations SET purged_at = ? WHERE id IN ({l}) AND purged_at IS NULL"
            ))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            counts.conversations = c.len() as u64;
            counts.messages = gone.rows_affected();
        }
        // Name and contact details (also the resident's name on messages still kept).
        let c = ids(
            &mut tx,
            &conv_ids("c.resident_name != '' OR c.contact_value IS NOT NULL"),
            cut.contact,
        )
        .await?;
        if !c.is_empty() {
            let l = list(&c);
            sqlx::query(&format!(
                "UPDATE conversations SET resident_name = '', contact_value = NULL \
                 WHERE id IN ({l})"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "UPDATE messages SET sender_name = '' WHERE sender = 'resident' \
                 AND conversation_id IN ({l})"
            ))
            .execute(&mut *tx)
            .await?;
            counts.contacts = c.len() as u64;
        }
        // Wrap-up notes.
        let c = ids(&mut tx, &conv_ids("c.wrapup_note IS NOT NULL"), cut.notes).await?;
        if !c.is_empty() {
            sqlx::query(&format!(
                "UPDATE conversations SET wrapup_note = NULL WHERE id IN ({})",
                list(&c)
            ))
            .execute(&mut *tx)
            .await?;
            counts.notes = c.len() as u64;
        }
        // Left messages: text and answer.
        let i = ids(
            &mut tx,
            &inbox_ids("i.body != '' OR i.answer_body IS NOT NULL OR i.answer_subject IS NOT NULL"),
            cut.messages,
        )
        .await?;
        if !i.is_empty() {
            sqlx::query(&format!(
                "UPDATE inbox_items SET body = '', answer_subject = NULL, answer_body = NULL, \
                 send_error = NULL, purged_at = COALESCE(purged_at, ?) WHERE id IN ({})",
                list(&i)
            ))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            counts.left_messages = i.len() as u64;
        }
        // Left messages: name and address or number.
        let i = ids(
            &mut tx,
            &inbox_ids("i.resident_name != '' OR i.reach_value != ''"),
            cut.contact,
        )
        .await?;
        if !i.is_empty() {
            sqlx::query(&format!(
                "UPDATE inbox_items SET resident_name = '', reach_value = '', send_error = NULL \
                 WHERE id IN ({})",
                list(&i)
            ))
            .execute(&mut *tx)
            .await?;
            counts.left_contacts = i.len() as u64;
        }
        // The access log past its term (only in a purge), keeping the chain's new start.
        if matches!(scope, Scope::Due) {
            let last: Option<(i64, Vec<u8>)> = sqlx::query_as(&format!(
                "SELECT id, hash FROM (SELECT id, hash FROM access_log WHERE at < ? \
                 ORDER BY id LIMIT {limit}) ORDER BY id DESC LIMIT 1"
            ))
            .bind(cut.access_log)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((last_id, hash)) = last {
                let gone = sqlx::query("DELETE FROM access_log WHERE id <= ?")
                    .bind(last_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO settings (key, value, created_at) VALUES (?, ?, ?) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(ANCHOR_KEY)
                .bind(hex(&hash))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                counts.access_log = gone.rows_affected();
            }
        }
        tx.commit().await?;
        Ok(counts)
    }

    // ----- legal holds ------------------------------------------------------------------

    async fn held_conversation(&self, id: i64) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM legal_holds WHERE conversation_id = ? AND lifted_at IS NULL",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    async fn held_inbox(&self, id: i64) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM legal_holds WHERE inbox_id = ? AND lifted_at IS NULL",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// Places a hold on a conversation or (with `inbox`) a left message; `None` when one
    /// is already on it. Returns the hold's id.
    pub async fn place_hold(
        &self,
        conversation: Option<i64>,
        inbox: Option<i64>,
        reason: &str,
        by: i64,
    ) -> Result<Option<i64>, StoreError> {
        let already = match (conversation, inbox) {
            (Some(c), None) => self.held_conversation(c).await?,
            (None, Some(i)) => self.held_inbox(i).await?,
            _ => return Err(StoreError::NotFound),
        };
        if already {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO legal_holds (conversation_id, inbox_id, reason, set_by, set_at) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(conversation)
        .bind(inbox)
        .bind(reason)
        .bind(by)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(Some(id))
    }

    /// Lifts hold `id`; `false` when it was not in force.
    pub async fn lift_hold(&self, id: i64, reason: &str, by: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE legal_holds SET lifted_by = ?, lifted_reason = ?, lifted_at = ? \
             WHERE id = ? AND lifted_at IS NULL",
        )
        .bind(by)
        .bind(reason)
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Holds on a conversation or left message, newest first (lifted ones too).
    pub async fn holds(
        &self,
        conversation: Option<i64>,
        inbox: Option<i64>,
    ) -> Result<Vec<Hold>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.id, h.conversation_id, h.inbox_id, h.reason, s.display_name AS set_by, \
                    h.set_at, l.display_name AS lifted_by, h.lifted_reason, h.lifted_at \
             FROM legal_holds h JOIN users s ON s.id = h.set_by \
             LEFT JOIN users l ON l.id = h.lifted_by \
             WHERE (h.conversation_id = ?1 AND ?1 IS NOT NULL) OR (h.inbox_id = ?2 AND ?2 IS NOT NULL) \
                OR (?1 IS NULL AND ?2 IS NULL AND h.lifted_at IS NULL) \
             ORDER BY h.id DESC",
        )
        .bind(conversation)
        .bind(inbox)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Hold {
                id: r.get("id"),
                conversation_id: r.get("conversation_id"),
                inbox_id: r.get("inbox_id"),
                reason: r.get("reason"),
                set_by: r.get("set_by"),
                set_at: r.get("set_at"),
                lifted_by: r.get("lifted_by"),
                lifted_reason: r.get("lifted_reason"),
                lifted_at: r.get("lifted_at"),
            })
            .collect())
    }

    /// When the content of a conversation will be deleted under `terms` (unix ms), or
    /// `None` while it is open or on hold.
    pub async fn kept_until(
        &self,
        conversation: i64,
        terms: &RetentionSettings,
    ) -> Result<Option<i64>, StoreError> {
        if self.held_conversation(conversation).await? {
            return Ok(None);
        }
        let ended: Option<i64> =
            sqlx::query_scalar("SELECT ended_at FROM conversations WHERE id = ?")
                .bind(conversation)
                .fetch_optional(&self.pool)
                .await?
                .flatten();
        Ok(ended.map(|e| e + i64::from(terms.messages_days) * DAY_MS))
    }

    /// When the purge or an erasure took a conversation's content, if it did.
    pub async fn purged_at(&self, conversation: i64) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT purged_at FROM conversations WHERE id = ?")
                .bind(conversation)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    // ----- finding a resident -----------------------------------------------------------

    /// Everything that matches `query`: a left message's reference (`B-000-123`), a
    /// conversation's number (`G-123` or `123`), an e-mail address or telephone number
    /// (exact), a name (exact, any case), or a resident's link token.
    pub async fn find_resident(&self, query: &str) -> Result<Found, StoreError> {
        let q = query.trim();
        let mut found = Found::default();
        if q.is_empty() {
            return Ok(found);
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let upper = q.to_ascii_uppercase();
        if upper.starts_with("B-") || upper.starts_with("B ") {
            if let Ok(id) = digits.parse::<i64>() {
                found.inbox_items.push(id);
            }
        }
        if upper.starts_with("G-") || (!digits.is_empty() && digits.len() < 9 && digits == q) {
            if let Ok(id) = digits.parse::<i64>() {
                found.conversations.push(id);
            }
        }
        let token = crate::auth::hash_token(q).to_vec();
        let lowered = q.to_lowercase();
        let phone = (digits.len() >= 9).then(|| digits.clone());
        let convs: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE token_hash = ?1 OR lower(resident_name) = ?2 \
             OR lower(contact_value) = ?2 \
             OR (?3 IS NOT NULL AND replace(replace(replace(contact_value, ' ', ''), '-', ''), '+31', '0') = ?3) \
             ORDER BY id LIMIT 500",
        )
        .bind(&token)
        .bind(&lowered)
        .bind(phone.as_deref().map(dutch_phone))
        .fetch_all(&self.pool)
        .await?;
        let items: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM inbox_items WHERE token_hash = ?1 OR lower(resident_name) = ?2 \
             OR lower(reach_value) = ?2 \
             OR (?3 IS NOT NULL AND replace(replace(replace(reach_value, ' ', ''), '-', ''), '+31', '0') = ?3) \
             ORDER BY id LIMIT 500",
        )
        .bind(&token)
        .bind(&lowered)
        .bind(phone.as_deref().map(dutch_phone))
        .fetch_all(&self.pool)
        .await?;
        found.conversations.extend(convs);
        found.inbox_items.extend(items);
        // Only what exists.
        let mut convs = Vec::new();
        for id in found.conversations {
            if !convs.contains(&id) && self.conversation(id).await?.is_some() {
                convs.push(id);
            }
        }
        let mut items = Vec::new();
        for id in found.inbox_items {
            if !items.contains(&id) && self.inbox_item(id).await?.is_some() {
                items.push(id);
            }
        }
        Ok(Found {
            conversations: convs,
            inbox_items: items,
        })
    }

    /// Every message of a conversation, in order (for an export).
    pub async fn all_messages(&self, conversation: i64) -> Result<Vec<super::Message>, StoreError> {
        self.messages_after(conversation, 0, i64::MAX).await
    }

    // ----- the access log ---------------------------------------------------------------

    /// Appends an entry, sealed onto the chain.
    pub async fn log_access(&self, e: &NewAccess<'_>) -> Result<(), StoreError> {
        let _one_at_a_time = self.access_lock.lock().await;
        let mut tx = self.pool.begin().await?;
        let last: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT id, hash FROM access_log ORDER BY id DESC LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?;
        let (prev_id, prev) = match last {
            Some((id, hash)) => (id, to_hash(&hash)),
            None => {
                let anchor: Option<String> =
                    sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
                        .bind(ANCHOR_KEY)
                        .fetch_optional(&mut *tx)
                        .await?;
                (
                    0,
                    anchor.as_deref().and_then(unhex).unwrap_or(chain::GENESIS),
                )
            }
        };
        // Ids keep counting after retention removed every entry (SQLite would reuse
        // them); the id is part of the seal.
        let counted: Option<String> =
            sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
                .bind(LAST_ID_KEY)
                .fetch_optional(&mut *tx)
                .await?;
        let id = prev_id.max(counted.and_then(|s| s.parse().ok()).unwrap_or(0)) + 1;
        let at = now_ms();
        let fields = chain::Fields {
            id,
            at,
            user_id: e.user_id,
            role: e.role,
            action: e.action,
            conversation_id: e.conversation_id,
            inbox_id: e.inbox_id,
            session: e.session,
            detail: e.detail,
        };
        let hash = chain::seal(&prev, &fields);
        sqlx::query(
            "INSERT INTO access_log (id, at, user_id, role, action, conversation_id, inbox_id, \
             session, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(at)
        .bind(e.user_id)
        .bind(e.role)
        .bind(e.action)
        .bind(e.conversation_id)
        .bind(e.inbox_id)
        .bind(e.session)
        .bind(e.detail)
        .bind(prev.to_vec())
        .bind(hash.to_vec())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO settings (key, value, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(LAST_ID_KEY)
        .bind(id.to_string())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Was there an entry by `user` with `action` on `conversation` since `since` (unix ms)?
    pub async fn accessed_since(
        &self,
        user: i64,
        action: &str,
        conversation: Option<i64>,
        inbox: Option<i64>,
        since: i64,
    ) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM access_log WHERE user_id = ? AND action = ? \
             AND conversation_id IS ? AND inbox_id IS ? AND at >= ?",
        )
        .bind(user)
        .bind(action)
        .bind(conversation)
        .bind(inbox)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// Entries matching `f`, newest first.
    pub async fn access_log(&self, f: &AccessFilter) -> Result<Vec<AccessEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.at, a.user_id, COALESCE(u.display_name, '') AS user_name, a.role, \
                    a.action, a.conversation_id, a.inbox_id, a.session, a.detail, a.prev_hash, a.hash \
             FROM access_log a LEFT JOIN users u ON u.id = a.user_id \
             WHERE (?1 IS NULL OR u.username = ?1 OR lower(u.display_name) = lower(?1)) \
               AND (?2 IS NULL OR a.action = ?2) \
               AND (?3 IS NULL OR a.conversation_id = ?3) \
               AND (?4 IS NULL OR a.inbox_id = ?4) \
               AND (?5 IS NULL OR a.at >= ?5) AND (?6 IS NULL OR a.at < ?6) \
             ORDER BY a.id DESC LIMIT ?7",
        )
        .bind(&f.user)
        .bind(&f.action)
        .bind(f.conversation_id)
        .bind(f.inbox_id)
        .bind(f.from_ms)
        .bind(f.until_ms)
        .bind(f.limit.max(1))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(access_entry).collect())
    }

    /// Checks the whole chain from its start (the genesis, or the anchor retention left).
    pub async fn verify_access_log(&self) -> Result<LogCheck, StoreError> {
        let anchor: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(ANCHOR_KEY)
            .fetch_optional(&self.pool)
            .await?;
        let start = anchor.as_deref().and_then(unhex).unwrap_or(chain::GENESIS);
        let rows = sqlx::query(
            "SELECT a.id, a.at, a.user_id, '' AS user_name, a.role, a.action, a.conversation_id, \
                    a.inbox_id, a.session, a.detail, a.prev_hash, a.hash \
             FROM access_log a ORDER BY a.id",
        )
        .fetch_all(&self.pool)
        .await?;
        let entries: Vec<AccessEntry> = rows.into_iter().map(access_entry).collect();
        let stored = entries.iter().map(|e| chain::Stored {
            fields: chain::Fields {
                id: e.id,
                at: e.at,
                user_id: e.user_id,
                role: &e.role,
                action: &e.action,
                conversation_id: e.conversation_id,
                inbox_id: e.inbox_id,
                session: &e.session,
                detail: &e.detail,
            },
            prev: to_hash(&e.prev_hash),
            hash: to_hash(&e.hash),
        });
        Ok(match chain::verify(start, stored) {
            Ok(n) => LogCheck::Intact(n),
            Err(b) => LogCheck::Broken(b),
        })
    }
}

fn access_entry(r: sqlx::sqlite::SqliteRow) -> AccessEntry {
    AccessEntry {
        id: r.get("id"),
        at: r.get("at"),
        user_id: r.get("user_id"),
        user_name: r.get("user_name"),
        role: r.get("role"),
        action: r.get("action"),
        conversation_id: r.get("conversation_id"),
        inbox_id: r.get("inbox_id"),
        session: r.get("session"),
        detail: r.get("detail"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    }
}

/// A stored hash as 32 bytes (a wrong length reads as zeros, which then fails the check).
fn to_hash(b: &[u8]) -> [u8; 32] {
    let mut h = [0u8; 32];
    if b.len() == 32 {
        h.copy_from_slice(b);
    }
    h
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut h = [0u8; 32];
    for (i, out) in h.iter_mut().enumerate() {
        *out = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(h)
}

/// A Dutch number in one form: digits only, `+31`/`0031` as a leading 0.
fn dutch_phone(digits: &str) -> String {
    if let Some(rest) = digits.strip_prefix("0031") {
        format!("0{rest}")
    } else if let Some(rest) = digits.strip_prefix("31").filter(|r| r.len() == 9) {
        format!("0{rest}")
    } else {
        digits.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_round_trip_as_hex() {
        let h: [u8; 32] = std::array::from_fn(|i| i as u8 * 7);
        assert_eq!(unhex(&hex(&h)), Some(h));
        assert_eq!(unhex("zz"), None);
    }

    #[test]
    fn phone_numbers_compare_in_one_form() {
        assert_eq!(dutch_phone("0612345678"), "0612345678");
        assert_eq!(dutch_phone("31612345678"), "0612345678");
        assert_eq!(dutch_phone("0031612345678"), "0612345678");
    }
}
