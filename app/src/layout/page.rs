//! The parts of every page: heading and title, load errors, query flags.

use crate::error::AppError;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Whether the address has the query flag `name` (e.g. `?bestaetigt`).
pub fn has_flag(name: &'static str) -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(name).is_some()))
}

/// The value of the query parameter `name`, read once.
pub fn query_value(name: &'static str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name))
}

/// The text of `<title>` for a page heading: "Terminkalender – Sprechzimmer" (the brand alone
/// without a heading), escaped once here since leptos_meta writes it unescaped and some titles
/// carry data (a practice's name).
pub fn title_text(t: crate::i18n::I18n, page: &str) -> String {
    crate::forms::escape_raw_text(&if page.is_empty() {
        t.t("brand")
    } else {
        format!("{page} – {}", t.t("brand"))
    })
}

/// "(2) Terminkalender – Sprechzimmer" while two patients wait, in the page as sent: a doctor
/// working in another tab sees the count at once (the live list's island keeps it current).
#[component]
pub fn WaitingCountTitle(waiting: u32) -> impl IntoView {
    let t = use_i18n();
    (waiting > 0).then(|| {
        view! { <Title formatter=move |page: String| format!("({waiting}) {}", title_text(t, &page)) /> }
    })
}

/// A page heading with the document title.
#[component]
pub fn PageTitle(key: &'static str) -> impl IntoView {
    let text = use_i18n().t(key);
    view! {
        <Title text=text.clone() />
        <h1>{text}</h1>
    }
}

/// The error a form post ends in when it cannot be answered on its own page; the server puts
/// it into the context of the error page (`web::error_page`), the router's status page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorNotice {
    /// Fluent key of the message.
    pub key: String,
    /// Its Fluent variables.
    pub args: Vec<(String, String)>,
}

/// Shown instead of the page when loading its data failed.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    let t = use_i18n();
    view! { <p class="notice error" role="alert">{t.t(error.message_key())}</p> }
}
