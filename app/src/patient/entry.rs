//! Checks a patient's name and access code. The code alone opens the room; the typed name is
//! stored for the doctor, who sees it next to the booked one. Attempts are limited per client
//! address and per code, so codes cannot be guessed (figures in the README).

use crate::appointment::lifecycle;
use crate::appointment::name::PatientName;
use crate::calendar::access_code::{window, AccessCode, CodeWindow, KEYED, LEGACY};
use crate::entities::{appointment, appointment_guest};
use crate::forms::FormFeedback;
use crate::practice::throttle;
use crate::state::AppState;
use crate::time::{german_long_date, german_time};
use chrono::Duration;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Entries with one code (right or wrong moment) within the throttle window; a code passed
/// around or attacked from many addresses stops here.
pub const CODE_ATTEMPTS: i32 = 30;

/// The entry form as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EntryInput {
    pub name: String,
    pub code: String,
}

/// What became of an entry attempt.
pub enum EntryOutcome {
    /// Shown on the entry page: an error next to a field or a notice with its arguments.
    Refused(FormFeedback),
    /// The code opens the room now; the typed name is stored with the appointment (or, for a
    /// further person's code, with the guest).
    Open(
        Box<appointment::Model>,
        Option<Box<appointment_guest::Model>>,
    ),
}

/// Whose code it is.
enum Found {
    Patient(appointment::Model),
    Guest(appointment::Model, Box<appointment_guest::Model>),
}

impl Found {
    fn appointment(&self) -> &appointment::Model {
        match self {
            Found::Patient(row) | Found::Guest(row, _) => row,
        }
    }
}

/// A further person's code (always keyed) and their appointment.
async fn find_guest_by_code(state: &AppState, keyed: &str) -> Result<Option<Found>, DbErr> {
    let Some(guest) = appointment_guest::Entity::find()
        .filter(appointment_guest::Column::CodeHash.eq(keyed))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(appointment::Entity::find_by_id(guest.appointment_id)
        .one(&state.db)
        .await?
        .map(|row| Found::Guest(row, Box::new(guest))))
}

fn code_key(code: &AccessCode, secret: &secrecy::SecretString) -> String {
    format!("entry-code:{}", &code.hash(secret)[..40])
}

/// The appointment of `code`: by its keyed hash, else (rows stored before the hash was keyed)
/// by the bare SHA-256, which is then replaced by the keyed hash, so the old form disappears
/// with use.
async fn find_by_code(state: &AppState, code: &AccessCode) -> Result<Option<Found>, DbErr> {
    let keyed = code.hash(&state.settings.security.code_secret);
    let found = appointment::Entity::find()
        .filter(appointment::Column::CodeHash.eq(keyed.as_str()))
        .filter(appointment::Column::CodeHashVersion.eq(KEYED))
        .one(&state.db)
        .await?;
    if let Some(row) = found {
        return Ok(Some(Found::Patient(row)));
    }
    if let Some(guest) = find_guest_by_code(state, &keyed).await? {
        return Ok(Some(guest));
    }
    let Some(legacy) = appointment::Entity::find()
        .filter(appointment::Column::CodeHash.eq(code.legacy_hash()))
        .filter(appointment::Column::CodeHashVersion.eq(LEGACY))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    appointment::Entity::update_many()
        .col_expr(appointment::Column::CodeHash, Expr::value(keyed.as_str()))
        .col_expr(appointment::Column::CodeHashVersion, Expr::value(KEYED))
        .filter(appointment::Column::Id.eq(legacy.id))
        .filter(appointment::Column::CodeHashVersion.eq(LEGACY))
        .exec(&state.db)
        .await?;
    tracing::info!(appointment_id = %legacy.id, "access code hash upgraded to the keyed form");
    Ok(Some(Found::Patient(appointment::Model {
        code_hash: keyed,
        code_hash_version: KEYED,
        ..legacy
    })))
}

/// Checks the typed name and code at the moment of the clock.
pub async fn enter(
    state: &AppState,
    client: IpAddr,
    input: &EntryInput,
) -> Result<EntryOutcome, DbErr> {
    let now = state.clock.now();
    let mut feedback = FormFeedback::for_form("entry");
    feedback.values = BTreeMap::from([
        ("name".to_owned(), input.name.clone()),
        ("code".to_owned(), input.code.clone()),
    ]);
    let name = match PatientName::parse(&input.name) {
        Ok(name) => name,
        Err(e) => {
            feedback.add("name", e.key(), Vec::new());
            return Ok(EntryOutcome::Refused(feedback));
        }
    };
    let address_key = format!("entry:{}", &throttle::address_key(client)[5..]);
    let code = AccessCode::parse(&input.code);
    let code_key = code
        .as_ref()
        .map(|c| code_key(c, &state.settings.security.code_secret));
    // Wrong codes from an address slow every answer to it down (right and wrong alike, so the
    // time tells nothing); the address is never locked, so a patient behind the same proxy,
    // care-home or carrier NAT address still gets in, within [`throttle::delay_after`]'s cap.
    let failures = throttle::failures(&state.db, &address_key, now).await?;
    let Ok(_slot) = throttle::hold_back(state, &address_key, failures).await else {
        tracing::warn!("patient entry refused: too many parallel attempts from one address");
        feedback.set_notice("entry-busy", Vec::new());
        return Ok(EntryOutcome::Refused(feedback));
    };
    if let Some(code_key) = &code_key {
        if throttle::locked_until(&state.db, &[code_key.as_str()], now)
            .await?
            .is_some()
        {
            feedback.set_notice("entry-locked", Vec::new());
            return Ok(EntryOutcome::Refused(feedback));
        }
    }
    let found = match &code {
        Some(code) => find_by_code(state, code).await?,
        None => None,
    };
    let (Some(found), Some(code_key)) = (found, code_key) else {
        throttle::record_failure(&state.db, &address_key, i32::MAX, now).await?;
        tracing::info!("patient entry refused: unknown code");
        feedback.add("code", "entry-wrong", Vec::new());
        return Ok(EntryOutcome::Refused(feedback));
    };
    throttle::record_failure(&state.db, &code_key, CODE_ATTEMPTS, now).await?;
    let lead = Duration::minutes(state.settings.appointments.code_opens_minutes_before);
    let appointment = found.appointment();
    let result = window(
        now,
        appointment.starts_at,
        appointment.ends_at,
        lifecycle::is_cancelled(appointment),
        lead,
    );
    let finished = appointment.finished_at.is_some();
    // Removed by the practice: the same code does not open the room again; a new invitation
    // (new code) does. An uninvited guest's code opens nothing.
    let (removed, uninvited) = match &found {
        Found::Patient(row) => (row.removed_at.is_some(), false),
        Found::Guest(_, guest) => (guest.removed_at.is_some(), guest.uninvited_at.is_some()),
    };
    let when = format!(
        "{}, {} Uhr",
        german_long_date(appointment.starts_at),
        german_time(appointment.starts_at)
    );
    let appointment_id = appointment.id;
    let (notice, args) = match result {
        CodeWindow::Open | CodeWindow::TooEarly { .. } if uninvited => {
            ("entry-uninvited", vec![("when", when)])
        }
        CodeWindow::Open if finished => ("entry-finished", vec![("when", when)]),
        CodeWindow::Open if removed => ("entry-removed", vec![("when", when)]),
        CodeWindow::Open => {
            let typed = Some(name.as_str().to_owned());
            return Ok(match found {
                Found::Patient(row) => {
                    tracing::info!(appointment_id = %row.id, "patient entry: room open");
                    let mut row: appointment::ActiveModel = row.into();
                    row.entered_name = Set(typed);
                    EntryOutcome::Open(Box::new(row.update(&state.db).await?), None)
                }
                Found::Guest(row, guest) => {
                    tracing::info!(appointment_id = %row.id, guest_id = %guest.id, "guest entry: room open");
                    let mut guest: appointment_guest::ActiveModel = (*guest).into();
                    guest.entered_name = Set(typed);
                    let guest = guest.update(&state.db).await?;
                    EntryOutcome::Open(Box::new(row), Some(Box::new(guest)))
                }
            });
        }
        CodeWindow::TooEarly { opens_at } => (
            "entry-too-early",
            vec![("when", when), ("opens", german_time(opens_at))],
        ),
        CodeWindow::Expired => ("entry-expired", vec![("when", when)]),
        CodeWindow::Cancelled => ("entry-cancelled", vec![("when", when)]),
    };
    tracing::info!(appointment_id = %appointment_id, outcome = notice, "patient entry");
    feedback.set_notice(
        notice,
        args.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    );
    Ok(EntryOutcome::Refused(feedback))
}
