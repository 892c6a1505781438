//! A console on `/ws/staff`: presence, offers (accept, decline), replies and typing in the
//! conversations the staff member takes part in, ending them, resume after a reconnect,
//! and the signalling of the call they are in. Every frame about a conversation is
//! checked against the hub: only those who take part may act on it.

use super::conn::{Close, Conn, Peer};
use super::frames::error_frame;
use super::signal::{self, CallLink};
use super::{replay, send_message};
use crate::hub::{ContactId, Event, HubError, Presence, staff_media_id};
use crate::protocol::{self, ErrorCode, PresenceChoice, ServerFrame, StaffFrame};
use crate::sfu::ClientSignal;
use crate::store::{Sender, User};
use crate::web::{AppState, wording};

/// The staff member's side of a connection.
pub struct Staff {
    pub state: AppState,
    pub user: User,
    /// The session cookie this console runs under (checked at every heartbeat).
    pub session: String,
    pub call: Option<CallLink>,
    /// A board connection (the wallboard): `board` frames only, `ping` only.
    pub board: bool,
}

fn not_yours(conversation: i64) -> ServerFrame {
    ServerFrame::Error {
        code: ErrorCode::NotAllowed,
        message: "not your conversation".into(),
        conversation: Some(conversation),
        client_id: None,
    }
}

impl Staff {
    fn takes_part(&self, conversation: i64) -> bool {
        self.state.hub.takes_part(conversation, self.user.id)
    }

    /// An error frame for a hub call that failed for a reason the staff member cannot fix.
    async fn unavailable(conn: &mut Conn, what: &str, e: HubError) -> bool {
        tracing::error!(error = %e, "{what} failed");
        conn.send(&error_frame(ErrorCode::Unavailable, "try again"))
            .await
    }
}

impl Peer for Staff {
    type Frame = StaffFrame;
    const TYPES: &'static [&'static str] = protocol::STAFF_TYPES;

    /// Presence, the offers waiting for them, the conversations they hold, the queues.
    async fn greet(&mut self, conn: &mut Conn) -> bool {
        let state = &self.state;
        if self.board {
            return match state.hub.board().await {
                Ok(snap) => conn.send_event(&Event::Board(snap)).await,
                Err(_) => true,
            };
        }
        let Ok(desk) = state.hub.desk(self.user.id).await else {
            return false;
        };
        let presence = Event::Presence {
            available: desk.available,
            offline: false,
            reason: None,
        };
        if !conn.send_event(&presence).await {
            return false;
        }
        for (contact, _) in desk.offers {
            let offer = ServerFrame::Offer {
                conversation: contact.0,
                queue: String::new(),
                resident_name: String::new(),
                topic: String::new(),
                preview: String::new(),
                expires_in_ms: 0,
                call: false,
                join_by: None,
            };
            if !conn.send(&offer).await {
                return false;
            }
        }
        for id in desk.conversations {
            if let Ok(Some(conv)) = state.store.conversation(id).await {
                let frame = ServerFrame::Assigned {
                    conversation: conv.id,
                    resident_name: conv.resident_name.clone(),
                    topic: wording::topic_text(conn.t, conv.topic()),
                    last_seq: conv.last_seq,
                    call: conv.is_call,
                };
                if !conn.send(&frame).await {
                    return false;
                }
            }
        }
        match state.hub.queue_figures().await {
            Ok(figures) => conn.send_event(&Event::Queues(figures)).await,
            Err(_) => true,
        }
    }

    fn events_ended(&self) -> Option<Close> {
        Some(Close::TooSlow)
    }

    /// An open console keeps the session alive; a session that ended elsewhere (logout,
    /// disabled account) closes the console.
    async fn heartbeat(&mut self) -> Option<Close> {
        let idle_ms = i64::try_from(self.state.config.staff.session_idle_mins)
            .unwrap_or(60)
            .saturating_mul(60_000);
        match self.state.store.session_user(&self.session, idle_ms).await {
            Ok(Some(_)) => None,
            Ok(None) => {
                // A disabled account leaves at once: its contacts go back to the queue
                // now, not after the reconnect grace (it cannot reconnect).
                let disabled = matches!(
                    self.state.store.user(self.user.id).await,
                    Ok(Some(u)) if u.disabled
                );
                if disabled {
                    tracing::info!(staff = self.user.id, "account disabled: console closed");
                    self.state.hub.staff_logout(self.user.id).await;
                }
                Some(Close::SessionEnded)
            }
            Err(e) => {
                tracing::warn!(error = %e, "session refresh failed");
                None
            }
        }
    }

    fn call(&mut self) -> &mut Option<CallLink> {
        &mut self.call
    }

    async fn frame(&mut self, conn: &mut Conn, frame: StaffFrame) -> bool {
        let state = self.state.clone();
        let user = &self.user;
        if self.board && !matches!(frame, StaffFrame::Ping) {
            return conn
                .send(&error_frame(
                    ErrorCode::NotAllowed,
                    "a board connection only reads",
                ))
                .await;
        }
        match frame {
            StaffFrame::Ping => conn.send(&ServerFrame::Pong).await,
            StaffFrame::CallJoin { conversation } => {
                let conv = state.store.conversation(conversation).await.ok().flatten();
                if !self.takes_part(conversation) {
                    conn.send(&not_yours(conversation)).await
                } else if let Some(conv) = conv.filter(|c| c.is_call) {
                    let id = staff_media_id(user.id);
                    let name = user.display_name.clone();
                    signal::join_call(
                        &state,
                        conn,
                        &mut self.call,
                        conversation,
                        &id,
                        &name,
                        &conv.resident_name,
                    )
                    .await
                } else {
                    conn.send(&signal::refused(conversation, conn.t.s("call.not_a_call")))
                        .await
                }
            }
            StaffFrame::CallAnswer { conversation, sdp } => {
                let s = ClientSignal::Answer { sdp };
                signal::relay(&state, conn, conversation, &self.call, s).await
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
                signal::relay(&state, conn, conversation, &self.call, s).await
            }
            StaffFrame::CallLeave { conversation } => {
                if self
                    .call
                    .as_ref()
                    .is_some_and(|l| l.conversation == conversation)
                {
                    if let Some(link) = self.call.take() {
                        signal::leave(&state, link).await;
                    }
                }
                true
            }
            StaffFrame::Resume {
                conversation,
                after,
            } => {
                if !self.takes_part(conversation) {
                    return conn.send(&not_yours(conversation)).await;
                }
                match replay(&state, conn, conversation, after).await {
                    Ok(ok) => ok,
                    Err(e) => {
                        tracing::error!(error = %e, "resume failed");
                        true
                    }
                }
            }
            StaffFrame::Send {
                conversation,
                client_id,
                body,
            } => {
                if !self.takes_part(conversation) {
                    return conn.send(&not_yours(conversation)).await;
                }
                let frame = send_message(
                    &state,
                    conn.t,
                    conversation,
                    Sender::staff(user.role),
                    &user.display_name,
                    &client_id,
                    &body,
                )
                .await;
                conn.send(&frame).await
            }
            StaffFrame::Typing {
                conversation,
                active,
            } => {
                if self.takes_part(conversation) {
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
                match state.hub.set_presence(user, p).await {
                    Ok(()) => true,
                    Err(e) => Self::unavailable(conn, "presence", e).await,
                }
            }
            StaffFrame::Accept { conversation } | StaffFrame::Decline { conversation } => {
                let contact = ContactId(conversation);
                let answer = if matches!(frame, StaffFrame::Accept { .. }) {
                    state.hub.accept_offer(user.id, contact).await.map(|_| ())
                } else {
                    state.hub.decline_offer(user.id, contact).await
                };
                match answer {
                    Ok(()) => true,
                    Err(HubError::OfferGone) => offer_gone(conn, conversation).await,
                    Err(e) => Self::unavailable(conn, "answer to an offer", e).await,
                }
            }
            StaffFrame::End { conversation } => {
                match state.hub.agent_end(conversation, user.id).await {
                    Ok(()) => true,
                    Err(HubError::NotAllowed) => conn.send(&not_yours(conversation)).await,
                    Err(e) => Self::unavailable(conn, "end", e).await,
                }
            }
        }
    }
}

/// The answer to accepting an offer that is no longer there.
async fn offer_gone(conn: &mut Conn, conversation: i64) -> bool {
    let frame = ServerFrame::Error {
        code: ErrorCode::OfferGone,
        message: conn.t.s("console.offer_expired").into(),
        conversation: Some(conversation),
        client_id: None,
    };
    conn.send(&frame).await
}
