//! Hostile input against a real server (issue "Prove it holds", first part): security
//! headers on every kind of page, markup in every new field shown as text, open
//! redirects, path traversal in the file routes, oversized bodies, bad tokens.

use crate::common::*;
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
    let page = resident.get(sent.location.as_deref().unwrap()).await;
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
    assert_eq!(made.status, 303);
    let made = sup.get("/staff/kiosks").await;
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

#[tokio::test]
async fn hostile_frames_get_an_error_or_a_close_with_reason() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

    let server = Server::start().await;
    let token = server.browser().start_chat("", "vraag").await;
    let url = server.ws_url(&format!("/ws/chat/{token}"));

    // Deeply nested JSON (arrays, objects, inside a real frame type): a typed error and
    // the connection stays usable.
    let mut ws = Ws::connect(&url, None).await;
    let deep_array = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_body = format!(
        r#"{{"type":"send","client_id":"d","body":{}1{}}}"#,
        r#"{"a":"#.repeat(5_000),
        "}".repeat(5_000)
    );
    for frame in [
        deep_array.as_str(),
        deep_body.as_str(),
        "\u{0}",
        "null",
        "[]",
    ] {
        ws.send_raw(frame).await;
        let err = ws.expect("error", |_| true).await;
        assert!(
            ["invalid_json", "invalid_frame"].contains(&err["code"].as_str().unwrap()),
            "{err}"
        );
    }
    ws.send(serde_json::json!({"type": "ping"})).await;
    ws.expect("pong", |_| true).await;

    // A frame over the limit, and text that is not UTF-8: closed with a code and reason.
    let cases: [(WsMessage, u16, &str); 2] = [
        (WsMessage::Text("x".repeat(40 * 1024).into()), 1009, "limit"),
        (
            WsMessage::Frame(Frame::message(
                vec![b'"', 0xff, 0xfe, b'"'],
                OpCode::Data(Data::Text),
                true,
            )),
            1007,
            "UTF-8",
        ),
    ];
    for (bad, code, reason) in cases {
        let (mut raw, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .unwrap();
        raw.next().await.unwrap().unwrap(); // hello
        raw.send(bad).await.unwrap();
        let close = loop {
            match tokio::time::timeout(std::time::Duration::from_secs(5), raw.next()).await {
                Ok(Some(Ok(WsMessage::Close(Some(c))))) => break c,
                Ok(Some(Ok(_))) => continue,
                other => panic!("expected a close frame with a reason, got {other:?}"),
            }
        };
        assert_eq!(u16::from(close.code), code, "{close:?}");
        assert!(close.reason.contains(reason), "{close:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn no_header_injection_no_redirect_after_login_and_secure_cookies_over_tls() {
    // As behind a TLS-terminating proxy: `secure_cookies = true`.
    let server = Server::start_with(|c| c.secure_cookies = true).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;

    // CR/LF in a value that ends up in a Location header cannot add a header.
    let r = head(&server, "/taal/en?terug=/x%0d%0aSet-Cookie:%20evil=1%0d%0a").await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(!location.contains(['\r', '\n']), "{location:?}");
    assert!(
        !r.headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("evil")),
        "no injected cookie"
    );

    // Login goes to the console whatever "next" or "return" parameter is offered.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let first = client
        .get(format!(
            "{}/staff/login?next=https://evil.example/",
            server.base
        ))
        .send()
        .await
        .unwrap();
    let mut cookies: Vec<String> = first
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let page = first.text().await.unwrap();
    let csrf = extract(&page, "name=\"csrf\" value=\"", "\"").unwrap();
    let resp = client
        .post(format!(
            "{}/staff/login?next=https%3A%2F%2Fevil.example%2F",
            server.base
        ))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "anna"),
            ("password", PASSWORD),
            ("next", "https://evil.example/"),
            ("return", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/staff");
    cookies.extend(
        resp.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string()),
    );

    // Every cookie (CSRF seed, staff session) is Secure, HttpOnly and SameSite.
    assert!(cookies.len() >= 2, "{cookies:?}");
    for c in &cookies {
        assert!(c.contains("; Secure"), "{c}");
        assert!(c.contains("; HttpOnly"), "{c}");
        assert!(c.contains("; SameSite="), "{c}");
    }
    server.stop().await;
}

#[tokio::test]
async fn markup_in_every_field_a_person_types_is_shown_as_text() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let (anna_http, mut anna) = available_agent(&server, "anna").await;
    let resident = server.browser();

    // The chat form's name and question.
    let token = resident.start_chat(SCRIPT, SCRIPT).await;
    let offer = anna.expect("offer", |_| true).await;
    let id = offer["conversation"].as_i64().unwrap();
    anna.send(serde_json::json!({"type": "accept", "conversation": id}))
        .await;
    anna.expect("assigned", |_| true).await;
    // A resident message and an agent reply (the forms without JavaScript), and a reply
    // too long to send (echoed back into its box).
    let csrf = resident.csrf(&format!("/chat/{token}")).await;
    let sent = resident
        .post(
            &format!("/chat/{token}/send"),
            &[("message", SCRIPT), ("client_id", "h1")],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 303);
    let csrf = anna_http.csrf("/staff").await;
    let sent = anna_http
        .post(
            &format!("/staff/chats/{id}/send"),
            &[("message", SCRIPT), ("client_id", "h2")],
            &csrf,
        )
        .await;
    assert_eq!(sent.status, 303);
    let too_long = format!("{SCRIPT}{}", "x".repeat(2_100));
    let refused = anna_http
        .post(
            &format!("/staff/chats/{id}/send"),
            &[("message", too_long.as_str()), ("client_id", "h3")],
            &csrf,
        )
        .await;
    // An accessibility problem report (it reaches an agent as a contact).
    let csrf = resident.csrf("/toegankelijkheid").await;
    let report = resident
        .post(
            "/toegankelijkheid/melding",
            &[("problem", SCRIPT), ("page", SCRIPT), ("name", SCRIPT)],
            &csrf,
        )
        .await;
    assert!(report.status < 400, "{}", report.status);
    // A username echoed in the login error.
    let stranger = server.browser();
    let csrf = stranger.csrf("/staff/login").await;
    let login = stranger
        .post(
            "/staff/login",
            &[("username", SCRIPT), ("password", "fout")],
            &csrf,
        )
        .await;

    let pages = [
        (
            "resident's conversation",
            resident.get(&format!("/chat/{token}")).await.body,
        ),
        (
            "transcript",
            resident
                .get(&format!("/chat/{token}/transcript"))
                .await
                .body,
        ),
        ("console", anna_http.get("/staff").await.body),
        ("console with the refused reply", refused.body),
        ("login error", login.body),
    ];
    for (what, body) in &pages {
        assert!(!body.contains("<script>alert"), "{what}: raw script");
        assert!(!body.contains("<img src=x"), "{what}: raw img");
    }
    for (what, body) in &pages[..3] {
        assert!(
            body.contains("&lt;script&gt;") || body.contains("&#60;script&#62;"),
            "{what}: shown as text"
        );
    }
    server.stop().await;
}
