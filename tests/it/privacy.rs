//! Retention, erasure and the access log against a real server and its real SQLite file.
//!
//! The time-travel test: 100 conversations (messages, names, contact details, wrap-up
//! notes) and 20 left messages, retention 30 days, the clock moved to day 31, purge: no
//! content rows, no text in the database file (nor its WAL), the figures per queue and
//! outcome unchanged, held conversations kept, a second run changes nothing, and a purge
//! stopped after one batch finishes on the next run.

use crate::common::*;
use loket::config::RetentionSettings;
use loket::store::{
    EventKind, EventNote, InboxChannel, LogCheck, NewAccess, NewConversation, NewInboxItem,
    NewMessage, Reach, Role, Sender, Status,
};
use sqlx::Row;
use std::process::Command;

const DAY_MS: i64 = 86_400_000;

fn terms(days: u32) -> RetentionSettings {
    RetentionSettings {
        messages_days: days,
        contact_days: days,
        notes_days: days,
        access_log_days: days,
        purge_at: "03:30".into(),
    }
}

/// A token no other test data contains, so finding it in the file proves it was kept.
fn unique(tag: &str, i: usize) -> String {
    format!(
        "{tag}{i:03}x{}",
        loket::auth::random_token().replace(['-', '_'], "q")
    )
}

/// Does the database file or its WAL still hold `needle` anywhere?
fn in_file(dir: &std::path::Path, needle: &str) -> bool {
    ["loket.db", "loket.db-wal"].iter().any(|f| {
        std::fs::read(dir.join(f))
            .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
    })
}

/// The figures a report reads: conversations per queue and outcome, with their times.
async fn figures(pool: &sqlx::SqlitePool) -> Vec<(i64, String, i64, i64, Option<i64>)> {
    sqlx::query(
        "SELECT queue_id, status, COUNT(*) AS n, SUM(created_at) AS t, SUM(ended_at) AS e \
         FROM conversations GROUP BY queue_id, status ORDER BY queue_id, status",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
    .collect()
}

#[tokio::test]
async fn time_travel_purge_deletes_content_everywhere_and_keeps_the_figures() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    server.add_staff("priv", Role::Privacy, &[], 1).await;
    let store = server.store().clone();
    let anna = store.user_by_name("anna").await.unwrap().unwrap();
    let officer = store.user_by_name("priv").await.unwrap().unwrap();
    let queue = store.queues().await.unwrap()[0].id;

    let mut gone_tokens = Vec::new();
    let mut kept_tokens = Vec::new();
    let mut held = Vec::new();
    for i in 0..100 {
        let name = unique("NAAM", i);
        let said = unique("TEKST", i);
        let answer = unique("ANTWOORD", i);
        let note = unique("NOTITIE", i);
        let (conv, _token) = store
            .create_conversation(&NewConversation {
                queue_id: queue,
                topic_id: None,
                resident_name: &name,
                lang: "nl",
                origin: "web",
                first_message: &said,
            })
            .await
            .unwrap();
        store.set_active(conv.id, anna.id).await.unwrap();
        store
            .append_message(&NewMessage {
                conversation_id: conv.id,
                sender: Sender::Agent,
                sender_name: "anna name",
                body: &answer,
                client_id: None,
            })
            .await
            .unwrap();
        store
            .finish(
                conv.id,
                Status::Ended,
                &EventNote::new(EventKind::Ended).detail("agent"),
            )
            .await
            .unwrap();
        assert!(
            store
                .wrap_up(conv.id, anna.id, "other", &note, Some(true))
                .await
                .unwrap()
        );
        let tokens = [name, said, answer, note];
        if i % 20 == 0 {
            // Five conversations under a legal hold: they stay whole.
            store
                .place_hold(Some(conv.id), None, "Klacht in behandeling", officer.id)
                .await
                .unwrap()
                .unwrap();
            held.push(conv.id);
            kept_tokens.extend(tokens);
        } else {
            gone_tokens.extend(tokens);
        }
    }
    for i in 0..20 {
        let name = unique("BERICHTNAAM", i);
        let body = unique("BERICHT", i);
        let address = format!("{}@example.org", unique("adres", i));
        store
            .create_inbox_item(&NewInboxItem {
                channel: InboxChannel::Form,
                queue_id: queue,
                topic_id: None,
                resident_name: &name,
                lang: "nl",
                body: &body,
                reach: Reach::Email,
                reach_value: &address,
            })
            .await
            .unwrap();
        gone_tokens.extend([name, body, address]);
    }
    // Someone looked: the access log has entries, sealed.
    for c in &held {
        store
            .log_access(&NewAccess {
                user_id: Some(officer.id),
                role: "privacy",
                action: "view",
                conversation_id: Some(*c),
                inbox_id: None,
                session: "s1",
                detail: "",
            })
            .await
            .unwrap();
    }
    store.checkpoint().await.unwrap();
    let dir = server.dir.path().to_path_buf();
    assert!(
        gone_tokens.iter().all(|t| in_file(&dir, t)),
        "the test data is in the file before the purge"
    );

    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("loket.db").display()))
        .await
        .unwrap();
    let before = figures(&pool).await;
    let day31 = loket::store::now_ms() + 31 * DAY_MS;
    let terms = terms(30);

    // Nothing is due on day 29.
    let early = store
        .purge_preview(loket::store::now_ms() + 29 * DAY_MS, &terms)
        .await
        .unwrap();
    assert!(early.is_empty(), "{early:?}");
    let preview = store.purge_preview(day31, &terms).await.unwrap();
    assert_eq!(preview.conversations, 95);
    assert_eq!(preview.left_messages, 20);
    assert_eq!(preview.access_log, 5);

    // A purge stopped after its first batch...
    let first = store.purge_batch(day31, &terms, 10).await.unwrap();
    assert_eq!(first.conversations, 10);
    // ...finishes on the next run.
    let rest = store.purge(day31, &terms).await.unwrap();
    assert_eq!(first.conversations + rest.conversations, 95);
    assert_eq!(first.messages + rest.messages, 190);
    assert_eq!(first.contacts + rest.contacts, 95);
    assert_eq!(first.notes + rest.notes, 95);
    assert_eq!(first.left_messages + rest.left_messages, 20);
    assert_eq!(first.left_contacts + rest.left_contacts, 20);
    assert_eq!(first.access_log + rest.access_log, 5);
    // A second run right after is a no-op.
    let again = store.purge(day31, &terms).await.unwrap();
    assert!(again.is_empty(), "{again:?}");

    // No rows with content, except the held ones.
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        left, 10,
        "only the 5 held conversations keep their 2 messages"
    );
    let named: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversations WHERE resident_name != '' OR wrapup_note IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(named, 5);
    let items: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM inbox_items WHERE body != '' OR reach_value != '' OR resident_name != ''",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(items, 0);
    // The figures are unchanged.
    assert_eq!(figures(&pool).await, before);
    pool.close().await;
    // No deleted text in the database file or its WAL.
    store.checkpoint().await.unwrap();
    let found: Vec<&String> = gone_tokens.iter().filter(|t| in_file(&dir, t)).collect();
    assert!(
        found.is_empty(),
        "{} deleted texts still in the file, e.g. {:?}",
        found.len(),
        found.first()
    );
    assert!(kept_tokens.iter().all(|t| in_file(&dir, t)));
    // The access log's chain starts after what retention removed, and still verifies.
    assert_eq!(
        store.verify_access_log().await.unwrap(),
        LogCheck::Intact(0)
    );
    store
        .log_access(&NewAccess {
            user_id: Some(officer.id),
            role: "privacy",
            action: "view",
            conversation_id: Some(held[0]),
            inbox_id: None,
            session: "s2",
            detail: "",
        })
        .await
        .unwrap();
    assert_eq!(
        store.verify_access_log().await.unwrap(),
        LogCheck::Intact(1)
    );

    // Lifting a hold lets the next purge take it.
    let hold = store.holds(Some(held[0]), None).await.unwrap()[0].id;
    assert!(
        store
            .lift_hold(hold, "Klacht afgehandeld", officer.id)
            .await
            .unwrap()
    );
    let after = store.purge(day31, &terms).await.unwrap();
    assert_eq!(after.conversations, 1);
    server.stop().await;
}

#[tokio::test]
async fn the_access_log_names_the_first_changed_entry() {
    let server = Server::start().await;
    server.add_staff("priv", Role::Privacy, &[], 1).await;
    let store = server.store().clone();
    let officer = store.user_by_name("priv").await.unwrap().unwrap();
    for c in 1..=4 {
        store
            .log_access(&NewAccess {
                user_id: Some(officer.id),
                role: "privacy",
                action: "export",
                conversation_id: Some(c),
                inbox_id: None,
                session: "s",
                detail: "",
            })
            .await
            .unwrap();
    }
    assert_eq!(
        store.verify_access_log().await.unwrap(),
        LogCheck::Intact(4)
    );
    let db = server.dir.path().join("loket.db");
    let dir = server.stop().await;
    // The command says the log is intact...
    let verify = || {
        Command::new(env!("CARGO_BIN_EXE_loket"))
            .args(["privacy", "verify-log"])
            .env("LOKET_DATABASE_URL", format!("sqlite://{}", db.display()))
            .env_remove("LOKET_CONFIG")
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = verify();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Het toegangslog is in orde: 4 regels gecontroleerd."
    );
    // ...until someone changes an entry behind Loket's back.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE access_log SET conversation_id = 99 WHERE id = 3")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let out = verify();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Het toegangslog is aangetast: regel 3 is veranderd."
    );
    // Removing an entry breaks the link of the next.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE access_log SET conversation_id = 3 WHERE id = 3")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM access_log WHERE id = 2")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let out = verify();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("regel 3 sluit niet aan"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_dry_run_says_what_would_go_on_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_loket"))
        .args(["privacy", "purge", "--dry-run", "--date", "2027-03-12"])
        .env(
            "LOKET_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("loket.db").display()),
        )
        .env_remove("LOKET_CONFIG")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Op 12-03 worden 0 gesprekken verwijderd."),
        "{text}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_loket"))
        .args(["privacy", "purge", "--dry-run", "--date", "12-03"])
        .env(
            "LOKET_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("loket.db").display()),
        )
        .env_remove("LOKET_CONFIG")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
}

/// Hostile input in every field of the privacy pages: markup is shown as text, SQL
/// fragments find nothing and break nothing, oversized and malformed values get a clear
/// answer (never a 500), and a hold needs a reason.
#[tokio::test]
async fn hostile_input_on_the_privacy_pages() {
    const SCRIPT: &str = "<script>alert(1)</script>";
    let server = Server::start().await;
    server.add_staff("priv", Role::Privacy, &[], 1).await;
    let resident = server.browser();
    resident.start_chat(SCRIPT, "Mijn bsn is 123456782").await;
    let officer = server.browser();
    officer.login("priv").await;
    let csrf = officer.csrf("/staff/privacy").await;
    let enc = |s: &str| -> String { serde_urlencoded::to_string([("q", s)]).unwrap() };
    for q in [
        SCRIPT,
        "' OR 1=1 --",
        "%",
        "_",
        "\u{0}\u{1b}[31m",
        &"x".repeat(6_000),
        "B-",
        "G-",
        "B-999-999",
        "99999999999999999999",
    ] {
        for path in [
            "/staff/privacy",
            "/staff/privacy/inzage",
            "/staff/privacy/inzage.json",
            "/staff/privacy/wissen",
        ] {
            let p = officer.get(&format!("{path}?{}", enc(q))).await;
            assert!(p.status < 500, "{path} {q:.20}: {}", p.status);
            // The JSON file carries the resident's name as data (served as
            // application/json with nosniff); every page shows it as text.
            if !path.ends_with(".json") {
                assert!(!p.body.contains(SCRIPT), "{path}: markup shown as text");
            }
        }
    }
    // "' OR 1=1" finds nothing (no conversation has that name).
    let p = officer
        .get(&format!("/staff/privacy?{}", enc("' OR 1=1 --")))
        .await;
    assert!(p.body.contains("Niets gevonden."), "{}", p.body);
    // The resident's name is found, shown escaped; the number is masked.
    let p = officer
        .get(&format!("/staff/privacy/inzage?{}", enc(SCRIPT)))
        .await;
    assert!(
        p.body.contains("&lt;script&gt;") || p.body.contains("&#60;script&#62;"),
        "escaped name: {}",
        p.body
            .split("<main")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(1500)
            .collect::<String>()
    );
    assert!(p.body.contains("*****6782") && !p.body.contains("123456782"));
    // Hold: hostile ids and kinds, a missing reason.
    for (kind, id) in [
        ("gesprek", "abc"),
        ("iets", "1"),
        ("gesprek", "-1"),
        ("bericht", "99999"),
    ] {
        let p = officer
            .post(
                "/staff/privacy/bewaarplicht",
                &[("kind", kind), ("id", id), ("reason", "x"), ("q", "")],
                &csrf,
            )
            .await;
        assert!(
            matches!(p.status, 400 | 404),
            "{kind} {id}: {} {}",
            p.status,
            p.body.len()
        );
    }
    let p = officer
        .post(
            "/staff/privacy/bewaarplicht",
            &[
                ("kind", "gesprek"),
                ("id", "1"),
                ("reason", "  "),
                ("q", SCRIPT),
            ],
            &csrf,
        )
        .await;
    assert_eq!(p.status, 400, "a hold without a reason is refused");
    assert!(p.body.contains("Vul de reden voor de bewaarplicht in."));
    assert!(!p.body.contains(SCRIPT));
    // Lifting a hold that is not there changes nothing.
    let p = officer
        .post(
            "/staff/privacy/bewaarplicht/424242/opheffen",
            &[("reason", SCRIPT)],
            &csrf,
        )
        .await;
    assert_eq!(p.status, 303);
    // The log's filters.
    for (field, value) in [
        ("gesprek", "twaalf"),
        ("van", "30-11-2026"),
        ("tot", "2026-13-45"),
        ("actie", SCRIPT),
        ("gebruiker", SCRIPT),
    ] {
        let p = officer
            .get(&format!(
                "/staff/privacy/log?{}",
                serde_urlencoded::to_string([(field, value)]).unwrap()
            ))
            .await;
        assert!(p.status < 500, "{field}: {}", p.status);
        assert!(!p.body.contains(SCRIPT), "{field}: shown as text");
        let csv = officer
            .get(&format!(
                "/staff/privacy/log.csv?{}",
                serde_urlencoded::to_string([(field, value)]).unwrap()
            ))
            .await;
        assert!(csv.status < 500, "{field} csv: {}", csv.status);
    }
    // The terms form: out of range, not numbers, a bad time, a log shorter than messages.
    for (m, l, at, error) in [
        (
            "0",
            "730",
            "03:30",
            "Kies een aantal dagen van 1 tot en met 3650.",
        ),
        (
            "abc",
            "730",
            "03:30",
            "Kies een aantal dagen van 1 tot en met 3650.",
        ),
        (
            "99999999999",
            "730",
            "03:30",
            "Kies een aantal dagen van 1 tot en met 3650.",
        ),
        ("90", "730", "3:5", "Vul een tijd in als uu:mm"),
        ("90", "730", SCRIPT, "Vul een tijd in als uu:mm"),
        (
            "400",
            "365",
            "03:30",
            "minstens zo lang bewaard worden als de berichten",
        ),
    ] {
        let p = officer
            .post(
                "/staff/privacy/bewaartermijnen",
                &[
                    ("messages_days", m),
                    ("contact_days", "90"),
                    ("notes_days", "365"),
                    ("access_log_days", l),
                    ("purge_at", at),
                ],
                &csrf,
            )
            .await;
        assert_eq!(p.status, 400, "{m} {l} {at}");
        assert!(p.body.contains(error), "{m} {l} {at}: {error}");
        assert!(!p.body.contains(SCRIPT));
    }
    // Unchanged after all that.
    let terms = server
        .store()
        .retention_terms(&RetentionSettings::default())
        .await
        .unwrap();
    assert_eq!(terms, RetentionSettings::default());
}
