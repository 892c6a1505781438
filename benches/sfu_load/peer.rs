//! The webrtc-rs 0.21 client peer connections the Loket and Janus targets share: codecs,
//! local tracks, trickled candidates out, every received packet recorded.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_OPUS, MIME_TYPE_VP8};
use rtc::rtp_transceiver::rtp_sender::{
    RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use tokio::sync::mpsc;
use webrtc::media_stream::MediaStreamTrack;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCIceCandidateInit, RTCPeerConnectionIceEvent,
    RTCPeerConnectionState, Registry, SettingEngineBuilder, register_default_interceptors,
};

use crate::measure::Shared;
use crate::media::{OPUS_PT, VP8_PT};
use crate::participant::{Outlet, Pc, label, ssrc};

fn codec(kind: RtpCodecKind) -> RTCRtpCodecParameters {
    let fb = |typ: &str, parameter: &str| RTCPFeedback {
        typ: typ.into(),
        parameter: parameter.into(),
    };
    let (mime, clock_rate, channels, fmtp, rtcp_feedback, payload_type) = match kind {
        RtpCodecKind::Audio => (
            MIME_TYPE_OPUS,
            48000,
            2,
            "minptime=10;useinbandfec=1",
            vec![],
            OPUS_PT,
        ),
        _ => (
            MIME_TYPE_VP8,
            90000,
            0,
            "",
            vec![fb("ccm", "fir"), fb("nack", ""), fb("nack", "pli")],
            VP8_PT,
        ),
    };
    RTCRtpCodecParameters {
        rtp_codec: RTCRtpCodec {
            mime_type: mime.into(),
            clock_rate,
            channels,
            sdp_fmtp_line: fmtp.into(),
            rtcp_feedback,
        },
        payload_type,
    }
}

fn local_track(id: &str, kind: RtpCodecKind, ssrc: u32) -> Arc<TrackLocalStaticRTP> {
    let mut encoding = RTCRtpEncodingParameters {
        active: true,
        codec: codec(kind).rtp_codec,
        ..Default::default()
    };
    encoding.rtp_coding_parameters.ssrc = Some(ssrc);
    let name = format!("{id}-{kind}");
    Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
        id.to_owned(),
        name.clone(),
        name,
        kind,
        vec![encoding],
    )))
}

/// The camera and microphone tracks of participant `index` (one stream each, no simulcast).
pub fn tracks(index: usize) -> Outlet {
    let id = format!("p{index}");
    Outlet::Tracks {
        video: local_track(&id, RtpCodecKind::Video, ssrc(index, true)),
        audio: local_track(&id, RtpCodecKind::Audio, ssrc(index, false)),
    }
}

/// Adds the participant's tracks to `pc`, audio first (Loket's offer has its audio m-line
/// first; `add_track` reuses a transceiver of the same kind without a sender).
pub async fn add_tracks(pc: &Arc<dyn PeerConnection>, outlet: &Outlet) -> anyhow::Result<()> {
    if let Outlet::Tracks { video, audio } = outlet {
        pc.add_track(Arc::clone(audio) as Arc<dyn TrackLocal>)
            .await?;
        pc.add_track(Arc::clone(video) as Arc<dyn TrackLocal>)
            .await?;
    }
    Ok(())
}

struct Handler {
    /// The participant this connection belongs to (the receiving end of its tracks).
    index: usize,
    /// Local candidates, to be trickled to the server.
    candidates: mpsc::UnboundedSender<RTCIceCandidateInit>,
    connected: Arc<AtomicBool>,
    shared: Arc<Shared>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        if let Ok(mut c) = event.candidate.to_json() {
            c.sdp_mline_index = c.sdp_mline_index.or(c.sdp_mid.is_none().then_some(0));
            let _ = self.candidates.send(c);
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        match state {
            RTCPeerConnectionState::Connected => self.connected.store(true, Ordering::Release),
            RTCPeerConnectionState::Failed => {
                self.connected.store(false, Ordering::Release);
                self.shared
                    .error(format!("{}: client connection failed", label(self.index)));
            }
            _ => {}
        }
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        // Never await the connection here: read the track in its own task. The payload's
        // stamp says which publisher and packet it is.
        let (index, shared) = (self.index, Arc::clone(&self.shared));
        tokio::spawn(async move {
            while let Some(ev) = track.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(p) = ev {
                    shared.record(index, &p.payload);
                }
            }
        });
    }
}

/// A client peer connection of participant `index` on 127.0.0.1 (loopback candidates, no
/// mDNS), with the candidates it gathers.
pub async fn new_pc(
    index: usize,
    shared: &Arc<Shared>,
) -> anyhow::Result<(Pc, mpsc::UnboundedReceiver<RTCIceCandidateInit>)> {
    let (tx, rx) = mpsc::unbounded_channel();
    let connected = Arc::new(AtomicBool::new(false));
    let handler = Arc::new(Handler {
        index,
        candidates: tx,
        connected: Arc::clone(&connected),
        shared: Arc::clone(shared),
    });
    let mut me = MediaEngine::default();
    for kind in [RtpCodecKind::Audio, RtpCodecKind::Video] {
        me.register_codec(codec(kind), kind)?;
    }
    let registry = register_default_interceptors(Registry::new(), &mut me)?;
    let se = SettingEngineBuilder::new()
        .with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled)
        .with_include_loopback_candidate(true)
        .build();
    let pc = PeerConnectionBuilder::new()
        .with_configuration(RTCConfigurationBuilder::new().build())
        .with_media_engine(me)
        .with_interceptor_registry(registry)
        .with_setting_engine(se)
        .with_handler(handler)
        .with_udp_addrs(vec![SocketAddr::from(([127, 0, 0, 1], 0))])
        .build()
        .await?;
    let pc: Arc<dyn PeerConnection> = Arc::new(pc);
    Ok((Pc { pc, connected }, rx))
}
