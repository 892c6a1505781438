//! The call area that the resident's conversation page and the staff call page share
//! (`templates/call_area.html`): the settings its script (`static/js/call.js`) needs.

use super::AppState;

/// Settings of the call area of a page.
#[derive(Debug, Clone)]
pub struct CallView {
    /// STUN/TURN servers for the browser, as JSON (`RTCIceServer[]`).
    pub ice_json: String,
    /// This page's media id (`resident` or `staff-{id}`).
    pub self_id: String,
    /// What the status line says before JavaScript takes over.
    pub status_text: String,
}

impl CallView {
    /// The call area of a page whose media id is `self_id`.
    pub fn new(state: &AppState, self_id: &str, status_text: String) -> CallView {
        CallView {
            ice_json: serde_json::to_string(&state.config.media.ice_servers)
                .unwrap_or_else(|_| "[]".into()),
            self_id: self_id.to_string(),
            status_text,
        }
    }
}
