//! `GET /health/live` (the process answers) and `GET /health/ready` (the database answers and,
//! with several instances, this one hears the others).

use app::state::AppState;
use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use serde_json::json;

pub async fn live() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        // Its pages would miss what happens on the others: the load balancer sends new
        // visitors elsewhere until it listens again (the open sockets are resynchronised then).
        Ok(()) if !state.rooms.hears_the_others() => {
            tracing::warn!("readiness check: not listening to the other instances");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    json!({ "status": "unavailable", "database": "ok", "instances": "not listening" }),
                ),
            )
        }
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok" })),
        ),
        Err(e) => {
            tracing::error!(error = %e, "readiness check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
    }
}
