//! The POST side of the practice pages (and the verification link): parse, call the service,
//! then redirect (303) on success or render the same page again with the problems.

use super::auth::{self, Member, Owner};
use super::service::login::{self, LoginOutcome};
use super::service::profile::{self, RechnungsdatenInput, StammdatenInput};
use super::service::registration::{self, RegisterInput};
use super::service::reset;
use super::tokens::TokenPurpose;
use super::{second_factor, team};
use crate::error::AppError;
use crate::forms::{FormFeedback, Password};
use crate::state::AppState;
use crate::web::{see_other, HtmlForm};
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
    Router,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use tower_sessions::Session;

/// The form endpoints; merged with the Leptos routes that render the same paths for GET.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(crate::paths::REGISTER, post(register))
        .route(crate::paths::REGISTER_VERIFY, post(verify_email))
        .route(crate::paths::LOGIN, post(log_in))
        .route(crate::paths::LOGIN_RESEND, post(resend_verification))
        .route(crate::paths::SECOND_FACTOR, post(second_factor))
        .route(crate::paths::LOGOUT, post(log_out))
        .route(crate::paths::FORGOT_PASSWORD, post(forgot_password))
        .route(crate::paths::NEW_PASSWORD, post(reset_password))
        .route(crate::paths::STAMMDATEN, post(save_stammdaten))
        .route(crate::paths::RECHNUNGSDATEN, post(save_rechnungsdaten))
        .route(crate::paths::SECURITY, post(security))
        .route(crate::paths::TEAM, post(team))
        .route(crate::paths::INVITATION, post(accept_invitation))
}

async fn register(
    State(state): State<AppState>,
    HtmlForm(page, input): HtmlForm<RegisterInput>,
) -> Response {
    let values = input.echo();
    let ip = page.client_ip();
    match registration::register(&state, ip, input).await {
        Ok(()) => see_other(crate::paths::REGISTER_SENT),
        Err(e) => page.failure("register", values, e).await,
    }
}

#[derive(Deserialize)]
struct TokenInput {
    #[serde(default)]
    token: String,
}

/// The button of the verification page (never the GET of the link: scanners open links).
async fn verify_email(
    State(state): State<AppState>,
    HtmlForm(page, input): HtmlForm<TokenInput>,
) -> Response {
    match registration::verify_email(&state, &input.token).await {
        Ok(true) => see_other(&format!("{}?bestaetigt", crate::paths::LOGIN)),
        Ok(false) => see_other(crate::paths::REGISTER_LINK_INVALID),
        Err(e) => {
            tracing::error!(error = %e, "verification failed");
            page.error(&AppError::Internal).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginInput {
    email: String,
    password: Password,
}

async fn log_in(
    State(state): State<AppState>,
    session: Session,
    HtmlForm(page, input): HtmlForm<LoginInput>,
) -> Response {
    let values: BTreeMap<String, String> = [("email".to_owned(), input.email.clone())].into();
    let ip = page.client_ip();
    let outcome = login::log_in(&state, &session, ip, &input.email, input.password.expose()).await;
    let key = match outcome {
        Ok(LoginOutcome::LoggedIn) => return see_other(crate::paths::PRACTICE),
        Ok(LoginOutcome::SecondFactor) => return see_other(crate::paths::SECOND_FACTOR),
        Ok(LoginOutcome::NotVerified) => "login-not-verified",
        Ok(LoginOutcome::Failed) => "login-failed",
        Ok(LoginOutcome::Locked) => "login-locked",
        Ok(LoginOutcome::SecondFactorLocked) => "second-factor-locked",
        Ok(LoginOutcome::Busy) => "login-busy",
        Err(e) => return page.failure("login", values, e).await,
    };
    let status = match key {
        "login-not-verified" => StatusCode::FORBIDDEN,
        "login-busy" => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNAUTHORIZED,
    };
    page.render(FormFeedback::with_notice("login", values, key), status)
        .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailInput {
    email: String,
}

async fn resend_verification(
    State(state): State<AppState>,
    HtmlForm(page, input): HtmlForm<EmailInput>,
) -> Response {
    match registration::resend_verification(&state, &input.email).await {
        Ok(()) => see_other(&format!("{}?link-gesendet", crate::paths::LOGIN)),
        Err(e) => page.failure("login", BTreeMap::new(), e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeInput {
    code: String,
}

async fn second_factor(
    State(state): State<AppState>,
    session: Session,
    HtmlForm(page, input): HtmlForm<CodeInput>,
) -> Response {
    let ip = page.client_ip();
    let key = match login::complete_second_factor(&state, &session, ip, &input.code).await {
        Ok(LoginOutcome::LoggedIn) => return see_other(crate::paths::PRACTICE),
        Ok(LoginOutcome::Locked) => "login-locked",
        Ok(LoginOutcome::SecondFactorLocked) => "second-factor-locked",
        Ok(_) => "second-factor-failed",
        Err(e) => return page.failure("second-factor", BTreeMap::new(), e).await,
    };
    page.render(
        FormFeedback::with_notice("second-factor", BTreeMap::new(), key),
        StatusCode::UNAUTHORIZED,
    )
    .await
}

async fn log_out(session: Session) -> Response {
    match auth::log_out(&session).await {
        Ok(()) => see_other(&format!("{}?abgemeldet", crate::paths::LOGIN)),
        Err(e) => e.into_response(),
    }
}

async fn forgot_password(
    State(state): State<AppState>,
    HtmlForm(page, input): HtmlForm<EmailInput>,
) -> Response {
    match reset::request_password_reset(&state, &input.email).await {
        Ok(()) => see_other(&format!("{}?gesendet", crate::paths::FORGOT_PASSWORD)),
        Err(e) => page.failure("forgot", BTreeMap::new(), e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewPasswordInput {
    token: String,
    password: Password,
}

async fn reset_password(
    State(state): State<AppState>,
    HtmlForm(page, input): HtmlForm<NewPasswordInput>,
) -> Response {
    match reset::set_password_with_token(
        &state,
        TokenPurpose::ResetPassword,
        &input.token,
        input.password.expose(),
    )
    .await
    {
        Ok(true) => see_other(&format!("{}?passwort-geaendert", crate::paths::LOGIN)),
        Ok(false) => see_other(&format!("{}?ungueltig", crate::paths::NEW_PASSWORD)),
        Err(e) => page.failure("password", BTreeMap::new(), e).await,
    }
}

async fn save_stammdaten(
    State(state): State<AppState>,
    Member(me, _): Member,
    HtmlForm(page, input): HtmlForm<StammdatenInput>,
) -> Response {
    let (form, result) = if input.form == "practice" {
        (
            "practice",
            profile::update_practice(&state, &me, &input).await,
        )
    } else {
        ("person", profile::update_person(&state, &me, &input).await)
    };
    match result {
        Ok(()) => see_other(&format!("{}?gespeichert={form}", crate::paths::STAMMDATEN)),
        Err(e) => page.failure(form, BTreeMap::new(), e).await,
    }
}

async fn save_rechnungsdaten(
    State(state): State<AppState>,
    Owner(me, _): Owner,
    HtmlForm(page, input): HtmlForm<RechnungsdatenInput>,
) -> Response {
    match profile::update_billing(&state, &me, &input).await {
        Ok(()) => see_other(&format!("{}?gespeichert", crate::paths::RECHNUNGSDATEN)),
        Err(e) => page.failure("billing", BTreeMap::new(), e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SecurityInput {
    action: String,
    code: String,
    password: Password,
}

/// `/praxis/sicherheit`: start the setup, confirm it with a code, or switch the factor off.
async fn security(
    State(state): State<AppState>,
    Member(me, _): Member,
    HtmlForm(page, input): HtmlForm<SecurityInput>,
) -> Response {
    match input.action.as_str() {
        "start" => match second_factor::start_setup(&state, &me).await {
            Ok(()) => see_other(&format!("{}#einrichten", crate::paths::SECURITY)),
            Err(e) => page.failure("totp-setup", BTreeMap::new(), e).await,
        },
        "confirm" => {
            match second_factor::confirm_setup(&state, &me, input.password.expose(), &input.code)
                .await
            {
                // Shown once, in this answer; nothing keeps them afterwards.
                Ok(codes) => {
                    let mut feedback = FormFeedback::for_form("totp-codes");
                    feedback.values.insert("codes".to_owned(), codes.join("\n"));
                    page.render(feedback, StatusCode::OK).await
                }
                Err(e) => page.failure("totp-setup", BTreeMap::new(), e).await,
            }
        }
        "disable" => match second_factor::disable(&state, &me, input.password.expose()).await {
            Ok(()) => see_other(&format!("{}?ausgeschaltet", crate::paths::SECURITY)),
            Err(e) => page.failure("totp-off", BTreeMap::new(), e).await,
        },
        _ => page.error(&AppError::BadRequest).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TeamInput {
    action: String,
    id: String,
    #[serde(flatten)]
    invite: team::InviteInput,
}

/// `/praxis/team`: invite someone or remove a member.
async fn team(
    State(state): State<AppState>,
    Owner(me, _): Owner,
    HtmlForm(page, input): HtmlForm<TeamInput>,
) -> Response {
    match input.action.as_str() {
        "invite" => match team::invite(&state, &me, &input.invite).await {
            Ok(()) => see_other(&format!("{}?eingeladen", crate::paths::TEAM)),
            Err(e) => page.failure("invite", BTreeMap::new(), e).await,
        },
        "remove" => match team::remove(&state, &me, &input.id).await {
            Ok(true) => see_other(&format!("{}?entfernt", crate::paths::TEAM)),
            Ok(false) => page.error(&AppError::BadRequest).await,
            Err(e) => page.failure("invite", BTreeMap::new(), e).await,
        },
        _ => page.error(&AppError::BadRequest).await,
    }
}

/// `/einladung`: the invited person chooses a password.
async fn accept_invitation(
    State(state): State<AppState>,
    HtmlForm(page, input): HtmlForm<NewPasswordInput>,
) -> Response {
    match reset::set_password_with_token(
        &state,
        TokenPurpose::Invitation,
        &input.token,
        input.password.expose(),
    )
    .await
    {
        Ok(true) => see_other(&format!("{}?eingeladen", crate::paths::LOGIN)),
        Ok(false) => see_other(&format!("{}?ungueltig", crate::paths::INVITATION)),
        Err(e) => page.failure("password", BTreeMap::new(), e).await,
    }
}
