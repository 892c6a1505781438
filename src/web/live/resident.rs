//! A resident's page on `/ws/chat/{token}`: messages, typing, resume after a reconnect,
//! leaving, and the signalling of a video call. The connection speaks for one
//! conversation only, the one its capability token names.

use super::conn::{Close, Conn, Peer};
use super::frames::{error_frame, status_frame};
use super::signal::{self, CallLink};
use super::{replay, send_message};
use crate::hub::{HubError, RESIDENT_MEDIA_ID, StatusInfo};
use crate::protocol::{self, ErrorCode, ResidentFrame, ServerFrame};
use crate::sfu::ClientSignal;
use crate::store::{Conversation, Sender, Status};
use crate::web::AppState;

/// The resident's side of a connection.
pub struct Resident {
    pub state: AppState,
    pub conv: Conversation,
    /// Registered with the hub (false: a closed conversation, replay only).
    pub registered: bool,
    pub call: Option<CallLink>,
}

impl Resident {
    /// The name others see for the resident.
    fn display_name(&self, conn: &Conn) -> String {
        if self.conv.resident_name.is_empty() {
            conn.t.s("console.anonymous").to_string()
        } else {
            self.conv.resident_name.clone()
        }
    }
}

impl Peer for Resident {
    type Frame = ResidentFrame;
    const TYPES: &'static [&'static str] = protocol::RESIDENT_TYPES;

    async fn greet(&mut self, _conn: &mut Conn) -> bool {
        true
    }

    fn events_ended(&self) -> Option<Close> {
        // Dropped by the hub while the conversation is open: too slow. Otherwise it
        // closed, and the page goes on showing it.
        (self.registered && self.state.hub.is_open(self.conv.id)).then_some(Close::TooSlow)
    }

    async fn heartbeat(&mut self) -> Option<Close> {
        None
    }

    fn call(&mut self) -> &mut Option<CallLink> {
        &mut self.call
    }

    async fn frame(&mut self, conn: &mut Conn, frame: ResidentFrame) -> bool {
        let state = &self.state;
        let id = self.conv.id;
        match frame {
            ResidentFrame::Ping => conn.send(&ServerFrame::Pong).await,
            ResidentFrame::CallJoin => {
                let fresh = state.store.conversation(id).await.ok().flatten();
                match fresh {
                    Some(c) if c.is_call && c.status == Status::Active => {
                        let name = self.display_name(conn);
                        signal::join_call(
                            state,
                            conn,
                            &mut self.call,
                            id,
                            RESIDENT_MEDIA_ID,
                            &name,
                            &name,
                        )
                        .await
                    }
                    _ => {
                        conn.send(&signal::refused(id, conn.t.s("call.not_yet")))
                            .await
                    }
                }
            }
            ResidentFrame::CallAnswer { sdp } => {
                signal::relay(state, conn, id, &self.call, ClientSignal::Answer { sdp }).await
            }
            ResidentFrame::CallCandidate(c) => {
                let s = ClientSignal::Candidate {
                    candidate: c.candidate,
                    sdp_mid: c.sdp_mid,
                    sdp_mline_index: c.sdp_mline_index,
                };
                signal::relay(state, conn, id, &self.call, s).await
            }
            ResidentFrame::CallLeave => {
                if let Some(link) = self.call.take() {
                    signal::leave(state, link).await;
                }
                true
            }
            ResidentFrame::Resume { after } => {
                match replay(state, conn, id, after).await {
                    Ok(false) => return false,
                    Ok(true) => {}
                    Err(e) => tracing::error!(error = %e, "resume failed"),
                }
                // Current status after the replay.
                let fresh = state.store.conversation(id).await.ok().flatten();
                let info = match fresh {
                    Some(c) if !c.status.is_closed() => state.hub.status_of(&c).await.ok(),
                    Some(c) => Some(StatusInfo {
                        status: c.status,
                        position: None,
                        wait_ms: None,
                        agent_name: c.agent_name,
                        lost_agent: None,
                        unstaffed: false,
                    }),
                    None => None,
                };
                match info {
                    Some(info) => conn.send(&status_frame(conn.t, id, &info)).await,
                    None => true,
                }
            }
            ResidentFrame::Send { client_id, body } => {
                let name = self.conv.resident_name.clone();
                let frame = send_message(
                    state,
                    conn.t,
                    id,
                    Sender::Resident,
                    &name,
                    &client_id,
                    &body,
                )
                .await;
                conn.send(&frame).await
            }
            ResidentFrame::Typing { active } => {
                let who = self.display_name(conn);
                state.hub.typing(id, None, &who, active);
                true
            }
            ResidentFrame::Leave => match state.hub.resident_leave(id).await {
                Ok(()) | Err(HubError::Closed) => true,
                Err(e) => {
                    tracing::error!(error = %e, "leave failed");
                    conn.send(&error_frame(ErrorCode::Unavailable, "try again"))
                        .await
                }
            },
        }
    }
}
