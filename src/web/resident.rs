//! Resident pages: home, start a chat, the conversation (works without JavaScript),
//! transcript. A resident reaches their conversation only through its capability token.

use super::ctx::{LANG_COOKIE, safe_local_path, set_cookie};
use super::views::{
    self, ChannelCard, ChatPage, ChatStartPage, FieldError, HomePage, StartForm, TranscriptPage,
};
use super::{AppError, AppState, Ctx};
use crate::auth::{plausible_token, random_token};
use crate::hub::StatusInfo;
use crate::i18n::{Lang, T};
use crate::protocol::{ErrorCode, clean_message};
use crate::store::{Conversation, NewConversation, Sender, Status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Two sentences as one text (the second may be empty).
pub fn join_sentences(a: &str, b: &str) -> String {
    if b.is_empty() {
        a.to_string()
    } else {
        format!("{a} {b}")
    }
}

/// Longest resident name accepted.
pub const MAX_NAME_CHARS: usize = 80;

/// Sentence about the expected wait in a queue, from the broker's estimate.
pub fn wait_sentence(t: T, estimate: Option<u64>, free_now: bool) -> String {
    match estimate {
        _ if free_now => t.s("wait.now").to_string(),
        Some(0) => t.s("wait.now").to_string(),
        Some(ms) => t.f("wait.minutes", &[("minutes", &ms.div_ceil(60_000).max(1))]),
        None => t.s("wait.unknown").to_string(),
    }
}

async fn chat_queue(state: &AppState) -> Result<crate::store::Queue, AppError> {
    state
        .store
        .queues()
        .await?
        .into_iter()
        .find(|q| q.slug == "chat")
        .ok_or_else(|| AppError::Internal("the chat queue is missing".into()))
}

/// `GET /`
pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    let t = ctx.t;
    let now = chrono::Utc::now();
    let queues = state.store.queues().await?;
    let mut channels = Vec::new();
    for (slug, href, action) in [
        ("chat", "/chat/start", "home.chat_action"),
        (
            "ngt",
            "/video/start?met=tolk",
            "home.video_interpreter_action",
        ),
        (
            "video",
            "/video/start?met=medewerker",
            "home.video_employee_action",
        ),
    ] {
        let Some(q) = queues.iter().find(|q| q.slug == slug) else {
            continue;
        };
        let door = super::front::door(&state, t, q.id, now).await?;
        channels.push(ChannelCard {
            name: match t.lang {
                Lang::Nl => q.name_nl.clone(),
                Lang::En => q.name_en.clone(),
            },
            wait_text: join_sentences(&door.wait_text, &door.usual_text),
            available: door.can_start,
            href: href.into(),
            action: t.s(action).into(),
            message_href: (!door.can_start).then(|| "/bericht".to_string()),
            unavailable_text: door.reason,
        });
    }
    let faqs = state
        .store
        .faqs()
        .await?
        .into_iter()
        .map(|f| match t.lang {
            Lang::Nl => (f.question_nl, f.answer_nl),
            Lang::En => (f.question_en, f.answer_en),
        })
        .collect();
    let page = HomePage {
        base: ctx.base(t.s("home.title")),
        channels,
        faqs,
    };
    Ok(Html(page.render()?))
}

#[derive(Debug, Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    terug: String,
}

/// `GET /taal/{lang}?terug=/path`: sets the language cookie and returns to a local page.
pub async fn switch_language(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&lang).ok_or(AppError::NotFound)?;
    let back = if safe_local_path(&q.terug) {
        q.terug
    } else {
        "/".to_string()
    };
    let mut resp = Redirect::to(&back).into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            lang.code(),
            Some(365 * 24 * 3600),
            "Lax",
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}

/// Every topic as (slug, name in the reader's language), for the topic choices.
pub async fn topic_options(state: &AppState, t: T) -> Result<Vec<(String, String)>, AppError> {
    Ok(state
        .store
        .topics()
        .await?
        .into_iter()
        .map(|tp| {
            let name = match t.lang {
                Lang::Nl => tp.name_nl,
                Lang::En => tp.name_en,
            };
            (tp.slug, name)
        })
        .collect())
}

fn limit_hint(t: T, max: usize) -> String {
    t.f("form.limit", &[("max", &max)])
}

async fn render_start(
    state: &AppState,
    ctx: &Ctx,
    form: StartForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let queue = chat_queue(state).await?;
    let door = super::front::door(state, t, queue.id, chrono::Utc::now()).await?;
    let wait_text = join_sentences(&door.wait_text, &door.usual_text);
    let mut base = ctx.base(t.s("start.title"));
    base.has_error = !errors.is_empty();
    let status = views::form_status(&errors);
    let page = ChatStartPage {
        base,
        errors,
        form,
        topics: topic_options(state, t).await?,
        wait_text,
        limit_hint: limit_hint(t, state.config.chat.max_message_chars),
        closed: (!door.can_start).then_some(door.reason),
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    #[serde(default)]
    onderwerp: String,
}

/// `GET /chat/start[?onderwerp=slug]`
pub async fn start_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StartQuery>,
) -> Result<Response, AppError> {
    let form = StartForm {
        topic: q.onderwerp,
        ..StartForm::default()
    };
    render_start(&state, &ctx, form, Vec::new()).await
}

#[derive(Debug, Deserialize)]
pub struct StartSubmit {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    question: String,
}

/// `POST /chat/start`: validates, creates the conversation, joins the queue.
pub async fn start_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<StartSubmit>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let t = ctx.t;
    let queue = chat_queue(&state).await?;
    if !super::front::door(&state, t, queue.id, chrono::Utc::now())
        .await?
        .can_start
    {
        // Closed or nobody there since the form was shown: the page says so again.
        return render_start(&state, &ctx, StartForm::default(), Vec::new()).await;
    }
    let max = state.config.chat.max_message_chars;
    let mut errors = Vec::new();
    let name = f.name.trim().to_string();
    errors.extend(name_error(t, &name));
    let question = checked_text(t, &f.question, max, "question", "start.error_question")
        .map_err(|e| errors.push(e))
        .ok();
    let topics = state.store.topics().await?;
    let topic = topics.iter().find(|tp| tp.slug == f.topic);
    let (Some(question), true) = (question, errors.is_empty()) else {
        let form = StartForm {
            name,
            topic: f.topic,
            question: f.question,
        };
        return render_start(&state, &ctx, form, errors).await;
    };
    open_contact(&state, &ctx, topic, &name, "web", &question).await
}

/// Creates a conversation with the resident's first message, puts it in its queue and
/// sends the resident to it. A topic with a chat queue of its own (same slug) goes
/// there; everything else to the general chat queue.
pub async fn open_contact(
    state: &AppState,
    ctx: &Ctx,
    topic: Option<&crate::store::Topic>,
    name: &str,
    origin: &str,
    first_message: &str,
) -> Result<Response, AppError> {
    let queues = state.store.queues().await?;
    let queue = match topic.and_then(|tp| queues.iter().find(|q| q.slug == tp.slug)) {
        Some(q) if q.channel == crate::store::Channel::Chat => q.clone(),
        _ => chat_queue(state).await?,
    };
    open_contact_in(state, ctx, &queue, topic, name, origin, first_message, None).await
}

/// How a resident who left a message wants to be reached.
#[derive(Debug, Clone, Copy)]
pub struct ContactDetails<'a> {
    /// `email`, `phone` or `return`.
    pub method: &'a str,
    pub value: &'a str,
}

/// Creates a conversation in `queue` (chat or video), with the first message when there
/// is one, and sends the resident to its page.
#[allow(clippy::too_many_arguments)]
pub async fn open_contact_in(
    state: &AppState,
    ctx: &Ctx,
    queue: &crate::store::Queue,
    topic: Option<&crate::store::Topic>,
    name: &str,
    origin: &str,
    first_message: &str,
    contact: Option<ContactDetails<'_>>,
) -> Result<Response, AppError> {
    let (_, token) = create_contact(
        state,
        ctx,
        queue,
        topic,
        name,
        origin,
        first_message,
        contact,
    )
    .await?;
    Ok(Redirect::to(&format!("/chat/{token}")).into_response())
}

/// Creates a conversation and puts it in its queue; returns it with the resident's token.
#[allow(clippy::too_many_arguments)]
pub async fn create_contact(
    state: &AppState,
    ctx: &Ctx,
    queue: &crate::store::Queue,
    topic: Option<&crate::store::Topic>,
    name: &str,
    origin: &str,
    first_message: &str,
    contact: Option<ContactDetails<'_>>,
) -> Result<(Conversation, String), AppError> {
    let (conv, token) = state
        .store
        .create_conversation(&NewConversation {
            queue_id: queue.id,
            topic_id: topic.map(|tp| tp.id),
            resident_name: name,
            lang: ctx.lang().code(),
            origin,
            first_message,
        })
        .await?;
    let conv = match contact {
        Some(c) => {
            state.store.set_contact(conv.id, c.method, c.value).await?;
            state
                .store
                .conversation(conv.id)
                .await?
                .ok_or(AppError::NotFound)?
        }
        None => conv,
    };
    tracing::info!(conversation = conv.id, origin, queue = %queue.slug, "contact opened");
    state.hub.contact_created(&conv).await?;
    Ok((conv, token))
}

/// Checks a required free text (a question, a problem report) with the message rules:
/// the cleaned text, or the form error for `field` (`empty_key` when it is empty).
pub fn checked_text(
    t: T,
    text: &str,
    max: usize,
    field: &str,
    empty_key: &str,
) -> Result<String, FieldError> {
    clean_message(text, max).map_err(|code| FieldError {
        field: field.into(),
        message: if code == ErrorCode::MessageTooLong {
            t.f("chat.error_too_long", &[("max", &max)])
        } else {
            t.s(empty_key).into()
        },
    })
}

/// Checks an optional resident name: at most [`MAX_NAME_CHARS`], no control characters.
pub fn name_error(t: T, name: &str) -> Option<FieldError> {
    (name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control)).then(|| {
        FieldError {
            field: "name".into(),
            message: t.s("start.error_name").into(),
        }
    })
}

/// Finds the resident's conversation by token, or a 404 page.
async fn by_token(state: &AppState, token: &str) -> Result<Conversation, AppError> {
    if !plausible_token(token) {
        return Err(AppError::ConversationNotFound);
    }
    state
        .store
        .conversation_by_token(token)
        .await?
        .ok_or(AppError::ConversationNotFound)
}

/// The sentence that describes a conversation's state to the resident.
pub fn status_sentence(t: T, info: &StatusInfo) -> String {
    match info.status {
        Status::Waiting => {
            let mut s = match info.position {
                Some(p) => t.f("chat.position", &[("position", &p)]),
                None => String::new(),
            };
            let wait = wait_sentence(t, info.wait_ms, false);
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&wait);
            s
        }
        Status::Active => t.f(
            "chat.active_status",
            &[("name", &info.agent_name.clone().unwrap_or_default())],
        ),
        Status::Ended => t.s("chat.ended_status").into(),
        Status::Abandoned => t.s("chat.abandoned_status").into(),
    }
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
    let t = ctx.t;
    let info = if conv.status.is_closed() {
        StatusInfo {
            status: conv.status,
            position: None,
            wait_ms: None,
            agent_name: conv.agent_name.clone(),
        }
    } else {
        state.hub.status_of(conv).await?
    };
    let messages = state.store.messages_after(conv.id, 0, 10_000).await?;
    let last_seq = messages.last().map(|m| m.seq).unwrap_or(0);
    let (status, title) = match conv.status {
        Status::Waiting => ("waiting", t.s("chat.title_waiting").to_string()),
        Status::Active => ("active", t.s("chat.title_active").to_string()),
        Status::Ended => ("ended", t.s("chat.title_closed").to_string()),
        Status::Abandoned => ("abandoned", t.s("chat.title_closed").to_string()),
    };
    let max = state.config.chat.max_message_chars;
    let mut base = ctx.base(title);
    base.has_error = !errors.is_empty();
    let code = views::form_status(&errors);
    let page = ChatPage {
        base,
        errors,
        token: token.to_string(),
        status,
        status_text: status_sentence(t, &info),
        heading: t.f(
            "chat.active_h1",
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
            super::video::call_view(
                state,
                crate::hub::RESIDENT_MEDIA_ID,
                t.s(if conv.status == Status::Active {
                    "call.connecting"
                } else {
                    "call.waiting"
                })
                .into(),
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
    let conv = by_token(&state, &token).await?;
    // On a kiosk only the current resident's conversation is shown (not after a wipe).
    let kiosk = match super::kiosk::guard(&state, &headers, conv.id).await? {
        Ok(k) => k,
        Err(to_start) => return Ok(to_start),
    };
    state.hub.resident_seen(conv.id);
    let idle = kiosk.map(|k| k.idle_secs);
    render_chat(&state, &ctx, &token, &conv, Vec::new(), String::new(), idle).await
}

#[derive(Debug, Deserialize)]
pub struct SendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    message: String,
}

/// `POST /chat/{token}/send`: the form behind the message box (no JavaScript needed).
pub async fn send(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<SendForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let conv = by_token(&state, &token).await?;
    state.hub.resident_seen(conv.id);
    let t = ctx.t;
    let max = state.config.chat.max_message_chars;
    let error = |msg: String| {
        vec![FieldError {
            field: "message".into(),
            message: msg,
        }]
    };
    let body = match clean_message(&f.message, max) {
        Ok(b) => b,
        Err(ErrorCode::MessageTooLong) => {
            let errors = error(t.f("chat.error_too_long", &[("max", &max)]));
            return render_chat(&state, &ctx, &token, &conv, errors, f.message, None).await;
        }
        Err(_) => {
            let errors = error(t.s("chat.error_empty").into());
            return render_chat(&state, &ctx, &token, &conv, errors, f.message, None).await;
        }
    };
    let client_id = crate::protocol::valid_client_id(&f.client_id).then_some(f.client_id.as_str());
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
            render_chat(&state, &ctx, &token, &conv, errors, f.message, None).await
        }
        Err(e) => {
            // Not stored (disk full, database read-only...): say so and keep the text.
            tracing::error!(conversation = conv.id, error = %e, "message not stored");
            let errors = error(t.s("chat.error_not_stored").into());
            let page = render_chat(&state, &ctx, &token, &conv, errors, f.message, None).await?;
            Ok((axum::http::StatusCode::SERVICE_UNAVAILABLE, page).into_response())
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /chat/{token}/end`: stop waiting, or end the conversation.
pub async fn end(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let conv = by_token(&state, &token).await?;
    match state.hub.resident_leave(conv.id).await {
        Ok(()) | Err(crate::hub::HubError::Closed) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/chat/{token}")).into_response())
}

/// `GET /chat/{token}/transcript`: printable.
pub async fn transcript(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let conv = by_token(&state, &token).await?;
    if let Err(to_start) = super::kiosk::guard(&state, &headers, conv.id).await? {
        return Ok(to_start);
    }
    let t = ctx.t;
    let messages = state.store.messages_after(conv.id, 0, 100_000).await?;
    let page = TranscriptPage {
        base: ctx.base(t.s("transcript.title")),
        token,
        started: views::local_datetime(conv.created_at),
        topic: match t.lang {
            Lang::Nl => conv.topic_nl.clone(),
            Lang::En => conv.topic_en.clone(),
        },
        status_text: t.s(&format!("status.{}", conv.status.as_str())).into(),
        messages: messages
            .iter()
            .map(|m| views::message_view(t, m, true))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /chat/{token}/transcript.txt`: download.
pub async fn transcript_text(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let conv = by_token(&state, &token).await?;
    let messages = state.store.messages_after(conv.id, 0, 100_000).await?;
    let text = views::transcript_text(
        ctx.t,
        &state.config.organisation,
        conv.created_at,
        &messages,
    );
    let disposition = format!("attachment; filename=\"gesprek-{}.txt\"", conv.id);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_sentences_are_honest() {
        let t = T::new(Lang::En);
        assert_eq!(
            wait_sentence(t, Some(0), false),
            "An employee is available now."
        );
        assert_eq!(
            wait_sentence(t, Some(30_000), false),
            "Expected wait: about 1 minute."
        );
        assert_eq!(
            wait_sentence(t, Some(90_000), false),
            "Expected wait: about 2 minutes."
        );
        assert!(wait_sentence(t, None, false).starts_with("No employee is available"));
        let waiting = StatusInfo {
            status: Status::Waiting,
            position: Some(3),
            wait_ms: Some(600_000),
            agent_name: None,
        };
        assert_eq!(
            status_sentence(t, &waiting),
            "You are number 3 in the queue. Expected wait: about 10 minutes."
        );
    }
}
