//! The rules and database work of the calendar: create, reschedule, cancel, resend. Every
//! function works on the caller's own practice only, and every change queues its e-mail to the
//! patient in the same transaction (outbox).

use super::access_code::{AccessCode, KEYED};
use super::availability::{parse_day, Availability, Blocked, Interval, Outside};
use super::emails::{self, AppointmentMail, Invitee, MailKind};
use super::types::{AppointmentForm, SettingsForm, DURATIONS};
use crate::appointment::lifecycle::{self, Booking};
use crate::appointment::lookup::find;
use crate::email::outbox::enqueue;
use crate::entities::{appointment, blocked_period, opening_hours, practice, practice_user};
use crate::error::AppError;
use crate::fields::{EmailAddress, OptionalText, ShortText};
use crate::forms::{echo_pairs, Checker, FormError};
use crate::practice::auth::{display_name, CurrentUser};
use crate::practice::types::Role;
use crate::state::AppState;
use crate::time::berlin_to_utc;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::Berlin;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Longest note the practice can keep with an appointment.
pub const NOTE_MAX: usize = crate::fields::limits::APPOINTMENT_NOTE;

/// The last Berlin day an appointment may be booked on, seen from `now`
/// ([`crate::policy::BOOKING_AHEAD_MONTHS`] ahead).
pub fn latest_booking_day(now: DateTime<Utc>) -> NaiveDate {
    let today = now.with_timezone(&Berlin).date_naive();
    today
        .checked_add_months(chrono::Months::new(crate::policy::BOOKING_AHEAD_MONTHS))
        .unwrap_or(today)
}

/// The checked form: everything needed to store the appointment.
struct Checked {
    patient_name: String,
    patient_email: String,
    starts_at: DateTime<Utc>,
    duration: i32,
    note: Option<String>,
    doctor_id: Uuid,
}

fn check(
    me: &CurrentUser,
    input: &AppointmentForm,
    now: DateTime<Utc>,
) -> Result<Checked, FormError> {
    let mut c = Checker::new("appointment", echo(input));
    let name = c.field(
        "patient_name",
        ShortText::parse(&input.patient_name, crate::fields::limits::PATIENT_NAME),
    );
    let email = c.field("patient_email", EmailAddress::parse(&input.patient_email));
    let note = c.field("note", OptionalText::parse(&input.note, NOTE_MAX));
    let date = crate::time::parse_iso_date(&input.date);
    if date.is_none() {
        c.key("date", "calendar-date-invalid");
    }
    let time = NaiveTime::parse_from_str(input.time.trim(), "%H:%M").ok();
    if time.is_none() {
        c.key("time", "calendar-time-invalid");
    }
    let starts_at = match (date, time) {
        // Checked before any arithmetic: a year such as +262142 would overflow it, and a date
        // far ahead would escape the retention rule for years.
        (Some(d), Some(_)) if d > latest_booking_day(now) => {
            c.key("date", "calendar-too-far-ahead");
            None
        }
        (Some(d), Some(t)) => {
            let at = berlin_to_utc(d, t);
            match at {
                None => c.key("time", "calendar-time-skipped"),
                Some(at) if at < now - Duration::minutes(5) => c.key("date", "calendar-in-past"),
                Some(_) => {}
            }
            at
        }
        _ => None,
    };
    let duration = input
        .duration
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| DURATIONS.contains(d));
    if duration.is_none() {
        c.key("duration", "calendar-duration-invalid");
    }
    let doctor_id = if input.doctor_id.trim().is_empty() && me.role != Role::Team {
        Some(me.user.id)
    } else {
        Uuid::parse_str(input.doctor_id.trim()).ok()
    };
    if doctor_id.is_none() {
        c.key("doctor_id", "calendar-doctor-required");
    }
    c.finish()?;
    match (name, email, note, starts_at, duration, doctor_id) {
        (Some(name), Some(email), Some(note), Some(starts_at), Some(duration), Some(doctor_id)) => {
            Ok(Checked {
                patient_name: name.as_str().to_owned(),
                patient_email: email.as_str().to_owned(),
                starts_at,
                duration,
                note: Some(note.as_str().to_owned()).filter(|n| !n.is_empty()),
                doctor_id,
            })
        }
        _ => Err(AppError::Internal.into()),
    }
}

/// The appointment form's typed values, to show it again.
fn echo(input: &AppointmentForm) -> std::collections::BTreeMap<String, String> {
    echo_pairs(&[
        ("patient_name", &input.patient_name),
        ("patient_email", &input.patient_email),
        ("date", &input.date),
        ("time", &input.time),
        ("duration", &input.duration),
        ("note", &input.note),
        ("doctor_id", &input.doctor_id),
    ])
}

/// One problem with the appointment form, the typed values kept.
fn invalid(input: &AppointmentForm, field: &str, key: &str, args: &[(&str, &str)]) -> FormError {
    let mut c = Checker::new("appointment", echo(input));
    c.feedback.add(
        field,
        key,
        args.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    );
    FormError::Invalid(c.feedback)
}

/// Takes the doctor's row lock (the first statement of the transaction is a write, which
/// serialises bookings for that doctor on PostgreSQL and SQLite alike) and checks that the
/// doctor holds calls in the caller's practice.
async fn lock_doctor(
    txn: &DatabaseTransaction,
    me: &CurrentUser,
    input: &AppointmentForm,
    doctor_id: Uuid,
) -> Result<practice_user::Model, FormError> {
    let locked = practice_user::Entity::update_many()
        .col_expr(
            practice_user::Column::UpdatedAt,
            Expr::col(practice_user::Column::UpdatedAt).into(),
        )
        .filter(practice_user::Column::Id.eq(doctor_id))
        .filter(practice_user::Column::PracticeId.eq(me.practice.id))
        .filter(practice_user::Column::Role.ne(Role::Team))
        .exec(txn)
        .await?;
    let doctor = if locked.rows_affected == 1 {
        practice_user::Entity::find_by_id(doctor_id)
            .one(txn)
            .await?
    } else {
        None
    };
    doctor.ok_or_else(|| invalid(input, "doctor_id", "calendar-doctor-required", &[]))
}

/// Refuses an overlap with another scheduled appointment of the same doctor, naming it.
async fn check_free(
    txn: &DatabaseTransaction,
    input: &AppointmentForm,
    doctor_id: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<(), FormError> {
    let mut query = appointment::Entity::find()
        .filter(appointment::Column::DoctorId.eq(doctor_id))
        .filter(lifecycle::scheduled())
        .filter(appointment::Column::StartsAt.lt(ends_at))
        .filter(appointment::Column::EndsAt.gt(starts_at));
    if let Some(id) = except {
        query = query.filter(appointment::Column::Id.ne(id));
    }
    let Some(other) = query
        .order_by_asc(appointment::Column::StartsAt)
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let (from, to) = (berlin_hm(other.starts_at), berlin_hm(other.ends_at));
    Err(invalid(
        input,
        "time",
        "calendar-conflict",
        &[
            ("from", &from),
            ("to", &to),
            ("patient", &other.patient_name),
        ],
    ))
}

fn berlin_hm(at: DateTime<Utc>) -> String {
    at.with_timezone(&Berlin).format("%H:%M").to_string()
}

/// Creates an appointment and queues the invitation with its access code.
pub async fn create(
    state: &AppState,
    me: &CurrentUser,
    input: &AppointmentForm,
) -> Result<Uuid, FormError> {
    let now = state.clock.now();
    let checked = check(me, input, now)?;
    let ends_at = checked.starts_at + Duration::minutes(i64::from(checked.duration));
    check_available(state, me, input, checked.starts_at, ends_at).await?;
    let code = AccessCode::generate().map_err(|_| AppError::Internal)?;
    let txn = crate::transaction::begin_write(&state.db).await?;
    let doctor = lock_doctor(&txn, me, input, checked.doctor_id).await?;
    check_free(&txn, input, doctor.id, checked.starts_at, ends_at, None).await?;
    let booking = Booking {
        practice_id: me.practice.id,
        doctor_id: doctor.id,
        patient_name: checked.patient_name,
        patient_email: checked.patient_email,
        starts_at: checked.starts_at,
        ends_at,
        duration_minutes: checked.duration,
        note: checked.note,
        code_hash: code.hash(&state.settings.security.code_secret),
        code_hash_version: KEYED,
    };
    let row = lifecycle::book(booking, now).insert(&txn).await?;
    mail_and_commit(
        state,
        txn,
        &me.practice,
        &row,
        MailKind::Invitation,
        Some(&code),
    )
    .await?;
    crate::waiting_room::service::appointment_changed(state, None, &row).await;
    tracing::info!(practice_id = %me.practice.id, appointment_id = %row.id, "appointment created");
    Ok(row.id)
}

/// Queues the patient's e-mail in `txn`, commits it and wakes the e-mail worker.
async fn mail_and_commit(
    state: &AppState,
    txn: sea_orm::DatabaseTransaction,
    practice: &practice::Model,
    row: &appointment::Model,
    kind: MailKind,
    code: Option<&AccessCode>,
) -> Result<(), FormError> {
    queue_mail(state, &txn, practice, row, kind, code).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(())
}

async fn queue_mail(
    state: &AppState,
    conn: &impl ConnectionTrait,
    practice: &practice::Model,
    row: &appointment::Model,
    kind: MailKind,
    code: Option<&AccessCode>,
) -> Result<(), FormError> {
    let parts = mail_parts(state, conn, practice, row).await?;
    let to = Invitee::patient(row);
    enqueue_mail(state, conn, practice, row, &parts, to, kind, code).await?;
    // Further persons hear of a change, the cancellation and the reminder too; a new code for
    // the patient is the patient's alone.
    if kind != MailKind::Invitation {
        super::guests::tell_all(state, conn, practice, row, &parts, kind).await?;
    }
    Ok(())
}

/// Renders one e-mail about `row` to `to` (the patient or a guest) and queues it in `conn`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn enqueue_mail(
    state: &AppState,
    conn: &impl ConnectionTrait,
    practice: &practice::Model,
    row: &appointment::Model,
    parts: &MailParts,
    to: Invitee<'_>,
    kind: MailKind,
    code: Option<&AccessCode>,
) -> Result<(), FormError> {
    let mail = emails::render(&AppointmentMail {
        kind,
        practice,
        doctor_name: &parts.doctor_name,
        appointment: row,
        to,
        code,
        patient_url: &parts.patient_url,
        consent_url: &parts.consent_url,
        guide_url: parts.guide_url.as_deref(),
        organizer_email: &state.settings.email.from_address(),
        stamp: state.clock.now(),
    });
    enqueue(conn, state.clock.now(), mail).await?;
    Ok(())
}

/// What every e-mail about `row` names besides its recipient.
pub(super) struct MailParts {
    pub doctor_name: String,
    pub patient_url: String,
    pub consent_url: String,
    pub guide_url: Option<String>,
}

pub(super) async fn mail_parts(
    state: &AppState,
    conn: &impl ConnectionTrait,
    practice: &practice::Model,
    row: &appointment::Model,
) -> Result<MailParts, FormError> {
    let doctor = practice_user::Entity::find_by_id(row.doctor_id)
        .one(conn)
        .await?
        .ok_or(AppError::Internal)?;
    let base = state.settings.application.base_url.trim_end_matches('/');
    Ok(MailParts {
        doctor_name: display_name(&doctor),
        patient_url: format!("{base}/videosprechstunde"),
        consent_url: format!("{base}/einwilligung/{}.pdf", practice.id),
        guide_url: practice
            .guide_in_invitation
            .then(|| format!("{base}/anleitung/{}.pdf", practice.id)),
    })
}

/// Reschedules or edits; the code stays unless `new_code` asks for a new one. The patient gets
/// a change e-mail with an updated `.ics` (same UID, SEQUENCE + 1).
pub async fn update(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
    input: &AppointmentForm,
) -> Result<bool, FormError> {
    let Some(existing) = find(state, me, id).await? else {
        return Ok(false);
    };
    if !lifecycle::is_changeable(&existing) {
        return Err(invalid(input, "date", "calendar-already-cancelled", &[]));
    }
    let now = state.clock.now();
    let checked = check(me, input, now)?;
    let ends_at = checked.starts_at + Duration::minutes(i64::from(checked.duration));
    check_available(state, me, input, checked.starts_at, ends_at).await?;
    let code = if input.new_code == "on" {
        Some(AccessCode::generate().map_err(|_| AppError::Internal)?)
    } else {
        None
    };
    let txn = crate::transaction::begin_write(&state.db).await?;
    let doctor = lock_doctor(&txn, me, input, checked.doctor_id).await?;
    check_free(
        &txn,
        input,
        doctor.id,
        checked.starts_at,
        ends_at,
        Some(existing.id),
    )
    .await?;
    let mut active = existing.clone().into_active_model();
    active.doctor_id = Set(doctor.id);
    active.patient_name = Set(checked.patient_name);
    active.patient_email = Set(checked.patient_email);
    active.starts_at = Set(checked.starts_at);
    active.ends_at = Set(ends_at);
    active.duration_minutes = Set(checked.duration);
    active.note = Set(checked.note);
    active.sequence = Set(existing.sequence + 1);
    active.reminder_sent_at = Set(None);
    active.updated_at = Set(now);
    if let Some(code) = &code {
        // Like "Einladung erneut senden": the old code's passes end, a removal is lifted.
        active.code_hash = Set(code.hash(&state.settings.security.code_secret));
        active.code_hash_version = Set(KEYED);
        active.arrived_at = Set(None);
        active.admitted_at = Set(None);
        active.entry_valid_after = Set(Some(now));
        active.removed_at = Set(None);
    }
    let row = active.update(&txn).await?;
    mail_and_commit(
        state,
        txn,
        &me.practice,
        &row,
        MailKind::Change,
        code.as_ref(),
    )
    .await?;
    if code.is_some() {
        crate::waiting_room::service::passes_ended(state, &row);
    } else {
        crate::waiting_room::service::appointment_changed(state, Some(&existing), &row).await;
    }
    tracing::info!(appointment_id = %row.id, new_code = code.is_some(), "appointment changed");
    Ok(true)
}

/// Cancels: the code stops working at once; the patient gets a cancellation with
/// `METHOD:CANCEL`.
pub async fn cancel(state: &AppState, me: &CurrentUser, id: &str) -> Result<bool, FormError> {
    let Some(existing) = find(state, me, id).await? else {
        return Ok(false);
    };
    if !lifecycle::is_changeable(&existing) {
        return Ok(true);
    }
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let changed = lifecycle::cancel(existing.sequence + 1, now)
        .apply(&txn, existing.id)
        .await?;
    if changed {
        let mut row = existing.clone();
        row.status = lifecycle::AppointmentStatus::Cancelled;
        row.sequence += 1;
        queue_mail(
            state,
            &txn,
            &me.practice,
            &row,
            MailKind::Cancellation,
            None,
        )
        .await?;
    }
    txn.commit().await?;
    state.outbox.wake();
    if changed {
        crate::waiting_room::service::passes_ended(state, &existing);
        let closed = crate::signalling::types::PatientPhase::Closed;
        if let Err(e) =
            crate::waiting_room::guests::tell_every_guest(state, &existing, Some(closed)).await
        {
            tracing::warn!(error = %e, "cannot tell the guests the appointment was cancelled");
        }
    }
    tracing::info!(appointment_id = %existing.id, "appointment cancelled");
    Ok(true)
}

/// Sends the invitation again. Only the hash of the code is stored, so this comes with a new
/// code; the old one stops working.
pub async fn resend(state: &AppState, me: &CurrentUser, id: &str) -> Result<bool, FormError> {
    let Some(existing) = find(state, me, id).await? else {
        return Ok(false);
    };
    if !lifecycle::is_changeable(&existing) {
        return Err(FormError::field(
            "appointment",
            "date",
            "calendar-already-cancelled",
        ));
    }
    let code = AccessCode::generate().map_err(|_| AppError::Internal)?;
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let code_hash = code.hash(&state.settings.security.code_secret);
    lifecycle::new_code(code_hash, KEYED, existing.sequence + 1, now)
        .apply(&txn, existing.id)
        .await?;
    let mut row = existing.clone();
    row.code_hash = code.hash(&state.settings.security.code_secret);
    row.code_hash_version = KEYED;
    row.sequence += 1;
    mail_and_commit(
        state,
        txn,
        &me.practice,
        &row,
        MailKind::Invitation,
        Some(&code),
    )
    .await?;
    crate::waiting_room::service::passes_ended(state, &row);
    tracing::info!(appointment_id = %existing.id, "invitation sent again with a new code");
    Ok(true)
}

/// Saves the practice's calendar settings (owner only).
pub async fn update_settings(
    state: &AppState,
    me: &CurrentUser,
    input: &SettingsForm,
) -> Result<(), FormError> {
    if !me.role.manages_practice() {
        return Err(AppError::Forbidden.into());
    }
    let Some(duration) = input
        .default_duration
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| DURATIONS.contains(d))
    else {
        return Err(FormError::field(
            "calendar-settings",
            "default_duration",
            "calendar-duration-invalid",
        ));
    };
    let mut active = me.practice.clone().into_active_model();
    active.default_duration_minutes = Set(duration);
    active.reminders_enabled = Set(input.reminders == "on");
    active.updated_at = Set(state.clock.now());
    active.update(&state.db).await?;
    tracing::info!(practice_id = %me.practice.id, "calendar settings saved");
    Ok(())
}

/// Reminders go out this long before the start.
pub const REMIND_BEFORE: Duration = Duration::hours(24);

/// Sends the 24-hour reminder for every appointment that is due, once: the flag is set by the
/// first statement of the transaction that also queues the e-mail, so a crash or a second
/// server cannot send it twice. Appointments whose last e-mail (invitation or change) went out
/// less than 24 hours before the start get none. Returns how many were queued.
pub async fn send_due_reminders(state: &AppState) -> Result<u32, FormError> {
    let now = state.clock.now();
    let due = appointment::Entity::find()
        .filter(lifecycle::scheduled())
        .filter(appointment::Column::ReminderSentAt.is_null())
        .filter(appointment::Column::StartsAt.gt(now))
        .filter(appointment::Column::StartsAt.lte(now + REMIND_BEFORE))
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for row in due {
        if row.updated_at > row.starts_at - REMIND_BEFORE {
            continue;
        }
        let Some(practice) = practice::Entity::find_by_id(row.practice_id)
            .one(&state.db)
            .await?
        else {
            continue;
        };
        if !practice.reminders_enabled {
            continue;
        }
        let txn = crate::transaction::begin_write(&state.db).await?;
        let claimed = appointment::Entity::update_many()
            .col_expr(appointment::Column::ReminderSentAt, Expr::value(Some(now)))
            .filter(appointment::Column::Id.eq(row.id))
            .filter(appointment::Column::ReminderSentAt.is_null())
            .filter(lifecycle::scheduled())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            queue_mail(state, &txn, &practice, &row, MailKind::Reminder, None).await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    if sent > 0 {
        state.outbox.wake();
        tracing::info!(count = sent, "appointment reminders queued");
    }
    Ok(sent)
}

/// What the week shows of an appointment: seven of the row's 25 columns. Decoding whole rows
/// (ten timestamps each) and the doctor's whole row with every appointment made most of the
/// week page's time with 200 appointments (issue 24).
#[derive(Debug, Clone, sea_orm::DerivePartialModel, sea_orm::FromQueryResult)]
#[sea_orm(entity = "appointment::Entity")]
pub struct WeekRow {
    pub id: Uuid,
    pub doctor_id: Uuid,
    pub patient_name: String,
    pub patient_email: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: crate::appointment::lifecycle::AppointmentStatus,
}

/// The practice's appointments starting in `[from, to)`, earliest first, and the names of the
/// practice's people by id (one small query instead of a join per appointment).
pub async fn between(
    state: &AppState,
    me: &CurrentUser,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Vec<WeekRow>, HashMap<Uuid, String>), FormError> {
    let rows = appointment::Entity::find()
        .filter(appointment::Column::PracticeId.eq(me.practice.id))
        .filter(appointment::Column::StartsAt.gte(from))
        .filter(appointment::Column::StartsAt.lt(to))
        .order_by_asc(appointment::Column::StartsAt)
        .into_partial_model::<WeekRow>()
        .all(&state.db)
        .await?;
    let names = crate::practice::auth::member_names(&state.db, me.practice.id).await?;
    Ok((rows, names))
}

/// The practice's opening hours and blocked periods.
pub async fn availability(
    db: &impl ConnectionTrait,
    practice_id: Uuid,
) -> Result<Availability, sea_orm::DbErr> {
    let mut result = Availability::default();
    for row in opening_hours::Entity::find()
        .filter(opening_hours::Column::PracticeId.eq(practice_id))
        .order_by_asc(opening_hours::Column::OpensMinute)
        .all(db)
        .await?
    {
        if let (Ok(day), Ok(opens), Ok(closes)) = (
            usize::try_from(row.weekday),
            u16::try_from(row.opens_minute),
            u16::try_from(row.closes_minute),
        ) {
            if let Some(list) = result.week.get_mut(day) {
                list.push(Interval { opens, closes });
            }
        }
    }
    result.blocked = blocked_period::Entity::find()
        .filter(blocked_period::Column::PracticeId.eq(practice_id))
        .order_by_asc(blocked_period::Column::FirstDay)
        .all(db)
        .await?
        .into_iter()
        .map(|b| Blocked {
            id: b.id.to_string(),
            first_day: b.first_day,
            last_day: b.last_day,
            reason: b.reason,
        })
        .collect();
    Ok(result)
}

/// Refuses an appointment outside the opening hours or on a blocked day unless the form
/// confirms it ("Trotzdem eintragen").
async fn check_available(
    state: &AppState,
    me: &CurrentUser,
    input: &AppointmentForm,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<(), FormError> {
    if input.confirm_outside == "on" {
        return Ok(());
    }
    let available = availability(&state.db, me.practice.id).await?;
    let local = |t: DateTime<Utc>| t.with_timezone(&Berlin).naive_local();
    match available.check(local(starts_at), local(ends_at)) {
        None => Ok(()),
        Some(Outside::Blocked(Some(reason))) => Err(invalid(
            input,
            "time",
            "calendar-outside-blocked",
            &[("reason", &reason)],
        )),
        Some(Outside::Blocked(None)) => Err(invalid(input, "time", "calendar-outside-closed", &[])),
        Some(Outside::Hours(hours)) if hours.is_empty() => {
            Err(invalid(input, "time", "calendar-outside-closed", &[]))
        }
        Some(Outside::Hours(hours)) => Err(invalid(
            input,
            "time",
            "calendar-outside-hours",
            &[("hours", &hours)],
        )),
    }
}

const WEEKDAY_FIELDS: [&str; 7] = ["day0", "day1", "day2", "day3", "day4", "day5", "day6"];

fn settings_echo(input: &SettingsForm) -> std::collections::BTreeMap<String, String> {
    echo_pairs(&[
        ("day0", &input.day0),
        ("day1", &input.day1),
        ("day2", &input.day2),
        ("day3", &input.day3),
        ("day4", &input.day4),
        ("day5", &input.day5),
        ("day6", &input.day6),
        ("first_day", &input.first_day),
        ("last_day", &input.last_day),
        ("reason", &input.reason),
    ])
}

/// Replaces the weekly opening hours (owner only).
pub async fn save_hours(
    state: &AppState,
    me: &CurrentUser,
    input: &SettingsForm,
) -> Result<(), FormError> {
    if !me.role.manages_practice() {
        return Err(AppError::Forbidden.into());
    }
    let mut c = Checker::new("hours", settings_echo(input));
    let days = [
        &input.day0,
        &input.day1,
        &input.day2,
        &input.day3,
        &input.day4,
        &input.day5,
        &input.day6,
    ];
    let mut week: Vec<(i16, Interval)> = Vec::new();
    for (index, (text, field)) in days.iter().zip(WEEKDAY_FIELDS).enumerate() {
        match parse_day(text) {
            Ok(intervals) => week.extend(intervals.into_iter().map(|i| (index as i16, i))),
            Err(e) => c.key(field, e.message_key()),
        }
    }
    c.finish()?;
    let txn = crate::transaction::begin_write(&state.db).await?;
    opening_hours::Entity::delete_many()
        .filter(opening_hours::Column::PracticeId.eq(me.practice.id))
        .exec(&txn)
        .await?;
    for (weekday, interval) in week {
        opening_hours::ActiveModel {
            id: Set(Uuid::now_v7()),
            practice_id: Set(me.practice.id),
            weekday: Set(weekday),
            opens_minute: Set(interval.opens as i16),
            closes_minute: Set(interval.closes as i16),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    tracing::info!(practice_id = %me.practice.id, "opening hours saved");
    Ok(())
}

/// Adds a blocked period (owner only); one day when the last day is left empty.
pub async fn add_blocked(
    state: &AppState,
    me: &CurrentUser,
    input: &SettingsForm,
) -> Result<(), FormError> {
    if !me.role.manages_practice() {
        return Err(AppError::Forbidden.into());
    }
    let mut c = Checker::new("blocked", settings_echo(input));
    let first = crate::time::parse_iso_date(&input.first_day);
    if first.is_none() {
        c.key("first_day", "calendar-date-invalid");
    }
    let last = if input.last_day.trim().is_empty() {
        first
    } else {
        crate::time::parse_iso_date(&input.last_day)
    };
    match (first, last) {
        (_, None) => c.key("last_day", "calendar-date-invalid"),
        (Some(f), Some(l)) if l < f => c.key("last_day", "calendar-blocked-order"),
        (Some(f), Some(l)) if (l - f).num_days() > 366 => {
            c.key("last_day", "calendar-blocked-long")
        }
        _ => {}
    }
    let reason = c.field(
        "reason",
        OptionalText::parse(&input.reason, crate::fields::limits::BLOCKED_REASON),
    );
    c.finish()?;
    let (Some(first), Some(last), Some(reason)) = (first, last, reason) else {
        return Err(AppError::Internal.into());
    };
    blocked_period::ActiveModel {
        id: Set(Uuid::now_v7()),
        practice_id: Set(me.practice.id),
        first_day: Set(first),
        last_day: Set(last),
        reason: Set(Some(reason.as_str().to_owned()).filter(|r| !r.is_empty())),
    }
    .insert(&state.db)
    .await?;
    Ok(())
}

/// Removes a blocked period of the caller's practice; `Ok(false)` if there is none.
pub async fn remove_blocked(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<bool, FormError> {
    if !me.role.manages_practice() {
        return Err(AppError::Forbidden.into());
    }
    let Ok(id) = Uuid::parse_str(id.trim()) else {
        return Ok(false);
    };
    let deleted = blocked_period::Entity::delete_many()
        .filter(blocked_period::Column::Id.eq(id))
        .filter(blocked_period::Column::PracticeId.eq(me.practice.id))
        .exec(&state.db)
        .await?;
    Ok(deleted.rows_affected == 1)
}
