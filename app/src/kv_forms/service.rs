//! The KV-Antrag area's rules: which KV, which physician and which start date a document is
//! filled with, always within the logged-in member's own practice.

use super::kvs::{self, KV_FACTS};
use super::types::{CertificateRow, DoctorChoice, KvPage, KvRow};
use crate::entities::practice_user;
use crate::error::{AppError, UserFacing};
use crate::fields::KvRegion;
use crate::practice::auth::{display_name, CurrentUser};
use crate::state::AppState;
use chrono::NaiveDate as Date;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// Why a KV document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum KvFormError {
    /// The `kv` parameter names no KV.
    #[error("unknown KV")]
    UnknownKv,
    /// The query string is malformed (e.g. a field twice).
    #[error("bad query")]
    Query,
    /// The start date is not a date (YYYY-MM-DD).
    #[error("bad start date")]
    StartDate,
    /// No such physician in the caller's practice.
    #[error("doctor not found")]
    DoctorNotFound,
    /// No such certificate, or its file is missing.
    #[error("certificate not found")]
    CertificateNotFound,
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

impl UserFacing for KvFormError {
    fn message_key(&self) -> &str {
        match self {
            KvFormError::UnknownKv => "kv-error-unknown-kv",
            KvFormError::Query => "error-bad-request",
            KvFormError::StartDate => "kv-error-start-date",
            KvFormError::DoctorNotFound => "kv-error-doctor",
            KvFormError::CertificateNotFound => "kv-error-certificate",
            KvFormError::Database(_) => "error-internal",
        }
    }

    fn status(&self) -> http::StatusCode {
        match self {
            KvFormError::UnknownKv | KvFormError::StartDate | KvFormError::Query => {
                http::StatusCode::BAD_REQUEST
            }
            KvFormError::DoctorNotFound | KvFormError::CertificateNotFound => {
                http::StatusCode::NOT_FOUND
            }
            KvFormError::Database(_) => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl axum::response::IntoResponse for KvFormError {
    fn into_response(self) -> axum::response::Response {
        if let KvFormError::Database(e) = &self {
            tracing::error!(error = %e, "KV document failed");
        }
        crate::error::json_response(&self)
    }
}

/// The KV a document is for: the one asked for, else the practice's own.
pub fn kv_or_own(requested: Option<&str>, me: &CurrentUser) -> Result<KvRegion, KvFormError> {
    match requested.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => KvRegion::parse(slug).map_err(|_| KvFormError::UnknownKv),
        None => Ok(me.practice.kv_region),
    }
}

/// The start date as sent by a date field (`2027-01-04`); empty means not given.
pub fn start_date(input: Option<&str>) -> Result<Option<Date>, KvFormError> {
    let Some(text) = input.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    crate::time::parse_iso_date(text)
        .map(Some)
        .ok_or(KvFormError::StartDate)
}

/// Members who can hold video consultations (owner and doctors), by name.
async fn physicians(
    state: &AppState,
    me: &CurrentUser,
) -> Result<Vec<practice_user::Model>, DbErr> {
    let members = practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(me.practice.id))
        .order_by_asc(practice_user::Column::LastName)
        .order_by_asc(practice_user::Column::FirstName)
        .all(&state.db)
        .await?;
    Ok(members
        .into_iter()
        .filter(|m| m.role.holds_calls())
        .collect())
}

/// The physician a document is for: the one asked for (404 unless they are a physician of the
/// caller's own practice), else the caller if they are one, else nobody (blank lines).
pub async fn doctor(
    state: &AppState,
    me: &CurrentUser,
    requested: Option<&str>,
) -> Result<Option<practice_user::Model>, KvFormError> {
    let requested = requested.map(str::trim).filter(|s| !s.is_empty());
    let all = physicians(state, me).await?;
    match requested {
        Some(id) => {
            let id = Uuid::parse_str(id).map_err(|_| KvFormError::DoctorNotFound)?;
            all.into_iter()
                .find(|m| m.id == id)
                .map(Some)
                .ok_or(KvFormError::DoctorNotFound)
        }
        None => Ok(all.into_iter().find(|m| m.id == me.user.id)),
    }
}

/// Everything the KV-Antrag page shows.
pub async fn page(state: &AppState, me: &CurrentUser) -> Result<KvPage, AppError> {
    let own = me.practice.kv_region;
    let kvs = KV_FACTS
        .iter()
        .map(|facts| KvRow {
            slug: facts.kv.slug().to_owned(),
            name: facts.kv.display_name().to_owned(),
            option_label: facts.kv.option_label(),
            abbreviation: facts.kv.abbreviation().to_owned(),
            procedure_key: facts.procedure.label_key().to_owned(),
            note: facts.note.map(str::to_owned),
            send_to: facts.send_to.map(str::to_owned),
            source_url: facts.source.map(|s| s.url.to_owned()),
            source_dated: facts.source.map(|s| s.dated.to_owned()),
            own: facts.kv == own,
        })
        .collect();
    let doctors = physicians(state, me)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "loading physicians failed");
            AppError::Internal
        })?
        .into_iter()
        .map(|m| DoctorChoice {
            id: m.id.to_string(),
            name: display_name(&m),
            me: m.id == me.user.id,
        })
        .collect();
    let certificates = state
        .settings
        .certificates
        .iter()
        .enumerate()
        .map(|(index, c)| CertificateRow {
            index,
            title: c.title.clone(),
            issuer: c.issuer.clone(),
            number: c.number.clone(),
            valid_until: c.valid_until.clone(),
            downloadable: c.file.is_some(),
        })
        .collect();
    Ok(KvPage {
        kvs,
        doctors,
        certificates,
        operator_name: state.settings.operator.name.clone(),
        operator_example: state.settings.operator.example,
        as_of: kvs::AS_OF.to_owned(),
    })
}

/// The largest certificate file served (a scanned certificate is a few MB).
pub const MAX_CERTIFICATE_BYTES: u64 = 20 * 1024 * 1024;

/// The configured certificate file number `index`, read from disk.
pub async fn certificate_file(
    state: &AppState,
    index: usize,
) -> Result<(String, Vec<u8>), KvFormError> {
    let certificate = state
        .settings
        .certificates
        .get(index)
        .ok_or(KvFormError::CertificateNotFound)?;
    let path = certificate
        .file
        .as_ref()
        .ok_or(KvFormError::CertificateNotFound)?;
    let too_big = tokio::fs::metadata(path)
        .await
        .map(|m| m.len() > MAX_CERTIFICATE_BYTES);
    let bytes = match too_big {
        Ok(false) => tokio::fs::read(path).await.ok(),
        Ok(true) | Err(_) => None,
    };
    let Some(bytes) = bytes else {
        // The operator's configuration names a file that is missing or too large.
        tracing::warn!(
            certificate = index,
            "configured certificate file is not readable"
        );
        return Err(KvFormError::CertificateNotFound);
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .map_or_else(|| format!("Zertifikat-{}.pdf", index + 1), str::to_owned);
    Ok((name, bytes))
}
