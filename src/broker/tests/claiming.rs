//! Picking a contact from the list: a staff member takes a waiting contact themselves
//! ([`Input::ContactClaimed`]), beside the offers the broker makes. Only a waiting
//! contact of a queue they serve, only within their capacity, only while online.

use super::*;

fn claim(contact: i64, staff: i64) -> Input {
    Input::ContactClaimed {
        contact: c(contact),
        staff: s(staff),
    }
}

#[test]
fn claiming_a_waiting_contact_assigns_it_at_once() {
    let mut h = H::new();
    // Away: the broker offers them nothing, but they may pick.
    h.online(1, &[Q1], 2, 0);
    h.create(1, Q1, 0);
    h.create(2, Q1, 0);
    let out = h.ok(claim(2, 1));
    assert_eq!(
        events(&out),
        vec![Output::Assigned {
            contact: c(2),
            staff: s(1)
        }]
    );
    assert!(out.contains(&Output::QueueChanged { queue: Q1 }));
    assert!(matches!(
        h.b.contact(c(2)).map(|v| v.state),
        Some(ContactState::Assigned { staff, .. }) if staff == s(1)
    ));
    assert_eq!(h.b.contacts_of(s(1)), vec![c(2)]);
    // The other contact moved up to place 1.
    assert_eq!(h.b.position(c(1)).map(|p| p.position), Some(1));
    assert_eq!(
        h.b.queue_stats(Q1, h.now).map(|q| (q.waiting, q.assigned)),
        Some((1, 1))
    );
    // Ending it frees the slot as for an accepted offer.
    h.end(2);
    assert!(h.b.contacts_of(s(1)).is_empty());
}

#[test]
fn claiming_is_refused_over_capacity() {
    let mut h = H::new();
    h.online(1, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    h.create(2, Q1, 0);
    h.ok(claim(1, 1));
    assert_eq!(
        h.err(claim(2, 1)),
        BrokerError::NoCapacity {
            staff: s(1),
            channel: Channel::Chat
        }
    );
    // An offer ringing for them takes the slot too.
    let mut h = H::new();
    h.create(1, Q1, 0);
    h.create(2, Q1, 0);
    assert_eq!(offers(&h.agent(1, &[Q1], 1, 0)), vec![(1, 1)]);
    assert!(matches!(h.err(claim(2, 1)), BrokerError::NoCapacity { .. }));
    // A chat blocks a video call and the other way round.
    let mut h = H::new();
    h.online(1, &[Q1, QV], 3, 1);
    h.create(1, Q1, 0);
    h.create(2, QV, 0);
    h.ok(claim(1, 1));
    assert_eq!(
        h.err(claim(2, 1)),
        BrokerError::NoCapacity {
            staff: s(1),
            channel: Channel::Video
        }
    );
}

#[test]
fn claiming_is_refused_without_the_skill() {
    let mut h = H::new();
    h.online(1, &[Q2], 2, 0);
    h.create(1, Q1, 0);
    assert_eq!(
        h.err(claim(1, 1)),
        BrokerError::NotSkilled {
            staff: s(1),
            queue: Q1
        }
    );
}

#[test]
fn claiming_is_refused_when_the_contact_no_longer_waits() {
    let mut h = H::new();
    h.create(1, Q1, 0);
    h.create(2, Q1, 0);
    // Offered to someone else.
    assert_eq!(offers(&h.agent(1, &[Q1], 1, 0)), vec![(1, 1)]);
    h.online(2, &[Q1], 2, 0);
    assert_eq!(
        h.err(claim(1, 2)),
        BrokerError::InvalidState {
            contact: c(1),
            expected: ContactStatus::Waiting,
            actual: ContactStatus::Offered
        }
    );
    // Held by someone else.
    h.accept(1, 1);
    assert!(matches!(
        h.err(claim(1, 2)),
        BrokerError::InvalidState {
            actual: ContactStatus::Assigned,
            ..
        }
    ));
    // Gone (the resident left).
    h.ok(Input::ContactLeft { contact: c(2) });
    assert_eq!(h.err(claim(2, 2)), BrokerError::UnknownContact(c(2)));
    // Unknown staff, and staff who went offline.
    h.create(3, Q1, 0);
    assert_eq!(h.err(claim(3, 9)), BrokerError::UnknownStaff(s(9)));
    h.ok(Input::StaffDisconnected { staff: s(2) });
    assert_eq!(h.err(claim(3, 2)), BrokerError::StaffOffline(s(2)));
}

#[test]
fn a_cooldown_does_not_stop_a_deliberate_pick() {
    let mut h = H::new();
    h.create(1, Q1, 0);
    assert_eq!(offers(&h.agent(1, &[Q1], 1, 0)), vec![(1, 1)]);
    h.decline(1, 1);
    // Declined: the broker will not offer it to them again for a while ...
    assert!(
        h.b.contact(c(1))
            .is_some_and(|v| v.state == ContactState::Waiting)
    );
    // ... but they may still pick it themselves.
    let out = h.ok(claim(1, 1));
    assert!(events(&out).contains(&Output::Assigned {
        contact: c(1),
        staff: s(1)
    }));
}
