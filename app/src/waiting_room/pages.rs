//! `/praxis/gespraech/:id`: the doctor's call page: the patient's names, the video call
//! ([`crate::call::doctor::DoctorCall`]) and "back to the waiting room" as a plain form.

use crate::i18n::use_i18n;
use crate::layout::{FrameKind, LoadError, PageTitle, PracticeArea};
use crate::signalling::types::RosterStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CallPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let call = Resource::new_blocking(id, super::server_fns::load_call);
    view! {
        <PracticeArea kind=FrameKind::Call>
            <div class="call-page">
            <PageTitle key="call-page-title" />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let t = use_i18n();
                    match call.await {
                        Ok(entry) => {
                            let action = crate::paths::call(&entry.appointment);
                            let in_call = entry.status == RosterStatus::InCall;
                            let since = entry.since.clone().unwrap_or_default();
                            // The call first: the doctor sees the patient and the controls
                            // without scrolling; who and when follow below it.
                            view! {
                                <section class="call" aria-labelledby="call-with">
                                    <h2 id="call-with">{t.t_with("call-with", &[("name", &entry.booked_name)])}</h2>
                                    {in_call.then(|| view! {
                                        <crate::call::doctor::DoctorCall appointment=entry.appointment.clone() patient=entry.booked_name.clone() />
                                    })}
                                    <p>{t.t_with("call-appointment", &[("time", &entry.time), ("doctor", &entry.doctor)])}</p>
                                    {entry.entered_name.clone().map(|typed| view! {
                                        <p class=if entry.names_differ { "name-check" } else { "hint" }>
                                            {use_i18n().t_with("call-entered-name", &[("name", &typed)])}
                                        </p>
                                    })}
                                    <p class="notice call-status" role="status">{t.t_with(entry.status.label_key(), &[("since", &since)])}</p>
                                    {in_call.then(|| view! {
                                        <form method="post" action=action.clone() class="inline-form call-back">
                                            <input type="hidden" name="action" value="zurueck" />
                                            <button type="submit" class="button">{use_i18n().t("panel-back")}</button>
                                        </form>
                                    })}
                                </section>
                            }.into_any()
                        }
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
            </div>
        </PracticeArea>
    }
}
