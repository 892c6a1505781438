//! The live wallboard for supervisors (`/staff/overzicht`, issue 16): per queue who waits
//! now, the longest wait, the service level of today against its norm, answered and
//! abandoned today; staff by state with their time in state; interpreters; video
//! capacity. The page is complete at load (server-rendered, with a refresh link);
//! `static/js/board.js` keeps it live over `/ws/staff?overzicht=1` (a board connection
//! that receives only `board` frames), counts the waits on, says when the figures were
//! last updated, warns when the connection is lost, and announces threshold crossings
//! only.
//!
//! From here a supervisor also reads any open conversation (read-only, recorded in the
//! access log: [`conversation`]), moves a waiting contact to another queue of its
//! channel ([`reassign`], through the broker), and makes or revokes the read-only
//! tokens of wall screens ([`new_tv`], [`revoke_tv`]; the screen itself is
//! [`crate::web::tv`]).
//!
//! The figures come from [`crate::hub::Hub::board`]; the texts from
//! [`crate::web::board_view`], shared with the live frame and the TV mode.

use crate::hub::{Reassign, Subject};
use crate::i18n::T;
use crate::protocol::{BoardContactOut, BoardOut};
use crate::store::{Channel, Queue, User};
use crate::web::board_view::{self, duration};
use crate::web::ctx::{cookie, set_cookie, site_address};
use crate::web::form::{CsrfForm, FieldError, NoFields, form_status, short_text_ok};
use crate::web::views::{self, Base, MessageView};
use crate::web::{AppError, AppState, Ctx, SessionRef, Supervisor, wording};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The cookie that carries a new TV link (`{id}.{token}`) to the one page that shows it.
const TV_COOKIE: &str = "loket_tv_link";
/// Longest name of a wall screen.
const LABEL_MAX: usize = 80;

/// One queue a waiting contact may be moved to.
#[derive(Debug, Clone)]
pub struct MoveTarget {
    pub id: i64,
    pub name: String,
}

/// The move form of the contacts of one queue (the other queues of its channel).
#[derive(Debug, Clone)]
pub struct MoveChoices {
    pub queue_id: i64,
    pub targets: Vec<MoveTarget>,
}

/// A contact row as the page renders it.
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub c: BoardContactOut,
    pub waited: String,
    pub targets: Vec<MoveTarget>,
}

/// A wall screen's token in the list.
#[derive(Debug, Clone)]
pub struct TvRow {
    pub id: i64,
    pub label: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "staff/board.html")]
pub struct BoardPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub board: BoardOut,
    /// Longest waits and times in state, as rendered at load.
    pub waits: Vec<String>,
    pub agent_since: Vec<String>,
    pub contacts: Vec<ContactRow>,
    pub choices: Vec<MoveChoices>,
    pub tv: Vec<TvRow>,
    /// A TV link made just now (shown once).
    pub new_tv: Option<String>,
    pub label: String,
}

impl BoardPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::web::form::find_error(&self.errors, field)
    }
}

/// Other queues of the same channel, per queue.
fn move_choices(t: T, queues: &[Queue]) -> Vec<MoveChoices> {
    queues
        .iter()
        .map(|q| MoveChoices {
            queue_id: q.id,
            targets: queues
                .iter()
                .filter(|o| o.id != q.id && o.channel == q.channel)
                .map(|o| MoveTarget {
                    id: o.id,
                    name: o.name().get(t.lang).to_string(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    /// The outcome of a form just sent (`verplaatst`, `weg`, `tv-ingetrokken`).
    #[serde(default)]
    gedaan: String,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    notice: Option<String>,
    errors: Vec<FieldError>,
    new_tv: Option<String>,
    label: String,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let snap = state.hub.board().await?;
    let board = board_view::board_out(t, &snap, false);
    let queues = state.store.queues().await?;
    let choices = move_choices(t, &queues);
    let contacts = board
        .contacts
        .iter()
        .map(|c| ContactRow {
            waited: duration(c.waited_secs),
            targets: choices
                .iter()
                .find(|m| m.queue_id == c.queue_id)
                .map(|m| m.targets.clone())
                .unwrap_or_default(),
            c: c.clone(),
        })
        .collect();
    let tv = state
        .store
        .board_tokens()
        .await?
        .into_iter()
        .map(|k| TvRow {
            id: k.id,
            label: k.label,
            created: views::local_datetime(k.created_at),
            last_used: k
                .last_used_at
                .map(views::local_datetime)
                .unwrap_or_else(|| t.s("board.tv_never_used").to_string()),
        })
        .collect();
    let page = BoardPage {
        base: ctx.staff_base(t.s("board.title"), user),
        notice,
        waits: board
            .queues
            .iter()
            .map(|q| duration(q.longest_wait_secs))
            .collect(),
        agent_since: board
            .agents
            .iter()
            .map(|a| a.since_secs.map(duration).unwrap_or_default())
            .collect(),
        board,
        contacts,
        choices: choices
            .into_iter()
            .filter(|c| !c.targets.is_empty())
            .collect(),
        tv,
        new_tv,
        label,
        errors,
    };
    let status = form_status(&page.errors);
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /staff/overzicht`: the wallboard.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    headers: HeaderMap,
    Query(q): Query<BoardQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let notice = match q.gedaan.as_str() {
        "verplaatst" => Some(t.s("board.moved")),
        "weg" => Some(t.s("board.move_gone")),
        "tv-ingetrokken" => Some(t.s("board.tv_revoked")),
        "tv-weg" => Some(t.s("board.tv_gone")),
        _ => None,
    }
    .map(String::from);
    // A TV link made just now travels here once in a short-lived cookie.
    let flash = cookie(&headers, TV_COOKIE);
    let new_tv = flash
        .and_then(|v| v.split_once('.'))
        .filter(|(_, token)| crate::auth::plausible_token(token))
        .map(|(_, token)| {
            format!(
                "{}/tv/{token}",
                site_address(&headers, state.config.secure_cookies)
            )
        });
    let mut resp = render(
        &state,
        &ctx,
        &user,
        notice,
        Vec::new(),
        new_tv,
        String::new(),
    )
    .await?;
    if flash.is_some() {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(
                TV_COOKIE,
                "",
                Some(0),
                "Strict",
                state.config.secure_cookies,
            ),
        );
    }
    Ok(resp)
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    queue: String,
}

/// `POST /staff/overzicht/wachtenden/{id}/verplaatsen`: moves a waiting contact to
/// another queue of its channel (the broker decides; the event log records
/// `reassigned`; the resident is told and keeps their place by arrival).
pub async fn reassign(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let Ok(queue) = f.queue.trim().parse::<i64>() else {
        let errors = vec![FieldError::new(
            format!("move-{id}"),
            t.s("board.move_choose"),
        )];
        return render(&state, &ctx, &user, None, errors, None, String::new()).await;
    };
    match state.hub.reassign(id, queue, &user).await? {
        Reassign::Moved => {
            Ok(Redirect::to("/staff/overzicht?gedaan=verplaatst#wachtenden").into_response())
        }
        Reassign::Gone => {
            Ok(Redirect::to("/staff/overzicht?gedaan=weg#wachtenden").into_response())
        }
        Reassign::NotThatQueue => {
            let errors = vec![FieldError::new(
                format!("move-{id}"),
                t.s("board.move_choose"),
            )];
            render(&state, &ctx, &user, None, errors, None, String::new()).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct TvForm {
    #[serde(default)]
    label: String,
}

/// `POST /staff/overzicht/tv`: makes a read-only token for a wall screen; the page shows
/// its link once (only the token's hash is kept).
pub async fn new_tv(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    CsrfForm(f): CsrfForm<TvForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let label = f.label.trim().to_string();
    if !short_text_ok(&label, LABEL_MAX) {
        let errors = vec![FieldError::new(
            "tv-label",
            t.f("board.tv_label_error", &[("max", &LABEL_MAX)]),
        )];
        return render(&state, &ctx, &user, None, errors, None, label).await;
    }
    let (id, token) = state.store.create_board_token(&label, user.id).await?;
    tracing::info!(staff = user.id, token = id, "wall screen token made");
    let mut resp = Redirect::to("/staff/overzicht#tv").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            TV_COOKIE,
            &format!("{id}.{token}"),
            Some(300),
            "Strict",
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}

/// `POST /staff/overzicht/tv/{id}/intrekken`: the screen's token stops working at once.
pub async fn revoke_tv(
    State(state): State<AppState>,
    Supervisor(user): Supervisor,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    // Revoked twice (a double click, a second tab): it does not work, which is the point.
    if !state.store.revoke_board_token(id).await? {
        return Ok(Redirect::to("/staff/overzicht?gedaan=tv-weg#tv").into_response());
    }
    tracing::info!(staff = user.id, token = id, "wall screen token revoked");
    Ok(Redirect::to("/staff/overzicht?gedaan=tv-ingetrokken#tv").into_response())
}

#[derive(Template)]
#[template(path = "staff/board_conversation.html")]
pub struct ConversationPage {
    pub base: Base,
    pub id: i64,
    pub heading: String,
    pub facts: Vec<(String, String)>,
    pub messages: Vec<MessageView>,
}

/// `GET /staff/overzicht/gesprek/{id}`: a supervisor reads an open conversation as it
/// stands (no reply box, nothing to click in it). Recorded in the access log.
pub async fn conversation(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    session: SessionRef,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let conv = state
        .store
        .conversation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .hub
        .record_view(&user, &session.0, Subject::Conversation(id))
        .await?;
    tracing::info!(
        staff = user.id,
        conversation = id,
        "read from the wallboard"
    );
    let queues = state.store.queues().await?;
    let queue = queues
        .iter()
        .find(|q| q.id == conv.queue_id)
        .map(|q| q.name().get(t.lang).to_string())
        .unwrap_or_default();
    let status = t.s(match conv.status {
        crate::store::Status::Waiting => "board.conv_waiting",
        crate::store::Status::Active => "board.conv_active",
        _ => "board.conv_closed",
    });
    let channel = t.s(
        if queues
            .iter()
            .any(|q| q.id == conv.queue_id && q.channel == Channel::Video)
        {
            "board.conv_video"
        } else {
            "board.conv_chat"
        },
    );
    let messages = state.store.messages_after(id, 0, 10_000).await?;
    let heading = t.f("board.conv_title", &[("reference", &format!("C-{id}"))]);
    let page = ConversationPage {
        base: ctx.staff_base(&heading, &user),
        id,
        heading,
        facts: vec![
            (t.s("board.conv_queue").into(), queue),
            (t.s("board.conv_channel").into(), channel.into()),
            (
                t.s("board.conv_topic").into(),
                wording::topic_text(t, conv.topic()),
            ),
            (t.s("board.conv_status").into(), status.into()),
            (
                t.s("board.conv_agent").into(),
                conv.agent_name
                    .clone()
                    .unwrap_or_else(|| t.s("board.conv_no_agent").into()),
            ),
            (
                t.s("board.conv_since").into(),
                views::local_datetime(conv.created_at),
            ),
        ],
        messages: messages
            .iter()
            .map(|m| views::message_view(t, m, false))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}
