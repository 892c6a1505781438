//! Issue 13, items 10 and 15: what the server's log holds. The real `loket` binary runs as
//! its own process with every Loket log line on (`LOKET_LOG=debug`); its standard error is
//! read while residents chat, start a video call and join its media, and leave a message.
//! No name, question or message a resident typed may appear in it, and the request id in
//! it is the server's own, never one the client sent.

use crate::common::*;
use serde_json::json;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

const NAME_CHAT: &str = "Zwaantje Ploegmaker";
const NAME_VIDEO: &str = "Kwikstaart Veldhoen";
const NAME_MESSAGE: &str = "Rietgans Boomkruiper";
const QUESTION: &str = "Vraag over mijn erfpachtcanon";
const MESSAGE: &str = "Mijn buurman heet Pimpelmees";
const FORGED_ID: &str = "forged-request-id-1234";

/// The binary with its own data folder, listening on `port`, logging everything of its own.
fn loket(dir: &std::path::Path, port: u16) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_loket"));
    c.env(
        "LOKET_DATABASE_URL",
        format!("sqlite://{}", dir.join("loket.db").display()),
    )
    .env("LOKET_BIND", format!("127.0.0.1:{port}"))
    .env("LOKET_LOG", "debug")
    .env_remove("LOKET_CONFIG")
    .env_remove("LOKET_PASSWORD")
    .current_dir(dir)
    .kill_on_drop(true);
    c
}

async fn staff_console(base: &str, ws_base: &str, user: &str) -> (Browser, Ws) {
    let b = Browser::new(base);
    b.login(user).await;
    let mut ws = Ws::connect(&format!("{ws_base}/ws/staff"), Some(&b.cookie_header())).await;
    ws.send(json!({"type": "presence", "presence": "available"}))
        .await;
    ws.expect("presence", |f| f["presence"] == "available")
        .await;
    (b, ws)
}

#[tokio::test]
async fn residents_names_and_words_never_reach_the_log_and_request_ids_are_the_servers() {
    tokio::time::timeout(Duration::from_secs(90), scenario())
        .await
        .expect("the scenario ends within 90 s");
}

async fn scenario() {
    let dir = tempfile::tempdir().unwrap();
    // Anna answers chats, Bram video calls.
    for (user, skills) in [("anna", "chat"), ("bram", "video")] {
        let out = loket(dir.path(), 0)
            .args(["user", "add", user, "--role", "agent", "--skills", skills])
            .env("LOKET_PASSWORD", PASSWORD)
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let port = free_port();
    let mut child = loket(dir.path(), port)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let reader = {
        let log = log.clone();
        let stderr = child.stderr.take().unwrap();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let mut l = log.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        })
    };
    let base = format!("http://127.0.0.1:{port}");
    let ws_base = format!("ws://127.0.0.1:{port}");
    wait_healthy(&base).await;
    eprintln!("logs test: healthy");

    // A request id chosen by the client is not used: the response (and the log) carry
    // the server's own.
    let r = reqwest::Client::new()
        .get(format!("{base}/"))
        .header("x-request-id", FORGED_ID)
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();

    let (_anna_http, mut anna) = staff_console(&base, &ws_base, "anna").await;
    let (_bram_http, mut bram) = staff_console(&base, &ws_base, "bram").await;
    eprintln!("logs test: consoles");

    // A chat: name, question, a message.
    let resident = Browser::new(&base);
    let csrf = resident.csrf("/chat/start").await;
    let p = resident
        .post(
            "/chat/start",
            &[("name", NAME_CHAT), ("topic", ""), ("question", QUESTION)],
            &csrf,
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let token = p.location.unwrap().trim_start_matches("/chat/").to_string();
    let mut res = Ws::connect(&format!("{ws_base}/ws/chat/{token}"), None).await;
    res.send(json!({"type": "resume", "after": 0})).await;
    let conv = accept_next(&mut anna).await;
    eprintln!("logs test: chat accepted");
    res.send(msg("m1", MESSAGE)).await;
    res.expect("ack", |_| true).await;
    anna.send(json!({"type": "end", "conversation": conv}))
        .await;
    res.expect("status", |f| f["status"] == "ended").await;
    eprintln!("logs test: chat closed");

    // A video call with an employee: the resident joins the call's media under a name.
    let video = Browser::new(&base);
    let csrf = video.csrf("/video/start?met=medewerker").await;
    let p = video
        .post(
            "/video/start",
            &[
                ("met", "medewerker"),
                ("name", NAME_VIDEO),
                ("topic", ""),
                ("question", QUESTION),
            ],
            &csrf,
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let token = p.location.unwrap().trim_start_matches("/chat/").to_string();
    let mut res = Ws::connect(&format!("{ws_base}/ws/chat/{token}"), None).await;
    res.send(json!({"type": "resume", "after": 0})).await;
    accept_next(&mut bram).await;
    eprintln!("logs test: video accepted");
    res.expect("status", |f| f["status"] == "active").await;
    res.send(json!({"type": "call_join"})).await;
    res.expect("call_offer", |_| true).await;
    eprintln!("logs test: media joined");

    // A left message.
    let left = Browser::new(&base);
    let csrf = left.csrf("/bericht").await;
    let p = left
        .post(
            "/bericht",
            &[
                ("name", NAME_MESSAGE),
                ("message", MESSAGE),
                ("reach", "return"),
                ("email", ""),
                ("phone", ""),
                ("topic", ""),
            ],
            &csrf,
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);

    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().unwrap().to_string()])
        .status();
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), reader).await;
    let raw = log.lock().unwrap().clone();
    // Standard error is a pipe here, as under systemd: plain lines, no colour codes.
    assert!(!raw.contains('\u{1b}'), "colour codes in a piped log");
    let log = strip_colours(&raw);

    // The log is there and says what happened ...
    assert!(log.contains("contact opened"), "{log}");
    assert!(log.contains("joined"), "the media join is logged: {log}");
    println!("{} log lines", log.lines().count());
    // ... but holds nothing a resident typed, and not the client's request id.
    for secret in [
        NAME_CHAT,
        NAME_VIDEO,
        NAME_MESSAGE,
        QUESTION,
        MESSAGE,
        FORGED_ID,
        "Zwaantje",
        "Kwikstaart",
        "Rietgans",
        "Pimpelmees",
    ] {
        let hits: Vec<&str> = log.lines().filter(|l| l.contains(secret)).collect();
        assert!(hits.is_empty(), "{secret:?} in the log: {hits:#?}");
    }
    assert_ne!(
        id, FORGED_ID,
        "the response names the server's own request id"
    );
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert!(log.contains(&format!("request_id=\"{id}\"")), "{log}");
}

/// The log without terminal colour codes (`ESC [ ... m`).
fn strip_colours(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
