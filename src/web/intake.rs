//! Intake limits: how many new contacts one source may open, so that one script cannot
//! crowd out residents (issue 13, "queue flooding").
//!
//! Every way in asks [`Intake::admit`] before it opens anything: the chat and video start
//! pages and the kiosk ([`Kind::Live`]), and a left message or accessibility report
//! ([`Kind::Message`], which also counts the e-mail address or telephone number it is to
//! be answered at, [`Intake::admit_reach`]). A source ([`Source`]) is counted at three
//! widths at once: the browser (its CSRF seed cookie, which every form post carries), the
//! client's address, and the address's network (IPv4 /24, IPv6 /64). A kiosk is counted
//! as itself only, never by its office's address. The limits (`[intake]` in the
//! configuration) are GCRA rate limits from the `governor` crate: `n` per window, refilled
//! evenly, so a resident who was refused can start again a few minutes later.
//!
//! The checks run from the narrowest key to the widest and stop at the first refusal, so
//! a browser that keeps trying after its own refusal uses up nothing its neighbours at
//! the same address or network share. Memory stays bounded: keys that have refilled are
//! dropped every minute ([`Intake::forget_refilled`]).
//!
//! Next to these limits, the front door caps each queue's length
//! (`intake.max_waiting_per_queue`, see [`super::front_door`]).

use super::AppState;
use super::ctx::{CsrfSeed, client_address};
use crate::config::IntakeSettings;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// What is being opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A live contact: a chat or a video call (a kiosk's too).
    Live,
    /// A left message or a report: asynchronous work in the inbox.
    Message,
}

/// Who is opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An enrolled kiosk (counted as itself).
    Kiosk(i64),
    /// A browser on the web: its CSRF seed and the client's address.
    Web { browser: String, address: IpAddr },
}

/// Too many new contacts from this source for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Which limit: "browser", "address", "network", "kiosk" or "reach" (for the log).
    pub limit: &'static str,
}

type Limiter<K> = DefaultKeyedRateLimiter<K>;

/// The limiters of one kind of contact.
struct Limits {
    browser: Limiter<String>,
    address: Limiter<IpAddr>,
    network: Limiter<IpAddr>,
    kiosk: Limiter<i64>,
}

/// `n` per `window`, refilled evenly; all of them may be used at once.
fn quota(n: u32, window: Duration) -> Quota {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    let every = window / n.get();
    Quota::with_period(every.max(Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(n)
}

fn limiter<K: Hash + Eq + Clone>(n: u32, window: Duration) -> Limiter<K> {
    RateLimiter::keyed(quota(n, window))
}

impl Limits {
    fn new(browser: u32, address: u32, network: u32, kiosk: u32, window: Duration) -> Limits {
        Limits {
            browser: limiter(browser, window),
            address: limiter(address, window),
            network: limiter(network, window),
            kiosk: limiter(kiosk, window),
        }
    }

    fn admit(&self, source: &Source) -> Result<(), Refused> {
        let refused = |limit| Refused { limit };
        match source {
            Source::Kiosk(id) => self.kiosk.check_key(id).map_err(|_| refused("kiosk")),
            Source::Web { browser, address } => {
                self.browser
                    .check_key(browser)
                    .map_err(|_| refused("browser"))?;
                self.address
                    .check_key(address)
                    .map_err(|_| refused("address"))?;
                self.network
                    .check_key(&network_of(*address))
                    .map_err(|_| refused("network"))
            }
        }
    }

    fn forget_refilled(&self) {
        self.browser.retain_recent();
        self.address.retain_recent();
        self.network.retain_recent();
        self.kiosk.retain_recent();
        self.browser.shrink_to_fit();
    }
}

/// The intake limits of one server. See the [module documentation](self).
pub struct Intake {
    live: Limits,
    message: Limits,
    reach: Limiter<String>,
}

const LIVE_WINDOW: Duration = Duration::from_secs(10 * 60);
const MESSAGE_WINDOW: Duration = Duration::from_secs(60 * 60);
const REACH_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

impl Intake {
    pub fn new(s: &IntakeSettings) -> Intake {
        Intake {
            live: Limits::new(
                s.live_per_browser,
                s.live_per_address,
                s.live_per_network,
                s.live_per_kiosk,
                LIVE_WINDOW,
            ),
            message: Limits::new(
                s.messages_per_browser,
                s.messages_per_address,
                s.messages_per_network,
                s.messages_per_kiosk,
                MESSAGE_WINDOW,
            ),
            reach: limiter(s.messages_per_reach, REACH_WINDOW),
        }
    }

    /// Counts one new contact of `kind` from `source`, or refuses it.
    pub fn admit(&self, kind: Kind, source: &Source) -> Result<(), Refused> {
        match kind {
            Kind::Live => self.live.admit(source),
            Kind::Message => self.message.admit(source),
        }
    }

    /// Counts one left message to be answered at `value` (an e-mail address or a
    /// telephone number, already normalised), or refuses it. Empty: nothing to count.
    pub fn admit_reach(&self, value: &str) -> Result<(), Refused> {
        if value.is_empty() {
            return Ok(());
        }
        self.reach
            .check_key(&value.to_lowercase())
            .map_err(|_| Refused { limit: "reach" })
    }

    /// Drops the keys whose allowance is whole again (run every minute).
    pub fn forget_refilled(&self) {
        self.live.forget_refilled();
        self.message.forget_refilled();
        self.reach.retain_recent();
    }
}

/// The network an address belongs to: IPv4 /24, IPv6 /64 (an IPv4-mapped IPv6 address
/// as IPv4).
pub fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            IpAddr::from([a, b, c, 0])
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network_of(IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                IpAddr::from([s[0], s[1], s[2], s[3], 0, 0, 0, 0])
            }
        },
    }
}

/// The web [`Source`] of a request: its browser (CSRF seed) and client address.
#[derive(Debug, Clone)]
pub struct WebSource(pub Source);

impl FromRequestParts<AppState> for WebSource {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let browser = parts
            .extensions
            .get::<CsrfSeed>()
            .map(|s| s.0.clone())
            .unwrap_or_default();
        let address = client_address(parts, &state.config.security.trusted_proxies);
        Ok(WebSource(Source::Web { browser, address }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;

    fn web(browser: &str, address: &str) -> Source {
        Source::Web {
            browser: browser.into(),
            address: address.parse().unwrap(),
        }
    }

    fn settings() -> IntakeSettings {
        IntakeSettings {
            live_per_browser: 2,
            live_per_address: 3,
            live_per_network: 4,
            live_per_kiosk: 5,
            ..IntakeSettings::default()
        }
    }

    #[test]
    fn each_width_has_its_own_limit() {
        let intake = Intake::new(&settings());
        // One browser: 2.
        assert!(intake.admit(Kind::Live, &web("a", "10.0.0.1")).is_ok());
        assert!(intake.admit(Kind::Live, &web("a", "10.0.0.1")).is_ok());
        assert_eq!(
            intake.admit(Kind::Live, &web("a", "10.0.0.1")),
            Err(Refused { limit: "browser" })
        );
        // One address: 3 in all (the browser's refusal above used up nothing of it).
        assert!(intake.admit(Kind::Live, &web("b", "10.0.0.1")).is_ok());
        assert_eq!(
            intake.admit(Kind::Live, &web("b2", "10.0.0.1")),
            Err(Refused { limit: "address" })
        );
        // The network: 4 in all.
        assert!(intake.admit(Kind::Live, &web("c", "10.0.0.2")).is_ok());
        assert_eq!(
            intake.admit(Kind::Live, &web("d", "10.0.0.3")),
            Err(Refused { limit: "network" })
        );
        // Another network is not touched; nor are left messages.
        assert!(intake.admit(Kind::Live, &web("e", "10.0.1.1")).is_ok());
        assert!(intake.admit(Kind::Message, &web("a", "10.0.0.1")).is_ok());
    }

    #[test]
    fn a_kiosk_counts_as_itself() {
        let intake = Intake::new(&settings());
        for _ in 0..5 {
            assert!(intake.admit(Kind::Live, &Source::Kiosk(1)).is_ok());
        }
        assert_eq!(
            intake.admit(Kind::Live, &Source::Kiosk(1)),
            Err(Refused { limit: "kiosk" })
        );
        assert!(intake.admit(Kind::Live, &Source::Kiosk(2)).is_ok());
    }

    #[test]
    fn networks_are_slash_24_and_slash_64() {
        let n = |a: &str| network_of(a.parse().unwrap()).to_string();
        assert_eq!(n("192.0.2.77"), "192.0.2.0");
        assert_eq!(n("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::");
        assert_eq!(n("::ffff:192.0.2.77"), "192.0.2.0");
    }

    #[test]
    fn the_reach_is_counted_without_case() {
        let intake = Intake::new(&settings());
        for _ in 0..3 {
            assert!(intake.admit_reach("Els@Example.org").is_ok());
        }
        assert!(intake.admit_reach("els@example.org").is_err());
        assert!(intake.admit_reach("").is_ok());
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let parts = |peer: &str, xff: &str| {
            let mut req = axum::http::Request::builder()
                .header("x-forwarded-for", xff)
                .body(())
                .unwrap();
            req.extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer.parse().unwrap()));
            req.into_parts().0
        };
        let proxy: IpAddr = "10.9.9.9".parse().unwrap();
        // No trusted proxy: the header is ignored.
        assert_eq!(
            client_address(&parts("10.9.9.9:5000", "203.0.113.5"), &[]),
            proxy
        );
        // Behind the proxy: the last address the proxy did not add itself.
        assert_eq!(
            client_address(&parts("10.9.9.9:5000", "1.2.3.4, 203.0.113.5"), &[proxy]),
            "203.0.113.5".parse::<IpAddr>().unwrap()
        );
        // A client that is not the proxy cannot choose its address.
        assert_eq!(
            client_address(&parts("198.51.100.1:5000", "203.0.113.5"), &[proxy]),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
    }
}
