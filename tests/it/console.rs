//! The agent console as a working tool, without JavaScript: ending a chat and logging out
//! with chats open ask first (a page of its own), logging out hands the chats back to the
//! queue with a message that says so, and an agent can take a waiting resident from the
//! list (within capacity, in their own queues, only while the resident still waits).

use crate::common::*;
use loket::store::Role;

#[tokio::test]
async fn ending_a_chat_asks_first_without_javascript() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let (agent, mut ws) = available_agent(&server, "anna").await;
    let resident = server.browser();
    let token = resident.start_chat("Piet", "Waar is het loket?").await;
    let id = accept_next(&mut ws).await;
    let csrf = agent.csrf("/staff").await;
    // The first post asks: a page with the question and a confirmed form.
    let ask = agent
        .post(&format!("/staff/chats/{id}/end"), &[], &csrf)
        .await;
    assert_eq!(ask.status, 200);
    assert!(
        ask.body.contains("<h1>Gesprek beëindigen?</h1>"),
        "{}",
        ask.body
    );
    assert!(ask.body.contains(r#"name="bevestigd" value="ja""#));
    assert!(ask.body.contains("Piet"));
    let page = resident.get(&format!("/chat/{token}")).await;
    assert!(
        !page.body.contains("transcript.txt"),
        "not ended before the confirmation"
    );
    // Someone else's chat: no question, refused.
    server.add_staff("bram", Role::Agent, &["chat"], 3).await;
    let other = server.browser();
    other.login("bram").await;
    let ocsrf = other.csrf("/staff").await;
    let refused = other
        .post(&format!("/staff/chats/{id}/end"), &[], &ocsrf)
        .await;
    assert_eq!(refused.status, 403);
    // Confirmed: ended, the wrap-up form shows the conversation beside it.
    let done = agent
        .post(
            &format!("/staff/chats/{id}/end"),
            &[("bevestigd", "ja")],
            &csrf,
        )
        .await;
    assert_eq!(done.status, 303);
    let console = agent.get("/staff").await;
    let wrapup = extract(&console.body, &format!(r#"id="wrapup-{id}""#), "</section>")
        .expect("a wrap-up form");
    assert!(
        wrapup.contains("Waar is het loket?"),
        "transcript beside the form"
    );
    assert!(wrapup.contains(&format!("/staff/chats/{id}/wrapup")));
    server.stop().await;
}

#[tokio::test]
async fn logging_out_with_open_chats_asks_and_hands_them_back() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let (agent, mut ws) = available_agent(&server, "anna").await;
    let resident = server.browser();
    let token = resident.start_chat("Piet", "Hoe laat?").await;
    let id = accept_next(&mut ws).await;
    let csrf = agent.csrf("/staff").await;
    let ask = agent.post("/staff/logout", &[], &csrf).await;
    assert_eq!(ask.status, 200, "asks first");
    assert!(ask.body.contains("Uitloggen met open gesprekken?"));
    assert!(ask.body.contains("1 open gesprek."), "{}", ask.body);
    assert_eq!(agent.get("/staff").await.status, 200, "still logged in");
    let out = agent
        .post("/staff/logout", &[("bevestigd", "ja")], &csrf)
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location.as_deref(), Some("/staff/login"));
    let page = resident.get(&format!("/chat/{token}")).await;
    assert!(
        page.body
            .contains("De medewerker is gestopt en heeft uw gesprek teruggezet in de wachtrij."),
        "the resident is told the agent logged out"
    );
    assert!(
        !page
            .body
            .contains("De verbinding met de medewerker is verbroken")
    );
    let conv = server.store().conversation(id).await.unwrap().unwrap();
    assert_eq!(conv.status, loket::store::Status::Waiting);
    server.stop().await;
}

#[tokio::test]
async fn logging_out_without_chats_does_not_ask() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let agent = server.browser();
    agent.login("anna").await;
    let csrf = agent.csrf("/staff").await;
    let out = agent.post("/staff/logout", &[], &csrf).await;
    assert_eq!(out.status, 303);
    server.stop().await;
}

#[tokio::test]
async fn an_agent_takes_a_waiting_resident_from_the_list() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    server
        .add_staff("tolk", Role::Interpreter, &["ngt"], 1)
        .await;
    let agent = server.browser();
    agent.login("anna").await; // away: nothing is offered
    let r1 = server.browser();
    let t1 = r1.start_chat("Piet", "Eerste vraag").await;
    let r2 = server.browser();
    r2.start_chat("Klaas", "Tweede vraag").await;
    let console = agent.get("/staff").await;
    assert!(console.body.contains("Via: website"), "origin in the list");
    let id = extract(&console.body, "/staff/wachtenden/", "/nemen").expect("take button");
    let csrf = agent.csrf("/staff").await;
    // Not their queue: refused.
    let interpreter = server.browser();
    interpreter.login("tolk").await;
    let icsrf = interpreter.csrf("/staff").await;
    let p = interpreter
        .post(&format!("/staff/wachtenden/{id}/nemen"), &[], &icsrf)
        .await;
    assert_eq!(p.location.as_deref(), Some("/staff?melding=not-theirs"));
    // Theirs now.
    let p = agent
        .post(&format!("/staff/wachtenden/{id}/nemen"), &[], &csrf)
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some(format!("/staff?melding=taken#conv-{id}").as_str())
    );
    let page = r1.get(&format!("/chat/{t1}")).await;
    assert!(
        page.body.contains("neemt deel aan het gesprek"),
        "the resident sees the agent"
    );
    // Full (capacity 1): the list no longer offers to take, and a post is refused.
    let console = agent.get("/staff?melding=taken").await;
    assert!(
        console
            .body
            .contains("U heeft het gesprek uit de wachtrij genomen.")
    );
    assert!(
        !console.body.contains("/nemen\""),
        "no take button when full"
    );
    let other: i64 = id.parse::<i64>().unwrap() + 1;
    let p = agent
        .post(&format!("/staff/wachtenden/{other}/nemen"), &[], &csrf)
        .await;
    assert_eq!(p.location.as_deref(), Some("/staff?melding=full"));
    // Taken already: gone for anyone else.
    server.add_staff("bram", Role::Agent, &["chat"], 3).await;
    let bram = server.browser();
    bram.login("bram").await;
    let bcsrf = bram.csrf("/staff").await;
    let p = bram
        .post(&format!("/staff/wachtenden/{id}/nemen"), &[], &bcsrf)
        .await;
    assert_eq!(p.location.as_deref(), Some("/staff?melding=gone"));
    server.stop().await;
}

/// The queue table and the waiting list agree: a contact ringing at an agent counts as
/// "Aangeboden", one in line as "Wachtend", and the list shows exactly the waiting ones.
#[tokio::test]
async fn the_queue_counts_agree_with_the_waiting_list() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    let (agent, mut ws) = available_agent(&server, "anna").await;
    server.browser().start_chat("Eerste", "Eerste vraag").await;
    ws.expect("offer", |_| true).await;
    server.browser().start_chat("Tweede", "Tweede vraag").await;
    let chat = server
        .store()
        .queues()
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.slug == "chat")
        .unwrap();
    let console = agent.get("/staff").await;
    let row = extract(
        &console.body,
        &format!("<tr data-queue=\"{}\">", chat.id),
        "</tr>",
    )
    .unwrap();
    // Wachtend 1, Aangeboden 1.
    assert!(row.contains("</th><td>1</td><td>1</td>"), "{row}");
    assert!(
        console
            .body
            .contains("<th scope=\"col\">Wachtend</th><th scope=\"col\">Aangeboden</th>")
    );
    let list = agent.get("/staff/fragments/waiting").await;
    assert_eq!(
        list.body.matches("class=\"waiting-item\"").count(),
        1,
        "{}",
        list.body
    );
    assert!(list.body.contains("Tweede"));
    assert!(!list.body.contains("Eerste"));
}

/// Issue 13, item 6: the console shows a bounded window of a long chat, with a link to
/// the earlier messages (which then shows them all).
#[tokio::test]
async fn a_long_chat_shows_its_last_messages_with_a_link_to_the_earlier_ones() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let (agent, mut ws) = available_agent(&server, "anna").await;
    server.browser().start_chat("Piet", "Vraag 0").await;
    let id = accept_next(&mut ws).await;
    for i in 1..150 {
        let body = format!("Bericht {i}");
        server
            .store()
            .append_message(&loket::store::NewMessage {
                conversation_id: id,
                sender: loket::store::Sender::Resident,
                sender_name: "Piet",
                body: &body,
                client_id: None,
            })
            .await
            .unwrap();
    }
    let console = agent.get("/staff").await;
    let panel = extract(&console.body, &format!("id=\"conv-{id}\""), "</section>").unwrap();
    assert_eq!(panel.matches("<li class=\"msg").count(), 100, "{panel}");
    assert!(panel.contains("Bericht 149"));
    // 151 in all: the question, "Anna neemt deel", and 149 more.
    assert!(!panel.contains(">Bericht 49<"));
    assert!(panel.contains(">Bericht 50<"));
    assert!(panel.contains("Toon de 51 eerdere berichten"), "{panel}");
    let whole = agent.get(&format!("/staff?alles={id}")).await;
    let panel = extract(&whole.body, &format!("id=\"conv-{id}\""), "</section>").unwrap();
    assert_eq!(panel.matches("<li class=\"msg").count(), 151);
    assert!(!panel.contains("eerdere berichten"));
}
