//! The front door's honesty: can a resident start a channel now, and if not, why, when it
//! opens again and what they can do instead.
//!
//! A channel can be started when its queue is open (its opening hours, see
//! [`crate::schedule`]) **and** someone with the skill is available or the broker's
//! estimated wait is within `front_door.max_wait_mins` (or nobody is online at all and the
//! site allows queueing then, `front_door.queue_without_staff`). Otherwise the pages say so
//! and offer to leave a message ([`super::resident::leave_message`]).

use super::wording::{usual_sentence, wait_sentence, when_text};
use super::{AppError, AppState};
use crate::i18n::T;
use chrono::{DateTime, Utc};

/// What the front door says about one queue right now.
#[derive(Debug, Clone)]
pub struct Door {
    /// A resident may start now.
    pub can_start: bool,
    /// The expected wait, as a sentence.
    pub wait_text: String,
    /// Why they cannot start now, and when they can (empty when they can).
    pub reason: String,
    /// How quickly people were usually answered lately (empty without history).
    pub usual_text: String,
}

/// Looks at the opening hours and the broker's figures of `queue` at `now`.
pub async fn door(
    state: &AppState,
    t: T,
    queue: i64,
    now: DateTime<Utc>,
) -> Result<Door, AppError> {
    let schedules = state.store.queue_schedules().await?;
    let stats = state.hub.queue_stats(queue).await?;
    let usual_text = usual_sentence(t, stats.as_ref().and_then(|s| s.typical_answer_ms));
    let (wait_text, available, estimate) = match &stats {
        Some(s) => (
            wait_sentence(t, s.estimated_wait_ms, s.free_slots > s.waiting),
            s.staff_available > 0,
            s.estimated_wait_ms,
        ),
        None => (t.s("wait.unknown").to_string(), false, None),
    };
    if let Some(schedule) = schedules.get(&queue) {
        if !schedule.is_open(now) {
            let reason = match schedule.next_opening(now) {
                Some(at) => t.f("door.closed_until", &[("when", &when_text(t, now, at))]),
                None => t.s("door.closed").to_string(),
            };
            return Ok(Door {
                can_start: false,
                wait_text,
                reason,
                usual_text,
            });
        }
    }
    let limit_ms = state.config.front_door.max_wait_mins.saturating_mul(60_000);
    let within = estimate.is_some_and(|ms| ms <= limit_ms);
    let allowed_empty = state.config.front_door.queue_without_staff && estimate.is_none();
    if available || within || allowed_empty {
        Ok(Door {
            can_start: true,
            wait_text,
            reason: String::new(),
            usual_text,
        })
    } else {
        Ok(Door {
            can_start: false,
            wait_text,
            reason: t.s("door.nobody").to_string(),
            usual_text,
        })
    }
}
