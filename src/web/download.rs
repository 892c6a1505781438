//! Files staff download (a JSON export, a CSV): one response shape, so every download
//! is named, typed and never cached (it may hold personal data, or figures of a moment).

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `body` as an attachment called `filename` (a fixed ASCII name, no quotes).
pub fn attachment(
    content_type: &'static str,
    filename: &'static str,
    body: impl Into<axum::body::Body>,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body.into(),
    )
        .into_response()
}
