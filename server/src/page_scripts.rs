//! A page without islands runs no code in the browser, so it gets no script at all: Leptos
//! appends its resource data (`__RESOLVED_RESOURCES=…`, `__INCOMPLETE_CHUNKS=…`) to every page
//! for hydration, which only islands read. This layer drops those data scripts from HTML that
//! has no `<leptos-island>`; pages with islands pass untouched, and the hydration module itself
//! is only rendered where islands are (`app::layout::IslandScripts`). Our own inline scripts
//! (the entry form's code from the link) stay.

use app::web::CspNonce;
use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures_util::StreamExt as _;

/// The largest page this layer rewrites; our pages are tens of kilobytes. A larger one is sent
/// as it is.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

pub async fn drop_unused_hydration_data(request: Request, next: Next) -> Response {
    // Leptos puts this request's nonce on its scripts (`security_headers`, outside this layer,
    // made it): only scripts opened with it are Leptos', whatever text a page shows.
    let nonce = request.extensions().get::<CspNonce>().cloned();
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let Some(nonce) = nonce else {
        return response;
    };
    if !is_html || response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            tracing::error!("a page could not be read to drop its hydration data");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        read.extend_from_slice(&chunk);
        if read.len() > MAX_PAGE_BYTES {
            tracing::warn!(
                bytes = read.len(),
                "a page too large to drop its hydration data; sent as it is"
            );
            let head = futures_util::stream::once(async move { Ok(Bytes::from(read)) });
            return Response::from_parts(parts, Body::from_stream(head.chain(stream)));
        }
    }
    let Ok(html) = std::str::from_utf8(&read) else {
        return Response::from_parts(parts, Body::from(read));
    };
    if html.contains("<leptos-island") {
        return Response::from_parts(parts, Body::from(read));
    }
    let stripped = without_data_scripts(html, &nonce.0);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(stripped))
}

/// `html` without the `<script nonce="{nonce}">` elements that only carry Leptos' hydration
/// data. Only a script opened exactly so is looked into: text that merely looks like a script
/// (were it ever written unescaped) never knows the request's nonce.
fn without_data_scripts(html: &str, nonce: &str) -> String {
    const END: &str = "</script>";
    let open = format!("<script nonce=\"{nonce}\">");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let content_start = start + open.len();
        let Some(length) = rest[content_start..].find(END) else {
            break;
        };
        let content = &rest[content_start..content_start + length];
        let end = content_start + length + END.len();
        out.push_str(&rest[..start]);
        if !(content.starts_with("__RESOLVED_RESOURCES")
            || content.starts_with("__INCOMPLETE_CHUNKS"))
        {
            out.push_str(&rest[start..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::without_data_scripts;

    #[test]
    fn only_the_data_scripts_opened_with_the_nonce_go() {
        let page = concat!(
            "<body><p>Hallo</p>",
            "<script nonce=\"n\">(function(){var h=location.hash;})()</script>",
            "<script nonce=\"n\">__RESOLVED_RESOURCES=[];__PENDING_RESOURCES=[0,];</script>",
            "<script nonce=\"n\">__RESOLVED_RESOURCES[0] = \"{\\\"Ok\\\":null}\";</script>",
            "<script nonce=\"n\">__INCOMPLETE_CHUNKS=[];</script></body>"
        );
        assert_eq!(
            without_data_scripts(page, "n"),
            "<body><p>Hallo</p><script nonce=\"n\">(function(){var h=location.hash;})()</script></body>"
        );
        assert_eq!(without_data_scripts("<p>ohne</p>", "n"), "<p>ohne</p>");
        // An unclosed script is left as it is.
        assert_eq!(
            without_data_scripts("<script nonce=\"n\">__INCOMPLETE", "n"),
            "<script nonce=\"n\">__INCOMPLETE"
        );
    }

    #[test]
    fn text_that_looks_like_a_script_is_left_as_it_is() {
        for page in [
            // Written unescaped by some future mistake: without the nonce it is nobody's.
            "<input value=\"<script>__RESOLVED_RESOURCES\"><p>Rest</p><script nonce=\"n\">x()</script>",
            "<script nonce=\"m\">__RESOLVED_RESOURCES=[];</script>",
            "<script</script>",
            "<script nonce=\"n\"</script>",
        ] {
            assert_eq!(without_data_scripts(page, "n"), page);
        }
    }
}
