//! Capacity: offers and held chats both count against a staff member's chat capacity,
//! and a video call needs their full attention (no chats beside it, one call at a time).

use super::*;

#[test]
fn chat_capacity_counts_offers_and_held() {
    let mut h = H::new();
    for id in 1..=4 {
        h.create(id, Q1, 0);
    }
    let out = h.agent(1, &[Q1], 2, 0);
    assert_eq!(offers(&out), vec![(1, 1), (2, 1)]);
    h.accept(1, 1);
    assert!(offers(&h.create(5, Q1, 0)).is_empty());
    let view = h.b.staff(s(1));
    assert_eq!(view.as_ref().map(|v| (v.chats, v.offers)), Some((1, 1)));
    assert_eq!(offers(&h.decline(2, 1)), vec![(3, 1)]);
    assert_eq!(h.b.queue_stats(Q1, h.now).map(|q| q.free_slots), Some(0));
}

#[test]
fn capacity_zero_gets_nothing() {
    let mut h = H::new();
    h.create(1, Q1, 0);
    h.create(2, QV, 0);
    assert!(offers(&h.agent(1, &[Q1, QV], 0, 0)).is_empty());
    assert_eq!(
        h.b.queue_stats(Q1, h.now).map(|q| q.staff_available),
        Some(1)
    );
    assert_eq!(h.b.position(c(1)).and_then(|p| p.estimated_wait_ms), None);
}

#[test]
fn video_needs_full_attention() {
    let mut h = H::new();
    h.agent(1, &[Q1, QV], 3, 1);
    assert_eq!(offers(&h.create(1, Q1, 0)), vec![(1, 1)]);
    // Holding (or being offered) a chat blocks video.
    assert!(offers(&h.create(2, QV, 0)).is_empty());
    h.accept(1, 1);
    assert!(offers(&h.create(3, QV, 0)).is_empty());
    // Once free, the oldest video goes out and blocks further chats.
    let out = h.end(1);
    assert_eq!(offers(&out), vec![(2, 1)]);
    assert!(offers(&h.create(4, Q1, 0)).is_empty());
    h.accept(2, 1);
    assert!(offers(&h.create(5, Q1, 0)).is_empty());
    // video_capacity 2 still means one call at a time.
    h.agent(2, &[QV], 0, 2);
    let view = h.b.staff(s(2));
    assert_eq!(view.map(|v| (v.videos, v.offers)), Some((0, 1)));
    assert_eq!(h.b.queue_stats(QV, h.now).map(|q| q.free_slots), Some(0));
}

#[test]
fn video_offer_when_idle_then_chats_wait() {
    let mut h = H::new();
    h.create_at(1, Q1, 0, 500, false);
    h.create_at(2, QV, 0, 400, false);
    // The video arrived first: the staff member takes it, and no chat.
    let out = h.agent(1, &[Q1, QV], 2, 1);
    assert_eq!(offers(&out), vec![(2, 1)]);
    // Declining the video frees them for the chat.
    let out = h.decline(2, 1);
    assert_eq!(offers(&out), vec![(1, 1)]);
}

#[test]
fn lowering_capacity_below_load_stops_new_offers() {
    let mut h = H::new();
    h.agent(1, &[Q1], 3, 0);
    for id in 1..=3 {
        h.create(id, Q1, 0);
        h.accept(id, 1);
    }
    h.online(1, &[Q1], 1, 0);
    h.create(4, Q1, 0);
    assert!(offers(&h.end(1)).is_empty());
    assert!(offers(&h.end(2)).is_empty());
    assert_eq!(offers(&h.end(3)), vec![(4, 1)]);
}
