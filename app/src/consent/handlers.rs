//! HTTP side of consent: the PDF template for practice and patient, the key's wraps, sealed
//! uploads (patient with the access code's pass, practice member for a scan), sealed downloads
//! for the practice's browser, and the review forms.

use super::document::{MAX_DOCUMENT_BYTES, MAX_SEALED_BYTES};
use super::service::audit::Actor;
use super::service::error::ConsentError;
use super::service::review::Review;
use super::service::{documents, keys, overview, review};
use super::template::ConsentTemplate;
use super::types::KeyUpload;
use crate::appointment::pass::PatientsOwnPass;
use crate::entities::{appointment, practice};
use crate::error::AppError;
use crate::practice::auth::{AsJson, CurrentUser, Doctor, Member};
use crate::state::AppState;
use crate::web::{body::BodyLimit, HtmlForm};
use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use sea_orm::EntityTrait;
use serde::Deserialize;
use uuid::Uuid;

/// The body limit of the two upload routes: a whole sealed document. Every other route keeps
/// the small general limit.
pub const UPLOAD_LIMIT: BodyLimit = BodyLimit::documents(MAX_SEALED_BYTES, MAX_DOCUMENT_BYTES);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            crate::paths::PRACTICE_CONSENT_FORM_ROUTE,
            get(public_template),
        )
        .route(crate::paths::PATIENT_CONSENT_FORM, get(patient_template))
        .route(crate::paths::CONSENTS, post(save_paragraph))
        .route(crate::paths::CONSENT_BLANK_FORM, get(blank_template))
        .route(crate::paths::CONSENT_KEY, get(key_wraps).post(save_key))
        .route(crate::paths::CONSENT_ROUTE, post(review))
        .route(crate::paths::CONSENT_DOCUMENT_ROUTE, get(sealed_document))
        .route(
            crate::paths::APPOINTMENT_CONSENT_FORM_ROUTE,
            get(appointment_template),
        )
        .route(
            crate::paths::APPOINTMENT_PAPER_CONSENT_ROUTE,
            post(record_paper),
        )
}

/// The routes that declare their own body limit ([`UPLOAD_LIMIT`]); the server merges them
/// after laying the general limit over all the others.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route(
            crate::paths::PATIENT_CONSENT_UPLOAD,
            UPLOAD_LIMIT.on(post(patient_upload)),
        )
        .route(
            crate::paths::APPOINTMENT_CONSENT_UPLOAD_ROUTE,
            UPLOAD_LIMIT.on(post(practice_upload)),
        )
}

/// The consent form as a PDF download; never cached (it carries a patient's name).
pub(crate) fn pdf_response(practice: &practice::Model, patient_name: Option<&str>) -> Response {
    let bytes = ConsentTemplate {
        practice_name: &practice.name,
        practice_address: practice.address_lines(),
        patient_name,
        practice_paragraph: practice.consent_paragraph.as_deref(),
        service_name: crate::policy::PRODUCT_NAME,
    }
    .render();
    crate::pdf::download(bytes, "Einverstaendniserklaerung.pdf")
}

/// The form for any patient of a practice: linked from the invitation e-mail, so it works
/// without the access code and carries no patient data.
async fn public_template(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    match practice_from_file(&state, &file).await {
        Ok(practice) => pdf_response(&practice, None),
        Err(r) => r,
    }
}

/// The practice named by a public link's file name `<practice id>.pdf` (the consent form and
/// the patient guide), or the 404 to answer.
pub(crate) async fn practice_from_file(
    state: &AppState,
    file: &str,
) -> Result<practice::Model, Response> {
    let Some(Ok(id)) = file.strip_suffix(".pdf").map(Uuid::parse_str) else {
        return Err(AppError::NotFound.into_response());
    };
    match practice::Entity::find_by_id(id).one(&state.db).await {
        Ok(Some(practice)) => Ok(practice),
        Ok(None) => Err(AppError::NotFound.into_response()),
        Err(e) => Err(ConsentError::from(e).into_response()),
    }
}

/// The patient's own form with their name, from the patient page.
async fn patient_template(
    State(state): State<AppState>,
    PatientsOwnPass(_, row): PatientsOwnPass,
) -> Response {
    match practice::Entity::find_by_id(row.practice_id)
        .one(&state.db)
        .await
    {
        Ok(Some(practice)) => pdf_response(&practice, Some(&row.patient_name)),
        Ok(None) => AppError::NotFound.into_response(),
        Err(e) => ConsentError::from(e).into_response(),
    }
}

async fn blank_template(Member(me, _): Member<AsJson>) -> Response {
    pdf_response(&me.practice, None)
}

/// An appointment of the member's own practice; `NotFound` for any other.
async fn own_appointment(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<appointment::Model, AppError> {
    crate::appointment::lookup::find(state, me, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn appointment_template(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Member(me, _): Member<AsJson>,
) -> Result<Response, AppError> {
    let row = own_appointment(&state, &me, &id).await?;
    Ok(pdf_response(&me.practice, Some(&row.patient_name)))
}

/// Reads a sealed upload frame by frame up to the limit; a longer body is "too large", not a
/// broken request. (A declared `Content-Length` over the limit never gets here:
/// [`UPLOAD_LIMIT`] refuses it on the upload routes.)
async fn read_sealed(body: Body, declared: Option<u64>) -> Result<Vec<u8>, ConsentError> {
    use axum::body::HttpBody;
    let too_large = || ConsentError::TooLarge(MAX_SEALED_BYTES + 1);
    let hint = declared
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
        .min(MAX_SEALED_BYTES);
    let mut bytes = Vec::with_capacity(hint);
    let mut body = body;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let Ok(data) = frame.map_err(|_| too_large())?.into_data() else {
            continue;
        };
        if bytes.len() + data.len() > MAX_SEALED_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&data);
    }
    Ok(bytes)
}

/// An upload whose sender is known (pass or login checked): takes an upload slot, checks rate,
/// key and quota, and only then reads the body and stores it (issue 22, point 16). A refused
/// upload is answered before its body is read.
async fn receive_document(
    state: &AppState,
    row: &appointment::Model,
    actor: Actor,
    request: Request,
) -> Response {
    let Ok(_slot) = state.uploads.clone().try_acquire_owned() else {
        tracing::warn!("consent upload refused: too many at the same time");
        return ConsentError::Crowded.into_response();
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if let Err(e) = documents::admit_upload(state, row, actor, declared).await {
        return e.into_response();
    }
    let sealed = match read_sealed(request.into_body(), declared).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    match documents::store_document(state, row, actor, sealed).await {
        Ok(id) => stored(id),
        Err(e) => e.into_response(),
    }
}

fn stored(id: Uuid) -> Response {
    (
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id.to_string() })),
    )
        .into_response()
}

async fn patient_upload(
    State(state): State<AppState>,
    PatientsOwnPass(_, row): PatientsOwnPass,
    request: Request,
) -> Response {
    receive_document(&state, &row, Actor::Patient, request).await
}

async fn practice_upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Doctor(me, _): Doctor<AsJson>,
    request: Request,
) -> Result<Response, AppError> {
    let row = own_appointment(&state, &me, &id).await?;
    Ok(receive_document(&state, &row, Actor::Member(me.user.id), request).await)
}

async fn key_wraps(State(state): State<AppState>, Member(me, _): Member<AsJson>) -> Response {
    match keys::key_wraps(&state, &me).await {
        Ok(wraps) => ([(header::CACHE_CONTROL, "no-store")], Json(wraps)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn save_key(
    State(state): State<AppState>,
    Member(me, _): Member<AsJson>,
    request: Request,
) -> Response {
    let upload = match axum::body::to_bytes(request.into_body(), 16 * 1024)
        .await
        .ok()
        .and_then(|b| serde_json::from_slice::<KeyUpload>(&b).ok())
    {
        Some(u) => u,
        None => return ConsentError::BadKey.into_response(),
    };
    match keys::save_key(&state, &me, upload).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn sealed_document(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Member(me, _): Member<AsJson>,
) -> Response {
    match documents::sealed_document(&state, &me, &id).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            Body::from(bytes),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// The buttons of the consent's detail page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReviewForm {
    /// `confirm`, `withdraw`, `delete` or `delete-document`.
    action: String,
    document: String,
}

async fn review(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Member(me, _): Member,
    HtmlForm(page, form): HtmlForm<ReviewForm>,
) -> Response {
    let back = crate::paths::consent(id.trim());
    let result = match form.action.as_str() {
        "confirm" => review::review(&state, &me, &id, Review::Confirm)
            .await
            .map(|_| format!("{back}?bestaetigt")),
        "withdraw" => review::review(&state, &me, &id, Review::Withdraw)
            .await
            .map(|_| format!("{back}?widerrufen")),
        "delete" => review::review(&state, &me, &id, Review::Delete)
            .await
            .map(|_| format!("{}?geloescht", crate::paths::CONSENTS)),
        "delete-document" => documents::delete_document(&state, &me, &form.document)
            .await
            .map(|consent| format!("{}?dokument-geloescht", crate::paths::consent(consent))),
        _ => Err(ConsentError::Invalid),
    };
    match result {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => page.error(&AppError::from(e)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PaperForm {
    /// `YYYY-MM-DD`.
    received_on: String,
}

async fn record_paper(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Member(me, _): Member,
    HtmlForm(page, form): HtmlForm<PaperForm>,
) -> Response {
    let row = match own_appointment(&state, &me, &id).await {
        Ok(row) => row,
        Err(e) => return page.error(&e).await,
    };
    let Some(date) = crate::time::parse_iso_date(&form.received_on) else {
        return Redirect::to(&format!(
            "{}?einwilligung-datum",
            crate::paths::appointment(row.id)
        ))
        .into_response();
    };
    match review::record_paper(&state, &me, &row, date).await {
        Ok(_) => Redirect::to(&format!(
            "{}?einwilligung-erhalten",
            crate::paths::appointment(row.id)
        ))
        .into_response(),
        Err(ConsentError::Invalid) => Redirect::to(&format!(
            "{}?einwilligung-datum",
            crate::paths::appointment(row.id)
        ))
        .into_response(),
        Err(e) => page.error(&AppError::from(e)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ParagraphForm {
    paragraph: String,
}

async fn save_paragraph(
    State(state): State<AppState>,
    Member(me, _): Member,
    HtmlForm(page, form): HtmlForm<ParagraphForm>,
) -> Response {
    match overview::save_paragraph(&state, &me, &form.paragraph).await {
        Ok(()) => Redirect::to(&format!("{}?gespeichert", crate::paths::CONSENTS)).into_response(),
        Err(ConsentError::Invalid) => {
            Redirect::to(&format!("{}?zu-lang", crate::paths::CONSENTS)).into_response()
        }
        Err(e) => page.error(&AppError::from(e)).await,
    }
}
