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

/// The supervisors' short-links page fetched with `Host: evil.example`.
async fn links_page_with_host(server: &Server, b: &Browser, host: &str) -> String {
    b.client
        .get(format!("{}/staff/links", server.base))
        .header("host", host)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Issue 13, item 12: links that are printed or sent are built from `[security]
/// public_url`, not from the `Host` a request names.
#[tokio::test]
async fn printed_links_use_the_public_url_not_the_requests_host() {
    async fn setup(server: &Server) -> Browser {
        server.add_staff("sanne", Role::Supervisor, &[], 3).await;
        server
            .store()
            .add_topic("afval", "Afval", "Waste collection", false)
            .await
            .unwrap();
        let b = server.browser();
        b.login("sanne").await;
        b
    }
    // Without it (one machine, development), the request's host is used: this is what an
    // attacker could abuse on the open internet.
    let server = Server::start().await;
    let b = setup(&server).await;
    let page = links_page_with_host(&server, &b, "evil.example").await;
    assert!(page.contains("http://evil.example/o/afval"), "{page}");
    server.stop().await;

    let server = Server::start_with(|c| {
        c.secure_cookies = true;
        c.security.public_url = Some("https://loket.example.org".into());
    })
    .await;
    let b = setup(&server).await;
    let page = links_page_with_host(&server, &b, "evil.example").await;
    assert!(page.contains("https://loket.example.org/o/afval"), "{page}");
    assert!(!page.contains("evil.example"), "{page}");
    // The kiosk enrolment link too.
    let csrf = b.csrf("/staff/kiosks").await;
    let p = b
        .post(
            "/staff/kiosks",
            &[("name", "Hal"), ("location", "Stadhuis"), ("idle", "90")],
            &csrf,
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b
        .client
        .get(format!("{}/staff/kiosks", server.base))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("https://loket.example.org/kiosk/aanmelden/"),
        "{page}"
    );
    assert!(!page.contains("evil.example"), "{page}");
    server.stop().await;
}

#[test]
fn public_url_must_match_the_scheme_and_have_no_path() {
    use loket::config::Config;
    let env = |_: &str| -> Option<String> { None };
    let load = |toml: &str| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loket.toml");
        std::fs::write(&path, toml).unwrap();
        Config::load(Some(&path), env)
    };
    assert!(
        load("secure_cookies = true\n[security]\npublic_url = \"https://loket.example.org\"\n")
            .is_ok()
    );
    assert!(load("[security]\npublic_url = \"http://127.0.0.1:8080/\"\n").is_ok());
    for bad in [
        "secure_cookies = true\n[security]\npublic_url = \"http://loket.example.org\"\n",
        "secure_cookies = true\n[security]\npublic_url = \"https://loket.example.org/pad\"\n",
        "secure_cookies = true\n[security]\npublic_url = \"https://evil.example@x\"\n",
        "[security]\npublic_url = \"loket.example.org\"\n",
    ] {
        assert!(load(bad).is_err(), "{bad}");
    }
}
