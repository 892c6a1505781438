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
    with_tax_queue_and(move |c| c.front_door.queue_without_staff = queue_without_staff).await
}

/// A server with a "belastingen" chat queue and topic, tuned by `tune`.
async fn with_tax_queue_and(tune: impl Fn(&mut loket::config::Config)) -> Server {
    let server = Server::start().await;
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
    Server::start_in(dir, &tune).await
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

/// A queue with an overflow rule hands its waiting contacts to the general chat queue
/// when its last available member leaves (here after 0 minutes: at once); the resident is
/// told, keeps their place in order of arrival, and an agent of the general queue gets
/// the offer. The control (no rule: they stay) is the test above.
#[tokio::test]
async fn a_queue_with_an_overflow_rule_hands_waiting_contacts_on() {
    let server = with_tax_queue_and(|c| {
        c.front_door.overflow.insert(
            "belastingen".into(),
            loket::config::OverflowRule {
                to: "chat".into(),
                after_mins: 0,
            },
        );
    })
    .await;
    server
        .add_staff("chris", Role::Agent, &["belastingen"], 1)
        .await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let (_chris, mut chris_ws) = available_agent(&server, "chris").await;
    let (_anna, mut anna_ws) = available_agent(&server, "anna").await;

    // Chris serves the first tax question; the second waits for him.
    let start = |name: &'static str| {
        let b = server.browser();
        async move {
            let csrf = b.csrf("/chat/start").await;
            let sent = b
                .post(
                    "/chat/start",
                    &[
                        ("name", name),
                        ("topic", "belastingen"),
                        ("question", "Aanslag"),
                    ],
                    &csrf,
                )
                .await;
            assert_eq!(sent.status, 303, "{}", sent.body);
            sent.location
                .unwrap()
                .trim_start_matches("/chat/")
                .to_string()
        }
    };
    start("Eerste").await;
    accept_next(&mut chris_ws).await;
    let token = start("Tweede").await;
    let mut res = Ws::connect(&server.ws_url(&format!("/ws/chat/{token}")), None).await;
    res.send(json!({"type": "resume", "after": 0})).await;
    res.expect("status", |f| f["status"] == "waiting").await;
    let conv = server
        .store()
        .conversation_by_token(&token)
        .await
        .unwrap()
        .unwrap();

    // Chris goes away: the waiting tax question moves to the general chat queue.
    chris_ws
        .send(json!({"type": "presence", "presence": "away"}))
        .await;
    let told = res.expect("message", |f| f["sender"] == "system").await;
    assert!(
        told["body"]
            .as_str()
            .unwrap()
            .contains("Daarom helpt een andere medewerker u"),
        "{told}"
    );
    let offer = anna_ws
        .expect("offer", |f| f["conversation"] == conv.id)
        .await;
    assert_eq!(offer["conversation"], conv.id);
    let chat = server
        .store()
        .queues()
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.slug == "chat")
        .unwrap();
    let moved = server.store().conversation(conv.id).await.unwrap().unwrap();
    assert_eq!(moved.queue_id, chat.id);
    server.stop().await;
}

/// An overflow rule naming a queue that does not exist stops the start with a clear error.
#[tokio::test]
async fn an_overflow_rule_to_an_unknown_queue_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = loket::config::Config {
        database_url: format!("sqlite://{}", dir.path().join("loket.db").display()),
        bind: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    };
    config.front_door.overflow.insert(
        "chat".into(),
        loket::config::OverflowRule {
            to: "bestaat-niet".into(),
            after_mins: 5,
        },
    );
    let err = match loket::server::start(config).await {
        Ok(_) => panic!("started with an unknown overflow queue"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("bestaat-niet"), "{err}");
}
