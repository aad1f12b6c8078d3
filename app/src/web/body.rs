//! Request body limits, declared with the routes. Every route takes the general limit
//! (`security.max_body_bytes`, laid over all routes by the server) unless it declares its own,
//! as the consent uploads do with [`BodyLimit::documents`]. A body over its limit is refused at
//! once when `Content-Length` says so, else while it is read (the handler's read fails, which
//! axum's extractors answer with a bare 413 that the server turns into [`TooLarge::General`]).

use crate::error::{json_response, UserFacing};
use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
    middleware::{self, Next},
    response::Response,
    routing::MethodRouter,
};

/// A body over the limit of its route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TooLarge {
    /// Over the general limit of forms and scripts.
    General,
    /// Over the limit of an encrypted document upload; the document itself may have `max_mb`.
    Document { max_mb: usize },
}

impl UserFacing for TooLarge {
    fn status(&self) -> StatusCode {
        StatusCode::PAYLOAD_TOO_LARGE
    }

    fn message_key(&self) -> &str {
        match self {
            TooLarge::General => "error-payload-too-large",
            TooLarge::Document { .. } => "consent-upload-too-large",
        }
    }

    fn message_args(&self) -> Vec<(&str, String)> {
        match self {
            TooLarge::General => Vec::new(),
            TooLarge::Document { max_mb } => vec![("max_mb", max_mb.to_string())],
        }
    }

    fn code(&self) -> &str {
        "payload_too_large"
    }
}

/// How many bytes a route's body may have, and what a larger one is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimit {
    pub bytes: usize,
    pub refusal: TooLarge,
}

impl BodyLimit {
    /// The limit of every route that declares none.
    pub fn general(bytes: usize) -> Self {
        Self {
            bytes,
            refusal: TooLarge::General,
        }
    }

    /// An encrypted upload of at most `sealed_bytes`, whose plain document has at most
    /// `document_bytes`.
    pub const fn documents(sealed_bytes: usize, document_bytes: usize) -> Self {
        Self {
            bytes: sealed_bytes,
            refusal: TooLarge::Document {
                max_mb: document_bytes >> 20,
            },
        }
    }

    /// `route` with this limit instead of the general one.
    pub fn on<S>(self, route: MethodRouter<S>) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        route.layer(middleware::from_fn_with_state(self, limit_body))
    }
}

/// The middleware of a [`BodyLimit`].
pub async fn limit_body(State(limit): State<BodyLimit>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit.bytes as u64) {
        return json_response(&limit.refusal);
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit.bytes));
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_limit_names_the_documents_size_in_megabytes() {
        let limit = BodyLimit::documents(10 * 1024 * 1024 + 100, 10 * 1024 * 1024);
        assert_eq!(limit.bytes, 10 * 1024 * 1024 + 100);
        assert_eq!(
            limit.refusal.message_args(),
            vec![("max_mb", "10".to_owned())]
        );
        assert_eq!(BodyLimit::general(64).refusal.message_args(), Vec::new());
        assert_eq!(limit.refusal.code(), BodyLimit::general(64).refusal.code());
    }
}
