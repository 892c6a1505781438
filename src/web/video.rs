//! Video call pages: the resident's start page (camera check, then the queue), and the
//! staff call page (the call, its text, asking for one more person, leaving).
//!
//! The resident's call itself lives on their conversation page (`/chat/{token}`), which
//! shows the call area when the conversation is a call; media and signalling are in
//! `static/js/call.js` and [`super::signal`].

use super::resident::{checked_text, name_error, open_contact_in};
use super::views::{self, CallView, FieldError, StaffCallPage, StartForm, VideoStartPage};
use super::{AppError, AppState, Ctx, StaffUser};
use crate::auth::random_token;
use crate::hub::{HubError, staff_media_id};
use crate::i18n::{Lang, T};
use crate::store::{Channel, Queue};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The two kinds of video call a resident can start: `tolk` (a sign-language
/// interpreter, queue `ngt`) and `medewerker` (an employee, queue `video`).
fn queue_slug(kind: &str) -> Option<&'static str> {
    match kind {
        "tolk" => Some("ngt"),
        "medewerker" => Some("video"),
        _ => None,
    }
}

async fn queue_by_slug(state: &AppState, slug: &str) -> Result<Queue, AppError> {
    state
        .store
        .queues()
        .await?
        .into_iter()
        .find(|q| q.slug == slug)
        .ok_or_else(|| AppError::Internal(format!("the {slug} queue is missing")))
}

/// The call area's settings for a page.
pub fn call_view(state: &AppState, self_id: &str, status_text: String) -> CallView {
    CallView {
        ice_json: serde_json::to_string(&state.config.media.ice_servers)
            .unwrap_or_else(|_| "[]".into()),
        self_id: self_id.to_string(),
        status_text,
    }
}

async fn render_start(
    state: &AppState,
    ctx: &Ctx,
    kind: &'static str,
    form: StartForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let slug = queue_slug(kind).ok_or(AppError::NotFound)?;
    let queue = queue_by_slug(state, slug).await?;
    let door = super::front::door(state, t, queue.id, chrono::Utc::now()).await?;
    let wait_text = super::resident::join_sentences(&door.wait_text, &door.usual_text);
    let interpreter = kind == "tolk";
    let heading = t
        .s(if interpreter {
            "video.title_interpreter"
        } else {
            "video.title_employee"
        })
        .to_string();
    let mut base = ctx.base(&heading);
    base.has_error = !errors.is_empty();
    let status = views::form_status(&errors);
    let max = state.config.chat.max_message_chars;
    let page = VideoStartPage {
        base,
        errors,
        form,
        kind,
        heading,
        intro: t
            .s(if interpreter {
                "video.intro_interpreter"
            } else {
                "video.intro_employee"
            })
            .into(),
        other_kind: if interpreter { "medewerker" } else { "tolk" },
        other_kind_text: t
            .s(if interpreter {
                "video.other_employee"
            } else {
                "video.other_interpreter"
            })
            .into(),
        wait_text,
        topics: super::resident::topic_options(state, t).await?,
        limit_hint: t.f("form.limit", &[("max", &max)]),
        closed: (!door.can_start).then_some(door.reason),
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    #[serde(default)]
    met: String,
    #[serde(default)]
    onderwerp: String,
}

fn kind_of(met: &str) -> &'static str {
    if met == "medewerker" {
        "medewerker"
    } else {
        "tolk"
    }
}

/// `GET /video/start?met=tolk|medewerker[&onderwerp=slug]`
pub async fn start_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StartQuery>,
) -> Result<Response, AppError> {
    let form = StartForm {
        topic: q.onderwerp,
        ..StartForm::default()
    };
    render_start(&state, &ctx, kind_of(&q.met), form, Vec::new()).await
}

#[derive(Debug, Deserialize)]
pub struct StartSubmit {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    met: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    question: String,
}

/// `POST /video/start`: joins the interpreter's or the employees' video queue.
pub async fn start_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<StartSubmit>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let t = ctx.t;
    let kind = kind_of(&f.met);
    let slug = queue_slug(kind).ok_or(AppError::NotFound)?;
    let queue = queue_by_slug(&state, slug).await?;
    if !super::front::door(&state, t, queue.id, chrono::Utc::now())
        .await?
        .can_start
    {
        return render_start(&state, &ctx, kind, StartForm::default(), Vec::new()).await;
    }
    let max = state.config.chat.max_message_chars;
    let mut errors = Vec::new();
    let name = f.name.trim().to_string();
    errors.extend(name_error(t, &name));
    // The question is optional for a call: they will sign or say it.
    let question = if f.question.trim().is_empty() {
        Some(String::new())
    } else {
        checked_text(t, &f.question, max, "question", "start.error_question")
            .map_err(|e| errors.push(e))
            .ok()
    };
    let (Some(question), true) = (question, errors.is_empty()) else {
        let form = StartForm {
            name,
            topic: f.topic,
            question: f.question,
        };
        return render_start(&state, &ctx, kind, form, errors).await;
    };
    let topics = state.store.topics().await?;
    let topic = topics.iter().find(|tp| tp.slug == f.topic);
    open_contact_in(&state, &ctx, &queue, topic, &name, "web", &question, None).await
}

// ----- staff ---------------------------------------------------------------------------

/// Queues one may ask to join a call: interpreters for an agent, agents for an
/// interpreter (the video queues other than the interpreters', when asked by one).
fn add_queues(t: T, queues: &[Queue], asker_is_interpreter: bool) -> Vec<(String, String)> {
    queues
        .iter()
        .filter(|q| q.channel == Channel::Video && (q.slug == "ngt") != asker_is_interpreter)
        .map(|q| {
            let name = match t.lang {
                Lang::Nl => q.name_nl.clone(),
                Lang::En => q.name_en.clone(),
            };
            (q.id.to_string(), name)
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct CallQuery {
    #[serde(default)]
    melding: String,
}

fn call_notice(t: T, key: &str) -> Option<String> {
    match key {
        "gevraagd" => Some(t.s("staffcall.requested").into()),
        "al-gevraagd" => Some(t.s("staffcall.already").into()),
        "ingetrokken" => Some(t.s("staffcall.withdrawn").into()),
        _ => None,
    }
}

/// `GET /staff/gesprek/{id}`: the call page of a conversation one takes part in.
pub async fn call_page(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    Query(q): Query<CallQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let conv = state
        .store
        .conversation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let open = state.hub.takes_part(id, user.id);
    // Whoever was in it may see that it ended; nobody else learns anything.
    if !open && conv.agent_id != Some(user.id) {
        return Err(AppError::Forbidden);
    }
    if open && !conv.is_call {
        return Ok(Redirect::to(&format!("/staff#conv-{id}")).into_response());
    }
    let name = if conv.resident_name.is_empty() {
        t.s("console.anonymous").to_string()
    } else {
        conv.resident_name.clone()
    };
    let messages = state.store.messages_after(id, 0, 10_000).await?;
    let queues = state.store.queues().await?;
    let requested = state
        .store
        .open_call_requests(id)
        .await?
        .iter()
        .any(|r| r.status == "waiting");
    let heading = t.f("staffcall.title", &[("name", &name)]);
    let topic = match t.lang {
        Lang::Nl => conv.topic_nl.clone(),
        Lang::En => conv.topic_en.clone(),
    }
    .unwrap_or_else(|| t.s("console.no_topic").into());
    let page = StaffCallPage {
        base: ctx.staff_base(&heading, &user),
        errors: Vec::new(),
        notice: call_notice(t, &q.melding),
        id,
        heading,
        meta: t.f("staffcall.meta", &[("topic", &topic)]),
        open,
        guest: state.hub.guest_request(id, user.id).is_some(),
        requested,
        last_seq: messages.last().map(|m| m.seq).unwrap_or(0),
        messages: messages
            .iter()
            .map(|m| views::message_view(t, m, false))
            .collect(),
        client_id: random_token(),
        max_chars: state.config.chat.max_message_chars,
        add_queues: add_queues(t, &queues, user.role == crate::store::Role::Interpreter),
        topics: super::resident::topic_options(&state, t).await?,
        call: call_view(
            &state,
            &staff_media_id(user.id),
            t.s("call.connecting").into(),
        ),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    queue: String,
    #[serde(default)]
    topic: String,
}

/// `POST /staff/gesprek/{id}/aanvragen`: ask one more person to join (an agent for an
/// interpreter, an interpreter for an agent, also from a text chat).
pub async fn request(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<RequestForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    if !state.hub.takes_part(id, user.id) {
        return Err(AppError::Forbidden);
    }
    let conv = state
        .store
        .conversation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let queues = state.store.queues().await?;
    let allowed = add_queues(ctx.t, &queues, user.role == crate::store::Role::Interpreter);
    let queue = queues
        .iter()
        .find(|q| q.id.to_string() == f.queue && allowed.iter().any(|a| a.0 == f.queue))
        .ok_or(AppError::BadRequest)?;
    let topic = state
        .store
        .topics()
        .await?
        .into_iter()
        .find(|tp| tp.slug == f.topic)
        .map(|tp| tp.id);
    match state.hub.request_staff(&conv, &user, queue, topic).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/gesprek/{id}?melding=gevraagd")).into_response()),
        Err(HubError::AlreadyRequested) => {
            Ok(Redirect::to(&format!("/staff/gesprek/{id}?melding=al-gevraagd")).into_response())
        }
        Err(HubError::NotAllowed) => Err(AppError::Forbidden),
        Err(HubError::NotAVideoQueue) => Err(AppError::BadRequest),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /staff/gesprek/{id}/intrekken`: withdraw a request nobody accepted yet.
pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    match state.hub.cancel_requests(id, user.id).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/staff/gesprek/{id}?melding=ingetrokken")).into_response())
        }
        Err(HubError::NotAllowed) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

/// `POST /staff/gesprek/{id}/verlaten`: a guest leaves the call; it goes on without them.
pub async fn leave(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    match state.hub.leave_call(id, user.id).await {
        Ok(()) => Ok(Redirect::to("/staff?melding=left-call").into_response()),
        Err(HubError::NotAllowed) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}
