//! Simulcast: every publisher sends its camera twice, at full size (640x480) and at half
//! size (320x240, QVGA, the least EN 301 549 6.5 allows for sign language), each at the
//! full frame rate, and the SFU forwards per subscriber the one layer that fits that
//! subscriber's downlink. The publisher never knows who gets which layer.
//!
//! Why two and not three: Chrome sends at most two simulcast layers of a 640x480 camera
//! (its layer limit by resolution; a third is announced but never sent), and a quarter
//! size (160x120) would be below QVGA anyway.
//!
//! This module holds the pure parts, each testable without a connection:
//!
//! - [`offer_with_layers`]: the server is always the offerer, and webrtc-rs 0.21 has no API
//!   to *receive* simulcast as offerer, so the offer text sent to the browser asks for
//!   the layers (`a=rid:… recv` + `a=simulcast:recv`). The browser's answer names them
//!   (`a=rid:… send`), and webrtc-rs reads simulcast from that answer.
//! - [`Vp8Descriptor`]: where a VP8 packet starts a keyframe, and where its picture id and
//!   TL0PICIDX are (RFC 7741 section 4.2). A subscriber switches layers only at a keyframe
//!   of the new layer.
//! - [`Rewriter`]: one subscriber's view of one publication. The layers have their own
//!   sequence numbers, timestamps and picture ids; the subscriber must see one unbroken
//!   stream, so at a switch the rewriter continues where the old layer left off.
//!   Timestamps stay in step with the publisher's clock (the offset changes only at a
//!   switch, by the time that passed), so the sender reports that webrtc-rs writes for the
//!   subscriber leg keep audio and video in sync.
//! - [`allocate`]: given a subscriber's estimated downlink and the rates the layers of the
//!   publications it receives arrive at, the layer per publication. Signers first: the
//!   resident's and the interpreter's video are never given up for the agent's, and a
//!   signer's lowest layer is never paused. When that does not fit, or another video had
//!   to be paused, the line is *short*: the page tells its user.

use rtc::rtp;

/// Layer ids as the offer names them, lowest first. Index = layer.
pub const RIDS: [&str; 2] = ["h", "f"];
/// Layers per publication.
pub const LAYERS: usize = RIDS.len();

/// The layer of a rid (`None`: not one of ours).
pub fn layer_of(rid: &str) -> Option<u8> {
    RIDS.iter()
        .position(|r| *r == rid)
        .and_then(|i| u8::try_from(i).ok())
}

/// The offer with the first receive-only video section asking for the simulcast layers.
/// Only that section carries the participant's own camera; the send sections (forwarded
/// tracks) are left alone. An offer without such a section is returned unchanged.
pub fn offer_with_layers(sdp: &str) -> String {
    let nl = if sdp.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = sdp.split(nl).collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 4);
    // Index in `out` of the first line after the target section (where to insert).
    let mut section_start: Option<usize> = None;
    let mut is_video = false;
    let mut recvonly = false;
    let mut done = false;
    let mut insert_at: Option<usize> = None;
    for line in &lines {
        if line.starts_with("m=") {
            if !done && is_video && recvonly {
                insert_at = Some(out.len());
                done = true;
            }
            section_start = Some(out.len());
            is_video = line.starts_with("m=video");
            recvonly = false;
        } else if section_start.is_some() && *line == "a=recvonly" {
            recvonly = true;
        } else if line.starts_with("a=simulcast") || line.starts_with("a=rid:") {
            // Already asked (never by webrtc-rs as offerer; keep the text as is).
            if is_video {
                done = true;
            }
        }
        out.push((*line).to_owned());
    }
    if !done && is_video && recvonly {
        // The last section: insert before the final empty line (the SDP's last CRLF).
        let end = if out.last().is_some_and(|l| l.is_empty()) {
            out.len() - 1
        } else {
            out.len()
        };
        insert_at = Some(end);
    }
    let Some(at) = insert_at else {
        return sdp.to_owned();
    };
    let mut add: Vec<String> = RIDS.iter().map(|r| format!("a=rid:{r} recv")).collect();
    add.push(format!("a=simulcast:recv {}", RIDS.join(";")));
    out.splice(at..at, add);
    out.join(nl)
}

/// What the SFU needs from a VP8 payload descriptor (RFC 7741 section 4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Vp8Descriptor {
    /// First packet of a keyframe (S=1, partition 0, and the payload header's P bit clear).
    pub keyframe_start: bool,
    /// Byte offset and value of the picture id, and whether it is 15 bits (else 7).
    pub picture_id: Option<(usize, u16, bool)>,
    /// Byte offset and value of TL0PICIDX.
    pub tl0: Option<(usize, u8)>,
}

impl Vp8Descriptor {
    /// Parses the descriptor; `None` when the payload is too short for what it announces.
    pub fn parse(payload: &[u8]) -> Option<Self> {
        let b0 = *payload.first()?;
        let x = b0 & 0x80 != 0;
        let s = b0 & 0x10 != 0;
        let pid = b0 & 0x07;
        let mut at = 1;
        let mut d = Self::default();
        if x {
            let b1 = *payload.get(at)?;
            at += 1;
            let (i, l, t, k) = (
                b1 & 0x80 != 0,
                b1 & 0x40 != 0,
                b1 & 0x20 != 0,
                b1 & 0x10 != 0,
            );
            if i {
                let p0 = *payload.get(at)?;
                if p0 & 0x80 != 0 {
                    let p1 = *payload.get(at + 1)?;
                    d.picture_id = Some((at, (u16::from(p0 & 0x7f) << 8) | u16::from(p1), true));
                    at += 2;
                } else {
                    d.picture_id = Some((at, u16::from(p0), false));
                    at += 1;
                }
            }
            if l {
                d.tl0 = Some((at, *payload.get(at)?));
                at += 1;
            }
            if t || k {
                payload.get(at)?;
                at += 1;
            }
        }
        if s && pid == 0 {
            let header = *payload.get(at)?;
            d.keyframe_start = header & 0x01 == 0;
        }
        Some(d)
    }
}

/// One subscriber's continuous view of a simulcast publication.
#[derive(Debug, Default, Clone)]
pub struct Rewriter {
    /// The layer being forwarded (`None` until the first keyframe).
    pub current: Option<u8>,
    seq_offset: u16,
    ts_offset: u32,
    pid_offset: u16,
    tl0_offset: u8,
    last_seq: u16,
    last_ts: u32,
    last_pid: u16,
    last_tl0: u8,
    /// Milliseconds (publication clock) when the last packet was forwarded.
    last_at_ms: u64,
    started: bool,
    forwarded: bool,
}

impl Rewriter {
    /// Starts forwarding `layer` with `pkt` (the first packet of one of its keyframes),
    /// continuing the numbering where the previous layer stopped.
    pub fn switch(&mut self, layer: u8, pkt: &rtp::Packet, vp8: &Vp8Descriptor, now_ms: u64) {
        let h = &pkt.header;
        if self.started {
            // The frame after the last one forwarded: one tick per elapsed millisecond of
            // the 90 kHz clock (at least one, so time never stands still or runs back).
            let elapsed = u32::try_from(now_ms.saturating_sub(self.last_at_ms).saturating_mul(90))
                .unwrap_or(u32::MAX)
                .max(1);
            self.seq_offset = self
                .last_seq
                .wrapping_add(1)
                .wrapping_sub(h.sequence_number);
            self.ts_offset = self.last_ts.wrapping_add(elapsed).wrapping_sub(h.timestamp);
            if let Some((_, pid, _)) = vp8.picture_id {
                self.pid_offset = self.last_pid.wrapping_add(1).wrapping_sub(pid);
            }
            if let Some((_, tl0)) = vp8.tl0 {
                self.tl0_offset = self.last_tl0.wrapping_add(1).wrapping_sub(tl0);
            }
        }
        self.current = Some(layer);
        self.started = true;
    }

    /// The packet as the subscriber sees it. Copies the payload only when a picture id or
    /// TL0PICIDX has to change.
    pub fn rewrite(&mut self, pkt: &rtp::Packet, vp8: &Vp8Descriptor, now_ms: u64) -> rtp::Packet {
        let mut out = pkt.clone();
        let seq = pkt.header.sequence_number.wrapping_add(self.seq_offset);
        let ts = pkt.header.timestamp.wrapping_add(self.ts_offset);
        out.header.sequence_number = seq;
        out.header.timestamp = ts;
        // Only ever forwards: a late packet of an older frame must not move "last" back.
        if !self.forwarded || seq.wrapping_sub(self.last_seq) < 0x8000 {
            self.last_seq = seq;
        }
        if !self.forwarded || ts.wrapping_sub(self.last_ts) < 0x8000_0000 {
            self.last_ts = ts;
            self.last_at_ms = now_ms;
        }
        self.forwarded = true;
        let mut bytes: Option<Vec<u8>> = None;
        if let Some((at, pid, long)) = vp8.picture_id {
            let mask = if long { 0x7fff } else { 0x7f };
            let new = pid.wrapping_add(self.pid_offset) & mask;
            self.last_pid = new;
            if new != pid {
                let b = bytes.get_or_insert_with(|| pkt.payload.to_vec());
                if long {
                    b[at] = 0x80 | ((new >> 8) as u8 & 0x7f);
                    b[at + 1] = (new & 0xff) as u8;
                } else {
                    b[at] = (new & 0x7f) as u8;
                }
            }
        }
        if let Some((at, tl0)) = vp8.tl0 {
            let new = tl0.wrapping_add(self.tl0_offset);
            self.last_tl0 = new;
            if new != tl0 {
                bytes.get_or_insert_with(|| pkt.payload.to_vec())[at] = new;
            }
        }
        if let Some(b) = bytes {
            out.payload = b.into();
        }
        out
    }
}

/// Layer choice: `None` pauses the video for this subscriber.
pub type Choice = Option<u8>;

/// One video publication a subscriber receives, as [`allocate`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    /// The publisher signs (resident or interpreter): served first.
    pub signer: bool,
    /// Bits per second each layer arrives at now (0: the publisher does not send it).
    pub layer_bps: [u64; LAYERS],
}

/// The layer per publication, and whether the line is short of what the call needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub choices: Vec<Choice>,
    /// A video is paused, or a signer's lowest layer is sent beyond the estimate.
    pub short: bool,
}

/// Room a non-signer's video must leave free, as a share of the signers' smallest layers:
/// a keyframe of a small layer is several times its average rate, and a line filled to
/// the brim with the agent's video freezes the interpreter's at every keyframe (measured
/// at 400 kbit/s: 10 fps with both small layers sent, against 24 on a good line). The
/// interpreter's and the resident's video are never given up for the agent's.
const SIGNER_SPARE: f64 = 0.5;

/// Chooses a layer per publication so that their sum fits `budget_bps`: first the lowest
/// arriving layer of every signer (always, even beyond the budget), then of the others
/// while it fits with [`SIGNER_SPARE`] left for the signers, then upgrades one step at a
/// time, signers first, while it fits (the others' with the same room left). A layer that
/// is not arriving (0 bps) is never chosen.
pub fn allocate(budget_bps: u64, wants: &[Want]) -> Allocation {
    let mut choice: Vec<Choice> = vec![None; wants.len()];
    let mut used: u64 = 0;
    let mut short = false;
    let mut order: Vec<usize> = (0..wants.len()).collect();
    order.sort_by_key(|&i| !wants[i].signer);
    let live = |w: &Want, l: usize| w.layer_bps[l] > 0;
    let lowest = |w: &Want| (0..LAYERS).find(|&l| live(w, l));
    let spare = (wants
        .iter()
        .filter(|w| w.signer)
        .filter_map(|w| lowest(w).map(|l| w.layer_bps[l]))
        .sum::<u64>() as f64
        * SIGNER_SPARE) as u64;
    // What a publication may fill the line up to: all of it for a signer, less the
    // signers' room for the others.
    let limit = |w: &Want| {
        if w.signer {
            budget_bps
        } else {
            budget_bps.saturating_sub(spare)
        }
    };
    // Pass 1: the lowest arriving layer, in priority order.
    for &i in &order {
        let w = &wants[i];
        let Some(l) = lowest(w) else {
            continue; // nothing arrives from this publisher now
        };
        let cost = w.layer_bps[l];
        let fits = used.saturating_add(cost) <= limit(w);
        if fits || w.signer {
            short |= !fits;
            used = used.saturating_add(cost);
            choice[i] = u8::try_from(l).ok();
        } else {
            short = true;
        }
    }
    // Pass 2: upgrade one step at a time, in priority order, while it fits.
    loop {
        let mut moved = false;
        for &i in &order {
            let w = &wants[i];
            let Some(cur) = choice[i].map(usize::from) else {
                continue;
            };
            let Some(next) = (cur + 1..LAYERS).find(|&l| live(w, l)) else {
                continue;
            };
            let extra = w.layer_bps[next].saturating_sub(w.layer_bps[cur]);
            if used.saturating_add(extra) <= limit(w) {
                used += extra;
                choice[i] = u8::try_from(next).ok();
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    Allocation {
        choices: choice,
        short,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=recvonly\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=rtpmap:96 VP8/90000\r\na=recvonly\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=sendonly\r\n";

    #[test]
    fn the_offer_asks_for_three_layers_on_the_own_camera_section_only() {
        let sdp = offer_with_layers(OFFER);
        let video1 = sdp.split("m=video").nth(1).unwrap();
        let video2 = sdp.split("m=video").nth(2).unwrap();
        assert!(video1.contains("a=rid:h recv\r\na=rid:f recv\r\na=simulcast:recv h;f\r\n"));
        assert!(!video2.contains("a=rid"));
        assert!(!sdp.split("m=video").next().unwrap().contains("a=rid"));
        assert!(sdp.ends_with("a=sendonly\r\n"));
        // Last section, and idempotent.
        let only = "v=0\r\nm=video 9 X 96\r\na=mid:1\r\na=recvonly\r\n";
        let once = offer_with_layers(only);
        assert!(once.ends_with("a=simulcast:recv h;f\r\n"), "{once}");
        assert_eq!(offer_with_layers(&once), once);
        // Nothing to do.
        let audio = "v=0\r\nm=audio 9 X 111\r\na=recvonly\r\n";
        assert_eq!(offer_with_layers(audio), audio);
    }

    #[test]
    fn vp8_descriptor_finds_keyframes_picture_id_and_tl0() {
        // X, S, pid 0 | I L T | M + 15-bit picture id 0x1234 | TL0 7 | TID | P=0 (key)
        let key = [0x90, 0xe0, 0x92, 0x34, 0x07, 0x40, 0x00, 0xff];
        let d = Vp8Descriptor::parse(&key).unwrap();
        assert!(d.keyframe_start);
        assert_eq!(d.picture_id, Some((2, 0x1234, true)));
        assert_eq!(d.tl0, Some((4, 7)));
        // Same, P=1: a delta frame.
        let delta = [0x90, 0xe0, 0x92, 0x34, 0x07, 0x40, 0x01];
        assert!(!Vp8Descriptor::parse(&delta).unwrap().keyframe_start);
        // Not the start of the frame.
        let middle = [0x80, 0x80, 0x92, 0x34, 0x00];
        assert!(!Vp8Descriptor::parse(&middle).unwrap().keyframe_start);
        // 7-bit picture id, no extension bits beyond I.
        let short = [0x90, 0x80, 0x05, 0x00];
        assert_eq!(
            Vp8Descriptor::parse(&short).unwrap().picture_id,
            Some((2, 5, false))
        );
        // Minimal descriptor.
        assert!(Vp8Descriptor::parse(&[0x10, 0x00]).unwrap().keyframe_start);
        // Truncated input is refused, never a panic.
        for cut in 0..key.len() - 2 {
            assert_eq!(Vp8Descriptor::parse(&key[..cut]), None, "cut {cut}");
        }
    }

    fn packet(seq: u16, ts: u32, payload: &[u8]) -> rtp::Packet {
        let mut p = rtp::Packet::default();
        p.header.sequence_number = seq;
        p.header.timestamp = ts;
        p.payload = payload.to_vec().into();
        p
    }

    #[test]
    fn a_switch_continues_sequence_timestamp_picture_id_and_tl0() {
        let mut r = Rewriter::default();
        // Layer 0: seq 100.., ts 9000.., picture id 0x0010, tl0 3.
        let k0 = [0x90, 0xe0, 0x80, 0x10, 0x03, 0x40, 0x00];
        let p = packet(100, 9000, &k0);
        let d = Vp8Descriptor::parse(&k0).unwrap();
        r.switch(0, &p, &d, 1000);
        let out = r.rewrite(&p, &d, 1000);
        assert_eq!(
            (out.header.sequence_number, out.header.timestamp),
            (100, 9000)
        );
        assert_eq!(&out.payload[..], &k0[..], "first layer: unchanged");
        // Layer 1 keyframe 40 ms later, numbered quite differently.
        let k2 = [0x90, 0xe0, 0xff, 0xff, 0xfe, 0x40, 0x00];
        let p2 = packet(65535, 4_000_000_000, &k2);
        let d2 = Vp8Descriptor::parse(&k2).unwrap();
        r.switch(1, &p2, &d2, 1040);
        let out = r.rewrite(&p2, &d2, 1040);
        assert_eq!(out.header.sequence_number, 101);
        assert_eq!(out.header.timestamp, 9000 + 40 * 90);
        let back = Vp8Descriptor::parse(&out.payload).unwrap();
        assert_eq!(back.picture_id, Some((2, 0x0011, true)));
        assert_eq!(back.tl0, Some((4, 4)));
        assert!(back.keyframe_start);
        // The next packet of layer 1 wraps its own sequence number and follows on.
        let n = packet(0, 4_000_000_000, &[0x80, 0xe0, 0xff, 0xff, 0xfe, 0x40]);
        let dn = Vp8Descriptor::parse(&n.payload).unwrap();
        let out = r.rewrite(&n, &dn, 1041);
        assert_eq!(out.header.sequence_number, 102);
        assert_eq!(out.header.timestamp, 9000 + 40 * 90);
    }

    fn want(signer: bool, bps: [u64; LAYERS]) -> Want {
        Want {
            signer,
            layer_bps: bps,
        }
    }

    fn pick(budget: u64, wants: &[Want]) -> (Vec<Choice>, bool) {
        let a = allocate(budget, wants);
        (a.choices, a.short)
    }

    #[test]
    fn allocation_serves_signers_first_and_fits_the_budget() {
        let tolk = want(true, [180_000, 1_200_000]);
        let agent = want(false, [180_000, 1_200_000]);
        // Plenty: both at full size.
        assert_eq!(
            pick(3_000_000, &[agent, tolk]),
            (vec![Some(1), Some(1)], false)
        );
        // 1.5 Mbit/s: the signer at full size, the agent at half size.
        assert_eq!(
            pick(1_500_000, &[agent, tolk]),
            (vec![Some(0), Some(1)], false)
        );
        // 450 kbit/s: both at half size, with room left for the interpreter's keyframes.
        assert_eq!(
            pick(450_000, &[agent, tolk]),
            (vec![Some(0), Some(0)], false)
        );
        // 400 kbit/s: both small layers would fill the line to the brim, and the
        // interpreter's picture would stall at every keyframe: the agent's video is
        // paused for it, and the line is short.
        assert_eq!(pick(400_000, &[agent, tolk]), (vec![None, Some(0)], true));
        // The agent's upgrade leaves the same room: at 1.5 Mbit/s the agent's full layer
        // would fit beside the interpreter's small one, but not with the room.
        assert_eq!(
            pick(1_400_000, &[agent, want(true, [180_000, 0])]),
            (vec![Some(0), Some(0)], false)
        );
        // 250 kbit/s: only the signer; the agent's video is paused, and the line is short.
        assert_eq!(pick(250_000, &[agent, tolk]), (vec![None, Some(0)], true));
        // Not even that: the signer's lowest layer still goes, and the line is short.
        assert_eq!(pick(50_000, &[tolk]), (vec![Some(0)], true));
        // Two signers (resident and interpreter, seen by the agent) before the agent.
        let resident = want(true, [180_000, 1_200_000]);
        assert_eq!(
            pick(300_000, &[agent, resident, tolk]),
            (vec![None, Some(0), Some(0)], true)
        );
        // A layer the publisher does not send is never chosen.
        let no_full = want(true, [180_000, 0]);
        assert_eq!(pick(5_000_000, &[no_full]), (vec![Some(0)], false));
        let only_full = want(false, [0, 900_000]);
        assert_eq!(pick(1_000_000, &[only_full]), (vec![Some(1)], false));
        // Nothing arrives: nothing chosen, not short.
        assert_eq!(pick(1_000_000, &[want(false, [0, 0])]), (vec![None], false));
    }
}
