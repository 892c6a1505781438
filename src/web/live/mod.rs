//! Live connections: the WebSocket endpoints `/ws/chat/{token}` (a resident's page) and
//! `/ws/staff` (the console), speaking [`crate::protocol`].
//!
//! Each connection is one task running the one loop in [`conn`], with a [`conn::Peer`]
//! for its side: [`resident`] or [`staff`]. Frames are decoded with
//! [`protocol::decode`]; a bad frame gets an `error` frame and the connection stays up.
//! Hub events and stored messages become frames in [`frames`]; call signalling is in
//! [`signal`].
//!
//! The server pings every `connections.ping_secs` and closes a connection that has been
//! silent (no frame, no pong) for `connections.silent_secs` (see
//! [`crate::config::ConnectionSettings`]); the browser then reconnects and resumes.
//! Writes are bounded too: the hub drops a connection whose queue of events is full
//! (closed with 1013), and a write that the client does not take within
//! [`conn::SEND_TIMEOUT`] closes the connection, so a client that stops reading costs a
//! bounded amount of memory and never holds up anyone else. When Loket stops, every
//! connection is closed first with 1012; the browser reconnects with back-off and resumes
//! when Loket is back. Every close the server sends is a [`conn::Close`].

pub mod conn;
pub mod frames;
pub mod resident;
pub mod signal;
pub mod staff;

use crate::auth::plausible_token;
use crate::config::LimitSettings;
use crate::hub::HubError;
use crate::i18n::T;
use crate::limits::Slots;
use crate::protocol::{
    ErrorCode, MAX_FRAME_BYTES, PROTOCOL_VERSION, ServerFrame, clean_message, valid_client_id,
};
use crate::store::Sender;
use crate::web::ctx::{SESSION_COOKIE, cookie, request_lang, same_origin};
use crate::web::{AppError, AppState, StaffUser};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use conn::Conn;
use frames::message_frame;
use std::sync::Arc;
use tracing::Instrument;

/// Caps on live sockets (`[limits]`): per conversation (3,000 sockets to one
/// conversation from one address were all accepted) and per staff session. Beyond a cap
/// the upgrade is refused with 429; every other conversation and session is served.
#[derive(Debug, Clone)]
pub struct SocketCaps {
    pub per_conversation: Arc<Slots<i64>>,
    pub per_session: Arc<Slots<String>>,
}

impl SocketCaps {
    pub fn from_config(l: &LimitSettings) -> SocketCaps {
        SocketCaps {
            per_conversation: Slots::new(l.sockets_per_conversation),
            per_session: Slots::new(l.sockets_per_session),
        }
    }
}

/// The answer to an upgrade beyond a socket cap.
fn too_many_sockets() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(axum::http::header::RETRY_AFTER, "10")],
        "Too many live connections for this conversation or login.",
    )
        .into_response()
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
    // The kiosk binding, as on the conversation's pages: after a kiosk's wipe the old
    // conversation's socket opens nowhere (no replay for the next visitor).
    if crate::web::kiosk_device::guard(&state, &headers, &conv)
        .await?
        .is_err()
    {
        return Ok(StatusCode::NOT_FOUND.into_response());
    }
    let Ok(slot) = state.sockets.per_conversation.take(conv.id) else {
        tracing::debug!(
            conversation = conv.id,
            "socket refused: the conversation holds its cap"
        );
        return Ok(too_many_sockets());
    };
    let t = T::new(request_lang(&headers));
    Ok(bounded(ws).on_upgrade(move |socket| {
        let span = tracing::info_span!("resident_ws", conversation = conv.id);
        async move {
            let _slot = slot;
            // A closed conversation cannot register: replay only; nothing live will come.
            let registration = state.hub.connect_resident(conv.id).ok();
            let (conn_id, events) = match registration {
                Some((id, rx)) => (Some(id), Some(rx)),
                None => (None, None),
            };
            let id = conv.id;
            let mut peer = resident::Resident {
                state: state.clone(),
                conv,
                registered: conn_id.is_some(),
                call: None,
            };
            let hello = ServerFrame::Hello {
                protocol: PROTOCOL_VERSION,
                role: "resident".into(),
            };
            let conn = Conn::new(socket, t, true);
            conn::run(&state, conn, &mut peer, hello, events).await;
            if let Some(conn_id) = conn_id {
                state.hub.disconnect_resident(id, conn_id);
            }
        }
        .instrument(span)
    }))
}

/// The staff socket's query: `?overzicht=1` opens a board connection (the wallboard).
#[derive(Debug, Default, serde::Deserialize)]
pub struct StaffSocketQuery {
    #[serde(default)]
    overzicht: String,
}

/// `GET /ws/staff` (the console) and `GET /ws/staff?overzicht=1` (the wallboard: for
/// supervisors, receives only `board` frames and does not sign them in to take contacts).
pub async fn staff_socket(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<StaffUser>,
    axum::extract::Query(query): axum::extract::Query<StaffSocketQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, AppError> {
    if !same_origin(&headers) {
        return Ok(StatusCode::FORBIDDEN.into_response());
    }
    let Some(StaffUser(user)) = user else {
        return Ok(StatusCode::UNAUTHORIZED.into_response());
    };
    let board = !query.overzicht.is_empty();
    if board && !user.role.supervises() {
        return Ok(StatusCode::FORBIDDEN.into_response());
    }
    let Some(session) = cookie(&headers, SESSION_COOKIE).map(str::to_string) else {
        return Ok(StatusCode::UNAUTHORIZED.into_response());
    };
    let Ok(slot) = state.sockets.per_session.take(session.clone()) else {
        tracing::debug!(staff = user.id, "socket refused: the session holds its cap");
        return Ok(too_many_sockets());
    };
    let t = T::new(request_lang(&headers));
    Ok(bounded(ws).on_upgrade(move |socket| {
        let span = tracing::info_span!("staff_ws", staff = user.id);
        async move {
            let _slot = slot;
            if board {
                let (conn_id, events) = state.hub.connect_board();
                let mut peer = staff::Staff {
                    state: state.clone(),
                    user,
                    session,
                    call: None,
                    board: true,
                };
                let hello = ServerFrame::Hello {
                    protocol: PROTOCOL_VERSION,
                    role: "board".into(),
                };
                let conn = Conn::new(socket, t, false);
                conn::run(&state, conn, &mut peer, hello, Some(events)).await;
                state.hub.disconnect_board(conn_id);
                return;
            }
            if let Err(e) = state.hub.staff_online(&user).await {
                tracing::error!(error = %e, "staff registration failed");
                return;
            }
            let staff = user.id;
            let (conn_id, events) = state.hub.connect_staff(staff);
            let mut peer = staff::Staff {
                state: state.clone(),
                user,
                session,
                call: None,
                board: false,
            };
            let hello = ServerFrame::Hello {
                protocol: PROTOCOL_VERSION,
                role: "staff".into(),
            };
            let conn = Conn::new(socket, t, false);
            conn::run(&state, conn, &mut peer, hello, Some(events)).await;
            state.hub.disconnect_staff(staff, conn_id);
        }
        .instrument(span)
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

/// Sends every stored message of `conversation` after `after`, in order, and records the
/// last one sent. `Ok(false)` when the socket is gone.
///
/// A message is replayed at most once per connection: what an earlier `resume` on this
/// connection sent is not sent again (the client has it; a page that fetched a panel
/// since got those messages with it). So repeated `resume` frames cost the server at
/// most one copy of the conversation per connection.
pub async fn replay(
    state: &AppState,
    conn: &mut Conn,
    conversation: i64,
    after: i64,
) -> Result<bool, HubError> {
    let already = conn.replayed.get(&conversation).copied().unwrap_or(0);
    let mut after = after.max(0).max(already);
    loop {
        let batch = state.store.messages_after(conversation, after, 500).await?;
        let done = batch.len() < 500;
        for m in &batch {
            let frame = message_frame(conn.t, conversation, m, conn.resident_view);
            if !conn.send(&frame).await {
                return Ok(false);
            }
            after = m.seq;
            conn.replayed.insert(conversation, after);
        }
        let last = conn.last_sent.entry(conversation).or_insert(0);
        *last = (*last).max(after);
        if done {
            return Ok(true);
        }
    }
}

/// Validates and stores a message; returns the `ack` or `error` frame for the sender.
pub async fn send_message(
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
        Err(HubError::TooFast) => refuse(ErrorCode::RateLimited, t.s("chat.error_too_fast").into()),
        Err(e) => {
            tracing::error!(conversation, error = %e, "message not stored");
            refuse(ErrorCode::Unavailable, t.s("chat.error_not_stored").into())
        }
    }
}
