//! `/praxis/kv-antrag`: what the practice has to do for its KV, and its prefilled documents.
//! A plain form (GET): works without JavaScript, and the browser downloads the PDF it returns.

use super::server_fns::load_kv_page;
use super::types::{CertificateRow, KvPage, KvRow};
use crate::i18n::use_i18n;
use crate::layout::{FrameKind, LoadError, PageTitle, PracticeArea};
use leptos::prelude::*;

#[component]
pub fn KvApplicationPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_kv_page());
    let t = use_i18n();
    view! {
        <PracticeArea kind=FrameKind::Static>
            <PageTitle key="kv-title" />
            <p>{t.t("kv-page-intro")}</p>
            <ol class="steps">
                <li>{t.t("kv-step-form")}</li>
                <li>{t.t("kv-step-attachments")}</li>
                <li>{t.t("kv-step-send")}</li>
            </ol>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <KvPageBody page /> }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </PracticeArea>
    }
}

#[component]
fn KvPageBody(page: KvPage) -> impl IntoView {
    let t = use_i18n();
    let example = page.operator_example.then(|| {
        view! { <p class="notice" role="note">{use_i18n().t("kv-operator-example")}</p> }
    });
    let kv_options = page
        .kvs
        .iter()
        .map(|kv| view! { <option value=kv.slug.clone() selected=kv.own>{kv.option_label.clone()}</option> })
        .collect_view();
    let doctor_options = page
        .doctors
        .iter()
        // The name alone: with the LANR behind it, a phone showed "Dr. med. Anna Beispiel (LAN".
        .map(|d| view! { <option value=d.id.clone() selected=d.me>{d.name.clone()}</option> })
        .collect_view();
    view! {
        {example}
        <form class="card form" method="get" action=crate::paths::KV_APPLICATION_PDF>
            <h2>{t.t("kv-form-heading")}</h2>
            <div class="field">
                <label for="kv-kv">{t.t("field-kv-region")}</label>
                <select id="kv-kv" name="kv">{kv_options}</select>
            </div>
            <div class="field">
                <label for="kv-doctor">{t.t("kv-doctor")}</label>
                <select id="kv-doctor" name="arzt" aria-describedby="kv-doctor-hint">
                    <option value="">{t.t("kv-doctor-blank")}</option>
                    {doctor_options}
                </select>
                <p class="hint" id="kv-doctor-hint">{t.t("kv-doctor-hint")}</p>
            </div>
            <div class="field">
                <label for="kv-start">{t.t("kv-start")}</label>
                <input id="kv-start" name="beginn" type="date" aria-describedby="kv-start-hint" />
                <p class="hint" id="kv-start-hint">{t.t("kv-start-hint")}</p>
            </div>
            <div class="actions">
                <button type="submit" class="button">{t.t("kv-download-form")}</button>
                <button type="submit" class="button secondary" formaction=crate::paths::KV_CONFIRMATION_PDF>
                    {t.t("kv-download-confirmation")}
                </button>
            </div>
        </form>
        <section class="card" aria-labelledby="kv-self-heading">
            <h2 id="kv-self-heading">{t.t("kv-self-heading")}</h2>
            <p>{t.t("kv-self-intro")}</p>
            <p><a class="button secondary" href=crate::paths::KV_SELF_DISCLOSURE_PDF>{t.t("kv-self-disclosure")}</a></p>
        </section>
        <Certificates certificates=page.certificates operator=page.operator_name />
        <KvFactsTable kvs=page.kvs as_of=page.as_of />
    }
}

#[component]
fn Certificates(certificates: Vec<CertificateRow>, operator: String) -> impl IntoView {
    let t = use_i18n();
    let body = if certificates.is_empty() {
        view! { <p>{t.t_with("kv-certificates-none", &[("operator", &operator)])}</p> }.into_any()
    } else {
        view! {
            <ul class="plain-list">
                {certificates.into_iter().map(|c| {
                    let text = format!("{}: {}, Nr. {}, gültig bis {}", c.title, c.issuer, c.number, c.valid_until);
                    let link = c.downloadable.then(|| {
                        let href = crate::paths::kv_certificate(c.index + 1);
                        let label = use_i18n().t_with("kv-certificate-download", &[("title", &c.title)]);
                        view! { " " <a href=href>{label}</a> }
                    });
                    view! { <li>{text}{link}</li> }
                }).collect_view()}
            </ul>
        }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="kv-certificates-heading">
            <h2 id="kv-certificates-heading">{t.t("kv-certificates-heading")}</h2>
            {body}
        </section>
    }
}

#[component]
fn KvFactsTable(mut kvs: Vec<KvRow>, as_of: String) -> impl IntoView {
    let t = use_i18n();
    // The practice's own KV first, the others in their order.
    kvs.sort_by_key(|kv| !kv.own);
    let (procedure, note_label, source_label) = (
        t.t("kv-col-procedure"),
        t.t("kv-col-note"),
        t.t("kv-col-source"),
    );
    view! {
        <section aria-labelledby="kv-facts-heading">
            <h2 id="kv-facts-heading">{t.t("kv-facts-heading")}</h2>
            <p>{t.t_with("kv-facts-intro", &[("date", &as_of)])}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="kv-facts-heading">
                <table class="table stacked">
                    <thead><tr>
                        <th scope="col">{t.t("kv-col-kv")}</th>
                        <th scope="col">{t.t("kv-col-procedure")}</th>
                        <th scope="col">{t.t("kv-col-note")}</th>
                        <th scope="col">{t.t("kv-col-source")}</th>
                    </tr></thead>
                    <tbody>
                        {kvs.into_iter().map(|kv| {
                            let t = use_i18n();
                            let own = kv.own.then(|| view! { " " <strong>{t.t("kv-own")}</strong> });
                            let note = [kv.note, kv.send_to.map(|s| t.t_with("kv-send-to", &[("where", &s)]))]
                                .into_iter().flatten().collect::<Vec<_>>().join(" ");
                            // No note: an empty cell (hidden on phones, not "Hinweis:" alone).
                            let note = (!note.is_empty()).then_some(note);
                            let source = kv.source_url.map(|url| {
                                let dated = kv.source_dated.unwrap_or_default();
                                view! { <a href=url.clone() rel="noopener noreferrer">{kv.abbreviation.clone()}</a>{format!(" ({dated})")} }
                            });
                            view! {
                                <tr class:own-kv=kv.own>
                                    <th scope="row">{kv.name}{own}</th>
                                    <td data-label=procedure.clone()>{t.t(&kv.procedure_key)}</td>
                                    <td data-label=note_label.clone()>{note}</td>
                                    <td data-label=source_label.clone()>{source}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
