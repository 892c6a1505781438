//! The WebSocket protocol, version 1: JSON text frames with a `type` tag.
//!
//! Two endpoints speak it: `/ws/chat/{token}` for a resident's conversation and
//! `/ws/staff` for the agent console. Every frame is one JSON object; the server's first
//! frame is `hello` with the protocol version. Clients send [`ResidentFrame`] or
//! [`StaffFrame`]; the server sends [`ServerFrame`]. A frame that cannot be decoded is
//! answered with an `error` frame (see [`ErrorCode`]) and the connection stays open.
//! `docs/protocol.md` is the reader's version of this file.

use serde::{Deserialize, Serialize};

/// The protocol version announced in `hello`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest text frame a client may send, in bytes. Larger frames close the socket with
/// code 1009 (message too big).
pub const MAX_FRAME_BYTES: usize = 32 * 1024;

/// Frames a resident's browser sends.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResidentFrame {
    /// Send everything after message number `after` (0 = from the start), then go live.
    Resume { after: i64 },
    /// A chat message. `client_id` (1-64 characters of `[A-Za-z0-9_-]`) makes a resend
    /// after a reconnect safe: the server stores it once and acknowledges it again.
    Send { client_id: String, body: String },
    /// The resident is typing (true) or stopped (false).
    Typing { active: bool },
    /// Stop waiting / end the conversation.
    Leave,
    /// Heartbeat; answered with `pong`.
    Ping,
    /// Connect this page to the conversation's video call (when an agent or interpreter
    /// is there). The server answers with `call_offer`.
    CallJoin,
    /// The browser's SDP answer to the server's `call_offer`.
    CallAnswer { sdp: String },
    /// A trickled ICE candidate of the browser (empty `candidate`: end of candidates).
    CallCandidate(CandidateIn),
    /// Disconnect this page's media (the conversation goes on).
    CallLeave,
}

/// An ICE candidate as the browser's `RTCIceCandidate` gives it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct CandidateIn {
    /// The `candidate:` line (at most 1 KiB); empty for end-of-candidates.
    pub candidate: String,
    #[serde(default)]
    pub sdp_mid: Option<String>,
    #[serde(default)]
    pub sdp_mline_index: Option<u16>,
}

/// Frames the agent console sends.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StaffFrame {
    /// Send the messages of `conversation` after `after`, then go live.
    Resume { conversation: i64, after: i64 },
    /// A reply in one of the agent's conversations.
    Send {
        conversation: i64,
        client_id: String,
        body: String,
    },
    /// Typing indicator for one conversation.
    Typing { conversation: i64, active: bool },
    /// Go available or away.
    Presence { presence: PresenceChoice },
    /// Accept an offer.
    Accept { conversation: i64 },
    /// Decline an offer (it goes to the next person).
    Decline { conversation: i64 },
    /// End a conversation (the wrap-up follows as a form).
    End { conversation: i64 },
    /// Heartbeat; answered with `pong`.
    Ping,
    /// Connect this page to the video call of a conversation one is in.
    CallJoin { conversation: i64 },
    /// SDP answer to the server's `call_offer`.
    CallAnswer { conversation: i64, sdp: String },
    /// A trickled ICE candidate.
    CallCandidate {
        conversation: i64,
        candidate: String,
        #[serde(default)]
        sdp_mid: Option<String>,
        #[serde(default)]
        sdp_mline_index: Option<u16>,
    },
    /// Disconnect this page's media (one stays in the conversation).
    CallLeave { conversation: i64 },
}

/// What a staff member may choose for their own presence.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PresenceChoice {
    Available,
    Away,
}

/// Why a frame was refused.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not an object.
    InvalidJson,
    /// A `type` this endpoint does not know.
    UnknownType,
    /// Known type, wrong or missing fields.
    InvalidFrame,
    /// Message body empty after trimming.
    EmptyMessage,
    /// Message body longer than the limit (see `message` for the number).
    MessageTooLong,
    /// `client_id` malformed.
    InvalidClientId,
    /// The conversation is closed; nothing more can be sent.
    ConversationClosed,
    /// Not your conversation or offer.
    NotAllowed,
    /// The offer expired or went to someone else.
    OfferGone,
    /// Too many frames too fast.
    RateLimited,
    /// The server could not store the message; it was NOT accepted. Send it again later.
    Unavailable,
    /// A call frame was refused: not a call, nobody to talk to yet, or bad SDP/ICE.
    CallRefused,
}

/// One message as delivered to a client.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MessageOut {
    pub conversation: i64,
    pub seq: i64,
    /// `resident`, `agent`, `interpreter` or `system`.
    pub sender: String,
    pub sender_name: String,
    /// Plain text; clients must insert it as text, never as HTML.
    pub body: String,
    /// Local time `HH:MM` (Europe/Amsterdam), for display.
    pub time: String,
    /// Unix milliseconds.
    pub at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// Live figures of one queue for the console.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QueueOut {
    pub id: i64,
    pub name: String,
    pub waiting: usize,
    pub offered: usize,
    pub longest_wait_secs: u64,
    pub staff_available: usize,
}

/// The live wallboard (`board` frame), its texts in the reader's language. The TV mode
/// gets the same frame without staff names and without the contacts list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardOut {
    /// When the figures were taken (UTC milliseconds).
    pub at: i64,
    /// "Bijgewerkt om 14:02:03".
    pub updated: String,
    pub queues: Vec<BoardQueueOut>,
    /// Staff by name with their state (empty in TV mode).
    pub agents: Vec<BoardAgentOut>,
    /// How many staff are in each state.
    pub counts: Vec<BoardCountOut>,
    pub interpreters: BoardLineOut,
    pub video: BoardLineOut,
    /// Conversations waiting or being offered (empty in TV mode).
    pub contacts: Vec<BoardContactOut>,
}

/// One queue on the wallboard.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardQueueOut {
    pub id: i64,
    pub name: String,
    pub waiting: usize,
    /// The longest wait at `at` (the page counts on from there).
    pub longest_wait_secs: u64,
    pub answered: u64,
    pub abandoned: u64,
    /// "norm 70 %, vandaag 82,5 %".
    pub service: String,
    /// `ok`, `warn` or `alert`.
    pub level: String,
    /// The level in words ("In orde", "Let op", "Niet in orde").
    pub level_text: String,
    pub alerts: Vec<BoardAlertOut>,
}

/// Something on a queue that needs attention.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardAlertOut {
    /// `sl_below`, `wait_over_norm`, `nobody_available` or `no_interpreter`.
    pub key: String,
    /// Shown in the queue's row ("Service level onder de norm").
    pub text: String,
    /// Announced when it starts ("Wachtrij Chat: service level onder de norm").
    pub announce: String,
    /// Announced when it is over ("Wachtrij Chat: service level weer in orde").
    pub over: String,
}

/// One staff member on the wallboard.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardAgentOut {
    pub id: i64,
    pub name: String,
    /// `available`, `busy`, `wrap_up`, `away` or `offline`.
    pub state: String,
    pub state_text: String,
    /// Seconds in this state at `at` (none: not known).
    pub since_secs: Option<u64>,
}

/// How many staff are in one state.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardCountOut {
    pub state: String,
    pub text: String,
    pub n: usize,
}

/// One line with a level (interpreters, video capacity).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardLineOut {
    pub level: String,
    pub level_text: String,
    pub text: String,
}

/// A conversation waiting or being offered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardContactOut {
    pub id: i64,
    pub reference: String,
    pub queue_id: i64,
    pub queue: String,
    /// Seconds since it arrived, at `at`.
    pub waited_secs: u64,
    /// "Wacht" or "Wordt aangeboden".
    pub state_text: String,
}

/// Frames the server sends.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// First frame on every connection.
    Hello {
        protocol: u32,
        /// `resident` or `staff`.
        role: String,
    },
    /// A message was stored under number `seq`.
    Ack {
        conversation: i64,
        client_id: String,
        seq: i64,
    },
    /// A stored message (live or replayed by `resume`).
    Message(MessageOut),
    /// The other side is typing.
    Typing {
        conversation: i64,
        /// Display name of who is typing.
        who: String,
        active: bool,
    },
    /// Resident view of the conversation: waiting (with position), active, or closed.
    Status {
        conversation: i64,
        /// `waiting`, `active`, `ended` or `abandoned`.
        status: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        position: Option<usize>,
        /// Expected wait in whole minutes, when it can be estimated.
        #[serde(skip_serializing_if = "Option::is_none")]
        wait_minutes: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        agent_name: Option<String>,
        /// A sentence for people, in the connection's language.
        text: String,
    },
    /// An offer for the agent.
    Offer {
        conversation: i64,
        queue: String,
        resident_name: String,
        topic: String,
        preview: String,
        expires_in_ms: u64,
        /// A video call: accepting opens the call page.
        #[serde(default)]
        call: bool,
        /// For a request to join a call in progress: who asks. Its `conversation` is
        /// then the request's id (a negative number), to be used in accept/decline.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        join_by: Option<String>,
    },
    /// An offer was withdrawn (`timed_out`, `declined`, `contact_left`, `staff_left`).
    OfferRevoked { conversation: i64, reason: String },
    /// The agent now holds this conversation.
    Assigned {
        conversation: i64,
        resident_name: String,
        topic: String,
        last_seq: i64,
        /// A video call: the console links to (and opens) `/staff/gesprek/{conversation}`.
        #[serde(default)]
        call: bool,
    },
    /// The agent no longer holds this conversation (`requeued`, `ended`, `resident_left`,
    /// or `left_call` for a staff member who left a call they had joined).
    Released { conversation: i64, reason: String },
    /// The agent's presence changed (also when the server changed it, e.g. a missed offer).
    Presence {
        presence: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        text: String,
    },
    /// Queue figures for the console.
    Queues { queues: Vec<QueueOut> },
    /// The live wallboard (a board connection only: `/ws/staff?overzicht=1`).
    Board { board: BoardOut },
    /// A refused frame. The connection stays open.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        conversation: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
    /// Answer to `ping`.
    Pong,
    /// The server's SDP offer (first, and again whenever someone joins or leaves).
    CallOffer { conversation: i64, sdp: String },
    /// A trickled ICE candidate of the server.
    CallCandidate {
        conversation: i64,
        candidate: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        sdp_mid: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        sdp_mline_index: Option<u16>,
    },
    /// Media state of this page's call connection: `connected` or `failed`.
    CallState {
        conversation: i64,
        state: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Whether this page's downlink carries the call's video: `short` when the server had
    /// to pause a video for it, or sends a signer's smallest picture beyond its estimate.
    CallLine { conversation: i64, short: bool },
    /// Who is in the call now. `id` is the stream id of their forwarded tracks and the
    /// label suffix of their `t140:` data channel.
    Participants {
        conversation: i64,
        participants: Vec<ParticipantOut>,
    },
}

/// One person in a call.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ParticipantOut {
    /// `resident` or `staff-{id}`.
    pub id: String,
    pub name: String,
    /// `resident`, `agent` or `interpreter`.
    pub role: String,
}

/// Decodes a client frame, classifying failures into the right error code.
pub fn decode<T: for<'de> Deserialize<'de>>(
    text: &str,
    known_types: &[&str],
) -> Result<T, (ErrorCode, String)> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| (ErrorCode::InvalidJson, format!("not valid JSON: {e}")))?;
    let Some(kind) = value
        .get("type")
        .and_then(|t| t.as_str())
        .map(str::to_string)
    else {
        return Err((
            ErrorCode::InvalidFrame,
            "a frame is a JSON object with a string field \"type\"".into(),
        ));
    };
    if !known_types.contains(&kind.as_str()) {
        return Err((
            ErrorCode::UnknownType,
            format!("unknown frame type {:?}", truncate(&kind, 40)),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        (
            ErrorCode::InvalidFrame,
            format!("invalid {kind} frame: {e}"),
        )
    })
}

/// Frame types a resident may send.
pub const RESIDENT_TYPES: &[&str] = &[
    "resume",
    "send",
    "typing",
    "leave",
    "ping",
    "call_join",
    "call_answer",
    "call_candidate",
    "call_leave",
];
/// Frame types the console may send.
pub const STAFF_TYPES: &[&str] = &[
    "resume",
    "send",
    "typing",
    "presence",
    "accept",
    "decline",
    "end",
    "ping",
    "call_join",
    "call_answer",
    "call_candidate",
    "call_leave",
];

/// Is `id` an acceptable client message id?
pub fn valid_client_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_known_frames() {
        let f: ResidentFrame = decode(
            r#"{"type":"send","client_id":"a1","body":"hoi"}"#,
            RESIDENT_TYPES,
        )
        .unwrap();
        assert_eq!(
            f,
            ResidentFrame::Send {
                client_id: "a1".into(),
                body: "hoi".into()
            }
        );
        let f: StaffFrame = decode(r#"{"type":"accept","conversation":7}"#, STAFF_TYPES).unwrap();
        assert_eq!(f, StaffFrame::Accept { conversation: 7 });
    }

    #[test]
    fn classifies_bad_frames() {
        let e = decode::<ResidentFrame>("{nope", RESIDENT_TYPES).unwrap_err();
        assert_eq!(e.0, ErrorCode::InvalidJson);
        let e = decode::<ResidentFrame>(r#"{"type":"fly"}"#, RESIDENT_TYPES).unwrap_err();
        assert_eq!(e.0, ErrorCode::UnknownType);
        let e = decode::<ResidentFrame>(r#"{"type":"send"}"#, RESIDENT_TYPES).unwrap_err();
        assert_eq!(e.0, ErrorCode::InvalidFrame);
        let e = decode::<ResidentFrame>("[1,2]", RESIDENT_TYPES).unwrap_err();
        assert_eq!(e.0, ErrorCode::InvalidFrame);
        // Staff-only frames are unknown on the resident endpoint.
        let e = decode::<ResidentFrame>(r#"{"type":"accept","conversation":1}"#, RESIDENT_TYPES)
            .unwrap_err();
        assert_eq!(e.0, ErrorCode::UnknownType);
    }

    #[test]
    fn server_frames_are_tagged() {
        let s = serde_json::to_string(&ServerFrame::Pong).unwrap();
        assert_eq!(s, r#"{"type":"pong"}"#);
        let s = serde_json::to_string(&ServerFrame::Ack {
            conversation: 1,
            client_id: "x".into(),
            seq: 2,
        })
        .unwrap();
        assert!(s.contains(r#""type":"ack""#));
    }

    #[test]
    fn client_ids() {
        assert!(valid_client_id("abc-123_X"));
        assert!(!valid_client_id(""));
        assert!(!valid_client_id("a b"));
        assert!(!valid_client_id(&"a".repeat(65)));
    }
}

/// Checks a chat message body: not empty after trimming, at most `max_chars` characters.
/// Returns the body to store: trimmed, with control characters other than newline and
/// tab removed and Windows line ends normalised.
pub fn clean_message(body: &str, max_chars: usize) -> Result<String, ErrorCode> {
    let cleaned: String = body
        .trim()
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    if cleaned.trim().is_empty() {
        return Err(ErrorCode::EmptyMessage);
    }
    if cleaned.chars().count() > max_chars {
        return Err(ErrorCode::MessageTooLong);
    }
    Ok(cleaned)
}

#[cfg(test)]
mod clean_tests {
    use super::*;

    #[test]
    fn messages_are_checked() {
        assert_eq!(clean_message("  hallo\r\n ", 10), Ok("hallo".into()));
        assert_eq!(clean_message(" \n\t ", 10), Err(ErrorCode::EmptyMessage));
        assert_eq!(clean_message("\u{0}", 10), Err(ErrorCode::EmptyMessage));
        assert_eq!(clean_message(&"é".repeat(10), 10).map(|s| s.len()), Ok(20));
        assert_eq!(
            clean_message(&"é".repeat(11), 10),
            Err(ErrorCode::MessageTooLong)
        );
        assert_eq!(clean_message("<b>x</b>", 10), Ok("<b>x</b>".into()));
    }
}
