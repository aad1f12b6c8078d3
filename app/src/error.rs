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
}

impl AppError {
    /// The Fluent key of the message shown to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::Internal => "error-internal",
            AppError::Transport => "error-transport",
            AppError::BadRequest => "error-bad-request",
        }
    }

    /// The HTTP status the server answers with.
    #[cfg(feature = "ssr")]
    pub fn status_code(&self) -> http::StatusCode {
        match self {
            AppError::Internal => http::StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport => http::StatusCode::BAD_GATEWAY,
            AppError::BadRequest => http::StatusCode::BAD_REQUEST,
        }
    }
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
