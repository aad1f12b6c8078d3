//! The rules and the database work of practice accounts. Every function takes the already
//! parsed input and the state; the handlers turn the outcomes into pages and redirects.

use super::auth::{self, display_name, CurrentUser};
use super::password_policy::NewPassword;
use super::throttle;
use super::tokens::{self, TokenPurpose};
use super::totp::{self, TotpSecret};
use super::types::Role;
use crate::email::outbox::enqueue;
use crate::email::templates::{self, Recipient};
use crate::entities::{practice, practice_user, recovery_code};
use crate::fields::{
    check_bsnr_matches, Bsnr, EmailAddress, Iban, KvRegion, Lanr, OptionalText, PhoneNumber,
    Postcode, ShortText,
};
use crate::forms::{echo_pairs, Checker, FormError};
use crate::policy::TERMS_VERSION;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use std::collections::BTreeMap;
use std::net::IpAddr;
use tower_sessions::Session;
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

use crate::fields::limits;

/// Validated personal data of a practice user.
pub(super) struct Person {
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub specialty: String,
}

/// Validated practice address and identifiers.
struct PracticeData {
    name: String,
    street: String,
    postcode: Postcode,
    city: String,
    phone: PhoneNumber,
    kv_region: KvRegion,
    bsnr: Bsnr,
}

#[allow(clippy::too_many_arguments)]
fn check_practice(
    c: &mut Checker,
    name: &str,
    street: &str,
    postcode: &str,
    city: &str,
    phone: &str,
    kv_region: &str,
    bsnr: &str,
) -> Option<PracticeData> {
    let name = c.field(
        "practice_name",
        ShortText::parse(name, limits::PRACTICE_NAME),
    );
    let street = c.field("street", ShortText::parse(street, limits::STREET));
    let postcode = c.field("postcode", Postcode::parse(postcode));
    let city = c.field("city", ShortText::parse(city, limits::CITY));
    let phone = c.field("phone", PhoneNumber::parse(phone));
    let kv_region = c.field("kv_region", KvRegion::parse(kv_region));
    let bsnr = c.field("bsnr", Bsnr::parse(bsnr));
    if let (Some(b), Some(kv)) = (&bsnr, kv_region) {
        if let Err(e) = check_bsnr_matches(b, kv) {
            c.error("bsnr", e);
        }
    }
    Some(PracticeData {
        name: name?.as_str().to_owned(),
        street: street?.as_str().to_owned(),
        postcode: postcode?,
        city: city?.as_str().to_owned(),
        phone: phone?,
        kv_region: kv_region?,
        bsnr: bsnr?,
    })
}

pub(super) fn check_person(
    c: &mut Checker,
    title: &str,
    first: &str,
    last: &str,
    specialty: &str,
) -> Option<Person> {
    let title = c.field("title", OptionalText::parse(title, limits::TITLE));
    let first = c.field("first_name", ShortText::parse(first, limits::PERSON_NAME));
    let last = c.field("last_name", ShortText::parse(last, limits::PERSON_NAME));
    let specialty = c.field(
        "specialty",
        OptionalText::parse(specialty, limits::SPECIALTY),
    );
    Some(Person {
        title: title?.as_str().to_owned(),
        first_name: first?.as_str().to_owned(),
        last_name: last?.as_str().to_owned(),
        specialty: specialty?.as_str().to_owned(),
    })
}

pub(super) fn check_password(
    c: &mut Checker,
    password: &str,
    context: &[&str],
) -> Option<NewPassword> {
    match NewPassword::parse(password, context) {
        Ok(p) => Some(p),
        Err(e) => {
            let args = e
                .message_args()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            c.feedback.add("password", e.message_key(), args);
            None
        }
    }
}

pub(crate) fn recipient<'a>(
    user: &'a practice_user::Model,
    name: &'a str,
    practice: &'a practice::Model,
) -> Recipient<'a> {
    Recipient {
        email: &user.email,
        name,
        practice_id: Some(practice.id),
        practice_name: &practice.name,
    }
}

pub(super) fn link(state: &AppState, path: &str, token: &str) -> String {
    format!(
        "{}{path}?token={token}",
        state.settings.application.base_url.trim_end_matches('/')
    )
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
    let practice = practice::ActiveModel {
        id: Set(practice_id),
        name: Set(data.name),
        street: Set(data.street),
        postcode: Set(data.postcode.as_str().to_owned()),
        city: Set(data.city),
        phone: Set(data.phone.as_str().to_owned()),
        kv_region: Set(data.kv_region),
        bsnr: Set(data.bsnr.as_str().to_owned()),
        billing_name: Set(None),
        billing_street: Set(None),
        billing_postcode: Set(None),
        billing_city: Set(None),
        iban: Set(None),
        account_holder: Set(None),
        plan: Set(crate::contract::types::Plan::Basis),
        contract_started_on: Set(Some(crate::time::berlin_date(now))),
        terms_accepted_at: Set(Some(now)),
        terms_version: Set(TERMS_VERSION.to_owned()),
        default_duration_minutes: Set(50),
        reminders_enabled: Set(true),
        consent_paragraph: Set(None),
        cancelled_at: Set(None),
        contract_ends_on: Set(None),
        deletion_at: Set(None),
        reminder_month_sent_at: Set(None),
        reminder_week_sent_at: Set(None),
        short_name: Set(None),
        public_page_enabled: Set(false),
        public_intro: Set(None),
        guide_in_invitation: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let user = practice_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        practice_id: Set(practice_id),
        email_normalized: Set(email.normalized()),
        email: Set(email.as_str().to_owned()),
        password_hash: Set(Some(password_hash)),
        title: Set(person.title),
        first_name: Set(person.first_name),
        last_name: Set(person.last_name),
        specialty: Set(person.specialty),
        lanr: Set(Some(lanr.as_str().to_owned())),
        role: Set(Role::Owner),
        email_verified_at: Set(None),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_last_step: Set(None),
        sessions_valid_after: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
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

pub(super) async fn user_by_email(
    state: &AppState,
    email: &str,
) -> Result<Option<(practice_user::Model, practice::Model)>, DbErr> {
    let Ok(email) = EmailAddress::parse(email) else {
        return Ok(None);
    };
    let found = practice_user::Entity::find()
        .filter(practice_user::Column::EmailNormalized.eq(email.normalized()))
        .find_also_related(practice::Entity)
        .one(&state.db)
        .await?;
    Ok(found.and_then(|(u, p)| p.map(|p| (u, p))))
}

/// Counts a request for `kind` (resend, reset) per address; `false` when over the limit.
pub(super) async fn within_mail_limit(
    state: &AppState,
    kind: &str,
    email: &str,
) -> Result<bool, DbErr> {
    let key = format!(
        "{kind}:{}",
        &throttle::account_key(&email.trim().to_lowercase())[5..]
    );
    let now = state.clock.now();
    let count = throttle::count_request(&state.db, &key, now).await?;
    Ok(count <= 5)
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

/// The Stammdaten form as typed (practice part and personal part are separate forms).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StammdatenInput {
    pub form: String,
    pub practice_name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub kv_region: String,
    pub bsnr: String,
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub specialty: String,
    pub lanr: String,
}

/// Saves the practice's Stammdaten (owner only) — always of the caller's own practice.
pub async fn update_practice(
    state: &AppState,
    me: &CurrentUser,
    input: &StammdatenInput,
) -> Result<(), FormError> {
    if !me.role.manages_practice() {
        return Err(crate::error::AppError::Forbidden.into());
    }
    let mut c = Checker::new(
        "practice",
        echo_pairs(&[
            ("practice_name", &input.practice_name),
            ("street", &input.street),
            ("postcode", &input.postcode),
            ("city", &input.city),
            ("phone", &input.phone),
            ("kv_region", &input.kv_region),
            ("bsnr", &input.bsnr),
        ]),
    );
    let data = check_practice(
        &mut c,
        &input.practice_name,
        &input.street,
        &input.postcode,
        &input.city,
        &input.phone,
        &input.kv_region,
        &input.bsnr,
    );
    c.finish()?;
    let Some(data) = data else {
        return Err(crate::error::AppError::Internal.into());
    };
    let mut active = me.practice.clone().into_active_model();
    active.name = Set(data.name);
    active.street = Set(data.street);
    active.postcode = Set(data.postcode.as_str().to_owned());
    active.city = Set(data.city);
    active.phone = Set(data.phone.as_str().to_owned());
    active.kv_region = Set(data.kv_region);
    active.bsnr = Set(data.bsnr.as_str().to_owned());
    active.updated_at = Set(state.clock.now());
    active.update(&state.db).await?;
    tracing::info!(practice_id = %me.practice.id, "practice Stammdaten saved");
    Ok(())
}

/// Saves the caller's own personal data.
pub async fn update_person(
    state: &AppState,
    me: &CurrentUser,
    input: &StammdatenInput,
) -> Result<(), FormError> {
    let mut c = Checker::new(
        "person",
        echo_pairs(&[
            ("title", &input.title),
            ("first_name", &input.first_name),
            ("last_name", &input.last_name),
            ("specialty", &input.specialty),
            ("lanr", &input.lanr),
        ]),
    );
    let person = check_person(
        &mut c,
        &input.title,
        &input.first_name,
        &input.last_name,
        &input.specialty,
    );
    // Doctors need a LANR; the practice team has none.
    let lanr = if me.role == Role::Team && input.lanr.trim().is_empty() {
        None
    } else {
        c.field("lanr", Lanr::parse(&input.lanr))
    };
    c.finish()?;
    let Some(person) = person else {
        return Err(crate::error::AppError::Internal.into());
    };
    let mut active = me.user.clone().into_active_model();
    active.title = Set(person.title);
    active.first_name = Set(person.first_name);
    active.last_name = Set(person.last_name);
    active.specialty = Set(person.specialty);
    active.lanr = Set(lanr.map(|l| l.as_str().to_owned()));
    active.updated_at = Set(state.clock.now());
    active.update(&state.db).await?;
    Ok(())
}

/// The Rechnungsdaten form as typed. An empty IBAN keeps the stored one.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RechnungsdatenInput {
    pub billing_name: String,
    pub billing_street: String,
    pub billing_postcode: String,
    pub billing_city: String,
    pub account_holder: String,
    pub iban: String,
}

/// Saves the billing address and bank account (owner only).
pub async fn update_billing(
    state: &AppState,
    me: &CurrentUser,
    input: &RechnungsdatenInput,
) -> Result<(), FormError> {
    if !me.role.manages_practice() {
        return Err(crate::error::AppError::Forbidden.into());
    }
    let mut c = Checker::new(
        "billing",
        echo_pairs(&[
            ("billing_name", &input.billing_name),
            ("billing_street", &input.billing_street),
            ("billing_postcode", &input.billing_postcode),
            ("billing_city", &input.billing_city),
            ("account_holder", &input.account_holder),
            ("iban", &input.iban),
        ]),
    );
    let name = c.field(
        "billing_name",
        ShortText::parse(&input.billing_name, limits::PRACTICE_NAME),
    );
    let street = c.field(
        "billing_street",
        ShortText::parse(&input.billing_street, limits::STREET),
    );
    let postcode = c.field("billing_postcode", Postcode::parse(&input.billing_postcode));
    let city = c.field(
        "billing_city",
        ShortText::parse(&input.billing_city, limits::CITY),
    );
    let holder = c.field(
        "account_holder",
        ShortText::parse(&input.account_holder, limits::PRACTICE_NAME),
    );
    let iban = if input.iban.trim().is_empty() && me.practice.iban.is_some() {
        None
    } else {
        c.field("iban", Iban::parse(&input.iban))
    };
    c.finish()?;
    let mut active = me.practice.clone().into_active_model();
    active.billing_name = Set(name.map(|v| v.as_str().to_owned()));
    active.billing_street = Set(street.map(|v| v.as_str().to_owned()));
    active.billing_postcode = Set(postcode.map(|v| v.as_str().to_owned()));
    active.billing_city = Set(city.map(|v| v.as_str().to_owned()));
    active.account_holder = Set(holder.map(|v| v.as_str().to_owned()));
    if let Some(iban) = iban {
        active.iban = Set(Some(iban.as_str().to_owned()));
    }
    active.updated_at = Set(state.clock.now());
    active.update(&state.db).await?;
    tracing::info!(practice_id = %me.practice.id, "Rechnungsdaten saved");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::RegisterInput;

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
