//! A page without islands runs no code in the browser, so it gets no script at all: Leptos
//! appends its resource data (`__RESOLVED_RESOURCES=…`, `__INCOMPLETE_CHUNKS=…`) to every page
//! for hydration, which only islands read. This layer drops those data scripts from HTML that
//! has no `<leptos-island>`; pages with islands pass untouched, and the hydration module itself
//! is only rendered where islands are (`app::layout::IslandScripts`). Our own inline scripts
//! (the entry form's code from the link) stay.

use axum::{
    body::Body,
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The largest page this layer reads; our pages are tens of kilobytes.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

pub async fn drop_unused_hydration_data(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        tracing::error!("a page could not be read to drop its hydration data");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(html) = std::str::from_utf8(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if html.contains("<leptos-island") {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let stripped = without_data_scripts(html);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(stripped))
}

/// `html` without the `<script>` elements that only carry Leptos' hydration data.
fn without_data_scripts(html: &str) -> String {
    const END: &str = "</script>";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(length) = rest[start..].find(END) else {
            break;
        };
        let end = start + length + END.len();
        let element = &rest[start..end];
        let content = element
            .find('>')
            .map_or("", |open| &element[open + 1..element.len() - END.len()]);
        out.push_str(&rest[..start]);
        if !(content.starts_with("__RESOLVED_RESOURCES")
            || content.starts_with("__INCOMPLETE_CHUNKS"))
        {
            out.push_str(element);
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
    fn only_the_data_scripts_go() {
        let page = concat!(
            "<body><p>Hallo</p>",
            "<script nonce=\"n\">(function(){var h=location.hash;})()</script>",
            "<script nonce=\"n\">__RESOLVED_RESOURCES=[];__PENDING_RESOURCES=[0,];</script>",
            "<script nonce=\"n\">__RESOLVED_RESOURCES[0] = \"{\\\"Ok\\\":null}\";</script>",
            "<script nonce=\"n\">__INCOMPLETE_CHUNKS=[];</script></body>"
        );
        assert_eq!(
            without_data_scripts(page),
            "<body><p>Hallo</p><script nonce=\"n\">(function(){var h=location.hash;})()</script></body>"
        );
        assert_eq!(without_data_scripts("<p>ohne</p>"), "<p>ohne</p>");
        // An unclosed script is left as it is.
        assert_eq!(
            without_data_scripts("<script>__INCOMPLETE"),
            "<script>__INCOMPLETE"
        );
    }
}
