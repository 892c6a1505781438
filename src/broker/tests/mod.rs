//! Broker tests, by rule area: each file holds the unit tests of one group of routing
//! rules, written against the harness [`H`] below. `model.rs` is a reference model
//! rebuilt from the inputs and outputs alone, and `props.rs` replays random input
//! sequences through the broker and the model and checks they agree.

use super::*;

mod capacity;
mod changes;
mod claiming;
mod estimates;
mod leaving;
mod model;
mod moving;
mod offers;
mod overflow;
mod props;
mod queueing;

const Q1: QueueId = QueueId(1);
const Q2: QueueId = QueueId(2);
const QV: QueueId = QueueId(3);

fn c(id: i64) -> ContactId {
    ContactId(id)
}

fn s(id: i64) -> StaffId {
    StaffId(id)
}

/// Test harness: a broker with two chat queues (Q1, Q2) and one video queue
/// (QV), and a settable clock.
struct H {
    b: Broker,
    now: Millis,
}

impl H {
    fn new() -> Self {
        Self::with(BrokerConfig::default())
    }

    fn with(config: BrokerConfig) -> Self {
        let mut h = H {
            b: Broker::new(config),
            now: 1_000,
        };
        h.ok(Input::DefineQueue {
            queue: Q1,
            channel: Channel::Chat,
        });
        h.ok(Input::DefineQueue {
            queue: Q2,
            channel: Channel::Chat,
        });
        h.ok(Input::DefineQueue {
            queue: QV,
            channel: Channel::Video,
        });
        h
    }

    fn drain(&mut self) -> Vec<Output> {
        std::iter::from_fn(|| self.b.poll_output()).collect()
    }

    fn try_input(&mut self, input: Input) -> Result<Vec<Output>, BrokerError> {
        self.b.handle_input(self.now, input)?;
        Ok(self.drain())
    }

    #[track_caller]
    fn ok(&mut self, input: Input) -> Vec<Output> {
        match self.try_input(input.clone()) {
            Ok(out) => out,
            Err(e) => panic!("{input:?} failed: {e}"),
        }
    }

    /// Input that must fail and leave everything unchanged.
    #[track_caller]
    fn err(&mut self, input: Input) -> BrokerError {
        let before = self.b.clone();
        let result = self.b.handle_input(self.now, input.clone());
        assert_eq!(self.b, before, "{input:?} changed state");
        assert_eq!(self.b.poll_output(), None, "{input:?} produced output");
        match result {
            Ok(()) => panic!("{input:?} succeeded"),
            Err(e) => e,
        }
    }

    fn online(&mut self, id: i64, skills: &[QueueId], chat: u8, video: u8) -> Vec<Output> {
        self.ok(Input::StaffOnline {
            staff: s(id),
            skills: skills.to_vec(),
            chat_capacity: chat,
            video_capacity: video,
        })
    }

    fn presence(&mut self, id: i64, presence: Presence) -> Vec<Output> {
        self.ok(Input::SetPresence {
            staff: s(id),
            presence,
        })
    }

    /// Online and Available.
    fn agent(&mut self, id: i64, skills: &[QueueId], chat: u8, video: u8) -> Vec<Output> {
        let mut out = self.online(id, skills, chat, video);
        out.extend(self.presence(id, Presence::Available));
        out
    }

    fn create(&mut self, id: i64, queue: QueueId, priority: u8) -> Vec<Output> {
        self.create_at(id, queue, priority, self.now, false)
    }

    fn create_at(
        &mut self,
        id: i64,
        queue: QueueId,
        priority: u8,
        arrived_at: Millis,
        front: bool,
    ) -> Vec<Output> {
        self.ok(Input::ContactCreated {
            contact: c(id),
            queue,
            priority,
            arrived_at,
            front,
        })
    }

    fn accept(&mut self, contact: i64, staff: i64) -> Vec<Output> {
        self.ok(Input::OfferAccepted {
            contact: c(contact),
            staff: s(staff),
        })
    }

    fn decline(&mut self, contact: i64, staff: i64) -> Vec<Output> {
        self.ok(Input::OfferDeclined {
            contact: c(contact),
            staff: s(staff),
        })
    }

    fn end(&mut self, contact: i64) -> Vec<Output> {
        self.ok(Input::ConversationEnded {
            contact: c(contact),
        })
    }

    fn tick(&mut self, at: Millis) -> Vec<Output> {
        self.now = at;
        self.ok(Input::Tick)
    }
}

/// `(contact, staff)` of every Offer in `out`.
fn offers(out: &[Output]) -> Vec<(i64, i64)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Offer { contact, staff, .. } => Some((contact.0, staff.0)),
            _ => None,
        })
        .collect()
}

/// `out` without the QueueChanged notifications.
fn events(out: &[Output]) -> Vec<Output> {
    out.iter()
        .filter(|o| !matches!(o, Output::QueueChanged { .. }))
        .cloned()
        .collect()
}
