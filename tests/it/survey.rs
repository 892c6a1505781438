//! The satisfaction survey end to end (issue 16): a resident whose chat was answered and
//! ended gets the questions on the ended page, answers by form (errors at their fields,
//! answers kept), is thanked, and cannot answer twice; a resident who stopped waiting gets
//! no survey; the comment is masked before it is stored; the event log carries the score.

use crate::common::*;
use loket::insight::{ContactRef, QuestionAnswered};
use loket::store::Role;
use serde_json::json;

#[tokio::test]
async fn an_answered_contact_gets_the_survey_and_an_abandoned_one_does_not() {
    let server = Server::start_with(|c| c.intake = wide_intake()).await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    server.add_staff("priv", Role::Privacy, &[], 1).await;
    let (_anna_http, mut anna) = available_agent(&server, "anna").await;

    let r = server.browser();
    let token = r
        .start_chat("Jan Enquête", "Waar vind ik mijn aanslag?")
        .await;
    let id = accept_next(&mut anna).await;
    // While the chat goes on, there is nothing to answer.
    let page = r.get(&format!("/chat/{token}")).await;
    assert!(!page.body.contains("survey-form"));
    anna.send(json!({"type": "end", "conversation": id})).await;
    anna.expect("released", |f| f["conversation"] == id).await;

    let page = r.get(&format!("/chat/{token}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<h2 id=\"survey-title\">Wat vond u van dit contact?</h2>")
    );
    assert!(
        page.body
            .contains(&format!("action=\"/chat/{token}/enquete\""))
    );
    assert!(
        page.body
            .contains("<legend>Hoe tevreden bent u over dit contact?</legend>")
    );
    assert!(page.body.contains("5 – Heel tevreden"));
    assert!(
        page.body
            .contains("<legend>Is uw vraag beantwoord?</legend>")
    );
    // No interpreter took part: no question about seeing each other.
    assert!(!page.body.contains("Kon u elkaar goed zien"));
    let csrf = r.csrf(&format!("/chat/{token}")).await;
    let path = format!("/chat/{token}/enquete");

    // Nothing chosen: both questions say so, linked from the summary.
    let bad = r.post(&path, &[], &csrf).await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body
            .contains("href=\"#survey-satisfaction-1\">Kies hoe tevreden u bent.</a>")
    );
    assert!(
        bad.body
            .contains("href=\"#survey-answered-yes\">Kies of uw vraag is beantwoord.</a>")
    );
    assert!(
        bad.body.contains("<title>Fout:"),
        "{}",
        extract(&bad.body, "<title>", "</title>").unwrap_or_default()
    );
    // Made-up values are not answers.
    let bad = r
        .post(
            &path,
            &[("satisfaction", "9"), ("answered", "misschien")],
            &csrf,
        )
        .await;
    assert_eq!(bad.status, 400);
    // A comment over 500 characters: its error, and what was chosen stays chosen.
    let long = "a".repeat(501);
    let bad = r
        .post(
            &path,
            &[
                ("satisfaction", "4"),
                ("answered", "partly"),
                ("comment", &long),
            ],
            &csrf,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Uw opmerking is te lang."));
    assert!(bad.body.contains("value=\"4\" checked"));
    assert!(bad.body.contains("value=\"partly\" checked"));
    assert!(bad.body.contains(&long));
    // Nothing was stored by the refused forms.
    let facts = server.store().contact_facts(0, i64::MAX).await.unwrap();
    assert!(facts.iter().all(|f| f.survey.is_none()));
    assert_eq!(server.store().survey_comment(id).await.unwrap(), None);

    // Answered: thanks, and a BSN in the comment is masked before it is stored. The
    // connection question was not asked, so an answer to it is not kept.
    let ok = r
        .post(
            &path,
            &[
                ("satisfaction", "4"),
                ("answered", "partly"),
                ("connection", "good"),
                ("comment", "Snel geholpen. Mijn BSN is 111222333."),
            ],
            &csrf,
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(
        ok.location.as_deref(),
        Some(format!("/chat/{token}#survey").as_str())
    );
    let thanks = r.get(&format!("/chat/{token}")).await;
    assert!(thanks.body.contains("<title>Bedankt voor uw antwoorden"));
    assert!(thanks.body.contains("id=\"survey-thanks\""));
    assert!(!thanks.body.contains("survey-form"));
    let comment = server.store().survey_comment(id).await.unwrap().unwrap();
    assert!(comment.starts_with("Snel geholpen."), "{comment}");
    assert!(!comment.contains("111222333"), "{comment}");
    // A second answer changes nothing.
    let again = r
        .post(&path, &[("satisfaction", "1"), ("answered", "no")], &csrf)
        .await;
    assert_eq!(again.status, 303);

    // A resident who stopped waiting gets no survey, and cannot post one.
    let r2 = server.browser();
    anna.send(json!({"type": "presence", "presence": "away"}))
        .await;
    anna.expect("presence", |f| f["presence"] == "away").await;
    let token2 = r2.start_chat("Piet", "Tweede vraag").await;
    let csrf2 = r2.csrf(&format!("/chat/{token2}")).await;
    let left = r2.post(&format!("/chat/{token2}/end"), &[], &csrf2).await;
    assert_eq!(left.status, 303);
    let page2 = r2.get(&format!("/chat/{token2}")).await;
    assert!(!page2.body.contains("id=\"survey\""));
    let post2 = r2
        .post(
            &format!("/chat/{token2}/enquete"),
            &[("satisfaction", "5"), ("answered", "yes")],
            &csrf2,
        )
        .await;
    assert_eq!(post2.status, 303);

    // The report's facts: one offer, one answer with the first score; none for the other.
    let facts = server.store().contact_facts(0, i64::MAX).await.unwrap();
    let f = facts
        .iter()
        .find(|f| f.contact == ContactRef::Conversation(id))
        .unwrap();
    let answer = f.survey.unwrap();
    assert_eq!(answer.satisfaction, 4);
    assert_eq!(answer.answered, QuestionAnswered::Partly);
    assert_eq!(answer.connection, None);
    let offers = facts
        .iter()
        .filter(|f| f.survey_offered_at.is_some())
        .count();
    let answers = facts.iter().filter(|f| f.survey.is_some()).count();
    assert_eq!((offers, answers), (1, 1));

    // The comment is the resident's own words: the privacy officer's export holds it.
    let officer = server.browser();
    officer.login("priv").await;
    let file = officer
        .get("/staff/privacy/inzage.json?q=Jan%20Enqu%C3%AAte")
        .await;
    assert_eq!(file.status, 200);
    let json: serde_json::Value = serde_json::from_str(&file.body).unwrap();
    let comment = json["conversations"][0]["survey_comment"]
        .as_str()
        .unwrap_or_default();
    assert!(comment.starts_with("Snel geholpen."), "{}", file.body);
}
