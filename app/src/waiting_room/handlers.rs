//! The doctor's call page actions that work as plain forms: send the patient back to the
//! waiting room, or end the consultation.

use super::service;
use crate::error::AppError;
use crate::practice::auth::Doctor;
use crate::signalling::types::{ClientMessage, ErrorCode};
use crate::state::AppState;
use crate::web::{see_other, HtmlForm};
use axum::{
    extract::{Path, State},
    response::Response,
    routing::post,
    Router,
};

pub fn routes() -> Router<AppState> {
    Router::new().route(crate::paths::CALL_ROUTE, post(call_action))
}

/// `action=zurueck` or `action=beenden`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct CallAction {
    action: String,
}

async fn call_action(
    State(state): State<AppState>,
    Doctor(me, _): Doctor,
    Path(id): Path<String>,
    HtmlForm(page, input): HtmlForm<CallAction>,
) -> Response {
    let (message, done) = match input.action.as_str() {
        "zurueck" => (
            ClientMessage::BackToWaiting {
                appointment: id.clone(),
            },
            "zurueck",
        ),
        "beenden" => (
            ClientMessage::Finish {
                appointment: id.clone(),
            },
            "beendet",
        ),
        _ => return page.error(&AppError::BadRequest).await,
    };
    match service::act(&state, &me, message).await {
        Ok(_) => see_other(&format!("{}?{done}", crate::paths::PRACTICE)),
        Err(ErrorCode::NotAllowed) => page.error(&AppError::Forbidden).await,
        Err(ErrorCode::UnknownAppointment) => page.error(&AppError::NotFound).await,
        Err(ErrorCode::WrongState) => see_other(&format!("{}?stand", crate::paths::call(&id))),
        Err(_) => page.error(&AppError::Internal).await,
    }
}
