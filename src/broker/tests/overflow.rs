//! Overflow: a queue nobody serves hands its waiting contacts to another queue after
//! the queue's overflow time ([`Input::SetOverflow`], [`Output::Overflowed`]).

use super::*;

const FIVE_MIN: Millis = 5 * 60_000;

fn rule(queue: QueueId, to: QueueId) -> Input {
    Input::SetOverflow {
        queue,
        overflow: Some(Overflow {
            to,
            after_ms: FIVE_MIN,
        }),
    }
}

fn overflowed(out: &[Output]) -> Vec<(i64, QueueId, QueueId)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Overflowed { contact, from, to } => Some((contact.0, *from, *to)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_rule_must_name_another_queue_of_the_same_channel() {
    let mut h = H::new();
    assert_eq!(
        h.err(rule(Q1, Q1)),
        BrokerError::InvalidOverflow { queue: Q1, to: Q1 }
    );
    assert_eq!(
        h.err(rule(Q1, QV)),
        BrokerError::InvalidOverflow { queue: Q1, to: QV }
    );
    assert_eq!(
        h.err(rule(Q1, QueueId(99))),
        BrokerError::UnknownQueue(QueueId(99))
    );
    h.ok(rule(Q1, Q2));
}

#[test]
fn waiting_contacts_move_when_the_last_member_has_been_gone_long_enough() {
    let mut h = H::new();
    h.ok(rule(Q1, Q2));
    // Anna serves Q1 and is busy; Bob serves only Q2 and is Away.
    h.agent(1, &[Q1], 1, 0);
    h.online(2, &[Q2], 1, 0);
    h.create(10, Q1, 0);
    h.accept(10, 1);
    h.create(11, Q1, 0);
    // Nothing is due while Anna is Available (even if busy).
    assert_eq!(h.b.poll_timeout(), None);
    h.now += 60_000;
    h.presence(1, Presence::Away);
    let gone = h.now;
    assert_eq!(h.b.poll_timeout(), Some(gone + FIVE_MIN));
    // Not before the overflow time ...
    assert!(overflowed(&h.tick(gone + FIVE_MIN - 1)).is_empty());
    assert_eq!(h.b.contact(c(11)).map(|v| v.queue), Some(Q1));
    // ... then the waiting contact moves; the one Anna holds stays hers.
    let out = h.tick(gone + FIVE_MIN);
    assert_eq!(overflowed(&out), vec![(11, Q1, Q2)]);
    assert!(out.contains(&Output::QueueChanged { queue: Q1 }));
    assert!(out.contains(&Output::QueueChanged { queue: Q2 }));
    assert_eq!(h.b.contact(c(11)).map(|v| v.queue), Some(Q2));
    assert_eq!(h.b.contact(c(10)).map(|v| v.queue), Some(Q1));
    // Bob becomes Available: he is offered the moved contact.
    let out = h.presence(2, Presence::Available);
    assert_eq!(offers(&out), vec![(11, 2)]);
}

#[test]
fn a_contact_that_arrives_in_an_unstaffed_queue_waits_its_own_overflow_time() {
    let mut h = H::new();
    h.ok(rule(Q1, Q2));
    h.tick(h.now);
    h.now += 10 * 60_000;
    let arrived = h.now;
    h.create(20, Q1, 0);
    assert_eq!(h.b.poll_timeout(), Some(arrived + FIVE_MIN));
    assert!(overflowed(&h.tick(arrived + FIVE_MIN - 1)).is_empty());
    assert_eq!(overflowed(&h.tick(arrived + FIVE_MIN)), vec![(20, Q1, Q2)]);
}

#[test]
fn a_member_coming_back_in_time_keeps_the_contacts() {
    let mut h = H::new();
    h.ok(rule(Q1, Q2));
    h.online(1, &[Q1], 1, 0);
    h.create(30, Q1, 0);
    h.now += FIVE_MIN - 1_000;
    let out = h.presence(1, Presence::Available);
    assert_eq!(offers(&out), vec![(30, 1)]);
    assert!(overflowed(&h.tick(h.now + FIVE_MIN)).is_empty());
    assert_eq!(h.b.contact(c(30)).map(|v| v.queue), Some(Q1));
}

#[test]
fn moved_contacts_keep_their_arrival_order_in_the_new_queue() {
    let mut h = H::new();
    h.ok(rule(Q1, Q2));
    h.online(2, &[Q2], 1, 0);
    // An early Q1 contact, then a later Q2 contact.
    h.create_at(40, Q1, 0, 1_000, false);
    h.now = 2_000;
    h.create_at(41, Q2, 0, 2_000, false);
    h.tick(1_000 + FIVE_MIN);
    // The moved contact arrived first, so it is first in Q2.
    assert_eq!(h.b.position(c(40)).map(|p| p.position), Some(1));
    assert_eq!(h.b.position(c(41)).map(|p| p.position), Some(2));
}

#[test]
fn without_a_rule_contacts_stay() {
    let mut h = H::new();
    h.create(50, Q1, 0);
    assert_eq!(h.b.poll_timeout(), None);
    assert!(overflowed(&h.tick(h.now + 24 * 3_600_000)).is_empty());
    assert_eq!(h.b.contact(c(50)).map(|v| v.queue), Some(Q1));
}
