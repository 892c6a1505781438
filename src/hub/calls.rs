//! Calls: who is in a conversation's video call, and requests for one more staff member.
//!
//! A conversation is a call when its queue is a video queue, or when the agent of a text
//! chat asked for an interpreter. Its participants are the resident, the staff member who
//! holds the conversation (the broker's assignee: the interpreter of a sign-language call,
//! the agent of a video call) and *guests*: staff members who joined through a
//! [`CallRequest`]. An interpreter asks for an agent, or an agent asks for an interpreter;
//! the broker routes the request like a contact (so capacity, RONA and cooldowns apply),
//! and whoever accepts joins the call. A guest leaves without ending the conversation, so
//! the interpreter stays when the agent changes (a transfer is: ask for another agent,
//! then the first one leaves).
//!
//! Broker contact ids: a conversation is its own id; a call request is its negated id
//! ([`Work`]). Media ids (the SFU's participant ids, and the stream ids of forwarded
//! tracks) are `resident` and `staff-{id}`.

use super::live::{Event, Participant};
use super::{EndedBy, Hub, HubError};
use crate::broker::{ContactId, Input, Output, QueueId, RevokeReason};
use crate::domain::{RequestStatus, Skill};
use crate::i18n::system_message;
use crate::store::{CallRequest, Conversation, EventKind, EventNote, Queue, Sender, User};
use std::sync::Arc;

/// Media id of the resident in every call.
pub const RESIDENT_MEDIA_ID: &str = "resident";

/// Media id of a staff member.
pub fn staff_media_id(staff: i64) -> String {
    format!("staff-{staff}")
}

/// What a broker contact id stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A resident's conversation.
    Conversation(i64),
    /// A request for one more staff member in a call (`call_requests.id`).
    Request(i64),
}

impl Work {
    /// Decodes a broker contact id.
    pub fn of(c: ContactId) -> Work {
        if c.0 < 0 {
            Work::Request(-c.0)
        } else {
            Work::Conversation(c.0)
        }
    }
}

/// The broker contact id of a call request.
pub fn request_contact(request: i64) -> ContactId {
    ContactId(-request)
}

impl Hub {
    /// Does `staff` take part in `conv` (its holder, or a guest of its call)?
    pub fn takes_part(&self, conv: i64, staff: i64) -> bool {
        self.live(|l| l.staff_in(conv).contains(&staff))
    }

    /// This connection now carries `id`'s media in the call of `conv`.
    pub fn claim_media(&self, conv: i64, id: &str) -> u64 {
        self.live(|l| l.claim_media(conv, id))
    }

    /// The connection that claimed `id`'s media closes: hang up unless a newer
    /// connection took over.
    pub async fn release_media(&self, conv: i64, id: &str, token: u64) {
        if self.live(|l| l.release_media(conv, id, token)) {
            self.sfu().leave(conv, id).await;
        }
    }

    /// The call request through which `staff` is a guest of `conv`.
    pub fn guest_request(&self, conv: i64, staff: i64) -> Option<i64> {
        self.live(|l| {
            l.guests(conv)
                .into_iter()
                .find(|(s, _)| *s == staff)
                .map(|g| g.1)
        })
    }

    /// Who is in the call of `conv`: the resident, the holder, the guests.
    pub fn participants(&self, conv: i64, resident_name: &str) -> Vec<Participant> {
        self.live(|l| {
            if !l.is_open(conv) {
                return Vec::new();
            }
            let mut list = vec![Participant {
                id: RESIDENT_MEDIA_ID.into(),
                name: resident_name.to_string(),
                role: "resident",
            }];
            for s in l.staff_in(conv) {
                list.push(Participant {
                    id: staff_media_id(s),
                    name: l.staff_name(s),
                    role: match l.staff_role(s) {
                        "interpreter" => "interpreter",
                        _ => "agent",
                    },
                });
            }
            list
        })
    }

    /// Tells everyone in the conversation who is in its call now.
    pub(super) async fn push_participants(&self, conv: i64) {
        let name = match self.inner.store.conversation(conv).await {
            Ok(Some(c)) => c.resident_name,
            _ => return,
        };
        let list = self.participants(conv, &name);
        self.mark_signers(conv, &list).await;
        let event = Arc::new(Event::Participants {
            conversation: conv,
            list,
        });
        self.live(|l| l.send_conversation(conv, &event, true));
    }

    /// Tells the SFU who signs in the call of `conv` (the resident and an interpreter):
    /// every participant's downlink serves their video first.
    pub async fn mark_signers(&self, conv: i64, list: &[Participant]) {
        for p in list {
            self.sfu()
                .set_signing(conv, &p.id, matches!(p.role, "resident" | "interpreter"))
                .await;
        }
    }

    /// A staff member in the call of `conv` asks for one more person from `queue` (a
    /// video queue): an agent for an interpreter, an interpreter for an agent. A text
    /// chat becomes a call. Refused while an earlier request still waits.
    pub async fn request_staff(
        &self,
        conv: &Conversation,
        by: &User,
        queue: &Queue,
        topic: Option<i64>,
    ) -> Result<CallRequest, HubError> {
        if !self.takes_part(conv.id, by.id) {
            return Err(HubError::NotAllowed);
        }
        if queue.channel != crate::store::Channel::Video {
            return Err(HubError::NotAVideoQueue);
        }
        let store = &self.inner.store;
        if store
            .open_call_requests(conv.id)
            .await?
            .iter()
            .any(|r| r.state() == Some(RequestStatus::Waiting))
        {
            return Err(HubError::AlreadyRequested);
        }
        store.start_call(conv.id).await?;
        let request = store
            .create_call_request(
                conv.id,
                queue.id,
                topic,
                by.id,
                Skill::Interpreting.is_queue(&queue.slug),
            )
            .await?;
        let key = if Skill::Interpreting.is_queue(&queue.slug) {
            "sys.interpreter_requested"
        } else {
            "sys.agent_requested"
        };
        self.append_and_broadcast(
            conv.id,
            Sender::System,
            "",
            &system_message(key, &by.display_name),
            None,
        )
        .await?;
        tracing::info!(
            conversation = conv.id,
            request = request.id,
            queue = queue.id,
            "call request"
        );
        let result = self
            .input(
                Input::ContactCreated {
                    contact: request_contact(request.id),
                    queue: QueueId(queue.id),
                    priority: u8::try_from(conv.priority).unwrap_or(0),
                    arrived_at: super::now_millis(),
                    // Someone is already in a call and waiting for this person.
                    front: true,
                },
                EndedBy::System,
            )
            .await;
        if result.is_err() {
            store
                .set_call_request(request.id, RequestStatus::Cancelled.as_str(), None, None)
                .await?;
        }
        result?;
        self.push_participants(conv.id).await;
        Ok(request)
    }

    /// A guest leaves the call; the conversation goes on. A request still waiting for
    /// someone is withdrawn by the same call (by whoever is in the call).
    pub async fn leave_call(&self, conv: i64, staff: i64) -> Result<(), HubError> {
        let Some(request) = self.guest_request(conv, staff) else {
            return Err(HubError::NotAllowed);
        };
        self.input(
            Input::ConversationEnded {
                contact: request_contact(request),
            },
            EndedBy::Agent(crate::broker::StaffId(staff)),
        )
        .await
    }

    /// Withdraws the waiting call requests of `conv` (someone in the call changed their mind).
    pub async fn cancel_requests(&self, conv: i64, staff: i64) -> Result<(), HubError> {
        if !self.takes_part(conv, staff) {
            return Err(HubError::NotAllowed);
        }
        for r in self.inner.store.open_call_requests(conv).await? {
            if r.state() == Some(RequestStatus::Waiting) {
                let _ = self
                    .input(
                        Input::ContactLeft {
                            contact: request_contact(r.id),
                        },
                        EndedBy::Agent(crate::broker::StaffId(staff)),
                    )
                    .await;
            }
        }
        Ok(())
    }
}

/// Carries out a broker output about a call request. Returns inputs to feed back.
pub(super) async fn apply_request(
    hub: &Hub,
    request: i64,
    out: &Output,
    by: EndedBy,
) -> Result<(), HubError> {
    let store = &hub.inner.store;
    let Some(req) = store.call_request(request).await? else {
        return Ok(());
    };
    let conv = req.conversation_id;
    // The event log follows interpreters (joined, left) for the reports.
    let interpreter = store
        .queues()
        .await?
        .iter()
        .any(|q| q.id == req.queue_id && Skill::Interpreting.is_queue(&q.slug));
    let logged = |kind: EventKind, staff: Option<i64>| {
        let mut note = EventNote::new(kind);
        note.staff = staff;
        interpreter.then_some(note)
    };
    match *out {
        Output::Offer {
            staff, expires_at, ..
        } => {
            let Some(c) = store.conversation(conv).await? else {
                return Ok(());
            };
            let queues = store.queues().await?;
            let q = queues.iter().find(|q| q.id == req.queue_id);
            tracing::info!(
                conversation = conv,
                request,
                staff = staff.0,
                "call request offered"
            );
            let event = Arc::new(Event::Offer {
                conversation: request_contact(request).0,
                queue_nl: q.map(|q| q.name_nl.clone()).unwrap_or_default(),
                queue_en: q.map(|q| q.name_en.clone()).unwrap_or_default(),
                resident_name: c.resident_name,
                topic_nl: req.topic_nl.clone().or(c.topic_nl),
                topic_en: req.topic_en.clone().or(c.topic_en),
                preview: String::new(),
                expires_in_ms: expires_at.saturating_sub(super::now_millis()),
                call: true,
                join_by: Some(req.requested_by_name.clone()),
            });
            hub.live(|l| l.send_staff(staff.0, &event));
        }
        Output::OfferRevoked { staff, reason, .. } => {
            let reason = match reason {
                RevokeReason::TimedOut => "timed_out",
                RevokeReason::Declined => "declined",
                RevokeReason::ContactLeft => "contact_left",
                RevokeReason::StaffLeft => "staff_left",
            };
            let event = Arc::new(Event::OfferRevoked {
                conversation: request_contact(request).0,
                reason,
            });
            hub.live(|l| l.send_staff(staff.0, &event));
        }
        Output::Assigned { staff, .. } => {
            tracing::info!(conversation = conv, request, staff = staff.0, "joined call");
            store
                .set_call_request(
                    request,
                    RequestStatus::Active.as_str(),
                    Some(staff.0),
                    logged(EventKind::InterpreterJoined, Some(staff.0)).as_ref(),
                )
                .await?;
            hub.live(|l| l.add_guest(conv, staff.0, request));
            let name = hub.live(|l| l.staff_name(staff.0));
            let joined = hub
                .append_and_broadcast(
                    conv,
                    Sender::System,
                    "",
                    &system_message("sys.joined_call", &name),
                    None,
                )
                .await?;
            if let Some(c) = store.conversation(conv).await? {
                let assigned = Arc::new(Event::Assigned {
                    conversation: conv,
                    resident_name: c.resident_name,
                    topic_nl: c.topic_nl,
                    topic_en: c.topic_en,
                    last_seq: joined.message.seq,
                    call: true,
                });
                hub.live(|l| l.send_staff(staff.0, &assigned));
            }
            hub.push_participants(conv).await;
        }
        Output::Requeued { staff, .. } => {
            // The guest's connection was lost: look for someone else.
            tracing::info!(
                conversation = conv,
                request,
                staff = staff.0,
                "call guest lost"
            );
            store
                .set_call_request(
                    request,
                    RequestStatus::Waiting.as_str(),
                    None,
                    logged(EventKind::InterpreterLeft, Some(staff.0)).as_ref(),
                )
                .await?;
            guest_gone(
                hub,
                conv,
                request,
                staff.0,
                "requeued",
                "sys.left_call_lost",
            )
            .await?;
        }
        Output::Abandoned { .. } => {
            tracing::info!(conversation = conv, request, "call request withdrawn");
            store
                .set_call_request(request, RequestStatus::Cancelled.as_str(), None, None)
                .await?;
            if hub.is_open(conv) && by != EndedBy::System {
                hub.append_and_broadcast(
                    conv,
                    Sender::System,
                    "",
                    &system_message("sys.request_withdrawn", ""),
                    None,
                )
                .await?;
            }
        }
        Output::Ended { staff, .. } => {
            store
                .set_call_request(
                    request,
                    RequestStatus::Ended.as_str(),
                    None,
                    logged(
                        EventKind::InterpreterLeft,
                        staff.map(|s| s.0).or(req.staff_id),
                    )
                    .as_ref(),
                )
                .await?;
            if let Some(s) = staff.or(req.staff_id.map(crate::broker::StaffId)) {
                tracing::info!(conversation = conv, request, staff = s.0, "left call");
                guest_gone(hub, conv, request, s.0, "left_call", "sys.left_call").await?;
            }
        }
        Output::Overflowed { to, .. } => {
            tracing::info!(
                conversation = conv,
                request,
                to = to.0,
                "request overflowed"
            );
            store.move_request_to_queue(request, to.0).await?;
        }
        Output::PresenceChanged { .. } | Output::QueueChanged { .. } | Output::Moved { .. } => {}
    }
    Ok(())
}

/// A guest is no longer in the call: media closed, everyone told.
async fn guest_gone(
    hub: &Hub,
    conv: i64,
    request: i64,
    staff: i64,
    reason: &'static str,
    message: &str,
) -> Result<(), HubError> {
    hub.live(|l| l.remove_guest(conv, request));
    hub.sfu().leave(conv, &staff_media_id(staff)).await;
    let released = Arc::new(Event::Released {
        conversation: conv,
        reason,
    });
    hub.live(|l| l.send_staff(staff, &released));
    if hub.is_open(conv) {
        let name = hub.live(|l| l.staff_name(staff));
        hub.append_and_broadcast(
            conv,
            Sender::System,
            "",
            &system_message(message, &name),
            None,
        )
        .await?;
        hub.push_participants(conv).await;
    }
    Ok(())
}

/// Inputs that close every open request of a conversation that just closed.
pub(super) async fn close_requests(hub: &Hub, conv: i64) -> Vec<Input> {
    match hub.inner.store.open_call_requests(conv).await {
        Ok(list) => list
            .into_iter()
            .map(|r| Input::ContactLeft {
                contact: request_contact(r.id),
            })
            .collect(),
        Err(e) => {
            tracing::error!(conversation = conv, error = %e, "could not list call requests");
            Vec::new()
        }
    }
}
