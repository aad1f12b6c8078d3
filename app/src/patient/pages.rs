//! `/videosprechstunde`: the patient types full name and access code and clicks
//! "Raum betreten". Works without JavaScript.

use crate::forms::{use_form_feedback, ErrorSummary, Field, FormFeedback};
use crate::i18n::use_i18n;
use crate::layout::PageTitle;
use leptos::prelude::*;

#[component]
pub fn EntryPage() -> impl IntoView {
    let t = use_i18n();
    let feedback = use_form_feedback();
    let left = crate::layout::has_flag("verlassen")
        .get_untracked()
        .then(|| view! { <p class="notice" role="status">{use_i18n().t("waiting-left")}</p> });
    // The state of the appointment (too early, over, locked) once, with its time; the error
    // summary below lists only the fields' problems.
    let outcome = feedback.notice_text().map(|text| {
        let (class, role) = match feedback.notice.as_deref() {
            Some("entry-too-early") => ("notice", "status"),
            _ => ("notice error", "alert"),
        };
        view! { <p class=class role=role>{text}</p> }
    });
    let field_errors = FormFeedback {
        notice: None,
        ..feedback.clone()
    };
    view! {
        <PageTitle key="entry-title" />
        {left}
        // The form first: on a phone "Raum betreten" is within the first screen; what
        // follows after it and what a patient needs come below.
        <p>{t.t("entry-intro")}</p>
        {outcome}
        <ErrorSummary form="entry" feedback=field_errors />
        <form method="post" action=crate::paths::ENTRY class="form">
            <Field form="entry" name="name" label=t.t("entry-name") feedback=feedback.clone() autocomplete="name" required=true maxlength=crate::fields::limits::PATIENT_NAME hint=t.t("entry-name-hint") />
            <Field form="entry" name="code" label=t.t("entry-code") feedback=feedback.clone() autocomplete="off" required=true maxlength=20 hint=t.t("entry-code-hint") />
            <button type="submit" class="button primary">{t.t("entry-submit")}</button>
        </form>
        <ul class="entry-steps">
            <li>{t.t("entry-step-test")}</li>
            <li>{t.t("entry-step-wait")}</li>
        </ul>
        <p class="hint">{t.t("entry-needs")}</p>
        <p class="hint">{t.t("entry-privacy")} " " <a href=crate::paths::PRIVACY>{t.t("entry-privacy-link")}</a></p>
        <super::code_link::CodeFromLink />
    }
}

/// `/videosprechstunde/raum`: the tech test and the waiting room behind the patient's pass.
#[component]
pub fn PatientRoomPage() -> impl IntoView {
    let room = Resource::new_blocking(|| (), |_| super::server_fns::load_patient_room());
    let consent = Resource::new_blocking(
        || (),
        |_| crate::consent::server_fns::load_patient_consent(),
    );
    view! {
        <PageTitle key="room-title" />
        <noscript><p class="notice error">{use_i18n().t("room-needs-javascript")}</p></noscript>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let t = use_i18n();
                match room.await {
                    Ok(Some(info)) => {
                        let consent = consent.await.ok().map(|consent| view! {
                            <crate::consent::pages::PatientConsentSection consent />
                        });
                        view! { <super::room::PatientRoom info /> {consent} <crate::layout::IslandScripts bundle=crate::layout::Bundle::Patient /> }.into_any()
                    }
                    Ok(None) => view! {
                        <p class="notice error" role="alert">{t.t("room-no-pass")}</p>
                        <p><a href=crate::paths::ENTRY class="button primary">{t.t("room-enter-again")}</a></p>
                    }.into_any(),
                    Err(e) => view! { <crate::layout::LoadError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
