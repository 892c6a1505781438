//! Real-time text (RFC 8865, T.140 over data channels). For every ordered pair of
//! participants (P, Q) the server opens, on P's connection, a reliable ordered channel
//! labelled `t140:Q` with protocol `t140`; bytes P sends there are relayed unchanged to
//! Q's channel labelled `t140:P`. Nothing is reported to the host.
//!
//! Two webrtc-rs 0.21 limits shape this module:
//! * a channel created while the SCTP association is still handshaking sends its DCEP
//!   OPEN too early and never opens, so later channels wait for the association;
//! * a closed channel's SCTP stream id is handed out again while the association still
//!   holds the stream (`ErrStreamAlreadyExist`), so channels are never closed while the
//!   owner's connection lives: when Q leaves, P's `t140:Q` stays open but idle, and is
//!   reused if Q rejoins.
//!
//! What is relayed is bounded ([`TextBudget`]): T.140 is typing, tens of characters a
//! second in chunks sent every 100-300 ms. A chunk over [`MAX_CHUNK_BYTES`] is cut to
//! that size, and each direction may carry [`CHARS_PER_SEC`] characters a second on
//! average (bursts of [`BURST_CHARS`], for a pasted sentence); what is over is dropped,
//! as is anything that is not UTF-8 text. One 60,000-character chunk used to freeze the
//! receiving page for about 30 s.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use rtc::data_channel::RTCDataChannelInit;
use rtc::peer_connection::transport::RTCSctpTransportState;
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::peer_connection::PeerConnection;

use super::SfuError;
use super::engine::webrtc_err;
use super::peer::{Peer, lock};

/// Channel label prefix.
pub const LABEL_PREFIX: &str = "t140:";
/// Channel sub-protocol.
pub const PROTOCOL: &str = "t140";

/// How long a deferred channel waits for the owner's SCTP association.
const SCTP_WAIT: Duration = Duration::from_secs(30);

/// Largest chunk relayed; a longer one is cut to this (at a character boundary).
pub const MAX_CHUNK_BYTES: usize = 500;
/// Characters a second one direction may carry on average.
pub const CHARS_PER_SEC: f64 = 50.0;
/// Characters one direction may carry at once after a pause.
pub const BURST_CHARS: f64 = 500.0;

/// The token bucket of one direction of real-time text.
#[derive(Debug)]
pub struct TextBudget {
    chars: f64,
    last: Instant,
}

impl TextBudget {
    pub fn new(now: Instant) -> TextBudget {
        TextBudget {
            chars: BURST_CHARS,
            last: now,
        }
    }

    /// The part of `text` that may be relayed at `now`: at most [`MAX_CHUNK_BYTES`] and
    /// the characters left in the budget, cut at a character boundary. Empty: drop it.
    pub fn admit<'a>(&mut self, text: &'a str, now: Instant) -> &'a str {
        let secs = now.saturating_duration_since(self.last).as_secs_f64();
        self.chars = (self.chars + secs * CHARS_PER_SEC).min(BURST_CHARS);
        self.last = now;
        let mut end = 0;
        let mut taken = 0.0;
        for (i, ch) in text.char_indices() {
            let next = i + ch.len_utf8();
            if next > MAX_CHUNK_BYTES || taken + 1.0 > self.chars {
                break;
            }
            end = next;
            taken += 1.0;
        }
        self.chars -= taken;
        &text[..end]
    }
}

struct Entry {
    dc: Arc<dyn DataChannel>,
    owner: Weak<Peer>,
}

/// The t140 channels of one room, keyed by (owner, remote): the channel on the owner's
/// connection that carries text to and from `remote`.
#[derive(Default)]
pub(crate) struct RttTable {
    channels: Mutex<HashMap<(String, String), Entry>>,
    /// (owner connection, remote) pairs whose channel creation is waiting for SCTP.
    pending: Mutex<HashSet<(usize, String)>>,
}

/// Whether opening needs a renegotiation of the owner (first channel: new SCTP m-line).
pub(crate) enum Opened {
    Renegotiate,
    InBand,
}

impl RttTable {
    /// Ensures `owner`'s connection has `t140:<remote>` and relays what arrives on it.
    /// `fresh`: the owner's connection has not made its first offer yet.
    pub async fn open(
        self: &Arc<Self>,
        owner: &Arc<Peer>,
        remote: &str,
        fresh: bool,
    ) -> Result<Opened, SfuError> {
        let key = (owner.id.clone(), remote.to_owned());
        if lock(&self.channels)
            .get(&key)
            .is_some_and(|e| std::ptr::eq(e.owner.as_ptr(), Arc::as_ptr(owner)))
        {
            return Ok(Opened::InBand); // kept from an earlier session of `remote`
        }
        if !owner.data_channels_created.swap(true, Ordering::AcqRel) || fresh {
            // No association can exist yet: the channel stays pending until SCTP is up.
            self.create(owner, remote).await?;
            return Ok(Opened::Renegotiate);
        }
        let pending_key = (Arc::as_ptr(owner) as usize, remote.to_owned());
        if !lock(&self.pending).insert(pending_key.clone()) {
            return Ok(Opened::InBand);
        }
        let (table, owner, remote) = (Arc::clone(self), Arc::clone(owner), remote.to_owned());
        tokio::spawn(async move {
            let deadline = tokio::time::Instant::now() + SCTP_WAIT;
            while !owner.closed.load(Ordering::Relaxed) && !sctp_connected(&*owner.pc).await {
                if tokio::time::Instant::now() >= deadline {
                    tracing::warn!(room = owner.room, owner = %owner.id, %remote, "t140: SCTP never connected");
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if !owner.closed.load(Ordering::Relaxed)
                && let Err(e) = table.create(&owner, &remote).await
            {
                tracing::warn!(room = owner.room, owner = %owner.id, %remote, error = %e, "t140 channel failed");
            }
            lock(&table.pending).remove(&pending_key);
        });
        Ok(Opened::InBand)
    }

    async fn create(self: &Arc<Self>, owner: &Arc<Peer>, remote: &str) -> Result<(), SfuError> {
        let init = RTCDataChannelInit {
            ordered: true,
            protocol: PROTOCOL.to_owned(),
            ..Default::default()
        };
        let label = format!("{LABEL_PREFIX}{remote}");
        let dc = owner
            .pc
            .create_data_channel(&label, Some(init))
            .await
            .map_err(webrtc_err)?;
        lock(&self.channels).insert(
            (owner.id.clone(), remote.to_owned()),
            Entry {
                dc: Arc::clone(&dc),
                owner: Arc::downgrade(owner),
            },
        );
        let table = Arc::downgrade(self);
        let (from, to, room) = (owner.id.clone(), remote.to_owned(), owner.room);
        tokio::spawn(async move { relay(table, dc, from, to, room).await });
        Ok(())
    }

    /// Forgets the channels on `id`'s own connection (it is being closed). Channels on
    /// other connections that point at `id` stay open and idle (see module docs).
    pub fn remove_owner(&self, id: &str) {
        lock(&self.channels).retain(|(owner, _), _| owner != id);
    }

    fn channel(&self, owner: &str, remote: &str) -> Option<Arc<dyn DataChannel>> {
        lock(&self.channels)
            .get(&(owner.to_owned(), remote.to_owned()))
            .map(|e| Arc::clone(&e.dc))
    }

    pub fn clear(&self) {
        lock(&self.channels).clear();
    }
}

async fn sctp_connected(pc: &dyn PeerConnection) -> bool {
    match pc.sctp().await {
        Some(t) => matches!(t.state().await, Ok(RTCSctpTransportState::Connected)),
        None => false,
    }
}

async fn relay(
    table: Weak<RttTable>,
    dc: Arc<dyn DataChannel>,
    from: String,
    to: String,
    room: i64,
) {
    let mut budget = TextBudget::new(Instant::now());
    let mut dropped: u64 = 0;
    while let Some(ev) = dc.poll().await {
        match ev {
            DataChannelEvent::OnMessage(msg) => {
                let Some(table) = table.upgrade() else { break };
                // Stale channel (its owner rejoined): stop relaying.
                match table.channel(&from, &to) {
                    Some(own) if Arc::ptr_eq(&own, &dc) => {}
                    _ => break,
                }
                // Remote not (or no longer) in the room: the text has nowhere to go.
                let Some(target) = table.channel(&to, &from) else {
                    continue;
                };
                // Text only, and within the budget.
                let text = match std::str::from_utf8(&msg.data) {
                    Ok(text) if msg.is_string => text,
                    _ => "",
                };
                let admitted = budget.admit(text, Instant::now());
                let over = msg.data.len() - admitted.len();
                if over > 0 {
                    if dropped == 0 {
                        tracing::info!(room, from = %from, to = %to, bytes = over, "t140: text over the size or rate limit dropped");
                    }
                    dropped = dropped.saturating_add(over as u64);
                }
                if admitted.is_empty() {
                    continue;
                }
                let res = target.send_text(admitted).await;
                if let Err(e) = res {
                    tracing::debug!(room, from = %from, to = %to, error = %e, "t140 relay failed");
                }
            }
            DataChannelEvent::OnOpen => {
                tracing::debug!(room, owner = %from, remote = %to, "t140 channel open");
            }
            DataChannelEvent::OnClose => break,
            _ => {}
        }
    }
    if dropped > 0 {
        tracing::info!(room, from = %from, to = %to, bytes = dropped, "t140: text dropped over the limits on this channel");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_chunk_is_cut_to_the_chunk_limit() {
        let now = Instant::now();
        let mut b = TextBudget::new(now);
        let huge = "a".repeat(60_000);
        assert_eq!(b.admit(&huge, now).len(), MAX_CHUNK_BYTES);
        // The burst is spent: nothing more until the budget refills.
        assert_eq!(b.admit(&huge, now), "");
        let later = now + Duration::from_secs(1);
        assert_eq!(b.admit(&huge, later).len(), CHARS_PER_SEC as usize);
    }

    #[test]
    fn typing_at_t140_pace_passes_unchanged() {
        let start = Instant::now();
        let mut b = TextBudget::new(start);
        // 20 characters every 300 ms (about 67 a second, over the average) for a minute:
        // the burst covers the first stretch, then the average holds.
        let mut passed = 0;
        for i in 0..200u32 {
            let now = start + Duration::from_millis(300) * i;
            passed += b.admit("abcdefghijklmnopqrst", now).chars().count();
        }
        let secs = 60.0;
        assert!(passed as f64 <= BURST_CHARS + CHARS_PER_SEC * secs);
        // A person typing at 10 characters a second is never cut.
        let mut b = TextBudget::new(start);
        for i in 0..600u32 {
            let now = start + Duration::from_millis(100) * i;
            assert_eq!(b.admit("x", now), "x");
        }
    }

    #[test]
    fn cuts_fall_on_character_boundaries() {
        let now = Instant::now();
        let mut b = TextBudget::new(now);
        let text = "é".repeat(400); // 800 bytes
        let got = b.admit(&text, now);
        assert_eq!(got.len(), 500);
        assert!(got.chars().all(|c| c == 'é'));
    }
}
