//! The WebSocket endpoints: `/ws/chat/{token}` (a resident) and `/ws/staff` (the console).
//!
//! Each connection is one task that reads client frames and writes the hub's events as
//! protocol frames in the connection's language. Frames are decoded with
//! [`protocol::decode`]; a bad frame gets an `error` frame and the connection stays up.
//! The server pings every `connections.ping_secs` and closes a connection that has been
//! silent (no frame, no pong) for `connections.silent_secs` (see
//! [`crate::config::ConnectionSettings`]); the browser then reconnects and resumes.
//! Writes are bounded too: the hub drops a connection whose queue of events is full, and
//! a write that the client does not take within [`SEND_TIMEOUT`] closes the connection,
//! so a client that stops reading costs a bounded amount of memory and never holds up
//! anyone else. When Loket stops, every connection is closed first with 1012 ("service
//! restart"); the browser reconnects with back-off and resumes when Loket is back.

use super::ctx::{SESSION_COOKIE, cookie, request_lang};
use super::resident::status_sentence;
use super::signal::{self, CallLink};
use super::staff::set_presence;
use super::views::{local_time, message_text, sender_label};
use super::{AppError, AppState, StaffUser};
use crate::auth::plausible_token;
use crate::broker::{ContactId, Input, Presence, StaffId};
use crate::hub::{EndedBy, Event, HubError, RESIDENT_MEDIA_ID, StatusInfo, Work, staff_media_id};
use crate::i18n::{Lang, T};
use crate::protocol::{
    self, ErrorCode, MAX_FRAME_BYTES, MessageOut, PROTOCOL_VERSION, PresenceChoice, QueueOut,
    ResidentFrame, ServerFrame, StaffFrame, clean_message, valid_client_id,
};
use crate::sfu::ClientSignal;
use crate::store::{Conversation, Message, Sender, User};
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tracing::Instrument;

/// A client that takes longer than this to accept one frame is disconnected.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Frames per second a client may send on average (burst twice that).
const FRAMES_PER_SEC: f64 = 20.0;

/// Cross-site WebSocket hijacking guard: a browser's `Origin` must match our host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true; // not a browser; cookies and tokens still apply
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

/// `GET /ws/chat/{token}`
pub async fn resident_socket(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, AppError> {
    if !same_origin(&headers) {
        return Ok(StatusCode::FORBIDDEN.into_response());
    }
    if !plausible_token(&token) {
        return Ok(StatusCode::NOT_FOUND.into_response());
    }
    let Some(conv) = state.store.conversation_by_token(&token).await? else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let lang = request_lang(&headers);
    Ok(bounded(ws).on_upgrade(move |socket| {
        let span = tracing::info_span!("resident_ws", conversation = conv.id);
        resident_conn(state, conv, lang, socket).instrument(span)
    }))
}

/// `GET /ws/staff`
pub async fn staff_socket(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<StaffUser>,
    ws: WebSocketUpgrade,
) -> Result<Response, AppError> {
    if !same_origin(&headers) {
        return Ok(StatusCode::FORBIDDEN.into_response());
    }
    let Some(StaffUser(user)) = user else {
        return Ok(StatusCode::UNAUTHORIZED.into_response());
    };
    let Some(session) = cookie(&headers, SESSION_COOKIE).map(str::to_string) else {
        return Ok(StatusCode::UNAUTHORIZED.into_response());
    };
    let lang = request_lang(&headers);
    Ok(bounded(ws).on_upgrade(move |socket| {
        let span = tracing::info_span!("staff_ws", staff = user.id);
        staff_conn(state, user, session, lang, socket).instrument(span)
    }))
}

/// Buffer sizes and limits of every live connection. tungstenite's defaults (a 128 KiB
/// read buffer each, an unbounded write buffer) made an idle connection cost about
/// 155 KiB; Loket's frames are small, so a small read buffer (it grows for a large frame
/// up to [`MAX_FRAME_BYTES`]) and a capped write buffer suffice.
fn bounded(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(4 * MAX_FRAME_BYTES)
}

/// Token bucket for incoming frames.
struct RateLimit {
    tokens: f64,
    last: Instant,
}

impl RateLimit {
    fn new() -> Self {
        RateLimit {
            tokens: FRAMES_PER_SEC * 2.0,
            last: Instant::now(),
        }
    }

    fn allow(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * FRAMES_PER_SEC;
        self.tokens = (self.tokens + refill).min(FRAMES_PER_SEC * 2.0);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Writes one frame; false when the socket is gone.
async fn send(socket: &mut WebSocket, frame: &ServerFrame) -> bool {
    match serde_json::to_string(frame) {
        Ok(text) => write(socket, WsMessage::Text(text.into())).await,
        Err(e) => {
            tracing::error!(error = %e, "frame did not serialise");
            true
        }
    }
}

/// The next message from the client; `None` when the connection is over. Data that
/// breaks the protocol is answered with a close frame and a reason first.
async fn receive(socket: &mut WebSocket) -> Option<WsMessage> {
    match socket.recv().await? {
        Ok(msg) => Some(msg),
        Err(e) => {
            let _ = write(socket, WsMessage::Close(Some(close_for(&e)))).await;
            None
        }
    }
}

/// The close frame for a connection whose incoming data broke the protocol: a frame over
/// the size limit (1009), text that is not UTF-8 (1007), anything else (1002).
fn close_for(e: &axum::Error) -> CloseFrame {
    let text = e.to_string();
    tracing::info!(error = %text, "closing a connection after bad data");
    let (code, reason) = if text.contains("Space limit exceeded") || text.contains("too long") {
        (
            1009,
            format!("frame too large; the limit is {MAX_FRAME_BYTES} bytes"),
        )
    } else if text.to_lowercase().contains("utf-8") {
        (1007, "text frames must be valid UTF-8".to_string())
    } else {
        (1002, "not a valid WebSocket frame".to_string())
    };
    CloseFrame {
        code,
        reason: reason.into(),
    }
}

/// Writes one WebSocket message; false when the connection is gone or the client did not
/// take it within [`SEND_TIMEOUT`].
async fn write(socket: &mut WebSocket, msg: WsMessage) -> bool {
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(msg)).await {
        Ok(result) => result.is_ok(),
        Err(_) => {
            tracing::info!("client is not reading its connection; closing it");
            false
        }
    }
}

fn error_frame(code: ErrorCode, message: impl Into<String>) -> ServerFrame {
    ServerFrame::Error {
        code,
        message: message.into(),
        conversation: None,
        client_id: None,
    }
}

/// The frame for a stored message, as `resident_view` or staff sees it.
fn message_frame(t: T, conversation: i64, m: &Message, resident_view: bool) -> ServerFrame {
    ServerFrame::Message(MessageOut {
        conversation,
        seq: m.seq,
        sender: m.sender.as_str().to_string(),
        sender_name: sender_label(t, m, resident_view),
        body: message_text(t, m),
        time: local_time(m.created_at),
        at: m.created_at,
        client_id: m.client_id.clone(),
    })
}

fn status_frame(t: T, conversation: i64, info: &StatusInfo) -> ServerFrame {
    ServerFrame::Status {
        conversation,
        status: info.status.as_str().to_string(),
        position: info.position,
        wait_minutes: info.wait_ms.map(|ms| ms.div_ceil(60_000)),
        agent_name: info.agent_name.clone(),
        text: status_sentence(t, info),
    }
}

fn pick(t: T, nl: &str, en: &str) -> String {
    match t.lang {
        Lang::Nl => nl.to_string(),
        Lang::En => en.to_string(),
    }
}

fn topic_text(t: T, nl: &Option<String>, en: &Option<String>) -> String {
    match t.lang {
        Lang::Nl => nl.clone(),
        Lang::En => en.clone(),
    }
    .unwrap_or_else(|| t.s("console.no_topic").to_string())
}

/// Turns a hub event into a frame for this connection; `None` to skip it.
/// `last_sent` drops messages already delivered (by a resume that raced a live event).
fn event_frame(
    t: T,
    event: &Event,
    resident_view: bool,
    last_sent: &mut HashMap<i64, i64>,
) -> Option<ServerFrame> {
    Some(match event {
        Event::Message {
            conversation,
            message,
        } => {
            let last = last_sent.entry(*conversation).or_insert(0);
            if message.seq <= *last {
                return None;
            }
            *last = message.seq;
            message_frame(t, *conversation, message, resident_view)
        }
        Event::Typing {
            conversation,
            who,
            active,
        } => ServerFrame::Typing {
            conversation: *conversation,
            who: who.clone(),
            active: *active,
        },
        Event::Status { conversation, info } => status_frame(t, *conversation, info),
        Event::Offer {
            conversation,
            queue_nl,
            queue_en,
            resident_name,
            topic_nl,
            topic_en,
            preview,
            expires_in_ms,
            call,
            join_by,
        } => ServerFrame::Offer {
            conversation: *conversation,
            queue: pick(t, queue_nl, queue_en),
            resident_name: if resident_name.is_empty() {
                t.s("console.anonymous").to_string()
            } else {
                resident_name.clone()
            },
            topic: topic_text(t, topic_nl, topic_en),
            preview: match join_by {
                Some(name) => t.f("console.join_request", &[("name", name)]),
                None => preview.clone(),
            },
            expires_in_ms: *expires_in_ms,
            call: *call,
            join_by: join_by.clone(),
        },
        Event::OfferRevoked {
            conversation,
            reason,
        } => ServerFrame::OfferRevoked {
            conversation: *conversation,
            reason: reason.to_string(),
        },
        Event::Assigned {
            conversation,
            resident_name,
            topic_nl,
            topic_en,
            last_seq,
            call,
        } => ServerFrame::Assigned {
            conversation: *conversation,
            resident_name: resident_name.clone(),
            topic: topic_text(t, topic_nl, topic_en),
            last_seq: *last_seq,
            call: *call,
        },
        Event::Released {
            conversation,
            reason,
        } => ServerFrame::Released {
            conversation: *conversation,
            reason: reason.to_string(),
        },
        Event::Presence {
            available,
            offline,
            reason,
        } => ServerFrame::Presence {
            presence: if *available {
                "available"
            } else if *offline {
                "offline"
            } else {
                "away"
            }
            .to_string(),
            reason: reason.map(str::to_string),
            text: match (*available, *reason) {
                (false, Some("missed_offer")) => t.s("console.missed_offer"),
                (true, _) => t.s("console.you_available"),
                _ => t.s("console.you_away"),
            }
            .to_string(),
        },
        Event::Participants { conversation, list } => {
            signal::participants_frame(*conversation, list)
        }
        Event::Queues(figures) => ServerFrame::Queues {
            queues: figures
                .iter()
                .map(|q| QueueOut {
                    id: q.id,
                    name: pick(t, &q.name_nl, &q.name_en),
                    waiting: q.waiting,
                    longest_wait_secs: q.longest_wait_ms / 1000,
                    staff_available: q.staff_available,
                })
                .collect(),
        },
    })
}

/// Sends every stored message after `after`, in order, and records the last one sent.
async fn replay(
    state: &AppState,
    socket: &mut WebSocket,
    t: T,
    conversation: i64,
    after: i64,
    resident_view: bool,
    last_sent: &mut HashMap<i64, i64>,
) -> Result<bool, HubError> {
    let mut after = after.max(0);
    loop {
        let batch = state.store.messages_after(conversation, after, 500).await?;
        let done = batch.len() < 500;
        for m in &batch {
            if !send(socket, &message_frame(t, conversation, m, resident_view)).await {
                return Ok(false);
            }
            after = m.seq;
        }
        let last = last_sent.entry(conversation).or_insert(0);
        *last = (*last).max(after);
        if done {
            return Ok(true);
        }
    }
}

/// What a frame handler wants done next.
enum Next {
    Continue,
    Close,
}

async fn resident_conn(state: AppState, conv: Conversation, lang: Lang, mut socket: WebSocket) {
    let t = T::new(lang);
    let registration = state.hub.connect_resident(conv.id).ok();
    let (conn_id, mut rx) = match registration {
        Some((id, rx)) => (Some(id), rx),
        None => {
            // A closed conversation: replay only; nothing live will come.
            let (_tx, rx) = mpsc::channel::<Arc<Event>>(1);
            (None, rx)
        }
    };
    let mut last_sent = HashMap::new();
    let mut limit = RateLimit::new();
    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(Duration::from_secs(state.config.connections.ping_secs));
    let silent_limit = Duration::from_secs(state.config.connections.silent_secs);
    let mut closing = state.hub.closing();
    ping.tick().await;
    let mut live = conn_id.is_some();
    let mut call: Option<CallLink> = None;
    if send(
        &mut socket,
        &ServerFrame::Hello {
            protocol: PROTOCOL_VERSION,
            role: "resident".into(),
        },
    )
    .await
    {
        loop {
            tokio::select! {
                incoming = receive(&mut socket) => {
                    let Some(msg) = incoming else { break };
                    last_heard = Instant::now();
                    let text = match msg {
                        WsMessage::Text(text) => text,
                        WsMessage::Close(_) => break,
                        WsMessage::Binary(_) => {
                            if !send(&mut socket, &error_frame(ErrorCode::InvalidFrame, "frames are JSON text")).await { break }
                            continue;
                        }
                        _ => continue,
                    };
                    if !limit.allow() {
                        if !send(&mut socket, &error_frame(ErrorCode::RateLimited, "too many frames; slow down")).await { break }
                        continue;
                    }
                    let frame = match protocol::decode::<ResidentFrame>(&text, protocol::RESIDENT_TYPES) {
                        Ok(f) => f,
                        Err((code, message)) => {
                            if !send(&mut socket, &error_frame(code, message)).await { break }
                            continue;
                        }
                    };
                    match resident_frame(&state, &mut socket, t, &conv, frame, &mut last_sent, &mut call).await {
                        Next::Continue => {}
                        Next::Close => break,
                    }
                }
                media = signal::next_event(&mut call) => {
                    match media {
                        Some(ev) => {
                            if !send(&mut socket, &signal::event_frame(conv.id, ev)).await { break }
                        }
                        None => call = None,
                    }
                }
                event = rx.recv(), if live => {
                    let Some(event) = event else {
                        // Dropped by the hub (too slow) or the conversation closed.
                        if conn_id.is_some() && state.hub.is_open(conv.id) {
                            let _ = write(&mut socket, WsMessage::Close(Some(CloseFrame {
                                code: 1013,
                                reason: "too slow; reconnect and resume".into(),
                            }))).await;
                            break;
                        }
                        live = false;
                        continue;
                    };
                    if let Some(frame) = event_frame(t, &event, true, &mut last_sent) {
                        if !send(&mut socket, &frame).await { break }
                    }
                }
                _ = async { let _ = closing.wait_for(|stopping| *stopping).await; } => {
                    let _ = write(&mut socket, WsMessage::Close(Some(CloseFrame {
                        code: 1012,
                        reason: "Loket is restarting; reconnect in a moment".into(),
                    }))).await;
                    break;
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > silent_limit {
                        tracing::info!(conversation = conv.id, "resident connection silent; closing");
                        break;
                    }
                    if !write(&mut socket, WsMessage::Ping(Vec::new().into())).await { break }
                }
            }
        }
    }
    if let Some(link) = call.take() {
        signal::leave(&state, link).await;
    }
    if let Some(id) = conn_id {
        state.hub.disconnect_resident(conv.id, id);
    }
}

async fn resident_frame(
    state: &AppState,
    socket: &mut WebSocket,
    t: T,
    conv: &Conversation,
    frame: ResidentFrame,
    last_sent: &mut HashMap<i64, i64>,
    call: &mut Option<CallLink>,
) -> Next {
    let ok = match frame {
        ResidentFrame::Ping => send(socket, &ServerFrame::Pong).await,
        ResidentFrame::CallJoin => {
            let fresh = state.store.conversation(conv.id).await.ok().flatten();
            match fresh {
                Some(c) if c.is_call && c.status == crate::store::Status::Active => {
                    if let Some(old) = call.take() {
                        signal::leave(state, old).await;
                    }
                    let name = if c.resident_name.is_empty() {
                        t.s("console.anonymous").to_string()
                    } else {
                        c.resident_name.clone()
                    };
                    match signal::join(state, c.id, RESIDENT_MEDIA_ID, &name).await {
                        Ok(link) => {
                            *call = Some(link);
                            let list = state.hub.participants(c.id, &name);
                            send(socket, &signal::participants_frame(c.id, &list)).await
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "call join failed");
                            send(socket, &signal::refused(c.id, t.s("call.join_failed"))).await
                        }
                    }
                }
                _ => send(socket, &signal::refused(conv.id, t.s("call.not_yet"))).await,
            }
        }
        ResidentFrame::CallAnswer { sdp } => {
            call_signal(
                state,
                socket,
                t,
                conv.id,
                call,
                ClientSignal::Answer { sdp },
            )
            .await
        }
        ResidentFrame::CallCandidate(c) => {
            let s = ClientSignal::Candidate {
                candidate: c.candidate,
                sdp_mid: c.sdp_mid,
                sdp_mline_index: c.sdp_mline_index,
            };
            call_signal(state, socket, t, conv.id, call, s).await
        }
        ResidentFrame::CallLeave => {
            if let Some(link) = call.take() {
                signal::leave(state, link).await;
            }
            true
        }
        ResidentFrame::Resume { after } => {
            match replay(state, socket, t, conv.id, after, true, last_sent).await {
                Ok(false) => return Next::Close,
                Ok(true) => {}
                Err(e) => tracing::error!(error = %e, "resume failed"),
            }
            // Current status after the replay.
            let fresh = state.store.conversation(conv.id).await.ok().flatten();
            let info = match fresh {
                Some(c) if !c.status.is_closed() => state.hub.status_of(&c).await.ok(),
                Some(c) => Some(StatusInfo {
                    status: c.status,
                    position: None,
                    wait_ms: None,
                    agent_name: c.agent_name,
                }),
                None => None,
            };
            match info {
                Some(info) => send(socket, &status_frame(t, conv.id, &info)).await,
                None => true,
            }
        }
        ResidentFrame::Send { client_id, body } => {
            let frame = send_message(
                state,
                t,
                conv.id,
                Sender::Resident,
                &conv.resident_name,
                &client_id,
                &body,
            )
            .await;
            send(socket, &frame).await
        }
        ResidentFrame::Typing { active } => {
            let who = if conv.resident_name.is_empty() {
                t.s("console.anonymous").to_string()
            } else {
                conv.resident_name.clone()
            };
            state.hub.typing(conv.id, None, &who, active);
            true
        }
        ResidentFrame::Leave => match state.hub.resident_leave(conv.id).await {
            Ok(()) | Err(HubError::Closed) => true,
            Err(e) => {
                tracing::error!(error = %e, "leave failed");
                send(socket, &error_frame(ErrorCode::Unavailable, "try again")).await
            }
        },
    };
    if ok { Next::Continue } else { Next::Close }
}

/// Passes an answer or candidate to the SFU; a refusal becomes an error frame.
async fn call_signal(
    state: &AppState,
    socket: &mut WebSocket,
    t: T,
    conversation: i64,
    call: &Option<CallLink>,
    s: ClientSignal,
) -> bool {
    let Some(link) = call.as_ref().filter(|l| l.conversation == conversation) else {
        return send(
            socket,
            &signal::refused(conversation, t.s("call.not_joined")),
        )
        .await;
    };
    match signal::signal(state, link, s).await {
        Ok(()) => true,
        Err(e) => {
            tracing::info!(conversation, error = %e, "call signal refused");
            send(socket, &signal::refused(conversation, e.to_string())).await
        }
    }
}

/// Validates and stores a message; returns the `ack` or `error` frame for the sender.
async fn send_message(
    state: &AppState,
    t: T,
    conversation: i64,
    sender: Sender,
    sender_name: &str,
    client_id: &str,
    body: &str,
) -> ServerFrame {
    let max = state.config.chat.max_message_chars;
    let refuse = |code: ErrorCode, message: String| ServerFrame::Error {
        code,
        message,
        conversation: Some(conversation),
        client_id: valid_client_id(client_id).then(|| client_id.to_string()),
    };
    if !valid_client_id(client_id) {
        return refuse(
            ErrorCode::InvalidClientId,
            "client_id must be 1-64 characters of A-Z, a-z, 0-9, - or _".into(),
        );
    }
    let body = match clean_message(body, max) {
        Ok(b) => b,
        Err(ErrorCode::MessageTooLong) => {
            return refuse(
                ErrorCode::MessageTooLong,
                t.f("chat.error_too_long", &[("max", &max)]),
            );
        }
        Err(code) => return refuse(code, t.s("chat.error_empty").into()),
    };
    match state
        .hub
        .send_message(conversation, sender, sender_name, &body, Some(client_id))
        .await
    {
        Ok(appended) => ServerFrame::Ack {
            conversation,
            client_id: client_id.to_string(),
            seq: appended.message.seq,
        },
        Err(HubError::Closed) => refuse(
            ErrorCode::ConversationClosed,
            t.s("chat.error_closed").into(),
        ),
        Err(e) => {
            tracing::error!(conversation, error = %e, "message not stored");
            refuse(ErrorCode::Unavailable, t.s("chat.error_not_stored").into())
        }
    }
}

async fn staff_conn(
    state: AppState,
    user: User,
    session: String,
    lang: Lang,
    mut socket: WebSocket,
) {
    let t = T::new(lang);
    let idle_ms = i64::try_from(state.config.staff.session_idle_mins)
        .unwrap_or(60)
        .saturating_mul(60_000);
    if let Err(e) = state.hub.staff_online(&user).await {
        tracing::error!(error = %e, "staff registration failed");
        return;
    }
    let (conn_id, mut rx) = state.hub.connect_staff(user.id);
    let mut last_sent = HashMap::new();
    let mut limit = RateLimit::new();
    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(Duration::from_secs(state.config.connections.ping_secs));
    let silent_limit = Duration::from_secs(state.config.connections.silent_secs);
    let mut closing = state.hub.closing();
    ping.tick().await;
    let mut call: Option<CallLink> = None;
    if greet_staff(&state, &mut socket, t, &user).await {
        loop {
            tokio::select! {
                incoming = receive(&mut socket) => {
                    let Some(msg) = incoming else { break };
                    last_heard = Instant::now();
                    let text = match msg {
                        WsMessage::Text(text) => text,
                        WsMessage::Close(_) => break,
                        WsMessage::Binary(_) => {
                            if !send(&mut socket, &error_frame(ErrorCode::InvalidFrame, "frames are JSON text")).await { break }
                            continue;
                        }
                        _ => continue,
                    };
                    if !limit.allow() {
                        if !send(&mut socket, &error_frame(ErrorCode::RateLimited, "too many frames; slow down")).await { break }
                        continue;
                    }
                    let frame = match protocol::decode::<StaffFrame>(&text, protocol::STAFF_TYPES) {
                        Ok(f) => f,
                        Err((code, message)) => {
                            if !send(&mut socket, &error_frame(code, message)).await { break }
                            continue;
                        }
                    };
                    match staff_frame(&state, &mut socket, t, &user, frame, &mut last_sent, &mut call).await {
                        Next::Continue => {}
                        Next::Close => break,
                    }
                }
                media = signal::next_event(&mut call) => {
                    match (media, call.as_ref().map(|l| l.conversation)) {
                        (Some(ev), Some(c)) => {
                            if !send(&mut socket, &signal::event_frame(c, ev)).await { break }
                        }
                        _ => call = None,
                    }
                }
                event = rx.recv() => {
                    let Some(event) = event else {
                        let _ = write(&mut socket, WsMessage::Close(Some(CloseFrame {
                            code: 1013,
                            reason: "too slow; reconnect".into(),
                        }))).await;
                        break;
                    };
                    if let Some(frame) = event_frame(t, &event, false, &mut last_sent) {
                        if !send(&mut socket, &frame).await { break }
                    }
                }
                _ = async { let _ = closing.wait_for(|stopping| *stopping).await; } => {
                    let _ = write(&mut socket, WsMessage::Close(Some(CloseFrame {
                        code: 1012,
                        reason: "Loket is restarting; reconnect in a moment".into(),
                    }))).await;
                    break;
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > silent_limit {
                        tracing::info!(staff = user.id, "console connection silent; closing");
                        break;
                    }
                    // An open console keeps the session alive; a session that ended
                    // elsewhere (logout, disabled account) closes the console.
                    match state.store.session_user(&session, idle_ms).await {
                        Ok(Some(_)) => {}
                        Ok(None) => {
                            let _ = write(&mut socket, WsMessage::Close(Some(CloseFrame {
                                code: 4401,
                                reason: "session ended".into(),
                            }))).await;
                            break;
                        }
                        Err(e) => tracing::warn!(error = %e, "session refresh failed"),
                    }
                    if !write(&mut socket, WsMessage::Ping(Vec::new().into())).await { break }
                }
            }
        }
    }
    if let Some(link) = call.take() {
        signal::leave(&state, link).await;
    }
    state.hub.disconnect_staff(user.id, conn_id);
}

/// First frames on a console connection: hello, presence, current offers and chats.
async fn greet_staff(state: &AppState, socket: &mut WebSocket, t: T, user: &User) -> bool {
    let hello = ServerFrame::Hello {
        protocol: PROTOCOL_VERSION,
        role: "staff".into(),
    };
    if !send(socket, &hello).await {
        return false;
    }
    let staff = StaffId(user.id);
    let Ok((view, offers, held)) = state
        .hub
        .query(move |b, _| (b.staff(staff), b.offers_for(staff), b.contacts_of(staff)))
        .await
    else {
        return false;
    };
    let available = view.is_some_and(|v| v.presence == Presence::Available);
    let presence = Event::Presence {
        available,
        offline: false,
        reason: None,
    };
    let mut none = HashMap::new();
    if let Some(f) = event_frame(t, &presence, false, &mut none) {
        if !send(socket, &f).await {
            return false;
        }
    }
    for (contact, _) in offers {
        if !send(
            socket,
            &ServerFrame::Offer {
                conversation: contact.0,
                queue: String::new(),
                resident_name: String::new(),
                topic: String::new(),
                preview: String::new(),
                expires_in_ms: 0,
                call: false,
                join_by: None,
            },
        )
        .await
        {
            return false;
        }
    }
    for contact in held {
        // A call request one accepted stands for the conversation of that call.
        let conv_id = match Work::of(contact) {
            Work::Conversation(id) => Some(id),
            Work::Request(r) => state
                .store
                .call_request(r)
                .await
                .ok()
                .flatten()
                .map(|r| r.conversation_id),
        };
        let Some(conv_id) = conv_id else { continue };
        if let Ok(Some(conv)) = state.store.conversation(conv_id).await {
            let frame = ServerFrame::Assigned {
                conversation: conv.id,
                resident_name: conv.resident_name.clone(),
                topic: topic_text(t, &conv.topic_nl, &conv.topic_en),
                last_seq: conv.last_seq,
                call: conv.is_call,
            };
            if !send(socket, &frame).await {
                return false;
            }
        }
    }
    if let Ok(figures) = state.hub.queue_figures().await {
        if let Some(f) = event_frame(t, &Event::Queues(figures), false, &mut none) {
            return send(socket, &f).await;
        }
    }
    true
}

async fn staff_frame(
    state: &AppState,
    socket: &mut WebSocket,
    t: T,
    user: &User,
    frame: StaffFrame,
    last_sent: &mut HashMap<i64, i64>,
    call: &mut Option<CallLink>,
) -> Next {
    let not_yours = |conversation: i64| ServerFrame::Error {
        code: ErrorCode::NotAllowed,
        message: "not your conversation".into(),
        conversation: Some(conversation),
        client_id: None,
    };
    let ok = match frame {
        StaffFrame::Ping => send(socket, &ServerFrame::Pong).await,
        StaffFrame::CallJoin { conversation } => {
            let is_call = state
                .store
                .conversation(conversation)
                .await
                .ok()
                .flatten()
                .is_some_and(|c| c.is_call);
            if !state.hub.takes_part(conversation, user.id) {
                send(socket, &not_yours(conversation)).await
            } else if !is_call {
                send(
                    socket,
                    &signal::refused(conversation, t.s("call.not_a_call")),
                )
                .await
            } else {
                if let Some(old) = call.take() {
                    signal::leave(state, old).await;
                }
                let id = staff_media_id(user.id);
                match signal::join(state, conversation, &id, &user.display_name).await {
                    Ok(link) => {
                        *call = Some(link);
                        let name = state
                            .store
                            .conversation(conversation)
                            .await
                            .ok()
                            .flatten()
                            .map(|c| c.resident_name)
                            .unwrap_or_default();
                        let list = state.hub.participants(conversation, &name);
                        send(socket, &signal::participants_frame(conversation, &list)).await
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "call join failed");
                        send(
                            socket,
                            &signal::refused(conversation, t.s("call.join_failed")),
                        )
                        .await
                    }
                }
            }
        }
        StaffFrame::CallAnswer { conversation, sdp } => {
            call_signal(
                state,
                socket,
                t,
                conversation,
                call,
                ClientSignal::Answer { sdp },
            )
            .await
        }
        StaffFrame::CallCandidate {
            conversation,
            candidate,
            sdp_mid,
            sdp_mline_index,
        } => {
            let s = ClientSignal::Candidate {
                candidate,
                sdp_mid,
                sdp_mline_index,
            };
            call_signal(state, socket, t, conversation, call, s).await
        }
        StaffFrame::CallLeave { conversation } => {
            if call
                .as_ref()
                .is_some_and(|l| l.conversation == conversation)
            {
                if let Some(link) = call.take() {
                    signal::leave(state, link).await;
                }
            }
            true
        }
        StaffFrame::Resume {
            conversation,
            after,
        } => {
            if !state.hub.takes_part(conversation, user.id) {
                send(socket, &not_yours(conversation)).await
            } else {
                match replay(state, socket, t, conversation, after, false, last_sent).await {
                    Ok(ok) => ok,
                    Err(e) => {
                        tracing::error!(error = %e, "resume failed");
                        true
                    }
                }
            }
        }
        StaffFrame::Send {
            conversation,
            client_id,
            body,
        } => {
            if !state.hub.takes_part(conversation, user.id) {
                send(socket, &not_yours(conversation)).await
            } else {
                let frame = send_message(
                    state,
                    t,
                    conversation,
                    Sender::Agent,
                    &user.display_name,
                    &client_id,
                    &body,
                )
                .await;
                send(socket, &frame).await
            }
        }
        StaffFrame::Typing {
            conversation,
            active,
        } => {
            if state.hub.takes_part(conversation, user.id) {
                state
                    .hub
                    .typing(conversation, Some(user.id), &user.display_name, active);
            }
            true
        }
        StaffFrame::Presence { presence } => {
            let p = match presence {
                PresenceChoice::Available => Presence::Available,
                PresenceChoice::Away => Presence::Away,
            };
            match set_presence(state, user, p).await {
                Ok(()) => true,
                Err(e) => {
                    tracing::error!(error = %e, "presence failed");
                    send(socket, &error_frame(ErrorCode::Unavailable, "try again")).await
                }
            }
        }
        StaffFrame::Accept { conversation } | StaffFrame::Decline { conversation } => {
            let input = if matches!(frame, StaffFrame::Accept { .. }) {
                Input::OfferAccepted {
                    contact: ContactId(conversation),
                    staff: StaffId(user.id),
                }
            } else {
                Input::OfferDeclined {
                    contact: ContactId(conversation),
                    staff: StaffId(user.id),
                }
            };
            match state.hub.input(input, EndedBy::System).await {
                Ok(()) => true,
                Err(HubError::Broker(_)) => {
                    let frame = ServerFrame::Error {
                        code: ErrorCode::OfferGone,
                        message: t.s("console.offer_expired").into(),
                        conversation: Some(conversation),
                        client_id: None,
                    };
                    send(socket, &frame).await
                }
                Err(e) => {
                    tracing::error!(error = %e, "accept failed");
                    send(socket, &error_frame(ErrorCode::Unavailable, "try again")).await
                }
            }
        }
        StaffFrame::End { conversation } => {
            match state.hub.agent_end(conversation, user.id).await {
                Ok(()) => true,
                Err(HubError::NotAllowed) => send(socket, &not_yours(conversation)).await,
                Err(e) => {
                    tracing::error!(error = %e, "end failed");
                    send(socket, &error_frame(ErrorCode::Unavailable, "try again")).await
                }
            }
        }
    };
    if ok { Next::Continue } else { Next::Close }
}
