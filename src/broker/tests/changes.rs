//! Changes to the setup while contacts are in flight (queue definitions, presence,
//! skills, ids coming back), the events they report, and inputs that are refused
//! without changing anything.

use super::*;

#[test]
fn errors_leave_state_unchanged() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.agent(2, &[Q1], 1, 0);
    h.online(3, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    h.create(2, Q1, 0);
    h.create(3, Q1, 0);
    h.accept(1, 1);
    assert_eq!(
        h.err(Input::DefineQueue {
            queue: Q1,
            channel: Channel::Video
        }),
        BrokerError::QueueNotEmpty {
            queue: Q1,
            channel: Channel::Chat
        }
    );
    assert_eq!(
        h.err(Input::StaffOnline {
            staff: s(1),
            skills: vec![Q1, QueueId(99)],
            chat_capacity: 5,
            video_capacity: 0
        }),
        BrokerError::UnknownQueue(QueueId(99))
    );
    assert_eq!(
        h.err(Input::SetPresence {
            staff: s(9),
            presence: Presence::Available
        }),
        BrokerError::UnknownStaff(s(9))
    );
    assert_eq!(
        h.err(Input::StaffDisconnected { staff: s(9) }),
        BrokerError::UnknownStaff(s(9))
    );
    assert_eq!(
        h.err(Input::ContactCreated {
            contact: c(1),
            queue: Q1,
            priority: 0,
            arrived_at: 0,
            front: false
        }),
        BrokerError::DuplicateContact(c(1))
    );
    assert_eq!(
        h.err(Input::ContactCreated {
            contact: c(9),
            queue: QueueId(99),
            priority: 0,
            arrived_at: 0,
            front: false
        }),
        BrokerError::UnknownQueue(QueueId(99))
    );
    // Contact 2 is offered to staff 2, not 1.
    assert_eq!(
        h.err(Input::OfferAccepted {
            contact: c(2),
            staff: s(1)
        }),
        BrokerError::NotOfferedTo {
            contact: c(2),
            staff: s(1)
        }
    );
    assert_eq!(
        h.err(Input::OfferDeclined {
            contact: c(3),
            staff: s(2)
        }),
        BrokerError::NotOfferedTo {
            contact: c(3),
            staff: s(2)
        }
    );
    assert_eq!(
        h.err(Input::OfferAccepted {
            contact: c(1),
            staff: s(1)
        }),
        BrokerError::NotOfferedTo {
            contact: c(1),
            staff: s(1)
        }
    );
    assert_eq!(
        h.err(Input::OfferAccepted {
            contact: c(2),
            staff: s(9)
        }),
        BrokerError::UnknownStaff(s(9))
    );
    assert_eq!(
        h.err(Input::OfferDeclined {
            contact: c(9),
            staff: s(1)
        }),
        BrokerError::UnknownContact(c(9))
    );
    assert_eq!(
        h.err(Input::ConversationEnded { contact: c(3) }),
        BrokerError::InvalidState {
            contact: c(3),
            expected: ContactStatus::Assigned,
            actual: ContactStatus::Waiting
        }
    );
    assert_eq!(
        h.err(Input::Requeue { contact: c(2) }),
        BrokerError::InvalidState {
            contact: c(2),
            expected: ContactStatus::Assigned,
            actual: ContactStatus::Offered
        }
    );
    assert_eq!(
        h.err(Input::ConversationEnded { contact: c(9) }),
        BrokerError::UnknownContact(c(9))
    );
    assert_eq!(
        h.err(Input::ContactLeft { contact: c(9) }),
        BrokerError::UnknownContact(c(9))
    );
    // Errors display.
    let text = BrokerError::InvalidState {
        contact: c(3),
        expected: ContactStatus::Assigned,
        actual: ContactStatus::Waiting,
    }
    .to_string();
    assert_eq!(text, "contact 3 is waiting, expected assigned");
}

#[test]
fn define_queue_is_idempotent_and_rechannels_empty_queues() {
    let mut h = H::new();
    assert!(
        h.ok(Input::DefineQueue {
            queue: Q1,
            channel: Channel::Chat
        })
        .is_empty()
    );
    h.agent(1, &[Q2], 2, 1);
    assert_eq!(h.b.queue_stats(Q2, h.now).map(|q| q.free_slots), Some(2));
    h.ok(Input::DefineQueue {
        queue: Q2,
        channel: Channel::Video,
    });
    assert_eq!(h.b.queue_stats(Q2, h.now).map(|q| q.free_slots), Some(1));
    assert_eq!(h.b.queues().collect::<Vec<_>>(), vec![Q1, Q2, QV]);
    assert_eq!(offers(&h.create(1, Q2, 0)), vec![(1, 1)]);
    assert_eq!(h.b.contact(c(1)).map(|v| v.channel), Some(Channel::Video));
}

#[test]
fn queue_changed_once_per_queue_per_call_and_last() {
    let mut h = H::new();
    h.online(1, &[Q1, Q2], 3, 0);
    for id in 1..=3 {
        h.create(id, Q1, 0);
        h.create(10 + id, Q2, 0);
    }
    let out = h.presence(1, Presence::Available);
    let changed: Vec<&Output> = out
        .iter()
        .filter(|o| matches!(o, Output::QueueChanged { .. }))
        .collect();
    assert_eq!(
        changed,
        vec![
            &Output::QueueChanged { queue: Q1 },
            &Output::QueueChanged { queue: Q2 }
        ]
    );
    let first_changed = out
        .iter()
        .position(|o| matches!(o, Output::QueueChanged { .. }));
    assert_eq!(first_changed, Some(out.len() - 2));
}

#[test]
fn presence_changes_are_reported_once() {
    let mut h = H::new();
    let out = h.online(1, &[Q1], 1, 0);
    assert_eq!(
        events(&out),
        vec![Output::PresenceChanged {
            staff: s(1),
            presence: Presence::Away,
            reason: PresenceReason::Connected
        }]
    );
    assert!(events(&h.online(1, &[Q1, Q2], 2, 0)).is_empty());
    assert_eq!(
        events(&h.presence(1, Presence::Available)),
        vec![Output::PresenceChanged {
            staff: s(1),
            presence: Presence::Available,
            reason: PresenceReason::Requested
        }]
    );
    assert!(events(&h.presence(1, Presence::Available)).is_empty());
    assert_eq!(h.b.staff(s(1)).map(|v| v.skills), Some(vec![Q1, Q2]));
}

#[test]
fn away_staff_keep_their_offers_and_contacts() {
    let mut h = H::new();
    h.agent(1, &[Q1], 2, 0);
    h.create(1, Q1, 0);
    h.create(2, Q1, 0);
    h.accept(1, 1);
    h.presence(1, Presence::Away);
    h.create(3, Q1, 0);
    assert_eq!(h.b.contacts_of(s(1)), vec![c(1)]);
    assert_eq!(h.b.offers_for(s(1)).len(), 1);
    h.accept(2, 1);
    assert_eq!(h.b.contacts_of(s(1)), vec![c(1), c(2)]);
    assert!(offers(&h.end(1)).is_empty());
}

#[test]
fn removing_a_skill_stops_offers_from_that_queue() {
    let mut h = H::new();
    h.agent(1, &[Q1, Q2], 1, 0);
    h.online(1, &[Q2], 1, 0);
    assert!(offers(&h.create(1, Q1, 0)).is_empty());
    assert_eq!(
        h.b.queue_stats(Q1, h.now).map(|q| q.staff_available),
        Some(0)
    );
    assert_eq!(offers(&h.create(2, Q2, 0)), vec![(2, 1)]);
}

#[test]
fn terminal_contacts_are_forgotten_and_ids_can_return() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    h.accept(1, 1);
    h.end(1);
    assert_eq!(h.b.contact(c(1)), None);
    assert_eq!(
        h.err(Input::ConversationEnded { contact: c(1) }),
        BrokerError::UnknownContact(c(1))
    );
    // The server would never reuse a conversation id, but nothing breaks.
    assert_eq!(offers(&h.create(1, Q1, 0)), vec![(1, 1)]);
}
