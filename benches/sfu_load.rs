//! SFU load benchmark: K three-party calls through Loket's SFU (`loket::sfu`), real
//! WebRTC (ICE, DTLS, SRTP, RTCP) over 127.0.0.1, measuring what the forwarder costs.
//!
//! What it measures, for each K in `CALLS`:
//! * **server CPU**: utime+stime of the SFU runtime's threads (named `sfu`; one worker, plus
//!   its blocking pool), read from `/proc/self/task/*/stat` over the measurement window, as
//!   % of one core and as µs per forwarded RTP packet (`Sfu::stats().forwarded_packets`,
//!   audio + video). Client threads (`client`) and all other threads are reported separately,
//!   so work done outside the SFU runtime would show up there;
//! * **forwarded video pkt/s** (video packets that reached subscribers), and video pkt/s
//!   per core = video pkt/s / SFU CPU fraction (all SFU CPU charged to video: conservative);
//! * **loss**: per publisher->subscriber leg and kind, unique packet counters received vs
//!   sent during the window (warm-up excluded);
//! * **delay**: receive time minus send time of every packet sent in the window (the stamp
//!   is taken just before `write_rtp` on the publisher; both ends are in this process, same
//!   clock). This is end-to-end through two webrtc-rs stacks and the SFU, so it is an upper
//!   bound on the delay the SFU adds;
//! * **offered** (% of the nominal video load the publishers managed to send), **lag** (p99 of
//!   how late a 5 ms timer fires on the SFU / client runtime: run-queue or CPU starvation) and
//!   **ext%** (CPU used by other processes during the window). A K only counts towards "largest
//!   K under 80%" if all peers connected, >= 95% of the load was offered and loss < 1%. On a
//!   shared 2-core machine, check ext%: a compiler or browser next to it inflates delay and
//!   caps what the two runtimes get.
//!
//! How: the SFU runs on its own tokio runtime (1 worker, threads named `sfu`); all
//! `join`/`signal`/`close_room` calls are made on it, so every task webrtc-rs spawns for the
//! server connections lives there. The clients (3 per call: p0, p1, p2) are webrtc-rs 0.21
//! peer connections on a second runtime (1 worker, `client`). Each answers the server's
//! offers (trickle ICE both ways), attaches a VP8 and an Opus `TrackLocalStaticRTP` to the
//! offered recvonly m-lines, and reads every track forwarded to it.
//!
//! Media is NOT camera video: it is a synthetic, pre-packetised VP8/Opus RTP payload file
//! (generated once into the temp dir, then replayed in real time, paced per frame) with the
//! sizes and rhythm of a 640x480 25 fps VP8 stream at ~0.9-1 Mbit/s (a 20-30 KB keyframe
//! every 2 s, 3-5 KB delta frames, <= 1100-byte packets with a VP8 payload descriptor and
//! frame header, marker on the last packet of a frame, 90 kHz timestamps) and 20 ms Opus
//! packets of 80-120 bytes (48 kHz timestamps). The last 12 bytes of every payload are
//! overwritten at send time with an 8-byte send timestamp (µs) and a 4-byte packet counter.
//! Keyframe requests (PLI) reach the publishers but are not acted upon (keyframes come on
//! the fixed 2 s cadence).
//!
//! Needs `[[bench]] name = "sfu_load" harness = false` in Cargo.toml.
//! Run: `cargo bench --bench sfu_load`, or e.g.
//! `CALLS=1,2,4,8,16,24,32 SECONDS=10 WARMUP=3 cargo bench --bench sfu_load`.
//! Env: `CALLS` (list of K, each run in fresh rooms), `SECONDS` (window per K, default 10),
//! `WARMUP` (s, default 3), `PORTS` (SFU UDP range, default `20000-29999`), `LOKET_LOG`
//! (tracing filter for stderr, default `error`).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use loket::sfu::{ClientSignal, MediaConfig, Sfu, SfuEvent};
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_OPUS, MIME_TYPE_VP8};
use rtc::rtp;
use rtc::rtp_transceiver::rtp_sender::{
    RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters,
    RTCRtpEncodingParameters, RtpCodecKind,
};
use tokio::runtime::{Handle, Runtime};
use tokio::sync::mpsc;
use webrtc::media_stream::MediaStreamTrack;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCIceCandidateInit, RTCPeerConnectionIceEvent,
    RTCPeerConnectionState, RTCSessionDescription, Registry, SettingEngineBuilder,
    register_default_interceptors,
};

const VP8_PT: u8 = 96;
const OPUS_PT: u8 = 111;
/// Bytes at the end of each payload: send time (µs, u64 BE) + packet counter (u32 BE).
const STAMP: usize = 12;
const MAX_PAYLOAD: usize = 1100;
const VP8_DESCRIPTOR: usize = 4;

// ---------------------------------------------------------------------------------------
// Clock and CPU accounting

fn now_us() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// CPU seconds per thread (tid -> (name, seconds)) from /proc/self/task/*/stat.
fn thread_cpu() -> HashMap<u32, (String, f64)> {
    const CLK_TCK: f64 = 100.0; // USER_HZ on Linux
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(tid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        let (Some(a), Some(b)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[a + 1..b].to_owned();
        let f: Vec<&str> = stat[b + 1..].split_whitespace().collect();
        let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        out.insert(tid, (name, (tick(11) + tick(12)) / CLK_TCK)); // utime, stime
    }
    out
}

/// CPU seconds spent between two snapshots, grouped as (sfu, client, other). Threads that
/// exited in between are lost (tokio keeps idle blocking threads for 10 s).
fn cpu_delta(a: &HashMap<u32, (String, f64)>, b: &HashMap<u32, (String, f64)>) -> (f64, f64, f64) {
    let (mut sfu, mut client, mut other) = (0.0, 0.0, 0.0);
    for (tid, (name, t)) in b {
        let d = t - a.get(tid).map_or(0.0, |x| x.1);
        match name.as_str() {
            "sfu" => sfu += d,
            "client" => client += d,
            _ => other += d,
        }
    }
    (sfu, client, other)
}

/// Busy CPU seconds of the whole machine (all processes), from /proc/stat.
fn machine_busy() -> f64 {
    let text = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let v: Vec<f64> = text
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: busy = all of the first 8 but idle, iowait
    let busy: f64 = v
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, x)| x)
        .sum();
    busy / 100.0
}

/// UDP sockets bound to a port in `lo..=hi` (from /proc/net/udp, all processes).
fn udp_ports_in_use(lo: u16, hi: u16) -> usize {
    let text = std::fs::read_to_string("/proc/net/udp").unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            l.split_whitespace()
                .nth(1)?
                .split(':')
                .nth(1)
                .map(str::to_owned)
        })
        .filter_map(|p| u16::from_str_radix(&p, 16).ok())
        .filter(|p| (lo..=hi).contains(p))
        .count()
}

// ---------------------------------------------------------------------------------------
// Pre-encoded media file

struct Media {
    /// Video frames, each a list of RTP payloads (marker on the last one).
    video: Vec<Vec<Vec<u8>>>,
    audio: Vec<Vec<u8>>,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
}

impl Media {
    const FILE: &str = "loket-sfu-load-vp8-opus-v1.bin";
    const FPS: usize = 25;
    const GOP: usize = 50; // keyframe every 2 s

    /// Synthesises 10 s of VP8 (RFC 7741 packetisation) and Opus payloads.
    fn synthesise() -> Media {
        let mut rng = Rng(0x5eed_1234_abcd_ef01);
        let mut video = Vec::new();
        for f in 0..Self::FPS * 10 {
            let key = f % Self::GOP == 0;
            let size = if key {
                rng.range(20_000, 30_000)
            } else {
                rng.range(3_000, 5_000)
            };
            let mut frame: Vec<u8> = (0..size).map(|_| rng.next() as u8).collect();
            // VP8 frame tag (RFC 6386 9.1): inter bit, version 0, show_frame, first partition size.
            let first_part = (size / 8) as u32;
            let tag = (first_part << 5) | (1 << 4) | u32::from(!key);
            frame[..3].copy_from_slice(&tag.to_le_bytes()[..3]);
            if key {
                frame[3..6].copy_from_slice(&[0x9d, 0x01, 0x2a]);
                frame[6..8].copy_from_slice(&640u16.to_le_bytes());
                frame[8..10].copy_from_slice(&480u16.to_le_bytes());
            }
            let n = size.div_ceil(MAX_PAYLOAD - VP8_DESCRIPTOR);
            let chunk = size.div_ceil(n);
            let packets = frame
                .chunks(chunk)
                .enumerate()
                .map(|(i, c)| {
                    // Descriptor: X=1, S on the first packet, PID 0; I=1; 15-bit PictureID
                    // (rewritten at send time).
                    let mut p = vec![if i == 0 { 0x90 } else { 0x80 }, 0x80, 0x80, 0x00];
                    p.extend_from_slice(c);
                    p
                })
                .collect();
            video.push(packets);
        }
        let audio = (0..50 * 10)
            .map(|_| {
                let mut p: Vec<u8> = (0..rng.range(80, 120)).map(|_| rng.next() as u8).collect();
                p[0] = 0xf8; // TOC: config 31 (CELT FB 20 ms), mono, one frame
                p
            })
            .collect();
        Media { video, audio }
    }

    /// Record: kind (0 video, 1 audio), marker, frame/packet index (u32 LE), len (u16 LE), payload.
    fn encode(&self) -> Vec<u8> {
        let mut out = b"LKSFUMEDIA1\n".to_vec();
        let mut rec = |kind: u8, marker: bool, idx: usize, p: &[u8]| {
            out.extend_from_slice(&[kind, u8::from(marker)]);
            out.extend_from_slice(&(idx as u32).to_le_bytes());
            out.extend_from_slice(&(p.len() as u16).to_le_bytes());
            out.extend_from_slice(p);
        };
        for (i, f) in self.video.iter().enumerate() {
            for (j, p) in f.iter().enumerate() {
                rec(0, j + 1 == f.len(), i, p);
            }
        }
        for (i, p) in self.audio.iter().enumerate() {
            rec(1, false, i, p);
        }
        out
    }

    fn decode(b: &[u8]) -> Option<Media> {
        let mut b = b.strip_prefix(b"LKSFUMEDIA1\n".as_slice())?;
        let (mut video, mut audio): (Vec<Vec<Vec<u8>>>, Vec<Vec<u8>>) = (vec![], vec![]);
        while !b.is_empty() {
            let (kind, idx) = (
                b[0],
                u32::from_le_bytes(b.get(2..6)?.try_into().ok()?) as usize,
            );
            let len = usize::from(u16::from_le_bytes(b.get(6..8)?.try_into().ok()?));
            let p = b.get(8..8 + len)?.to_vec();
            b = &b[8 + len..];
            if p.len() < VP8_DESCRIPTOR + 10 + STAMP {
                return None;
            }
            if kind == 0 {
                video.resize_with(video.len().max(idx + 1), Vec::new);
                video[idx].push(p);
            } else {
                audio.push(p);
            }
        }
        (!video.is_empty() && !audio.is_empty()).then_some(Media { video, audio })
    }

    fn video_pps(&self) -> f64 {
        let n: usize = self.video.iter().map(Vec::len).sum();
        n as f64 * Self::FPS as f64 / self.video.len() as f64
    }

    fn load_or_create() -> anyhow::Result<(Media, std::path::PathBuf)> {
        let path = std::env::temp_dir().join(Self::FILE);
        if let Some(m) = std::fs::read(&path).ok().and_then(|b| Self::decode(&b)) {
            return Ok((m, path));
        }
        std::fs::write(&path, Self::synthesise().encode())?;
        let m = Self::decode(&std::fs::read(&path)?)
            .ok_or_else(|| anyhow::anyhow!("media file {} unreadable", path.display()))?;
        Ok((m, path))
    }
}

// ---------------------------------------------------------------------------------------
// Clients

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

/// One receiving leg: packets of `publisher`'s `kind` track arriving at `subscriber`.
#[derive(Default)]
struct Leg {
    /// (packet counter, delay µs)
    samples: Mutex<Vec<(u32, u32)>>,
}

type LegKey = (i64, String, String, RtpCodecKind); // room, subscriber, publisher, kind

#[derive(Default)]
struct Shared {
    legs: Mutex<HashMap<LegKey, Arc<Leg>>>,
    errors: Mutex<Vec<String>>,
    write_errors: AtomicU32,
}

impl Shared {
    fn error(&self, e: String) {
        let mut v = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        if v.len() < 1000 {
            v.push(e);
        }
    }
}

struct Client {
    room: i64,
    id: String,
    pc: Arc<dyn PeerConnection>,
    video: Arc<TrackLocalStaticRTP>,
    audio: Arc<TrackLocalStaticRTP>,
    connected: Arc<AtomicBool>,
    video_ssrc: u32,
    audio_ssrc: u32,
    /// Packets sent so far (= next packet counter) per kind.
    sent_video: AtomicU32,
    sent_audio: AtomicU32,
}

struct ClientHandler {
    room: i64,
    id: String,
    signals: mpsc::UnboundedSender<ClientSignal>,
    connected: Arc<AtomicBool>,
    shared: Arc<Shared>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for ClientHandler {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        if let Ok(c) = event.candidate.to_json() {
            let sdp_mline_index = c.sdp_mline_index.or(c.sdp_mid.is_none().then_some(0));
            let _ = self.signals.send(ClientSignal::Candidate {
                candidate: c.candidate,
                sdp_mid: c.sdp_mid,
                sdp_mline_index,
            });
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        match state {
            RTCPeerConnectionState::Connected => self.connected.store(true, Ordering::Release),
            RTCPeerConnectionState::Failed => {
                self.connected.store(false, Ordering::Release);
                self.shared.error(format!(
                    "{}/{}: client connection failed",
                    self.room, self.id
                ));
            }
            _ => {}
        }
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        // Never await the connection here: read the track in its own task.
        let (room, id, shared) = (self.room, self.id.clone(), Arc::clone(&self.shared));
        tokio::spawn(async move {
            let key = (
                room,
                id,
                track.stream_id().await.to_string(),
                track.kind().await,
            );
            let leg = Arc::clone(shared.legs.lock().unwrap().entry(key).or_default());
            while let Some(ev) = track.poll().await {
                let TrackRemoteEvent::OnRtpPacket(p) = ev else {
                    continue;
                };
                let now = now_us();
                let n = p.payload.len();
                if n < STAMP {
                    continue;
                }
                let t = &p.payload[n - STAMP..];
                let sent = u64::from_be_bytes(t[..8].try_into().unwrap_or_default());
                let ctr = u32::from_be_bytes(t[8..].try_into().unwrap_or_default());
                let delay = u32::try_from(now.saturating_sub(sent)).unwrap_or(u32::MAX);
                leg.samples.lock().unwrap().push((ctr, delay));
            }
        });
    }
}

fn local_track(id: &str, kind: RtpCodecKind, ssrc: u32) -> Arc<TrackLocalStaticRTP> {
    Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
        id.to_owned(),
        format!("{id}-{kind}"),
        format!("{id}-{kind}"),
        kind,
        vec![RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters {
                ssrc: Some(ssrc),
                ..Default::default()
            },
            active: true,
            codec: codec(kind).rtp_codec,
            ..Default::default()
        }],
    )))
}

/// Builds a client peer connection, joins it to the SFU and starts its signalling tasks.
async fn start_client(
    sfu: &Sfu,
    sfu_rt: &Handle,
    room: i64,
    idx: usize,
    shared: &Arc<Shared>,
    tasks: &mut Vec<tokio::task::JoinHandle<()>>,
) -> anyhow::Result<Arc<Client>> {
    let id = format!("p{idx}");
    let (sig_tx, mut sig_rx) = mpsc::unbounded_channel::<ClientSignal>();
    let connected = Arc::new(AtomicBool::new(false));
    let handler = Arc::new(ClientHandler {
        room,
        id: id.clone(),
        signals: sig_tx,
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
    // Distinct per participant; odd for video, even for audio.
    let ssrc = ((room as u32) << 8) | ((idx as u32) << 1);
    let (video_ssrc, audio_ssrc) = (ssrc | 1, ssrc + 0x100_0000);
    let client = Arc::new(Client {
        room,
        id: id.clone(),
        pc,
        video: local_track(&id, RtpCodecKind::Video, video_ssrc),
        audio: local_track(&id, RtpCodecKind::Audio, audio_ssrc),
        connected,
        video_ssrc,
        audio_ssrc,
        sent_video: AtomicU32::new(0),
        sent_audio: AtomicU32::new(0),
    });

    // Client -> SFU signalling, in order, on the SFU runtime.
    let (sfu2, id2, shared2) = (sfu.clone(), id.clone(), Arc::clone(shared));
    tasks.push(sfu_rt.spawn(async move {
        while let Some(s) = sig_rx.recv().await {
            if let Err(e) = sfu2.signal(room, &id2, s).await {
                shared2.error(format!("{room}/{id2}: signal rejected: {e}"));
            }
        }
    }));

    // SFU -> client events.
    let (ev_tx, mut ev_rx) = mpsc::channel::<SfuEvent>(64);
    let (c, shared2) = (Arc::clone(&client), Arc::clone(shared));
    tasks.push(tokio::spawn(async move {
        let mut tracks_attached = false;
        while let Some(ev) = ev_rx.recv().await {
            let res = match ev {
                SfuEvent::Offer { sdp } => answer(&c, sdp, &mut tracks_attached).await,
                SfuEvent::Candidate {
                    candidate,
                    sdp_mid,
                    sdp_mline_index,
                } if !candidate.is_empty() => {
                    c.pc.add_ice_candidate(RTCIceCandidateInit {
                        candidate,
                        sdp_mid,
                        sdp_mline_index,
                        username_fragment: None,
                        url: None,
                    })
                    .await
                    .map_err(Into::into)
                }
                SfuEvent::Failed { reason } => {
                    Err(anyhow::anyhow!("SFU reports failure: {reason}"))
                }
                _ => Ok(()),
            };
            if let Err(e) = res {
                shared2.error(format!("{}/{}: {e}", c.room, c.id));
            }
        }
    }));

    let (sfu2, id2) = (sfu.clone(), id.clone());
    sfu_rt
        .spawn(async move { sfu2.join(room, &id2, &id2, ev_tx).await })
        .await??;
    Ok(client)
}

/// Answers a server offer; on the first one, attaches our camera/mic tracks to the offered
/// recvonly audio/video m-lines (`add_track` reuses a transceiver of the same kind without
/// a sender, i.e. those two, which come first in the server's offer).
async fn answer(c: &Client, sdp: String, tracks_attached: &mut bool) -> anyhow::Result<()> {
    c.pc.set_remote_description(RTCSessionDescription::offer(sdp)?)
        .await?;
    if !*tracks_attached {
        c.pc.add_track(Arc::clone(&c.audio) as Arc<dyn TrackLocal>)
            .await?;
        c.pc.add_track(Arc::clone(&c.video) as Arc<dyn TrackLocal>)
            .await?;
        *tracks_attached = true;
    }
    let answer = c.pc.create_answer(None).await?;
    c.pc.set_local_description(answer.clone()).await?;
    let (sfu, handle) = SFU.get().ok_or_else(|| anyhow::anyhow!("no SFU"))?;
    let (sfu, room, id) = (sfu.clone(), c.room, c.id.clone());
    handle
        .spawn(async move {
            sfu.signal(room, &id, ClientSignal::Answer { sdp: answer.sdp })
                .await
        })
        .await??;
    Ok(())
}

/// The SFU and its runtime handle (set once in `main`).
static SFU: OnceLock<(Sfu, Handle)> = OnceLock::new();

/// Replays the media file in real time: one Opus packet every 20 ms, one VP8 frame (all
/// its packets back to back) every 40 ms, stamping send time and counter into each payload.
async fn publish(
    c: Arc<Client>,
    media: Arc<Media>,
    stop: Arc<AtomicBool>,
    shared: Arc<Shared>,
    offset: Duration,
    first_frame: u64,
) {
    tokio::time::sleep(offset).await;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let (vssrc, assrc) = (c.video_ssrc, c.audio_ssrc);
    let (mut vseq, mut aseq) = (0u16, 0u16);
    let mut ctr = (0u32, 0u32);
    for n in 0u64.. {
        tick.tick().await;
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let mut packets = Vec::with_capacity(32);
        let a = &media.audio[n as usize % media.audio.len()];
        packets.push((
            false,
            aseq,
            OPUS_PT,
            assrc,
            (n * 960) as u32,
            false,
            a.as_slice(),
        ));
        aseq = aseq.wrapping_add(1);
        if n % 2 == 0 {
            let f = n / 2;
            let frame = &media.video[(first_frame + f) as usize % media.video.len()];
            for (i, p) in frame.iter().enumerate() {
                let last = i + 1 == frame.len();
                packets.push((
                    true,
                    vseq,
                    VP8_PT,
                    vssrc,
                    (f * 3600) as u32,
                    last,
                    p.as_slice(),
                ));
                vseq = vseq.wrapping_add(1);
            }
        }
        for (video, seq, pt, ssrc, ts, marker, template) in packets {
            let mut b = template.to_vec();
            let len = b.len();
            let counter = if video { &mut ctr.0 } else { &mut ctr.1 };
            if video {
                let pid = (n / 2) as u16 & 0x7fff; // PictureID
                b[2] = 0x80 | (pid >> 8) as u8;
                b[3] = pid as u8;
            }
            b[len - STAMP..len - 4].copy_from_slice(&now_us().to_be_bytes());
            b[len - 4..].copy_from_slice(&counter.to_be_bytes());
            *counter += 1;
            let pkt = rtp::Packet {
                header: rtp::header::Header {
                    version: 2,
                    marker,
                    payload_type: pt,
                    sequence_number: seq,
                    timestamp: ts,
                    ssrc,
                    ..Default::default()
                },
                payload: b.into(),
            };
            let track = if video { &c.video } else { &c.audio };
            if track.write_rtp(pkt).await.is_err() {
                shared.write_errors.fetch_add(1, Ordering::Relaxed);
            }
        }
        c.sent_video.store(ctr.0, Ordering::Release);
        c.sent_audio.store(ctr.1, Ordering::Release);
    }
}

/// Scheduling lag of a runtime: a task sleeping 5 ms at a time records how late it wakes
/// (µs past the deadline; includes up to ~1 ms of timer granularity). Shows whether packets
/// wait in a runtime's run queue.
fn lag_probe(rt: &Handle, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<Vec<u32>> {
    rt.spawn(async move {
        let mut lags = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let deadline = tokio::time::Instant::now() + Duration::from_millis(5);
            tokio::time::sleep_until(deadline).await;
            lags.push(u32::try_from(deadline.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
        lags
    })
}

fn p99_ms(mut v: Vec<u32>) -> f64 {
    v.sort_unstable();
    v.get(v.len() * 99 / 100)
        .map_or(f64::NAN, |&x| f64::from(x) / 1000.0)
}

// ---------------------------------------------------------------------------------------
// One step (K calls) and the report

#[derive(Default)]
struct Row {
    calls: usize,
    peers: usize,
    connected: usize,
    video_pps: f64,
    total_pps: f64,
    sfu_cpu: f64,
    client_cpu: f64,
    other_cpu: f64,
    us_per_pkt: f64,
    loss: f64,
    p50: f64,
    p99: f64,
    max: f64,
    foreign_cpu: f64,
    offered: f64,
    sfu_lag: f64,
    client_lag: f64,
    keyframe_requests: u64,
    dropped: u64,
    errors: Vec<String>,
}

async fn run_step(
    k: usize,
    step: usize,
    media: Arc<Media>,
    window: Duration,
    warmup: Duration,
) -> Row {
    let (sfu, sfu_rt) = SFU.get().expect("SFU set in main").clone();
    let shared = Arc::new(Shared::default());
    let mut tasks = Vec::new();
    let mut clients: Vec<Arc<Client>> = Vec::new();
    let rooms: Vec<i64> = (0..k).map(|i| (step * 1000 + i + 1) as i64).collect();
    let mut row = Row {
        calls: k,
        peers: 3 * k,
        ..Default::default()
    };

    // Join participant i of every room, then the next one (each join renegotiates the others).
    for idx in 0..3 {
        let mut joins = Vec::new();
        for &room in &rooms {
            let (sfu, sfu_rt, shared) = (sfu.clone(), sfu_rt.clone(), Arc::clone(&shared));
            joins.push(tokio::spawn(async move {
                let mut t = Vec::new();
                let r = start_client(&sfu, &sfu_rt, room, idx, &shared, &mut t).await;
                (r, t)
            }));
        }
        for j in joins {
            match j.await {
                Ok((Ok(c), t)) => {
                    clients.push(c);
                    tasks.extend(t);
                }
                Ok((Err(e), t)) => {
                    shared.error(format!("join failed: {e}"));
                    tasks.extend(t);
                }
                Err(e) => shared.error(format!("join task: {e}")),
            }
        }
    }
    let deadline =
        Instant::now() + Duration::from_secs(20) + Duration::from_millis(300 * 3 * k as u64);
    while Instant::now() < deadline && clients.iter().any(|c| !c.connected.load(Ordering::Acquire))
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    row.connected = clients
        .iter()
        .filter(|c| c.connected.load(Ordering::Acquire))
        .count();

    // Media, staggered across one frame interval, each publisher starting at its own place in
    // the file (so keyframes, every 2 s, are not synchronised across publishers).
    let stop = Arc::new(AtomicBool::new(false));
    let publishers: Vec<_> = clients
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let offset = Duration::from_micros((i as u64 * 7919) % 40_000);
            let first_frame = (i as u64 * 37) % media.video.len() as u64;
            tokio::spawn(publish(
                Arc::clone(c),
                Arc::clone(&media),
                Arc::clone(&stop),
                Arc::clone(&shared),
                offset,
                first_frame,
            ))
        })
        .collect();
    tokio::time::sleep(warmup).await;

    let sent = |c: &Client| {
        (
            c.sent_video.load(Ordering::Acquire),
            c.sent_audio.load(Ordering::Acquire),
        )
    };
    let probe_stop = Arc::new(AtomicBool::new(false));
    let probes = [
        lag_probe(&sfu_rt, Arc::clone(&probe_stop)),
        lag_probe(&Handle::current(), Arc::clone(&probe_stop)),
    ];
    let (cpu0, stats0, t0, busy0) = (thread_cpu(), sfu.stats(), Instant::now(), machine_busy());
    let start: Vec<(u32, u32)> = clients.iter().map(|c| sent(c)).collect();
    tokio::time::sleep(window).await;
    let (cpu1, stats1, secs, busy1) = (
        thread_cpu(),
        sfu.stats(),
        t0.elapsed().as_secs_f64(),
        machine_busy(),
    );
    let end: Vec<(u32, u32)> = clients.iter().map(|c| sent(c)).collect();
    probe_stop.store(true, Ordering::Relaxed);
    let [a, b] = probes;
    row.sfu_lag = a.await.map_or(f64::NAN, p99_ms);
    row.client_lag = b.await.map_or(f64::NAN, p99_ms);
    tokio::time::sleep(Duration::from_millis(500)).await; // packets in flight
    stop.store(true, Ordering::Relaxed);
    for p in publishers {
        let _ = p.await;
    }

    // Server CPU and counters.
    let (s, c, o) = cpu_delta(&cpu0, &cpu1);
    let fwd = stats1.forwarded_packets - stats0.forwarded_packets;
    row.sfu_cpu = 100.0 * s / secs;
    row.client_cpu = 100.0 * c / secs;
    row.other_cpu = 100.0 * o / secs;
    // CPU used by other processes (e.g. a compiler) competing for the same cores.
    row.foreign_cpu = (100.0 * ((busy1 - busy0) - (s + c + o)) / secs).max(0.0);
    row.total_pps = fwd as f64 / secs;
    row.us_per_pkt = if fwd > 0 {
        s * 1e6 / fwd as f64
    } else {
        f64::NAN
    };
    row.keyframe_requests = stats1.keyframe_requests - stats0.keyframe_requests;
    row.dropped = stats1.dropped_packets - stats0.dropped_packets;

    // Loss and delay per leg (publisher -> subscriber, kind), for packets sent inside the
    // window. A leg whose publisher never joined counts as lost at the nominal rate.
    let legs = std::mem::take(&mut *shared.legs.lock().unwrap());
    let (mut expected, mut received, mut video_rx) = (0u64, 0u64, 0u64);
    let mut delays: Vec<u32> = Vec::new();
    let nominal = |kind| {
        let pps = if kind == RtpCodecKind::Video {
            media.video_pps()
        } else {
            50.0
        };
        (pps * window.as_secs_f64()) as u64
    };
    for &room in &rooms {
        for (pub_idx, sub_idx) in [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)] {
            let (pub_id, sub_id) = (format!("p{pub_idx}"), format!("p{sub_idx}"));
            let p = clients
                .iter()
                .position(|c| c.room == room && c.id == pub_id);
            for kind in [RtpCodecKind::Video, RtpCodecKind::Audio] {
                let Some(pi) = p else {
                    expected += nominal(kind);
                    continue;
                };
                let (c0, c1) = match kind {
                    RtpCodecKind::Video => (start[pi].0, end[pi].0),
                    _ => (start[pi].1, end[pi].1),
                };
                expected += u64::from(c1 - c0);
                let Some(leg) = legs.get(&(room, sub_id.clone(), pub_id.clone(), kind)) else {
                    continue;
                };
                let mut v: Vec<(u32, u32)> = leg.samples.lock().unwrap().clone();
                v.retain(|(n, _)| (c0..c1).contains(n));
                v.sort_unstable();
                v.dedup_by_key(|x| x.0);
                received += v.len() as u64;
                if kind == RtpCodecKind::Video {
                    video_rx += v.len() as u64;
                }
                delays.extend(v.iter().map(|x| x.1));
            }
        }
    }
    row.video_pps = video_rx as f64 / secs;
    // Share of the nominal load that was actually offered (publishers skip ticks when the
    // client runtime cannot keep up).
    row.offered = 100.0 * row.video_pps / (6.0 * k as f64 * media.video_pps());
    row.loss = if expected > 0 {
        100.0 * (1.0 - received as f64 / expected as f64)
    } else {
        f64::NAN
    };
    delays.sort_unstable();
    let pct = |q: f64| {
        delays
            .get(((delays.len() as f64 * q) as usize).min(delays.len().saturating_sub(1)))
            .map_or(f64::NAN, |&d| f64::from(d) / 1000.0)
    };
    (row.p50, row.p99, row.max) = (
        pct(0.5),
        pct(0.99),
        delays.last().map_or(f64::NAN, |&d| f64::from(d) / 1000.0),
    );

    // Teardown: close the rooms on the SFU runtime, then the clients.
    for &room in &rooms {
        let sfu = sfu.clone();
        if let Err(e) = sfu_rt
            .spawn(async move { sfu.close_room(room).await })
            .await
        {
            shared.error(format!("close_room {room}: {e}"));
        }
    }
    for c in &clients {
        if tokio::time::timeout(Duration::from_secs(5), c.pc.close())
            .await
            .is_err()
        {
            shared.error(format!("{}/{}: client close timed out", c.room, c.id));
        }
    }
    for t in tasks {
        t.abort();
    }
    drop(clients);
    let werr = shared.write_errors.load(Ordering::Relaxed);
    if werr > 0 {
        shared.error(format!(
            "{werr} client write_rtp errors (track not bound yet/anymore)"
        ));
    }
    row.errors = std::mem::take(&mut *shared.errors.lock().unwrap());
    row
}

fn parse_list(s: &str) -> Vec<usize> {
    s.split(',')
        .filter_map(|x| x.trim().parse().ok())
        .filter(|&k| k > 0)
        .collect()
}

fn main() {
    // `cargo test --all-targets` runs benches without `--bench`: keep that instant.
    if !std::env::args().any(|a| a == "--bench") {
        println!("sfu_load: skipped outside `cargo bench`");
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LOKET_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let var = |n: &str| std::env::var(n).ok();
    let calls = parse_list(&var("CALLS").unwrap_or_else(|| "1,2,4,8,16,24,32".into()));
    let secs = |n: &str, d: u64| var(n).and_then(|v| v.parse().ok()).unwrap_or(d);
    let (window, warmup) = (
        Duration::from_secs(secs("SECONDS", 10)),
        Duration::from_secs(secs("WARMUP", 3)),
    );
    let ports = var("PORTS").unwrap_or_else(|| "20000-29999".into());
    let (lo, hi) = ports
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<u16>().ok()?, b.parse::<u16>().ok()?)))
        .unwrap_or((20000, 29999));

    let (media, path) = match Media::load_or_create() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("sfu_load: cannot create the media file: {e}");
            return;
        }
    };
    let media = Arc::new(media);
    let vb: usize = media.video.iter().flatten().map(Vec::len).sum();
    let vsecs = media.video.len() as f64 / Media::FPS as f64;
    println!(
        "media: {} (synthetic VP8-packetised payloads with realistic sizes and rate, not camera video): \
         {:.0} video pkt/s, {:.2} Mbit/s payload at 25 fps, keyframe every 2 s; Opus 50 pkt/s",
        path.display(),
        media.video_pps(),
        vb as f64 * 8.0 / vsecs / 1e6,
    );

    let build = |name: &str| -> std::io::Result<Runtime> {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(name)
            .enable_all()
            .build()
    };
    let (sfu_rt, client_rt) = match (build("sfu"), build("client")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("sfu_load: runtime: {e}");
            return;
        }
    };
    let sfu = Sfu::new(MediaConfig {
        udp_port_min: lo,
        udp_port_max: hi,
        bind_ip: IpAddr::from([127, 0, 0, 1]),
        public_ips: vec![],
        include_loopback: true,
        private_candidates: false,
        simulcast: false,
    });
    let _ = SFU.set((sfu.clone(), sfu_rt.handle().clone()));

    // Idle baseline: which threads burn CPU with nothing going on.
    let (a, t) = (thread_cpu(), Instant::now());
    std::thread::sleep(Duration::from_secs(1));
    let (s, c, o) = cpu_delta(&a, &thread_cpu());
    let el = t.elapsed().as_secs_f64();
    println!(
        "idle 1 s: sfu {:.1}%, client {:.1}%, other {:.1}% of one core; {} CPUs; SFU ports {lo}-{hi}",
        100.0 * s / el,
        100.0 * c / el,
        100.0 * o / el,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "window {} s after {} s warm-up per K; CPU = utime+stime of the threads named sfu / client / other;\n\
         delay = publisher write_rtp -> subscriber track read; lag = p99 ms a 5 ms timer wakes late on that runtime;\n\
         ext% = CPU used by other processes on this machine during the window (% of one core)\n",
        window.as_secs(),
        warmup.as_secs()
    );
    println!(
        "{:>4} {:>5} {:>5} {:>7} {:>9} {:>9} {:>6} {:>7} {:>7} {:>6} {:>7} {:>7} {:>7} {:>8} {:>5} {:>5} {:>9} {:>7} {:>7} {:>6}",
        "K",
        "peers",
        "conn",
        "offered",
        "vid pkt/s",
        "fwd pkt/s",
        "SFU%",
        "µs/pkt",
        "client%",
        "other%",
        "loss%",
        "p50 ms",
        "p99 ms",
        "max ms",
        "PLIs",
        "drops",
        "vid/core",
        "lag sfu",
        "lag cli",
        "ext%"
    );
    let mut rows = Vec::new();
    for (step, &k) in calls.iter().enumerate() {
        let row = client_rt.block_on(run_step(k, step + 1, Arc::clone(&media), window, warmup));
        println!(
            "{:>4} {:>5} {:>5} {:>6.1}% {:>9.0} {:>9.0} {:>6.1} {:>7.2} {:>7.1} {:>6.1} {:>7.3} {:>7.2} {:>7.2} {:>8.2} {:>5} {:>5} {:>9.0} {:>7.2} {:>7.2} {:>6.0}",
            row.calls,
            row.peers,
            row.connected,
            row.offered,
            row.video_pps,
            row.total_pps,
            row.sfu_cpu,
            row.us_per_pkt,
            row.client_cpu,
            row.other_cpu,
            row.loss,
            row.p50,
            row.p99,
            row.max,
            row.keyframe_requests,
            row.dropped,
            row.video_pps / (row.sfu_cpu / 100.0),
            row.sfu_lag,
            row.client_lag,
            row.foreign_cpu,
        );
        for e in row.errors.iter().take(5) {
            println!("      ! {e}");
        }
        if row.errors.len() > 5 {
            println!("      ! ... {} more", row.errors.len() - 5);
        }
        // Ports and peers must be gone before the next K.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let (st, used) = (sfu.stats(), udp_ports_in_use(lo, hi));
            if (st.rooms == 0 && st.peers == 0 && used == 0) || Instant::now() > deadline {
                if used > 0 || st.peers > 0 {
                    println!(
                        "      ! after teardown: {} rooms, {} peers, {used} UDP ports still bound in {lo}-{hi}",
                        st.rooms, st.peers
                    );
                }
                break;
            }
        }
        rows.push(row);
    }

    // A K counts only if the whole nominal load was offered and delivered.
    let ok: Vec<&Row> = rows
        .iter()
        .filter(|r| r.connected == r.peers && r.offered >= 95.0 && r.loss < 1.0 && r.sfu_cpu < 80.0)
        .collect();
    println!();
    match ok.iter().max_by_key(|r| r.calls) {
        Some(r) => println!(
            "largest K under 80% of one core (all peers connected, >= 95% of nominal load offered, \
             loss < 1%): {} calls ({} participants, SFU {:.1}%)",
            r.calls, r.peers, r.sfu_cpu
        ),
        None => println!("no K stayed under 80% of one core with the full load offered"),
    }
    if let Some(r) = rows.iter().find(|r| r.offered < 95.0) {
        println!(
            "from K={} the publishers could not send the nominal load ({:.0}% offered): the \
             client runtime (one thread, {:.0}% CPU) or other processes ({:.0}% CPU) limit the \
             test, not the SFU",
            r.calls, r.offered, r.client_cpu, r.foreign_cpu
        );
    }
    if let Some(r) = ok.iter().max_by_key(|r| r.calls) {
        println!(
            "forwarded video packets/s per core (at K={}, all SFU CPU charged to video): {:.0} (target 40000); \
             {:.2} µs SFU CPU per forwarded packet; p99 delay {:.2} ms (target < 2 ms)",
            r.calls,
            r.video_pps / (r.sfu_cpu / 100.0),
            r.us_per_pkt,
            r.p99
        );
    }
    // Close the runtimes without waiting for stragglers.
    client_rt.shutdown_timeout(Duration::from_secs(2));
    sfu_rt.shutdown_timeout(Duration::from_secs(2));
}
