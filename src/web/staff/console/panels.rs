//! The parts of the console, each rendered on the page and alone as a fragment for the
//! live console (`/staff/fragments/...`): an offer card, a chat panel, a wrap-up form,
//! the list of waiting residents.

use crate::auth::random_token;
use crate::hub::{ContactId, Origin, Skill, Work};
use crate::i18n::T;
use crate::store::{Conversation, Role, User};
use crate::web::views::{self, Base, MessageView};
use crate::web::{AppError, AppState, Ctx, StaffUser, contact, wording};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

/// An offer card in the console.
#[derive(Debug, Clone)]
pub struct OfferView {
    pub id: i64,
    /// Accepting opens a video call.
    pub call: bool,
    pub title: String,
    pub meta: String,
    pub preview: String,
    /// Where the contact comes from (website, kiosk and its place, left message).
    pub origin: String,
    /// When the offer expires (unix ms): the card counts down to it.
    pub expires_at: u64,
    /// When the resident arrived (unix ms): the card counts their wait up.
    pub since: i64,
    /// Their wait so far, as rendered (the page ticks it on).
    pub waited: String,
    /// Seconds left to answer, as rendered.
    pub left: String,
}

/// A chat panel in the console.
#[derive(Debug, Clone)]
pub struct ChatPanelView {
    pub id: i64,
    /// A video call: the panel links to the call page.
    pub call: bool,
    /// Joined a call through a request (leaves instead of ending).
    pub guest: bool,
    /// An interpreter may be asked to join this chat.
    pub can_ask_interpreter: bool,
    /// The interpreters' queue id (for that request).
    pub interpreter_queue: i64,
    pub title: String,
    pub meta: String,
    pub resident: String,
    /// Messages before the ones shown (0: the whole chat is shown), and the link's words.
    pub earlier: i64,
    pub earlier_text: String,
    pub messages: Vec<MessageView>,
    pub last_seq: i64,
    pub client_id: String,
    pub max_chars: usize,
    /// A reply that was refused (too long, not stored), shown again in its box.
    pub draft: String,
}

/// A wrap-up form in the console.
#[derive(Debug, Clone)]
pub struct WrapupView {
    pub id: i64,
    pub title: String,
    /// The conversation as it went, shown beside the form.
    pub messages: Vec<MessageView>,
    pub topics: Vec<(String, String)>,
    pub selected: String,
    /// How long the conversation is kept ("Dit gesprek wordt bewaard tot ...").
    pub kept: String,
}

/// A queue row in the console.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub id: i64,
    pub name: String,
    pub waiting: usize,
    pub offered: usize,
    pub longest: String,
    /// When the longest waiting resident arrived (unix ms; 0: nobody waits).
    pub since: i64,
    pub staff: usize,
}

/// A waiting resident in the console.
#[derive(Debug, Clone)]
pub struct WaitingRow {
    /// The conversation (for picking it from the list).
    pub id: i64,
    pub position: usize,
    /// When they arrived (unix ms): the page ticks the wait on.
    pub since: i64,
    pub origin: String,
    pub name: String,
    pub topic: String,
    pub queue: String,
    pub waited: String,
    /// Nobody available with this queue's skill: the contact may be stranded.
    pub unstaffed: bool,
    /// A resident's contact (taken from the list); a call's request for one more staff
    /// member comes as an offer only.
    pub takeable: bool,
}

#[derive(Template)]
#[template(path = "staff/fragment_waiting.html")]
pub struct WaitingFragment {
    pub base: Base,
    pub waiting: Vec<WaitingRow>,
    /// Room for one more chat: the list offers to take a contact.
    pub can_take: bool,
}

#[derive(Template)]
#[template(path = "staff/fragment_chat.html")]
pub struct ChatFragment {
    pub base: Base,
    pub c: ChatPanelView,
}

#[derive(Template)]
#[template(path = "staff/fragment_offer.html")]
pub struct OfferFragment {
    pub base: Base,
    pub o: OfferView,
}

#[derive(Template)]
#[template(path = "staff/fragment_wrapup.html")]
pub struct WrapupFragment {
    pub base: Base,
    pub w: WrapupView,
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
        .map(|q| q.name().get(t.lang).to_string())
        .unwrap_or_default())
}

/// The offer card of a broker contact: a resident's conversation, or a request to join
/// a call (negative id; see [`Work`]). `None` when it no longer exists.
pub(super) async fn offer_view(
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
    let topic = wording::topic_text(t, conv.topic());
    let now = crate::store::now_ms();
    let left_ms = expires_at.saturating_sub(u64::try_from(now).unwrap_or(0));
    Ok(Some(OfferView {
        origin: origin_text(t, conv),
        expires_at,
        since: conv.created_at,
        waited: views::duration_text(u64::try_from(now - conv.created_at).unwrap_or(0)),
        left: left_ms.div_ceil(1000).to_string(),
        id: contact.0,
        call: conv.is_call || request.is_some(),
        title: t.f(
            "console.offer_title",
            &[
                ("name", &name),
                ("queue", &queue_name(state, t, queue_id).await?),
            ],
        ),
        meta: t.f("console.offer_meta", &[("topic", &topic)]),
        preview,
    }))
}

/// Where a contact comes from, in the staff member's words.
pub(super) fn origin_text(t: T, conv: &Conversation) -> String {
    match Origin::parse(&conv.origin) {
        Origin::Web => t.s("console.origin_web").to_string(),
        Origin::Kiosk { location } => t.f("console.origin_kiosk", &[("place", &location)]),
        Origin::LeftMessage => t.s("console.origin_message").to_string(),
        Origin::AccessibilityReport => t.s("console.origin_report").to_string(),
        Origin::ShortLink { slug } => t.f("console.origin_link", &[("slug", &slug)]),
    }
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

/// Messages a chat panel shows at first: the console stays quick in a long chat; the
/// earlier ones are one link away.
pub const PANEL_WINDOW: i64 = 100;

pub(super) async fn chat_view(
    state: &AppState,
    t: T,
    conv: &Conversation,
    user: &User,
    whole: bool,
) -> Result<ChatPanelView, AppError> {
    let window = if whole { 10_000 } else { PANEL_WINDOW };
    let (messages, earlier) = state.store.messages_last(conv.id, window).await?;
    let name = resident_name(t, conv);
    let topic = wording::topic_text(t, conv.topic());
    let guest = state.hub.guest_request(conv.id, user.id).is_some();
    let left_message = left_message_text(t, conv);
    let interpreter_queue = state
        .store
        .queues()
        .await?
        .into_iter()
        .find(|q| Skill::Interpreting.is_queue(&q.slug))
        .map(|q| q.id);
    Ok(ChatPanelView {
        interpreter_queue: interpreter_queue.unwrap_or(0),
        id: conv.id,
        earlier,
        earlier_text: t.f("console.earlier", &[("n", &earlier)]),
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

pub(super) async fn wrapup_view(
    state: &AppState,
    t: T,
    conv: &Conversation,
) -> Result<WrapupView, AppError> {
    let mut topics = contact::topic_options(state, t).await?;
    topics.push(("other".into(), t.s("console.other_topic").into()));
    let selected = state
        .store
        .topics()
        .await?
        .into_iter()
        .find(|tp| Some(tp.id) == conv.topic_id)
        .map(|tp| tp.slug)
        .unwrap_or_else(|| "other".into());
    let messages = state.store.messages_after(conv.id, 0, 10_000).await?;
    let terms = state.store.retention_terms(&state.config.retention).await?;
    let kept = crate::web::wording::kept_text(state, t, conv, &terms).await?;
    Ok(WrapupView {
        kept,
        id: conv.id,
        title: resident_name(t, conv),
        messages: messages
            .iter()
            .map(|m| views::message_view(t, m, false))
            .collect(),
        topics,
        selected,
    })
}

/// Most waiting residents listed per queue in the console.
const WAITING_SHOWN: usize = 20;

/// Residents waiting in every queue (staff see every waiting contact, also of queues they
/// do not serve), in queue order; a queue nobody available serves is flagged.
pub(super) async fn waiting_rows(
    state: &AppState,
    t: T,
    _user: &User,
) -> Result<Vec<WaitingRow>, AppError> {
    let queues = state.store.queues().await?;
    let mut rows = Vec::new();
    for q in &queues {
        let positions = state.hub.waiting_in(q.id, WAITING_SHOWN).await?;
        if positions.is_empty() {
            continue;
        }
        let unstaffed = state
            .hub
            .queue_stats(q.id)
            .await?
            .is_none_or(|s| s.staff_available == 0);
        let now = crate::store::now_ms();
        for (work, position) in positions {
            // A call asking for one more staff member waits in line like a resident; it
            // is listed (so the list agrees with the queue's count) and comes as an offer.
            let (conv_id, request) = match work {
                Work::Conversation(id) => (id, None),
                Work::Request(r) => match state.store.call_request(r).await? {
                    Some(req) => (req.conversation_id, Some(req)),
                    None => continue,
                },
            };
            let Some(conv) = state.store.conversation(conv_id).await? else {
                continue;
            };
            let since = request.as_ref().map_or(conv.created_at, |r| r.created_at);
            rows.push(WaitingRow {
                id: conv.id,
                since,
                origin: match &request {
                    Some(r) => t.f(
                        "console.waiting_join_request",
                        &[("name", &r.requested_by_name)],
                    ),
                    None => origin_text(t, &conv),
                },
                position,
                name: resident_name(t, &conv),
                topic: wording::topic_text(t, conv.topic()),
                queue: q.name().get(t.lang).to_string(),
                waited: views::duration_text(u64::try_from(now - since).unwrap_or(0)),
                unstaffed,
                takeable: request.is_none(),
            });
        }
    }
    Ok(rows)
}

/// Whether the staff member has room for one more chat (held and offered chats count).
pub(super) async fn can_take(state: &AppState, user: &User) -> Result<bool, AppError> {
    let desk = state.hub.desk(user.id).await?;
    Ok(desk.conversations.len() + desk.offers.len() < usize::from(desk.chat_capacity))
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
        can_take: can_take(&state, &user).await?,
    };
    Ok(Html(page.render()?))
}

/// `GET /staff/fragments/chat/{id}`: one chat panel, for the live console.
pub async fn chat_fragment(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    session: crate::web::SessionRef,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    if !state.hub.takes_part(id, user.id) {
        return Err(AppError::Forbidden);
    }
    state
        .hub
        .record_view(&user, &session.0, crate::hub::Subject::Conversation(id))
        .await?;
    let conv = state
        .store
        .conversation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = ChatFragment {
        base: ctx.staff_base("", &user),
        c: chat_view(&state, ctx.t, &conv, &user, false).await?,
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
    let Some((contact, expires)) = state.hub.offer_to(user.id, ContactId(id)).await? else {
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
