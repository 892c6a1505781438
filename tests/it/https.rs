//! Issue 13, item 11: behind HTTPS (`secure_cookies = true`) every response carries
//! `Strict-Transport-Security`, and every cookie is a `__Host-` cookie (`Secure`,
//! `Path=/`, no `Domain`) that a subdomain or a plain-HTTP page cannot plant; over plain
//! HTTP (the default) neither, and the cookies keep their plain names.

use crate::common::*;
use loket::store::Role;

/// Every `Set-Cookie` of a response.
fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// Logs `anna` in by hand; returns every cookie set on the way and the session cookie
/// as `name=value`.
async fn login_by_hand(server: &Server) -> (Vec<String>, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let first = client
        .get(format!("{}/staff/login", server.base))
        .send()
        .await
        .unwrap();
    let mut cookies = set_cookies(&first);
    let page = first.text().await.unwrap();
    let csrf = extract(&page, "name=\"csrf\" value=\"", "\"").unwrap();
    let resp = client
        .post(format!("{}/staff/login", server.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "anna"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "login with these cookie names works");
    cookies.extend(set_cookies(&resp));
    let session = cookies
        .iter()
        .map(|c| c.split(';').next().unwrap().to_string())
        .find(|c| c.contains("loket_session="))
        .unwrap();
    (cookies, session)
}

async fn get_with_cookie(server: &Server, path: &str, cookie: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_https_hsts_and_host_prefixed_cookies() {
    let server = Server::start_with(|c| c.secure_cookies = true).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    for path in [
        "/",
        "/staff/login",
        "/static/css/loket.css",
        "/healthz",
        "/nope",
    ] {
        let r = get_with_cookie(&server, path, "").await;
        assert_eq!(
            r.headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap()),
            Some("max-age=31536000"),
            "{path}"
        );
    }
    let (cookies, session) = login_by_hand(&server).await;
    assert!(
        cookies.len() >= 3,
        "csrf, session, known browser: {cookies:?}"
    );
    for c in &cookies {
        assert!(c.starts_with("__Host-loket_"), "{c}");
        assert!(c.contains("; Secure"), "{c}");
        assert!(c.contains("; Path=/;"), "{c}");
        assert!(!c.to_lowercase().contains("domain="), "{c}");
    }
    // The prefixed session cookie is the one read ...
    assert_eq!(
        get_with_cookie(&server, "/staff", &session).await.status(),
        200
    );
    // ... and the same value planted under the plain name (by a subdomain, or over plain
    // HTTP) is ignored.
    let plain = session.trim_start_matches("__Host-");
    assert_eq!(
        get_with_cookie(&server, "/staff", plain).await.status(),
        303
    );
    server.stop().await;
}

#[tokio::test]
async fn over_plain_http_no_hsts_and_plain_cookie_names() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let r = get_with_cookie(&server, "/", "").await;
    assert!(r.headers().get("strict-transport-security").is_none());
    let (cookies, session) = login_by_hand(&server).await;
    for c in &cookies {
        assert!(c.starts_with("loket_"), "{c}");
        assert!(!c.contains("Secure"), "{c}");
    }
    assert_eq!(
        get_with_cookie(&server, "/staff", &session).await.status(),
        200
    );
    // A `__Host-` cookie means nothing over plain HTTP.
    assert_eq!(
        get_with_cookie(&server, "/staff", &format!("__Host-{session}"))
            .await
            .status(),
        303
    );
    server.stop().await;
}
