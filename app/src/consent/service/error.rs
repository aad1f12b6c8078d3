//! What can go wrong with consents, and how each refusal reads and answers.

use crate::error::{AppError, UserFacing};
use sea_orm::DbErr;

/// What can go wrong with consents, each with its German message.
#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
    #[error("the practice has no key for documents yet")]
    NoKey,
    #[error("key already set up with another public key")]
    KeyExists,
    #[error("malformed key")]
    BadKey,
    #[error("empty upload")]
    Empty,
    #[error("upload too large: {0} bytes")]
    TooLarge(usize),
    #[error("too many documents")]
    TooManyDocuments,
    #[error("too many uploads")]
    Busy,
    #[error("the practice's storage quota is used up")]
    QuotaFull,
    #[error("too many uploads at the same time")]
    Crowded,
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("invalid input")]
    Invalid,
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

impl UserFacing for ConsentError {
    fn message_key(&self) -> &str {
        match self {
            ConsentError::NoKey => "consent-error-no-key",
            ConsentError::KeyExists => "consent-error-key-exists",
            ConsentError::BadKey => "consent-error-bad-key",
            ConsentError::Empty => "consent-upload-empty",
            ConsentError::TooLarge(_) => "consent-upload-too-large",
            ConsentError::TooManyDocuments => "consent-error-too-many",
            ConsentError::Busy => "error-busy",
            ConsentError::QuotaFull => "consent-error-quota",
            ConsentError::Crowded => "consent-error-crowded",
            ConsentError::NotFound => "error-not-found",
            ConsentError::Forbidden => "error-forbidden",
            ConsentError::Invalid => "error-bad-request",
            ConsentError::Database(_) => "error-internal",
        }
    }

    /// `$max_mb` for a file that is too large.
    fn message_args(&self) -> Vec<(&str, String)> {
        match self {
            ConsentError::TooLarge(_) => vec![(
                "max_mb",
                (crate::consent::document::MAX_DOCUMENT_BYTES >> 20).to_string(),
            )],
            _ => Vec::new(),
        }
    }

    fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            ConsentError::NoKey | ConsentError::KeyExists | ConsentError::TooManyDocuments => {
                S::CONFLICT
            }
            ConsentError::BadKey | ConsentError::Empty | ConsentError::Invalid => S::BAD_REQUEST,
            ConsentError::TooLarge(_) => S::PAYLOAD_TOO_LARGE,
            ConsentError::Busy => S::TOO_MANY_REQUESTS,
            ConsentError::QuotaFull => S::INSUFFICIENT_STORAGE,
            ConsentError::Crowded => S::SERVICE_UNAVAILABLE,
            ConsentError::NotFound => S::NOT_FOUND,
            ConsentError::Forbidden => S::FORBIDDEN,
            ConsentError::Database(_) => S::INTERNAL_SERVER_ERROR,
        }
    }
}

impl axum::response::IntoResponse for ConsentError {
    fn into_response(self) -> axum::response::Response {
        if let ConsentError::Database(e) = &self {
            tracing::error!(error = %e, "consent action failed");
        }
        crate::error::json_response(&self)
    }
}

/// For server functions: the refusal keeps its message and status; database details go to the
/// log only.
impl From<ConsentError> for AppError {
    fn from(e: ConsentError) -> Self {
        match e {
            ConsentError::NotFound => AppError::NotFound,
            ConsentError::Forbidden => AppError::Forbidden,
            ConsentError::Busy => AppError::Busy,
            ConsentError::Database(e) => {
                tracing::error!(error = %e, "consent action failed");
                AppError::Internal
            }
            other => AppError::refused(&other),
        }
    }
}
