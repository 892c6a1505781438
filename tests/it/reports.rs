//! Reports end to end (issue 16): residents and agents go through the real server
//! (answered, declined, abandoned quickly and after a wait, a left message), then a
//! supervisor reads `/staff/rapportage` and its two CSV files, and the numbers are the
//! ones that happened. Agents cannot open the reports; bad filters get a clear error.
//! The satisfaction survey a resident answers after an ended contact shows in the page
//! and both CSV files, and a staff member's survey figures below the minimum number of
//! answers are hidden everywhere.

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
        // One answer is enough to be shown here (the hiding rule has its own test below).
        c.reports.survey_min_answers = 1;
    })
    .await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    server
        .add_staff("sam", Role::Supervisor, &["chat"], 1)
        .await;
    let (anna_http, mut anna) = available_agent(&server, "anna").await;

    // 1. Answered, ended by the agent, wrapped up as resolved.
    let r1 = server.browser();
    let token1 = r1.start_chat("Jan", "Waar vind ik mijn aanslag?").await;
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
    // The resident answers the satisfaction survey on the page of the ended chat.
    let csrf1 = r1.csrf(&format!("/chat/{token1}")).await;
    let answered = r1
        .post(
            &format!("/chat/{token1}/enquete"),
            &[
                ("satisfaction", "4"),
                ("answered", "partly"),
                ("connection", ""),
                ("comment", "Vriendelijk geholpen, groet van Jan"),
            ],
            &csrf1,
        )
        .await;
    assert_eq!(answered.status, 303, "{}", answered.body);

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
    // The survey: offered after the answered chat ended (not after the abandons), and
    // answered with a 4 and "partly".
    let survey = extract(body, "id=\"survey-figures\"", "</table>").expect("survey figures");
    assert_eq!(figure(&survey, "Enquête aangeboden"), "1");
    assert_eq!(figure(&survey, "Enquête ingevuld"), "1");
    assert_eq!(figure(&survey, "Enquête niet ingevuld"), "0");
    assert_eq!(figure(&survey, "Respons"), "100,0%");
    assert_eq!(figure(&survey, "Gemiddeld cijfer voor tevredenheid"), "4,0");
    assert_eq!(figure(&survey, "Cijfer 4: tevreden"), "1");
    // A zero has no link, only its share beside it.
    assert_eq!(figure(&survey, "Cijfer 5: heel tevreden"), "0 (0,0%)");
    assert_eq!(figure(&survey, "Vraag beantwoord: deels"), "1");
    assert_eq!(figure(&survey, "Vraag beantwoord: ja"), "0 (0,0%)");
    assert!(survey.contains("(100,0%)"), "{survey}");
    assert!(survey.contains("Nooit een gemiddelde van gemiddelden."));
    let per_agent = extract(body, "id=\"tevredenheid-medewerker-table\"", "</table>")
        .expect("survey per staff member");
    assert!(
        per_agent.contains("<th scope=\"row\">anna name</th><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">100,0%</td><td class=\"num\">4,0</td><td class=\"num\">0,0%</td>"),
        "{per_agent}"
    );
    assert!(body.contains("id=\"tevredenheid-tolk-table\""));
    // The score opens the contact behind it.
    let drill = sam
        .get("/staff/rapportage?periode=today&cijfer=satisfaction-4")
        .await;
    let list = extract(&drill.body, "id=\"drill-table\"", "</table>").expect("a list");
    assert!(list.contains(&format!("C-{id1}")), "{list}");
    assert!(
        !drill.body.contains("Vriendelijk"),
        "the comment is not in the report"
    );

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
    let contact_header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4, "{}", csv.body);
    let cell = |row: &csv::StringRecord, name: &str| {
        let i = contact_header.iter().position(|h| h == name).unwrap();
        row[i].to_string()
    };
    let first = rows
        .iter()
        .find(|r| r[0] == format!("C-{id1}"))
        .expect("the answered chat");
    assert_eq!(cell(first, "survey_offered"), "ja");
    assert_eq!(cell(first, "survey_answered"), "ja");
    assert_eq!(cell(first, "satisfaction"), "4");
    assert_eq!(cell(first, "question_answered"), "partly");
    assert_eq!(cell(first, "connection"), "");
    let second = rows.iter().find(|r| r[0] == format!("C-{id2}")).unwrap();
    assert_eq!(cell(second, "survey_offered"), "nee");
    assert!(!csv.body.contains("Vriendelijk"));
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
    assert_eq!(col("survey_offered"), "1");
    assert_eq!(col("survey_answered"), "1");
    assert_eq!(col("survey_response_pct"), "100.0");
    assert_eq!(col("satisfaction_avg"), "4.0");
    assert_eq!(col("satisfaction_4"), "1");
    assert_eq!(col("question_partly"), "1");
    assert_eq!(col("survey_note"), "");

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

/// A staff member with fewer answers than the minimum (5 by default) is not judged on
/// them: the page says "te weinig antwoorden", and neither the page, the list behind a
/// number nor either CSV gives the score away.
#[tokio::test]
async fn a_single_survey_answer_is_not_shown() {
    let server = Server::start_with(|c| c.intake = wide_intake()).await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    server
        .add_staff("sam", Role::Supervisor, &["chat"], 1)
        .await;
    let (_anna_http, mut anna) = available_agent(&server, "anna").await;
    let r = server.browser();
    let token = r.start_chat("Jan", "Een vraag").await;
    let id = accept_next(&mut anna).await;
    anna.send(json!({"type": "end", "conversation": id})).await;
    anna.expect("released", |f| f["conversation"] == id).await;
    let csrf = r.csrf(&format!("/chat/{token}")).await;
    let answered = r
        .post(
            &format!("/chat/{token}/enquete"),
            &[("satisfaction", "2"), ("answered", "no"), ("comment", "")],
            &csrf,
        )
        .await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    // A second answer to the same survey is not stored (the first stands).
    let again = r
        .post(
            &format!("/chat/{token}/enquete"),
            &[("satisfaction", "5"), ("answered", "yes")],
            &csrf,
        )
        .await;
    assert_eq!(again.status, 303);

    let sam = server.browser();
    sam.login("sam").await;
    let too_few = "te weinig antwoorden (minder dan 5)";
    let page = sam.get("/staff/rapportage?periode=today").await;
    assert_eq!(page.status, 200);
    let section = extract(&page.body, "id=\"tevredenheid\"", "id=\"per-uur\"").unwrap();
    // The team total is anna's one answer: withheld too, and no figure table at all.
    assert!(section.contains(too_few), "{section}");
    assert!(!section.contains("id=\"survey-figures\""));
    let per_agent = extract(
        section.as_str(),
        "id=\"tevredenheid-medewerker-table\"",
        "</table>",
    )
    .expect("survey per staff member");
    assert!(
        per_agent.contains(&format!("<th scope=\"row\">anna name</th><td colspan=\"5\" class=\"survey-hidden\">{too_few}</td>")),
        "{per_agent}"
    );
    // Also filtered on anna, per queue and channel: nothing but the words.
    let anna_id = server
        .store()
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "anna")
        .unwrap()
        .id;
    let filtered = sam
        .get(&format!(
            "/staff/rapportage?periode=today&medewerker={anna_id}"
        ))
        .await;
    let section = extract(&filtered.body, "id=\"tevredenheid\"", "id=\"per-uur\"").unwrap();
    assert!(!section.contains("<td class=\"num\">"), "{section}");
    // The list behind the score, asked for by its address, shows neither contact nor count.
    let drill = sam
        .get("/staff/rapportage?periode=today&cijfer=satisfaction-2")
        .await;
    assert_eq!(drill.status, 200);
    let list = extract(&drill.body, "id=\"lijst\"", "</section>").unwrap();
    assert!(!list.contains(&format!("C-{id}")), "{list}");
    assert!(list.contains(too_few), "{list}");
    assert!(!list.contains("1 contact."), "{list}");
    // The CSV files: empty survey cells, with the reason.
    let figures = sam.get("/staff/rapportage/cijfers.csv?periode=today").await;
    let mut reader = csv::Reader::from_reader(figures.body.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |row: &csv::StringRecord, name: &str| {
        let i = header.iter().position(|h| h == name).unwrap();
        row[i].to_string()
    };
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        rows += 1;
        for name in [
            "survey_answered",
            "satisfaction_avg",
            "satisfaction_2",
            "question_no",
        ] {
            assert_eq!(col(&row, name), "", "{name} in {:?}", &row[0]);
        }
        if row[0].starts_with("agent: anna") || &row[0] == "Totaal" {
            assert_eq!(col(&row, "survey_note"), too_few);
        }
    }
    assert!(rows > 2);
    let contacts = sam
        .get("/staff/rapportage/contacten.csv?periode=today")
        .await;
    let mut reader = csv::Reader::from_reader(contacts.body.as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let col = |name: &str| row[header.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(col("survey_offered"), "ja");
    assert_eq!(col("survey_answered"), "");
    assert_eq!(col("satisfaction"), "");
    assert_eq!(col("question_answered"), "");
    server.stop().await;
}

/// Reports are computed one at a time: many at once (a refresh held down, a script) all
/// get their answer, in turn, and the chat keeps working meanwhile.
#[tokio::test]
async fn many_reports_at_once_wait_their_turn() {
    let server = Server::start_with(|c| c.intake = wide_intake()).await;
    server
        .add_staff("sam", Role::Supervisor, &["chat"], 1)
        .await;
    let sam = server.browser();
    sam.login("sam").await;
    let asks = (0..12).map(|i| {
        let path = if i % 3 == 0 {
            "/staff/rapportage/contacten.csv?periode=this-quarter"
        } else {
            "/staff/rapportage?periode=this-quarter"
        };
        sam.get(path)
    });
    let resident = server.browser();
    let (pages, token) = tokio::join!(
        futures_util::future::join_all(asks),
        resident.start_chat("Jan", "Een vraag tussendoor")
    );
    assert!(pages.iter().all(|p| p.status == 200));
    assert_eq!(resident.get(&format!("/chat/{token}")).await.status, 200);
}
