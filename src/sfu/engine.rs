//! Construction of one server-side `PeerConnection`: codecs (Opus + VP8), interceptor
//! chain (webrtc-rs defaults plus a marker that hands PLI/FIR to the application),
//! setting engine (no mDNS, loopback, NAT 1:1) and a UDP port taken from the configured range.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use rtc::interceptor::{Attribute, Interceptor, Packet, Slot, StreamInfo, TaggedPacket};
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_OPUS, MIME_TYPE_VP8};
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtcp::receiver_report::ReceiverReport;
use rtc::rtcp::reception_report::ReceptionReport;
use rtc::rtcp::sender_report::SenderReport;
use rtc::rtp_transceiver::rtp_sender::{
    RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RtpCodecKind,
};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, Registry, SettingEngineBuilder, register_default_interceptors,
};

use super::{MediaConfig, SfuError};

/// Whether an RTCP packet asks for a keyframe.
pub(crate) fn is_keyframe_request(p: &dyn rtc::rtcp::Packet) -> bool {
    let any = p.as_any();
    any.is::<PictureLossIndication>() || any.is::<FullIntraRequest>()
}

/// Interceptor that lets inbound RTCP batches containing a keyframe request reach the
/// application (`TrackLocal::poll`). Everything else is left to the default interceptors.
#[derive(Default)]
struct KeyframeRequestTap {
    reads: VecDeque<TaggedPacket>,
    writes: VecDeque<TaggedPacket>,
}

impl rtc::sansio::Protocol<TaggedPacket, TaggedPacket, ()> for KeyframeRequestTap {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, mut msg: TaggedPacket) -> Result<(), Self::Error> {
        let wanted = match &msg.message.packet {
            Packet::Rtcp(batch) => batch.iter().any(|p| is_keyframe_request(p.as_ref())),
            _ => false,
        };
        if wanted {
            msg.message.add(Attribute::DeliverToApplication);
        }
        self.reads.push_back(msg);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<TaggedPacket> {
        self.reads.pop_front()
    }

    fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        self.writes.push_back(msg);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<TaggedPacket> {
        self.writes.pop_front()
    }
}

impl Interceptor for KeyframeRequestTap {
    fn bind_local_stream(&mut self, _: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _: &StreamInfo) {}
    fn bind_remote_stream(&mut self, _: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _: &StreamInfo) {}
}

/// What a subscriber's browser reports about the streams the SFU sends it: the latest
/// cumulative loss per SSRC (RTCP report blocks, in its receiver *and* sender reports;
/// webrtc-rs 0.21 reads only the former, and a browser that sends media reports in the
/// latter). Read by `allocate`.
#[derive(Default)]
pub(crate) struct RemoteLoss {
    streams: std::sync::Mutex<std::collections::HashMap<u32, StreamLoss>>,
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

const STREAM_SETTLE: std::time::Duration = std::time::Duration::from_secs(3);

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

/// Interceptor that caps what the NACK responder resends: retransmissions may add at most
/// a third to the media this connection sends, measured in bytes. On a line that is over
/// its capacity, answering every NACK multiplies the overload (measured: a 400 kbit/s
/// downlink received ten times its media rate in retransmissions); the layer choice
/// (`allocate`) is what brings the rate down, this only keeps loss from feeding itself.
struct RetransmitCap {
    highest: std::collections::HashMap<u32, u16>,
    /// Bytes of retransmission allowed now.
    tokens: f64,
    counters: Arc<super::forward::Counters>,
    reads: VecDeque<TaggedPacket>,
    writes: VecDeque<TaggedPacket>,
}

const RETRANSMIT_SHARE: f64 = 0.33;
const RETRANSMIT_BURST: f64 = 60_000.0;

impl rtc::sansio::Protocol<TaggedPacket, TaggedPacket, ()> for RetransmitCap {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        self.reads.push_back(msg);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<TaggedPacket> {
        self.reads.pop_front()
    }

    fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtp(p) = &msg.message.packet {
            let size = (p.payload.len() + 12) as f64;
            let seq = p.header.sequence_number;
            let resend = match self.highest.get(&p.header.ssrc) {
                // Not newer than the newest sent: a retransmission.
                Some(&h) => seq.wrapping_sub(h) == 0 || seq.wrapping_sub(h) >= 0x8000,
                None => false,
            };
            if resend {
                if self.tokens < size {
                    self.counters
                        .retransmissions_dropped
                        .fetch_add(1, Ordering::Relaxed);
                    return Ok(());
                }
                self.tokens -= size;
            } else {
                if self.highest.len() < 256 || self.highest.contains_key(&p.header.ssrc) {
                    self.highest.insert(p.header.ssrc, seq);
                }
                self.tokens = (self.tokens + size * RETRANSMIT_SHARE).min(RETRANSMIT_BURST);
            }
        }
        self.writes.push_back(msg);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<TaggedPacket> {
        self.writes.pop_front()
    }
}

impl Interceptor for RetransmitCap {
    fn bind_local_stream(&mut self, _: &StreamInfo) {}
    fn unbind_local_stream(&mut self, info: &StreamInfo) {
        self.highest.remove(&info.ssrc);
    }
    fn bind_remote_stream(&mut self, _: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _: &StreamInfo) {}
}

/// Interceptor for the RTCP reports: records the browser's loss reports (`RemoteLoss`),
/// and leaves the report blocks about incoming *video* out of the reports the SFU sends.
///
/// Why the second: a simulcast layer is known to webrtc-rs 0.21 only by the `rid` header
/// extension of its packets, and every applied answer (each renegotiation, whenever
/// someone joins or leaves) forgets which SSRC was which layer. Chrome puts `mid`/`rid`
/// on its packets until a report block acknowledges the SSRC, and not after; so without
/// this, the first renegotiation after a few seconds stops every simulcast camera.
/// Chrome's send rate still follows the transport-wide feedback (`TwccReceiver`); audio
/// keeps its reports.
struct ReportTap {
    loss: Arc<RemoteLoss>,
    /// Leave video report blocks out (simulcast on).
    filter_video: bool,
    video: std::collections::HashSet<u32>,
    reads: VecDeque<TaggedPacket>,
    writes: VecDeque<TaggedPacket>,
}

impl rtc::sansio::Protocol<TaggedPacket, TaggedPacket, ()> for ReportTap {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtcp(batch) = &msg.message.packet {
            for p in batch {
                let any = p.as_any();
                if let Some(sr) = any.downcast_ref::<SenderReport>() {
                    self.loss.record(&sr.reports);
                } else if let Some(rr) = any.downcast_ref::<ReceiverReport>() {
                    self.loss.record(&rr.reports);
                }
            }
        }
        self.reads.push_back(msg);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<TaggedPacket> {
        self.reads.pop_front()
    }

    fn handle_write(&mut self, mut msg: TaggedPacket) -> Result<(), Self::Error> {
        if self.filter_video
            && !self.video.is_empty()
            && let Packet::Rtcp(batch) = &mut msg.message.packet
        {
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
        self.writes.push_back(msg);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<TaggedPacket> {
        self.writes.pop_front()
    }
}

impl Interceptor for ReportTap {
    fn bind_local_stream(&mut self, _: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _: &StreamInfo) {}
    fn bind_remote_stream(&mut self, info: &StreamInfo) {
        if info.mime_type.to_ascii_lowercase().starts_with("video/") {
            self.video.insert(info.ssrc);
        }
    }
    fn unbind_remote_stream(&mut self, info: &StreamInfo) {
        self.video.remove(&info.ssrc);
    }
}

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
    counters: &Arc<super::forward::Counters>,
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
        let mut registry = register_default_interceptors(Registry::new(), &mut me)
            .map_err(webrtc_err)?
            .with(Slot::from(14_000), KeyframeRequestTap::default());
        // Wire-ward of the NACK responder (4_000): sees its retransmissions.
        registry = registry.with(
            Slot::from(3_500),
            RetransmitCap {
                highest: Default::default(),
                tokens: RETRANSMIT_BURST,
                counters: Arc::clone(counters),
                reads: VecDeque::new(),
                writes: VecDeque::new(),
            },
        );
        // Wire-ward of the receiver-report generator (10_000).
        registry = registry.with(
            Slot::from(9_500),
            ReportTap {
                loss: Arc::clone(loss),
                filter_video: cfg.simulcast,
                video: Default::default(),
                reads: VecDeque::new(),
                writes: VecDeque::new(),
            },
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
