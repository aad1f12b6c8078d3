//! The timed work of a cancelled contract: reminders one month and one week before the
//! deletion, and the deletion itself when the notice period has ended.
//!
//! The deletion of one practice is a single database transaction: a crash (or a kill) midway
//! rolls it back and the next run does it again from the start, and a practice that is gone is
//! simply not found again, so running the job twice is harmless. The logs carry counts and ids,
//! never names or contents.

use super::service::letter;
use crate::email::outbox::enqueue;
use crate::entities::{
    account_token, appointment, audit_entry, blocked_period, consent, consent_document,
    email_outbox, login_throttle, opening_hours, practice, practice_key, practice_user,
    recovery_code, retired_short_name,
};
use crate::practice::throttle;
use crate::state::AppState;
use crate::time::german_date;
use chrono::{DateTime, Duration, Months, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr,
    EntityTrait, QueryFilter, Statement,
};
use uuid::Uuid;

/// How many practices one run deleted, and how many rows in all (for the log).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Deleted {
    pub practices: u64,
    pub rows: u64,
}

/// Sends the reminders that are due: one month before the deletion, then one week before.
/// Each goes out once; one that is late (the server was down) still goes out, but never the
/// month reminder after the week reminder.
pub async fn send_reminders(state: &AppState) -> Result<u64, DbErr> {
    let now = state.clock.now();
    let cancelled = practice::Entity::find()
        .filter(practice::Column::DeletionAt.gt(now))
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for p in cancelled {
        let (Some(deletion_at), Some(last_day)) = (p.deletion_at, p.contract_ends_on) else {
            continue;
        };
        let week_due = now >= deletion_at - Duration::days(7);
        let month_due = now
            >= deletion_at
                .checked_sub_months(Months::new(1))
                .unwrap_or(deletion_at);
        let kind = if week_due && p.reminder_week_sent_at.is_none() {
            "reminder-week"
        } else if month_due && !week_due && p.reminder_month_sent_at.is_none() {
            "reminder-month"
        } else {
            continue;
        };
        let owners = owners(&state.db, p.id).await?;
        let txn = crate::transaction::begin_write(&state.db).await?;
        for owner in &owners {
            enqueue(&txn, now, letter(owner, &p, kind, &german_date(last_day))).await?;
        }
        let mut row: practice::ActiveModel = p.clone().into();
        if kind == "reminder-week" {
            row.reminder_week_sent_at = Set(Some(now));
            if p.reminder_month_sent_at.is_none() {
                row.reminder_month_sent_at = Set(Some(now));
            }
        } else {
            row.reminder_month_sent_at = Set(Some(now));
        }
        row.update(&txn).await?;
        txn.commit().await?;
        sent += 1;
        tracing::info!(practice_id = %p.id, kind, "contract reminder queued");
    }
    if sent > 0 {
        state.outbox.wake();
    }
    Ok(sent)
}

async fn owners(
    db: &impl ConnectionTrait,
    practice_id: Uuid,
) -> Result<Vec<practice_user::Model>, DbErr> {
    practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(practice_id))
        .filter(practice_user::Column::Role.eq(crate::practice::types::Role::Owner))
        .all(db)
        .await
}

/// Deletes every practice whose notice period has ended by `now`.
pub async fn delete_due(state: &AppState) -> Result<Deleted, DbErr> {
    let now = state.clock.now();
    let due: Vec<Uuid> = practice::Entity::find()
        .filter(practice::Column::DeletionAt.lte(now))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut total = Deleted::default();
    for id in due {
        let rows = delete_practice(state, id, now).await?;
        total.practices += 1;
        total.rows += rows;
        tracing::info!(practice_id = %id, rows, "practice deleted after the end of its contract");
    }
    if total.practices > 0 {
        state.outbox.wake();
    }
    Ok(total)
}

/// Everything of one practice, in one transaction; then the final e-mail to its owners, which
/// is the only row left that names it (an e-mail without practice, sent and purged like any
/// other).
async fn delete_practice(state: &AppState, id: Uuid, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let txn = crate::transaction::begin_write(&state.db).await?;
    match delete_rows(&txn, id, now).await {
        Ok(rows) => {
            txn.commit().await?;
            // Its calendar kept for the next page (patients' names) goes with it.
            state.kept_weeks.forget_owner(&id);
            state.kept_today.forget_owner(&id);
            Ok(rows)
        }
        Err(e) => {
            // Rolled back at once (not only when the connection is next used), so the next run
            // starts from an untouched practice.
            if let Err(rollback) = txn.rollback().await {
                tracing::warn!(error = %rollback, "rollback of a failed deletion failed");
            }
            Err(e)
        }
    }
}

async fn delete_rows(
    txn: &sea_orm::DatabaseTransaction,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    // Read inside the transaction: a revocation that came first wins.
    let Some(p) = practice::Entity::find_by_id(id).one(txn).await? else {
        return Ok(0);
    };
    if p.deletion_at.is_none_or(|at| at > now) {
        return Ok(0);
    }
    erase_practice(txn, &p, now, Farewell::ToOwners).await
}

/// Whether the owners get the "Ihre Daten sind gelöscht" e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Farewell {
    ToOwners,
    /// The demo practice: its owner address does not exist.
    None,
}

/// Deletes every row of practice `p` inside `txn` and blocks its short name for a year;
/// returns the number of rows deleted.
pub async fn erase_practice(
    txn: &sea_orm::DatabaseTransaction,
    p: &practice::Model,
    now: DateTime<Utc>,
    farewell: Farewell,
) -> Result<u64, DbErr> {
    let id = p.id;
    let users = practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(id))
        .all(txn)
        .await?;
    let user_ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let throttle_keys: Vec<String> = users
        .iter()
        .flat_map(|u| {
            [
                throttle::account_key(&u.email_normalized),
                throttle::second_factor_key(&u.email_normalized),
            ]
        })
        .collect();

    // Children before parents (appointments name their doctor without a cascade).
    let mut tally = Tally {
        practice_id: id,
        rows: 0,
    };
    tally.add(
        "consent_document",
        consent_document::Entity::delete_many()
            .filter(consent_document::Column::PracticeId.eq(id))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "consent",
        consent::Entity::delete_many()
            .filter(consent::Column::PracticeId.eq(id))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "audit_entry",
        audit_entry::Entity::delete_many()
            .filter(audit_entry::Column::PracticeId.eq(id))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "practice_key",
        practice_key::Entity::delete_many()
            .filter(practice_key::Column::PracticeId.eq(id))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "appointment",
        appointment::Entity::delete_many()
            .filter(appointment::Column::PracticeId.eq(id))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "opening_hours",
        opening_hours::Entity::delete_many()
            .filter(opening_hours::Column::PracticeId.eq(id))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "blocked_period",
        blocked_period::Entity::delete_many()
            .filter(blocked_period::Column::PracticeId.eq(id))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "email_outbox",
        email_outbox::Entity::delete_many()
            .filter(email_outbox::Column::PracticeId.eq(id))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "account_token",
        account_token::Entity::delete_many()
            .filter(account_token::Column::UserId.is_in(user_ids.clone()))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "recovery_code",
        recovery_code::Entity::delete_many()
            .filter(recovery_code::Column::UserId.is_in(user_ids.clone()))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "login_throttle",
        login_throttle::Entity::delete_many()
            .filter(login_throttle::Column::Key.is_in(throttle_keys))
            .exec(txn)
            .await?
            .rows_affected,
    );
    // The short names the practice used stay blocked for a year (posters and QR codes point
    // at them); the clean-up in `maintenance` forgets them afterwards. Not personal data:
    // a name and the id of a practice that no longer exists.
    if let Some(name) = p.short_name.as_deref() {
        retired_short_name::retire(txn, name, id, now).await?;
    }
    tally.add("sessions", delete_sessions(txn, id).await?);
    tally.add(
        "practice_user",
        practice_user::Entity::delete_many()
            .filter(practice_user::Column::PracticeId.eq(id))
            .exec(txn)
            .await?
            .rows_affected,
    );
    tally.add(
        "practice",
        practice::Entity::delete_by_id(id)
            .exec(txn)
            .await?
            .rows_affected,
    );

    if farewell == Farewell::None {
        return Ok(tally.rows);
    }
    let last_day = p.contract_ends_on.map(german_date).unwrap_or_default();
    for owner in users
        .iter()
        .filter(|u| u.role == crate::practice::types::Role::Owner)
    {
        let mut mail = letter(owner, p, "deleted", &last_day);
        mail.practice_id = None;
        enqueue(txn, now, mail).await?;
    }
    Ok(tally.rows)
}

/// Counts the deleted rows and logs each table's count (debug; counts only, never contents).
struct Tally {
    practice_id: Uuid,
    rows: u64,
}

impl Tally {
    fn add(&mut self, table: &'static str, rows: u64) {
        tracing::debug!(practice_id = %self.practice_id, table, rows, "rows deleted (not yet committed)");
        self.rows += rows;
    }
}

/// The sessions of the practice's members and patients: their stored data names the practice's
/// id (see `practice::auth` and `appointment::pass`).
async fn delete_sessions(txn: &impl ConnectionTrait, practice_id: Uuid) -> Result<u64, DbErr> {
    let needle = practice_id.to_string().into_bytes();
    let backend = txn.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Sqlite => "DELETE FROM tower_sessions WHERE instr(data, ?) > 0",
        DatabaseBackend::Postgres => {
            "DELETE FROM tower_sessions.session WHERE position($1::bytea in data) > 0"
        }
        DatabaseBackend::MySql => return Ok(0),
    };
    let result = txn
        .execute(Statement::from_sql_and_values(
            backend,
            sql,
            [needle.into()],
        ))
        .await?;
    Ok(result.rows_affected())
}

/// Deletes the demo practice with everything in it, if there is one: with `demo.enabled`
/// off, nobody may log in with the public demo password any more (a server first started
/// without `APP_ENVIRONMENT` had it). Returns whether it existed.
pub async fn remove_demo_practice(state: &AppState) -> Result<bool, sea_orm::DbErr> {
    let Some(owner) = practice_user::Entity::find()
        .filter(practice_user::Column::EmailNormalized.eq(crate::practice::demo::DEMO_EMAIL))
        .one(&state.db)
        .await?
    else {
        return Ok(false);
    };
    let txn = crate::transaction::begin_write(&state.db).await?;
    let Some(demo) = practice::Entity::find_by_id(owner.practice_id)
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    let rows = erase_practice(&txn, &demo, state.clock.now(), Farewell::None).await?;
    txn.commit().await?;
    tracing::info!(
        practice_id = %demo.id,
        rows,
        "demo practice deleted (demo.enabled is off)"
    );
    Ok(true)
}
