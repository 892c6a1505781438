//! Call deflection: a short link per topic (`/o/{slug}`) for the phone menu, a letter or
//! a poster, which opens the chat start page with the topic filled in; and the staff page
//! that lists the links with a QR code each (an SVG image with a text alternative).

use super::views::{LinkRow, LinksPage};
use super::{AppError, AppState, Ctx, StaffUser};
use crate::i18n::Lang;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// `GET /o/{slug}`: to the chat start page with the topic chosen.
pub async fn short(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let topics = state.store.topics().await?;
    let topic = topics
        .iter()
        .find(|t| t.slug == slug)
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("/chat/start?onderwerp={}", topic.slug)).into_response())
}

/// The address residents see: scheme and host of this request (the site's own name).
fn site(headers: &HeaderMap, secure: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{}://{host}", if secure { "https" } else { "http" })
}

/// `GET /staff/links`: every topic's short link and QR code.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if !user.role.supervises() {
        return Err(AppError::Forbidden);
    }
    let t = ctx.t;
    let base_url = site(&headers, state.config.secure_cookies);
    let rows = state
        .store
        .topics()
        .await?
        .into_iter()
        .map(|tp| {
            let url = format!("{base_url}/o/{}", tp.slug);
            LinkRow {
                name: match t.lang {
                    Lang::Nl => tp.name_nl,
                    Lang::En => tp.name_en,
                },
                qr_alt: t.f("links.qr_alt", &[("url", &url)]),
                url,
                slug: tp.slug,
            }
        })
        .collect();
    let page = LinksPage {
        base: ctx.staff_base(t.s("links.title"), &user),
        rows,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /staff/links/{slug}/qr.svg`: the QR code of a topic's short link.
pub async fn qr(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if !user.role.supervises() {
        return Err(AppError::Forbidden);
    }
    let topics = state.store.topics().await?;
    let topic = topics
        .iter()
        .find(|t| t.slug == slug)
        .ok_or(AppError::NotFound)?;
    let url = format!(
        "{}/o/{}",
        site(&headers, state.config.secure_cookies),
        topic.slug
    );
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml; charset=utf-8"),
        )],
        svg,
    )
        .into_response())
}
