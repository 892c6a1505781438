//! The broker task: feeds inputs to the broker and carries out its outputs.

use super::calls::{self, Work};
use super::live::{Event, QueueFigures, StatusInfo};
use super::{Cmd, EndedBy, Hub, HubError, now_millis};
use crate::broker::{
    Broker, ContactId, ContactState, Input, Output, Presence, PresenceReason, QueueId,
    RevokeReason, StaffId,
};
use crate::domain::Origin;
use crate::i18n::system_message;
use crate::store::{EventKind, EventNote, Sender, Status};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How often queue positions and figures are pushed at most.
const POSITION_INTERVAL: Duration = Duration::from_secs(1);
/// How often residents who left are looked for.
const SWEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Puts open conversations from the store back into the broker after a start.
/// Waiting ones keep their place; active ones go to the front (their agent must
/// reconnect and accept again), with a system message.
pub(super) async fn restore(hub: &Hub, broker: &mut Broker, now: u64) -> Result<usize, HubError> {
    // No call survives a restart: requests to join one are closed.
    let closed = hub.inner.store.close_open_call_requests().await?;
    if closed > 0 {
        tracing::info!(closed, "closed call requests of the previous run");
    }
    let open = hub.inner.store.open_conversations().await?;
    let count = open.len();
    for conv in open {
        let front = conv.status == Status::Active;
        if front {
            hub.inner
                .store
                .set_waiting(
                    conv.id,
                    &EventNote::new(EventKind::Requeued).detail("restart"),
                )
                .await?;
        }
        hub.live(|l| {
            l.open_conversation(conv.id, None);
            if Origin::parse(&conv.origin).is_left_message() {
                l.keep_waiting(conv.id);
            }
        });
        if front {
            hub.append_and_broadcast(
                conv.id,
                Sender::System,
                "",
                &system_message("sys.restarted", ""),
                None,
            )
            .await?;
        }
        let input = Input::ContactCreated {
            contact: ContactId(conv.id),
            queue: QueueId(conv.queue_id),
            priority: u8::try_from(conv.priority).unwrap_or(0),
            arrived_at: u64::try_from(conv.created_at).unwrap_or(0).min(now),
            front,
        };
        if let Err(e) = broker.handle_input(now, input) {
            tracing::error!(conversation = conv.id, error = %e, "could not restore conversation");
        }
    }
    // Outputs of the restore (there are no staff yet, so only queue changes) are dropped.
    while broker.poll_output().is_some() {}
    Ok(count)
}

pub(super) async fn run(hub: Hub, mut broker: Broker, mut rx: mpsc::UnboundedReceiver<Cmd>) {
    let mut dirty: HashSet<QueueId> = broker.queues().collect();
    let mut last_status: HashMap<i64, (usize, Option<u64>, bool)> = HashMap::new();
    let mut positions = tokio::time::interval(POSITION_INTERVAL);
    positions.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sweep = tokio::time::interval(SWEEP_INTERVAL);
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let deadline = broker.poll_timeout().map(|at| {
            let wait = at.saturating_sub(now_millis());
            tokio::time::Instant::now() + Duration::from_millis(wait)
        });
        tokio::select! {
            cmd = rx.recv() => {
                let Some(cmd) = cmd else { break };
                match cmd {
                    Cmd::Input { input, by, reply } => {
                        let result = broker.handle_input(now_millis(), input);
                        if result.is_ok() {
                            drain(&hub, &mut broker, by, &mut dirty).await;
                        }
                        let _ = reply.send(result);
                    }
                    Cmd::Query(q) => q(&broker, now_millis()),
                    Cmd::Shutdown(done) => {
                        let _ = done.send(());
                        break;
                    }
                }
            }
            _ = sleep_until(deadline) => {
                if broker.handle_input(now_millis(), Input::Tick).is_ok() {
                    drain(&hub, &mut broker, EndedBy::System, &mut dirty).await;
                }
            }
            _ = positions.tick() => {
                push_positions(&hub, &broker, &mut dirty, &mut last_status);
            }
            _ = sweep.tick() => {
                sweep_residents(&hub, &mut broker, &mut dirty).await;
                last_status.retain(|c, _| hub.is_open(*c));
            }
        }
    }
    tracing::info!("broker task stopped");
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Residents who closed their page while waiting are marked abandoned.
async fn sweep_residents(hub: &Hub, broker: &mut Broker, dirty: &mut HashSet<QueueId>) {
    let settings = hub.settings().clone();
    let gone = hub.live(|l| {
        l.residents_gone(
            Instant::now(),
            settings.resident_grace,
            settings.resident_idle,
        )
    });
    for conv in gone {
        let waiting = broker.contact(ContactId(conv)).is_some_and(|c| {
            matches!(
                c.state,
                ContactState::Waiting | ContactState::Offered { .. }
            )
        });
        if !waiting {
            continue;
        }
        tracing::info!(
            conversation = conv,
            "resident left while waiting; abandoned"
        );
        if broker
            .handle_input(
                now_millis(),
                Input::ContactLeft {
                    contact: ContactId(conv),
                },
            )
            .is_ok()
        {
            drain(hub, broker, EndedBy::System, dirty).await;
        }
    }
}

/// Carries out every pending output, in order. Closing a conversation also closes the
/// call requests it still had; those inputs are fed back in and their outputs follow.
async fn drain(hub: &Hub, broker: &mut Broker, by: EndedBy, dirty: &mut HashSet<QueueId>) {
    while let Some(out) = broker.poll_output() {
        tracing::debug!(output = ?out, "broker output");
        let mut follow_up = Vec::new();
        if let Err(e) = apply(hub, broker, &out, by, dirty, &mut follow_up).await {
            tracing::error!(error = %e, output = ?out, "could not carry out broker output");
        }
        hub.mark_board();
        if let Err(e) = note_staff_of(hub, broker, &out).await {
            tracing::warn!(error = %e, "could not log a staff state");
        }
        for input in follow_up {
            if let Err(e) = broker.handle_input(now_millis(), input) {
                tracing::warn!(error = %e, "follow-up input refused");
            }
        }
    }
}

/// The contact of a broker output, if it has one.
fn output_contact(out: &Output) -> Option<ContactId> {
    match *out {
        Output::Offer { contact, .. }
        | Output::OfferRevoked { contact, .. }
        | Output::Assigned { contact, .. }
        | Output::Requeued { contact, .. }
        | Output::Overflowed { contact, .. }
        | Output::Moved { contact, .. }
        | Output::Abandoned { contact, .. }
        | Output::Ended { contact, .. } => Some(contact),
        Output::PresenceChanged { .. } | Output::QueueChanged { .. } => None,
    }
}

async fn apply(
    hub: &Hub,
    broker: &Broker,
    out: &Output,
    by: EndedBy,
    dirty: &mut HashSet<QueueId>,
    follow_up: &mut Vec<Input>,
) -> Result<(), HubError> {
    let store = &hub.inner.store;
    if let Some(Work::Request(request)) = output_contact(out).map(Work::of) {
        return calls::apply_request(hub, request, out, by).await;
    }
    match *out {
        Output::QueueChanged { queue } => {
            dirty.insert(queue);
        }
        Output::Offer {
            contact,
            staff,
            expires_at,
        } => {
            let Some(conv) = store.conversation(contact.0).await? else {
                return Ok(());
            };
            let preview = store
                .messages_after(contact.0, 0, 1)
                .await?
                .into_iter()
                .next()
                .map(|m| m.body)
                .unwrap_or_default();
            let queues = store.queues().await?;
            let q = queues.iter().find(|q| q.id == conv.queue_id);
            tracing::info!(conversation = contact.0, staff = staff.0, "offer");
            store
                .record_event(
                    contact.0,
                    &EventNote::new(EventKind::Offered).staff(staff.0),
                )
                .await?;
            let event = Arc::new(Event::Offer {
                conversation: contact.0,
                queue_nl: q.map(|q| q.name_nl.clone()).unwrap_or_default(),
                queue_en: q.map(|q| q.name_en.clone()).unwrap_or_default(),
                resident_name: conv.resident_name,
                topic_nl: conv.topic_nl,
                topic_en: conv.topic_en,
                preview: truncate_chars(&preview, 280),
                expires_in_ms: expires_at.saturating_sub(now_millis()),
                call: conv.is_call,
                join_by: None,
            });
            hub.live(|l| l.send_staff(staff.0, &event));
        }
        Output::OfferRevoked {
            contact,
            staff,
            reason,
        } => {
            let (reason, kind) = match reason {
                RevokeReason::TimedOut => ("timed_out", EventKind::OfferTimedOut),
                RevokeReason::Declined => ("declined", EventKind::Declined),
                RevokeReason::ContactLeft => ("contact_left", EventKind::OfferWithdrawn),
                RevokeReason::StaffLeft => ("staff_left", EventKind::OfferWithdrawn),
            };
            store
                .record_event(
                    contact.0,
                    &EventNote::new(kind).staff(staff.0).detail(reason),
                )
                .await?;
            let event = Arc::new(Event::OfferRevoked {
                conversation: contact.0,
                reason,
            });
            hub.live(|l| l.send_staff(staff.0, &event));
        }
        Output::Assigned { contact, staff } => {
            tracing::info!(conversation = contact.0, staff = staff.0, "assigned");
            store.set_active(contact.0, staff.0).await?;
            hub.live(|l| l.set_agent(contact.0, Some(staff.0)));
            let name = hub.live(|l| l.staff_name(staff.0));
            let joined = hub
                .append_and_broadcast(
                    contact.0,
                    Sender::System,
                    "",
                    &system_message("sys.agent_joined", &name),
                    None,
                )
                .await?;
            if let Some(conv) = store.conversation(contact.0).await? {
                let status = Arc::new(Event::Status {
                    conversation: contact.0,
                    info: StatusInfo {
                        status: Status::Active,
                        position: None,
                        wait_ms: None,
                        agent_name: Some(name),
                        lost_agent: None,
                        unstaffed: false,
                    },
                });
                let assigned = Arc::new(Event::Assigned {
                    conversation: contact.0,
                    resident_name: conv.resident_name,
                    topic_nl: conv.topic_nl,
                    topic_en: conv.topic_en,
                    last_seq: joined.message.seq,
                    call: conv.is_call,
                });
                hub.live(|l| {
                    l.send_residents(contact.0, &status);
                    l.send_staff(staff.0, &assigned);
                });
                if conv.is_call {
                    hub.push_participants(contact.0).await;
                }
            }
        }
        Output::Overflowed { contact, from, to } => {
            // Nobody served its queue for the queue's overflow time: it waits in the
            // overflow queue now (positions of both queues follow from QueueChanged).
            tracing::info!(
                conversation = contact.0,
                from = from.0,
                to = to.0,
                "overflowed"
            );
            store
                .move_to_queue(
                    contact.0,
                    to.0,
                    &EventNote::new(EventKind::Overflowed).detail("overflow"),
                )
                .await?;
            hub.append_and_broadcast(
                contact.0,
                Sender::System,
                "",
                &system_message("sys.overflowed", ""),
                None,
            )
            .await?;
        }
        Output::Moved { contact, from, to } => {
            // A supervisor moved it from the wallboard (`by` is that supervisor).
            tracing::info!(
                conversation = contact.0,
                from = from.0,
                to = to.0,
                "moved by a supervisor"
            );
            let mut note = EventNote::new(EventKind::Reassigned).detail("supervisor");
            if let EndedBy::Agent(s) = by {
                note.staff = Some(s.0);
            }
            store.move_to_queue(contact.0, to.0, &note).await?;
            hub.append_and_broadcast(
                contact.0,
                Sender::System,
                "",
                &system_message("sys.reassigned", ""),
                None,
            )
            .await?;
            tell_waiting(hub, broker, contact, None);
        }
        Output::Requeued { contact, staff } => {
            tracing::info!(conversation = contact.0, staff = staff.0, "requeued");
            let why = if by == EndedBy::LoggedOut {
                "logged_out"
            } else if by == EndedBy::Agent(staff) {
                "handed_back"
            } else {
                "connection_lost"
            };
            store
                .set_waiting(
                    contact.0,
                    &EventNote::new(EventKind::Requeued)
                        .staff(staff.0)
                        .detail(why),
                )
                .await?;
            let released = Arc::new(Event::Released {
                conversation: contact.0,
                reason: "requeued",
            });
            let name = hub.live(|l| l.staff_name(staff.0));
            let lost = (!name.is_empty()).then(|| name.clone());
            hub.live(|l| {
                l.send_staff(staff.0, &released);
                l.set_agent(contact.0, None);
                l.set_lost_agent(contact.0, lost.clone());
            });
            hub.sfu()
                .leave(contact.0, &calls::staff_media_id(staff.0))
                .await;
            // Only a call has participants to update: a plain text chat must not hear
            // about a call (its page would offer to join one).
            let is_call = store
                .conversation(contact.0)
                .await?
                .is_some_and(|c| c.is_call);
            if is_call {
                hub.push_participants(contact.0).await;
            }
            let message = match (&lost, by == EndedBy::LoggedOut) {
                (_, true) => system_message("sys.agent_logged_out", ""),
                (Some(name), false) => system_message("sys.agent_lost_named", name),
                (None, false) => system_message("sys.agent_lost", ""),
            };
            hub.append_and_broadcast(contact.0, Sender::System, "", &message, None)
                .await?;
            tell_waiting(hub, broker, contact, lost);
        }
        Output::Abandoned {
            contact,
            position,
            waited_ms,
        } => {
            tracing::info!(conversation = contact.0, "abandoned");
            let by_text = match by {
                EndedBy::Resident => "resident",
                _ => "system",
            };
            let mut note = EventNote::new(EventKind::Abandoned).detail(by_text);
            note.position = position.and_then(|p| i64::try_from(p).ok());
            note.waited_ms = i64::try_from(waited_ms).ok();
            store.finish(contact.0, Status::Abandoned, &note).await?;
            hub.append_and_broadcast(
                contact.0,
                Sender::System,
                "",
                &system_message("sys.abandoned", ""),
                None,
            )
            .await?;
            close(hub, contact.0, Status::Abandoned, None).await;
            follow_up.extend(calls::close_requests(hub, contact.0).await);
        }
        Output::Ended { contact, staff } => {
            tracing::info!(conversation = contact.0, "ended");
            let (by_text, msg) = match by {
                EndedBy::Resident => ("resident", system_message("sys.ended_by_resident", "")),
                EndedBy::Agent(s) => (
                    "agent",
                    system_message("sys.ended_by_agent", &hub.live(|l| l.staff_name(s.0))),
                ),
                EndedBy::System | EndedBy::LoggedOut => {
                    ("system", system_message("sys.abandoned", ""))
                }
            };
            let mut note = EventNote::new(EventKind::Ended).detail(by_text);
            note.staff = staff.map(|s| s.0);
            store.finish(contact.0, Status::Ended, &note).await?;
            hub.append_and_broadcast(contact.0, Sender::System, "", &msg, None)
                .await?;
            close(hub, contact.0, Status::Ended, staff).await;
            follow_up.extend(calls::close_requests(hub, contact.0).await);
        }
        Output::PresenceChanged {
            staff,
            presence,
            reason,
        } => {
            // The state log follows in `note_staff_of` (busy and wrap-up count first).
            let event = Arc::new(Event::Presence {
                available: presence == Presence::Available,
                offline: presence == Presence::Offline,
                reason: match reason {
                    PresenceReason::MissedOffer => Some("missed_offer"),
                    PresenceReason::Disconnected => Some("disconnected"),
                    _ => None,
                },
            });
            hub.live(|l| l.send_staff(staff.0, &event));
        }
    }
    Ok(())
}

/// Logs the state of the staff member an output is about (available, busy, wrap-up,
/// away, offline: see [`super::board::derive_state`]); only changes are written.
async fn note_staff_of(hub: &Hub, broker: &Broker, out: &Output) -> Result<(), HubError> {
    let (staff, why) = match *out {
        Output::Assigned { staff, .. } => (staff, "assigned"),
        Output::Requeued { staff, .. } => (staff, "requeued"),
        Output::Ended {
            staff: Some(staff), ..
        } => (staff, "ended"),
        Output::PresenceChanged { staff, reason, .. } => (
            staff,
            match reason {
                PresenceReason::MissedOffer => "missed_offer",
                PresenceReason::Disconnected => "disconnected",
                _ => "chosen",
            },
        ),
        _ => return Ok(()),
    };
    hub.note_staff(staff.0, broker.staff(staff).as_ref(), why)
        .await
}

/// Nobody available serves `queue` right now (no staff member with its skill is
/// Available): its waiting contacts hear so (see `StatusInfo::unstaffed`).
pub(super) fn queue_unstaffed(broker: &Broker, queue: QueueId) -> bool {
    broker
        .queue_stats(queue, now_millis())
        .is_none_or(|s| s.staff_available == 0)
}

/// The queue of `contact` has nobody available (see [`queue_unstaffed`]).
/// Tells the resident's pages they wait again: their place, the estimate, and whether
/// anyone serves the queue (`lost`: the staff member whose connection was lost).
fn tell_waiting(hub: &Hub, broker: &Broker, contact: ContactId, lost: Option<String>) {
    let pos = broker
        .position(contact)
        .map(|p| (p.position, p.estimated_wait_ms));
    let status = Arc::new(Event::Status {
        conversation: contact.0,
        info: StatusInfo {
            status: Status::Waiting,
            position: pos.map(|p| p.0),
            wait_ms: pos.and_then(|p| p.1),
            agent_name: None,
            lost_agent: lost,
            unstaffed: unstaffed(broker, contact),
        },
    });
    hub.live(|l| l.send_residents(contact.0, &status));
}

fn unstaffed(broker: &Broker, contact: ContactId) -> bool {
    broker
        .contact(contact)
        .is_some_and(|c| queue_unstaffed(broker, c.queue))
}

/// Final events for a closed conversation, then forget it and hang up its call.
async fn close(hub: &Hub, conv: i64, status: Status, staff: Option<StaffId>) {
    let event = Arc::new(Event::Status {
        conversation: conv,
        info: StatusInfo {
            status,
            position: None,
            wait_ms: None,
            agent_name: None,
            lost_agent: None,
            unstaffed: false,
        },
    });
    let released = Arc::new(Event::Released {
        conversation: conv,
        reason: if status == Status::Abandoned {
            "resident_left"
        } else {
            "ended"
        },
    });
    hub.live(|l| {
        l.send_residents(conv, &event);
        if let Some(s) = staff.or(l.agent_of(conv).map(StaffId)) {
            l.send_staff(s.0, &released);
        }
        l.close_conversation(conv);
    });
    hub.forget_lock(conv);
    hub.sfu().close_room(conv).await;
}

/// Pushes queue positions to waiting residents whose position or estimate changed, and
/// queue figures to every console, for queues that changed since the last push.
fn push_positions(
    hub: &Hub,
    broker: &Broker,
    dirty: &mut HashSet<QueueId>,
    last: &mut HashMap<i64, (usize, Option<u64>, bool)>,
) {
    if dirty.is_empty() {
        return;
    }
    for queue in dirty.drain() {
        let nobody = queue_unstaffed(broker, queue);
        for (contact, pos) in broker.positions(queue) {
            // Round the estimate to whole minutes so small changes are not re-announced.
            let minutes = pos.estimated_wait_ms.map(|ms| ms.div_ceil(60_000));
            let now = (pos.position, minutes, nobody);
            if last.get(&contact.0) == Some(&now) {
                continue;
            }
            if !hub.live(|l| l.has_residents(contact.0)) {
                continue;
            }
            last.insert(contact.0, now);
            let event = Arc::new(Event::Status {
                conversation: contact.0,
                info: StatusInfo {
                    status: Status::Waiting,
                    position: Some(pos.position),
                    wait_ms: pos.estimated_wait_ms,
                    agent_name: None,
                    lost_agent: hub.live(|l| l.lost_agent(contact.0)),
                    unstaffed: nobody,
                },
            });
            hub.live(|l| l.send_residents(contact.0, &event));
        }
    }
    if hub.live(|l| l.any_staff_connected()) {
        let figures = queue_figures(hub, broker);
        let event = Arc::new(Event::Queues(figures));
        hub.live(|l| l.send_all_staff(&event));
    }
}

/// Figures for every queue (names are filled from the cached queue list).
pub(super) fn queue_figures(hub: &Hub, broker: &Broker) -> Vec<QueueFigures> {
    let now = now_millis();
    let names = hub.live(|l| l.queue_names());
    broker
        .queues()
        .filter_map(|q| {
            let s = broker.queue_stats(q, now)?;
            let (nl, en) = names.get(&q.0).cloned().unwrap_or_default();
            Some(QueueFigures {
                id: q.0,
                name_nl: nl,
                name_en: en,
                waiting: s.waiting,
                offered: s.offered,
                longest_wait_ms: s.longest_wait_ms,
                staff_available: s.staff_available,
            })
        })
        .collect()
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}
