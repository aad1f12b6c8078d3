//! Server functions that load the consent pages' data (rendered on the server, so the pages
//! work without JavaScript; the islands only encrypt, upload and decrypt).

use super::types::{AppointmentConsent, AuditRow, ConsentDetail, ConsentOverview};
use crate::error::AppError;
use leptos::prelude::*;

/// The practice's consents, key state and form paragraph.
#[server(endpoint = "praxis/einwilligungen/liste", input = server_fn::codec::GetUrl)]
pub async fn load_consents() -> Result<ConsentOverview, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    crate::error::with_status(
        super::service::overview::overview(&state, &me)
            .await
            .map_err(AppError::from),
    )
}

/// One consent with its documents (`None` if it is not the practice's).
#[server(endpoint = "praxis/einwilligungen/eine", input = server_fn::codec::GetUrl)]
pub async fn load_consent(id: String) -> Result<Option<ConsentDetail>, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    match super::service::overview::detail(&state, &me, &id).await {
        Ok(d) => Ok(Some(d)),
        Err(super::service::error::ConsentError::NotFound) => Ok(None),
        Err(e) => crate::error::with_status(Err(AppError::from(e))),
    }
}

/// The audit log (owner only).
#[server(endpoint = "praxis/einwilligungen/protokoll", input = server_fn::codec::GetUrl)]
pub async fn load_audit() -> Result<Vec<AuditRow>, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    crate::error::with_status(
        super::service::audit::audit_log(&state, &me)
            .await
            .map_err(AppError::from),
    )
}

/// The consent of an appointment's patient, for the appointment page.
#[server(endpoint = "praxis/einwilligungen/termin", input = server_fn::codec::GetUrl)]
pub async fn load_appointment_consent(id: String) -> Result<Option<AppointmentConsent>, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    let Some(row) = crate::error::with_status(
        crate::appointment::lookup::find(&state, &me, &id)
            .await
            .map_err(AppError::from),
    )?
    else {
        return Ok(None);
    };
    super::service::status::appointment_consent(&state.db, &row)
        .await
        .map(Some)
        .map_err(|e| {
            tracing::error!(error = %e, "loading the appointment's consent failed");
            AppError::Internal
        })
}

/// The patient's own consent status (with the pass of the access code).
#[server(endpoint = "videosprechstunde/einwilligung/stand", input = server_fn::codec::GetUrl)]
pub async fn load_patient_consent() -> Result<AppointmentConsent, AppError> {
    crate::error::with_status(patient_consent().await)
}

#[cfg(feature = "ssr")]
async fn patient_consent() -> Result<AppointmentConsent, AppError> {
    let state = crate::state::app_state()?;
    let session = crate::practice::auth::request_session().ok_or(AppError::Unauthorized)?;
    let pass = crate::appointment::pass::current(&session)
        .await?
        .ok_or(AppError::Unauthorized)?;
    // The consent is the patient's; a further person's pass sees nothing of it.
    if pass.is_guest() {
        return Err(AppError::Forbidden);
    }
    let row = crate::appointment::pass::open_appointment(&state.db, &pass, state.clock.now())
        .await
        .map_err(|_| AppError::Internal)?
        .ok_or(AppError::Unauthorized)?;
    super::service::status::appointment_consent(&state.db, &row)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "loading the patient's consent failed");
            AppError::Internal
        })
}
