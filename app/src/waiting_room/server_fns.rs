//! Data for the doctor's call page and the live list's first paint.

use crate::error::AppError;
use crate::signalling::types::{Roster, RosterEntry};
use leptos::prelude::*;

/// Today's list of the logged-in doctor's practice, rendered with the page so that the list
/// stands when the page appears (the socket then keeps it current): filled in by the socket
/// after load, it pushed every page's content down on a phone. The last list the practice's
/// open lists were given when there is one (at most a second old), else today's rows as kept
/// while the practice's calendar has not changed (`kept`). `None` for
/// logins that hold no calls (the Praxisteam has no live list; no error status, since the
/// frame asks for every page).
#[server(endpoint = "praxis/warteliste", input = server_fn::codec::GetUrl)]
pub async fn load_roster() -> Result<Option<Roster>, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    if !me.role.holds_calls() {
        return Ok(None);
    }
    if let Some(roster) = state.rosters.latest(me.practice.id) {
        return Ok(Some(roster));
    }
    super::service::kept_roster(&state, &me)
        .await
        .map(Some)
        .map_err(|e| {
            tracing::error!(error = %e, "loading the waiting room list failed");
            AppError::Internal
        })
}

/// Today's appointment `id` of the logged-in doctor's practice as the live list shows it.
#[server(endpoint = "praxis/gespraech", input = server_fn::codec::GetUrl)]
pub async fn load_call(id: String) -> Result<RosterEntry, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    if !me.role.holds_calls() {
        return crate::error::with_status(Err(AppError::Forbidden));
    }
    let roster = super::service::roster(&state, me.practice.id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "loading the call failed");
            AppError::Internal
        })?;
    crate::error::with_status(
        roster
            .entries
            .into_iter()
            .find(|e| e.appointment == id)
            .ok_or(AppError::NotFound),
    )
}
