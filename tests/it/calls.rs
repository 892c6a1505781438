//! Video calls end to end, without a browser: the resident's video start page, routing to
//! an interpreter, the interpreter asking for an agent (three-way), the agent leaving
//! while the interpreter stays, an agent asking an interpreter into a text chat, and the
//! signalling frames' refusals. Real server, real SQLite, real WebSockets; the SFU answers
//! real SDP in the browser suite (tests/browser/call.test.js).

use crate::common::*;
use loket::store::{Role, Status};
use serde_json::json;

/// Starts a video call as a resident; returns the token.
async fn start_video(b: &Browser, kind: &str, name: &str) -> String {
    let csrf = b.csrf(&format!("/video/start?met={kind}")).await;
    let p = b
        .post(
            "/video/start",
            &[
                ("met", kind),
                ("name", name),
                ("topic", ""),
                ("question", ""),
            ],
            &csrf,
        )
        .await;
    assert_eq!(p.status, 303, "video start failed: {}", p.body);
    p.location.unwrap().trim_start_matches("/chat/").to_string()
}

#[tokio::test]
async fn interpreter_call_becomes_three_way_and_survives_an_agent_change() {
    let server = Server::start().await;
    server
        .add_staff("tolk", Role::Interpreter, &["ngt"], 1)
        .await;
    server
        .add_staff("anna", Role::Agent, &["chat", "video"], 3)
        .await;
    server
        .add_staff("bram", Role::Agent, &["chat", "video"], 3)
        .await;
    let (tolk_http, mut tolk) = available_agent(&server, "tolk").await;
    let (anna_http, mut anna) = available_agent(&server, "anna").await;

    // The home page offers both kinds of video call, with a wait sentence each.
    let resident = server.browser();
    let home = resident.get("/").await;
    assert!(home.body.contains("/video/start?met=tolk"));
    assert!(home.body.contains("/video/start?met=medewerker"));
    let start = resident.get("/video/start?met=tolk").await;
    assert_eq!(start.status, 200);
    assert!(start.body.contains("id=\"device-check\""));

    let token = start_video(&resident, "tolk", "Sanne").await;
    let page = resident.get(&format!("/chat/{token}")).await;
    assert!(page.body.contains("id=\"call\""), "call area on the page");
    let mut res = Ws::connect(&server.ws_url(&format!("/ws/chat/{token}")), None).await;
    res.send(json!({"type": "resume", "after": 0})).await;
    res.expect("status", |f| f["status"] == "waiting").await;
    // No call before someone answers: a typed refusal, the socket stays.
    res.send(json!({"type": "call_join"})).await;
    let refused = res.expect("error", |_| true).await;
    assert_eq!(refused["code"], "call_refused");

    // Only the interpreter is offered the sign-language call (the agent has no NGT skill).
    let offer = tolk.expect("offer", |_| true).await;
    assert_eq!(offer["call"], true);
    let conv = offer["conversation"].as_i64().unwrap();
    assert!(anna.drain(300).await.iter().all(|f| f["type"] != "offer"));
    tolk.send(json!({"type": "accept", "conversation": conv}))
        .await;
    let assigned = tolk.expect("assigned", |f| f["conversation"] == conv).await;
    assert_eq!(assigned["call"], true);
    res.expect("status", |f| f["status"] == "active").await;
    let roster = res.expect("participants", |_| true).await;
    let ids: Vec<_> = roster["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["resident", "interpreter"]);

    // The interpreter's call page, and the request for an agent from the call.
    let call_page = tolk_http.get(&format!("/staff/gesprek/{conv}")).await;
    assert_eq!(call_page.status, 200, "{}", call_page.body);
    assert!(call_page.body.contains("aanvragen"));
    let video_queue = server
        .store()
        .queues()
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.slug == "video")
        .unwrap()
        .id;
    // An interpreter may not ask for another interpreter (only agents' queues).
    let ngt_queue = server
        .store()
        .queues()
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.slug == "ngt")
        .unwrap()
        .id;
    let csrf = tolk_http.csrf(&format!("/staff/gesprek/{conv}")).await;
    let wrong = tolk_http
        .post(
            &format!("/staff/gesprek/{conv}/aanvragen"),
            &[("queue", &ngt_queue.to_string()), ("topic", "")],
            &csrf,
        )
        .await;
    assert_eq!(wrong.status, 400);
    let asked = tolk_http
        .post(
            &format!("/staff/gesprek/{conv}/aanvragen"),
            &[("queue", &video_queue.to_string()), ("topic", "")],
            &csrf,
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    res.expect("message", |f| {
        f["sender"] == "system" && f["body"].as_str().unwrap().contains("medewerker")
    })
    .await;
    // Asking twice while the first request waits is refused with a clear notice.
    let again = tolk_http
        .post(
            &format!("/staff/gesprek/{conv}/aanvragen"),
            &[("queue", &video_queue.to_string()), ("topic", "")],
            &csrf,
        )
        .await;
    assert!(again.location.unwrap().contains("al-gevraagd"));

    // The agent is offered the request (a negative id), accepts, and joins as third.
    let join = anna.expect("offer", |f| f["join_by"].is_string()).await;
    let request = join["conversation"].as_i64().unwrap();
    assert!(request < 0, "requests have negative ids: {request}");
    assert_eq!(join["call"], true);
    anna.send(json!({"type": "accept", "conversation": request}))
        .await;
    let assigned = anna.expect("assigned", |f| f["conversation"] == conv).await;
    assert_eq!(assigned["call"], true);
    let roster = res
        .expect("participants", |f| {
            f["participants"].as_array().unwrap().len() == 3
        })
        .await;
    let roles: Vec<_> = roster["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(roles, ["resident", "interpreter", "agent"]);
    // All three share the text of the conversation.
    anna.send(json!({"type": "resume", "conversation": conv, "after": 0}))
        .await;
    anna.send(
        json!({"type": "send", "conversation": conv, "client_id": "a1", "body": "Goedemiddag"}),
    )
    .await;
    anna.expect("ack", |_| true).await;
    res.expect("message", |f| f["body"] == "Goedemiddag").await;
    tolk.expect("message", |f| f["body"] == "Goedemiddag").await;
    let anna_page = anna_http.get(&format!("/staff/gesprek/{conv}")).await;
    assert_eq!(anna_page.status, 200);
    assert!(anna_page.body.contains("verlaten"), "a guest can leave");

    // Transfer: Anna leaves; the interpreter and the resident stay in the call.
    let csrf = anna_http.csrf(&format!("/staff/gesprek/{conv}")).await;
    let left = anna_http
        .post(&format!("/staff/gesprek/{conv}/verlaten"), &[], &csrf)
        .await;
    assert_eq!(left.status, 303);
    anna.expect("released", |f| f["reason"] == "left_call")
        .await;
    let roster = res
        .expect("participants", |f| {
            f["participants"].as_array().unwrap().len() == 2
        })
        .await;
    assert_eq!(roster["participants"][1]["role"], "interpreter");
    let stored = server.store().conversation(conv).await.unwrap().unwrap();
    assert_eq!(stored.status, Status::Active);
    // A staff member no longer in the call cannot send into it.
    anna.send(json!({"type": "send", "conversation": conv, "client_id": "a2", "body": "x"}))
        .await;
    assert_eq!(anna.expect("error", |_| true).await["code"], "not_allowed");

    // Another agent takes over (Anna has gone on a break).
    anna.send(json!({"type": "presence", "presence": "away"}))
        .await;
    anna.expect("presence", |f| f["presence"] == "away").await;
    let (_bram_http, mut bram) = available_agent(&server, "bram").await;
    let csrf = tolk_http.csrf(&format!("/staff/gesprek/{conv}")).await;
    tolk_http
        .post(
            &format!("/staff/gesprek/{conv}/aanvragen"),
            &[("queue", &video_queue.to_string()), ("topic", "")],
            &csrf,
        )
        .await;
    let join = bram.expect("offer", |f| f["join_by"].is_string()).await;
    let request = join["conversation"].as_i64().unwrap();
    bram.send(json!({"type": "accept", "conversation": request}))
        .await;
    bram.expect("assigned", |f| f["conversation"] == conv).await;

    // The interpreter hangs up: the conversation ends for all; Bram is released too.
    tolk.send(json!({"type": "end", "conversation": conv}))
        .await;
    res.expect("status", |f| f["status"] == "ended").await;
    bram.expect("released", |f| f["conversation"] == conv).await;
    let requests = server.store().open_call_requests(conv).await.unwrap();
    assert!(requests.is_empty(), "no request stays open: {requests:?}");
    let gone = anna_http.get(&format!("/staff/gesprek/{conv}")).await;
    assert_eq!(gone.status, 403, "a former guest sees nothing of it");
}

#[tokio::test]
async fn an_agent_turns_a_text_chat_into_a_call_with_an_interpreter() {
    let server = Server::start().await;
    server
        .add_staff("anna", Role::Agent, &["chat", "video"], 3)
        .await;
    server
        .add_staff("tolk", Role::Interpreter, &["ngt"], 1)
        .await;
    let (anna_http, mut anna) = available_agent(&server, "anna").await;
    let (_tolk_http, mut tolk) = available_agent(&server, "tolk").await;

    let resident = server.browser();
    let token = resident
        .start_chat("Piet", "Ik ben doof, kan er een tolk bij?")
        .await;
    let mut res = Ws::connect(&server.ws_url(&format!("/ws/chat/{token}")), None).await;
    res.send(json!({"type": "resume", "after": 0})).await;
    let offer = anna.expect("offer", |_| true).await;
    assert_eq!(offer["call"], false);
    let conv = offer["conversation"].as_i64().unwrap();
    anna.send(json!({"type": "accept", "conversation": conv}))
        .await;
    anna.expect("assigned", |f| f["conversation"] == conv).await;
    res.expect("status", |f| f["status"] == "active").await;

    // The console's chat panel offers to ask for an interpreter.
    let console = anna_http.get("/staff").await;
    assert!(
        console
            .body
            .contains(&format!("/staff/gesprek/{conv}/aanvragen"))
    );
    let ngt = server
        .store()
        .queues()
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.slug == "ngt")
        .unwrap()
        .id;
    let csrf = anna_http.csrf("/staff").await;
    let asked = anna_http
        .post(
            &format!("/staff/gesprek/{conv}/aanvragen"),
            &[("queue", &ngt.to_string())],
            &csrf,
        )
        .await;
    assert_eq!(asked.status, 303);
    assert!(
        asked
            .location
            .unwrap()
            .starts_with(&format!("/staff/gesprek/{conv}"))
    );
    // The chat is now a call: the resident is told and their page shows the call area.
    res.expect("participants", |_| true).await;
    let page = resident.get(&format!("/chat/{token}")).await;
    assert!(page.body.contains("id=\"call\""));

    let join = tolk.expect("offer", |f| f["join_by"].is_string()).await;
    let request = join["conversation"].as_i64().unwrap();
    tolk.send(json!({"type": "accept", "conversation": request}))
        .await;
    tolk.expect("assigned", |f| f["conversation"] == conv).await;
    let roster = res
        .expect("participants", |f| {
            f["participants"].as_array().unwrap().len() == 3
        })
        .await;
    assert_eq!(roster["participants"][2]["role"], "interpreter");
    let stored = server.store().conversation(conv).await.unwrap().unwrap();
    assert!(stored.is_call);

    // The interpreter writes in the call's chat: everyone reads it as the interpreter's,
    // live and on every page, not as an employee's.
    tolk.send(json!({"type": "send", "conversation": conv, "client_id": "t1", "body": "Ik tolk"}))
        .await;
    let live = res.expect("message", |f| f["body"] == "Ik tolk").await;
    assert_eq!(live["sender"], "interpreter");
    assert_eq!(live["sender_name"], "tolk name (gebarentolk)");
    let seen_by_anna = anna.expect("message", |f| f["body"] == "Ik tolk").await;
    assert_eq!(seen_by_anna["sender_name"], "tolk name (gebarentolk)");
    let call_page = anna_http.get(&format!("/staff/gesprek/{conv}")).await;
    assert!(
        call_page.body.contains("tolk name (gebarentolk)"),
        "{}",
        call_page.body
    );
    assert!(!call_page.body.contains("tolk name (medewerker)"));
    let transcript = resident.get(&format!("/chat/{token}/transcript.txt")).await;
    assert!(
        transcript.body.contains("tolk name (gebarentolk)"),
        "{}",
        transcript.body
    );
}

#[tokio::test]
async fn call_signalling_is_validated_before_webrtc() {
    let server = Server::start().await;
    server
        .add_staff("anna", Role::Agent, &["chat", "video"], 3)
        .await;
    let (_anna_http, mut anna) = available_agent(&server, "anna").await;
    let resident = server.browser();
    let token = start_video(&resident, "medewerker", "").await;
    let mut res = Ws::connect(&server.ws_url(&format!("/ws/chat/{token}")), None).await;
    res.send(json!({"type": "resume", "after": 0})).await;
    let offer = anna.expect("offer", |_| true).await;
    let conv = offer["conversation"].as_i64().unwrap();
    anna.send(json!({"type": "accept", "conversation": conv}))
        .await;
    res.expect("status", |f| f["status"] == "active").await;

    // An answer before joining is refused.
    res.send(json!({"type": "call_answer", "sdp": "v=0\r\n"}))
        .await;
    assert_eq!(res.expect("error", |_| true).await["code"], "call_refused");
    // Joining yields the server's offer.
    res.send(json!({"type": "call_join"})).await;
    let offer = res.expect("call_offer", |_| true).await;
    assert!(offer["sdp"].as_str().unwrap().starts_with("v=0"));
    // Garbage SDP, oversized or malformed candidates: typed refusals, never a crash.
    for bad in [
        json!({"type": "call_answer", "sdp": "hello"}),
        json!({"type": "call_answer", "sdp": "v=0\r\n\u{0}\u{1}"}),
        json!({"type": "call_candidate", "candidate": "not a candidate"}),
        json!({"type": "call_candidate", "candidate": format!("candidate:{}", "1".repeat(2000))}),
        json!({"type": "call_candidate", "candidate": 7}),
    ] {
        res.send(bad.clone()).await;
        let e = res.expect("error", |_| true).await;
        assert!(
            e["code"] == "call_refused" || e["code"] == "invalid_frame",
            "{bad}: {e}"
        );
    }
    // A staff member outside the call cannot join it.
    server.add_staff("bram", Role::Agent, &["video"], 3).await;
    let (_b, mut bram) = available_agent(&server, "bram").await;
    bram.send(json!({"type": "call_join", "conversation": conv}))
        .await;
    assert_eq!(bram.expect("error", |_| true).await["code"], "not_allowed");
    // The connection still works.
    res.send(json!({"type": "ping"})).await;
    res.expect("pong", |_| true).await;
}
