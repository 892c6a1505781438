//! The opening-hours editor speaks the page's language: every validation message, also
//! what is wrong with a day's times, is Dutch in the Dutch interface and English in the
//! English one.

use crate::common::*;
use loket::store::Role;

async fn post_day(sup: &Browser, queue: i64, day0: &str) -> Page {
    let csrf = sup.csrf("/staff/openingstijden").await;
    sup.post(
        &format!("/staff/openingstijden/{queue}"),
        &[("limited", "1"), ("day0", day0), ("exceptions", "")],
        &csrf,
    )
    .await
}

#[tokio::test]
async fn opening_hours_errors_are_in_the_page_language() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    let queue = server.store().queues().await.unwrap()[0].id;
    let sup = server.browser();
    sup.login("sanne").await;

    let nl = [
        ("9-5", "maandag: \"9-5\" is geen tijd zoals 09:00-17:00."),
        (
            "17:00-09:00",
            "maandag: 17:00-09:00 eindigt voordat het begint.",
        ),
        (
            "09:00-12:00, 11:00-13:00",
            "maandag: 09:00-12:00 en 11:00-13:00 lopen door elkaar.",
        ),
    ];
    for (input, message) in nl {
        let bad = post_day(&sup, queue, input).await;
        assert_eq!(bad.status, 400);
        let text = bad.body.replace("&quot;", "\"").replace("&#34;", "\"");
        assert!(text.contains(message), "{message} in:\n{}", bad.body);
        for english in ["is not a time span", "ends before it starts", "overlap"] {
            assert!(
                !text.contains(english),
                "no English in the Dutch page: {english}"
            );
        }
    }

    assert_eq!(sup.get("/taal/en?terug=/").await.status, 303);
    let en = [
        ("9-5", "Monday: \"9-5\" is not a time such as 09:00-17:00."),
        ("17:00-09:00", "Monday: 17:00-09:00 ends before it starts."),
        (
            "09:00-12:00, 11:00-13:00",
            "Monday: 09:00-12:00 and 11:00-13:00 overlap.",
        ),
    ];
    for (input, message) in en {
        let bad = post_day(&sup, queue, input).await;
        assert_eq!(bad.status, 400);
        let text = bad.body.replace("&quot;", "\"").replace("&#34;", "\"");
        assert!(text.contains(message), "{message} in:\n{}", bad.body);
    }
}
