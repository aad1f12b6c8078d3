//! The practice's review of a consent: confirm, withdrawal, deletion, the paper form.

use super::access::{own_consent, require_reviewer};
use super::audit::{audit, Action, Actor};
use super::error::ConsentError;
use super::status::for_appointment;
use super::status::new_consent;
use crate::entities::{appointment, consent, consent_document};
use crate::practice::auth::CurrentUser;
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Marks a consent confirmed by `member` now (clearing an earlier withdrawal); with `paper`, the
/// day the signed paper form arrived.
async fn mark_confirmed(
    conn: &impl ConnectionTrait,
    id: Uuid,
    member: Uuid,
    paper: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update = consent::Entity::update_many()
        .col_expr(
            consent::Column::Status,
            Expr::value(consent::Status::Confirmed),
        )
        .col_expr(consent::Column::ConfirmedAt, Expr::value(now))
        .col_expr(consent::Column::ConfirmedBy, Expr::value(member))
        .col_expr(
            consent::Column::WithdrawnAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(consent::Column::UpdatedAt, Expr::value(now));
    if let Some(day) = paper {
        update = update.col_expr(consent::Column::PaperReceivedOn, Expr::value(day));
    }
    update
        .filter(consent::Column::Id.eq(id))
        .exec(conn)
        .await
        .map(|_| ())
}

/// A review step on one consent, as the detail page's buttons name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Confirm,
    Withdraw,
    Delete,
}

/// Confirms, records a withdrawal, or deletes a consent with its documents. Returns whether
/// the consent still exists.
pub async fn review(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
    step: Review,
) -> Result<bool, ConsentError> {
    require_reviewer(me)?;
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let row = own_consent(&txn, me, id).await?;
    let actor = Actor::Member(me.user.id);
    match step {
        Review::Confirm => {
            mark_confirmed(&txn, row.id, me.user.id, None, now).await?;
            audit(
                &txn,
                me.practice.id,
                actor,
                Action::ConsentConfirmed,
                Some(row.id),
                now,
            )
            .await?;
        }
        Review::Withdraw => {
            consent::Entity::update_many()
                .col_expr(
                    consent::Column::Status,
                    Expr::value(consent::Status::Withdrawn),
                )
                .col_expr(consent::Column::WithdrawnAt, Expr::value(now))
                .col_expr(consent::Column::UpdatedAt, Expr::value(now))
                .filter(consent::Column::Id.eq(row.id))
                .exec(&txn)
                .await?;
            audit(
                &txn,
                me.practice.id,
                actor,
                Action::ConsentWithdrawn,
                Some(row.id),
                now,
            )
            .await?;
        }
        Review::Delete => {
            consent_document::Entity::delete_many()
                .filter(consent_document::Column::ConsentId.eq(row.id))
                .exec(&txn)
                .await?;
            consent::Entity::delete_by_id(row.id).exec(&txn).await?;
            audit(
                &txn,
                me.practice.id,
                actor,
                Action::ConsentDeleted,
                Some(row.id),
                now,
            )
            .await?;
        }
    }
    txn.commit().await?;
    state.rooms.practice_changed(me.practice.id);
    Ok(step != Review::Delete)
}

/// "Einwilligung auf Papier erhalten am …" for an appointment's patient: confirmed at once.
pub async fn record_paper(
    state: &AppState,
    me: &CurrentUser,
    appointment: &appointment::Model,
    received_on: NaiveDate,
) -> Result<Uuid, ConsentError> {
    require_reviewer(me)?;
    let now = state.clock.now();
    if received_on > crate::time::berlin_date(now) {
        return Err(ConsentError::Invalid);
    }
    let txn = crate::transaction::begin_write(&state.db).await?;
    let id = match for_appointment(&txn, appointment).await? {
        Some(existing) => {
            mark_confirmed(&txn, existing.id, me.user.id, Some(received_on), now).await?;
            existing.id
        }
        None => {
            new_consent(
                &txn,
                appointment,
                consent::Status::Confirmed,
                Some(received_on),
                Some(me.user.id),
                now,
            )
            .await?
        }
    };
    audit(
        &txn,
        me.practice.id,
        Actor::Member(me.user.id),
        Action::ConsentPaper,
        Some(id),
        now,
    )
    .await?;
    txn.commit().await?;
    state.rooms.practice_changed(me.practice.id);
    Ok(id)
}
