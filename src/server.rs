//! Start-up and shutdown: open the store, make sure there is an administrator, start the
//! hub, serve HTTP until Ctrl-C or SIGTERM, then stop cleanly.
//!
//! Shutdown order matters: stop accepting connections and let in-flight requests finish
//! (axum's graceful shutdown), stop the broker task, then close the database so the WAL
//! is checkpointed. Every message that was acknowledged was committed before its `ack`,
//! so nothing acknowledged is lost even on a hard kill.

use crate::auth::{Csrf, LoginThrottle, PasswordChecker, hash_password, random_password};
use crate::config::Config;
use crate::hub::{Hub, HubSettings, broker_config};
use crate::store::{Channel, NewUser, Role, Store};
use crate::web::{self, AppState};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// A running server (for tests and the binary).
pub struct Running {
    pub addr: SocketAddr,
    pub hub: Hub,
    pub store: Store,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    housekeeping: tokio::task::JoinHandle<()>,
    retention: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops the server and waits until it has shut down.
    pub async fn stop(self) -> anyhow::Result<()> {
        // Live connections close first (axum's graceful shutdown does not see upgraded
        // sockets), so nothing uses the store after it closes.
        self.hub.begin_shutdown();
        let _ = self.shutdown.send(());
        self.housekeeping.abort();
        self.retention.abort();
        self.task.await??;
        Ok(())
    }
}

/// Creates the first administrator when there are no staff accounts; prints the
/// password once in the log.
pub async fn ensure_admin(store: &Store) -> anyhow::Result<()> {
    if store.user_count().await? > 0 {
        return Ok(());
    }
    let password = random_password();
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .add_user(&NewUser {
            username: "admin",
            display_name: "Beheerder",
            role: Role::Admin,
            password_hash: &hash,
            chat_capacity: 3,
            skills: &[],
            is_demo: false,
        })
        .await?;
    tracing::warn!(
        username = "admin",
        password = %password,
        "created the first administrator account; this password is shown only once, change or store it now"
    );
    Ok(())
}

/// The media forwarder's settings from Loket's configuration.
pub fn media_config(c: &Config) -> crate::sfu::MediaConfig {
    crate::sfu::MediaConfig {
        udp_port_min: c.media.udp_port_min,
        udp_port_max: c.media.udp_port_max,
        bind_ip: c.media.bind_ip,
        public_ips: c.media.public_ips.clone(),
        include_loopback: c.media.include_loopback,
        private_candidates: c.media.private_candidates(),
        simulcast: c.media.simulcast,
    }
}

/// The password checker: `[security] password_threads` threads (0: one per core), a
/// general queue and a share kept for known browsers (each check takes ~20 ms on one core
/// in a release build; a full queue asks to try again).
fn password_checker(s: &crate::config::SecuritySettings) -> PasswordChecker {
    let threads = match s.password_threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    PasswordChecker::start(threads, s.password_queue, s.password_queue_known)
}

/// Opens the store and starts the server on the configured address (port 0 for tests).
pub async fn start(config: Config) -> anyhow::Result<Running> {
    let store = Store::open_with(&config.database_url, config.durable_commits).await?;
    ensure_admin(&store).await?;
    let secret = store
        .setting_or_insert("csrf_secret", crate::auth::random_token)
        .await?;
    let sfu = crate::sfu::Sfu::new(media_config(&config));
    let hub = Hub::start(
        store.clone(),
        sfu,
        broker_config(&config),
        HubSettings::from_config(&config),
    )
    .await?;
    let intake = Arc::new(web::intake::Intake::new(&config.intake));
    let housekeeping = spawn_housekeeping(store.clone(), intake.clone(), &config);
    let retention = hub.spawn_retention(config.retention.clone());
    let limits = crate::listener::Limits::from_config(&config.limits, open_files());
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let sockets = web::live::SocketCaps::from_config(&config.limits);
    let passwords = password_checker(&config.security);
    let warn_public_url = config.secure_cookies && config.security.public_url.is_none();
    let state = AppState {
        hub: hub.clone(),
        store: store.clone(),
        config: Arc::new(config),
        csrf: Csrf::new(&secret),
        throttle: Arc::new(LoginThrottle::default()),
        intake,
        passwords,
        demo: store.has_demo_data().await?,
        sockets,
        reports: Arc::new(tokio::sync::Semaphore::new(1)),
    };
    let app = web::router(state);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(crate::listener::serve(listener, app, limits, rx));
    if warn_public_url {
        tracing::warn!(
            "secure_cookies is on but [security] public_url is not set: printed links and QR \
             codes name the host each request gives; set public_url to the site's address"
        );
    }
    tracing::info!(%addr, "Loket is listening");
    Ok(Running {
        addr,
        hub,
        store,
        shutdown: tx,
        task,
        housekeeping,
        retention,
    })
}

/// Raises the open-file limit to the hard limit (once per process) and returns it: every
/// connection and media port is an open file, and a service's usual soft limit of 1,024
/// is reached by a few hundred residents.
fn open_files() -> Option<u64> {
    static RAISED: std::sync::Once = std::sync::Once::new();
    RAISED.call_once(|| match crate::limits::raise_open_files() {
        Some((before, now)) if now > before => {
            tracing::info!(before, now, "open-file limit raised to the hard limit")
        }
        Some((_, now)) => tracing::info!(limit = now, "open-file limit"),
        None => tracing::warn!("open-file limit could not be read or raised"),
    });
    crate::limits::open_files_limit()
}

/// Every minute forgets the intake limits' sources whose allowance is whole again, and
/// every five minutes removes expired staff sessions (a session also expires on use, so
/// this only keeps the table small).
fn spawn_housekeeping(
    store: Store,
    intake: Arc<web::intake::Intake>,
    config: &Config,
) -> tokio::task::JoinHandle<()> {
    let idle_ms = i64::try_from(config.staff.session_idle_mins)
        .unwrap_or(60)
        .saturating_mul(60_000);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        let mut minutes: u64 = 0;
        loop {
            every.tick().await;
            intake.forget_refilled();
            minutes += 1;
            if minutes % 5 != 1 {
                continue;
            }
            match store.purge_sessions(idle_ms).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "expired staff sessions removed"),
                Err(e) => tracing::warn!(error = %e, "session clean-up failed"),
            }
        }
    })
}

/// Runs until Ctrl-C or SIGTERM, then shuts down cleanly.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let running = start(config).await?;
    tracing::info!("open http://{}/ in a browser", running.addr);
    shutdown_signal().await;
    tracing::info!("shutting down");
    let hub = running.hub.clone();
    let store = running.store.clone();
    // Open WebSockets keep the server busy; give them a moment, then stop anyway.
    if tokio::time::timeout(std::time::Duration::from_secs(5), running.stop())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after 5 s; closing them");
    }
    hub.shutdown().await;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// The password of every demo account (printed by `loket demo`).
pub const DEMO_PASSWORD: &str = "demo-wachtwoord";

/// Seeds example topics, FAQ entries, a topic queue and staff, all marked as demo data.
pub async fn seed_demo(store: &Store) -> anyhow::Result<Vec<String>> {
    let topics = [
        ("verhuizen", "Verhuizen", "Moving house"),
        ("paspoort", "Paspoort en ID-kaart", "Passport and ID card"),
        ("afval", "Afval", "Waste collection"),
        ("parkeren", "Parkeren", "Parking"),
        ("belastingen", "Belastingen", "Local taxes"),
    ];
    for (slug, nl, en) in topics {
        store.add_topic(slug, nl, en, true).await?;
    }
    let faqs = [
        (
            "Wat zijn de openingstijden?",
            "Onze loketten zijn open op werkdagen van 9.00 tot 17.00 uur. Chatten en videobellen kan zolang er een medewerker is: op de startpagina ziet u of er nu iemand beschikbaar is.",
            "What are the opening hours?",
            "Our service desks are open on weekdays from 9:00 to 17:00. You can chat or make a video call whenever an employee is there: the start page shows whether someone is available now.",
        ),
        (
            "Hoe geef ik een verhuizing door?",
            "Geef uw verhuizing door via Mijn Gemeente, tot 4 weken voor en uiterlijk 5 dagen na de verhuisdatum. U heeft uw DigiD nodig.",
            "How do I report that I am moving?",
            "Report your move through My Municipality, up to 4 weeks before and at the latest 5 days after the moving date. You need your DigiD.",
        ),
        (
            "Hoe vraag ik een paspoort aan?",
            "Maak een afspraak bij het loket. Neem uw oude paspoort en een pasfoto mee. Na ongeveer 5 werkdagen kunt u het ophalen.",
            "How do I apply for a passport?",
            "Make an appointment at the desk. Bring your old passport and a passport photo. You can collect it after about 5 working days.",
        ),
    ];
    for (qn, an, qe, ae) in faqs {
        store.add_faq(qn, an, qe, ae, true).await?;
    }
    store
        .add_queue(
            "belastingen",
            "Chat over belastingen",
            "Chat about local taxes",
            Channel::Chat,
            true,
        )
        .await?;
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let staff: [(&str, &str, Role, &[&str]); 6] = [
        ("anna", "Anna de Vries", Role::Agent, &["chat", "video"]),
        (
            "bram",
            "Bram Jansen",
            Role::Agent,
            &["chat", "video", "belastingen"],
        ),
        (
            "chris",
            "Chris Bakker",
            Role::Agent,
            &["chat", "belastingen"],
        ),
        ("tolk", "Tamara Tolk", Role::Interpreter, &["ngt"]),
        ("teamleider", "Sanne Visser", Role::Supervisor, &[]),
        ("privacy", "Petra Prins", Role::Privacy, &[]),
    ];
    let mut created = Vec::new();
    for (username, name, role, skills) in staff {
        if store.user_by_name(username).await?.is_some() {
            continue;
        }
        store
            .add_user(&NewUser {
                username,
                display_name: name,
                role,
                password_hash: &hash,
                chat_capacity: 3,
                skills,
                is_demo: true,
            })
            .await?;
        created.push(format!("{username} ({})", role.as_str()));
    }
    Ok(created)
}
