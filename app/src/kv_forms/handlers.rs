//! Downloads of the KV-Antrag area (logged-in practice members, their own practice only).

use super::documents::{self, Filling};
use super::kvs;
use super::service::{self, KvFormError};
use crate::policy::PRODUCT_NAME;
use crate::practice::auth::{AsJson, CurrentUser, Member};
use crate::state::AppState;
use axum::{
    extract::{Path, Query, State},
    http::Uri,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(crate::paths::KV_SELF_DISCLOSURE_PDF, get(self_disclosure))
        .route(crate::paths::KV_APPLICATION_PDF, get(application))
        .route(crate::paths::KV_CONFIRMATION_PDF, get(confirmation))
        .route(crate::paths::KV_CERTIFICATE_ROUTE, get(certificate))
}

/// The form's fields, as the KV-Antrag page sends them (all optional).
#[derive(Debug, Deserialize)]
struct FormQuery {
    kv: Option<String>,
    arzt: Option<String>,
    beginn: Option<String>,
}

async fn self_disclosure(State(state): State<AppState>, Member(me, _): Member<AsJson>) -> Response {
    let bytes =
        super::self_disclosure::render(&state.settings.operator, &me.practice, PRODUCT_NAME);
    crate::pdf::download(bytes, "Selbstauskunft-Videosprechstunde.pdf")
}

/// Which of the two per-KV documents.
#[derive(Clone, Copy)]
enum Kind {
    Application,
    Confirmation,
}

async fn per_kv(state: &AppState, me: CurrentUser, uri: &Uri, kind: Kind) -> Response {
    let filled = async {
        let Query(query) = Query::<FormQuery>::try_from_uri(uri).map_err(|_| KvFormError::Query)?;
        let kv = service::kv_or_own(query.kv.as_deref(), &me)?;
        let start = service::start_date(query.beginn.as_deref())?;
        let doctor = service::doctor(state, &me, query.arzt.as_deref()).await?;
        Ok::<_, KvFormError>((kv, start, doctor))
    };
    let (kv, start, doctor) = match filled.await {
        Ok(filled) => filled,
        Err(e) => return e.into_response(),
    };
    let email = doctor
        .as_ref()
        .map_or(me.user.email.as_str(), |d| d.email.as_str());
    let filling = Filling {
        kv,
        practice: &me.practice,
        doctor: doctor.as_ref(),
        email,
        start,
        operator: &state.settings.operator,
        certificates: &state.settings.certificates,
        service: PRODUCT_NAME,
    };
    match kind {
        Kind::Application => {
            crate::pdf::download(documents::application(&filling), &kvs::form_file_name(kv))
        }
        Kind::Confirmation => crate::pdf::download(
            documents::confirmation(&filling),
            &kvs::confirmation_file_name(kv),
        ),
    }
}

async fn application(
    State(state): State<AppState>,
    Member(me, _): Member<AsJson>,
    uri: Uri,
) -> Response {
    per_kv(&state, me, &uri, Kind::Application).await
}

async fn confirmation(
    State(state): State<AppState>,
    Member(me, _): Member<AsJson>,
    uri: Uri,
) -> Response {
    per_kv(&state, me, &uri, Kind::Confirmation).await
}

/// `/praxis/kv-antrag/zertifikat/1.pdf`: the operator's first configured certificate.
async fn certificate(
    State(state): State<AppState>,
    _: Member<AsJson>,
    Path(file): Path<String>,
) -> Response {
    let Some(index) = file
        .strip_suffix(".pdf")
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| n.checked_sub(1))
    else {
        return KvFormError::CertificateNotFound.into_response();
    };
    match service::certificate_file(&state, index).await {
        Ok((name, bytes)) => crate::pdf::download(bytes, &name),
        Err(e) => e.into_response(),
    }
}
