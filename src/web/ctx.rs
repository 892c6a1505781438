//! Per-request context: language, CSRF, cookies, the origin check, and who is signed in
//! ([`StaffUser`], [`Supervisor`]).

use super::views::{Base, FooterContact, StaffNav};
use super::{AppError, AppState};
use crate::auth::random_token;
use crate::i18n::{Lang, T};
use crate::store::User;
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};

/// Name of the CSRF seed cookie.
pub const CSRF_COOKIE: &str = "loket_csrf";
/// Name of the language cookie.
pub const LANG_COOKIE: &str = "loket_lang";
/// Name of the staff session cookie.
pub const SESSION_COOKIE: &str = "loket_session";
/// Name of the signed "known browser" cookie: the staff accounts that signed in from
/// this browser before ([`crate::auth::DeviceCookie`]).
pub const DEVICE_COOKIE: &str = "loket_device";

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The prefix of every cookie name when `secure_cookies` is on. A browser accepts a
/// `__Host-` cookie only when it is `Secure`, `Path=/` and without `Domain`, and only from
/// the site itself over HTTPS: a neighbouring subdomain or a plain-HTTP page cannot plant
/// one (so nobody can toss a known CSRF seed or a session of theirs into a staff browser).
pub const HOST_PREFIX: &str = "__Host-";

/// A `Set-Cookie` value: HttpOnly, SameSite, Path=/, no Domain; when `secure`, also
/// `Secure` and the name prefixed with [`HOST_PREFIX`] (read back by
/// [`host_prefixed_cookies`]).
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: Option<u64>,
    same_site: &str,
    secure: bool,
) -> HeaderValue {
    let prefix = if secure { HOST_PREFIX } else { "" };
    let mut s = format!("{prefix}{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age_secs {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// With `secure_cookies` on, Loket's cookies are read only under their `__Host-` names:
/// this middleware drops any unprefixed `loket_*` cookie (one planted by a subdomain or
/// over plain HTTP) and hands the prefixed ones to the handlers under their plain names,
/// so [`cookie`] reads them as usual (see [`host_cookie_pairs`]).
pub async fn host_prefixed_cookies(mut req: Request, next: Next) -> Response {
    let kept = host_cookie_pairs(
        req.headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    );
    let headers = req.headers_mut();
    headers.remove(header::COOKIE);
    if !kept.is_empty()
        && let Ok(v) = HeaderValue::from_str(&kept.join("; "))
    {
        headers.insert(header::COOKIE, v);
    }
    next.run(req).await
}

/// Cookies set before `__Host-` names existed that are still read under their plain name
/// when no prefixed one is present: an enrolled kiosk keeps its enrolment (its cookie
/// lasts a year), and the language choice. Never the CSRF seed, the staff session or the
/// known-browser note: a planted one of those is exactly what the prefix keeps out.
const PLAIN_NAMES_STILL_READ: &[&str] = &["loket_kiosk", "loket_lang"];

/// The `name=value` pairs handlers see when `secure_cookies` is on (see
/// [`host_prefixed_cookies`]).
pub fn host_cookie_pairs<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let pairs: Vec<(&str, &str)> = values
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .collect();
    let prefixed = |plain: &str| {
        pairs
            .iter()
            .any(|(n, _)| n.strip_prefix(HOST_PREFIX) == Some(plain))
    };
    pairs
        .iter()
        .filter_map(|&(name, value)| match name.strip_prefix(HOST_PREFIX) {
            Some(plain) if plain.starts_with("loket_") => Some(format!("{plain}={value}")),
            _ if !name.starts_with("loket_") => Some(format!("{name}={value}")),
            None if PLAIN_NAMES_STILL_READ.contains(&name) && !prefixed(name) => {
                Some(format!("{name}={value}"))
            }
            _ => None,
        })
        .collect()
}

/// The CSRF seed of this request (from the cookie, or newly made by the middleware).
#[derive(Debug, Clone)]
pub struct CsrfSeed(pub String);

/// Makes sure every browser has a CSRF seed cookie; a new one is set on the response.
pub async fn ensure_csrf_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE)
        .filter(|v| crate::auth::plausible_token(v))
        .map(str::to_string);
    let (seed, fresh) = match existing {
        Some(s) => (s, false),
        None => (random_token(), true),
    };
    req.extensions_mut().insert(CsrfSeed(seed.clone()));
    let secure = state.config.secure_cookies;
    let mut resp = next.run(req).await;
    if fresh {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &seed, None, "Lax", secure),
        );
    }
    resp
}

/// What every page handler needs: language, CSRF token, path.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub t: T,
    pub csrf_seed: String,
    pub csrf_token: String,
    pub path: String,
    pub org: String,
    pub origin_ok: bool,
    pub demo: bool,
    pub contact: FooterContact,
}

impl Ctx {
    /// Language of this request.
    pub fn lang(&self) -> Lang {
        self.t.lang
    }

    /// The base of a page with `title`.
    pub fn base(&self, title: impl Into<String>) -> Base {
        Base {
            t: self.t,
            title: title.into(),
            org: self.org.clone(),
            csrf: self.csrf_token.clone(),
            path: self.path.clone(),
            staff: None,
            has_error: false,
            demo: self.demo,
            kiosk: false,
            contact: self.contact.clone(),
        }
    }

    /// The base of a staff page.
    pub fn staff_base(&self, title: impl Into<String>, user: &User) -> Base {
        let mut base = self.base(title);
        base.staff = Some(StaffNav {
            name: user.display_name.clone(),
            role_key: match user.role {
                crate::store::Role::Agent => "role.agent",
                crate::store::Role::Interpreter => "role.interpreter",
                crate::store::Role::Supervisor => "role.supervisor",
                crate::store::Role::Admin => "role.admin",
                crate::store::Role::Privacy => "role.privacy",
            },
            supervisor: user.role.supervises(),
            privacy: user.role.guards_privacy(),
            answers: user.role.answers(),
        });
        base
    }

    /// Checks a submitted form token; every POST handler calls this first.
    pub fn check_csrf(&self, state: &AppState, submitted: &str) -> Result<(), AppError> {
        if self.origin_ok && state.csrf.verify(&self.csrf_seed, submitted) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }
}

/// The language of a request: the cookie, else Dutch.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or_default()
}

/// Is a browser's request from our own site? A browser sends `Origin` on posts and on
/// WebSocket upgrades; it must name this host. A request without `Origin` is not a
/// browser's cross-site request (cookies, CSRF tokens and capability tokens still apply).
/// The one origin check of both the CSRF guard and the WebSocket endpoints.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .is_some_and(|(_, rest)| rest == host)
}

/// Safe methods need no origin check; unsafe ones must be [`same_origin`].
fn origin_matches(parts: &Parts) -> bool {
    parts.method == Method::GET || parts.method == Method::HEAD || same_origin(&parts.headers)
}

/// With `[security] public_url` set, every request is handled as if it named that host:
/// a `Host` header an attacker chose (to have Loket print links to their own site in QR
/// codes or kiosk enrolment links) is ignored, and a form or socket opened from another
/// address fails the origin check ([`same_origin`]).
pub async fn canonical_host(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(host) = state.config.security.public_host()
        && let Ok(v) = HeaderValue::from_str(host)
    {
        req.headers_mut().insert(header::HOST, v);
    }
    next.run(req).await
}

/// The address residents see: scheme and host of this request (the site's own name, or
/// `[security] public_url` when set: see [`canonical_host`]), for links that are printed
/// or sent (short links, QR codes, kiosk enrolment).
pub fn site_address(headers: &HeaderMap, secure: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{}://{host}", if secure { "https" } else { "http" })
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let seed = parts
            .extensions
            .get::<CsrfSeed>()
            .map(|s| s.0.clone())
            .unwrap_or_default();
        let t = T::new(request_lang(&parts.headers));
        Ok(Ctx {
            t,
            contact: FooterContact::new(&state.config.contact, t),
            csrf_token: state.csrf.token_for(&seed),
            csrf_seed: seed,
            path: parts.uri.path().to_string(),
            org: state.config.organisation.clone(),
            origin_ok: origin_matches(parts),
            demo: state.demo,
        })
    }
}

/// A signed-in staff member; routes that take it send others to the login page.
#[derive(Debug, Clone)]
pub struct StaffUser(pub User);

impl FromRequestParts<AppState> for StaffUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(AppError::LoginRequired);
        };
        if !crate::auth::plausible_token(token) {
            return Err(AppError::LoginRequired);
        }
        let idle = i64::try_from(state.config.staff.session_idle_mins)
            .unwrap_or(60)
            .saturating_mul(60_000);
        match state.store.session_user(token, idle).await? {
            Some(user) => Ok(StaffUser(user)),
            None => Err(AppError::LoginRequired),
        }
    }
}

impl OptionalFromRequestParts<AppState> for StaffUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        match <StaffUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(u) => Ok(Some(u)),
            Err(AppError::LoginRequired) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A signed-in supervisor or administrator: the routes that change how the contact centre
/// runs (opening hours, kiosks, short links) take it; other staff get 403, visitors the
/// login page.
#[derive(Debug, Clone)]
pub struct Supervisor(pub User);

impl FromRequestParts<AppState> for Supervisor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let StaffUser(user) =
            <StaffUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if user.role.supervises() {
            Ok(Supervisor(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// A signed-in privacy officer or administrator: the privacy pages (finding, exporting and
/// erasing a resident's data, legal holds, the access log, retention terms) take it; other
/// staff get 403, visitors the login page.
#[derive(Debug, Clone)]
pub struct PrivacyOfficer(pub User);

impl FromRequestParts<AppState> for PrivacyOfficer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let StaffUser(user) =
            <StaffUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if user.role.guards_privacy() {
            Ok(PrivacyOfficer(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Which staff session made a request, for the access log: the first 16 hex digits of a
/// hash of the session token (never the token itself); empty without one.
#[derive(Debug, Clone)]
pub struct SessionRef(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SessionRef {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let r = cookie(&parts.headers, SESSION_COOKIE)
            .map(|t| {
                crate::auth::hash_token(&format!("session-ref:{t}"))[..8]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect()
            })
            .unwrap_or_default();
        Ok(SessionRef(r))
    }
}

/// Is `next` a safe local path to redirect to (no scheme, no `//host`, no backslash)?
pub fn safe_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control())
        && next.len() <= 512
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_only() {
        assert!(safe_local_path("/chat/start"));
        assert!(!safe_local_path("//evil.example"));
        assert!(!safe_local_path("https://evil.example"));
        assert!(!safe_local_path("/\\evil.example"));
        assert!(!safe_local_path("/a\r\nSet-Cookie: x=1"));
    }

    #[test]
    fn behind_https_only_host_prefixed_cookies_are_read() {
        let pairs = host_cookie_pairs(
            [
                "loket_session=planted; __Host-loket_session=real; loket_csrf=planted",
                "loket_kiosk=old; loket_lang=en; other=1",
            ]
            .into_iter(),
        );
        assert_eq!(
            pairs,
            [
                "loket_session=real",
                "loket_kiosk=old",
                "loket_lang=en",
                "other=1"
            ]
        );
        // A prefixed kiosk cookie wins over an old plain one.
        let pairs = host_cookie_pairs(["loket_kiosk=old; __Host-loket_kiosk=new"].into_iter());
        assert_eq!(pairs, ["loket_kiosk=new"]);
    }

    #[test]
    fn cookies_parse() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; loket_lang=en"),
        );
        assert_eq!(cookie(&h, "loket_lang"), Some("en"));
        assert_eq!(request_lang(&h), Lang::En);
        assert_eq!(cookie(&h, "b"), None);
    }
}

/// The client's address: the connection's, or, behind a trusted reverse proxy
/// (`security.trusted_proxies`), the last address in `X-Forwarded-For` that is not one of
/// the proxies. Unknown (no connection info): 0.0.0.0.
pub fn client_address(parts: &Parts, trusted_proxies: &[IpAddr]) -> IpAddr {
    let Some(peer) = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
    else {
        return IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);
    };
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>()
        .iter()
        .rev()
        .filter_map(|a| a.parse::<IpAddr>().ok())
        .find(|a| !trusted_proxies.contains(a))
        .unwrap_or(peer)
}

/// The client's address as an extractor ([`client_address`]).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_address(
            parts,
            &state.config.security.trusted_proxies,
        )))
    }
}
