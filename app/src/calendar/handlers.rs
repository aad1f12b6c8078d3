//! The POST side of the calendar pages: parse, call the service, then redirect (303) or show
//! the same page again with the problems.

use super::service;
use super::types::{AppointmentForm, SettingsForm};
use crate::error::AppError;
use crate::forms::FormError;
use crate::practice::auth::user_and_form;
use crate::state::AppState;
use crate::web::render_with_feedback;
use axum::{
    extract::{Path, Request, State},
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Router,
};
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/praxis/termine/neu", post(create))
        .route("/praxis/termin/{id}", post(change))
        .route("/praxis/termine/einstellungen", post(save_settings))
}

async fn failure(state: &AppState, parts: Parts, error: FormError) -> Response {
    match error {
        FormError::Invalid(feedback) => {
            render_with_feedback(state, parts, feedback, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        other => AppError::from(other).into_response(),
    }
}

async fn create(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let (me, parts, input) = match user_and_form::<AppointmentForm>(&state, &session, request).await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    match service::create(&state, &me, &input).await {
        Ok(_) => Redirect::to(&format!(
            "/praxis/termine?datum={}&angelegt",
            urlencode_date(&input.date)
        ))
        .into_response(),
        Err(e) => failure(&state, parts, e).await,
    }
}

/// Only a plain date goes back into the address.
fn urlencode_date(date: &str) -> String {
    date.chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .take(10)
        .collect()
}

async fn change(
    State(state): State<AppState>,
    Path(id): Path<String>,
    session: Session,
    request: Request,
) -> Response {
    let (me, parts, input) = match user_and_form::<AppointmentForm>(&state, &session, request).await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (result, flag) = match input.action.as_str() {
        "update" => (
            service::update(&state, &me, &id, &input).await,
            "gespeichert",
        ),
        "resend" => (service::resend(&state, &me, &id).await, "gesendet"),
        "cancel" => (service::cancel(&state, &me, &id).await, "abgesagt"),
        _ => return AppError::BadRequest.into_response(),
    };
    match result {
        Ok(true) => Redirect::to(&format!("/praxis/termin/{id}?{flag}")).into_response(),
        Ok(false) => AppError::NotFound.into_response(),
        Err(e) => failure(&state, parts, e).await,
    }
}

async fn save_settings(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (me, parts, input) = match user_and_form::<SettingsForm>(&state, &session, request).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = match input.action.as_str() {
        "hours" => service::save_hours(&state, &me, &input)
            .await
            .map(|()| true),
        "block" => service::add_blocked(&state, &me, &input)
            .await
            .map(|()| true),
        "unblock" => service::remove_blocked(&state, &me, &input.id).await,
        _ => service::update_settings(&state, &me, &input)
            .await
            .map(|()| true),
    };
    match result {
        Ok(true) => Redirect::to("/praxis/termine/einstellungen?gespeichert").into_response(),
        Ok(false) => AppError::NotFound.into_response(),
        Err(e) => failure(&state, parts, e).await,
    }
}
