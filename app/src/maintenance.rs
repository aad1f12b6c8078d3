//! Work on a timer: deleting what is no longer needed (login counters that neither count nor
//! lock any more, e-mail links that expired or were used, appointments — with the patient's
//! name and e-mail — three months after they ended, see `policy`) and the 24-hour reminders.

use crate::entities::{account_token, appointment, retired_short_name};
use crate::policy::METADATA_RETENTION_MONTHS;
use crate::practice::throttle;
use crate::state::AppState;
use chrono::{DateTime, Months, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::time::Duration;

/// How often the work runs; reminders go out at most this late.
pub const EVERY: Duration = Duration::from_secs(5 * 60);

/// What one run deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub login_counters: u64,
    pub account_tokens: u64,
    pub appointments: u64,
    pub retired_short_names: u64,
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
    let appointments = appointment::Entity::delete_many()
        .filter(appointment::Column::EndsAt.lt(cutoff))
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
    Ok(Purged {
        login_counters,
        account_tokens,
        appointments,
        retired_short_names,
    })
}

/// One round: clean up, then send due reminders.
pub async fn run_once(state: &AppState) {
    match purge(&state.db, state.clock.now()).await {
        Ok(purged) if purged != Purged::default() => tracing::info!(
            login_counters = purged.login_counters,
            account_tokens = purged.account_tokens,
            appointments = purged.appointments,
            retired_short_names = purged.retired_short_names,
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

/// Runs [`run_once`] now and then every [`EVERY`]; errors are logged and retried next time.
pub async fn run(state: AppState) {
    let mut interval = tokio::time::interval(EVERY);
    loop {
        interval.tick().await;
        run_once(&state).await;
    }
}
