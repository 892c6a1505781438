//! Explanations in Dutch Sign Language (NGT): the short videos with captions a site names
//! in `[sign_language]` (see [`crate::config::SignLanguageSettings`]), shown on the
//! sign-language start page, its waiting page and the kiosk's sign-language button.
//!
//! Only what is configured exists: a page without a video shows nothing, and
//! `GET /ngt/{page}/{file}` answers 404 for it. The files are read from the data folder on
//! each request through `tower_http`'s `ServeFile`, which answers range requests (a
//! browser seeks in a video with them) with the right content type; no path from the
//! request reaches the file system (the page name picks a configured entry).

use crate::config::SignVideo;
use crate::i18n::T;
use crate::web::AppState;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// Which page a video explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignPage {
    /// The start page of a video call with an interpreter.
    Start,
    /// The waiting page of that call.
    Waiting,
    /// The kiosk's home, beside the sign-language button.
    Kiosk,
}

impl SignPage {
    fn slug(self) -> &'static str {
        match self {
            SignPage::Start => "start",
            SignPage::Waiting => "waiting",
            SignPage::Kiosk => "kiosk",
        }
    }
}

/// A configured video as a page shows it.
#[derive(Debug, Clone)]
pub struct SignVideoView {
    pub video: String,
    pub captions: String,
    /// The video's accessible name ("Uitleg in Nederlandse Gebarentaal").
    pub label: String,
}

/// The video for `page`, when the site has one.
pub fn for_page(state: &AppState, t: T, page: SignPage) -> Option<SignVideoView> {
    configured(state, page.slug()).map(|_| SignVideoView {
        video: format!("/ngt/{}/video", page.slug()),
        captions: format!("/ngt/{}/captions", page.slug()),
        label: t.s("ngt.label").to_string(),
    })
}

fn configured<'a>(state: &'a AppState, page: &str) -> Option<&'a SignVideo> {
    state
        .config
        .sign_language
        .all()
        .find(|(p, _)| *p == page)
        .map(|(_, v)| v)
}

/// `GET /ngt/{page}/{file}` (`file` is `video` or `captions`): the configured file, with
/// range requests.
pub async fn serve(
    State(state): State<AppState>,
    Path((page, file)): Path<(String, String)>,
    req: Request,
) -> Response {
    let Some(entry) = configured(&state, &page) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let name = match file.as_str() {
        "video" => &entry.video,
        "captions" => &entry.captions,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let path = state.config.data_dir().join(name);
    // Only GET/HEAD and the range/conditional headers reach ServeFile.
    let (parts, _) = req.into_parts();
    let req = Request::from_parts(parts, Body::empty());
    match ServeFile::new(&path).oneshot(req).await {
        Ok(resp) if resp.status() == StatusCode::NOT_FOUND => {
            tracing::warn!(page, file, "configured sign-language file is missing");
            StatusCode::NOT_FOUND.into_response()
        }
        Ok(resp) => resp.map(Body::new).into_response(),
        Err(never) => match never {},
    }
}
