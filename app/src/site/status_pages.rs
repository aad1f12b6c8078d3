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

/// A page whose function is announced on the landing page but not yet switched on.
/// `area` is `patient` (more areas as they are announced); each has `pending-<area>-title` and `-text`.
#[component]
pub fn PendingPage(area: &'static str) -> impl IntoView {
    let t = use_i18n();
    let title = t.t(&format!("pending-{area}-title"));
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p>{t.t(&format!("pending-{area}-text"))}</p>
        <p class="notice" role="note">{t.t("pending-notice")}</p>
        <p><A href="/">{t.t("not-found-home")}</A></p>
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::{has_message, Locale};

    #[test]
    fn every_pending_area_has_its_texts() {
        for area in ["patient"] {
            for part in ["title", "text"] {
                let key = format!("pending-{area}-{part}");
                assert!(has_message(Locale::De, &key), "{key} missing");
            }
        }
    }
}
