//! Turns appointments into what the calendar pages show: weeks from Monday, Berlin time.

use super::availability::format_day;
use super::service;
use super::types::{
    AppointmentDetail, AppointmentList, AppointmentRow, DayView, DoctorChoice, FormChoices,
    WeekView,
};
use super::types::{AvailabilityView, BlockedRow};
use crate::appointment::lifecycle;
use crate::entities::practice_user;
use crate::forms::FormError;
use crate::practice::auth::{display_name, CurrentUser};
use crate::practice::types::Role;
use crate::state::AppState;
use crate::time::{
    berlin_date, german_day_label, german_long_date, german_time, german_week_label,
};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// The Monday of the week that contains `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The week containing `date` (`YYYY-MM-DD`; empty means today; anything else that is not
/// a supported date is refused).
pub async fn week(state: &AppState, me: &CurrentUser, date: &str) -> Result<WeekView, FormError> {
    let today = berlin_date(state.clock.now());
    let shown = if date.trim().is_empty() {
        today
    } else {
        crate::time::parse_iso_date(date).ok_or(crate::error::AppError::InvalidDate)?
    };
    let monday = monday_of(shown);
    // Kept while the practice's calendar and the date stay the same (see `crate::kept`).
    let days = state
        .kept_weeks
        .get_or_load(
            (me.practice.id, monday),
            me.practice.calendar_version,
            today,
            days_of_week(state, me, monday, today),
        )
        .await?;
    Ok(WeekView {
        monday: monday.to_string(),
        label: german_week_label(monday),
        previous: (monday - Duration::days(7)).to_string(),
        next: (monday + Duration::days(7)).to_string(),
        today: today.to_string(),
        // The days share their appointment lists with the kept week.
        days: days.to_vec(),
        can_configure: me.role.manages_practice(),
        selected: shown.to_string(),
        selected_previous: (shown - Duration::days(1)).to_string(),
        selected_next: (shown + Duration::days(1)).to_string(),
    })
}

/// About the bytes a kept week holds: the days' texts, each appointment's row and its card once
/// written (the texts escaped, the markup around them).
impl crate::kept::Weight for Vec<DayView> {
    fn weight(&self) -> usize {
        self.iter()
            .map(|day| {
                let texts =
                    day.label.len() + day.hours.len() + day.blocked.as_ref().map_or(0, String::len);
                let cards = day
                    .appointments
                    .rows
                    .iter()
                    .map(|a| {
                        let texts =
                            a.id.len() + a.time.len() + a.patient_name.len() + a.doctor_name.len();
                        600 + 3 * texts
                    })
                    .sum::<usize>();
                // Measured: 3,000 empty weeks kept took 7.9 MB, ≈ 380 bytes a day.
                400 + texts + cards
            })
            .sum()
    }
}

/// The seven days from `monday` with their appointments, opening hours and blocked periods.
async fn days_of_week(
    state: &AppState,
    me: &CurrentUser,
    monday: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<DayView>, FormError> {
    let midnight = NaiveTime::MIN;
    let from =
        crate::time::berlin_to_utc(monday, midnight).ok_or(crate::error::AppError::Internal)?;
    let to = crate::time::berlin_to_utc(monday + Duration::days(7), midnight)
        .ok_or(crate::error::AppError::Internal)?;
    let (rows, doctors) = service::between(state, me, from, to).await?;
    let available = service::availability(&state.db, me.practice.id).await?;
    let consents = crate::consent::service::status::statuses_of(
        &state.db,
        me.practice.id,
        rows.iter()
            .map(|a| (a.id, a.patient_name.as_str(), a.patient_email.as_str())),
    )
    .await?;
    let ids: Vec<_> = rows.iter().map(|a| a.id).collect();
    let guests = super::guests::counts(&state.db, &ids).await?;
    // Each appointment to its day (rows come earliest first, so each day stays in order).
    let mut by_day: [Vec<AppointmentRow>; 7] = Default::default();
    for a in rows {
        let Some(list) = usize::try_from((berlin_date(a.starts_at) - monday).num_days())
            .ok()
            .and_then(|offset| by_day.get_mut(offset))
        else {
            continue;
        };
        list.push(AppointmentRow {
            id: a.id.to_string(),
            time: format!("{}–{}", german_time(a.starts_at), german_time(a.ends_at)),
            doctor_name: doctors.get(&a.doctor_id).cloned().unwrap_or_default(),
            cancelled: a.status == lifecycle::AppointmentStatus::Cancelled,
            consent: consents.get(&a.id).copied().unwrap_or_default(),
            guests: guests.get(&a.id).copied().unwrap_or_default(),
            patient_name: a.patient_name,
        });
    }
    Ok(by_day
        .into_iter()
        .zip(0..)
        .map(|(appointments, offset)| {
            let day = monday + Duration::days(offset);
            let hours = format_day(available.hours_on(day));
            let closed = available.has_hours() && hours.is_empty();
            let blocked = available
                .blocked_on(day)
                .map(|b| b.reason.clone().unwrap_or_default());
            DayView {
                date: day.to_string(),
                label: german_day_label(day),
                is_today: day == today,
                hours,
                closed,
                blocked,
                appointments: std::sync::Arc::new(AppointmentList::new(appointments)),
            }
        })
        .collect())
}

/// The practice's people who hold calls, and the default duration.
pub async fn choices(state: &AppState, me: &CurrentUser) -> Result<FormChoices, FormError> {
    let doctors = practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(me.practice.id))
        .filter(practice_user::Column::Role.ne(Role::Team))
        .order_by_asc(practice_user::Column::LastName)
        .all(&state.db)
        .await?
        .iter()
        .map(|u| DoctorChoice {
            id: u.id.to_string(),
            name: display_name(u),
        })
        .collect();
    Ok(FormChoices {
        doctors,
        me: if me.role == Role::Team {
            String::new()
        } else {
            me.user.id.to_string()
        },
        default_duration: me.practice.default_duration_minutes,
    })
}

/// One appointment of the practice for its edit page.
pub async fn detail(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<Option<AppointmentDetail>, FormError> {
    let Some(a) = crate::appointment::lookup::find(state, me, id).await? else {
        return Ok(None);
    };
    let local = a.starts_at.with_timezone(&chrono_tz::Europe::Berlin);
    Ok(Some(AppointmentDetail {
        id: a.id.to_string(),
        patient_name: a.patient_name.clone(),
        patient_email: a.patient_email.clone(),
        date: local.date_naive().to_string(),
        time: local.format("%H:%M").to_string(),
        duration: a.duration_minutes,
        note: a.note.clone().unwrap_or_default(),
        doctor_id: a.doctor_id.to_string(),
        cancelled: lifecycle::is_cancelled(&a),
        when: format!(
            "{}, {} Uhr",
            german_long_date(a.starts_at),
            german_time(a.starts_at)
        ),
    }))
}

/// Opening hours and blocked days for the settings page.
pub async fn availability(
    state: &AppState,
    me: &CurrentUser,
) -> Result<AvailabilityView, FormError> {
    let available = service::availability(&state.db, me.practice.id).await?;
    Ok(AvailabilityView {
        days: crate::time::WEEKDAYS
            .iter()
            .zip(available.week.iter())
            .map(|(name, hours)| ((*name).to_owned(), format_day(hours)))
            .collect(),
        blocked: available
            .blocked
            .iter()
            .map(|b| {
                let period = if b.first_day == b.last_day {
                    crate::time::german_date(b.first_day)
                } else {
                    format!(
                        "{} – {}",
                        crate::time::german_date(b.first_day),
                        crate::time::german_date(b.last_day)
                    )
                };
                BlockedRow {
                    id: b.id.clone(),
                    label: match &b.reason {
                        Some(reason) => format!("{period}: {reason}"),
                        None => period,
                    },
                }
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        for (date, monday) in [
            ("2027-01-11", "2027-01-11"),
            ("2027-01-17", "2027-01-11"),
            ("2027-01-13", "2027-01-11"),
            ("2027-03-28", "2027-03-22"),
            ("2027-01-01", "2026-12-28"),
        ] {
            assert_eq!(monday_of(d(date)), d(monday), "{date}");
        }
    }
}
