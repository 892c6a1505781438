//! Media forwarding: a `Publication` is one incoming track of a participant; it owns the
//! list of subscriber tracks (`TrackLocalStaticRTP` on other participants' connections),
//! copies every RTP packet to them, and rate-limits keyframe requests (PLI) upstream.
//!
//! A simulcast video publication (three layers, see `layers`) gives each subscriber one
//! layer: the one its `wanted` asks for (set by the peer's allocator from its downlink
//! estimate), falling back to the best layer that is arriving. A subscriber moves to
//! another layer only at a keyframe of that layer, asked for with a PLI on that layer; the
//! packets it gets are renumbered (`layers::Rewriter`) so it sees one unbroken stream.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RtpCodecKind};
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};

use super::layers::{LAYERS, Rewriter, Vp8Descriptor, layer_of};
use super::tap::{HoldClock, is_keyframe_request};

/// Minimum spacing of keyframe requests per publisher track (per layer).
const KEYFRAME_MIN_INTERVAL_MS: u64 = 500;
/// `SubTrack::wanted`/`receiving` value for "no layer" (paused, or nothing yet).
pub(crate) const NO_LAYER: u8 = u8::MAX;
/// A layer counts as arriving when a packet of it came within this time.
const LAYER_LIVE_MS: u64 = 1000;
/// Window over which each layer's incoming rate is measured.
const RATE_WINDOW_MS: u64 = 500;

/// Process-wide counters (exposed through `Sfu::stats`).
#[derive(Default)]
pub(crate) struct Counters {
    pub forwarded_packets: AtomicU64,
    pub forwarded_bytes: AtomicU64,
    pub keyframe_requests: AtomicU64,
    pub dropped_packets: AtomicU64,
    /// Client candidates ignored because their address is excluded.
    pub candidates_refused: AtomicU64,
    /// NACK retransmissions not sent (over a subscriber's retransmission share).
    pub retransmissions_dropped: AtomicU64,
    /// Time sampled packets spend inside the SFU.
    pub hold: HoldClock,
}

/// One forwarded copy of a publication, living on a subscriber's peer connection.
///
/// Copies are handed straight to the subscriber connection's webrtc-rs driver (its event
/// queue holds 256); when that queue is full the copy is dropped and counted (a slow
/// subscriber then loses packets and asks for a keyframe; nobody else waits for it).
pub(crate) struct SubTrack {
    pub subscriber: String,
    pub ssrc: u32,
    pub track: Arc<TrackLocalStaticRTP>,
    /// The subscriber's connection is up (DTLS done); nothing is sent before that.
    connected: Arc<AtomicBool>,
    /// Cleared when the subscription is removed; stops the RTCP reader.
    pub active: AtomicBool,
    /// Simulcast: the layer this subscriber should get (`NO_LAYER`: pause the video).
    pub wanted: AtomicU8,
    /// Simulcast: the layer it gets now (`NO_LAYER`: none yet, or paused).
    pub receiving: AtomicU8,
    /// A first copy went out (the subscriber then needs a keyframe).
    started: AtomicBool,
}

impl SubTrack {
    /// Creates the subscriber copy.
    pub fn new(
        subscriber: String,
        ssrc: u32,
        track: Arc<TrackLocalStaticRTP>,
        connected: Arc<AtomicBool>,
    ) -> Arc<Self> {
        Arc::new(Self {
            subscriber,
            ssrc,
            track,
            connected,
            active: AtomicBool::new(true),
            // Full size until the subscriber's downlink estimate says otherwise.
            wanted: AtomicU8::new(LAYERS as u8 - 1),
            receiving: AtomicU8::new(NO_LAYER),
            started: AtomicBool::new(false),
        })
    }
}

/// An incoming track of one participant and its fan-out.
pub(crate) struct Publication {
    pub key: u64,
    pub publisher: String,
    pub kind: RtpCodecKind,
    pub codec: RTCRtpCodec,
    remote: Arc<dyn TrackRemote>,
    media_ssrc: u32,
    subs: RwLock<Arc<[Arc<SubTrack>]>>,
    version: AtomicU64,
    /// Per layer, then one for a publication without layers.
    last_keyframe_ms: [AtomicU64; LAYERS + 1],
    epoch: Instant,
    counters: Arc<Counters>,
    /// The publisher signs (resident or interpreter): its video is served first.
    pub signer: Arc<AtomicBool>,
    /// The publisher sends simulcast layers (learnt from the first packet of a layer).
    pub simulcast: AtomicBool,
    /// SSRC of each layer (0: not seen).
    layer_ssrc: [AtomicU32; LAYERS],
    /// Bits per second each layer arrives at (0: not arriving).
    pub layer_bps: [AtomicU64; LAYERS],
}

impl Publication {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        key: u64,
        publisher: String,
        kind: RtpCodecKind,
        codec: RTCRtpCodec,
        remote: Arc<dyn TrackRemote>,
        media_ssrc: u32,
        epoch: Instant,
        counters: Arc<Counters>,
        signer: Arc<AtomicBool>,
    ) -> Arc<Self> {
        Arc::new(Self {
            key,
            publisher,
            kind,
            codec,
            remote,
            media_ssrc,
            subs: RwLock::new(Arc::from(Vec::new())),
            version: AtomicU64::new(0),
            last_keyframe_ms: Default::default(),
            epoch,
            counters,
            signer,
            simulcast: AtomicBool::new(false),
            layer_ssrc: Default::default(),
            layer_bps: Default::default(),
        })
    }

    fn now_ms(&self) -> u64 {
        // +1 so that 0 means "never".
        u64::try_from(self.epoch.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .saturating_add(1)
    }

    fn snapshot(&self) -> Arc<[Arc<SubTrack>]> {
        match self.subs.read() {
            Ok(g) => Arc::clone(&g),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    fn update(&self, f: impl FnOnce(&mut Vec<Arc<SubTrack>>)) {
        let mut g = match self.subs.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let mut v: Vec<Arc<SubTrack>> = g.iter().cloned().collect();
        f(&mut v);
        *g = Arc::from(v);
        self.version.fetch_add(1, Ordering::Release);
    }

    pub fn add_sub(&self, sub: Arc<SubTrack>) {
        self.update(|v| v.push(sub));
    }

    pub fn remove_sub(&self, sub: &Arc<SubTrack>) {
        sub.active.store(false, Ordering::Relaxed);
        self.update(|v| v.retain(|s| !Arc::ptr_eq(s, sub)));
    }

    pub fn clear_subs(&self) {
        self.update(|v| {
            for s in v.iter() {
                s.active.store(false, Ordering::Relaxed);
            }
            v.clear();
        });
    }

    /// Asks for a keyframe of the layer `sub` gets (or will get).
    pub async fn request_keyframe_for(&self, sub: &SubTrack) {
        let layer = match sub.receiving.load(Ordering::Relaxed) {
            NO_LAYER => sub.wanted.load(Ordering::Relaxed),
            l => l,
        };
        self.request_keyframe(Some(layer)).await;
    }

    /// Whether a keyframe request for `slot` may go out now (none in the last 500 ms);
    /// claims the slot when it may.
    fn keyframe_due(&self, slot: usize) -> bool {
        let Some(last_at) = self.last_keyframe_ms.get(slot) else {
            return false;
        };
        let now = self.now_ms();
        let last = last_at.load(Ordering::Relaxed);
        if last != 0 && now.saturating_sub(last) < KEYFRAME_MIN_INTERVAL_MS {
            return false;
        }
        last_at
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }

    /// The SSRC a keyframe request for `layer` goes to, and its rate-limit slot.
    fn keyframe_target(&self, layer: Option<u8>) -> (u32, usize) {
        if self.simulcast.load(Ordering::Relaxed)
            && let Some(l) = layer.map(usize::from).filter(|&l| l < LAYERS)
        {
            let ssrc = self.layer_ssrc[l].load(Ordering::Relaxed);
            if ssrc != 0 {
                return (ssrc, l);
            }
        }
        (self.media_ssrc, LAYERS)
    }

    /// Sends a PLI to the publisher (for one layer of a simulcast publication) unless one
    /// went out less than 500 ms ago.
    pub async fn request_keyframe(&self, layer: Option<u8>) {
        if self.kind != RtpCodecKind::Video {
            return;
        }
        let (ssrc, slot) = self.keyframe_target(layer);
        if self.keyframe_due(slot) {
            self.send_pli(ssrc).await;
        }
    }

    async fn send_pli(&self, media_ssrc: u32) {
        let pli = PictureLossIndication {
            sender_ssrc: 0,
            media_ssrc,
        };
        match self.remote.write_rtcp(vec![Box::new(pli)]).await {
            Ok(()) => {
                self.counters
                    .keyframe_requests
                    .fetch_add(1, Ordering::Relaxed);
                tracing::debug!(publisher = %self.publisher, ssrc = media_ssrc, "PLI sent");
            }
            Err(e) => tracing::debug!(publisher = %self.publisher, error = %e, "PLI failed"),
        }
    }

    /// The layer an RTP stream carries: learnt from the `OnOpen` of each simulcast layer,
    /// or asked of the track once for an SSRC not seen yet. `None`: no layers (audio, or
    /// a publisher that does not send simulcast).
    async fn layer_for(&self, ssrc: u32, known: &mut HashMap<u32, Option<u8>>) -> Option<u8> {
        if let Some(l) = known.get(&ssrc) {
            return *l;
        }
        let rid = self.remote.rid(ssrc).await;
        let layer = rid.as_deref().and_then(layer_of);
        self.learn_layer(ssrc, layer, known);
        layer
    }

    fn learn_layer(&self, ssrc: u32, layer: Option<u8>, known: &mut HashMap<u32, Option<u8>>) {
        known.insert(ssrc, layer);
        if let Some(l) = layer.map(usize::from).filter(|&l| l < LAYERS)
            && self.kind == RtpCodecKind::Video
        {
            self.layer_ssrc[l].store(ssrc, Ordering::Relaxed);
            self.simulcast.store(true, Ordering::Relaxed);
            tracing::debug!(publisher = %self.publisher, layer = l, ssrc, "simulcast layer");
        }
    }

    /// Reads the publisher's RTP and queues a copy for every subscriber until the track
    /// ends. Never waits for a subscriber.
    pub async fn run(self: Arc<Self>) {
        let mut seen_version = u64::MAX;
        let mut subs: Arc<[Arc<SubTrack>]> = Arc::from(Vec::new());
        let mut known: HashMap<u32, Option<u8>> = HashMap::new();
        let mut layers = LayerState::default();
        while let Some(event) = self.remote.poll().await {
            let mut pkt = match event {
                TrackRemoteEvent::OnRtpPacket(p) => p,
                TrackRemoteEvent::OnOpen(init) => {
                    let layer = init.rid.as_deref().and_then(layer_of);
                    self.learn_layer(init.ssrc, layer, &mut known);
                    continue;
                }
                TrackRemoteEvent::OnEnded => break,
                _ => continue,
            };
            let v = self.version.load(Ordering::Acquire);
            if v != seen_version {
                subs = self.snapshot();
                seen_version = v;
                layers.retain(&subs);
            }
            // Header extension ids (mid, transport-cc, ...) belong to the publisher's leg;
            // the subscriber leg's interceptors add their own.
            pkt.header.extension = false;
            pkt.header.extensions.clear();
            pkt.header.extension_profile = 0;
            pkt.header.extensions_padding = 0;
            let arrived = self
                .counters
                .hold
                .take_arrival(pkt.header.ssrc, pkt.header.sequence_number);
            let layer = self.layer_for(pkt.header.ssrc, &mut known).await;
            match layer {
                Some(l) => {
                    self.forward_layer(&subs, &mut layers, usize::from(l), &pkt, arrived);
                }
                None => self.forward_all(&subs, &pkt, arrived),
            }
        }
        tracing::debug!(publisher = %self.publisher, key = self.key, "publication ended");
    }

    /// A publication without layers: the same packet to everyone.
    fn forward_all(
        self: &Arc<Self>,
        subs: &[Arc<SubTrack>],
        pkt: &rtp::Packet,
        arrived: Option<Instant>,
    ) {
        // Clones share the payload (`Bytes`); the header's Vecs are empty.
        for sub in subs.iter() {
            if !sub.connected.load(Ordering::Relaxed) || !sub.active.load(Ordering::Relaxed) {
                continue;
            }
            let mut copy = pkt.clone();
            copy.header.ssrc = sub.ssrc;
            self.send(sub, copy, arrived);
        }
    }

    /// Hands a copy to `sub`'s connection without waiting (`arrived`: when the original
    /// came in, if it is timed).
    fn send(self: &Arc<Self>, sub: &Arc<SubTrack>, pkt: rtp::Packet, arrived: Option<Instant>) {
        if let Some(t) = arrived {
            self.counters
                .hold
                .copy_sent(pkt.header.ssrc, pkt.header.sequence_number, t);
        }
        let bytes = pkt.payload.len() as u64;
        // Ready at once unless the driver's queue is full (or the track is being bound).
        match sub.track.write_rtp(pkt).now_or_never() {
            Some(Ok(())) => {
                self.counters
                    .forwarded_packets
                    .fetch_add(1, Ordering::Relaxed);
                self.counters
                    .forwarded_bytes
                    .fetch_add(bytes, Ordering::Relaxed);
                if !sub.started.swap(true, Ordering::Relaxed) {
                    // A new subscriber just started receiving: it needs a keyframe.
                    let (me, sub) = (Arc::clone(self), Arc::clone(sub));
                    tokio::spawn(async move { me.request_keyframe_for(&sub).await });
                }
            }
            // Not bound yet (negotiation pending): nothing to send to.
            Some(Err(_)) => {}
            None => {
                self.counters
                    .dropped_packets
                    .fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// A packet of simulcast layer `layer`: to each subscriber that gets this layer, and
    /// the switch to it for a subscriber waiting for its keyframe.
    fn forward_layer(
        self: &Arc<Self>,
        subs: &[Arc<SubTrack>],
        state: &mut LayerState,
        layer: usize,
        pkt: &rtp::Packet,
        arrived: Option<Instant>,
    ) {
        let now = self.now_ms();
        state.count(self, layer, pkt.payload.len(), now);
        let Some(vp8) = Vp8Descriptor::parse(&pkt.payload) else {
            return; // not VP8 as announced: nothing a decoder could use
        };
        for sub in subs.iter() {
            if !sub.connected.load(Ordering::Relaxed) || !sub.active.load(Ordering::Relaxed) {
                continue;
            }
            let target = state.target(sub.wanted.load(Ordering::Relaxed), now);
            let r = state.rewriters.entry(sub.ssrc).or_default();
            if target.is_none() && r.current.is_some() {
                r.current = None; // paused
                sub.receiving.store(NO_LAYER, Ordering::Relaxed);
            }
            if let Some(t) = target
                && r.current != Some(t)
            {
                if usize::from(t) == layer && vp8.keyframe_start {
                    r.switch(t, pkt, &vp8, now);
                    sub.receiving.store(t, Ordering::Relaxed);
                } else if self.keyframe_due(usize::from(t)) {
                    let ssrc = self.layer_ssrc[usize::from(t)].load(Ordering::Relaxed);
                    let me = Arc::clone(self);
                    tokio::spawn(async move { me.send_pli(ssrc).await });
                }
            }
            if r.current.map(usize::from) == Some(layer) {
                let mut copy = r.rewrite(pkt, &vp8, now);
                copy.header.ssrc = sub.ssrc;
                self.send(sub, copy, arrived);
            }
        }
    }
}

/// What a simulcast publication's reader keeps between packets.
#[derive(Default)]
struct LayerState {
    /// Per subscriber (by its SSRC).
    rewriters: HashMap<u32, Rewriter>,
    /// When a packet of each layer last came.
    last_seen_ms: [u64; LAYERS],
    window_start_ms: u64,
    window_bytes: [u64; LAYERS],
}

impl LayerState {
    fn retain(&mut self, subs: &[Arc<SubTrack>]) {
        self.rewriters
            .retain(|ssrc, _| subs.iter().any(|s| s.ssrc == *ssrc));
    }

    fn count(&mut self, p: &Publication, layer: usize, bytes: usize, now: u64) {
        self.last_seen_ms[layer] = now;
        // Payload plus RTP, SRTP, UDP and IP headers.
        self.window_bytes[layer] += bytes as u64 + 60;
        let span = now.saturating_sub(self.window_start_ms);
        if span >= RATE_WINDOW_MS {
            for l in 0..LAYERS {
                let live = now.saturating_sub(self.last_seen_ms[l]) < LAYER_LIVE_MS;
                let bps = if live {
                    self.window_bytes[l] * 8 * 1000 / span
                } else {
                    0
                };
                p.layer_bps[l].store(bps, Ordering::Relaxed);
                self.window_bytes[l] = 0;
            }
            self.window_start_ms = now;
        }
    }

    /// The layer to forward for `wanted`: that one if it is arriving, else the best
    /// arriving one below it, else the lowest arriving one. `None`: paused, or nothing
    /// arrives.
    fn target(&self, wanted: u8, now: u64) -> Option<u8> {
        if wanted == NO_LAYER {
            return None;
        }
        let live = |l: usize| {
            self.last_seen_ms[l] != 0 && now.saturating_sub(self.last_seen_ms[l]) < LAYER_LIVE_MS
        };
        let w = usize::from(wanted).min(LAYERS - 1);
        (0..=w)
            .rev()
            .find(|&l| live(l))
            .or_else(|| (w + 1..LAYERS).find(|&l| live(l)))
            .and_then(|l| u8::try_from(l).ok())
    }
}

/// Relays keyframe requests (PLI/FIR) a subscriber sends about its copy upstream.
/// Runs until the subscription is removed.
pub(crate) async fn relay_subscriber_rtcp(publication: Arc<Publication>, sub: Arc<SubTrack>) {
    while sub.active.load(Ordering::Relaxed) {
        match sub.track.poll().await {
            Some(TrackLocalEvent::OnRtcpPacket(batch)) => {
                if batch.iter().any(|p| is_keyframe_request(p.as_ref())) {
                    tracing::debug!(subscriber = %sub.subscriber, publisher = %publication.publisher, "keyframe request from subscriber");
                    publication.request_keyframe_for(&sub).await;
                }
            }
            Some(_) => {}
            // Not bound yet (negotiation pending) or unbound: check again shortly.
            None => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}
