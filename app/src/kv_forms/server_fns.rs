use super::types::KvPage;
use crate::error::AppError;
use leptos::prelude::*;

/// The data of the KV-Antrag page for the logged-in member's practice.
#[server(endpoint = "praxis/kv-antrag/seite", input = server_fn::codec::GetUrl)]
pub async fn load_kv_page() -> Result<KvPage, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    crate::error::with_status(super::service::page(&state, &me).await)
}
