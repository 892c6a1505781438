//! The satisfaction survey on the page of an ended conversation: "Hoe tevreden bent u over
//! dit contact?" (1-5, each with its words), "Is uw vraag beantwoord?" (ja / deels / nee),
//! after a call with an interpreter "Kon u elkaar goed zien?", and an optional comment.
//! Native radio buttons in fieldsets; without JavaScript a plain form. The store offers it
//! when an answered contact ends (never after an abandoned one) and takes one answer; the
//! comment is masked like chat messages (in the hub) and goes with the messages' retention.

use crate::i18n::T;
use crate::insight::{Connection, QuestionAnswered};
use crate::store::{NewSurveyAnswer, SurveyState};
use crate::web::form::{CsrfForm, FieldError};
use crate::web::{AppError, AppState, Ctx};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

/// The form as posted (every field may be missing or anything).
#[derive(Debug, Default, Deserialize)]
pub struct SurveyForm {
    #[serde(default)]
    pub satisfaction: String,
    #[serde(default)]
    pub answered: String,
    #[serde(default)]
    pub connection: String,
    #[serde(default)]
    pub comment: String,
}

/// One radio button of a group: value, label, checked.
#[derive(Debug, Clone)]
pub struct Choice {
    pub id: String,
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

/// What the page shows: the questions (with what was chosen, after an error), or thanks.
#[derive(Debug, Clone)]
pub struct SurveyView {
    pub thanks: bool,
    pub satisfaction: Vec<Choice>,
    pub answered: Vec<Choice>,
    /// Only after a call with an interpreter.
    pub connection: Option<Vec<Choice>>,
    pub comment: String,
    pub max_comment: usize,
}

fn choices(name: &str, items: &[(&'static str, &str)], chosen: &str, t: T) -> Vec<Choice> {
    items
        .iter()
        .map(|(value, key)| Choice {
            id: format!("survey-{name}-{value}"),
            value,
            label: t.s(key).to_string(),
            checked: *value == chosen,
        })
        .collect()
}

impl SurveyView {
    /// The survey of a conversation in `state`, with `draft` as posted (empty at first).
    pub fn new(t: T, state: SurveyState, draft: &SurveyForm) -> SurveyView {
        let satisfaction = choices(
            "satisfaction",
            &[
                ("1", "survey.satisfaction_1"),
                ("2", "survey.satisfaction_2"),
                ("3", "survey.satisfaction_3"),
                ("4", "survey.satisfaction_4"),
                ("5", "survey.satisfaction_5"),
            ],
            &draft.satisfaction,
            t,
        );
        let answered = choices(
            "answered",
            &[
                (QuestionAnswered::Yes.key(), "survey.answered_yes"),
                (QuestionAnswered::Partly.key(), "survey.answered_partly"),
                (QuestionAnswered::No.key(), "survey.answered_no"),
            ],
            &draft.answered,
            t,
        );
        let connection = state.interpreter.then(|| {
            choices(
                "connection",
                &[
                    (Connection::Good.key(), "survey.connection_good"),
                    (Connection::Sometimes.key(), "survey.connection_sometimes"),
                    (Connection::Bad.key(), "survey.connection_bad"),
                ],
                &draft.connection,
                t,
            )
        });
        SurveyView {
            thanks: state.answered,
            satisfaction,
            answered,
            connection,
            comment: draft.comment.clone(),
            max_comment: MAX_COMMENT_CHARS,
        }
    }
}

/// The answers, or an error per field (in the order of the form).
pub fn parse(t: T, f: &SurveyForm) -> Result<NewSurveyAnswer, Vec<FieldError>> {
    let mut errors = Vec::new();
    let satisfaction = f
        .satisfaction
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|s| (1..=5).contains(s));
    if satisfaction.is_none() {
        errors.push(FieldError::new(
            "survey-satisfaction-1",
            t.s("survey.error_satisfaction"),
        ));
    }
    let answered = QuestionAnswered::parse(f.answered.trim());
    if answered.is_none() {
        errors.push(FieldError::new(
            "survey-answered-yes",
            t.s("survey.error_answered"),
        ));
    }
    // Not answering the optional question is fine; anything else is not one of ours.
    let connection = Connection::parse(f.connection.trim());
    let comment = f.comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS || comment.chars().any(forbidden) {
        errors.push(FieldError::new(
            "survey-comment",
            t.s("survey.error_comment"),
        ));
    }
    match (satisfaction, answered) {
        (Some(satisfaction), Some(answered)) if errors.is_empty() => Ok(NewSurveyAnswer {
            satisfaction,
            answered,
            connection,
            comment: (!comment.is_empty()).then(|| comment.to_string()),
        }),
        _ => Err(errors),
    }
}

/// Control characters other than line breaks and tabs.
fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// `POST /chat/{token}/enquete`: the answers. Stored once; the page then thanks. With an
/// error the page is shown again with the answers given so far and the error at its
/// field. A conversation without an open survey goes back to its page.
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<SurveyForm>,
) -> Result<Response, AppError> {
    let (conv, kiosk) = match super::open(&state, &headers, &token).await? {
        Ok(opened) => opened,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let back = Redirect::to(&format!("/chat/{token}#survey")).into_response();
    match state.store.survey_state(conv.id).await? {
        Some(s) if !s.answered => {}
        _ => return Ok(back),
    }
    match parse(ctx.t, &f) {
        Ok(answers) => {
            state.hub.answer_survey(conv.id, answers).await?;
            tracing::info!(conversation = conv.id, "survey answered");
            Ok(back)
        }
        Err(errors) => {
            let idle = kiosk.map(|k| k.idle_secs);
            super::chat::render_ended_survey(&state, &ctx, &token, &conv, errors, &f, idle).await
        }
    }
}
