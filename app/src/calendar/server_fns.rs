//! Data for the calendar pages; each works only on the logged-in person's own practice.

use super::types::{
    AppointmentDetail, AvailabilityView, CalendarSettings, FormChoices, GuestList, WeekView,
};
use crate::error::AppError;
use leptos::prelude::*;

/// The week containing `date` (`YYYY-MM-DD`; empty = this week).
#[server(endpoint = "praxis/termine/woche", input = server_fn::codec::GetUrl)]
pub async fn load_week(date: String) -> Result<WeekView, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    crate::error::with_status(
        super::view::week(&state, &me, &date)
            .await
            .map_err(AppError::from),
    )
}

/// Doctors to choose from and the default duration.
#[server(endpoint = "praxis/termine/auswahl", input = server_fn::codec::GetUrl)]
pub async fn load_choices() -> Result<FormChoices, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    crate::error::with_status(
        super::view::choices(&state, &me)
            .await
            .map_err(AppError::from),
    )
}

/// One appointment for its edit page (`None` if it is not the practice's).
#[server(endpoint = "praxis/termine/termin", input = server_fn::codec::GetUrl)]
pub async fn load_appointment(id: String) -> Result<Option<AppointmentDetail>, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    crate::error::with_status(
        super::view::detail(&state, &me, &id)
            .await
            .map_err(AppError::from),
    )
}

/// The further persons of an appointment (`None` if it is not the practice's).
#[server(endpoint = "praxis/termine/personen", input = server_fn::codec::GetUrl)]
pub async fn load_guests(id: String) -> Result<Option<GuestList>, AppError> {
    let (state, me) = crate::practice::auth::member().await?;
    crate::error::with_status(
        super::guests::list(&state, &me, &id)
            .await
            .map_err(AppError::from),
    )
}

/// The practice's calendar settings (owner only).
#[server(endpoint = "praxis/termine/einstellungen", input = server_fn::codec::GetUrl)]
pub async fn load_calendar_settings() -> Result<CalendarSettings, AppError> {
    let me = crate::error::with_status(crate::practice::auth::require_manager().await)?;
    Ok(CalendarSettings {
        default_duration: me.practice.default_duration_minutes,
        reminders_enabled: me.practice.reminders_enabled,
    })
}

/// The practice's opening hours and blocked days (owner only).
#[server(endpoint = "praxis/termine/sprechzeiten", input = server_fn::codec::GetUrl)]
pub async fn load_availability() -> Result<AvailabilityView, AppError> {
    let (state, me) = crate::practice::auth::owner().await?;
    crate::error::with_status(
        super::view::availability(&state, &me)
            .await
            .map_err(AppError::from),
    )
}
