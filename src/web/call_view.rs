//! The call area that the resident's conversation page and the staff call page share
//! (`templates/call_area.html`): the settings its script (`static/js/call.js`) needs, and
//! the hang-up button of its bar, which differs per page (a resident ends the
//! conversation or stops waiting, a staff guest leaves it, the staff member who holds it
//! ends it).

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
    /// Where the bar's hang-up button posts to (empty: no hang-up button).
    pub hangup_action: String,
    /// The hang-up button's label ("Ophangen", "Gesprek verlaten", ...).
    pub hangup_label: String,
    /// What pressing it does, as the button's description (empty: none).
    pub hangup_hint: String,
}

impl CallView {
    /// The call area of a page whose media id is `self_id`.
    pub fn new(state: &AppState, self_id: &str, status_text: String) -> CallView {
        CallView {
            ice_json: serde_json::to_string(&state.config.media.ice_servers)
                .unwrap_or_else(|_| "[]".into()),
            self_id: self_id.to_string(),
            status_text,
            hangup_action: String::new(),
            hangup_label: String::new(),
            hangup_hint: String::new(),
        }
    }

    /// The same call area with a hang-up button in its bar that posts to `action`.
    pub fn with_hangup(mut self, action: String, label: &str, hint: &str) -> CallView {
        self.hangup_action = action;
        self.hangup_label = label.to_string();
        self.hangup_hint = hint.to_string();
        self
    }
}
