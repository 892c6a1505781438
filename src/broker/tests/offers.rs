//! The life of an offer: it times out (the staff member goes Away and the contact moves
//! on), a declined or expired offer leaves a cooldown for that person only, and only a
//! live offer can be accepted.

use super::*;

#[test]
fn timeout_revokes_sets_away_and_routes_to_next() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.now += 10;
    h.agent(2, &[Q1], 1, 0);
    let out = h.create(1, Q1, 0);
    assert_eq!(offers(&out), vec![(1, 1)]);
    let expires = h.now + 20_000;
    assert_eq!(h.b.poll_timeout(), Some(expires));
    assert_eq!(h.b.offers_for(s(1)), vec![(c(1), expires)]);
    // Not yet.
    assert!(h.tick(expires - 1).is_empty());
    let out = h.tick(expires);
    assert_eq!(
        events(&out),
        vec![
            Output::OfferRevoked {
                contact: c(1),
                staff: s(1),
                reason: RevokeReason::TimedOut
            },
            Output::PresenceChanged {
                staff: s(1),
                presence: Presence::Away,
                reason: PresenceReason::MissedOffer
            },
            Output::Offer {
                contact: c(1),
                staff: s(2),
                expires_at: expires + 20_000
            },
        ]
    );
}

#[test]
fn accepting_an_expired_offer_fails() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    h.now += 20_000;
    let e = h.err(Input::OfferAccepted {
        contact: c(1),
        staff: s(1),
    });
    assert_eq!(
        e,
        BrokerError::OfferExpired {
            contact: c(1),
            staff: s(1),
            expired_at: h.now
        }
    );
    h.now -= 1;
    h.accept(1, 1);
}

#[test]
fn decline_cooldown_then_eligible_again() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    h.now += 1_000;
    let out = h.decline(1, 1);
    // Never straight back to the same person.
    assert!(offers(&out).is_empty());
    let until = h.now + 60_000;
    assert_eq!(h.b.poll_timeout(), Some(until));
    // A newer contact is not blocked by it.
    assert_eq!(offers(&h.create(2, Q1, 0)), vec![(2, 1)]);
    h.decline(2, 1);
    assert!(h.tick(until - 1).is_empty());
    let out = h.tick(until);
    assert_eq!(offers(&out), vec![(1, 1)]);
}

#[test]
fn timed_out_staff_has_cooldown_for_that_contact() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    let expires = h.now + 20_000;
    h.tick(expires);
    // Back to Available at once: the contact is still not theirs.
    h.now = expires + 1;
    assert!(offers(&h.presence(1, Presence::Available)).is_empty());
    assert_eq!(h.b.poll_timeout(), Some(expires + 60_000));
    assert_eq!(offers(&h.tick(expires + 60_000)), vec![(1, 1)]);
}

#[test]
fn poll_timeout_ignores_cooldowns_of_offered_contacts() {
    let mut h = H::new();
    h.agent(1, &[Q1], 1, 0);
    h.now += 10;
    h.agent(2, &[Q1], 1, 0);
    h.create(1, Q1, 0);
    let out = h.decline(1, 1);
    assert_eq!(offers(&out), vec![(1, 2)]);
    // Only the offer to staff 2 can change anything.
    assert_eq!(h.b.poll_timeout(), Some(h.now + 20_000));
    h.accept(1, 2);
    assert_eq!(h.b.poll_timeout(), None);
}
