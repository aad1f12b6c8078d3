//! Server functions the practice pages load their data with; each one works only on the
//! logged-in person's own practice.

use super::types::{Rechnungsdaten, SecondFactorView, SessionInfo, Stammdaten, TeamMember};
use crate::error::AppError;
use leptos::prelude::*;

/// Who is logged in, or `None`.
#[server(endpoint = "praxis/sitzung", input = server_fn::codec::GetUrl)]
pub async fn load_session_info() -> Result<Option<SessionInfo>, AppError> {
    use super::auth::require_user;
    // Taken before the first `.await` (see `app_state`).
    let state = crate::state::app_state()?;
    crate::error::with_status(match require_user().await {
        Ok(me) => Ok(Some(SessionInfo {
            display_name: me.display_name(),
            practice_name: me.practice.name.clone(),
            role: me.role,
            totp_enabled: me.user.totp_secret.is_some(),
            idle_minutes: state.settings.session.inactivity_minutes,
            contract_ends_on: me.practice.contract_ends_on.map(crate::time::german_date),
        })),
        Err(AppError::Unauthorized) => Ok(None),
        Err(e) => Err(e),
    })
}

/// Keeps the session alive ("Angemeldet bleiben").
#[server(endpoint = "praxis/sitzung-verlaengern")]
pub async fn keep_session_alive() -> Result<(), AppError> {
    crate::error::with_status(super::auth::require_user().await.map(|_| ()))
}

/// The Stammdaten of the practice and of the logged-in person.
#[server(endpoint = "praxis/stammdaten", input = server_fn::codec::GetUrl)]
pub async fn load_stammdaten() -> Result<Stammdaten, AppError> {
    let me = crate::error::with_status(super::auth::require_user().await)?;
    let (p, u) = (&me.practice, &me.user);
    Ok(Stammdaten {
        practice_name: p.name.clone(),
        street: p.street.clone(),
        postcode: p.postcode.clone(),
        city: p.city.clone(),
        phone: p.phone.clone(),
        kv_region: p.kv_region.slug().to_owned(),
        bsnr: p.bsnr.clone(),
        title: u.title.clone(),
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        specialty: u.specialty.clone(),
        lanr: u.lanr.clone().unwrap_or_default(),
        email: u.email.clone(),
    })
}

/// The practice's billing data (owner only); the IBAN only masked.
#[server(endpoint = "praxis/rechnungsdaten", input = server_fn::codec::GetUrl)]
pub async fn load_rechnungsdaten() -> Result<Rechnungsdaten, AppError> {
    let me = crate::error::with_status(super::auth::require_manager().await)?;
    let p = &me.practice;
    Ok(Rechnungsdaten {
        billing_name: p.billing_name.clone().unwrap_or_default(),
        billing_street: p.billing_street.clone().unwrap_or_default(),
        billing_postcode: p.billing_postcode.clone().unwrap_or_default(),
        billing_city: p.billing_city.clone().unwrap_or_default(),
        account_holder: p.account_holder.clone().unwrap_or_default(),
        iban_masked: p
            .iban
            .as_deref()
            .and_then(|i| crate::fields::Iban::parse(i).ok())
            .map(|i| i.masked()),
    })
}

/// The logged-in person's second factor: on/off, or the QR code of a setup in progress.
#[server(endpoint = "praxis/sicherheit", input = server_fn::codec::GetUrl)]
pub async fn load_second_factor() -> Result<SecondFactorView, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    crate::error::with_status(
        super::second_factor::view(&state, &me)
            .await
            .map_err(AppError::from),
    )
}

/// Everyone in the practice (owner only).
#[server(endpoint = "praxis/team", input = server_fn::codec::GetUrl)]
pub async fn load_team() -> Result<Vec<TeamMember>, AppError> {
    let (state, me) = crate::practice::auth::owner().await?;
    crate::error::with_status(
        super::team::members(&state, &me)
            .await
            .map_err(AppError::from),
    )
}
