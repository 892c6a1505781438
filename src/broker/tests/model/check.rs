//! One step of a property run: an input goes through the broker and the model, and the
//! broker's outputs and views are checked against what the model expects. The
//! invariants are numbered in the comments: 1 no contact lost or duplicated, 2 capacity
//! and video exclusivity, 3 FIFO within priority, 4 a revoked offer leaves the contact
//! waiting, re-offered or abandoned, 5 work conservation (nobody idle while a contact
//! they could take waits).

use super::*;

impl Model {
    /// Per-queue data the broker must report, computed from the model.
    fn queue_signature(&self, q: QueueId) -> QueueSig {
        let channel = self.queues[&q];
        let mut waiting: Vec<(_, ContactId)> = self
            .contacts
            .iter()
            .filter(|(_, c)| c.queue == q && c.state == MState::Waiting)
            .map(|(id, c)| (c.key(*id), *id))
            .collect();
        waiting.sort();
        let count = |f: fn(&MState) -> bool| {
            self.contacts
                .values()
                .filter(|c| c.queue == q && f(&c.state))
                .count()
        };
        let mut available = 0;
        let mut slots = 0;
        let mut free_slots = 0;
        for (id, st) in &self.staff {
            if st.presence == Presence::Available && st.skills.contains(&q) {
                available += 1;
                slots += match channel {
                    Channel::Chat => usize::from(st.chat_cap),
                    Channel::Video => usize::from(st.video_cap.min(1)),
                };
                free_slots += self.load(*id).free_for(st, channel);
            }
        }
        let times = self.handle_times.get(&q).cloned().unwrap_or_default();
        let aht = if times.is_empty() {
            CONFIG.default_handle_time_ms
        } else {
            times.iter().sum::<Millis>() / times.len() as Millis
        };
        QueueSig {
            channel,
            waiting: waiting.into_iter().map(|(_, id)| id).collect(),
            offered: count(|s| matches!(s, MState::Offered { .. })),
            assigned: count(|s| matches!(s, MState::Assigned { .. })),
            available,
            slots,
            free_slots,
            aht,
        }
    }

    /// Runs one input through the broker and checks everything.
    pub(in crate::broker::tests) fn step(
        &mut self,
        broker: &mut Broker,
        input: Input,
    ) -> Result<(), TestCaseError> {
        let now = self.now;
        self.stats.steps += 1;
        let expect_ok = self.valid(&input);
        let before = broker.clone();
        let sigs_before: BTreeMap<QueueId, QueueSig> = self
            .queues
            .keys()
            .map(|q| (*q, self.queue_signature(*q)))
            .collect();
        let result = broker.handle_input(now, input.clone());
        let outputs: Vec<Output> = std::iter::from_fn(|| broker.poll_output()).collect();
        prop_assert_eq!(result.is_ok(), expect_ok, "{:?} -> {:?}", input, result);
        if result.is_err() {
            self.stats.errors += 1;
            prop_assert!(outputs.is_empty(), "error with outputs {:?}", outputs);
            prop_assert!(*broker == before, "error changed state: {:?}", input);
            return self.check_state(broker);
        }

        // Direct effects of the input that outputs do not carry.
        match &input {
            Input::DefineQueue { queue, channel } => {
                self.queues.insert(*queue, *channel);
            }
            Input::StaffOnline {
                staff,
                skills,
                chat_capacity,
                video_capacity,
            } => {
                let mut skills = skills.clone();
                skills.sort();
                skills.dedup();
                let load = self.load(*staff);
                let excused = load.chats + load.chat_offers > *chat_capacity
                    || load.videos + load.video_offers > *video_capacity;
                let entry = self.staff.entry(*staff).or_insert(MStaff {
                    presence: Presence::Offline,
                    skills: Vec::new(),
                    chat_cap: 0,
                    video_cap: 0,
                    excused: false,
                    idle_since: now,
                });
                entry.skills = skills;
                entry.chat_cap = *chat_capacity;
                entry.video_cap = *video_capacity;
                entry.excused |= excused;
            }
            Input::ContactCreated {
                contact,
                queue,
                priority,
                arrived_at,
                front,
            } => {
                self.ever.insert(*contact);
                self.contacts.insert(
                    *contact,
                    MContact {
                        queue: *queue,
                        channel: self.queues[queue],
                        priority: *priority,
                        arrived_at: *arrived_at,
                        requeued: *front,
                        state: MState::Waiting,
                        cooldown: Vec::new(),
                    },
                );
            }
            Input::Tick => {
                for c in self.contacts.values_mut() {
                    if c.state == MState::Waiting {
                        c.cooldown.retain(|(_, until)| *until > now);
                    }
                }
            }
            _ => {}
        }

        // Replay the outputs.
        let mut offers_now: Vec<(ContactId, StaffId)> = Vec::new();
        let mut revoked: Vec<(ContactId, RevokeReason)> = Vec::new();
        let mut terminated: Vec<ContactId> = Vec::new();
        let mut changed: Vec<QueueId> = Vec::new();
        for out in &outputs {
            if !matches!(out, Output::QueueChanged { .. }) {
                prop_assert!(changed.is_empty(), "QueueChanged before {:?}", out);
            }
            match *out {
                Output::Offer {
                    contact,
                    staff,
                    expires_at,
                } => {
                    self.stats.offers += 1;
                    self.offers_made += 1;
                    prop_assert_eq!(expires_at, now + CONFIG.offer_timeout_ms);
                    let load = self.load(staff);
                    let Some(c) = self.contacts.get(&contact) else {
                        return Err(TestCaseError::fail(format!("offer of lost {contact:?}")));
                    };
                    prop_assert_eq!(c.state, MState::Waiting, "offered twice {:?}", contact);
                    prop_assert!(
                        !c.blocked(staff),
                        "{:?} offered to {:?} in cooldown",
                        contact,
                        staff
                    );
                    let st = &self.staff[&staff];
                    prop_assert_eq!(st.presence, Presence::Available);
                    prop_assert!(st.skills.contains(&c.queue));
                    prop_assert!(
                        load.free_for(st, c.channel) > 0,
                        "no free slot: {:?} {:?}",
                        staff,
                        load
                    );
                    // Longest idle: no eligible staff member idles longer.
                    let idle = (st.idle_since, staff);
                    for (sid, other) in &self.staff {
                        prop_assert!(
                            !self.eligible(c, *sid) || idle <= (other.idle_since, *sid),
                            "{:?} offered to {:?} but {:?} idles longer",
                            contact,
                            staff,
                            sid
                        );
                    }
                    // Greedy order: every better waiting contact (any
                    // queue) has nobody who could take it.
                    let key = c.key(contact);
                    for (id, d) in &self.contacts {
                        if d.state == MState::Waiting && d.key(*id) < key {
                            for sid in self.staff.keys() {
                                prop_assert!(
                                    !self.eligible(d, *sid),
                                    "{:?} offered while better {:?} could go to {:?}",
                                    contact,
                                    id,
                                    sid
                                );
                            }
                        }
                    }
                    offers_now.push((contact, staff));
                    if let Some(c) = self.contacts.get_mut(&contact) {
                        c.state = MState::Offered { staff, expires_at };
                    }
                }
                Output::OfferRevoked {
                    contact,
                    staff,
                    reason,
                } => {
                    self.offers_closed += 1;
                    let Some(c) = self.contacts.get_mut(&contact) else {
                        return Err(TestCaseError::fail(format!("revoke of lost {contact:?}")));
                    };
                    let MState::Offered {
                        staff: s,
                        expires_at,
                    } = c.state
                    else {
                        return Err(TestCaseError::fail(format!(
                            "revoke of unoffered {contact:?}"
                        )));
                    };
                    prop_assert_eq!(s, staff);
                    let expected = match reason {
                        RevokeReason::TimedOut => {
                            self.stats.timeouts += 1;
                            input == Input::Tick && expires_at <= now
                        }
                        RevokeReason::Declined => input == Input::OfferDeclined { contact, staff },
                        RevokeReason::ContactLeft => input == Input::ContactLeft { contact },
                        RevokeReason::StaffLeft => input == Input::StaffDisconnected { staff },
                    };
                    prop_assert!(expected, "{:?} after {:?}", out, input);
                    c.back_to_waiting(now);
                    if matches!(reason, RevokeReason::TimedOut | RevokeReason::Declined) {
                        c.add_cooldown(staff, now);
                    }
                    self.set_idle(staff, now);
                    revoked.push((contact, reason));
                }
                Output::Assigned { contact, staff } => {
                    self.stats.assigned += 1;
                    let claimed = input == Input::ContactClaimed { contact, staff };
                    if !claimed {
                        self.offers_closed += 1;
                        prop_assert_eq!(&input, &Input::OfferAccepted { contact, staff });
                    }
                    let Some(c) = self.contacts.get_mut(&contact) else {
                        return Err(TestCaseError::fail(format!("assign of lost {contact:?}")));
                    };
                    prop_assert!(
                        if claimed {
                            c.state == MState::Waiting
                        } else {
                            matches!(c.state, MState::Offered { staff: s, .. } if s == staff)
                        },
                        "{:?}",
                        out
                    );
                    c.state = MState::Assigned { staff, since: now };
                    self.set_idle(staff, now);
                }
                Output::Requeued { contact, staff } => {
                    self.stats.requeued += 1;
                    let by_requeue = input == Input::Requeue { contact };
                    prop_assert!(
                        by_requeue || input == Input::StaffDisconnected { staff },
                        "{:?}",
                        out
                    );
                    let Some(c) = self.contacts.get_mut(&contact) else {
                        return Err(TestCaseError::fail(format!("requeue of lost {contact:?}")));
                    };
                    prop_assert!(
                        matches!(c.state, MState::Assigned { staff: s, .. } if s == staff),
                        "{:?}",
                        out
                    );
                    c.requeued = true;
                    if by_requeue {
                        c.add_cooldown(staff, now);
                    }
                    c.back_to_waiting(now);
                    self.set_idle(staff, now);
                }
                Output::Abandoned { contact, .. } => {
                    prop_assert_eq!(&input, &Input::ContactLeft { contact });
                    let c = self.contacts.remove(&contact);
                    prop_assert!(
                        c.as_ref().is_some_and(|c| c.state == MState::Waiting),
                        "abandoned {:?} in state {:?}",
                        contact,
                        c.map(|c| c.state)
                    );
                    terminated.push(contact);
                }
                Output::Ended { contact, staff } => {
                    prop_assert!(
                        input == Input::ContactLeft { contact }
                            || input == Input::ConversationEnded { contact },
                        "{:?}",
                        out
                    );
                    let c = self.contacts.remove(&contact);
                    let Some(MState::Assigned { staff: s, since }) = c.as_ref().map(|c| c.state)
                    else {
                        return Err(TestCaseError::fail(format!(
                            "ended {contact:?} not assigned"
                        )));
                    };
                    prop_assert_eq!(staff, Some(s));
                    self.set_idle(s, now);
                    if let Some(c) = c {
                        let times = self.handle_times.entry(c.queue).or_default();
                        times.push(now - since);
                        if times.len() > CONFIG.handle_time_window {
                            times.remove(0);
                        }
                    }
                    terminated.push(contact);
                }
                Output::PresenceChanged {
                    staff,
                    presence,
                    reason,
                } => {
                    let Some(st) = self.staff.get_mut(&staff) else {
                        return Err(TestCaseError::fail(format!(
                            "presence of unknown {staff:?}"
                        )));
                    };
                    prop_assert_ne!(st.presence, presence, "no-op presence change");
                    let expected = match reason {
                        PresenceReason::Requested => {
                            input == Input::SetPresence { staff, presence }
                        }
                        PresenceReason::MissedOffer => {
                            input == Input::Tick
                                && presence == Presence::Away
                                && st.presence == Presence::Available
                        }
                        PresenceReason::Disconnected => {
                            input == Input::StaffDisconnected { staff }
                                && presence == Presence::Offline
                        }
                        PresenceReason::Connected => {
                            matches!(input, Input::StaffOnline { staff: s, .. } if s == staff)
                                && presence == Presence::Away
                                && st.presence == Presence::Offline
                        }
                    };
                    prop_assert!(expected, "{:?} after {:?}", out, input);
                    st.presence = presence;
                    if presence == Presence::Available {
                        st.idle_since = now;
                    }
                }
                Output::Overflowed { contact, .. } => {
                    return Err(TestCaseError::fail(format!(
                        "{contact:?} overflowed without an overflow rule"
                    )));
                }
                Output::Moved { contact, .. } => {
                    return Err(TestCaseError::fail(format!(
                        "{contact:?} moved without a move input"
                    )));
                }
                Output::QueueChanged { queue } => {
                    prop_assert!(!changed.contains(&queue), "QueueChanged twice");
                    prop_assert!(self.queues.contains_key(&queue));
                    changed.push(queue);
                }
            }
        }

        // What each input must have done.
        match &input {
            Input::ContactLeft { contact } => prop_assert!(terminated.contains(contact)),
            Input::ConversationEnded { contact } => {
                prop_assert!(terminated.contains(contact))
            }
            Input::OfferAccepted { contact, staff } | Input::ContactClaimed { contact, staff } => {
                prop_assert!(
                    matches!(
                        self.contacts.get(contact).map(|c| c.state),
                        Some(MState::Assigned { staff: s, .. }) if s == *staff
                    ),
                    "{:?}",
                    input
                )
            }
            Input::OfferDeclined { contact, .. } | Input::Requeue { contact } => {
                prop_assert!(
                    !matches!(
                        self.contacts.get(contact).map(|c| c.state),
                        Some(MState::Assigned { .. }) | None
                    ),
                    "{:?}",
                    input
                )
            }
            Input::SetPresence { staff, presence } => {
                prop_assert_eq!(self.staff[staff].presence, *presence)
            }
            Input::StaffDisconnected { staff } => {
                prop_assert_eq!(self.staff[staff].presence, Presence::Offline);
                prop_assert_eq!(self.load(*staff), Load::default());
            }
            Input::StaffOnline { staff, .. } => {
                prop_assert_ne!(self.staff[staff].presence, Presence::Offline)
            }
            Input::SetOverflow { .. } | Input::MoveContact { .. } => {}
            Input::Tick => {
                for c in self.contacts.values() {
                    if let MState::Offered { expires_at, .. } = c.state {
                        prop_assert!(expires_at > now, "expired offer survived a tick");
                    }
                }
            }
            Input::ContactCreated { contact, .. } => {
                prop_assert!(self.contacts.contains_key(contact))
            }
            Input::DefineQueue { .. } => {}
        }

        // Invariant 4: an OfferRevoked leaves the contact waiting or
        // re-offered, or (ContactLeft) abandoned.
        for (contact, reason) in &revoked {
            let state = self.contacts.get(contact).map(|c| c.state);
            if *reason == RevokeReason::ContactLeft {
                prop_assert!(state.is_none() && terminated.contains(contact));
            } else {
                prop_assert!(
                    matches!(state, Some(MState::Waiting | MState::Offered { .. })),
                    "revoked {:?} ended up {:?}",
                    contact,
                    state
                );
            }
        }
        let open = self
            .contacts
            .values()
            .filter(|c| matches!(c.state, MState::Offered { .. }))
            .count();
        prop_assert_eq!(self.offers_made, self.offers_closed + open);

        // Invariant 3: FIFO within priority.
        for (contact, staff) in &offers_now {
            let Some(offered) = self.contacts.get(contact) else {
                continue;
            };
            let key = offered.key(*contact);
            for (id, d) in &self.contacts {
                if d.queue == offered.queue && d.state == MState::Waiting && d.key(*id) < key {
                    prop_assert!(
                        d.blocked(*staff),
                        "{:?} offered to {:?} while {:?} waits ahead of it",
                        contact,
                        staff,
                        id
                    );
                }
            }
        }

        // QueueChanged for every queue whose observable data changed.
        for q in self.queues.keys() {
            let after = self.queue_signature(*q);
            if sigs_before.get(q) != Some(&after) {
                prop_assert!(
                    changed.contains(q),
                    "{:?} changed silently after {:?}",
                    q,
                    input
                );
            }
        }

        self.check_state(broker)
    }

    /// Invariants 1, 2 and 5 and the broker's views against the model.
    fn check_state(&mut self, broker: &Broker) -> Result<(), TestCaseError> {
        let now = self.now;
        // Invariant 1: no contact lost, none duplicated; views agree.
        for id in &self.ever {
            let view = broker.contact(*id);
            match self.contacts.get(id) {
                None => prop_assert_eq!(view, None),
                Some(c) => {
                    let state = match c.state {
                        MState::Waiting => ContactState::Waiting,
                        MState::Offered { staff, expires_at } => {
                            ContactState::Offered { staff, expires_at }
                        }
                        MState::Assigned { staff, since } => {
                            ContactState::Assigned { staff, since }
                        }
                    };
                    prop_assert_eq!(
                        view,
                        Some(ContactView {
                            queue: c.queue,
                            channel: c.channel,
                            priority: c.priority,
                            arrived_at: c.arrived_at,
                            state,
                            requeued: c.requeued,
                        })
                    );
                }
            }
        }

        // Invariant 2: capacity and video exclusivity; staff views.
        let ids: Vec<StaffId> = self.staff.keys().copied().collect();
        for id in ids {
            let load = self.load(id);
            let chat = load.chats + load.chat_offers;
            let video = load.videos + load.video_offers;
            let st = self
                .staff
                .get_mut(&id)
                .ok_or_else(|| TestCaseError::fail("staff"))?;
            prop_assert!(video <= 1, "{:?} has {} videos", id, video);
            prop_assert!(video == 0 || chat == 0, "{:?} mixes video and chat", id);
            if chat <= st.chat_cap && video <= st.video_cap {
                st.excused = false;
            }
            prop_assert!(
                st.excused || chat <= st.chat_cap,
                "{:?} over chat capacity",
                id
            );
            prop_assert!(
                st.excused || video <= st.video_cap,
                "{:?} over video capacity",
                id
            );
            let view = broker
                .staff(id)
                .ok_or_else(|| TestCaseError::fail("staff view"))?;
            prop_assert_eq!(view.presence, st.presence);
            prop_assert_eq!(view.idle_since, st.idle_since);
            prop_assert_eq!(&view.skills, &st.skills);
            prop_assert_eq!(
                (view.chat_capacity, view.video_capacity),
                (st.chat_cap, st.video_cap)
            );
            prop_assert_eq!(
                (view.chats, view.videos, view.offers),
                (
                    load.chats,
                    load.videos,
                    load.chat_offers + load.video_offers
                )
            );
            let mut held = broker.contacts_of(id);
            held.sort();
            let expected =
                self.sorted(|c| matches!(c.state, MState::Assigned { staff, .. } if staff == id));
            prop_assert_eq!(held, expected);
            let mut offered = broker.offers_for(id);
            offered.sort();
            let expected: Vec<(ContactId, Millis)> = self
                .contacts
                .iter()
                .filter_map(|(cid, c)| match c.state {
                    MState::Offered { staff, expires_at } if staff == id => {
                        Some((*cid, expires_at))
                    }
                    _ => None,
                })
                .collect();
            prop_assert_eq!(offered, expected);
        }

        // Invariant 5: work conservation.
        for (id, c) in &self.contacts {
            if c.state != MState::Waiting {
                continue;
            }
            for (sid, st) in &self.staff {
                let eligible = st.presence == Presence::Available
                    && st.skills.contains(&c.queue)
                    && !c.blocked(*sid)
                    && self.load(*sid).free_for(st, c.channel) > 0;
                prop_assert!(!eligible, "{:?} waits while {:?} could take it", id, sid);
            }
        }

        // Queue views: order, positions, estimates, statistics.
        let queue_ids: Vec<QueueId> = broker.queues().collect();
        prop_assert_eq!(&queue_ids, &self.queues.keys().copied().collect::<Vec<_>>());
        for q in queue_ids {
            let sig = self.queue_signature(q);
            let positions = broker.positions(q);
            let order: Vec<ContactId> = positions.iter().map(|(c, _)| *c).collect();
            prop_assert_eq!(&order, &sig.waiting);
            for (i, (cid, pos)) in positions.iter().enumerate() {
                let expected = Position {
                    position: i + 1,
                    estimated_wait_ms: expected_wait(i + 1, sig.slots, sig.free_slots, sig.aht),
                };
                prop_assert_eq!(*pos, expected);
                prop_assert_eq!(broker.position(*cid), Some(expected));
            }
            let longest = self
                .contacts
                .values()
                .filter(|c| c.queue == q && c.state == MState::Waiting)
                .map(|c| now.saturating_sub(c.arrived_at))
                .max()
                .unwrap_or(0);
            prop_assert_eq!(
                broker.queue_stats(q, now),
                Some(QueueStats {
                    channel: sig.channel,
                    waiting: sig.waiting.len(),
                    offered: sig.offered,
                    assigned: sig.assigned,
                    staff_available: sig.available,
                    free_slots: sig.free_slots,
                    longest_wait_ms: longest,
                    average_handle_time_ms: sig.aht,
                    // Not modelled here; `typical_answer_time_is_the_median_first_wait`
                    // checks it.
                    typical_answer_ms: broker.queue_stats(q, now).and_then(|s| s.typical_answer_ms),
                    estimated_wait_ms: expected_wait(
                        sig.waiting.len() + 1,
                        sig.slots,
                        sig.free_slots,
                        sig.aht
                    ),
                })
            );
        }

        // poll_timeout: the next offer expiry or cooldown end of a
        // waiting contact.
        let next = self.next_deadline();
        prop_assert_eq!(broker.poll_timeout(), next);
        Ok(())
    }
}

/// The estimate formula, written out independently of the broker's.
fn expected_wait(p: usize, slots: usize, free: usize, aht: Millis) -> Option<Millis> {
    if slots == 0 {
        None
    } else if free > 0 && p <= free {
        Some(0)
    } else {
        let rounds = p / slots + usize::from(p % slots != 0);
        Some(aht * rounds as Millis)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct QueueSig {
    channel: Channel,
    waiting: Vec<ContactId>,
    offered: usize,
    assigned: usize,
    available: usize,
    slots: usize,
    free_slots: usize,
    aht: Millis,
}
