//! Hostile input against a real server (issue "Prove it holds", first part): security
//! headers on every kind of page, markup in every new field shown as text, open
//! redirects, path traversal in the file routes, oversized bodies, bad tokens.

mod common;

use common::*;
use loket::store::Role;

const SCRIPT: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

/// Raw GET with the response headers (the common client follows no redirects).
async fn head(server: &Server, path: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{}", server.base, path))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_kind_of_page_carries_the_security_headers() {
    let server = Server::start().await;
    for path in [
        "/",
        "/chat/start",
        "/video/start?met=tolk",
        "/bericht",
        "/kiosk",
        "/staff/login",
        "/toegankelijkheid",
        "/bestaat-niet",
        "/static/js/call.js",
        "/healthz",
    ] {
        let r = head(&server, path).await;
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(csp.contains("script-src 'self'"), "{path}: CSP {csp:?}");
        assert!(!csp.contains("unsafe-inline"), "{path}: no inline script");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(
            h.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert!(h.get("referrer-policy").is_some(), "{path}");
    }
}

#[tokio::test]
async fn markup_in_new_fields_is_shown_as_text() {
    let server = Server::start().await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    let resident = server.browser();
    let csrf = resident.csrf("/bericht").await;
    let sent = resident
        .post(
            "/bericht",
            &[
                ("name", "<b>Kees</b>"),
                ("message", SCRIPT),
                ("reach", "return"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 303);
    let confirmation = resident.get(sent.location.as_deref().unwrap()).await;
    let link = extract(&confirmation.body, "href=\"/chat/", "\"").unwrap();
    let page = resident.get(&format!("/chat/{link}")).await;
    assert!(!page.body.contains("<script>alert"), "never raw");
    assert!(!page.body.contains("<img src=x"), "never raw");
    assert!(page.body.contains("&lt;script&gt;") || page.body.contains("&#60;script&#62;"));

    // A kiosk name and location with markup, from a supervisor.
    let sup = server.browser();
    sup.login("sanne").await;
    let csrf = sup.csrf("/staff/kiosks").await;
    let made = sup
        .post(
            "/staff/kiosks",
            &[
                ("name", SCRIPT),
                ("location", "<i>hal</i>"),
                ("idle", "120"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(made.status, 200);
    assert!(!made.body.contains("<script>alert"));
    assert!(!made.body.contains("<i>hal</i>"));
    // Opening hours with markup: refused as unreadable, echoed escaped.
    let csrf = sup.csrf("/staff/openingstijden").await;
    let bad = sup
        .post(
            "/staff/openingstijden/1",
            &[("limited", "1"), ("day0", SCRIPT)],
            &csrf,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(!bad.body.contains("<script>alert"));
}

#[tokio::test]
async fn no_open_redirects_no_traversal_no_oversized_bodies() {
    let server = Server::start().await;
    // The language switch only returns to local paths.
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let r = head(&server, &format!("/taal/en?terug={}", urlencode(evil))).await;
        let to = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(
            to.starts_with('/') && !to.starts_with("//"),
            "{evil} -> {to}"
        );
        assert!(!to.contains("evil"), "{evil} -> {to}");
    }
    // Short links accept only known topics, never a path or URL.
    for evil in ["..%2F..%2Fetc%2Fpasswd", "https:%2F%2Fevil.example", "%00"] {
        let r = head(&server, &format!("/o/{evil}")).await;
        assert_eq!(r.status(), 404, "/o/{evil}");
    }
    // Static files: only the compiled-in list.
    for evil in [
        "/static/../Cargo.toml",
        "/static/..%2F..%2FCargo.toml",
        "/static/js/..%2F..%2F..%2Fsrc%2Fmain.rs",
        "/static/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let r = head(&server, evil).await;
        assert_eq!(r.status(), 404, "{evil}");
    }
    // Capability tokens of the wrong shape and kiosk links that do not exist.
    for path in [
        "/chat/..%2F..",
        "/bericht/x",
        "/kiosk/aanmelden/nope",
        "/chat/%3Cscript%3E",
    ] {
        assert_eq!(head(&server, path).await.status(), 404, "{path}");
    }
    // Oversized form bodies are refused before any handler runs.
    let resident = server.browser();
    let csrf = resident.csrf("/bericht").await;
    let huge = "x".repeat(200 * 1024);
    let r = resident
        .post(
            "/bericht",
            &[("message", &huge), ("reach", "return")],
            &csrf,
        )
        .await;
    assert_eq!(r.status, 413);
}
