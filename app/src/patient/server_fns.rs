//! Data for the patient's room page.

use super::types::PatientRoomInfo;
use crate::error::AppError;
use leptos::prelude::*;

/// The room the patient's pass opens; `None` without a valid pass (never says why).
#[server(prefix = "/api", endpoint = "videosprechstunde/raum", input = server_fn::codec::GetUrl)]
pub async fn load_patient_room() -> Result<Option<PatientRoomInfo>, AppError> {
    use crate::entities::practice;
    use sea_orm::EntityTrait;
    let state = crate::state::app_state()?;
    let Some(session) = crate::practice::auth::request_session() else {
        return Ok(None);
    };
    let Some((pass, row)) =
        crate::appointment::pass::open_in_session(&session, &state.db, state.clock.now()).await?
    else {
        return Ok(None);
    };
    // A further person's stay is their own: their phase, not the patient's.
    let guest = match pass.guest_id {
        Some(_) => crate::appointment::pass::open_guest(&state.db, &pass, state.clock.now())
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "loading the guest's row failed");
                AppError::Internal
            })?
            .map(|(_, guest)| guest),
        None => None,
    };
    let practice_name = practice::Entity::find_by_id(row.practice_id)
        .one(&state.db)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "loading the patient's practice failed");
            AppError::Internal
        })?
        .map(|p| p.name)
        .unwrap_or_default();
    let view = match &guest {
        Some(guest) => crate::waiting_room::guests::guest_view(&row, guest),
        None => crate::waiting_room::service::patient_view(&row),
    };
    let now = state.clock.now();
    let opens_before =
        chrono::Duration::minutes(state.settings.appointments.code_opens_minutes_before);
    // The tech test's relay check: a TURN credential only inside the appointment's window,
    // valid until its end plus the margin; otherwise STUN only.
    let ice_servers = if crate::appointment::pass::call_window_open(&row, now, opens_before) {
        state.ice.servers_until(row.ends_at, now)
    } else {
        state.ice.stun_servers()
    };
    Ok(Some(PatientRoomInfo {
        practice_name,
        appointment_time: view.appointment_time,
        resume: match &guest {
            Some(guest) => crate::waiting_room::guests::arrived_now(guest),
            None => crate::waiting_room::service::arrived_now(&row),
        },
        in_call: view.phase == crate::signalling::types::PatientPhase::InCall,
        guest: guest.is_some(),
        ice_servers,
    }))
}
