//! The one connection loop that every live connection runs, whoever is on the other end.
//!
//! [`run`] owns everything that is the same for a resident's page and a console: it greets,
//! then waits at once for the next client frame, the next hub event, the next call
//! signalling event, the next heartbeat and Loket's shutdown. Client frames are limited
//! in rate ([`RateLimit`]), must be JSON text, and are decoded with [`protocol::decode`]
//! into the [`Peer`]'s frame type; a bad frame gets an `error` frame and the connection
//! stays up. What a frame *means* is the peer's business ([`Peer::frame`]).
//!
//! Every way a connection ends on the server's side has a name ([`Close`]) and a close
//! code the browser acts on (`static/js/live.js`, documented in `docs/protocol.md`).

use super::frames::{error_frame, event_frame};
use super::signal::{self, CallLink};
use crate::hub::Event;
use crate::i18n::T;
use crate::protocol::{self, ErrorCode, MAX_FRAME_BYTES, ServerFrame};
use crate::web::AppState;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A client that takes longer than this to accept one frame is disconnected.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Frames per second a client may send on average (burst twice that). Every frame
/// counts: text, binary, ping and pong.
const FRAMES_PER_SEC: f64 = 20.0;
/// Frames refused for the rate a client may send before its connection is closed
/// (1008); one more is forgiven every second. A burst of a few hundred (a script that
/// sends what it has at once) gets `rate_limited` errors and stays; a flood is cut off.
const REFUSALS_ALLOWED: f64 = 200.0;

/// Why the server closes a connection, with the close code the client sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    /// 1002: the data was not a valid WebSocket frame.
    Protocol,
    /// 1007: a text frame that is not UTF-8.
    NotUtf8,
    /// 1009: a frame over [`MAX_FRAME_BYTES`].
    TooLarge,
    /// 1012: Loket is stopping; reconnect in a moment and resume.
    Restart,
    /// 1013: the client did not keep up with its events; reconnect and resume.
    TooSlow,
    /// 1008: the client went on sending far over the frame rate (pings included).
    TooManyFrames,
    /// 4401: the staff session ended (logout elsewhere, expiry, disabled account).
    SessionEnded,
}

impl Close {
    /// The WebSocket close code.
    pub fn code(self) -> u16 {
        match self {
            Close::Protocol => 1002,
            Close::NotUtf8 => 1007,
            Close::TooLarge => 1009,
            Close::Restart => 1012,
            Close::TooSlow => 1013,
            Close::TooManyFrames => 1008,
            Close::SessionEnded => 4401,
        }
    }

    /// The reason sent with the code (for people reading logs and tools).
    pub fn reason(self) -> String {
        match self {
            Close::Protocol => "not a valid WebSocket frame".into(),
            Close::NotUtf8 => "text frames must be valid UTF-8".into(),
            Close::TooLarge => format!("frame too large; the limit is {MAX_FRAME_BYTES} bytes"),
            Close::Restart => "Loket is restarting; reconnect in a moment".into(),
            Close::TooSlow => "too slow; reconnect and resume".into(),
            Close::TooManyFrames => {
                format!("too many frames; the limit is {FRAMES_PER_SEC} a second")
            }
            Close::SessionEnded => "session ended".into(),
        }
    }

    /// The close for a connection whose incoming data broke the protocol. axum does not
    /// expose tungstenite's error type, so the kind is read from its text.
    fn for_bad_data(e: &axum::Error) -> Close {
        let text = e.to_string();
        tracing::info!(error = %text, "closing a connection after bad data");
        if text.contains("Space limit exceeded") || text.contains("too long") {
            Close::TooLarge
        } else if text.to_lowercase().contains("utf-8") {
            Close::NotUtf8
        } else {
            Close::Protocol
        }
    }
}

/// One side of a live connection: a resident's page or a console.
pub trait Peer: Send {
    /// The frames this side may send.
    type Frame: DeserializeOwned + Send;
    /// Their `type` names (for clear errors on unknown types).
    const TYPES: &'static [&'static str];

    /// The first frames after `hello`; false when the socket is gone.
    fn greet(&mut self, conn: &mut Conn) -> impl Future<Output = bool> + Send;

    /// Handles one decoded frame; false to close the connection.
    fn frame(&mut self, conn: &mut Conn, frame: Self::Frame) -> impl Future<Output = bool> + Send;

    /// The hub stopped this connection's events (it fell behind, or the conversation
    /// closed): the close to send, or `None` to go on without live events.
    fn events_ended(&self) -> Option<Close>;

    /// Runs at every heartbeat before the ping: a close to end the connection now.
    fn heartbeat(&mut self) -> impl Future<Output = Option<Close>> + Send;

    /// The call this connection takes part in, if any.
    fn call(&mut self) -> &mut Option<CallLink>;
}

/// A live connection: the socket, the reader's language, and what it was sent.
pub struct Conn {
    socket: WebSocket,
    pub t: T,
    /// Highest message number sent per conversation (a resume that races a live event
    /// must not deliver a message twice).
    pub last_sent: HashMap<i64, i64>,
    /// Highest message number replayed per conversation: a `resume` never replays a
    /// message this connection was sent by an earlier one (160 small `resume` frames
    /// made the server send 516 MB).
    pub replayed: HashMap<i64, i64>,
    /// The reader is the resident (labels "you" and staff names accordingly).
    pub resident_view: bool,
}

impl Conn {
    /// A connection on `socket` for a reader in language `t`.
    pub fn new(socket: WebSocket, t: T, resident_view: bool) -> Conn {
        Conn {
            socket,
            t,
            last_sent: HashMap::new(),
            replayed: HashMap::new(),
            resident_view,
        }
    }

    /// Writes one frame; false when the socket is gone.
    pub async fn send(&mut self, frame: &ServerFrame) -> bool {
        match serde_json::to_string(frame) {
            Ok(text) => self.write(WsMessage::Text(text.into())).await,
            Err(e) => {
                tracing::error!(error = %e, "frame did not serialise");
                true
            }
        }
    }

    /// Sends a hub event as this reader sees it (skipping messages already sent).
    pub async fn send_event(&mut self, event: &Event) -> bool {
        let frame = event_frame(self.t, event, self.resident_view, &mut self.last_sent);
        match frame {
            Some(frame) => self.send(&frame).await,
            None => true,
        }
    }

    /// Closes with a named reason (best effort).
    pub async fn close(&mut self, why: Close) {
        let frame = CloseFrame {
            code: why.code(),
            reason: why.reason().into(),
        };
        let _ = self.write(WsMessage::Close(Some(frame))).await;
    }

    /// The next message from the client; `None` when the connection is over. Data that
    /// breaks the protocol is answered with a close frame and a reason first.
    async fn receive(&mut self) -> Option<WsMessage> {
        match self.socket.recv().await? {
            Ok(msg) => Some(msg),
            Err(e) => {
                self.close(Close::for_bad_data(&e)).await;
                None
            }
        }
    }

    /// Writes one WebSocket message; false when the connection is gone or the client did
    /// not take it within [`SEND_TIMEOUT`].
    async fn write(&mut self, msg: WsMessage) -> bool {
        match tokio::time::timeout(SEND_TIMEOUT, self.socket.send(msg)).await {
            Ok(result) => result.is_ok(),
            Err(_) => {
                tracing::info!("client is not reading its connection; closing it");
                false
            }
        }
    }
}

/// Token bucket for incoming frames, with a second bucket for refused frames: a client
/// that goes on sending over the rate is cut off.
struct RateLimit {
    tokens: f64,
    refusals: f64,
    last: Instant,
}

/// What the rate limit says about one frame.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Allow,
    Refuse,
    Close,
}

impl RateLimit {
    fn new() -> Self {
        RateLimit {
            tokens: FRAMES_PER_SEC * 2.0,
            refusals: REFUSALS_ALLOWED,
            last: Instant::now(),
        }
    }

    fn check(&mut self) -> Verdict {
        let now = Instant::now();
        let secs = now.duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + secs * FRAMES_PER_SEC).min(FRAMES_PER_SEC * 2.0);
        self.refusals = (self.refusals + secs).min(REFUSALS_ALLOWED);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Verdict::Allow
        } else if self.refusals >= 1.0 {
            self.refusals -= 1.0;
            Verdict::Refuse
        } else {
            Verdict::Close
        }
    }
}

/// What the loop does after one client message.
enum Step {
    Go,
    Stop,
}

/// Runs a connection until either side ends it. `events` are the hub's events for it
/// (`None`: nothing live will come, as for a closed conversation). On return the peer's
/// call media is released; the caller unregisters the connection from the hub.
pub async fn run<P: Peer>(
    state: &AppState,
    mut conn: Conn,
    peer: &mut P,
    hello: ServerFrame,
    mut events: Option<mpsc::Receiver<Arc<Event>>>,
) {
    let mut limit = RateLimit::new();
    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(Duration::from_secs(state.config.connections.ping_secs));
    let silent_limit = Duration::from_secs(state.config.connections.silent_secs);
    let mut closing = state.hub.closing();
    ping.tick().await;
    if conn.send(&hello).await && peer.greet(&mut conn).await {
        loop {
            tokio::select! {
                incoming = conn.receive() => {
                    let Some(msg) = incoming else { break };
                    last_heard = Instant::now();
                    match on_message(&mut conn, peer, &mut limit, msg).await {
                        Step::Go => {}
                        Step::Stop => break,
                    }
                }
                media = signal::next_event(peer.call()) => {
                    let conversation = peer.call().as_ref().map(|l| l.conversation);
                    match (media, conversation) {
                        (Some(ev), Some(c)) => {
                            if !conn.send(&signal::event_frame(c, ev)).await { break }
                        }
                        _ => *peer.call() = None,
                    }
                }
                event = recv_event(&mut events) => {
                    let Some(event) = event else {
                        match peer.events_ended() {
                            Some(why) => {
                                conn.close(why).await;
                                break;
                            }
                            None => {
                                events = None;
                                continue;
                            }
                        }
                    };
                    if !conn.send_event(&event).await { break }
                }
                _ = async { let _ = closing.wait_for(|stopping| *stopping).await; } => {
                    conn.close(Close::Restart).await;
                    break;
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > silent_limit {
                        tracing::info!("connection silent; closing");
                        break;
                    }
                    if let Some(why) = peer.heartbeat().await {
                        conn.close(why).await;
                        break;
                    }
                    if !conn.write(WsMessage::Ping(Vec::new().into())).await { break }
                }
            }
        }
    }
    if let Some(link) = peer.call().take() {
        signal::leave(state, link).await;
    }
}

/// The next hub event; pending forever when there are none to wait for.
async fn recv_event(events: &mut Option<mpsc::Receiver<Arc<Event>>>) -> Option<Arc<Event>> {
    match events {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// One message from the client: rate limit, decode, then the peer's handling.
async fn on_message<P: Peer>(
    conn: &mut Conn,
    peer: &mut P,
    limit: &mut RateLimit,
    msg: WsMessage,
) -> Step {
    if matches!(msg, WsMessage::Close(_)) {
        return Step::Stop;
    }
    // Every other frame counts, control frames too (tungstenite answers a ping with a
    // pong before Loket sees it, so a ping flood costs the server as much as text).
    match limit.check() {
        Verdict::Allow => {}
        Verdict::Refuse if matches!(msg, WsMessage::Text(_)) => {
            return go_on(
                conn.send(&error_frame(
                    ErrorCode::RateLimited,
                    "too many frames; slow down",
                ))
                .await,
            );
        }
        Verdict::Refuse => return Step::Go,
        Verdict::Close => {
            tracing::info!("client far over the frame rate; closing its connection");
            conn.close(Close::TooManyFrames).await;
            return Step::Stop;
        }
    }
    let text = match msg {
        WsMessage::Text(text) => text,
        WsMessage::Binary(_) => {
            return go_on(
                conn.send(&error_frame(
                    ErrorCode::InvalidFrame,
                    "frames are JSON text",
                ))
                .await,
            );
        }
        _ => return Step::Go,
    };
    match protocol::decode::<P::Frame>(&text, P::TYPES) {
        Ok(frame) => go_on(peer.frame(conn, frame).await),
        Err((code, message)) => go_on(conn.send(&error_frame(code, message)).await),
    }
}

fn go_on(ok: bool) -> Step {
    if ok { Step::Go } else { Step::Stop }
}
