//! Issue 13, "queue flooding": one source cannot crowd out residents. Every attack runs
//! against the intake limits at their defaults (`[intake]`), from its own loopback
//! addresses (127.0.0.0/8 all reach the server on Linux; a /24 is one network), and shows
//! that a real resident elsewhere is still served as before.

use crate::common::*;
use loket::config::IntakeSettings;
use loket::store::Role;

/// A server with the intake limits at their defaults (nobody online; residents may wait).
async fn defaults() -> Server {
    Server::start_with(|c| c.intake = IntakeSettings::default()).await
}

/// Tries to start a chat as a fresh browser (as a script does: fetch the form, post it).
async fn try_chat(server: &Server, address: &str) -> Page {
    let b = server.browser_at(address);
    let csrf = b.csrf("/chat/start").await;
    b.post(
        "/chat/start",
        &[("name", "Flood"), ("topic", ""), ("question", "Vraag")],
        &csrf,
    )
    .await
}

/// The position in the status sentence of a waiting conversation's page.
async fn position(b: &Browser, token: &str) -> String {
    let page = b.get(&format!("/chat/{token}")).await;
    extract(&page.body, "U bent nummer ", " ").unwrap_or_default()
}

#[tokio::test]
async fn a_flood_from_one_address_leaves_a_real_residents_place_and_wait() {
    let server = defaults().await;
    let real = server.browser_at("127.0.1.1");
    let token = real.start_chat("Els", "Mijn vraag").await;
    assert_eq!(position(&real, &token).await, "1");
    let before = real.get(&format!("/chat/{token}")).await.body;
    let status_before = extract(&before, "<p id=\"queue-status-text\">", "</p>").unwrap();

    // 200 chats from one address, each as a fresh browser.
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..200 {
        let p = try_chat(&server, "127.0.2.1").await;
        match p.status {
            303 => accepted += 1,
            429 => {
                refused += 1;
                assert!(
                    p.body.contains("Even geen nieuw gesprek mogelijk"),
                    "{}",
                    p.body
                );
                assert!(p.body.contains("Probeer het over 10 minuten opnieuw"));
            }
            other => panic!("unexpected {other}: {}", p.body),
        }
    }
    println!("flood of 200 chats from one address: {accepted} accepted, {refused} refused");
    assert_eq!(accepted, IntakeSettings::default().live_per_address);
    assert_eq!(refused, 200 - accepted);

    // The real resident keeps their place and their wait.
    assert_eq!(position(&real, &token).await, "1");
    let after = real.get(&format!("/chat/{token}")).await.body;
    let status_after = extract(&after, "<p id=\"queue-status-text\">", "</p>").unwrap();
    assert_eq!(status_after, status_before);
    // A resident from elsewhere who comes after the flood is served: behind the few
    // accepted ones, not behind 200.
    let next = server.browser_at("127.0.3.1");
    let late = next.start_chat("Ahmed", "Later").await;
    assert_eq!(
        position(&next, &late).await,
        (2 + IntakeSettings::default().live_per_address).to_string()
    );
    server.stop().await;
}

#[tokio::test]
async fn one_browser_is_held_to_its_own_limit_and_its_neighbours_are_not() {
    let server = defaults().await;
    let b = server.browser_at("127.0.4.1");
    let limit = IntakeSettings::default().live_per_browser;
    for _ in 0..limit {
        b.start_chat("Piet", "Vraag").await;
    }
    let csrf = b.csrf("/chat/start").await;
    let over = b
        .post(
            "/chat/start",
            &[("name", "Piet"), ("topic", ""), ("question", "Nog een")],
            &csrf,
        )
        .await;
    assert_eq!(over.status, 429);
    assert_eq!(
        server.store().open_conversations().await.unwrap().len(),
        limit as usize
    );
    // Someone else at the same address (a district office) still gets through.
    let neighbour = server.browser_at("127.0.4.1");
    neighbour.start_chat("Buur", "Mijn vraag").await;
    // Video calls follow the same rules.
    let csrf = b.csrf("/video/start?met=medewerker").await;
    let video = b
        .post(
            "/video/start",
            &[
                ("met", "medewerker"),
                ("name", "Piet"),
                ("topic", ""),
                ("question", ""),
            ],
            &csrf,
        )
        .await;
    assert_eq!(video.status, 429, "{}", video.body);
    server.stop().await;
}

#[tokio::test]
async fn a_flood_spread_over_a_network_is_held_at_the_network_limit() {
    let server = defaults().await;
    let mut accepted = 0;
    for host in 1..=60 {
        if try_chat(&server, &format!("127.0.5.{host}")).await.status == 303 {
            accepted += 1;
        }
    }
    println!("60 chats from 60 addresses of one /24: {accepted} accepted");
    assert_eq!(accepted, IntakeSettings::default().live_per_network);
    // Another network is untouched.
    assert_eq!(try_chat(&server, "127.0.6.1").await.status, 303);
    server.stop().await;
}

#[tokio::test]
async fn a_full_queue_says_so_and_offers_to_leave_a_message() {
    let server = Server::start_with(|c| c.intake.max_waiting_per_queue = 3).await;
    for host in 1..=3 {
        assert_eq!(
            try_chat(&server, &format!("127.0.7.{host}")).await.status,
            303
        );
    }
    let b = server.browser_at("127.0.8.1");
    let page = b.get("/chat/start").await;
    assert!(
        page.body.contains("Er wachten nu te veel mensen"),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/bericht\""));
    // Sent anyway (the form was open before the queue filled up): refused, said again.
    let late = server.browser_at("127.0.8.2");
    let csrf = late.csrf("/bericht").await;
    let sent = late
        .post(
            "/chat/start",
            &[("name", "Laat"), ("topic", ""), ("question", "Vraag")],
            &csrf,
        )
        .await;
    assert_ne!(sent.status, 303);
    assert!(sent.body.contains("Er wachten nu te veel mensen"));
    assert_eq!(server.store().open_conversations().await.unwrap().len(), 3);
    server.stop().await;
}

/// Leaves a message as a fresh browser at `address`, to be called back at `phone`.
async fn try_message(server: &Server, address: &str, phone: &str) -> u16 {
    let b = server.browser_at(address);
    let csrf = b.csrf("/bericht").await;
    b.post(
        "/bericht",
        &[
            ("message", "Bel mij terug"),
            ("reach", "phone"),
            ("phone", phone),
        ],
        &csrf,
    )
    .await
    .status
}

#[tokio::test]
async fn left_messages_are_capped_per_address_and_per_telephone_number() {
    let server = defaults().await;
    let d = IntakeSettings::default();
    let mut accepted = 0;
    for i in 0..40 {
        if try_message(&server, "127.0.9.1", &format!("06 1234 {:04}", i)).await == 303 {
            accepted += 1;
        }
    }
    println!("40 left messages from one address: {accepted} accepted");
    assert_eq!(accepted, d.messages_per_address);
    // One telephone number, many addresses: capped per number.
    let mut same_number = 0;
    for net in 10..20 {
        if try_message(&server, &format!("127.0.{net}.1"), "06 9999 0000").await == 303 {
            same_number += 1;
        }
    }
    assert_eq!(same_number, d.messages_per_reach);
    // A real resident elsewhere still leaves their message.
    assert_eq!(
        try_message(&server, "127.0.30.1", "06 5555 1111").await,
        303
    );
    server.stop().await;
}

#[tokio::test]
async fn an_accessibility_report_goes_to_the_berichten_list_not_the_live_queue() {
    let server = defaults().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let (anna_http, mut anna) = available_agent(&server, "anna").await;
    let b = server.browser_at("127.0.31.1");
    let csrf = b.csrf("/toegankelijkheid").await;
    let sent = b
        .post(
            "/toegankelijkheid/melding",
            &[
                ("problem", "De knop is te klein"),
                ("page", "/chat/start"),
                ("name", "Els"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert!(sent.location.unwrap().starts_with("/bericht/"));
    let frames = anna.drain(1000).await;
    assert!(frames.iter().all(|f| f["type"] != "offer"), "{frames:?}");
    assert!(
        server
            .store()
            .open_conversations()
            .await
            .unwrap()
            .is_empty()
    );
    let list = anna_http.get("/staff/berichten").await;
    assert!(list.body.contains("De knop is te klein"), "{}", list.body);
    // And it is counted like a left message: a flood of reports is capped.
    let mut accepted = 1;
    for _ in 0..20 {
        let f = server.browser_at("127.0.31.1");
        let csrf = f.csrf("/toegankelijkheid").await;
        let p = f
            .post(
                "/toegankelijkheid/melding",
                &[("problem", "Flood"), ("page", ""), ("name", "")],
                &csrf,
            )
            .await;
        if p.status == 303 {
            accepted += 1;
        }
    }
    assert_eq!(accepted, IntakeSettings::default().messages_per_address);
    server.stop().await;
}
