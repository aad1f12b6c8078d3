use super::{server_fns::load_operator_info, types::OperatorInfo, PageDescription};
use crate::i18n::{use_i18n, I18n};
use leptos::prelude::*;
use leptos_meta::Title;

/// Nutzungsbedingungen: the terms of use for practices, naming the operator as configured.
#[component]
pub fn TermsPage() -> impl IntoView {
    view! { <OperatorLegalText prefix="terms" /> }
}

/// Datenschutzerklärung: the privacy notice, naming the operator as configured.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! { <OperatorLegalText prefix="privacy" /> }
}

/// Auftragsverarbeitungsvertrag: the processing agreement (Art. 28 DSGVO) a practice concludes
/// at registration, naming the operator as configured.
#[component]
pub fn ProcessingAgreementPage() -> impl IntoView {
    view! { <OperatorLegalText prefix="avv" /> }
}

/// A legal text whose messages name the operator: every variable the texts use is filled, so
/// no message shows a bare `{$operator}`.
#[component]
fn OperatorLegalText(prefix: &'static str) -> impl IntoView {
    let t = use_i18n();
    let operator = Resource::new_blocking(|| (), |_| load_operator_info());
    view! {
        <Suspense fallback=move || view! { <p>{t.t("loading")}</p> }>
            {move || Suspend::new(async move {
                match operator.await {
                    Ok(op) => {
                        let args = legal_args(&op);
                        view! { <LegalText t prefix args /> }.into_any()
                    }
                    Err(e) => view! { <p role="alert">{t.t(e.message_key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The Fluent variables of the legal texts (see the head of `legal.ftl` and `avv.ftl`).
fn legal_args(op: &OperatorInfo) -> Vec<(String, String)> {
    vec![
        ("operator".to_owned(), op.name.clone()),
        ("address".to_owned(), op.address_line()),
        ("email".to_owned(), op.email.clone()),
        (
            "months".to_owned(),
            crate::policy::METADATA_RETENTION_MONTHS.to_string(),
        ),
        (
            "hours".to_owned(),
            crate::policy::SESSION_ABSOLUTE_HOURS.to_string(),
        ),
    ]
}

/// From this many sections on, a legal text starts with a table of contents.
const TOC_FROM_SECTIONS: usize = 6;

/// The fragment of the `i`-th section (0-based): `/datenschutz#abschnitt-3` is its third.
fn anchor(i: usize) -> String {
    format!("abschnitt-{}", i + 1)
}

/// Renders `<prefix>-title`, `<prefix>-intro` and the numbered sections `<prefix>-sN-heading`
/// with paragraphs `<prefix>-sN-pM`, so the texts can grow in the Fluent file alone.
#[component]
fn LegalText(t: I18n, prefix: &'static str, args: Vec<(String, String)>) -> impl IntoView {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let text = |key: &str| t.t_with(key, &args);
    let keys: Vec<String> = (1..)
        .map(|n| format!("{prefix}-s{n}"))
        .take_while(|s| t.has(&format!("{s}-heading")))
        .collect();
    // A long text gets a table of contents, each entry a link to its section (the headings
    // carry their numbers, so the list is not numbered again).
    let contents = (keys.len() >= TOC_FROM_SECTIONS).then(|| {
        let entries = keys
            .iter()
            .enumerate()
            .map(|(i, s)| view! { <li><a href=format!("#{}", anchor(i))>{text(&format!("{s}-heading"))}</a></li> })
            .collect_view();
        view! {
            <nav class="toc" aria-labelledby="toc-title">
                <h2 id="toc-title">{t.t("legal-contents")}</h2>
                <ul>{entries}</ul>
            </nav>
        }
    });
    let sections = keys
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let paragraphs = (1..)
                .map(|m| format!("{s}-p{m}"))
                .take_while(|p| t.has(p))
                .map(|p| {
                    let link = t.has(&format!("{p}-href")).then(|| {
                        let href = t.t(&format!("{p}-href"));
                        view! { " " <a href=href>{text(&format!("{p}-link"))}</a> }
                    });
                    view! { <p>{text(&p)}{link}</p> }
                })
                .collect_view();
            view! {
                <section id=anchor(i)>
                    <h2>{text(&format!("{s}-heading"))}</h2>
                    {paragraphs}
                </section>
            }
        })
        .collect_view();
    let title = text(&format!("{prefix}-title"));
    // A text revised on its own carries its own date.
    let stand = match format!("{prefix}-stand") {
        own if t.has(&own) => t.t(&own),
        _ => t.t("legal-stand"),
    };
    view! {
        <Title text=title.clone() />
        <PageDescription text=t.t(&format!("meta-description-{prefix}")) />
        <article class="legal">
            <h1>{title}</h1>
            <p class="lead">{text(&format!("{prefix}-intro"))}</p>
            {contents}
            {sections}
            <p class="stand">{stand}</p>
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
        <PageDescription text=t.t("meta-description-impressum") />
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
