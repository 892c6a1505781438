//! Left messages are asynchronous work, not live chats: they wait in the shared
//! "Berichten" list for staff with the skill, are picked up and answered the way the
//! resident chose (written, e-mail through a real SMTP relay, called back), and the
//! resident reads the answer with their link. The e-mail tests run a real SMTP server
//! (Debian's python3-aiosmtpd) on a loopback port and read what it received.

use crate::common::*;
use loket::config::{MailSettings, MailTls};
use loket::store::Role;
use std::path::PathBuf;
use std::time::Duration;

/// A real SMTP server process (aiosmtpd) that stores what it receives in a Maildir.
struct Smtp {
    child: std::process::Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A python with aiosmtpd, if this machine has one (`scripts/test-all` installs it).
fn smtp_python() -> Option<&'static str> {
    ["/usr/bin/python3", "python3"].into_iter().find(|p| {
        std::process::Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

impl Smtp {
    /// Starts the SMTP server on `port` (a free one when `None`); `None` when aiosmtpd is
    /// not installed (the caller prints SKIPPED).
    async fn start(port: Option<u16>) -> Option<Smtp> {
        let python = smtp_python()?;
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let port = port.unwrap_or_else(free_port);
        let child = std::process::Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let smtp = Smtp {
            child,
            port,
            maildir,
            _dir: dir,
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the SMTP server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(smtp)
    }

    /// Every message received so far, as raw text.
    fn received(&self) -> Vec<String> {
        let new = self.maildir.join("new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .collect()
    }

    async fn wait_for_mail(&self) -> String {
        for _ in 0..100 {
            if let Some(m) = self.received().into_iter().next() {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no mail arrived at the SMTP server");
    }
}

fn skipped(test: &str) {
    println!(
        "SKIPPED {test}: python3 with aiosmtpd is not installed (apt-get install python3-aiosmtpd)"
    );
}

fn relay(port: u16) -> MailSettings {
    MailSettings {
        host: "127.0.0.1".into(),
        port,
        from: "Gemeente Test <loket@gemeente.test>".into(),
        user: None,
        password: None,
        tls: MailTls::None,
        timeout_secs: 5,
    }
}

/// Leaves a message through the form; returns the path of the resident's page.
async fn leave(resident: &Browser, fields: &[(&str, &str)]) -> String {
    let csrf = resident.csrf("/bericht").await;
    let sent = resident.post("/bericht", fields, &csrf).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    sent.location.unwrap()
}

/// The id of the item whose reference is on `page` (`B-000-012` is 12). Only the shape
/// `B-ddd-ddd` counts: a random token in a link or nonce may hold `B-` too.
fn item_id(page: &str) -> i64 {
    page.match_indices("B-")
        .find_map(|(at, _)| {
            let rest = &page[at + 2..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '-'))
                .unwrap_or(rest.len());
            let digits = &rest[..end];
            let (a, b) = digits.split_once('-')?;
            let whole = a.len() >= 3 && b.len() == 3 && !b.contains('-');
            let id = format!("{a}{b}");
            (whole && id.chars().all(|c| c.is_ascii_digit())).then(|| id.parse().ok())?
        })
        .unwrap_or_else(|| panic!("no reference B-ddd-ddd on the page:\n{page}"))
}

async fn post_form(b: &Browser, path: &str, form: &[(&str, &str)]) -> Page {
    let csrf = b.csrf("/staff/berichten").await;
    b.post(path, form, &csrf).await
}

#[tokio::test]
async fn a_left_message_is_not_offered_as_a_live_chat_and_takes_no_capacity() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 1).await;
    let (anna_http, mut anna) = available_agent(&server, "anna").await;

    let resident = server.browser();
    let page = leave(
        &resident,
        &[
            ("name", "Kees"),
            ("message", "Mijn container is niet geleegd."),
            ("reach", "return"),
        ],
    )
    .await;
    // No offer, no live conversation, nothing on the agent's desk.
    let frames = anna.drain(1500).await;
    assert!(
        frames.iter().all(|f| f["type"] != "offer"),
        "a left message was offered: {frames:?}"
    );
    assert!(
        server
            .store()
            .open_conversations()
            .await
            .unwrap()
            .is_empty()
    );
    // Her one chat place is still free: a live chat is offered to her at once.
    server.browser().start_chat("Live", "Een live vraag").await;
    let offer = anna.expect("offer", |_| true).await;
    assert!(offer["preview"].as_str().unwrap().contains("live vraag"));

    // The resident's page is their message, not a queue.
    let mine = resident.get(&page).await;
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("<h1>Uw bericht is ontvangen</h1>"));
    assert!(mine.body.contains("Mijn container is niet geleegd."));
    assert!(mine.body.contains("U krijgt binnen 2 werkdagen antwoord."));
    for queue_words in ["wachtrij", "U bent nummer", "gebarentolk", "/ws/chat"] {
        assert!(
            !mine.body.contains(queue_words),
            "{queue_words} on the message page: {}",
            mine.body
        );
    }
    // It waits in the agent's Berichten list instead.
    let list = anna_http.get("/staff/berichten").await;
    assert!(list.body.contains("Mijn container is niet geleegd."));
    assert!(list.body.contains("Nieuw"));
}

#[tokio::test]
async fn berichten_list_by_skill_pick_up_and_written_answer() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    server.add_staff("bram", Role::Agent, &["chat"], 3).await;
    server
        .add_staff("tolk", Role::Interpreter, &["ngt"], 1)
        .await;
    server.add_staff("sanne", Role::Supervisor, &[], 3).await;
    let resident = server.browser();
    let page = leave(
        &resident,
        &[
            ("message", "Wanneer is het stadhuis open?"),
            ("reach", "return"),
        ],
    )
    .await;
    let id = item_id(&resident.get(&page).await.body);
    let detail = format!("/staff/berichten/{id}");

    let (anna, bram, tolk, sanne) = (
        server.browser(),
        server.browser(),
        server.browser(),
        server.browser(),
    );
    anna.login("anna").await;
    bram.login("bram").await;
    tolk.login("tolk").await;
    sanne.login("sanne").await;
    // In the list of staff with the skill (and of supervisors), not of the interpreter.
    for b in [&anna, &bram, &sanne] {
        let list = b.get("/staff/berichten").await;
        assert!(list.body.contains("Wanneer is het stadhuis open?"));
    }
    let list = tolk.get("/staff/berichten").await;
    assert_eq!(list.status, 200);
    assert!(!list.body.contains("stadhuis"), "{}", list.body);
    assert_eq!(tolk.get(&detail).await.status, 404);
    // The console links to the list.
    assert!(
        anna.get("/staff")
            .await
            .body
            .contains("href=\"/staff/berichten\"")
    );

    // Anna picks it up; Bram sees who has it and cannot pick it up or answer it.
    let p = post_form(&anna, &format!("{detail}/oppakken"), &[]).await;
    assert_eq!(p.status, 303);
    let b_list = bram.get("/staff/berichten").await;
    assert!(
        b_list.body.contains("Opgepakt door anna name"),
        "{}",
        b_list.body
    );
    let p = post_form(&bram, &format!("{detail}/oppakken"), &[]).await;
    let taken = bram.get(p.location.as_deref().unwrap()).await;
    assert!(taken.body.contains("al opgepakt door anna name"));
    assert!(
        !taken.body.contains("/antwoord\""),
        "no answer form for Bram"
    );
    let p = post_form(
        &bram,
        &format!("{detail}/antwoord"),
        &[("how", "written"), ("answer", "Van Bram")],
    )
    .await;
    assert!(p.location.unwrap().ends_with("melding=geweigerd"));

    // Anna's form fits the resident's choice: a written answer.
    let mine = anna.get(&detail).await;
    assert!(mine.body.contains("name=\"how\" value=\"written\""));
    let empty = post_form(
        &anna,
        &format!("{detail}/antwoord"),
        &[("how", "written"), ("answer", " ")],
    )
    .await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("Schrijf uw antwoord."));
    let p = post_form(
        &anna,
        &format!("{detail}/antwoord"),
        &[
            ("how", "written"),
            ("answer", "Het stadhuis is open van 9 tot 17 uur."),
        ],
    )
    .await;
    assert!(p.location.unwrap().ends_with("melding=beantwoord"));

    // The resident's page now shows the answer; no queue, no live chat.
    let answered = resident.get(&page).await;
    assert!(answered.body.contains("<h1>Antwoord op uw bericht</h1>"));
    assert!(answered.body.contains("<title>Antwoord op uw bericht - "));
    assert!(
        answered
            .body
            .contains("Het stadhuis is open van 9 tot 17 uur.")
    );
    assert!(answered.body.contains("Beantwoord op "));
    assert!(!answered.body.contains("wachtrij"));
    // An answered message counts as handled: it is listed as answered, by whom and how.
    let list = bram.get("/staff/berichten").await;
    assert!(
        list.body.contains("Beantwoord door anna name"),
        "{}",
        list.body
    );
    assert!(list.body.contains("schriftelijk"));
    let (new, picked, done) = server.store().inbox_counts().await.unwrap();
    assert_eq!((new, picked, done), (0, 0, 1));
}

#[tokio::test]
async fn a_phone_message_is_answered_as_called_back_with_a_note() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let resident = server.browser();
    let page = leave(
        &resident,
        &[
            ("message", "Bel mij over de afvalpas."),
            ("reach", "phone"),
            ("phone", "06 12345678"),
        ],
    )
    .await;
    let id = item_id(&resident.get(&page).await.body);
    let anna = server.browser();
    anna.login("anna").await;
    let detail = format!("/staff/berichten/{id}");
    post_form(&anna, &format!("{detail}/oppakken"), &[]).await;
    let form = anna.get(&detail).await;
    assert!(form.body.contains("Bel 06 12345678."));
    assert!(form.body.contains("Opslaan als teruggebeld"));
    let p = post_form(
        &anna,
        &format!("{detail}/antwoord"),
        &[("how", "called_back"), ("answer", "Pas wordt opgestuurd.")],
    )
    .await;
    assert!(p.location.unwrap().ends_with("melding=beantwoord"));
    let list = anna.get("/staff/berichten").await;
    assert!(list.body.contains("teruggebeld"));
    let mine = resident.get(&page).await;
    assert!(mine.body.contains("gebeld."));
    assert!(
        !mine.body.contains("Pas wordt opgestuurd."),
        "the note is internal"
    );
}

#[tokio::test]
async fn without_a_mail_relay_the_form_offers_no_email() {
    let server = Server::start().await;
    let resident = server.browser();
    let form = resident.get("/bericht").await;
    assert!(!form.body.contains("value=\"email\""), "{}", form.body);
    assert!(form.body.contains("value=\"phone\""));
    assert!(form.body.contains("value=\"return\""));
    let csrf = resident.csrf("/bericht").await;
    let refused = resident
        .post(
            "/bericht",
            &[
                ("message", "Vraag"),
                ("reach", "email"),
                ("email", "kees@voorbeeld.nl"),
            ],
            &csrf,
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("Kies hoe we u bereiken."));

    // With a relay configured, e-mail is offered.
    let with_mail = Server::start_with(|c| c.mail = Some(relay(free_port()))).await;
    let form = with_mail.browser().get("/bericht").await;
    assert!(form.body.contains("value=\"email\""));
}

#[tokio::test]
async fn the_confirmation_states_the_configured_promise() {
    for (days, nl, en) in [
        (
            5,
            "U krijgt binnen 5 werkdagen antwoord.",
            "You will get an answer within 5 working days.",
        ),
        (
            1,
            "U krijgt binnen 1 werkdag antwoord.",
            "You will get an answer within 1 working day.",
        ),
    ] {
        let server = Server::start_with(|c| c.messages.answer_within_days = days).await;
        let resident = server.browser();
        let page = leave(&resident, &[("message", "Vraag"), ("reach", "return")]).await;
        let p = resident.get(&page).await;
        assert!(p.body.contains(nl), "{}", p.body);
        resident.get("/taal/en").await;
        let p = resident.get(&page).await;
        assert!(p.body.contains(en), "{}", p.body);
    }
}

/// Picks up item `id` as `b` and answers it by e-mail.
async fn answer_by_email(b: &Browser, id: i64, text: &str) -> Page {
    let detail = format!("/staff/berichten/{id}");
    post_form(b, &format!("{detail}/oppakken"), &[]).await;
    let form = b.get(&detail).await;
    assert!(
        form.body.contains("name=\"how\" value=\"email\""),
        "{}",
        form.body
    );
    post_form(
        b,
        &format!("{detail}/antwoord"),
        &[("how", "email"), ("answer", text)],
    )
    .await
}

#[tokio::test]
async fn an_email_answer_arrives_at_the_smtp_relay() {
    let Some(smtp) = Smtp::start(None).await else {
        return skipped("an_email_answer_arrives_at_the_smtp_relay");
    };
    let server = Server::start_with(|c| c.mail = Some(relay(smtp.port))).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let resident = server.browser();
    let page = leave(
        &resident,
        &[
            ("message", "Hoe vraag ik een parkeervergunning aan?"),
            ("reach", "email"),
            ("email", "kees@voorbeeld.nl"),
        ],
    )
    .await;
    let confirmation = resident.get(&page).await;
    assert!(confirmation.body.contains("kees@voorbeeld.nl"));
    let id = item_id(&confirmation.body);
    let anna = server.browser();
    anna.login("anna").await;
    let p = answer_by_email(&anna, id, "U vraagt de vergunning aan via het loket.").await;
    assert!(p.location.unwrap().ends_with("melding=beantwoord"));

    let mail = smtp.wait_for_mail().await;
    let reference = loket::hub::reference(id);
    assert!(mail.contains("To: kees@voorbeeld.nl"), "{mail}");
    assert!(
        mail.contains(&format!("Subject: Antwoord op uw bericht {reference}")),
        "{mail}"
    );
    assert!(
        mail.contains("From: \"Gemeente Test\" <loket@gemeente.test>")
            || mail.contains("From: Gemeente Test <loket@gemeente.test>"),
        "{mail}"
    );
    assert!(
        mail.contains("U vraagt de vergunning aan via het loket."),
        "{mail}"
    );
    let list = anna.get("/staff/berichten").await;
    assert!(list.body.contains("per e-mail"));
    let mine = resident.get(&page).await;
    assert!(mine.body.contains("gemaild naar kees@voorbeeld.nl"));
}

#[tokio::test]
async fn a_failed_send_is_shown_as_failed_and_the_answer_is_kept() {
    // The relay is down: nothing listens on its port.
    let port = free_port();
    let server = Server::start_with(|c| c.mail = Some(relay(port))).await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    server.add_staff("bram", Role::Agent, &["chat"], 3).await;
    let resident = server.browser();
    let page = leave(
        &resident,
        &[
            ("message", "Mijn vraag"),
            ("reach", "email"),
            ("email", "kees@voorbeeld.nl"),
        ],
    )
    .await;
    let id = item_id(&resident.get(&page).await.body);
    let anna = server.browser();
    anna.login("anna").await;
    let text = "Dit antwoord mag niet verloren gaan.";
    let p = answer_by_email(&anna, id, text).await;
    let shown = anna.get(p.location.as_deref().unwrap()).await;
    assert!(
        shown.body.contains("De e-mail is niet verstuurd"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("role=\"alert\" id=\"send-failed\""));
    assert!(shown.body.contains(text), "the answer is kept in the form");
    let item = server.store().inbox_item(id).await.unwrap().unwrap();
    assert_eq!(item.answer_body.as_deref(), Some(text));
    assert_eq!(item.state, loket::store::InboxState::PickedUp);
    let list = server.browser();
    list.login("bram").await;
    assert!(
        list.get("/staff/berichten")
            .await
            .body
            .contains("E-mail niet verstuurd")
    );
    // The resident is not told it was answered.
    assert!(
        resident
            .get(&page)
            .await
            .body
            .contains("Uw bericht is ontvangen")
    );

    // Once the relay is back, the kept answer is sent again from the same form.
    let Some(smtp) = Smtp::start(Some(port)).await else {
        return skipped("a_failed_send_is_shown_as_failed_and_the_answer_is_kept (resend)");
    };
    let p = post_form(
        &anna,
        &format!("/staff/berichten/{id}/antwoord"),
        &[("how", "email"), ("answer", text)],
    )
    .await;
    assert!(p.location.unwrap().ends_with("melding=beantwoord"));
    assert!(smtp.wait_for_mail().await.contains(text));
}

#[tokio::test]
async fn interrupted_sends_are_marked_failed_at_start() {
    let server = Server::start().await;
    server.add_staff("anna", Role::Agent, &["chat"], 3).await;
    let resident = server.browser();
    let page = leave(&resident, &[("message", "Vraag"), ("reach", "return")]).await;
    let id = item_id(&resident.get(&page).await.body);
    let store = server.store().clone();
    let anna = store.user_by_name("anna").await.unwrap().unwrap().id;
    assert!(store.inbox_pick_up(id, anna).await.unwrap());
    assert!(
        store
            .inbox_keep_email(id, anna, "Onderwerp", "Tekst")
            .await
            .unwrap()
    );
    // A second send of the same answer cannot start while one is on its way.
    assert!(
        !store
            .inbox_keep_email(id, anna, "Onderwerp", "Tekst")
            .await
            .unwrap()
    );
    let dir = server.stop().await;
    let server = Server::start_in(dir, |_| {}).await;
    let item = server.store().inbox_item(id).await.unwrap().unwrap();
    assert_eq!(item.send_state, Some(loket::store::SendState::Failed));
    assert_eq!(item.answer_body.as_deref(), Some("Tekst"));
}

/// Messages left before the inbox existed waited as chats, and the migration moved them
/// to the inbox with the same token: their old chat link leads to the message's page.
#[tokio::test]
async fn an_old_chat_link_of_a_left_message_leads_to_the_message() {
    let server = Server::start().await;
    let resident = server.browser();
    let page = leave(&resident, &[("message", "Oude link"), ("reach", "return")]).await;
    let token = page.trim_start_matches("/bericht/");
    let old = resident.get(&format!("/chat/{token}")).await;
    assert_eq!(old.status, 303, "{}", old.body);
    assert_eq!(old.location.as_deref(), Some(page.as_str()));
    // An unknown token stays "not found".
    let unknown = resident
        .get(&format!("/chat/{}", "x".repeat(token.len())))
        .await;
    assert_eq!(unknown.status, 404);
}
