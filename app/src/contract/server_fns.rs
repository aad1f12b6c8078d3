use super::types::ContractView;
use crate::error::AppError;
use leptos::prelude::*;

/// The contract of the owner's practice.
#[server(endpoint = "praxis/vertrag", input = server_fn::codec::GetUrl)]
pub async fn load_contract() -> Result<ContractView, AppError> {
    let (state, me) = crate::practice::auth::owner().await?;
    Ok(super::service::view(&me.practice, state.clock.now()))
}
