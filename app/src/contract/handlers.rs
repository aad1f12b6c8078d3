//! The POST side of the contract page: cancelling (owner, with the password) and revoking the
//! cancellation; redirect (303) on success or the same dialog again with the problem.

use super::service;
use crate::practice::auth::Owner;
use crate::state::AppState;
use crate::web::{see_other, HtmlForm};
use axum::{extract::State, response::Response, routing::post, Router};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The form endpoints; merged with the Leptos routes that render the same paths for GET.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(crate::paths::CONTRACT_CANCEL, post(cancel_contract))
        .route(crate::paths::CONTRACT_REVOKE, post(revoke_cancellation))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordInput {
    password: crate::forms::Password,
}

/// The dialog "Vertrag kündigen und Daten löschen" (owner, with the password).
async fn cancel_contract(
    State(state): State<AppState>,
    Owner(me, _): Owner,
    HtmlForm(page, input): HtmlForm<PasswordInput>,
) -> Response {
    match service::cancel(&state, &me, input.password.expose()).await {
        Ok(_) => see_other(&format!("{}?gekuendigt", crate::paths::CONTRACT)),
        Err(e) => page.failure("cancel", BTreeMap::new(), e).await,
    }
}

/// The dialog "Kündigung widerrufen" (owner).
async fn revoke_cancellation(
    State(state): State<AppState>,
    Owner(me, _): Owner,
    HtmlForm(page, _): HtmlForm<PasswordInput>,
) -> Response {
    match service::revoke(&state, &me).await {
        Ok(()) => see_other(&format!("{}?widerrufen", crate::paths::CONTRACT)),
        Err(e) => page.failure("revoke", BTreeMap::new(), e).await,
    }
}
