//! What every page shares: the [`Base`] of each template (language, title, CSRF token,
//! signed-in staff), the error page, and how messages and times are shown.
//!
//! Each page's own template struct lives beside its handler. Every page struct has a
//! `base: Base` used by `templates/base.html`. askama escapes every value; nothing here
//! builds HTML by hand.

use crate::config::{ContactSettings, LocalText};
use crate::i18n::{Lang, T, render_system};
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
    /// The page is shown on an enrolled kiosk: its large layout, and no links that leave
    /// kiosk mode (staff login, footer links).
    pub kiosk: bool,
    /// The organisation's phone and desk, for "Hulp nodig?".
    pub contact: FooterContact,
}

/// The organisation's other ways in, as the footer shows them in one language.
#[derive(Debug, Clone)]
pub struct FooterContact {
    pub phone: String,
    /// `tel:` form of the number (digits and a leading `+`).
    pub phone_href: String,
    pub phone_hours: String,
    pub address: String,
    pub desk_hours: String,
    /// Nothing was configured: these are example values, and the footer says so.
    pub example: bool,
}

impl FooterContact {
    /// Phone and desk from `[contact]` in `loket.toml`; example values (marked as such)
    /// for whatever a site has not set.
    pub fn new(c: &ContactSettings, t: T) -> FooterContact {
        let local = |text: &Option<LocalText>, example_key: &str| match text {
            Some(text) => match (t.lang, &text.en) {
                (Lang::En, Some(en)) if !en.trim().is_empty() => en.clone(),
                _ => text.nl.clone(),
            },
            None => t.s(example_key).to_string(),
        };
        let phone = c.phone.clone().unwrap_or_else(|| EXAMPLE_PHONE.to_string());
        let phone_href = phone
            .chars()
            .enumerate()
            .filter(|(i, ch)| ch.is_ascii_digit() || (*i == 0 && *ch == '+'))
            .map(|(_, ch)| ch)
            .collect();
        FooterContact {
            phone_href,
            phone,
            phone_hours: local(&c.phone_hours, "footer.example_phone_hours"),
            address: c
                .address
                .clone()
                .unwrap_or_else(|| EXAMPLE_ADDRESS.to_string()),
            desk_hours: local(&c.desk_hours, "footer.example_desk_hours"),
            example: c.phone.is_none() || c.address.is_none(),
        }
    }
}

/// Shown until a site sets its own number: not a real Dutch number (no area code 0123).
const EXAMPLE_PHONE: &str = "0123 456 789";
/// Shown until a site sets its own address.
const EXAMPLE_ADDRESS: &str = "Voorbeeldstraat 1, 1234 AB Voorbeeld";

/// The signed-in staff member, for the header.
#[derive(Debug, Clone)]
pub struct StaffNav {
    pub name: String,
    pub role_key: &'static str,
    /// May edit opening hours.
    pub supervisor: bool,
    /// May use the privacy pages.
    pub privacy: bool,
    /// Answers residents (console, left messages); a privacy officer does not.
    pub answers: bool,
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
/// Staff messages carry their writer's role: "Tamara Tolk (gebarentolk)", "Anna (medewerker)".
pub fn sender_label(t: T, m: &Message, resident_view: bool) -> String {
    match m.sender {
        Sender::Resident if resident_view => t.s("chat.you").to_string(),
        Sender::Resident if m.sender_name.is_empty() => t.s("console.anonymous").to_string(),
        Sender::Resident => m.sender_name.clone(),
        Sender::Interpreter => t.f("call.sender_interpreter", &[("name", &m.sender_name)]),
        Sender::Agent => t.f("chat.sender_agent", &[("name", &m.sender_name)]),
        Sender::System => t.s("chat.sender_system").to_string(),
    }
}

/// The text of a message as the resident reads it: about their own actions the page
/// speaks to them ("U heeft het gesprek beëindigd", not "De inwoner heeft ...").
pub fn resident_message_text(t: T, m: &Message) -> String {
    if m.sender == Sender::System && m.body == "sys.ended_by_resident" {
        t.s("sys.ended_by_you").to_string()
    } else {
        message_text(t, m)
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
        body: if resident_view {
            resident_message_text(t, m)
        } else {
            message_text(t, m)
        },
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
            resident_message_text(t, m).replace('\n', "\n    ")
        ));
    }
    out
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub base: Base,
    pub heading: String,
    pub message: String,
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
