//! TV mode: the wallboard on a wall screen, opened with a read-only token that a
//! supervisor makes on `/staff/overzicht` (only its hash is stored; revoking it stops the
//! screen at its next refresh). The screen shows the queues, the counts of staff per
//! state, interpreters and video capacity, and nothing else: no staff or resident names,
//! no message text, no forms. The token opens these two routes and nothing else.
//!
//! The screen stays live by fetching `GET /tv/{token}/stand.json` every two seconds (the
//! same `board` object the supervisors' board connection receives, built by
//! [`crate::web::board_view`]) rather than holding a WebSocket: a wall screen has no
//! session to tie a socket to, the token is checked again on every fetch (so revoking
//! works without tracking open sockets), a plain HTTP request passes any proxy in a
//! municipal network, and the hub shares one snapshot a second between all screens
//! ([`crate::hub::Hub::board`]), so many screens cost the same as one.

use crate::auth::plausible_token;
use crate::protocol::{BoardOut, ServerFrame};
use crate::web::board_view::{self, duration};
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

#[derive(Template)]
#[template(path = "tv.html")]
pub struct TvPage {
    pub base: Base,
    pub board: BoardOut,
    pub waits: Vec<String>,
    /// Where the screen fetches its figures.
    pub poll: String,
}

/// The token, if it is one in force (noting its use).
async fn checked(state: &AppState, token: &str) -> Result<(), AppError> {
    if !plausible_token(token) || state.store.use_board_token(token).await?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// `GET /tv/{token}`: the wall screen.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    checked(&state, &token).await?;
    let t = ctx.t;
    let snap = state.hub.board().await?;
    let board = board_view::board_out(t, &snap, true);
    let page = TvPage {
        base: ctx.base(t.s("board.tv_title")),
        waits: board
            .queues
            .iter()
            .map(|q| duration(q.longest_wait_secs))
            .collect(),
        board,
        poll: format!("/tv/{token}/stand.json"),
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /tv/{token}/stand.json`: the screen's figures now (a `board` frame).
pub async fn figures(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    checked(&state, &token).await?;
    let snap = state.hub.board().await?;
    let frame = ServerFrame::Board {
        board: board_view::board_out(ctx.t, &snap, true),
    };
    let body = serde_json::to_string(&frame)
        .map_err(|e| AppError::Internal(format!("board frame: {e}")))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}
