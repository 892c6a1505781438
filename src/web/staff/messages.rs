//! "Berichten": the shared list of asynchronous work (left messages) for staff.
//!
//! `GET /staff/berichten` lists the items of the queues whose skills the staff member has
//! (supervisors: every queue): the open ones oldest first with their age and where they
//! stand (new, picked up by whom), then the recently answered ones. `GET
//! /staff/berichten/{id}` shows one message with how the resident wants the answer, and
//! the form that fits: a written answer, an e-mail (through the `[mail]` relay), or
//! "teruggebeld" with a note. Someone picks an item up first, so the others see who
//! works on it. The rules live in the hub's inbox intents; this is the page.

use crate::hub::{Answer, Answered, PickUp};
use crate::i18n::T;
use crate::store::{AnswerHow, InboxItem, InboxState, Reach, User};
use crate::web::form::{CsrfForm, FieldError, checked_text, find_error, form_status};
use crate::web::views::{Base, iso_time, local_datetime, local_time};
use crate::web::{AppError, AppState, Ctx, StaffUser};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// One item in the list.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub href: String,
    pub reference: String,
    pub name: String,
    pub preview: String,
    pub queue: String,
    /// The topic the resident chose (empty: none).
    pub topic: String,
    pub received: String,
    pub received_iso: String,
    pub age: String,
    pub state: String,
    pub reach: String,
    /// An e-mail answer of it failed (shown as a problem).
    pub failed: bool,
}

#[derive(Template)]
#[template(path = "staff/messages.html")]
pub struct ListPage {
    pub base: Base,
    pub open: Vec<ItemRow>,
    pub answered: Vec<ItemRow>,
}

/// The form of the detail page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// Not picked up: a button to pick it up.
    PickUp,
    /// Picked up by the reader: the answer form (`how`, label, hint, button).
    Answer {
        how: &'static str,
        label: String,
        hint: String,
        button: String,
    },
    /// Someone else's or answered: nothing to do.
    None,
}

#[derive(Template)]
#[template(path = "staff/messages_item.html")]
pub struct ItemPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    /// The e-mail answer failed: the reason, shown as an alert.
    pub failure: Option<String>,
    pub id: i64,
    pub row: ItemRow,
    pub body: String,
    pub topic: Option<String>,
    pub form: FormKind,
    /// A hint above the form (no relay for an e-mail answer).
    pub form_note: Option<String>,
    /// The text in the answer box (kept after an error or a failed e-mail).
    pub draft: String,
    /// The answer given (answered items).
    pub answer: Option<(String, String)>,
}

impl ItemPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

/// "Wacht 3 uur": how long the item has been there.
fn age_text(t: T, created: i64, now: i64) -> String {
    let minutes = (now - created).max(0) / 60_000;
    if minutes < 60 {
        t.f("inbox.age_minutes", &[("n", &minutes)])
    } else if minutes < 48 * 60 {
        t.f("inbox.age_hours", &[("n", &(minutes / 60))])
    } else {
        t.f("inbox.age_days", &[("n", &(minutes / (24 * 60)))])
    }
}

fn how_text(t: T, how: Option<AnswerHow>) -> &'static str {
    match how {
        Some(AnswerHow::Email) => t.s("inbox.how_email"),
        Some(AnswerHow::CalledBack) => t.s("inbox.how_called_back"),
        _ => t.s("inbox.how_written"),
    }
}

fn state_text(t: T, item: &InboxItem) -> String {
    let picked = item.picked_by_name.clone().unwrap_or_default();
    match item.state {
        InboxState::New => t.s("inbox.state_new").to_string(),
        InboxState::PickedUp if item.send_failed() => {
            t.f("inbox.state_failed", &[("name", &picked)])
        }
        InboxState::PickedUp => t.f(
            "inbox.state_picked_up",
            &[
                ("name", &picked),
                (
                    "time",
                    &local_time(item.picked_at.unwrap_or(item.created_at)),
                ),
            ],
        ),
        InboxState::Answered => t.f(
            "inbox.state_answered",
            &[
                ("name", &item.answered_by_name.clone().unwrap_or_default()),
                (
                    "time",
                    &local_datetime(item.answered_at.unwrap_or(item.created_at)),
                ),
                ("how", &how_text(t, item.answer_how)),
            ],
        ),
    }
}

fn reach_text(t: T, item: &InboxItem) -> String {
    match item.reach {
        Reach::Email => t.f("inbox.reach_email", &[("value", &item.reach_value)]),
        Reach::Phone => t.f("inbox.reach_phone", &[("value", &item.reach_value)]),
        Reach::Return => t.s("inbox.reach_return").to_string(),
    }
}

fn row(t: T, item: &InboxItem, now: i64) -> ItemRow {
    let mut preview: String = item.body.chars().take(120).collect();
    if item.body.chars().count() > 120 {
        preview.push('…');
    }
    ItemRow {
        href: format!("/staff/berichten/{}", item.id),
        reference: item.reference(),
        name: if item.resident_name.is_empty() {
            t.s("inbox.no_name").to_string()
        } else {
            item.resident_name.clone()
        },
        preview,
        queue: if t.lang == crate::i18n::Lang::En {
            item.queue_en.clone()
        } else {
            item.queue_nl.clone()
        },
        topic: if t.lang == crate::i18n::Lang::En {
            item.topic_en.clone()
        } else {
            item.topic_nl.clone()
        }
        .unwrap_or_default(),
        received: local_datetime(item.created_at),
        received_iso: iso_time(item.created_at),
        age: age_text(t, item.created_at, now),
        state: state_text(t, item),
        reach: reach_text(t, item),
        failed: item.send_failed(),
    }
}

/// `GET /staff/berichten`: the shared list.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let now = crate::store::now_ms();
    let items = state.hub.inbox(&user).await?;
    let (open, answered): (Vec<_>, Vec<_>) = items.iter().partition(|i| i.is_open());
    let page = ListPage {
        base: ctx.staff_base(t.s("inbox.title"), &user),
        open: open.iter().map(|i| row(t, i, now)).collect(),
        answered: answered.iter().map(|i| row(t, i, now)).collect(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct ItemQuery {
    #[serde(default)]
    melding: String,
}

/// `GET /staff/berichten/{id}`: one message and the form that fits.
pub async fn item(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    session: crate::web::SessionRef,
    Path(id): Path<i64>,
    Query(q): Query<ItemQuery>,
) -> Result<Response, AppError> {
    let item = state
        .hub
        .inbox_item(&user, id)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .hub
        .record_view(&user, &session.0, crate::hub::Subject::Inbox(id))
        .await?;
    let notice = match q.melding.as_str() {
        "opgepakt" => Some("inbox.picked"),
        "bezet" => Some("inbox.taken"),
        "beantwoord" => Some("inbox.answered"),
        "geweigerd" => Some("inbox.refused"),
        _ => None,
    };
    let notice = notice.map(|k| {
        ctx.t.f(
            k,
            &[("name", &item.picked_by_name.clone().unwrap_or_default())],
        )
    });
    render_item(&state, &ctx, &user, item, Vec::new(), notice, None)
}

fn render_item(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    item: InboxItem,
    errors: Vec<FieldError>,
    notice: Option<String>,
    draft: Option<String>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let mail = state.config.mail.is_some();
    let mine = item.state == InboxState::PickedUp && item.picked_by == Some(user.id);
    let mut form_note = None;
    let form = match item.state {
        InboxState::New => FormKind::PickUp,
        InboxState::PickedUp if mine => match item.reach {
            Reach::Email if mail => FormKind::Answer {
                how: "email",
                label: t.s("inbox.email_label").to_string(),
                hint: t.f(
                    "inbox.email_hint",
                    &[
                        ("address", &item.reach_value),
                        ("reference", &item.reference()),
                    ],
                ),
                button: t.s("inbox.send_email").to_string(),
            },
            Reach::Phone => FormKind::Answer {
                how: "called_back",
                label: t.s("inbox.call_label").to_string(),
                hint: t.f("inbox.call_hint", &[("phone", &item.reach_value)]),
                button: t.s("inbox.send_called").to_string(),
            },
            reach => {
                if reach == Reach::Email {
                    form_note = Some(t.s("inbox.no_mail").to_string());
                }
                FormKind::Answer {
                    how: "written",
                    label: t.s("inbox.written_label").to_string(),
                    hint: t.s("inbox.written_hint").to_string(),
                    button: t.s("inbox.send_written").to_string(),
                }
            }
        },
        _ => FormKind::None,
    };
    let failure = item
        .send_failed()
        .then(|| {
            t.f(
                "inbox.send_failed",
                &[("reason", &item.send_error.clone().unwrap_or_default())],
            )
        })
        .filter(|_| item.is_open());
    // A failed e-mail's text is kept: it fills the box for sending again.
    let draft = draft.unwrap_or_else(|| {
        if item.is_open() {
            item.answer_body.clone().unwrap_or_default()
        } else {
            String::new()
        }
    });
    let answer = (item.state == InboxState::Answered).then(|| {
        (
            how_text(t, item.answer_how).to_string(),
            item.answer_body.clone().unwrap_or_default(),
        )
    });
    let topic = if t.lang == crate::i18n::Lang::En {
        item.topic_en.clone()
    } else {
        item.topic_nl.clone()
    };
    let mut base = ctx.staff_base(
        t.f("inbox.item_title", &[("reference", &item.reference())]),
        user,
    );
    base.has_error = !errors.is_empty();
    let status = form_status(&errors);
    let page = ItemPage {
        base,
        notice,
        failure,
        id: item.id,
        row: row(t, &item, crate::store::now_ms()),
        body: item.body.clone(),
        topic,
        form,
        form_note,
        draft,
        answer,
        errors,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `POST /staff/berichten/{id}/oppakken`: pick it up.
pub async fn pick_up(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::web::form::NoFields>,
) -> Result<Response, AppError> {
    let melding = match state.hub.inbox_pick_up(&user, id).await? {
        None => return Err(AppError::NotFound),
        Some(PickUp::Mine) => "opgepakt",
        Some(PickUp::Taken) => "bezet",
    };
    Ok(Redirect::to(&format!("/staff/berichten/{id}?melding={melding}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    how: String,
    #[serde(default)]
    answer: String,
}

/// `POST /staff/berichten/{id}/antwoord`: answer it (written, e-mail, or called back).
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    StaffUser(user): StaffUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let Some(item) = state.hub.inbox_item(&user, id).await? else {
        return Err(AppError::NotFound);
    };
    let how = match f.how.as_str() {
        "written" => AnswerHow::Written,
        "email" => AnswerHow::Email,
        "called_back" => AnswerHow::CalledBack,
        _ => return Err(AppError::BadRequest),
    };
    let empty_key = if how == AnswerHow::CalledBack {
        "inbox.error_note"
    } else {
        "inbox.error_answer"
    };
    let max = state.config.chat.max_message_chars;
    let body = match checked_text(t, &f.answer, max, "answer", empty_key) {
        Ok(b) => b,
        Err(e) => return render_item(&state, &ctx, &user, item, vec![e], None, Some(f.answer)),
    };
    let outcome = state
        .hub
        .inbox_answer(
            &user,
            id,
            Answer { how, body: &body },
            state.config.mail.as_ref(),
        )
        .await?;
    let melding = match outcome {
        None => return Err(AppError::NotFound),
        Some(Answered::Done) => "beantwoord",
        // The kept answer and the relay's reason are on the page.
        Some(Answered::SendFailed(_)) => "mislukt",
        Some(Answered::Refused) => "geweigerd",
    };
    Ok(Redirect::to(&format!("/staff/berichten/{id}?melding={melding}")).into_response())
}
