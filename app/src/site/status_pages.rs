use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

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
