//! Selective forwarding unit (media core) of Loket. Owns the rooms (one per
//! conversation) and their participants' server-side WebRTC connections; forwards each
//! participant's audio/video RTP to every other participant and relays real-time text
//! (RFC 8865 t140 data channels). Never decodes, mixes, transcodes or records.
//!
//! The server is always the offerer. Signalling goes through [`Sfu::join`] /
//! [`Sfu::signal`] (client to server) and the [`SfuEvent`] channel given to `join`
//! (server to client).

mod allocate;
mod announce;
mod engine;
mod forward;
mod layers;
mod peer;
mod rtt;
mod tap;
pub mod validate;

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodingParameters, RTCRtpEncodingParameters};
use tokio::sync::mpsc;
use webrtc::media_stream::MediaStreamTrack;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::peer_connection::RTCIceCandidateInit;
use webrtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};

use engine::webrtc_err;
use forward::{Counters, Publication, SubTrack};
use peer::{Peer, Subscription, lock};
use rtt::RttTable;
pub use tap::{HOLD_SAMPLE, HoldSnapshot};

#[allow(unused_imports)]
pub use rtt::{LABEL_PREFIX as RTT_LABEL_PREFIX, PROTOCOL as RTT_PROTOCOL};

/// Network settings for the media sockets.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    /// First UDP port a peer connection may bind.
    pub udp_port_min: u16,
    /// Last UDP port a peer connection may bind (inclusive).
    pub udp_port_max: u16,
    /// Address the UDP sockets bind to. A concrete address binds exactly that interface;
    /// a wildcard binds every non-loopback interface.
    pub bind_ip: IpAddr,
    /// Public addresses for 1:1 NAT (advertised instead of the host address, see
    /// `announce`); may be empty.
    pub public_ips: Vec<String>,
    /// Offer loopback candidates (tests, single-host setups); also whether a client's
    /// loopback candidates are checked.
    pub include_loopback: bool,
    /// Whether a client's candidates in private ranges are checked (a site whose
    /// residents or staff reach it over a private network).
    pub private_candidates: bool,
    /// Ask each camera for three simulcast layers and choose one per subscriber
    /// (`layers`). Off, or a client that does not answer with layers: one stream,
    /// forwarded to everyone as it comes.
    pub simulcast: bool,
}

/// Client-to-server signalling.
#[derive(Debug, Clone)]
pub enum ClientSignal {
    /// The client's answer to the last [`SfuEvent::Offer`].
    Answer { sdp: String },
    /// A trickled client candidate; an empty `candidate` means end-of-candidates.
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_mline_index: Option<u16>,
    },
}

/// Server-to-client signalling and status, delivered in order on the channel given to
/// [`Sfu::join`].
#[derive(Debug, Clone)]
pub enum SfuEvent {
    /// A new (re)negotiation offer; the client must answer with [`ClientSignal::Answer`].
    Offer { sdp: String },
    /// A server ICE candidate.
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_mline_index: Option<u16>,
    },
    /// The media connection is up.
    Connected,
    /// The media connection failed; the host should `leave` and may re-`join`.
    Failed { reason: String },
    /// Whether this participant's downlink carries the call's video (see
    /// `layers::Allocation::short`). Sent when it changes.
    Downlink { short: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SfuError {
    #[error("unknown room")]
    UnknownRoom,
    #[error("unknown participant")]
    UnknownPeer,
    #[error("invalid participant: {0}")]
    InvalidParticipant(String),
    #[error("invalid SDP: {0}")]
    InvalidSdp(String),
    #[error("invalid ICE candidate: {0}")]
    InvalidCandidate(String),
    #[error("input too large")]
    TooLarge,
    #[error("answer without an outstanding offer")]
    UnexpectedAnswer,
    #[error("webrtc: {0}")]
    Webrtc(String),
}

/// A snapshot of the SFU's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SfuStats {
    pub rooms: usize,
    pub peers: usize,
    /// RTP packets written to subscriber tracks (one per subscriber copy).
    pub forwarded_packets: u64,
    /// RTP payload bytes written to subscriber tracks.
    pub forwarded_bytes: u64,
    /// PLIs sent to publishers.
    pub keyframe_requests: u64,
    /// Packet copies dropped because a subscriber's queue was full.
    pub dropped_packets: u64,
    /// Client candidates ignored because their address is excluded
    /// (link-local, metadata, private or loopback unless configured).
    pub candidates_refused: u64,
    /// NACK retransmissions not sent: over a subscriber's share (a third of its media).
    pub retransmissions_dropped: u64,
}

/// The SFU. Cheap to clone.
#[derive(Clone)]
pub struct Sfu {
    inner: Arc<SfuInner>,
}

pub(crate) struct SfuInner {
    cfg: MediaConfig,
    /// `cfg.public_ips`, parsed (the configuration has checked them; others are skipped).
    public_ips: Vec<IpAddr>,
    rooms: Mutex<HashMap<i64, Arc<Room>>>,
    peers: AtomicUsize,
    next_port: AtomicU32,
    next_key: AtomicU64,
    counters: Arc<Counters>,
    epoch: Instant,
}

struct Room {
    id: i64,
    /// Membership changes are serialised by this lock.
    members: tokio::sync::Mutex<HashMap<String, Arc<Peer>>>,
    closed: AtomicBool,
    rtt: Arc<RttTable>,
}

impl Sfu {
    pub fn new(cfg: MediaConfig) -> Self {
        let public_ips = cfg
            .public_ips
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect();
        Self {
            inner: Arc::new(SfuInner {
                cfg,
                public_ips,
                rooms: Mutex::new(HashMap::new()),
                peers: AtomicUsize::new(0),
                next_port: AtomicU32::new(0),
                next_key: AtomicU64::new(1),
                counters: Arc::new(Counters::default()),
                epoch: Instant::now(),
            }),
        }
    }

    /// Adds participant `id` to `room` (creating the room), replacing an existing
    /// participant with the same id. The first [`SfuEvent::Offer`] is sent on `out`.
    #[tracing::instrument(skip(self, id, label, out), fields(participant = %id))]
    pub async fn join(
        &self,
        room: i64,
        id: &str,
        label: &str,
        out: mpsc::Sender<SfuEvent>,
    ) -> Result<(), SfuError> {
        validate::participant(id, label)?;
        let inner = &self.inner;
        let r = inner.room_or_create(room);
        let mut members = r.members.lock().await;
        if r.closed.load(Ordering::Acquire) {
            // Lost a race with the room's last leave: use the room that replaces it.
            drop(members);
            return Box::pin(self.join(room, id, label, out)).await;
        }
        let mut reneg: Vec<Arc<Peer>> = Vec::new();
        if let Some(old) = members.remove(id) {
            tracing::info!("replacing existing participant");
            inner.detach(&r, &old, &members, &mut reneg).await;
        }
        let peer = match Peer::create(inner, room, id, out).await {
            Ok(p) => p,
            Err(e) => {
                if members.is_empty() {
                    inner.remove_room(&r);
                }
                drop(members);
                for q in reneg {
                    q.negotiate().await;
                }
                return Err(e);
            }
        };
        for q in members.values() {
            let pubs: Vec<Arc<Publication>> = lock(&q.published).clone();
            for p in pubs {
                if let Err(e) = inner.subscribe(&peer, &p).await {
                    tracing::warn!(publisher = %q.id, error = %e, "subscribe failed");
                }
            }
            if let Err(e) = r.rtt.open(&peer, &q.id, true).await {
                tracing::warn!(remote = %q.id, error = %e, "t140 channel failed");
            }
            match r.rtt.open(q, id, false).await {
                Ok(rtt::Opened::Renegotiate) => push_unique(&mut reneg, q),
                Ok(rtt::Opened::InBand) => {}
                Err(e) => tracing::warn!(owner = %q.id, error = %e, "t140 channel failed"),
            }
        }
        members.insert(id.to_owned(), Arc::clone(&peer));
        inner.peers.fetch_add(1, Ordering::Relaxed);
        // Never the label: it is the name a resident typed (it is only checked here).
        tracing::info!(room, others = members.len() - 1, "joined");
        drop(members);
        peer.negotiate().await;
        for q in reneg {
            q.negotiate().await;
        }
        Ok(())
    }

    /// Handles a signalling message from participant `id`. Input is validated first.
    /// Candidates naming an address the configuration excludes are dropped here, in
    /// trickle and in the answer's SDP, so the server never sends checks to them.
    pub async fn signal(&self, room: i64, id: &str, signal: ClientSignal) -> Result<(), SfuError> {
        match &signal {
            ClientSignal::Answer { sdp } => validate::sdp(sdp)?,
            ClientSignal::Candidate {
                candidate, sdp_mid, ..
            } => validate::candidate(candidate, sdp_mid.as_deref())?,
        }
        let policy = validate::CandidatePolicy {
            loopback: self.inner.cfg.include_loopback,
            private: self.inner.cfg.private_candidates,
        };
        let signal = match signal {
            ClientSignal::Candidate { candidate, .. } if !policy.allows_candidate(&candidate) => {
                tracing::debug!(room, participant = %id, "candidate address excluded; ignored");
                self.inner
                    .counters
                    .candidates_refused
                    .fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            ClientSignal::Answer { sdp } => ClientSignal::Answer {
                sdp: policy.strip_sdp(&sdp),
            },
            other => other,
        };
        let r = self.inner.room(room).ok_or(SfuError::UnknownRoom)?;
        let peer = r
            .members
            .lock()
            .await
            .get(id)
            .cloned()
            .ok_or(SfuError::UnknownPeer)?;
        match signal {
            ClientSignal::Answer { sdp } => peer.apply_answer(sdp).await,
            ClientSignal::Candidate {
                candidate,
                sdp_mid,
                sdp_mline_index,
            } => {
                peer.add_candidate(RTCIceCandidateInit {
                    candidate,
                    sdp_mid,
                    sdp_mline_index,
                    username_fragment: None,
                    url: None,
                })
                .await
            }
        }
        .inspect_err(|e| tracing::debug!(room, participant = %id, error = %e, "signal rejected"))
    }

    /// Marks participant `id` as signing (the resident or the interpreter of a
    /// sign-language call): every subscriber's downlink serves their video first.
    pub async fn set_signing(&self, room: i64, id: &str, signing: bool) {
        let Some(r) = self.inner.room(room) else {
            return;
        };
        if let Some(p) = r.members.lock().await.get(id) {
            p.signer.store(signing, Ordering::Relaxed);
        }
    }

    /// Removes participant `id`; the others get a renegotiation without its tracks and
    /// text channels. An emptied room is dropped.
    #[tracing::instrument(skip(self, id), fields(participant = %id))]
    pub async fn leave(&self, room: i64, id: &str) {
        let inner = &self.inner;
        let Some(r) = inner.room(room) else { return };
        let mut members = r.members.lock().await;
        let Some(old) = members.remove(id) else {
            return;
        };
        let mut reneg = Vec::new();
        inner.detach(&r, &old, &members, &mut reneg).await;
        if members.is_empty() {
            inner.remove_room(&r);
        }
        drop(members);
        tracing::info!("left");
        for q in reneg {
            q.negotiate().await;
        }
    }

    /// Closes every connection of `room` and forgets it.
    pub async fn close_room(&self, room: i64) {
        let Some(r) = self.inner.room(room) else {
            return;
        };
        let mut members = r.members.lock().await;
        self.inner.remove_room(&r);
        for (_, p) in members.drain() {
            self.inner.peers.fetch_sub(1, Ordering::Relaxed);
            p.close().await;
        }
        r.rtt.clear();
        tracing::info!(room, "room closed");
    }

    pub fn stats(&self) -> SfuStats {
        let c = &self.inner.counters;
        SfuStats {
            rooms: lock(&self.inner.rooms).len(),
            peers: self.inner.peers.load(Ordering::Relaxed),
            forwarded_packets: c.forwarded_packets.load(Ordering::Relaxed),
            forwarded_bytes: c.forwarded_bytes.load(Ordering::Relaxed),
            keyframe_requests: c.keyframe_requests.load(Ordering::Relaxed),
            dropped_packets: c.dropped_packets.load(Ordering::Relaxed),
            candidates_refused: c.candidates_refused.load(Ordering::Relaxed),
            retransmissions_dropped: c.retransmissions_dropped.load(Ordering::Relaxed),
        }
    }

    /// How long sampled packets stayed inside the SFU, from arrival (after SRTP) to each
    /// copy leaving (before SRTP); take two snapshots for a window (`HoldSnapshot::since`).
    pub fn hold_times(&self) -> HoldSnapshot {
        self.inner.counters.hold.snapshot()
    }
}

fn push_unique(list: &mut Vec<Arc<Peer>>, p: &Arc<Peer>) {
    if !list.iter().any(|q| Arc::ptr_eq(q, p)) {
        list.push(Arc::clone(p));
    }
}

impl SfuInner {
    fn room(&self, id: i64) -> Option<Arc<Room>> {
        lock(&self.rooms).get(&id).cloned()
    }

    fn room_or_create(&self, id: i64) -> Arc<Room> {
        Arc::clone(lock(&self.rooms).entry(id).or_insert_with(|| {
            Arc::new(Room {
                id,
                members: tokio::sync::Mutex::new(HashMap::new()),
                closed: AtomicBool::new(false),
                rtt: Arc::new(RttTable::default()),
            })
        }))
    }

    /// Must be called with the room's member lock held.
    fn remove_room(&self, r: &Arc<Room>) {
        r.closed.store(true, Ordering::Release);
        let mut rooms = lock(&self.rooms);
        if rooms.get(&r.id).is_some_and(|x| Arc::ptr_eq(x, r)) {
            rooms.remove(&r.id);
        }
    }

    fn next_ssrc(&self) -> u32 {
        let seed = self.next_key.fetch_add(1, Ordering::Relaxed);
        let h = std::collections::hash_map::RandomState::new().hash_one(seed);
        (h as u32).max(1)
    }

    /// Forwards `publication` to `sub` (adds a send track to its connection). The caller
    /// renegotiates.
    async fn subscribe(
        &self,
        subscriber: &Arc<Peer>,
        publication: &Arc<Publication>,
    ) -> Result<(), SfuError> {
        let ssrc = self.next_ssrc();
        let kind = publication.kind;
        let track = Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
            publication.publisher.clone(),
            format!("{}-{}-{}", publication.publisher, kind, publication.key),
            publication.publisher.clone(),
            kind,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(ssrc),
                    ..Default::default()
                },
                active: true,
                codec: publication.codec.clone(),
                ..Default::default()
            }],
        )));
        // Not `add_track`: it would reuse the recvonly transceivers that carry the
        // subscriber's own camera/mic (making them sendrecv). Always a new sendonly m-line.
        let init = RTCRtpTransceiverInit {
            direction: RTCRtpTransceiverDirection::Sendonly,
            streams: vec![publication.publisher.clone()],
            send_encodings: vec![],
        };
        let transceiver = subscriber
            .pc
            .add_transceiver_from_track(Arc::clone(&track) as Arc<dyn TrackLocal>, Some(init))
            .await
            .map_err(webrtc_err)?;
        let sender = transceiver
            .sender()
            .await
            .map_err(webrtc_err)?
            .ok_or_else(|| SfuError::Webrtc("transceiver without sender".into()))?;
        let sub = SubTrack::new(
            subscriber.id.clone(),
            ssrc,
            track,
            Arc::clone(&subscriber.connected),
        );
        lock(&subscriber.subscriptions).insert(
            publication.key,
            Subscription {
                publication: Arc::clone(publication),
                sender,
                sub: Arc::clone(&sub),
            },
        );
        publication.add_sub(Arc::clone(&sub));
        tokio::spawn(forward::relay_subscriber_rtcp(Arc::clone(publication), sub));
        tracing::debug!(
            room = subscriber.room,
            subscriber = %subscriber.id,
            publisher = %publication.publisher,
            %kind,
            ssrc,
            "subscribed"
        );
        Ok(())
    }

    /// Detaches `old` (already removed from `members`) from the room and closes it. Peers
    /// whose connection changed are added to `reneg`. Member lock must be held.
    async fn detach(
        &self,
        r: &Room,
        old: &Arc<Peer>,
        members: &HashMap<String, Arc<Peer>>,
        reneg: &mut Vec<Arc<Peer>>,
    ) {
        self.peers.fetch_sub(1, Ordering::Relaxed);
        // First stop every packet flow involving `old` (no awaits), then tear down.
        old.closed.store(true, Ordering::Relaxed);
        old.connected.store(false, Ordering::Relaxed);
        let own: Vec<Subscription> = lock(&old.subscriptions).drain().map(|(_, s)| s).collect();
        for s in own {
            s.publication.remove_sub(&s.sub);
        }
        let pubs: Vec<Arc<Publication>> = lock(&old.published).clone();
        let mut removed: Vec<(Arc<Peer>, Subscription)> = Vec::new();
        for q in members.values() {
            let mut subs = lock(&q.subscriptions);
            for p in &pubs {
                if let Some(s) = subs.remove(&p.key) {
                    removed.push((Arc::clone(q), s));
                }
            }
        }
        for p in &pubs {
            p.clear_subs();
        }
        for (q, s) in removed {
            if let Err(e) = q.pc.remove_track(&s.sender).await {
                tracing::debug!(participant = %q.id, error = %e, "remove_track failed");
            }
            push_unique(reneg, &q);
        }
        r.rtt.remove_owner(&old.id);
        reneg.retain(|q| !Arc::ptr_eq(q, old));
        old.close().await;
    }
}

/// Called (in its own task) when participant `peer` starts sending a track.
async fn on_publisher_track(sfu: Arc<SfuInner>, peer: Arc<Peer>, track: Arc<dyn TrackRemote>) {
    let kind = track.kind().await;
    let Some(ssrc) = track.ssrcs().await.first().copied() else {
        tracing::warn!(participant = %peer.id, "remote track without SSRC");
        return;
    };
    let Some(codec) = track.codec(ssrc).await else {
        tracing::warn!(participant = %peer.id, "remote track without codec");
        return;
    };
    let Some(r) = sfu.room(peer.room) else { return };
    let key = sfu.next_key.fetch_add(1, Ordering::Relaxed);
    tracing::info!(room = peer.room, participant = %peer.id, %kind, mime = %codec.mime_type, ssrc, "publishing");
    let publication = Publication::new(
        key,
        peer.id.clone(),
        kind,
        codec,
        track,
        ssrc,
        sfu.epoch,
        Arc::clone(&sfu.counters),
        Arc::clone(&peer.signer),
    );
    let mut reneg = Vec::new();
    {
        let members = r.members.lock().await;
        let current = members.get(&peer.id).is_some_and(|p| Arc::ptr_eq(p, &peer));
        if !current || peer.closed.load(Ordering::Relaxed) {
            return;
        }
        lock(&peer.published).push(Arc::clone(&publication));
        for q in members.values().filter(|q| q.id != peer.id) {
            match sfu.subscribe(q, &publication).await {
                Ok(()) => reneg.push(Arc::clone(q)),
                Err(e) => tracing::warn!(subscriber = %q.id, error = %e, "subscribe failed"),
            }
        }
    }
    tokio::spawn(Arc::clone(&publication).run());
    for q in reneg {
        q.negotiate().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn cfg() -> MediaConfig {
        MediaConfig {
            udp_port_min: 41000,
            udp_port_max: 41050,
            bind_ip: IpAddr::from([127, 0, 0, 1]),
            public_ips: vec![],
            include_loopback: true,
            private_candidates: false,
            simulcast: true,
        }
    }

    #[tokio::test]
    async fn join_offer_signal_errors_leave() {
        let sfu = Sfu::new(cfg());
        let (tx, mut rx) = mpsc::channel(16);
        assert_eq!(
            sfu.join(5, "bad id", "x", tx.clone()).await,
            Err(SfuError::InvalidParticipant(
                "id must be 1..=64 chars of [A-Za-z0-9._:-]".into()
            ))
        );
        sfu.join(5, "resident", "Resident", tx).await.unwrap();
        let ev = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap();
        let Some(SfuEvent::Offer { sdp }) = ev else {
            panic!("expected offer, got {ev:?}")
        };
        assert!(sdp.starts_with("v=0"));
        assert_eq!(sdp.matches("m=audio").count(), 1);
        assert_eq!(sdp.matches("m=video").count(), 1);
        assert_eq!(sfu.stats().peers, 1);
        let answer = |sdp: &str| ClientSignal::Answer { sdp: sdp.into() };
        assert!(matches!(
            sfu.signal(5, "resident", answer("garbage")).await,
            Err(SfuError::InvalidSdp(_))
        ));
        assert!(matches!(
            sfu.signal(5, "resident", answer("v=0\r\nnonsense\r\n"))
                .await,
            Err(SfuError::InvalidSdp(_))
        ));
        let cand = |c: &str| ClientSignal::Candidate {
            candidate: c.into(),
            sdp_mid: None,
            sdp_mline_index: Some(0),
        };
        assert!(matches!(
            sfu.signal(5, "resident", cand("x")).await,
            Err(SfuError::InvalidCandidate(_))
        ));
        // Queued until the answer arrives.
        sfu.signal(
            5,
            "resident",
            cand("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"),
        )
        .await
        .unwrap();
        assert_eq!(
            sfu.signal(6, "resident", cand("")).await,
            Err(SfuError::UnknownRoom)
        );
        assert_eq!(
            sfu.signal(5, "staff-1", cand("")).await,
            Err(SfuError::UnknownPeer)
        );
        sfu.leave(5, "resident").await;
        let s = sfu.stats();
        assert_eq!((s.rooms, s.peers), (0, 0));
    }

    /// A resident's candidates naming link-local (the metadata address), private or
    /// any-port addresses are dropped before webrtc-rs sees them; loopback (allowed in
    /// this configuration) still goes through.
    #[tokio::test]
    async fn excluded_candidate_addresses_never_reach_the_ice_agent() {
        let sfu = Sfu::new(MediaConfig {
            udp_port_min: 41060,
            udp_port_max: 41070,
            ..cfg()
        });
        let (tx, _rx) = mpsc::channel(16);
        sfu.join(7, "resident", "Resident", tx).await.unwrap();
        let cand = |addr: &str, port: u16| ClientSignal::Candidate {
            candidate: format!("candidate:1 1 udp 2122260223 {addr} {port} typ host"),
            sdp_mid: None,
            sdp_mline_index: Some(0),
        };
        // The probe: 200 ports, the metadata address among them.
        for port in 0..200u16 {
            let addr = match port % 4 {
                0 => "169.254.169.254",
                1 => "10.0.0.1",
                2 => "fe80::1",
                _ => "192.168.1.1",
            };
            sfu.signal(7, "resident", cand(addr, 1000 + port))
                .await
                .unwrap();
        }
        sfu.signal(7, "resident", cand("127.0.0.1", 50000))
            .await
            .unwrap();
        assert_eq!(sfu.stats().candidates_refused, 200);
        sfu.leave(7, "resident").await;
    }
}
