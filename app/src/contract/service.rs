//! Cancelling and revoking the contract (owner only), and what the Vertrag page shows.

use super::notice::{termination, Termination};
use super::types::{ContractState, ContractView};
use crate::email::outbox::{enqueue, NewEmail};
use crate::email::templates;
use crate::entities::{practice, practice_user};
use crate::forms::FormError;
use crate::practice::auth::{display_name, CurrentUser};
use crate::practice::service::mail::recipient;
use crate::state::AppState;
use crate::time::german_date;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

/// The Vertrag page's data as of now.
pub fn view(practice: &practice::Model, now: DateTime<Utc>) -> ContractView {
    let state = match (practice.contract_ends_on, practice.cancelled_at) {
        (Some(last_day), Some(cancelled_at)) => ContractState::Cancelled {
            cancelled_on: german_date(crate::time::berlin_date(cancelled_at)),
            last_day: german_date(last_day),
        },
        _ => ContractState::Running,
    };
    ContractView {
        plan: practice.plan,
        started_on: practice
            .contract_started_on
            .map(german_date)
            .unwrap_or_default(),
        state,
        // What a cancellation now would mean (the dialog states it before anyone confirms).
        would_end_on: german_date(termination(now).last_day),
    }
}

/// Cancels the contract after the owner's password is confirmed; the data is deleted at the end
/// of the notice period. Wrong passwords count towards the login lockout.
pub async fn cancel(
    state: &AppState,
    me: &CurrentUser,
    password: &str,
) -> Result<Termination, FormError> {
    const FORM: &str = "cancel";
    if !me.role.manages_practice() {
        return Err(crate::error::AppError::Forbidden.into());
    }
    let now = state.clock.now();
    if me.practice.cancelled_at.is_some() {
        return Err(FormError::field(
            FORM,
            "password",
            "contract-already-cancelled",
        ));
    }
    crate::practice::second_factor::confirm_password(
        state,
        me,
        password,
        FORM,
        "contract cancellation",
    )
    .await?;
    let t = termination(now);
    record(state, me, Some(t), "cancelled", t.last_day).await?;
    tracing::info!(practice_id = %me.practice.id, last_day = %t.last_day, "contract cancelled");
    Ok(t)
}

/// Takes a cancellation back while the notice period runs; the contract runs on as before.
pub async fn revoke(state: &AppState, me: &CurrentUser) -> Result<(), FormError> {
    if !me.role.manages_practice() {
        return Err(crate::error::AppError::Forbidden.into());
    }
    let now = state.clock.now();
    let (Some(last_day), Some(deletion_at)) =
        (me.practice.contract_ends_on, me.practice.deletion_at)
    else {
        return Err(FormError::field(
            "revoke",
            "confirm",
            "contract-not-cancelled",
        ));
    };
    if now >= deletion_at {
        return Err(FormError::field(
            "revoke",
            "confirm",
            "contract-not-cancelled",
        ));
    }
    record(state, me, None, "revoked", last_day).await?;
    tracing::info!(practice_id = %me.practice.id, "contract cancellation revoked");
    Ok(())
}

/// Stores the cancellation (`Some`) or clears it (`None`, a revocation) and queues the owner's
/// confirmation `kind` naming `last_day`, in one transaction; reminders start afresh.
async fn record(
    state: &AppState,
    me: &CurrentUser,
    termination: Option<Termination>,
    kind: &str,
    last_day: chrono::NaiveDate,
) -> Result<(), FormError> {
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let mut practice: practice::ActiveModel = me.practice.clone().into();
    practice.cancelled_at = Set(termination.map(|_| now));
    practice.contract_ends_on = Set(termination.map(|t| t.last_day));
    practice.deletion_at = Set(termination.map(|t| t.deletion_at));
    practice.reminder_month_sent_at = Set(None);
    practice.reminder_week_sent_at = Set(None);
    practice.updated_at = Set(now);
    practice.update(&txn).await?;
    let mail = letter(&me.user, &me.practice, kind, &german_date(last_day));
    enqueue(&txn, now, mail).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(())
}

/// The reminder or final e-mail `kind` for one person of a practice about its deletion.
pub(super) fn letter(
    user: &practice_user::Model,
    practice: &practice::Model,
    kind: &str,
    last_day: &str,
) -> NewEmail {
    let name = display_name(user);
    templates::contract(&recipient(user, &name, practice), kind, last_day)
}
