//! The privacy officer's pages (`/staff/privacy`, also open to administrators): find
//! everything about a resident by any identifier, show it as a readable page or a JSON
//! file (art. 15 AVG), erase it after a confirmation (art. 17), place and lift legal holds,
//! read the access log (with filters, as CSV) and set the retention terms.
//!
//! Every step is recorded in the access log through the hub ([`crate::hub::Access`]); the
//! search words themselves are never written down (they are names and addresses).

use crate::config::RetentionSettings;
use crate::hub::{Access, Subject};
use crate::i18n::T;
use crate::privacy::retention;
use crate::store::{AccessEntry, AccessFilter, Found, Hold, InboxItem, User};
use crate::web::form::{CsrfForm, FieldError, find_error, form_status};
use crate::web::views::{Base, MessageView, local_datetime, message_view};
use crate::web::{AppError, AppState, Ctx, PrivacyOfficer, SessionRef};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

/// Longest search text, reason or filter accepted.
const MAX_FIELD: usize = 500;
/// Most access-log lines on the page (the CSV has up to [`CSV_ROWS`]).
const LOG_ROWS: i64 = 200;
const CSV_ROWS: i64 = 100_000;

/// `?q=`: what to look for.
#[derive(Debug, Deserialize, Default)]
pub struct Search {
    #[serde(default)]
    pub q: String,
}

impl Search {
    fn query(&self) -> Option<String> {
        let q: String = self.q.trim().chars().take(MAX_FIELD).collect();
        (!q.is_empty()).then_some(q)
    }
}

/// One conversation as the officer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ConvView {
    pub id: i64,
    /// "Gesprek 12"
    pub label: String,
    pub queue: String,
    pub channel: String,
    pub status: String,
    pub started: String,
    pub ended: String,
    pub resident_name: String,
    pub contact: String,
    pub note: String,
    #[serde(skip)]
    pub messages: Vec<MessageView>,
    pub kept: String,
    pub holds: Vec<Hold>,
    pub held: Option<i64>,
    #[serde(skip)]
    pub accesses: Vec<AccessView>,
}

/// One left message as the officer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub id: i64,
    /// "Bericht B-000-012"
    pub label: String,
    pub reference: String,
    pub channel: String,
    pub queue: String,
    pub received: String,
    pub resident_name: String,
    pub reach: String,
    pub body: String,
    pub answer: String,
    pub holds: Vec<Hold>,
    pub held: Option<i64>,
    #[serde(skip)]
    pub accesses: Vec<AccessView>,
}

/// An access-log line as a page shows it.
#[derive(Debug, Clone)]
pub struct AccessView {
    pub id: i64,
    pub at: String,
    pub who: String,
    pub role: String,
    pub action: String,
    pub about: String,
    pub session: String,
}

fn access_view(t: T, e: &AccessEntry) -> AccessView {
    AccessView {
        id: e.id,
        at: local_datetime(e.at),
        who: e.user_name.clone(),
        role: t.s(&format!("role.{}", e.role)).to_string(),
        action: Access::parse(&e.action)
            .map(|a| t.s(action_key(a)).to_string())
            .unwrap_or_else(|| e.action.clone()),
        about: match (e.conversation_id, e.inbox_id) {
            (Some(c), _) => t.f("privacy.conversation_n", &[("id", &c)]),
            (None, Some(i)) => crate::hub::reference(i),
            _ => String::new(),
        },
        session: e.session.clone(),
    }
}

fn action_key(a: Access) -> &'static str {
    match a {
        Access::View => "accesslog.view",
        Access::Search => "accesslog.search",
        Access::Export => "accesslog.export",
        Access::Erase => "accesslog.erase",
        Access::Hold => "accesslog.hold",
        Access::Unhold => "accesslog.unhold",
        Access::Retention => "accesslog.retention",
    }
}

#[derive(Template)]
#[template(path = "staff/privacy.html")]
pub struct SearchPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub query: String,
    pub searched: bool,
    pub conversations: Vec<ConvView>,
    pub items: Vec<ItemView>,
    pub results_text: String,
    pub open_holds: Vec<HoldLine>,
    pub notice: Option<String>,
}

/// A hold in force, as the search page lists it.
#[derive(Debug, Clone)]
pub struct HoldLine {
    pub about: String,
    pub reason: String,
    pub set_by: String,
    pub set_at: String,
}

fn hold_line(t: T, h: &Hold) -> HoldLine {
    HoldLine {
        about: match (h.conversation_id, h.inbox_id) {
            (Some(c), _) => t.f("privacy.conversation_n", &[("id", &c)]),
            (None, Some(i)) => crate::hub::reference(i),
            _ => String::new(),
        },
        reason: h.reason.clone(),
        set_by: h.set_by.clone(),
        set_at: local_datetime(h.set_at),
    }
}

#[derive(Template)]
#[template(path = "staff/privacy_export.html")]
pub struct ExportPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub query: String,
    pub conversations: Vec<ConvView>,
    pub items: Vec<ItemView>,
    pub notice: Option<String>,
}

impl ExportPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "staff/privacy_erase.html")]
pub struct ErasePage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub query: String,
    pub conversations: Vec<ConvView>,
    pub items: Vec<ItemView>,
    /// After the erasure: what was erased and what a hold kept.
    pub done: Option<(usize, usize)>,
}

/// Everything about the resident `query` finds, with the access-log lines about it.
async fn gather(
    state: &AppState,
    t: T,
    found: &Found,
) -> Result<(Vec<ConvView>, Vec<ItemView>), AppError> {
    let store = &state.store;
    let terms = store.retention_terms(&state.config.retention).await?;
    let mut convs = Vec::new();
    for id in &found.conversations {
        let Some(c) = store.conversation(*id).await? else {
            continue;
        };
        let holds = store.holds(Some(c.id), None).await?;
        let held = holds.iter().find(|h| h.lifted_at.is_none()).map(|h| h.id);
        let messages = store
            .all_messages(c.id)
            .await?
            .iter()
            .map(|m| message_view(t, m, false))
            .collect();
        let accesses = store
            .access_log(&AccessFilter {
                conversation_id: Some(c.id),
                limit: 1000,
                ..Default::default()
            })
            .await?
            .iter()
            .map(|e| access_view(t, e))
            .collect();
        let kept = crate::web::wording::kept_text(state, t, &c, &terms).await?;
        convs.push(ConvView {
            id: c.id,
            label: t.f("privacy.conversation_n", &[("id", &c.id)]),
            queue: state
                .store
                .queues()
                .await?
                .iter()
                .find(|q| q.id == c.queue_id)
                .map(|q| q.name().get(t.lang).to_string())
                .unwrap_or_default(),
            channel: t
                .s(match c.channel {
                    crate::store::Channel::Chat => "privacy.channel_chat",
                    crate::store::Channel::Video => "privacy.channel_video",
                })
                .into(),
            status: t.s(&format!("status.{}", c.status.as_str())).into(),
            started: local_datetime(c.created_at),
            ended: c.ended_at.map(local_datetime).unwrap_or_default(),
            resident_name: c.resident_name.clone(),
            contact: c.contact_value.clone().unwrap_or_default(),
            note: c.wrapup_note.clone().unwrap_or_default(),
            messages,
            kept,
            holds,
            held,
            accesses,
        });
    }
    let mut items = Vec::new();
    for id in &found.inbox_items {
        let Some(i) = store.inbox_item(*id).await? else {
            continue;
        };
        let holds = store.holds(None, Some(i.id)).await?;
        let held = holds.iter().find(|h| h.lifted_at.is_none()).map(|h| h.id);
        let accesses = store
            .access_log(&AccessFilter {
                inbox_id: Some(i.id),
                limit: 1000,
                ..Default::default()
            })
            .await?
            .iter()
            .map(|e| access_view(t, e))
            .collect();
        items.push(item_view(t, &i, holds, held, accesses));
    }
    Ok((convs, items))
}

fn item_view(
    t: T,
    i: &InboxItem,
    holds: Vec<Hold>,
    held: Option<i64>,
    accesses: Vec<AccessView>,
) -> ItemView {
    ItemView {
        id: i.id,
        label: t.f("privacy.left_message_n", &[("reference", &i.reference())]),
        reference: i.reference(),
        channel: t
            .s(match i.channel {
                crate::store::InboxChannel::Form => "privacy.inbox_form",
                crate::store::InboxChannel::Whatsapp => "privacy.inbox_whatsapp",
                crate::store::InboxChannel::Email => "privacy.inbox_email",
            })
            .into(),
        queue: if t.code() == "nl" {
            i.queue_nl.clone()
        } else {
            i.queue_en.clone()
        },
        received: local_datetime(i.created_at),
        resident_name: i.resident_name.clone(),
        reach: i.reach_value.clone(),
        body: i.body.clone(),
        answer: i.answer_body.clone().unwrap_or_default(),
        holds,
        held,
        accesses,
    }
}

async fn find(state: &AppState, q: &str) -> Result<Found, AppError> {
    Ok(state.store.find_resident(q).await?)
}

/// `GET /staff/privacy`: the search, its results and the holds in force.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(user): PrivacyOfficer,
    session: SessionRef,
    Query(s): Query<SearchWithNotice>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let search = Search { q: s.q.clone() };
    let query = search.query();
    let (conversations, items) = match &query {
        Some(q) => {
            let found = find(&state, q).await?;
            let n = found.conversations.len() + found.inbox_items.len();
            state
                .hub
                .record_access(
                    &user,
                    &session.0,
                    Access::Search,
                    Subject::Nothing,
                    &format!("{n} found"),
                )
                .await?;
            gather(&state, t, &found).await?
        }
        None => (Vec::new(), Vec::new()),
    };
    let notice = match s.melding.as_deref() {
        Some("gewist") => Some(t.s("privacy.erased_notice").to_string()),
        _ => None,
    };
    let base = ctx.staff_base(t.s("privacy.title"), &user);
    let results_text = t.f(
        "privacy.results_count",
        &[("count", &(conversations.len() + items.len()))],
    );
    let open_holds = state
        .store
        .holds(None, None)
        .await?
        .iter()
        .map(|h| hold_line(t, h))
        .collect();
    let page = SearchPage {
        base,
        errors: Vec::new(),
        results_text,
        open_holds,
        searched: query.is_some(),
        query: query.unwrap_or_default(),
        conversations,
        items,
        notice,
    };
    Ok(Html(page.render()?).into_response())
}

/// `?q=&melding=`
#[derive(Debug, Deserialize, Default)]
pub struct SearchWithNotice {
    #[serde(default)]
    pub q: String,
    pub melding: Option<String>,
}

/// `GET /staff/privacy/inzage?q=`: everything about the resident, readable and printable
/// (art. 15), with a hold form per conversation.
pub async fn export_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(user): PrivacyOfficer,
    session: SessionRef,
    Query(s): Query<SearchWithNotice>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let Some(q) = (Search { q: s.q.clone() }).query() else {
        return Ok(Redirect::to("/staff/privacy").into_response());
    };
    let found = find(&state, &q).await?;
    record_each(&state, &user, &session.0, Access::Export, &found, "page").await?;
    let (conversations, items) = gather(&state, t, &found).await?;
    let notice = match s.melding.as_deref() {
        Some("bewaard") => Some(t.s("privacy.hold_placed").to_string()),
        Some("opgeheven") => Some(t.s("privacy.hold_lifted").to_string()),
        _ => None,
    };
    let page = ExportPage {
        base: ctx.staff_base(t.s("privacy.export_title"), &user),
        errors: Vec::new(),
        query: q,
        conversations,
        items,
        notice,
    };
    Ok(Html(page.render()?).into_response())
}

async fn record_each(
    state: &AppState,
    user: &User,
    session: &str,
    action: Access,
    found: &Found,
    detail: &str,
) -> Result<(), AppError> {
    for c in &found.conversations {
        state
            .hub
            .record_access(user, session, action, Subject::Conversation(*c), detail)
            .await?;
    }
    for i in &found.inbox_items {
        state
            .hub
            .record_access(user, session, action, Subject::Inbox(*i), detail)
            .await?;
    }
    Ok(())
}

/// The JSON export: every conversation with its messages, every left message, and the
/// access-log lines about them.
#[derive(Debug, Serialize)]
struct ExportFile {
    generated_at: String,
    organisation: String,
    conversations: Vec<ExportConversation>,
    left_messages: Vec<ItemView>,
    access_log: Vec<AccessEntry>,
}

#[derive(Debug, Serialize)]
struct ExportConversation {
    #[serde(flatten)]
    conversation: ConvView,
    messages: Vec<crate::store::Message>,
    /// The resident's comment with the satisfaction survey, while it is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    survey_comment: Option<String>,
}

/// `GET /staff/privacy/inzage.json?q=`: the same as a file.
pub async fn export_json(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(user): PrivacyOfficer,
    session: SessionRef,
    Query(s): Query<Search>,
) -> Result<Response, AppError> {
    let Some(q) = s.query() else {
        return Err(AppError::BadRequest);
    };
    let found = find(&state, &q).await?;
    record_each(&state, &user, &session.0, Access::Export, &found, "json").await?;
    let (conversations, items) = gather(&state, ctx.t, &found).await?;
    let mut log = Vec::new();
    let mut out = Vec::new();
    for c in conversations {
        log.extend(
            state
                .store
                .access_log(&AccessFilter {
                    conversation_id: Some(c.id),
                    limit: 10_000,
                    ..Default::default()
                })
                .await?,
        );
        let messages = state.store.all_messages(c.id).await?;
        let survey_comment = state.store.survey_comment(c.id).await?;
        out.push(ExportConversation {
            conversation: c,
            messages,
            survey_comment,
        });
    }
    for i in &items {
        log.extend(
            state
                .store
                .access_log(&AccessFilter {
                    inbox_id: Some(i.id),
                    limit: 10_000,
                    ..Default::default()
                })
                .await?,
        );
    }
    let file = ExportFile {
        generated_at: local_datetime(crate::store::now_ms()),
        organisation: state.config.organisation.clone(),
        conversations: out,
        left_messages: items,
        access_log: log,
    };
    let body = serde_json::to_string_pretty(&file).map_err(|_| AppError::BadRequest)?;
    Ok(crate::web::download::attachment(
        "application/json; charset=utf-8",
        "loket-inzage.json",
        body,
    ))
}

/// `GET /staff/privacy/wissen?q=`: what an erasure would remove, and the confirmation.
pub async fn erase_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(user): PrivacyOfficer,
    Query(s): Query<Search>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let Some(q) = s.query() else {
        return Ok(Redirect::to("/staff/privacy").into_response());
    };
    let found = find(&state, &q).await?;
    let (conversations, items) = gather(&state, t, &found).await?;
    let page = ErasePage {
        base: ctx.staff_base(t.s("privacy.erase_title"), &user),
        errors: Vec::new(),
        query: q,
        conversations,
        items,
        done: None,
    };
    Ok(Html(page.render()?).into_response())
}

/// The erasure form.
#[derive(Debug, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub confirm: String,
}

/// `POST /staff/privacy/wissen`: erases what the search finds, except what a hold keeps.
pub async fn erase(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(user): PrivacyOfficer,
    session: SessionRef,
    CsrfForm(f): CsrfForm<EraseForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let Some(q) = (Search { q: f.q.clone() }).query() else {
        return Ok(Redirect::to("/staff/privacy").into_response());
    };
    let found = find(&state, &q).await?;
    if f.confirm != "ja" {
        let (conversations, items) = gather(&state, t, &found).await?;
        let errors = vec![FieldError::new(
            "confirm",
            t.s("privacy.erase_confirm_missing"),
        )];
        let mut base = ctx.staff_base(t.s("privacy.erase_title"), &user);
        base.has_error = true;
        let status = form_status(&errors);
        let page = ErasePage {
            base,
            errors,
            query: q,
            conversations,
            items,
            done: None,
        };
        return Ok((status, Html(page.render()?)).into_response());
    }
    let (mut erased, mut kept) = (0, 0);
    for c in &found.conversations {
        if state.store.erase_conversation(*c).await? {
            erased += 1;
            state
                .hub
                .record_access(
                    &user,
                    &session.0,
                    Access::Erase,
                    Subject::Conversation(*c),
                    "",
                )
                .await?;
        } else {
            kept += 1;
        }
    }
    for i in &found.inbox_items {
        if state.store.erase_inbox_item(*i).await? {
            erased += 1;
            state
                .hub
                .record_access(&user, &session.0, Access::Erase, Subject::Inbox(*i), "")
                .await?;
        } else {
            kept += 1;
        }
    }
    let (conversations, items) = gather(&state, t, &found).await?;
    let page = ErasePage {
        base: ctx.staff_base(t.s("privacy.erased_title"), &user),
        errors: Vec::new(),
        query: q,
        conversations,
        items,
        done: Some((erased, kept)),
    };
    Ok(Html(page.render()?).into_response())
}

/// Placing a hold.
#[derive(Debug, Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    pub q: String,
    /// `gesprek` or `bericht`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /staff/privacy/bewaarplicht`: a legal hold on a conversation or left message.
pub async fn place_hold(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(user): PrivacyOfficer,
    session: SessionRef,
    CsrfForm(f): CsrfForm<HoldForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let id: i64 = f.id.trim().parse().map_err(|_| AppError::BadRequest)?;
    let subject = match f.kind.as_str() {
        "gesprek" if state.store.conversation(id).await?.is_some() => Subject::Conversation(id),
        "bericht" if state.store.inbox_item(id).await?.is_some() => Subject::Inbox(id),
        "gesprek" | "bericht" => return Err(AppError::NotFound),
        _ => return Err(AppError::BadRequest),
    };
    let q: String = f.q.trim().chars().take(MAX_FIELD).collect();
    let reason: String = f.reason.trim().chars().take(MAX_FIELD).collect();
    let field = format!("reason-{}-{id}", f.kind);
    if reason.is_empty() {
        let found = find(&state, &q).await?;
        let (conversations, items) = gather(&state, t, &found).await?;
        let errors = vec![FieldError::new(&field, t.s("privacy.hold_reason_missing"))];
        let mut base = ctx.staff_base(t.s("privacy.export_title"), &user);
        base.has_error = true;
        let status = form_status(&errors);
        let page = ExportPage {
            base,
            errors,
            query: q,
            conversations,
            items,
            notice: None,
        };
        return Ok((status, Html(page.render()?)).into_response());
    }
    let (c, i) = match subject {
        Subject::Conversation(c) => (Some(c), None),
        Subject::Inbox(i) => (None, Some(i)),
        Subject::Nothing => (None, None),
    };
    if state
        .store
        .place_hold(c, i, &reason, user.id)
        .await?
        .is_some()
    {
        state
            .hub
            .record_access(&user, &session.0, Access::Hold, subject, "")
            .await?;
    }
    Ok(Redirect::to(&back_to(&q, "bewaard")).into_response())
}

fn back_to(q: &str, notice: &str) -> String {
    format!(
        "/staff/privacy/inzage?q={}&melding={notice}",
        urlencoding(q)
    )
}

fn urlencoding(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// Lifting a hold.
#[derive(Debug, Deserialize)]
pub struct LiftForm {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /staff/privacy/bewaarplicht/{id}/opheffen`
pub async fn lift_hold(
    State(state): State<AppState>,
    PrivacyOfficer(user): PrivacyOfficer,
    session: SessionRef,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<LiftForm>,
) -> Result<Response, AppError> {
    let q: String = f.q.trim().chars().take(MAX_FIELD).collect();
    let reason: String = f.reason.trim().chars().take(MAX_FIELD).collect();
    let Some(hold) = state
        .store
        .holds(None, None)
        .await?
        .into_iter()
        .find(|h| h.id == id)
    else {
        // Lifted already (a second tab, a double post) or never there: nothing to do.
        return Ok(Redirect::to("/staff/privacy").into_response());
    };
    if state.store.lift_hold(id, &reason, user.id).await? {
        let subject = match (hold.conversation_id, hold.inbox_id) {
            (Some(c), _) => Subject::Conversation(c),
            (None, Some(i)) => Subject::Inbox(i),
            _ => Subject::Nothing,
        };
        state
            .hub
            .record_access(&user, &session.0, Access::Unhold, subject, "")
            .await?;
    }
    if q.is_empty() {
        return Ok(Redirect::to("/staff/privacy").into_response());
    }
    Ok(Redirect::to(&back_to(&q, "opgeheven")).into_response())
}

/// The access log's filters (`?gebruiker=&actie=&gesprek=&van=&tot=`).
#[derive(Debug, Deserialize, Default, Clone)]
pub struct LogQuery {
    #[serde(default)]
    pub gebruiker: String,
    #[serde(default)]
    pub actie: String,
    #[serde(default)]
    pub gesprek: String,
    #[serde(default)]
    pub van: String,
    #[serde(default)]
    pub tot: String,
}

/// An option of the action filter.
#[derive(Debug, Clone)]
pub struct ActionOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "staff/privacy_log.html")]
pub struct LogPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub filter: LogQuery,
    pub actions: Vec<ActionOption>,
    pub rows: Vec<AccessView>,
    pub csv_link: String,
    pub truncated: bool,
}

impl LogPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

/// A date `YYYY-MM-DD` as the start of that day in Amsterdam (unix ms).
fn day_start(s: &str) -> Option<i64> {
    use chrono::TimeZone;
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    chrono_tz::Europe::Amsterdam
        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|d| d.timestamp_millis())
}

fn parse_filter(t: T, q: &LogQuery, limit: i64) -> (AccessFilter, Vec<FieldError>) {
    let mut errors = Vec::new();
    let clean = |s: &str| {
        let s: String = s.trim().chars().take(MAX_FIELD).collect();
        (!s.is_empty()).then_some(s)
    };
    let action = clean(&q.actie).filter(|a| Access::parse(a).is_some());
    let conversation_id = clean(&q.gesprek).and_then(|g| {
        let digits: String = g.chars().filter(char::is_ascii_digit).collect();
        let id = digits.parse::<i64>().ok();
        if id.is_none() {
            errors.push(FieldError::new(
                "gesprek",
                t.s("privacy.log_error_conversation"),
            ));
        }
        id
    });
    let mut date = |field: &str, s: &str| {
        clean(s).and_then(|v| {
            let d = day_start(&v);
            if d.is_none() {
                errors.push(FieldError::new(field, t.s("privacy.log_error_date")));
            }
            d
        })
    };
    let from_ms = date("van", &q.van);
    let until_ms = date("tot", &q.tot).map(|d| d + 86_400_000);
    (
        AccessFilter {
            user: clean(&q.gebruiker),
            action,
            conversation_id,
            inbox_id: None,
            from_ms,
            until_ms,
            limit,
        },
        errors,
    )
}

/// `GET /staff/privacy/log`: the access log, newest first, with filters.
pub async fn log_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(user): PrivacyOfficer,
    Query(q): Query<LogQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let (filter, errors) = parse_filter(t, &q, LOG_ROWS + 1);
    let mut rows: Vec<AccessView> = if errors.is_empty() {
        state
            .store
            .access_log(&filter)
            .await?
            .iter()
            .map(|e| access_view(t, e))
            .collect()
    } else {
        Vec::new()
    };
    let truncated = rows.len() as i64 > LOG_ROWS;
    rows.truncate(LOG_ROWS as usize);
    let csv_link = format!(
        "/staff/privacy/log.csv?gebruiker={}&actie={}&gesprek={}&van={}&tot={}",
        urlencoding(&q.gebruiker),
        urlencoding(&q.actie),
        urlencoding(&q.gesprek),
        urlencoding(&q.van),
        urlencoding(&q.tot)
    );
    let actions = Access::ALL
        .iter()
        .map(|a| ActionOption {
            value: a.as_str(),
            label: t.s(action_key(*a)),
            selected: q.actie == a.as_str(),
        })
        .collect();
    let mut base = ctx.staff_base(t.s("accesslog.title"), &user);
    base.has_error = !errors.is_empty();
    let status = form_status(&errors);
    let page = LogPage {
        base,
        errors,
        filter: q,
        actions,
        rows,
        csv_link,
        truncated,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /staff/privacy/log.csv`: the same lines (up to 100,000) as CSV.
pub async fn log_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(_user): PrivacyOfficer,
    Query(q): Query<LogQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let (filter, errors) = parse_filter(t, &q, CSV_ROWS);
    if !errors.is_empty() {
        return Err(AppError::BadRequest);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |_| AppError::BadRequest;
    w.write_record([
        "id",
        "time",
        "user",
        "role",
        "action",
        "conversation",
        "left_message",
        "session",
        "detail",
        "hash",
    ])
    .map_err(csv_err)?;
    for e in state.store.access_log(&filter).await? {
        w.write_record([
            e.id.to_string(),
            crate::web::views::iso_time(e.at),
            e.user_name.clone(),
            e.role.clone(),
            e.action.clone(),
            e.conversation_id.map(|c| c.to_string()).unwrap_or_default(),
            e.inbox_id.map(crate::hub::reference).unwrap_or_default(),
            e.session.clone(),
            e.detail.clone(),
            e.hash.iter().map(|b| format!("{b:02x}")).collect(),
        ])
        .map_err(csv_err)?;
    }
    let body = w.into_inner().map_err(|_| AppError::BadRequest)?;
    Ok(crate::web::download::attachment(
        "text/csv; charset=utf-8",
        "loket-toegangslog.csv",
        body,
    ))
}

#[derive(Template)]
#[template(path = "staff/privacy_terms.html")]
pub struct TermsPage {
    pub base: Base,
    pub errors: Vec<FieldError>,
    pub messages_days: String,
    pub contact_days: String,
    pub notes_days: String,
    pub access_log_days: String,
    pub purge_at: String,
    pub preview: Vec<String>,
    pub notice: Option<String>,
}

impl TermsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        find_error(&self.errors, field)
    }
}

/// `?opgeslagen`
#[derive(Debug, Deserialize, Default)]
pub struct Saved {
    pub opgeslagen: Option<String>,
}

async fn terms_page(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    shown: [String; 5],
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let terms = state.store.retention_terms(&state.config.retention).await?;
    let now = crate::store::now_ms();
    let next = retention::next_run(
        now,
        retention::parse_clock(&terms.purge_at).unwrap_or_default(),
    );
    let counts = state.store.purge_preview(next, &terms).await?;
    let preview = retention::summary(&t, next, &counts, true);
    let mut base = ctx.staff_base(t.s("retention.title"), user);
    base.has_error = !errors.is_empty();
    let status = form_status(&errors);
    let [
        messages_days,
        contact_days,
        notes_days,
        access_log_days,
        purge_at,
    ] = shown;
    let page = TermsPage {
        base,
        errors,
        messages_days,
        contact_days,
        notes_days,
        access_log_days,
        purge_at,
        preview,
        notice,
    };
    Ok((status, Html(page.render()?)).into_response())
}

fn shown(t: &RetentionSettings) -> [String; 5] {
    [
        t.messages_days.to_string(),
        t.contact_days.to_string(),
        t.notes_days.to_string(),
        t.access_log_days.to_string(),
        t.purge_at.clone(),
    ]
}

/// `GET /staff/privacy/bewaartermijnen`: the retention terms and what the next purge
/// removes.
pub async fn terms(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(user): PrivacyOfficer,
    Query(s): Query<Saved>,
) -> Result<Response, AppError> {
    let terms = state.store.retention_terms(&state.config.retention).await?;
    let notice = s
        .opgeslagen
        .is_some()
        .then(|| ctx.t.s("retention.saved").to_string());
    terms_page(&state, &ctx, &user, shown(&terms), Vec::new(), notice).await
}

/// The terms form.
#[derive(Debug, Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    pub messages_days: String,
    #[serde(default)]
    pub contact_days: String,
    #[serde(default)]
    pub notes_days: String,
    #[serde(default)]
    pub access_log_days: String,
    #[serde(default)]
    pub purge_at: String,
}

/// `POST /staff/privacy/bewaartermijnen`
pub async fn save_terms(
    State(state): State<AppState>,
    ctx: Ctx,
    PrivacyOfficer(user): PrivacyOfficer,
    session: SessionRef,
    CsrfForm(f): CsrfForm<TermsForm>,
) -> Result<Response, AppError> {
    let t = ctx.t;
    let entered = [
        f.messages_days.trim().chars().take(10).collect::<String>(),
        f.contact_days.trim().chars().take(10).collect(),
        f.notes_days.trim().chars().take(10).collect(),
        f.access_log_days.trim().chars().take(10).collect(),
        f.purge_at.trim().chars().take(10).collect(),
    ];
    let mut errors = Vec::new();
    let mut days = [0u32; 4];
    for (i, field) in [
        "messages_days",
        "contact_days",
        "notes_days",
        "access_log_days",
    ]
    .iter()
    .enumerate()
    {
        match entered[i].parse::<u32>() {
            Ok(d) if (retention::MIN_DAYS..=retention::MAX_DAYS).contains(&d) => days[i] = d,
            _ => errors.push(FieldError::new(*field, t.s("retention.days_range"))),
        }
    }
    let new = RetentionSettings {
        messages_days: days[0],
        contact_days: days[1],
        notes_days: days[2],
        access_log_days: days[3],
        purge_at: entered[4].clone(),
    };
    if errors.is_empty() {
        if let Err(e) = retention::check(&new) {
            errors.push(FieldError::new(e.field, t.s(e.key)));
        }
    } else if retention::parse_clock(&entered[4]).is_none() {
        errors.push(FieldError::new("purge_at", t.s("retention.clock")));
    }
    if !errors.is_empty() {
        return terms_page(&state, &ctx, &user, entered, errors, None).await;
    }
    let old = state.store.retention_terms(&state.config.retention).await?;
    state.store.set_retention_terms(&new).await?;
    let detail = format!(
        "messages {}->{}, contact {}->{}, notes {}->{}, access_log {}->{}, purge_at {}->{}",
        old.messages_days,
        new.messages_days,
        old.contact_days,
        new.contact_days,
        old.notes_days,
        new.notes_days,
        old.access_log_days,
        new.access_log_days,
        old.purge_at,
        new.purge_at
    );
    state
        .hub
        .record_access(
            &user,
            &session.0,
            Access::Retention,
            Subject::Nothing,
            &detail,
        )
        .await?;
    Ok(Redirect::to("/staff/privacy/bewaartermijnen?opgeslagen").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_in_amsterdam() {
        let start = day_start("2027-03-12").unwrap();
        // 00:00 in Amsterdam is 23:00 UTC the day before (winter time).
        assert_eq!(crate::web::views::iso_time(start), "2027-03-11T23:00:00Z");
        assert!(day_start("12-03-2027").is_none());
        assert!(day_start("").is_none());
    }
}
