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

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

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
                let res = if msg.is_string {
                    match std::str::from_utf8(&msg.data) {
                        Ok(text) => target.send_text(text).await,
                        Err(_) => target.send(msg.data).await,
                    }
                } else {
                    target.send(msg.data).await
                };
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
}
