//! The staff call page of a video call (`/staff/gesprek/{id}`): the call itself, its
//! messages and real-time text, asking for one more person (an interpreter for an agent,
//! an agent for an interpreter), withdrawing that request, and leaving as a guest.
//!
//! Media and signalling are in `static/js/call.js` and [`crate::web::live::signal`].

use crate::auth::random_token;
use crate::hub::{HubError, RequestStatus, Skill, staff_media_id};
use crate::i18n::T;
use crate::store::{Channel, Queue, Role};
use crate::web::call_view::CallView;
use crate::web::contact;
use crate::web::form::{CsrfForm, FieldError, NoFields};
use crate::web::views::{self, Base, MessageView};
use crate::web::{AppError, AppState, Ctx, StaffUser, wording};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "staff/call.html")]
pub struct StaffCallPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub id: i64,
    pub heading: String,
    pub meta: String,
    /// Still in the call (false: it ended, or one left it).
    pub open: bool,
    /// A request for one more person is waiting.
    pub requested: bool,
    pub messages: Vec<MessageView>,
    pub last_seq: i64,
    pub client_id: String,
    pub max_chars: usize,
    /// Queues one may ask to join: (id, name).
    pub add_queues: Vec<(String, String)>,
    pub topics: Vec<(String, String)>,
    pub call: CallView,
}

/// Queues one may ask to join a call: interpreters for an agent, agents for an
/// interpreter (the video queues other than the interpreters', when asked by one).
fn add_queues(t: T, queues: &[Queue], asker_is_interpreter: bool) -> Vec<(String, String)> {
    queues
        .iter()
        .filter(|q| {
            q.channel == Channel::Video
                && Skill::Interpreting.is_queue(&q.slug) != asker_is_interpreter
        })
        .map(|q| {
            let name = q.name().get(t.lang).to_string();
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
    session: crate::web::SessionRef,
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
    state
        .hub
        .record_view(&user, &session.0, crate::hub::Subject::Conversation(id))
        .await?;
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
        .any(|r| r.state() == Some(RequestStatus::Waiting));
    let heading = t.f("staffcall.title", &[("name", &name)]);
    // The bar's hang-up button: a guest (joined through a request) leaves and the call
    // goes on; the staff member who holds the conversation ends it.
    let guest = state.hub.guest_request(id, user.id).is_some();
    let (hangup_action, hangup_label, hangup_hint) = if guest {
        (
            format!("/staff/gesprek/{id}/verlaten"),
            t.s("staffcall.leave"),
            t.s("staffcall.leave_hint"),
        )
    } else {
        (
            format!("/staff/chats/{id}/end"),
            t.s("call.hang_up"),
            t.s("staffcall.end_hint"),
        )
    };
    let topic = wording::topic_text(t, conv.topic());
    let page = StaffCallPage {
        base: ctx.staff_base(&heading, &user),
        errors: Vec::new(),
        notice: call_notice(t, &q.melding),
        id,
        heading,
        meta: t.f("staffcall.meta", &[("topic", &topic)]),
        open,
        requested,
        last_seq: messages.last().map(|m| m.seq).unwrap_or(0),
        messages: messages
            .iter()
            .map(|m| views::message_view(t, m, false))
            .collect(),
        client_id: random_token(),
        max_chars: state.config.chat.max_message_chars,
        add_queues: add_queues(t, &queues, user.role == Role::Interpreter),
        topics: contact::topic_options(&state, t).await?,
        call: CallView::new(
            &state,
            &staff_media_id(user.id),
            t.s("call.connecting").into(),
        )
        .with_hangup(hangup_action, hangup_label, hangup_hint),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RequestForm {
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
    CsrfForm(f): CsrfForm<RequestForm>,
) -> Result<Response, AppError> {
    if !state.hub.takes_part(id, user.id) {
        return Err(AppError::Forbidden);
    }
    let conv = state
        .store
        .conversation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let queues = state.store.queues().await?;
    let allowed = add_queues(ctx.t, &queues, user.role == Role::Interpreter);
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

/// `POST /staff/gesprek/{id}/intrekken`: withdraw a request nobody accepted yet.
pub async fn cancel(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
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
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    match state.hub.leave_call(id, user.id).await {
        Ok(()) => Ok(Redirect::to("/staff?melding=left-call").into_response()),
        Err(HubError::NotAllowed) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}
