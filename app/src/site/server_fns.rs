use super::types::OperatorInfo;
use crate::error::AppError;
use leptos::prelude::*;

/// The operator's public details for the Impressum and the privacy notice.
#[server(prefix = "/api", endpoint = "site/operator", input = server_fn::codec::GetUrl)]
pub async fn load_operator_info() -> Result<OperatorInfo, AppError> {
    let state = crate::state::app_state()?;
    Ok(state.settings.operator.clone())
}
