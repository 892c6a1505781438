//! Queue order and who gets the next contact: FIFO by arrival within a priority,
//! higher priority first, requeued contacts ahead of fresh ones, and the longest idle
//! staff member (ties by id) across all queues they are skilled for.

use super::*;

#[test]
fn fifo_within_priority() {
    let mut h = H::new();
    h.online(1, &[Q1], 1, 0);
    for id in 1..=3 {
        h.now += 10;
        h.create(id, Q1, 0);
    }
    h.now += 10;
    let out = h.presence(1, Presence::Available);
    assert_eq!(offers(&out), vec![(1, 1)]);
    h.accept(1, 1);
    assert_eq!(offers(&h.end(1)), vec![(2, 1)]);
    h.accept(2, 1);
    assert_eq!(offers(&h.end(2)), vec![(3, 1)]);
}

#[test]
fn fifo_orders_by_arrival_not_creation() {
    let mut h = H::new();
    h.create_at(1, Q1, 0, 500, false);
    h.create_at(2, Q1, 0, 400, false);
    h.create_at(3, Q1, 0, 400, false);
    let ids: Vec<i64> = h.b.positions(Q1).iter().map(|(c, _)| c.0).collect();
    assert_eq!(ids, vec![2, 3, 1]);
}

#[test]
fn higher_priority_first() {
    let mut h = H::new();
    h.create(1, Q1, 0);
    h.now += 5;
    h.create(2, Q1, 3);
    h.now += 5;
    h.create(3, Q1, 1);
    let ids: Vec<i64> = h.b.positions(Q1).iter().map(|(c, _)| c.0).collect();
    assert_eq!(ids, vec![2, 3, 1]);
    let out = h.agent(1, &[Q1], 1, 0);
    assert_eq!(offers(&out), vec![(2, 1)]);
}

#[test]
fn requeued_goes_ahead_of_fresh_of_same_priority_only() {
    let mut h = H::new();
    h.create_at(1, Q1, 0, 100, false);
    h.create_at(2, Q1, 0, 900, true);
    h.create_at(3, Q1, 1, 950, false);
    let ids: Vec<i64> = h.b.positions(Q1).iter().map(|(c, _)| c.0).collect();
    assert_eq!(ids, vec![3, 2, 1]);
    assert!(h.b.contact(c(2)).is_some_and(|v| v.requeued));
}

#[test]
fn requeue_input_puts_contact_at_front_and_skips_the_same_staff() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    h.accept(1, 1);
    h.now += 10;
    h.create(2, Q1, 0);
    h.create(3, Q1, 0);
    h.now += 10;
    let out = h.ok(Input::Requeue { contact: c(1) });
    // Staff 1 handed contact 1 back: it is first in line but not offered
    // straight back to them; they get the next one instead.
    assert_eq!(
        events(&out),
        vec![
            Output::Requeued {
                contact: c(1),
                staff: s(1)
            },
            Output::Offer {
                contact: c(2),
                staff: s(1),
                expires_at: h.now + 20_000
            },
        ]
    );
    assert_eq!(h.b.position(c(1)).map(|p| p.position), Some(1));
    h.agent(2, &[Q1], 1, 0);
    assert_eq!(
        h.b.contact(c(1)).map(|v| v.state),
        Some(ContactState::Offered {
            staff: s(2),
            expires_at: h.now + 20_000
        })
    );
}

#[test]
fn longest_idle_staff_gets_the_contact_ties_by_id() {
    let mut h = H::new();
    h.now = 100;
    h.agent(2, &[Q1], 1, 0);
    h.agent(3, &[Q1], 1, 0);
    h.now = 50;
    // Staff 1 became Available "earlier" in wall-clock terms.
    h.agent(1, &[Q1], 1, 0);
    h.now = 200;
    assert_eq!(offers(&h.create(1, Q1, 0)), vec![(1, 1)]);
    // 2 and 3 have the same idle_since: the lower id wins.
    assert_eq!(offers(&h.create(2, Q1, 0)), vec![(2, 2)]);
    assert_eq!(offers(&h.create(3, Q1, 0)), vec![(3, 3)]);
}

#[test]
fn idle_since_moves_on_accept_and_on_end() {
    let mut h = H::new();
    h.agent(1, &[Q1], 2, 0);
    h.now += 10;
    h.agent(2, &[Q1], 2, 0);
    h.now += 10;
    assert_eq!(offers(&h.create(1, Q1, 0)), vec![(1, 1)]);
    h.now += 10;
    h.accept(1, 1);
    // Staff 1 accepted later than staff 2 became Available: 2 is next.
    assert_eq!(offers(&h.create(2, Q1, 0)), vec![(2, 2)]);
    assert_eq!(h.b.staff(s(1)).map(|v| v.idle_since), Some(h.now));
}

#[test]
fn freed_staff_takes_best_contact_across_skill_queues() {
    let mut h = H::new();
    h.create_at(1, Q1, 0, 500, false);
    h.create_at(2, Q2, 0, 300, false);
    h.create_at(3, Q2, 0, 600, false);
    h.create_at(4, Q1, 2, 900, false);
    let out = h.agent(1, &[Q1, Q2], 1, 0);
    assert_eq!(offers(&out), vec![(4, 1)]);
    h.accept(4, 1);
    assert_eq!(offers(&h.end(4)), vec![(2, 1)]);
    h.accept(2, 1);
    assert_eq!(offers(&h.end(2)), vec![(1, 1)]);
    h.accept(1, 1);
    assert_eq!(offers(&h.end(1)), vec![(3, 1)]);
}
