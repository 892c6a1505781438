//! The satisfaction survey after a contact: offers and answers (migration 0012).
//!
//! An offer is made in the transaction that ends an answered live contact
//! ([`Store::finish`](super::Store::finish) with `Status::Ended`; an abandoned contact gets
//! none), with the staff members who answered or joined it, read from the event log at that
//! moment. An answer is accepted once per offer. Both are also written to the event log
//! (`survey_offered`, `survey_answered` with the score and fixed words, no text), which is
//! where reports read them; the comment stays here and goes with the messages' retention.

use super::events::{EventKind, EventNote, log_conversation};
use super::{Store, StoreError, now_ms};
use crate::insight::{Connection, QuestionAnswered};
use sqlx::SqliteConnection;

/// What the resident's page shows about the survey of an ended conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurveyState {
    /// An interpreter took part: the form also asks whether they could see each other.
    pub interpreter: bool,
    /// Answered already (the page thanks instead of asking).
    pub answered: bool,
}

/// A resident's answers, parsed at the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSurveyAnswer {
    /// 1 to 5.
    pub satisfaction: u8,
    pub answered: QuestionAnswered,
    pub connection: Option<Connection>,
    /// Masked already; `None` when left empty.
    pub comment: Option<String>,
}

/// Offers the survey for conversation `id`, ended at `now`, inside the caller's
/// transaction: only when a staff member answered it, and once.
pub(super) async fn offer(tx: &mut SqliteConnection, id: i64, now: i64) -> Result<(), StoreError> {
    let made = sqlx::query(
        "INSERT INTO survey_offers (conversation_id, offered_at, staff, interpreter)
         SELECT c.id, ?,
             (SELECT json_group_array(DISTINCT e.staff_id) FROM contact_events e
              WHERE e.conversation_id = c.id AND e.staff_id IS NOT NULL
                AND e.kind IN ('answered', 'interpreter_joined')),
             EXISTS (SELECT 1 FROM contact_events e WHERE e.conversation_id = c.id
                AND (e.kind = 'interpreter_joined'
                     OR (e.kind = 'answered' AND e.detail = 'interpreter')))
         FROM conversations c
         WHERE c.id = ? AND c.assigned_at IS NOT NULL
         ON CONFLICT (conversation_id) DO NOTHING",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if made.rows_affected() == 1 {
        log_conversation(&mut *tx, id, now, &EventNote::new(EventKind::SurveyOffered)).await?;
    }
    Ok(())
}

impl Store {
    /// The survey of conversation `id`, if it was offered one.
    pub async fn survey_state(&self, id: i64) -> Result<Option<SurveyState>, StoreError> {
        let row: Option<(bool, bool)> = sqlx::query_as(
            "SELECT o.interpreter != 0,
                 EXISTS (SELECT 1 FROM survey_answers a WHERE a.conversation_id = o.conversation_id)
             FROM survey_offers o WHERE o.conversation_id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(interpreter, answered)| SurveyState {
            interpreter,
            answered,
        }))
    }

    /// Stores the answers to conversation `id`'s survey, with its event, in one
    /// transaction. `false` when it was not offered one or answered already (the first
    /// answer stands). A connection answer is kept only when an interpreter took part.
    pub async fn answer_survey(&self, id: i64, a: &NewSurveyAnswer) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "INSERT INTO survey_answers
                 (conversation_id, answered_at, satisfaction, answered, connection, comment)
             SELECT o.conversation_id, ?, ?, ?, CASE WHEN o.interpreter != 0 THEN ? END, ?
             FROM survey_offers o WHERE o.conversation_id = ?
             ON CONFLICT (conversation_id) DO NOTHING",
        )
        .bind(now)
        .bind(i64::from(a.satisfaction))
        .bind(a.answered.key())
        .bind(a.connection.map(Connection::key))
        .bind(a.comment.as_deref())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let done = done.rows_affected() == 1;
        if done {
            let connection: Option<String> = sqlx::query_scalar(
                "SELECT connection FROM survey_answers WHERE conversation_id = ?",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let mut note = EventNote::new(EventKind::SurveyAnswered).detail(a.answered.key());
            note.score = Some(i64::from(a.satisfaction));
            note.label = connection.as_deref();
            log_conversation(&mut tx, id, now, &note).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// The comment of conversation `id`'s survey answer (for the privacy officer's
    /// export), if one is kept.
    pub async fn survey_comment(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT comment FROM survey_answers WHERE conversation_id = ? AND comment IS NOT NULL",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }
}
