//! Server-side glue between axum and the Leptos pages: the request's CSP nonce, the context
//! every render gets, [`HtmlForm`] (a form post and the page to answer on), rendering a page
//! again with form feedback after a failed POST, and the error page of form posts.

pub mod body;

use crate::{
    error::{AppError, UserFacing},
    forms::{FormError, FormFeedback},
    layout::ErrorNotice,
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
    parts: Parts,
    feedback: FormFeedback,
    status: StatusCode,
) -> Response {
    render_page(
        state,
        parts,
        move || provide_context(feedback.clone()),
        status,
    )
    .await
}

/// The German error page for a form post that could not be answered on its own page: the
/// page frame with the error's message, answered with the error's status.
pub async fn error_page(
    state: &AppState,
    mut parts: Parts,
    error: &(impl UserFacing + ?Sized),
) -> Response {
    let notice = ErrorNotice {
        key: error.message_key().to_owned(),
        args: error.owned_args(),
    };
    // No route has this address, so the router shows its status page, which finds the notice.
    parts.uri = http::Uri::from_static(crate::paths::ERROR);
    render_page(
        state,
        parts,
        move || provide_context(notice.clone()),
        error.status(),
    )
    .await
}

async fn render_page(
    state: &AppState,
    mut parts: Parts,
    provide: impl Fn() + Clone + Send + Sync + 'static,
    status: StatusCode,
) -> Response {
    let options = state.leptos_options.clone();
    let state = state.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_server_context(&state);
            provide();
        },
        move || shell(options.clone()),
    );
    // The router renders by path; the page is the same one the browser asked for with GET.
    parts.method = Method::GET;
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    *response.status_mut() = status;
    response
}

/// A form post's request head, kept to answer on the same page: again with feedback, or the
/// error page.
pub struct FormPage {
    state: AppState,
    parts: Parts,
}

impl FormPage {
    /// The client's address (see [`client_ip`]).
    pub fn client_ip(&self) -> IpAddr {
        client_ip(&self.state, &self.parts)
    }

    /// The page again with `feedback` and `status`.
    pub async fn render(self, feedback: FormFeedback, status: StatusCode) -> Response {
        render_with_feedback(&self.state, self.parts, feedback, status).await
    }

    /// The page again for a failed action (see [`form_failure`]).
    pub async fn failure(
        self,
        form: &str,
        values: BTreeMap<String, String>,
        error: FormError,
    ) -> Response {
        form_failure(&self.state, self.parts, form, values, error).await
    }

    /// The German error page with the error's status.
    pub async fn error(self, error: &(impl UserFacing + ?Sized)) -> Response {
        error_page(&self.state, self.parts, error).await
    }
}

/// A form post read into `T`, with the page to answer on. A body that is no such form gets the
/// error page (400); field problems are found by the service ([`crate::forms::Checker`]) and
/// shown with [`FormPage::failure`].
pub struct HtmlForm<T>(pub FormPage, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for HtmlForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        match Form::<T>::from_request(Request::from_parts(parts.clone(), body), state).await {
            Ok(Form(input)) => Ok(HtmlForm(
                FormPage {
                    state: state.clone(),
                    parts,
                },
                input,
            )),
            Err(rejection) => {
                tracing::info!(status = %rejection.status(), "form rejected");
                Err(error_page(state, parts, &AppError::BadRequest).await)
            }
        }
    }
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

/// Turns a failed action into a page: field problems next to the fields (422), a refusal of
/// the request itself ([`FormError::App`]) as the error page, anything else as a general
/// message with the typed values kept.
pub async fn form_failure(
    state: &AppState,
    parts: Parts,
    form: &str,
    values: BTreeMap<String, String>,
    error: FormError,
) -> Response {
    let status = error.status();
    let feedback = match error {
        FormError::Invalid(feedback) => feedback,
        FormError::App(e) => return error_page(state, parts, &e).await,
        other => {
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                tracing::error!(error = %other, "account action failed");
            }
            FormFeedback::with_notice(form, values, other.message_key())
        }
    };
    render_with_feedback(state, parts, feedback, status).await
}
