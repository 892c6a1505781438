//! What every target is measured with: CPU from /proc, the packets the clients receive
//! (per subscriber and source, from the payload stamps), errors, and runtime lag.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;

use crate::media::{now_us, read_stamp};

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

// ---------------------------------------------------------------------------------------
// CPU

const CLK_TCK: f64 = 100.0; // USER_HZ on Linux

/// (name, utime+stime in seconds) from a /proc/.../stat file.
fn stat_cpu(path: &std::path::Path) -> Option<(String, f64)> {
    let stat = std::fs::read_to_string(path).ok()?;
    let (a, b) = (stat.find('(')?, stat.rfind(')')?);
    let f: Vec<&str> = stat[b + 1..].split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    Some((stat[a + 1..b].to_owned(), (tick(11) + tick(12)) / CLK_TCK))
}

/// CPU seconds per thread of this process (tid -> (name, seconds)).
fn thread_cpu() -> HashMap<u32, (String, f64)> {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return HashMap::new();
    };
    dir.flatten()
        .filter_map(|e| {
            let tid = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            Some((tid, stat_cpu(&e.path().join("stat"))?))
        })
        .collect()
}

/// Busy CPU seconds of the whole machine (all processes), from /proc/stat.
fn machine_busy() -> f64 {
    let text = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let v: Vec<f64> = text
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: busy = all of the first 8 but idle, iowait
    let busy: f64 = v
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, x)| x)
        .sum();
    busy / CLK_TCK
}

/// Where a target's CPU is counted.
#[derive(Clone, Copy)]
pub enum ServerCpu {
    /// Threads of this process with this name (their exited threads are lost: tokio keeps
    /// idle blocking threads for 10 s, longer than the window).
    Threads(&'static str),
    /// A separate process (utime+stime of all its threads, exited ones included).
    Process(u32),
}

pub struct CpuSnapshot {
    threads: HashMap<u32, (String, f64)>,
    process: f64,
    busy: f64,
    at: Instant,
}

/// CPU used between two snapshots, each as % of one core.
pub struct CpuUse {
    pub server: f64,
    pub server_seconds: f64,
    pub client: f64,
    /// The rest of this process.
    pub other: f64,
    /// Other processes on the machine (a compiler, a browser; not the server under test).
    pub ext: f64,
    pub seconds: f64,
}

impl CpuSnapshot {
    pub fn take(server: ServerCpu) -> CpuSnapshot {
        let process = match server {
            ServerCpu::Process(pid) => stat_cpu(
                &std::path::Path::new("/proc")
                    .join(pid.to_string())
                    .join("stat"),
            )
            .map_or(0.0, |x| x.1),
            ServerCpu::Threads(_) => 0.0,
        };
        CpuSnapshot {
            threads: thread_cpu(),
            process,
            busy: machine_busy(),
            at: Instant::now(),
        }
    }

    pub fn since(&self, earlier: &CpuSnapshot, server: ServerCpu) -> CpuUse {
        let (mut in_server, mut client, mut other) = (0.0, 0.0, 0.0);
        for (tid, (name, t)) in &self.threads {
            let d = t - earlier.threads.get(tid).map_or(0.0, |x| x.1);
            match (name.as_str(), server) {
                (n, ServerCpu::Threads(s)) if n == s => in_server += d,
                ("client", _) => client += d,
                _ => other += d,
            }
        }
        let outside = self.process - earlier.process;
        let secs = self.at.duration_since(earlier.at).as_secs_f64();
        let own = in_server + client + other;
        let pct = |x: f64| 100.0 * x / secs;
        CpuUse {
            server: pct(in_server + outside),
            server_seconds: in_server + outside,
            client: pct(client),
            other: pct(other),
            ext: pct(((self.busy - earlier.busy) - own - outside).max(0.0)),
            seconds: secs,
        }
    }
}

/// UDP sockets bound to a port in `lo..=hi` (from /proc/net/udp, all processes).
pub fn udp_ports_in_use(lo: u16, hi: u16) -> usize {
    let text = std::fs::read_to_string("/proc/net/udp").unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            l.split_whitespace()
                .nth(1)?
                .split(':')
                .nth(1)
                .map(str::to_owned)
        })
        .filter_map(|p| u16::from_str_radix(&p, 16).ok())
        .filter(|p| (lo..=hi).contains(p))
        .count()
}

// ---------------------------------------------------------------------------------------
// What the clients receive

/// (subscriber index, source) where source = publisher index * 2, + 1 for audio.
pub type LegKey = (usize, u32);

#[derive(Default)]
pub struct Shared {
    /// (packet counter, delay µs) of every packet received, per leg.
    legs: Mutex<HashMap<LegKey, Vec<(u32, u32)>>>,
    errors: Mutex<Vec<String>>,
    pub write_errors: AtomicU32,
}

impl Shared {
    pub fn error(&self, e: String) {
        let mut v = lock(&self.errors);
        if v.len() < 1000 {
            v.push(e);
        }
    }

    /// A payload arrived at `subscriber`: its stamp says from whom, which packet and when.
    pub fn record(&self, subscriber: usize, payload: &[u8]) {
        let now = now_us();
        if let Some((source, counter, sent)) = read_stamp(payload) {
            let delay = u32::try_from(now.saturating_sub(sent)).unwrap_or(u32::MAX);
            lock(&self.legs)
                .entry((subscriber, source))
                .or_default()
                .push((counter, delay));
        }
    }

    pub fn take_legs(&self) -> HashMap<LegKey, Vec<(u32, u32)>> {
        std::mem::take(&mut *lock(&self.legs))
    }

    pub fn take_errors(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.errors))
    }
}

// ---------------------------------------------------------------------------------------
// Runtime lag

/// Scheduling lag of a runtime: a task sleeping 5 ms at a time records how late it wakes
/// (µs past the deadline; includes up to ~1 ms of timer granularity). Shows whether packets
/// wait in a runtime's run queue.
pub fn lag_probe(rt: &Handle, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<Vec<u32>> {
    rt.spawn(async move {
        let mut lags = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let deadline = tokio::time::Instant::now() + Duration::from_millis(5);
            tokio::time::sleep_until(deadline).await;
            lags.push(u32::try_from(deadline.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
        lags
    })
}

pub fn p99_ms(mut v: Vec<u32>) -> f64 {
    v.sort_unstable();
    v.get(v.len() * 99 / 100)
        .map_or(f64::NAN, |&x| f64::from(x) / 1000.0)
}
