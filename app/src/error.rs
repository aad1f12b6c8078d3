//! The one error model. Every error a user gets to see implements [`UserFacing`] (an HTTP
//! status and the Fluent key of a German message, never database or internal text); scripts
//! get it as JSON in one shape ([`json_response`]), form posts as an HTML page
//! (`web::error_page`). [`AppError`] is what server functions return when nothing more specific
//! applies; a domain's own refusal keeps its key and status in [`AppError::Refused`].

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
    /// A domain's own refusal (e.g. a consent rule), with its HTTP status, Fluent key and
    /// variables kept.
    #[error("refused: {key}")]
    Refused {
        status: u16,
        key: String,
        args: Vec<(String, String)>,
    },
}

impl AppError {
    /// The Fluent key of the message shown to the user.
    pub fn message_key(&self) -> &str {
        match self {
            AppError::Internal => "error-internal",
            AppError::Transport => "error-transport",
            AppError::BadRequest => "error-bad-request",
            AppError::Unauthorized => "error-unauthorized",
            AppError::Forbidden => "error-forbidden",
            AppError::Busy => "error-busy",
            AppError::NotFound => "error-not-found",
            AppError::InvalidDate => "error-invalid-date",
            AppError::Refused { key, .. } => key,
        }
    }

    /// The refusal of any [`UserFacing`] error, its key, status and variables kept.
    #[cfg(feature = "ssr")]
    pub fn refused(e: &(impl UserFacing + ?Sized)) -> Self {
        AppError::Refused {
            status: e.status().as_u16(),
            key: e.message_key().to_owned(),
            args: e.owned_args(),
        }
    }
}

/// An error a user gets to see: the HTTP status it is answered with and the Fluent key of its
/// German message. Every error type that reaches a response implements it.
#[cfg(feature = "ssr")]
pub trait UserFacing {
    /// The HTTP status of the answer.
    fn status(&self) -> http::StatusCode;
    /// The Fluent key of the message.
    fn message_key(&self) -> &str;
    /// The Fluent variables of the message.
    fn message_args(&self) -> Vec<(&str, String)> {
        Vec::new()
    }
    /// The `error` field of the JSON answer: the message key, unless callers rely on an
    /// older code (the request guards' `payload_too_large`, `forbidden_origin` …).
    fn code(&self) -> &str {
        self.message_key()
    }
    /// The variables with owned names, to keep beyond the error (a refusal, a page's context).
    fn owned_args(&self) -> Vec<(String, String)> {
        self.message_args()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
    }
    /// The message in German, with its variables.
    fn german_message(&self) -> String {
        let args = self.message_args();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        crate::i18n::translate_with(crate::i18n::Locale::De, self.message_key(), &args)
    }
}

#[cfg(feature = "ssr")]
impl UserFacing for AppError {
    fn status(&self) -> http::StatusCode {
        match self {
            AppError::Internal => http::StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport => http::StatusCode::BAD_GATEWAY,
            AppError::BadRequest => http::StatusCode::BAD_REQUEST,
            AppError::Unauthorized => http::StatusCode::UNAUTHORIZED,
            AppError::Forbidden => http::StatusCode::FORBIDDEN,
            AppError::Busy => http::StatusCode::TOO_MANY_REQUESTS,
            AppError::NotFound => http::StatusCode::NOT_FOUND,
            AppError::InvalidDate => http::StatusCode::BAD_REQUEST,
            AppError::Refused { status, .. } => http::StatusCode::from_u16(*status)
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    fn message_key(&self) -> &str {
        AppError::message_key(self)
    }

    fn message_args(&self) -> Vec<(&str, String)> {
        match self {
            AppError::Refused { args, .. } => {
                args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// Gives a server function's error its HTTP status (server_fn itself always answers 500);
/// every server function returns through this.
#[cfg(feature = "ssr")]
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(UserFacing::status(e));
        }
    }
    result
}

/// Plain axum handlers answer errors as JSON with the German message and the right status.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        json_response(&self)
    }
}

/// The one JSON error answer, for scripts and fetch callers:
/// `{"error": code, "message": German text}` with the error's status.
#[cfg(feature = "ssr")]
pub fn json_response(error: &(impl UserFacing + ?Sized)) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        error.status(),
        axum::Json(serde_json::json!({
            "error": error.code(),
            "message": error.german_message(),
        })),
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
