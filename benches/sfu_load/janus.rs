//! Targets `janus` and `janus-tuned`: Janus (1.1.2 from Debian, unmodified) with its
//! VideoRoom plugin, as its own process, started fresh for every step.
//!
//! Configuration: a private folder generated into a temp dir (`janus -F DIR -C
//! DIR/janus.jcfg`), loading only the VideoRoom plugin and the HTTP transport (on a free
//! loopback port), no loggers, no event handlers, debug level 3 (warnings) to a log file in
//! that folder; media ports in `PORTS`; ICE on `lo` only. `janus-tuned` adds
//! `event_loops = 2` (two shared media threads instead of one per handle).
//!
//! Janus 1.1.2 skips every interface flagged loopback when it gathers candidates, so on
//! 127.0.0.1 it would offer none; `unloopback.c` (next to this file, built here with `cc`
//! and LD_PRELOADed into Janus only) clears that flag in what `getifaddrs()` returns.
//!
//! Signalling is the Janus HTTP API: one session (kept alive, events by long poll), one
//! room per call (VP8, Opus), and per participant two handles and two peer connections:
//! a publisher (`join` as publisher, then `publish` with the client's offer; Janus answers)
//! and a subscriber to both other participants of the call (`join` as subscriber with both
//! feeds; Janus offers, the client answers with `start`). Client candidates are trickled;
//! Janus's come in its SDP (half trickle).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use webrtc::peer_connection::{RTCIceCandidateInit, RTCSessionDescription};

use crate::measure::{ServerCpu, Shared, lock};
use crate::participant::{Outlet, Participant, Pc, label};
use crate::peer;
use crate::{Counters, Joined, Server};

/// The Janus binary: `JANUS` or `janus` on the PATH.
fn binary() -> String {
    std::env::var("JANUS").unwrap_or_else(|_| "janus".into())
}

pub struct Janus {
    child: Child,
    dir: tempfile::TempDir,
    api: Arc<Api>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Janus {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where Debian (and a source install) put Janus's plugins and transports.
const INSTALLED: [&str; 4] = [
    "/usr/lib/x86_64-linux-gnu/janus",
    "/usr/lib/aarch64-linux-gnu/janus",
    "/usr/lib/janus",
    "/opt/janus/lib/janus",
];

/// The generated configuration folder: only the VideoRoom plugin and the HTTP transport
/// (symlinked from the installation), nothing else.
fn write_config(dir: &Path, tuned: bool, ports: (u16, u16), http_port: u16) -> anyhow::Result<()> {
    for (folder, file) in [
        ("plugins", "libjanus_videoroom.so"),
        ("transports", "libjanus_http.so"),
    ] {
        std::fs::create_dir(dir.join(folder))?;
        let installed = INSTALLED
            .iter()
            .map(|l| Path::new(l).join(folder).join(file))
            .find(|p| p.exists())
            .ok_or_else(|| anyhow::anyhow!("{file} not found (is Janus installed?)"))?;
        std::os::unix::fs::symlink(installed, dir.join(folder).join(file))?;
    }
    std::fs::create_dir(dir.join("none"))?;
    let d = dir.display();
    let event_loops = if tuned { "event_loops = 2" } else { "" };
    std::fs::write(
        dir.join("janus.jcfg"),
        format!(
            "general: {{\n  configs_folder = \"{d}\"\n  plugins_folder = \"{d}/plugins\"\n  \
             transports_folder = \"{d}/transports\"\n  events_folder = \"{d}/none\"\n  \
             loggers_folder = \"{d}/none\"\n  interface = \"127.0.0.1\"\n  debug_level = 3\n  \
             {event_loops}\n}}\nmedia: {{\n  rtp_port_range = \"{}-{}\"\n}}\n\
             nat: {{\n  ice_enforce_list = \"lo\"\n}}\nevents: {{\n  broadcast = false\n}}\n",
            ports.0, ports.1
        ),
    )?;
    std::fs::write(
        dir.join("janus.transport.http.jcfg"),
        format!(
            "general: {{\n  json = \"plain\"\n  base_path = \"/janus\"\n  http = true\n  \
             port = {http_port}\n  ip = \"127.0.0.1\"\n  https = false\n}}\n\
             admin: {{\n  admin_http = false\n  admin_https = false\n}}\n"
        ),
    )?;
    std::fs::write(dir.join("janus.plugin.videoroom.jcfg"), "general: {\n}\n")?;
    Ok(())
}

/// Builds the getifaddrs() shim into `dir`.
fn build_preload(dir: &Path) -> anyhow::Result<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/sfu_load/unloopback.c");
    let out = dir.join("unloopback.so");
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-O2", "-o"])
        .arg(&out)
        .arg(&src)
        .arg("-ldl")
        .status()
        .map_err(|e| anyhow::anyhow!("cc (needed to build {}): {e}", src.display()))?;
    anyhow::ensure!(status.success(), "cc failed on {}", src.display());
    Ok(out)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Janus {
    /// Starts a fresh Janus and opens a session on it.
    pub async fn start(tuned: bool, ports: (u16, u16)) -> anyhow::Result<Janus> {
        let dir = tempfile::Builder::new().prefix("loket-janus-").tempdir()?;
        let http_port = free_port()?;
        write_config(dir.path(), tuned, ports, http_port)?;
        let preload = build_preload(dir.path())?;
        let log = std::fs::File::create(dir.path().join("janus.log"))?;
        let child = Command::new(binary())
            .arg("-F")
            .arg(dir.path())
            .arg("-C")
            .arg(dir.path().join("janus.jcfg"))
            .arg("-o") // no colours in the log
            .env("LD_PRELOAD", &preload)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot start {} ({e}); install it with scripts/bench-sfu-compare or \
                     `apt-get install janus`",
                    binary()
                )
            })?;
        let url = format!("http://127.0.0.1:{http_port}/janus");
        let mut janus = Janus {
            child,
            api: Arc::new(Api::new(url.clone(), 0)?),
            dir,
            tasks: Vec::new(),
        };
        // Up when it answers `info`.
        let deadline = Instant::now() + Duration::from_secs(15);
        while janus
            .api
            .request("", json!({"janus": "info"}))
            .await
            .is_err()
        {
            if let Ok(Some(status)) = janus.child.try_wait() {
                anyhow::bail!("janus exited ({status}): {}", janus.log_tail());
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "janus did not answer: {}",
                janus.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let created = janus.api.request("", json!({"janus": "create"})).await?;
        let session = created["data"]["id"]
            .as_u64()
            .ok_or_else(|| anyhow::anyhow!("no session id in {created}"))?;
        janus.api = Arc::new(Api::new(url, session)?);
        janus
            .tasks
            .push(tokio::spawn(Arc::clone(&janus.api).poll_events()));
        janus
            .tasks
            .push(tokio::spawn(Arc::clone(&janus.api).keep_alive()));
        Ok(janus)
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("janus.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(8)..].join(" | ")
    }

    async fn connect_all(
        &mut self,
        calls: usize,
        shared: &Arc<Shared>,
    ) -> anyhow::Result<Vec<Arc<Participant>>> {
        let api = &self.api;
        let admin = api.attach().await?;
        for call in 0..calls {
            let body = json!({
                "request": "create", "room": call + 1, "publishers": 3,
                "videocodec": "vp8", "audiocodec": "opus", "bitrate": 0, "fir_freq": 0,
            });
            api.message(admin, body, None).await?;
        }
        let publishers = gather(
            (0..3 * calls).map(|i| tokio::spawn(publisher(Arc::clone(api), i, Arc::clone(shared)))),
            shared,
        )
        .await;
        // Janus refuses a subscription to a feed whose PeerConnection is not up yet.
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline
            && publishers
                .iter()
                .flatten()
                .any(|(pc, ..)| !pc.connected.load(Ordering::Acquire))
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let subscribers = gather(
            (0..3 * calls)
                .map(|i| tokio::spawn(subscriber(Arc::clone(api), i, Arc::clone(shared)))),
            shared,
        )
        .await;
        let mut out = Vec::new();
        for (index, (p, s)) in publishers.into_iter().zip(subscribers).enumerate() {
            if let (Some((pub_pc, outlet, t1)), Some((sub_pc, t2))) = (p, s) {
                self.tasks.extend([t1, t2]);
                out.push(Participant::new(index, outlet, vec![pub_pc, sub_pc]));
            }
        }
        Ok(out)
    }
}

/// Awaits spawned setups in order; a failed one is recorded and becomes `None`.
async fn gather<T>(
    tasks: impl Iterator<Item = JoinHandle<anyhow::Result<T>>>,
    shared: &Shared,
) -> Vec<Option<T>> {
    let tasks: Vec<_> = tasks.collect();
    let mut out = Vec::new();
    for (index, t) in tasks.into_iter().enumerate() {
        out.push(match t.await {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => {
                shared.error(format!("{}: {e}", label(index)));
                None
            }
            Err(e) => {
                shared.error(format!("{}: task: {e}", label(index)));
                None
            }
        });
    }
    out
}

#[async_trait::async_trait]
impl Server for Janus {
    async fn connect(&mut self, calls: usize, shared: &Arc<Shared>) -> Joined {
        let r = self.connect_all(calls, shared).await;
        r.map_err(|e| anyhow::anyhow!("{e}; log: {}", self.log_tail()))
    }

    fn cpu(&self) -> ServerCpu {
        ServerCpu::Process(self.child.id())
    }

    fn counters(&self) -> Counters {
        Counters::default()
    }

    async fn close(&mut self, _: &Arc<Shared>) {
        for t in self.tasks.drain(..) {
            t.abort();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------
// Participants

fn room(index: usize) -> usize {
    index / 3 + 1
}

fn feed(index: usize) -> usize {
    index + 1
}

fn jsep(kind: &str, sdp: String) -> Value {
    json!({"type": kind, "sdp": sdp})
}

fn sdp_of(event: &Value) -> anyhow::Result<String> {
    event["jsep"]["sdp"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no jsep in {event}"))
}

/// Joins participant `index` as a publisher and publishes its two tracks.
async fn publisher(
    api: Arc<Api>,
    index: usize,
    shared: Arc<Shared>,
) -> anyhow::Result<(Pc, Outlet, JoinHandle<()>)> {
    let handle = api.attach().await?;
    let body =
        json!({"request": "join", "ptype": "publisher", "room": room(index), "id": feed(index)});
    api.message(handle, body, None).await?;
    let (pc, candidates) = peer::new_pc(index, &shared).await?;
    let outlet = peer::tracks(index);
    peer::add_tracks(&pc.pc, &outlet).await?;
    let offer = pc.pc.create_offer(None).await?;
    pc.pc.set_local_description(offer.clone()).await?;
    let answer = api
        .message(
            handle,
            json!({"request": "publish"}),
            Some(jsep("offer", offer.sdp)),
        )
        .await?;
    pc.pc
        .set_remote_description(RTCSessionDescription::answer(sdp_of(&answer)?)?)
        .await?;
    let trickle = tokio::spawn(api.trickle(handle, candidates, shared));
    Ok((pc, outlet, trickle))
}

/// Subscribes participant `index` to the two other participants of its call.
async fn subscriber(
    api: Arc<Api>,
    index: usize,
    shared: Arc<Shared>,
) -> anyhow::Result<(Pc, JoinHandle<()>)> {
    let handle = api.attach().await?;
    let first = index / 3 * 3;
    let streams: Vec<Value> = (first..first + 3)
        .filter(|&i| i != index)
        .map(|i| json!({"feed": feed(i)}))
        .collect();
    let body =
        json!({"request": "join", "ptype": "subscriber", "room": room(index), "streams": streams});
    let mut attempt = 0;
    let offer = loop {
        match api.message(handle, body.clone(), None).await {
            Ok(ev) => break ev,
            // A publisher whose PeerConnection is not up yet: try again.
            Err(e) if attempt < 50 && e.to_string().starts_with("videoroom error") => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => return Err(e),
        }
    };
    let (pc, candidates) = peer::new_pc(index, &shared).await?;
    pc.pc
        .set_remote_description(RTCSessionDescription::offer(sdp_of(&offer)?)?)
        .await?;
    let answer = pc.pc.create_answer(None).await?;
    pc.pc.set_local_description(answer.clone()).await?;
    api.message(
        handle,
        json!({"request": "start"}),
        Some(jsep("answer", answer.sdp)),
    )
    .await?;
    let trickle = tokio::spawn(api.trickle(handle, candidates, shared));
    Ok((pc, trickle))
}

// ---------------------------------------------------------------------------------------
// The Janus HTTP API

struct Api {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/janus`
    url: String,
    session: u64,
    next: AtomicU64,
    /// Transactions whose answer comes as an event (after an `ack`).
    waiting: std::sync::Mutex<HashMap<String, oneshot::Sender<Value>>>,
}

impl Api {
    fn new(url: String, session: u64) -> anyhow::Result<Api> {
        Ok(Api {
            http: reqwest::Client::builder().no_proxy().build()?,
            url,
            session,
            next: AtomicU64::new(1),
            waiting: Default::default(),
        })
    }

    fn transaction(&self) -> String {
        self.next.fetch_add(1, Ordering::Relaxed).to_string()
    }

    /// POSTs `body` (with a fresh transaction unless it has one) to `url` + `path`; a
    /// Janus error becomes an `Err`.
    async fn request(&self, path: &str, mut body: Value) -> anyhow::Result<Value> {
        if body.get("transaction").is_none() {
            body["transaction"] = self.transaction().into();
        }
        let reply: Value = self
            .http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        if reply["janus"] == "error" {
            anyhow::bail!("janus error: {}", reply["error"]);
        }
        Ok(reply)
    }

    async fn attach(&self) -> anyhow::Result<u64> {
        let body = json!({"janus": "attach", "plugin": "janus.plugin.videoroom"});
        let reply = self.request(&format!("/{}", self.session), body).await?;
        reply["data"]["id"]
            .as_u64()
            .ok_or_else(|| anyhow::anyhow!("no handle id in {reply}"))
    }

    /// A VideoRoom request; its result, whether Janus gives it at once or (after an `ack`)
    /// as an event. A plugin error becomes an `Err`.
    async fn message(
        &self,
        handle: u64,
        body: Value,
        jsep: Option<Value>,
    ) -> anyhow::Result<Value> {
        let tx = self.transaction();
        let (send, recv) = oneshot::channel();
        lock(&self.waiting).insert(tx.clone(), send);
        let mut msg = json!({"janus": "message", "transaction": tx, "body": body});
        if let Some(j) = jsep {
            msg["jsep"] = j;
        }
        let reply = self
            .request(&format!("/{}/{handle}", self.session), msg)
            .await;
        let reply = match reply {
            Ok(r) if r["janus"] == "ack" => tokio::time::timeout(Duration::from_secs(30), recv)
                .await
                .map_err(|_| anyhow::anyhow!("no answer to {body} in 30 s"))??,
            other => {
                lock(&self.waiting).remove(&tx);
                other?
            }
        };
        let data = &reply["plugindata"]["data"];
        if let Some(e) = data.get("error") {
            anyhow::bail!("videoroom error {}: {e}", data["error_code"]);
        }
        Ok(reply)
    }

    /// Sends the client's candidates as they come.
    async fn trickle(
        self: Arc<Self>,
        handle: u64,
        mut candidates: mpsc::UnboundedReceiver<RTCIceCandidateInit>,
        shared: Arc<Shared>,
    ) {
        while let Some(c) = candidates.recv().await {
            let body = json!({"janus": "trickle", "candidate": {
                "candidate": c.candidate, "sdpMid": c.sdp_mid, "sdpMLineIndex": c.sdp_mline_index,
            }});
            if let Err(e) = self
                .request(&format!("/{}/{handle}", self.session), body)
                .await
            {
                shared.error(format!("trickle: {e}"));
            }
        }
    }

    /// Long-polls the session's events and hands each to the transaction waiting for it.
    async fn poll_events(self: Arc<Self>) {
        let url = format!("{}/{}?maxev=20", self.url, self.session);
        loop {
            let events = match self.http.get(&url).send().await {
                Ok(r) => r.json::<Value>().await.unwrap_or(Value::Null),
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let events = match events {
                Value::Array(v) => v,
                other => vec![other],
            };
            for ev in events {
                let waiter = ev["transaction"]
                    .as_str()
                    .and_then(|tx| lock(&self.waiting).remove(tx));
                if let Some(w) = waiter {
                    let _ = w.send(ev);
                }
            }
        }
    }

    async fn keep_alive(self: Arc<Self>) {
        loop {
            tokio::time::sleep(Duration::from_secs(20)).await;
            let _ = self
                .request(&format!("/{}", self.session), json!({"janus": "keepalive"}))
                .await;
        }
    }
}
