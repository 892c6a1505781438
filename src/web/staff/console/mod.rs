//! The agent console (`/staff`): presence, offers, the open conversations with their reply
//! boxes, wrap-up forms, the queues and who is waiting in them.
//!
//! Every form works without JavaScript ([`actions`]); `static/js/console.js` makes the
//! console live over `/ws/staff` and fetches server-rendered fragments ([`panels`],
//! `/staff/fragments/...`) so the markup lives in one place. Actions on a conversation
//! check that the broker gave it to this staff member.

pub mod actions;
pub mod panels;

use crate::store::User;
use crate::web::form::{FieldError, form_status};
use crate::web::views::{self, Base};
use crate::web::{AppError, AppState, Ctx, StaffUser};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use panels::{ChatPanelView, OfferView, QueueRow, WaitingRow, WrapupView};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "staff/console.html")]
pub struct ConsolePage {
    pub base: Base,
    pub waiting: Vec<WaitingRow>,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub available: bool,
    pub presence_text: String,
    pub offers: Vec<OfferView>,
    pub chats: Vec<ChatPanelView>,
    pub chats_heading: String,
    pub wrapups: Vec<WrapupView>,
    pub queues: Vec<QueueRow>,
    /// Room for one more chat: the waiting list offers to take a contact.
    pub can_take: bool,
    /// The server's clock (unix ms), so the page can tick waits from the server's times.
    pub now: i64,
}

/// A question before something that cannot be undone, as a page of its own (without
/// JavaScript; with it the console asks in a dialog): end a chat.
#[derive(Template)]
#[template(path = "staff/confirm.html")]
pub struct ConfirmPage {
    pub base: Base,
    pub heading: String,
    pub text: String,
    pub action: String,
    pub yes: String,
}

#[derive(Debug, Deserialize)]
pub struct ConsoleQuery {
    #[serde(default)]
    melding: String,
    /// Show the whole of this chat (its earlier messages too).
    #[serde(default)]
    alles: Option<i64>,
}

/// Notices the console can show after a form (only known keys; never reflected text).
fn notice_key(s: &str) -> Option<&'static str> {
    match s {
        "accepted" => Some("console.accepted"),
        "expired" => Some("console.offer_expired"),
        "wrapped" => Some("console.wrapup_done"),
        "already-wrapped" => Some("console.wrapup_already"),
        "sent" => Some("console.sent"),
        "missed" => Some("console.missed_offer"),
        "left-call" => Some("console.left_call"),
        "declined" => Some("console.declined"),
        "taken" => Some("console.taken"),
        "full" => Some("console.take_full"),
        "not-theirs" => Some("console.take_not_theirs"),
        "gone" => Some("console.take_gone"),
        _ => None,
    }
}

pub(super) async fn render_console(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    notice: Option<String>,
    errors: Vec<FieldError>,
    draft: Option<(i64, String)>,
) -> Result<Response, AppError> {
    render_console_with(state, ctx, user, notice, errors, draft, None).await
}

/// [`render_console`], with the whole of chat `whole` shown.
async fn render_console_with(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    notice: Option<String>,
    errors: Vec<FieldError>,
    draft: Option<(i64, String)>,
    whole: Option<i64>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    state.hub.staff_online(user).await?;
    let desk = state.hub.desk(user.id).await?;
    let available = desk.available;
    let capacity = desk.chat_capacity;
    let mut offer_views = Vec::new();
    for (contact, expires) in desk.offers {
        offer_views.extend(panels::offer_view(state, t, contact, expires).await?);
    }
    let mut chats = Vec::new();
    for id in desk.conversations {
        if let Some(conv) = state.store.conversation(id).await? {
            let mut view = panels::chat_view(state, t, &conv, user, whole == Some(conv.id)).await?;
            if let Some((_, text)) = draft.as_ref().filter(|(id, _)| *id == conv.id) {
                view.draft = text.clone();
            }
            chats.push(view);
        }
    }
    let mut wrapups = Vec::new();
    for conv in state.store.awaiting_wrapup(user.id).await? {
        wrapups.push(panels::wrapup_view(state, t, &conv).await?);
    }
    let now = crate::store::now_ms();
    let queues = state
        .hub
        .queue_figures()
        .await?
        .into_iter()
        .map(|q| QueueRow {
            id: q.id,
            name: q.name().get(t.lang).to_string(),
            waiting: q.waiting,
            offered: q.offered,
            longest: views::duration_text(q.longest_wait_ms),
            since: if q.waiting > 0 {
                now - i64::try_from(q.longest_wait_ms).unwrap_or(0)
            } else {
                0
            },
            staff: q.staff_available,
        })
        .collect();
    let can_take = chats.len() + offer_views.len() < usize::from(capacity);
    let waiting = panels::waiting_rows(state, t, user).await?;
    let mut base = ctx.staff_base(t.s("console.title"), user);
    base.has_error = !errors.is_empty();
    let status = form_status(&errors);
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
        can_take,
        now,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /staff`: the console.
pub async fn console(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Query(q): Query<ConsoleQuery>,
) -> Result<Response, AppError> {
    // A privacy officer answers nobody: their start page is the privacy page.
    if !user.role.answers() {
        return Ok(axum::response::Redirect::to("/staff/privacy").into_response());
    }
    let notice = notice_key(&q.melding).map(|k| ctx.t.s(k).to_string());
    render_console_with(&state, &ctx, &user, notice, Vec::new(), None, q.alles).await
}
