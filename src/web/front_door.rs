//! The front door's honesty: can a resident start a channel now, and if not, why, when it
//! opens again and what they can do instead.
//!
//! A channel can be started when its queue is open (its opening hours, see
//! [`crate::schedule`]) **and** someone with the skill is available or the broker's
//! estimated wait is within `front_door.max_wait_mins` (or nobody is online at all and the
//! site allows queueing then, `front_door.queue_without_staff`). Otherwise the pages say so
//! and offer to leave a message ([`super::resident::leave_message`]). A queue in which
//! `intake.max_waiting_per_queue` contacts wait takes nobody new ("too busy").

use super::wording::{Availability, ChannelKind, availability_sentence, usual_sentence, when_text};
use super::{AppError, AppState};
use crate::hub::Skill;
use crate::i18n::T;
use crate::store::{Channel, Queue};
use chrono::{DateTime, Utc};

/// What the front door says about one queue right now.
#[derive(Debug, Clone)]
pub struct Door {
    /// A resident may start now.
    pub can_start: bool,
    /// The one sentence about the queue's availability (empty when closed: then
    /// `reason` says so).
    pub wait_text: String,
    /// Why they cannot start now, and when they can (empty when they can).
    pub reason: String,
    /// How quickly people were usually answered lately (empty without history, and
    /// empty unless the wait is estimated, so it never contradicts the sentence).
    pub usual_text: String,
}

/// The words for `queue`'s channel.
pub fn channel_kind(queue: &Queue) -> ChannelKind {
    if Skill::Interpreting.is_queue(&queue.slug) {
        ChannelKind::Interpreter
    } else if queue.channel == Channel::Video {
        ChannelKind::Video
    } else {
        ChannelKind::Chat
    }
}

/// Looks at the opening hours and the broker's figures of `queue` at `now`.
pub async fn door(
    state: &AppState,
    t: T,
    queue: &Queue,
    now: DateTime<Utc>,
) -> Result<Door, AppError> {
    let kind = channel_kind(queue);
    let schedules = state.store.queue_schedules().await?;
    if let Some(schedule) = schedules.get(&queue.id) {
        if !schedule.is_open(now) {
            let reopens = schedule.next_opening(now).map(|at| when_text(t, now, at));
            return Ok(Door {
                can_start: false,
                wait_text: String::new(),
                reason: availability_sentence(t, kind, &Availability::Closed { reopens }),
                usual_text: String::new(),
            });
        }
    }
    let stats = state.hub.queue_stats(queue.id).await?;
    let (availability, available, estimate) = match &stats {
        Some(s) if s.staff_available > 0 && s.free_slots > s.waiting => {
            (Availability::Free, true, s.estimated_wait_ms)
        }
        Some(s) => match s.estimated_wait_ms {
            Some(ms) => (Availability::Estimate(ms), s.staff_available > 0, Some(ms)),
            None => (Availability::Unknown, s.staff_available > 0, None),
        },
        None => (Availability::Unknown, false, None),
    };
    // "Usually within a minute" may stand beside "available now" or an estimate, never
    // beside "we cannot say how long".
    let usual_text = match availability {
        Availability::Free | Availability::Estimate(_) => {
            usual_sentence(t, stats.as_ref().and_then(|s| s.typical_answer_ms))
        }
        _ => String::new(),
    };
    let wait_text = availability_sentence(t, kind, &availability);
    // A queue that is full takes nobody new, whoever is online: it says so honestly and
    // offers to leave a message (a flood cannot make the line endless).
    if stats
        .as_ref()
        .is_some_and(|s| s.waiting >= state.config.intake.max_waiting_per_queue)
    {
        return Ok(Door {
            can_start: false,
            wait_text,
            reason: t.s("door.full").to_string(),
            usual_text: String::new(),
        });
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
