//! Page templates (askama) and the small view models they render.
//!
//! Every page struct has a `base: Base` (language, title, CSRF token, signed-in staff) used
//! by `templates/base.html`. askama escapes every value; nothing here builds HTML by hand.

use crate::i18n::{T, render_system};
use crate::store::{Message, Sender};
use askama::Template;
use chrono::TimeZone;
use chrono_tz::Europe::Amsterdam;

/// What every page needs.
#[derive(Debug, Clone)]
pub struct Base {
    pub t: T,
    pub title: String,
    pub org: String,
    pub csrf: String,
    /// Current path, for the language switch to return to.
    pub path: String,
    pub staff: Option<StaffNav>,
    pub has_error: bool,
    /// Show the "this is demo data" banner.
    pub demo: bool,
}

/// The signed-in staff member, for the header.
#[derive(Debug, Clone)]
pub struct StaffNav {
    pub name: String,
    pub role_key: &'static str,
    /// May edit opening hours.
    pub supervisor: bool,
}

/// One field error for the error summary.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// 400 when a form is shown again with errors, else 200.
pub fn form_status(errors: &[FieldError]) -> axum::http::StatusCode {
    if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::BAD_REQUEST
    }
}

/// Looks up the error for `field`.
fn find_error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// A message as a page shows it.
#[derive(Debug, Clone)]
pub struct MessageView {
    pub seq: i64,
    pub sender: &'static str,
    pub sender_label: String,
    pub body: String,
    pub time: String,
    pub iso: String,
}

/// Local (Europe/Amsterdam) `HH:MM` for unix milliseconds.
pub fn local_time(ms: i64) -> String {
    Amsterdam
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.format("%H:%M").to_string())
        .unwrap_or_default()
}

/// Local date and time, `DD-MM-YYYY HH:MM`.
pub fn local_datetime(ms: i64) -> String {
    Amsterdam
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.format("%d-%m-%Y %H:%M").to_string())
        .unwrap_or_default()
}

/// ISO 8601 in UTC, for `<time datetime>`.
pub fn iso_time(ms: i64) -> String {
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Who a message is from, as a reader sees it. `resident_view`: the reader is the resident.
pub fn sender_label(t: T, m: &Message, resident_view: bool) -> String {
    match m.sender {
        Sender::Resident if resident_view => t.s("chat.you").to_string(),
        Sender::Resident if m.sender_name.is_empty() => t.s("console.anonymous").to_string(),
        Sender::Resident => m.sender_name.clone(),
        Sender::Agent => t.f("chat.sender_agent", &[("name", &m.sender_name)]),
        Sender::System => t.s("chat.sender_system").to_string(),
    }
}

/// The displayed text of a message (system messages are rendered in the reader's language).
pub fn message_text(t: T, m: &Message) -> String {
    match m.sender {
        Sender::System => render_system(t, &m.body),
        _ => m.body.clone(),
    }
}

/// Builds the view of a message.
pub fn message_view(t: T, m: &Message, resident_view: bool) -> MessageView {
    MessageView {
        seq: m.seq,
        sender: m.sender.as_str(),
        sender_label: sender_label(t, m, resident_view),
        body: message_text(t, m),
        time: local_time(m.created_at),
        iso: iso_time(m.created_at),
    }
}

/// Plain-text transcript for download.
pub fn transcript_text(t: T, org: &str, started: i64, messages: &[Message]) -> String {
    let mut out = format!(
        "{}\n{}: {}\n{}: {}\n\n",
        t.s("transcript.h1"),
        t.s("transcript.org"),
        org,
        t.s("transcript.started"),
        local_datetime(started)
    );
    for m in messages {
        out.push_str(&format!(
            "[{}] {}: {}\n",
            local_time(m.created_at),
            sender_label(t, m, true),
            message_text(t, m).replace('\n', "\n    ")
        ));
    }
    out
}

// ----- pages ---------------------------------------------------------------------------

/// A channel card on the home page.
#[derive(Debug, Clone)]
pub struct ChannelCard {
    pub name: String,
    pub wait_text: String,
    pub available: bool,
    pub href: String,
    pub action: String,
    pub unavailable_text: String,
    /// Where to leave a message instead (when it cannot be started now).
    pub message_href: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub base: Base,
    pub channels: Vec<ChannelCard>,
    pub faqs: Vec<(String, String)>,
}

/// Values of the start form, kept when it is shown again with errors.
#[derive(Debug, Clone, Default)]
pub struct StartForm {
    pub name: String,
    pub topic: String,
    pub question: String,
}

#[derive(Template)]
#[template(path = "chat_start.html")]
pub struct ChatStartPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub form: StartForm,
    pub topics: Vec<(String, String)>,
    pub wait_text: String,
    pub limit_hint: String,
    /// Why it cannot be started now (closed, nobody there); the form is not shown then.
    pub closed: Option<String>,
}

impl ChatStartPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "chat.html")]
pub struct ChatPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub token: String,
    pub status: &'static str,
    pub status_text: String,
    pub heading: String,
    pub messages: Vec<MessageView>,
    pub last_seq: i64,
    pub max_chars: usize,
    pub limit_hint: String,
    pub too_long_text: String,
    pub draft: String,
    pub client_id: String,
    /// Without JavaScript a waiting resident must load the page now and then.
    pub noscript_idle: String,
    /// The call area, when the conversation is a video call.
    pub call: Option<CallView>,
    /// On a kiosk: seconds of inactivity before the session is wiped.
    pub kiosk_idle: Option<i64>,
}

/// Settings of the call area of a page (`templates/call_area.html`).
#[derive(Debug, Clone)]
pub struct CallView {
    /// STUN/TURN servers for the browser, as JSON (`RTCIceServer[]`).
    pub ice_json: String,
    /// This page's media id (`resident` or `staff-{id}`).
    pub self_id: String,
    /// What the status line says before JavaScript takes over.
    pub status_text: String,
}

#[derive(Template)]
#[template(path = "video_start.html")]
pub struct VideoStartPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub form: StartForm,
    /// `tolk` or `medewerker`.
    pub kind: &'static str,
    pub heading: String,
    pub intro: String,
    pub other_kind: &'static str,
    pub other_kind_text: String,
    pub wait_text: String,
    pub topics: Vec<(String, String)>,
    pub limit_hint: String,
    /// Why it cannot be started now; the form is not shown then.
    pub closed: Option<String>,
}

impl VideoStartPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "staff/call.html")]
pub struct StaffCallPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub id: i64,
    pub heading: String,
    pub meta: String,
    /// Still in the call (false: it ended, or one left it).
    pub open: bool,
    /// Joined through a request (leaves) rather than holding the conversation (ends it).
    pub guest: bool,
    /// A request for one more person is waiting.
    pub requested: bool,
    pub messages: Vec<MessageView>,
    pub last_seq: i64,
    pub client_id: String,
    pub max_chars: usize,
    /// Queues one may ask to join: (id, name).
    pub add_queues: Vec<(String, String)>,
    pub topics: Vec<(String, String)>,
    pub call: CallView,
}

impl ChatPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "transcript.html")]
pub struct TranscriptPage {
    pub base: Base,
    pub token: String,
    pub started: String,
    pub topic: Option<String>,
    pub status_text: String,
    pub messages: Vec<MessageView>,
}

#[derive(Template)]
#[template(path = "statement.html")]
pub struct StatementPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub intro: String,
    pub evaluated: String,
    pub evaluated_iso: String,
    pub limit_hint: String,
    pub problem: String,
    pub page: String,
    pub name: String,
}

impl StatementPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub base: Base,
    pub heading: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "staff/login.html")]
pub struct LoginPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub username: String,
}

impl LoginPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

/// An offer card in the console.
#[derive(Debug, Clone)]
pub struct OfferView {
    pub id: i64,
    /// Accepting opens a video call.
    pub call: bool,
    pub title: String,
    pub meta: String,
    pub preview: String,
}

/// A chat panel in the console.
#[derive(Debug, Clone)]
pub struct ChatPanelView {
    pub id: i64,
    /// A video call: the panel links to the call page.
    pub call: bool,
    /// Joined a call through a request (leaves instead of ending).
    pub guest: bool,
    /// An interpreter may be asked to join this chat.
    pub can_ask_interpreter: bool,
    /// The interpreters' queue id (for that request).
    pub interpreter_queue: i64,
    pub title: String,
    pub meta: String,
    pub resident: String,
    pub messages: Vec<MessageView>,
    pub last_seq: i64,
    pub client_id: String,
    pub max_chars: usize,
    /// A reply that was refused (too long, not stored), shown again in its box.
    pub draft: String,
}

/// A wrap-up form in the console.
#[derive(Debug, Clone)]
pub struct WrapupView {
    pub id: i64,
    pub title: String,
    pub topics: Vec<(String, String)>,
    pub selected: String,
}

/// A queue row in the console.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub id: i64,
    pub name: String,
    pub waiting: usize,
    pub longest: String,
    pub staff: usize,
}

/// A waiting resident in the console.
#[derive(Debug, Clone)]
pub struct WaitingRow {
    pub position: usize,
    pub name: String,
    pub topic: String,
    pub queue: String,
    pub waited: String,
}

#[derive(Template)]
#[template(path = "staff/fragment_waiting.html")]
pub struct WaitingFragment {
    pub base: Base,
    pub waiting: Vec<WaitingRow>,
}

#[derive(Template)]
#[template(path = "staff/console.html")]
pub struct ConsolePage {
    pub base: Base,
    pub waiting: Vec<WaitingRow>,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub available: bool,
    pub presence_text: String,
    pub offers: Vec<OfferView>,
    pub chats: Vec<ChatPanelView>,
    pub chats_heading: String,
    pub wrapups: Vec<WrapupView>,
    pub queues: Vec<QueueRow>,
}

#[derive(Template)]
#[template(path = "staff/fragment_chat.html")]
pub struct ChatFragment {
    pub base: Base,
    pub c: ChatPanelView,
}

#[derive(Template)]
#[template(path = "staff/fragment_offer.html")]
pub struct OfferFragment {
    pub base: Base,
    pub o: OfferView,
}

#[derive(Template)]
#[template(path = "staff/fragment_wrapup.html")]
pub struct WrapupFragment {
    pub base: Base,
    pub w: WrapupView,
}

/// `m:ss` or `h:mm:ss` for a duration in milliseconds.
pub fn duration_text(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// Values of the leave-a-message form, kept when it is shown again with errors.
#[derive(Debug, Clone, Default)]
pub struct MessageForm {
    pub name: String,
    pub topic: String,
    pub message: String,
    /// `email`, `phone` or `return`.
    pub reach: String,
    pub email: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub form: MessageForm,
    pub topics: Vec<(String, String)>,
    pub limit_hint: String,
}

impl MessagePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "message_sent.html")]
pub struct MessageSentPage {
    pub base: Base,
    pub reference: String,
    pub how: String,
    pub show_link: bool,
    pub link: String,
}

/// One queue's opening hours in the form.
#[derive(Debug, Clone)]
pub struct HoursQueue {
    pub id: i64,
    pub name: String,
    /// Has opening hours (otherwise always open).
    pub limited: bool,
    /// Monday to Sunday, as `09:00-12:30, 13:30-17:00`.
    pub days: Vec<String>,
    /// One exception per line.
    pub exceptions: String,
}

#[derive(Template)]
#[template(path = "staff/hours.html")]
pub struct HoursPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub queues: Vec<HoursQueue>,
    pub weekdays: Vec<&'static str>,
}

impl HoursPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

/// A topic's short link on the links page.
#[derive(Debug, Clone)]
pub struct LinkRow {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub qr_alt: String,
}

#[derive(Template)]
#[template(path = "staff/links.html")]
pub struct LinksPage {
    pub base: Base,
    pub rows: Vec<LinkRow>,
}

/// One channel on the kiosk start page.
#[derive(Debug, Clone)]
pub struct KioskChannel {
    /// `chat`, `tolk` or `medewerker`.
    pub kind: &'static str,
    /// Pictogram name (an inline SVG in the template).
    pub icon: &'static str,
    pub label: String,
    pub can_start: bool,
    /// The wait, or why it cannot start now.
    pub note: String,
}

#[derive(Template)]
#[template(path = "kiosk.html")]
pub struct KioskPage {
    pub base: Base,
    pub location: String,
    pub channels: Vec<KioskChannel>,
}

#[derive(Template)]
#[template(path = "kiosk_refused.html")]
pub struct KioskRefusedPage {
    pub base: Base,
}

#[derive(Template)]
#[template(path = "kiosk_enrol.html")]
pub struct KioskEnrolPage {
    pub base: Base,
    pub token: String,
    pub name: String,
    pub location: String,
}

/// A registered kiosk in the supervisor's list.
#[derive(Debug, Clone)]
pub struct KioskRow {
    pub name: String,
    pub location: String,
    pub idle: String,
    pub enrolled: String,
}

#[derive(Template)]
#[template(path = "staff/kiosks.html")]
pub struct KioskAdminPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub rows: Vec<KioskRow>,
    /// The enrolment link of a kiosk just registered (shown once).
    pub link: Option<String>,
    pub name: String,
    pub location: String,
    pub idle: String,
}

impl KioskAdminPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}
