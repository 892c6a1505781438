//! Staff pages: login, logout and the agent console (offers, chats, wrap-up, queues).
//!
//! Every route here takes a [`StaffUser`], so an anonymous visitor is sent to the login
//! page; actions on a conversation check that the broker gave it to this staff member.
//! Every form works without JavaScript; `static/js/console.js` makes the console live
//! over `/ws/staff` and fetches server-rendered fragments (`/staff/fragments/...`) so
//! the markup lives in one place.

use super::ctx::{SESSION_COOKIE, cookie, set_cookie};
use super::views::{
    self, ChatFragment, ChatPanelView, ConsolePage, FieldError, LoginPage, OfferFragment,
    OfferView, QueueRow, WaitingFragment, WaitingRow, WrapupFragment, WrapupView,
};
use super::{AppError, AppState, Ctx, StaffUser};
use crate::auth::{dummy_hash, random_token};
use crate::broker::{ContactId, Input, Presence, StaffId};
use crate::hub::{EndedBy, HubError, Work};
use crate::i18n::{Lang, T};
use crate::protocol::{ErrorCode, clean_message};
use crate::store::{Conversation, Role, Sender, User};
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Instant;

/// Longest wrap-up note accepted.
pub const MAX_NOTE_CHARS: usize = 1000;

fn render_login(
    ctx: &Ctx,
    username: String,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let mut base = ctx.base(ctx.t.s("login.title"));
    base.has_error = !errors.is_empty();
    let status = views::form_status(&errors);
    let page = LoginPage {
        base,
        errors,
        username,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /staff/login`
pub async fn login_form(ctx: Ctx, user: Option<StaffUser>) -> Result<Response, AppError> {
    if user.is_some() {
        return Ok(Redirect::to("/staff").into_response());
    }
    render_login(&ctx, String::new(), Vec::new())
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /staff/login`: throttled per account and per address; a new session id on
/// every login (no fixation); always lands on `/staff` (no open redirect).
pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let t = ctx.t;
    let username = f.username.trim().to_string();
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(FieldError {
            field: "username".into(),
            message: t.s("login.error_username").into(),
        });
    }
    if f.password.is_empty() {
        errors.push(FieldError {
            field: "password".into(),
            message: t.s("login.error_password").into(),
        });
    }
    if !errors.is_empty() {
        return render_login(&ctx, username, errors);
    }
    let now = Instant::now();
    let user_key = format!("user:{}", username.to_lowercase());
    let addr_key = format!("addr:{}", addr.ip());
    let wait = state
        .throttle
        .wait_for(&user_key, now)
        .max(state.throttle.wait_for(&addr_key, now));
    if !wait.is_zero() {
        tracing::warn!(%addr, "login throttled");
        let errors = vec![FieldError {
            field: "username".into(),
            message: t.f(
                "login.error_throttled",
                &[("seconds", &wait.as_secs().max(1))],
            ),
        }];
        return render_login(&ctx, username, errors);
    }
    let user = state.store.user_by_name(&username).await?;
    let hash = user
        .as_ref()
        .filter(|u| !u.disabled)
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password = f.password;
    let Ok(ok) = state.passwords.verify(password, hash).await else {
        tracing::warn!(%addr, "login refused: password checks busy");
        let errors = vec![FieldError {
            field: "username".into(),
            message: t.s("login.error_busy").into(),
        }];
        return render_login(&ctx, username, errors);
    };
    let Some(user) = user.filter(|u| ok && !u.disabled) else {
        state.throttle.fail(&user_key, now);
        state.throttle.fail(&addr_key, now);
        tracing::info!(%addr, "failed login");
        let errors = vec![FieldError {
            field: "username".into(),
            message: t.s("login.error_wrong").into(),
        }];
        return render_login(&ctx, username, errors);
    };
    state.throttle.succeed(&user_key);
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(old).await?;
    }
    let token = state.store.create_session(user.id).await?;
    tracing::info!(staff = user.id, "login");
    let mut resp = Redirect::to("/staff").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            &token,
            None,
            "Strict",
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /staff/logout`: ends the session on the server and requeues held contacts.
pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    headers: axum::http::HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(token).await?;
    }
    state.hub.staff_logout(user.id).await;
    tracing::info!(staff = user.id, "logout");
    let mut resp = Redirect::to("/staff/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            "",
            Some(0),
            "Strict",
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}

fn pick(t: T, nl: &Option<String>, en: &Option<String>) -> Option<String> {
    match t.lang {
        Lang::Nl => nl.clone(),
        Lang::En => en.clone(),
    }
}

fn resident_name(t: T, conv: &Conversation) -> String {
    if conv.resident_name.is_empty() {
        t.s("console.anonymous").to_string()
    } else {
        conv.resident_name.clone()
    }
}

async fn queue_name(state: &AppState, t: T, queue_id: i64) -> Result<String, AppError> {
    Ok(state
        .store
        .queues()
        .await?
        .into_iter()
        .find(|q| q.id == queue_id)
        .map(|q| match t.lang {
            Lang::Nl => q.name_nl,
            Lang::En => q.name_en,
        })
        .unwrap_or_default())
}

/// The offer card of a broker contact: a resident's conversation, or a request to join
/// a call (negative id; see [`Work`]). `None` when it no longer exists.
async fn offer_view(
    state: &AppState,
    t: T,
    contact: ContactId,
    expires_at: u64,
) -> Result<Option<OfferView>, AppError> {
    let (conv_id, request) = match Work::of(contact) {
        Work::Conversation(id) => (id, None),
        Work::Request(r) => match state.store.call_request(r).await? {
            Some(req) => (req.conversation_id, Some(req)),
            None => return Ok(None),
        },
    };
    let Some(conv) = state.store.conversation(conv_id).await? else {
        return Ok(None);
    };
    let conv = &conv;
    let preview = match &request {
        Some(req) => t.f("console.join_request", &[("name", &req.requested_by_name)]),
        None => state
            .store
            .messages_after(conv.id, 0, 1)
            .await?
            .into_iter()
            .next()
            .map(|m| m.body)
            .unwrap_or_default(),
    };
    let queue_id = request
        .as_ref()
        .map(|r| r.queue_id)
        .unwrap_or(conv.queue_id);
    let preview = match left_message_text(t, conv) {
        Some(how) if request.is_none() => format!("{how}\n{preview}"),
        _ => preview,
    };
    let name = resident_name(t, conv);
    let topic =
        pick(t, &conv.topic_nl, &conv.topic_en).unwrap_or_else(|| t.s("console.no_topic").into());
    Ok(Some(OfferView {
        id: contact.0,
        call: conv.is_call || request.is_some(),
        title: t.f(
            "console.offer_title",
            &[
                ("name", &name),
                ("queue", &queue_name(state, t, queue_id).await?),
            ],
        ),
        meta: t.f(
            "console.offer_meta",
            &[
                ("topic", &topic),
                (
                    "time",
                    &views::local_time(i64::try_from(expires_at).unwrap_or(0)),
                ),
            ],
        ),
        preview,
    }))
}

/// For a message left out of hours: how the resident wants to be reached.
fn left_message_text(t: T, conv: &Conversation) -> Option<String> {
    let how = match conv.contact_method.as_deref()? {
        "email" => format!("e-mail {}", conv.contact_value.clone().unwrap_or_default()),
        "phone" => format!("tel. {}", conv.contact_value.clone().unwrap_or_default()),
        _ => t.s("message.by_return").to_string(),
    };
    Some(t.f("console.left_message", &[("how", &how)]))
}

async fn chat_view(
    state: &AppState,
    t: T,
    conv: &Conversation,
    user: &User,
) -> Result<ChatPanelView, AppError> {
    let messages = state.store.messages_after(conv.id, 0, 10_000).await?;
    let name = resident_name(t, conv);
    let topic =
        pick(t, &conv.topic_nl, &conv.topic_en).unwrap_or_else(|| t.s("console.no_topic").into());
    let guest = state.hub.guest_request(conv.id, user.id).is_some();
    let left_message = left_message_text(t, conv);
    let interpreter_queue = state
        .store
        .queues()
        .await?
        .into_iter()
        .find(|q| q.slug == "ngt")
        .map(|q| q.id);
    Ok(ChatPanelView {
        interpreter_queue: interpreter_queue.unwrap_or(0),
        id: conv.id,
        call: conv.is_call,
        guest,
        can_ask_interpreter: !conv.is_call
            && !guest
            && user.role != Role::Interpreter
            && interpreter_queue.is_some(),
        title: t.f("console.chat_title", &[("name", &name)]),
        meta: format!(
            "{}{}",
            t.f(
                "console.chat_meta",
                &[
                    ("topic", &topic),
                    ("queue", &queue_name(state, t, conv.queue_id).await?),
                    ("time", &views::local_time(conv.created_at)),
                ],
            ),
            left_message.map(|m| format!(" {m}")).unwrap_or_default()
        ),
        resident: name,
        last_seq: messages.last().map(|m| m.seq).unwrap_or(0),
        messages: messages
            .iter()
            .map(|m| views::message_view(t, m, false))
            .collect(),
        client_id: random_token(),
        max_chars: state.config.chat.max_message_chars,
        draft: String::new(),
    })
}

async fn wrapup_view(state: &AppState, t: T, conv: &Conversation) -> Result<WrapupView, AppError> {
    let mut topics: Vec<(String, String)> = state
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
        .collect();
    topics.push(("other".into(), t.s("console.other_topic").into()));
    let selected = state
        .store
        .topics()
        .await?
        .into_iter()
        .find(|tp| Some(tp.id) == conv.topic_id)
        .map(|tp| tp.slug)
        .unwrap_or_else(|| "other".into());
    Ok(WrapupView {
        id: conv.id,
        title: resident_name(t, conv),
        topics,
        selected,
    })
}

#[derive(Debug, Deserialize)]
pub struct ConsoleQuery {
    #[serde(default)]
    melding: String,
}

/// Notices the console can show after a form (only known keys; never reflected text).
fn notice_key(s: &str) -> Option<&'static str> {
    match s {
        "accepted" => Some("console.accepted"),
        "expired" => Some("console.offer_expired"),
        "wrapped" => Some("console.wrapup_done"),
        "sent" => Some("console.sent"),
        "missed" => Some("console.missed_offer"),
        "left-call" => Some("console.left_call"),
        _ => None,
    }
}

async fn render_console(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    notice: Option<String>,
    errors: Vec<FieldError>,
    draft: Option<(i64, String)>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    state.hub.staff_online(user).await?;
    let staff = StaffId(user.id);
    let (view, offers, held) = state
        .hub
        .query(move |b, _| (b.staff(staff), b.offers_for(staff), b.contacts_of(staff)))
        .await?;
    let available = view
        .as_ref()
        .is_some_and(|v| v.presence == Presence::Available);
    let capacity = view.as_ref().map(|v| v.chat_capacity).unwrap_or(0);
    let mut offer_views = Vec::new();
    for (contact, expires) in offers {
        offer_views.extend(offer_view(state, t, contact, expires).await?);
    }
    let mut chats = Vec::new();
    for contact in &held {
        let conv_id = match Work::of(*contact) {
            Work::Conversation(id) => Some(id),
            Work::Request(r) => state
                .store
                .call_request(r)
                .await?
                .map(|r| r.conversation_id),
        };
        if let Some(conv) = match conv_id {
            Some(id) => state.store.conversation(id).await?,
            None => None,
        } {
            let mut view = chat_view(state, t, &conv, user).await?;
            if let Some((_, text)) = draft.as_ref().filter(|(id, _)| *id == conv.id) {
                view.draft = text.clone();
            }
            chats.push(view);
        }
    }
    let mut wrapups = Vec::new();
    for conv in state.store.awaiting_wrapup(user.id).await? {
        wrapups.push(wrapup_view(state, t, &conv).await?);
    }
    let queues = state
        .hub
        .queue_figures()
        .await?
        .into_iter()
        .map(|q| QueueRow {
            id: q.id,
            name: match t.lang {
                Lang::Nl => q.name_nl,
                Lang::En => q.name_en,
            },
            waiting: q.waiting,
            longest: views::duration_text(q.longest_wait_ms),
            staff: q.staff_available,
        })
        .collect();
    let waiting = waiting_rows(state, t, user).await?;
    let mut base = ctx.staff_base(t.s("console.title"), user);
    base.has_error = !errors.is_empty();
    let status = views::form_status(&errors);
    let page = ConsolePage {
        base,
        waiting,
        errors,
        notice,
        available,
        presence_text: t
            .s(if available {
                "console.you_available"
            } else {
                "console.you_away"
            })
            .into(),
        offers: offer_views,
        chats_heading: t.f(
            "console.chats",
            &[("count", &chats.len()), ("max", &capacity)],
        ),
        chats,
        wrapups,
        queues,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// Most waiting residents listed per queue in the console.
const WAITING_SHOWN: usize = 20;

/// Residents waiting in the queues this staff member serves, in queue order.
async fn waiting_rows(state: &AppState, t: T, user: &User) -> Result<Vec<WaitingRow>, AppError> {
    let skills = state.store.user_skills(user.id).await?;
    let queues = state.store.queues().await?;
    let mut rows = Vec::new();
    for q in queues.iter().filter(|q| skills.contains(&q.id)) {
        let id = crate::broker::QueueId(q.id);
        let positions = state
            .hub
            .query(move |b, _| {
                b.positions(id)
                    .into_iter()
                    .take(WAITING_SHOWN)
                    .map(|(c, p)| (c.0, p.position))
                    .collect::<Vec<_>>()
            })
            .await?;
        let now = crate::store::now_ms();
        for (conv_id, position) in positions {
            if let Some(conv) = state.store.conversation(conv_id).await? {
                rows.push(WaitingRow {
                    position,
                    name: resident_name(t, &conv),
                    topic: pick(t, &conv.topic_nl, &conv.topic_en)
                        .unwrap_or_else(|| t.s("console.no_topic").into()),
                    queue: match t.lang {
                        Lang::Nl => q.name_nl.clone(),
                        Lang::En => q.name_en.clone(),
                    },
                    waited: views::duration_text(u64::try_from(now - conv.created_at).unwrap_or(0)),
                });
            }
        }
    }
    Ok(rows)
}

/// `GET /staff/fragments/waiting`: the waiting list, for the live console.
pub async fn waiting_fragment(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
) -> Result<Html<String>, AppError> {
    let page = WaitingFragment {
        base: ctx.staff_base("", &user),
        waiting: waiting_rows(&state, ctx.t, &user).await?,
    };
    Ok(Html(page.render()?))
}

/// `GET /staff`: the console.
pub async fn console(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Query(q): Query<ConsoleQuery>,
) -> Result<Response, AppError> {
    let notice = notice_key(&q.melding).map(|k| ctx.t.s(k).to_string());
    render_console(&state, &ctx, &user, notice, Vec::new(), None).await
}

#[derive(Debug, Deserialize)]
pub struct PresenceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    presence: String,
}

/// `POST /staff/presence`: available or away.
pub async fn presence(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Form(f): Form<PresenceForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let presence = match f.presence.as_str() {
        "available" => Presence::Available,
        "away" => Presence::Away,
        _ => return Err(AppError::BadRequest),
    };
    set_presence(&state, &user, presence).await?;
    Ok(Redirect::to("/staff").into_response())
}

/// Registers the staff member (skills, capacity) and sets their presence.
pub async fn set_presence(
    state: &AppState,
    user: &User,
    presence: Presence,
) -> Result<(), HubError> {
    state.hub.staff_online(user).await?;
    tracing::info!(staff = user.id, ?presence, "presence");
    state
        .hub
        .input(
            Input::SetPresence {
                staff: StaffId(user.id),
                presence,
            },
            EndedBy::System,
        )
        .await
}

/// `POST /staff/offers/{id}/accept`
pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let input = Input::OfferAccepted {
        contact: ContactId(id),
        staff: StaffId(user.id),
    };
    Ok(match state.hub.input(input, EndedBy::System).await {
        Ok(()) => {
            // A call opens its call page; a chat its panel in the console.
            let conv_id = match Work::of(ContactId(id)) {
                Work::Conversation(c) => Some(c),
                Work::Request(r) => state
                    .store
                    .call_request(r)
                    .await?
                    .map(|r| r.conversation_id),
            };
            let call = match conv_id {
                Some(c) => state.store.conversation(c).await?.filter(|c| c.is_call),
                None => None,
            };
            match call {
                Some(c) => Redirect::to(&format!("/staff/gesprek/{}", c.id)).into_response(),
                None => Redirect::to(&format!("/staff?melding=accepted#conv-{id}")).into_response(),
            }
        }
        Err(HubError::Broker(_)) => Redirect::to("/staff?melding=expired").into_response(),
        Err(e) => return Err(e.into()),
    })
}

/// `POST /staff/offers/{id}/decline`
pub async fn decline(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    let input = Input::OfferDeclined {
        contact: ContactId(id),
        staff: StaffId(user.id),
    };
    match state.hub.input(input, EndedBy::System).await {
        Ok(()) | Err(HubError::Broker(_)) => Ok(Redirect::to("/staff").into_response()),
        Err(e) => Err(e.into()),
    }
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

/// `POST /staff/chats/{id}/send`: a reply without JavaScript.
pub async fn send(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<SendForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    if !state.hub.takes_part(id, user.id) {
        return Err(AppError::Forbidden);
    }
    let t = ctx.t;
    let max = state.config.chat.max_message_chars;
    let field = format!("reply-{id}");
    let body = match clean_message(&f.message, max) {
        Ok(b) => b,
        Err(code) => {
            let message = if code == ErrorCode::MessageTooLong {
                t.f("chat.error_too_long", &[("max", &max)])
            } else {
                t.s("chat.error_empty").to_string()
            };
            let errors = vec![FieldError { field, message }];
            return render_console(&state, &ctx, &user, None, errors, Some((id, f.message))).await;
        }
    };
    let client_id = crate::protocol::valid_client_id(&f.client_id).then_some(f.client_id.as_str());
    match state
        .hub
        .send_message(id, Sender::Agent, &user.display_name, &body, client_id)
        .await
    {
        Ok(_) if state.hub.guest_request(id, user.id).is_some() || is_call(&state, id).await => {
            Ok(Redirect::to(&format!("/staff/gesprek/{id}#message")).into_response())
        }
        Ok(_) => Ok(Redirect::to(&format!("/staff#conv-{id}")).into_response()),
        Err(HubError::Closed) => {
            let errors = vec![FieldError {
                field,
                message: t.s("chat.error_closed").into(),
            }];
            render_console(&state, &ctx, &user, None, errors, None).await
        }
        Err(e) => {
            // Not stored (disk full, database read-only...): say so and keep the text.
            tracing::error!(conversation = id, error = %e, "reply not stored");
            let errors = vec![FieldError {
                field,
                message: t.s("chat.error_not_stored").into(),
            }];
            let page =
                render_console(&state, &ctx, &user, None, errors, Some((id, f.message))).await?;
            Ok((axum::http::StatusCode::SERVICE_UNAVAILABLE, page).into_response())
        }
    }
}

async fn is_call(state: &AppState, id: i64) -> bool {
    matches!(state.store.conversation(id).await, Ok(Some(c)) if c.is_call)
}

/// `POST /staff/chats/{id}/end`: ends the conversation; the wrap-up form follows.
pub async fn end(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    match state.hub.agent_end(id, user.id).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff#wrapup-{id}")).into_response()),
        Err(HubError::NotAllowed) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct WrapupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    note: String,
}

/// `POST /staff/chats/{id}/wrapup`: topic label and optional note.
pub async fn wrapup(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<WrapupForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&state, &f.csrf)?;
    // Whose it is first, then whether the form is right.
    let own = state
        .store
        .conversation(id)
        .await?
        .is_some_and(|c| c.agent_id == Some(user.id));
    if !own {
        return Err(AppError::Forbidden);
    }
    let topics = state.store.topics().await?;
    if f.topic != "other" && !topics.iter().any(|tp| tp.slug == f.topic) {
        return Err(AppError::BadRequest);
    }
    let note: String = f.note.trim().chars().take(MAX_NOTE_CHARS).collect();
    if state.store.wrap_up(id, user.id, &f.topic, &note).await? {
        tracing::info!(conversation = id, staff = user.id, "wrapped up");
        Ok(Redirect::to("/staff?melding=wrapped").into_response())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `GET /staff/fragments/chat/{id}`: one chat panel, for the live console.
pub async fn chat_fragment(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    if !state.hub.takes_part(id, user.id) {
        return Err(AppError::Forbidden);
    }
    let conv = state
        .store
        .conversation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = ChatFragment {
        base: ctx.staff_base("", &user),
        c: chat_view(&state, ctx.t, &conv, &user).await?,
    };
    Ok(Html(page.render()?))
}

/// `GET /staff/fragments/offer/{id}`: one offer card.
pub async fn offer_fragment(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let staff = StaffId(user.id);
    let offers = state.hub.query(move |b, _| b.offers_for(staff)).await?;
    let Some((contact, expires)) = offers.into_iter().find(|(c, _)| c.0 == id) else {
        return Err(AppError::NotFound);
    };
    let page = OfferFragment {
        base: ctx.staff_base("", &user),
        o: offer_view(&state, ctx.t, contact, expires)
            .await?
            .ok_or(AppError::NotFound)?,
    };
    Ok(Html(page.render()?))
}

/// `GET /staff/fragments/wrapup/{id}`: the wrap-up form of an ended conversation.
pub async fn wrapup_fragment(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let conv = state
        .store
        .conversation(id)
        .await?
        .filter(|c| c.agent_id == Some(user.id) && c.wrapped_at.is_none())
        .ok_or(AppError::NotFound)?;
    let page = WrapupFragment {
        base: ctx.staff_base("", &user),
        w: wrapup_view(&state, ctx.t, &conv).await?,
    };
    Ok(Html(page.render()?))
}
