use super::types::ContractView;
use crate::error::AppError;
use leptos::prelude::*;

/// The contract of the owner's practice.
#[server(endpoint = "praxis/vertrag", input = server_fn::codec::GetUrl)]
pub async fn load_contract() -> Result<ContractView, AppError> {
    let me = crate::error::with_status(crate::practice::auth::require_manager().await)?;
    let state = crate::state::app_state()?;
    Ok(super::service::view(&me.practice, state.clock.now()))
}
