//! Secrets and the checks built on them: passwords, tokens, CSRF and login throttling.
//!
//! - Passwords are hashed with argon2id (the `argon2` crate's defaults, a fresh salt each).
//! - Tokens (staff sessions, residents' conversation capabilities, CSRF seeds) are 256 random
//!   bits, URL-safe base64; the database keeps only their SHA-256.
//! - CSRF uses signed double-submit: every browser gets a random `loket_csrf` cookie, and
//!   each form carries `HMAC-SHA256(server secret, cookie)`. A cross-site page can neither
//!   read the cookie nor compute the MAC.
//! - [`LoginThrottle`] slows repeated failures per account and per address: after
//!   [`LoginThrottle::FREE_ATTEMPTS`] failures in a window, each further attempt must wait
//!   twice as long as the one before (capped at 15 minutes).
//! - [`PasswordChecker`] runs argon2 checks on a few dedicated threads behind a short
//!   queue. Each check needs 19 MiB of memory: unbounded, a burst of logins (or an attack)
//!   would take gigabytes and keep them, so the number at once is capped and a full
//!   queue is answered "busy, try again" instead of growing.

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

/// A bounded pool of threads that check passwords (see the module doc).
#[derive(Debug, Clone)]
pub struct PasswordChecker {
    tx: std::sync::mpsc::SyncSender<PasswordCheck>,
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
    /// Starts `threads` checking threads with room for `queue` waiting checks. The
    /// threads end when the last clone of the checker is dropped.
    pub fn start(threads: usize, queue: usize) -> PasswordChecker {
        let (tx, rx) = std::sync::mpsc::sync_channel::<PasswordCheck>(queue);
        let rx = std::sync::Arc::new(Mutex::new(rx));
        for n in 0..threads.max(1) {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    loop {
                        let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        let Ok(check) = next else { break };
                        let ok = verify_password(&check.password, &check.hash);
                        let _ = check.reply.send(ok);
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password thread");
            }
        }
        PasswordChecker { tx }
    }

    /// Checks `password` against `hash`; `Err(CheckerBusy)` when the queue is full.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, CheckerBusy> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.tx
            .try_send(PasswordCheck {
                password,
                hash,
                reply,
            })
            .map_err(|_| CheckerBusy)?;
        answer.await.map_err(|_| CheckerBusy)
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
}

/// Counts failed logins per key (an account name or an address).
#[derive(Debug, Default)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl LoginThrottle {
    /// Failures allowed before delays start.
    pub const FREE_ATTEMPTS: u32 = 5;
    /// Failures older than this are forgotten.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    const MAX_DELAY: Duration = Duration::from_secs(15 * 60);

    /// How long the caller must still wait before trying `key` again (zero: go ahead).
    pub fn wait_for(&self, key: &str, now: Instant) -> Duration {
        let Ok(entries) = self.entries.lock() else {
            return Duration::ZERO;
        };
        let Some(f) = entries.get(key) else {
            return Duration::ZERO;
        };
        if now.duration_since(f.last) > Self::WINDOW || f.count < Self::FREE_ATTEMPTS {
            return Duration::ZERO;
        }
        let exp = (f.count - Self::FREE_ATTEMPTS).min(10);
        let delay = Duration::from_secs(1u64 << exp).min(Self::MAX_DELAY);
        delay.saturating_sub(now.duration_since(f.last))
    }

    /// Records a failed attempt.
    pub fn fail(&self, key: &str, now: Instant) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() > 100_000 {
                entries.retain(|_, f| now.duration_since(f.last) <= Self::WINDOW);
            }
            let e = entries.entry(key.to_string()).or_insert(Failures {
                count: 0,
                last: now,
            });
            if now.duration_since(e.last) > Self::WINDOW {
                e.count = 0;
            }
            e.count += 1;
            e.last = now;
        }
    }

    /// Forgets failures after a successful login.
    pub fn succeed(&self, key: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
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
        let checker = PasswordChecker::start(1, 1);
        rt.block_on(async {
            assert_eq!(
                checker.verify("geheim".into(), hash.clone()).await,
                Ok(true)
            );
            assert_eq!(checker.verify("fout".into(), hash.clone()).await, Ok(false));
            // One thread busy, one check queued: a third at the same time is refused.
            let a = checker.verify("geheim".into(), hash.clone());
            let b = checker.verify("geheim".into(), hash.clone());
            let c = checker.verify("geheim".into(), hash.clone());
            let (a, b, c) = tokio::join!(a, b, c);
            let answers = [a, b, c];
            assert!(answers.contains(&Err(CheckerBusy)), "{answers:?}");
            assert!(answers.contains(&Ok(true)), "{answers:?}");
        });
    }

    #[test]
    fn throttle_delays_after_free_attempts() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..LoginThrottle::FREE_ATTEMPTS {
            assert_eq!(t.wait_for("anna", now), Duration::ZERO);
            t.fail("anna", now);
        }
        assert!(t.wait_for("anna", now) > Duration::ZERO);
        assert_eq!(t.wait_for("bert", now), Duration::ZERO);
        t.succeed("anna");
        assert_eq!(t.wait_for("anna", now), Duration::ZERO);
    }
}
