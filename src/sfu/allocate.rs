//! Per subscriber, twice a second: how much its downlink carries, and so which simulcast
//! layer of each video it receives (`layers::allocate`).
//!
//! The estimate ([`Downlink`]) is loss-based, from what the subscriber's browser reports
//! in its RTCP report blocks (packets lost, cumulative; `tap::RemoteLoss`) against what
//! the SFU sent it (webrtc-rs's statistics of the connection):
//!
//! - more than 8 % lost over the last two seconds: the line carries about what got
//!   through, less a margin, and what got through is remembered as the line's ceiling;
//! - 2-8 % lost: hold;
//! - less: grow 12 % per tick, up to the ceiling; past it only after a wait (8 s, doubling
//!   each time going past it brought loss back, up to 20 s). Going past the ceiling is
//!   the probe: a layer is raised, and loss says whether the line took it.
//!
//! After a cut, loss is not judged for [`SETTLE_MS`]: the reports that come in then are
//! about packets sent before it, and a lower layer starts only at its next keyframe.
//!
//! Why not webrtc-rs's send-side GCC (delay-based, from transport-wide feedback): measured
//! here (network.test.js, 2 cores under load), its delay signal is dominated by the SFU's
//! own scheduling noise. At a 1 Mbit/s limit its estimate fell to its floor (60 kbit/s)
//! within two seconds and stayed there for ten, pausing video a line of 1 Mbit/s carries.
//!
//! A lower layer is taken at once; a higher one only after the estimate has allowed it for
//! [`UP_AFTER`] ticks in a row, so a wavering estimate does not make the picture jump.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use rtc::statistics::report::RTCStatsReportEntry;
use webrtc::peer_connection::StatsSelector;

use super::forward::{NO_LAYER, Publication, SubTrack};
use super::layers::{Want, allocate};
use super::peer::{Peer, lock};
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;

/// How often the layers are chosen.
const TICK: Duration = Duration::from_millis(500);
/// Ticks a higher layer must be affordable before it is taken.
const UP_AFTER: u32 = 3;
/// Room kept for each audio stream (Opus with headers).
const AUDIO_BPS: u64 = 48_000;
/// Share of the estimate given to video layers (the rest absorbs bursts of keyframes).
const HEADROOM: f64 = 0.9;

/// The estimate at the start: two full-size videos and their audio, so a good line starts
/// at full size; a weak one shows itself by loss within two seconds.
const START_BPS: f64 = 3_000_000.0;
const MIN_BPS: f64 = 100_000.0;
const MAX_BPS: f64 = 20_000_000.0;
/// Loss above which the line is over its capacity.
const LOSS_HIGH: f64 = 0.08;
/// Loss below which the estimate may grow.
const LOSS_LOW: f64 = 0.02;
/// Growth per tick without loss.
const GROWTH: f64 = 1.12;
/// After a cut, how long loss is not acted on again.
const SETTLE_MS: u64 = 3_000;
/// Fewest packets in a window to judge loss by.
const MIN_PACKETS: u64 = 60;
/// The window loss and rate are measured over.
const WINDOW_MS: u64 = 2_000;
/// First wait before going past the ceiling again; doubles per failed try, up to the last.
const PROBE_WAIT_MS: u64 = 8_000;
const PROBE_WAIT_MAX_MS: u64 = 20_000;

/// Totals of a subscriber connection at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sample {
    pub at_ms: u64,
    /// RTP packets sent (all streams).
    pub packets: u64,
    /// Bytes sent, payload and headers.
    pub bytes: u64,
    /// Packets the browser expected, by sequence number (cumulative, RTCP reports).
    pub expected: u64,
    /// Packets the browser reported lost (cumulative, RTCP reports).
    pub lost: u64,
}

/// The loss-based downlink estimate of one subscriber (see the module text).
#[derive(Debug, Clone)]
pub(crate) struct Downlink {
    bps: f64,
    history: std::collections::VecDeque<Sample>,
    /// What got through when the line last lost too much, and until when the estimate
    /// stays at or below it.
    ceiling: Option<(f64, u64)>,
    wait_ms: u64,
    /// No second cut before this: the reports about the old rate are still coming in.
    settle_until_ms: u64,
    /// The estimate went past the ceiling since the last cut (a probe is on).
    past_ceiling: bool,
}

impl Downlink {
    pub fn new() -> Self {
        Self {
            bps: START_BPS,
            history: std::collections::VecDeque::new(),
            ceiling: None,
            wait_ms: PROBE_WAIT_MS,
            settle_until_ms: 0,
            past_ceiling: false,
        }
    }

    /// Folds in the connection's totals now; returns the estimate in bits per second.
    pub fn update(&mut self, now: Sample) -> f64 {
        if now.at_ms < self.settle_until_ms {
            // Just after a cut the browser's reports still describe the old rate: the next
            // window starts when they are through.
            self.history.clear();
            self.history.push_back(now);
            return self.bps;
        }
        self.history.push_back(now);
        while self.history.len() > 2 && now.at_ms.saturating_sub(self.history[1].at_ms) >= WINDOW_MS
        {
            self.history.pop_front();
        }
        let Some(first) = self.history.front().copied() else {
            return self.bps;
        };
        let span_ms = now.at_ms.saturating_sub(first.at_ms);
        let sent = now.packets.saturating_sub(first.packets);
        let expected = now.expected.saturating_sub(first.expected);
        // Too little to judge by: a lost packet or two at the start of a stream is not a
        // line over its capacity.
        if span_ms < WINDOW_MS / 2 || sent == 0 || expected < MIN_PACKETS {
            return self.bps;
        }
        let rate = now.bytes.saturating_sub(first.bytes) as f64 * 8000.0 / span_ms as f64;
        let loss = (now.lost.saturating_sub(first.lost) as f64 / expected as f64).min(1.0);
        if loss > LOSS_HIGH {
            // Over capacity: about what got through, less a margin. Retransmissions are in
            // `rate` but not in `expected`: what got through is the media share of it.
            let media = (expected as f64 / sent.max(expected) as f64).min(1.0);
            let delivered = rate * media * (1.0 - loss);
            if self.past_ceiling {
                // The probe failed: wait longer before the next.
                self.wait_ms = (self.wait_ms * 2).min(PROBE_WAIT_MAX_MS);
            }
            self.past_ceiling = false;
            self.bps = (delivered * 0.9).min(self.bps).clamp(MIN_BPS, MAX_BPS);
            self.ceiling = Some((delivered.max(self.bps), now.at_ms + self.wait_ms));
            // Judge the new rate on its own packets, not on the loss that caused it (the
            // browser's reports arrive up to a second late).
            self.history.clear();
            self.history.push_back(now);
            self.settle_until_ms = now.at_ms + SETTLE_MS;
        } else if loss < LOSS_LOW {
            let grown = (self.bps * GROWTH).min(MAX_BPS);
            self.bps = match self.ceiling {
                Some((c, until)) if now.at_ms < until => grown.min(c.max(self.bps)),
                Some((c, _)) => {
                    self.past_ceiling |= grown > c;
                    grown
                }
                None => grown,
            };
            // A long clean stretch above the old ceiling: forget it, and the waits.
            if let Some((c, until)) = self.ceiling
                && now.at_ms >= until + 30_000
                && rate > c
            {
                self.ceiling = None;
                self.wait_ms = PROBE_WAIT_MS;
            }
        }
        self.bps
    }
}

/// `NO_LAYER` sorts below every layer.
fn rank(layer: u8) -> i16 {
    if layer == NO_LAYER {
        -1
    } else {
        i16::from(layer)
    }
}

/// Runs until the peer is closed or dropped.
pub(crate) async fn run(peer: Weak<Peer>) {
    let mut ups: HashMap<u32, (u8, u32)> = HashMap::new();
    let mut downlink = Downlink::new();
    let started = Instant::now();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let Some(peer) = peer.upgrade() else { return };
        if peer.closed.load(Ordering::Relaxed) {
            return;
        }
        if !peer.connected.load(Ordering::Relaxed) {
            continue;
        }
        let report = peer.pc.get_stats(Instant::now(), StatsSelector::None).await;
        let mut sample = Sample {
            at_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            ..Sample::default()
        };
        for entry in report.iter() {
            if let RTCStatsReportEntry::OutboundRtp(s) = entry {
                let sent = &s.sent_rtp_stream_stats;
                sample.packets += sent.packets_sent;
                sample.bytes += sent.bytes_sent + s.header_bytes_sent;
            }
        }
        (sample.expected, sample.lost) = peer.loss.totals();
        let estimate = downlink.update(sample);
        tracing::trace!(room = peer.room, subscriber = %peer.id, lost = sample.lost, expected = sample.expected, sent = sample.packets, estimate_kbps = (estimate / 1000.0) as u64, "downlink estimate");
        let subs: Vec<(Arc<Publication>, Arc<SubTrack>)> = lock(&peer.subscriptions)
            .values()
            .map(|s| (Arc::clone(&s.publication), Arc::clone(&s.sub)))
            .collect();
        let audio = subs
            .iter()
            .filter(|(p, _)| p.kind == RtpCodecKind::Audio)
            .count() as u64;
        let video: Vec<&(Arc<Publication>, Arc<SubTrack>)> = subs
            .iter()
            .filter(|(p, _)| p.kind == RtpCodecKind::Video && p.simulcast.load(Ordering::Relaxed))
            .collect();
        if video.is_empty() {
            continue;
        }
        let budget = ((estimate * HEADROOM) as u64).saturating_sub(audio * AUDIO_BPS);
        let wants: Vec<Want> = video
            .iter()
            .map(|(p, _)| Want {
                signer: p.signer.load(Ordering::Relaxed),
                layer_bps: std::array::from_fn(|l| p.layer_bps[l].load(Ordering::Relaxed)),
            })
            .collect();
        let allocation = allocate(budget, &wants);
        peer.set_short(allocation.short);
        for ((p, sub), choice) in video.iter().zip(allocation.choices) {
            let new = choice.unwrap_or(NO_LAYER);
            let cur = sub.wanted.load(Ordering::Relaxed);
            let take = match rank(new).cmp(&rank(cur)) {
                std::cmp::Ordering::Equal => {
                    ups.remove(&sub.ssrc);
                    false
                }
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Greater => {
                    let e = ups.entry(sub.ssrc).or_insert((new, 0));
                    e.0 = if rank(new) < rank(e.0) { new } else { e.0 };
                    e.1 += 1;
                    e.1 >= UP_AFTER
                }
            };
            if take {
                let layer = match ups.remove(&sub.ssrc) {
                    Some((lowest, _)) if rank(lowest) < rank(new) => lowest,
                    _ => new,
                };
                sub.wanted.store(layer, Ordering::Relaxed);
                tracing::debug!(
                    room = peer.room,
                    subscriber = %peer.id,
                    publisher = %p.publisher,
                    layer = rank(layer),
                    estimate_kbps = (estimate / 1000.0) as u64,
                    "layer chosen"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `secs` of ticks at `bps` sent with `loss` lost; returns the last estimate.
    fn run(d: &mut Downlink, at: &mut Sample, secs: u64, bps: f64, loss: f64) -> f64 {
        let mut e = 0.0;
        for _ in 0..secs * 2 {
            let packets = (bps / 8.0 / 1200.0 / 2.0).max(1.0) as u64;
            at.at_ms += 500;
            at.packets += packets;
            at.expected += packets;
            at.bytes += packets * 1200;
            at.lost += (packets as f64 * loss).round() as u64;
            e = d.update(*at);
        }
        e
    }

    #[test]
    fn loss_brings_the_estimate_to_what_gets_through_and_a_clean_line_grows_it() {
        let mut d = Downlink::new();
        let mut at = Sample::default();
        // A good line: stays at least at the start.
        assert!(run(&mut d, &mut at, 3, 2_500_000.0, 0.0) >= START_BPS);
        // Sending 2.5 Mbit/s into 1 Mbit/s: 60 % lost. The estimate falls near 1 Mbit/s
        // (the first cut judges a window that is partly from before the limit; the second,
        // after the reports have settled, the limit alone).
        let e = run(&mut d, &mut at, 7, 2_500_000.0, 0.6);
        assert!((700_000.0..=1_000_000.0).contains(&e), "{e}");
        // Moderate loss (3 %), once the window holds only that: hold.
        let e = run(&mut d, &mut at, 3, 700_000.0, 0.03);
        assert!((600_000.0..=1_000_000.0).contains(&e), "{e}");
        let held = run(&mut d, &mut at, 4, 700_000.0, 0.03);
        assert!((held - e).abs() < 1.0, "{held} vs {e}");
        // Clean: grows.
        let grown = run(&mut d, &mut at, 2, 700_000.0, 0.0);
        assert!(grown > held * 1.3, "{grown} vs {held}");
    }

    #[test]
    fn a_failed_probe_doubles_the_wait() {
        let mut d = Downlink::new();
        let mut at = Sample::default();
        // Overload, several cuts: one wait (cuts while over capacity are not probes).
        run(&mut d, &mut at, 6, 3_000_000.0, 0.5);
        assert_eq!(d.wait_ms, PROBE_WAIT_MS);
        let (ceiling, _) = d.ceiling.unwrap();
        // Clean, but still waiting: up to the ceiling, not past it.
        let waiting = run(&mut d, &mut at, 4, ceiling, 0.0);
        assert!(waiting <= ceiling, "{waiting} vs {ceiling}");
        // Clean long enough to pass the ceiling, then loss: the probe failed.
        let past = run(&mut d, &mut at, 8, ceiling, 0.0);
        assert!(past > ceiling, "{past} vs {ceiling}");
        run(&mut d, &mut at, 4, past, 0.3);
        assert_eq!(d.wait_ms, PROBE_WAIT_MS * 2);
        // The estimate never drops below the floor.
        assert!(run(&mut d, &mut at, 4, 50_000.0, 0.9) >= MIN_BPS);
    }

    #[test]
    fn no_traffic_or_too_short_a_window_keeps_the_estimate() {
        let mut d = Downlink::new();
        assert_eq!(
            d.update(Sample {
                at_ms: 500,
                ..Sample::default()
            }),
            START_BPS
        );
        assert_eq!(
            d.update(Sample {
                at_ms: 5_000,
                ..Sample::default()
            }),
            START_BPS
        );
    }
}
