//! Pages around the people of a practice: the second factor (`/praxis/sicherheit`), the team
//! (`/praxis/team`) and accepting an invitation (`/einladung`). Forms post to their own page.

use super::pages::NewPasswordForm;
use super::server_fns::{load_second_factor, load_team};
use super::types::{Role, SecondFactorView, TeamMember};
use crate::forms::{use_form_feedback, ErrorSummary, Field, FormFeedback, SuccessNotice};
use crate::i18n::use_i18n;
use crate::layout::{has_flag, LoadError, PageTitle, PracticeArea};
use leptos::prelude::*;
use leptos_router::components::A;

/// `/praxis/sicherheit`: switch the authenticator-app second factor on or off.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    let data = Resource::new_blocking(|| (), |_| load_second_factor());
    let switched_off = has_flag("ausgeschaltet")
        .get_untracked()
        .then(|| use_i18n().t("security-off-done"));
    view! {
        <PracticeArea>
            <PageTitle key="security-title" />
            <SuccessNotice message=switched_off.clone() />
            <Suspense fallback=|| ()>
                {move || {
                    let feedback = feedback.get_value();
                    Suspend::new(async move {
                        match data.await {
                            Ok(view) => view! { <SecondFactorSection view feedback /> }.into_any(),
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </PracticeArea>
    }
}

#[component]
fn SecondFactorSection(view: SecondFactorView, feedback: FormFeedback) -> impl IntoView {
    let t = use_i18n();
    let codes: Vec<String> = feedback
        .value("totp-codes", "codes")
        .map(|c| c.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    if view.enabled {
        let fresh = (!codes.is_empty()).then(|| view! { <RecoveryCodes codes /> });
        let left = t.t_with(
            "security-codes-left",
            &[("count", &view.recovery_codes_left.to_string())],
        );
        return view! {
            {fresh}
            <p class="notice success" role="status">{t.t("security-on")}</p>
            <p>{left}</p>
            <section aria-labelledby="totp-off-title">
                <h2 id="totp-off-title">{t.t("security-off-title")}</h2>
                <p>{t.t("security-off-text")}</p>
                <ErrorSummary form="totp-off" feedback=feedback.clone() />
                <form method="post" action=crate::paths::SECURITY class="form">
                    <input type="hidden" name="action" value="disable" />
                    <Field form="totp-off" name="password" label=t.t("field-password") feedback=feedback.clone() kind="password" autocomplete="current-password" required=true maxlength=crate::fields::limits::PASSWORD />
                    <button type="submit" class="button">{t.t("security-off-submit")}</button>
                </form>
            </section>
        }
        .into_any();
    }
    match view.setup {
        None => view! {
            <p>{t.t("security-intro")}</p>
            <ErrorSummary form="totp-setup" feedback=feedback.clone() />
            <form method="post" action=crate::paths::SECURITY class="form">
                <input type="hidden" name="action" value="start" />
                <button type="submit" class="button primary">{t.t("security-start")}</button>
            </form>
        }
        .into_any(),
        Some(setup) => view! {
            <section id="einrichten" aria-labelledby="totp-setup-title">
                <h2 id="totp-setup-title">{t.t("security-setup-title")}</h2>
                <ol class="steps">
                    <li>{t.t("security-step-app")}</li>
                    <li>
                        {t.t("security-step-scan")}
                        <figure class="qr">
                            <div inner_html=setup.qr_svg role="img" aria-label=t.t("security-qr-label")></div>
                            <figcaption>
                                {t.t("security-secret-label")} " "
                                <code class="secret" translate="no">{setup.secret_grouped}</code>
                            </figcaption>
                        </figure>
                    </li>
                    <li>{t.t("security-step-code")}</li>
                </ol>
                <ErrorSummary form="totp-setup" feedback=feedback.clone() />
                <form method="post" action=crate::paths::SECURITY class="form">
                    <input type="hidden" name="action" value="confirm" />
                    <Field form="totp-setup" name="code" label=t.t("field-code") feedback=feedback.clone() autocomplete="one-time-code" inputmode="numeric" required=true maxlength=7 />
                    <Field form="totp-setup" name="password" label=t.t("field-password") feedback=feedback.clone() kind="password" autocomplete="current-password" hint=t.t("security-on-password-hint") required=true maxlength=crate::fields::limits::PASSWORD />
                    <button type="submit" class="button primary">{t.t("security-confirm")}</button>
                </form>
            </section>
        }
        .into_any(),
    }
}

/// The recovery codes right after switching on: shown this once, never again.
#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    let t = use_i18n();
    view! {
        <section class="notice success" aria-labelledby="codes-title" tabindex="-1" autofocus=true>
            <h2 id="codes-title">{t.t("security-codes-title")}</h2>
            <p>{t.t("security-codes-text")}</p>
            <ol class="recovery-codes">
                {codes.into_iter().map(|c| view! { <li><code translate="no">{c}</code></li> }).collect_view()}
            </ol>
        </section>
    }
}

/// `/praxis/team`: the people of the practice and the invitation form (owner).
#[component]
pub fn TeamPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    let data = Resource::new_blocking(|| (), |_| load_team());
    let done = if has_flag("eingeladen").get_untracked() {
        Some(use_i18n().t("team-invited"))
    } else if has_flag("entfernt").get_untracked() {
        Some(use_i18n().t("team-removed"))
    } else {
        None
    };
    view! {
        <PracticeArea>
            <PageTitle key="team-title" />
            <SuccessNotice message=done.clone() />
            <Suspense fallback=|| ()>
                {move || {
                    let feedback = feedback.get_value();
                    Suspend::new(async move {
                        match data.await {
                            Ok(members) => view! {
                                <MemberList members />
                                <InviteForm feedback />
                            }.into_any(),
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </PracticeArea>
    }
}

#[component]
fn MemberList(members: Vec<TeamMember>) -> impl IntoView {
    let t = use_i18n();
    let rows = members
        .into_iter()
        .map(|m| {
            let t = use_i18n();
            let status = if m.invitation_pending {
                t.t("team-status-invited")
            } else if m.totp_enabled {
                t.t("team-status-totp")
            } else {
                t.t("team-status-active")
            };
            let remove = (m.role != Role::Owner).then(|| {
                let label = t.t_with("team-remove-label", &[("name", &m.display_name)]);
                view! {
                    <form method="post" action=crate::paths::TEAM class="inline-form">
                        <input type="hidden" name="action" value="remove" />
                        <input type="hidden" name="id" value=m.id.clone() />
                        <button type="submit" class="button" aria-label=label>{t.t("team-remove")}</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <th scope="row">{m.display_name.clone()}</th>
                    <td>{m.email.clone()}</td>
                    <td>{t.t(m.role.label_key())}</td>
                    <td>{status}</td>
                    <td>{remove}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="members">
                <caption>{t.t("team-list-caption")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.t("team-col-name")}</th>
                        <th scope="col">{t.t("field-email")}</th>
                        <th scope="col">{t.t("team-col-role")}</th>
                        <th scope="col">{t.t("team-col-status")}</th>
                        <th scope="col"><span class="visually-hidden">{t.t("team-col-actions")}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn InviteForm(feedback: FormFeedback) -> impl IntoView {
    let t = use_i18n();
    let f = "invite";
    let chosen = feedback.value(f, "role").unwrap_or_default().to_owned();
    let role_issue = feedback.issue(f, "role").map(crate::forms::issue_text);
    let role_error_id = role_issue.as_ref().map(|_| "invite-role-error");
    let role_invalid = role_issue.is_some();
    let option = |role: Role, hint_key: &'static str| {
        let id = format!("invite-role-{}", role.as_str());
        let hint_id = format!("{id}-hint");
        view! {
            <div class="choice">
                <input type="radio" id=id.clone() name="role" value=role.as_str() checked=chosen == role.as_str() required=true aria-describedby=hint_id.clone() />
                <label for=id>{use_i18n().t(role.label_key())}</label>
                <p class="hint" id=hint_id>{use_i18n().t(hint_key)}</p>
            </div>
        }
    };
    view! {
        <section aria-labelledby="team-invite-heading">
            <h2 id="team-invite-heading">{t.t("team-invite-title")}</h2>
            <p>{t.t("team-invite-text")}</p>
            <ErrorSummary form=f feedback=feedback.clone() />
            <form method="post" action=crate::paths::TEAM class="form">
                <input type="hidden" name="action" value="invite" />
                <Field form=f name="title" label=t.t("field-title") feedback=feedback.clone() autocomplete="off" maxlength=crate::fields::limits::TITLE />
                <Field form=f name="first_name" label=t.t("field-first-name") feedback=feedback.clone() required=true maxlength=crate::fields::limits::PERSON_NAME />
                <Field form=f name="last_name" label=t.t("field-last-name") feedback=feedback.clone() required=true maxlength=crate::fields::limits::PERSON_NAME />
                <Field form=f name="email" label=t.t("field-email") feedback=feedback.clone() kind="email" required=true maxlength=crate::fields::limits::EMAIL />
                <fieldset class="field" class:field-invalid=role_invalid aria-describedby=role_error_id>
                    <legend>{t.t("team-col-role")}</legend>
                    {role_issue.map(|e| view! { <p class="field-error" id="invite-role-error">{e}</p> })}
                    {option(Role::Doctor, "team-role-doctor-hint")}
                    {option(Role::Team, "team-role-team-hint")}
                </fieldset>
                <button type="submit" class="button primary">{t.t("team-invite-submit")}</button>
            </form>
        </section>
    }
}

/// `/einladung?token=…`: an invited person chooses their password.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <PageTitle key="invitation-title" />
        <p>{t.t("invitation-text")}</p>
        <NewPasswordForm action=crate::paths::INVITATION invalid_key="invitation-invalid" submit_key="invitation-submit">
            <p>{use_i18n().t("invitation-ask-owner")}</p>
        </NewPasswordForm>
        <p class="hint">
            {t.t("invitation-have-account")} " " <A href=crate::paths::LOGIN>{t.t("login-title")}</A>
        </p>
    }
}
