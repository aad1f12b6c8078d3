//! Work on a timer: deleting what is no longer needed (login counters that neither count nor
//! lock any more, e-mail links that expired or were used, appointments — with the patient's
//! name and e-mail — three months after they ended, the audit log, consents, blocked days,
//! unverified registrations and unaccepted invitations; every table's rule is in
//! `policy::RETENTION`) and the 24-hour reminders.

use crate::entities::{
    account_token, appointment, audit_entry, blocked_period, consent, consent_document, practice,
    practice_user, recovery_code, retired_short_name,
};
use crate::policy::{
    AUDIT_RETENTION_MONTHS, BLOCKED_PERIOD_RETENTION_MONTHS, CONSENT_RETENTION_MONTHS,
    METADATA_RETENTION_MONTHS, UNACCEPTED_INVITATION_DAYS, UNVERIFIED_REGISTRATION_DAYS,
};
use crate::practice::throttle;
use crate::state::AppState;
use chrono::{DateTime, Months, Utc};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use uuid::Uuid;

/// How often the work runs; reminders go out at most this late.
pub const EVERY: Duration = Duration::from_secs(5 * 60);

/// What one run deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub login_counters: u64,
    pub account_tokens: u64,
    pub appointments: u64,
    pub retired_short_names: u64,
    pub audit_entries: u64,
    pub consents: u64,
    pub blocked_periods: u64,
    pub unverified_registrations: u64,
    pub unaccepted_invitations: u64,
}

/// `now` minus `months` calendar months (an appointment on 30 November goes on 28 February).
fn months_before(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(months)).unwrap_or(now)
}

/// Deletes stale login counters and expired or used e-mail links as of `now`.
pub async fn purge(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Purged, DbErr> {
    let login_counters = throttle::purge_stale(db, now).await?;
    let account_tokens = account_token::Entity::delete_many()
        .filter(
            Condition::any()
                .add(account_token::Column::ExpiresAt.lt(now))
                .add(account_token::Column::UsedAt.is_not_null()),
        )
        .exec(db)
        .await?
        .rows_affected;
    // Calendar months: an appointment on 30 November goes on 28 February at the latest.
    let cutoff = now
        .checked_sub_months(Months::new(METADATA_RETENTION_MONTHS))
        .unwrap_or(now);
    let appointments = crate::appointment::lifecycle::delete_ended_before(cutoff)
        .exec(db)
        .await?
        .rows_affected;
    let retired_short_names = retired_short_name::Entity::delete_many()
        .filter(
            retired_short_name::Column::RetiredAt
                .lte(crate::public_page::service::retired_since(now)),
        )
        .exec(db)
        .await?
        .rows_affected;
    let audit_entries = audit_entry::Entity::delete_many()
        .filter(audit_entry::Column::At.lt(months_before(now, AUDIT_RETENTION_MONTHS)))
        .exec(db)
        .await?
        .rows_affected;
    let consents = purge_consents(db, now).await?;
    let last_kept_day =
        crate::time::berlin_date(months_before(now, BLOCKED_PERIOD_RETENTION_MONTHS));
    let blocked_periods = blocked_period::Entity::delete_many()
        .filter(blocked_period::Column::LastDay.lt(last_kept_day))
        .exec(db)
        .await?
        .rows_affected;
    let unaccepted_invitations = purge_unaccepted_invitations(db, now).await?;
    let unverified_registrations = purge_unverified_registrations(db, now).await?;
    Ok(Purged {
        login_counters,
        account_tokens,
        appointments,
        retired_short_names,
        audit_entries,
        consents,
        blocked_periods,
        unverified_registrations,
        unaccepted_invitations,
    })
}

/// Consents unchanged for [`CONSENT_RETENTION_MONTHS`] whose patient has no appointment left in
/// the practice, with their documents.
async fn purge_consents(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let stale = consent::Entity::find()
        .filter(consent::Column::UpdatedAt.lt(months_before(now, CONSENT_RETENTION_MONTHS)))
        .all(db)
        .await?;
    if stale.is_empty() {
        return Ok(0);
    }
    let practices: HashSet<Uuid> = stale.iter().map(|c| c.practice_id).collect();
    let mut patients: HashMap<Uuid, HashSet<String>> = HashMap::new();
    let booked: Vec<(Uuid, String, String)> = appointment::Entity::find()
        .select_only()
        .column(appointment::Column::PracticeId)
        .column(appointment::Column::PatientName)
        .column(appointment::Column::PatientEmail)
        .filter(appointment::Column::PracticeId.is_in(practices))
        .into_tuple()
        .all(db)
        .await?;
    for (practice_id, name, email) in booked {
        patients
            .entry(practice_id)
            .or_default()
            .insert(crate::consent::service::status::patient_key(&name, &email));
    }
    let gone: Vec<Uuid> = stale
        .into_iter()
        .filter(|c| {
            !patients
                .get(&c.practice_id)
                .is_some_and(|keys| keys.contains(&c.patient_key))
        })
        .map(|c| c.id)
        .collect();
    if gone.is_empty() {
        return Ok(0);
    }
    let txn = crate::transaction::begin_write(db).await?;
    consent_document::Entity::delete_many()
        .filter(consent_document::Column::ConsentId.is_in(gone.clone()))
        .exec(&txn)
        .await?;
    let deleted = consent::Entity::delete_many()
        .filter(consent::Column::Id.is_in(gone))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(deleted)
}

/// Invited team members (no password yet) whose invitation expired and is older than
/// [`UNACCEPTED_INVITATION_DAYS`]; one booked for an appointment stays until it goes.
async fn purge_unaccepted_invitations(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let invited: Vec<Uuid> = practice_user::Entity::find()
        .select_only()
        .column(practice_user::Column::Id)
        .filter(practice_user::Column::PasswordHash.is_null())
        .filter(practice_user::Column::EmailVerifiedAt.is_null())
        .filter(
            practice_user::Column::CreatedAt
                .lt(now - chrono::Duration::days(UNACCEPTED_INVITATION_DAYS)),
        )
        .into_tuple()
        .all(db)
        .await?;
    if invited.is_empty() {
        return Ok(0);
    }
    let open_links: HashSet<Uuid> = account_token::Entity::find()
        .select_only()
        .column(account_token::Column::UserId)
        .filter(account_token::Column::UserId.is_in(invited.clone()))
        .filter(account_token::Column::ExpiresAt.gt(now))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let booked: HashSet<Uuid> = appointment::Entity::find()
        .select_only()
        .column(appointment::Column::DoctorId)
        .filter(appointment::Column::DoctorId.is_in(invited.clone()))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let gone: Vec<Uuid> = invited
        .into_iter()
        .filter(|id| !open_links.contains(id) && !booked.contains(id))
        .collect();
    if gone.is_empty() {
        return Ok(0);
    }
    let txn = crate::transaction::begin_write(db).await?;
    account_token::Entity::delete_many()
        .filter(account_token::Column::UserId.is_in(gone.clone()))
        .exec(&txn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.is_in(gone.clone()))
        .exec(&txn)
        .await?;
    let deleted = practice_user::Entity::delete_many()
        .filter(practice_user::Column::Id.is_in(gone))
        .filter(practice_user::Column::PasswordHash.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(deleted)
}

/// Practices registered more than [`UNVERIFIED_REGISTRATION_DAYS`] ago in which nobody ever
/// confirmed an e-mail address: deleted whole (without the farewell e-mail, which would go to
/// an address nobody confirmed).
async fn purge_unverified_registrations(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let cutoff = now - chrono::Duration::days(UNVERIFIED_REGISTRATION_DAYS);
    let candidates: HashSet<Uuid> = practice_user::Entity::find()
        .select_only()
        .column(practice_user::Column::PracticeId)
        .filter(practice_user::Column::EmailVerifiedAt.is_null())
        .filter(practice_user::Column::Role.eq(crate::practice::types::Role::Owner))
        .filter(practice_user::Column::CreatedAt.lt(cutoff))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut deleted = 0;
    for practice_id in candidates {
        // The write lock up front, then read inside: a confirmation that came first wins.
        let txn = crate::transaction::begin_write(db).await?;
        let verified = practice_user::Entity::find()
            .filter(practice_user::Column::PracticeId.eq(practice_id))
            .filter(practice_user::Column::EmailVerifiedAt.is_not_null())
            .one(&txn)
            .await?
            .is_some();
        let found = practice::Entity::find_by_id(practice_id).one(&txn).await?;
        match found {
            Some(p) if !verified && p.created_at < cutoff => {
                crate::contract::jobs::erase_practice(
                    &txn,
                    &p,
                    now,
                    crate::contract::jobs::Farewell::None,
                )
                .await?;
                txn.commit().await?;
                deleted += 1;
            }
            _ => txn.rollback().await?,
        }
    }
    Ok(deleted)
}

/// One round: clean up, then send due reminders.
pub async fn run_once(state: &AppState) {
    match purge(&state.db, state.clock.now()).await {
        Ok(purged) if purged != Purged::default() => tracing::info!(
            login_counters = purged.login_counters,
            account_tokens = purged.account_tokens,
            appointments = purged.appointments,
            retired_short_names = purged.retired_short_names,
            audit_entries = purged.audit_entries,
            consents = purged.consents,
            blocked_periods = purged.blocked_periods,
            unverified_registrations = purged.unverified_registrations,
            unaccepted_invitations = purged.unaccepted_invitations,
            "clean-up deleted rows past their retention"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "clean-up failed; next try in five minutes"),
    }
    if let Err(e) = crate::calendar::service::send_due_reminders(state).await {
        tracing::warn!(error = %e, "reminders failed; next try in five minutes");
    }
    if let Err(e) = crate::contract::jobs::send_reminders(state).await {
        tracing::warn!(error = %e, "contract reminders failed; next try in five minutes");
    }
    match crate::contract::jobs::delete_due(state).await {
        Ok(deleted) if deleted.practices > 0 => tracing::info!(
            practices = deleted.practices,
            rows = deleted.rows,
            "practices deleted at the end of their contract"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "practice deletion failed; next try in five minutes"),
    }
}

/// Runs the background task `start` makes and starts it again, with an error in the log,
/// should it ever panic (the server is built to unwind, and a task that panicked would
/// otherwise just be gone: no more clean-up, or no more pings for the waiting patients). The
/// pause before a restart is [`next_pause`]'s. Returns when the task returns; aborting this
/// aborts the task.
pub async fn restart_on_panic<F, Fut>(task: &'static str, mut start: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    use futures_util::FutureExt as _;
    let mut pause = None;
    loop {
        let started = std::time::Instant::now();
        if std::panic::AssertUnwindSafe(start())
            .catch_unwind()
            .await
            .is_ok()
        {
            return;
        }
        let wait = next_pause(pause, started.elapsed());
        tracing::error!(
            task,
            pause_seconds = wait.as_secs(),
            "a background task panicked; it starts again after the pause"
        );
        tokio::time::sleep(wait).await;
        pause = Some(wait);
    }
}

/// The pause before a background task that panicked starts again, after `last` (none yet)
/// and a run of `ran`: a second, doubling while it keeps panicking, up to [`EVERY`] (a task
/// that panics every time — a restarted maintenance round runs at once — then runs no more
/// often than the round's timer); a run longer than [`EVERY`] starts from a second again.
pub fn next_pause(last: Option<Duration>, ran: Duration) -> Duration {
    match last {
        Some(last) if ran <= EVERY => (last * 2).min(EVERY),
        _ => Duration::from_secs(1),
    }
}

/// Runs [`run_round`] now and then every [`EVERY`]; errors are logged and retried next time.
pub async fn run(state: AppState) {
    let mut interval = tokio::time::interval(EVERY);
    let mut first = true;
    loop {
        interval.tick().await;
        forget_unused_pages(&state);
        let round = if first {
            // At start the round runs unless another instance runs one right now (so a start
            // completes what a crash left).
            first = false;
            run_round_now(&state).await
        } else {
            run_round(&state).await
        };
        match round {
            Ok(true) => {}
            Ok(false) => tracing::debug!("another instance ran this round's clean-up"),
            Err(e) => {
                tracing::warn!(error = %e, "cannot take the clean-up's turn; next try in five minutes")
            }
        }
    }
}

/// What this instance read for pages and nobody looked at for [`crate::kept::UNUSED_FOR`]
/// leaves its memory — also rows deleted since, on this instance or another (a deleted
/// practice's on the instance that deleted it at once). Every instance, every tick: the round
/// itself runs on one of them.
fn forget_unused_pages(state: &AppState) {
    if let Some(since) = std::time::Instant::now().checked_sub(crate::kept::UNUSED_FOR) {
        state.kept_weeks.forget_unused_since(since);
        state.kept_today.forget_unused_since(since);
    }
}

/// The round's row in `job_lease` and its PostgreSQL advisory lock.
const JOB: &str = "maintenance";
const LOCK_KEY: i64 = 0x5350_525a_4a4f_4201; // "SPRZJOB" + 1
/// A round is due this long after the last one ended (a little less than [`EVERY`], so the
/// next tick of whichever instance comes first runs it).
const ROUND_GAP: chrono::Duration = chrono::Duration::seconds(EVERY.as_secs() as i64 - 30);

/// One round of the timed jobs ([`run_once`]) unless it is not due: with several instances on
/// one PostgreSQL, one of them runs it under an advisory lock (held by a transaction for the
/// round, so a killed instance's lock goes with its connection) and only if no round ended
/// within [`ROUND_GAP`]; the end is written after the round, so a round cut short by a crash
/// is run again by the next instance (or start) at once. SQLite serves one instance: its
/// rounds run every time. `true` if this call ran the round. (Each job also claims its rows —
/// an e-mail, a reminder, a deletion is done once even if two rounds overlapped.)
pub async fn run_round(state: &AppState) -> Result<bool, DbErr> {
    round(state, false).await
}

/// [`run_round`] without waiting for the round to be due (still not while another instance
/// runs one).
pub async fn run_round_now(state: &AppState) -> Result<bool, DbErr> {
    round(state, true).await
}

async fn round(state: &AppState, now_anyway: bool) -> Result<bool, DbErr> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};
    let db = &state.db;
    if db.get_database_backend() != DatabaseBackend::Postgres {
        run_once(state).await;
        return Ok(true);
    }
    let lock = db.begin().await?;
    let locked = lock
        .query_one(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_try_advisory_xact_lock($1) AS locked",
            [LOCK_KEY.into()],
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "locked"))
        .transpose()?
        .unwrap_or(false);
    if !locked {
        lock.rollback().await?;
        return Ok(false);
    }
    let now = state.clock.now();
    let due = lock
        .query_one(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT until FROM job_lease WHERE name = $1",
            [JOB.into()],
        ))
        .await?
        .map(|row| row.try_get::<DateTime<Utc>>("", "until"))
        .transpose()?
        .is_none_or(|next| next <= now)
        || now_anyway;
    if due {
        run_once(state).await;
        lock.execute(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "INSERT INTO job_lease (name, holder, until) VALUES ($1, NULL, $2) \
             ON CONFLICT (name) DO UPDATE SET until = excluded.until",
            [JOB.into(), (state.clock.now() + ROUND_GAP).into()],
        ))
        .await?;
    }
    lock.commit().await?;
    Ok(due)
}

#[cfg(test)]
mod tests {
    use super::{next_pause, restart_on_panic, EVERY};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn a_background_task_that_panics_starts_again_and_one_that_ends_is_not() {
        let starts = Arc::new(AtomicU32::new(0));
        let counted = starts.clone();
        restart_on_panic("test", move || {
            let start = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                assert!(start >= 1, "the first start fails");
            }
        })
        .await;
        assert_eq!(starts.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn the_pause_doubles_while_a_task_keeps_panicking_and_starts_over_after_a_long_run() {
        let second = Duration::from_secs(1);
        assert_eq!(next_pause(None, Duration::ZERO), second);
        assert_eq!(next_pause(Some(second), Duration::ZERO), 2 * second);
        assert_eq!(next_pause(Some(Duration::from_secs(200)), second), EVERY);
        assert_eq!(next_pause(Some(EVERY), second), EVERY);
        assert_eq!(next_pause(Some(EVERY), EVERY + second), second);
    }
}
