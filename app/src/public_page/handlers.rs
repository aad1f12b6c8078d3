//! The POST of the settings page, the QR code, and the consent form under the page's address.

use super::guide::{self, GuidePractice};
use super::service::{self, PageSettingsInput};
use crate::entities::practice;
use crate::error::AppError;
use crate::practice::auth::{current_user, AsJson, Member, Owner};
use crate::state::AppState;
use crate::web::{see_other, HtmlForm};
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use std::collections::BTreeMap;
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(crate::paths::PUBLIC_PAGE_SETTINGS, post(save))
        .route(crate::paths::PUBLIC_PAGE_QR, get(qr_code))
        .route(
            crate::paths::PUBLIC_CONSENT_FORM_ROUTE,
            get(consent_template),
        )
        .route(crate::paths::PUBLIC_GUIDE_ROUTE, get(page_guide))
        .route(crate::paths::INVITATION_GUIDE_ROUTE, get(invitation_guide))
}

fn guide_response(state: &AppState, practice: &practice::Model) -> Response {
    let p = GuidePractice {
        name: practice.name.clone(),
        address: practice.address_lines(),
        phone: practice.phone.clone(),
    };
    let bytes = guide::render(
        Some(&p),
        state.settings.appointments.code_opens_minutes_before,
    );
    // Opened in the browser's viewer: a patient on a phone reads it at once.
    crate::pdf::inline(bytes, guide::FILE_NAME)
}

/// The guide for the patients of the practice whose page this is.
async fn page_guide(
    State(state): State<AppState>,
    Path(short_name): Path<String>,
    session: Session,
) -> Response {
    match visible_practice(&state, &short_name, &session).await {
        Ok(practice) => guide_response(&state, &practice),
        Err(r) => r,
    }
}

/// The guide linked from invitation e-mails (`/anleitung/<practice id>.pdf`): like the consent
/// form's link it works whether or not the practice's page is switched on, and carries no
/// patient data.
async fn invitation_guide(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    match crate::consent::handlers::practice_from_file(&state, &file).await {
        Ok(practice) => guide_response(&state, &practice),
        Err(r) => r,
    }
}

/// The practice of a page the visitor may see, or the 404 to answer.
async fn visible_practice(
    state: &AppState,
    short_name: &str,
    session: &Session,
) -> Result<practice::Model, Response> {
    let viewer = current_user(session, &state.db, state.clock.now())
        .await
        .ok()
        .flatten();
    match service::find(state, short_name, viewer.as_ref()).await {
        Ok(Some((practice, _))) => Ok(practice),
        Ok(None) => Err(AppError::NotFound.into_response()),
        Err(e) => {
            tracing::error!(error = %e, "loading a public practice page failed");
            Err(AppError::Internal.into_response())
        }
    }
}

async fn save(
    State(state): State<AppState>,
    Owner(me, _): Owner,
    HtmlForm(page, input): HtmlForm<PageSettingsInput>,
) -> Response {
    match service::save(&state, &me, &input).await {
        Ok(()) => see_other(&format!(
            "{}?gespeichert",
            crate::paths::PUBLIC_PAGE_SETTINGS
        )),
        Err(e) => page.failure("public-page", BTreeMap::new(), e).await,
    }
}

/// The page's address as a QR code, for the poster in the waiting room.
async fn qr_code(State(state): State<AppState>, Member(me, _): Member<AsJson>) -> Response {
    let Some(short_name) = me.practice.short_name.as_deref() else {
        return AppError::NotFound.into_response();
    };
    match crate::practice::totp::qr_svg(&service::address(&state, short_name)) {
        Ok(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            svg,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "QR code of the practice page failed");
            AppError::Internal.into_response()
        }
    }
}

/// The blank consent form, wherever the page itself may be seen.
async fn consent_template(
    State(state): State<AppState>,
    Path(short_name): Path<String>,
    session: Session,
) -> Response {
    match visible_practice(&state, &short_name, &session).await {
        Ok(practice) => crate::consent::handlers::pdf_response(&practice, None),
        Err(r) => r,
    }
}
