//! The synthetic media file (pre-packetised VP8/Opus payloads) and the stamp every sent
//! payload carries.

use std::sync::OnceLock;
use std::time::Instant;

pub const VP8_PT: u8 = 96;
pub const OPUS_PT: u8 = 111;
/// Bytes at the end of each payload, overwritten at send time: send time (µs, u64 BE),
/// source (u32 BE: publisher index * 2, + 1 for audio) and packet counter (u32 BE).
pub const STAMP: usize = 16;
const MAX_PAYLOAD: usize = 1100;
const VP8_DESCRIPTOR: usize = 4;

/// Microseconds since the first call (one clock for senders and receivers).
pub fn now_us() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// Writes the stamp into the last [`STAMP`] bytes of `payload`.
pub fn stamp(payload: &mut [u8], source: u32, counter: u32) {
    let n = payload.len();
    payload[n - STAMP..n - 8].copy_from_slice(&now_us().to_be_bytes());
    payload[n - 8..n - 4].copy_from_slice(&source.to_be_bytes());
    payload[n - 4..].copy_from_slice(&counter.to_be_bytes());
}

/// Reads a stamp: (source, counter, send time µs).
pub fn read_stamp(payload: &[u8]) -> Option<(u32, u32, u64)> {
    let t = payload.get(payload.len().checked_sub(STAMP)?..)?;
    let word = |r: std::ops::Range<usize>| u32::from_be_bytes(t[r].try_into().unwrap_or_default());
    let sent = u64::from_be_bytes(t[..8].try_into().ok()?);
    Some((word(8..12), word(12..16), sent))
}

pub struct Media {
    /// Video frames, each a list of RTP payloads (marker on the last one).
    pub video: Vec<Vec<Vec<u8>>>,
    pub audio: Vec<Vec<u8>>,
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
    pub const FPS: usize = 25;
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

    pub fn video_pps(&self) -> f64 {
        let n: usize = self.video.iter().map(Vec::len).sum();
        n as f64 * Self::FPS as f64 / self.video.len() as f64
    }

    pub fn load_or_create() -> anyhow::Result<(Media, std::path::PathBuf)> {
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
