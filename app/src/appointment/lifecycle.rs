//! An appointment's life in one place: booked, cancelled; on the day waiting, in the call, back
//! in the waiting room, removed, finished; deleted by the clean-up. Other domains ask the
//! predicates here instead of reading the stored status themselves.
//!
//! Every change of state is a [`Transition`]: its new values and the condition under which it
//! applies go into the same UPDATE, so two doctors clicking at once cannot both succeed (one
//! statement changes the row, the other finds the condition gone and changes nothing).

use crate::entities::appointment::{self, Column as C};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, DeleteMany, DeriveActiveEnum,
    EntityTrait, EnumIter, QueryFilter,
};
use uuid::Uuid;

/// Whether an appointment is booked or cancelled; stored as the text it has always been.
/// Where a patient stands on the day (waiting, in the call, finished) is in the timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(sea_orm::sea_query::StringLen::N(16))"
)]
pub enum AppointmentStatus {
    /// Booked; the code opens the room in its window.
    #[sea_orm(string_value = "scheduled")]
    Scheduled,
    /// Cancelled by the practice; the code opens nothing any more.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// What the practice fills in when it books an appointment.
pub struct Booking {
    pub practice_id: Uuid,
    pub doctor_id: Uuid,
    pub patient_name: String,
    pub patient_email: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub note: Option<String>,
    pub code_hash: String,
    pub code_hash_version: i32,
}

/// A new appointment (booked): scheduled, no e-mail sent about it yet, nobody arrived.
pub fn book(booking: Booking, now: DateTime<Utc>) -> appointment::ActiveModel {
    appointment::ActiveModel {
        id: Set(Uuid::now_v7()),
        practice_id: Set(booking.practice_id),
        doctor_id: Set(booking.doctor_id),
        patient_name: Set(booking.patient_name),
        patient_email: Set(booking.patient_email),
        starts_at: Set(booking.starts_at),
        ends_at: Set(booking.ends_at),
        duration_minutes: Set(booking.duration_minutes),
        note: Set(booking.note),
        code_hash: Set(booking.code_hash),
        code_hash_version: Set(booking.code_hash_version),
        status: Set(AppointmentStatus::Scheduled),
        sequence: Set(0),
        reminder_sent_at: Set(None),
        entered_name: Set(None),
        arrived_at: Set(None),
        admitted_at: Set(None),
        finished_at: Set(None),
        doctor_note: Set(None),
        entry_valid_after: Set(None),
        call_started_at: Set(None),
        removed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Whether the practice cancelled the appointment.
pub fn is_cancelled(row: &appointment::Model) -> bool {
    row.status == AppointmentStatus::Cancelled
}

/// Whether the practice can still change, cancel or send the invitation again (it is booked).
pub fn is_changeable(row: &appointment::Model) -> bool {
    row.status == AppointmentStatus::Scheduled
}

/// Whether a patient holding a valid pass may be in the room: not cancelled, not finished and
/// not removed by the practice (the pass checks its own code and time on top).
pub fn is_open_for_entry(row: &appointment::Model) -> bool {
    !is_cancelled(row) && row.finished_at.is_none() && row.removed_at.is_none()
}

/// Whether a doctor let the patient in and the consultation has not ended.
pub fn is_in_call(row: &appointment::Model) -> bool {
    row.admitted_at.is_some() && row.finished_at.is_none()
}

/// The rows that are booked (in a query).
pub fn scheduled() -> SimpleExpr {
    C::Status.eq(AppointmentStatus::Scheduled)
}

/// The rows that are not cancelled (in a query).
pub fn not_cancelled() -> SimpleExpr {
    C::Status.ne(AppointmentStatus::Cancelled)
}

/// One guarded change of an appointment: new values and the condition they need, applied in a
/// single UPDATE.
#[derive(Debug)]
pub struct Transition {
    guard: Condition,
    changes: Vec<(C, SimpleExpr)>,
}

impl Transition {
    fn new(guard: Condition, changes: Vec<(C, SimpleExpr)>) -> Self {
        Self { guard, changes }
    }

    /// The UPDATE of appointment `id` (for callers that add conditions of their own).
    pub fn update(self, id: Uuid) -> sea_orm::UpdateMany<appointment::Entity> {
        let mut update = appointment::Entity::update_many()
            .filter(C::Id.eq(id))
            .filter(self.guard);
        for (column, value) in self.changes {
            update = update.col_expr(column, value);
        }
        update
    }

    /// Applies the change to appointment `id`; `false` when the condition no longer held
    /// (somebody else was first) or there is no such appointment.
    pub async fn apply(self, db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
        Ok(self.update(id).exec(db).await?.rows_affected == 1)
    }
}

fn at(column: C, value: Option<DateTime<Utc>>) -> (C, SimpleExpr) {
    (column, Expr::value(value))
}

/// Cancelled by the practice, only from booked; the e-mail about it is number `sequence`.
pub fn cancel(sequence: i32, now: DateTime<Utc>) -> Transition {
    Transition::new(
        Condition::all().add(scheduled()),
        vec![
            (C::Status, Expr::value(AppointmentStatus::Cancelled)),
            (C::Sequence, Expr::value(sequence)),
            (C::UpdatedAt, Expr::value(now)),
        ],
    )
}

/// A new code (sent again, e-mail number `sequence`): the old code's passes end, the patient
/// is out of the waiting room, and a removal is lifted (the new invitation is the practice's
/// way to let the patient in again).
pub fn new_code(
    code_hash: String,
    code_hash_version: i32,
    sequence: i32,
    now: DateTime<Utc>,
) -> Transition {
    Transition::new(
        Condition::all(),
        vec![
            (C::CodeHash, Expr::value(code_hash)),
            (C::CodeHashVersion, Expr::value(code_hash_version)),
            (C::Sequence, Expr::value(sequence)),
            (C::UpdatedAt, Expr::value(now)),
            at(C::ArrivedAt, None),
            at(C::AdmittedAt, None),
            (C::EntryValidAfter, Expr::value(now)),
            at(C::RemovedAt, None),
        ],
    )
}

/// Waiting: the patient arrived at `now`, once per stay (an arrival from before the last leave
/// or removal, `entry_valid_after`, does not count; a reload keeps the first).
pub fn arrive(now: DateTime<Utc>, entry_valid_after: Option<DateTime<Utc>>) -> Transition {
    Transition::new(
        Condition::all().add(
            Condition::any()
                .add(C::ArrivedAt.is_null())
                .add(C::ArrivedAt.lte(entry_valid_after)),
        ),
        vec![at(C::ArrivedAt, Some(now))],
    )
}

/// The patient left: out of the call, and the pass ends; not after the end.
pub fn leave(now: DateTime<Utc>) -> Transition {
    Transition::new(
        Condition::all().add(C::FinishedAt.is_null()),
        vec![at(C::AdmittedAt, None), at(C::EntryValidAfter, Some(now))],
    )
}

/// Arrived since the last leave or removal (what the waiting room's `arrived_now` reads), in
/// SQL, for the patient's and for a further person's row.
pub fn arrived_now(arrived_at: impl ColumnTrait, entry_valid_after: impl ColumnTrait) -> Condition {
    Condition::all().add(arrived_at.is_not_null()).add(
        Condition::any()
            .add(entry_valid_after.is_null())
            .add(Expr::col(arrived_at).gt(Expr::col(entry_valid_after))),
    )
}

/// In the call: a doctor lets the waiting patient in (the first time is kept as the call's
/// start). Not a patient who left (or was removed) since arriving: their place on the list
/// is kept a few seconds after, and a click on the list then must not admit nobody.
pub fn admit(now: DateTime<Utc>) -> Transition {
    Transition::new(
        arrived_now(C::ArrivedAt, C::EntryValidAfter)
            .add(C::AdmittedAt.is_null())
            .add(C::FinishedAt.is_null()),
        vec![
            at(C::AdmittedAt, Some(now)),
            (C::CallStartedAt, Expr::col(C::CallStartedAt).if_null(now)),
        ],
    )
}

/// Back in the waiting room from the call.
pub fn back_to_waiting() -> Transition {
    Transition::new(
        Condition::all()
            .add(C::AdmittedAt.is_not_null())
            .add(C::FinishedAt.is_null()),
        vec![at(C::AdmittedAt, None)],
    )
}

/// Removed by the practice: out of the room, and the code does not open it again until a new
/// invitation (issue 22, 14).
pub fn remove(now: DateTime<Utc>) -> Transition {
    Transition::new(
        Condition::all()
            .add(C::ArrivedAt.is_not_null())
            .add(C::FinishedAt.is_null()),
        vec![
            at(C::ArrivedAt, None),
            at(C::AdmittedAt, None),
            (C::DoctorNote, Expr::value(None::<String>)),
            at(C::EntryValidAfter, Some(now)),
            at(C::RemovedAt, Some(now)),
        ],
    )
}

/// Finished: the consultation ended at `now`, and the patient's entry with it.
pub fn finish(now: DateTime<Utc>) -> Transition {
    Transition::new(
        Condition::all()
            .add(C::ArrivedAt.is_not_null())
            .add(C::FinishedAt.is_null()),
        vec![
            at(C::FinishedAt, Some(now)),
            at(C::EntryValidAfter, Some(now)),
        ],
    )
}

/// Finished before the patient arrived: the doctor ended a call held with further persons only
/// (an interpreter let in first, issue 25).
pub fn finish_before_patient(now: DateTime<Utc>) -> Transition {
    Transition::new(
        Condition::all().add(C::FinishedAt.is_null()),
        vec![
            at(C::FinishedAt, Some(now)),
            at(C::EntryValidAfter, Some(now)),
        ],
    )
}

/// The doctor's note for the patient's waiting room, until the consultation ends.
pub fn note(text: String) -> Transition {
    Transition::new(
        Condition::all().add(C::FinishedAt.is_null()),
        vec![(C::DoctorNote, Expr::value(text))],
    )
}

/// Deleted: every appointment that ended before `cutoff` (the clean-up's retention rule).
pub fn delete_ended_before(cutoff: DateTime<Utc>) -> DeleteMany<appointment::Entity> {
    appointment::Entity::delete_many().filter(C::EndsAt.lt(cutoff))
}

#[cfg(test)]
mod tests;
