//! Target `loket`: Loket's SFU (`loket::sfu`) in this process, on its own one-worker
//! runtime (threads named `sfu`). Every `join`/`signal`/`close_room` call is made on that
//! runtime, so every task webrtc-rs spawns for the server connections lives there. Each
//! client has one peer connection: it answers the SFU's offers (trickle ICE both ways),
//! attaches its tracks to the first offer's recvonly m-lines and receives the other two.

use std::net::IpAddr;
use std::sync::Arc;

use loket::sfu::{ClientSignal, MediaConfig, Sfu, SfuEvent};
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use webrtc::peer_connection::{RTCIceCandidateInit, RTCSessionDescription};

use crate::measure::{ServerCpu, Shared};
use crate::participant::{Participant, label};
use crate::{Counters, Joined, Server, peer};

/// The SFU as configured for the benchmark: loopback, the given port range, adaptation on
/// (simulcast layers asked for in every offer, the per-subscriber allocator running; the
/// clients answer with one stream each, which the SFU forwards as it comes, see
/// [`without_layers`]).
pub fn sfu(ports: (u16, u16)) -> Sfu {
    Sfu::new(MediaConfig {
        udp_port_min: ports.0,
        udp_port_max: ports.1,
        bind_ip: IpAddr::from([127, 0, 0, 1]),
        public_ips: vec![],
        include_loopback: true,
        private_candidates: false,
        simulcast: true,
    })
}

/// One step's rooms on the SFU (which lives for the whole run).
pub struct Loket {
    sfu: Sfu,
    rt: Handle,
    step: usize,
    rooms: Vec<i64>,
    tasks: Vec<JoinHandle<()>>,
}

impl Loket {
    pub fn new(sfu: Sfu, rt: Handle, step: usize) -> Loket {
        Loket {
            sfu,
            rt,
            step,
            rooms: Vec::new(),
            tasks: Vec::new(),
        }
    }
}

#[async_trait::async_trait]
impl Server for Loket {
    async fn connect(&mut self, calls: usize, shared: &Arc<Shared>) -> Joined {
        self.rooms = (0..calls)
            .map(|c| (self.step * 1000 + c + 1) as i64)
            .collect();
        let mut out = Vec::new();
        // Participant 0 of every room joins, then 1, then 2 (each join renegotiates the others).
        for position in 0..3 {
            let joins: Vec<_> = self
                .rooms
                .iter()
                .enumerate()
                .map(|(call, &room)| {
                    let (sfu, rt, shared) = (self.sfu.clone(), self.rt.clone(), Arc::clone(shared));
                    tokio::spawn(async move {
                        let mut tasks = Vec::new();
                        let r = join(sfu, rt, room, 3 * call + position, shared, &mut tasks).await;
                        (r, tasks)
                    })
                })
                .collect();
            for j in joins {
                match j.await {
                    Ok((r, tasks)) => {
                        self.tasks.extend(tasks);
                        match r {
                            Ok(p) => out.push(p),
                            Err(e) => shared.error(format!("join failed: {e}")),
                        }
                    }
                    Err(e) => shared.error(format!("join task: {e}")),
                }
            }
        }
        Ok(out)
    }

    fn cpu(&self) -> ServerCpu {
        ServerCpu::Threads("sfu")
    }

    fn counters(&self) -> Counters {
        let s = self.sfu.stats();
        Counters {
            forwarded: Some(s.forwarded_packets),
            keyframe_requests: Some(s.keyframe_requests),
            dropped: Some(s.dropped_packets),
            hold: Some(self.sfu.hold_times()),
        }
    }

    fn runtime(&self) -> Option<Handle> {
        Some(self.rt.clone())
    }

    async fn close(&mut self, shared: &Arc<Shared>) {
        for &room in &self.rooms {
            let sfu = self.sfu.clone();
            if let Err(e) = self
                .rt
                .spawn(async move { sfu.close_room(room).await })
                .await
            {
                shared.error(format!("close_room {room}: {e}"));
            }
        }
        for t in self.tasks.drain(..) {
            t.abort();
        }
    }

    fn leftovers(&self) -> Option<String> {
        let s = self.sfu.stats();
        (s.rooms > 0 || s.peers > 0).then(|| format!("{} rooms, {} peers", s.rooms, s.peers))
    }
}

/// The offer as a client that does not send simulcast sees it. A webrtc-rs 0.21 answerer
/// echoes the offer's `a=simulcast:recv` as `a=simulcast:send` with the rids, then sends
/// its one stream without a `rid` header extension, so the SFU never opens the video (the
/// first runs of this benchmark with adaptation on forwarded audio only). Without the two
/// attributes it answers with one plain stream, as a browser without simulcast would.
fn without_layers(sdp: &str) -> String {
    sdp.split_inclusive('\n')
        .filter(|l| !l.starts_with("a=rid:") && !l.starts_with("a=simulcast:"))
        .collect()
}

/// `Sfu::signal`, made on the SFU runtime.
async fn signal(
    sfu: &Sfu,
    rt: &Handle,
    room: i64,
    id: &str,
    s: ClientSignal,
) -> anyhow::Result<()> {
    let (sfu, id) = (sfu.clone(), id.to_owned());
    rt.spawn(async move { sfu.signal(room, &id, s).await })
        .await??;
    Ok(())
}

/// Builds participant `index`'s peer connection, joins it to the SFU and starts its
/// signalling tasks.
async fn join(
    sfu: Sfu,
    rt: Handle,
    room: i64,
    index: usize,
    shared: Arc<Shared>,
    tasks: &mut Vec<JoinHandle<()>>,
) -> anyhow::Result<Arc<Participant>> {
    let id = format!("p{}", index % 3);
    let (pc, mut candidates) = peer::new_pc(index, &shared).await?;
    let p = Participant::new(index, peer::tracks(index), vec![pc]);

    // Client -> SFU candidates, in order.
    let (sfu2, rt2, id2, shared2) = (sfu.clone(), rt.clone(), id.clone(), Arc::clone(&shared));
    tasks.push(tokio::spawn(async move {
        while let Some(c) = candidates.recv().await {
            let (candidate, sdp_mid, sdp_mline_index) = (c.candidate, c.sdp_mid, c.sdp_mline_index);
            let s = ClientSignal::Candidate {
                candidate,
                sdp_mid,
                sdp_mline_index,
            };
            if let Err(e) = signal(&sfu2, &rt2, room, &id2, s).await {
                shared2.error(format!("{}: signal rejected: {e}", label(index)));
            }
        }
    }));

    // SFU -> client events.
    let (ev_tx, mut ev_rx) = mpsc::channel::<SfuEvent>(64);
    let (sfu2, rt2, id2, p2) = (sfu.clone(), rt.clone(), id.clone(), Arc::clone(&p));
    tasks.push(tokio::spawn(async move {
        let pc = &p2.pcs[0].pc;
        let mut tracks_added = false;
        while let Some(ev) = ev_rx.recv().await {
            let res = match ev {
                SfuEvent::Offer { sdp } => {
                    async {
                        pc.set_remote_description(RTCSessionDescription::offer(without_layers(
                            &sdp,
                        ))?)
                        .await?;
                        if !tracks_added {
                            peer::add_tracks(pc, &p2.outlet).await?;
                            tracks_added = true;
                        }
                        let answer = pc.create_answer(None).await?;
                        pc.set_local_description(answer.clone()).await?;
                        let s = ClientSignal::Answer { sdp: answer.sdp };
                        signal(&sfu2, &rt2, room, &id2, s).await
                    }
                    .await
                }
                SfuEvent::Candidate {
                    candidate,
                    sdp_mid,
                    sdp_mline_index,
                } if !candidate.is_empty() => pc
                    .add_ice_candidate(RTCIceCandidateInit {
                        candidate,
                        sdp_mid,
                        sdp_mline_index,
                        ..Default::default()
                    })
                    .await
                    .map_err(Into::into),
                SfuEvent::Failed { reason } => {
                    Err(anyhow::anyhow!("SFU reports failure: {reason}"))
                }
                _ => Ok(()),
            };
            if let Err(e) = res {
                shared.error(format!("{}: {e}", label(index)));
            }
        }
    }));

    rt.spawn(async move { sfu.join(room, &id, &id, ev_tx).await })
        .await??;
    Ok(p)
}
