//! The POST side of the patient entry page.

use super::entry::{enter, EntryInput};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{client_ip, read_form, render_with_feedback};
use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
    Router,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/videosprechstunde", post(entry))
}

async fn entry(State(state): State<AppState>, request: Request) -> Response {
    let (parts, input) = match read_form::<EntryInput>(&state, request).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let ip = client_ip(&state, &parts);
    let feedback = match enter(&state, ip, &input).await {
        Ok(feedback) => feedback,
        Err(e) => {
            tracing::error!(error = %e, "patient entry failed");
            return AppError::Internal.into_response();
        }
    };
    let status = match feedback.notice.as_deref() {
        Some("entry-locked") => StatusCode::TOO_MANY_REQUESTS,
        _ if !feedback.errors.is_empty() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    render_with_feedback(&state, parts, feedback, status).await
}
