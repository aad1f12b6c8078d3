//! Server-side glue between axum and the Leptos pages: the request's CSP nonce, the context
//! every render gets, and rendering a page again with form feedback after a failed POST.

use crate::{
    forms::{FormError, FormFeedback},
    shell,
    state::AppState,
};
use axum::{
    body::Body,
    extract::{FromRequest, Request},
    http::{request::Parts, Method, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use leptos::prelude::{provide_context, use_context};
use serde::de::DeserializeOwned;
use std::{collections::BTreeMap, net::IpAddr, net::SocketAddr, sync::Arc};

/// The nonce of one response; Leptos reads it from the request extensions (see
/// [`provide_request_nonce`]) and the header middleware writes it into the CSP header.
#[derive(Clone, Debug)]
pub struct CspNonce(pub Arc<str>);

impl CspNonce {
    /// 128 bits from the operating system, URL-safe base64.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        // The OS random source failing is not recoverable for a server that needs secrets.
        getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("OS randomness unavailable: {e}"));
        Self(URL_SAFE_NO_PAD.encode(bytes).into())
    }
}

/// Makes Leptos use the nonce of this request instead of generating its own.
pub fn provide_request_nonce() {
    if let Some(nonce) =
        use_context::<Parts>().and_then(|parts| parts.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// The context of every server render and server function call.
pub fn provide_server_context(state: &AppState) {
    provide_context(state.clone());
    provide_request_nonce();
}

/// Renders the page of this request again with `feedback` (errors next to the fields, the
/// typed values kept) and the given status. Rendered completely before sending (like the
/// logged-in routes, `SsrMode::Async`), so the page and its title need no JavaScript.
pub async fn render_with_feedback(
    state: &AppState,
    mut parts: Parts,
    feedback: FormFeedback,
    status: StatusCode,
) -> Response {
    let options = state.leptos_options.clone();
    let state = state.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_server_context(&state);
            provide_context(feedback.clone());
        },
        move || shell(options.clone()),
    );
    // The router renders by path; the page is the same one the browser asked for with GET.
    parts.method = Method::GET;
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    *response.status_mut() = status;
    response
}

/// Splits a form POST into the request head (to render again) and the parsed form.
pub async fn read_form<T: DeserializeOwned>(
    state: &AppState,
    request: Request,
) -> Result<(Parts, T), Response> {
    let (parts, body) = request.into_parts();
    let form = Form::<T>::from_request(Request::from_parts(parts.clone(), body), state)
        .await
        .map_err(|rejection| {
            tracing::info!(status = %rejection.status(), "form rejected");
            crate::error::AppError::BadRequest.into_response()
        })?;
    Ok((parts, form.0))
}

/// The client's address: the TCP peer, or behind a trusted proxy the right-most forwarded
/// entry that is not a trusted proxy (see [`crate::client_address`]).
pub fn client_ip(state: &AppState, parts: &Parts) -> IpAddr {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    state.client_addresses.resolve(peer, &parts.headers)
}

/// The answer to a successful form POST: 303 See Other to `path`.
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Turns a failed action into a page: field problems next to the fields (422), anything
/// else as a general message with the typed values kept.
pub async fn form_failure(
    state: &AppState,
    parts: Parts,
    form: &str,
    values: BTreeMap<String, String>,
    error: FormError,
) -> Response {
    let (feedback, status) = match error {
        FormError::Invalid(feedback) => (feedback, StatusCode::UNPROCESSABLE_ENTITY),
        FormError::App(e) => return e.into_response(),
        FormError::Busy(_) => (
            FormFeedback::with_notice(form, values, "error-busy"),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        FormError::Limited(key) => (
            FormFeedback::with_notice(form, values, key),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        other => {
            tracing::error!(error = %other, "account action failed");
            (
                FormFeedback::with_notice(form, values, "error-internal"),
                StatusCode::INTERNAL_SERVER_ERROR,
            )
        }
    };
    render_with_feedback(state, parts, feedback, status).await
}
