//! Start a video call: with a sign-language interpreter (`?met=tolk`, queue `ngt`) or with
//! an employee (`?met=medewerker`, queue `video`). An optional camera check comes first
//! (`static/js/devices.js`); then the resident waits in the queue on their conversation
//! page, which becomes the call when someone answers.

use crate::hub::{Origin, Skill};
use crate::web::contact::{self, NewContact, StartForm, StartSubmit};
use crate::web::form::{CsrfForm, FieldError, find_error, form_status, limit_hint};
use crate::web::intake::WebSource;
use crate::web::sign_video::{self, SignPage, SignVideoView};
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx, front_door, wording};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "video_start.html")]
pub struct VideoStartPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub form: StartForm,
    /// `tolk` or `medewerker`.
    pub kind: &'static str,
    pub heading: String,
    pub intro: String,
    pub other_kind: &'static str,
    pub other_kind_text: String,
    pub wait_text: String,
    pub topics: Vec<(String, String)>,
    pub limit_hint: String,
    /// Why it cannot be started now; the form is not shown then.
    pub closed: Option<String>,
    /// The interpreter's channel: steps with pictograms, and the site's NGT video.
    pub sign_language: bool,
    pub sign_video: Option<SignVideoView>,
}

impl VideoStartPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

/// The two kinds of video call a resident can start: `tolk` (a sign-language
/// interpreter) and `medewerker` (an employee).
fn skill_of(kind: &str) -> Option<Skill> {
    match kind {
        "tolk" => Some(Skill::Interpreting),
        "medewerker" => Some(Skill::Video),
        _ => None,
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
    let skill = skill_of(kind).ok_or(AppError::NotFound)?;
    let queue = contact::skill_queue(state, skill).await?;
    let door = front_door::door(state, t, &queue, chrono::Utc::now()).await?;
    let wait_text = wording::join_sentences(&door.wait_text, &door.usual_text);
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
    let status = form_status(&errors);
    let max = state.config.chat.max_message_chars;
    let page = VideoStartPage {
        base,
        errors,
        form,
        kind,
        heading,
        // The interpreter's page explains itself in steps with pictograms instead.
        intro: t.s("video.intro_employee").into(),
        other_kind: if interpreter { "medewerker" } else { "tolk" },
        other_kind_text: t
            .s(if interpreter {
                "video.other_employee"
            } else {
                "video.other_interpreter"
            })
            .into(),
        wait_text,
        topics: contact::topic_options(state, t).await?,
        limit_hint: limit_hint(t, max),
        closed: (!door.can_start).then_some(door.reason),
        sign_language: interpreter,
        sign_video: interpreter
            .then(|| sign_video::for_page(state, t, SignPage::Start))
            .flatten(),
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

/// `POST /video/start`: joins the interpreter's or the employees' video queue.
pub async fn start_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    WebSource(source): WebSource,
    CsrfForm(f): CsrfForm<StartSubmit>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let kind = kind_of(&f.met);
    let skill = skill_of(kind).ok_or(AppError::NotFound)?;
    let queue = contact::skill_queue(&state, skill).await?;
    if !front_door::door(&state, t, &queue, chrono::Utc::now())
        .await?
        .can_start
    {
        return render_start(&state, &ctx, kind, StartForm::default(), Vec::new()).await;
    }
    let topic = contact::topic_by_slug(&state, &f.topic).await?;
    let (name, question) = match f.check(t, state.config.chat.max_message_chars, false) {
        Ok(checked) => checked,
        Err((form, errors)) => return render_start(&state, &ctx, kind, form, errors).await,
    };
    let new = NewContact {
        queue: &queue,
        topic: topic.as_ref(),
        name: &name,
        origin: Origin::Web,
        first_message: &question,
        lang: t.lang,
        source: &source,
    };
    contact::open_and_show(&state, new).await
}
