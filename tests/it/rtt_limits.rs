//! Real-time text cannot flood the other side (issue 13, item 3): two webrtc-rs peers in
//! one SFU room; one sends 60,000-character chunks on its t140 channel, the other must
//! receive at most the chunk cap, then no more than the rate allows; ordinary typing
//! still passes unchanged.

use crate::common::peer::{join, open_channel, received};
use loket::sfu::{MediaConfig, Sfu};
use std::net::IpAddr;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_flood_of_huge_rtt_chunks_is_cut_to_the_size_and_rate_limits() {
    let sfu = Sfu::new(MediaConfig {
        udp_port_min: 42100,
        udp_port_max: 42160,
        bind_ip: IpAddr::from([127, 0, 0, 1]),
        public_ips: vec![],
        include_loopback: true,
        private_candidates: false,
        simulcast: false,
    });
    let room = 77;
    let attacker = join(&sfu, room, "resident").await;
    let agent = join(&sfu, room, "staff-1").await;
    let out = open_channel(&attacker, "t140:staff-1").await;
    open_channel(&agent, "t140:resident").await;

    // Ordinary typing passes unchanged.
    out.send_text("Goedemorgen").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while received(&agent, "t140:resident").concat() != "Goedemorgen" {
        assert!(Instant::now() < deadline, "typing did not arrive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The attack: 60,000-character chunks, one and then ten more.
    let started = Instant::now();
    let huge = "x".repeat(60_000);
    for _ in 0..11 {
        out.send_text(&huge).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let elapsed = started.elapsed().as_secs_f64();
    let got = received(&agent, "t140:resident");
    let flood: Vec<&String> = got.iter().skip(1).collect();
    let total: usize = flood.iter().map(|s| s.len()).sum();
    let largest = flood.iter().map(|s| s.len()).max().unwrap_or(0);
    println!(
        "11 chunks of 60,000 characters (660,000 bytes) sent: {} chunks relayed, {total} bytes \
         in all, the largest {largest} bytes, in {elapsed:.1} s",
        flood.len()
    );
    assert!(largest <= 500, "a chunk of {largest} bytes was relayed");
    // The burst (489 characters left after the greeting) plus 50 a second.
    assert!(
        total as f64 <= 500.0 + 50.0 * elapsed,
        "{total} bytes in {elapsed:.1} s"
    );
    assert!(total > 0);
    sfu.leave(room, "resident").await;
    sfu.leave(room, "staff-1").await;
}
