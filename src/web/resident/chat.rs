//! Chat for residents: the start form, and the conversation page. The conversation page
//! works without JavaScript (forms to send and end, a link that fetches new messages);
//! `static/js/chat.js` makes it live over `/ws/chat/{token}`. When the conversation is a
//! video call, the same page shows the call area.

use super::survey::{SurveyForm, SurveyView};
use crate::auth::random_token;
use crate::hub::{Skill, StatusInfo};
use crate::store::{Conversation, Sender, Status};
use crate::web::call_view::CallView;
use crate::web::contact::{self, NewContact, StartForm, StartSubmit};
use crate::web::form::{
    CsrfForm, FieldError, MessageBox, NoFields, find_error, form_status, limit_hint,
};
use crate::web::intake::WebSource;
use crate::web::redaction::{self, Checked, Choice, Place, RedactView};
use crate::web::sign_video::{self, SignPage, SignVideoView};
use crate::web::views::{self, Base, MessageView};
use crate::web::{AppError, AppState, Ctx, front_door, wording};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "chat_start.html")]
pub struct ChatStartPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub form: StartForm,
    pub topics: Vec<(String, String)>,
    pub wait_text: String,
    /// The chosen topic's own queue cannot be started now (the form stays: another topic
    /// may be chosen, or a message left).
    pub topic_notice: Option<String>,
    pub limit_hint: String,
    /// Why it cannot be started now (closed, nobody there); the form is not shown then.
    pub closed: Option<String>,
}

impl ChatStartPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "chat.html")]
pub struct ChatPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub token: String,
    pub status: &'static str,
    pub status_text: String,
    pub heading: String,
    /// "U wacht op een medewerker" or, in the interpreters' queue, "... gebarentolk".
    pub waiting_h1: String,
    pub waiting_title: String,
    pub messages: Vec<MessageView>,
    pub last_seq: i64,
    pub max_chars: usize,
    pub limit_hint: String,
    pub too_long_text: String,
    pub draft: String,
    pub client_id: String,
    /// Without JavaScript a waiting resident must load the page now and then.
    pub noscript_idle: String,
    /// Nobody available serves the queue: offer to leave a message instead.
    pub unstaffed: bool,
    /// The call area, when the conversation is a video call.
    pub call: Option<CallView>,
    /// On a kiosk: seconds of inactivity before the session is wiped.
    pub kiosk_idle: Option<i64>,
    /// Waiting for a sign-language interpreter: the steps with pictograms, and the
    /// site's NGT video when it has one.
    pub sign_language: bool,
    pub sign_video: Option<SignVideoView>,
    /// The notice about a number the resident should not send (issue 15): open when the
    /// form posted one without saying what to do with it.
    pub redact: RedactView,
    /// Ended after an answer: the satisfaction survey (or thanks for answering it).
    pub survey: Option<SurveyView>,
}

impl ChatPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

async fn render_start(
    state: &AppState,
    ctx: &Ctx,
    form: StartForm,
    mut errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let now = chrono::Utc::now();
    let queue = contact::skill_queue(state, Skill::Chat).await?;
    let door = front_door::door(state, t, &queue, now).await?;
    // A topic with a queue of its own is judged by that queue: the contact goes there.
    let mut wait_text = wording::join_sentences(&door.wait_text, &door.usual_text);
    let mut topic_notice = None;
    let topic = contact::topic_by_slug(state, &form.topic).await?;
    let topic_queue = contact::chat_queue_for(state, topic.as_ref()).await?;
    if door.can_start && topic_queue.id != queue.id {
        let topic_door = front_door::door(state, t, &topic_queue, now).await?;
        if topic_door.can_start {
            wait_text = wording::join_sentences(&topic_door.wait_text, &topic_door.usual_text);
        } else {
            let reason =
                wording::join_sentences(&topic_door.wait_text, t.s("start.topic_unavailable"));
            if errors.is_empty() && !form.question.is_empty() {
                // Sent: the contact would be stranded there; say so at the field.
                errors.push(FieldError {
                    field: "topic".into(),
                    message: reason,
                });
            } else {
                topic_notice = Some(reason);
            }
        }
    }
    let mut base = ctx.base(t.s("start.title"));
    base.has_error = !errors.is_empty();
    let status = form_status(&errors);
    let page = ChatStartPage {
        base,
        errors,
        form,
        topics: contact::topic_options(state, t).await?,
        wait_text,
        topic_notice,
        limit_hint: limit_hint(t, state.config.chat.max_message_chars),
        closed: (!door.can_start).then_some(door.reason),
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    #[serde(default)]
    onderwerp: String,
    /// `link` when the resident came through a short link.
    #[serde(default)]
    via: String,
}

/// `GET /chat/start[?onderwerp=slug]`
pub async fn start_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StartQuery>,
) -> Result<Response, AppError> {
    let form = StartForm {
        topic: q.onderwerp,
        via: if q.via == "link" {
            q.via
        } else {
            String::new()
        },
        ..StartForm::default()
    };
    render_start(&state, &ctx, form, Vec::new()).await
}

/// `POST /chat/start`: validates, creates the conversation, joins the queue.
pub async fn start_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    WebSource(source): WebSource,
    CsrfForm(f): CsrfForm<StartSubmit>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let topic = contact::topic_by_slug(&state, &f.topic).await?;
    // Judge the queue the contact will really go to (its topic's own queue, if any), by
    // the same rules as the home page.
    let queue = contact::chat_queue_for(&state, topic.as_ref()).await?;
    if !front_door::door(&state, t, &queue, chrono::Utc::now())
        .await?
        .can_start
    {
        // Closed or nobody there since the form was shown: the page says so again, and
        // keeps what was typed.
        let form = StartForm {
            name: f.name,
            topic: f.topic,
            question: f.question,
            via: f.via,
        };
        return render_start(&state, &ctx, form, Vec::new()).await;
    }
    let origin = f.origin();
    let (name, question) = match f.check(t, state.config.chat.max_message_chars, true) {
        Ok(checked) => checked,
        Err((form, errors)) => return render_start(&state, &ctx, form, errors).await,
    };
    let new = NewContact {
        queue: &queue,
        topic: topic.as_ref(),
        name: &name,
        origin,
        first_message: &question,
        lang: t.lang,
        source: &source,
    };
    contact::open_and_show(&state, new).await
}

async fn render_chat(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    conv: &Conversation,
    errors: Vec<FieldError>,
    draft: String,
    kiosk_idle: Option<i64>,
) -> Result<Response, AppError> {
    render_chat_asking(
        state,
        ctx,
        token,
        conv,
        errors,
        draft,
        kiosk_idle,
        &[],
        None,
    )
    .await
}

/// The ended conversation's page with the survey as posted and its errors.
pub(super) async fn render_ended_survey(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    conv: &Conversation,
    errors: Vec<FieldError>,
    survey: &SurveyForm,
    kiosk_idle: Option<i64>,
) -> Result<Response, AppError> {
    render_chat_asking(
        state,
        ctx,
        token,
        conv,
        errors,
        String::new(),
        kiosk_idle,
        &[],
        Some(survey),
    )
    .await
}

/// The conversation page; with `found` (numbers in the draft the resident should not
/// send), the notice that asks what to do with them is open.
#[allow(clippy::too_many_arguments)]
async fn render_chat_asking(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    conv: &Conversation,
    errors: Vec<FieldError>,
    draft: String,
    kiosk_idle: Option<i64>,
    found: &[crate::privacy::redact::Kind],
    survey_draft: Option<&SurveyForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let survey = match conv.status {
        Status::Ended => state
            .store
            .survey_state(conv.id)
            .await?
            .map(|s| SurveyView::new(t, s, survey_draft.unwrap_or(&SurveyForm::default()))),
        _ => None,
    };
    let info = if conv.status.is_closed() {
        StatusInfo {
            status: conv.status,
            position: None,
            wait_ms: None,
            agent_name: conv.agent_name.clone(),
            lost_agent: None,
            unstaffed: false,
        }
    } else {
        state.hub.status_of(conv).await?
    };
    let messages = state.store.messages_after(conv.id, 0, 10_000).await?;
    let last_seq = messages.last().map(|m| m.seq).unwrap_or(0);
    // Waiting in the interpreters' queue is waiting for a sign-language interpreter, and
    // the page says so (heading, title, and again when the resident is put back in line).
    let sign_language = !conv.status.is_closed()
        && contact::skill_queue(state, Skill::Interpreting).await?.id == conv.queue_id;
    let (waiting_h1, waiting_title) = if sign_language {
        (
            t.s("chat.waiting_h1_interpreter"),
            t.s("chat.title_waiting_interpreter"),
        )
    } else {
        (t.s("chat.waiting_h1"), t.s("chat.title_waiting"))
    };
    let (status, title) = match conv.status {
        Status::Waiting => ("waiting", waiting_title.to_string()),
        Status::Active => ("active", t.s("chat.title_active").to_string()),
        Status::Ended if survey.as_ref().is_some_and(|s| s.thanks) => {
            ("ended", t.s("survey.thanks_title").to_string())
        }
        Status::Ended => ("ended", t.s("chat.title_closed").to_string()),
        Status::Abandoned => ("abandoned", t.s("chat.title_closed").to_string()),
    };
    let max = state.config.chat.max_message_chars;
    let sign_language = sign_language && conv.status == Status::Waiting;
    let mut base = ctx.base(title);
    // A number to ask about is not an error, but the page is shown again instead of the
    // message being sent: the title says so the same way.
    base.has_error = !errors.is_empty() || !found.is_empty();
    base.kiosk = kiosk_idle.is_some();
    let code = form_status(&errors);
    let page = ChatPage {
        survey,
        redact: RedactView::new(t, state.config.privacy.detector(), Place::Chat, found),
        sign_language,
        sign_video: sign_language
            .then(|| sign_video::for_page(state, t, SignPage::Waiting))
            .flatten(),
        base,
        errors,
        token: token.to_string(),
        status,
        status_text: wording::status_sentence(t, &info),
        waiting_h1: waiting_h1.to_string(),
        waiting_title: waiting_title.to_string(),
        unstaffed: info.unstaffed,
        // A video call says so ("Videogesprek met ..."), a chat "U chat met ...".
        heading: t.f(
            if conv.is_call {
                "call.active_h1"
            } else {
                "chat.active_h1"
            },
            &[("name", &conv.agent_name.clone().unwrap_or_default())],
        ),
        messages: messages
            .iter()
            .map(|m| views::message_view(t, m, true))
            .collect(),
        last_seq,
        max_chars: max,
        limit_hint: limit_hint(t, max),
        too_long_text: t.f("chat.error_too_long", &[("max", &max)]),
        draft,
        client_id: random_token(),
        noscript_idle: t.f(
            "chat.noscript_idle",
            &[(
                "minutes",
                &state.config.chat.resident_idle_secs.div_ceil(60).max(1),
            )],
        ),
        kiosk_idle,
        call: conv.is_call.then(|| {
            CallView::new(
                state,
                crate::hub::RESIDENT_MEDIA_ID,
                t.s(if conv.status == Status::Active {
                    "call.connecting"
                } else {
                    "call.waiting"
                })
                .into(),
            )
            // The bar's hang-up button ends the conversation (or stops waiting).
            .with_hangup(
                format!("/chat/{token}/end"),
                t.s(if conv.status == Status::Active {
                    "call.hang_up"
                } else {
                    "chat.stop_waiting"
                }),
                "",
            )
        }),
    };
    Ok((code, Html(page.render()?)).into_response())
}

/// `GET /chat/{token}`: waiting, active or closed.
pub async fn conversation(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let (conv, kiosk) = match super::open(&state, &headers, &token).await {
        Ok(Ok(opened)) => opened,
        Ok(Err(elsewhere)) => return Ok(elsewhere),
        // A message left before messages had their own list was a waiting chat; its
        // link (the same token) now leads to the message's page.
        Err(AppError::ConversationNotFound)
            if state.store.inbox_item_by_token(&token).await?.is_some() =>
        {
            return Ok(Redirect::to(&format!("/bericht/{token}")).into_response());
        }
        Err(e) => return Err(e),
    };
    state.hub.resident_seen(conv.id);
    let idle = kiosk.map(|k| k.idle_secs);
    render_chat(&state, &ctx, &token, &conv, Vec::new(), String::new(), idle).await
}

/// Asks before ending: "Wilt u het gesprek beëindigen?" (or, while waiting, "Wilt u
/// stoppen met wachten?"). Without JavaScript the end button is a link to this page; with
/// JavaScript the same question is a dialog on the conversation page.
#[derive(Template)]
#[template(path = "chat_end_confirm.html")]
pub struct EndConfirmPage {
    pub base: Base,
    pub token: String,
    pub waiting: bool,
}

/// `GET /chat/{token}/beeindigen`: the question before ending. A conversation that is
/// already over goes back to its page (which says so).
pub async fn end_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let conv = match super::open(&state, &headers, &token).await? {
        Ok((conv, _)) => conv,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let waiting = match conv.status {
        Status::Waiting => true,
        Status::Active => false,
        _ => return Ok(Redirect::to(&format!("/chat/{token}")).into_response()),
    };
    let key = if waiting {
        "chat.confirm_stop_h1"
    } else {
        "chat.confirm_end_h1"
    };
    let page = EndConfirmPage {
        base: ctx.base(ctx.t.s(key)),
        token,
        waiting,
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /chat/{token}/send`: the form behind the message box (no JavaScript needed).
pub async fn send(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<ResidentMessage>,
) -> Result<Response, AppError> {
    let (conv, kiosk) = match super::open(&state, &headers, &token).await? {
        Ok(opened) => opened,
        Err(elsewhere) => return Ok(elsewhere),
    };
    state.hub.resident_seen(conv.id);
    let t = ctx.t;
    let max = state.config.chat.max_message_chars;
    let idle = kiosk.map(|k| k.idle_secs);
    let error = |msg: String| vec![FieldError::new("message", msg)];
    let typed = MessageBox {
        client_id: f.client_id,
        message: f.message,
    };
    let body: String = match typed.checked(t, max, "message") {
        Ok(b) => b,
        Err(e) => {
            let errors = vec![e];
            return render_chat(&state, &ctx, &token, &conv, errors, typed.message, idle).await;
        }
    };
    // A number the resident should not send: ask first, unless the form says what to do.
    let detector = state.config.privacy.detector();
    let body = match redaction::check(detector, &body, Choice::parse(&f.redact)) {
        Checked::Send(body) if body.is_empty() => {
            // Only the number was typed, and it was removed: nothing is left to send.
            let errors = error(t.s("chat.error_empty").into());
            return render_chat(&state, &ctx, &token, &conv, errors, body, idle).await;
        }
        Checked::Send(body) => body,
        Checked::Ask(found) => {
            let draft = typed.message;
            return render_chat_asking(
                &state,
                &ctx,
                &token,
                &conv,
                vec![],
                draft,
                idle,
                &found,
                None,
            )
            .await;
        }
    };
    let client_id = typed.client_id();
    match state
        .hub
        .send_message(
            conv.id,
            Sender::Resident,
            &conv.resident_name,
            &body,
            client_id,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/chat/{token}#latest")).into_response()),
        Err(crate::hub::HubError::Closed) => {
            let errors = error(t.s("chat.error_closed").into());
            render_chat(&state, &ctx, &token, &conv, errors, typed.message, idle).await
        }
        Err(crate::hub::HubError::TooFast) => {
            let errors = error(t.s("chat.error_too_fast").into());
            let page =
                render_chat(&state, &ctx, &token, &conv, errors, typed.message, idle).await?;
            Ok((axum::http::StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
        Err(e) => {
            // Not stored (disk full, database read-only...): say so and keep the text.
            tracing::error!(conversation = conv.id, error = %e, "message not stored");
            let errors = error(t.s("chat.error_not_stored").into());
            let page =
                render_chat(&state, &ctx, &token, &conv, errors, typed.message, idle).await?;
            Ok((axum::http::StatusCode::SERVICE_UNAVAILABLE, page).into_response())
        }
    }
}

/// The resident's message box, posted without JavaScript: [`MessageBox`] and the answer to
/// the notice about a number in it (`redact`: `remove` or `send`; see
/// [`redaction`](crate::web::redaction)).
#[derive(Debug, Default, Deserialize)]
pub struct ResidentMessage {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    redact: String,
}

/// `POST /chat/{token}/end`: stop waiting, or end the conversation.
pub async fn end(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let conv = match super::open(&state, &headers, &token).await? {
        Ok((conv, _)) => conv,
        Err(elsewhere) => return Ok(elsewhere),
    };
    match state.hub.resident_leave(conv.id).await {
        Ok(()) | Err(crate::hub::HubError::Closed) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/chat/{token}")).into_response())
}
