//! Static files (CSS, JavaScript), compiled into the binary so that Loket is one file to
//! run. Only the files listed here are served; there is no file-system path to traverse.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `(path under /static/, content type, content)`.
pub const FILES: &[(&str, &str, &str)] = &[
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../../static/favicon.svg"),
    ),
    (
        "css/loket.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/loket.css"),
    ),
    (
        "css/call.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/call.css"),
    ),
    (
        "js/live.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/live.js"),
    ),
    (
        "js/board.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/board.js"),
    ),
    (
        "js/composer.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/composer.js"),
    ),
    (
        "js/print.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/print.js"),
    ),
    (
        "js/chat.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/chat.js"),
    ),
    (
        "js/redact.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/redact.js"),
    ),
    (
        "js/redact-notice.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/redact-notice.js"),
    ),
    (
        "js/console.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/console.js"),
    ),
    (
        "js/call.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/call.js"),
    ),
    (
        "js/staff-call.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/staff-call.js"),
    ),
    (
        "js/kiosk.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/kiosk.js"),
    ),
    (
        "js/devices.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/devices.js"),
    ),
];

/// `GET /static/{*path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(p, _, _)| *p == path) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=300"),
                ),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    /// Every file under static/ is served (a new file cannot be forgotten).
    #[test]
    fn every_static_file_is_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
        let mut found = Vec::new();
        for dir in ["css", "js"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let name = e.unwrap().file_name().into_string().unwrap();
                found.push(format!("{dir}/{name}"));
            }
        }
        for f in &found {
            assert!(
                super::FILES.iter().any(|(p, _, _)| p == f),
                "static/{f} is not served"
            );
        }
    }
}
