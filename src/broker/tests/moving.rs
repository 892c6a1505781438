//! Moving: a supervisor moves a waiting contact to another queue of its channel
//! ([`Input::MoveContact`], [`Output::Moved`]); it keeps its arrival time there.

use super::*;

#[test]
fn a_waiting_contact_moves_and_keeps_its_arrival_time() {
    let mut h = H::new();
    // Bob serves Q2 only and is Away: nothing is offered yet.
    h.online(2, &[Q2], 1, 0);
    h.create_at(10, Q1, 0, 500, false);
    h.create_at(11, Q2, 0, 800, false);
    let out = h.ok(Input::MoveContact {
        contact: c(10),
        to: Q2,
    });
    assert!(out.contains(&Output::Moved {
        contact: c(10),
        from: Q1,
        to: Q2
    }));
    assert!(out.contains(&Output::QueueChanged { queue: Q1 }));
    assert!(out.contains(&Output::QueueChanged { queue: Q2 }));
    // It arrived earlier than 11, so it is first in Q2.
    assert_eq!(h.b.position(c(10)).map(|p| p.position), Some(1));
    assert_eq!(h.b.position(c(11)).map(|p| p.position), Some(2));
    assert_eq!(h.b.contact(c(10)).map(|v| v.queue), Some(Q2));
    assert_eq!(h.b.queue_stats(Q1, h.now).map(|s| s.waiting), Some(0));
    // Once Bob is available, it is offered to him.
    let out = h.presence(2, Presence::Available);
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Offer { contact, .. } if *contact == c(10)))
    );
}

#[test]
fn only_a_waiting_contact_moves_and_only_within_its_channel() {
    let mut h = H::new();
    h.create(10, Q1, 0);
    assert_eq!(
        h.err(Input::MoveContact {
            contact: c(10),
            to: Q1
        }),
        BrokerError::InvalidMove {
            contact: c(10),
            to: Q1
        }
    );
    assert_eq!(
        h.err(Input::MoveContact {
            contact: c(10),
            to: QV
        }),
        BrokerError::InvalidMove {
            contact: c(10),
            to: QV
        }
    );
    assert_eq!(
        h.err(Input::MoveContact {
            contact: c(10),
            to: QueueId(99)
        }),
        BrokerError::UnknownQueue(QueueId(99))
    );
    assert_eq!(
        h.err(Input::MoveContact {
            contact: c(99),
            to: Q2
        }),
        BrokerError::UnknownContact(c(99))
    );
    // Offered to Anna: no longer waiting, it does not move.
    h.agent(1, &[Q1], 1, 0);
    assert!(matches!(
        h.err(Input::MoveContact {
            contact: c(10),
            to: Q2
        }),
        BrokerError::InvalidState { .. }
    ));
}
