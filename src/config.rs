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
//! | `LOKET_DURABLE_COMMITS` | `durable_commits` |
//!
//! Validation happens here, once, so the rest of the program can trust the values.

use serde::Deserialize;
use std::net::SocketAddr;
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
        if let Some(v) = env("LOKET_SECURE_COOKIES") {
            self.secure_cookies = parse("LOKET_SECURE_COOKIES", v)?;
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
    fn bad_values_are_named() {
        let err = Config::load(None, |k| (k == "LOKET_BIND").then(|| "nonsense".into()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("LOKET_BIND"), "{err}");
        let err = Config::from_toml("bnid = 1").unwrap_err().to_string();
        assert!(err.contains("bnid"), "{err}");
    }
}
