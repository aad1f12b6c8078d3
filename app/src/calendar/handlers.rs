//! The POST side of the calendar pages: parse, call the service, then redirect (303) or show
//! the same page again with the problems.

use super::service;
use super::types::{AppointmentForm, GuestForm, SettingsForm};
use crate::error::AppError;
use crate::forms::FormError;
use crate::practice::auth::{Member, Owner};
use crate::state::AppState;
use crate::web::{FormPage, HtmlForm};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Router,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(crate::paths::NEW_APPOINTMENT, post(create))
        .route(crate::paths::APPOINTMENT_ROUTE, post(change))
        .route(crate::paths::APPOINTMENT_GUESTS_ROUTE, post(guests))
        .route(crate::paths::CALENDAR_SETTINGS, post(save_settings))
}

/// Field problems next to the fields (422); anything else as the error page with the status
/// of its [`AppError`].
async fn failure(page: FormPage, error: FormError) -> Response {
    match error {
        FormError::Invalid(feedback) => {
            page.render(feedback, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
        other => page.error(&AppError::from(other)).await,
    }
}

async fn create(
    State(state): State<AppState>,
    Member(me, _): Member,
    HtmlForm(page, input): HtmlForm<AppointmentForm>,
) -> Response {
    match service::create(&state, &me, &input).await {
        Ok(_) => Redirect::to(&format!(
            "{}&angelegt",
            crate::paths::week_of(urlencode_date(&input.date))
        ))
        .into_response(),
        Err(e) => failure(page, e).await,
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
    Member(me, _): Member,
    HtmlForm(page, input): HtmlForm<AppointmentForm>,
) -> Response {
    let (result, flag) = match input.action.as_str() {
        "update" => (
            service::update(&state, &me, &id, &input).await,
            "gespeichert",
        ),
        "resend" => (service::resend(&state, &me, &id).await, "gesendet"),
        "cancel" => (service::cancel(&state, &me, &id).await, "abgesagt"),
        _ => return page.error(&AppError::BadRequest).await,
    };
    match result {
        Ok(true) => {
            Redirect::to(&format!("{}?{flag}", crate::paths::appointment(&id))).into_response()
        }
        Ok(false) => page.error(&AppError::NotFound).await,
        Err(e) => failure(page, e).await,
    }
}

/// "Weitere Person einladen", "Ausladen", "Erneut einladen": back to the appointment's page.
async fn guests(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Member(me, _): Member,
    HtmlForm(page, input): HtmlForm<GuestForm>,
) -> Response {
    match super::guests::act(&state, &me, &id, &input).await {
        Ok(Some(done)) => Redirect::to(&format!(
            "{}?{}#personen",
            crate::paths::appointment(&id),
            done.flag()
        ))
        .into_response(),
        Ok(None) => page.error(&AppError::NotFound).await,
        Err(e) => failure(page, e).await,
    }
}

async fn save_settings(
    State(state): State<AppState>,
    Owner(me, _): Owner,
    HtmlForm(page, input): HtmlForm<SettingsForm>,
) -> Response {
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
        Ok(true) => Redirect::to(&format!("{}?gespeichert", crate::paths::CALENDAR_SETTINGS))
            .into_response(),
        Ok(false) => page.error(&AppError::NotFound).await,
        Err(e) => failure(page, e).await,
    }
}
