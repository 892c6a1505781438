//! Loket's one stage in each connection's webrtc-rs interceptor chain (`SfuTap`), and the
//! clock that measures how long a packet stays inside the SFU (`HoldClock`).
//!
//! webrtc-rs runs every packet through a chain of interceptors (NACK generator and
//! responder, receiver and sender reports, transport-wide feedback), each of which moves
//! the packet through its own queue; a stage costs a copy of the packet per direction.
//! So what Loket needs from the chain lives in one stage, wire-ward of the NACK responder
//! (slot 4 000) and the report generators (10 000), where it sees what they send:
//!
//! - **keyframe requests** (PLI/FIR) a subscriber sends are marked for the application,
//!   so `forward::relay_subscriber_rtcp` can pass them on to the publisher;
//! - **loss reports** (`RemoteLoss`): the report blocks in a browser's receiver *and*
//!   sender reports (webrtc-rs 0.21 reads only the former), read by `allocate`;
//! - **retransmission cap**: NACK answers may add at most a third to the media bytes a
//!   connection sends; on a line over its capacity, answering every NACK multiplies the
//!   overload (measured: a 400 kbit/s downlink got ten times its media rate resent);
//! - **no video report blocks** in the reports the SFU sends when simulcast is on: a
//!   simulcast layer is known to webrtc-rs 0.21 only by the `rid` header extension, every
//!   applied answer forgets which SSRC was which layer, and Chrome stops sending `rid`
//!   once a report block acknowledges the SSRC; without this, the first renegotiation
//!   stops every simulcast camera. Chrome's send rate still follows the transport-wide
//!   feedback; audio keeps its reports;
//! - **hold time**: one packet in [`HOLD_SAMPLE`] is stamped when it comes in (after
//!   SRTP) and again when a copy of it goes out (before SRTP): the SFU's own share of the
//!   delay, with webrtc-rs's queues and Loket's forwarding in it, without the wire.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rtc::interceptor::{Attribute, Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtcp::receiver_report::ReceiverReport;
use rtc::rtcp::reception_report::ReceptionReport;
use rtc::rtcp::sender_report::SenderReport;

use super::forward::Counters;

/// Whether an RTCP packet asks for a keyframe.
pub(crate) fn is_keyframe_request(p: &dyn rtc::rtcp::Packet) -> bool {
    let any = p.as_any();
    any.is::<PictureLossIndication>() || any.is::<FullIntraRequest>()
}

/// What a subscriber's browser reports about the streams the SFU sends it: the latest
/// cumulative loss per SSRC. Read by `allocate`.
#[derive(Default)]
pub(crate) struct RemoteLoss {
    streams: Mutex<HashMap<u32, StreamLoss>>,
}

/// One stream's reports: counted from the point it was [`STREAM_SETTLE`] old (a stream's
/// first moments lose a packet or two to its start, which says nothing about the line).
struct StreamLoss {
    first_seen: Instant,
    base_seq: u32,
    base_lost: u32,
    last_seq: u32,
    lost: u32,
}

const STREAM_SETTLE: Duration = Duration::from_secs(3);

impl RemoteLoss {
    fn record(&self, reports: &[ReceptionReport]) {
        let now = Instant::now();
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        for r in reports {
            // At most one entry per stream this connection ever sent.
            if streams.len() >= 256 && !streams.contains_key(&r.ssrc) {
                continue;
            }
            let e = streams.entry(r.ssrc).or_insert(StreamLoss {
                first_seen: now,
                base_seq: r.last_sequence_number,
                base_lost: r.total_lost,
                last_seq: r.last_sequence_number,
                lost: r.total_lost,
            });
            e.last_seq = r.last_sequence_number;
            e.lost = r.total_lost;
            if now.duration_since(e.first_seen) < STREAM_SETTLE {
                e.base_seq = e.last_seq;
                e.base_lost = e.lost;
            }
        }
    }

    /// Packets the browser expected (by sequence number) and packets it reports lost, all
    /// streams together, each counted from when it had settled.
    pub fn totals(&self) -> (u64, u64) {
        let streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        streams.values().fold((0, 0), |(expected, lost), s| {
            (
                expected + u64::from(s.last_seq.saturating_sub(s.base_seq)),
                lost + u64::from(s.lost.saturating_sub(s.base_lost)),
            )
        })
    }
}

/// Share of the media bytes a connection may add in retransmissions, and the burst.
const RETRANSMIT_SHARE: f64 = 0.33;
const RETRANSMIT_BURST: f64 = 60_000.0;

/// The interceptor stage (see the module text).
pub(crate) struct SfuTap {
    loss: Arc<RemoteLoss>,
    counters: Arc<Counters>,
    /// Leave video report blocks out of outgoing reports (simulcast on).
    filter_video: bool,
    /// Incoming video SSRCs.
    video: HashSet<u32>,
    /// Highest sequence number sent per outgoing SSRC (older ones are retransmissions).
    highest: HashMap<u32, u16>,
    /// Retransmission bytes allowed now.
    tokens: f64,
    reads: VecDeque<TaggedPacket>,
    writes: VecDeque<TaggedPacket>,
}

impl SfuTap {
    pub fn new(loss: Arc<RemoteLoss>, counters: Arc<Counters>, filter_video: bool) -> Self {
        Self {
            loss,
            counters,
            filter_video,
            video: HashSet::new(),
            highest: HashMap::new(),
            tokens: RETRANSMIT_BURST,
            reads: VecDeque::new(),
            writes: VecDeque::new(),
        }
    }

    /// What to do with an outgoing RTP packet: new media always goes; a retransmission
    /// while the connection's share allows it.
    fn judge(&mut self, ssrc: u32, seq: u16, size: f64) -> Outgoing {
        let resend = match self.highest.get(&ssrc) {
            // Not newer than the newest sent: a retransmission.
            Some(&h) => seq.wrapping_sub(h) == 0 || seq.wrapping_sub(h) >= 0x8000,
            None => false,
        };
        if !resend {
            if self.highest.len() < 256 || self.highest.contains_key(&ssrc) {
                self.highest.insert(ssrc, seq);
            }
            self.tokens = (self.tokens + size * RETRANSMIT_SHARE).min(RETRANSMIT_BURST);
            return Outgoing::Media;
        }
        if self.tokens < size {
            self.counters
                .retransmissions_dropped
                .fetch_add(1, Ordering::Relaxed);
            return Outgoing::Drop;
        }
        self.tokens -= size;
        Outgoing::Resend
    }
}

enum Outgoing {
    Media,
    Resend,
    Drop,
}

impl rtc::sansio::Protocol<TaggedPacket, TaggedPacket, ()> for SfuTap {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, mut msg: TaggedPacket) -> Result<(), Self::Error> {
        match &msg.message.packet {
            Packet::Rtp(p) => self
                .counters
                .hold
                .arrived(p.header.ssrc, p.header.sequence_number),
            Packet::Rtcp(batch) => {
                let mut keyframe = false;
                for p in batch {
                    let any = p.as_any();
                    if let Some(sr) = any.downcast_ref::<SenderReport>() {
                        self.loss.record(&sr.reports);
                    } else if let Some(rr) = any.downcast_ref::<ReceiverReport>() {
                        self.loss.record(&rr.reports);
                    }
                    keyframe |= is_keyframe_request(p.as_ref());
                }
                if keyframe {
                    msg.message.add(Attribute::DeliverToApplication);
                }
            }
            _ => {}
        }
        self.reads.push_back(msg);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<TaggedPacket> {
        self.reads.pop_front()
    }

    fn handle_write(&mut self, mut msg: TaggedPacket) -> Result<(), Self::Error> {
        match &mut msg.message.packet {
            Packet::Rtp(p) => {
                let size = (p.payload.len() + 12) as f64;
                let (ssrc, seq) = (p.header.ssrc, p.header.sequence_number);
                match self.judge(ssrc, seq, size) {
                    Outgoing::Media => self.counters.hold.leaving(ssrc, seq),
                    Outgoing::Resend => {}
                    Outgoing::Drop => return Ok(()),
                }
            }
            Packet::Rtcp(batch) if self.filter_video && !self.video.is_empty() => {
                for p in batch.iter_mut() {
                    if let Some(rr) = p.as_any().downcast_ref::<ReceiverReport>()
                        && rr.reports.iter().any(|r| self.video.contains(&r.ssrc))
                    {
                        let mut kept = rr.clone();
                        kept.reports.retain(|r| !self.video.contains(&r.ssrc));
                        *p = Box::new(kept);
                    }
                }
            }
            _ => {}
        }
        self.writes.push_back(msg);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<TaggedPacket> {
        self.writes.pop_front()
    }
}

impl Interceptor for SfuTap {
    fn bind_local_stream(&mut self, _: &StreamInfo) {}
    fn unbind_local_stream(&mut self, info: &StreamInfo) {
        self.highest.remove(&info.ssrc);
    }
    fn bind_remote_stream(&mut self, info: &StreamInfo) {
        if info.mime_type.to_ascii_lowercase().starts_with("video/") {
            self.video.insert(info.ssrc);
        }
    }
    fn unbind_remote_stream(&mut self, info: &StreamInfo) {
        self.video.remove(&info.ssrc);
    }
}

/// One packet in this many (by sequence number) is timed through the SFU.
pub const HOLD_SAMPLE: u16 = 16;
/// Stamps kept waiting for their packet at most (a dropped packet's stamp is never
/// taken; past this the table starts over).
const HOLD_PENDING_MAX: usize = 4096;

/// Whether a packet with this sequence number is timed.
pub(crate) fn sampled(seq: u16) -> bool {
    seq % HOLD_SAMPLE == 0
}

/// Measures the time sampled packets spend inside the SFU: stamped on arrival by the
/// publisher's `SfuTap`, carried by `forward` to each copy, and read when the copy passes
/// the subscriber's `SfuTap` on its way out. Process-wide; cheap for the other packets.
#[derive(Default)]
pub struct HoldClock {
    /// Arrival time of sampled incoming packets, by (SSRC, sequence number).
    arrivals: Mutex<HashMap<(u32, u16), Instant>>,
    /// Arrival time of the packet each outgoing sampled copy came from, by the copy's
    /// (SSRC, sequence number).
    leaving: Mutex<HashMap<(u32, u16), Instant>>,
    pending_out: AtomicUsize,
    histogram: HoldHistogram,
}

impl HoldClock {
    fn arrived(&self, ssrc: u32, seq: u16) {
        if !sampled(seq) {
            return;
        }
        let mut m = self.arrivals.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= HOLD_PENDING_MAX {
            m.clear();
        }
        m.insert((ssrc, seq), Instant::now());
    }

    /// The arrival stamp of an incoming packet, if it was sampled (taken once).
    pub(crate) fn take_arrival(&self, ssrc: u32, seq: u16) -> Option<Instant> {
        if !sampled(seq) {
            return None;
        }
        let mut m = self.arrivals.lock().unwrap_or_else(|p| p.into_inner());
        m.remove(&(ssrc, seq))
    }

    /// A copy of a sampled packet is about to be handed to webrtc-rs as (`ssrc`, `seq`).
    pub(crate) fn copy_sent(&self, ssrc: u32, seq: u16, arrived: Instant) {
        let mut m = self.leaving.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= HOLD_PENDING_MAX {
            m.clear();
        }
        m.insert((ssrc, seq), arrived);
        self.pending_out.store(m.len(), Ordering::Relaxed);
    }

    fn leaving(&self, ssrc: u32, seq: u16) {
        if self.pending_out.load(Ordering::Relaxed) == 0 {
            return;
        }
        let arrived = {
            let mut m = self.leaving.lock().unwrap_or_else(|p| p.into_inner());
            let t = m.remove(&(ssrc, seq));
            self.pending_out.store(m.len(), Ordering::Relaxed);
            t
        };
        if let Some(t) = arrived {
            self.histogram.record(t.elapsed());
        }
    }

    /// The hold times recorded so far.
    pub fn snapshot(&self) -> HoldSnapshot {
        self.histogram.snapshot()
    }
}

/// Bucket edges: 10 µs steps to 2 ms, 100 µs steps to 20 ms, 1 ms steps to 200 ms, then
/// one bucket for everything longer.
const FINE: u64 = 2_000;
const MID: u64 = 20_000;
const COARSE: u64 = 200_000;
const BUCKETS: usize = (FINE / 10 + (MID - FINE) / 100 + (COARSE - MID) / 1_000 + 1) as usize;

fn bucket_of(us: u64) -> usize {
    let b = if us < FINE {
        us / 10
    } else if us < MID {
        FINE / 10 + (us - FINE) / 100
    } else if us < COARSE {
        FINE / 10 + (MID - FINE) / 100 + (us - MID) / 1_000
    } else {
        BUCKETS as u64 - 1
    };
    usize::try_from(b).unwrap_or(BUCKETS - 1).min(BUCKETS - 1)
}

/// Upper edge of a bucket, in µs.
fn bucket_top(b: usize) -> u64 {
    let b = b as u64;
    let (f, m) = (FINE / 10, (MID - FINE) / 100);
    if b < f {
        (b + 1) * 10
    } else if b < f + m {
        FINE + (b - f + 1) * 100
    } else {
        MID + (b - f - m + 1) * 1_000
    }
}

struct HoldHistogram {
    buckets: Vec<AtomicU64>,
}

impl Default for HoldHistogram {
    fn default() -> Self {
        Self {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

impl HoldHistogram {
    fn record(&self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        if let Some(b) = self.buckets.get(bucket_of(us)) {
            b.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn snapshot(&self) -> HoldSnapshot {
        HoldSnapshot {
            counts: self
                .buckets
                .iter()
                .map(|b| b.load(Ordering::Relaxed))
                .collect(),
        }
    }
}

/// Counts of hold times per bucket at one moment; two snapshots give a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldSnapshot {
    counts: Vec<u64>,
}

impl HoldSnapshot {
    /// What was recorded after `earlier`.
    pub fn since(&self, earlier: &HoldSnapshot) -> HoldSnapshot {
        HoldSnapshot {
            counts: self
                .counts
                .iter()
                .zip(earlier.counts.iter().chain(std::iter::repeat(&0)))
                .map(|(a, b)| a.saturating_sub(*b))
                .collect(),
        }
    }

    /// Packets timed.
    pub fn samples(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The hold time at quantile `q` (0..=1), as the upper edge of its bucket (10 µs
    /// resolution below 2 ms); `None` without samples. Past 200 ms it says 200 ms.
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        let n = self.samples();
        if n == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * n as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(Duration::from_micros(bucket_top(b).min(COARSE)));
            }
        }
        Some(Duration::from_micros(COARSE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_ordered() {
        let mut last = 0;
        for us in (0..COARSE + 5_000).step_by(7) {
            let b = bucket_of(us);
            assert!(b >= last, "{us} µs went back to bucket {b}");
            assert!(
                us < bucket_top(b) || b == BUCKETS - 1,
                "{us} µs above its bucket"
            );
            last = b;
        }
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles_come_from_the_window() {
        let clock = HoldClock::default();
        for us in [50, 60, 70, 80, 3_000] {
            clock.histogram.record(Duration::from_micros(us));
        }
        let before = clock.snapshot();
        for _ in 0..99 {
            clock.histogram.record(Duration::from_micros(120));
        }
        clock.histogram.record(Duration::from_millis(15));
        let window = clock.snapshot().since(&before);
        assert_eq!(window.samples(), 100);
        assert_eq!(window.quantile(0.5), Some(Duration::from_micros(130)));
        assert_eq!(window.quantile(0.99), Some(Duration::from_micros(130)));
        assert_eq!(window.quantile(1.0), Some(Duration::from_micros(15_100)));
        assert_eq!(HoldSnapshot { counts: vec![] }.quantile(0.5), None);
    }

    #[test]
    fn only_sampled_packets_are_timed_and_each_copy_once() {
        let clock = HoldClock::default();
        clock.arrived(7, 32);
        clock.arrived(7, 33);
        assert!(clock.take_arrival(7, 33).is_none());
        let t = clock.take_arrival(7, 32);
        assert!(t.is_some());
        assert!(clock.take_arrival(7, 32).is_none(), "taken once");
        if let Some(t) = t {
            clock.copy_sent(900, 5, t);
            clock.copy_sent(901, 5, t);
        }
        clock.leaving(900, 5);
        clock.leaving(900, 5); // a retransmission of the same copy is not timed again
        clock.leaving(901, 5);
        clock.leaving(902, 5);
        assert_eq!(clock.snapshot().samples(), 2);
    }
}
