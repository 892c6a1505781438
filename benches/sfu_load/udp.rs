//! Target `udp`: the floor. A plain UDP relay, one thread named `relay` with one blocking
//! socket: it receives every participant's RTP packets and sends each to the two other
//! participants of its call. No SRTP, no ICE, no RTCP, no WebRTC: the publishers send the
//! same synthetic packets (same sizes, same rate) as plain RTP over UDP sockets.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

use crate::measure::{ServerCpu, Shared};
use crate::participant::{Outlet, Participant};
use crate::{Counters, Joined, Server};

#[derive(Default)]
pub struct Relay {
    stop: Arc<AtomicBool>,
    forwarded: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
    readers: Vec<JoinHandle<()>>,
}

#[async_trait::async_trait]
impl Server for Relay {
    async fn connect(&mut self, calls: usize, shared: &Arc<Shared>) -> Joined {
        Ok(self.start(calls, shared).await?)
    }

    fn cpu(&self) -> ServerCpu {
        ServerCpu::Threads("relay")
    }

    fn counters(&self) -> Counters {
        Counters {
            forwarded: Some(self.forwarded.load(Ordering::Relaxed)),
            ..Default::default()
        }
    }

    async fn close(&mut self, _: &Arc<Shared>) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
        for r in self.readers.drain(..) {
            r.abort();
        }
    }
}

impl Relay {
    async fn start(
        &mut self,
        calls: usize,
        shared: &Arc<Shared>,
    ) -> std::io::Result<Vec<Arc<Participant>>> {
        let relay = std::net::UdpSocket::bind("127.0.0.1:0")?;
        relay.set_read_timeout(Some(Duration::from_millis(100)))?;
        let relay_addr = relay.local_addr()?;
        let mut sockets = Vec::new();
        for _ in 0..3 * calls {
            let s = UdpSocket::bind("127.0.0.1:0").await?;
            s.connect(relay_addr).await?;
            sockets.push(Arc::new(s));
        }
        let addrs = sockets
            .iter()
            .map(|s| s.local_addr())
            .collect::<std::io::Result<Vec<_>>>()?;
        // Each participant's address -> the other two of its call.
        let routes: HashMap<SocketAddr, [SocketAddr; 2]> = addrs
            .iter()
            .enumerate()
            .map(|(i, &a)| {
                let first = i / 3 * 3;
                (a, [addrs[first + (i + 1) % 3], addrs[first + (i + 2) % 3]])
            })
            .collect();
        let (stop, forwarded) = (Arc::clone(&self.stop), Arc::clone(&self.forwarded));
        self.thread = Some(
            std::thread::Builder::new()
                .name("relay".into())
                .spawn(move || relay_loop(&relay, &routes, &stop, &forwarded))?,
        );
        Ok(sockets
            .into_iter()
            .enumerate()
            .map(|(index, s)| {
                let (s2, shared) = (Arc::clone(&s), Arc::clone(shared));
                self.readers.push(tokio::spawn(async move {
                    let mut buf = [0u8; 2048];
                    // The stamp ends the RTP payload, which ends the datagram.
                    while let Ok(n) = s2.recv(&mut buf).await {
                        shared.record(index, &buf[..n]);
                    }
                }));
                Participant::new(index, Outlet::Udp(s), Vec::new())
            })
            .collect())
    }
}

/// Receive a packet, send it to the two others; until `stop` (checked at least every 100 ms).
fn relay_loop(
    socket: &std::net::UdpSocket,
    routes: &HashMap<SocketAddr, [SocketAddr; 2]>,
    stop: &AtomicBool,
    forwarded: &AtomicU64,
) {
    let mut buf = [0u8; 2048];
    let mut sent = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            continue;
        };
        for to in routes.get(&from).into_iter().flatten() {
            if socket.send_to(&buf[..n], to).is_ok() {
                sent += 1;
            }
        }
        forwarded.store(sent, Ordering::Relaxed);
    }
}
