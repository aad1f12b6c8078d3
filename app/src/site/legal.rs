use super::{server_fns::load_operator_info, types::OperatorInfo};
use crate::i18n::{use_i18n, I18n};
use leptos::prelude::*;
use leptos_meta::Title;

/// Nutzungsbedingungen: the terms of use for practices.
#[component]
pub fn TermsPage() -> impl IntoView {
    let t = use_i18n();
    view! { <LegalText t prefix="terms" args=vec![] /> }
}

/// Datenschutzerklärung: the privacy notice, naming the operator as configured.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let t = use_i18n();
    let operator = Resource::new_blocking(|| (), |_| load_operator_info());
    view! {
        <Suspense fallback=move || view! { <p>{t.t("loading")}</p> }>
            {move || Suspend::new(async move {
                match operator.await {
                    Ok(op) => {
                        let args = vec![
                            ("operator".to_owned(), op.name.clone()),
                            ("address".to_owned(), op.address_line()),
                            ("email".to_owned(), op.email.clone()),
                        ];
                        view! { <LegalText t prefix="privacy" args /> }.into_any()
                    }
                    Err(e) => view! { <p role="alert">{t.t(e.message_key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Renders `<prefix>-title`, `<prefix>-intro` and the numbered sections `<prefix>-sN-heading`
/// with paragraphs `<prefix>-sN-pM`, so the texts can grow in the Fluent file alone.
#[component]
fn LegalText(t: I18n, prefix: &'static str, args: Vec<(String, String)>) -> impl IntoView {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let text = |key: &str| t.t_with(key, &args);
    let sections = (1..)
        .map(|n| format!("{prefix}-s{n}"))
        .take_while(|s| t.has(&format!("{s}-heading")))
        .map(|s| {
            let paragraphs = (1..)
                .map(|m| format!("{s}-p{m}"))
                .take_while(|p| t.has(p))
                .map(|p| view! { <p>{text(&p)}</p> })
                .collect_view();
            view! {
                <section>
                    <h2>{text(&format!("{s}-heading"))}</h2>
                    {paragraphs}
                </section>
            }
        })
        .collect_view();
    let title = text(&format!("{prefix}-title"));
    view! {
        <Title text=title.clone() />
        <article class="legal">
            <h1>{title}</h1>
            <p class="lead">{text(&format!("{prefix}-intro"))}</p>
            {sections}
            <p class="stand">{t.t("legal-stand")}</p>
        </article>
    }
}

/// Impressum: the operator's legal notice (§ 5 DDG), from the `[operator]` settings.
#[component]
pub fn ImpressumPage() -> impl IntoView {
    let t = use_i18n();
    let operator = Resource::new_blocking(|| (), |_| load_operator_info());
    view! {
        <Title text=t.t("impressum-title") />
        <article class="legal">
            <h1>{t.t("impressum-title")}</h1>
            <Suspense fallback=move || view! { <p>{t.t("loading")}</p> }>
                {move || Suspend::new(async move {
                    match operator.await {
                        Ok(op) => view! { <ImpressumDetails t op /> }.into_any(),
                        Err(e) => view! { <p role="alert">{t.t(e.message_key())}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn ImpressumDetails(t: I18n, op: OperatorInfo) -> impl IntoView {
    let optional = |key: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <p><strong>{t.t(key)}</strong>" "{value}</p> })
    };
    let mailto = format!("mailto:{}", op.email);
    view! {
        <section>
            <h2>{t.t("impressum-provider")}</h2>
            <address>
                {op.name.clone()}<br />
                {op.street.clone()}<br />
                {format!("{} {}", op.postcode, op.city)}
            </address>
            <p><strong>{t.t("impressum-representative")}</strong>" "{op.representative.clone()}</p>
        </section>
        <section>
            <h2>{t.t("impressum-contact")}</h2>
            <p><strong>{t.t("impressum-phone")}</strong>" "{op.phone.clone()}</p>
            <p><strong>{t.t("impressum-email")}</strong>" "<a href=mailto>{op.email.clone()}</a></p>
        </section>
        {optional("impressum-register", op.register_entry.clone())}
        {optional("impressum-vat", op.vat_id.clone())}
        <section>
            <h2>{t.t("impressum-dispute-heading")}</h2>
            <p>{t.t("impressum-dispute")}</p>
        </section>
    }
}
