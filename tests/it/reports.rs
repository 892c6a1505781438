//! Reports end to end (issue 16): residents and agents go through the real server
//! (answered, declined, abandoned quickly and after a wait, a left message), then a
//! supervisor reads `/staff/rapportage` and its two CSV files, and the numbers are the
//! ones that happened. Agents cannot open the reports; bad filters get a clear error.

use crate::common::*;
use loket::store::Role;
use serde_json::json;
use std::time::Duration;

/// The value cell of a figure row (`<th scope="row">Name</th><td class="num">...`),
/// with or without its drill-down link.
fn figure(page: &str, name: &str) -> String {
    let row = extract(page, &format!("<th scope=\"row\">{name}</th>"), "</tr>")
        .unwrap_or_else(|| panic!("no row {name:?} in the report"));
    let cell = extract(&row, "<td class=\"num\">", "</td>").unwrap_or_default();
    // A linked number: the number, without the link's hidden words.
    match extract(&cell, "\">", "<span") {
        Some(linked) => linked,
        None => cell,
    }
}

#[tokio::test]
async fn the_report_counts_what_residents_and_agents_did() {
    let server = Server::start_with(|c| {
        c.intake = wide_intake();
        c.broker.retry_cooldown_secs = 1;
    })
    .await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    server
        .add_staff("sam", Role::Supervisor, &["chat"], 1)
        .await;
    let (anna_http, mut anna) = available_agent(&server, "anna").await;

    // 1. Answered, ended by the agent, wrapped up as resolved.
    let r1 = server.browser();
    r1.start_chat("Jan", "Waar vind ik mijn aanslag?").await;
    let id1 = accept_next(&mut anna).await;
    anna.send(json!({"type": "end", "conversation": id1})).await;
    anna.expect("released", |f| f["conversation"] == id1).await;
    let csrf = anna_http.csrf("/staff").await;
    let done = anna_http
        .post(
            &format!("/staff/chats/{id1}/wrapup"),
            &[("topic", "other"), ("note", ""), ("resolved", "ja")],
            &csrf,
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    // A wrap-up with a made-up answer is refused, not stored.
    let bad = anna_http
        .post(
            &format!("/staff/chats/{id1}/wrapup"),
            &[("topic", "other"), ("resolved", "misschien")],
            &csrf,
        )
        .await;
    assert_eq!(bad.status, 400);

    // 2. Declined once, then the resident waits and leaves (abandoned after the short
    //    time: the default short-abandon time is 5 s).
    let r2 = server.browser();
    let token2 = r2.start_chat("Piet", "Tweede vraag").await;
    let offer = anna.expect("offer", |_| true).await;
    let id2 = offer["conversation"].as_i64().unwrap();
    anna.send(json!({"type": "decline", "conversation": id2}))
        .await;
    anna.expect("offer_revoked", |f| f["conversation"] == id2)
        .await;
    // Away, so the resident waits with nobody to take them.
    anna.send(json!({"type": "presence", "presence": "away"}))
        .await;
    anna.expect("presence", |f| f["presence"] == "away").await;
    tokio::time::sleep(Duration::from_millis(5_500)).await;
    let csrf2 = r2.csrf(&format!("/chat/{token2}")).await;
    let left = r2.post(&format!("/chat/{token2}/end"), &[], &csrf2).await;
    assert_eq!(left.status, 303);

    // 3. Leaves at once: a short abandon.
    let r3 = server.browser();
    let token3 = r3.start_chat("Kees", "Derde vraag").await;
    let csrf3 = r3.csrf(&format!("/chat/{token3}")).await;
    let left = r3.post(&format!("/chat/{token3}/end"), &[], &csrf3).await;
    assert_eq!(left.status, 303);

    // 4. A left message.
    let r4 = server.browser();
    let csrf4 = r4.csrf("/bericht").await;
    let sent = r4
        .post(
            "/bericht",
            &[
                ("name", "Marie"),
                ("topic", ""),
                ("message", "Wanneer is het stadhuis open?"),
                ("reach", "return"),
            ],
            &csrf4,
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);

    // Agents cannot open the reports.
    assert_eq!(anna_http.get("/staff/rapportage").await.status, 403);
    assert_eq!(
        anna_http
            .get("/staff/rapportage/contacten.csv")
            .await
            .status,
        403
    );

    let sam = server.browser();
    sam.login("sam").await;
    let page = sam.get("/staff/rapportage?periode=today").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;
    assert!(body.contains("<h1>Rapportage</h1>"));
    assert!(body.contains("<title>Rapportage"), "title names the page");
    assert_eq!(figure(body, "Aangeboden"), "3");
    assert_eq!(figure(body, "Beantwoord"), "1");
    assert_eq!(figure(body, "Afgehaakt"), "1");
    assert_eq!(figure(body, "Kort afgehaakt (binnen 5 seconden)"), "1");
    assert_eq!(figure(body, "Opgelost in het eerste contact"), "1");
    assert_eq!(figure(body, "Berichten achtergelaten"), "1");
    assert_eq!(figure(body, "Berichten nog niet beantwoord"), "1");
    // abandoned / (offered - short) = 1 / 2.
    assert_eq!(figure(body, "Percentage afgehaakt"), "50,0%");
    // Each figure says what it counts.
    assert!(body.contains("Afgehaakt gedeeld door (aangeboden min kort afgehaakt)."));

    // The number opens the contacts behind it.
    let drill = sam
        .get("/staff/rapportage?periode=today&cijfer=answered")
        .await;
    assert_eq!(drill.status, 200);
    let list = extract(&drill.body, "id=\"drill-table\"", "</table>").expect("a list");
    assert!(list.contains(&format!("C-{id1}")), "{list}");
    assert!(!list.contains(&format!("C-{id2}")), "{list}");
    assert!(drill.body.contains("Contacten achter: Beantwoord"));
    // No name or message text of a resident appears in the report.
    let main = extract(&drill.body, "<main", "</main>").expect("main");
    for secret in ["Jan", "Piet", "Marie", "aanslag", "stadhuis"] {
        assert!(!main.contains(secret), "{secret} in the report page");
    }

    // The CSV: one line per contact, the same numbers.
    let csv = sam
        .get("/staff/rapportage/contacten.csv?periode=today")
        .await;
    assert_eq!(csv.status, 200);
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4, "{}", csv.body);
    let figures = sam.get("/staff/rapportage/cijfers.csv?periode=today").await;
    assert_eq!(figures.status, 200);
    let mut reader = csv::Reader::from_reader(figures.body.as_bytes());
    let header = reader.headers().unwrap().clone();
    let total = reader.records().next().unwrap().unwrap();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .map(|i| total[i].to_string())
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    assert_eq!(col("offered"), "3");
    assert_eq!(col("answered"), "1");
    assert_eq!(col("abandoned"), "1");
    assert_eq!(col("short_abandoned"), "1");

    // A filter keeps its part only: the chat queue holds them all, the video queue none.
    let video = sam
        .get("/staff/rapportage?periode=today&kanaal=video")
        .await;
    assert_eq!(figure(&video.body, "Aangeboden"), "0");

    // Bad filters: a clear error on the field, nothing shown as if it were right.
    let custom = sam.get("/staff/rapportage?periode=custom&van=&tot=").await;
    assert_eq!(custom.status, 400);
    assert!(
        custom
            .body
            .contains("Vul bij &#39;Zelf kiezen&#39; een begin- en einddatum in.")
            || custom
                .body
                .contains("Vul bij 'Zelf kiezen' een begin- en einddatum in.")
    );
    let backwards = sam
        .get("/staff/rapportage?periode=custom&van=30-11-2026&tot=01-11-2026")
        .await;
    assert_eq!(backwards.status, 400);
    assert!(
        backwards
            .body
            .contains("De einddatum ligt voor de begindatum.")
    );
    let bogus = sam.get("/staff/rapportage?kanaal=fax").await;
    assert_eq!(bogus.status, 400);
    assert!(bogus.body.contains("Deze keuze bestaat niet."));
    assert_eq!(
        sam.get("/staff/rapportage/cijfers.csv?kanaal=fax")
            .await
            .status,
        400
    );
    server.stop().await;
}
