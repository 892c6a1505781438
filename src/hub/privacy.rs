//! Privacy duties the hub carries out: recording who looked at what (the access log),
//! and running the retention purge every day.
//!
//! Views are recorded at most once per [`VIEW_EVERY`] per person per conversation (or
//! left message): the first view in that window is written, repeats are not. The window
//! is kept in memory and, after a restart, read back from the log itself.

use super::{Hub, HubError};
use crate::config::RetentionSettings;
use crate::store::{NewAccess, User, now_ms};
use std::time::Duration;

/// A person's repeated views of one conversation within this time are one entry.
pub const VIEW_EVERY: Duration = Duration::from_secs(5 * 60);

/// What someone did, as the access log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Opened a conversation or left message.
    View,
    /// Searched for a resident (the query itself is not kept).
    Search,
    /// Exported a resident's data (art. 15), as a page or a file.
    Export,
    /// Erased a conversation or left message (art. 17).
    Erase,
    /// Placed a legal hold.
    Hold,
    /// Lifted a legal hold.
    Unhold,
    /// Changed the retention terms.
    Retention,
}

impl Access {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::View => "view",
            Access::Search => "search",
            Access::Export => "export",
            Access::Erase => "erase",
            Access::Hold => "hold",
            Access::Unhold => "unhold",
            Access::Retention => "retention",
        }
    }

    /// Every action, for the log page's filter.
    pub const ALL: [Access; 7] = [
        Access::View,
        Access::Search,
        Access::Export,
        Access::Erase,
        Access::Hold,
        Access::Unhold,
        Access::Retention,
    ];

    pub fn parse(s: &str) -> Option<Access> {
        Access::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// What an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    Conversation(i64),
    Inbox(i64),
    Nothing,
}

impl Subject {
    fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            Subject::Conversation(c) => (Some(c), None),
            Subject::Inbox(i) => (None, Some(i)),
            Subject::Nothing => (None, None),
        }
    }
}

impl Hub {
    /// Appends an entry to the access log. `session`: a reference to the staff session
    /// (a hash, never the token); `detail`: never personal data or message text.
    pub async fn record_access(
        &self,
        who: &User,
        session: &str,
        action: Access,
        subject: Subject,
        detail: &str,
    ) -> Result<(), HubError> {
        let (conversation_id, inbox_id) = subject.ids();
        self.inner
            .store
            .log_access(&NewAccess {
                user_id: Some(who.id),
                role: who.role.as_str(),
                action: action.as_str(),
                conversation_id,
                inbox_id,
                session,
                detail,
            })
            .await?;
        tracing::info!(
            staff = who.id,
            action = action.as_str(),
            conversation = conversation_id,
            item = inbox_id,
            "access recorded"
        );
        Ok(())
    }

    /// Records that `who` looked at `subject`, unless they did within [`VIEW_EVERY`].
    pub async fn record_view(
        &self,
        who: &User,
        session: &str,
        subject: Subject,
    ) -> Result<(), HubError> {
        let key = (who.id, subject);
        let now = std::time::Instant::now();
        {
            let mut seen = self.inner.views.lock().unwrap_or_else(|p| p.into_inner());
            if seen
                .get(&key)
                .is_some_and(|at| now.duration_since(*at) < VIEW_EVERY)
            {
                return Ok(());
            }
            if seen.len() > 100_000 {
                seen.retain(|_, at| now.duration_since(*at) < VIEW_EVERY);
            }
            seen.insert(key, now);
        }
        let (c, i) = subject.ids();
        let window = i64::try_from(VIEW_EVERY.as_millis()).unwrap_or(300_000);
        if self
            .inner
            .store
            .accessed_since(who.id, Access::View.as_str(), c, i, now_ms() - window)
            .await?
        {
            return Ok(());
        }
        self.record_access(who, session, Access::View, subject, "")
            .await
    }

    /// Runs the retention purge every day at the time the terms name (read again before
    /// each run, so a change on the privacy page counts from the next day). Time comes
    /// from the clock; the purge itself takes it as an argument.
    pub fn spawn_retention(&self, defaults: RetentionSettings) -> tokio::task::JoinHandle<()> {
        let store = self.inner.store.clone();
        tokio::spawn(async move {
            loop {
                let terms = match store.retention_terms(&defaults).await {
                    Ok(t) => t,
                    Err(e) => {
                        tracing::warn!(error = %e, "retention terms could not be read");
                        defaults.clone()
                    }
                };
                let at = crate::privacy::retention::parse_clock(&terms.purge_at)
                    .or_else(|| crate::privacy::retention::parse_clock(&defaults.purge_at))
                    .unwrap_or_default();
                let now = now_ms();
                let next = crate::privacy::retention::next_run(now, at);
                // Wake at least every 10 minutes to pick up a changed time.
                let wait = (next - now).clamp(0, 600_000);
                tokio::time::sleep(Duration::from_millis(wait as u64)).await;
                if now_ms() < next {
                    continue;
                }
                match store.purge(now_ms(), &terms).await {
                    Ok(c) => tracing::info!(
                        conversations = c.conversations,
                        messages = c.messages,
                        contacts = c.contacts,
                        notes = c.notes,
                        left_messages = c.left_messages,
                        left_contacts = c.left_contacts,
                        access_log = c.access_log,
                        "retention purge done"
                    ),
                    Err(e) => {
                        tracing::warn!(error = %e, "retention purge failed; it continues on the next run")
                    }
                }
            }
        })
    }
}
