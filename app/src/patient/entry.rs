//! Checks a patient's name and access code against the appointments, with a limit per client
//! address so codes cannot be guessed.

use crate::calendar::access_code::{window, AccessCode, CodeWindow};
use crate::calendar::service::CANCELLED;
use crate::entities::appointment;
use crate::forms::FormFeedback;
use crate::practice::throttle;
use crate::state::AppState;
use crate::time::{german_long_date, german_time};
use chrono::Duration;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Failed attempts per client address within the throttle window before entry is refused.
pub const ATTEMPTS: i32 = 20;

/// The entry form as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EntryInput {
    pub name: String,
    pub code: String,
}

/// "Erika  mustermann " and "Erika Mustermann" are the same name.
fn same_name(typed: &str, stored: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    !typed.trim().is_empty() && norm(typed) == norm(stored)
}

/// The outcome shown on the entry page: a notice key with its arguments.
pub async fn enter(
    state: &AppState,
    client: IpAddr,
    input: &EntryInput,
) -> Result<FormFeedback, DbErr> {
    let now = state.clock.now();
    let key = format!("entry:{}", &throttle::address_key(client)[5..]);
    let mut feedback = FormFeedback::for_form("entry");
    feedback.values = BTreeMap::from([
        ("name".to_owned(), input.name.clone()),
        ("code".to_owned(), input.code.clone()),
    ]);
    if throttle::locked_until(&state.db, &[&key], now)
        .await?
        .is_some()
    {
        feedback.notice = Some("entry-locked".into());
        return Ok(feedback);
    }
    let found = match AccessCode::parse(&input.code) {
        Some(code) => {
            appointment::Entity::find()
                .filter(appointment::Column::CodeHash.eq(code.hash()))
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let Some(appointment) = found.filter(|a| same_name(&input.name, &a.patient_name)) else {
        throttle::record_failure(&state.db, &key, ATTEMPTS, now).await?;
        tracing::info!("patient entry refused: name or code wrong");
        feedback.add("code", "entry-wrong", Vec::new());
        return Ok(feedback);
    };
    let lead = Duration::minutes(state.settings.appointments.code_opens_minutes_before);
    let result = window(
        now,
        appointment.starts_at,
        appointment.ends_at,
        appointment.status == CANCELLED,
        lead,
    );
    let when = format!(
        "{}, {} Uhr",
        german_long_date(appointment.starts_at),
        german_time(appointment.starts_at)
    );
    let (notice, args) = match result {
        CodeWindow::TooEarly { opens_at } => (
            "entry-too-early",
            vec![("when", when), ("opens", german_time(opens_at))],
        ),
        CodeWindow::Open => ("entry-open", vec![("when", when)]),
        CodeWindow::Expired => ("entry-expired", vec![("when", when)]),
        CodeWindow::Cancelled => ("entry-cancelled", vec![("when", when)]),
    };
    tracing::info!(appointment_id = %appointment.id, outcome = notice, "patient entry");
    feedback.notice = Some(notice.to_owned());
    // The arguments travel as values of a pseudo-field the page reads.
    for (k, v) in args {
        feedback.values.insert(format!("arg-{k}"), v);
    }
    Ok(feedback)
}

#[cfg(test)]
mod tests {
    use super::same_name;

    #[test]
    fn names_match_regardless_of_case_and_spaces_but_not_otherwise() {
        assert!(same_name("Erika Mustermann", "Erika Mustermann"));
        assert!(same_name("  erika   MUSTERMANN ", "Erika Mustermann"));
        assert!(!same_name("Erika", "Erika Mustermann"));
        assert!(!same_name("Erika Musterfrau", "Erika Mustermann"));
        assert!(!same_name("", ""));
    }
}
