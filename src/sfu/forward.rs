//! Media forwarding: a `Publication` is one incoming track of a participant; it owns the
//! list of subscriber tracks (`TrackLocalStaticRTP` on other participants' connections),
//! copies every RTP packet to them, and rate-limits keyframe requests (PLI) upstream.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant};

use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodec, RtpCodecKind};
use tokio::sync::mpsc;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};

use super::engine::is_keyframe_request;

/// Minimum spacing of keyframe requests per publisher track.
const KEYFRAME_MIN_INTERVAL_MS: u64 = 500;

/// Process-wide counters (exposed through `Sfu::stats`).
#[derive(Default)]
pub(crate) struct Counters {
    pub forwarded_packets: AtomicU64,
    pub forwarded_bytes: AtomicU64,
    pub keyframe_requests: AtomicU64,
    pub dropped_packets: AtomicU64,
    /// Client candidates ignored because their address is excluded.
    pub candidates_refused: AtomicU64,
}

/// Packets queued per subscriber track before the newest are dropped (a slow
/// subscriber then loses packets and asks for a keyframe; nobody else waits for it).
const SUBSCRIBER_QUEUE: usize = 512;

/// One forwarded copy of a publication, living on a subscriber's peer connection.
pub(crate) struct SubTrack {
    pub subscriber: String,
    pub ssrc: u32,
    pub track: Arc<TrackLocalStaticRTP>,
    /// The subscriber's connection is up (DTLS done); nothing is queued before that.
    connected: Arc<AtomicBool>,
    /// Cleared when the subscription is removed; stops the writer and RTCP reader.
    pub active: AtomicBool,
    queue: mpsc::Sender<rtp::Packet>,
}

impl SubTrack {
    /// Creates the subscriber copy and spawns its writer task.
    pub fn spawn(
        subscriber: String,
        ssrc: u32,
        track: Arc<TrackLocalStaticRTP>,
        connected: Arc<AtomicBool>,
        publication: &Arc<Publication>,
    ) -> Arc<Self> {
        let (queue, rx) = mpsc::channel(SUBSCRIBER_QUEUE);
        let sub = Arc::new(Self {
            subscriber,
            ssrc,
            track,
            connected,
            active: AtomicBool::new(true),
            queue,
        });
        tokio::spawn(write_loop(
            Arc::downgrade(publication),
            Arc::downgrade(&sub),
            Arc::clone(&sub.track),
            rx,
        ));
        sub
    }
}

/// Writes one subscriber's queued packets into its track. Ends when the subscription
/// is dropped or deactivated.
async fn write_loop(
    publication: Weak<Publication>,
    sub: Weak<SubTrack>,
    track: Arc<TrackLocalStaticRTP>,
    mut rx: mpsc::Receiver<rtp::Packet>,
) {
    let mut bound = false;
    while let Some(pkt) = rx.recv().await {
        if !sub
            .upgrade()
            .is_some_and(|s| s.active.load(Ordering::Relaxed))
        {
            break;
        }
        let bytes = pkt.payload.len() as u64;
        if track.write_rtp(pkt).await.is_err() {
            continue;
        }
        let Some(p) = publication.upgrade() else {
            break;
        };
        p.counters.forwarded_packets.fetch_add(1, Ordering::Relaxed);
        p.counters
            .forwarded_bytes
            .fetch_add(bytes, Ordering::Relaxed);
        if !bound {
            // A new subscriber just started receiving: it needs a keyframe.
            bound = true;
            p.request_keyframe().await;
        }
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
    last_keyframe_ms: AtomicU64,
    epoch: Instant,
    counters: Arc<Counters>,
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
            last_keyframe_ms: AtomicU64::new(0),
            epoch,
            counters,
        })
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

    /// Sends a PLI to the publisher unless one went out less than 500 ms ago.
    pub async fn request_keyframe(&self) {
        if self.kind != RtpCodecKind::Video {
            return;
        }
        // +1 so that 0 means "never".
        let now = u64::try_from(self.epoch.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let last = self.last_keyframe_ms.load(Ordering::Relaxed);
        if last != 0 && now.saturating_sub(last) < KEYFRAME_MIN_INTERVAL_MS {
            return;
        }
        if self
            .last_keyframe_ms
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        let pli = PictureLossIndication {
            sender_ssrc: 0,
            media_ssrc: self.media_ssrc,
        };
        match self.remote.write_rtcp(vec![Box::new(pli)]).await {
            Ok(()) => {
                self.counters
                    .keyframe_requests
                    .fetch_add(1, Ordering::Relaxed);
                tracing::debug!(publisher = %self.publisher, ssrc = self.media_ssrc, "PLI sent");
            }
            Err(e) => tracing::debug!(publisher = %self.publisher, error = %e, "PLI failed"),
        }
    }

    /// Reads the publisher's RTP and queues a copy for every subscriber until the track
    /// ends. Never waits for a subscriber.
    pub async fn run(self: Arc<Self>) {
        let mut seen_version = u64::MAX;
        let mut subs: Arc<[Arc<SubTrack>]> = Arc::from(Vec::new());
        while let Some(event) = self.remote.poll().await {
            let mut pkt = match event {
                TrackRemoteEvent::OnRtpPacket(p) => p,
                TrackRemoteEvent::OnEnded => break,
                _ => continue,
            };
            let v = self.version.load(Ordering::Acquire);
            if v != seen_version {
                subs = self.snapshot();
                seen_version = v;
            }
            if subs.is_empty() {
                continue;
            }
            // Header extension ids (mid, transport-cc, ...) belong to the publisher's leg;
            // the subscriber leg's interceptors add their own.
            pkt.header.extension = false;
            pkt.header.extensions.clear();
            pkt.header.extension_profile = 0;
            pkt.header.extensions_padding = 0;
            // Clones share the payload (`Bytes`); the header's Vecs are empty.
            for sub in subs.iter() {
                if !sub.connected.load(Ordering::Relaxed) || !sub.active.load(Ordering::Relaxed) {
                    continue;
                }
                let mut copy = pkt.clone();
                copy.header.ssrc = sub.ssrc;
                if sub.queue.try_send(copy).is_err() {
                    self.counters
                        .dropped_packets
                        .fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        tracing::debug!(publisher = %self.publisher, key = self.key, "publication ended");
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
                    publication.request_keyframe().await;
                }
            }
            Some(_) => {}
            // Not bound yet (negotiation pending) or unbound: check again shortly.
            None => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}
