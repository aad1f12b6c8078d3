//! Deleting what is no longer needed, on a timer: login counters that neither count nor lock
//! any more, and e-mail links that have expired or were used. Later issues add the metadata
//! of consultations here (deleted after three months at the latest, see `policy`).

use crate::clock::Clock;
use crate::entities::account_token;
use crate::practice::throttle;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::sync::Arc;
use std::time::Duration;

/// How often the clean-up runs.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// What one run deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub login_counters: u64,
    pub account_tokens: u64,
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
    Ok(Purged {
        login_counters,
        account_tokens,
    })
}

/// Runs [`purge`] now and then every [`EVERY`]; errors are logged and retried next time.
pub async fn run(db: DatabaseConnection, clock: Arc<dyn Clock>) {
    let mut interval = tokio::time::interval(EVERY);
    loop {
        interval.tick().await;
        match purge(&db, clock.now()).await {
            Ok(purged) => tracing::debug!(?purged, "maintenance done"),
            Err(e) => tracing::warn!(error = %e, "maintenance failed; next try in an hour"),
        }
    }
}
