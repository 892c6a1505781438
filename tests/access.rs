//! Access control, table-driven: every route of the router (read from `src/web/mod.rs`, so
//! a new route fails this test until it is given a row) times every role: anonymous, a
//! resident of another conversation, agent, interpreter, supervisor, admin.
//!
//! A row names who may use the route; the test sends the request as each role (with that
//! browser's own valid CSRF token for POSTs, so the role check itself is what answers) and
//! checks the outcome: allowed, sent to the login page, 403, or 404 (capability links:
//! without the token the thing does not exist). WebSocket endpoints are checked at the
//! upgrade (who may connect); the frame types on them are covered per role in
//! `tests/chat.rs` and `tests/calls.rs` (`not_allowed` for conversations not one's own).

mod common;

use common::*;
use loket::store::Role;
use serde_json::json;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    /// Everyone.
    Public,
    /// Whoever holds the conversation's capability token (the resident).
    Token,
    /// Any signed-in staff member.
    Staff,
    /// Staff taking part in that conversation (its agent here).
    InConversation,
    /// Exists only for the staff member it belongs to (an offer card, a wrap-up form):
    /// for other staff it is not found.
    OwnOnly,
    /// Supervisors and admins.
    Supervisor,
    /// An enrolled kiosk browser only.
    Kiosk,
    /// Logging out: anyone, and everyone lands on the login page (checked last, since it
    /// ends the session).
    Logout,
    /// The WebSocket upgrade of staff (anonymous: 401).
    StaffSocket,
    /// The WebSocket upgrade of a resident (unknown token: 404).
    TokenSocket,
}

/// Every route: method, path, who may use it.
const ROUTES: &[(&str, &str, Who)] = &[
    ("GET", "/", Who::Public),
    ("GET", "/taal/{lang}", Who::Public),
    ("GET", "/chat/start", Who::Public),
    ("POST", "/chat/start", Who::Public),
    ("GET", "/chat/{token}", Who::Token),
    ("POST", "/chat/{token}/send", Who::Token),
    ("POST", "/chat/{token}/end", Who::Token),
    ("GET", "/chat/{token}/transcript", Who::Token),
    ("GET", "/chat/{token}/transcript.txt", Who::Token),
    ("GET", "/video/start", Who::Public),
    ("POST", "/video/start", Who::Public),
    ("GET", "/o/{slug}", Who::Public),
    ("GET", "/kiosk", Who::Kiosk),
    ("POST", "/kiosk/start", Who::Kiosk),
    ("POST", "/kiosk/reset", Who::Kiosk),
    ("GET", "/kiosk/aanmelden/{token}", Who::Token),
    ("POST", "/kiosk/aanmelden/{token}", Who::Token),
    ("GET", "/bericht", Who::Public),
    ("POST", "/bericht", Who::Public),
    ("GET", "/bericht/{token}", Who::Token),
    ("GET", "/toegankelijkheid", Who::Public),
    ("GET", "/accessibility", Who::Public),
    ("POST", "/toegankelijkheid/melding", Who::Public),
    ("GET", "/staff/login", Who::Public),
    ("POST", "/staff/login", Who::Public),
    ("POST", "/staff/logout", Who::Logout),
    ("GET", "/staff", Who::Staff),
    ("POST", "/staff/presence", Who::Staff),
    ("POST", "/staff/offers/{id}/accept", Who::Staff),
    ("POST", "/staff/offers/{id}/decline", Who::Staff),
    ("POST", "/staff/chats/{id}/send", Who::InConversation),
    ("POST", "/staff/chats/{id}/end", Who::InConversation),
    ("POST", "/staff/chats/{id}/wrapup", Who::InConversation),
    ("GET", "/staff/gesprek/{id}", Who::InConversation),
    ("POST", "/staff/gesprek/{id}/aanvragen", Who::InConversation),
    ("POST", "/staff/gesprek/{id}/intrekken", Who::InConversation),
    ("POST", "/staff/gesprek/{id}/verlaten", Who::InConversation),
    ("GET", "/staff/kiosks", Who::Supervisor),
    ("POST", "/staff/kiosks", Who::Supervisor),
    ("GET", "/staff/links", Who::Supervisor),
    ("GET", "/staff/links/{slug}/qr.svg", Who::Supervisor),
    ("GET", "/staff/openingstijden", Who::Supervisor),
    ("POST", "/staff/openingstijden/{queue}", Who::Supervisor),
    ("GET", "/staff/fragments/chat/{id}", Who::InConversation),
    ("GET", "/staff/fragments/offer/{id}", Who::OwnOnly),
    ("GET", "/staff/fragments/wrapup/{id}", Who::OwnOnly),
    ("GET", "/staff/fragments/waiting", Who::Staff),
    ("GET", "/static/{*path}", Who::Public),
    ("GET", "/healthz", Who::Public),
    ("GET", "/ws/chat/{token}", Who::TokenSocket),
    ("GET", "/ws/staff", Who::StaffSocket),
];

/// (method, path) of every `.route(...)` in the router's source.
fn router_routes() -> Vec<(String, String)> {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/mod.rs"))
        .expect("router source");
    let mut out = Vec::new();
    for part in src.split(".route(").skip(1) {
        let Some(path) = part.split('"').nth(1) else {
            continue;
        };
        // The handler expression up to the end of this route call.
        let call = part.split(".route(").next().unwrap_or(part);
        let call = call.split("\n        .").next().unwrap_or(call);
        for (needle, method) in [("get(", "GET"), ("post(", "POST")] {
            if call.contains(needle) {
                out.push((method.to_string(), path.to_string()));
            }
        }
    }
    out
}

#[test]
fn every_route_has_a_row() {
    let routes = router_routes();
    assert!(
        routes.len() >= 40,
        "found {} routes: {routes:?}",
        routes.len()
    );
    let missing: Vec<_> = routes
        .iter()
        .filter(|(m, p)| !ROUTES.iter().any(|(rm, rp, _)| rm == m && rp == p))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an access row: {missing:?}"
    );
    let stale: Vec<_> = ROUTES
        .iter()
        .filter(|(m, p, _)| !routes.iter().any(|(rm, rp)| rm == m && rp == p))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Allowed,
    Login,
    Forbidden,
    NotFound,
    Unauthorized,
}

fn outcome(status: u16, location: Option<&str>) -> Outcome {
    match status {
        303 | 302 if location.is_some_and(|l| l.starts_with("/staff/login")) => Outcome::Login,
        401 => Outcome::Unauthorized,
        403 => Outcome::Forbidden,
        404 => Outcome::NotFound,
        _ => Outcome::Allowed,
    }
}

#[tokio::test]
async fn every_route_times_every_role() {
    let server = Server::start().await;
    server
        .add_staff("anna", Role::Agent, &["chat", "video"], 3)
        .await;
    server
        .add_staff("tolk", Role::Interpreter, &["ngt"], 1)
        .await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    server.add_staff("beheer", Role::Admin, &[], 3).await;
    // The conversation under test: resident A, held by Anna.
    let (_anna_http, mut anna) = available_agent(&server, "anna").await;
    let owner = server.browser();
    let token = owner.start_chat("A", "Mijn vraag").await;
    let offer = anna.expect("offer", |_| true).await;
    let conv = offer["conversation"].as_i64().unwrap();
    anna.send(json!({"type": "accept", "conversation": conv}))
        .await;
    anna.expect("assigned", |_| true).await;

    // The roles, each its own browser (cookie jar).
    let anonymous = server.browser();
    let other_resident = server.browser();
    other_resident.start_chat("B", "Andere vraag").await;
    server.add_staff("bram", Role::Agent, &["chat"], 3).await;
    let agent = server.browser();
    agent.login("bram").await;
    let interpreter = server.browser();
    interpreter.login("tolk").await;
    let supervisor = server.browser();
    supervisor.login("sanne").await;
    let admin = server.browser();
    admin.login("beheer").await;
    let roles: [(&str, &Browser, bool); 6] = [
        ("anonymous", &anonymous, false),
        ("resident of another conversation", &other_resident, false),
        ("agent (not in this conversation)", &agent, true),
        ("interpreter", &interpreter, true),
        ("supervisor", &supervisor, true),
        ("admin", &admin, true),
    ];
    let queue = server.store().queues().await.unwrap()[0].id;
    let topic = server.store().topics().await.unwrap()[0].slug.clone();
    let fake_token = "A".repeat(43);

    let mut failures = Vec::new();
    let ordered = ROUTES
        .iter()
        .filter(|r| r.2 != Who::Logout)
        .chain(ROUTES.iter().filter(|r| r.2 == Who::Logout));
    for (method, path, who) in ordered {
        // Fill the path: someone else's conversation and a token one does not hold.
        let concrete = path
            .replace("{token}", &fake_token)
            .replace("{id}", &conv.to_string())
            .replace("{queue}", &queue.to_string())
            .replace("{slug}", &topic)
            .replace("{lang}", "en")
            .replace("{*path}", "css/loket.css");
        for (role, b, staff) in &roles {
            let expected = match who {
                Who::Public => Outcome::Allowed,
                Who::Token | Who::TokenSocket => Outcome::NotFound,
                Who::Staff if *staff => Outcome::Allowed,
                Who::Staff | Who::InConversation | Who::OwnOnly | Who::Supervisor if !*staff => {
                    Outcome::Login
                }
                Who::OwnOnly => Outcome::NotFound,
                Who::InConversation => Outcome::Forbidden,
                Who::Supervisor if matches!(*role, "supervisor" | "admin") => Outcome::Allowed,
                Who::Supervisor => Outcome::Forbidden,
                Who::Kiosk => Outcome::Forbidden,
                Who::Logout => Outcome::Login,
                Who::StaffSocket if *staff => Outcome::Allowed,
                Who::StaffSocket => Outcome::Unauthorized,
                Who::Staff => unreachable!(),
            };
            let page = if *method == "GET" {
                if matches!(who, Who::StaffSocket | Who::TokenSocket) {
                    let r = b
                        .client
                        .get(format!("{}{concrete}", b.base))
                        .header("connection", "upgrade")
                        .header("upgrade", "websocket")
                        .header("sec-websocket-version", "13")
                        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                        .send()
                        .await
                        .unwrap();
                    Page {
                        status: r.status().as_u16(),
                        location: None,
                        body: String::new(),
                    }
                } else {
                    b.get(&concrete).await
                }
            } else {
                let csrf = b.csrf("/bericht").await;
                b.post(&concrete, &[], &csrf).await
            };
            let got = outcome(page.status, page.location.as_deref());
            if got != expected {
                failures.push(format!(
                    "{method} {path} as {role}: expected {expected:?}, got {} ({got:?})",
                    page.status
                ));
            }
        }
    }
    // The owner of the conversation may use its token routes.
    for path in ["/chat/{token}", "/chat/{token}/transcript"] {
        let p = owner.get(&path.replace("{token}", &token)).await;
        assert_eq!(p.status, 200, "{path} for its owner");
    }
    assert!(
        failures.is_empty(),
        "{} access failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
