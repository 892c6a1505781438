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
