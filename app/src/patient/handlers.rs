//! The POST side of the patient pages: entry with name and code, leaving the waiting room.

use super::entry::{enter, EntryInput, EntryOutcome};
use super::pass;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{client_ip, read_form, render_with_feedback};
use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Router,
};
use tower_sessions::Session;

/// Where the tech test and the waiting room are.
pub const ROOM_PATH: &str = "/videosprechstunde/raum";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/videosprechstunde", post(entry))
        .route("/videosprechstunde/verlassen", post(leave))
        .route("/videosprechstunde/messung", post(measure_upstream))
}

async fn entry(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let (parts, input) = match read_form::<EntryInput>(&state, request).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let ip = client_ip(&state, &parts);
    let feedback = match enter(&state, ip, &input).await {
        Ok(EntryOutcome::Refused(feedback)) => feedback,
        Ok(EntryOutcome::Open(appointment)) => {
            return match pass::issue(&session, &appointment, state.clock.now()).await {
                Ok(()) => Redirect::to(ROOM_PATH).into_response(),
                Err(e) => e.into_response(),
            };
        }
        Err(e) => {
            tracing::error!(error = %e, "patient entry failed");
            return AppError::Internal.into_response();
        }
    };
    let status = match feedback.notice.as_deref() {
        Some("entry-locked" | "entry-busy") => StatusCode::TOO_MANY_REQUESTS,
        _ if !feedback.errors.is_empty() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    render_with_feedback(&state, parts, feedback, status).await
}

/// Upload measurements per pass within the throttle window.
pub const MEASUREMENTS: i32 = 30;
/// The most a measurement may send.
const MEASUREMENT_BYTES: usize = 512 * 1024;

/// The tech test's upstream estimate: the browser times how long this upload takes. Only with
/// a valid pass, limited per appointment; the bytes are read and dropped.
async fn measure_upstream(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let now = state.clock.now();
    let pass = match pass::open_in_session(&session, &state.db, now).await {
        Ok(Some((pass, _))) => pass,
        Ok(None) => return AppError::Unauthorized.into_response(),
        Err(e) => return e.into_response(),
    };
    let key = format!("measure:{}", pass.appointment_id.simple());
    match crate::practice::throttle::count_request(&state.db, &key, now).await {
        Ok(n) if n > MEASUREMENTS => return AppError::Busy.into_response(),
        Ok(_) => {}
        Err(e) => {
            tracing::error!(error = %e, "counting upstream measurements failed");
            return AppError::Internal.into_response();
        }
    }
    match axum::body::to_bytes(request.into_body(), MEASUREMENT_BYTES).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(_) => AppError::BadRequest.into_response(),
    }
}

/// "Wartezimmer verlassen": off the practice's list, the pass is given back. Only a pass that
/// still opens the room acts on the appointment; an old one (new code, removal, cancellation,
/// an earlier leave) is only taken out of this browser and changes nothing for the patient
/// who holds the current one.
async fn leave(State(state): State<AppState>, session: Session) -> Response {
    let result = async {
        let now = state.clock.now();
        if let Some((current, _)) = pass::open_in_session(&session, &state.db, now).await? {
            crate::waiting_room::service::leave(&state, &current)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "leaving the waiting room failed");
                    AppError::Internal
                })?;
        }
        if pass::current(&session).await?.is_some() {
            pass::revoke(&session).await?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/videosprechstunde?verlassen").into_response(),
        Err(e) => e.into_response(),
    }
}
