//! The front door, with the default rules (no queueing while nobody is online): opening
//! hours edited by a supervisor, a closed queue that says when it opens and offers a
//! message, a message that lands in the agents' inbox and waits there, and role checks.

use crate::common::*;
use loket::store::Role;
use serde_json::json;

async fn strict() -> Server {
    Server::start_with(|c| {
        c.front_door.queue_without_staff = false;
        c.chat.resident_idle_secs = 1;
    })
    .await
}

async fn chat_queue(server: &Server) -> i64 {
    server
        .store()
        .queues()
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.slug == "chat")
        .unwrap()
        .id
}

#[tokio::test]
async fn a_closed_queue_says_when_it_opens_and_offers_a_message() {
    let server = strict().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let chat = chat_queue(&server).await;

    // Agents may not edit opening hours; supervisors may.
    let agent = server.browser();
    agent.login("anna").await;
    assert_eq!(agent.get("/staff/openingstijden").await.status, 403);
    let sup = server.browser();
    sup.login("sanne").await;
    let page = sup.get("/staff/openingstijden").await;
    assert_eq!(page.status, 200);
    let csrf = sup.csrf("/staff/openingstijden").await;

    // Bad input: the error names the day, nothing is saved.
    let bad = sup
        .post(
            &format!("/staff/openingstijden/{chat}"),
            &[("limited", "1"), ("day0", "9-5"), ("exceptions", "")],
            &csrf,
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("maandag"));
    assert!(bad.body.contains("aria-invalid=\"true\""));
    assert!(server.store().queue_schedules().await.unwrap().is_empty());
    let bad = sup
        .post(
            &format!("/staff/openingstijden/{chat}"),
            &[("limited", "1"), ("exceptions", "25-12-2026 dicht")],
            &csrf,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Regel 1"));

    // Closed all week except an exception tomorrow: the pages say "tomorrow at 10:00".
    let tomorrow = (chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam)
        + chrono::Duration::days(1))
    .date_naive();
    let saved = sup
        .post(
            &format!("/staff/openingstijden/{chat}"),
            &[
                ("limited", "1"),
                (
                    "exceptions",
                    &format!("{}: 10:00-12:00", tomorrow.format("%Y-%m-%d")),
                ),
            ],
            &csrf,
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(
        sup.get("/staff/openingstijden")
            .await
            .body
            .contains("10:00-12:00")
    );

    let resident = server.browser();
    let home = resident.get("/").await;
    assert!(
        home.body
            .contains("Nu gesloten. We zijn er weer morgen om 10:00."),
        "{}",
        home.body
    );
    assert!(home.body.contains("href=\"/bericht\""));
    let start = resident.get("/chat/start").await;
    assert!(start.body.contains("morgen om 10:00"));
    assert!(
        !start.body.contains("action=\"/chat/start\""),
        "no start form while closed"
    );
    // Posting anyway creates nothing and says it again.
    let csrf = resident.csrf("/bericht").await;
    let refused = resident
        .post("/chat/start", &[("question", "Toch?")], &csrf)
        .await;
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("morgen om 10:00"));
    assert!(
        server
            .store()
            .open_conversations()
            .await
            .unwrap()
            .is_empty()
    );

    // Open again (no opening hours): with nobody online the door still offers a message.
    let csrf = sup.csrf("/staff/openingstijden").await;
    sup.post(
        &format!("/staff/openingstijden/{chat}"),
        &[("exceptions", "")],
        &csrf,
    )
    .await;
    let home = resident.get("/").await;
    assert!(home.body.contains("Er is nu niemand beschikbaar"));
    // Someone goes available: the chat can be started.
    let (_a, _ws) = available_agent(&server, "anna").await;
    let home = resident.get("/").await;
    assert!(home.body.contains("href=\"/chat/start\""));
}

#[tokio::test]
async fn a_message_left_out_of_hours_reaches_the_next_agent() {
    let server = strict().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let resident = server.browser();
    let csrf = resident.csrf("/bericht").await;

    // Validation: a way to be reached is required, and checked.
    let bad = resident
        .post(
            "/bericht",
            &[
                ("message", "Mijn vraag"),
                ("reach", "email"),
                ("email", "geen-adres"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("naam@voorbeeld.nl"));
    assert!(bad.body.contains("Mijn vraag"), "what was typed is kept");
    let bad = resident
        .post(
            "/bericht",
            &[
                ("message", "Mijn vraag"),
                ("reach", "phone"),
                ("phone", "123"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(bad.status, 400);
    let bad = resident
        .post("/bericht", &[("message", "Mijn vraag")], &csrf)
        .await;
    assert_eq!(bad.status, 400);

    let sent = resident
        .post(
            "/bericht",
            &[
                ("name", "Kees"),
                ("message", "Kunt u mij terugbellen over de <b>afvalpas</b>?"),
                ("reach", "phone"),
                ("phone", "06 12345678"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let confirmation = resident.get(sent.location.as_deref().unwrap()).await;
    assert_eq!(confirmation.status, 200);
    assert!(
        confirmation.body.contains("B-000-"),
        "a reference: {}",
        confirmation.body
    );
    assert!(confirmation.body.contains("06 12345678"));

    // Nobody is there, and the resident has gone: the message still waits (sweeps pass).
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    assert_eq!(server.store().open_conversations().await.unwrap().len(), 1);

    // The next agent gets it, with the contact details.
    let (agent_http, mut agent) = available_agent(&server, "anna").await;
    let offer = agent.expect("offer", |_| true).await;
    assert!(offer["preview"].as_str().unwrap().contains("afvalpas"));
    let id = offer["conversation"].as_i64().unwrap();
    agent
        .send(json!({"type": "accept", "conversation": id}))
        .await;
    agent.expect("assigned", |_| true).await;
    let console = agent_http.get("/staff").await;
    assert!(console.body.contains("tel. 06 12345678"));
    // The front door now knows how quickly people are usually answered.
    let home = resident.get("/").await;
    assert!(
        home.body.contains("Meestal krijgt u binnen"),
        "{}",
        home.body
    );
    assert!(
        console.body.contains("&lt;b&gt;afvalpas&lt;/b&gt;")
            || console.body.contains("&#60;b&#62;afvalpas"),
        "shown as text: {}",
        console.body
    );

    // "I will come back": the confirmation carries the link back.
    let sent = resident
        .post(
            "/bericht",
            &[("message", "Ik kijk later terug."), ("reach", "return")],
            &csrf,
        )
        .await;
    let confirmation = resident.get(sent.location.as_deref().unwrap()).await;
    let link = extract(&confirmation.body, "href=\"/chat/", "\"").unwrap();
    let back = resident.get(&format!("/chat/{link}")).await;
    assert!(back.body.contains("Ik kijk later terug."));
}

#[tokio::test]
async fn short_topic_links_and_qr_codes() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    server
        .store()
        .add_topic("afval", "Afval", "Waste collection", false)
        .await
        .unwrap();
    let topic = server
        .store()
        .topics()
        .await
        .unwrap()
        .into_iter()
        .find(|tp| tp.slug != "toegankelijkheid")
        .unwrap();
    let resident = server.browser();
    // The accessibility-report topic is no chat topic: no short link (issue 12).
    assert_eq!(resident.get("/o/toegankelijkheid").await.status, 404);
    let short = resident.get(&format!("/o/{}", topic.slug)).await;
    assert_eq!(short.status, 303);
    assert_eq!(
        short.location.as_deref(),
        Some(format!("/chat/start?onderwerp={}", topic.slug).as_str())
    );
    let start = resident.get(short.location.as_deref().unwrap()).await;
    assert!(
        start
            .body
            .contains(&format!("value=\"{}\" selected", topic.slug))
    );
    assert_eq!(resident.get("/o/bestaat-niet").await.status, 404);

    let agent = server.browser();
    agent.login("anna").await;
    assert_eq!(agent.get("/staff/links").await.status, 403);
    let sup = server.browser();
    sup.login("sanne").await;
    let page = sup.get("/staff/links").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("/o/{}", topic.slug)));
    assert!(!page.body.contains("/o/toegankelijkheid"));
    assert!(
        page.body
            .contains("alt=\"QR-code met de link http://127.0.0.1")
    );
    let qr = sup
        .get(&format!("/staff/links/{}/qr.svg", topic.slug))
        .await;
    assert_eq!(qr.status, 200);
    assert!(
        qr.body.contains("<svg"),
        "{}",
        &qr.body[..qr.body.len().min(200)]
    );
}

/// "Hulp nodig?" names a real way in: the phone number (as a `tel:` link), its hours and
/// the desk from `[contact]`; without configuration it shows example values and says so.
/// The old footer said "Bel ons" without a number and its "Contact" link led back home.
#[tokio::test]
async fn help_footer_gives_phone_and_desk_from_configuration() {
    let plain = Server::start().await;
    let page = plain.browser().get("/").await;
    assert!(
        page.body.contains("href=\"tel:0123456789\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("Dit zijn voorbeeldgegevens"));
    assert!(!page.body.contains(">Contact</a>"));

    let site = Server::start_with(|c| {
        c.contact.phone = Some("+31 20 555 0100".into());
        c.contact.address = Some("Stadhuisplein 1, 1011 AA Amsterdam".into());
        c.contact.phone_hours = Some(loket::config::LocalText {
            nl: "op werkdagen van 8.30 tot 17.00 uur".into(),
            en: Some("on weekdays from 8:30 to 17:00".into()),
        });
    })
    .await;
    let page = site.browser().get("/").await;
    assert!(page.body.contains("href=\"tel:+31205550100\""));
    assert!(page.body.contains("op werkdagen van 8.30 tot 17.00 uur"));
    assert!(page.body.contains("Stadhuisplein 1, 1011 AA Amsterdam"));
    assert!(!page.body.contains("voorbeeldgegevens"));
    // The error page carries the same footer.
    let missing = site.browser().get("/bestaat-niet").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("href=\"tel:+31205550100\""));
}
