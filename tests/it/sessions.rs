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
    for name in ["anna", "bram", "chris", "dirk", "eva", "fleur"] {
        server.add_staff(name, Role::Agent, &["chat"], 3).await;
    }
    let b = server.browser();
    let csrf = b.csrf("/staff/login").await;
    // One wrong password for each of many accounts, from one address.
    let mut throttled = false;
    for name in ["anna", "bram", "chris", "dirk", "eva", "fleur"] {
        let p = b
            .post(
                "/staff/login",
                &[("username", name), ("password", "fout")],
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
