//! One participant's server-side peer connection: the webrtc-rs event handler, the
//! ordered outbound event queue to the host, offer/answer serialisation (the server is
//! always the offerer) and trickle-ICE candidate queueing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use tokio::sync::mpsc;
use webrtc::data_channel::DataChannel;
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionEventHandler, RTCIceCandidateInit, RTCPeerConnectionIceEvent,
    RTCPeerConnectionState, RTCSessionDescription,
};
use webrtc::rtp_transceiver::RtpSender;

use super::announce::{announced, announced_sdp};
use super::forward::{Publication, SubTrack};
use super::layers::offer_with_layers;
use super::tap::RemoteLoss;
use super::{SfuError, SfuEvent, SfuInner, engine::webrtc_err};

/// Most client candidates kept while no answer has been applied yet.
const MAX_QUEUED_CANDIDATES: usize = 64;

#[derive(Default)]
struct Negotiation {
    offer_outstanding: bool,
    pending: bool,
    remote_set: bool,
    queued: Vec<RTCIceCandidateInit>,
}

/// A forwarded track on this peer's connection.
pub(crate) struct Subscription {
    pub publication: Arc<Publication>,
    pub sender: Arc<dyn RtpSender>,
    pub sub: Arc<SubTrack>,
}

pub(crate) struct Peer {
    pub id: String,
    pub room: i64,
    pub pc: Arc<dyn PeerConnection>,
    events: mpsc::UnboundedSender<SfuEvent>,
    neg: tokio::sync::Mutex<Negotiation>,
    /// Tracks this participant publishes.
    pub published: Mutex<Vec<Arc<Publication>>>,
    /// Tracks of others forwarded to this participant, by publication key.
    pub subscriptions: Mutex<HashMap<u64, Subscription>>,
    pub closed: AtomicBool,
    /// ICE+DTLS are up; forwarded media is only written while this is set.
    pub connected: Arc<AtomicBool>,
    /// A data channel was ever created on this connection (see `rtt`).
    pub data_channels_created: AtomicBool,
    /// The addresses its host candidates are announced with (`announce`); empty: as bound.
    public_ips: Vec<IpAddr>,
    /// Signs in this call (resident or interpreter): its video is served first
    /// (shared with its publications).
    pub signer: Arc<AtomicBool>,
    /// Offers ask for simulcast layers (`layers`).
    simulcast: bool,
    /// The last [`SfuEvent::Downlink`] sent.
    short: AtomicBool,
    /// What the browser reports lost of what this connection sends it.
    pub loss: Arc<RemoteLoss>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Peer {
    /// Creates the peer connection with one recvonly audio and one recvonly video
    /// transceiver, and starts the task that delivers events to `out` in order.
    pub async fn create(
        sfu: &Arc<SfuInner>,
        room: i64,
        id: &str,
        out: mpsc::Sender<SfuEvent>,
    ) -> Result<Arc<Peer>, SfuError> {
        use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;
        use webrtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};

        let slot: Arc<OnceLock<Weak<Peer>>> = Arc::new(OnceLock::new());
        let handler = Arc::new(Handler {
            sfu: Arc::downgrade(sfu),
            peer: Arc::clone(&slot),
        });
        let loss = Arc::new(RemoteLoss::default());
        let pc = super::engine::build_peer_connection(
            &sfu.cfg,
            &sfu.next_port,
            handler,
            &loss,
            &sfu.counters,
        )
        .await?;
        for kind in [RtpCodecKind::Audio, RtpCodecKind::Video] {
            let init = RTCRtpTransceiverInit {
                direction: RTCRtpTransceiverDirection::Recvonly,
                ..Default::default()
            };
            if let Err(e) = pc.add_transceiver_from_kind(kind, Some(init)).await {
                let _ = pc.close().await;
                return Err(webrtc_err(e));
            }
        }
        let (tx, mut rx) = mpsc::unbounded_channel::<SfuEvent>();
        tokio::spawn(async move {
            while let Some(ev) = rx.recv().await {
                if out.send(ev).await.is_err() {
                    break;
                }
            }
        });
        let peer = Arc::new(Peer {
            id: id.to_owned(),
            room,
            pc,
            events: tx,
            neg: tokio::sync::Mutex::new(Negotiation::default()),
            published: Mutex::new(Vec::new()),
            subscriptions: Mutex::new(HashMap::new()),
            closed: AtomicBool::new(false),
            connected: Arc::new(AtomicBool::new(false)),
            data_channels_created: AtomicBool::new(false),
            public_ips: sfu.public_ips.clone(),
            signer: Arc::new(AtomicBool::new(false)),
            simulcast: sfu.cfg.simulcast,
            short: AtomicBool::new(false),
            loss,
        });
        let _ = slot.set(Arc::downgrade(&peer));
        if sfu.cfg.simulcast {
            tokio::spawn(super::allocate::run(Arc::downgrade(&peer)));
        }
        Ok(peer)
    }

    pub fn emit(&self, ev: SfuEvent) {
        let _ = self.events.send(ev);
    }

    /// Tells the participant whether its downlink carries the call's video, when that
    /// changes.
    pub fn set_short(&self, short: bool) {
        if self.short.swap(short, Ordering::Relaxed) != short {
            tracing::info!(room = self.room, participant = %self.id, short, "downlink");
            self.emit(SfuEvent::Downlink { short });
        }
    }

    /// Creates and sends a new offer, or marks one as pending if an offer is outstanding.
    pub async fn negotiate(self: &Arc<Self>) {
        if self.closed.load(Ordering::Relaxed) {
            return;
        }
        let mut n = self.neg.lock().await;
        if n.offer_outstanding {
            n.pending = true;
            return;
        }
        if let Err(e) = self.offer_locked(&mut n).await {
            tracing::warn!(room = self.room, participant = %self.id, error = %e, "offer failed");
            self.emit(SfuEvent::Failed {
                reason: format!("offer failed: {e}"),
            });
        }
    }

    async fn offer_locked(&self, n: &mut Negotiation) -> Result<(), SfuError> {
        let offer = self.pc.create_offer(None).await.map_err(webrtc_err)?;
        // Queued before set_local_description starts ICE gathering, so the client always
        // sees the offer before the first server candidate.
        // A re-offer carries the candidates gathered so far: announced like trickled ones.
        // Simulcast is asked for in the text the client gets; webrtc-rs reads the layers
        // from the client's answer (see `layers`).
        let sdp = if self.simulcast {
            announced_sdp(&offer_with_layers(&offer.sdp), &self.public_ips)
        } else {
            announced_sdp(&offer.sdp, &self.public_ips)
        };
        self.emit(SfuEvent::Offer { sdp });
        self.pc
            .set_local_description(offer)
            .await
            .map_err(webrtc_err)?;
        n.offer_outstanding = true;
        n.pending = false;
        tracing::debug!(room = self.room, participant = %self.id, "offer sent");
        Ok(())
    }

    /// Applies the client's answer, flushes queued candidates and runs a pending
    /// renegotiation.
    pub async fn apply_answer(self: &Arc<Self>, sdp: String) -> Result<(), SfuError> {
        tracing::debug!(
            room = self.room,
            participant = %self.id,
            simulcast = sdp.contains("a=simulcast:send"),
            "answer"
        );
        let desc =
            RTCSessionDescription::answer(sdp).map_err(|e| SfuError::InvalidSdp(e.to_string()))?;
        let mut n = self.neg.lock().await;
        if !n.offer_outstanding {
            return Err(SfuError::UnexpectedAnswer);
        }
        self.pc
            .set_remote_description(desc)
            .await
            .map_err(|e| SfuError::InvalidSdp(e.to_string()))?;
        n.offer_outstanding = false;
        n.remote_set = true;
        for c in std::mem::take(&mut n.queued) {
            if let Err(e) = self.pc.add_ice_candidate(c).await {
                tracing::debug!(room = self.room, participant = %self.id, error = %e, "queued candidate rejected");
            }
        }
        if n.pending
            && let Err(e) = self.offer_locked(&mut n).await
        {
            self.emit(SfuEvent::Failed {
                reason: format!("offer failed: {e}"),
            });
        }
        Ok(())
    }

    pub async fn add_candidate(&self, init: RTCIceCandidateInit) -> Result<(), SfuError> {
        if init.candidate.is_empty() {
            return Ok(()); // end-of-candidates
        }
        let mut n = self.neg.lock().await;
        if !n.remote_set {
            if n.queued.len() >= MAX_QUEUED_CANDIDATES {
                return Err(SfuError::TooLarge);
            }
            n.queued.push(init);
            return Ok(());
        }
        drop(n);
        self.pc
            .add_ice_candidate(init)
            .await
            .map_err(|e| SfuError::InvalidCandidate(e.to_string()))
    }

    /// Asks every publisher forwarded to this peer for a keyframe (of the layer this peer
    /// gets).
    pub async fn request_keyframes(&self) {
        let subs: Vec<(Arc<Publication>, Arc<SubTrack>)> = lock(&self.subscriptions)
            .values()
            .map(|s| (Arc::clone(&s.publication), Arc::clone(&s.sub)))
            .collect();
        for (p, sub) in subs {
            p.request_keyframe_for(&sub).await;
        }
    }

    pub async fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.connected.store(false, Ordering::Relaxed);
        for p in lock(&self.published).drain(..) {
            p.clear_subs();
        }
        for (_, s) in lock(&self.subscriptions).drain() {
            s.sub.active.store(false, Ordering::Relaxed);
        }
        if let Err(e) = self.pc.close().await {
            tracing::debug!(room = self.room, participant = %self.id, error = %e, "close failed");
        }
    }
}

/// webrtc-rs callbacks run inside the connection's driver loop: they only queue events or
/// spawn tasks, never await the connection itself.
struct Handler {
    sfu: Weak<SfuInner>,
    peer: Arc<OnceLock<Weak<Peer>>>,
}

impl Handler {
    fn peer(&self) -> Option<Arc<Peer>> {
        self.peer.get().and_then(Weak::upgrade)
    }
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        let Some(peer) = self.peer() else { return };
        match event.candidate.to_json() {
            Ok(init) => {
                let sdp_mline_index = match (&init.sdp_mid, init.sdp_mline_index) {
                    (None, None) => Some(0),
                    (_, i) => i,
                };
                for candidate in announced(&init.candidate, &peer.public_ips) {
                    peer.emit(SfuEvent::Candidate {
                        candidate,
                        sdp_mid: init.sdp_mid.clone(),
                        sdp_mline_index,
                    });
                }
            }
            Err(e) => tracing::debug!(participant = %peer.id, error = %e, "candidate to_json"),
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let Some(peer) = self.peer() else { return };
        tracing::info!(room = peer.room, participant = %peer.id, %state, "connection state");
        match state {
            RTCPeerConnectionState::Connected => {
                peer.connected.store(true, Ordering::Relaxed);
                peer.emit(SfuEvent::Connected);
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    peer.request_keyframes().await;
                });
            }
            RTCPeerConnectionState::Failed => {
                peer.connected.store(false, Ordering::Relaxed);
                peer.emit(SfuEvent::Failed {
                    reason: "ICE/DTLS connection failed".into(),
                });
            }
            RTCPeerConnectionState::Closed => peer.connected.store(false, Ordering::Relaxed),
            _ => {}
        }
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let (Some(peer), Some(sfu)) = (self.peer(), self.sfu.upgrade()) else {
            return;
        };
        tokio::spawn(super::on_publisher_track(sfu, peer, track));
    }

    async fn on_data_channel(&self, dc: Arc<dyn DataChannel>) {
        // Clients must not open channels of their own; the server creates all of them.
        if let Some(peer) = self.peer() {
            tracing::debug!(participant = %peer.id, "closing client-created data channel");
        }
        tokio::spawn(async move {
            let _ = dc.close().await;
        });
    }
}
