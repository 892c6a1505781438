//! People leaving: a staff member who disconnects hands their contacts back (to the
//! front of the queue), and a resident who leaves abandons or ends their contact.

use super::*;

#[test]
fn disconnect_requeues_held_at_front_and_revokes_offers() {
    let mut h = H::new();
    h.agent(1, &[Q1], 3, 0);
    h.create(1, Q1, 0);
    h.create(2, Q1, 0);
    h.create(3, Q1, 0);
    h.accept(1, 1);
    h.accept(2, 1);
    h.now += 100;
    h.create(4, Q1, 0); // waits: staff 1 is full
    h.now += 100;
    let out = h.ok(Input::StaffDisconnected { staff: s(1) });
    assert_eq!(
        events(&out),
        vec![
            Output::PresenceChanged {
                staff: s(1),
                presence: Presence::Offline,
                reason: PresenceReason::Disconnected
            },
            Output::OfferRevoked {
                contact: c(3),
                staff: s(1),
                reason: RevokeReason::StaffLeft
            },
            Output::Requeued {
                contact: c(1),
                staff: s(1)
            },
            Output::Requeued {
                contact: c(2),
                staff: s(1)
            },
        ]
    );
    let ids: Vec<i64> = h.b.positions(Q1).iter().map(|(c, _)| c.0).collect();
    assert_eq!(ids, vec![1, 2, 3, 4]);
    assert!(h.b.contacts_of(s(1)).is_empty());
    assert!(h.b.offers_for(s(1)).is_empty());
    // Re-routed to whoever comes next, requeued ones first.
    let out = h.agent(2, &[Q1], 2, 0);
    assert_eq!(offers(&out), vec![(1, 2), (2, 2)]);
    // Reconnecting brings them back Away.
    let out = h.online(1, &[Q1], 3, 0);
    assert_eq!(
        events(&out),
        vec![Output::PresenceChanged {
            staff: s(1),
            presence: Presence::Away,
            reason: PresenceReason::Connected
        }]
    );
}

#[test]
fn disconnect_reroutes_offers_immediately() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.now += 10;
    h.agent(2, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    let out = h.ok(Input::StaffDisconnected { staff: s(1) });
    assert_eq!(offers(&out), vec![(1, 2)]);
}

#[test]
fn abandon_while_waiting() {
    let mut h = H::new();
    h.create(1, Q1, 0);
    h.now += 4_000;
    h.create(2, Q1, 0);
    h.create(3, Q1, 0);
    h.now += 3_000;
    // The second in line leaves after 3 s: the report learns where and how long.
    let out = h.ok(Input::ContactLeft { contact: c(2) });
    assert_eq!(
        out,
        vec![
            Output::Abandoned {
                contact: c(2),
                position: Some(2),
                waited_ms: 3_000
            },
            Output::QueueChanged { queue: Q1 }
        ]
    );
    assert_eq!(h.b.contact(c(2)), None);
    assert_eq!(h.b.position(c(3)).map(|p| p.position), Some(2));
    let out = h.ok(Input::ContactLeft { contact: c(1) });
    assert_eq!(
        out[0],
        Output::Abandoned {
            contact: c(1),
            position: Some(1),
            waited_ms: 7_000
        }
    );
    assert_eq!(h.b.position(c(3)).map(|p| p.position), Some(1));
    assert_eq!(
        h.err(Input::ContactLeft { contact: c(1) }),
        BrokerError::UnknownContact(c(1))
    );
}

#[test]
fn abandon_while_offered_revokes_and_frees_the_slot() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    h.create(2, Q1, 0);
    let out = h.ok(Input::ContactLeft { contact: c(1) });
    assert_eq!(
        events(&out),
        vec![
            Output::OfferRevoked {
                contact: c(1),
                staff: s(1),
                reason: RevokeReason::ContactLeft
            },
            Output::Abandoned {
                contact: c(1),
                position: None,
                waited_ms: 0
            },
            Output::Offer {
                contact: c(2),
                staff: s(1),
                expires_at: h.now + 20_000
            },
        ]
    );
}

#[test]
fn leaving_while_assigned_ends_and_records_handle_time() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    h.accept(1, 1);
    h.now += 40_000;
    let out = h.ok(Input::ContactLeft { contact: c(1) });
    assert_eq!(
        events(&out),
        vec![Output::Ended {
            contact: c(1),
            staff: Some(s(1))
        }]
    );
    assert_eq!(
        h.b.queue_stats(Q1, h.now).map(|q| q.average_handle_time_ms),
        Some(40_000)
    );
}
