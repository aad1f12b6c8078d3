use crate::i18n::use_i18n;
use crate::layout::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The router's fallback: the error page of a form post when the server provided an
/// [`ErrorNotice`], else the page for an address that does not exist.
#[component]
pub fn StatusPage() -> impl IntoView {
    match use_context::<ErrorNotice>() {
        Some(notice) => view! { <ErrorPage notice /> }.into_any(),
        None => view! { <NotFoundPage /> }.into_any(),
    }
}

/// A form post that went wrong, in German; its status is set by the server.
#[component]
pub fn ErrorPage(notice: ErrorNotice) -> impl IntoView {
    let t = use_i18n();
    let args: Vec<(&str, &str)> = notice
        .args
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let message = t.t_with(&notice.key, &args);
    view! {
        <Title text=t.t("error-page-title") />
        <h1>{t.t("error-page-title")}</h1>
        <p role="alert">{message}</p>
        <p><A href="/" attr:class="button primary">{t.t("not-found-home")}</A></p>
    }
}

/// Shown for every address that does not exist; answered with HTTP 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_i18n();
    view! {
        <Title text=t.t("not-found-title") />
        <h1>{t.t("not-found-title")}</h1>
        <p>{t.t("not-found-text")}</p>
        <p><A href="/" attr:class="button primary">{t.t("not-found-home")}</A></p>
    }
}
