//! The words of the contact centre as types: where a contact came from ([`Origin`]), the
//! built-in skills and their queues ([`Skill`]), and where a request for one more person
//! in a call stands ([`RequestStatus`]). The database stores them as text; code above the
//! broker compares these, never the strings.

use std::fmt;

/// Where a contact came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The website (a start page, or a short link).
    Web,
    /// A kiosk at an office, with its location.
    Kiosk { location: String },
    /// A message left when nobody could answer.
    LeftMessage,
    /// A problem report from the accessibility statement.
    AccessibilityReport,
    /// A short link or its QR code (`/o/{slug}`: a letter, a poster, the phone menu),
    /// with the topic it was made for.
    ShortLink { slug: String },
}

impl Origin {
    /// Reads the stored text; anything unknown is [`Origin::Web`].
    pub fn parse(stored: &str) -> Origin {
        match stored {
            "message" => Origin::LeftMessage,
            "accessibility-report" => Origin::AccessibilityReport,
            other => {
                if let Some(location) = other.strip_prefix("kiosk: ") {
                    Origin::Kiosk {
                        location: location.to_string(),
                    }
                } else if let Some(slug) = other.strip_prefix("link: ") {
                    Origin::ShortLink {
                        slug: slug.to_string(),
                    }
                } else {
                    Origin::Web
                }
            }
        }
    }

    /// A left message waits for an agent without a live resident: it is never abandoned
    /// for want of a connection.
    pub fn is_left_message(&self) -> bool {
        matches!(self, Origin::LeftMessage)
    }
}

/// The stored text (`web`, `kiosk: <location>`, `message`, `accessibility-report`,
/// `link: <slug>`).
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Web => f.write_str("web"),
            Origin::Kiosk { location } => write!(f, "kiosk: {location}"),
            Origin::LeftMessage => f.write_str("message"),
            Origin::AccessibilityReport => f.write_str("accessibility-report"),
            Origin::ShortLink { slug } => write!(f, "link: {slug}"),
        }
    }
}

/// The built-in skills, each served by the queue with the same slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skill {
    /// Text chat (queue `chat`).
    Chat,
    /// A video call with an employee (queue `video`).
    Video,
    /// Sign-language interpreting (queue `ngt`).
    Interpreting,
}

impl Skill {
    /// The slug of the skill's queue.
    pub fn queue_slug(self) -> &'static str {
        match self {
            Skill::Chat => "chat",
            Skill::Video => "video",
            Skill::Interpreting => "ngt",
        }
    }

    /// Is `slug` the queue of this skill?
    pub fn is_queue(self, slug: &str) -> bool {
        slug == self.queue_slug()
    }
}

/// Where a request for one more person in a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// In the queue, nobody accepted yet.
    Waiting,
    /// Someone accepted and joined.
    Active,
    /// The one who joined left, or the call ended.
    Ended,
    /// Withdrawn before anyone accepted.
    Cancelled,
}

impl RequestStatus {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Waiting => "waiting",
            RequestStatus::Active => "active",
            RequestStatus::Ended => "ended",
            RequestStatus::Cancelled => "cancelled",
        }
    }

    /// Reads the stored text.
    pub fn parse(stored: &str) -> Option<RequestStatus> {
        [
            RequestStatus::Waiting,
            RequestStatus::Active,
            RequestStatus::Ended,
            RequestStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_read_back_what_was_stored() {
        for o in [
            Origin::Web,
            Origin::Kiosk {
                location: "Stadskantoor Noord".into(),
            },
            Origin::LeftMessage,
            Origin::ShortLink {
                slug: "afval".into(),
            },
            Origin::AccessibilityReport,
        ] {
            assert_eq!(Origin::parse(&o.to_string()), o);
        }
        assert!(Origin::parse("message").is_left_message());
        assert_eq!(Origin::parse("something else"), Origin::Web);
    }

    #[test]
    fn request_statuses_read_back() {
        for s in ["waiting", "active", "ended", "cancelled"] {
            assert_eq!(RequestStatus::parse(s).map(RequestStatus::as_str), Some(s));
        }
        assert_eq!(RequestStatus::parse("WAITING"), None);
    }
}
