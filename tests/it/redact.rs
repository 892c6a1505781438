//! Numbers a resident should not type (issue 15), without JavaScript: a chat message or a
//! left message with a citizen service number or an IBAN is not sent at once; the page asks
//! ("Verwijderen en versturen" / "Toch versturen"). Removing sends the text without the
//! number; sending anyway stores it masked (`*****6782`), and the original digits are
//! nowhere staff can see them.

use crate::common::*;
use loket::store::{Queues, Role};

const BSN_TEXT: &str = "Mijn bsn is 123456782";
const BSN_NOTICE: &str = "U lijkt een burgerservicenummer te delen. Dat is niet nodig in de chat.";
const IBAN_TEXT: &str = "Mijn rekening is NL91ABNA0417164300";
const IBAN_NOTICE: &str =
    "U lijkt een rekeningnummer (IBAN) te delen. Dat is niet nodig in uw bericht.";

/// The confirmation: shown again with status 200, the notice announced, the text kept, the
/// two answers as submit buttons of the form, and the title saying something needs doing.
fn assert_asks(page: &Page, notice: &str, kept: &str) {
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(notice), "{}", page.body);
    assert!(page.body.contains("role=\"alert\""));
    assert!(
        page.body
            .contains("Als u het toch verstuurt, ziet de medewerker alleen de laatste 4 cijfers.")
    );
    assert!(
        page.body.contains(&format!(">{kept}</textarea>")),
        "the text stays in the box"
    );
    assert!(page.body.contains("name=\"redact\" value=\"remove\""));
    assert!(page.body.contains("name=\"redact\" value=\"send\""));
    assert!(page.body.contains(">Verwijderen en versturen</button>"));
    assert!(page.body.contains(">Toch versturen</button>"));
    assert!(page.body.contains("<title>Fout: "), "the title says so");
}

#[tokio::test]
async fn a_chat_message_with_a_bsn_is_asked_about_then_removed_or_masked() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let (agent_http, mut agent) = available_agent(&server, "anna").await;
    let resident = server.browser();
    let token = resident
        .start_chat("Jan", "Een vraag over mijn aanslag")
        .await;
    let id = accept_next(&mut agent).await;
    let send = format!("/chat/{token}/send");
    let csrf = resident.csrf(&format!("/chat/{token}")).await;
    let resident_bodies = || async {
        server
            .store()
            .messages_after(id, 0, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.sender == loket::store::Sender::Resident)
            .map(|m| m.body)
            .collect::<Vec<_>>()
    };

    // Not said what to do (and hostile answers are no answer): asked, nothing stored.
    let asked = resident
        .post(
            &send,
            &[("message", BSN_TEXT), ("client_id", "redact-1")],
            &csrf,
        )
        .await;
    assert_asks(&asked, BSN_NOTICE, BSN_TEXT);
    for hostile in [
        "REMOVE",
        "verwijderen",
        "<script>alert(1)</script>",
        "send\0",
        &"x".repeat(5000),
    ] {
        let again = resident
            .post(
                &send,
                &[
                    ("message", BSN_TEXT),
                    ("client_id", "redact-1"),
                    ("redact", hostile),
                ],
                &csrf,
            )
            .await;
        assert_asks(&again, BSN_NOTICE, BSN_TEXT);
        assert!(!again.body.contains("<script>alert"), "not echoed");
    }
    assert_eq!(resident_bodies().await, vec!["Een vraag over mijn aanslag"]);

    // "Verwijderen en versturen": the number is taken out, the rest is sent.
    let removed = resident
        .post(
            &send,
            &[
                ("message", BSN_TEXT),
                ("client_id", "redact-2"),
                ("redact", "remove"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let question = "Een vraag over mijn aanslag";
    let got = agent
        .expect("message", |f| {
            f["sender"] == "resident" && f["body"] != question
        })
        .await;
    assert_eq!(got["body"], "Mijn bsn is");

    // "Toch versturen": sent as typed, and stored masked: staff see only the last four.
    let sent = resident
        .post(
            &send,
            &[
                ("message", "Mijn bsn is 123.456.782"),
                ("client_id", "redact-3"),
                ("redact", "send"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let got = agent
        .expect("message", |f| {
            f["sender"] == "resident" && f["body"] != question && f["body"] != "Mijn bsn is"
        })
        .await;
    assert_eq!(got["body"], "Mijn bsn is *****6782");
    assert_eq!(
        resident_bodies().await,
        vec![
            "Een vraag over mijn aanslag",
            "Mijn bsn is",
            "Mijn bsn is *****6782"
        ]
    );

    // What the agent's console and the transcript show: masked, never the digits.
    let console = agent_http.get("/staff").await;
    assert!(console.body.contains("*****6782"), "{}", console.body);
    let transcript = resident.get(&format!("/chat/{token}/transcript")).await;
    assert_eq!(transcript.status, 200);
    assert!(transcript.body.contains("*****6782"));
    for page in [&console.body, &transcript.body] {
        assert!(!page.contains("123456782") && !page.contains("123.456.782"));
    }

    // Only the number typed, then removed: nothing is left, and the page says so.
    let empty = resident
        .post(
            &send,
            &[
                ("message", "123456782"),
                ("client_id", "redact-4"),
                ("redact", "remove"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("error-summary"));
    assert_eq!(resident_bodies().await.len(), 3);

    // A message without such a number is sent at once, whatever `redact` says.
    let plain = resident
        .post(
            &send,
            &[
                ("message", "Zaaknummer 123456789"),
                ("client_id", "redact-5"),
                ("redact", "bogus"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(plain.status, 303);
    assert_eq!(resident_bodies().await.len(), 4);
}

#[tokio::test]
async fn a_left_message_with_an_iban_is_asked_about_then_removed_or_masked() {
    let server = Server::start().await;
    let resident = server.browser();
    let csrf = resident.csrf("/bericht").await;
    let form = |redact: &'static str| {
        vec![
            ("name", "Piet"),
            ("topic", ""),
            ("message", IBAN_TEXT),
            ("reach", "phone"),
            ("phone", "06 12345678"),
            ("redact", redact),
        ]
    };
    let items = || async {
        server
            .store()
            .inbox_list(Queues::All, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.body)
            .collect::<Vec<_>>()
    };

    for redact in ["", "bogus", "Send"] {
        let asked = resident.post("/bericht", &form(redact), &csrf).await;
        assert_asks(&asked, IBAN_NOTICE, IBAN_TEXT);
        assert!(
            asked.body.contains("value=\"06 12345678\""),
            "the other fields are kept"
        );
        assert!(asked.body.contains("value=\"Piet\""));
    }
    assert!(items().await.is_empty(), "nothing left in the inbox yet");

    let removed = resident.post("/bericht", &form("remove"), &csrf).await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert!(removed.location.unwrap().starts_with("/bericht/"));
    assert_eq!(items().await, vec!["Mijn rekening is"]);

    let sent = resident.post("/bericht", &form("send"), &csrf).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = resident.get(&sent.location.unwrap()).await;
    assert!(page.body.contains("**************4300"));
    assert!(!page.body.contains("0417164300"));
    let mut stored = items().await;
    stored.sort();
    assert_eq!(
        stored,
        vec!["Mijn rekening is", "Mijn rekening is **************4300"]
    );
}

#[tokio::test]
async fn the_kiosk_message_form_asks_the_same() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    let sup = server.browser();
    sup.login("sanne").await;
    let csrf = sup.csrf("/staff/kiosks").await;
    let made = sup
        .post(
            "/staff/kiosks",
            &[
                ("name", "Zuil"),
                ("location", "Stadskantoor"),
                ("idle", "120"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(made.status, 303);
    let list = sup.get(&made.location.unwrap()).await;
    let link = extract(&list.body, "<code id=\"enrol-link\">", "</code>").unwrap();
    let path = link.split_once("127.0.0.1").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    let kiosk = server.browser();
    let csrf = kiosk.csrf(path).await;
    assert_eq!(kiosk.post(path, &[], &csrf).await.status, 303);

    let csrf = kiosk.csrf("/kiosk/bericht").await;
    let form = |redact: &'static str| {
        vec![
            ("message", BSN_TEXT),
            ("reach", "phone"),
            ("phone", "06 12345678"),
            ("redact", redact),
        ]
    };
    let asked = kiosk.post("/kiosk/bericht", &form(""), &csrf).await;
    assert_asks(
        &asked,
        "U lijkt een burgerservicenummer te delen. Dat is niet nodig in uw bericht.",
        BSN_TEXT,
    );
    assert!(
        asked.body.contains("class=\"kiosk-mode\""),
        "still in kiosk mode"
    );
    let sent = kiosk.post("/kiosk/bericht", &form("send"), &csrf).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let items = server.store().inbox_list(Queues::All, 10).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].body, "Mijn bsn is *****6782");
}
