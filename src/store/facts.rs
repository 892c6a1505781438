//! Each contact's fact, kept up to date as its events are written (migration 0014).
//!
//! [`Store::fold_events`] is the definition of a contact's fact: all its events, in time
//! order, folded. Folding a quarter's million events for every report took seconds
//! (`cargo bench --bench report`), so the fact of a contact is folded again from its own
//! events whenever one is appended ([`refresh`], called by `log_conversation` and
//! `log_message` inside the same transaction), and stored in `contact_facts` as a compact
//! JSON array. A report reads a period's facts by `queued_at`, a day at a time, with one
//! parse per day. Because the stored fact is the fold of the same events by the same
//! function, the two cannot disagree; tests compare them anyway.
//!
//! A database from before this table (or one filled behind the store's back, as the
//! benchmark does) is brought up to date by [`Store::rebuild_facts`]; opening the store
//! does that once when the table is empty and the event log is not.

use super::events::fold_contact;
use super::{Store, StoreError};
use crate::insight::{
    Connection, ContactFact, ContactRef, Millis, OriginKind, QuestionAnswered, ReportChannel,
    SurveyAnswer,
};
use sqlx::SqliteConnection;

/// The `contact_facts` key of a contact: a conversation's id, a left message's id negated.
fn key(contact: ContactRef) -> i64 {
    match contact {
        ContactRef::Conversation(id) => id,
        ContactRef::Message(id) => -id,
    }
}

/// A fact as stored: two tuples (serde's tuples stop at 16), enums as their index in
/// their `ALL` list.
type Packed = (
    (
        i64,
        i64,
        u8,
        Option<i64>,
        u8,
        Option<i64>,
        i64,
        Option<i64>,
        Option<i64>,
        Option<u32>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<bool>,
        Option<i64>,
        Option<i64>,
    ),
    (
        u32,
        u32,
        u32,
        u32,
        Option<i64>,
        Option<(i64, u8, u8, Option<u8>)>,
    ),
);

fn index_of<T: PartialEq>(all: &[T], v: &T) -> u8 {
    all.iter()
        .position(|x| x == v)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(0)
}

fn pack(f: &ContactFact) -> Packed {
    (
        (
            key(f.contact),
            f.queue_id,
            index_of(&ReportChannel::ALL, &f.channel),
            f.topic_id,
            index_of(&OriginKind::ALL, &f.origin),
            f.agent_id,
            f.queued_at,
            f.answered_at,
            f.abandoned_at,
            f.abandon_position,
            f.ended_at,
            f.wrapped_at,
            f.wrapup_topic.clone(),
            f.resolved,
            f.interpreter_requested_at,
            f.interpreter_joined_at,
        ),
        (
            f.offers,
            f.declines,
            f.timeouts,
            f.requeues,
            f.survey_offered_at,
            f.survey.map(|s| {
                (
                    s.at,
                    s.satisfaction,
                    index_of(&QuestionAnswered::ALL, &s.answered),
                    s.connection.map(|c| index_of(&Connection::ALL, &c)),
                )
            }),
        ),
    )
}

fn unpack(p: Packed) -> Option<ContactFact> {
    let (a, b) = p;
    let contact = if a.0 >= 0 {
        ContactRef::Conversation(a.0)
    } else {
        ContactRef::Message(-a.0)
    };
    let channel = *ReportChannel::ALL.get(usize::from(a.2))?;
    let origin = *OriginKind::ALL.get(usize::from(a.4))?;
    let mut f = ContactFact::new(contact, a.1, channel, origin, a.6);
    f.topic_id = a.3;
    f.agent_id = a.5;
    f.answered_at = a.7;
    f.abandoned_at = a.8;
    f.abandon_position = a.9;
    f.ended_at = a.10;
    f.wrapped_at = a.11;
    f.wrapup_topic = a.12;
    f.resolved = a.13;
    f.interpreter_requested_at = a.14;
    f.interpreter_joined_at = a.15;
    (f.offers, f.declines, f.timeouts, f.requeues) = (b.0, b.1, b.2, b.3);
    f.survey_offered_at = b.4;
    f.survey = match b.5 {
        Some((at, satisfaction, answered, connection)) => Some(SurveyAnswer {
            at,
            satisfaction,
            answered: *QuestionAnswered::ALL.get(usize::from(answered))?,
            connection: match connection {
                Some(c) => Some(*Connection::ALL.get(usize::from(c))?),
                None => None,
            },
        }),
        None => None,
    };
    Some(f)
}

/// Stores `fact` (replacing what was kept for its contact).
async fn put(conn: &mut SqliteConnection, fact: &ContactFact) -> Result<(), StoreError> {
    let text = serde_json::to_string(&pack(fact))
        .map_err(|e| StoreError::Write(format!("contact fact: {e}")))?;
    sqlx::query(
        "INSERT INTO contact_facts (contact, queued_at, fact) VALUES (?, ?, ?)
         ON CONFLICT (contact) DO UPDATE SET queued_at = excluded.queued_at, fact = excluded.fact",
    )
    .bind(key(fact.contact))
    .bind(fact.queued_at)
    .bind(text)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Folds `contact`'s events again and stores its fact, inside the caller's transaction
/// (right after an event of it was appended).
pub(super) async fn refresh(
    conn: &mut SqliteConnection,
    contact: ContactRef,
) -> Result<(), StoreError> {
    match fold_contact(&mut *conn, contact).await? {
        Some(fact) => put(conn, &fact).await,
        None => Ok(()),
    }
}

impl Store {
    /// Every contact that entered a queue (or left a message) in `[from, to)`, as
    /// [`Store::fold_events`] defines it, read from the kept facts; ordered by contact.
    pub async fn contact_facts(
        &self,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<ContactFact>, StoreError> {
        const CHUNK_MS: i64 = 86_400_000;
        // Only the stretch that holds arrivals is walked (a wide period stays cheap).
        let (first, last): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT MIN(queued_at), MAX(queued_at) FROM contact_facts
             WHERE queued_at >= ? AND queued_at < ?",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Vec::new());
        };
        let to = last.saturating_add(1).min(to);
        let mut facts = Vec::new();
        let mut start = first;
        while start < to {
            let end = start.saturating_add(CHUNK_MS).min(to);
            let text: String = sqlx::query_scalar(
                "SELECT '[' || COALESCE(group_concat(fact, ','), '') || ']' FROM contact_facts
                 WHERE queued_at >= ? AND queued_at < ?",
            )
            .bind(start)
            .bind(end)
            .fetch_one(&self.pool)
            .await?;
            let packed: Vec<Packed> = serde_json::from_str(&text)
                .map_err(|e| StoreError::Write(format!("contact facts: {e}")))?;
            for p in packed {
                facts.push(
                    unpack(p)
                        .ok_or_else(|| StoreError::Write("contact facts: a bad row".into()))?,
                );
            }
            start = end;
        }
        facts.sort_by_key(|f| f.contact);
        Ok(facts)
    }

    /// Folds every contact's events again and stores their facts (a database from before
    /// the kept facts, or one filled behind the store's back). Returns how many.
    pub async fn rebuild_facts(&self) -> Result<usize, StoreError> {
        let facts = self.fold_events(i64::MIN, i64::MAX).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM contact_facts")
            .execute(&mut *tx)
            .await?;
        for fact in &facts {
            put(&mut tx, fact).await?;
        }
        tx.commit().await?;
        Ok(facts.len())
    }

    /// Rebuilds the kept facts when there are none but the event log has contacts (the
    /// first start after the upgrade that added them).
    pub(super) async fn facts_up_to_date(&self) -> Result<(), StoreError> {
        let kept: Option<i64> = sqlx::query_scalar("SELECT contact FROM contact_facts LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        let events: Option<i64> = sqlx::query_scalar("SELECT id FROM contact_events LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        if kept.is_none() && events.is_some() {
            let n = self.rebuild_facts().await?;
            tracing::info!(contacts = n, "contact facts rebuilt from the event log");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_survives_packing_with_every_field() {
        let mut full = ContactFact::new(
            ContactRef::Message(42),
            3,
            ReportChannel::LeftMessage,
            OriginKind::AccessibilityReport,
            1_700_000_000_000,
        );
        full.topic_id = Some(9);
        full.agent_id = Some(7);
        full.answered_at = Some(1_700_000_100_000);
        full.abandoned_at = Some(1_700_000_000_500);
        full.abandon_position = Some(4);
        full.ended_at = Some(1_700_000_200_000);
        full.wrapped_at = Some(1_700_000_300_000);
        full.wrapup_topic = Some("paspoort \"snel\", ja".into());
        full.resolved = Some(false);
        full.interpreter_requested_at = Some(1_700_000_000_001);
        full.interpreter_joined_at = Some(1_700_000_000_002);
        (full.offers, full.declines, full.timeouts, full.requeues) = (5, 2, 1, 3);
        full.survey_offered_at = Some(1_700_000_200_001);
        full.survey = Some(SurveyAnswer {
            at: 1_700_000_200_002,
            satisfaction: 2,
            answered: QuestionAnswered::No,
            connection: Some(Connection::Bad),
        });
        let bare = ContactFact::new(
            ContactRef::Conversation(1),
            1,
            ReportChannel::VideoInterpreter,
            OriginKind::Kiosk,
            0,
        );
        for f in [full, bare] {
            let text = serde_json::to_string(&pack(&f)).unwrap();
            let back: Packed = serde_json::from_str(&text).unwrap();
            assert_eq!(unpack(back), Some(f));
        }
        // A stored row with an index out of range is not a fact.
        let bad = r#"[[1,1,9,null,0,null,0,null,null,null,null,null,null,null,null,null],[0,0,0,0,null,null]]"#;
        assert_eq!(unpack(serde_json::from_str(bad).unwrap()), None);
    }
}
