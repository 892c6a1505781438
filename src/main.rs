//! The `loket` command: `serve` (the default), `user add|list|disable|enable|password`,
//! `privacy purge|verify-log`, `demo`, `routes`.

use clap::{Parser, Subcommand};
use loket::auth::hash_password;
use loket::config::Config;
use loket::store::{NewUser, Role, Store};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "loket",
    version,
    about = "Accessible contact portal and sign-language video gateway"
)]
struct Cli {
    /// Configuration file (default: ./loket.toml when it exists).
    #[arg(long, env = "LOKET_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve {
        /// Seed demo data first (same as `loket demo`).
        #[arg(long)]
        demo: bool,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Retention and the access log.
    Privacy {
        #[command(subcommand)]
        command: PrivacyCommand,
    },
    /// Seed example queues, topics, FAQ entries and staff (marked as demo data).
    Demo,
    /// Print every page route as JSON (for the accessibility suite).
    Routes,
}

#[derive(Subcommand)]
enum PrivacyCommand {
    /// Delete what is past its retention term now (the server also does this daily).
    /// Works in batches: it can be stopped at any point and finishes on the next run.
    Purge {
        /// Only say what would be deleted.
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run: what would be deleted on this day (YYYY-MM-DD), not today.
        #[arg(long, requires = "dry_run")]
        date: Option<String>,
    },
    /// Check the access log's hash chain; names the first entry that does not fit and
    /// exits with 1 when the log was changed.
    VerifyLog,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff account. The password comes from LOKET_PASSWORD or standard input.
    Add {
        /// Login name (letters, digits, . _ -).
        name: String,
        /// agent, interpreter, supervisor or admin.
        #[arg(long)]
        role: String,
        /// Name shown to residents (default: the login name).
        #[arg(long)]
        display_name: Option<String>,
        /// Queue slugs this person serves, comma separated (default by role:
        /// agent = chat,video; interpreter = ngt).
        #[arg(long, value_delimiter = ',')]
        skills: Option<Vec<String>>,
        /// Chats at once (default from the configuration, 3).
        #[arg(long)]
        capacity: Option<u8>,
    },
    /// List staff accounts.
    List,
    /// Disable an account: it cannot log in, and its sessions end at once (pages at the
    /// next request, an open console within one heartbeat, `[connections] ping_secs`).
    Disable {
        /// Login name.
        name: String,
    },
    /// Enable a disabled account again (it logs in anew; old sessions stay ended).
    Enable {
        /// Login name.
        name: String,
    },
    /// Set an account's password (from LOKET_PASSWORD or standard input) and end its
    /// sessions.
    Password {
        /// Login name.
        name: String,
    },
}

/// Log filter unless `LOKET_LOG` says otherwise: Loket at info; the WebRTC stack only
/// when something is wrong (its DTLS layer warns on every Chrome handshake).
const DEFAULT_LOG: &str = "info,webrtc=warn,rtc=warn,rtc_dtls=error";

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LOKET_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG)),
        )
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: a log file or journald gets plain lines.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Routes) = cli.command {
        let routes: Vec<_> = loket::web::PAGE_ROUTES
            .iter()
            .map(|(p, d)| serde_json::json!({"path": p, "states": d}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&routes)?);
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref(), |k| std::env::var(k).ok())?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            if demo {
                demo_seed(&config).await?;
            }
            loket::server::serve(config).await
        }
        Command::Demo => demo_seed(&config).await,
        Command::User { command } => user(&config, command).await,
        Command::Privacy { command } => privacy(&config, command).await,
        Command::Routes => Ok(()),
    }
}

async fn demo_seed(config: &Config) -> anyhow::Result<()> {
    let store = Store::open_with(&config.database_url, config.durable_commits).await?;
    loket::server::ensure_admin(&store).await?;
    let created = loket::server::seed_demo(&store).await?;
    store.close().await;
    println!("Demo data seeded (marked as demo).");
    if !created.is_empty() {
        println!(
            "Demo staff accounts, all with password '{}': {}",
            loket::server::DEMO_PASSWORD,
            created.join(", ")
        );
    }
    Ok(())
}

async fn privacy(config: &Config, command: PrivacyCommand) -> anyhow::Result<()> {
    use loket::i18n::{Lang, T};
    use loket::privacy::retention;
    let store = Store::open_with(&config.database_url, config.durable_commits).await?;
    let t = T::new(Lang::Nl);
    let result = match command {
        PrivacyCommand::Purge { dry_run, date } => {
            let terms = store.retention_terms(&config.retention).await?;
            let now = loket::store::now_ms();
            let on = match date {
                None => now,
                Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(12, 0, 0))
                    .map(|d| d.and_utc().timestamp_millis())
                    .ok_or_else(|| anyhow::anyhow!("--date {d:?}: use YYYY-MM-DD"))?,
            };
            let counts = if dry_run {
                store.purge_preview(on, &terms).await?
            } else {
                store.purge(now, &terms).await?
            };
            for line in retention::summary(&t, on, &counts, dry_run) {
                println!("{line}");
            }
            Ok(())
        }
        PrivacyCommand::VerifyLog => match store.verify_access_log().await? {
            loket::store::LogCheck::Intact(n) => {
                println!("{}", t.f("accesslog.intact", &[("count", &n)]));
                Ok(())
            }
            loket::store::LogCheck::Broken(b) => {
                let (key, id) = match b {
                    loket::privacy::chain::Broken::Link { id } => ("accesslog.broken_link", id),
                    loket::privacy::chain::Broken::Content { id } => {
                        ("accesslog.broken_content", id)
                    }
                };
                println!("{}", t.f(key, &[("id", &id)]));
                Err(anyhow::anyhow!("the access log was changed"))
            }
        },
    };
    store.close().await;
    result
}

fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("LOKET_PASSWORD") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password: ");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn user(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let store = Store::open_with(&config.database_url, config.durable_commits).await?;
    match command {
        UserCommand::Add {
            name,
            role,
            display_name,
            skills,
            capacity,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown role {role:?}: use agent, interpreter, supervisor, admin or privacy"
                )
            })?;
            if !valid_username(&name) {
                anyhow::bail!("a user name is 1-64 characters of letters, digits, '.', '_' or '-'");
            }
            let password = read_password()?;
            if password.chars().count() < 10 {
                anyhow::bail!("the password must be at least 10 characters");
            }
            let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let skills: Vec<String> = skills.unwrap_or_else(|| {
                role.default_skills()
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            });
            let skill_refs: Vec<&str> = skills.iter().map(String::as_str).collect();
            let display = display_name.unwrap_or_else(|| name.clone());
            let result = store
                .add_user(&NewUser {
                    username: &name,
                    display_name: &display,
                    role,
                    password_hash: &hash,
                    chat_capacity: capacity
                        .unwrap_or(config.broker.default_chat_capacity)
                        .max(1),
                    skills: &skill_refs,
                    is_demo: false,
                })
                .await;
            match result {
                Ok(id) => println!("added {name} ({}) with id {id}", role.as_str()),
                Err(loket::store::StoreError::NotFound) => {
                    anyhow::bail!("unknown queue in --skills {skills:?}")
                }
                Err(e) => return Err(e.into()),
            }
        }
        UserCommand::Disable { name } => {
            if !store.disable_user(&name).await? {
                anyhow::bail!("no account named {name:?}");
            }
            println!("disabled {name}; its sessions have ended");
        }
        UserCommand::Enable { name } => {
            if !store.enable_user(&name).await? {
                anyhow::bail!("no account named {name:?}");
            }
            println!("enabled {name}; it can log in again");
        }
        UserCommand::Password { name } => {
            if store.user_by_name(&name).await?.is_none() {
                anyhow::bail!("no account named {name:?}");
            }
            let password = read_password()?;
            if password.chars().count() < 10 {
                anyhow::bail!("the password must be at least 10 characters");
            }
            let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            if !store.set_password(&name, &hash).await? {
                anyhow::bail!("no account named {name:?}");
            }
            println!("set the password of {name}; its sessions have ended");
        }
        UserCommand::List => {
            let queues = store.queues().await?;
            println!(
                "{:<20} {:<12} {:<6} {:<24} NAME",
                "USERNAME", "ROLE", "CHATS", "QUEUES"
            );
            for u in store.users().await? {
                let skills: Vec<&str> = store
                    .user_skills(u.id)
                    .await?
                    .iter()
                    .filter_map(|id| queues.iter().find(|q| q.id == *id))
                    .map(|q| q.slug.as_str())
                    .collect();
                println!(
                    "{:<20} {:<12} {:<6} {:<24} {}{}{}",
                    u.username,
                    u.role.as_str(),
                    u.chat_capacity,
                    if skills.is_empty() {
                        "-".to_string()
                    } else {
                        skills.join(",")
                    },
                    u.display_name,
                    if u.is_demo { " [demo]" } else { "" },
                    if u.disabled { " [disabled]" } else { "" },
                );
            }
        }
    }
    store.close().await;
    Ok(())
}
