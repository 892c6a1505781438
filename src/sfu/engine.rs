//! Construction of one server-side `PeerConnection`: codecs (Opus + VP8), interceptor
//! chain (webrtc-rs defaults plus Loket's one stage, `tap::SfuTap`),
//! setting engine (no mDNS, loopback, NAT 1:1) and a UDP port taken from the configured range.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use rtc::interceptor::Slot;
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_OPUS, MIME_TYPE_VP8};
use rtc::rtp_transceiver::rtp_sender::{
    RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RtpCodecKind,
};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, Registry, SettingEngineBuilder, register_default_interceptors,
};

use super::forward::Counters;
use super::tap::{RemoteLoss, SfuTap};
use super::{MediaConfig, SfuError};

fn media_engine() -> Result<MediaEngine, SfuError> {
    let mut me = MediaEngine::default();
    let fb = |typ: &str, parameter: &str| RTCPFeedback {
        typ: typ.to_owned(),
        parameter: parameter.to_owned(),
    };
    me.register_codec(
        RTCRtpCodecParameters {
            rtp_codec: RTCRtpCodec {
                mime_type: MIME_TYPE_OPUS.to_owned(),
                clock_rate: 48000,
                channels: 2,
                sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
                rtcp_feedback: vec![],
            },
            payload_type: 111,
        },
        RtpCodecKind::Audio,
    )
    .map_err(webrtc_err)?;
    me.register_codec(
        RTCRtpCodecParameters {
            rtp_codec: RTCRtpCodec {
                mime_type: MIME_TYPE_VP8.to_owned(),
                clock_rate: 90000,
                channels: 0,
                sdp_fmtp_line: String::new(),
                rtcp_feedback: vec![fb("ccm", "fir"), fb("nack", ""), fb("nack", "pli")],
            },
            payload_type: 96,
        },
        RtpCodecKind::Video,
    )
    .map_err(webrtc_err)?;
    Ok(me)
}

pub(crate) fn webrtc_err(e: impl std::fmt::Display) -> SfuError {
    SfuError::Webrtc(e.to_string())
}

/// Builds a peer connection bound to one UDP port of the configured range. Ports that
/// are busy are skipped; the range is walked round-robin across calls.
pub(crate) async fn build_peer_connection(
    cfg: &MediaConfig,
    next_port: &AtomicU32,
    handler: Arc<dyn PeerConnectionEventHandler>,
    loss: &Arc<RemoteLoss>,
    counters: &Arc<Counters>,
) -> Result<Arc<dyn PeerConnection>, SfuError> {
    let (lo, hi) = (
        cfg.udp_port_min.min(cfg.udp_port_max),
        cfg.udp_port_min.max(cfg.udp_port_max),
    );
    let span = u32::from(hi - lo) + 1;
    let attempts = span.min(64);
    let mut last_err = SfuError::Webrtc("no UDP port available".into());
    for _ in 0..attempts {
        let offset = next_port.fetch_add(1, Ordering::Relaxed) % span;
        let port = lo.saturating_add(u16::try_from(offset).unwrap_or(0));
        let addr = SocketAddr::new(cfg.bind_ip, port);
        let mut me = media_engine()?;
        // Wire-ward of the NACK responder (4_000) and the report generators (10_000): the
        // tap sees the retransmissions and reports they send.
        let registry = register_default_interceptors(Registry::new(), &mut me)
            .map_err(webrtc_err)?
            .with(
                Slot::from(3_500),
                SfuTap::new(Arc::clone(loss), Arc::clone(counters), cfg.simulcast),
            );
        // ICE-lite: the server never starts a connectivity check. It answers checks that
        // carry the call's credentials and sends media to the address they came from, so
        // a candidate a client names (someone else's host and port) gets no traffic.
        let se = SettingEngineBuilder::new()
            .with_lite(true)
            .with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled)
            .with_include_loopback_candidate(cfg.include_loopback);
        // `media.public_ips` is applied to the candidates Loket signals (`announce`):
        // webrtc-rs 0.21 keeps a NAT 1:1 setting but never uses it.
        let built = PeerConnectionBuilder::new()
            .with_configuration(RTCConfigurationBuilder::new().build())
            .with_media_engine(me)
            .with_interceptor_registry(registry)
            .with_setting_engine(se.build())
            .with_handler(Arc::clone(&handler))
            .with_udp_addrs(vec![addr])
            .build()
            .await;
        match built {
            Ok(pc) => return Ok(Arc::new(pc)),
            Err(e) => {
                tracing::debug!(%addr, error = %e, "peer connection bind failed, trying next port");
                last_err = webrtc_err(e);
            }
        }
    }
    Err(last_err)
}
