//! Faults (issue "Prove it holds"): the server process is killed with SIGKILL in the
//! middle of conversations and started again on the same database. Every message that
//! was acknowledged before the kill is there afterwards, in order and without gaps; the
//! waiting contact is back in its queue; the resident's socket reconnects and resumes.
//! And the ordinary stop (SIGTERM): every live connection is closed with 1012 before the
//! database closes, the process exits cleanly, and clients resume after the restart.

use crate::common::{self, Ws, free_port, wait_healthy};
use futures_util::StreamExt;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message as WsMessage;

fn command(dir: &std::path::Path, port: u16) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_loket"));
    cmd.args(["serve", "--demo"])
        .env("LOKET_BIND", format!("127.0.0.1:{port}"))
        .env(
            "LOKET_DATABASE_URL",
            format!("sqlite://{}", dir.join("loket.db").display()),
        )
        .env("LOKET_QUEUE_WITHOUT_STAFF", "true")
        .env("LOKET_LOG", "warn")
        .env_remove("LOKET_CONFIG")
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn spawn(dir: &std::path::Path, port: u16) -> Child {
    command(dir, port).spawn().unwrap()
}

#[tokio::test]
async fn acknowledged_messages_survive_sigkill_and_residents_resume() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = spawn(dir.path(), port);
    wait_healthy(&base).await;

    // A resident starts a chat (no JavaScript needed for that) and sends over the socket.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{base}/chat/start"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = common::extract(&page, "name=\"csrf\" value=\"", "\"").unwrap();
    let r = client
        .post(format!("{base}/chat/start"))
        .form(&[("csrf", csrf.as_str()), ("question", "Eerste vraag")])
        .send()
        .await
        .unwrap();
    let token = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/chat/")
        .to_string();
    let ws_url = format!("ws://127.0.0.1:{port}/ws/chat/{token}");
    let mut ws = Ws::connect(&ws_url, None).await;
    ws.send(json!({"type": "resume", "after": 0})).await;
    let mut acked = Vec::new();
    for i in 0..200 {
        ws.send(
            json!({"type": "send", "client_id": format!("m{i}"), "body": format!("bericht {i}")}),
        )
        .await;
    }
    // Collect acknowledgements for a moment, then kill the server mid-stream.
    let deadline = Instant::now() + Duration::from_millis(300);
    while Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_millis(50), ws.next()).await {
            Ok(f) if f["type"] == "ack" => acked.push((
                f["client_id"].as_str().unwrap().to_string(),
                f["seq"].as_i64().unwrap(),
            )),
            _ => {}
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !acked.is_empty(),
        "some messages were acknowledged before the kill"
    );
    eprintln!("acknowledged before SIGKILL: {}", acked.len());

    // Start again on the same database.
    let mut child = spawn(dir.path(), port);
    wait_healthy(&base).await;
    let mut ws = Ws::connect(&ws_url, None).await;
    ws.send(json!({"type": "resume", "after": 0})).await;
    let mut seen = Vec::new();
    let mut status = None;
    while status.is_none() {
        let f = ws.next().await;
        match f["type"].as_str() {
            Some("message") => seen.push((
                f["seq"].as_i64().unwrap(),
                f["client_id"].as_str().map(str::to_string),
            )),
            Some("status") => status = Some(f["status"].as_str().unwrap().to_string()),
            _ => {}
        }
    }
    // Numbered 1..n without gaps, and every acknowledged message is there with its number.
    for (i, (seq, _)) in seen.iter().enumerate() {
        assert_eq!(*seq, i as i64 + 1, "no gaps");
    }
    for (client_id, seq) in &acked {
        assert!(
            seen.iter()
                .any(|(s, c)| s == seq && c.as_deref() == Some(client_id.as_str())),
            "acknowledged {client_id} (seq {seq}) survived the kill"
        );
    }
    // The contact is waiting in its queue again, and the resident can go on.
    assert_eq!(status.as_deref(), Some("waiting"));
    ws.send(json!({"type": "send", "client_id": "after", "body": "na de herstart"}))
        .await;
    let ack = ws.expect("ack", |f| f["client_id"] == "after").await;
    assert_eq!(ack["seq"].as_i64().unwrap(), seen.len() as i64 + 1);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn sigterm_closes_every_connection_first_and_clients_resume_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = command(dir.path(), port)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_healthy(&base).await;

    // A demo agent with the console open, and a resident in conversation with her.
    let agent = common::Browser::new(&base);
    agent.login_with("anna", loket::server::DEMO_PASSWORD).await;
    let ws_base = format!("ws://127.0.0.1:{port}");
    let mut console =
        Ws::connect(&format!("{ws_base}/ws/staff"), Some(&agent.cookie_header())).await;
    console
        .send(json!({"type": "presence", "presence": "available"}))
        .await;
    let resident = common::Browser::new(&base);
    let token = resident.start_chat("Inwoner", "vraag").await;
    let offer = console.expect("offer", |_| true).await;
    console
        .send(json!({"type": "accept", "conversation": offer["conversation"]}))
        .await;
    console.expect("assigned", |_| true).await;
    let url = format!("{ws_base}/ws/chat/{token}");
    let mut ws = Ws::connect(&url, None).await;
    ws.send(json!({"type": "resume", "after": 0})).await;
    ws.send(json!({"type": "send", "client_id": "voor", "body": "voor de herstart"}))
        .await;
    let before = ws.expect("ack", |f| f["client_id"] == "voor").await;

    // The ordinary stop.
    let stopped_at = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    for (who, socket) in [("resident", &mut ws), ("agent", &mut console)] {
        let close = loop {
            match tokio::time::timeout(Duration::from_secs(5), socket.stream.next()).await {
                Ok(Some(Ok(WsMessage::Close(c)))) => break c,
                Ok(Some(Ok(_))) => continue,
                other => panic!("{who}: expected a close frame, got {other:?}"),
            }
        };
        let close = close.expect("a close code");
        assert_eq!(u16::from(close.code), 1012, "{who}: {close:?}");
    }
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped_at.elapsed() < Duration::from_secs(10),
            "Loket did not stop"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    eprintln!("stopped in {:?}", stopped_at.elapsed());
    assert!(exit.success(), "{exit:?}");
    assert!(
        stopped_at.elapsed() < Duration::from_secs(4),
        "no wait for open sockets"
    );
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut log).unwrap();
    assert!(!log.contains("ERROR"), "{log}");
    assert!(
        !log.contains("closed pool"),
        "nothing used the store after it closed: {log}"
    );

    // Back up: the resident resumes where they were.
    let mut child = spawn(dir.path(), port);
    wait_healthy(&base).await;
    let mut ws = Ws::connect(&url, None).await;
    ws.send(json!({"type": "resume", "after": 0})).await;
    ws.expect("message", |f| f["body"] == "voor de herstart")
        .await;
    ws.send(json!({"type": "send", "client_id": "na", "body": "na de herstart"}))
        .await;
    let after = ws.expect("ack", |f| f["client_id"] == "na").await;
    assert!(after["seq"].as_i64().unwrap() > before["seq"].as_i64().unwrap());
    child.kill().unwrap();
    child.wait().unwrap();
}
