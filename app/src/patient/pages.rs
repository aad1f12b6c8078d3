//! `/videosprechstunde`: the patient types full name and access code and clicks
//! "Raum betreten". Works without JavaScript.

use crate::forms::{use_form_feedback, ErrorSummary, Field};
use crate::i18n::use_i18n;
use crate::practice::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn EntryPage() -> impl IntoView {
    let t = use_i18n();
    let feedback = use_form_feedback();
    let arg = |name: &str| {
        feedback
            .value("entry", &format!("arg-{name}"))
            .unwrap_or_default()
            .to_owned()
    };
    let outcome = feedback.notice.clone().map(|key| {
        let text = t.t_with(&key, &[("when", &arg("when")), ("opens", &arg("opens"))]);
        let class = match key.as_str() {
            "entry-open" => "notice success",
            "entry-too-early" => "notice",
            _ => "notice error",
        };
        view! { <p class=class role="status">{text}</p> }
    });
    view! {
        <PageTitle key="entry-title" />
        <p>{t.t("entry-intro")}</p>
        {outcome}
        <ErrorSummary form="entry" feedback=feedback.clone() />
        <form method="post" action="/videosprechstunde" class="form">
            <Field form="entry" name="name" label=t.t("entry-name") feedback=feedback.clone() autocomplete="name" required=true maxlength=200 hint=t.t("entry-name-hint") />
            <Field form="entry" name="code" label=t.t("entry-code") feedback=feedback.clone() autocomplete="off" required=true maxlength=20 hint=t.t("entry-code-hint") />
            <button type="submit" class="button primary">{t.t("entry-submit")}</button>
        </form>
        <p class="hint">{t.t("entry-privacy")}</p>
    }
}
