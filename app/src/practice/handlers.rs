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
        .route("/registrieren", post(register))
        .route("/registrieren/bestaetigen", post(verify_email))
        .route("/anmelden", post(log_in))
        .route("/anmelden/link-erneut-senden", post(resend_verification))
        .route("/anmelden/zweiter-faktor", post(second_factor))
        .route("/abmelden", post(log_out))
        .route("/passwort-vergessen", post(forgot_password))
        .route("/passwort-neu", post(reset_password))
        .route("/praxis/stammdaten", post(save_stammdaten))
        .route("/praxis/rechnungsdaten", post(save_rechnungsdaten))
        .route("/praxis/sicherheit", post(security))
        .route("/praxis/team", post(team))
        .route("/einladung", post(accept_invitation))
}

async fn register(
    State(state): State<AppState>,
    HtmlForm(page, input): HtmlForm<RegisterInput>,
) -> Response {
    let values = input.echo();
    let ip = page.client_ip();
    match registration::register(&state, ip, input).await {
        Ok(()) => see_other("/registrieren/gesendet"),
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
        Ok(true) => see_other("/anmelden?bestaetigt"),
        Ok(false) => see_other("/registrieren/link-ungueltig"),
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
        Ok(LoginOutcome::LoggedIn) => return see_other("/praxis"),
        Ok(LoginOutcome::SecondFactor) => return see_other("/anmelden/zweiter-faktor"),
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
        Ok(()) => see_other("/anmelden?link-gesendet"),
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
        Ok(LoginOutcome::LoggedIn) => return see_other("/praxis"),
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
        Ok(()) => see_other("/anmelden?abgemeldet"),
        Err(e) => e.into_response(),
    }
}

async fn forgot_password(
    State(state): State<AppState>,
    HtmlForm(page, input): HtmlForm<EmailInput>,
) -> Response {
    match reset::request_password_reset(&state, &input.email).await {
        Ok(()) => see_other("/passwort-vergessen?gesendet"),
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
        Ok(true) => see_other("/anmelden?passwort-geaendert"),
        Ok(false) => see_other("/passwort-neu?ungueltig"),
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
        Ok(()) => see_other(&format!("/praxis/stammdaten?gespeichert={form}")),
        Err(e) => page.failure(form, BTreeMap::new(), e).await,
    }
}

async fn save_rechnungsdaten(
    State(state): State<AppState>,
    Owner(me, _): Owner,
    HtmlForm(page, input): HtmlForm<RechnungsdatenInput>,
) -> Response {
    match profile::update_billing(&state, &me, &input).await {
        Ok(()) => see_other("/praxis/rechnungsdaten?gespeichert"),
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
            Ok(()) => see_other("/praxis/sicherheit#einrichten"),
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
            Ok(()) => see_other("/praxis/sicherheit?ausgeschaltet"),
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
            Ok(()) => see_other("/praxis/team?eingeladen"),
            Err(e) => page.failure("invite", BTreeMap::new(), e).await,
        },
        "remove" => match team::remove(&state, &me, &input.id).await {
            Ok(true) => see_other("/praxis/team?entfernt"),
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
        Ok(true) => see_other("/anmelden?eingeladen"),
        Ok(false) => see_other("/einladung?ungueltig"),
        Err(e) => page.failure("password", BTreeMap::new(), e).await,
    }
}
