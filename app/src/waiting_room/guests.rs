//! Further persons in the waiting room (issue 25): a guest arrives with their own code and
//! waits like the patient; the practice's list shows them under their appointment with their
//! role; a doctor sends them a note or removes them. Their stay is kept in their own row
//! (`appointment_guest`), the live registry knows them by their guest id.

use super::service::patient_view;
use crate::appointment::pass::PatientPass;
use crate::entities::{appointment, appointment_guest};
use crate::practice::auth::CurrentUser;
use crate::signalling::types::{ErrorCode, PatientPhase, PatientView, RosterGuest, RosterStatus};
use crate::state::AppState;
use crate::time::german_time;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

type C = appointment_guest::Column;

/// What a guest sees of their own stay: the appointment's time, and their own phase and note.
pub fn guest_view(row: &appointment::Model, guest: &appointment_guest::Model) -> PatientView {
    let phase = if row.finished_at.is_some() {
        PatientPhase::Finished
    } else if guest.admitted_at.is_some() {
        PatientPhase::InCall
    } else {
        PatientPhase::Waiting
    };
    PatientView {
        phase,
        note: guest.doctor_note.clone(),
        ..patient_view(row)
    }
}

/// Whether the guest's current stay began after their last leave or removal.
pub fn arrived_now(guest: &appointment_guest::Model) -> bool {
    guest
        .arrived_at
        .is_some_and(|arrived| guest.entry_valid_after.is_none_or(|t| arrived > t))
}

/// One change of the guest's row if `condition` still holds; whether it did.
async fn change(
    state: &AppState,
    guest: Uuid,
    condition: Condition,
    values: Vec<(C, SimpleExpr)>,
) -> Result<bool, DbErr> {
    let mut update = appointment_guest::Entity::update_many()
        .filter(C::Id.eq(guest))
        .filter(condition);
    for (column, value) in values {
        update = update.col_expr(column, value);
    }
    Ok(update.exec(&state.db).await?.rows_affected == 1)
}

fn at(time: Option<DateTime<Utc>>) -> SimpleExpr {
    Expr::value(time)
}

/// The guest's socket opened: the arrival is noted once per stay (only written: the socket
/// reads the guest's view after registering, as for the patient).
pub async fn note_arrival(
    state: &AppState,
    pass: &PatientPass,
    guest: &appointment_guest::Model,
) -> Result<(), DbErr> {
    if !arrived_now(guest) {
        let fresh = Condition::any()
            .add(C::ArrivedAt.is_null())
            .add(C::ArrivedAt.lte(guest.entry_valid_after));
        let now = state.clock.now();
        change(state, guest.id, fresh, vec![(C::ArrivedAt, at(Some(now)))]).await?;
        tracing::info!(appointment_id = %pass.appointment_id, guest_id = %guest.id, "guest entered the waiting room");
    }
    Ok(())
}

/// The guest leaves ("Wartezimmer verlassen"): off the list at once, the pass ends.
pub async fn leave(state: &AppState, pass: &PatientPass) -> Result<(), DbErr> {
    let Some(guest_id) = pass.guest_id else {
        return Ok(());
    };
    let now = state.clock.now();
    change(
        state,
        guest_id,
        Condition::all(),
        vec![
            (C::AdmittedAt, at(None)),
            (C::EntryValidAfter, at(Some(now))),
        ],
    )
    .await?;
    tracing::info!(appointment_id = %pass.appointment_id, %guest_id, "guest left the waiting room");
    if let Some((row, guest)) = rows(state, guest_id).await? {
        let view = PatientView {
            phase: PatientPhase::Left,
            ..guest_view(&row, &guest)
        };
        state.rooms.tell_patient(pass.practice_id, guest_id, view);
    }
    state.rooms.practice_changed(pass.practice_id);
    Ok(())
}

/// The guest's row and their appointment.
async fn rows(
    state: &AppState,
    guest_id: Uuid,
) -> Result<Option<(appointment::Model, appointment_guest::Model)>, DbErr> {
    let Some(guest) = appointment_guest::Entity::find_by_id(guest_id)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(appointment::Entity::find_by_id(guest.appointment_id)
        .one(&state.db)
        .await?
        .map(|row| (row, guest)))
}

/// The guest was uninvited or got a new code: their open pages hear it and close.
pub fn passes_ended(state: &AppState, row: &appointment::Model, guest: &appointment_guest::Model) {
    let view = PatientView {
        phase: PatientPhase::Closed,
        note: None,
        ..guest_view(row, guest)
    };
    state.calls.evict(
        row.id,
        crate::signalling::relay::Participant::Guest(guest.id),
    );
    state.rooms.tell_patient(row.practice_id, guest.id, view);
    state.rooms.practice_changed(row.practice_id);
}

/// The guests still invited to `appointments`, first invited first.
pub async fn invited_to(
    db: &impl sea_orm::ConnectionTrait,
    appointments: &[Uuid],
) -> Result<Vec<appointment_guest::Model>, DbErr> {
    if appointments.is_empty() {
        return Ok(Vec::new());
    }
    appointment_guest::Entity::find()
        .filter(C::AppointmentId.is_in(appointments.iter().copied()))
        .filter(C::UninvitedAt.is_null())
        .order_by_asc(C::CreatedAt)
        .all(db)
        .await
}

/// The `guests` as the doctor's list shows them with who is connected now, per appointment.
pub fn roster_guests(
    guests: &[appointment_guest::Model],
    present: &HashSet<Uuid>,
) -> HashMap<Uuid, Vec<RosterGuest>> {
    let mut by_appointment: HashMap<Uuid, Vec<RosterGuest>> = HashMap::new();
    for guest in guests {
        let (status, since) = if guest.admitted_at.is_some() {
            (RosterStatus::InCall, guest.admitted_at)
        } else if present.contains(&guest.id) && arrived_now(guest) {
            (RosterStatus::Waiting, guest.arrived_at)
        } else if guest.removed_at.is_some() {
            (RosterStatus::Removed, guest.removed_at)
        } else if guest.arrived_at.is_some() {
            (RosterStatus::Left, None)
        } else {
            (RosterStatus::NotArrived, None)
        };
        let names_differ = super::service::names_differ(guest.entered_name.as_deref(), &guest.name);
        by_appointment
            .entry(guest.appointment_id)
            .or_default()
            .push(RosterGuest {
                guest: guest.id.to_string(),
                role: guest.role,
                booked_name: guest.name.clone(),
                entered_name: guest.entered_name.clone(),
                names_differ,
                status,
                since: since.map(german_time),
                note: guest.doctor_note.clone(),
            });
    }
    by_appointment
}

/// The practice's own guest with this id, invited to a not cancelled, not finished appointment.
pub async fn own_guest(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<Option<(appointment::Model, appointment_guest::Model)>, ErrorCode> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(None);
    };
    let found = rows(state, id).await.map_err(internal)?;
    Ok(found.filter(|(row, guest)| {
        guest.practice_id == me.practice.id
            && row.practice_id == me.practice.id
            && guest.uninvited_at.is_none()
            && !crate::appointment::lifecycle::is_cancelled(row)
    }))
}

fn internal(e: DbErr) -> ErrorCode {
    tracing::error!(error = %e, "waiting room action on a guest failed");
    ErrorCode::Internal
}

/// Tells the guest their new view and the practice's doctors of the change.
async fn told(
    state: &AppState,
    guest_id: Uuid,
    phase: Option<PatientPhase>,
) -> Result<(), ErrorCode> {
    let (row, guest) = rows(state, guest_id)
        .await
        .map_err(internal)?
        .ok_or(ErrorCode::UnknownAppointment)?;
    let mut view = guest_view(&row, &guest);
    if let Some(phase) = phase {
        view.phase = phase;
    }
    state.rooms.tell_patient(row.practice_id, guest.id, view);
    state.rooms.practice_changed(row.practice_id);
    Ok(())
}

/// A doctor's short message into this guest's waiting room.
pub async fn note(
    state: &AppState,
    row: &appointment::Model,
    guest: &appointment_guest::Model,
    text: String,
) -> Result<(), ErrorCode> {
    if row.finished_at.is_some() {
        return Err(ErrorCode::WrongState);
    }
    change(
        state,
        guest.id,
        Condition::all(),
        vec![(C::DoctorNote, Expr::value(text))],
    )
    .await
    .map_err(internal)?;
    told(state, guest.id, None).await
}

/// "Entfernen": out of the waiting room, and the guest's code does not open it again until a
/// new invitation.
pub async fn remove(
    state: &AppState,
    row: &appointment::Model,
    guest: &appointment_guest::Model,
) -> Result<(), ErrorCode> {
    if row.finished_at.is_some() {
        return Err(ErrorCode::WrongState);
    }
    let now = state.clock.now();
    let done = change(
        state,
        guest.id,
        Condition::all().add(C::ArrivedAt.is_not_null()),
        vec![
            (C::ArrivedAt, at(None)),
            (C::AdmittedAt, at(None)),
            (C::DoctorNote, Expr::value(None::<String>)),
            (C::EntryValidAfter, at(Some(now))),
            (C::RemovedAt, at(Some(now))),
        ],
    )
    .await
    .map_err(internal)?;
    if !done {
        return Err(ErrorCode::WrongState);
    }
    tracing::info!(appointment_id = %row.id, guest_id = %guest.id, "guest removed from the waiting room");
    state.calls.evict(
        row.id,
        crate::signalling::relay::Participant::Guest(guest.id),
    );
    told(state, guest.id, Some(PatientPhase::Removed)).await
}

/// Stores a note to everybody waiting for the guests among `ids` (those present).
pub async fn store_note_to_all(
    conn: &impl sea_orm::ConnectionTrait,
    practice: Uuid,
    ids: &[Uuid],
    text: &str,
) -> Result<(), DbErr> {
    appointment_guest::Entity::update_many()
        .col_expr(C::DoctorNote, Expr::value(text))
        .filter(C::Id.is_in(ids.iter().copied()))
        .filter(C::PracticeId.eq(practice))
        .filter(crate::appointment::lifecycle::arrived_now(
            C::ArrivedAt,
            C::EntryValidAfter,
        ))
        .filter(C::AdmittedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Every guest's open page hears their view of `row` at once: with `phase` when the
/// consultation ended or the appointment was cancelled (their passes stop opening the room
/// with the appointment), otherwise their own (a new time).
pub async fn tell_every_guest(
    state: &AppState,
    row: &appointment::Model,
    phase: Option<PatientPhase>,
) -> Result<(), DbErr> {
    let guests = appointment_guest::Entity::find()
        .filter(C::AppointmentId.eq(row.id))
        .all(&state.db)
        .await?;
    for guest in guests {
        let mut view = guest_view(row, &guest);
        if let Some(phase) = phase {
            view.phase = phase;
        }
        state.rooms.tell_patient(row.practice_id, guest.id, view);
    }
    state.rooms.practice_changed(row.practice_id);
    Ok(())
}

/// "Eintreten lassen" for a further person: before the patient, with them or into the running
/// consultation. The guest must be in the waiting room now; the audit log records who let
/// them in. Whether the doctor's call page is open already (then the reply opens nothing).
pub async fn admit(
    state: &AppState,
    me: &CurrentUser,
    row: &appointment::Model,
    guest: &appointment_guest::Model,
) -> Result<(), ErrorCode> {
    use crate::consent::service::audit::{audit, Action, Actor};
    if row.finished_at.is_some()
        || !state
            .rooms
            .present(row.practice_id)
            .await
            .contains(&guest.id)
    {
        return Err(ErrorCode::WrongState);
    }
    let now = state.clock.now();
    let waiting = crate::appointment::lifecycle::arrived_now(C::ArrivedAt, C::EntryValidAfter)
        .add(C::AdmittedAt.is_null());
    if !change(
        state,
        guest.id,
        waiting,
        vec![(C::AdmittedAt, at(Some(now)))],
    )
    .await
    .map_err(internal)?
    {
        return Err(ErrorCode::WrongState);
    }
    audit(
        &state.db,
        row.practice_id,
        Actor::Member(me.user.id),
        Action::GuestAdmitted,
        Some(row.id),
        now,
    )
    .await
    .map_err(internal)?;
    tracing::info!(appointment_id = %row.id, guest_id = %guest.id, doctor_id = %me.user.id, "guest admitted");
    told(state, guest.id, None).await
}

/// Whether an invited (not uninvited) further person of `appointment` meets `condition`.
async fn any_guest(
    state: &AppState,
    appointment: Uuid,
    condition: Condition,
) -> Result<bool, DbErr> {
    Ok(appointment_guest::Entity::find()
        .filter(C::AppointmentId.eq(appointment))
        .filter(C::UninvitedAt.is_null())
        .filter(condition)
        .one(&state.db)
        .await?
        .is_some())
}

/// Whether further persons are invited to `appointment` (not uninvited).
pub async fn invited(state: &AppState, appointment: Uuid) -> Result<bool, DbErr> {
    any_guest(state, appointment, Condition::all()).await
}

/// Whether a further person of `row` is let in now (the doctor's call page may then open
/// before the patient is let in).
pub async fn any_admitted(state: &AppState, row: &appointment::Model) -> Result<bool, DbErr> {
    let admitted = Condition::all().add(C::AdmittedAt.is_not_null());
    any_guest(state, row.id, admitted).await
}

/// The consultation ended: nobody is in its call any more (the list shows the guests as
/// finished with it, not in a call).
pub async fn call_over(state: &AppState, row: &appointment::Model) -> Result<(), DbErr> {
    appointment_guest::Entity::update_many()
        .col_expr(C::AdmittedAt, at(None))
        .filter(C::AppointmentId.eq(row.id))
        .filter(C::AdmittedAt.is_not_null())
        .exec(&state.db)
        .await?;
    Ok(())
}

/// The call ended without ending the consultation (the patient went back to the waiting room
/// or was removed): the guests let in wait again, and their pages say so.
pub async fn back_to_waiting(state: &AppState, row: &appointment::Model) -> Result<(), DbErr> {
    let admitted = appointment_guest::Entity::find()
        .filter(C::AppointmentId.eq(row.id))
        .filter(C::AdmittedAt.is_not_null())
        .all(&state.db)
        .await?;
    for guest in admitted {
        change(
            state,
            guest.id,
            Condition::all(),
            vec![(C::AdmittedAt, at(None))],
        )
        .await?;
        // Read again: a note sent meanwhile (or a new admission) is in the row, not in the
        // one read above.
        let Some(guest) = appointment_guest::Entity::find_by_id(guest.id)
            .one(&state.db)
            .await?
        else {
            continue;
        };
        state
            .rooms
            .tell_patient(row.practice_id, guest.id, guest_view(row, &guest));
    }
    Ok(())
}
