//! Test harness: a real Loket server on an ephemeral loopback port with a fresh SQLite
//! file, HTTP clients with their own cookie jars, and real WebSocket clients.

pub mod peer;

use futures_util::{SinkExt, StreamExt};
use loket::config::Config;
use loket::server::Running;
use loket::store::{NewUser, Role};
use reqwest::cookie::{CookieStore, Jar};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const PASSWORD: &str = "correct-horse-battery";

pub struct Server {
    pub running: Option<Running>,
    pub base: String,
    pub dir: tempfile::TempDir,
}

impl Server {
    /// Starts Loket with short timeouts suitable for tests.
    pub async fn start() -> Server {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tune: impl FnOnce(&mut Config)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir, tune).await
    }

    /// Starts on an existing data directory (for restart tests).
    pub async fn start_in(dir: tempfile::TempDir, tune: impl FnOnce(&mut Config)) -> Server {
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("LOKET_LOG")
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
            )
            .try_init();
        let mut config = Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            database_url: format!("sqlite://{}", dir.path().join("loket.db").display()),
            ..Config::default()
        };
        config.broker.offer_timeout_secs = 5;
        config.broker.retry_cooldown_secs = 30;
        config.staff.disconnect_grace_secs = 1;
        config.chat.resident_grace_secs = 1;
        // Most tests start a chat before an agent logs in; the front door's own tests
        // (tests/it/front_door.rs) switch this back to the default.
        config.front_door.queue_without_staff = true;
        // Every test client comes from 127.0.0.1: the intake limits are wide here, and
        // the flood tests (tests/it/flood.rs) put them back to their defaults.
        config.intake = wide_intake();
        // Tests of other things send quickly; chat.rs tests the message limit itself.
        config.chat.message_burst = 100_000;
        tune(&mut config);
        let running = loket::server::start(config).await.unwrap();
        let base = format!("http://{}", running.addr);
        Server {
            running: Some(running),
            base,
            dir,
        }
    }

    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(r) = self.running.take() {
            let hub = r.hub.clone();
            let store = r.store.clone();
            let _ = tokio::time::timeout(Duration::from_secs(5), r.stop()).await;
            hub.shutdown().await;
            store.close().await;
        }
        self.dir
    }

    pub fn store(&self) -> &loket::store::Store {
        &self.running.as_ref().unwrap().store
    }

    /// Adds a staff account directly in the store.
    pub async fn add_staff(&self, username: &str, role: Role, skills: &[&str], capacity: u8) {
        let hash = loket::auth::hash_password(PASSWORD).unwrap();
        self.store()
            .add_user(&NewUser {
                username,
                display_name: &format!("{username} name"),
                role,
                password_hash: &hash,
                chat_capacity: capacity,
                skills,
                is_demo: false,
            })
            .await
            .unwrap();
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// A browser whose connections come from `address` (e.g. "127.0.2.1").
    pub fn browser_at(&self, address: &str) -> Browser {
        Browser::from_address(&self.base, address.parse().unwrap_or([127, 0, 0, 1].into()))
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("{}{}", self.base.replace("http://", "ws://"), path)
    }
}

/// An HTTP client with its own cookies, like one browser.
pub struct Browser {
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: String,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Browser {
    /// A browser for the server at `base` (`http://127.0.0.1:port`).
    pub fn new(base: &str) -> Browser {
        Browser::from_address(base, std::net::Ipv4Addr::LOCALHOST.into())
    }

    /// A browser whose connections come from `address` (any of 127.0.0.0/8 reaches a
    /// server on 127.0.0.1 on Linux): another resident, another network.
    pub fn from_address(base: &str, address: std::net::IpAddr) -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .local_address(address)
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            client,
            jar,
            base: base.to_string(),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let r = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap();
        page(r).await
    }

    /// Posts a form; the CSRF token is taken from `form_page` first.
    pub async fn post(&self, path: &str, form: &[(&str, &str)], csrf: &str) -> Page {
        let mut fields: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        fields.push(("csrf".into(), csrf.into()));
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let r = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        page(r).await
    }

    /// The CSRF token of a page's forms.
    pub async fn csrf(&self, path: &str) -> String {
        let p = self.get(path).await;
        extract(&p.body, "name=\"csrf\" value=\"", "\"").expect("page has a csrf field")
    }

    pub fn cookie_header(&self) -> String {
        let url = reqwest::Url::parse(&self.base).unwrap();
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    /// Logs a staff member in (with the test password); panics when it fails.
    pub async fn login(&self, username: &str) {
        self.login_with(username, PASSWORD).await;
    }

    /// Logs a staff member in with `password`; panics when it fails.
    pub async fn login_with(&self, username: &str, password: &str) {
        let csrf = self.csrf("/staff/login").await;
        let p = self
            .post(
                "/staff/login",
                &[("username", username), ("password", password)],
                &csrf,
            )
            .await;
        assert_eq!(p.status, 303, "login failed: {}", p.body);
    }

    /// Starts a chat as a resident; returns the conversation token.
    pub async fn start_chat(&self, name: &str, question: &str) -> String {
        let csrf = self.csrf("/chat/start").await;
        let p = self
            .post(
                "/chat/start",
                &[("name", name), ("topic", ""), ("question", question)],
                &csrf,
            )
            .await;
        assert_eq!(p.status, 303, "start failed: {}", p.body);
        let loc = p.location.unwrap();
        loc.trim_start_matches("/chat/").to_string()
    }
}

/// A free TCP port on 127.0.0.1 (for a server started as its own process).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until the server at `base` answers `/healthz`.
pub async fn wait_healthy(base: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await {
            if r.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{base} did not become healthy");
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn extract(body: &str, start: &str, end: &str) -> Option<String> {
    let i = body.find(start)? + start.len();
    let j = body[i..].find(end)? + i;
    Some(body[i..j].to_string())
}

async fn page(r: reqwest::Response) -> Page {
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let body = r.text().await.unwrap();
    Page {
        status,
        location,
        body,
    }
}

/// A WebSocket client speaking Loket's JSON protocol.
pub struct Ws {
    pub stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Frames received but not yet taken by `expect`.
    pub buffer: std::collections::VecDeque<Value>,
}

impl Ws {
    pub async fn connect(url: &str, cookie: Option<&str>) -> Ws {
        let mut req = url.into_client_request().unwrap();
        if let Some(c) = cookie {
            req.headers_mut().insert("cookie", c.parse().unwrap());
        }
        let (stream, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        let mut ws = Ws {
            stream,
            buffer: Default::default(),
        };
        let hello = ws.next().await;
        assert_eq!(hello["type"], "hello", "{hello}");
        assert_eq!(hello["protocol"], 1);
        ws
    }

    pub async fn send(&mut self, v: Value) {
        self.stream
            .send(WsMessage::Text(v.to_string().into()))
            .await
            .unwrap();
    }

    pub async fn send_raw(&mut self, text: &str) {
        self.stream
            .send(WsMessage::Text(text.to_string().into()))
            .await
            .unwrap();
    }

    /// The next JSON frame (10 s limit).
    pub async fn next(&mut self) -> Value {
        if let Some(f) = self.buffer.pop_front() {
            return f;
        }
        self.read().await
    }

    async fn read(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.stream.next())
                .await
                .expect("timed out waiting for a frame")
                .expect("socket closed")
                .expect("socket error");
            match msg {
                WsMessage::Text(t) => return serde_json::from_str(&t).unwrap(),
                WsMessage::Close(c) => panic!("socket closed by server: {c:?}"),
                _ => continue,
            }
        }
    }

    /// The first frame (buffered or new) of `kind` that satisfies `pred`; other frames
    /// stay buffered for later calls.
    pub async fn expect(&mut self, kind: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .buffer
            .iter()
            .position(|f| f["type"] == kind && pred(f))
        {
            return self.buffer.remove(i).unwrap_or_default();
        }
        loop {
            let f = self.read().await;
            if f["type"] == kind && pred(&f) {
                return f;
            }
            self.buffer.push_back(f);
        }
    }

    /// Frames arriving within `ms` milliseconds.
    pub async fn drain(&mut self, ms: u64) -> Vec<Value> {
        let mut out: Vec<Value> = self.buffer.drain(..).collect();
        let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
        while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, self.stream.next()).await {
            if let WsMessage::Text(t) = msg {
                out.push(serde_json::from_str(&t).unwrap());
            }
        }
        out
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}

/// Connects an agent console and makes the agent available.
pub async fn available_agent(server: &Server, username: &str) -> (Browser, Ws) {
    let b = server.browser();
    b.login(username).await;
    let mut ws = Ws::connect(&server.ws_url("/ws/staff"), Some(&b.cookie_header())).await;
    ws.send(json!({"type": "presence", "presence": "available"}))
        .await;
    ws.expect("presence", |f| f["presence"] == "available")
        .await;
    (b, ws)
}

/// Waits for the next offer on an agent's console, accepts it and returns its id.
pub async fn accept_next(agent: &mut Ws) -> i64 {
    let offer = agent.expect("offer", |_| true).await;
    let id = offer["conversation"].as_i64().unwrap();
    agent
        .send(json!({"type": "accept", "conversation": id}))
        .await;
    agent.expect("assigned", |f| f["conversation"] == id).await;
    id
}

pub fn msg(client_id: &str, body: &str) -> Value {
    json!({"type": "send", "client_id": client_id, "body": body})
}

/// Intake limits no test of something else runs into.
pub fn wide_intake() -> loket::config::IntakeSettings {
    loket::config::IntakeSettings {
        live_per_browser: 100_000,
        live_per_address: 100_000,
        live_per_network: 100_000,
        live_per_kiosk: 100_000,
        messages_per_browser: 100_000,
        messages_per_address: 100_000,
        messages_per_network: 100_000,
        messages_per_kiosk: 100_000,
        messages_per_reach: 100_000,
        ..loket::config::IntakeSettings::default()
    }
}
