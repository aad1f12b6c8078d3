//! Switching the authenticator-app second factor (TOTP, RFC 6238) on and off.
//!
//! Setting up is two steps so that a half-finished setup never locks anyone out: a fresh
//! secret is kept as *pending* and shown as a QR code; only a correct code from the app moves
//! it to the active secret. Recovery codes are created at that moment, stored hashed and
//! handed back to be shown exactly once.

use super::auth::{display_name, CurrentUser};
use super::service::mail::recipient;
use super::throttle;
use super::totp::{self, TotpSecret};
use super::types::{SecondFactorView, TotpSetup};
use crate::email::outbox::enqueue;
use crate::email::templates;
use crate::entities::{practice_user, recovery_code};
use crate::error::AppError;
use crate::forms::FormError;
use crate::state::AppState;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

/// Name shown in the authenticator app next to the account.
pub const ISSUER: &str = "Sprechzimmer";

fn totp_error(e: totp::TotpError) -> FormError {
    tracing::error!(error = %e, "second factor setup failed");
    AppError::Internal.into()
}

/// What the security page shows for `me`.
pub async fn view(state: &AppState, me: &CurrentUser) -> Result<SecondFactorView, FormError> {
    let user = &me.user;
    let setup = match (&user.totp_secret, &user.totp_pending_secret) {
        (None, Some(pending)) => {
            let secret = TotpSecret::from_base32(pending).map_err(totp_error)?;
            let uri = totp::otpauth_uri(&secret, ISSUER, &user.email);
            Some(TotpSetup {
                qr_svg: totp::qr_svg(&uri).map_err(totp_error)?,
                secret_grouped: group(&secret.to_base32()),
            })
        }
        _ => None,
    };
    let left = if user.totp_secret.is_some() {
        recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(user.id))
            .filter(recovery_code::Column::UsedAt.is_null())
            .count(&state.db)
            .await? as usize
    } else {
        0
    };
    Ok(SecondFactorView {
        enabled: user.totp_secret.is_some(),
        setup,
        recovery_codes_left: left,
    })
}

/// "JBSW Y3DP …": groups of four are easier to type from the screen.
fn group(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Starts (or restarts) the setup with a new pending secret. Nothing changes if the second
/// factor is already on.
pub async fn start_setup(state: &AppState, me: &CurrentUser) -> Result<(), FormError> {
    if me.user.totp_secret.is_some() {
        return Ok(());
    }
    let secret = TotpSecret::generate().map_err(totp_error)?;
    practice_user::Entity::update_many()
        .col_expr(
            practice_user::Column::TotpPendingSecret,
            Expr::value(Some(secret.to_base32())),
        )
        .filter(practice_user::Column::Id.eq(me.user.id))
        .filter(practice_user::Column::TotpSecret.is_null())
        .exec(&state.db)
        .await?;
    tracing::info!(user_id = %me.user.id, "second factor setup started");
    Ok(())
}

/// Checks the password (a session left open must not be enough to lock the owner out with a
/// factor the owner does not have) and the code from the app against the pending secret, and
/// switches the second factor on. Returns the recovery codes to show once.
pub async fn confirm_setup(
    state: &AppState,
    me: &CurrentUser,
    password: &str,
    code: &str,
) -> Result<Vec<String>, FormError> {
    confirm_password(state, me, password, "totp-setup", "second factor switch-on").await?;
    let Some(pending) = me.user.totp_pending_secret.clone() else {
        return Err(FormError::field(
            "totp-setup",
            "code",
            "security-setup-expired",
        ));
    };
    let secret = TotpSecret::from_base32(&pending).map_err(totp_error)?;
    let now = state.clock.now();
    let unix = u64::try_from(now.timestamp()).unwrap_or_default();
    let Some(step) = totp::verify(&secret, code, unix, None) else {
        return Err(FormError::field(
            "totp-setup",
            "code",
            "security-code-wrong",
        ));
    };
    let codes = totp::generate_recovery_codes().map_err(totp_error)?;
    let txn = crate::transaction::begin_write(&state.db).await?;
    // The write comes first (SQLite, see `tokens::consume`) and only succeeds while the
    // pending secret is still the one the code was checked against.
    let switched = practice_user::Entity::update_many()
        .col_expr(
            practice_user::Column::TotpSecret,
            Expr::value(Some(pending.clone())),
        )
        .col_expr(
            practice_user::Column::TotpPendingSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            practice_user::Column::TotpLastStep,
            Expr::value(Some(step as i64)),
        )
        .col_expr(practice_user::Column::UpdatedAt, Expr::value(now))
        .filter(practice_user::Column::Id.eq(me.user.id))
        .filter(practice_user::Column::TotpPendingSecret.eq(pending))
        .exec(&txn)
        .await?;
    if switched.rows_affected != 1 {
        return Err(FormError::field(
            "totp-setup",
            "code",
            "security-setup-expired",
        ));
    }
    replace_recovery_codes(&txn, me.user.id, &codes.hashes).await?;
    let name = display_name(&me.user);
    enqueue(
        &txn,
        now,
        templates::security_notice(&recipient(&me.user, &name, &me.practice), "totp-on"),
    )
    .await?;
    txn.commit().await?;
    state.outbox.wake();
    tracing::info!(user_id = %me.user.id, "second factor switched on");
    Ok(codes.plain)
}

async fn replace_recovery_codes(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    hashes: &[String],
) -> Result<(), sea_orm::DbErr> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    for hash in hashes {
        recovery_code::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            code_hash: Set(hash.clone()),
            used_at: Set(None),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Asks for the password again before a grave step (a session left open on a shared computer
/// must not be enough). A wrong password counts towards the login lockout and is answered on
/// the `password` field of `form`; `action` names the step in the log.
pub async fn confirm_password(
    state: &AppState,
    me: &CurrentUser,
    password: &str,
    form: &str,
    action: &'static str,
) -> Result<(), FormError> {
    let now = state.clock.now();
    let account_key = throttle::account_key(&me.user.email_normalized);
    if throttle::locked_until(&state.db, &[&account_key], now)
        .await?
        .is_some()
    {
        return Err(FormError::field(form, "password", "login-locked"));
    }
    let ok = state
        .passwords
        .verify(password, me.user.password_hash.as_deref())
        .await?;
    if !ok {
        throttle::record_failure(&state.db, &account_key, throttle::ACCOUNT_LIMIT, now).await?;
        tracing::warn!(user_id = %me.user.id, action, "wrong password");
        return Err(FormError::field(
            form,
            "password",
            "security-password-wrong",
        ));
    }
    Ok(())
}

/// Switches the second factor off after the password is confirmed (a session left open on a
/// shared computer must not be enough). Wrong passwords count towards the login lockout.
pub async fn disable(state: &AppState, me: &CurrentUser, password: &str) -> Result<(), FormError> {
    confirm_password(state, me, password, "totp-off", "second factor switch-off").await?;
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    practice_user::Entity::update_many()
        .col_expr(
            practice_user::Column::TotpSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            practice_user::Column::TotpPendingSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            practice_user::Column::TotpLastStep,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(practice_user::Column::UpdatedAt, Expr::value(now))
        .filter(practice_user::Column::Id.eq(me.user.id))
        .exec(&txn)
        .await?;
    replace_recovery_codes(&txn, me.user.id, &[]).await?;
    let name = display_name(&me.user);
    enqueue(
        &txn,
        now,
        templates::security_notice(&recipient(&me.user, &name, &me.practice), "totp-off"),
    )
    .await?;
    txn.commit().await?;
    state.outbox.wake();
    tracing::info!(user_id = %me.user.id, "second factor switched off");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::group;

    #[test]
    fn secret_is_shown_in_groups_of_four() {
        assert_eq!(group("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
        assert_eq!(group("ABCDEF"), "ABCD EF");
    }
}
