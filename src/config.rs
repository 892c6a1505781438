//! Configuration: an optional TOML file, overridden by environment variables.
//!
//! Loket runs with no configuration at all: every field has a default that suits one
//! process on one machine (bind `127.0.0.1:8080`, an SQLite file under `data/`). A site
//! writes the values it wants to change in `loket.toml` (or the file named by
//! `LOKET_CONFIG`), and an operator can override the most common ones with environment
//! variables, which win over the file:
//!
//! | variable | field |
//! |---|---|
//! | `LOKET_BIND` | `bind` |
//! | `LOKET_DATABASE_URL` | `database_url` |
//! | `LOKET_ORGANISATION` | `organisation` |
//! | `LOKET_OFFER_TIMEOUT_SECS` | `broker.offer_timeout_secs` |
//! | `LOKET_CHAT_CAPACITY` | `broker.default_chat_capacity` |
//! | `LOKET_SECURE_COOKIES` | `secure_cookies` |
//! | `LOKET_PUBLIC_URL` | `security.public_url` |
//! | `LOKET_DURABLE_COMMITS` | `durable_commits` |
//! | `LOKET_QUEUE_WITHOUT_STAFF` | `front_door.queue_without_staff` |
//! | `LOKET_MEDIA_BIND_IP` | `media.bind_ip` |
//! | `LOKET_MEDIA_PORTS` | `media.udp_port_min`-`media.udp_port_max` (e.g. `40000-40999`) |
//! | `LOKET_MEDIA_PUBLIC_IPS` | `media.public_ips` (comma-separated) |
//! | `LOKET_MEDIA_SIMULCAST` | `media.simulcast` (`true`/`false`) |
//! | `LOKET_MESSAGE_BURST` | `chat.message_burst` |
//! | `LOKET_INTAKE_LIVE_PER_BROWSER`, `_PER_ADDRESS`, `_PER_NETWORK` | `intake.live_per_*` |
//! | `LOKET_INTAKE_MESSAGES_PER_BROWSER`, `_PER_ADDRESS`, `_PER_NETWORK`, `_PER_REACH` | `intake.messages_per_*` |
//!
//! Validation happens here, once, so the rest of the program can trust the values.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// Everything Loket can be told at start-up.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// `sqlite://path/to/file.db` (created when missing).
    pub database_url: String,
    /// The organisation's name, shown in the header of every page.
    pub organisation: String,
    /// Mark cookies `Secure` (set this when Loket is served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Flush every commit to disk (SQLite `synchronous=FULL`): an acknowledged message
    /// survives a power cut. `false` trades that for speed (it still survives a crash
    /// of Loket itself).
    pub durable_commits: bool,
    /// Routing and capacity.
    pub broker: BrokerSettings,
    /// Chat limits.
    pub chat: ChatSettings,
    /// Staff sessions and login throttling.
    pub staff: StaffSettings,
    /// Video calls: where the media forwarder listens and what browsers are told.
    pub media: MediaSettings,
    /// What residents are offered when they arrive.
    pub front_door: FrontDoorSettings,
    /// Heartbeats on the live connections (`[connections]`).
    pub connections: ConnectionSettings,
    /// How residents reach the organisation outside this website (`[contact]`).
    pub contact: ContactSettings,
    /// Short explanations in Dutch Sign Language (`[sign_language]`).
    pub sign_language: SignLanguageSettings,
    /// The SMTP relay that sends e-mail answers to left messages (`[mail]`). Without it,
    /// residents are not offered an answer by e-mail.
    pub mail: Option<MailSettings>,
    /// Left messages and other asynchronous work (`[messages]`).
    pub messages: MessageSettings,
    /// How many new contacts one source may open (`[intake]`).
    pub intake: IntakeSettings,
    /// Logins, password checks and HTTPS (`[security]`).
    pub security: SecuritySettings,
    /// Caps and timeouts that keep one client from crowding out everyone else (`[limits]`).
    pub limits: LimitSettings,
    /// How long residents' data is kept (`[retention]`); the privacy page can change the
    /// terms, these are the defaults.
    pub retention: RetentionSettings,
    /// What residents should not type, and the privacy statement (`[privacy]`).
    pub privacy: PrivacySettings,
    /// Reports: service-level thresholds, short abandons and service norms (`[reports]`).
    pub reports: ReportsSettings,
}

/// How the reports count (`/staff/rapportage`).
///
/// ```toml
/// [reports]
/// short_abandon_secs = 5
/// service_levels = [20, 30, 60]
/// survey_min_answers = 5
/// norms = [
///   { metric = "answered-within-30s", channel = "chat", target = "70%" },
///   { metric = "abandon-rate", target = "5%" },
///   { metric = "left-answered-within-48h", target = "90%" },
/// ]
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportsSettings {
    /// A resident who leaves the queue within this many seconds is a short abandon,
    /// shown apart (they clicked by mistake, or saw the wait and chose another way).
    pub short_abandon_secs: u32,
    /// Service-level thresholds in seconds ("answered within 30 s").
    pub service_levels: Vec<u32>,
    /// Service norms for the quarterly table: metric (`answered-within-<N>s`,
    /// `abandon-rate`, `left-answered-within-<N>h`), channel (`chat`, `video`,
    /// `video-tolk`, `bericht`, or none for all), target (`70%` or `0.7`).
    pub norms: Vec<NormSetting>,
    /// The fewest satisfaction-survey answers a staff member's survey figures are shown
    /// for (1 to 1000): below it the report says "too few answers", so nobody is judged
    /// on two answers (`insight::survey`).
    pub survey_min_answers: u32,
}

/// One service norm as written in `loket.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormSetting {
    pub metric: String,
    #[serde(default)]
    pub channel: String,
    pub target: String,
}

impl Default for ReportsSettings {
    fn default() -> Self {
        let norm = |metric: &str, channel: &str, target: &str| NormSetting {
            metric: metric.to_string(),
            channel: channel.to_string(),
            target: target.to_string(),
        };
        ReportsSettings {
            short_abandon_secs: 5,
            service_levels: vec![20, 30, 60],
            norms: vec![
                norm("answered-within-30s", "", "70%"),
                norm("abandon-rate", "", "5%"),
                norm("left-answered-within-48h", "bericht", "90%"),
            ],
            survey_min_answers: 5,
        }
    }
}

impl ReportsSettings {
    /// The settings the report arithmetic takes.
    pub fn report_settings(&self) -> crate::insight::figures::ReportSettings {
        crate::insight::figures::ReportSettings {
            short_abandon_ms: i64::from(self.short_abandon_secs) * 1000,
            thresholds_s: self.service_levels.clone(),
            min_survey_answers: self.survey_min_answers,
        }
    }

    /// The norms, parsed (checked at start: see `Config::validate`).
    pub fn norms(&self) -> Vec<crate::insight::figures::Norm> {
        self.norms
            .iter()
            .filter_map(|n| {
                crate::insight::figures::Norm::parse(&n.metric, &n.channel, &n.target).ok()
            })
            .collect()
    }
}

/// How long each kind of residents' data is kept, in days, counted from the end of the
/// conversation (or its last message, for one that never ended; for a left message: its
/// answer, or its arrival while unanswered). The reasoning behind the defaults is in
/// `docs/privacy.md`. A purge runs daily at `purge_at` (local time, `HH:MM`) and on demand
/// (`loket privacy purge`). Only content and contact details go: a conversation keeps its
/// queue, channel, topic, times and outcome, so the figures stay.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionSettings {
    /// Messages, transcripts and left messages with their answers.
    pub messages_days: u32,
    /// The resident's name, e-mail address and telephone number.
    pub contact_days: u32,
    /// Agents' wrap-up notes.
    pub notes_days: u32,
    /// The access log (who looked at what): longer, so a resident can still ask who read
    /// their conversation after it is gone.
    pub access_log_days: u32,
    /// When the daily purge runs, local time.
    pub purge_at: String,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings {
            messages_days: 90,
            contact_days: 90,
            notes_days: 365,
            access_log_days: 730,
            purge_at: "03:30".to_string(),
        }
    }
}

/// Redaction of numbers residents should not type, and the privacy statement.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacySettings {
    /// `"all"`: mask every number that passes the BSN 11-proof (some case numbers too);
    /// `"context"`: only near a word such as "bsn" or "burgerservicenummer".
    pub bsn: BsnSetting,
    /// Also mask payment card numbers (Luhn).
    pub cards: bool,
    /// A file with the site's own privacy statement (plain text, paragraphs separated by
    /// an empty line) that replaces the default one on `/privacy`.
    pub statement: Option<PathBuf>,
}

/// See [`PrivacySettings::bsn`].
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum BsnSetting {
    #[default]
    All,
    Context,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        PrivacySettings {
            bsn: BsnSetting::All,
            cards: true,
            statement: None,
        }
    }
}

impl PrivacySettings {
    /// The detector these settings describe.
    pub fn detector(&self) -> crate::privacy::redact::Detector {
        use crate::privacy::redact::{BsnMode, Detector};
        Detector {
            bsn: match self.bsn {
                BsnSetting::All => BsnMode::All,
                BsnSetting::Context => BsnMode::Context,
            },
            cards: self.cards,
        }
    }
}

/// How many new contacts one source may open, so that one script cannot crowd out
/// residents (`[intake]`). Every way in counts: chat, video, the kiosk, left messages
/// and the accessibility report. A source is counted as a browser, as an address and as
/// the address's network (IPv4 /24, IPv6 /64) at once; a kiosk only as itself. Live
/// contacts (chat, video) count per 10 minutes, left messages per hour, and a left
/// message also per e-mail address or telephone number per day. A district office or a
/// municipal network behind one address shares the address and network limits, so those
/// are wider than the browser's.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IntakeSettings {
    /// Live contacts (chat, video) per 10 minutes.
    pub live_per_browser: u32,
    pub live_per_address: u32,
    pub live_per_network: u32,
    pub live_per_kiosk: u32,
    /// Left messages and reports per hour.
    pub messages_per_browser: u32,
    pub messages_per_address: u32,
    pub messages_per_network: u32,
    pub messages_per_kiosk: u32,
    /// Left messages per e-mail address or telephone number per day.
    pub messages_per_reach: u32,
    /// A queue takes no new contact while this many wait in it ("too busy", with the
    /// offer to leave a message).
    pub max_waiting_per_queue: usize,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        IntakeSettings {
            live_per_browser: 3,
            live_per_address: 10,
            live_per_network: 30,
            live_per_kiosk: 30,
            messages_per_browser: 3,
            messages_per_address: 10,
            messages_per_network: 30,
            messages_per_kiosk: 20,
            messages_per_reach: 3,
            max_waiting_per_queue: 100,
        }
    }
}

/// Staff logins and HTTPS (`[security]`). Every login attempt takes a slot in its counts
/// before the password is checked; past a count's free attempts in 15 minutes each next
/// attempt waits twice as long (1 s, 2 s, 4 s, ... at most 15 minutes). A browser that
/// signed in to an account before (a signed "known browser" cookie) counts only against
/// itself, so nobody elsewhere can lock its owner out.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecuritySettings {
    /// Free attempts per account from one address (an unknown browser).
    pub login_free_per_account_address: u32,
    /// Free attempts from one address (IPv4 address, IPv6 /64), over all accounts, from
    /// unknown browsers: limits spraying one password over many accounts. An office
    /// behind one address only meets it with browsers nobody signed in from before.
    pub login_free_per_address: u32,
    /// Free attempts per account from all unknown browsers together: limits guessing
    /// from many addresses; known browsers still get in.
    pub login_free_per_account: u32,
    /// Free attempts per account from one known browser.
    pub login_free_known_browser: u32,
    /// Threads that check passwords (0: one per core).
    pub password_threads: usize,
    /// Password checks that may wait at once; beyond this a login is told to try again.
    pub password_queue: usize,
    /// Places reserved in the password check queue for known browsers.
    pub password_queue_known: usize,
    /// `Strict-Transport-Security: max-age=...` (sent only with `secure_cookies = true`).
    pub hsts_max_age_secs: u64,
    /// The address residents and staff use, such as `https://loket.gemeente.example`
    /// (scheme and host, optionally a port; no path). When set, links that are printed
    /// or sent (short links, QR codes, kiosk enrolment, a left message's link) are built
    /// from it and the `Host` a request names is ignored; unset, they use the request's
    /// `Host` (fine on one machine, not on the open internet).
    pub public_url: Option<String>,
    /// Reverse proxies in front of Loket (their addresses): for a request from one of
    /// them, the client's address (for the login throttle and the intake limits) is the
    /// last one in `X-Forwarded-For` that is not a proxy. Empty (the default): the
    /// connection's address, and the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl SecuritySettings {
    /// The host (and port) of [`SecuritySettings::public_url`].
    pub fn public_host(&self) -> Option<&str> {
        let url = self.public_url.as_deref()?;
        let (_, rest) = url.split_once("://")?;
        Some(rest.trim_end_matches('/'))
    }
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            login_free_per_account_address: 5,
            login_free_per_address: 10,
            login_free_per_account: 50,
            login_free_known_browser: 5,
            password_threads: 0,
            password_queue: 64,
            password_queue_known: 16,
            hsts_max_age_secs: 31_536_000,
            public_url: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Caps and timeouts on connections, so that one client (a script, a slow or stuck
/// connection) cannot take what everyone else needs. The defaults suit a district office
/// or a municipal network behind one address: a few hundred connections from one
/// address, a dozen live sockets per conversation.
///
/// ```toml
/// [limits]
/// header_read_secs = 10
/// request_secs = 30
/// idle_secs = 60
/// connections_per_address = 300
/// max_connections = 20000
/// sockets_per_conversation = 12
/// sockets_per_session = 12
/// exempt_addresses = []
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// A request's headers must have arrived this long after the server started waiting
    /// for them (a new connection, or a kept-alive one after its last response).
    pub header_read_secs: u64,
    /// A request, with its body, must be handled within this; otherwise 408 and the
    /// connection closes.
    pub request_secs: u64,
    /// An HTTP connection over which nothing moves (no byte read or written) for this
    /// long is closed. Live sockets have their own heartbeat (`[connections]`).
    pub idle_secs: u64,
    /// Open connections (pages and live sockets) from one IPv4 address or IPv6 /64.
    pub connections_per_address: usize,
    /// Open connections in total; lowered at start to fit the open-file limit.
    pub max_connections: usize,
    /// Live sockets on one conversation: a resident's tabs, and reconnects whose old
    /// socket the server has not yet found dead (up to `connections.silent_secs`).
    pub sockets_per_conversation: usize,
    /// Live sockets of one staff login (console, call pages).
    pub sockets_per_session: usize,
    /// Addresses not capped per address (a reverse proxy in front of Loket, which then
    /// has to cap per client itself).
    pub exempt_addresses: Vec<IpAddr>,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            header_read_secs: 10,
            request_secs: 30,
            idle_secs: 60,
            connections_per_address: 300,
            max_connections: 20_000,
            sockets_per_conversation: 12,
            sockets_per_session: 12,
            exempt_addresses: Vec::new(),
        }
    }
}

/// Short videos in Dutch Sign Language (NGT), with captions, that explain the
/// sign-language channel on its start page, its waiting page and the kiosk's button. Many
/// deaf signers read Dutch as a second language; an organisation records its own. The
/// files live in the data folder (the folder of the SQLite database); a page without a
/// video configured shows none.
///
/// ```toml
/// [sign_language]
/// start = { video = "ngt/start.mp4", captions = "ngt/start.vtt" }
/// waiting = { video = "ngt/wachten.mp4", captions = "ngt/wachten.vtt" }
/// kiosk = { video = "ngt/kiosk.mp4", captions = "ngt/kiosk.vtt" }
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignLanguageSettings {
    pub start: Option<SignVideo>,
    pub waiting: Option<SignVideo>,
    pub kiosk: Option<SignVideo>,
}

/// One NGT video (`.mp4` or `.webm`) and its captions (`.vtt`), as paths inside the data
/// folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignVideo {
    pub video: String,
    pub captions: String,
}

impl SignLanguageSettings {
    /// The configured videos, each with the name of its page.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &SignVideo)> {
        [
            ("start", &self.start),
            ("waiting", &self.waiting),
            ("kiosk", &self.kiosk),
        ]
        .into_iter()
        .filter_map(|(page, v)| v.as_ref().map(|v| (page, v)))
    }
}

/// A path inside the data folder: relative, no `..`, and ending in one of `extensions`.
fn inside_data_folder(path: &str, extensions: &[&str]) -> bool {
    let p = Path::new(path);
    let plain = p
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    let ext_ok = p
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()));
    !path.is_empty() && plain && ext_ok
}

/// The organisation's other ways in, shown under "Hulp nodig?" on every resident page:
/// a phone number with its hours, and a desk (address and opening hours). Until a site
/// sets `phone`, the pages show example values and say that they are examples.
///
/// ```toml
/// [contact]
/// phone = "14 012"
/// phone_hours = { nl = "op werkdagen van 8.30 tot 17.00 uur", en = "on weekdays from 8:30 to 17:00" }
/// address = "Stadhuisplein 1, 1234 AB Voorbeeld"
/// desk_hours = { nl = "maandag tot en met vrijdag van 9.00 tot 16.00 uur", en = "Monday to Friday from 9:00 to 16:00" }
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactSettings {
    /// The phone number as residents dial it (digits, spaces, `+`, `-`).
    pub phone: Option<String>,
    /// When the phone is answered, per language.
    pub phone_hours: Option<LocalText>,
    /// The desk's address, one line.
    pub address: Option<String>,
    /// When the desk is open, per language.
    pub desk_hours: Option<LocalText>,
}

/// A short text in Dutch, and optionally English (Dutch is shown where English is missing).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalText {
    pub nl: String,
    #[serde(default)]
    pub en: Option<String>,
}

/// How e-mail leaves Loket: through the organisation's own SMTP relay.
///
/// ```toml
/// [mail]
/// host = "smtp.gemeente.example"
/// port = 587
/// from = "Gemeente Voorbeeld <loket@gemeente.example>"
/// tls = "starttls"          # "starttls" (default), "tls" (port 465) or "none"
/// user = "loket"            # optional, with password
/// password = "..."
/// ```
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub host: String,
    #[serde(default = "default_mail_port")]
    pub port: u16,
    /// The sender, `Name <address>` or a bare address.
    pub from: String,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub tls: MailTls,
    /// Longest wait for the relay before a send counts as failed.
    #[serde(default = "default_mail_timeout")]
    pub timeout_secs: u64,
}

/// The password is never printed.
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("tls", &self.tls)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

fn default_mail_port() -> u16 {
    587
}

fn default_mail_timeout() -> u64 {
    20
}

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MailTls {
    /// Plain connection upgraded with STARTTLS (required).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network (and tests).
    None,
}

/// Left messages: the promise on the confirmation page.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessageSettings {
    /// "U krijgt binnen N werkdagen antwoord": the promise residents are given.
    pub answer_within_days: u32,
}

impl Default for MessageSettings {
    fn default() -> Self {
        MessageSettings {
            answer_within_days: 2,
        }
    }
}

/// How the server notices a live connection that went away without a goodbye (a
/// network that dropped, a laptop that went to sleep): it pings every `ping_secs` and
/// closes a connection that sent nothing (not even a pong) for `silent_secs`. A closed
/// console is then handled as any other: its contacts are requeued after
/// `staff.disconnect_grace_secs`. Worst case from the drop to the requeue:
/// `silent_secs + ping_secs + disconnect_grace_secs` (55 s with the defaults).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionSettings {
    pub ping_secs: u64,
    pub silent_secs: u64,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            ping_secs: 10,
            silent_secs: 30,
        }
    }
}

/// The front door's rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrontDoorSettings {
    /// A channel can be started while nobody is available when the estimated wait is at
    /// most this long; otherwise residents are offered to leave a message.
    pub max_wait_mins: u64,
    /// Let residents join an open queue even when no staff member is online at all (for
    /// example just before a shift starts). Off by default: they are offered to leave a
    /// message instead.
    pub queue_without_staff: bool,
    /// Per queue (by slug): where its waiting contacts go while nobody who serves it is
    /// available. A queue without a rule keeps them, and their page says honestly that
    /// nobody can answer now and offers to leave a message.
    pub overflow: std::collections::BTreeMap<String, OverflowRule>,
}

/// `[front_door.overflow] belastingen = { to = "chat", after_mins = 5 }`: contacts
/// waiting in "belastingen" move to "chat" once nobody has served "belastingen" for 5
/// minutes (counted from when they came in, if that is later).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OverflowRule {
    /// The queue (slug) that takes them over; the same channel.
    pub to: String,
    /// Minutes without anyone serving the queue before they move.
    pub after_mins: u64,
}

impl Default for FrontDoorSettings {
    fn default() -> Self {
        FrontDoorSettings {
            max_wait_mins: 20,
            queue_without_staff: false,
            overflow: std::collections::BTreeMap::new(),
        }
    }
}

/// Media (WebRTC) settings. Each participant of a call has one peer connection with the
/// server, on its own UDP port from `udp_port_min..=udp_port_max`: open that range (UDP)
/// in the firewall, one port per connected participant.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaSettings {
    /// Address the media sockets bind to (`127.0.0.1` keeps calls on this machine;
    /// a server's own LAN or public address for real sites).
    pub bind_ip: IpAddr,
    /// First UDP port for media.
    pub udp_port_min: u16,
    /// Last UDP port for media.
    pub udp_port_max: u16,
    /// Public addresses to announce instead of `bind_ip` when the server is behind a
    /// 1:1 NAT (for example a cloud VM's public IP).
    pub public_ips: Vec<String>,
    /// Offer loopback candidates (needed when browser and server share one machine, as
    /// in tests and demos).
    pub include_loopback: bool,
    /// Whether residents' and staff's candidates in private ranges (10/8, 172.16/12,
    /// 192.168/16, 100.64/10, fc00::/7) are checked. Unset: only when `bind_ip` is itself
    /// private (a server on the organisation's network). Link-local and metadata
    /// addresses are never checked; loopback only with `include_loopback`.
    pub private_candidates: Option<bool>,
    /// STUN/TURN servers handed to browsers (e.g. a coturn server for residents behind
    /// strict firewalls). The server itself needs none.
    pub ice_servers: Vec<IceServer>,
    /// Ask every camera for three sizes (simulcast) and give each participant the size
    /// their line carries, at the full frame rate. Off: everyone gets the full size, and
    /// a weak line freezes for the one who has it.
    pub simulcast: bool,
}

impl MediaSettings {
    /// [`MediaSettings::private_candidates`], with its default worked out.
    pub fn private_candidates(&self) -> bool {
        self.private_candidates.unwrap_or(match self.bind_ip {
            IpAddr::V4(v4) => v4.is_private(),
            IpAddr::V6(v6) => v6.segments()[0] & 0xfe00 == 0xfc00,
        })
    }
}

/// One STUN or TURN server for browsers, as in `RTCIceServer`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IceServer {
    /// `stun:host:port`, `turn:host:port?transport=udp`, `turns:host:443`.
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

impl Default for MediaSettings {
    fn default() -> Self {
        MediaSettings {
            bind_ip: IpAddr::from([127, 0, 0, 1]),
            udp_port_min: 40000,
            udp_port_max: 40999,
            public_ips: Vec::new(),
            include_loopback: true,
            private_candidates: None,
            ice_servers: Vec::new(),
            simulcast: true,
        }
    }
}

/// Settings handed to the session broker.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrokerSettings {
    /// How long an agent has to accept an offer before it goes to the next one.
    pub offer_timeout_secs: u64,
    /// How long an agent who declined or missed a contact is skipped for that contact.
    pub retry_cooldown_secs: u64,
    /// Chats an agent holds at once unless their account says otherwise.
    pub default_chat_capacity: u8,
    /// Handle time assumed for wait estimates before a queue has history.
    pub default_handle_time_secs: u64,
}

/// Limits on chat messages and on how long a silent resident keeps their place.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChatSettings {
    /// Longest message accepted, in characters.
    pub max_message_chars: usize,
    /// A waiting resident whose live connection closed is marked abandoned after this.
    pub resident_grace_secs: u64,
    /// A waiting resident without JavaScript (no live connection) is marked abandoned
    /// after this long without loading the page.
    pub resident_idle_secs: u64,
    /// Messages one side of a conversation (the resident; the staff) may send at once,
    /// over all its sockets and forms together ...
    pub message_burst: u32,
    /// ... and then one per this many milliseconds (faster than anyone types).
    pub message_interval_ms: u64,
}

/// Staff session behaviour.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaffSettings {
    /// A staff session expires after this long without a request or live connection.
    pub session_idle_mins: u64,
    /// When a staff member's last console connection closes, their contacts are
    /// requeued after this grace period (long enough for a page reload).
    pub disconnect_grace_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/loket.db".to_string(),
            organisation: "Gemeente Voorbeeld".to_string(),
            secure_cookies: false,
            durable_commits: true,
            broker: BrokerSettings::default(),
            chat: ChatSettings::default(),
            staff: StaffSettings::default(),
            media: MediaSettings::default(),
            front_door: FrontDoorSettings::default(),
            connections: ConnectionSettings::default(),
            intake: IntakeSettings::default(),
            contact: ContactSettings::default(),
            sign_language: SignLanguageSettings::default(),
            mail: None,
            messages: MessageSettings::default(),
            security: SecuritySettings::default(),
            limits: LimitSettings::default(),
            retention: RetentionSettings::default(),
            privacy: PrivacySettings::default(),
            reports: ReportsSettings::default(),
        }
    }
}

impl Default for BrokerSettings {
    fn default() -> Self {
        BrokerSettings {
            offer_timeout_secs: 20,
            retry_cooldown_secs: 60,
            default_chat_capacity: 3,
            default_handle_time_secs: 300,
        }
    }
}

impl Default for ChatSettings {
    fn default() -> Self {
        ChatSettings {
            max_message_chars: 2000,
            resident_grace_secs: 60,
            resident_idle_secs: 900,
            message_burst: 10,
            message_interval_ms: 500,
        }
    }
}

impl Default for StaffSettings {
    fn default() -> Self {
        StaffSettings {
            session_idle_mins: 60,
            disconnect_grace_secs: 15,
        }
    }
}

/// A configuration problem, reported before anything starts.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid Loket configuration: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("environment variable {name}={value:?} is invalid: {reason}")]
    Env {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error("invalid setting {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

impl Config {
    /// Loads the file (if it exists) and applies environment overrides from `env`.
    ///
    /// `explicit` is a path the user named (`--config` or `LOKET_CONFIG`); naming a file
    /// that does not exist is an error, while the default `loket.toml` is optional.
    pub fn load(
        explicit: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut config = match explicit {
            Some(path) => Self::from_file(path)?,
            None if Path::new("loket.toml").exists() => Self::from_file(Path::new("loket.toml"))?,
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.validate()?;
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text).map_err(|source| ConfigError::Parse {
            path: path.to_path_buf(),
            source: Box::new(source),
        })
    }

    /// Parses TOML text; missing fields keep their defaults.
    /// The data folder: the folder of the SQLite database file. Files a site adds (such as
    /// its sign-language videos) are named relative to it.
    pub fn data_dir(&self) -> PathBuf {
        let file = self
            .database_url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let file = file.split('?').next().unwrap_or(file);
        Path::new(file)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }

    pub fn from_toml(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &'static str, value: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            value.trim().parse().map_err(|e: T::Err| ConfigError::Env {
                name,
                reason: e.to_string(),
                value,
            })
        }
        if let Some(v) = env("LOKET_BIND") {
            self.bind = parse("LOKET_BIND", v)?;
        }
        if let Some(v) = env("LOKET_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = env("LOKET_ORGANISATION") {
            self.organisation = v;
        }
        if let Some(v) = env("LOKET_OFFER_TIMEOUT_SECS") {
            self.broker.offer_timeout_secs = parse("LOKET_OFFER_TIMEOUT_SECS", v)?;
        }
        if let Some(v) = env("LOKET_CHAT_CAPACITY") {
            self.broker.default_chat_capacity = parse("LOKET_CHAT_CAPACITY", v)?;
        }
        if let Some(v) = env("LOKET_DURABLE_COMMITS") {
            self.durable_commits = parse("LOKET_DURABLE_COMMITS", v)?;
        }
        if let Some(v) = env("LOKET_PUBLIC_URL") {
            self.security.public_url = Some(v.trim().to_string()).filter(|v| !v.is_empty());
        }
        if let Some(v) = env("LOKET_SECURE_COOKIES") {
            self.secure_cookies = parse("LOKET_SECURE_COOKIES", v)?;
        }
        if let Some(v) = env("LOKET_QUEUE_WITHOUT_STAFF") {
            self.front_door.queue_without_staff = parse("LOKET_QUEUE_WITHOUT_STAFF", v)?;
        }
        if let Some(v) = env("LOKET_MEDIA_BIND_IP") {
            self.media.bind_ip = parse("LOKET_MEDIA_BIND_IP", v)?;
        }
        if let Some(v) = env("LOKET_MEDIA_PORTS") {
            let Some((lo, hi)) = v.split_once('-') else {
                return Err(ConfigError::Env {
                    name: "LOKET_MEDIA_PORTS",
                    reason: "expected a range such as 40000-40999".into(),
                    value: v,
                });
            };
            self.media.udp_port_min = parse("LOKET_MEDIA_PORTS", lo.to_string())?;
            self.media.udp_port_max = parse("LOKET_MEDIA_PORTS", hi.to_string())?;
        }
        if let Some(v) = env("LOKET_MEDIA_SIMULCAST") {
            self.media.simulcast = parse("LOKET_MEDIA_SIMULCAST", v)?;
        }
        if let Some(v) = env("LOKET_MESSAGE_BURST") {
            self.chat.message_burst = parse("LOKET_MESSAGE_BURST", v)?;
        }
        let i = &mut self.intake;
        for (name, field) in [
            ("LOKET_INTAKE_LIVE_PER_BROWSER", &mut i.live_per_browser),
            ("LOKET_INTAKE_LIVE_PER_ADDRESS", &mut i.live_per_address),
            ("LOKET_INTAKE_LIVE_PER_NETWORK", &mut i.live_per_network),
            (
                "LOKET_INTAKE_MESSAGES_PER_BROWSER",
                &mut i.messages_per_browser,
            ),
            (
                "LOKET_INTAKE_MESSAGES_PER_ADDRESS",
                &mut i.messages_per_address,
            ),
            (
                "LOKET_INTAKE_MESSAGES_PER_NETWORK",
                &mut i.messages_per_network,
            ),
            ("LOKET_INTAKE_MESSAGES_PER_REACH", &mut i.messages_per_reach),
        ] {
            if let Some(v) = env(name) {
                *field = parse(name, v)?;
            }
        }
        if let Some(v) = env("LOKET_MEDIA_PUBLIC_IPS") {
            self.media.public_ips = v
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !self.database_url.starts_with("sqlite:") {
            return Err(ConfigError::Invalid {
                field: "database_url",
                reason: "only sqlite: URLs are supported by this build".into(),
            });
        }
        if self.connections.ping_secs == 0
            || self.connections.silent_secs <= self.connections.ping_secs
        {
            return Err(ConfigError::Invalid {
                field: "connections.silent_secs",
                reason: "ping_secs must be at least 1 and silent_secs longer than ping_secs".into(),
            });
        }
        if let Some(url) = &self.security.public_url {
            let scheme = if self.secure_cookies { "https" } else { "http" };
            let host = url
                .strip_prefix(scheme)
                .and_then(|r| r.strip_prefix("://"))
                .map(|r| r.strip_suffix('/').unwrap_or(r));
            let ok = host.is_some_and(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            });
            if !ok {
                return Err(ConfigError::Invalid {
                    field: "security.public_url",
                    reason: format!(
                        "{url:?} must be {scheme}://host or {scheme}://host:port without a path \
                         (https with secure_cookies = true, http without)"
                    ),
                });
            }
        }
        if self.reports.service_levels.is_empty()
            || self
                .reports
                .service_levels
                .iter()
                .any(|&t| t == 0 || t > 3600)
        {
            return Err(ConfigError::Invalid {
                field: "reports.service_levels",
                reason: "give one or more thresholds between 1 and 3600 seconds".into(),
            });
        }
        if !(1..=1000).contains(&self.reports.survey_min_answers) {
            return Err(ConfigError::Invalid {
                field: "reports.survey_min_answers",
                reason: "give a number of answers between 1 and 1000".into(),
            });
        }
        for n in &self.reports.norms {
            if let Err(e) = crate::insight::figures::Norm::parse(&n.metric, &n.channel, &n.target) {
                return Err(ConfigError::Invalid {
                    field: "reports.norms",
                    reason: format!("{} / {} / {}: {e}", n.metric, n.channel, n.target),
                });
            }
        }
        if self.security.password_queue == 0 || self.security.password_queue_known == 0 {
            return Err(ConfigError::Invalid {
                field: "security.password_queue",
                reason: "password_queue and password_queue_known must be at least 1".into(),
            });
        }
        let l = &self.limits;
        let positive = [
            ("limits.header_read_secs", l.header_read_secs as usize),
            ("limits.request_secs", l.request_secs as usize),
            ("limits.idle_secs", l.idle_secs as usize),
            ("limits.connections_per_address", l.connections_per_address),
            ("limits.max_connections", l.max_connections),
            (
                "limits.sockets_per_conversation",
                l.sockets_per_conversation,
            ),
            ("limits.sockets_per_session", l.sockets_per_session),
        ];
        for (field, value) in positive {
            if value == 0 {
                return Err(ConfigError::Invalid {
                    field,
                    reason: "must be at least 1".into(),
                });
            }
        }
        if self.broker.offer_timeout_secs == 0 {
            return Err(ConfigError::Invalid {
                field: "broker.offer_timeout_secs",
                reason: "must be at least 1".into(),
            });
        }
        if self.broker.default_chat_capacity == 0 {
            return Err(ConfigError::Invalid {
                field: "broker.default_chat_capacity",
                reason: "must be at least 1".into(),
            });
        }
        if !(1..=100_000).contains(&self.chat.max_message_chars) {
            return Err(ConfigError::Invalid {
                field: "chat.max_message_chars",
                reason: "must be between 1 and 100000".into(),
            });
        }
        if self.chat.message_burst == 0 || self.chat.message_interval_ms == 0 {
            return Err(ConfigError::Invalid {
                field: "[chat] message_burst",
                reason: "message_burst and message_interval_ms must be at least 1".into(),
            });
        }
        let i = &self.intake;
        if [
            i.live_per_browser,
            i.live_per_address,
            i.live_per_network,
            i.live_per_kiosk,
            i.messages_per_browser,
            i.messages_per_address,
            i.messages_per_network,
            i.messages_per_kiosk,
            i.messages_per_reach,
        ]
        .contains(&0)
            || i.max_waiting_per_queue == 0
        {
            return Err(ConfigError::Invalid {
                field: "intake",
                reason: "every limit must be at least 1".into(),
            });
        }
        if self.media.udp_port_min == 0 || self.media.udp_port_min > self.media.udp_port_max {
            return Err(ConfigError::Invalid {
                field: "media.udp_port_min",
                reason: "the media ports must be a range such as 40000-40999".into(),
            });
        }
        for ip in &self.media.public_ips {
            if ip.parse::<IpAddr>().is_err() {
                return Err(ConfigError::Invalid {
                    field: "media.public_ips",
                    reason: format!("{ip:?} is not an IP address"),
                });
            }
        }
        for server in &self.media.ice_servers {
            let ok = !server.urls.is_empty()
                && server.urls.iter().all(|u| {
                    ["stun:", "stuns:", "turn:", "turns:"]
                        .iter()
                        .any(|p| u.starts_with(p))
                });
            if !ok {
                return Err(ConfigError::Invalid {
                    field: "media.ice_servers",
                    reason:
                        "every ICE server needs urls starting with stun:, stuns:, turn: or turns:"
                            .into(),
                });
            }
        }
        for (page, v) in self.sign_language.all() {
            if !inside_data_folder(&v.video, &["mp4", "webm"])
                || !inside_data_folder(&v.captions, &["vtt"])
            {
                return Err(ConfigError::Invalid {
                    field: "sign_language",
                    reason: format!(
                        "{page}: video must be an .mp4 or .webm file and captions a .vtt file, \
                         named inside the data folder (no absolute path, no ..)"
                    ),
                });
            }
        }
        if let Some(phone) = &self.contact.phone {
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            let only_dial = phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
            if !only_dial || !(3..=15).contains(&digits) {
                return Err(ConfigError::Invalid {
                    field: "contact.phone",
                    reason: "a phone number of 3 to 15 digits (spaces, +, - and () allowed)".into(),
                });
            }
        }
        if let Some(mail) = &self.mail {
            if mail.host.trim().is_empty() || mail.port == 0 {
                return Err(ConfigError::Invalid {
                    field: "mail.host",
                    reason: "the SMTP relay needs a host and a port".into(),
                });
            }
            if mail.from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(ConfigError::Invalid {
                    field: "mail.from",
                    reason: format!("{:?} is not an e-mail address", mail.from),
                });
            }
            if mail.user.is_some() != mail.password.is_some() {
                return Err(ConfigError::Invalid {
                    field: "mail.user",
                    reason: "give both user and password, or neither".into(),
                });
            }
        }
        if !(1..=60).contains(&self.messages.answer_within_days) {
            return Err(ConfigError::Invalid {
                field: "messages.answer_within_days",
                reason: "must be between 1 and 60".into(),
            });
        }
        if self.organisation.trim().is_empty() {
            return Err(ConfigError::Invalid {
                field: "organisation",
                reason: "must not be empty".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_file() {
        let c = Config::load(None, |_| None).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert!(c.database_url.starts_with("sqlite://data/"));
        assert_eq!(c.broker.default_chat_capacity, 3);
    }

    #[test]
    fn environment_wins_over_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loket.toml");
        std::fs::write(
            &path,
            "bind = \"127.0.0.1:9000\"\n[broker]\noffer_timeout_secs = 5\n",
        )
        .unwrap();
        let c = Config::load(Some(&path), |k| {
            (k == "LOKET_BIND").then(|| "127.0.0.1:9100".to_string())
        })
        .unwrap();
        assert_eq!(c.bind.port(), 9100);
        assert_eq!(c.broker.offer_timeout_secs, 5);
    }

    #[test]
    fn sign_language_videos_stay_in_the_data_folder() {
        let ok = Config::from_toml(
            "[sign_language]\nstart = { video = \"ngt/start.webm\", captions = \"ngt/start.vtt\" }\n",
        )
        .unwrap();
        ok.validate().unwrap();
        assert_eq!(ok.sign_language.all().count(), 1);
        for bad in [
            "video = \"../start.webm\", captions = \"s.vtt\"",
            "video = \"/etc/start.webm\", captions = \"s.vtt\"",
            "video = \"start.exe\", captions = \"s.vtt\"",
            "video = \"start.mp4\", captions = \"s.srt\"",
        ] {
            let c =
                Config::from_toml(&format!("[sign_language]\nwaiting = {{ {bad} }}\n")).unwrap();
            let err = c.validate().unwrap_err().to_string();
            assert!(err.contains("sign_language"), "{bad}: {err}");
        }
        assert_eq!(
            Config::default().data_dir(),
            std::path::PathBuf::from("data")
        );
    }

    #[test]
    fn contact_from_file_and_checked() {
        let c = Config::from_toml(
            "[contact]\nphone = \"14 012\"\nphone_hours = { nl = \"werkdagen\" }\n",
        )
        .unwrap();
        assert_eq!(c.contact.phone.as_deref(), Some("14 012"));
        assert_eq!(
            c.contact.phone_hours.map(|h| h.nl),
            Some("werkdagen".into())
        );
        let bad = Config::from_toml("[contact]\nphone = \"bel ons\"\n").unwrap();
        let err = bad.validate().unwrap_err().to_string();
        assert!(err.contains("contact.phone"), "{err}");
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::load(None, |k| (k == "LOKET_BIND").then(|| "nonsense".into()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("LOKET_BIND"), "{err}");
        let err = Config::from_toml("bnid = 1").unwrap_err().to_string();
        assert!(err.contains("bnid"), "{err}");
        let err = Config::load(None, |k| {
            (k == "LOKET_MEDIA_PORTS").then(|| "50000-40000".into())
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("media"), "{err}");
    }

    #[test]
    fn survey_minimum_from_file_and_checked() {
        assert_eq!(Config::default().reports.survey_min_answers, 5);
        let c = Config::from_toml("[reports]\nsurvey_min_answers = 10\n").unwrap();
        c.validate().unwrap();
        assert_eq!(c.reports.report_settings().min_survey_answers, 10);
        for bad in ["0", "1001"] {
            let c = Config::from_toml(&format!("[reports]\nsurvey_min_answers = {bad}\n")).unwrap();
            let err = c.validate().unwrap_err().to_string();
            assert!(err.contains("reports.survey_min_answers"), "{err}");
        }
    }

    #[test]
    fn mail_and_message_settings() {
        let c = Config::from_toml(
            "[mail]\nhost = \"smtp.example.org\"\nfrom = \"Loket <loket@example.org>\"\n\
             [messages]\nanswer_within_days = 3\n",
        )
        .unwrap();
        let mail = c.mail.as_ref().unwrap();
        assert_eq!((mail.port, mail.tls), (587, MailTls::Starttls));
        assert_eq!(c.messages.answer_within_days, 3);
        assert!(c.validate().is_ok());
        let c = Config::from_toml("[mail]\nhost = \"h\"\nfrom = \"geen adres\"\n").unwrap();
        assert!(c.validate().unwrap_err().to_string().contains("mail.from"));
        let c =
            Config::from_toml("[mail]\nhost = \"h\"\nfrom = \"a@b.nl\"\nuser = \"u\"\n").unwrap();
        assert!(c.validate().unwrap_err().to_string().contains("mail.user"));
        assert!(
            Config::default().mail.is_none(),
            "no relay unless configured"
        );
    }

    #[test]
    fn media_settings() {
        let c = Config::from_toml(
            "[media]\nbind_ip = \"10.0.0.5\"\npublic_ips = [\"203.0.113.7\"]\n\
             [[media.ice_servers]]\nurls = [\"turn:turn.example.org:3478\"]\nusername = \"u\"\ncredential = \"p\"\n",
        )
        .unwrap();
        assert_eq!(c.media.public_ips, vec!["203.0.113.7".to_string()]);
        assert_eq!(c.media.ice_servers.len(), 1);
        let c = Config::load(None, |k| match k {
            "LOKET_MEDIA_PORTS" => Some("41000-41010".into()),
            "LOKET_MEDIA_PUBLIC_IPS" => Some("198.51.100.1, 198.51.100.2".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!((c.media.udp_port_min, c.media.udp_port_max), (41000, 41010));
        assert_eq!(c.media.public_ips.len(), 2);
    }

    #[test]
    fn limits_from_file_checked_and_private_candidates_follow_bind_ip() {
        let c = Config::from_toml(
            "[limits]\nconnections_per_address = 50\nsockets_per_conversation = 4\n\
             exempt_addresses = [\"127.0.0.1\"]\n",
        )
        .unwrap();
        assert_eq!(c.limits.connections_per_address, 50);
        assert_eq!(c.limits.sockets_per_conversation, 4);
        assert_eq!(c.limits.header_read_secs, 10);
        assert_eq!(c.limits.exempt_addresses.len(), 1);
        c.validate().unwrap();
        let zero = Config::from_toml("[limits]\nheader_read_secs = 0\n").unwrap();
        let err = zero.validate().unwrap_err().to_string();
        assert!(err.contains("limits.header_read_secs"), "{err}");
        // Private candidates: by default only for a server on a private address.
        assert!(!Config::default().media.private_candidates());
        let lan = Config::from_toml("[media]\nbind_ip = \"10.0.0.5\"\n").unwrap();
        assert!(lan.media.private_candidates());
        let off =
            Config::from_toml("[media]\nbind_ip = \"10.0.0.5\"\nprivate_candidates = false\n")
                .unwrap();
        assert!(!off.media.private_candidates());
    }
}
