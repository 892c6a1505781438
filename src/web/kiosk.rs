//! Kiosk mode: a shared terminal at a district office.
//!
//! A supervisor registers a kiosk (`/staff/kiosks`: name, location, inactivity timeout);
//! that yields a one-time enrolment link (`/kiosk/aanmelden/{token}`) which turns a
//! browser into the kiosk with a long-lived, HttpOnly device cookie. Only such a browser
//! can open `/kiosk`: very large touch targets, plain language, a pictogram and text per
//! channel, one touch to start. The contact records the kiosk's location as its origin.
//!
//! Privacy on a shared device: the kiosk shows only its *current* conversation. When the
//! conversation ends, or after inactivity (`static/js/kiosk.js`: a warning at least 20 s
//! before, announced, with a button to continue), the page posts `/kiosk/reset`: the
//! conversation is closed and forgotten by the kiosk, browser storage is cleared and the
//! start page replaces the conversation in the history. A later visit to that
//! conversation's address from the kiosk (the Back button) is sent to the start page, and
//! pages are `no-store`, so nothing of it is shown again.
//!
//! Every page shown on the kiosk (start page, conversation, leaving a message) has
//! `Base::kiosk` set: the large layout, one "Klaar, alles wissen", and no link that
//! leaves kiosk mode. A channel nobody can take now says when to try and offers to leave
//! a message on the kiosk itself (`/kiosk/bericht`).

use super::contact::{self, NewContact};
use super::ctx::{cookie, set_cookie};
use super::form::{CsrfForm, FieldError, NoFields, find_error, form_status, limit_hint};
use super::intake::Source;
use super::kiosk_device::{DEVICE_MAX_AGE, KIOSK_COOKIE, kiosk_of};
use super::redaction::{self, Checked, Choice, Place, RedactView};
use super::views::Base;
use super::{AppError, AppState, Ctx, front_door, wording};
use crate::auth::plausible_token;
use crate::hub::{Origin, Skill};
use crate::i18n::T;
use crate::schedule::{Schedule, day_text};
use crate::store::{InboxChannel, Kiosk, NewInboxItem, Reach};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// One channel on the kiosk start page.
#[derive(Debug, Clone)]
pub struct KioskChannel {
    /// `chat`, `tolk` or `medewerker`.
    pub kind: &'static str,
    /// Pictogram name (an inline SVG in the template).
    pub icon: &'static str,
    pub label: String,
    pub can_start: bool,
    /// The wait, or why it cannot start now and when it can.
    pub note: String,
}

/// Why a channel cannot start now, and when it can: closed (the door says when it opens
/// again), or open without anybody free (who is missing, today's hours, try later).
fn unavailable_note(
    t: T,
    kind: &str,
    door: &front_door::Door,
    schedule: Option<&Schedule>,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    if schedule.is_some_and(|s| !s.is_open(now)) {
        return door.reason.clone();
    }
    let nobody = t.s(if kind == "tolk" {
        "kiosk.nobody_interpreter"
    } else {
        "kiosk.nobody_employee"
    });
    let today = now
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    let when = match schedule.map(|s| s.spans_on(today)) {
        Some(spans) if !spans.is_empty() => {
            t.f("kiosk.hours_today", &[("hours", &day_text(spans))])
        }
        _ => t.s("kiosk.try_later").to_string(),
    };
    wording::join_sentences(nobody, &when)
}

#[derive(Template)]
#[template(path = "kiosk.html")]
pub struct KioskPage {
    pub base: Base,
    pub location: String,
    pub channels: Vec<KioskChannel>,
    /// The site's NGT video beside the sign-language button, when it has one.
    pub sign_video: Option<crate::web::sign_video::SignVideoView>,
}

#[derive(Template)]
#[template(path = "kiosk_refused.html")]
pub struct KioskRefusedPage {
    pub base: Base,
}

#[derive(Template)]
#[template(path = "kiosk_enrol.html")]
pub struct KioskEnrolPage {
    pub base: Base,
    pub token: String,
    pub name: String,
    pub location: String,
}

/// The base of a page shown on the kiosk (large layout, no links out of kiosk mode).
fn kiosk_base(ctx: &Ctx, title: &str) -> Base {
    let mut base = ctx.base(title);
    base.kiosk = true;
    base
}

fn refused(ctx: &Ctx) -> Result<Response, AppError> {
    let page = KioskRefusedPage {
        base: ctx.base(ctx.t.s("kiosk.refused_title")),
    };
    Ok((StatusCode::FORBIDDEN, Html(page.render()?)).into_response())
}

/// `GET /kiosk`: the kiosk's start page, or a clear refusal for any other browser.
pub async fn start_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    // A conversation still attached (the page was closed without a reset) is wiped now.
    reset_kiosk(&state, &kiosk).await?;
    let t = ctx.t;
    let queues = state.store.queues().await?;
    let schedules = state.store.queue_schedules().await?;
    let now = chrono::Utc::now();
    let mut channels = Vec::new();
    for (kind, skill, icon, label) in [
        ("chat", Skill::Chat, "kiosk-chat", "kiosk.chat"),
        (
            "tolk",
            Skill::Interpreting,
            "kiosk-sign",
            "kiosk.interpreter",
        ),
        ("medewerker", Skill::Video, "kiosk-video", "kiosk.video"),
    ] {
        let Some(q) = queues.iter().find(|q| skill.is_queue(&q.slug)) else {
            continue;
        };
        let door = front_door::door(&state, t, q, now).await?;
        channels.push(KioskChannel {
            kind,
            icon,
            label: t.s(label).into(),
            can_start: door.can_start,
            note: if door.can_start {
                door.wait_text
            } else {
                unavailable_note(t, kind, &door, schedules.get(&q.id), now)
            },
        });
    }
    let page = KioskPage {
        base: kiosk_base(&ctx, t.s("kiosk.title")),
        location: kiosk.location,
        channels,
        sign_video: crate::web::sign_video::for_page(
            &state,
            t,
            crate::web::sign_video::SignPage::Kiosk,
        ),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    kind: String,
}

/// `POST /kiosk/start`: one touch starts a chat or a video call.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<StartForm>,
) -> Result<Response, AppError> {
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    let skill = match f.kind.as_str() {
        "chat" => Skill::Chat,
        "tolk" => Skill::Interpreting,
        "medewerker" => Skill::Video,
        _ => return Err(AppError::BadRequest),
    };
    let queues = state.store.queues().await?;
    let queue = queues
        .iter()
        .find(|q| skill.is_queue(&q.slug))
        .ok_or(AppError::NotFound)?;
    if !front_door::door(&state, ctx.t, queue, chrono::Utc::now())
        .await?
        .can_start
    {
        return Ok(Redirect::to("/kiosk").into_response());
    }
    let origin = Origin::Kiosk {
        location: kiosk.location.clone(),
    };
    let new = NewContact {
        queue,
        topic: None,
        name: "",
        origin,
        first_message: "",
        lang: ctx.t.lang,
        source: &Source::Kiosk(kiosk.id),
    };
    let (conv, token) = contact::open(&state, new).await?;
    state
        .store
        .set_kiosk_conversation(kiosk.id, Some(conv.id))
        .await?;
    tracing::info!(
        kiosk = kiosk.id,
        conversation = conv.id,
        "kiosk contact started"
    );
    Ok(Redirect::to(&format!("/chat/{token}")).into_response())
}

/// Closes and forgets the kiosk's current conversation.
async fn reset_kiosk(state: &AppState, kiosk: &Kiosk) -> Result<(), AppError> {
    if let Some(conv) = kiosk.current_conversation {
        match state.hub.resident_leave(conv).await {
            Ok(()) | Err(crate::hub::HubError::Closed) => {}
            Err(e) => return Err(e.into()),
        }
        state.store.set_kiosk_conversation(kiosk.id, None).await?;
        tracing::info!(kiosk = kiosk.id, conversation = conv, "kiosk wiped");
    }
    Ok(())
}

/// `POST /kiosk/reset`: the resident is done (or gone): wipe and return to the start.
pub async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    reset_kiosk(&state, &kiosk).await?;
    Ok(Redirect::to("/kiosk").into_response())
}

/// `GET /kiosk/aanmelden/{token}`: confirm turning this browser into the kiosk.
pub async fn enrol_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if !plausible_token(&token) {
        return Err(AppError::NotFound);
    }
    let kiosk = state
        .store
        .kiosk_by_enrolment(&token)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = KioskEnrolPage {
        base: ctx.base(ctx.t.s("kiosk.enrol_title")),
        token,
        name: kiosk.name,
        location: kiosk.location,
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /kiosk/aanmelden/{token}`: this browser becomes the kiosk (the link is used up).
pub async fn enrol(
    State(state): State<AppState>,
    Path(token): Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    if !plausible_token(&token) {
        return Err(AppError::NotFound);
    }
    let (kiosk, device) = state
        .store
        .enrol_kiosk(&token)
        .await?
        .ok_or(AppError::NotFound)?;
    tracing::info!(kiosk = kiosk.id, "kiosk enrolled");
    let mut resp = Redirect::to("/kiosk").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            KIOSK_COOKIE,
            &device,
            Some(DEVICE_MAX_AGE),
            "Strict",
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}

// ----- leaving a message on the kiosk -------------------------------------------------
// When nobody is free (or the channel is closed), the kiosk offers to leave a message in
// its own large layout. The resident is reached by e-mail or phone (a link to come back
// to makes no sense on a shared device). The confirmation reaches its one GET in a
// short-lived cookie, not in the address, so Back on the kiosk shows nothing of it.

/// The cookie that carries a message just left to its confirmation page.
const SENT_COOKIE: &str = "loket_kiosk_sent";

/// Values of the kiosk's message form, kept when it is shown again with errors.
#[derive(Debug, Clone, Default)]
pub struct KioskMessageForm {
    pub name: String,
    pub message: String,
    /// `email` or `phone`.
    pub reach: String,
    pub email: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "kiosk_message.html")]
pub struct KioskMessagePage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub form: KioskMessageForm,
    pub limit_hint: String,
    pub kiosk_idle: i64,
    /// An SMTP relay is configured: e-mail is one of the ways to be reached.
    pub offer_email: bool,
    /// The notice about a number the resident should not send (issue 15).
    pub redact: RedactView,
}

impl KioskMessagePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "kiosk_message_sent.html")]
pub struct KioskMessageSentPage {
    pub base: Base,
    pub reference: String,
    pub how: String,
    pub kiosk_idle: i64,
}

fn render_message(
    state: &AppState,
    ctx: &Ctx,
    kiosk: &Kiosk,
    form: KioskMessageForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    render_message_asking(state, ctx, kiosk, form, errors, &[])
}

/// The kiosk's message form; with `found` (numbers in the message the resident should
/// not send), the notice that asks what to do with them is open.
fn render_message_asking(
    state: &AppState,
    ctx: &Ctx,
    kiosk: &Kiosk,
    form: KioskMessageForm,
    errors: Vec<FieldError>,
    found: &[crate::privacy::redact::Kind],
) -> Result<Response, AppError> {
    let t = ctx.t;
    let mut base = kiosk_base(ctx, t.s("message.title"));
    base.has_error = !errors.is_empty() || !found.is_empty();
    let status = form_status(&errors);
    let page = KioskMessagePage {
        base,
        errors,
        form,
        limit_hint: limit_hint(t, state.config.chat.max_message_chars),
        kiosk_idle: kiosk.idle_secs,
        offer_email: state.config.mail.is_some(),
        redact: RedactView::new(t, state.config.privacy.detector(), Place::Message, found),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /kiosk/bericht`: leave a message, on the kiosk.
pub async fn message_form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    render_message(
        &state,
        &ctx,
        &kiosk,
        KioskMessageForm::default(),
        Vec::new(),
    )
}

#[derive(Debug, Deserialize)]
pub struct MessageSubmit {
    #[serde(default)]
    name: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    reach: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    /// The answer to the notice about a number in the message: `remove` or `send`.
    #[serde(default)]
    redact: String,
}

/// `POST /kiosk/bericht`: the message goes to the Berichten list like one left on the website.
pub async fn message_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<MessageSubmit>,
) -> Result<Response, AppError> {
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    let t = ctx.t;
    let fields = contact::MessageFields {
        name: &f.name,
        message: &f.message,
        reach: &f.reach,
        email: &f.email,
        phone: &f.phone,
    };
    // At a kiosk nobody keeps a link: the answer comes by e-mail or telephone.
    let ways = contact::AnswerWays {
        email: state.config.mail.is_some(),
        link: false,
    };
    let checked = contact::check_message(t, fields, state.config.chat.max_message_chars, ways);
    let kept = |f: MessageSubmit| KioskMessageForm {
        name: f.name.trim().to_string(),
        message: f.message,
        reach: f.reach,
        email: f.email,
        phone: f.phone,
    };
    let mut m = match checked {
        Ok(m) => m,
        Err(errors) => return render_message(&state, &ctx, &kiosk, kept(f), errors),
    };
    // A number the resident should not send: ask first, unless the form says what to do.
    let detector = state.config.privacy.detector();
    match redaction::check(detector, &m.body, Choice::parse(&f.redact)) {
        Checked::Send(body) if body.is_empty() => {
            // Only the number was typed, and it was removed: nothing is left to send.
            let errors = vec![FieldError::new("message", t.s("message.error_message"))];
            let form = KioskMessageForm {
                message: body,
                ..kept(f)
            };
            return render_message(&state, &ctx, &kiosk, form, errors);
        }
        Checked::Send(body) => m.body = body,
        Checked::Ask(found) => {
            return render_message_asking(&state, &ctx, &kiosk, kept(f), Vec::new(), &found);
        }
    }
    // Asynchronous work, like a message left on the website (Berichten): never a live chat.
    let queue = contact::skill_queue(&state, Skill::Chat).await?;
    let (item, token) = contact::leave(
        &state,
        &Source::Kiosk(kiosk.id),
        &NewInboxItem {
            channel: InboxChannel::Form,
            queue_id: queue.id,
            topic_id: None,
            resident_name: &m.name,
            lang: t.lang.code(),
            body: &m.body,
            reach: m.reach,
            reach_value: &m.reach_value,
        },
    )
    .await?;
    tracing::info!(kiosk = kiosk.id, item = item.id, "message left on a kiosk");
    let mut resp = Redirect::to("/kiosk/bericht/ontvangen").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SENT_COOKIE,
            &token,
            Some(120),
            "Strict",
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}

/// `GET /kiosk/bericht/ontvangen`: the reference of the message just left, once; later
/// (Back, reload) the kiosk's start page.
pub async fn message_sent(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(kiosk) = kiosk_of(&state, &headers).await? else {
        return refused(&ctx);
    };
    let t = ctx.t;
    let token = cookie(&headers, SENT_COOKIE).filter(|v| plausible_token(v));
    let item = match token {
        Some(token) => state.store.inbox_item_by_token(token).await?,
        None => None,
    };
    let Some(item) = item else {
        return Ok(Redirect::to("/kiosk").into_response());
    };
    let how = match item.reach {
        Reach::Phone => t.f(
            "message.sent_phone",
            &[("value", &item.reach_value.as_str())],
        ),
        _ => t.f(
            "message.sent_email",
            &[("value", &item.reach_value.as_str())],
        ),
    };
    let page = KioskMessageSentPage {
        base: kiosk_base(&ctx, t.s("message.sent_title")),
        reference: item.reference(),
        how,
        kiosk_idle: kiosk.idle_secs,
    };
    let mut resp = Html(page.render()?).into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SENT_COOKIE,
            "",
            Some(0),
            "Strict",
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::schedule::parse_day;

    fn door(reason: &str) -> front_door::Door {
        front_door::Door {
            can_start: false,
            wait_text: String::new(),
            reason: reason.into(),
            usual_text: String::new(),
        }
    }

    fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&chrono::Utc))
            .unwrap_or_default()
    }

    #[test]
    fn a_channel_nobody_can_take_says_when_to_try() {
        let nl = T::new(Lang::Nl);
        let weekdays = Schedule {
            weekly: std::array::from_fn(|d| {
                if d < 5 {
                    parse_day("09:00-12:30, 13:30-17:00").unwrap_or_default()
                } else {
                    Vec::new()
                }
            }),
            ..Schedule::default()
        };
        // Friday 6 February 2026, 10:00 in Amsterdam: open, but no interpreter is free.
        let open = utc("2026-02-06T09:00:00Z");
        assert_eq!(
            unavailable_note(nl, "tolk", &door("x"), Some(&weekdays), open),
            "Er is nu geen gebarentolk vrij. Vandaag zijn we open van 09:00-12:30, \
             13:30-17:00. Probeer het straks nog eens."
        );
        // Without opening hours: no times to give.
        assert_eq!(
            unavailable_note(nl, "medewerker", &door("x"), None, open),
            "Er is nu geen medewerker vrij. Probeer het straks nog eens."
        );
        // Closed (Saturday): the front door's sentence, which says when it opens.
        let closed = utc("2026-02-07T09:00:00Z");
        assert_eq!(
            unavailable_note(
                nl,
                "tolk",
                &door("Nu gesloten. We zijn er weer maandag."),
                Some(&weekdays),
                closed
            ),
            "Nu gesloten. We zijn er weer maandag."
        );
    }
}
