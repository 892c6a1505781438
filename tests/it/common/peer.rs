//! A real webrtc-rs client peer for SFU tests: it joins a room, answers the SFU's offer,
//! trickles its candidates, and records what arrives on the data channels the SFU opens.

use loket::sfu::{ClientSignal, Sfu, SfuEvent};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCIceCandidateInit, RTCPeerConnectionIceEvent, RTCSessionDescription,
    SettingEngineBuilder,
};

/// What one client received, per channel label.
type Received = Arc<Mutex<HashMap<String, Vec<String>>>>;
/// Its open channels, per label.
type Channels = Arc<Mutex<HashMap<String, Arc<dyn DataChannel>>>>;

struct Handler {
    signals: mpsc::UnboundedSender<ClientSignal>,
    channels: Channels,
    received: Received,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
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

    async fn on_data_channel(&self, dc: Arc<dyn DataChannel>) {
        let (channels, received) = (Arc::clone(&self.channels), Arc::clone(&self.received));
        tokio::spawn(async move {
            let label = dc.label().await.unwrap_or_default();
            while let Some(ev) = dc.poll().await {
                match ev {
                    DataChannelEvent::OnOpen => {
                        channels
                            .lock()
                            .unwrap()
                            .insert(label.clone(), Arc::clone(&dc));
                    }
                    DataChannelEvent::OnMessage(m) => {
                        let text = String::from_utf8_lossy(&m.data).into_owned();
                        received
                            .lock()
                            .unwrap()
                            .entry(label.clone())
                            .or_default()
                            .push(text);
                    }
                    DataChannelEvent::OnClose => break,
                    _ => {}
                }
            }
        });
    }
}

pub struct Client {
    channels: Channels,
    received: Received,
}

pub async fn join(sfu: &Sfu, room: i64, id: &str) -> Client {
    join_naming(sfu, room, id, Vec::new()).await
}

/// Joins like [`join`], and right after its answer also signals `extra` candidates (as a
/// hostile client could: addresses that are not its own).
pub async fn join_naming(sfu: &Sfu, room: i64, id: &str, extra: Vec<String>) -> Client {
    let (sig_tx, mut sig_rx) = mpsc::unbounded_channel::<ClientSignal>();
    let channels: Channels = Arc::default();
    let received: Received = Arc::default();
    let handler = Arc::new(Handler {
        signals: sig_tx,
        channels: Arc::clone(&channels),
        received: Arc::clone(&received),
    });
    let mut me = MediaEngine::default();
    me.register_default_codecs().unwrap();
    let se = SettingEngineBuilder::new()
        .with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled)
        .with_include_loopback_candidate(true)
        .build();
    let pc = PeerConnectionBuilder::new()
        .with_configuration(RTCConfigurationBuilder::new().build())
        .with_media_engine(me)
        .with_setting_engine(se)
        .with_handler(handler)
        .with_udp_addrs(vec![SocketAddr::from(([127, 0, 0, 1], 0))])
        .build()
        .await
        .unwrap();
    let pc: Arc<dyn PeerConnection> = Arc::new(pc);
    let (sfu2, id2) = (sfu.clone(), id.to_owned());
    tokio::spawn(async move {
        while let Some(s) = sig_rx.recv().await {
            let _ = sfu2.signal(room, &id2, s).await;
        }
    });
    let (ev_tx, mut ev_rx) = mpsc::channel::<SfuEvent>(64);
    let (sfu2, id2, pc2) = (sfu.clone(), id.to_owned(), Arc::clone(&pc));
    tokio::spawn(async move {
        let _keep = &pc2;
        while let Some(ev) = ev_rx.recv().await {
            match ev {
                SfuEvent::Offer { sdp } => {
                    let Ok(offer) = RTCSessionDescription::offer(sdp) else {
                        continue;
                    };
                    if pc2.set_remote_description(offer).await.is_err() {
                        continue;
                    }
                    let Ok(answer) = pc2.create_answer(None).await else {
                        continue;
                    };
                    let _ = pc2.set_local_description(answer.clone()).await;
                    let _ = sfu2
                        .signal(room, &id2, ClientSignal::Answer { sdp: answer.sdp })
                        .await;
                    for candidate in &extra {
                        let _ = sfu2
                            .signal(
                                room,
                                &id2,
                                ClientSignal::Candidate {
                                    candidate: candidate.clone(),
                                    sdp_mid: None,
                                    sdp_mline_index: Some(0),
                                },
                            )
                            .await;
                    }
                }
                SfuEvent::Candidate {
                    candidate,
                    sdp_mid,
                    sdp_mline_index,
                } if !candidate.is_empty() => {
                    let _ = pc2
                        .add_ice_candidate(RTCIceCandidateInit {
                            candidate,
                            sdp_mid,
                            sdp_mline_index,
                            username_fragment: None,
                            url: None,
                        })
                        .await;
                }
                _ => {}
            }
        }
    });
    sfu.join(room, id, id, ev_tx).await.unwrap();
    Client { channels, received }
}

pub async fn open_channel(c: &Client, label: &str) -> Arc<dyn DataChannel> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(dc) = c.channels.lock().unwrap().get(label) {
            return Arc::clone(dc);
        }
        assert!(Instant::now() < deadline, "{label} never opened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn received(c: &Client, label: &str) -> Vec<String> {
    c.received
        .lock()
        .unwrap()
        .get(label)
        .cloned()
        .unwrap_or_default()
}
