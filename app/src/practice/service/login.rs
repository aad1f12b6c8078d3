//! Login with e-mail and password (throttled), then the second factor when it is set up.

use super::mail::user_by_email;
use crate::entities::{practice_user, recovery_code};
use crate::forms::FormError;
use crate::practice::auth;
use crate::practice::throttle;
use crate::practice::totp::{self, TotpSecret};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use std::net::IpAddr;
use tower_sessions::Session;

/// What a login attempt with e-mail and password led to.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Logged in.
    LoggedIn,
    /// Password right; the second factor is asked next.
    SecondFactor,
    /// Password right, address not yet verified.
    NotVerified,
    /// Wrong address or password (one answer for both).
    Failed,
    /// Too many failures for this account or address.
    Locked,
    /// Too many wrong second-factor codes for this account (24 hours).
    SecondFactorLocked,
    /// Too many attempts from this client address at this moment; try again in a few seconds.
    Busy,
}

/// Checks e-mail and password with throttling; logs in or starts the second factor.
pub async fn log_in(
    state: &AppState,
    session: &Session,
    client: IpAddr,
    email: &str,
    password: &str,
) -> Result<LoginOutcome, FormError> {
    let now = state.clock.now();
    let normalized = email.trim().to_lowercase();
    let account_key = throttle::account_key(&normalized);
    let address_key = throttle::address_key(client);
    if throttle::locked_until(&state.db, &[&account_key], now)
        .await?
        .is_some()
    {
        tracing::warn!("login refused: account locked");
        return Ok(LoginOutcome::Locked);
    }
    // An address with many failures is slowed down, never locked: the doctors behind the
    // same proxy or carrier NAT still log in, a few seconds later at worst.
    let unit = state.settings.security.login_delay_unit();
    let address_failures = throttle::failures(&state.db, &address_key, now).await?;
    let Ok(_slot) = throttle::hold_back(state, &address_key, address_failures).await else {
        tracing::warn!("login refused: too many parallel attempts from one failing address");
        return Ok(LoginOutcome::Busy);
    };
    let found = user_by_email(state, email).await?;
    let hash = found.as_ref().and_then(|(u, _)| u.password_hash.as_deref());
    let matches = state.passwords.verify(password, hash).await?;
    let Some((user, _)) = found.filter(|_| matches) else {
        let account =
            throttle::record_failure(&state.db, &account_key, throttle::ACCOUNT_LIMIT, now).await?;
        let address = throttle::record_failure(&state.db, &address_key, i32::MAX, now).await?;
        tracing::warn!(
            account_failures = account,
            address_failures = address,
            "login failed"
        );
        tokio::time::sleep(throttle::delay_after(account, unit)).await;
        return Ok(LoginOutcome::Failed);
    };
    if user.email_verified_at.is_none() {
        return Ok(LoginOutcome::NotVerified);
    }
    throttle::reset(&state.db, &account_key).await?;
    if user.totp_secret.is_some() {
        auth::begin_second_factor(session, user.id, now).await?;
        return Ok(LoginOutcome::SecondFactor);
    }
    auth::log_in(session, &user, now).await?;
    tracing::info!(user_id = %user.id, "logged in");
    Ok(LoginOutcome::LoggedIn)
}

/// Checks the second factor (authenticator code or recovery code) of a pending login.
pub async fn complete_second_factor(
    state: &AppState,
    session: &Session,
    client: IpAddr,
    code: &str,
) -> Result<LoginOutcome, FormError> {
    let now = state.clock.now();
    let Some(user_id) = auth::pending_second_factor(session, now).await? else {
        return Ok(LoginOutcome::Failed);
    };
    let Some(user) = practice_user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await?
    else {
        return Ok(LoginOutcome::Failed);
    };
    let account_key = throttle::account_key(&user.email_normalized);
    let factor_key = throttle::second_factor_key(&user.email_normalized);
    let record = |now| {
        throttle::record_failure_within(
            &state.db,
            &factor_key,
            throttle::SECOND_FACTOR_LIMIT,
            now,
            throttle::SECOND_FACTOR_WINDOW,
            throttle::SECOND_FACTOR_LOCK_FOR,
        )
    };
    if throttle::locked_until(&state.db, &[&account_key], now)
        .await?
        .is_some()
    {
        return Ok(LoginOutcome::Locked);
    }
    if throttle::locked_until(&state.db, &[&factor_key], now)
        .await?
        .is_some()
    {
        // Counted too (the counter is the number of attempts), without prolonging the lock.
        record(now).await?;
        tracing::warn!(user_id = %user.id, "second factor refused: locked");
        return Ok(LoginOutcome::SecondFactorLocked);
    }
    if check_second_factor(state, &user, code, now).await? {
        throttle::reset(&state.db, &factor_key).await?;
        auth::log_in(session, &user, now).await?;
        tracing::info!(user_id = %user.id, "logged in with second factor");
        return Ok(LoginOutcome::LoggedIn);
    }
    let failures = record(now).await?;
    throttle::record_failure(&state.db, &throttle::address_key(client), i32::MAX, now).await?;
    tracing::warn!(user_id = %user.id, failures, "second factor failed");
    if failures >= throttle::SECOND_FACTOR_LIMIT {
        return Ok(LoginOutcome::SecondFactorLocked);
    }
    tokio::time::sleep(throttle::delay_after(
        failures,
        state.settings.security.login_delay_unit(),
    ))
    .await;
    Ok(LoginOutcome::Failed)
}

/// A TOTP code (not used before) or an unused recovery code of `user`; uses it up.
async fn check_second_factor(
    state: &AppState,
    user: &practice_user::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, FormError> {
    let Some(secret) = user
        .totp_secret
        .as_deref()
        .and_then(|s| TotpSecret::from_base32(s).ok())
    else {
        return Ok(false);
    };
    let unix = u64::try_from(now.timestamp()).unwrap_or_default();
    let last = user.totp_last_step.and_then(|s| u64::try_from(s).ok());
    if let Some(step) = totp::verify(&secret, code, unix, last) {
        // Only if no request used this step (or a later one) in the meantime: of two requests
        // racing with the same code, exactly one updates the row.
        let updated = practice_user::Entity::update_many()
            .col_expr(
                practice_user::Column::TotpLastStep,
                Expr::value(Some(step as i64)),
            )
            .filter(practice_user::Column::Id.eq(user.id))
            .filter(
                sea_orm::Condition::any()
                    .add(practice_user::Column::TotpLastStep.is_null())
                    .add(practice_user::Column::TotpLastStep.lt(step as i64)),
            )
            .exec(&state.db)
            .await?;
        return Ok(updated.rows_affected == 1);
    }
    let Some(hash) = totp::hash_recovery_code(code) else {
        return Ok(false);
    };
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(recovery_code::Column::UserId.eq(user.id))
        .filter(recovery_code::Column::CodeHash.eq(hash))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(&state.db)
        .await?;
    if used.rows_affected >= 1 {
        tracing::info!(user_id = %user.id, "recovery code used");
    }
    Ok(used.rows_affected >= 1)
}
