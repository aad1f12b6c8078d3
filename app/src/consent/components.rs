//! Consent components other domains show too (the waiting room, the calendar).

use super::types::ConsentStatus;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The status as a coloured badge with its German word (colour is never the only signal).
#[component]
pub fn ConsentBadge(status: ConsentStatus) -> impl IntoView {
    let t = use_i18n();
    view! {
        <span class=status.css()>{format!("{}: {}", t.t("consent-label"), t.t(status.label_key()))}</span>
    }
}
