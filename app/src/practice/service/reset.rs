//! Password reset by e-mail link, and setting a password with a link's token (reset and
//! team invitation).

use super::checks::check_password;
use super::mail::{link, recipient, user_by_email, within_mail_limit};
use crate::email::outbox::enqueue;
use crate::email::templates::{self};
use crate::entities::{practice, practice_user};
use crate::forms::{Checker, FormError};
use crate::practice::auth::display_name;
use crate::practice::throttle;
use crate::practice::tokens::{self, TokenPurpose};
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use std::collections::BTreeMap;

/// Sends a password-reset link if the address has an account; silent otherwise.
pub async fn request_password_reset(state: &AppState, email: &str) -> Result<(), FormError> {
    if !within_mail_limit(state, "reset", email).await? {
        tracing::warn!("password reset limit reached");
        return Ok(());
    }
    let Some((user, practice)) = user_by_email(state, email).await? else {
        return Ok(());
    };
    if user.password_hash.is_none() {
        return Ok(());
    }
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let token = tokens::issue(&txn, user.id, TokenPurpose::ResetPassword, now).await?;
    let name = display_name(&user);
    let mail = templates::password_reset(
        &recipient(&user, &name, &practice),
        &link(state, crate::paths::NEW_PASSWORD, &token),
    );
    enqueue(&txn, now, mail).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(())
}

/// Sets a new password from a reset or invitation link; ends every other session, verifies
/// the address (the link proves it). `Ok(false)` for an invalid link.
pub async fn set_password_with_token(
    state: &AppState,
    purpose: TokenPurpose,
    token: &str,
    password: &str,
) -> Result<bool, FormError> {
    let now = state.clock.now();
    let Some(user_id) = tokens::peek(&state.db, token, purpose, now).await? else {
        return Ok(false);
    };
    let Some(user) = practice_user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await?
    else {
        return Ok(false);
    };
    let mut c = Checker::new("password", BTreeMap::new());
    let local = user.email.split('@').next().unwrap_or_default();
    let password = check_password(
        &mut c,
        password,
        &[&user.email, local, &user.first_name, &user.last_name],
    );
    c.finish()?;
    let Some(password) = password else {
        return Err(crate::error::AppError::Internal.into());
    };
    let hash = state.passwords.hash(password.expose()).await?;
    let txn = crate::transaction::begin_write(&state.db).await?;
    if tokens::consume(&txn, token, purpose, now).await?.is_none() {
        return Ok(false);
    }
    let practice = practice::Entity::find_by_id(user.practice_id)
        .one(&txn)
        .await?;
    let mut active = user.clone().into_active_model();
    active.password_hash = Set(Some(hash));
    active.sessions_valid_after = Set(now);
    active.updated_at = Set(now);
    if user.email_verified_at.is_none() {
        active.email_verified_at = Set(Some(now));
    }
    active.update(&txn).await?;
    if let (TokenPurpose::ResetPassword, Some(practice)) = (purpose, practice) {
        let name = display_name(&user);
        enqueue(
            &txn,
            now,
            templates::security_notice(&recipient(&user, &name, &practice), "password"),
        )
        .await?;
    }
    txn.commit().await?;
    throttle::reset(&state.db, &throttle::account_key(&user.email_normalized)).await?;
    state.outbox.wake();
    tracing::info!(user_id = %user.id, purpose = purpose.as_str(), "password set; other sessions ended");
    Ok(true)
}
