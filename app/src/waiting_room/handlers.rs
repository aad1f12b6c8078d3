//! The doctor's call page actions that work as plain forms: send the patient back to the
//! waiting room, or end the consultation.

use super::service;
use crate::error::AppError;
use crate::practice::auth::user_and_form;
use crate::signalling::types::{ClientMessage, ErrorCode};
use crate::state::AppState;
use crate::web::see_other;
use axum::{
    extract::{Path, Request, State},
    response::{IntoResponse, Response},
    routing::post,
    Router,
};
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new().route("/praxis/gespraech/{id}", post(call_action))
}

/// `action=zurueck` or `action=beenden`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct CallAction {
    action: String,
}

async fn call_action(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (me, _, input) = match user_and_form::<CallAction>(&state, &session, request).await {
        Ok(x) => x,
        Err(r) => return r,
    };
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
        _ => return AppError::BadRequest.into_response(),
    };
    match service::act(&state, &me, message).await {
        Ok(_) => see_other(&format!("/praxis?{done}")),
        Err(ErrorCode::NotAllowed) => AppError::Forbidden.into_response(),
        Err(ErrorCode::UnknownAppointment) => AppError::NotFound.into_response(),
        Err(ErrorCode::WrongState) => see_other(&format!("/praxis/gespraech/{id}?stand")),
        Err(_) => AppError::Internal.into_response(),
    }
}
