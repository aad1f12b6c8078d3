//! `/praxen/<short name>`: what a practice's patients should know before their first video
//! consultation — requirements, data security, how it works — rendered on the server without an
//! island, so it is fast and works without JavaScript. `/praxis/praxisseite`: where the practice
//! sets it up. The facts on the page are the constants the service itself works with
//! ([`crate::policy`], the code's opening time from the settings), so they cannot drift.

use super::server_fns::{load_page_settings, load_public_practice};
use super::types::{PageSettings, PublicPractice};
use crate::error::AppError;
use crate::forms::{
    issue_text, textarea_text, use_form_feedback, ErrorSummary, Field, FormFeedback, SuccessNotice,
};
use crate::i18n::use_i18n;
use crate::layout::{has_flag, LoadError, PageTitle, PracticeArea};
use crate::policy;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/praxen/<short name>`: the practice's information page for patients.
#[component]
pub fn PublicPracticePage() -> impl IntoView {
    let short_name = use_params_map()
        .read_untracked()
        .get("kurzname")
        .unwrap_or_default();
    let data = Resource::new_blocking(move || short_name.clone(), load_public_practice);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(practice) => view! { <PracticeInformation practice /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NoSuchPage /> }.into_any(),
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Unknown or switched off: the same answer, so nobody learns which practices exist.
#[component]
fn NoSuchPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.t("public-missing-title") />
        <h1>{t.t("public-missing-title")}</h1>
        <p>{t.t("public-missing-text")}</p>
        <p><a class="button primary" href=crate::paths::ENTRY>{t.t("public-enter")}</a></p>
    }
}

/// The page's content.
#[component]
fn PracticeInformation(practice: PublicPractice) -> impl IntoView {
    let t = use_i18n();
    let p = practice;
    let months = policy::METADATA_RETENTION_MONTHS.to_string();
    let browsers = policy::browser_names();
    let early = policy::ARRIVE_EARLY_MINUTES.to_string();
    let opens = p.code_opens_minutes_before.to_string();
    let mbits = format!("{}", policy::RECOMMENDED_UPSTREAM_KBITS / 1000);
    let consent = crate::paths::public_consent_form(&p.short_name);
    let guide = crate::paths::public_guide(&p.short_name);
    let doctors = (!p.doctors.is_empty()).then(|| {
        let items = p
            .doctors
            .iter()
            .map(|d| view! { <li>{d.clone()}</li> })
            .collect_view();
        view! {
            <h2 class="visually-hidden">{use_i18n().t("public-doctors")}</h2>
            <ul class="public-doctors">{items}</ul>
        }
    });
    let intro = p
        .intro
        .iter()
        .map(|paragraph| view! { <p>{paragraph.clone()}</p> })
        .collect_view();
    let steps = [
        t.t("public-step-consent"),
        t.t("public-step-appointment"),
        t.t("public-step-email"),
        t.t_with(
            "public-step-early",
            &[("minutes", &early), ("opens", &opens)],
        ),
        t.t("public-step-enter"),
        t.t("public-step-test"),
        t.t("public-step-wait"),
        t.t("public-step-talk"),
        t.t("public-step-leave"),
    ]
    .into_iter()
    .map(|step| view! { <li>{step}</li> })
    .collect_view();
    view! {
        <Title text=t.t_with("public-page-title", &[("practice", &p.name)]) />
        <crate::site::PageDescription text=t.t_with("meta-description-practice", &[("practice", &p.name)]) />
        <article class="public-page">
            {p.preview.then(|| view! { <p class="notice warning" role="note">{use_i18n().t("public-preview-note")}</p> })}
            <header class="public-header">
                <p class="eyebrow">{t.t("public-eyebrow")}</p>
                <h1>{p.name.clone()}</h1>
                <address>
                    {p.street.clone()}<br />{p.place.clone()}
                    {(!p.phone.is_empty()).then(|| view! { <br />{use_i18n().t_with("public-phone", &[("phone", &p.phone)])} })}
                </address>
                {doctors}
            </header>
            {intro}
            <p><a class="button primary" href=crate::paths::ENTRY>{t.t("public-enter")}</a></p>
            <section aria-labelledby="public-needs">
                <h2 id="public-needs">{t.t("public-needs-title")}</h2>
                <ul>
                    <li>{t.t("public-needs-device")}</li>
                    <li>{t.t_with("public-needs-browser", &[("browsers", &browsers)])}</li>
                    <li>{t.t_with("public-needs-network", &[("mbits", &mbits)])}</li>
                    <li>{t.t("public-needs-consent")}</li>
                    <li>{t.t("public-needs-code")}</li>
                </ul>
            </section>
            <section aria-labelledby="public-security">
                <h2 id="public-security">{t.t("public-security-title")}</h2>
                <ul>
                    <li>{t.t("public-security-p2p")}</li>
                    <li>{t.t("public-security-e2e")}</li>
                    <li>{t.t("public-security-recording")}</li>
                    <li>{t.t_with("public-security-retention", &[("months", &months)])}</li>
                    <li>{t.t("public-security-secrecy")}</li>
                </ul>
            </section>
            <section aria-labelledby="public-steps">
                <h2 id="public-steps">{t.t("public-steps-title")}</h2>
                <ol class="public-steps">{steps}</ol>
            </section>
            <section aria-labelledby="public-documents">
                <h2 id="public-documents">{t.t("public-documents-title")}</h2>
                <p>{t.t("public-documents-text")}</p>
                <ul class="downloads">
                    <li><a href=consent download>{t.t("public-consent-download")}</a></li>
                    <li><a href=guide download>{t.t("public-guide-download")}</a></li>
                </ul>
            </section>
        </article>
    }
}

/// `/praxis/praxisseite`: short name, on/off, introduction, the link, the snippet, the QR code.
#[component]
pub fn PracticePageSettingsPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    let saved = StoredValue::new(
        has_flag("gespeichert")
            .get_untracked()
            .then(|| use_i18n().t("public-settings-saved")),
    );
    let data = Resource::new_blocking(|| (), |_| load_page_settings());
    view! {
        <PracticeArea>
            <PageTitle key="public-settings-title" />
            <SuccessNotice message=saved.get_value() />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(settings) => settings_body(settings, feedback.get_value()).into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </PracticeArea>
    }
}

/// A checkbox that may stay unticked; ticked as saved, or as sent when the form comes back.
#[component]
fn Toggle(
    name: &'static str,
    label: String,
    checked: bool,
    feedback: FormFeedback,
) -> impl IntoView {
    let id = format!("public-page-{name}");
    let checked = if feedback.form == "public-page" && !feedback.values.is_empty() {
        feedback.value("public-page", name) == Some("on")
    } else {
        checked
    };
    view! {
        <div class="field field-checkbox">
            <input type="checkbox" id=id.clone() name=name checked=checked />
            <label for=id>{label}</label>
        </div>
    }
}

fn settings_body(s: PageSettings, feedback: FormFeedback) -> impl IntoView {
    let t = use_i18n();
    let intro_issue = feedback.issue("public-page", "intro").map(issue_text);
    let intro_value = feedback
        .value("public-page", "intro")
        .map(str::to_owned)
        .unwrap_or_else(|| s.intro.clone());
    let form = s.may_edit.then(|| {
        let t = use_i18n();
        let max = super::MAX_INTRO_CHARS.to_string();
        let described = if intro_issue.is_some() {
            "public-page-intro-hint public-page-intro-error"
        } else {
            "public-page-intro-hint"
        };
        view! {
            <ErrorSummary form="public-page" feedback=feedback.clone() />
            <form method="post" action=crate::paths::PUBLIC_PAGE_SETTINGS class="form">
                <Field form="public-page" name="short_name" label=t.t("public-short-name") value=s.short_name.clone() feedback=feedback.clone() hint=t.t("public-short-name-hint") maxlength=super::SHORT_NAME_MAX_TYPED />
                <Toggle name="enabled" label=t.t("public-enabled") checked=s.enabled feedback=feedback.clone() />
                <div class="field" class:field-invalid=intro_issue.is_some()>
                    <label for="public-page-intro">{t.t("public-intro")} " " <span class="optional">{t.t("form-optional")}</span></label>
                    <p class="hint" id="public-page-intro-hint">{t.t_with("public-intro-hint", &[("max", &max)])}</p>
                    {intro_issue.clone().map(|e| view! { <p class="field-error" id="public-page-intro-error">{e}</p> })}
                    <textarea id="public-page-intro" name="intro" rows="6" maxlength=max.clone() aria-describedby=described aria-invalid=intro_issue.is_some().then_some("true")>{textarea_text(&intro_value)}</textarea>
                </div>
                <Toggle name="guide_in_invitation" label=t.t("public-guide-in-invitation") checked=s.guide_in_invitation feedback=feedback.clone() />
                <button type="submit" class="button primary">{t.t("public-save")}</button>
            </form>
        }
    });
    let state = if s.enabled {
        t.t("public-state-on")
    } else {
        t.t("public-state-off")
    };
    let share = s.address.clone().map(|address| {
        let t = use_i18n();
        let path = crate::paths::public_page(&s.short_name);
        view! {
            <section aria-labelledby="public-share">
                <h2 id="public-share">{t.t("public-share-title")}</h2>
                <div class="field">
                    <label for="public-address">{t.t("public-address")}</label>
                    <input id="public-address" type="url" readonly value=address.clone() />
                </div>
                <p><a href=path>{if s.enabled { t.t("public-open") } else { t.t("public-open-preview") }}</a></p>
                <div class="field">
                    <label for="public-snippet">{t.t("public-snippet")}</label>
                    <p class="hint" id="public-snippet-hint">{t.t("public-snippet-hint")}</p>
                    <textarea id="public-snippet" readonly rows="4" aria-describedby="public-snippet-hint">{textarea_text(s.snippet.as_deref().unwrap_or_default())}</textarea>
                </div>
                <figure class="public-qr">
                    <img src=crate::paths::PUBLIC_PAGE_QR width="160" height="160" alt=t.t_with("public-qr-alt", &[("address", &address)]) />
                    <figcaption><a href=crate::paths::PUBLIC_PAGE_QR download="Praxisseite-QR-Code.svg">{t.t("public-qr-download")}</a></figcaption>
                </figure>
            </section>
        }
    });
    view! {
        <p>{t.t("public-settings-intro")}</p>
        <p><strong>{state}</strong></p>
        {form}
        {share}
    }
}
