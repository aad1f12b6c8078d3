//! The error every server function returns when nothing more specific applies: a typed value
//! that maps to an HTTP status and a German message, never to database or internal text.

use leptos::server_fn::error::ServerFnErrorErr;
use leptos::server_fn::{codec::JsonEncoding, error::FromServerFnError};
use serde::{Deserialize, Serialize};

/// Errors shared by all domains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Something failed on the server; details are in the server log, never in the response.
    #[error("internal error")]
    Internal,
    /// The request could not be sent or its answer not read (network, encoding).
    #[error("transport error")]
    Transport,
    /// The client sent something the server does not accept.
    #[error("bad request")]
    BadRequest,
    /// Not logged in (or the session has ended).
    #[error("not logged in")]
    Unauthorized,
    /// Logged in, but the role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// Too many requests; try again later.
    #[error("busy")]
    Busy,
    /// No such thing (or not the caller's: the answer is the same).
    #[error("not found")]
    NotFound,
    /// A date parameter is not a date or lies outside the supported years
    /// ([`crate::time::parse_iso_date`]).
    #[error("invalid date")]
    InvalidDate,
}

impl AppError {
    /// The Fluent key of the message shown to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::Internal => "error-internal",
            AppError::Transport => "error-transport",
            AppError::BadRequest => "error-bad-request",
            AppError::Unauthorized => "error-unauthorized",
            AppError::Forbidden => "error-forbidden",
            AppError::Busy => "error-busy",
            AppError::NotFound => "error-not-found",
            AppError::InvalidDate => "error-invalid-date",
        }
    }

    /// The HTTP status the server answers with.
    #[cfg(feature = "ssr")]
    pub fn status_code(&self) -> http::StatusCode {
        match self {
            AppError::Internal => http::StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport => http::StatusCode::BAD_GATEWAY,
            AppError::BadRequest => http::StatusCode::BAD_REQUEST,
            AppError::Unauthorized => http::StatusCode::UNAUTHORIZED,
            AppError::Forbidden => http::StatusCode::FORBIDDEN,
            AppError::Busy => http::StatusCode::TOO_MANY_REQUESTS,
            AppError::NotFound => http::StatusCode::NOT_FOUND,
            AppError::InvalidDate => http::StatusCode::BAD_REQUEST,
        }
    }
}

/// Gives a server function's error its HTTP status (server_fn itself always answers 500);
/// every server function returns through this.
#[cfg(feature = "ssr")]
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(e.status_code());
        }
    }
    result
}

/// Plain axum handlers answer errors as JSON with the German message and the right status.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        json_error(self.status_code(), self.message_key())
    }
}

/// The JSON error answer of plain handlers: `{"error": key, "message": German text}`.
#[cfg(feature = "ssr")]
pub fn json_error(status: http::StatusCode, message_key: &str) -> axum::response::Response {
    json_error_with(status, message_key, &[])
}

/// Like [`json_error`], for a message with Fluent variables.
#[cfg(feature = "ssr")]
pub fn json_error_with(
    status: http::StatusCode,
    message_key: &str,
    args: &[(&str, &str)],
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let message = crate::i18n::I18n {
        locale: crate::i18n::Locale::De,
    }
    .t_with(message_key, args);
    (
        status,
        axum::Json(serde_json::json!({ "error": message_key, "message": message })),
    )
        .into_response()
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Transport,
            ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::Serialization(_) => {
                AppError::Transport
            }
            _ => AppError::Internal,
        }
    }
}
