//! The POST side of the patient pages: entry with name and code, leaving the waiting room.

use super::entry::{enter, EntryInput, EntryOutcome};
use crate::appointment::pass;
use crate::appointment::pass::OpenPass;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::HtmlForm;
use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Router,
};
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(crate::paths::ENTRY, post(entry))
        .route(crate::paths::LEAVE, post(leave))
        .route(crate::paths::MEASURE, post(measure_upstream))
}

async fn entry(
    State(state): State<AppState>,
    session: Session,
    HtmlForm(page, input): HtmlForm<EntryInput>,
) -> Response {
    let ip = page.client_ip();
    let feedback = match enter(&state, ip, &input).await {
        Ok(EntryOutcome::Refused(feedback)) => feedback,
        Ok(EntryOutcome::Open(appointment, guest)) => {
            let now = state.clock.now();
            return match pass::issue(&session, &appointment, guest.as_deref(), now).await {
                Ok(()) => Redirect::to(crate::paths::ROOM).into_response(),
                Err(e) => page.error(&e).await,
            };
        }
        Err(e) => {
            tracing::error!(error = %e, "patient entry failed");
            return page.error(&AppError::Internal).await;
        }
    };
    let status = match feedback.notice.as_deref() {
        Some("entry-locked" | "entry-busy") => StatusCode::TOO_MANY_REQUESTS,
        _ if !feedback.errors.is_empty() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    page.render(feedback, status).await
}

/// Upload measurements per pass within the throttle window.
pub const MEASUREMENTS: i32 = 30;
/// The most a measurement may send.
const MEASUREMENT_BYTES: usize = 512 * 1024;

/// The tech test's upstream estimate: the browser times how long this upload takes. Only with
/// a valid pass, limited per appointment; the bytes are read and dropped.
async fn measure_upstream(
    State(state): State<AppState>,
    OpenPass(pass, _): OpenPass,
    request: Request,
) -> Response {
    let now = state.clock.now();
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
            let left = if current.is_guest() {
                crate::waiting_room::guests::leave(&state, &current).await
            } else {
                crate::waiting_room::service::leave(&state, &current).await
            };
            left.map_err(|e| {
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
        Ok(()) => Redirect::to(&format!("{}?verlassen", crate::paths::ENTRY)).into_response(),
        Err(e) => e.into_response(),
    }
}
