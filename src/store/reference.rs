//! Reference data: the site settings, queues, topics, FAQ entries and opening hours that
//! administrators (or `loket demo`) set up and every page reads.
//!
//! Topics, FAQ entries and opening hours are read through the short-lived copy in
//! `cache.rs`; each method that changes one of them drops that copy, so this file is the
//! one place that must keep the cache honest.

use super::{Channel, Faq, Queue, Store, StoreError, Topic, cache, now_ms};

impl Store {
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
}
