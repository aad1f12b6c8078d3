//! Further persons of an appointment ("Weitere Person einladen", issue 25): an interpreter, a
//! relative, a carer or a colleague, each with an own e-mail, `.ics` and access code for the
//! appointment's window. Invited, uninvited and invited again from the appointment's page;
//! told of every change and the cancellation of the appointment like the patient. How many
//! may be invited follows `appointments.max_participants` (the doctor and the patient take two
//! seats); the rule is checked under the appointment's row lock, so two invitations at once
//! cannot both take the last seat.

use super::access_code::{AccessCode, KEYED};
use super::emails::{Invitee, MailKind};
use super::service;
use super::types::{GuestForm, GuestList, GuestRole, GuestRow};
use crate::appointment::lifecycle;
use crate::appointment::lookup::find;
use crate::entities::{appointment, appointment_guest, practice};
use crate::error::AppError;
use crate::fields::{EmailAddress, ShortText};
use crate::forms::{echo_pairs, Checker, FormError, FormFeedback};
use crate::practice::auth::CurrentUser;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The form's name (element ids, error summary).
pub const FORM: &str = "guest";

/// What the page says after a guest action (`?<flag>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestDone {
    Invited,
    Uninvited,
    Reinvited,
}

impl GuestDone {
    /// The flag in the address the page is sent back to.
    pub fn flag(self) -> &'static str {
        match self {
            GuestDone::Invited => "person-eingeladen",
            GuestDone::Uninvited => "person-ausgeladen",
            GuestDone::Reinvited => "person-erneut-eingeladen",
        }
    }
}

/// The guests of one of the practice's appointments, `None` if it is not the practice's.
pub async fn list(
    state: &AppState,
    me: &CurrentUser,
    appointment_id: &str,
) -> Result<Option<GuestList>, FormError> {
    let Some(row) = find(state, me, appointment_id).await? else {
        return Ok(None);
    };
    let guests = appointment_guest::Entity::find()
        .filter(appointment_guest::Column::AppointmentId.eq(row.id))
        .order_by_asc(appointment_guest::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let invited = guests.iter().filter(|g| g.uninvited_at.is_none()).count();
    Ok(Some(GuestList {
        seats_left: state
            .settings
            .appointments
            .guest_seats()
            .saturating_sub(invited),
        max_participants: state.settings.appointments.max_participants,
        guests: guests
            .into_iter()
            .map(|g| GuestRow {
                id: g.id.to_string(),
                uninvited: g.uninvited_at.is_some(),
                name: g.name,
                email: g.email,
                role: g.role,
            })
            .collect(),
    }))
}

/// Invited guests per appointment among `ids` (the week shows "+1 Person").
pub async fn counts(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, usize>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Uuid> = appointment_guest::Entity::find()
        .select_only()
        .column(appointment_guest::Column::AppointmentId)
        .filter(appointment_guest::Column::AppointmentId.is_in(ids.iter().copied()))
        .filter(appointment_guest::Column::UninvitedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = HashMap::new();
    for id in rows {
        *counts.entry(id).or_insert(0) += 1;
    }
    Ok(counts)
}

/// One of the page's guest forms: `invite`, `uninvite` or `reinvite`. `Ok(None)`: not the
/// practice's appointment or guest.
pub async fn act(
    state: &AppState,
    me: &CurrentUser,
    appointment_id: &str,
    input: &GuestForm,
) -> Result<Option<GuestDone>, FormError> {
    let Some(row) = find(state, me, appointment_id).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    if !lifecycle::is_changeable(&row) || row.finished_at.is_some() || row.ends_at <= now {
        // The page of such an appointment has no guest forms: the error page says why.
        return Err(AppError::Refused {
            status: 409,
            key: "calendar-guest-closed".to_owned(),
            args: Vec::new(),
        }
        .into());
    }
    match input.action.as_str() {
        "invite" => invite(state, me, &row, input, now).await.map(Some),
        "uninvite" | "reinvite" => {
            let Some(guest) = guest_of(state, &row, &input.guest_id).await? else {
                return Ok(None);
            };
            if input.action == "uninvite" {
                uninvite(state, me, &row, guest, now).await.map(Some)
            } else {
                reinvite(state, me, &row, input, guest, now).await.map(Some)
            }
        }
        _ => Err(AppError::BadRequest.into()),
    }
}

async fn guest_of(
    state: &AppState,
    row: &appointment::Model,
    guest_id: &str,
) -> Result<Option<appointment_guest::Model>, FormError> {
    let Ok(id) = Uuid::parse_str(guest_id.trim()) else {
        return Ok(None);
    };
    Ok(appointment_guest::Entity::find_by_id(id)
        .filter(appointment_guest::Column::AppointmentId.eq(row.id))
        .one(&state.db)
        .await?)
}

fn echo(input: &GuestForm) -> std::collections::BTreeMap<String, String> {
    echo_pairs(&[
        ("name", &input.name),
        ("email", &input.email),
        ("role", &input.role),
    ])
}

/// A problem with the guest form as a whole (shown above it), the typed values kept.
fn refusal(input: &GuestForm, key: &str) -> FormError {
    FormError::Invalid(FormFeedback::with_notice(FORM, echo(input), key))
}

/// Every seat is taken: the notice names the limit.
fn full(state: &AppState, input: &GuestForm) -> FormError {
    let mut feedback = FormFeedback::for_form(FORM);
    feedback.values = echo(input);
    let max = state.settings.appointments.max_participants.to_string();
    feedback.set_notice("calendar-guest-full", vec![("max".to_owned(), max)]);
    FormError::Invalid(feedback)
}

struct Checked {
    name: String,
    email: String,
    role: GuestRole,
}

fn check(input: &GuestForm) -> Result<Checked, FormError> {
    let mut c = Checker::new(FORM, echo(input));
    let name = c.field(
        "name",
        ShortText::parse(&input.name, crate::fields::limits::PATIENT_NAME),
    );
    let email = c.field("email", EmailAddress::parse(&input.email));
    let role = GuestRole::parse(&input.role);
    if role.is_none() {
        c.key("role", "calendar-guest-role-invalid");
    }
    c.finish()?;
    match (name, email, role) {
        (Some(name), Some(email), Some(role)) => Ok(Checked {
            name: name.as_str().to_owned(),
            email: email.as_str().to_owned(),
            role,
        }),
        _ => Err(AppError::Internal.into()),
    }
}

/// Begins the write and takes the appointment's row lock (PostgreSQL; SQLite's write lock is
/// taken by `begin_write`): seats are counted and taken by one request at a time.
async fn lock_appointment(
    state: &AppState,
    row: &appointment::Model,
) -> Result<sea_orm::DatabaseTransaction, FormError> {
    let txn = crate::transaction::begin_write(&state.db).await?;
    appointment::Entity::update_many()
        .col_expr(
            appointment::Column::Sequence,
            Expr::col(appointment::Column::Sequence).into(),
        )
        .filter(appointment::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    Ok(txn)
}

/// Refuses when every guest seat of the appointment is taken.
async fn check_seat(
    state: &AppState,
    txn: &impl ConnectionTrait,
    row: &appointment::Model,
    input: &GuestForm,
) -> Result<(), FormError> {
    let seats = state.settings.appointments.guest_seats();
    let invited = appointment_guest::Entity::find()
        .filter(appointment_guest::Column::AppointmentId.eq(row.id))
        .filter(appointment_guest::Column::UninvitedAt.is_null())
        .count(txn)
        .await?;
    if seats == 0 {
        return Err(refusal(input, "calendar-guest-off"));
    }
    if usize::try_from(invited).unwrap_or(usize::MAX) >= seats {
        return Err(full(state, input));
    }
    Ok(())
}

async fn invite(
    state: &AppState,
    me: &CurrentUser,
    row: &appointment::Model,
    input: &GuestForm,
    now: DateTime<Utc>,
) -> Result<GuestDone, FormError> {
    let checked = check(input)?;
    let code = AccessCode::generate().map_err(|_| AppError::Internal)?;
    let txn = lock_appointment(state, row).await?;
    check_seat(state, &txn, row, input).await?;
    let already = appointment_guest::Entity::find()
        .filter(appointment_guest::Column::AppointmentId.eq(row.id))
        .filter(appointment_guest::Column::UninvitedAt.is_null())
        .filter(appointment_guest::Column::Email.eq(checked.email.as_str()))
        .filter(appointment_guest::Column::Name.eq(checked.name.as_str()))
        .count(&txn)
        .await?;
    if already > 0 {
        return Err(refusal(input, "calendar-guest-twice"));
    }
    let guest = appointment_guest::ActiveModel {
        id: Set(Uuid::now_v7()),
        appointment_id: Set(row.id),
        practice_id: Set(me.practice.id),
        name: Set(checked.name),
        email: Set(checked.email),
        role: Set(checked.role),
        code_hash: Set(code.hash(&state.settings.security.code_secret)),
        code_hash_version: Set(KEYED),
        sequence: Set(0),
        uninvited_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    mail_and_commit(
        state,
        txn,
        me,
        row,
        &guest,
        MailKind::Invitation,
        Some(&code),
    )
    .await?;
    tracing::info!(appointment_id = %row.id, guest_id = %guest.id, role = ?guest.role, "guest invited");
    Ok(GuestDone::Invited)
}

async fn uninvite(
    state: &AppState,
    me: &CurrentUser,
    row: &appointment::Model,
    guest: appointment_guest::Model,
    now: DateTime<Utc>,
) -> Result<GuestDone, FormError> {
    if guest.uninvited_at.is_some() {
        return Ok(GuestDone::Uninvited);
    }
    let txn = lock_appointment(state, row).await?;
    let mut active = guest.clone().into_active_model();
    active.uninvited_at = Set(Some(now));
    active.admitted_at = Set(None);
    active.entry_valid_after = Set(Some(now));
    active.sequence = Set(guest.sequence + 1);
    active.updated_at = Set(now);
    let guest = active.update(&txn).await?;
    mail_and_commit(state, txn, me, row, &guest, MailKind::Cancellation, None).await?;
    crate::waiting_room::guests::passes_ended(state, row, &guest);
    tracing::info!(appointment_id = %row.id, guest_id = %guest.id, "guest uninvited");
    Ok(GuestDone::Uninvited)
}

/// A new invitation with a new code (only the code's hash is kept); the old code stops working.
/// An uninvited guest takes a seat again.
async fn reinvite(
    state: &AppState,
    me: &CurrentUser,
    row: &appointment::Model,
    input: &GuestForm,
    guest: appointment_guest::Model,
    now: DateTime<Utc>,
) -> Result<GuestDone, FormError> {
    let code = AccessCode::generate().map_err(|_| AppError::Internal)?;
    let txn = lock_appointment(state, row).await?;
    if guest.uninvited_at.is_some() {
        check_seat(state, &txn, row, input).await?;
    }
    let mut active = guest.clone().into_active_model();
    active.uninvited_at = Set(None);
    active.code_hash = Set(code.hash(&state.settings.security.code_secret));
    active.code_hash_version = Set(KEYED);
    // Like the patient's new invitation: the old code's passes end, a removal is lifted.
    active.arrived_at = Set(None);
    active.admitted_at = Set(None);
    active.removed_at = Set(None);
    active.entry_valid_after = Set(Some(now));
    active.sequence = Set(guest.sequence + 1);
    active.updated_at = Set(now);
    let guest = active.update(&txn).await?;
    mail_and_commit(
        state,
        txn,
        me,
        row,
        &guest,
        MailKind::Invitation,
        Some(&code),
    )
    .await?;
    crate::waiting_room::guests::passes_ended(state, row, &guest);
    tracing::info!(appointment_id = %row.id, guest_id = %guest.id, "guest invited again with a new code");
    Ok(GuestDone::Reinvited)
}

/// Queues the guest's e-mail in `txn`, commits it and wakes the e-mail worker.
async fn mail_and_commit(
    state: &AppState,
    txn: sea_orm::DatabaseTransaction,
    me: &CurrentUser,
    row: &appointment::Model,
    guest: &appointment_guest::Model,
    kind: MailKind,
    code: Option<&AccessCode>,
) -> Result<(), FormError> {
    queue(state, &txn, &me.practice, row, guest, kind, code).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(())
}

/// Queues one guest's e-mail about `row` in the caller's transaction.
async fn queue(
    state: &AppState,
    conn: &impl ConnectionTrait,
    practice: &practice::Model,
    row: &appointment::Model,
    guest: &appointment_guest::Model,
    kind: MailKind,
    code: Option<&AccessCode>,
) -> Result<(), FormError> {
    let parts = service::mail_parts(state, conn, practice, row).await?;
    let to = Invitee::guest(guest);
    service::enqueue_mail(state, conn, practice, row, &parts, to, kind, code).await
}

/// Tells every invited guest of `row` what the patient is told (a change, the cancellation, the
/// reminder), each with the next `SEQUENCE` of their own calendar entry; the codes stay.
pub(super) async fn tell_all(
    state: &AppState,
    conn: &impl ConnectionTrait,
    practice: &practice::Model,
    row: &appointment::Model,
    parts: &service::MailParts,
    kind: MailKind,
) -> Result<(), FormError> {
    let guests = appointment_guest::Entity::find()
        .filter(appointment_guest::Column::AppointmentId.eq(row.id))
        .filter(appointment_guest::Column::UninvitedAt.is_null())
        .all(conn)
        .await?;
    for guest in guests {
        let guest = if kind == MailKind::Reminder {
            guest
        } else {
            let mut active = guest.clone().into_active_model();
            active.sequence = Set(guest.sequence + 1);
            active.updated_at = Set(state.clock.now());
            active.update(conn).await?
        };
        let to = Invitee::guest(&guest);
        service::enqueue_mail(state, conn, practice, row, parts, to, kind, None).await?;
    }
    Ok(())
}
