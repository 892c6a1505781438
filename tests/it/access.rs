//! Access control, table-driven: every route of the router (read from `src/web/mod.rs`, so
//! a new route fails this test until it is given a row) times every role: anonymous, a
//! resident of another conversation, agent, interpreter, supervisor, admin.
//!
//! A row names who may use the route; the test sends the request as each role (with that
//! browser's own valid CSRF token for POSTs, so the role check itself is what answers) and
//! checks the outcome: allowed, sent to the login page, 403, or 404 (capability links:
//! without the token the thing does not exist). WebSocket endpoints are checked at the
//! upgrade (who may connect), and a second table covers every frame type of both sockets
//! (read from `loket::protocol`, so a new type fails until it has a row) times every role
//! that can open that socket.

use crate::common::*;
use loket::store::Role;
use serde_json::json;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    /// Everyone.
    Public,
    /// Everyone, but only what a site configured (the access server configures none, so
    /// it is not found for anyone; tests/it/sign_video.rs serves a configured one).
    Configured,
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
    /// Privacy officers and admins.
    Privacy,
    /// A left message in the shared list: staff with the skill of its queue and
    /// supervisors; for other staff it is not found.
    Inbox,
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
    ("POST", "/chat/{token}/enquete", Who::Token),
    ("GET", "/chat/{token}/beeindigen", Who::Token),
    ("GET", "/chat/{token}/transcript", Who::Token),
    ("GET", "/chat/{token}/transcript.txt", Who::Token),
    ("GET", "/video/start", Who::Public),
    ("POST", "/video/start", Who::Public),
    ("GET", "/o/{slug}", Who::Public),
    ("GET", "/kiosk", Who::Kiosk),
    ("POST", "/kiosk/start", Who::Kiosk),
    ("POST", "/kiosk/reset", Who::Kiosk),
    ("GET", "/kiosk/bericht", Who::Kiosk),
    ("POST", "/kiosk/bericht", Who::Kiosk),
    ("GET", "/kiosk/bericht/ontvangen", Who::Kiosk),
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
    ("POST", "/staff/wachtenden/{id}/nemen", Who::Staff),
    ("POST", "/staff/chats/{id}/wrapup", Who::InConversation),
    ("GET", "/staff/gesprek/{id}", Who::InConversation),
    ("POST", "/staff/gesprek/{id}/aanvragen", Who::InConversation),
    ("POST", "/staff/gesprek/{id}/intrekken", Who::InConversation),
    ("POST", "/staff/gesprek/{id}/verlaten", Who::InConversation),
    ("GET", "/staff/berichten", Who::Staff),
    ("GET", "/staff/berichten/{id}", Who::Inbox),
    ("POST", "/staff/berichten/{id}/oppakken", Who::Inbox),
    ("POST", "/staff/berichten/{id}/antwoord", Who::Inbox),
    ("GET", "/staff/kiosks", Who::Supervisor),
    ("POST", "/staff/kiosks", Who::Supervisor),
    ("POST", "/staff/kiosks/{id}/naam", Who::Supervisor),
    ("POST", "/staff/kiosks/{id}/intrekken", Who::Supervisor),
    ("POST", "/staff/kiosks/{id}/link", Who::Supervisor),
    ("POST", "/staff/kiosks/{id}/verwijderen", Who::Supervisor),
    ("GET", "/staff/links", Who::Supervisor),
    ("GET", "/staff/links/{slug}/qr.svg", Who::Supervisor),
    ("GET", "/staff/openingstijden", Who::Supervisor),
    ("GET", "/staff/rapportage", Who::Supervisor),
    ("GET", "/staff/rapportage/cijfers.csv", Who::Supervisor),
    ("GET", "/staff/rapportage/contacten.csv", Who::Supervisor),
    ("POST", "/staff/openingstijden/{queue}", Who::Supervisor),
    ("GET", "/staff/overzicht", Who::Supervisor),
    ("GET", "/staff/overzicht/gesprek/{id}", Who::Supervisor),
    (
        "POST",
        "/staff/overzicht/wachtenden/{id}/verplaatsen",
        Who::Supervisor,
    ),
    ("POST", "/staff/overzicht/tv", Who::Supervisor),
    (
        "POST",
        "/staff/overzicht/tv/{id}/intrekken",
        Who::Supervisor,
    ),
    ("GET", "/tv/{token}", Who::Token),
    ("GET", "/tv/{token}/stand.json", Who::Token),
    ("GET", "/staff/privacy", Who::Privacy),
    ("GET", "/staff/privacy/inzage", Who::Privacy),
    ("GET", "/staff/privacy/inzage.json", Who::Privacy),
    ("GET", "/staff/privacy/wissen", Who::Privacy),
    ("POST", "/staff/privacy/wissen", Who::Privacy),
    ("POST", "/staff/privacy/bewaarplicht", Who::Privacy),
    (
        "POST",
        "/staff/privacy/bewaarplicht/{id}/opheffen",
        Who::Privacy,
    ),
    ("GET", "/staff/privacy/log", Who::Privacy),
    ("GET", "/staff/privacy/log.csv", Who::Privacy),
    ("GET", "/staff/privacy/bewaartermijnen", Who::Privacy),
    ("POST", "/staff/privacy/bewaartermijnen", Who::Privacy),
    ("GET", "/privacy", Who::Public),
    ("GET", "/staff/fragments/chat/{id}", Who::InConversation),
    ("GET", "/staff/fragments/offer/{id}", Who::OwnOnly),
    ("GET", "/staff/fragments/wrapup/{id}", Who::OwnOnly),
    ("GET", "/staff/fragments/waiting", Who::Staff),
    ("GET", "/static/{*path}", Who::Public),
    ("GET", "/ngt/{page}/{file}", Who::Configured),
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
    server.add_staff("privacy", Role::Privacy, &[], 1).await;
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
    let officer = server.browser();
    officer.login("privacy").await;
    let roles: [(&str, &Browser, bool); 7] = [
        ("anonymous", &anonymous, false),
        ("resident of another conversation", &other_resident, false),
        ("agent (not in this conversation)", &agent, true),
        ("interpreter", &interpreter, true),
        ("supervisor", &supervisor, true),
        ("admin", &admin, true),
        ("privacy officer", &officer, true),
    ];
    let queue = server.store().queues().await.unwrap()[0].id;
    // A chat topic (the accessibility-report topic has no short link).
    server
        .store()
        .add_topic("afval", "Afval", "Waste collection", false)
        .await
        .unwrap();
    let topic = "afval".to_string();
    let fake_token = "A".repeat(43);
    // A left message in the chat queue (the interpreter has no chat skill).
    let writer = server.browser();
    let csrf = writer.csrf("/bericht").await;
    let left = writer
        .post(
            "/bericht",
            &[("message", "Een bericht"), ("reach", "return")],
            &csrf,
        )
        .await;
    assert_eq!(left.status, 303, "{}", left.body);
    let item = server
        .store()
        .inbox_list(loket::store::Queues::All, 1)
        .await
        .unwrap()[0]
        .id;

    let mut failures = Vec::new();
    let ordered = ROUTES
        .iter()
        .filter(|r| r.2 != Who::Logout)
        .chain(ROUTES.iter().filter(|r| r.2 == Who::Logout));
    for (method, path, who) in ordered {
        // Fill the path: someone else's conversation and a token one does not hold.
        let id = if path.starts_with("/staff/berichten/") {
            item
        } else {
            conv
        };
        let concrete = path
            .replace("{token}", &fake_token)
            .replace("{id}", &id.to_string())
            .replace("{id}", &conv.to_string())
            .replace("{queue}", &queue.to_string())
            .replace("{slug}", &topic)
            .replace("{lang}", "en")
            .replace("{page}", "start")
            .replace("{file}", "video")
            .replace("{*path}", "css/loket.css");
        for (role, b, staff) in &roles {
            let expected = match who {
                Who::Public => Outcome::Allowed,
                Who::Configured => Outcome::NotFound,
                Who::Token | Who::TokenSocket => Outcome::NotFound,
                Who::Staff if *staff => Outcome::Allowed,
                Who::Staff
                | Who::InConversation
                | Who::OwnOnly
                | Who::Supervisor
                | Who::Inbox
                | Who::Privacy
                    if !*staff =>
                {
                    Outcome::Login
                }
                Who::OwnOnly => Outcome::NotFound,
                Who::InConversation => Outcome::Forbidden,
                Who::Supervisor if matches!(*role, "supervisor" | "admin") => Outcome::Allowed,
                Who::Supervisor => Outcome::Forbidden,
                Who::Privacy if matches!(*role, "privacy officer" | "admin") => Outcome::Allowed,
                Who::Privacy => Outcome::Forbidden,
                Who::Inbox if matches!(*role, "interpreter" | "privacy officer") => {
                    Outcome::NotFound
                }
                Who::Inbox => Outcome::Allowed,
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
    for path in [
        "/chat/{token}",
        "/chat/{token}/beeindigen",
        "/chat/{token}/transcript",
    ] {
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

/// What a frame on a socket may do, for one role.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FrameOutcome {
    /// Answered without an error (and, where there is one, with its answer).
    Ok,
    /// Refused with this error code.
    Refused(&'static str),
}

/// Staff roles on `/ws/staff` (anonymous cannot open it: see the route table).
const STAFF_ROLES: [&str; 5] = [
    "holder",
    "other agent",
    "interpreter",
    "supervisor",
    "admin",
];

/// Every staff frame type, addressed at a chat conversation held by "holder", and what it
/// does for the holder and for everyone else. (`typing` from others and `call_leave` are
/// ignored without an answer; the typing check below proves nothing reaches the resident.)
const STAFF_FRAMES: &[(&str, FrameOutcome, FrameOutcome)] = &[
    ("ping", FrameOutcome::Ok, FrameOutcome::Ok),
    ("presence", FrameOutcome::Ok, FrameOutcome::Ok),
    (
        "resume",
        FrameOutcome::Ok,
        FrameOutcome::Refused("not_allowed"),
    ),
    (
        "send",
        FrameOutcome::Ok,
        FrameOutcome::Refused("not_allowed"),
    ),
    ("typing", FrameOutcome::Ok, FrameOutcome::Ok),
    // Nobody can take or refuse a conversation that was not offered to them now.
    (
        "accept",
        FrameOutcome::Refused("offer_gone"),
        FrameOutcome::Refused("offer_gone"),
    ),
    (
        "decline",
        FrameOutcome::Refused("offer_gone"),
        FrameOutcome::Refused("offer_gone"),
    ),
    // A chat is not a call: the holder is told so, the others that it is not theirs.
    (
        "call_join",
        FrameOutcome::Refused("call_refused"),
        FrameOutcome::Refused("not_allowed"),
    ),
    (
        "call_answer",
        FrameOutcome::Refused("call_refused"),
        FrameOutcome::Refused("call_refused"),
    ),
    (
        "call_candidate",
        FrameOutcome::Refused("call_refused"),
        FrameOutcome::Refused("call_refused"),
    ),
    ("call_leave", FrameOutcome::Ok, FrameOutcome::Ok),
    // Checked last: the holder ending it closes the conversation.
    (
        "end",
        FrameOutcome::Ok,
        FrameOutcome::Refused("not_allowed"),
    ),
];

/// Every resident frame type on the resident's own socket. A resident's frames carry no
/// conversation id: the socket's token decides, so a resident of another conversation
/// has no way to address this one (their token is theirs; the route table shows a
/// wrong token is a 404).
const RESIDENT_FRAMES: &[(&str, FrameOutcome)] = &[
    ("ping", FrameOutcome::Ok),
    ("resume", FrameOutcome::Ok),
    ("send", FrameOutcome::Ok),
    ("typing", FrameOutcome::Ok),
    ("call_join", FrameOutcome::Refused("call_refused")),
    ("call_answer", FrameOutcome::Refused("call_refused")),
    ("call_candidate", FrameOutcome::Refused("call_refused")),
    ("call_leave", FrameOutcome::Ok),
    // Checked last: it ends the conversation.
    ("leave", FrameOutcome::Ok),
];

fn sample_frame(kind: &str, conversation: Option<i64>, n: usize) -> serde_json::Value {
    let mut f = match kind {
        "resume" => json!({"after": 0}),
        "send" => json!({"client_id": format!("acl{n}"), "body": "toegang"}),
        "typing" => json!({"active": true}),
        "presence" => json!({"presence": "away"}),
        "call_answer" => json!({"sdp": "v=0\r\n"}),
        "call_candidate" => json!({"candidate": ""}),
        _ => json!({}),
    };
    f["type"] = json!(kind);
    if let Some(c) = conversation {
        if kind != "ping" && kind != "presence" {
            f["conversation"] = json!(c);
        }
    }
    f
}

/// Sends a frame, then a ping; an error frame before the pong is the refusal.
async fn try_frame(ws: &mut Ws, frame: serde_json::Value) -> FrameOutcome {
    let is_ping = frame["type"] == "ping";
    ws.send(frame).await;
    if !is_ping {
        ws.send(json!({"type": "ping"})).await;
    }
    let mut outcome = FrameOutcome::Ok;
    loop {
        let f = ws.next().await;
        match f["type"].as_str() {
            Some("pong") => return outcome,
            Some("error") => {
                let code = f["code"].as_str().unwrap_or("?").to_string();
                outcome = FrameOutcome::Refused(Box::leak(code.into_boxed_str()));
            }
            _ => {}
        }
    }
}

#[test]
fn every_frame_type_has_a_row() {
    let staff: Vec<&str> = STAFF_FRAMES.iter().map(|r| r.0).collect();
    let resident: Vec<&str> = RESIDENT_FRAMES.iter().map(|r| r.0).collect();
    for t in loket::protocol::STAFF_TYPES {
        assert!(
            staff.contains(t),
            "staff frame type {t} has no row in STAFF_FRAMES"
        );
    }
    for t in loket::protocol::RESIDENT_TYPES {
        assert!(
            resident.contains(t),
            "resident frame type {t} has no row in RESIDENT_FRAMES"
        );
    }
}

#[tokio::test]
async fn every_frame_type_times_every_role() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    server.add_staff("bram", Role::Agent, &["chat"], 3).await;
    server
        .add_staff("tolk", Role::Interpreter, &["ngt"], 1)
        .await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    server.add_staff("beheer", Role::Admin, &[], 3).await;
    let (_anna_http, mut anna) = available_agent(&server, "anna").await;
    let token = server.browser().start_chat("A", "Mijn vraag").await;
    let offer = anna.expect("offer", |_| true).await;
    let conv = offer["conversation"].as_i64().unwrap();
    anna.send(json!({"type": "accept", "conversation": conv}))
        .await;
    anna.expect("assigned", |_| true).await;
    let mut resident = Ws::connect(&server.ws_url(&format!("/ws/chat/{token}")), None).await;

    let mut sockets = vec![anna];
    let mut browsers = Vec::new();
    for name in ["bram", "tolk", "sanne", "beheer"] {
        let b = server.browser();
        b.login(name).await;
        sockets.push(Ws::connect(&server.ws_url("/ws/staff"), Some(&b.cookie_header())).await);
        browsers.push(b);
    }

    let mut failures = Vec::new();
    let mut n = 0;
    for (kind, holder, others) in STAFF_FRAMES {
        // For `end`, the others go first: the holder's end closes the conversation.
        for (i, role) in STAFF_ROLES.iter().enumerate().rev() {
            let expected = if i == 0 { *holder } else { *others };
            n += 1;
            let got = try_frame(&mut sockets[i], sample_frame(kind, Some(conv), n)).await;
            if got != expected {
                failures.push(format!(
                    "/ws/staff {kind} as {role}: expected {expected:?}, got {got:?}"
                ));
            }
        }
        if *kind == "typing" {
            // Only the holder's typing reached the resident.
            let frames = resident.drain(300).await;
            let typing: Vec<_> = frames.iter().filter(|f| f["type"] == "typing").collect();
            if typing.len() != 1 || typing[0]["who"] != "anna name" {
                failures.push(format!("typing reached the resident from: {typing:?}"));
            }
        }
    }
    // Resident frames on the resident's own socket; staff-only types are unknown there,
    // and resident-only types are unknown on the staff socket.
    let mut res2 = {
        let token = server.browser().start_chat("B", "Tweede").await;
        Ws::connect(&server.ws_url(&format!("/ws/chat/{token}")), None).await
    };
    for (kind, expected) in RESIDENT_FRAMES {
        n += 1;
        let got = try_frame(&mut res2, sample_frame(kind, None, n)).await;
        if got != *expected {
            failures.push(format!(
                "/ws/chat {kind} as its resident: expected {expected:?}, got {got:?}"
            ));
        }
    }
    for kind in loket::protocol::STAFF_TYPES {
        if loket::protocol::RESIDENT_TYPES.contains(kind) {
            continue;
        }
        n += 1;
        let got = try_frame(&mut resident, sample_frame(kind, Some(conv), n)).await;
        if got != FrameOutcome::Refused("unknown_type") {
            failures.push(format!(
                "/ws/chat {kind} (a staff type) as a resident: got {got:?}"
            ));
        }
    }
    for kind in loket::protocol::RESIDENT_TYPES {
        if loket::protocol::STAFF_TYPES.contains(kind) {
            continue;
        }
        n += 1;
        let got = try_frame(&mut sockets[1], sample_frame(kind, None, n)).await;
        if got != FrameOutcome::Refused("unknown_type") {
            failures.push(format!(
                "/ws/staff {kind} (a resident type) as staff: got {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} frame access failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    server.stop().await;
}
