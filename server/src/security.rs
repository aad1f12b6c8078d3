//! Security headers on every response, the per-request CSP nonce that Leptos puts on its inline
//! scripts, and the same-origin check that protects state-changing requests against CSRF.

use app::error::{json_response, UserFacing};
use app::web::body::TooLarge;
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use std::sync::Arc;

pub use app::web::{provide_request_nonce, CspNonce};

/// What the header middleware needs to know, derived once from the settings.
#[derive(Clone, Debug)]
pub struct SecurityConfig {
    /// `scheme://host:port` that browsers send as `Origin` for our own pages.
    pub origin: String,
    /// `Some(max_age)` when served over HTTPS.
    pub hsts_max_age: Option<u64>,
}

/// The Content-Security-Policy for a response with this nonce. Nothing from other hosts: no
/// fonts, scripts, images or connections leave our origin.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
         media-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Camera and microphone only for our own pages; everything else we do not use is off.
pub const PERMISSIONS_POLICY: &str = "camera=(self), microphone=(self), fullscreen=(self), \
     display-capture=(), geolocation=(), payment=(), usb=(), serial=(), \
     midi=(), magnetometer=(), gyroscope=(), accelerometer=()";

/// Adds a fresh nonce to the request and the security headers to the response.
pub async fn security_headers(
    State(config): State<Arc<SecurityConfig>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::generate();
    request.extensions_mut().insert(nonce.clone());
    let negotiated = app::i18n::ENGLISH_PAGES.contains(&request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        &content_security_policy(&nonce.0),
    );
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, "permissions-policy", PERMISSIONS_POLICY);
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(headers, "cross-origin-resource-policy", "same-origin");
    if let Some(max_age) = config.hsts_max_age {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            &format!("max-age={max_age}; includeSubDomains"),
        );
    }
    // Pages carry a per-request nonce and may carry personal data: never store them in caches.
    // Static files (wasm, JS, CSS) may be kept but are revalidated (ETag/Last-Modified → 304),
    // so a new release is picked up at once.
    let is_dynamic = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/json"));
    if is_dynamic {
        set(headers, header::CACHE_CONTROL, "no-store");
        // The language of these pages follows the browser's: say so to any cache, also one
        // that keeps pages against `no-store`.
        if negotiated {
            headers.append(header::VARY, HeaderValue::from_static("accept-language"));
        }
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "no-cache");
    }
    response
}

fn set(headers: &mut HeaderMap, name: impl header::IntoHeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// Refuses state-changing requests that a browser sent from another site (CSRF): such a request
/// carries `Sec-Fetch-Site: cross-site`/`same-site` or an `Origin` that is not ours. Requests
/// without these headers come from non-browser clients, which hold no session cookie of a user.
///
/// `Origin: null` is what browsers send for our own form posts, because our
/// `Referrer-Policy: no-referrer` also hides the origin of non-CORS requests (Fetch standard,
/// "serializing a request origin"). It is accepted only together with
/// `Sec-Fetch-Site: same-origin`, which the browser sets and no page can forge; without fetch
/// metadata a `null` origin (e.g. a sandboxed frame on another site) is refused.
pub async fn same_origin_only(
    State(config): State<Arc<SecurityConfig>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let cross_site = matches!(fetch_site, Some(site) if site != "same-origin" && site != "none");
    let foreign_origin = origin.is_some_and(|o| {
        o != "null" && app::settings::normalize_origin(o).as_deref() != Some(config.origin.as_str())
    });
    let opaque_origin_unvouched = origin == Some("null") && fetch_site != Some("same-origin");
    if cross_site || foreign_origin || opaque_origin_unvouched {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "cross-origin request refused");
        return json_response(&Refused::ForeignOrigin);
    }
    next.run(request).await
}

/// Gives the bare 413 of the body limit a German message (the JSON error of every script).
pub async fn explain_rejections(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let bare = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && bare {
        return json_response(&TooLarge::General);
    }
    response
}

/// What the request guards refuse before any handler runs, answered with
/// [`app::error::json_response`]. Their `error` codes are older than the message keys and kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// A state-changing request from another site.
    ForeignOrigin,
    /// A form whose text is not clean UTF-8.
    UncleanForm,
}

impl UserFacing for Refused {
    fn status(&self) -> StatusCode {
        match self {
            Refused::ForeignOrigin => StatusCode::FORBIDDEN,
            Refused::UncleanForm => StatusCode::BAD_REQUEST,
        }
    }

    fn message_key(&self) -> &str {
        match self {
            Refused::ForeignOrigin => "error-forbidden-origin",
            Refused::UncleanForm => "error-unclean-form",
        }
    }

    fn code(&self) -> &str {
        match self {
            Refused::ForeignOrigin => "forbidden_origin",
            Refused::UncleanForm => "unclean_form",
        }
    }
}

/// Cuts off a body that sends nothing for `idle` (the handler's read fails), and caps every body
/// at `ceiling`, the largest limit any route declares. The limit of each route is laid over the
/// routes themselves ([`app::web::body`]); this is only the floor under all of them, also for
/// requests no route takes.
#[derive(Clone, Copy, Debug)]
pub struct BodyTransport {
    pub ceiling: usize,
    pub idle: std::time::Duration,
}

pub async fn cut_idle_bodies(
    State(transport): State<BodyTransport>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::Body::new(tower_http::timeout::TimeoutBody::new(
        transport.idle,
        http_body_util::Limited::new(body, transport.ceiling),
    ));
    next.run(Request::from_parts(parts, body)).await
}

/// Refuses a form whose text is not clean UTF-8: the form parser would silently store invalid
/// bytes as U+FFFD (also in passwords), and NUL or other control characters have no place in
/// any field (tab and line breaks excepted). Browsers never send such forms; a 400 with a
/// German message is the answer, before any handler sees the request.
pub async fn refuse_unclean_forms(request: Request, next: Next) -> Response {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(collected) = http_body_util::BodyExt::collect(body).await else {
        // The body limit (or the client) cut the body short.
        return json_response(&TooLarge::General);
    };
    let bytes = collected.to_bytes();
    if let Err(problem) = form_text_is_clean(&bytes) {
        tracing::info!(?problem, "form with unclean text refused");
        return json_response(&Refused::UncleanForm);
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// Why a form's text was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum UncleanForm {
    /// A name or value does not decode to UTF-8.
    InvalidUtf8,
    /// NUL or another control character other than tab, CR and LF.
    ControlCharacter,
}

/// Checks every name and value of an `application/x-www-form-urlencoded` body as the form
/// parser will decode it (`+` is a space, `%XX` a byte, a stray `%` stays itself).
pub fn form_text_is_clean(body: &[u8]) -> Result<(), UncleanForm> {
    for part in body.split(|b| *b == b'&') {
        for piece in part.splitn(2, |b| *b == b'=') {
            let decoded = percent_decode(piece);
            let text = std::str::from_utf8(&decoded).map_err(|_| UncleanForm::InvalidUtf8)?;
            if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            {
                return Err(UncleanForm::ControlCharacter);
            }
        }
    }
    Ok(())
}

fn percent_decode(piece: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(piece.len());
    let mut i = 0;
    while i < piece.len() {
        match piece[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < piece.len() => match (hex(piece[i + 1]), hex(piece[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_long_and_unique() {
        let a = CspNonce::generate();
        let b = CspNonce::generate();
        assert_eq!(a.0.len(), 22, "128 bits in unpadded base64");
        assert_ne!(a.0, b.0);
    }

    #[test]
    fn policy_names_the_nonce_and_forbids_plugins_framing_and_base() {
        let csp = content_security_policy("abc");
        for part in [
            "script-src 'nonce-abc' 'strict-dynamic' 'wasm-unsafe-eval'",
            // Style elements only with the page's nonce (the timed idle warning's delay).
            "style-src 'self' 'nonce-abc';",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(part), "{part} missing in {csp}");
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("http"),
            "{csp}"
        );
    }

    #[test]
    fn forms_must_decode_to_clean_utf8() {
        for (body, expected) in [
            (&b"name=Erika+M%C3%BCller&password=Sonnenblumen"[..], Ok(())),
            (b"note=Zeile+1%0D%0AZeile+2%09Ende", Ok(())),
            (b"a=100%&b=%zz&c=%", Ok(())),
            (b"", Ok(())),
            (b"password=abc%FF", Err(UncleanForm::InvalidUtf8)),
            (b"password=%C3", Err(UncleanForm::InvalidUtf8)),
            (b"pass%FFword=abc", Err(UncleanForm::InvalidUtf8)),
            (b"password=abc\xff", Err(UncleanForm::InvalidUtf8)),
            (b"password=abc%00def", Err(UncleanForm::ControlCharacter)),
            (b"name=a%1Bb", Err(UncleanForm::ControlCharacter)),
            (b"name=a%C2%85b", Err(UncleanForm::ControlCharacter)),
        ] {
            assert_eq!(
                form_text_is_clean(body),
                expected,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
