//! Chat load generator: real HTTP and real WebSockets against a Loket server on
//! 127.0.0.1, measuring message delivery latency at a fixed rate.
//!
//! It starts Loket in this process (its own runtime and SQLite file in a temp dir), logs
//! in agents, starts CONVERSATIONS chats through the resident form, lets the agents
//! accept them over the console protocol, then makes residents send messages at RATE
//! messages per second for SECONDS seconds. Each message carries its send time; the
//! agent side records when it arrives, and checks every conversation's sequence numbers
//! (no loss, no duplicates).
//!
//! Run: `cargo bench --bench chat_load` (defaults: 1000 conversations, 2000 msg/s, 20 s),
//! or e.g. `CONVERSATIONS=500 RATE=5000 SECONDS=10 cargo bench --bench chat_load`.

use futures_util::{SinkExt, StreamExt};
use loket::config::Config;
use loket::store::{NewUser, Role};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo test --all-targets` runs benches once with `--bench` absent: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("chat_load: skipped outside `cargo bench`");
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LOKET_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("server runtime");
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        bind: "127.0.0.1:0".parse().expect("addr"),
        database_url: format!("sqlite://{}", dir.path().join("load.db").display()),
        ..Config::default()
    };
    let running = server_rt
        .block_on(loket::server::start(config))
        .expect("server");
    let base = format!("http://{}", running.addr);
    let store = running.store.clone();
    client_rt.block_on(run(base, store));
    let _ = server_rt.block_on(running.stop());
}

/// Chats per agent: bursts of offers stay within the console's frame rate limit.
const AGENT_CAPACITY: u8 = 10;

async fn run(base: String, store: loket::store::Store) {
    let conversations = env("CONVERSATIONS", 1000) as usize;
    let rate = env("RATE", 2000);
    let seconds = env("SECONDS", 20);
    let agents = conversations.div_ceil(usize::from(AGENT_CAPACITY));
    let hash = loket::auth::hash_password("load-test-password").expect("hash");
    let ws_base = base.replace("http://", "ws://");

    // Agents: log in over HTTP, open the console socket, go available.
    let received: Arc<Mutex<Vec<u64>>> = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(AtomicU64::new(0));
    let gaps = Arc::new(AtomicU64::new(0));
    let assigned = Arc::new(AtomicU64::new(0));
    for i in 0..agents {
        let name = format!("load{i}");
        store
            .add_user(&NewUser {
                username: &name,
                display_name: &name,
                role: Role::Agent,
                password_hash: &hash,
                chat_capacity: AGENT_CAPACITY,
                skills: &["chat"],
                is_demo: false,
            })
            .await
            .expect("agent");
        let client = client();
        let csrf = csrf(&client, &base, "/staff/login").await;
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
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("console socket");
        let (mut tx, mut rx) = ws.split();
        tx.send(Message::Text(
            json!({"type": "presence", "presence": "available"})
                .to_string()
                .into(),
        ))
        .await
        .expect("presence");
        let (received, errors, gaps, assigned) = (
            received.clone(),
            errors.clone(),
            gaps.clone(),
            assigned.clone(),
        );
        tokio::spawn(async move {
            let mut last: HashMap<i64, i64> = HashMap::new();
            while let Some(Ok(msg)) = rx.next().await {
                let Message::Text(text) = msg else { continue };
                let Ok(f) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                match f["type"].as_str() {
                    Some("offer") => {
                        let c = f["conversation"].clone();
                        let frame = json!({"type": "accept", "conversation": c}).to_string();
                        if tx.send(Message::Text(frame.into())).await.is_err() {
                            break;
                        }
                    }
                    Some("assigned") => {
                        assigned.fetch_add(1, Ordering::Relaxed);
                        let c = f["conversation"].as_i64().unwrap_or(0);
                        last.insert(c, f["last_seq"].as_i64().unwrap_or(0));
                    }
                    Some("message") if f["sender"] == "resident" => {
                        let c = f["conversation"].as_i64().unwrap_or(0);
                        let seq = f["seq"].as_i64().unwrap_or(0);
                        let prev = last.insert(c, seq).unwrap_or(0);
                        if seq != prev + 1 {
                            gaps.fetch_add(1, Ordering::Relaxed);
                        }
                        if let Some(sent) = f["body"]
                            .as_str()
                            .and_then(|b| b.strip_prefix("t="))
                            .and_then(|t| t.parse::<u64>().ok())
                        {
                            let now = micros();
                            received.lock().await.push(now.saturating_sub(sent));
                        }
                    }
                    Some("error") => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
            }
        });
    }

    // Residents: start chats through the form, open their sockets.
    let started = Instant::now();
    let mut residents = Vec::new();
    for i in 0..conversations {
        let client = client();
        let csrf = csrf(&client, &base, "/chat/start").await;
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
            .map(|l| l.trim_start_matches("/chat/").to_string())
            .expect("redirect to the conversation");
        let (ws, _) = tokio_tungstenite::connect_async(format!("{ws_base}/ws/chat/{token}"))
            .await
            .expect("resident socket");
        // Read (and so answer pings) from the start.
        let (tx, mut rx) = ws.split();
        tokio::spawn(async move { while rx.next().await.is_some() {} });
        residents.push(tx);
    }
    while assigned.load(Ordering::Relaxed) < conversations as u64 {
        if started.elapsed() > Duration::from_secs(120) {
            panic!(
                "only {} of {conversations} chats were accepted",
                assigned.load(Ordering::Relaxed)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "setup: {agents} agents, {conversations} conversations accepted in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Send at a fixed aggregate rate, round-robin over the conversations.
    let total = rate * seconds;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let mut sinks = residents;
    let send_start = Instant::now();
    let mut next = tokio::time::Instant::now();
    for n in 0..total {
        next += interval;
        tokio::time::sleep_until(next).await;
        let i = (n as usize) % sinks.len();
        let frame = json!({"type": "send", "client_id": format!("m{n}"), "body": format!("t={}", micros())});
        if sinks[i]
            .send(Message::Text(frame.to_string().into()))
            .await
            .is_err()
        {
            errors.fetch_add(1, Ordering::Relaxed);
        }
    }
    let send_secs = send_start.elapsed().as_secs_f64();
    // Let the last messages arrive.
    let deadline = Instant::now() + Duration::from_secs(10);
    while (received.lock().await.len() as u64) < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut lat = received.lock().await.clone();
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return f64::NAN;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i] as f64 / 1000.0
    };
    println!(
        "sent {total} messages in {send_secs:.1} s ({:.0} msg/s offered); delivered {} ({} lost), \
         sequence gaps/duplicates {}, error frames {}",
        total as f64 / send_secs,
        lat.len(),
        total.saturating_sub(lat.len() as u64),
        gaps.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed)
    );
    println!(
        "delivery latency (resident socket -> stored -> agent socket): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0)
    );
}

fn micros() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
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
