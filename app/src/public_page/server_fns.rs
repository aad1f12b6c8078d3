use super::types::{PageSettings, PublicPractice};
use crate::error::AppError;
use leptos::prelude::*;

/// The public page of the practice with this short name; `NotFound` when there is none or it
/// is switched off (then only the practice's own members see it, as a preview).
#[server(endpoint = "praxen/seite", input = server_fn::codec::GetUrl)]
pub async fn load_public_practice(short_name: String) -> Result<PublicPractice, AppError> {
    let state = crate::state::app_state()?;
    let viewer = match crate::practice::auth::request_session() {
        Some(session) => {
            crate::practice::auth::current_user(&session, &state.db, state.clock.now()).await?
        }
        None => None,
    };
    let found = super::service::find(&state, &short_name, viewer.as_ref())
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "loading a public practice page failed");
            AppError::Internal
        });
    if let Some((_, page)) = crate::error::with_status(found)? {
        return Ok(page);
    }
    // A typed variant of a page this visitor may see ("/praxen/Praxis-am-Markt"): to its
    // address. Anything else gets the same 404 as an unknown name.
    if let Some(canonical) = super::short_name::ShortName::parse(&short_name)
        .ok()
        .filter(|name| name.as_str() != short_name)
    {
        let found = super::service::find(&state, canonical.as_str(), viewer.as_ref())
            .await
            .map_err(|_| AppError::Internal);
        if let Some((_, page)) = crate::error::with_status(found)? {
            leptos_axum::redirect(&crate::paths::public_page(&canonical));
            return Ok(page);
        }
    }
    crate::error::with_status(Err(AppError::NotFound))
}

/// The settings of the logged-in member's practice page.
#[server(endpoint = "praxis/praxisseite/daten", input = server_fn::codec::GetUrl)]
pub async fn load_page_settings() -> Result<PageSettings, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    let settings = super::service::settings(&state, &me).await.map_err(|e| {
        tracing::error!(error = %e, "loading the practice page settings failed");
        AppError::Internal
    });
    crate::error::with_status(settings)
}
