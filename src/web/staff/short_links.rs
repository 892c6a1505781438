//! Call deflection for supervisors: the page that lists every topic's short link
//! (`/o/{slug}`, see [`crate::web::resident::short_link`]) for the phone menu, a letter or
//! a poster, with a QR code each (an SVG image with a text alternative).

use crate::web::ctx::site_address;
use crate::web::views::Base;
use crate::web::{AppError, AppState, Ctx, Supervisor, contact};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

/// A topic's short link on the links page.
#[derive(Debug, Clone)]
pub struct LinkRow {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub qr_alt: String,
}

#[derive(Template)]
#[template(path = "staff/links.html")]
pub struct LinksPage {
    pub base: Base,
    pub rows: Vec<LinkRow>,
}

/// `GET /staff/links`: every topic's short link and QR code.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Supervisor(user): Supervisor,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let base_url = site_address(&headers, state.config.secure_cookies);
    let rows = state
        .store
        .topics()
        .await?
        .into_iter()
        .filter(|tp| crate::web::contact::is_chat_topic(&tp.slug))
        .map(|tp| {
            let url = format!("{base_url}/o/{}", tp.slug);
            LinkRow {
                name: tp.name().get(t.lang).to_string(),
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
    _: Supervisor,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let topic = contact::topic_by_slug(&state, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let url = format!(
        "{}/o/{}",
        site_address(&headers, state.config.secure_cookies),
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
