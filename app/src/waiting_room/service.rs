//! The rules of the waiting room: a patient arrives and leaves; a doctor of the practice lets
//! them in, sends a note, sends them back, removes them or ends the consultation. The database
//! holds what lasts; [`super::rooms::Rooms`] wakes the sockets that must hear about it.

use crate::appointment::lifecycle::{self, Transition};
use crate::appointment::name::PatientName;
use crate::appointment::pass::PatientPass;
use crate::entities::appointment;
use crate::practice::auth::CurrentUser;
use crate::signalling::relay::Participant;
use crate::signalling::types::{
    clean_note, CallEnd, ClientMessage, ErrorCode, PatientPhase, PatientView, Roster, RosterEntry,
    RosterStatus, ServerMessage,
};
use crate::state::AppState;
use crate::time::berlin_to_utc;
use crate::time::{berlin_date, german_long_date, german_time};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The patient's own view of their appointment.
pub fn patient_view(row: &appointment::Model) -> PatientView {
    let phase = if row.finished_at.is_some() {
        PatientPhase::Finished
    } else if row.admitted_at.is_some() {
        PatientPhase::InCall
    } else {
        PatientPhase::Waiting
    };
    PatientView {
        phase,
        appointment_time: format!(
            "{}, {} Uhr",
            german_long_date(row.starts_at),
            german_time(row.starts_at)
        ),
        note: row.doctor_note.clone(),
    }
}

/// Whether the patient's current stay in the waiting room began after their last leave or
/// removal (an arrival from before it does not count).
pub fn arrived_now(row: &appointment::Model) -> bool {
    arrived_since_entry(row.arrived_at, row.entry_valid_after)
}

/// [`arrived_now`] of the two columns it reads.
fn arrived_since_entry(
    arrived_at: Option<DateTime<Utc>>,
    entry_valid_after: Option<DateTime<Utc>>,
) -> bool {
    arrived_at.is_some_and(|arrived| entry_valid_after.is_none_or(|t| arrived > t))
}

/// What the live list shows of an appointment: twelve of the row's 25 columns; the doctor's
/// name comes from one query of the practice's people ([`member_names`]), not a join per row
/// (on a day with many appointments the whole rows were most of every practice page's frame).
///
/// [`member_names`]: crate::practice::auth::member_names
#[derive(Debug, Clone, sea_orm::DerivePartialModel, sea_orm::FromQueryResult)]
#[sea_orm(entity = "appointment::Entity")]
struct RosterRow {
    id: Uuid,
    doctor_id: Uuid,
    patient_name: String,
    patient_email: String,
    entered_name: Option<String>,
    starts_at: DateTime<Utc>,
    arrived_at: Option<DateTime<Utc>>,
    entry_valid_after: Option<DateTime<Utc>>,
    admitted_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    removed_at: Option<DateTime<Utc>>,
    doctor_note: Option<String>,
}

/// The patient's socket opened on `row` (as the pass opened it): the arrival time is set once
/// per stay (a reload keeps it).
pub async fn note_arrival(state: &AppState, row: &appointment::Model) -> Result<(), DbErr> {
    if arrived_now(row) {
        return Ok(());
    }
    lifecycle::arrive(state.clock.now(), row.entry_valid_after)
        .apply(&state.db, row.id)
        .await?;
    tracing::info!(appointment_id = %row.id, "patient entered the waiting room");
    Ok(())
}

/// The patient leaves ("Wartezimmer verlassen"): the doctor's list says so at once, the place
/// is given up and the pass ends (entering again with the code is a new arrival).
pub async fn leave(state: &AppState, pass: &PatientPass) -> Result<(), DbErr> {
    let now = state.clock.now();
    lifecycle::leave(now)
        .apply(&state.db, pass.appointment_id)
        .await?;
    tracing::info!(appointment_id = %pass.appointment_id, "patient left the waiting room");
    if let Some(row) = appointment::Entity::find_by_id(pass.appointment_id)
        .one(&state.db)
        .await?
    {
        end_call(state, &row, CallEnd::PatientLeft).await;
        let view = PatientView {
            phase: PatientPhase::Left,
            ..patient_view(&row)
        };
        state
            .rooms
            .tell_patient(pass.practice_id, pass.appointment_id, view);
    }
    state.rooms.practice_changed(pass.practice_id);
    Ok(())
}

/// The practice replaced the access code or cancelled the appointment: every pass of the old
/// code ends now. Open patient pages hear it and close, a running call ends, the doctors'
/// lists change at once (the caller has already stored the change).
pub fn passes_ended(state: &AppState, row: &appointment::Model) {
    state.calls.end(row.id, CallEnd::PatientLeft);
    // Guests let in wait again (a cancellation tells them it is closed, later).
    let (state_, row_) = (state.clone(), row.clone());
    tokio::spawn(async move {
        if let Err(e) = super::guests::back_to_waiting(&state_, &row_).await {
            tracing::warn!(error = %e, "cannot send the guests back to the waiting room");
        }
    });
    let view = PatientView {
        phase: PatientPhase::Closed,
        note: None,
        ..patient_view(row)
    };
    state.rooms.tell_patient(row.practice_id, row.id, view);
    state.rooms.practice_changed(row.practice_id);
}

/// The practice booked or changed an appointment (without a new code): the doctors' open
/// lists show it at once, and a new time reaches the open pages of the patient and the
/// further persons.
pub async fn appointment_changed(
    state: &AppState,
    before: Option<&appointment::Model>,
    row: &appointment::Model,
) {
    if before.is_some_and(|before| before.starts_at != row.starts_at) {
        state
            .rooms
            .tell_patient(row.practice_id, row.id, patient_view(row));
        // Telling the guests tells the doctors' lists too.
        match super::guests::tell_every_guest(state, row, None).await {
            Ok(()) => return,
            Err(e) => tracing::warn!(error = %e, "cannot tell the further persons the new time"),
        }
    }
    state.rooms.practice_changed(row.practice_id);
}

/// The start and end of today in Berlin, as UTC instants.
fn today(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let date = berlin_date(now);
    let midnight = NaiveTime::MIN;
    let start = berlin_to_utc(date, midnight).unwrap_or(now - Duration::hours(12));
    let end = date
        .succ_opt()
        .and_then(|d| berlin_to_utc(d, midnight))
        .unwrap_or(now + Duration::hours(12));
    (start, end)
}

/// Whether the name typed at the entrance (if any) is not the booked one; a typed name that is
/// not a valid name differs too.
pub fn names_differ(typed: Option<&str>, booked: &str) -> bool {
    typed.is_some_and(|typed| match PatientName::parse(typed) {
        Ok(name) => !name.matches(booked),
        Err(_) => true,
    })
}

/// Today's appointments of a practice as stored: everything the live list shows except who
/// has a socket open now (added per request by [`roster_of`]); kept between requests
/// ([`crate::kept`]).
#[derive(Debug)]
pub struct TodayRows {
    rows: Vec<RosterRow>,
    names: std::collections::HashMap<Uuid, String>,
    consents: std::collections::HashMap<Uuid, crate::consent::types::ConsentStatus>,
    guests: Vec<crate::entities::appointment_guest::Model>,
}

/// About the bytes of the rows, names and guests.
impl crate::kept::Weight for TodayRows {
    fn weight(&self) -> usize {
        let text = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        let rows = self
            .rows
            .iter()
            .map(|r| {
                300 + r.patient_name.len()
                    + r.patient_email.len()
                    + text(&r.entered_name)
                    + text(&r.doctor_note)
            })
            .sum::<usize>();
        let names = self.names.values().map(|n| 64 + n.len()).sum::<usize>();
        let guests = self
            .guests
            .iter()
            .map(|g| {
                500 + g.name.len()
                    + g.email.len()
                    + g.code_hash.len()
                    + text(&g.entered_name)
                    + text(&g.doctor_note)
            })
            .sum::<usize>();
        200 + rows + names + guests
    }
}

/// Reads [`TodayRows`] of `practice` for the Berlin day of `now`.
pub async fn today_rows(
    db: &sea_orm::DatabaseConnection,
    practice: Uuid,
    now: DateTime<Utc>,
) -> Result<TodayRows, DbErr> {
    let (start, end) = today(now);
    let rows = appointment::Entity::find()
        .filter(appointment::Column::PracticeId.eq(practice))
        .filter(appointment::Column::StartsAt.gte(start))
        .filter(appointment::Column::StartsAt.lt(end))
        .filter(lifecycle::not_cancelled())
        .order_by_asc(appointment::Column::StartsAt)
        .into_partial_model::<RosterRow>()
        .all(db)
        .await?;
    let names = crate::practice::auth::member_names(db, practice).await?;
    let consents = crate::consent::service::status::statuses_of(
        db,
        practice,
        rows.iter()
            .map(|r| (r.id, r.patient_name.as_str(), r.patient_email.as_str())),
    )
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let guests = super::guests::invited_to(db, &ids).await?;
    Ok(TodayRows {
        rows,
        names,
        consents,
        guests,
    })
}

/// Today's video appointments of the practice with where each patient stands, read now.
pub async fn roster(state: &AppState, practice: Uuid) -> Result<Roster, DbErr> {
    let today = today_rows(&state.db, practice, state.clock.now()).await?;
    let present = state.rooms.present(practice).await;
    Ok(roster_of(&today, &present))
}

/// [`roster`] of the logged-in person's practice from the rows kept while its calendar has
/// not changed (the list on every practice page: no reads of today's appointments for it).
pub async fn kept_roster(state: &AppState, me: &CurrentUser) -> Result<Roster, DbErr> {
    let now = state.clock.now();
    let today = state
        .kept_today
        .get_or_load(
            me.practice.id,
            me.practice.calendar_version,
            berlin_date(now),
            today_rows(&state.db, me.practice.id, now),
        )
        .await?;
    let present = state.rooms.present(me.practice.id).await;
    Ok(roster_of(&today, &present))
}

/// The live list of `today`'s rows with the patients and guests connected now.
pub fn roster_of(today: &TodayRows, present: &std::collections::HashSet<Uuid>) -> Roster {
    let mut guests = super::guests::roster_guests(&today.guests, present);
    let entries: Vec<RosterEntry> = today
        .rows
        .iter()
        .map(|row| {
            let (status, since) = if row.finished_at.is_some() {
                (RosterStatus::Finished, row.finished_at)
            } else if row.admitted_at.is_some() {
                (RosterStatus::InCall, row.admitted_at)
            } else if present.contains(&row.id)
                && arrived_since_entry(row.arrived_at, row.entry_valid_after)
            {
                (RosterStatus::Waiting, row.arrived_at)
            } else if row.removed_at.is_some() {
                (RosterStatus::Removed, row.removed_at)
            } else if row.arrived_at.is_some() {
                (RosterStatus::Left, None)
            } else {
                (RosterStatus::NotArrived, None)
            };
            let names_differ = names_differ(row.entered_name.as_deref(), &row.patient_name);
            RosterEntry {
                consent: today.consents.get(&row.id).copied().unwrap_or_default(),
                guests: guests.remove(&row.id).unwrap_or_default(),
                appointment: row.id.to_string(),
                time: german_time(row.starts_at),
                doctor: today.names.get(&row.doctor_id).cloned().unwrap_or_default(),
                booked_name: row.patient_name.clone(),
                entered_name: row.entered_name.clone(),
                names_differ,
                status,
                since: since.map(german_time),
                note: row.doctor_note.clone(),
            }
        })
        .collect();
    let waiting = entries
        .iter()
        .map(|e| {
            usize::from(e.status == RosterStatus::Waiting)
                + e.guests
                    .iter()
                    .filter(|g| g.status == RosterStatus::Waiting)
                    .count()
        })
        .sum::<usize>();
    Roster {
        waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
        entries,
    }
}

fn internal(e: DbErr) -> ErrorCode {
    tracing::error!(error = %e, "waiting room action failed");
    ErrorCode::Internal
}

/// The practice's own, not cancelled appointment with this id.
async fn own_appointment(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<appointment::Model, ErrorCode> {
    let id = Uuid::parse_str(id).map_err(|_| ErrorCode::UnknownAppointment)?;
    appointment::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .map_err(internal)?
        .filter(|a| a.practice_id == me.practice.id && !lifecycle::is_cancelled(a))
        .ok_or(ErrorCode::UnknownAppointment)
}

/// Applies `transition` to the appointment if its condition still holds (checked in the same
/// UPDATE, so two doctors clicking at once cannot both succeed); then tells the patient and the
/// practice.
async fn change_if(
    state: &AppState,
    row: &appointment::Model,
    transition: Transition,
    phase: Option<PatientPhase>,
) -> Result<(), ErrorCode> {
    let done = transition
        .apply(&state.db, row.id)
        .await
        .map_err(internal)?;
    if !done {
        return Err(ErrorCode::WrongState);
    }
    let fresh = appointment::Entity::find_by_id(row.id)
        .one(&state.db)
        .await
        .map_err(internal)?
        .ok_or(ErrorCode::UnknownAppointment)?;
    let mut view = patient_view(&fresh);
    if let Some(phase) = phase {
        view.phase = phase;
    }
    state.rooms.tell_patient(row.practice_id, row.id, view);
    state.rooms.practice_changed(row.practice_id);
    Ok(())
}

/// Admitting a patient whose consent is not confirmed is the doctor's decision (the panel asks
/// first); the practice's audit log keeps it.
async fn record_admission_without_consent(
    state: &AppState,
    me: &CurrentUser,
    row: &appointment::Model,
    now: DateTime<Utc>,
) -> Result<(), ErrorCode> {
    use crate::consent::service::audit::{audit, Action, Actor};
    use crate::consent::{service::status::status_of, types::ConsentStatus};
    let status = status_of(&state.db, row).await.map_err(internal)?;
    if status != ConsentStatus::Confirmed {
        audit(
            &state.db,
            row.practice_id,
            Actor::Member(me.user.id),
            Action::AdmittedWithoutConsent,
            Some(row.id),
            now,
        )
        .await
        .map_err(internal)?;
    }
    Ok(())
}

/// Carries out a doctor's message; the answer goes to the socket that sent it.
pub async fn act(
    state: &AppState,
    me: &CurrentUser,
    message: ClientMessage,
) -> Result<Option<ServerMessage>, ErrorCode> {
    if !me.role.holds_calls() {
        return Err(ErrorCode::NotAllowed);
    }
    let now = state.clock.now();
    match message {
        ClientMessage::Admit { appointment } => {
            if let Some((row, guest)) = super::guests::own_guest(state, me, &appointment).await? {
                super::guests::admit(state, me, &row, &guest).await?;
                // The doctor's call page opens unless it is open already.
                let open = state.calls.is_seated(row.id, Participant::Doctor).await;
                return Ok((!open).then(|| ServerMessage::Admitted {
                    appointment: row.id.to_string(),
                }));
            }
            let row = own_appointment(state, me, &appointment).await?;
            if !state.rooms.present(row.practice_id).await.contains(&row.id) {
                return Err(ErrorCode::WrongState);
            }
            change_if(state, &row, lifecycle::admit(now), None).await?;
            record_admission_without_consent(state, me, &row, now).await?;
            tracing::info!(appointment_id = %row.id, doctor_id = %me.user.id, "patient admitted");
            Ok(Some(ServerMessage::Admitted { appointment }))
        }
        ClientMessage::SendNote { appointment, text } => {
            let text = clean_note(&text)?;
            if let Some((row, guest)) = super::guests::own_guest(state, me, &appointment).await? {
                return super::guests::note(state, &row, &guest, text)
                    .await
                    .map(|()| None);
            }
            let row = own_appointment(state, me, &appointment).await?;
            change_if(state, &row, lifecycle::note(text), None).await?;
            Ok(None)
        }
        ClientMessage::NoteToAll { text } => {
            let text = clean_note(&text)?;
            note_to_all(state, me.practice.id, &text)
                .await
                .map_err(internal)?;
            Ok(None)
        }
        ClientMessage::BackToWaiting { appointment } => {
            let row = own_appointment(state, me, &appointment).await?;
            change_if(state, &row, lifecycle::back_to_waiting(), None).await?;
            end_call(state, &row, CallEnd::BackToWaiting).await;
            Ok(None)
        }
        ClientMessage::Remove { appointment } => {
            if let Some((row, guest)) = super::guests::own_guest(state, me, &appointment).await? {
                return super::guests::remove(state, &row, &guest)
                    .await
                    .map(|()| None);
            }
            let row = own_appointment(state, me, &appointment).await?;
            let removed = Some(PatientPhase::Removed);
            change_if(state, &row, lifecycle::remove(now), removed).await?;
            end_call(state, &row, CallEnd::PatientLeft).await;
            tracing::info!(appointment_id = %row.id, "patient removed from the waiting room");
            Ok(None)
        }
        ClientMessage::Finish { appointment } => {
            let row = own_appointment(state, me, &appointment).await?;
            finish(state, &row).await?;
            Ok(None)
        }
        ClientMessage::JoinCall { .. } | ClientMessage::Signal { .. } | ClientMessage::Hangup => {
            Err(ErrorCode::NotInCall)
        }
    }
}

/// The call ends without ending the consultation: every page hears `how`, the further persons
/// let in wait again.
async fn end_call(state: &AppState, row: &appointment::Model, how: CallEnd) {
    state.calls.end(row.id, how);
    if let Err(e) = super::guests::back_to_waiting(state, row).await {
        tracing::warn!(error = %e, "cannot send the guests back to the waiting room");
    }
}

/// The consultation is over (the doctor ended it, or either side hung up): the end time is
/// stored, the patient's entry ends, both call pages hear it with start and end.
pub async fn finish(state: &AppState, row: &appointment::Model) -> Result<CallEnd, ErrorCode> {
    let now = state.clock.now();
    let guests_only = row.arrived_at.is_none()
        && super::guests::any_admitted(state, row)
            .await
            .map_err(internal)?;
    let transition = if guests_only {
        lifecycle::finish_before_patient(now)
    } else {
        lifecycle::finish(now)
    };
    change_if(state, row, transition, None).await?;
    let started = row.call_started_at.or(row.admitted_at).unwrap_or(now);
    let end = CallEnd::Finished {
        started: german_time(started),
        ended: german_time(now),
    };
    state.calls.end(row.id, end.clone());
    if let Err(e) = super::guests::tell_every_guest(state, row, Some(PatientPhase::Finished)).await
    {
        tracing::warn!(error = %e, "cannot tell the guests the consultation ended");
    }
    if let Err(e) = super::guests::call_over(state, row).await {
        tracing::warn!(error = %e, "cannot note that the guests' call is over");
    }
    tracing::info!(appointment_id = %row.id, "consultation finished");
    Ok(end)
}

/// The doctor's own appointment that is in a call now: the patient or a further person let in,
/// not finished.
pub async fn call_of_doctor(
    state: &AppState,
    me: &CurrentUser,
    id: Uuid,
) -> Result<appointment::Model, ErrorCode> {
    let row = own_appointment(state, me, &id.to_string()).await?;
    let guests_in = row.finished_at.is_none()
        && super::guests::any_admitted(state, &row)
            .await
            .map_err(internal)?;
    if lifecycle::is_in_call(&row) || guests_in {
        Ok(row)
    } else {
        Err(ErrorCode::WrongState)
    }
}

/// One note to everybody waiting for the practice right now (not those in a call): stored
/// first, then sent to the waiting patients' pages at once. In this order a page that reads
/// its view meanwhile (a reload, a reconnect) finds the note in its row, or hears it after
/// (a patient arriving in that moment may hear it without its being stored for them).
pub async fn note_to_all(state: &AppState, practice: Uuid, text: &str) -> Result<(), DbErr> {
    let mut present: Vec<Uuid> = state.rooms.present(practice).await.into_iter().collect();
    if present.is_empty() {
        return Ok(());
    }
    // In one order: two notes at once lock the rows in the same order (PostgreSQL).
    present.sort_unstable();
    // One commit (the patients go on waiting for it): statements in chunks, each under the
    // databases' parameter limits. Only those waiting now: not a patient who left or was
    // removed a moment ago (their place is kept a few seconds).
    let txn = crate::transaction::begin_write(&state.db).await?;
    for ids in present.chunks(500) {
        use appointment::Column as C;
        appointment::Entity::update_many()
            .col_expr(C::DoctorNote, Expr::value(text))
            .filter(C::Id.is_in(ids.iter().copied()))
            .filter(C::PracticeId.eq(practice))
            .filter(lifecycle::arrived_now(C::ArrivedAt, C::EntryValidAfter))
            .filter(C::AdmittedAt.is_null())
            .filter(C::FinishedAt.is_null())
            .exec(&txn)
            .await?;
        // The registry knows guests by their own id; their notes are kept in their rows.
        super::guests::store_note_to_all(&txn, practice, ids, text).await?;
    }
    txn.commit().await?;
    state.rooms.note_to_waiting(practice, text);
    state.rooms.practice_changed(practice);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::today;
    use chrono::{DateTime, Utc};

    #[test]
    fn today_runs_from_berlin_midnight_to_midnight_also_on_dst_days() {
        let table = [
            (
                "2026-11-23T12:00:00Z",
                "2026-11-22T23:00:00Z",
                "2026-11-23T23:00:00Z",
            ),
            (
                "2026-11-23T23:30:00Z",
                "2026-11-23T23:00:00Z",
                "2026-11-24T23:00:00Z",
            ),
            // 29 March 2026: clocks go forward, the day has 23 hours.
            (
                "2026-03-29T10:00:00Z",
                "2026-03-28T23:00:00Z",
                "2026-03-29T22:00:00Z",
            ),
            // 25 October 2026: clocks go back, the day has 25 hours.
            (
                "2026-10-25T10:00:00Z",
                "2026-10-24T22:00:00Z",
                "2026-10-25T23:00:00Z",
            ),
        ];
        for (now, start, end) in table {
            let parse = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
            assert_eq!(today(parse(now)), (parse(start), parse(end)), "{now}");
        }
    }
}
