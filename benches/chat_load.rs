//! Load generator: N residents and M agents over real HTTP and WebSockets against the
//! release `loket` binary, running as its own process on 127.0.0.1.
//!
//! What one run does, in phases:
//! 1. Seeds M agents into a fresh SQLite file, starts `loket serve` on it, and reads the
//!    server's CPU time and RSS from `/proc/<pid>` from then on.
//! 2. Agents log in through the login form, open the console socket and go available.
//! 3. N residents start a chat through the resident form; the broker offers each to an
//!    agent, who accepts over the console socket.
//! 4. Idle memory: the server's RSS before and after the N residents open their sockets
//!    (no traffic), divided by N.
//! 5. Steady state: messages at RATE per second in total for SECONDS, round-robin over the
//!    conversations, alternating resident and agent as the sender. Each body carries its
//!    send time; the other side measures delivery. Both sides check every message number
//!    of their conversation: a gap or a repeat is counted and reported.
//! 6. Agents end every conversation; each resident must see it end.
//!
//! Every resident and every agent connects from a loopback address of its own
//! (127.1.x.y and 127.2.x.y), as on the internet: Loket caps connections per address
//! (`[limits] connections_per_address`).
//!
//! It reports throughput, delivery latency (p50/p95/p99/max), lost/duplicated messages,
//! error frames, and the server's CPU (% of one core) and RSS per phase.
//!
//! Run (builds the release binary first):
//! `cargo bench --bench chat_load` (defaults: 2,000 conversations, 1 chat per agent so
//! 4,000 sockets, 2,000 messages/s for 30 s), or set `CONVERSATIONS`, `AGENT_CAPACITY`,
//! `RATE`, `SECONDS`.

use futures_util::stream::{self, StreamExt};
use futures_util::{SinkExt, stream::SplitStream};
use loket::store::{NewUser, Role, Store};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Outbox = mpsc::UnboundedSender<String>;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo test --all-targets` runs benches once without `--bench`: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("chat_load: skipped outside `cargo bench`");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

/// Everything the readers count, shared by all sockets.
#[derive(Default)]
struct Counters {
    acked: AtomicU64,
    delivered: AtomicU64,
    gaps: AtomicU64,
    repeats: AtomicU64,
    errors: AtomicU64,
    assigned: AtomicU64,
    ended: AtomicU64,
    dropped_sockets: AtomicU64,
    latencies_us: Mutex<Vec<u64>>,
    error_codes: Mutex<HashMap<String, u64>>,
}

impl Counters {
    fn error(&self, f: &Value) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let code = f["code"].as_str().unwrap_or("?").to_string();
        *lock(&self.error_codes).entry(code).or_default() += 1;
    }

    /// A message frame seen by one side: checks its number and measures the other
    /// side's messages.
    fn message(&self, f: &Value, last: &mut i64, mine: &str) {
        let seq = f["seq"].as_i64().unwrap_or(0);
        if seq <= *last {
            self.repeats.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if seq != *last + 1 {
            self.gaps
                .fetch_add((seq - *last - 1) as u64, Ordering::Relaxed);
        }
        *last = seq;
        if f["sender"] != mine {
            if let Some(sent) = f["body"]
                .as_str()
                .and_then(|b| b.strip_prefix("t="))
                .and_then(|t| t.parse::<u64>().ok())
            {
                self.delivered.fetch_add(1, Ordering::Relaxed);
                lock(&self.latencies_us).push(micros().saturating_sub(sent));
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The server process and its figures from `/proc`.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn cpu_secs(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name (which may contain spaces): utime is the 12th,
        // stime the 13th; both in clock ticks of 1/100 s (USER_HZ).
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        (ticks(11) + ticks(12)) / 100.0
    }

    /// (current RSS, peak RSS) in KiB.
    fn rss_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// CPU use of the server over a phase, as % of one core.
struct Phase {
    cpu: f64,
    at: Instant,
}

impl Phase {
    fn start(server: &Server) -> Phase {
        Phase {
            cpu: server.cpu_secs(),
            at: Instant::now(),
        }
    }

    fn report(&self, server: &Server, name: &str) {
        let secs = self.at.elapsed().as_secs_f64();
        let cpu = (server.cpu_secs() - self.cpu) / secs * 100.0;
        let (rss, peak) = server.rss_kib();
        println!(
            "phase {name}: {secs:.1} s, server CPU {cpu:.0} % of one core, RSS {:.1} MiB (peak {:.1} MiB), {} open files",
            rss as f64 / 1024.0,
            peak as f64 / 1024.0,
            server.open_fds()
        );
    }
}

async fn run() {
    let conversations = env("CONVERSATIONS", 2000) as usize;
    let capacity = env("AGENT_CAPACITY", 1).clamp(1, 20) as u8;
    let rate = env("RATE", 2000);
    let seconds = env("SECONDS", 30);
    let agents = conversations.div_ceil(usize::from(capacity));
    let counters = Arc::new(Counters::default());

    // 1. Seed the agents, then start the real server on that database.
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("load.db").display());
    let store = Store::open(&db).await.expect("database");
    let hash = loket::auth::hash_password("load-test-password").expect("hash");
    for i in 0..agents {
        let name = format!("load{i}");
        store
            .add_user(&NewUser {
                username: &name,
                display_name: &name,
                role: Role::Agent,
                password_hash: &hash,
                chat_capacity: capacity,
                skills: &["chat"],
                is_demo: false,
            })
            .await
            .expect("agent");
    }
    store.close().await;
    let server = start_server(dir.path(), &db).await;
    let base = server.base.clone();
    let ws_base = base.replace("http://", "ws://");
    println!(
        "load: {conversations} conversations, {agents} agents ({capacity} chat(s) each), \
         {rate} msg/s for {seconds} s; server pid {}",
        server.child.id()
    );
    Phase::start(&server).report(&server, "started");

    // 2. Agents log in and go available. Their readers accept every offer.
    let phase = Phase::start(&server);
    let agent_of: Arc<Mutex<HashMap<usize, (i64, Outbox)>>> = Arc::default();
    // Each agent's socket is read from the moment it opens: an unread socket answers no
    // ping, and the server rightly drops it after `silent_secs` (the logins take longer).
    stream::iter(0..agents)
        .map(|i| {
            let (base, ws_base) = (base.clone(), ws_base.clone());
            let (counters, agent_of) = (counters.clone(), agent_of.clone());
            async move {
                let socket = agent_socket(&base, &ws_base, i).await;
                let (sink, rx) = socket.split();
                let outbox = writer(sink);
                let _ =
                    outbox.send(json!({"type": "presence", "presence": "available"}).to_string());
                tokio::spawn(agent_reader(rx, outbox, counters, agent_of));
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<()>>()
        .await;
    phase.report(&server, "agents logged in");

    // 3. Residents start chats through the form; agents accept the offers.
    let phase = Phase::start(&server);
    let tokens = stream::iter(0..conversations)
        .map(|i| {
            let base = base.clone();
            async move { start_chat(&base, i).await }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    let mut tokens: Vec<(usize, String)> = tokens;
    tokens.sort();
    wait_for("every chat accepted", Duration::from_secs(120), || {
        counters.assigned.load(Ordering::Relaxed) >= conversations as u64
    })
    .await;
    phase.report(&server, "chats started and accepted");

    // 4. Residents open their sockets; measure what an idle connection costs.
    settle().await;
    let (rss_before, _) = server.rss_kib();
    let fds_before = server.open_fds();
    let phase = Phase::start(&server);
    let mut residents: Vec<Outbox> = Vec::with_capacity(conversations);
    for (i, token) in &tokens {
        let req = format!("{ws_base}/ws/chat/{token}")
            .into_client_request()
            .expect("request");
        let ws = ws_from(source(1, *i), req).await;
        let (sink, rx) = ws.split();
        let outbox = writer(sink);
        let _ = outbox.send(json!({"type": "resume", "after": 0}).to_string());
        tokio::spawn(resident_reader(rx, counters.clone()));
        residents.push(outbox);
    }
    phase.report(&server, "resident sockets opened");
    settle().await;
    let (rss_after, _) = server.rss_kib();
    println!(
        "idle connections: {} more open files, RSS {:.1} -> {:.1} MiB: {:.1} KiB per idle resident connection",
        server.open_fds().saturating_sub(fds_before),
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        rss_after.saturating_sub(rss_before) as f64 / conversations as f64
    );

    // 5. Steady state at a fixed aggregate rate.
    let agent_of: Vec<(i64, Outbox)> = {
        let map = lock(&agent_of);
        (0..conversations)
            .map(|i| map.get(&i).cloned().expect("every resident has an agent"))
            .collect()
    };
    let acked_before = counters.acked.load(Ordering::Relaxed);
    let total = rate * seconds;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let phase = Phase::start(&server);
    let mut next = tokio::time::Instant::now();
    for n in 0..total {
        next += interval;
        tokio::time::sleep_until(next).await;
        let i = (n as usize) % conversations;
        let from_resident = (n as usize / conversations) % 2 == 0;
        let body = format!("t={}", micros());
        let (frame, outbox) = if from_resident {
            (
                json!({"type": "send", "client_id": format!("r{n}"), "body": body}),
                &residents[i],
            )
        } else {
            let (conv, outbox) = &agent_of[i];
            (
                json!({"type": "send", "conversation": conv, "client_id": format!("a{n}"), "body": body}),
                outbox,
            )
        };
        let _ = outbox.send(frame.to_string());
    }
    let send_secs = phase.at.elapsed().as_secs_f64();
    wait_for("every message delivered", Duration::from_secs(15), || {
        counters.delivered.load(Ordering::Relaxed) >= total
    })
    .await;
    phase.report(&server, "steady state");

    // 6. Agents end every conversation; residents must see the end.
    let phase = Phase::start(&server);
    for (conv, outbox) in &agent_of {
        let _ = outbox.send(json!({"type": "end", "conversation": conv}).to_string());
    }
    wait_for("every conversation ended", Duration::from_secs(60), || {
        counters.ended.load(Ordering::Relaxed) >= conversations as u64
    })
    .await;
    phase.report(&server, "conversations ended");

    let c = &counters;
    let delivered = c.delivered.load(Ordering::Relaxed);
    let acked = c.acked.load(Ordering::Relaxed) - acked_before;
    println!(
        "messages: sent {total} in {send_secs:.1} s ({:.0} msg/s), acknowledged {acked}, delivered {delivered}, \
         lost {}, sequence gaps {}, repeats {}, error frames {} {:?}, sockets dropped {}, conversations ended {}/{conversations}",
        total as f64 / send_secs,
        total.saturating_sub(delivered),
        c.gaps.load(Ordering::Relaxed),
        c.repeats.load(Ordering::Relaxed),
        c.errors.load(Ordering::Relaxed),
        lock(&c.error_codes),
        c.dropped_sockets.load(Ordering::Relaxed),
        c.ended.load(Ordering::Relaxed),
    );
    let mut lat = lock(&c.latencies_us).clone();
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return f64::NAN;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i] as f64 / 1000.0
    };
    println!(
        "delivery latency (sender socket -> stored -> other side's socket): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0)
    );
    let failed = total != delivered
        || acked != total
        || c.gaps.load(Ordering::Relaxed) > 0
        || c.repeats.load(Ordering::Relaxed) > 0;
    println!("result: {}", if failed { "FAILED" } else { "ok" });
    drop(server);
    if failed {
        std::process::exit(1);
    }
}

async fn start_server(dir: &std::path::Path, db: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    // 2,000 chats arrive within seconds: the queue may briefly hold more than the default
    // cap of 100 waiting (a real site's "too busy" point), so the cap is lifted here.
    let config = dir.join("loket.toml");
    std::fs::write(&config, "[intake]\nmax_waiting_per_queue = 100000\n").expect("config");
    let child = Command::new(env!("CARGO_BIN_EXE_loket"))
        .arg("serve")
        .env("LOKET_BIND", format!("127.0.0.1:{port}"))
        .env("LOKET_DATABASE_URL", db)
        .env("LOKET_LOG", "warn")
        .env("LOKET_CONFIG", &config)
        .current_dir(dir)
        .stdout(Stdio::null())
        .spawn()
        .expect("start loket");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let healthz = format!("{}/healthz", server.base);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(r) = reqwest::get(&healthz).await {
            if r.status() == 200 {
                return server;
            }
        }
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One socket's writer task: frames queued by anyone are sent in order.
fn writer(mut sink: futures_util::stream::SplitSink<Socket, Message>) -> Outbox {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        while let Some(text) = rx.recv().await {
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    });
    tx
}

async fn agent_socket(base: &str, ws_base: &str, i: usize) -> Socket {
    let client = client(source(2, i));
    let csrf = csrf(&client, base, "/staff/login").await;
    let name = format!("load{i}");
    let resp = client
        .post(format!("{base}/staff/login"))
        .form(&[
            ("username", name.as_str()),
            ("password", "load-test-password"),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(resp.status().as_u16(), 303, "login {name}");
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    let mut req = format!("{ws_base}/ws/staff")
        .into_client_request()
        .expect("request");
    req.headers_mut()
        .insert("cookie", cookie.parse().expect("cookie"));
    ws_from(source(2, i), req).await
}

/// The loopback address client `i` of a kind (1: residents, 2: agents) connects from.
fn source(kind: u8, i: usize) -> IpAddr {
    IpAddr::from([127, kind, (i / 250) as u8, (i % 250 + 1) as u8])
}

/// A WebSocket to the server from the address `from`.
async fn ws_from(
    from: IpAddr,
    req: tokio_tungstenite::tungstenite::handshake::client::Request,
) -> Socket {
    let host = req.uri().host().unwrap_or("127.0.0.1").to_string();
    let port = req.uri().port_u16().unwrap_or(80);
    let to: SocketAddr = format!("{host}:{port}").parse().expect("server address");
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind(SocketAddr::new(from, 0)).expect("bind");
    let tcp = socket.connect(to).await.expect("connect");
    tokio_tungstenite::client_async(req, MaybeTlsStream::Plain(tcp))
        .await
        .expect("socket")
        .0
}

/// An agent's console: accepts offers, notes which resident each conversation is, checks
/// message numbers per conversation.
async fn agent_reader(
    mut rx: SplitStream<Socket>,
    outbox: Outbox,
    c: Arc<Counters>,
    agent_of: Arc<Mutex<HashMap<usize, (i64, Outbox)>>>,
) {
    let mut last: HashMap<i64, i64> = HashMap::new();
    while let Some(Ok(msg)) = rx.next().await {
        let Message::Text(text) = msg else { continue };
        let Ok(f) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        match f["type"].as_str() {
            Some("offer") => {
                let conv = f["conversation"].clone();
                let _ = outbox.send(json!({"type": "accept", "conversation": conv}).to_string());
            }
            Some("assigned") => {
                let conv = f["conversation"].as_i64().unwrap_or(0);
                // The "joined" message can arrive just before this frame.
                let seen = last.entry(conv).or_insert(0);
                *seen = (*seen).max(f["last_seq"].as_i64().unwrap_or(0));
                if let Some(i) = f["resident_name"]
                    .as_str()
                    .and_then(|n| n.strip_prefix("inwoner "))
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    lock(&agent_of).insert(i, (conv, outbox.clone()));
                }
                c.assigned.fetch_add(1, Ordering::Relaxed);
            }
            Some("message") => {
                let conv = f["conversation"].as_i64().unwrap_or(0);
                // The console joins a conversation part-way: its first live message
                // (the "joined" notice) sets where numbering starts for this agent.
                let last = last
                    .entry(conv)
                    .or_insert(f["seq"].as_i64().unwrap_or(1) - 1);
                c.message(&f, last, "agent");
            }
            Some("ack") => {
                c.acked.fetch_add(1, Ordering::Relaxed);
            }
            Some("error") => c.error(&f),
            _ => {}
        }
    }
    c.dropped_sockets.fetch_add(1, Ordering::Relaxed);
}

/// A resident's chat page: checks every message number from 1 and notes the end.
async fn resident_reader(mut rx: SplitStream<Socket>, c: Arc<Counters>) {
    let mut last = 0;
    let mut ended = false;
    while let Some(Ok(msg)) = rx.next().await {
        let Message::Text(text) = msg else { continue };
        let Ok(f) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        match f["type"].as_str() {
            Some("message") => c.message(&f, &mut last, "resident"),
            Some("ack") => {
                c.acked.fetch_add(1, Ordering::Relaxed);
            }
            Some("status") if f["status"] == "ended" && !ended => {
                ended = true;
                c.ended.fetch_add(1, Ordering::Relaxed);
            }
            Some("error") => c.error(&f),
            _ => {}
        }
    }
    if !ended {
        c.dropped_sockets.fetch_add(1, Ordering::Relaxed);
    }
}

/// Starts one chat through the resident form; returns (index, conversation token). Each
/// resident comes from an address of its own network (127.X.Y.1: one /24 each; all of
/// 127.0.0.0/8 reaches the server on Linux), as many residents at home do, so the intake
/// limits (issue 13) count them apart.
async fn start_chat(base: &str, i: usize) -> (usize, String) {
    // A network of its own (127.N.M.1, N from 10): the intake limits allow 30 new
    // chats per /24 in 10 minutes.
    let own = IpAddr::from([127, 10 + (i / 256 % 240) as u8, (i % 256) as u8, 1]);
    let client = client(own);
    let csrf = csrf(&client, base, "/chat/start").await;
    let resp = client
        .post(format!("{base}/chat/start"))
        .form(&[
            ("name", format!("inwoner {i}").as_str()),
            ("question", "Wanneer wordt het afval opgehaald?"),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("start chat");
    let token = resp
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.strip_prefix("/chat/"))
        .map(str::to_string);
    match token {
        Some(t) => (i, t),
        None => panic!("chat {i} not started: HTTP {}", resp.status()),
    }
}

async fn wait_for(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > limit {
            println!("timed out waiting for: {what}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Lets the server finish what the last phase started before memory is read.
async fn settle() {
    tokio::time::sleep(Duration::from_secs(3)).await;
}

fn micros() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

fn client(from: IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(from)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn csrf(client: &reqwest::Client, base: &str, path: &str) -> String {
    let body = client
        .get(format!("{base}{path}"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    let start = body.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
    let end = body[start..].find('"').expect("end") + start;
    body[start..end].to_string()
}
