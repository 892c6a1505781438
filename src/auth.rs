//! Secrets and the checks built on them: passwords, tokens, CSRF and login throttling.
//!
//! - Passwords are hashed with argon2id (the `argon2` crate's defaults, a fresh salt each).
//! - Tokens (staff sessions, residents' conversation capabilities, CSRF seeds) are 256 random
//!   bits, URL-safe base64; the database keeps only their SHA-256.
//! - CSRF uses signed double-submit: every browser gets a random `loket_csrf` cookie, and
//!   each form carries `HMAC-SHA256(server secret, cookie)`. A cross-site page can neither
//!   read the cookie nor compute the MAC.
//! - [`LoginThrottle`] counts login attempts in [`Bucket`]s (per account and address, per
//!   address, per account; per browser and account for a known browser): an attempt
//!   takes its slot in all of them *before* its password is checked, atomically, and
//!   after a bucket's free attempts in a window each further attempt must wait twice as
//!   long as the one before (capped at 15 minutes). The login handler
//!   (`web::staff::login`) chooses the buckets so that nobody can lock a person out.
//! - [`DeviceCookie`] is a browser's signed note of the accounts that signed in from it
//!   ("known browser").
//! - [`PasswordChecker`] runs argon2 checks on a few dedicated threads behind a short
//!   queue. Each check needs 19 MiB of memory: unbounded, a burst of logins (or an attack)
//!   would take gigabytes and keep them, so the number at once is capped and a full
//!   queue is answered "busy, try again" instead of growing. Known browsers have a share
//!   of the queue of their own ([`Lane::Known`]), served first.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// 256 random bits as URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A readable random password for generated accounts (no look-alike characters).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// SHA-256 of a token, as stored in the database.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Is `token` shaped like one of ours? Cheap check before any lookup.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Hashes a password with argon2id.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Which share of the password checks a login waits in (see [`PasswordChecker`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Any login.
    General,
    /// A login from a browser that signed in to this account before ([`DeviceCookie`]):
    /// it has its own share of the queue, so a burst of logins from elsewhere cannot make
    /// it "busy".
    Known,
}

/// A bounded pool of threads that check passwords (see the module doc). Two queues share
/// the threads: the general one and a reserved one for known browsers, served first.
#[derive(Debug, Clone)]
pub struct PasswordChecker {
    handle: std::sync::Arc<CheckerHandle>,
}

/// Owned by the clones of [`PasswordChecker`]: dropping the last one stops the threads.
#[derive(Debug)]
struct CheckerHandle {
    shared: std::sync::Arc<CheckerShared>,
}

impl Drop for CheckerHandle {
    fn drop(&mut self) {
        if let Ok(mut q) = self.shared.queues.lock() {
            q.closed = true;
        }
        self.shared.ready.notify_all();
    }
}

#[derive(Debug)]
struct CheckerShared {
    queues: Mutex<CheckQueues>,
    ready: std::sync::Condvar,
    general_room: usize,
    known_room: usize,
}

#[derive(Debug, Default)]
struct CheckQueues {
    general: std::collections::VecDeque<PasswordCheck>,
    known: std::collections::VecDeque<PasswordCheck>,
    closed: bool,
}

#[derive(Debug)]
struct PasswordCheck {
    password: String,
    hash: String,
    reply: tokio::sync::oneshot::Sender<bool>,
}

/// Too many password checks are waiting; the caller should ask to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckerBusy;

impl PasswordChecker {
    /// Starts `threads` checking threads with room for `queue` waiting checks in the
    /// general lane and `known` in the lane of known browsers. The threads end when the
    /// last clone of the checker is dropped.
    pub fn start(threads: usize, queue: usize, known: usize) -> PasswordChecker {
        let shared = std::sync::Arc::new(CheckerShared {
            queues: Mutex::new(CheckQueues::default()),
            ready: std::sync::Condvar::new(),
            general_room: queue,
            known_room: known,
        });
        for n in 0..threads.max(1) {
            let shared = shared.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    while let Some(check) = shared.next() {
                        let ok = verify_password(&check.password, &check.hash);
                        let _ = check.reply.send(ok);
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password thread");
            }
        }
        PasswordChecker {
            handle: std::sync::Arc::new(CheckerHandle { shared }),
        }
    }

    /// Checks `password` against `hash` in `lane`; `Err(CheckerBusy)` when that lane's
    /// queue is full.
    pub async fn verify(
        &self,
        password: String,
        hash: String,
        lane: Lane,
    ) -> Result<bool, CheckerBusy> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let check = PasswordCheck {
            password,
            hash,
            reply,
        };
        let shared = &self.handle.shared;
        {
            let mut q = shared.queues.lock().map_err(|_| CheckerBusy)?;
            let (queue, room) = match lane {
                Lane::General => (&mut q.general, shared.general_room),
                Lane::Known => (&mut q.known, shared.known_room),
            };
            if queue.len() >= room {
                return Err(CheckerBusy);
            }
            queue.push_back(check);
        }
        shared.ready.notify_one();
        answer.await.map_err(|_| CheckerBusy)
    }
}

impl CheckerShared {
    /// The next check to run (known browsers first); `None` once the checker is dropped.
    fn next(&self) -> Option<PasswordCheck> {
        let mut q = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if q.closed {
                return None;
            }
            if let Some(c) = q.known.pop_front().or_else(|| q.general.pop_front()) {
                return Some(c);
            }
            q = self.ready.wait(q).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A hash to verify against when the account does not exist, so that a wrong username
/// costs as much time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not-a-real-password").unwrap_or_default())
}

/// Signs CSRF seeds with the server's secret.
#[derive(Clone)]
pub struct Csrf {
    key: [u8; 32],
}

impl std::fmt::Debug for Csrf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Csrf(..)")
    }
}

impl Csrf {
    /// Builds the signer from the server secret (any string; hashed to a key).
    pub fn new(secret: &str) -> Csrf {
        Csrf {
            key: Sha256::digest(secret.as_bytes()).into(),
        }
    }

    /// The form token for a browser's CSRF cookie.
    pub fn token_for(&self, seed: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(seed.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Checks a submitted form token against the browser's cookie, in constant time.
    pub fn verify(&self, seed: &str, submitted: &str) -> bool {
        if seed.is_empty() {
            return false;
        }
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(submitted) else {
            return false;
        };
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(seed.as_bytes());
        mac.verify_slice(&bytes).is_ok()
    }

    fn purpose_mac(&self, purpose: &str, data: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        // The purpose and a NUL first: no CSRF token (a MAC of a bare seed) and no
        // signature for another purpose is ever valid here.
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data.as_bytes());
        mac
    }

    /// Signs `data` for `purpose` (base64url MAC).
    pub fn sign(&self, purpose: &str, data: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.purpose_mac(purpose, data).finalize().into_bytes())
    }

    /// Checks a signature made by [`Csrf::sign`], in constant time.
    pub fn verify_signed(&self, purpose: &str, data: &str, signature: &str) -> bool {
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        self.purpose_mac(purpose, data).verify_slice(&bytes).is_ok()
    }
}

/// One count of login attempts: a key (which account, address or browser) and how many
/// attempts it may make in [`LoginThrottle::WINDOW`] before each further one must wait
/// twice as long as the one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub key: String,
    pub free: u32,
}

/// Counts login attempts per [`Bucket`]. An attempt takes its slot in every bucket
/// *before* its password is checked, in one step under one lock ([`LoginThrottle::begin`]),
/// so parallel guesses cannot all pass the check before any of them is counted, and an
/// attempt that found the checker busy still counts. A successful login clears the
/// buckets that were only its own ([`LoginThrottle::succeed`]).
#[derive(Debug, Default)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<String, Attempts>>,
}

#[derive(Debug, Clone, Copy)]
struct Attempts {
    count: u32,
    last: Instant,
}

impl LoginThrottle {
    /// Attempts older than this (since the last one of a key) are forgotten.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
    /// Keys kept before old ones are swept.
    const MAX_KEYS: usize = 100_000;

    fn wait(a: &Attempts, free: u32, now: Instant) -> Duration {
        let since = now.saturating_duration_since(a.last);
        if since > Self::WINDOW || a.count < free {
            return Duration::ZERO;
        }
        let exp = (a.count - free).min(10);
        let delay = Duration::from_secs(1u64 << exp).min(Self::MAX_DELAY);
        delay.saturating_sub(since)
    }

    /// Takes one attempt in every bucket, or in none: `Err(wait)` says how long the
    /// caller must still wait before this attempt may be made. A refused attempt is not
    /// counted (it checks nothing, and counting it would let an attacker keep a shared
    /// bucket closed by hammering it).
    pub fn begin(&self, buckets: &[Bucket], now: Instant) -> Result<(), Duration> {
        let Ok(mut entries) = self.entries.lock() else {
            return Err(Self::MAX_DELAY);
        };
        let wait = buckets
            .iter()
            .filter_map(|b| entries.get(&b.key).map(|a| Self::wait(a, b.free, now)))
            .max()
            .unwrap_or(Duration::ZERO);
        if !wait.is_zero() {
            return Err(wait);
        }
        if entries.len() > Self::MAX_KEYS {
            entries.retain(|_, a| now.saturating_duration_since(a.last) <= Self::WINDOW);
        }
        for b in buckets {
            let a = entries.entry(b.key.clone()).or_insert(Attempts {
                count: 0,
                last: now,
            });
            if now.saturating_duration_since(a.last) > Self::WINDOW {
                a.count = 0;
            }
            a.count += 1;
            a.last = now;
        }
        Ok(())
    }

    /// Forgets the attempts of `keys` after a successful login.
    pub fn succeed(&self, keys: &[&str]) {
        if let Ok(mut entries) = self.entries.lock() {
            for k in keys {
                entries.remove(*k);
            }
        }
    }
}

/// The key of an address for throttling: an IPv4 address itself, an IPv6 address by its
/// /64 (one household or machine usually has a whole /64).
pub fn address_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// A browser's signed note of the staff accounts that signed in from it before ("known
/// browser"). Its random id keys the browser's own login bucket; the note grants nothing
/// by itself: the password is still checked, but attempts from elsewhere cannot lock this
/// browser out and a burst of logins cannot make its check "busy".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCookie {
    /// Random id of this browser (base64url).
    pub id: String,
    /// Lower-cased account names that signed in here, most recent first.
    pub accounts: Vec<String>,
}

impl DeviceCookie {
    /// Accounts remembered per browser (a shared desk computer).
    pub const MAX_ACCOUNTS: usize = 8;
    /// How long the browser keeps the note.
    pub const MAX_AGE_SECS: u64 = 180 * 24 * 3600;
    const PURPOSE: &'static str = "known-browser";

    /// A new browser id with no accounts.
    pub fn new() -> DeviceCookie {
        DeviceCookie {
            id: random_token(),
            accounts: Vec::new(),
        }
    }

    /// Reads and checks a cookie value; `None` when it is malformed or not signed by us.
    pub fn parse(signer: &Csrf, value: &str) -> Option<DeviceCookie> {
        if value.len() > 1024 {
            return None;
        }
        let (body, mac) = value.rsplit_once('.')?;
        if !signer.verify_signed(Self::PURPOSE, body, mac) {
            return None;
        }
        let (id, names) = body.split_once('.')?;
        if !plausible_token(id) {
            return None;
        }
        let names = URL_SAFE_NO_PAD.decode(names).ok()?;
        let names = String::from_utf8(names).ok()?;
        let accounts = names
            .split('\n')
            .filter(|n| !n.is_empty())
            .take(Self::MAX_ACCOUNTS)
            .map(str::to_string)
            .collect();
        Some(DeviceCookie {
            id: id.to_string(),
            accounts,
        })
    }

    /// Does this browser know `account` (lower-cased)?
    pub fn knows(&self, account: &str) -> bool {
        self.accounts.iter().any(|a| a == account)
    }

    /// Remembers `account` (lower-cased) as the most recent.
    pub fn remember(&mut self, account: &str) {
        self.accounts.retain(|a| a != account);
        self.accounts.insert(0, account.to_string());
        self.accounts.truncate(Self::MAX_ACCOUNTS);
    }

    /// The signed cookie value.
    pub fn value(&self, signer: &Csrf) -> String {
        let names = URL_SAFE_NO_PAD.encode(self.accounts.join("\n"));
        let body = format!("{}.{names}", self.id);
        let mac = signer.sign(Self::PURPOSE, &body);
        format!("{body}.{mac}")
    }
}

impl Default for DeviceCookie {
    fn default() -> Self {
        DeviceCookie::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_and_use_argon2id() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn csrf_tokens_bind_to_the_cookie() {
        let c = Csrf::new("secret");
        let t = c.token_for("seed-a");
        assert!(c.verify("seed-a", &t));
        assert!(!c.verify("seed-b", &t));
        assert!(!c.verify("", &t));
        assert!(!c.verify("seed-a", "garbage!"));
        assert!(!Csrf::new("other").verify("seed-a", &t));
    }

    #[test]
    fn tokens_are_random_and_plausible() {
        let a = random_token();
        assert!(plausible_token(&a));
        assert_ne!(a, random_token());
        assert!(!plausible_token("../etc/passwd"));
    }

    #[test]
    fn password_checker_answers_and_reports_busy() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let hash = hash_password("geheim").unwrap();
        let checker = PasswordChecker::start(1, 1, 1);
        let general = |p: &str| checker.verify(p.into(), hash.clone(), Lane::General);
        rt.block_on(async {
            assert_eq!(general("geheim").await, Ok(true));
            assert_eq!(general("fout").await, Ok(false));
            // One thread busy, one check queued: a third at the same time is refused.
            let (a, b, c) = tokio::join!(general("geheim"), general("geheim"), general("geheim"));
            let answers = [a, b, c];
            assert!(answers.contains(&Err(CheckerBusy)), "{answers:?}");
            assert!(answers.contains(&Ok(true)), "{answers:?}");
        });
    }

    /// Issue 13 item 7: a burst in the general lane leaves the known browsers' share free.
    #[test]
    fn a_full_general_queue_leaves_room_for_known_browsers() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let hash = hash_password("geheim").unwrap();
        let checker = PasswordChecker::start(1, 1, 1);
        rt.block_on(async {
            let burst = futures_util::future::join_all(
                (0..6).map(|_| checker.verify("fout".into(), hash.clone(), Lane::General)),
            );
            let known = checker.verify("geheim".into(), hash.clone(), Lane::Known);
            let (burst, known) = tokio::join!(burst, known);
            assert!(burst.contains(&Err(CheckerBusy)), "{burst:?}");
            assert_eq!(known, Ok(true), "the known browser's check is not busy");
        });
    }

    #[test]
    fn throttle_takes_the_slot_before_the_check() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let pair = |free| Bucket {
            key: "pair:anna|10.0.0.1".into(),
            free,
        };
        // Five slots are free; the sixth, before any password was checked, must wait.
        for _ in 0..5 {
            assert_eq!(t.begin(&[pair(5)], now), Ok(()));
        }
        assert!(t.begin(&[pair(5)], now).is_err());
        // A refused attempt is not counted: one second later exactly one more goes.
        let later = now + Duration::from_millis(1001);
        assert_eq!(t.begin(&[pair(5)], later), Ok(()));
        assert!(t.begin(&[pair(5)], later).is_err());
        // Another bucket is untouched; a success clears its own.
        let other = Bucket {
            key: "pair:anna|10.0.0.2".into(),
            free: 5,
        };
        assert_eq!(t.begin(std::slice::from_ref(&other), now), Ok(()));
        t.succeed(&["pair:anna|10.0.0.1"]);
        assert_eq!(t.begin(&[pair(5)], later), Ok(()));
        // All or nothing: a closed bucket stops the attempt without counting the others.
        let closed = Bucket {
            key: "c".into(),
            free: 0,
        };
        let fresh = Bucket {
            key: "f".into(),
            free: 1,
        };
        assert_eq!(t.begin(std::slice::from_ref(&closed), now), Ok(()));
        assert!(t.begin(&[fresh.clone(), closed], now).is_err());
        assert_eq!(t.begin(&[fresh], now), Ok(()));
    }

    #[test]
    fn device_cookies_are_signed_and_remember_accounts() {
        let signer = Csrf::new("secret");
        let mut d = DeviceCookie::new();
        d.remember("anna");
        d.remember("bram");
        d.remember("anna");
        let v = d.value(&signer);
        let back = DeviceCookie::parse(&signer, &v).unwrap();
        assert_eq!(back.accounts, vec!["anna".to_string(), "bram".to_string()]);
        assert!(back.knows("bram"));
        assert!(DeviceCookie::parse(&Csrf::new("other"), &v).is_none());
        // Another account name under the same signature is refused.
        let forged = v.replace(
            &URL_SAFE_NO_PAD.encode("anna\nbram"),
            &URL_SAFE_NO_PAD.encode("admin"),
        );
        assert!(DeviceCookie::parse(&signer, &forged).is_none());
        // A CSRF token (a MAC of a bare seed) is not a signature for this purpose.
        let body = format!("{}.", d.id);
        assert!(
            DeviceCookie::parse(&signer, &format!("{body}.{}", signer.token_for(&body))).is_none()
        );
    }

    #[test]
    fn ipv6_addresses_count_by_their_64() {
        use std::net::IpAddr;
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        assert_eq!(address_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
    }
}
