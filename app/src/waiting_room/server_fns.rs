//! Data for the doctor's call page.

use crate::error::AppError;
use crate::signalling::types::RosterEntry;
use leptos::prelude::*;

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
