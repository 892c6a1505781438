//! Call signalling on the WebSocket connections: joins a page to the SFU and relays the
//! SDP offer/answer and trickled ICE candidates between the browser and the server.
//!
//! A connection joins at most one call at a time ([`CallLink`]). The server is always the
//! offerer: it sends `call_offer` when the page joins and again whenever the call changes
//! (someone joins or leaves); the page answers with `call_answer`. Before anything reaches
//! webrtc-rs the SFU checks size and shape of SDP and candidates; a bad one gets a typed
//! `error` frame (`call_refused`) and the connection stays up.

use super::conn::Conn;
use crate::protocol::{ErrorCode, ParticipantOut, ServerFrame};
use crate::sfu::{ClientSignal, SfuError, SfuEvent};
use crate::web::AppState;
use tokio::sync::mpsc;

/// How many SFU events may wait for a slow page before the SFU drops some (offers and
/// candidates are few; this is generous).
const EVENT_QUEUE: usize = 64;

/// A page's membership of one call.
pub struct CallLink {
    pub conversation: i64,
    media_id: String,
    token: u64,
    events: mpsc::Receiver<SfuEvent>,
}

/// Joins `media_id` (labelled `name`) to the call of `conversation`, replacing an earlier
/// page of the same participant.
pub async fn join(
    state: &AppState,
    conversation: i64,
    media_id: &str,
    name: &str,
) -> Result<CallLink, SfuError> {
    let (tx, events) = mpsc::channel(EVENT_QUEUE);
    let token = state.hub.claim_media(conversation, media_id);
    if let Err(e) = state.hub.sfu().join(conversation, media_id, name, tx).await {
        state.hub.release_media(conversation, media_id, token).await;
        return Err(e);
    }
    let list = state.hub.participants(conversation, "");
    state.hub.mark_signers(conversation, &list).await;
    tracing::info!(conversation, participant = media_id, "joined call media");
    Ok(CallLink {
        conversation,
        media_id: media_id.to_string(),
        token,
        events,
    })
}

/// Hangs up this page's media (unless a newer page of the same participant took over).
pub async fn leave(state: &AppState, link: CallLink) {
    state
        .hub
        .release_media(link.conversation, &link.media_id, link.token)
        .await;
}

/// Passes the browser's answer or candidate to the SFU.
pub async fn signal(
    state: &AppState,
    link: &CallLink,
    signal: ClientSignal,
) -> Result<(), SfuError> {
    state
        .hub
        .sfu()
        .signal(link.conversation, &link.media_id, signal)
        .await
}

/// The next SFU event of the joined call; never resolves without one. `None` when the
/// SFU let go of this page (replaced by a newer one, or the call closed).
pub async fn next_event(link: &mut Option<CallLink>) -> Option<SfuEvent> {
    match link {
        Some(l) => l.events.recv().await,
        None => std::future::pending().await,
    }
}

/// The frame for an SFU event.
pub fn event_frame(conversation: i64, event: SfuEvent) -> ServerFrame {
    match event {
        SfuEvent::Offer { sdp } => ServerFrame::CallOffer { conversation, sdp },
        SfuEvent::Candidate {
            candidate,
            sdp_mid,
            sdp_mline_index,
        } => ServerFrame::CallCandidate {
            conversation,
            candidate,
            sdp_mid,
            sdp_mline_index,
        },
        SfuEvent::Connected => ServerFrame::CallState {
            conversation,
            state: "connected".into(),
            reason: None,
        },
        SfuEvent::Failed { reason } => ServerFrame::CallState {
            conversation,
            state: "failed".into(),
            reason: Some(reason),
        },
        SfuEvent::Downlink { short } => ServerFrame::CallLine {
            conversation,
            short,
        },
    }
}

/// The `error` frame for a refused call frame.
pub fn refused(conversation: i64, message: impl Into<String>) -> ServerFrame {
    ServerFrame::Error {
        code: ErrorCode::CallRefused,
        message: message.into(),
        conversation: Some(conversation),
        client_id: None,
    }
}

/// The `participants` frame.
pub fn participants_frame(conversation: i64, list: &[crate::hub::Participant]) -> ServerFrame {
    ServerFrame::Participants {
        conversation,
        participants: list
            .iter()
            .map(|p| ParticipantOut {
                id: p.id.clone(),
                name: p.name.clone(),
                role: p.role.to_string(),
            })
            .collect(),
    }
}

/// Joins this connection to the call of `conversation` as `media_id` (leaving a call it
/// was in), then sends who takes part; a failure becomes a `call_refused` error frame.
/// `resident_name` labels the resident's tile. False when the socket is gone.
pub async fn join_call(
    state: &AppState,
    conn: &mut Conn,
    call: &mut Option<CallLink>,
    conversation: i64,
    media_id: &str,
    name: &str,
    resident_name: &str,
) -> bool {
    if let Some(old) = call.take() {
        leave(state, old).await;
    }
    match join(state, conversation, media_id, name).await {
        Ok(link) => {
            *call = Some(link);
            let list = state.hub.participants(conversation, resident_name);
            conn.send(&participants_frame(conversation, &list)).await
        }
        Err(e) => {
            tracing::warn!(error = %e, "call join failed");
            conn.send(&refused(conversation, conn.t.s("call.join_failed")))
                .await
        }
    }
}

/// Passes an answer or candidate to the SFU; a refusal becomes an error frame.
pub async fn relay(
    state: &AppState,
    conn: &mut Conn,
    conversation: i64,
    call: &Option<CallLink>,
    s: ClientSignal,
) -> bool {
    let Some(link) = call.as_ref().filter(|l| l.conversation == conversation) else {
        return conn
            .send(&refused(conversation, conn.t.s("call.not_joined")))
            .await;
    };
    match signal(state, link, s).await {
        Ok(()) => true,
        Err(e) => {
            tracing::info!(conversation, error = %e, "call signal refused");
            conn.send(&refused(conversation, e.to_string())).await
        }
    }
}
