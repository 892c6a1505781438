//! SFU load benchmark: K three-party calls through Loket's SFU (`loket::sfu`), real
//! WebRTC (ICE, DTLS, SRTP, RTCP) over 127.0.0.1, measuring what the forwarder costs; and
//! the same clients with the same media through other targets, side by side (issue 14).
//!
//! Targets (`TARGETS`, comma-separated, run in that order for every K, so they interleave):
//! * `loket` (default): Loket's SFU in this process on its own runtime, adaptation on
//!   (`MediaConfig { simulcast: true }`; the clients still send one stream each), see
//!   `sfu_load/loket.rs`;
//! * `janus`, `janus-tuned`: Janus 1.1.2's VideoRoom as its own process, default threading
//!   and `event_loops = 2`, see `sfu_load/janus.rs` (needs `janus` installed, and `cc`);
//! * `udp`: the floor, a plain UDP relay thread (receive, send to the two others; no
//!   WebRTC, no encryption), see `sfu_load/udp.rs`.
//!
//! What it measures, for each K in `CALLS` and each target:
//! * **forwarded pkt/s**: RTP packets (audio + video) that reached the clients, unique per
//!   subscriber, of those sent in the window, per second. The same count for every target
//!   (the clients see it), so the ratios compare like with like; for Loket and the relay the
//!   server's own count (`srv fwd/s`, `Sfu::stats().forwarded_packets`) is printed beside it;
//! * **server CPU**: utime+stime over the measurement window, as % of one core and as µs per
//!   forwarded packet: for Loket the threads named `sfu` (its runtime's one worker and
//!   blocking pool) from `/proc/self/task/*/stat`, for the relay the thread `relay`, for
//!   Janus its whole process from `/proc/<pid>/stat`. Client threads (`client`) and the rest
//!   of this process are reported separately, so work done outside the server shows there;
//! * **loss**: per publisher->subscriber leg and kind, unique packets received vs sent
//!   during the window (warm-up excluded);
//! * **delay**: receive time minus send time of every packet sent in the window (stamped
//!   just before it is handed to the client stack; both ends are in this process, same
//!   clock). End-to-end through two client stacks, the kernel and the server: an upper
//!   bound on the delay the server adds;
//! * **offered** (% of the nominal video load that reached the subscribers), **lag** (p99
//!   of how late a 5 ms timer fires on the SFU / client runtime: run-queue or CPU
//!   starvation) and **ext%** (CPU used by other processes during the window, the Janus
//!   under test excluded). A Loket K only counts towards "largest K under 80%" if all peers
//!   connected, >= 95% of the load was offered and loss < 1%. On a shared 2-core machine,
//!   check ext%: a compiler or browser next to it inflates delay and caps what the runtimes
//!   get.
//!
//! Clients (3 per call; participant index = 3 * call + 0, 1, 2): webrtc-rs 0.21 peer
//! connections (`sfu_load/peer.rs`) on their own runtime (1 worker, threads `client`),
//! bound to 127.0.0.1, each publishing a VP8 and an Opus `TrackLocalStaticRTP` and reading
//! every track forwarded to it; for the relay, plain UDP sockets on the same runtime.
//!
//! Media is NOT camera video: it is a synthetic, pre-packetised VP8/Opus RTP payload file
//! (`sfu_load/media.rs`; generated once into the temp dir, then replayed in real time,
//! paced per frame) with the sizes and rhythm of a 640x480 25 fps VP8 stream at ~0.9-1
//! Mbit/s (a 20-30 KB keyframe every 2 s, 3-5 KB delta frames, <= 1100-byte packets with a
//! VP8 payload descriptor and frame header, marker on the last packet of a frame, 90 kHz
//! timestamps) and 20 ms Opus packets of 80-120 bytes (48 kHz timestamps). The last 16 bytes
//! of every payload are overwritten at send time with the send time (µs), the source
//! (publisher and kind) and a packet counter. Keyframe requests (PLI) reach the publishers
//! but are not acted upon (keyframes come on the fixed 2 s cadence).
//!
//! Needs `[[bench]] name = "sfu_load" harness = false` in Cargo.toml. Outside `cargo bench`
//! (`cargo test --all-targets` runs it once without `--bench`) and with `--test` it only
//! says it is skipped.
//! Run: `cargo bench --bench sfu_load`, or e.g.
//! `CALLS=1,2,4,8,16,24,32 SECONDS=10 WARMUP=3 cargo bench --bench sfu_load`; the
//! comparison: `scripts/bench-sfu-compare` (installs Janus when missing).
//! Env: `TARGETS` (default `loket`), `CALLS` (list of K, each run in fresh rooms / a fresh
//! Janus), `SECONDS` (window per K and target, default 10), `WARMUP` (s, default 3),
//! `PORTS` (server UDP range for Loket and Janus, default `20000-29999`), `JANUS` (the Janus
//! binary, default `janus`), `LOKET_LOG` (tracing filter for stderr, default `error`).

#[path = "sfu_load/janus.rs"]
mod janus;
#[path = "sfu_load/loket.rs"]
mod loket_sfu;
#[path = "sfu_load/measure.rs"]
mod measure;
#[path = "sfu_load/media.rs"]
mod media;
#[path = "sfu_load/participant.rs"]
mod participant;
#[path = "sfu_load/peer.rs"]
mod peer;
#[path = "sfu_load/udp.rs"]
mod udp;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use loket::sfu::Sfu;
use tokio::runtime::{Handle, Runtime};

use measure::{CpuSnapshot, ServerCpu, Shared, lag_probe, p99_ms, udp_ports_in_use};
use media::Media;
use participant::{Participant, publish, source};

// ---------------------------------------------------------------------------------------
// Targets

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Target {
    Loket,
    Janus,
    JanusTuned,
    Udp,
}

impl Target {
    const ALL: [Target; 4] = [
        Target::Loket,
        Target::Janus,
        Target::JanusTuned,
        Target::Udp,
    ];

    fn name(self) -> &'static str {
        match self {
            Target::Loket => "loket",
            Target::Janus => "janus",
            Target::JanusTuned => "janus-tuned",
            Target::Udp => "udp",
        }
    }

    fn parse(list: &str) -> Result<Vec<Target>, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                Target::ALL
                    .into_iter()
                    .find(|t| t.name() == s)
                    .ok_or_else(|| format!("unknown target {s:?} (loket, janus, janus-tuned, udp)"))
            })
            .collect()
    }

    /// The server for one step.
    async fn start(self, run: &Run, step: usize) -> anyhow::Result<Box<dyn Server>> {
        Ok(match self {
            Target::Loket => Box::new(loket_sfu::Loket::new(
                run.sfu.clone(),
                run.sfu_rt.clone(),
                step,
            )),
            Target::Janus | Target::JanusTuned => {
                Box::new(janus::Janus::start(self == Target::JanusTuned, run.ports).await?)
            }
            Target::Udp => Box::new(udp::Relay::default()),
        })
    }
}

/// What the server itself counts, where it does.
#[derive(Default, Clone)]
pub struct Counters {
    forwarded: Option<u64>,
    keyframe_requests: Option<u64>,
    dropped: Option<u64>,
    /// Loket only: the SFU's own hold times (`Sfu::hold_times`).
    hold: Option<loket::sfu::HoldSnapshot>,
}

/// The participants a server connected.
pub type Joined = anyhow::Result<Vec<Arc<Participant>>>;

/// One target serving one step (K calls).
#[async_trait::async_trait]
pub trait Server: Send {
    /// Connects 3 participants per call, each publishing to and subscribing to the other
    /// two of its call. A participant that cannot join is left out (and said in `shared`);
    /// an `Err` leaves them all out.
    async fn connect(&mut self, calls: usize, shared: &Arc<Shared>) -> Joined;
    /// Where its CPU is counted.
    fn cpu(&self) -> ServerCpu;
    fn counters(&self) -> Counters;
    /// Its runtime, for the lag probe (Loket only).
    fn runtime(&self) -> Option<Handle> {
        None
    }
    /// Ends the calls and stops what runs for them (before the clients close).
    async fn close(&mut self, shared: &Arc<Shared>);
    /// What is left after `close` (rooms, peers), if anything.
    fn leftovers(&self) -> Option<String> {
        None
    }
}

/// What every step shares.
struct Run {
    media: Arc<Media>,
    window: Duration,
    warmup: Duration,
    ports: (u16, u16),
    sfu: Sfu,
    sfu_rt: Handle,
}

// ---------------------------------------------------------------------------------------
// One step (K calls, one target) and the report

#[derive(Default)]
struct Row {
    target: &'static str,
    calls: usize,
    peers: usize,
    connected: usize,
    video_pps: f64,
    total_pps: f64,
    server_pps: Option<f64>,
    server_cpu: f64,
    client_cpu: f64,
    other_cpu: f64,
    us_per_pkt: f64,
    loss: f64,
    p50: f64,
    p99: f64,
    max: f64,
    foreign_cpu: f64,
    offered: f64,
    server_lag: Option<f64>,
    client_lag: f64,
    keyframe_requests: Option<u64>,
    dropped: Option<u64>,
    /// Loket only: time inside the SFU (arrival to each copy leaving), p50 and p99, ms.
    hold: Option<(f64, f64)>,
    errors: Vec<String>,
}

async fn run_step(target: Target, k: usize, step: usize, run: &Run) -> Row {
    let mut row = Row {
        target: target.name(),
        calls: k,
        peers: 3 * k,
        ..Default::default()
    };
    let mut server = match target.start(run, step).await {
        Ok(s) => s,
        Err(e) => {
            row.errors.push(format!("{}: {e}", target.name()));
            (row.loss, row.us_per_pkt) = (100.0, f64::NAN);
            return row;
        }
    };
    let shared = Arc::new(Shared::default());
    let (media, window) = (&run.media, run.window);

    let participants = server.connect(k, &shared).await.unwrap_or_else(|e| {
        shared.error(format!("{}: {e}", target.name()));
        Vec::new()
    });
    let deadline =
        Instant::now() + Duration::from_secs(20) + Duration::from_millis(300 * 3 * k as u64);
    while Instant::now() < deadline && participants.iter().any(|p| !p.connected()) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    row.connected = participants.iter().filter(|p| p.connected()).count();

    // Media, staggered across one frame interval, each publisher starting at its own place in
    // the file (so keyframes, every 2 s, are not synchronised across publishers).
    let stop = Arc::new(AtomicBool::new(false));
    let publishers: Vec<_> = participants
        .iter()
        .map(|p| {
            let i = p.index as u64;
            let offset = Duration::from_micros((i * 7919) % 40_000);
            let first_frame = (i * 37) % media.video.len() as u64;
            tokio::spawn(publish(
                Arc::clone(p),
                Arc::clone(media),
                Arc::clone(&stop),
                Arc::clone(&shared),
                offset,
                first_frame,
            ))
        })
        .collect();
    tokio::time::sleep(run.warmup).await;

    let probe_stop = Arc::new(AtomicBool::new(false));
    let server_probe = server
        .runtime()
        .map(|rt| lag_probe(&rt, Arc::clone(&probe_stop)));
    let client_probe = lag_probe(&Handle::current(), Arc::clone(&probe_stop));
    let cpu = server.cpu();
    let (cpu0, counters0) = (CpuSnapshot::take(cpu), server.counters());
    let start: Vec<(u32, u32)> = participants.iter().map(|p| p.sent()).collect();
    tokio::time::sleep(window).await;
    let (cpu1, counters1) = (CpuSnapshot::take(cpu), server.counters());
    let end: Vec<(u32, u32)> = participants.iter().map(|p| p.sent()).collect();
    probe_stop.store(true, Ordering::Relaxed);
    if let Some(p) = server_probe {
        row.server_lag = Some(p.await.map_or(f64::NAN, p99_ms));
    }
    row.client_lag = client_probe.await.map_or(f64::NAN, p99_ms);
    tokio::time::sleep(Duration::from_millis(500)).await; // packets in flight
    stop.store(true, Ordering::Relaxed);
    for p in publishers {
        let _ = p.await;
    }

    // Server CPU and counters.
    let used = cpu1.since(&cpu0, cpu);
    let secs = used.seconds;
    (
        row.server_cpu,
        row.client_cpu,
        row.other_cpu,
        row.foreign_cpu,
    ) = (used.server, used.client, used.other, used.ext);
    let delta = |a: Option<u64>, b: Option<u64>| Some(b? - a?);
    row.server_pps = delta(counters0.forwarded, counters1.forwarded).map(|n| n as f64 / secs);
    row.keyframe_requests = delta(counters0.keyframe_requests, counters1.keyframe_requests);
    row.dropped = delta(counters0.dropped, counters1.dropped);
    if let (Some(h0), Some(h1)) = (&counters0.hold, &counters1.hold) {
        let window = h1.since(h0);
        let ms = |q| {
            window
                .quantile(q)
                .map(|d: Duration| d.as_secs_f64() * 1000.0)
        };
        row.hold = ms(0.5).zip(ms(0.99));
    }

    // Loss and delay per leg (publisher -> subscriber, kind), for packets sent inside the
    // window. A leg whose publisher never joined counts as lost at the nominal rate.
    let legs = shared.take_legs();
    let (mut expected, mut received, mut video_rx) = (0u64, 0u64, 0u64);
    let mut delays: Vec<u32> = Vec::new();
    let by_index: HashMap<usize, usize> = participants
        .iter()
        .enumerate()
        .map(|(i, p)| (p.index, i))
        .collect();
    for publisher in 0..3 * k {
        let first = publisher / 3 * 3;
        for subscriber in (first..first + 3).filter(|&s| s != publisher) {
            for video in [true, false] {
                let Some(&pi) = by_index.get(&publisher) else {
                    let pps = if video { media.video_pps() } else { 50.0 };
                    expected += (pps * window.as_secs_f64()) as u64;
                    continue;
                };
                let (c0, c1) = if video {
                    (start[pi].0, end[pi].0)
                } else {
                    (start[pi].1, end[pi].1)
                };
                expected += u64::from(c1 - c0);
                let Some(samples) = legs.get(&(subscriber, source(publisher, video))) else {
                    continue;
                };
                let mut v: Vec<(u32, u32)> = samples
                    .iter()
                    .copied()
                    .filter(|(n, _)| (c0..c1).contains(n))
                    .collect();
                v.sort_unstable();
                v.dedup_by_key(|x| x.0);
                received += v.len() as u64;
                if video {
                    video_rx += v.len() as u64;
                }
                delays.extend(v.iter().map(|x| x.1));
            }
        }
    }
    row.total_pps = received as f64 / secs;
    row.video_pps = video_rx as f64 / secs;
    row.us_per_pkt = if received > 0 {
        used.server_seconds * 1e6 / received as f64
    } else {
        f64::NAN
    };
    // Share of the nominal load that arrived (publishers skip ticks when the client runtime
    // cannot keep up).
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

    // Teardown: the server ends the calls, then the clients close.
    server.close(&shared).await;
    for pc in participants.iter().flat_map(|p| &p.pcs) {
        if tokio::time::timeout(Duration::from_secs(5), pc.pc.close())
            .await
            .is_err()
        {
            shared.error("client close timed out".into());
        }
    }
    drop(participants);
    let werr = shared.write_errors.load(Ordering::Relaxed);
    if werr > 0 {
        shared.error(format!(
            "{werr} client send errors (track not bound yet/anymore)"
        ));
    }
    // Ports and peers must be gone before the next step.
    let (lo, hi) = run.ports;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (left, used) = (server.leftovers(), udp_ports_in_use(lo, hi));
        if (left.is_none() && used == 0) || Instant::now() > deadline {
            if left.is_some() || used > 0 {
                shared.error(format!(
                    "after teardown: {}, {used} UDP ports still bound in {lo}-{hi}",
                    left.unwrap_or_default()
                ));
            }
            break;
        }
    }
    row.errors = shared.take_errors();
    row
}

fn parse_list(s: &str) -> Vec<usize> {
    s.split(',')
        .filter_map(|x| x.trim().parse().ok())
        .filter(|&k| k > 0)
        .collect()
}

fn opt(v: Option<f64>, width: usize, precision: usize) -> String {
    v.filter(|x| x.is_finite()).map_or_else(
        || format!("{:>width$}", "-"),
        |x| format!("{x:>width$.precision$}"),
    )
}

fn print_header() {
    println!(
        "{:>3} {:<11} {:>7} {:>7} {:>9} {:>9} {:>9} {:>6} {:>7} {:>7} {:>6} {:>7} {:>7} {:>7} {:>8} {:>5} {:>5} {:>7} {:>7} {:>5} {:>13}",
        "K",
        "target",
        "conn",
        "offered",
        "vid pkt/s",
        "fwd pkt/s",
        "srv fwd/s",
        "srv%",
        "µs/pkt",
        "client%",
        "other%",
        "loss%",
        "p50 ms",
        "p99 ms",
        "max ms",
        "PLIs",
        "drops",
        "lag srv",
        "lag cli",
        "ext%",
        "hold p50/p99"
    );
}

fn print_row(row: &Row) {
    let count = |v: Option<u64>| opt(v.map(|x| x as f64), 5, 0);
    println!(
        "{:>3} {:<11} {:>7} {:>6.1}% {:>9.0} {:>9.0} {} {:>6.1} {:>7.2} {:>7.1} {:>6.1} {:>7.3} {:>7.2} {:>7.2} {:>8.2} {} {} {} {:>7.2} {:>5.0} {:>13}",
        row.calls,
        row.target,
        format!("{}/{}", row.connected, row.peers),
        row.offered,
        row.video_pps,
        row.total_pps,
        opt(row.server_pps, 9, 0),
        row.server_cpu,
        row.us_per_pkt,
        row.client_cpu,
        row.other_cpu,
        row.loss,
        row.p50,
        row.p99,
        row.max,
        count(row.keyframe_requests),
        count(row.dropped),
        opt(row.server_lag, 7, 2),
        row.client_lag,
        row.foreign_cpu,
        row.hold
            .map_or_else(|| "-".to_owned(), |(a, b)| format!("{a:.2}/{b:.2}")),
    );
    for e in row.errors.iter().take(5) {
        println!("      ! {e}");
    }
    if row.errors.len() > 5 {
        println!("      ! ... {} more", row.errors.len() - 5);
    }
}

/// Loket's CPU per forwarded packet against each other target of the same K.
fn print_ratios(rows: &[Row]) {
    let Some(l) = rows.iter().find(|r| r.target == "loket") else {
        return;
    };
    let ratios: Vec<String> = rows
        .iter()
        .filter(|r| r.target != "loket")
        .map(|r| format!("loket/{} {:.2}x", r.target, l.us_per_pkt / r.us_per_pkt))
        .collect();
    if !ratios.is_empty() {
        println!(
            "    K={} CPU per forwarded packet: {} (issue 14 targets: <= 0.7x janus-tuned, <= 3x udp)",
            l.calls,
            ratios.join(", ")
        );
    }
}

fn main() {
    // `cargo test --all-targets` runs benches without `--bench`: keep that instant.
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test") {
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
    let targets = match Target::parse(&var("TARGETS").unwrap_or_else(|| "loket".into())) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => vec![Target::Loket],
        Err(e) => {
            eprintln!("sfu_load: TARGETS: {e}");
            std::process::exit(2);
        }
    };
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
    let run = Run {
        media,
        window,
        warmup,
        ports: (lo, hi),
        sfu: loket_sfu::sfu((lo, hi)),
        sfu_rt: sfu_rt.handle().clone(),
    };

    // Idle baseline: which threads burn CPU with nothing going on.
    let idle = ServerCpu::Threads("sfu");
    let a = CpuSnapshot::take(idle);
    std::thread::sleep(Duration::from_secs(1));
    let u = CpuSnapshot::take(idle).since(&a, idle);
    println!(
        "idle 1 s: sfu {:.1}%, client {:.1}%, other {:.1}% of one core; {} CPUs; server ports {lo}-{hi}",
        u.server,
        u.client,
        u.other,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "targets {}; window {} s after {} s warm-up per K and target;\n\
         fwd pkt/s = unique packets the clients received (all targets); srv fwd/s = the server's own count;\n\
         srv% = CPU of the server: threads `sfu` (loket), process (janus), thread `relay` (udp); µs/pkt = srv CPU / fwd pkt;\n\
         delay = publisher send -> subscriber read; lag = p99 ms a 5 ms timer wakes late on that runtime;\n\
         ext% = CPU used by other processes on this machine during the window (% of one core, the server excluded)\n",
        targets
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(","),
        window.as_secs(),
        warmup.as_secs()
    );
    print_header();
    let mut rows = Vec::new();
    let mut step = 0;
    for &k in &calls {
        let mut this_k = Vec::new();
        for &target in &targets {
            step += 1;
            let row = client_rt.block_on(run_step(target, k, step, &run));
            print_row(&row);
            this_k.push(row);
        }
        print_ratios(&this_k);
        rows.extend(this_k);
    }

    // A K counts only if the whole nominal load was offered and delivered.
    let loket_rows: Vec<&Row> = rows.iter().filter(|r| r.target == "loket").collect();
    let ok: Vec<&&Row> = loket_rows
        .iter()
        .filter(|r| {
            r.connected == r.peers && r.offered >= 95.0 && r.loss < 1.0 && r.server_cpu < 80.0
        })
        .collect();
    println!();
    if !loket_rows.is_empty() {
        match ok.iter().max_by_key(|r| r.calls) {
            Some(r) => println!(
                "loket: largest K under 80% of one core (all peers connected, >= 95% of nominal load offered, \
                 loss < 1%): {} calls ({} participants, SFU {:.1}%)",
                r.calls, r.peers, r.server_cpu
            ),
            None => println!("loket: no K stayed under 80% of one core with the full load offered"),
        }
    }
    if let Some(r) = loket_rows.iter().find(|r| r.offered < 95.0) {
        println!(
            "loket: from K={} the publishers could not send the nominal load ({:.0}% offered): the \
             client runtime (one thread, {:.0}% CPU) or other processes ({:.0}% CPU) limit the \
             test, not the SFU",
            r.calls, r.offered, r.client_cpu, r.foreign_cpu
        );
    }
    if let Some(r) = ok.iter().max_by_key(|r| r.calls) {
        println!(
            "loket: forwarded video packets/s per core (at K={}, all SFU CPU charged to video): {:.0} (target 40000); \
             {:.2} µs SFU CPU per forwarded packet; p99 delay {:.2} ms (target < 2 ms)",
            r.calls,
            r.video_pps / (r.server_cpu / 100.0),
            r.us_per_pkt,
            r.p99
        );
    }
    // Close the runtimes without waiting for stragglers.
    client_rt.shutdown_timeout(Duration::from_secs(2));
    sfu_rt.shutdown_timeout(Duration::from_secs(2));
}
