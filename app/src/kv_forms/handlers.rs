//! Downloads of the KV-Antrag area (logged-in practice members, their own practice only).

use crate::error::AppError;
use crate::practice::auth::current_user;
use crate::state::AppState;
use axum::{
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new().route("/praxis/kv-antrag/selbstauskunft.pdf", get(self_disclosure))
}

async fn self_disclosure(State(state): State<AppState>, session: Session) -> Response {
    let me = match current_user(&session, &state.db, state.clock.now()).await {
        Ok(Some(me)) => me,
        Ok(None) => return AppError::Unauthorized.into_response(),
        Err(e) => return e.into_response(),
    };
    let bytes =
        super::self_disclosure::render(&state.settings.operator, &me.practice, "Sprechzimmer");
    crate::pdf::download(bytes, "Selbstauskunft-Videosprechstunde.pdf")
}
