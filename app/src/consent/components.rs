//! Consent components other domains show too (the waiting room, the calendar).

use super::types::ConsentStatus;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The status as a coloured badge with its German word (colour is never the only signal).
#[component]
pub fn ConsentBadge(status: ConsentStatus) -> impl IntoView {
    view! {
        <span class=status.css()>{badge_label(use_i18n(), status)}</span>
    }
}

/// The badge's words: "Einwilligung: fehlt" (also in the week's cards, `calendar::cards`).
pub fn badge_label(t: crate::i18n::I18n, status: ConsentStatus) -> String {
    format!("{}: {}", t.t("consent-label"), t.t(status.label_key()))
}
