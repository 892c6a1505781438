//! Hub events and stored messages as protocol frames, in the reader's language: one place
//! that decides what a resident's page and a console receive.

use super::signal;
use crate::hub::{Event, StatusInfo};
use crate::i18n::{Localized, T};
use crate::protocol::{ErrorCode, MessageOut, QueueOut, ServerFrame};
use crate::store::Message;
use crate::web::views::{local_time, message_text, sender_label};
use crate::web::wording;
use std::collections::HashMap;

pub fn error_frame(code: ErrorCode, message: impl Into<String>) -> ServerFrame {
    ServerFrame::Error {
        code,
        message: message.into(),
        conversation: None,
        client_id: None,
    }
}

/// The frame for a stored message, as `resident_view` or staff sees it.
pub fn message_frame(t: T, conversation: i64, m: &Message, resident_view: bool) -> ServerFrame {
    ServerFrame::Message(MessageOut {
        conversation,
        seq: m.seq,
        sender: m.sender.as_str().to_string(),
        sender_name: sender_label(t, m, resident_view),
        body: message_text(t, m),
        time: local_time(m.created_at),
        at: m.created_at,
        client_id: m.client_id.clone(),
    })
}

pub fn status_frame(t: T, conversation: i64, info: &StatusInfo) -> ServerFrame {
    ServerFrame::Status {
        conversation,
        status: info.status.as_str().to_string(),
        position: info.position,
        wait_minutes: info.wait_ms.map(|ms| ms.div_ceil(60_000)),
        agent_name: info.agent_name.clone(),
        text: wording::status_sentence(t, info),
    }
}

fn pick(t: T, nl: &str, en: &str) -> String {
    Localized::new(nl, en).get(t.lang).to_string()
}

/// The topic carried by a hub event, as staff see it.
fn topic_text(t: T, nl: &Option<String>, en: &Option<String>) -> String {
    wording::topic_text(t, Localized::from_options(nl.clone(), en.clone()))
}

/// Turns a hub event into a frame for this connection; `None` to skip it.
/// `last_sent` drops messages already delivered (by a resume that raced a live event).
pub fn event_frame(
    t: T,
    event: &Event,
    resident_view: bool,
    last_sent: &mut HashMap<i64, i64>,
) -> Option<ServerFrame> {
    Some(match event {
        Event::Message {
            conversation,
            message,
        } => {
            let last = last_sent.entry(*conversation).or_insert(0);
            if message.seq <= *last {
                return None;
            }
            *last = message.seq;
            message_frame(t, *conversation, message, resident_view)
        }
        Event::Typing {
            conversation,
            who,
            active,
        } => ServerFrame::Typing {
            conversation: *conversation,
            who: who.clone(),
            active: *active,
        },
        Event::Status { conversation, info } => status_frame(t, *conversation, info),
        Event::Offer {
            conversation,
            queue_nl,
            queue_en,
            resident_name,
            topic_nl,
            topic_en,
            preview,
            expires_in_ms,
            call,
            join_by,
        } => ServerFrame::Offer {
            conversation: *conversation,
            queue: pick(t, queue_nl, queue_en),
            resident_name: if resident_name.is_empty() {
                t.s("console.anonymous").to_string()
            } else {
                resident_name.clone()
            },
            topic: topic_text(t, topic_nl, topic_en),
            preview: match join_by {
                Some(name) => t.f("console.join_request", &[("name", name)]),
                None => preview.clone(),
            },
            expires_in_ms: *expires_in_ms,
            call: *call,
            join_by: join_by.clone(),
        },
        Event::OfferRevoked {
            conversation,
            reason,
        } => ServerFrame::OfferRevoked {
            conversation: *conversation,
            reason: reason.to_string(),
        },
        Event::Assigned {
            conversation,
            resident_name,
            topic_nl,
            topic_en,
            last_seq,
            call,
        } => ServerFrame::Assigned {
            conversation: *conversation,
            resident_name: resident_name.clone(),
            topic: topic_text(t, topic_nl, topic_en),
            last_seq: *last_seq,
            call: *call,
        },
        Event::Released {
            conversation,
            reason,
        } => ServerFrame::Released {
            conversation: *conversation,
            reason: reason.to_string(),
        },
        Event::Presence {
            available,
            offline,
            reason,
        } => ServerFrame::Presence {
            presence: if *available {
                "available"
            } else if *offline {
                "offline"
            } else {
                "away"
            }
            .to_string(),
            reason: reason.map(str::to_string),
            text: match (*available, *reason) {
                (false, Some("missed_offer")) => t.s("console.missed_offer"),
                (true, _) => t.s("console.you_available"),
                _ => t.s("console.you_away"),
            }
            .to_string(),
        },
        Event::Participants { conversation, list } => {
            signal::participants_frame(*conversation, list)
        }
        Event::Board(snap) => ServerFrame::Board {
            board: crate::web::board_view::board_out(t, snap, false),
        },
        Event::Queues(figures) => ServerFrame::Queues {
            queues: figures
                .iter()
                .map(|q| QueueOut {
                    id: q.id,
                    name: pick(t, &q.name_nl, &q.name_en),
                    waiting: q.waiting,
                    offered: q.offered,
                    longest_wait_secs: q.longest_wait_ms / 1000,
                    staff_available: q.staff_available,
                })
                .collect(),
        },
    })
}
