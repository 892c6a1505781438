//! A participant as every target sees it: where its media goes out (WebRTC tracks or a
//! plain UDP socket), its peer connections, and the real-time replay of the media file.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use rtc::rtp;
use rtc::shared::marshal::Marshal;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::peer_connection::PeerConnection;

use crate::measure::Shared;
use crate::media::{Media, OPUS_PT, VP8_PT, stamp};

/// One client peer connection and whether it reached `Connected`.
pub struct Pc {
    pub pc: Arc<dyn PeerConnection>,
    pub connected: Arc<AtomicBool>,
}

/// Where a participant's packets go.
pub enum Outlet {
    /// webrtc-rs tracks (SRTP, RTCP, interceptors) of a peer connection.
    Tracks {
        video: Arc<TrackLocalStaticRTP>,
        audio: Arc<TrackLocalStaticRTP>,
    },
    /// Plain RTP over a UDP socket connected to the relay.
    Udp(Arc<tokio::net::UdpSocket>),
}

impl Outlet {
    async fn send(&self, video: bool, packet: rtp::Packet) -> anyhow::Result<()> {
        match self {
            Outlet::Tracks { video: v, audio: a } => {
                let track = if video { v } else { a };
                track.write_rtp(packet).await?;
            }
            Outlet::Udp(socket) => {
                socket.send(&packet.marshal()?).await?;
            }
        }
        Ok(())
    }
}

pub struct Participant {
    /// 3 * call + position in the call (0, 1, 2).
    pub index: usize,
    pub outlet: Outlet,
    /// The client's peer connections (none for the UDP relay).
    pub pcs: Vec<Pc>,
    /// Packets sent so far (= next packet counter): video, audio.
    pub sent: [AtomicU32; 2],
}

impl Participant {
    pub fn new(index: usize, outlet: Outlet, pcs: Vec<Pc>) -> Arc<Participant> {
        Arc::new(Participant {
            index,
            outlet,
            pcs,
            sent: Default::default(),
        })
    }

    pub fn connected(&self) -> bool {
        self.pcs.iter().all(|p| p.connected.load(Ordering::Acquire))
    }

    async fn send(&self, shared: &Shared, packet: rtp::Packet) {
        let video = packet.header.payload_type == VP8_PT;
        if self.outlet.send(video, packet).await.is_err() {
            shared.write_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn sent(&self) -> (u32, u32) {
        (
            self.sent[0].load(Ordering::Acquire),
            self.sent[1].load(Ordering::Acquire),
        )
    }
}

/// "call/pN", for messages.
pub fn label(index: usize) -> String {
    format!("{}/p{}", index / 3, index % 3)
}

/// Distinct per participant and kind.
pub fn ssrc(index: usize, video: bool) -> u32 {
    (if video { 0x1000_0000 } else { 0x2000_0000 }) + index as u32
}

/// The stamp's source field: publisher index * 2, + 1 for audio.
pub fn source(index: usize, video: bool) -> u32 {
    index as u32 * 2 + u32::from(!video)
}

/// One outgoing RTP stream's state.
struct Stream {
    video: bool,
    ssrc: u32,
    source: u32,
    seq: u16,
    counter: u32,
}

impl Stream {
    fn new(index: usize, video: bool) -> Stream {
        Stream {
            video,
            ssrc: ssrc(index, video),
            source: source(index, video),
            seq: 0,
            counter: 0,
        }
    }

    /// The next packet: the template payload with the stamp (and for video the PictureID).
    fn packet(
        &mut self,
        template: &[u8],
        timestamp: u32,
        marker: bool,
        picture_id: u16,
    ) -> rtp::Packet {
        let mut b = template.to_vec();
        if self.video {
            let pid = picture_id & 0x7fff;
            b[2] = 0x80 | (pid >> 8) as u8;
            b[3] = pid as u8;
        }
        stamp(&mut b, self.source, self.counter);
        let packet = rtp::Packet {
            header: rtp::header::Header {
                version: 2,
                marker,
                payload_type: if self.video { VP8_PT } else { OPUS_PT },
                sequence_number: self.seq,
                timestamp,
                ssrc: self.ssrc,
                ..Default::default()
            },
            payload: b.into(),
        };
        self.seq = self.seq.wrapping_add(1);
        self.counter += 1;
        packet
    }
}

/// Replays the media file in real time: one Opus packet every 20 ms, one VP8 frame (all
/// its packets back to back) every 40 ms, stamping send time, source and counter into
/// each payload. Starts after `offset`, at frame `first_frame` of the file.
pub async fn publish(
    p: Arc<Participant>,
    media: Arc<Media>,
    stop: Arc<AtomicBool>,
    shared: Arc<Shared>,
    offset: Duration,
    first_frame: u64,
) {
    tokio::time::sleep(offset).await;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let (mut video, mut audio) = (Stream::new(p.index, true), Stream::new(p.index, false));
    for n in 0u64.. {
        tick.tick().await;
        if stop.load(Ordering::Relaxed) {
            break;
        }
        // Each packet is stamped just before it is sent.
        let a = &media.audio[n as usize % media.audio.len()];
        p.send(&shared, audio.packet(a, (n * 960) as u32, false, 0))
            .await;
        if n % 2 == 0 {
            let f = n / 2;
            let frame = &media.video[(first_frame + f) as usize % media.video.len()];
            for (i, payload) in frame.iter().enumerate() {
                let last = i + 1 == frame.len();
                p.send(
                    &shared,
                    video.packet(payload, (f * 3600) as u32, last, f as u16),
                )
                .await;
            }
        }
        p.sent[0].store(video.counter, Ordering::Release);
        p.sent[1].store(audio.counter, Ordering::Release);
    }
}
