//! The report of a quarter with 200,000 contacts (issue 16: "renders in under 1 s on
//! SQLite"), through the real server: a supervisor's `GET /staff/rapportage` for the
//! quarter, from the request to the last byte of the page (the event log read, folded,
//! every figure, breakdown and norm computed, the page rendered), and the same for the
//! one-line-per-contact CSV.
//!
//! The fixture: 200,000 chats and calls spread over 1 January - 31 March 2026 in two
//! queues, 5 events each on average (queued, offered, answered or abandoned, ended,
//! wrapped up with "resolved"), plus 10,000 left messages: about 1.1 million event rows,
//! generated in SQL in a few seconds. The numbers are synthetic; the shape (how many
//! events per contact, the mix of outcomes) is what a busy municipality's quarter holds.
//!
//! Run: `cargo bench --bench report` (CONTACTS=200000 by default).

use loket::config::Config;
use loket::store::{NewUser, Role};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;
use std::time::Instant;

const PASSWORD: &str = "report bench password";

#[tokio::main]
async fn main() {
    // `cargo test --all-targets` runs benches without `--bench`: then a small quarter,
    // once, so the bench stays working without costing CI a minute.
    let args: Vec<String> = std::env::args().collect();
    let bench = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let contacts: i64 = std::env::var("CONTACTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { 200_000 } else { 2_000 });
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { 5 } else { 1 });
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("loket.db");
    let config = Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        database_url: format!("sqlite://{}", db.display()),
        ..Config::default()
    };
    let running = loket::server::start(config).await.expect("server");
    let hash = loket::auth::hash_password(PASSWORD).expect("hash");
    running
        .store
        .add_user(&NewUser {
            username: "chef",
            display_name: "Chef",
            role: Role::Supervisor,
            password_hash: &hash,
            chat_capacity: 3,
            skills: &[],
            is_demo: false,
        })
        .await
        .expect("user");
    let agent = running
        .store
        .add_user(&NewUser {
            username: "anna",
            display_name: "Anna",
            role: Role::Agent,
            password_hash: &hash,
            chat_capacity: 3,
            skills: &["chat"],
            is_demo: false,
        })
        .await
        .expect("agent");

    let started = Instant::now();
    fill(&db, contacts, agent).await;
    let rows: i64 = {
        let mut c = connect(&db).await;
        sqlx::query_scalar("SELECT COUNT(*) FROM contact_events")
            .fetch_one(&mut c)
            .await
            .expect("count")
    };
    println!(
        "fixture: {contacts} contacts + {} left messages, {rows} events, made in {:.1} s",
        contacts / 20,
        started.elapsed().as_secs_f64()
    );
    // The fixture was written behind the store's back: fold every contact once, as the
    // first start after the upgrade that added the kept facts does.
    let started = Instant::now();
    let folded = running.store.rebuild_facts().await.expect("facts");
    println!(
        "kept facts rebuilt for {folded} contacts in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    if let Ok(keep) = std::env::var("KEEP_DB") {
        std::fs::copy(&db, &keep).expect("copy");
    }
    let base = format!("http://{}", running.addr);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let login = client
        .get(format!("{base}/staff/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("body");
    let csrf = login
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf")
        .to_string();
    let res = client
        .post(format!("{base}/staff/login"))
        .form(&[
            ("username", "chef"),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303, "login");

    let quarter = "periode=custom&van=01-01-2026&tot=31-03-2026";
    for (name, path) in [
        ("page", format!("/staff/rapportage?{quarter}")),
        (
            "page, one number opened",
            format!("/staff/rapportage?{quarter}&cijfer=answered"),
        ),
        (
            "contacts CSV",
            format!("/staff/rapportage/contacten.csv?{quarter}"),
        ),
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let res = client
                .get(format!("{base}{path}"))
                .send()
                .await
                .expect("report");
            assert_eq!(res.status(), 200, "{path}");
            let body = res.bytes().await.expect("body");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            size = body.len();
            if name == "page" {
                let text = String::from_utf8_lossy(&body);
                let expect = format!("{} contacten.", format_thousands(contacts + contacts / 20));
                assert!(
                    text.contains(&expect)
                        || text.contains(&format!("{} contacten.", contacts + contacts / 20)),
                    "the page counts every contact of the quarter ({expect}): {}",
                    text.split("role=\"status\">")
                        .nth(1)
                        .unwrap_or("")
                        .chars()
                        .take(200)
                        .collect::<String>()
                );
            }
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{name}: median {:.0} ms, min {:.0} ms, max {:.0} ms over {rounds} rounds ({} KB)",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1],
            size / 1024
        );
    }
    let hub = running.hub.clone();
    let store = running.store.clone();
    let _ = running.stop().await;
    hub.shutdown().await;
    store.close().await;
}

fn format_thousands(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

async fn connect(db: &std::path::Path) -> sqlx::SqliteConnection {
    SqliteConnectOptions::from_str(&format!("sqlite://{}", db.display()))
        .expect("options")
        .connect()
        .await
        .expect("connect")
}

/// The quarter's contacts and their events, generated in SQL (one transaction).
async fn fill(db: &std::path::Path, contacts: i64, agent: i64) {
    let mut c = connect(db).await;
    let mut tx = c.begin().await.expect("begin");
    // 2026-01-01T00:00:00+01:00 and the quarter's length in ms: 90 days less the hour the
    // clocks go forward on 29 March (the quarter ends at local midnight, 22:00 UTC).
    let start: i64 = 1_767_222_000_000;
    let span: i64 = 90 * 86_400_000 - 3_600_000;
    let step = span / contacts;
    let statements = [
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {contacts})
             INSERT INTO conversations (token_hash, queue_id, topic_id, resident_name, lang, origin,
                 status, agent_id, created_at, assigned_at, ended_at, ended_by, wrapped_at)
             SELECT randomblob(32), 1 + i % 2, NULL, '', 'nl', CASE WHEN i % 7 = 0 THEN 'kiosk: Stadhuis' ELSE 'web' END,
                 CASE WHEN i % 10 = 0 THEN 'abandoned' ELSE 'ended' END,
                 CASE WHEN i % 10 = 0 THEN NULL ELSE {agent} END,
                 {start} + (i - 1) * {step},
                 CASE WHEN i % 10 = 0 THEN NULL ELSE {start} + (i - 1) * {step} + (i % 90) * 1000 END,
                 {start} + (i - 1) * {step} + (i % 90) * 1000 + 300000,
                 CASE WHEN i % 10 = 0 THEN 'resident' ELSE 'agent' END,
                 CASE WHEN i % 10 = 0 THEN NULL ELSE {start} + (i - 1) * {step} + (i % 90) * 1000 + 360000 END
             FROM n"
        ),
        "INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin)
         SELECT c.id, c.created_at, 'queued', c.queue_id, q.channel, c.topic_id, c.origin
         FROM conversations c JOIN queues q ON q.id = c.queue_id"
            .to_string(),
        "INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin, staff_id)
         SELECT c.id, c.created_at + 1000, 'offered', c.queue_id, q.channel, c.topic_id, c.origin, c.agent_id
         FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.agent_id IS NOT NULL"
            .to_string(),
        "INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin, staff_id, detail)
         SELECT c.id, c.assigned_at, 'answered', c.queue_id, q.channel, c.topic_id, c.origin, c.agent_id, 'agent'
         FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.assigned_at IS NOT NULL"
            .to_string(),
        "INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin, waited_ms, detail)
         SELECT c.id, c.ended_at, 'abandoned', c.queue_id, q.channel, c.topic_id, c.origin,
                c.ended_at - c.created_at, 'resident'
         FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.status = 'abandoned'"
            .to_string(),
        "INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin, staff_id, detail)
         SELECT c.id, c.ended_at, 'ended', c.queue_id, q.channel, c.topic_id, c.origin, c.agent_id, 'agent'
         FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.status = 'ended'"
            .to_string(),
        "INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin, staff_id, detail, label)
         SELECT c.id, c.wrapped_at, 'wrapped_up', c.queue_id, q.channel, c.topic_id, c.origin, c.agent_id,
                CASE WHEN c.id % 3 = 0 THEN 'not_resolved' ELSE 'resolved' END, 'other'
         FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.wrapped_at IS NOT NULL"
            .to_string(),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})
             INSERT INTO inbox_items (token_hash, channel, queue_id, resident_name, lang, body, reach,
                 reach_value, state, created_at)
             SELECT randomblob(32), 'form', 1, '', 'nl', '', 'return', '', 'new', {start} + (i - 1) * {} FROM n",
            contacts / 20,
            step * 20
        ),
        "INSERT INTO contact_events (inbox_id, at, kind, queue_id, channel, topic_id, origin)
         SELECT i.id, i.created_at, 'message_left', i.queue_id, i.channel, i.topic_id, 'message'
         FROM inbox_items i"
            .to_string(),
    ];
    for sql in statements {
        sqlx::query(&sql).execute(&mut *tx).await.expect("fixture");
    }
    tx.commit().await.expect("commit");
}
