//! Registration of a practice with its owner, and the verification of the address.

use super::checks::{check_password, check_person, check_practice};
use super::mail::{link, recipient, user_by_email, within_mail_limit};
use crate::email::outbox::enqueue;
use crate::email::templates::{self};
use crate::entities::{practice, practice_user};
use crate::fields::{EmailAddress, Lanr};
use crate::forms::{Checker, FormError};
use crate::practice::auth::display_name;
use crate::practice::rows::{new_practice, new_user, NewPractice, NewUser};
use crate::practice::throttle;
use crate::practice::tokens::{self, TokenPurpose};
use crate::practice::types::Role;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use std::net::IpAddr;
use uuid::Uuid;

/// The registration form as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RegisterInput {
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub specialty: String,
    pub practice_name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub password: crate::forms::Password,
    pub lanr: String,
    pub bsnr: String,
    pub kv_region: String,
    pub accept_terms: String,
    pub accept_dpa: String,
}

impl RegisterInput {
    /// Everything except the password, to show the form again.
    pub fn echo(&self) -> BTreeMap<String, String> {
        [
            ("title", &self.title),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("specialty", &self.specialty),
            ("practice_name", &self.practice_name),
            ("street", &self.street),
            ("postcode", &self.postcode),
            ("city", &self.city),
            ("phone", &self.phone),
            ("email", &self.email),
            ("lanr", &self.lanr),
            ("bsnr", &self.bsnr),
            ("kv_region", &self.kv_region),
            ("accept_terms", &self.accept_terms),
            ("accept_dpa", &self.accept_dpa),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

/// Registrations are counted per client address and mails per target address in this window.
const REGISTRATION_WINDOW: chrono::Duration = chrono::Duration::hours(1);

/// Registers a practice with its owner and queues the verification e-mail. An address that is
/// already registered gets a hint by e-mail instead; the answer is the same either way, also
/// when the target address has had its few mails this hour (then nothing is sent).
///
/// Order matters under a flood: the form checks, the per-client and per-target limits and the
/// duplicate check all come before argon2, the only expensive step.
pub async fn register(
    state: &AppState,
    client: IpAddr,
    input: RegisterInput,
) -> Result<(), FormError> {
    let mut c = Checker::new("register", input.echo());
    let person = check_person(
        &mut c,
        &input.title,
        &input.first_name,
        &input.last_name,
        &input.specialty,
    );
    if person.as_ref().is_some_and(|p| p.specialty.is_empty()) {
        c.key("specialty", "field-required");
    }
    let practice_data = check_practice(
        &mut c,
        &input.practice_name,
        &input.street,
        &input.postcode,
        &input.city,
        &input.phone,
        &input.kv_region,
        &input.bsnr,
    );
    let email = c.field("email", EmailAddress::parse(&input.email));
    let context: Vec<&str> = [
        input.email.as_str(),
        input.email.split('@').next().unwrap_or_default(),
        input.first_name.as_str(),
        input.last_name.as_str(),
    ]
    .into_iter()
    .filter(|s| !s.trim().is_empty())
    .collect();
    let password = check_password(&mut c, input.password.expose(), &context);
    let lanr = c.field("lanr", Lanr::parse(&input.lanr));
    if input.accept_terms != "on" {
        c.key("accept_terms", "register-accept-terms-required");
    }
    if input.accept_dpa != "on" {
        c.key("accept_dpa", "register-accept-dpa-required");
    }
    c.finish()?;
    let (Some(person), Some(data), Some(email), Some(password), Some(lanr)) =
        (person, practice_data, email, password, lanr)
    else {
        return Err(crate::error::AppError::Internal.into());
    };

    let now = state.clock.now();
    let limits = &state.settings.security;
    let client_key = format!("register:{}", &throttle::address_key(client)[5..]);
    let registrations = throttle::record_failure_within(
        &state.db,
        &client_key,
        i32::MAX,
        now,
        REGISTRATION_WINDOW,
        chrono::Duration::zero(),
    )
    .await?;
    if registrations > limits.registrations_per_address_per_hour {
        tracing::warn!("registration refused: limit per client address reached");
        return Err(FormError::Limited("register-too-many"));
    }
    let mail_key = format!(
        "register-mail:{}",
        &throttle::account_key(&email.normalized())[5..]
    );
    let mails = throttle::record_failure_within(
        &state.db,
        &mail_key,
        i32::MAX,
        now,
        REGISTRATION_WINDOW,
        chrono::Duration::zero(),
    )
    .await?;
    if mails > limits.registration_mails_per_address_per_hour {
        tracing::warn!("registration: mail limit for the target address reached; nothing sent");
        return Ok(());
    }
    // Read before the transaction: SQLite transactions must start with their first write (see
    // `tokens::consume`); the unique index still guards against a concurrent registration.
    let existing = practice_user::Entity::find()
        .filter(practice_user::Column::EmailNormalized.eq(email.normalized()))
        .one(&state.db)
        .await?;
    if let Some(existing) = existing {
        return hint_already_registered(state, &existing, now).await;
    }
    let password_hash = state.passwords.hash(password.expose()).await?;
    let txn = crate::transaction::begin_write(&state.db).await?;
    let practice_id = Uuid::now_v7();
    let practice = new_practice(
        practice_id,
        NewPractice {
            name: data.name,
            street: data.street,
            postcode: data.postcode.as_str().to_owned(),
            city: data.city,
            phone: data.phone.as_str().to_owned(),
            kv_region: data.kv_region,
            bsnr: data.bsnr.as_str().to_owned(),
        },
        now,
    )
    .insert(&txn)
    .await?;
    let user = new_user(
        NewUser {
            practice_id,
            email_normalized: email.normalized(),
            email: email.as_str().to_owned(),
            password_hash: Some(password_hash),
            title: person.title,
            first_name: person.first_name,
            last_name: person.last_name,
            specialty: person.specialty,
            lanr: Some(lanr.as_str().to_owned()),
            role: Role::Owner,
        },
        now,
    )
    .insert(&txn)
    .await;
    let user = match user {
        Ok(user) => user,
        // A parallel registration with the same address won; same answer, nothing more.
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            txn.rollback().await?;
            tracing::info!("registration lost a race for the same address");
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let token = tokens::issue(&txn, user.id, TokenPurpose::VerifyEmail, now).await?;
    let name = display_name(&user);
    let mail = templates::verify_email(
        &recipient(&user, &name, &practice),
        &link(state, crate::paths::REGISTER_VERIFY, &token),
    );
    enqueue(&txn, now, mail).await?;
    txn.commit().await?;
    state.outbox.wake();
    tracing::info!(practice_id = %practice_id, "practice registered");
    Ok(())
}

/// Warns the owner of an already registered address by e-mail (the registration answer is
/// the same as for a new address).
async fn hint_already_registered(
    state: &AppState,
    existing: &practice_user::Model,
    now: DateTime<Utc>,
) -> Result<(), FormError> {
    let practice = practice::Entity::find_by_id(existing.practice_id)
        .one(&state.db)
        .await?;
    let txn = crate::transaction::begin_write(&state.db).await?;
    if let Some(practice) = practice {
        let name = display_name(existing);
        let login = format!(
            "{}/anmelden",
            state.settings.application.base_url.trim_end_matches('/')
        );
        enqueue(
            &txn,
            now,
            templates::already_registered(&recipient(existing, &name, &practice), &login),
        )
        .await?;
    }
    txn.commit().await?;
    state.outbox.wake();
    tracing::info!("registration for an existing address; hint e-mail queued");
    Ok(())
}

/// Marks the address of the token's user as verified; `false` for unknown, used or old links.
pub async fn verify_email(state: &AppState, token: &str) -> Result<bool, FormError> {
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let Some(user_id) = tokens::consume(&txn, token, TokenPurpose::VerifyEmail, now).await? else {
        return Ok(false);
    };
    practice_user::Entity::update_many()
        .col_expr(
            practice_user::Column::EmailVerifiedAt,
            Expr::value(Some(now)),
        )
        .col_expr(practice_user::Column::UpdatedAt, Expr::value(now))
        .filter(practice_user::Column::Id.eq(user_id))
        .filter(practice_user::Column::EmailVerifiedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    tracing::info!(user_id = %user_id, "e-mail address verified");
    Ok(true)
}

/// Sends a new verification link if the address belongs to an unverified account. Silent
/// otherwise, so the answer does not tell whether an account exists.
pub async fn resend_verification(state: &AppState, email: &str) -> Result<(), FormError> {
    if !within_mail_limit(state, "resend", email).await? {
        tracing::warn!("verification resend limit reached");
        return Ok(());
    }
    let Some((user, practice)) = user_by_email(state, email).await? else {
        return Ok(());
    };
    if user.email_verified_at.is_some() || user.password_hash.is_none() {
        return Ok(());
    }
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let token = tokens::issue(&txn, user.id, TokenPurpose::VerifyEmail, now).await?;
    let name = display_name(&user);
    let mail = templates::verify_email(
        &recipient(&user, &name, &practice),
        &link(state, crate::paths::REGISTER_VERIFY, &token),
    );
    enqueue(&txn, now, mail).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_registration_does_not_show_the_password() {
        let input = RegisterInput {
            email: "anna@example.org".into(),
            password: "Sehr geheimes Passwort 1".into(),
            ..RegisterInput::default()
        };
        let printed = format!("{input:?}");
        assert!(!printed.contains("geheimes"), "{printed}");
        assert!(printed.contains("anna@example.org"), "{printed}");
    }
}
