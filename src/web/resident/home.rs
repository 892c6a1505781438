//! The front page: each channel with an honest sentence about the wait (or why it cannot
//! be started now, and what to do instead), the FAQ; and the language switch.

use crate::hub::Skill;
use crate::i18n::Lang;
use crate::web::ctx::{LANG_COOKIE, safe_local_path, set_cookie};
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx, front_door, wording};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A channel card on the home page.
#[derive(Debug, Clone)]
pub struct ChannelCard {
    pub name: String,
    pub wait_text: String,
    pub available: bool,
    pub href: String,
    pub action: String,
    pub unavailable_text: String,
    /// Where to leave a message instead (when it cannot be started now).
    pub message_href: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub base: Base,
    pub channels: Vec<ChannelCard>,
    pub faqs: Vec<(String, String)>,
}

/// `GET /`
pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    let t = ctx.t;
    let now = chrono::Utc::now();
    let queues = state.store.queues().await?;
    let mut channels = Vec::new();
    for (skill, href, action) in [
        (Skill::Chat, "/chat/start", "home.chat_action"),
        (
            Skill::Interpreting,
            "/video/start?met=tolk",
            "home.video_interpreter_action",
        ),
        (
            Skill::Video,
            "/video/start?met=medewerker",
            "home.video_employee_action",
        ),
    ] {
        let Some(q) = queues.iter().find(|q| skill.is_queue(&q.slug)) else {
            continue;
        };
        let door = front_door::door(&state, t, q, now).await?;
        channels.push(ChannelCard {
            name: q.name().get(t.lang).to_string(),
            wait_text: wording::join_sentences(&door.wait_text, &door.usual_text),
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
        .map(|f| {
            (
                f.question().get(t.lang).to_string(),
                f.answer().get(t.lang).to_string(),
            )
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
