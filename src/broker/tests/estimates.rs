//! What residents are told while they wait: the estimated wait (from recent handle
//! times and the free slots) and the typical answer time (the median first wait).

use super::super::queue::estimate_wait;
use super::*;

#[test]
fn estimate_formula() {
    assert_eq!(estimate_wait(1, 0, 0, 100), None);
    assert_eq!(estimate_wait(1, 2, 1, 100), Some(0));
    assert_eq!(estimate_wait(2, 2, 1, 100), Some(100));
    assert_eq!(estimate_wait(2, 2, 0, 100), Some(100));
    assert_eq!(estimate_wait(3, 2, 0, 100), Some(200));
    assert_eq!(estimate_wait(4, 2, 0, 100), Some(200));
    assert_eq!(estimate_wait(5, 2, 0, 100), Some(300));
    assert_eq!(estimate_wait(3, 1, 0, Millis::MAX), Some(Millis::MAX));
}

#[test]
fn estimates_use_handle_time_history_and_slots() {
    let mut h = H::with(BrokerConfig {
        handle_time_window: 2,
        default_handle_time_ms: 1_000,
        ..BrokerConfig::default()
    });
    assert_eq!(
        h.b.queue_stats(Q1, h.now).and_then(|q| q.estimated_wait_ms),
        None
    );
    h.agent(1, &[Q1], 2, 0);
    let stats = h.b.queue_stats(Q1, h.now);
    assert_eq!(
        stats.map(|q| (q.free_slots, q.estimated_wait_ms)),
        Some((2, Some(0)))
    );
    // Three handle times 10 s, 20 s, 40 s; only the last two count.
    for (id, ms) in [(1, 10_000), (2, 20_000), (3, 40_000)] {
        h.create(id, Q1, 0);
        h.accept(id, 1);
        h.now += ms;
        h.end(id);
    }
    let stats = h.b.queue_stats(Q1, h.now);
    assert_eq!(stats.map(|q| q.average_handle_time_ms), Some(30_000));
    // Fill both slots, then 5 wait: ceil(p / 2) * 30 s.
    for id in 10..17 {
        h.create(id, Q1, 0);
    }
    let waits: Vec<Option<Millis>> =
        h.b.positions(Q1)
            .iter()
            .map(|(_, p)| p.estimated_wait_ms)
            .collect();
    assert_eq!(
        waits,
        vec![
            Some(30_000),
            Some(30_000),
            Some(60_000),
            Some(60_000),
            Some(90_000)
        ]
    );
    let stats = h.b.queue_stats(Q1, h.now + 5);
    assert_eq!(
        stats,
        Some(QueueStats {
            channel: Channel::Chat,
            waiting: 5,
            offered: 2,
            assigned: 0,
            staff_available: 1,
            free_slots: 0,
            longest_wait_ms: 5,
            average_handle_time_ms: 30_000,
            typical_answer_ms: Some(0),
            estimated_wait_ms: Some(90_000),
        })
    );
    // Going Away removes the slots.
    h.presence(1, Presence::Away);
    assert_eq!(h.b.position(c(12)).map(|p| p.estimated_wait_ms), Some(None));
}

#[test]
fn estimate_is_zero_with_free_slots_blocked_by_cooldown() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    h.decline(1, 1);
    // Staff 1 is free but skipped for contact 1.
    assert_eq!(
        h.b.position(c(1)),
        Some(Position {
            position: 1,
            estimated_wait_ms: Some(0)
        })
    );
}

#[test]
fn typical_answer_time_is_the_median_first_wait() {
    let mut b = Broker::new(BrokerConfig::default());
    let q = QueueId(1);
    b.handle_input(
        0,
        Input::DefineQueue {
            queue: q,
            channel: Channel::Chat,
        },
    )
    .unwrap();
    assert_eq!(b.queue_stats(q, 0).unwrap().typical_answer_ms, None);
    b.handle_input(
        0,
        Input::StaffOnline {
            staff: StaffId(1),
            skills: vec![q],
            chat_capacity: 3,
            video_capacity: 0,
        },
    )
    .unwrap();
    // Three contacts arrive at 0 and are answered after 10 s, 40 s and 20 s.
    for (id, answered) in [(1, 10_000), (2, 40_000), (3, 20_000)] {
        b.handle_input(
            0,
            Input::ContactCreated {
                contact: ContactId(id),
                queue: q,
                priority: 0,
                arrived_at: 0,
                front: false,
            },
        )
        .unwrap();
        b.handle_input(
            answered,
            Input::SetPresence {
                staff: StaffId(1),
                presence: Presence::Available,
            },
        )
        .unwrap();
        b.handle_input(
            answered,
            Input::OfferAccepted {
                contact: ContactId(id),
                staff: StaffId(1),
            },
        )
        .unwrap();
        b.handle_input(
            answered,
            Input::SetPresence {
                staff: StaffId(1),
                presence: Presence::Away,
            },
        )
        .unwrap();
    }
    assert_eq!(
        b.queue_stats(q, 50_000).unwrap().typical_answer_ms,
        Some(20_000)
    );
    // A requeued contact answered again does not count twice.
    b.handle_input(
        50_000,
        Input::Requeue {
            contact: ContactId(1),
        },
    )
    .unwrap();
    b.handle_input(
        90_000,
        Input::SetPresence {
            staff: StaffId(1),
            presence: Presence::Available,
        },
    )
    .unwrap();
    let offers = b.offers_for(StaffId(1));
    for (c, _) in offers {
        let _ = b.handle_input(
            90_000,
            Input::OfferAccepted {
                contact: c,
                staff: StaffId(1),
            },
        );
    }
    assert_eq!(
        b.queue_stats(q, 90_000).unwrap().typical_answer_ms,
        Some(20_000)
    );
}
