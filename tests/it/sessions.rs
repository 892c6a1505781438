//! Staff sessions (issue "Prove it holds"): no fixation on login, logout ends the session
//! on the server, idle sessions expire, and failed logins are throttled per account and
//! per address.

use crate::common::*;
use loket::store::Role;

/// The value of the session cookie a browser holds.
fn session(b: &Browser) -> Option<String> {
    b.cookie_header()
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == "loket_session")
        .map(|(_, v)| v.to_string())
}

/// A request carrying only the given session cookie (another machine replaying it).
async fn replay(server: &Server, token: &str) -> u16 {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/staff", server.base))
        .header("cookie", format!("loket_session={token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn no_fixation_and_logout_ends_the_session_on_the_server() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    // An attacker plants a session id before the login: it is never adopted.
    let planted = "A".repeat(43);
    assert_eq!(replay(&server, &planted).await, 303);
    let b = server.browser();
    b.login("anna").await;
    let first = session(&b).expect("a session cookie");
    assert_ne!(first, planted);
    assert_eq!(replay(&server, &first).await, 200);
    // Another login gets another session id.
    let b2 = server.browser();
    b2.login("anna").await;
    let second = session(&b2).unwrap();
    assert_ne!(first, second);
    // Logout: the copied cookie stops working everywhere, not only in this browser.
    let csrf = b.csrf("/staff").await;
    let out = b.post("/staff/logout", &[], &csrf).await;
    assert_eq!(out.status, 303);
    assert_eq!(replay(&server, &first).await, 303);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let server = Server::start_with(|c| c.staff.session_idle_mins = 0).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let b = server.browser();
    b.login("anna").await;
    let token = session(&b).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    // With an idle limit of zero minutes, the session is already too old.
    assert_eq!(replay(&server, &token).await, 303);
}

#[tokio::test]
async fn failed_logins_are_throttled_per_address_across_accounts() {
    let server = Server::start().await;
    // `[security] login_free_per_address` is 10: the 11th and 12th are slowed down.
    let names: Vec<String> = (0..12).map(|i| format!("agent{i}")).collect();
    for name in &names {
        server.add_staff(name, Role::Agent, &["chat"], 3).await;
    }
    let b = server.browser();
    let csrf = b.csrf("/staff/login").await;
    // One wrong password for each of many accounts, from one address.
    let mut throttled = false;
    for name in &names {
        let p = b
            .post(
                "/staff/login",
                &[("username", name.as_str()), ("password", "fout")],
                &csrf,
            )
            .await;
        throttled |= p.body.contains("Te veel mislukte pogingen");
    }
    assert!(
        throttled,
        "spraying passwords over accounts from one address is slowed down"
    );
}

/// Runs the `loket` command on the server's own database (as an administrator would,
/// next to the running server).
async fn loket_cli(server: &Server, args: &[&str], password: Option<&str>) -> std::process::Output {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_loket"));
    c.args(args)
        .env(
            "LOKET_DATABASE_URL",
            format!("sqlite://{}", server.dir.path().join("loket.db").display()),
        )
        .env_remove("LOKET_CONFIG")
        .env_remove("LOKET_PASSWORD")
        .current_dir(server.dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(p) = password {
        c.env("LOKET_PASSWORD", p);
    }
    let out = c.output().await.unwrap();
    assert!(
        out.status.success(),
        "loket {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The close code of a socket the server closes within `secs` (frames before it are
/// skipped).
async fn closed_with(ws: &mut Ws, secs: u64) -> Option<u16> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        match tokio::time::timeout_at(deadline, ws.stream.next()).await {
            Ok(Some(Ok(WsMessage::Close(c)))) => return c.map(|c| u16::from(c.code)),
            Ok(Some(Ok(_))) => continue,
            Ok(_) => return None,
            Err(_) => panic!("the socket stayed open for {secs} s"),
        }
    }
}

/// Issue 13 item 9: `loket user disable` ends every session of the account at once: every
/// staff page and form, the console's socket (within one heartbeat), and a new socket;
/// its chat goes back to the queue for a colleague; enabling it again does not bring an
/// old session back.
#[tokio::test]
async fn a_disabled_account_is_signed_out_everywhere_at_once_and_for_good() {
    let server = Server::start_with(|c| {
        c.connections.ping_secs = 1;
        c.connections.silent_secs = 3;
        c.staff.disconnect_grace_secs = 30;
    })
    .await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    server.add_staff("bram", Role::Agent, &["chat"], 3).await;
    let (anna, mut console) = available_agent(&server, "anna").await;
    let token = session(&anna).unwrap();
    let second = server.browser();
    second.login("anna").await;
    let second_token = session(&second).unwrap();
    let csrf = anna.csrf("/staff").await;
    // A resident is being helped by anna.
    let resident = server.browser();
    resident.start_chat("Inwoner", "Vraag").await;
    let conv = accept_next(&mut console).await;

    loket_cli(&server, &["user", "disable", "anna"], None).await;
    let disabled_at = std::time::Instant::now();

    // Every staff route refuses both sessions from the next request.
    for t in [&token, &second_token] {
        assert_eq!(replay(&server, t).await, 303);
    }
    for path in [
        "/staff/berichten",
        "/staff/links",
        "/staff/fragments/waiting",
    ] {
        let p = anna.get(path).await;
        assert_eq!(p.status, 303, "{path}");
        assert_eq!(p.location.as_deref(), Some("/staff/login"), "{path}");
    }
    let p = anna
        .post("/staff/presence", &[("presence", "available")], &csrf)
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(p.location.as_deref(), Some("/staff/login"));
    // A new console socket is refused.
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        server.ws_url("/ws/staff"),
    )
    .unwrap();
    req.headers_mut()
        .insert("cookie", anna.cookie_header().parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());
    // The open console is closed with "session ended" within one heartbeat.
    assert_eq!(closed_with(&mut console, 5).await, Some(4401));
    println!(
        "console closed {:?} after the disable",
        disabled_at.elapsed()
    );
    // Her chat goes to a colleague now, not after the 30 s reconnect grace.
    let (_bram, mut bram_ws) = available_agent(&server, "bram").await;
    let offer = bram_ws.expect("offer", |_| true).await;
    assert_eq!(offer["conversation"].as_i64(), Some(conv));
    assert!(disabled_at.elapsed() < std::time::Duration::from_secs(10));

    // The right password does not sign in a disabled account.
    let b = server.browser();
    let csrf = b.csrf("/staff/login").await;
    let p = b
        .post(
            "/staff/login",
            &[("username", "anna"), ("password", PASSWORD)],
            &csrf,
        )
        .await;
    assert_ne!(p.status, 303);

    // Enabled again: the old sessions stay ended; a new login works.
    loket_cli(&server, &["user", "enable", "anna"], None).await;
    for t in [&token, &second_token] {
        assert_eq!(replay(&server, t).await, 303);
    }
    server.browser().login("anna").await;
    server.stop().await;
}

/// Issue 13 item 9: `loket user password` sets a new password (from LOKET_PASSWORD or
/// standard input) and ends the account's sessions.
#[tokio::test]
async fn user_password_sets_a_new_password_and_ends_the_sessions() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let b = server.browser();
    b.login("anna").await;
    let token = session(&b).unwrap();

    loket_cli(
        &server,
        &["user", "password", "anna"],
        Some("a-new-long-password"),
    )
    .await;
    assert_eq!(replay(&server, &token).await, 303, "the old session ended");
    let fresh = server.browser();
    let csrf = fresh.csrf("/staff/login").await;
    let p = fresh
        .post(
            "/staff/login",
            &[("username", "anna"), ("password", PASSWORD)],
            &csrf,
        )
        .await;
    assert_ne!(p.status, 303, "the old password no longer works");
    fresh.login_with("anna", "a-new-long-password").await;

    // From standard input when LOKET_PASSWORD is unset.
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_loket"))
        .args(["user", "password", "anna"])
        .env(
            "LOKET_DATABASE_URL",
            format!("sqlite://{}", server.dir.path().join("loket.db").display()),
        )
        .env_remove("LOKET_CONFIG")
        .env_remove("LOKET_PASSWORD")
        .current_dir(server.dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"third-long-password\n").await.unwrap();
    }
    let out = child.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server
        .browser()
        .login_with("anna", "third-long-password")
        .await;

    // Unknown account, short password: clear errors.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_loket"))
        .args(["user", "password", "nobody"])
        .env(
            "LOKET_DATABASE_URL",
            format!("sqlite://{}", server.dir.path().join("loket.db").display()),
        )
        .env("LOKET_PASSWORD", "a-new-long-password")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account"));
    server.stop().await;
}
