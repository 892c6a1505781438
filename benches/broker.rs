//! Broker throughput in a loaded steady state: 10,000 waiting contacts over
//! three queues, 500 staff all at capacity.
//!
//! Run with `cargo bench --bench broker -- --warm-up-time 1 --measurement-time 3`.

use std::collections::VecDeque;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use loket::broker::{
    Broker, BrokerConfig, Channel, ContactId, Input, Millis, Output, Presence, QueueId, StaffId,
};

const CHAT_A: QueueId = QueueId(1);
const CHAT_B: QueueId = QueueId(2);
const VIDEO: QueueId = QueueId(3);
const STAFF: i64 = 500;
const WAITING: usize = 10_000;
/// How many steps a "leaver" waits before leaving (it is still waiting then).
const LEAVE_LAG: usize = 1_000;
/// Inputs per [`Sim::step`].
const EVENTS_PER_STEP: u64 = 6;

/// A broker in steady state plus the bookkeeping a server would do.
struct Sim {
    broker: Broker,
    now: Millis,
    next_contact: i64,
    /// Assigned contacts, oldest first.
    assigned: VecDeque<ContactId>,
    /// Waiting contacts that will leave, oldest first.
    leavers: VecDeque<ContactId>,
}

impl Sim {
    fn input(&mut self, input: Input) -> Option<(ContactId, StaffId)> {
        let result = self.broker.handle_input(self.now, input);
        debug_assert!(result.is_ok(), "{result:?}");
        let mut offer = None;
        while let Some(output) = self.broker.poll_output() {
            if let Output::Offer { contact, staff, .. } = output {
                offer = Some((contact, staff));
            }
        }
        offer
    }

    fn create(&mut self, queue: QueueId) -> (ContactId, Option<(ContactId, StaffId)>) {
        self.next_contact += 1;
        let contact = ContactId(self.next_contact);
        let offer = self.input(Input::ContactCreated {
            contact,
            queue,
            priority: 0,
            arrived_at: self.now,
            front: false,
        });
        (contact, offer)
    }

    fn accept(&mut self, (contact, staff): (ContactId, StaffId)) {
        self.input(Input::OfferAccepted { contact, staff });
        self.assigned.push_back(contact);
    }

    /// 500 staff: every fifth takes only video, the others two chat queues
    /// with three chats each. All are filled, then 10,000 contacts wait.
    fn new() -> Self {
        let mut sim = Sim {
            broker: Broker::new(BrokerConfig::default()),
            now: 1_700_000_000_000,
            next_contact: 0,
            assigned: VecDeque::new(),
            leavers: VecDeque::new(),
        };
        for (queue, channel) in [
            (CHAT_A, Channel::Chat),
            (CHAT_B, Channel::Chat),
            (VIDEO, Channel::Video),
        ] {
            sim.input(Input::DefineQueue { queue, channel });
        }
        for id in 0..STAFF {
            let staff = StaffId(id);
            let (skills, chat_capacity, video_capacity) = if id % 5 == 0 {
                (vec![VIDEO], 0, 1)
            } else {
                (vec![CHAT_A, CHAT_B], 3, 0)
            };
            sim.input(Input::StaffOnline {
                staff,
                skills,
                chat_capacity,
                video_capacity,
            });
            sim.input(Input::SetPresence {
                staff,
                presence: Presence::Available,
            });
        }
        // Fill every slot: 100 videos and 400 * 3 chats.
        for i in 0..1_300 {
            sim.now += 1;
            let queue = if i < 100 {
                VIDEO
            } else if i % 2 == 0 {
                CHAT_A
            } else {
                CHAT_B
            };
            if let (_, Some(offer)) = sim.create(queue) {
                sim.accept(offer);
            }
        }
        // The backlog: 4,000 + 4,000 chats and 2,000 videos.
        for i in 0..WAITING {
            sim.now += 1;
            let queue = match i % 5 {
                0 | 1 => CHAT_A,
                2 | 3 => CHAT_B,
                _ => VIDEO,
            };
            let (contact, offer) = sim.create(queue);
            assert!(offer.is_none(), "staff should be full");
            if i >= WAITING - LEAVE_LAG {
                sim.leavers.push_back(contact);
            }
        }
        sim
    }

    /// One steady-state step, six inputs: the oldest conversation ends, its
    /// staff member gets the next contact and accepts it; two contacts
    /// arrive in that queue; an older one leaves; a timer tick.
    fn step(&mut self) {
        self.now += 10;
        let Some(done) = self.assigned.pop_front() else {
            return;
        };
        let offer = self.input(Input::ConversationEnded { contact: done });
        let queue = match offer {
            Some(offer) => {
                let queue = self.broker.contact(offer.0).map_or(CHAT_A, |v| v.queue);
                self.accept(offer);
                queue
            }
            None => CHAT_A,
        };
        self.create(queue);
        let (leaver, _) = self.create(queue);
        self.leavers.push_back(leaver);
        if let Some(gone) = self.leavers.pop_front() {
            self.input(Input::ContactLeft { contact: gone });
        }
        self.input(Input::Tick);
    }
}

fn steady_state(c: &mut Criterion) {
    let mut group = c.benchmark_group("broker");
    let mut sim = Sim::new();
    group.throughput(Throughput::Elements(EVENTS_PER_STEP));
    group.bench_function("steady_state_events", |b| b.iter(|| sim.step()));
    let waiting: usize = [CHAT_A, CHAT_B, VIDEO]
        .iter()
        .filter_map(|q| sim.broker.queue_stats(*q, sim.now))
        .map(|s| s.waiting)
        .sum();
    assert!(
        (WAITING - 100..=WAITING + 100).contains(&waiting),
        "the backlog drifted: {waiting}"
    );
    assert_eq!(
        sim.assigned.len(),
        1_300,
        "every step should serve one contact"
    );
    group.finish();
}

fn positions(c: &mut Criterion) {
    let mut broker = Broker::new(BrokerConfig::default());
    let now: Millis = 1_700_000_000_000;
    let setup = [
        Input::DefineQueue {
            queue: CHAT_A,
            channel: Channel::Chat,
        },
        Input::StaffOnline {
            staff: StaffId(1),
            skills: vec![CHAT_A],
            chat_capacity: 2,
            video_capacity: 0,
        },
        Input::SetPresence {
            staff: StaffId(1),
            presence: Presence::Available,
        },
    ];
    for input in setup {
        let _ = broker.handle_input(now, input);
    }
    for i in 0..(WAITING as i64 + 2) {
        let _ = broker.handle_input(
            now + i as Millis,
            Input::ContactCreated {
                contact: ContactId(i),
                queue: CHAT_A,
                priority: (i % 3) as u8,
                arrived_at: now + i as Millis,
                front: false,
            },
        );
    }
    while broker.poll_output().is_some() {}
    let mut group = c.benchmark_group("broker");
    group.throughput(Throughput::Elements(WAITING as u64));
    group.bench_function("positions_10k", |b| {
        b.iter(|| black_box(broker.positions(black_box(CHAT_A))))
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("queue_stats", |b| {
        b.iter(|| black_box(broker.queue_stats(black_box(CHAT_A), now)))
    });
    // The worst case of the single-contact query: the last of 10,000.
    let last = broker.positions(CHAT_A).last().map(|(c, _)| *c);
    group.bench_function("position_last_of_10k", |b| {
        b.iter(|| black_box(last.and_then(|c| broker.position(black_box(c)))))
    });
    group.finish();
}

criterion_group!(benches, steady_state, positions);
criterion_main!(benches);
