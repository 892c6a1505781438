//! The console's forms, each a plain `POST` that works without JavaScript: presence,
//! accept or decline an offer, reply, end, wrap up. A refused reply shows the console
//! again with the text kept in its box.

use super::{ConfirmPage, render_console};
use crate::hub::{Claim, ContactId, HubError, Presence};
use crate::store::Sender;
use crate::web::form::{CsrfForm, FieldError, MessageBox, NoFields};
use crate::web::{AppError, AppState, Ctx, StaffUser};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Longest wrap-up note accepted.
pub const MAX_NOTE_CHARS: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct PresenceForm {
    #[serde(default)]
    presence: String,
}

/// `POST /staff/presence`: available or away.
pub async fn presence(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    CsrfForm(f): CsrfForm<PresenceForm>,
) -> Result<Response, AppError> {
    let presence = match f.presence.as_str() {
        "available" => Presence::Available,
        "away" => Presence::Away,
        _ => return Err(AppError::BadRequest),
    };
    state.hub.set_presence(&user, presence).await?;
    Ok(Redirect::to("/staff").into_response())
}

/// `POST /staff/offers/{id}/accept`
pub async fn accept(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    Ok(match state.hub.accept_offer(user.id, ContactId(id)).await {
        Ok(accepted) => {
            // A call opens its call page; a chat its panel in the console.
            let call = match accepted.conversation {
                Some(c) => state.store.conversation(c).await?.filter(|c| c.is_call),
                None => None,
            };
            match call {
                Some(c) => Redirect::to(&format!("/staff/gesprek/{}", c.id)).into_response(),
                None => Redirect::to(&format!("/staff?melding=accepted#conv-{id}")).into_response(),
            }
        }
        Err(HubError::OfferGone) => Redirect::to("/staff?melding=expired").into_response(),
        Err(e) => return Err(e.into()),
    })
}

/// `POST /staff/offers/{id}/decline`
pub async fn decline(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    match state.hub.decline_offer(user.id, ContactId(id)).await {
        Ok(()) => Ok(Redirect::to("/staff?melding=declined").into_response()),
        Err(HubError::OfferGone) => Ok(Redirect::to("/staff?melding=expired").into_response()),
        Err(e) => Err(e.into()),
    }
}

/// `POST /staff/chats/{id}/send`: a reply without JavaScript.
pub async fn send(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MessageBox>,
) -> Result<Response, AppError> {
    if !state.hub.takes_part(id, user.id) {
        return Err(AppError::Forbidden);
    }
    let t = ctx.t;
    let max = state.config.chat.max_message_chars;
    let field = format!("reply-{id}");
    let body = match f.checked(t, max, &field) {
        Ok(b) => b,
        Err(e) => {
            let errors = vec![e];
            return render_console(&state, &ctx, &user, None, errors, Some((id, f.message))).await;
        }
    };
    let client_id = f.client_id();
    match state
        .hub
        .send_message(
            id,
            Sender::staff(user.role),
            &user.display_name,
            &body,
            client_id,
        )
        .await
    {
        Ok(_) if state.hub.guest_request(id, user.id).is_some() || is_call(&state, id).await => {
            Ok(Redirect::to(&format!("/staff/gesprek/{id}#message")).into_response())
        }
        Ok(_) => Ok(Redirect::to(&format!("/staff#conv-{id}")).into_response()),
        Err(HubError::Closed) => {
            let errors = vec![FieldError::new(field, t.s("chat.error_closed"))];
            render_console(&state, &ctx, &user, None, errors, None).await
        }
        Err(HubError::TooFast) => {
            let errors = vec![FieldError::new(field, t.s("chat.error_too_fast"))];
            let page =
                render_console(&state, &ctx, &user, None, errors, Some((id, f.message))).await?;
            Ok((axum::http::StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
        Err(e) => {
            // Not stored (disk full, database read-only...): say so and keep the text.
            tracing::error!(conversation = id, error = %e, "reply not stored");
            let errors = vec![FieldError::new(field, t.s("chat.error_not_stored"))];
            let page =
                render_console(&state, &ctx, &user, None, errors, Some((id, f.message))).await?;
            Ok((axum::http::StatusCode::SERVICE_UNAVAILABLE, page).into_response())
        }
    }
}

async fn is_call(state: &AppState, id: i64) -> bool {
    matches!(state.store.conversation(id).await, Ok(Some(c)) if c.is_call)
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    /// `ja` once the staff member confirmed (the dialog, or the confirmation page).
    #[serde(default)]
    bevestigd: String,
}

/// `POST /staff/chats/{id}/end`: ends the conversation once confirmed (without
/// `bevestigd=ja` it asks first, on a page of its own); the wrap-up form follows.
pub async fn end(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ConfirmForm>,
) -> Result<Response, AppError> {
    if f.bevestigd != "ja" {
        if state.hub.agent_of(id) != Some(user.id) {
            return Err(AppError::Forbidden);
        }
        let t = ctx.t;
        let name = state
            .store
            .conversation(id)
            .await?
            .map(|c| c.resident_name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| t.s("console.anonymous").to_string());
        let page = ConfirmPage {
            base: ctx.staff_base(t.s("console.confirm_end_h"), &user),
            heading: t.s("console.confirm_end_h").to_string(),
            text: format!(
                "{} {}",
                t.f("console.chat_title", &[("name", &name)]),
                t.s("console.confirm_end_text")
            ),
            action: format!("/staff/chats/{id}/end"),
            yes: t.s("console.end_chat").to_string(),
        };
        return Ok(Html(page.render()?).into_response());
    }
    match state.hub.agent_end(id, user.id).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff#wrapup-{id}")).into_response()),
        Err(HubError::NotAllowed) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct WrapupForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    note: String,
    /// "Resolved at this first contact?": `ja`, `nee` or not answered.
    #[serde(default)]
    resolved: String,
}

/// `POST /staff/chats/{id}/wrapup`: topic label and optional note.
pub async fn wrapup(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<WrapupForm>,
) -> Result<Response, AppError> {
    // Whose it is first, then whether the form is right.
    let own = state
        .store
        .conversation(id)
        .await?
        .is_some_and(|c| c.agent_id == Some(user.id));
    if !own {
        return Err(AppError::Forbidden);
    }
    let topics = state.store.topics().await?;
    if f.topic != "other" && !topics.iter().any(|tp| tp.slug == f.topic) {
        return Err(AppError::BadRequest);
    }
    let note: String = f.note.trim().chars().take(MAX_NOTE_CHARS).collect();
    let note = state.config.privacy.detector().mask(&note).into_owned();
    let resolved = match f.resolved.as_str() {
        "ja" => Some(true),
        "nee" => Some(false),
        "" => None,
        _ => return Err(AppError::BadRequest),
    };
    if state
        .store
        .wrap_up(id, user.id, &f.topic, &note, resolved)
        .await?
    {
        tracing::info!(conversation = id, staff = user.id, "wrapped up");
        // Out of wrap-up (available or away again) in the staff state log.
        if let Err(e) = state.hub.wrapped_up(user.id).await {
            tracing::warn!(staff = user.id, error = %e, "staff state after wrap-up not logged");
        }
        Ok(Redirect::to("/staff?melding=wrapped").into_response())
    } else {
        // Already wrapped up (a second tab, a double post): the first one stands.
        Ok(Redirect::to("/staff?melding=already-wrapped").into_response())
    }
}

/// `POST /staff/wachtenden/{id}/nemen`: the staff member picks a waiting resident from
/// their queues' list (beside the offers); refused when they have no room, do not serve
/// that queue, or the resident no longer waits.
pub async fn take(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let to = match state.hub.claim_contact(&user, id).await? {
        Claim::Taken if is_call(&state, id).await => format!("/staff/gesprek/{id}"),
        Claim::Taken => format!("/staff?melding=taken#conv-{id}"),
        Claim::Full => "/staff?melding=full".to_string(),
        Claim::NotTheirs => "/staff?melding=not-theirs".to_string(),
        Claim::Gone => "/staff?melding=gone".to_string(),
    };
    Ok(Redirect::to(&to).into_response())
}
