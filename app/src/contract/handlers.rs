//! The POST side of the contract page: cancelling (owner, with the password) and revoking the
//! cancellation; redirect (303) on success or the same dialog again with the problem.

use super::service;
use crate::practice::auth::user_and_form;
use crate::state::AppState;
use crate::web::{form_failure, see_other};
use axum::{
    extract::{Request, State},
    response::Response,
    routing::post,
    Router,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use tower_sessions::Session;

/// The form endpoints; merged with the Leptos routes that render the same paths for GET.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/praxis/vertrag/kuendigen", post(cancel_contract))
        .route("/praxis/vertrag/widerrufen", post(revoke_cancellation))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordInput {
    password: crate::forms::Password,
}

/// The dialog "Vertrag kündigen und Daten löschen" (owner, with the password).
async fn cancel_contract(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (me, parts, input) = match user_and_form::<PasswordInput>(&state, &session, request).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match service::cancel(&state, &me, input.password.expose()).await {
        Ok(_) => see_other("/praxis/vertrag?gekuendigt"),
        Err(e) => form_failure(&state, parts, "cancel", BTreeMap::new(), e).await,
    }
}

/// The dialog "Kündigung widerrufen" (owner).
async fn revoke_cancellation(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (me, parts, _) = match user_and_form::<PasswordInput>(&state, &session, request).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match service::revoke(&state, &me).await {
        Ok(()) => see_other("/praxis/vertrag?widerrufen"),
        Err(e) => form_failure(&state, parts, "revoke", BTreeMap::new(), e).await,
    }
}
