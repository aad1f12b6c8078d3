//! `/praxis/vertrag` (the contract), `/praxis/vertrag/kuendigen` and
//! `/praxis/vertrag/widerrufen` (the two dialogs, each a page of its own, so they work without
//! JavaScript). Owner only.

use super::server_fns::load_contract;
use super::types::{ContractState, ContractView};
use crate::forms::{use_form_feedback, ErrorSummary, Field, FormFeedback, SuccessNotice};
use crate::i18n::use_i18n;
use crate::layout::{has_flag, FrameKind, LoadError, PageTitle, PracticeArea};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Loads the contract and shows `body` with it.
fn with_contract<V: IntoView + 'static>(
    body: impl Fn(ContractView) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_contract());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(contract) => body(contract).into_any(),
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/praxis/vertrag`: plan, start and state; the way to cancel or to revoke.
#[component]
pub fn VertragPage() -> impl IntoView {
    let done = [
        ("gekuendigt", "contract-cancel-done"),
        ("widerrufen", "contract-revoke-done"),
    ]
    .into_iter()
    .find(|(flag, _)| has_flag(flag).get_untracked())
    .map(|(_, key)| use_i18n().t(key));
    view! {
        <PracticeArea kind=FrameKind::Static>
            <PageTitle key="vertrag-title" />
            <SuccessNotice message=done.clone() />
            {with_contract(|c| {
                let t = use_i18n();
                let state = match &c.state {
                    ContractState::Running => view! {
                        <dt>{t.t("contract-state")}</dt>
                        <dd>{t.t("contract-running")}</dd>
                    }.into_any(),
                    ContractState::Cancelled { cancelled_on, .. } => view! {
                        <dt>{t.t("contract-state")}</dt>
                        <dd>{t.t_with("contract-cancelled-on", &[("date", cancelled_on)])}</dd>
                    }.into_any(),
                };
                let action = match &c.state {
                    ContractState::Running => view! {
                        <p>{t.t("vertrag-text")}</p>
                        <p><A href=crate::paths::CONTRACT_CANCEL>{t.t("contract-cancel-link")}</A></p>
                    }.into_any(),
                    ContractState::Cancelled { last_day, .. } => view! {
                        <div class="notice" role="note">
                            <p>{t.t_with("contract-notice-box", &[("date", last_day)])}</p>
                            <p><A href=crate::paths::CONTRACT_REVOKE>{t.t("contract-revoke-link")}</A></p>
                        </div>
                    }.into_any(),
                };
                view! {
                    <dl class="facts">
                        <dt>{t.t("vertrag-plan")}</dt>
                        <dd>{t.t(c.plan.label_key())}</dd>
                        <dt>{t.t("vertrag-start")}</dt>
                        <dd>{c.started_on}</dd>
                        {state}
                    </dl>
                    {action}
                }
            })}
        </PracticeArea>
    }
}

/// The dialog "Vertrag kündigen und Daten löschen": the exact deletion date and the owner's
/// password.
#[component]
pub fn CancelContractPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    view! {
        <PracticeArea kind=FrameKind::Static>
            <section class="card dialog" role="dialog" aria-modal="false" aria-labelledby="cancel-title">
                <Title text=use_i18n().t("contract-cancel-title") />
                <h1 id="cancel-title">{use_i18n().t("contract-cancel-title")}</h1>
                {with_contract(move |c| cancel_body(c, feedback.get_value()))}
            </section>
        </PracticeArea>
    }
}

fn cancel_body(c: ContractView, feedback: FormFeedback) -> impl IntoView {
    let t = use_i18n();
    if let ContractState::Cancelled { last_day, .. } = &c.state {
        return view! {
            <p>{t.t_with("contract-notice-box", &[("date", last_day)])}</p>
            <p><A href=crate::paths::CONTRACT>{t.t("contract-back")}</A></p>
        }
        .into_any();
    }
    view! {
        <p class="notice warning">{t.t_with("contract-cancel-warning", &[("date", &c.would_end_on)])}</p>
        <p>{t.t("contract-cancel-keep-working")}</p>
        <ErrorSummary form="cancel" feedback=feedback.clone() />
        <form method="post" action=crate::paths::CONTRACT_CANCEL class="form">
            <Field form="cancel" name="password" label=t.t("contract-cancel-password") feedback=feedback.clone() kind="password" autocomplete="current-password" required=true maxlength=crate::fields::limits::PASSWORD />
            <div class="actions">
                <button type="submit" class="button danger">{t.t("contract-cancel-submit")}</button>
                <A href=crate::paths::CONTRACT attr:class="button secondary">{t.t("contract-abort")}</A>
            </div>
        </form>
    }
    .into_any()
}

/// The dialog "Kündigung widerrufen".
#[component]
pub fn RevokeCancellationPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    view! {
        <PracticeArea kind=FrameKind::Static>
            <section class="card dialog" role="dialog" aria-modal="false" aria-labelledby="revoke-title">
                <Title text=use_i18n().t("contract-revoke-title") />
                <h1 id="revoke-title">{use_i18n().t("contract-revoke-title")}</h1>
                {with_contract(move |c| {
                    let t = use_i18n();
                    let feedback = feedback.get_value();
                    match &c.state {
                        ContractState::Running => view! {
                            <p>{t.t("contract-running")}</p>
                            <p><A href=crate::paths::CONTRACT>{t.t("contract-back")}</A></p>
                        }.into_any(),
                        ContractState::Cancelled { last_day, .. } => view! {
                            <p>{t.t_with("contract-revoke-text", &[("date", last_day)])}</p>
                            <ErrorSummary form="revoke" feedback=feedback.clone() />
                            <form method="post" action=crate::paths::CONTRACT_REVOKE class="form">
                                <input type="hidden" name="confirm" value="1" />
                                <div class="actions">
                                    <button type="submit" class="button primary">{t.t("contract-revoke-submit")}</button>
                                    <A href=crate::paths::CONTRACT attr:class="button secondary">{t.t("contract-abort")}</A>
                                </div>
                            </form>
                        }.into_any(),
                    }
                })}
            </section>
        </PracticeArea>
    }
}
