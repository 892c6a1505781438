//! The live wallboard end to end (issue 16): residents and an agent go through the real
//! server, then a supervisor reads `/staff/overzicht` and its board connection
//! (`/ws/staff?overzicht=1`). Today's figures come from the event log, so a restart
//! changes nothing; a wall screen's token shows the board without names and opens
//! nothing else; a supervisor moves a waiting contact (the log says `reassigned`, the
//! resident is told) and reads a conversation (the access log says so); agents' busy
//! and wrap-up states are logged.

use crate::common::*;
use loket::store::{Channel, Role};
use serde_json::{Value, json};
use std::time::Duration;

/// Short abandons are counted as abandons here (a test cannot wait 5 s per resident).
fn tune(c: &mut loket::config::Config) {
    c.reports.short_abandon_secs = 0;
}

/// The cell `field` of a queue's row on the board page.
fn cell(page: &str, queue: i64, field: &str) -> String {
    let row = extract(page, &format!("<tr data-queue=\"{queue}\">"), "</tr>")
        .unwrap_or_else(|| panic!("no row for queue {queue}"));
    let after = extract(&row, &format!("data-field=\"{field}\""), "</td>")
        .unwrap_or_else(|| panic!("no {field} in {row}"));
    after
        .rsplit('>')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The next `board` frame on a board connection.
async fn board(ws: &mut Ws) -> Value {
    ws.expect("board", |_| true).await["board"].clone()
}

fn queue_of(board: &Value, id: i64) -> Value {
    board["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no queue {id} in {board}"))
}

async fn chat_queue(server: &Server) -> i64 {
    server
        .store()
        .queues()
        .await
        .unwrap()
        .iter()
        .find(|q| q.slug == "chat")
        .unwrap()
        .id
}

async fn conversation_id(server: &Server, token: &str) -> i64 {
    server
        .store()
        .conversation_by_token(token)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn the_board_counts_today_from_the_event_log_and_a_restart_changes_nothing() {
    let server = Server::start_with(tune).await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    server.add_staff("sam", Role::Supervisor, &[], 1).await;
    let chat = chat_queue(&server).await;
    let sam = server.browser();
    sam.login("sam").await;
    let mut live = Ws::connect(
        &server.ws_url("/ws/staff?overzicht=1"),
        Some(&sam.cookie_header()),
    )
    .await;
    let first = board(&mut live).await;
    assert_eq!(queue_of(&first, chat)["waiting"], 0);
    assert_eq!(queue_of(&first, chat)["answered"], 0);

    // Answered.
    let (anna_http, mut anna) = available_agent(&server, "anna").await;
    let r1 = server.browser();
    r1.start_chat("Jan Geheim", "Waar is mijn paspoort?").await;
    accept_next(&mut anna).await;
    // Abandoned: the agent is full, the resident leaves.
    let r2 = server.browser();
    let t2 = r2.start_chat("Piet", "Tweede vraag").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let csrf = r2.csrf(&format!("/chat/{t2}")).await;
    assert_eq!(
        r2.post(&format!("/chat/{t2}/end"), &[], &csrf).await.status,
        303
    );
    // Waiting.
    let r3 = server.browser();
    let t3 = r3.start_chat("Kees", "Derde vraag").await;
    let waiting_id = conversation_id(&server, &t3).await;

    // The board connection hears it within a second or two (coalesced pushes).
    let mut seen = Value::Null;
    for _ in 0..10 {
        seen = board(&mut live).await;
        let q = queue_of(&seen, chat);
        if q["waiting"] == 1 && q["answered"] == 1 && q["abandoned"] == 1 {
            break;
        }
    }
    let q = queue_of(&seen, chat);
    assert_eq!(
        (
            q["waiting"].as_u64(),
            q["answered"].as_u64(),
            q["abandoned"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{seen}"
    );
    assert!(
        seen["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == waiting_id),
        "{seen}"
    );
    let anna_row = seen["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "anna name")
        .cloned()
        .unwrap();
    assert_eq!(anna_row["state"], "busy", "{seen}");
    // Names of residents never travel to the board.
    assert!(!seen.to_string().contains("Jan Geheim"));
    // One frame a second at most.
    let frames = live.drain(3_000).await;
    assert!(frames.len() <= 4, "{} frames in 3 s", frames.len());

    // The page, server-rendered, says the same.
    let page = sam.get("/staff/overzicht").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(cell(&page.body, chat, "waiting"), "1");
    assert_eq!(cell(&page.body, chat, "answered"), "1");
    assert_eq!(cell(&page.body, chat, "abandoned"), "1");
    assert!(page.body.contains("norm 70 %"), "the service norm is shown");
    assert!(page.body.contains(&format!("C-{waiting_id}")));
    // Agents cannot open it, nor its board connection.
    assert_eq!(anna_http.get("/staff/overzicht").await.status, 403);
    let refused = anna_http
        .client
        .get(format!("{}/ws/staff?overzicht=1", anna_http.base))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    live.close().await;
    anna.close().await;

    // A restart: today's figures come back from the log.
    let dir = server.stop().await;
    let server = Server::start_in(dir, tune).await;
    let sam = server.browser();
    sam.login("sam").await;
    let page = sam.get("/staff/overzicht").await;
    assert_eq!(cell(&page.body, chat, "answered"), "1");
    assert_eq!(cell(&page.body, chat, "abandoned"), "1");
    // The answered chat lost its agent in the restart and waits again, in front.
    assert_eq!(cell(&page.body, chat, "waiting"), "2");
}

#[tokio::test]
async fn a_wall_screen_token_sees_the_board_and_nothing_else() {
    let server = Server::start_with(tune).await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    server.add_staff("sam", Role::Supervisor, &[], 1).await;
    let resident = server.browser();
    let token = resident
        .start_chat("Geheime Naam", "Geheime vraagtekst")
        .await;
    let conv = conversation_id(&server, &token).await;
    let sam = server.browser();
    sam.login("sam").await;
    let csrf = sam.csrf("/staff/overzicht").await;
    // A label is required.
    let bad = sam
        .post("/staff/overzicht/tv", &[("label", " ")], &csrf)
        .await;
    assert_eq!(bad.status, 400);
    let made = sam
        .post("/staff/overzicht/tv", &[("label", "Muur KCC")], &csrf)
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let page = sam.get("/staff/overzicht").await;
    let link =
        extract(&page.body, "<p><a href=\"", "\" class=\"tv-link").expect("the new link is shown");
    let path = link[link.find("/tv/").unwrap()..].to_string();
    let tv_token = path.trim_start_matches("/tv/").to_string();
    // Shown once only.
    let again = sam.get("/staff/overzicht").await;
    assert!(!again.body.contains(&path));
    assert!(again.body.contains("Muur KCC"));

    let screen = server.browser();
    let tv = screen.get(&path).await;
    assert_eq!(tv.status, 200, "{}", tv.body);
    assert!(tv.body.contains("Chat met een medewerker"));
    assert!(!tv.body.contains("Geheime Naam"));
    assert!(!tv.body.contains("Geheime vraagtekst"));
    assert!(!tv.body.contains("anna name"), "no staff names on the wall");
    assert!(!tv.body.contains("method=\"post\""), "no controls");
    let json = screen.get(&format!("{path}/stand.json")).await;
    assert_eq!(json.status, 200);
    let frame: Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(frame["type"], "board");
    assert_eq!(frame["board"]["agents"], json!([]));
    assert_eq!(frame["board"]["contacts"], json!([]));
    let chat = chat_queue(&server).await;
    assert_eq!(queue_of(&frame["board"], chat)["waiting"], 1);
    assert!(!json.body.contains("Geheime"));

    // The token opens nothing else: not as a staff login, not as another capability.
    for other in [
        "/staff/overzicht".to_string(),
        format!("/staff/overzicht/gesprek/{conv}"),
        "/staff".to_string(),
        "/staff/rapportage".to_string(),
    ] {
        let p = screen.get(&other).await;
        assert!(
            p.location
                .as_deref()
                .is_some_and(|l| l.starts_with("/staff/login")),
            "{other}: {}",
            p.status
        );
    }
    for other in [
        format!("/chat/{tv_token}"),
        format!("/bericht/{tv_token}"),
        format!("/kiosk/aanmelden/{tv_token}"),
        format!("/chat/{tv_token}/transcript"),
    ] {
        assert_eq!(screen.get(&other).await.status, 404, "{other}");
    }
    let socket = screen
        .client
        .get(format!("{}/ws/chat/{tv_token}", screen.base))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(socket.status().as_u16(), 404);
    // A made-up token opens nothing.
    assert_eq!(
        screen.get(&format!("/tv/{}", "B".repeat(43))).await.status,
        404
    );

    // Revoked: the screen stops at once.
    let id = extract(&again.body, "action=\"/staff/overzicht/tv/", "/intrekken\"").unwrap();
    let csrf = sam.csrf("/staff/overzicht").await;
    let revoked = sam
        .post(&format!("/staff/overzicht/tv/{id}/intrekken"), &[], &csrf)
        .await;
    assert_eq!(revoked.status, 303);
    assert_eq!(screen.get(&path).await.status, 404);
    assert_eq!(screen.get(&format!("{path}/stand.json")).await.status, 404);
}

#[tokio::test]
async fn a_supervisor_moves_a_waiting_contact_and_reads_a_conversation() {
    // A second chat queue (queues are read at start).
    let server = Server::start_with(tune).await;
    let tax = server
        .store()
        .add_queue("belastingen", "Belastingen", "Taxes", Channel::Chat, false)
        .await
        .unwrap();
    let dir = server.stop().await;
    let server = Server::start_in(dir, tune).await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    server.add_staff("sam", Role::Supervisor, &[], 1).await;
    let chat = chat_queue(&server).await;
    let video = server
        .store()
        .queues()
        .await
        .unwrap()
        .iter()
        .find(|q| q.slug == "video")
        .unwrap()
        .id;
    let sam_id = server
        .store()
        .user_by_name("sam")
        .await
        .unwrap()
        .unwrap()
        .id;

    let resident = server.browser();
    let token = resident.start_chat("Marie", "Vraag over de aanslag").await;
    let conv = conversation_id(&server, &token).await;
    let mut resident_ws = Ws::connect(&server.ws_url(&format!("/ws/chat/{token}")), None).await;

    let sam = server.browser();
    sam.login("sam").await;
    let page = sam.get("/staff/overzicht").await;
    assert!(page.body.contains(&format!(
        "action=\"/staff/overzicht/wachtenden/{conv}/verplaatsen\""
    )));
    let csrf = extract(&page.body, "name=\"csrf\" value=\"", "\"").unwrap();
    let path = format!("/staff/overzicht/wachtenden/{conv}/verplaatsen");
    // Not to a queue of another channel.
    let wrong = sam
        .post(&path, &[("queue", &video.to_string())], &csrf)
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("Kies een andere wachtrij"));
    // Agents may not move anyone.
    let (anna_http, mut anna) = available_agent(&server, "anna").await;
    // Anna serves only "chat": while the resident waits there, she is offered it; so
    // she goes away first.
    let offer = anna.expect("offer", |_| true).await;
    anna.send(json!({"type": "decline", "conversation": offer["conversation"]}))
        .await;
    anna.send(json!({"type": "presence", "presence": "away"}))
        .await;
    anna.expect("presence", |f| f["presence"] == "away").await;
    let anna_csrf = anna_http.csrf("/staff").await;
    assert_eq!(
        anna_http
            .post(&path, &[("queue", &tax.to_string())], &anna_csrf)
            .await
            .status,
        403
    );

    let moved = sam.post(&path, &[("queue", &tax.to_string())], &csrf).await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    assert_eq!(
        moved.location.as_deref(),
        Some("/staff/overzicht?gedaan=verplaatst#wachtenden")
    );
    let c = server.store().conversation(conv).await.unwrap().unwrap();
    assert_eq!(c.queue_id, tax);
    let events = server.store().conversation_events(conv).await.unwrap();
    assert!(
        events
            .iter()
            .any(|(k, q, s)| k == "reassigned" && *q == tax && *s == Some(sam_id)),
        "{events:?}"
    );
    // The resident hears it, with their place in the new queue.
    let status = resident_ws
        .expect("status", |f| f["status"] == "waiting" && f["position"] == 1)
        .await;
    assert!(status["text"].as_str().is_some());
    resident_ws
        .expect("message", |f| {
            f["body"]
                .as_str()
                .is_some_and(|b| b.contains("andere wachtrij"))
        })
        .await;
    let view = resident.get(&format!("/chat/{token}")).await;
    assert!(
        view.body
            .contains("Een teamleider heeft uw vraag naar een andere wachtrij gezet")
    );
    // The board shows it in the new queue.
    let page = sam.get("/staff/overzicht").await;
    assert_eq!(cell(&page.body, tax, "waiting"), "1");
    assert_eq!(cell(&page.body, chat, "waiting"), "0");

    // Read-only view: the transcript, no reply box, and the access log says who looked.
    let read = sam.get(&format!("/staff/overzicht/gesprek/{conv}")).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert!(read.body.contains("Vraag over de aanslag"));
    assert!(!read.body.contains("<textarea"));
    assert!(!read.body.contains("method=\"post\" action=\"/staff/chats"));
    let log = server
        .store()
        .access_log(&loket::store::AccessFilter {
            conversation_id: Some(conv),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|e| e.user_id == Some(sam_id) && e.action == "view"),
        "{log:?}"
    );
    assert_eq!(
        anna_http
            .get(&format!("/staff/overzicht/gesprek/{conv}"))
            .await
            .status,
        403
    );

    // Once answered it no longer waits: moving it is refused in words.
    server
        .add_staff("bert", Role::Agent, &["belastingen"], 1)
        .await;
    let (_bert_http, mut bert) = available_agent(&server, "bert").await;
    accept_next(&mut bert).await;
    let gone = sam
        .post(&path, &[("queue", &chat.to_string())], &csrf)
        .await;
    assert_eq!(
        gone.location.as_deref(),
        Some("/staff/overzicht?gedaan=weg#wachtenden")
    );
}

#[tokio::test]
async fn busy_and_wrap_up_are_logged_as_staff_states() {
    let server = Server::start_with(tune).await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    let anna_id = server
        .store()
        .user_by_name("anna")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (anna_http, mut anna) = available_agent(&server, "anna").await;
    let resident = server.browser();
    resident.start_chat("Jan", "Een vraag").await;
    let id = accept_next(&mut anna).await;
    anna.send(json!({"type": "end", "conversation": id})).await;
    anna.expect("released", |f| f["conversation"] == id).await;
    let csrf = anna_http.csrf("/staff").await;
    let done = anna_http
        .post(
            &format!("/staff/chats/{id}/wrapup"),
            &[("topic", "other"), ("note", ""), ("resolved", "ja")],
            &csrf,
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let states = server.store().staff_states_of(anna_id).await.unwrap();
    let tail: Vec<&str> = states.iter().map(String::as_str).collect();
    let start = tail.iter().position(|s| *s == "available").unwrap();
    assert_eq!(
        &tail[start..],
        &["available", "busy", "wrap_up", "available"],
        "{states:?}"
    );
}
