//! Issue 12, "stranded in an unstaffed queue": a topic with a chat queue of its own
//! ("belastingen") is judged by that queue, on the start page and again when the form is
//! sent; staff see the waiting contacts of every queue, and a queue nobody available serves
//! is flagged.

use crate::common::*;
use loket::store::{Channel, Role};
use serde_json::json;

/// A server with a "belastingen" chat queue and topic (restarted so the hub knows the
/// queue), with the given front-door rule.
async fn with_tax_queue(queue_without_staff: bool) -> Server {
    let server =
        Server::start_with(|c| c.front_door.queue_without_staff = queue_without_staff).await;
    server
        .store()
        .add_queue(
            "belastingen",
            "Chat over belastingen",
            "Chat about local taxes",
            Channel::Chat,
            false,
        )
        .await
        .unwrap();
    server
        .store()
        .add_topic("belastingen", "Belastingen", "Local taxes", false)
        .await
        .unwrap();
    let dir = server.stop().await;
    Server::start_in(dir, |c| {
        c.front_door.queue_without_staff = queue_without_staff
    })
    .await
}

#[tokio::test]
async fn the_topic_queue_is_judged_on_the_page_and_when_sent() {
    let server = with_tax_queue(false).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let (_anna, _ws) = available_agent(&server, "anna").await;

    let resident = server.browser();
    // The start page for the topic says nobody is there for it (the form stays).
    let page = resident.get("/chat/start?onderwerp=belastingen").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Kies een ander onderwerp"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("geen medewerker beschikbaar voor de chat")
    );

    // Sent anyway: not queued where nobody can answer; the question is kept.
    let csrf = resident.csrf("/chat/start").await;
    let sent = resident
        .post(
            "/chat/start",
            &[
                ("name", "Piet"),
                ("topic", "belastingen"),
                ("question", "Hoe vraag ik kwijtschelding aan?"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 400, "{}", sent.body);
    assert!(sent.body.contains("Kies een ander onderwerp"));
    assert!(sent.body.contains("Hoe vraag ik kwijtschelding aan?"));
    assert!(sent.location.is_none());

    // Without the topic it goes to the general chat queue, which Anna serves.
    let token = resident.start_chat("Piet", "Een andere vraag").await;
    assert!(!token.is_empty());

    // Someone with the skill comes online: now the topic can be started.
    server
        .add_staff("chris", Role::Agent, &["chat", "belastingen"], 3)
        .await;
    let (_chris, _ws2) = available_agent(&server, "chris").await;
    let other = server.browser();
    let csrf = other.csrf("/chat/start").await;
    let sent = other
        .post(
            "/chat/start",
            &[
                ("name", "Piet"),
                ("topic", "belastingen"),
                ("question", "Hoe vraag ik kwijtschelding aan?"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    server.stop().await;
}

#[tokio::test]
async fn staff_see_every_waiting_contact_and_unstaffed_queues_are_flagged() {
    // Queueing without staff allowed: a contact can wait in the unstaffed tax queue.
    let server = with_tax_queue(true).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let resident = server.browser();
    let csrf = resident.csrf("/chat/start").await;
    let sent = resident
        .post(
            "/chat/start",
            &[
                ("name", "Fatima"),
                ("topic", "belastingen"),
                ("question", "Klopt mijn aanslag?"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);

    let (anna, _ws) = available_agent(&server, "anna").await;
    let list = anna.get("/staff/fragments/waiting").await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains("Fatima"),
        "Anna sees the contact waiting in a queue she does not serve: {}",
        list.body
    );
    assert!(
        list.body.contains("niemand beschikbaar voor deze wachtrij"),
        "the unstaffed queue is flagged: {}",
        list.body
    );
    server.stop().await;
}

#[tokio::test]
async fn waiting_residents_hear_honestly_when_the_last_agent_leaves() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    let (_anna, mut anna_ws) = available_agent(&server, "anna").await;
    // Anna is busy with one chat; a second resident waits behind it.
    let first = server.browser();
    first.start_chat("Eerste", "Eerste vraag").await;
    accept_next(&mut anna_ws).await;
    let second = server.browser();
    let token = second.start_chat("Tweede", "Tweede vraag").await;
    let mut res = Ws::connect(&server.ws_url(&format!("/ws/chat/{token}")), None).await;
    res.send(json!({"type": "resume", "after": 0})).await;
    let status = res.expect("status", |_| true).await;
    let text = status["text"].as_str().unwrap_or_default().to_string();
    assert!(!text.contains("niemand beschikbaar"), "{text}");

    // The last person with the skill goes away: the waiting resident is told, once.
    anna_ws
        .send(json!({"type": "presence", "presence": "away"}))
        .await;
    let status = res
        .expect("status", |f| {
            f["text"].as_str().is_some_and(|t| {
                t.contains("Er is nu niemand beschikbaar die uw vraag kan beantwoorden")
            })
        })
        .await;
    assert_eq!(status["status"], "waiting");
    // The page says the same, and offers to leave a message.
    let page = second.get(&format!("/chat/{token}")).await;
    assert!(
        page.body
            .contains("Er is nu niemand beschikbaar die uw vraag kan beantwoorden")
    );
    assert!(page.body.contains("href=\"/bericht\""));
    server.stop().await;
}
