//! The SFU cannot be made to send traffic to an address a client merely names (issue 13,
//! item 8). A resident's browser may signal any candidate; the server runs ICE-lite, so
//! it never starts a connectivity check itself: it answers checks that arrive with the
//! call's credentials, and sends media only to the address those came from.
//!
//! A real webrtc-rs client joins a room and, besides its own candidates, names a UDP
//! socket of the test (a stand-in for someone else's server, on loopback). The call must
//! connect, and that socket must receive nothing.

use crate::common::peer::{join_naming, open_channel};
use loket::sfu::{MediaConfig, Sfu};
use std::net::IpAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

#[tokio::test]
async fn a_named_address_that_is_not_the_clients_gets_no_connectivity_checks() {
    let sfu = Sfu::new(MediaConfig {
        udp_port_min: 42200,
        udp_port_max: 42260,
        bind_ip: IpAddr::from([127, 0, 0, 1]),
        public_ips: vec![],
        include_loopback: true,
        private_candidates: false,
        simulcast: false,
    });
    let victim = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = victim.local_addr().unwrap().port();
    // Named with the highest host priority, so a full ICE agent would check it first.
    let named = vec![format!(
        "candidate:999 1 udp 2130706431 127.0.0.1 {port} typ host"
    )];
    let room = 78;
    let resident = join_naming(&sfu, room, "resident", named.clone()).await;
    let agent = join_naming(&sfu, room, "staff-1", named).await;
    // The call itself works: both peers' data channels open through the SFU.
    open_channel(&resident, "t140:staff-1").await;
    open_channel(&agent, "t140:resident").await;

    // Listen a while longer than ICE takes to check every pair (and retransmit).
    let mut buf = [0u8; 1500];
    let got = tokio::time::timeout(Duration::from_secs(4), victim.recv_from(&mut buf)).await;
    if let Ok(Ok((n, from))) = got {
        panic!("the SFU sent {n} bytes from {from} to an address the client only named");
    }
    sfu.leave(room, "resident").await;
    sfu.leave(room, "staff-1").await;
}
