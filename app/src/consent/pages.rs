//! The consent pages: the practice's overview (`/praxis/einwilligungen`), one consent
//! (`/praxis/einwilligung/{id}`), the audit log (`/praxis/protokoll`), and the consent parts of
//! the appointment page and the patient's page. Everything but encryption works without
//! JavaScript.

use super::components::ConsentBadge;
use super::islands::{ConsentUpload, DocumentViewer, KeySetup};
use super::server_fns::{load_audit, load_consent, load_consents};
use super::types::{AppointmentConsent, ConsentDetail, ConsentOverview, ConsentStatus};
use crate::forms::SuccessNotice;
use crate::i18n::use_i18n;
use crate::layout::{has_flag, LoadError, PageTitle, PracticeArea};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn flag_notice(flags: &[(&'static str, &'static str)]) -> Option<String> {
    flags
        .iter()
        .find(|(flag, _)| has_flag(flag).get_untracked())
        .map(|(_, key)| use_i18n().t(key))
}

/// `/praxis/einwilligungen`.
#[component]
pub fn ConsentsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_consents());
    let notice = flag_notice(&[("gespeichert", "saved"), ("geloescht", "consent-deleted")]);
    let too_long = has_flag("zu-lang").get_untracked();
    view! {
        <PracticeArea>
            <PageTitle key="consents-title" />
            <SuccessNotice message=notice.clone() />
            {too_long.then(|| view! { <p class="notice error" role="alert">{use_i18n().t("consent-paragraph-too-long")}</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(o) => view! { <Overview overview=o /> }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </PracticeArea>
    }
}

#[component]
fn Overview(overview: ConsentOverview) -> impl IntoView {
    let t = use_i18n();
    let key = match (&overview.public_key, overview.may_set_up_key) {
        (Some(_), _) => {
            view! { <p class="notice success">{t.t("consent-key-ready")}</p> }.into_any()
        }
        (None, true) => view! { <KeySetup /> }.into_any(),
        (None, false) => {
            view! { <p class="notice">{t.t("consent-key-missing-ask-owner")}</p> }.into_any()
        }
    };
    let empty = overview.consents.is_empty();
    let rows = overview
        .consents
        .into_iter()
        .map(|c| {
            let href = crate::paths::consent(&c.id);
            view! {
                <tr>
                    <td><a href=href>{c.patient_name}</a><br /><span class="hint">{c.patient_email}</span></td>
                    <td><ConsentBadge status=c.status /></td>
                    <td>{c.detail}</td>
                    <td>{c.documents}</td>
                </tr>
            }
        })
        .collect_view();
    let paragraph = overview.may_set_up_key.then(|| {
        let t = use_i18n();
        view! {
            <section aria-labelledby="consent-paragraph-heading">
                <h2 id="consent-paragraph-heading">{t.t("consent-paragraph-heading")}</h2>
                <form method="post" action=crate::paths::CONSENTS class="form">
                    <div class="field">
                        <label for="consent-paragraph">{t.t("consent-paragraph-label")}</label>
                        <p class="hint" id="consent-paragraph-hint">{t.t("consent-paragraph-hint")}</p>
                        <textarea id="consent-paragraph" name="paragraph" rows="5" maxlength=crate::fields::limits::CONSENT_PARAGRAPH aria-describedby="consent-paragraph-hint">{crate::forms::textarea_text(&overview.paragraph)}</textarea>
                    </div>
                    <button type="submit" class="button primary">{t.t("consent-paragraph-save")}</button>
                </form>
            </section>
        }
    });
    view! {
        <p>{t.t("consent-intro")}</p>
        <p class="button-row">
            <a class="button" href=crate::paths::CONSENT_BLANK_FORM download>{t.t("consent-template-blank")}</a>
            {overview.may_set_up_key.then(|| view! { " " <a class="button" href=crate::paths::AUDIT_LOG>{use_i18n().t("audit-title")}</a> })}
        </p>
        <section aria-labelledby="consent-key-heading">
            <h2 id="consent-key-heading">{t.t("consent-key-heading")}</h2>
            {key}
        </section>
        <section aria-labelledby="consent-list-heading">
            <h2 id="consent-list-heading">{t.t("consent-list-heading")}</h2>
            {if empty {
                view! { <p>{t.t("consent-list-empty")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label=use_i18n().t("consents-title")>
                        <table class="table">
                            <thead><tr>
                                <th scope="col">{t.t("consent-col-patient")}</th>
                                <th scope="col">{t.t("consent-col-status")}</th>
                                <th scope="col">{t.t("consent-col-detail")}</th>
                                <th scope="col">{t.t("consent-col-documents")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        {paragraph}
    }
}

/// `/praxis/einwilligung/{id}`.
#[component]
pub fn ConsentPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        load_consent,
    );
    let notice = flag_notice(&[
        ("bestaetigt", "consent-confirmed-notice"),
        ("widerrufen", "consent-withdrawn-notice"),
        ("dokument-geloescht", "consent-document-deleted"),
    ]);
    view! {
        <PracticeArea>
            <PageTitle key="consent-title" />
            <SuccessNotice message=notice.clone() />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(Some(d)) => view! { <Detail detail=d /> }.into_any(),
                        Ok(None) => view! { <p class="notice error" role="alert">{use_i18n().t("consent-not-found")}</p> }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </PracticeArea>
    }
}

#[component]
fn Detail(detail: ConsentDetail) -> impl IntoView {
    let t = use_i18n();
    let action = crate::paths::consent(&detail.row.id);
    let documents: Vec<(String, String)> = detail
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let by = if d.uploaded_by_patient {
                use_i18n().t("consent-by-patient")
            } else {
                use_i18n().t("consent-by-practice")
            };
            (
                d.id.clone(),
                format!(
                    "{} {} · {} · {} · {}",
                    use_i18n().t("consent-document"),
                    i + 1,
                    by,
                    d.uploaded,
                    d.size
                ),
            )
        })
        .collect();
    let delete_forms = detail.may_review.then(|| {
        detail
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let label =
                    use_i18n().t_with("consent-delete-document", &[("n", &(i + 1).to_string())]);
                view! {
                    <form method="post" action=action.clone() class="inline-form">
                        <input type="hidden" name="action" value="delete-document" />
                        <input type="hidden" name="document" value=d.id.clone() />
                        <button type="submit" class="button">{label}</button>
                    </form>
                }
            })
            .collect_view()
    });
    let viewer = (detail.may_review && detail.has_key && !documents.is_empty())
        .then(|| view! { <DocumentViewer documents=documents.clone() /> });
    let review = detail.may_review.then(|| {
        let t = use_i18n();
        let status = detail.row.status;
        view! {
            <div class="actions">
                {(status != ConsentStatus::Confirmed).then(|| view! {
                    <form method="post" action=action.clone() class="inline-form">
                        <input type="hidden" name="action" value="confirm" />
                        <button type="submit" class="button primary">{use_i18n().t("consent-confirm")}</button>
                    </form>
                })}
                {(status != ConsentStatus::Withdrawn).then(|| view! {
                    <form method="post" action=action.clone() class="inline-form">
                        <input type="hidden" name="action" value="withdraw" />
                        <button type="submit" class="button">{use_i18n().t("consent-withdraw")}</button>
                    </form>
                })}
                <form method="post" action=action.clone() class="inline-form">
                    <input type="hidden" name="action" value="delete" />
                    <button type="submit" class="button danger">{t.t("consent-delete")}</button>
                </form>
            </div>
        }
    });
    view! {
        <h2>{detail.row.patient_name.clone()}</h2>
        <p class="hint">{detail.row.patient_email.clone()}</p>
        <p><ConsentBadge status=detail.row.status /> " " {detail.row.detail.clone()}</p>
        <h3>{t.t("consent-documents-heading")}</h3>
        {if detail.documents.is_empty() {
            view! { <p>{t.t("consent-no-documents")}</p> }.into_any()
        } else {
            view! { <ul>{documents.iter().map(|(_, label)| view! { <li>{label.clone()}</li> }).collect_view()}</ul> }.into_any()
        }}
        {viewer}
        {delete_forms}
        {review}
    }
}

/// `/praxis/protokoll`: who opened, confirmed or deleted what, newest first.
#[component]
pub fn AuditPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_audit());
    view! {
        <PracticeArea>
            <PageTitle key="audit-title" />
            <p>{use_i18n().t("audit-intro")}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let t = use_i18n();
                    match data.await {
                        Ok(rows) if rows.is_empty() => view! { <p>{t.t("audit-empty")}</p> }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-scroll" tabindex="0" role="region" aria-label=use_i18n().t("audit-title")>
                                <table class="table">
                                    <thead><tr>
                                        <th scope="col">{t.t("audit-col-at")}</th>
                                        <th scope="col">{t.t("audit-col-actor")}</th>
                                        <th scope="col">{t.t("audit-col-action")}</th>
                                        <th scope="col">{t.t("audit-col-patient")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! {
                                            <tr><td>{r.at}</td><td>{r.actor}</td><td>{use_i18n().t(&r.action_key)}</td><td>{r.patient}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </PracticeArea>
    }
}

/// The consent part of an appointment's page: status, the patient's form, paper consent, and
/// uploading a scan.
#[component]
pub fn AppointmentConsentSection(
    appointment_id: String,
    consent: AppointmentConsent,
) -> impl IntoView {
    let t = use_i18n();
    let received = has_flag("einwilligung-erhalten")
        .get_untracked()
        .then(|| use_i18n().t("consent-paper-saved"));
    let bad_date = has_flag("einwilligung-datum").get_untracked();
    let template = crate::paths::appointment_consent_form(&appointment_id);
    let paper_action = crate::paths::appointment_paper_consent(&appointment_id);
    let upload = consent.public_key.clone().map(|key| {
        let endpoint = crate::paths::appointment_consent_upload(&appointment_id);
        view! { <ConsentUpload public_key=key endpoint=endpoint for_practice=true /> }
    });
    let open = consent.consent_id.clone().map(|id| {
        view! { <p><a href=crate::paths::consent(&id)>{use_i18n().t("consent-open")}</a></p> }
    });
    view! {
        <section aria-labelledby="appointment-consent-heading" class="card">
            <h2 id="appointment-consent-heading">{t.t("consent-heading")}</h2>
            <SuccessNotice message=received />
            <p><ConsentBadge status=consent.status /></p>
            {open}
            <p><a class="button" href=template download>{t.t("consent-template-patient")}</a></p>
            <form method="post" action=paper_action class="form">
                <div class="field">
                    <label for="consent-received-on">{t.t("consent-paper-label")}</label>
                    {bad_date.then(|| view! { <p class="field-error" id="consent-received-on-error">{use_i18n().t("consent-paper-bad-date")}</p> })}
                    <input type="date" id="consent-received-on" name="received_on" required aria-invalid=bad_date.then_some("true") aria-describedby=bad_date.then_some("consent-received-on-error") />
                </div>
                <button type="submit" class="button">{t.t("consent-paper-submit")}</button>
            </form>
            {upload}
        </section>
    }
}

/// The consent part of the patient's page: status, the form to print, and the upload.
#[component]
pub fn PatientConsentSection(consent: AppointmentConsent) -> impl IntoView {
    let t = use_i18n();
    let body = match consent.status {
        ConsentStatus::Confirmed => {
            view! { <p class="notice success">{t.t("patient-consent-confirmed")}</p> }.into_any()
        }
        status => {
            let waiting = (status == ConsentStatus::ToCheck).then(
                || view! { <p class="notice">{use_i18n().t("patient-consent-to-check")}</p> },
            );
            // Without the practice's key there is nothing to upload to: the text says so.
            let (intro, upload) = match consent.public_key.clone() {
                Some(key) => ("patient-consent-intro", view! {
                    <ConsentUpload public_key=key endpoint=crate::paths::PATIENT_CONSENT_UPLOAD.to_owned() for_practice=false />
                }.into_any()),
                None => ("patient-consent-intro-paper", view! { <p>{use_i18n().t("patient-consent-no-upload")}</p> }.into_any()),
            };
            view! {
                {waiting}
                <p>{use_i18n().t(intro)}</p>
                <p><a class="button" href=crate::paths::PATIENT_CONSENT_FORM download>{use_i18n().t("patient-consent-download")}</a></p>
                {upload}
            }.into_any()
        }
    };
    view! {
        <section aria-labelledby="patient-consent-heading" class="card patient-consent">
            <h2 id="patient-consent-heading">{t.t("consent-heading")}</h2>
            {body}
        </section>
    }
}
