//! Kiosk mode: registration by a supervisor, a one-time enrolment link, refusal for any
//! other browser, one-touch start recording the location, and the wipe: after a reset
//! the kiosk cannot show the previous conversation again.

use crate::common::*;
use loket::store::{Role, Status};

#[tokio::test]
async fn kiosk_enrolment_start_and_wipe() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;

    // Only supervisors register kiosks; bad input is refused with clear errors.
    let agent = server.browser();
    agent.login("anna").await;
    assert_eq!(agent.get("/staff/kiosks").await.status, 403);
    let sup = server.browser();
    sup.login("sanne").await;
    let csrf = sup.csrf("/staff/kiosks").await;
    let bad = sup
        .post(
            "/staff/kiosks",
            &[("name", ""), ("location", "Stadskantoor"), ("idle", "5")],
            &csrf,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("tussen 60 en 1800"));
    let made = sup
        .post(
            "/staff/kiosks",
            &[
                ("name", "Zuil hal"),
                ("location", "Stadskantoor Noord"),
                ("idle", "90"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(made.status, 303);
    let made = sup.get(made.location.as_deref().unwrap()).await;
    assert_eq!(made.status, 200);
    let link = extract(&made.body, "<code id=\"enrol-link\">", "</code>").unwrap();
    let path = link.split_once("127.0.0.1").unwrap().1;
    let path = &path[path.find('/').unwrap()..];

    // An unregistered browser is refused, plainly.
    let kiosk = server.browser();
    let refused = kiosk.get("/kiosk").await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("niet aangemeld als zuil"));

    // Enrolment: once.
    let page = kiosk.get(path).await;
    assert_eq!(page.status, 200);
    let csrf = kiosk.csrf(path).await;
    let enrolled = kiosk.post(path, &[], &csrf).await;
    assert_eq!(enrolled.status, 303);
    assert!(kiosk.cookie_header().contains("loket_kiosk="));
    let other = server.browser();
    assert_eq!(
        other.get(path).await.status,
        404,
        "the link works only once"
    );

    // The start page: one touch per channel; the contact records the location.
    let (_a, _ws) = available_agent(&server, "anna").await;
    let start = kiosk.get("/kiosk").await;
    assert_eq!(start.status, 200);
    assert!(start.body.contains("Stadskantoor Noord"));
    let csrf = kiosk.csrf("/kiosk").await;
    let started = kiosk.post("/kiosk/start", &[("kind", "chat")], &csrf).await;
    assert_eq!(started.status, 303);
    let chat_path = started.location.unwrap();
    let page = kiosk.get(&chat_path).await;
    assert!(page.body.contains("data-kiosk-idle=\"90\""));
    assert!(page.body.contains("/static/js/kiosk.js"));
    let open = server.store().open_conversations().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].origin, "kiosk: Stadskantoor Noord");
    let conv = open[0].id;

    // Wipe: the conversation ends and the kiosk no longer shows it (Back button).
    let reset = kiosk.post("/kiosk/reset", &[], &csrf).await;
    assert_eq!(reset.status, 303);
    let again = kiosk.get(&chat_path).await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location.as_deref(), Some("/kiosk"));
    let transcript = kiosk.get(&format!("{chat_path}/transcript")).await;
    assert_eq!(transcript.status, 303);
    let stored = server.store().conversation(conv).await.unwrap().unwrap();
    assert!(matches!(stored.status, Status::Ended | Status::Abandoned));
}

/// Registers a kiosk as `sup` and returns its id and the path of its enrolment link.
async fn register(server: &Server, sup: &Browser, name: &str) -> (i64, String) {
    let csrf = sup.csrf("/staff/kiosks").await;
    let made = sup
        .post(
            "/staff/kiosks",
            &[
                ("name", name),
                ("location", "Stadskantoor"),
                ("idle", "120"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let list = sup.get("/staff/kiosks").await;
    let link = extract(&list.body, "<code id=\"enrol-link\">", "</code>").unwrap();
    let path = link.split_once("127.0.0.1").unwrap().1;
    let path = path[path.find('/').unwrap()..].to_string();
    let kiosks = server.store().kiosks().await.unwrap();
    let id = kiosks.iter().find(|k| k.name == name).unwrap().id;
    (id, path)
}

/// Enrols a fresh browser as the kiosk behind `path`.
async fn enrol(server: &Server, path: &str) -> Browser {
    let kiosk = server.browser();
    let csrf = kiosk.csrf(path).await;
    assert_eq!(kiosk.post(path, &[], &csrf).await.status, 303);
    kiosk
}

#[tokio::test]
async fn registering_a_kiosk_is_post_redirect_get() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    let sup = server.browser();
    sup.login("sanne").await;
    let csrf = sup.csrf("/staff/kiosks").await;
    let made = sup
        .post(
            "/staff/kiosks",
            &[
                ("name", "Zuil hal"),
                ("location", "Stadhuis"),
                ("idle", "90"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(made.status, 303, "the form answers with a redirect");
    let target = made.location.unwrap();
    assert!(target.starts_with("/staff/kiosks"), "{target}");
    // The target page shows the link once, with its QR code.
    let page = sup.get(&target).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"enrol-link\""));
    assert!(page.body.contains("src=\"data:image/svg+xml;base64,"));
    // Reloading the target registers nothing again, and no longer shows the secret link.
    let again = sup.get(&target).await;
    assert_eq!(again.status, 200);
    assert!(!again.body.contains("id=\"enrol-link\""));
    assert_eq!(server.store().kiosks().await.unwrap().len(), 1);
    // The link shown works.
    let link = extract(&page.body, "<code id=\"enrol-link\">", "</code>").unwrap();
    let path = link.split_once("127.0.0.1").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    let kiosk = enrol(&server, path).await;
    assert_eq!(kiosk.get("/kiosk").await.status, 200);
}

#[tokio::test]
async fn kiosks_are_renamed_revoked_and_deleted() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    let sup = server.browser();
    sup.login("sanne").await;
    let (id, path) = register(&server, &sup, "Zuil hal").await;
    let kiosk = enrol(&server, &path).await;
    assert_eq!(kiosk.get("/kiosk").await.status, 200);
    let csrf = sup.csrf("/staff/kiosks").await;

    // Rename: a blank name is refused with the error at the field; a good one is kept.
    let bad = sup
        .post(&format!("/staff/kiosks/{id}/naam"), &[("name", " ")], &csrf)
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains(&format!("id=\"kiosk-{id}-name\"")));
    assert!(bad.body.contains("Vul een naam in"));
    let renamed = sup
        .post(
            &format!("/staff/kiosks/{id}/naam"),
            &[("name", "Zuil bibliotheek")],
            &csrf,
        )
        .await;
    assert_eq!(renamed.status, 303);
    let list = sup.get(renamed.location.as_deref().unwrap()).await;
    assert!(list.body.contains("Zuil bibliotheek"));
    assert!(list.body.contains("De naam is gewijzigd."));
    assert_eq!(
        server.store().kiosk(id).await.unwrap().unwrap().name,
        "Zuil bibliotheek"
    );
    assert_eq!(
        kiosk.get("/kiosk").await.status,
        200,
        "renaming keeps it working"
    );

    // Revoke: the device cookie is refused on its very next request.
    let revoked = sup
        .post(&format!("/staff/kiosks/{id}/intrekken"), &[], &csrf)
        .await;
    assert_eq!(revoked.status, 303);
    let refused = kiosk.get("/kiosk").await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("niet aangemeld als zuil"));
    let list = sup.get("/staff/kiosks").await;
    assert!(list.body.contains("Ingetrokken"));

    // A new link enrols it again (a new device); the old cookie stays refused.
    let fresh = sup
        .post(&format!("/staff/kiosks/{id}/link"), &[], &csrf)
        .await;
    assert_eq!(fresh.status, 303);
    let list = sup.get("/staff/kiosks").await;
    let link = extract(&list.body, "<code id=\"enrol-link\">", "</code>").unwrap();
    let path = link.split_once("127.0.0.1").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    let second = enrol(&server, path).await;
    assert_eq!(second.get("/kiosk").await.status, 200);
    assert_eq!(kiosk.get("/kiosk").await.status, 403);

    // Delete: gone from the list, and its device stops working.
    let deleted = sup
        .post(&format!("/staff/kiosks/{id}/verwijderen"), &[], &csrf)
        .await;
    assert_eq!(deleted.status, 303);
    let list = sup.get(deleted.location.as_deref().unwrap()).await;
    assert!(!list.body.contains("Zuil bibliotheek"));
    assert!(list.body.contains("De zuil is verwijderd."));
    assert!(server.store().kiosk(id).await.unwrap().is_none());
    assert_eq!(second.get("/kiosk").await.status, 403);
}

#[tokio::test]
async fn a_kiosk_in_use_is_ended_when_revoked() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let sup = server.browser();
    sup.login("sanne").await;
    let (id, path) = register(&server, &sup, "Zuil hal").await;
    let kiosk = enrol(&server, &path).await;
    let (_a, _ws) = available_agent(&server, "anna").await;
    let csrf = kiosk.csrf("/kiosk").await;
    let started = kiosk.post("/kiosk/start", &[("kind", "chat")], &csrf).await;
    assert_eq!(started.status, 303);
    let chat_path = started.location.unwrap();
    let conv = server.store().open_conversations().await.unwrap()[0].id;
    let csrf = sup.csrf("/staff/kiosks").await;
    sup.post(&format!("/staff/kiosks/{id}/intrekken"), &[], &csrf)
        .await;
    let stored = server.store().conversation(conv).await.unwrap().unwrap();
    assert!(matches!(stored.status, Status::Ended | Status::Abandoned));
    // The page of that conversation is now a plain (not kiosk) page: no kiosk wipe form.
    let page = kiosk.get(&chat_path).await;
    assert!(!page.body.contains("data-kiosk-idle"));
}

#[tokio::test]
async fn the_list_shows_when_each_kiosk_was_last_seen() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    let sup = server.browser();
    sup.login("sanne").await;
    let (id, path) = register(&server, &sup, "Zuil hal").await;
    let list = sup.get("/staff/kiosks").await;
    assert!(list.body.contains("Laatst gezien"));
    assert!(list.body.contains("Nog nooit"));
    assert!(
        server
            .store()
            .kiosk(id)
            .await
            .unwrap()
            .unwrap()
            .last_seen_at
            .is_none()
    );
    let kiosk = enrol(&server, &path).await;
    let before = loket::store::now_ms();
    assert_eq!(kiosk.get("/kiosk").await.status, 200);
    let seen = server
        .store()
        .kiosk(id)
        .await
        .unwrap()
        .unwrap()
        .last_seen_at
        .expect("seen");
    assert!(seen >= before - 1000);
    // Written at most once a minute: a second request right after writes nothing.
    kiosk.get("/kiosk").await;
    let k = server.store().kiosk(id).await.unwrap().unwrap();
    assert_eq!(k.last_seen_at, Some(seen));
    assert!(!k.seen_due(seen + 59_000));
    assert!(k.seen_due(seen + 60_000));
    let list = sup.get("/staff/kiosks").await;
    assert!(!list.body.contains("Nog nooit"));
    assert!(list.body.contains(&loket::web::views::local_datetime(seen)));
}

#[tokio::test]
async fn kiosk_pages_stay_in_kiosk_mode_and_offer_a_message_when_nobody_is_free() {
    let server = Server::start_with(|c| c.front_door.queue_without_staff = false).await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let sup = server.browser();
    sup.login("sanne").await;
    let (_, path) = register(&server, &sup, "Zuil hal").await;
    let kiosk = enrol(&server, &path).await;

    // Nobody is there: each channel says so, and when to try, and offers a message.
    let start = kiosk.get("/kiosk").await;
    assert_eq!(start.status, 200);
    assert!(start.body.contains("class=\"kiosk-mode\""));
    assert!(start.body.contains("Er is nu geen gebarentolk vrij."));
    assert!(start.body.contains("Probeer het straks nog eens."));
    assert!(start.body.contains("href=\"/kiosk/bericht\""));
    assert!(!start.body.contains("kiosk-closed"), "no greyed-out button");
    // No link leaves kiosk mode: no staff login, no footer links, no home link.
    for out in ["/staff/login", "href=\"/toegankelijkheid\"", "href=\"/\""] {
        assert!(!start.body.contains(out), "{out} on the kiosk");
    }
    assert!(start.body.contains("/taal/en?terug=/kiosk\""));

    // Leaving a message on the kiosk: errors in place, then a reference shown once.
    let csrf = kiosk.csrf("/kiosk/bericht").await;
    let bad = kiosk
        .post("/kiosk/bericht", &[("message", ""), ("reach", "")], &csrf)
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("class=\"kiosk-mode\""));
    assert!(bad.body.contains("Kies hoe we u bereiken."));
    let sent = kiosk
        .post(
            "/kiosk/bericht",
            &[
                ("name", "Piet"),
                ("message", "Mijn paspoort is verlopen"),
                ("reach", "phone"),
                ("phone", "06 12345678"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location.as_deref(), Some("/kiosk/bericht/ontvangen"));
    assert!(!kiosk.cookie_header().is_empty());
    let page = kiosk.get("/kiosk/bericht/ontvangen").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("B-000-"));
    assert!(page.body.contains("0612345678") || page.body.contains("06 12345678"));
    assert!(page.body.contains("Klaar, alles wissen"));
    let again = kiosk.get("/kiosk/bericht/ontvangen").await;
    assert_eq!(again.status, 303, "shown once: Back shows nothing of it");
    assert_eq!(again.location.as_deref(), Some("/kiosk"));
    // A message is asynchronous work (Berichten), never a live chat, like on the website.
    assert!(
        server
            .store()
            .open_conversations()
            .await
            .unwrap()
            .is_empty()
    );
    let items = server
        .store()
        .inbox_list(loket::store::Queues::All, 0)
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].reach, loket::store::Reach::Phone);
    assert!(
        !bad.body.contains("value=\"email\""),
        "no e-mail without a relay"
    );
    // Other browsers are refused.
    assert_eq!(server.browser().get("/kiosk/bericht").await.status, 403);

    // The chat on the kiosk: kiosk layout, one "Klaar, alles wissen" instead of "end".
    let (_a, _ws) = available_agent(&server, "anna").await;
    let csrf = kiosk.csrf("/kiosk").await;
    let started = kiosk.post("/kiosk/start", &[("kind", "chat")], &csrf).await;
    let chat_path = started.location.unwrap();
    let chat = kiosk.get(&chat_path).await;
    assert!(chat.body.contains("class=\"kiosk-mode\""));
    assert!(!chat.body.contains(&format!("action=\"{chat_path}/end\"")));
    assert_eq!(chat.body.matches("action=\"/kiosk/reset\"").count(), 1);
    assert!(!chat.body.contains("/staff/login"));
    // The same link in an ordinary browser opens nothing: a kiosk's conversation is
    // bound to its kiosk (issue 13).
    let desk = server.browser().get(&chat_path).await;
    assert_eq!(desk.status, 404);
}

/// The kiosk's sign-language button has the site's NGT video beside it when one is
/// configured, and nothing when not (issue 12, "Signers and kiosk visitors first").
#[tokio::test]
async fn the_kiosk_shows_the_ngt_video_beside_the_sign_language_button() {
    for configured in [true, false] {
        let server = Server::start_with(|c| {
            if configured {
                c.sign_language.kiosk = Some(loket::config::SignVideo {
                    video: "ngt/kiosk.webm".into(),
                    captions: "ngt/kiosk.vtt".into(),
                });
            }
        })
        .await;
        server.add_staff("sanne", Role::Supervisor, &[], 3).await;
        let sup = server.browser();
        sup.login("sanne").await;
        let (_, path) = register(&server, &sup, "Zuil NGT").await;
        let kiosk = enrol(&server, &path).await;
        let home = kiosk.get("/kiosk").await;
        assert_eq!(home.status, 200);
        assert_eq!(
            home.body.contains("src=\"/ngt/kiosk/video\""),
            configured,
            "configured: {configured}"
        );
        assert_eq!(
            home.body.contains("src=\"/ngt/kiosk/captions\""),
            configured
        );
    }
}

/// Issue 13: a kiosk is counted as itself by the intake limits, never by its office's
/// address, so a flood from that address does not shut the kiosk.
#[tokio::test]
async fn a_kiosk_is_counted_as_itself_not_by_its_address() {
    let server = Server::start_with(|c| c.intake = loket::config::IntakeSettings::default()).await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    let sup = server.browser();
    sup.login("sanne").await;
    let (_, path) = register(&server, &sup, "Zuil hal").await;
    let kiosk = enrol(&server, &path).await;
    // The office's address (127.0.0.1) has used up its allowance.
    let mut refused = false;
    for _ in 0..20 {
        let b = server.browser();
        let csrf = b.csrf("/chat/start").await;
        let p = b
            .post(
                "/chat/start",
                &[("name", ""), ("topic", ""), ("question", "Flood")],
                &csrf,
            )
            .await;
        refused |= p.status == 429;
    }
    assert!(refused, "the address limit was reached");
    // The kiosk at that address still starts a chat.
    let csrf = kiosk.csrf("/kiosk").await;
    let started = kiosk.post("/kiosk/start", &[("kind", "chat")], &csrf).await;
    assert_eq!(started.status, 303, "{}", started.body);
    assert!(started.location.unwrap().starts_with("/chat/"));
}

/// Issue 13, "kiosk privacy": a conversation started at a kiosk opens only on that kiosk
/// while it is current there. After the wipe, the next visitor (the kiosk's own browser,
/// Back button or history) and anyone else with the link get neither its pages, its
/// transcript, nor a socket that would replay its messages.
#[tokio::test]
async fn after_a_wipe_no_route_or_socket_of_the_old_conversation_opens() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    let sup = server.browser();
    sup.login("sanne").await;
    let (_, path) = register(&server, &sup, "Zuil hal").await;
    let kiosk = enrol(&server, &path).await;
    let csrf = kiosk.csrf("/kiosk").await;
    let started = kiosk.post("/kiosk/start", &[("kind", "chat")], &csrf).await;
    let chat_path = started.location.unwrap();
    let token = chat_path.trim_start_matches("/chat/").to_string();
    let csrf_chat = kiosk.csrf(&chat_path).await;
    let sent = kiosk
        .post(
            &format!("{chat_path}/send"),
            // "Toch versturen": the number is sent (and stored masked), not asked about.
            &[
                ("message", "Mijn BSN is 123456782"),
                ("client_id", "k1"),
                ("redact", "send"),
            ],
            &csrf_chat,
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let ws_url = server.ws_url(&format!("/ws/chat/{token}"));
    let socket = |cookie: Option<String>| {
        let url = ws_url.clone();
        async move {
            use tokio_tungstenite::tungstenite::client::IntoClientRequest;
            let mut req = url.into_client_request().unwrap();
            if let Some(c) = cookie {
                req.headers_mut().insert("cookie", c.parse().unwrap());
            }
            tokio_tungstenite::connect_async(req).await.is_ok()
        }
    };
    // While it is current: the kiosk opens it; a browser elsewhere with the link does not.
    assert_eq!(
        kiosk
            .get(&format!("{chat_path}/transcript.txt"))
            .await
            .status,
        200
    );
    assert!(socket(Some(kiosk.cookie_header())).await);
    let elsewhere = server.browser();
    for route in ["", "/transcript", "/transcript.txt", "/beeindigen"] {
        let p = elsewhere.get(&format!("{chat_path}{route}")).await;
        assert_eq!(p.status, 404, "{route} opened elsewhere");
        assert!(!p.body.contains("123456782"));
    }
    assert!(!socket(None).await, "socket opened elsewhere");

    // The wipe.
    assert_eq!(kiosk.post("/kiosk/reset", &[], &csrf).await.status, 303);
    for route in ["", "/transcript", "/transcript.txt", "/beeindigen"] {
        let p = kiosk.get(&format!("{chat_path}{route}")).await;
        assert_eq!(p.status, 303, "{route} after the wipe");
        assert_eq!(p.location.as_deref(), Some("/kiosk"));
        assert!(!p.body.contains("123456782"));
        assert_eq!(
            elsewhere.get(&format!("{chat_path}{route}")).await.status,
            404
        );
    }
    assert!(
        !socket(Some(kiosk.cookie_header())).await,
        "socket after the wipe"
    );
    assert!(!socket(None).await);
    // Posting to it is refused too.
    let posted = kiosk
        .post(
            &format!("{chat_path}/send"),
            &[("message", "x"), ("client_id", "k2")],
            &csrf_chat,
        )
        .await;
    assert_ne!(posted.status / 100, 2);
}
