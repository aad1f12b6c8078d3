//! The practice pages: registration, login, second factor, password reset and the logged-in
//! area (overview, Stammdaten, Rechnungsdaten, Vertrag). Forms post to their own address and
//! work without JavaScript (see `crate::forms`).

use super::server_fns::{load_rechnungsdaten, load_session_info, load_stammdaten};
use super::types::Role;
use crate::fields::KvRegion;
use crate::forms::{
    use_form_feedback, CheckboxField, ErrorSummary, Field, FormFeedback, SuccessNotice,
};
use crate::i18n::use_i18n;
use crate::layout::{has_flag, query_value, LoadError, PageTitle, PracticeArea};
use leptos::prelude::*;
use leptos_router::components::A;

/// The KV selection with all 17 Kassenärztliche Vereinigungen.
#[component]
fn KvSelect(form: &'static str, selected: String, feedback: FormFeedback) -> impl IntoView {
    let t = use_i18n();
    let id = format!("{form}-kv_region");
    let selected = feedback
        .value(form, "kv_region")
        .map(str::to_owned)
        .unwrap_or(selected);
    let issue = feedback
        .issue(form, "kv_region")
        .map(crate::forms::issue_text);
    let error_id = issue.as_ref().map(|_| format!("{id}-error"));
    let invalid = issue.is_some();
    let options = KvRegion::ALL
        .iter()
        .map(|kv| {
            let slug = kv.slug();
            view! { <option value=slug selected=selected == slug>{kv.option_label()}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id.clone()>{t.t("field-kv-region")}</label>
            {issue.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <select id=id name="kv_region" required=true aria-describedby=error_id.clone() aria-invalid=error_id.is_some().then_some("true")>
                <option value="">{t.t("field-kv-region-choose")}</option>
                {options}
            </select>
        </div>
    }
}

/// Specialties offered as suggestions; any other text is allowed.
const SPECIALTIES: &[&str] = &[
    "Allgemeinmedizin",
    "Innere Medizin",
    "Kinder- und Jugendmedizin",
    "Psychiatrie und Psychotherapie",
    "Psychosomatische Medizin und Psychotherapie",
    "Psychologische Psychotherapeutin",
    "Psychologischer Psychotherapeut",
    "Kinder- und Jugendlichenpsychotherapeut/in",
    "Dermatologie",
    "Neurologie",
    "Gynäkologie",
    "Orthopädie",
];

#[component]
fn PersonFields(
    form: &'static str,
    feedback: FormFeedback,
    #[prop(optional)] initial: Option<super::types::Stammdaten>,
    lanr_required: bool,
) -> impl IntoView {
    let t = use_i18n();
    let i = initial.unwrap_or_default();
    let suggestions = SPECIALTIES
        .iter()
        .map(|s| view! { <option value=*s></option> })
        .collect_view();
    view! {
        <Field form name="title" label=t.t("field-title") value=i.title feedback=feedback.clone() autocomplete="honorific-prefix" hint=t.t("field-title-hint") maxlength=crate::fields::limits::TITLE />
        <Field form name="first_name" label=t.t("field-first-name") value=i.first_name feedback=feedback.clone() autocomplete="given-name" required=true maxlength=crate::fields::limits::PERSON_NAME />
        <Field form name="last_name" label=t.t("field-last-name") value=i.last_name feedback=feedback.clone() autocomplete="family-name" required=true maxlength=crate::fields::limits::PERSON_NAME />
        <Field form name="specialty" label=t.t("field-specialty") value=i.specialty feedback=feedback.clone() hint=t.t("field-specialty-hint") required=true list="specialties" maxlength=crate::fields::limits::SPECIALTY />
        <datalist id="specialties">{suggestions}</datalist>
        <Field form name="lanr" label=t.t("field-lanr") value=i.lanr feedback=feedback.clone() hint=t.t("field-lanr-hint") required=lanr_required inputmode="numeric" maxlength=crate::fields::limits::NINE_DIGITS_TYPED />
    }
}

#[component]
fn PracticeFields(
    form: &'static str,
    feedback: FormFeedback,
    #[prop(optional)] initial: Option<super::types::Stammdaten>,
) -> impl IntoView {
    let t = use_i18n();
    let i = initial.unwrap_or_default();
    view! {
        <Field form name="practice_name" label=t.t("field-practice-name") value=i.practice_name feedback=feedback.clone() autocomplete="organization" required=true maxlength=crate::fields::limits::PRACTICE_NAME />
        <Field form name="street" label=t.t("field-street") value=i.street feedback=feedback.clone() autocomplete="street-address" required=true maxlength=crate::fields::limits::STREET />
        <div class="field-row">
            <Field form name="postcode" label=t.t("field-postcode") value=i.postcode feedback=feedback.clone() autocomplete="postal-code" required=true inputmode="numeric" maxlength=crate::fields::limits::POSTCODE />
            <Field form name="city" label=t.t("field-city") value=i.city feedback=feedback.clone() autocomplete="address-level2" required=true maxlength=crate::fields::limits::CITY />
        </div>
        <Field form name="phone" label=t.t("field-phone") value=i.phone feedback=feedback.clone() kind="tel" autocomplete="tel" required=true maxlength=crate::fields::limits::PHONE />
        <KvSelect form selected=i.kv_region feedback=feedback.clone() />
        <Field form name="bsnr" label=t.t("field-bsnr") value=i.bsnr feedback=feedback.clone() hint=t.t("field-bsnr-hint") required=true inputmode="numeric" maxlength=crate::fields::limits::NINE_DIGITS_TYPED />
    }
}

/// `/registrieren`: a practice registers with its owner.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_i18n();
    let feedback = use_form_feedback();
    view! {
        <PageTitle key="register-title" />
        <p>{t.t("register-intro")}</p>
        <ErrorSummary form="register" feedback=feedback.clone() />
        <form method="post" action=crate::paths::REGISTER class="form" novalidate=true>
            <fieldset>
                <legend>{t.t("register-person-legend")}</legend>
                <PersonFields form="register" feedback=feedback.clone() lanr_required=true />
            </fieldset>
            <fieldset>
                <legend>{t.t("register-practice-legend")}</legend>
                <PracticeFields form="register" feedback=feedback.clone() />
            </fieldset>
            <fieldset>
                <legend>{t.t("register-account-legend")}</legend>
                <Field form="register" name="email" label=t.t("field-email") feedback=feedback.clone() kind="email" autocomplete="email" required=true maxlength=crate::fields::limits::EMAIL />
                <Field form="register" name="password" label=t.t("field-new-password") feedback=feedback.clone() kind="password" autocomplete="new-password" hint=t.t("field-new-password-hint") required=true maxlength=crate::fields::limits::PASSWORD />
            </fieldset>
            <CheckboxField form="register" name="accept_terms" feedback=feedback.clone()>
                {t.t("register-accept-terms-before")} " " <a href=crate::paths::TERMS target="_blank">{t.t("register-accept-terms-link")}</a> " " {t.t("register-accept-terms-after")}
            </CheckboxField>
            <CheckboxField form="register" name="accept_dpa" feedback=feedback.clone()>
                {t.t("register-accept-dpa-before")} " " <a href=crate::paths::PROCESSING_AGREEMENT target="_blank">{t.t("register-accept-dpa-link")}</a> " " {t.t("register-accept-dpa-after")}
            </CheckboxField>
            <button type="submit" class="button primary">{t.t("register-submit")}</button>
        </form>
        <p>{t.t("register-have-account")} " " <A href=crate::paths::LOGIN>{t.t("login-title")}</A></p>
    }
}

/// After registration: check your inbox.
#[component]
pub fn RegisterSentPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <PageTitle key="register-sent-title" />
        <p role="status">{t.t("register-sent-text")}</p>
        <p><A href=crate::paths::LOGIN>{t.t("login-title")}</A></p>
        // Mail can be late or land in a spam filter: a new link from here, without a detour via
        // the login (the answer does not tell whether the address has an account).
        <h2>{t.t("register-sent-missing-title")}</h2>
        <p>{t.t("register-sent-missing-text")}</p>
        <ResendLinkForm />
    }
}

/// `/registrieren/bestaetigen?token=…`, the link from the verification e-mail: only a page
/// with a button. Link scanners of mail gateways open links (GET) but press no buttons, so the
/// address is verified by the person who clicks, with a POST.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let t = use_i18n();
    let token = query_value("token").unwrap_or_default();
    view! {
        <PageTitle key="verify-title" />
        <p>{t.t("verify-text")}</p>
        <form method="post" action=crate::paths::REGISTER_VERIFY class="form">
            <input type="hidden" name="token" value=token />
            <button type="submit" class="button primary">{t.t("verify-submit")}</button>
        </form>
    }
}

/// "Link erneut senden" with the address typed in: after registering and on a dead link.
#[component]
fn ResendLinkForm() -> impl IntoView {
    let t = use_i18n();
    view! {
        <form method="post" action=crate::paths::LOGIN_RESEND class="form">
            <Field form="resend" name="email" label=t.t("field-email") feedback=FormFeedback::default() kind="email" autocomplete="email" required=true maxlength=crate::fields::limits::EMAIL />
            <button type="submit" class="button">{t.t("login-resend")}</button>
        </form>
    }
}

/// A verification link that is unknown, used or expired.
#[component]
pub fn LinkInvalidPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <PageTitle key="link-invalid-title" />
        <p>{t.t("link-invalid-text")}</p>
        <ResendLinkForm />
    }
}

/// `/anmelden`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_i18n();
    let feedback = use_form_feedback();
    let not_verified = feedback.notice.as_deref() == Some("login-not-verified");
    let typed_email = feedback
        .value("login", "email")
        .unwrap_or_default()
        .to_owned();
    let notices = [
        ("bestaetigt", "login-notice-verified"),
        ("link-gesendet", "login-notice-link-sent"),
        ("abgemeldet", "login-notice-logged-out"),
        ("passwort-geaendert", "login-notice-password-changed"),
        ("abgelaufen", "login-notice-expired"),
        ("eingeladen", "login-notice-invited"),
    ]
    .into_iter()
    .filter(|(flag, _)| has_flag(flag).get_untracked())
    .map(|(_, key)| t.t(key))
    .next();
    view! {
        <PageTitle key="login-title" />
        <SuccessNotice message=notices />
        <ErrorSummary form="login" feedback=feedback.clone() />
        {not_verified.then(|| view! {
            <form method="post" action=crate::paths::LOGIN_RESEND class="form inline-form">
                <input type="hidden" name="email" value=typed_email.clone() />
                <button type="submit" class="button">{use_i18n().t("login-resend")}</button>
            </form>
        })}
        <form method="post" action=crate::paths::LOGIN class="form">
            <Field form="login" name="email" label=t.t("field-email") feedback=feedback.clone() kind="email" autocomplete="username" required=true maxlength=crate::fields::limits::EMAIL />
            <Field form="login" name="password" label=t.t("field-password") feedback=feedback.clone() kind="password" autocomplete="current-password" required=true maxlength=crate::fields::limits::PASSWORD />
            <button type="submit" class="button primary">{t.t("login-submit")}</button>
        </form>
        <p><A href=crate::paths::FORGOT_PASSWORD>{t.t("forgot-title")}</A></p>
        <p>{t.t("login-no-account")} " " <A href=crate::paths::REGISTER>{t.t("register-title")}</A></p>
    }
}

/// `/anmelden/zweiter-faktor`: the code from the authenticator app or a recovery code.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let t = use_i18n();
    let feedback = use_form_feedback();
    view! {
        <PageTitle key="second-factor-title" />
        <p>{t.t("second-factor-text")}</p>
        <ErrorSummary form="second-factor" feedback=feedback.clone() />
        <form method="post" action=crate::paths::SECOND_FACTOR class="form">
            <Field form="second-factor" name="code" label=t.t("field-code") feedback=feedback.clone() autocomplete="one-time-code" inputmode="text" required=true maxlength=20 hint=t.t("second-factor-hint") />
            <button type="submit" class="button primary">{t.t("second-factor-submit")}</button>
        </form>
    }
}

/// `/passwort-vergessen`.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = use_i18n();
    let sent = has_flag("gesendet")
        .get_untracked()
        .then(|| t.t("forgot-sent"));
    view! {
        <PageTitle key="forgot-title" />
        <SuccessNotice message=sent />
        <p>{t.t("forgot-text")}</p>
        <form method="post" action=crate::paths::FORGOT_PASSWORD class="form">
            <Field form="forgot" name="email" label=t.t("field-email") feedback=FormFeedback::default() kind="email" autocomplete="username" required=true maxlength=crate::fields::limits::EMAIL />
            <button type="submit" class="button primary">{t.t("forgot-submit")}</button>
        </form>
    }
}

/// `/passwort-neu?token=…`: choose a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <PageTitle key="reset-title" />
        <NewPasswordForm action=crate::paths::NEW_PASSWORD invalid_key="reset-invalid" submit_key="reset-submit">
            <p><A href=crate::paths::FORGOT_PASSWORD>{use_i18n().t("forgot-title")}</A></p>
        </NewPasswordForm>
        <p class="hint">{t.t("reset-hint")}</p>
    }
}

/// Whether `token` has the shape of an e-mail link's token: 43 URL-safe base64 characters
/// (256 random bits, see `practice::tokens::generate`).
fn link_token_shape(token: &str) -> bool {
    let token = token.trim();
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The password form behind a link (`?token=…`); `?ungueltig` shows why the link did not work
/// and `children` what to do instead.
#[component]
pub(super) fn NewPasswordForm(
    action: &'static str,
    invalid_key: &'static str,
    submit_key: &'static str,
    children: Children,
) -> impl IntoView {
    let t = use_i18n();
    let feedback = use_form_feedback();
    let token = query_value("token").unwrap_or_default();
    // A link without its token, or cut short (a mail program that broke the line), says so
    // at once instead of after the password was chosen; the server checks the rest.
    let problem_key = if has_flag("ungueltig").get_untracked() {
        Some(invalid_key)
    } else if !link_token_shape(&token) {
        Some("link-incomplete")
    } else {
        None
    };
    let invalid = problem_key.is_some();
    let form = (!invalid).then(|| {
        view! {
            <ErrorSummary form="password" feedback=feedback.clone() />
            <form method="post" action=action class="form">
                <input type="hidden" name="token" value=token.clone() />
                <Field form="password" name="password" label=t.t("field-new-password") feedback=feedback.clone() kind="password" autocomplete="new-password" hint=t.t("field-new-password-hint") required=true maxlength=crate::fields::limits::PASSWORD />
                <button type="submit" class="button primary">{t.t(submit_key)}</button>
            </form>
        }
    });
    let problem = problem_key.map(|key| {
        view! { <p class="notice error" role="alert">{t.t(key)}</p> }
    });
    view! {
        {problem}
        {invalid.then(children)}
        {form}
    }
}

/// `/praxis`: the overview after login.
#[component]
pub fn PracticeHomePage() -> impl IntoView {
    let t = use_i18n();
    let info = Resource::new_blocking(|| (), |_| load_session_info());
    view! {
        <PracticeArea>
            <PageTitle key="practice-home-title" />
            <SuccessNotice message=query_value("beendet").map(|_| use_i18n().t("call-ended")) />
            <SuccessNotice message=query_value("zurueck").map(|_| use_i18n().t("call-back-to-waiting")) />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let info = info.await.ok().flatten();
                    let nudge = info.as_ref().is_some_and(|i| i.role == Role::Owner && !i.totp_enabled);
                    view! {
                        <p>{info.map(|i| use_i18n().t_with("practice-home-welcome", &[("name", &i.display_name)]))}</p>
                        {nudge.then(|| view! {
                            <p class="notice" role="note">
                                {use_i18n().t("practice-home-totp-nudge")} " "
                                <A href=crate::paths::SECURITY>{use_i18n().t("practice-home-totp-link")}</A>
                            </p>
                        })}
                    }
                })}
            </Suspense>
            <p>{t.t("practice-home-next")}</p>
            <h2>{t.t("kv-heading")}</h2>
            <p>{t.t("kv-intro")}</p>
            <p><A href=crate::paths::KV_APPLICATION>{t.t("kv-home-link")}</A></p>
        </PracticeArea>
    }
}

/// `/praxis/stammdaten`: practice data (owner) and personal data (everyone).
#[component]
pub fn StammdatenPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    let data = Resource::new_blocking(|| (), |_| load_stammdaten());
    let info = Resource::new_blocking(|| (), |_| load_session_info());
    let saved = query_value("gespeichert");
    view! {
        <PracticeArea>
            <PageTitle key="stammdaten-title" />
            <SuccessNotice message=saved.clone().map(|_| use_i18n().t("saved")) />
            <Suspense fallback=|| ()>
                {
                    move || {
                        let feedback = feedback.get_value();
                        Suspend::new(async move {
                            let t = use_i18n();
                            let manager = info.await.ok().flatten().is_some_and(|i| i.role.manages_practice());
                            let lanr_required = info.await.ok().flatten().is_some_and(|i| i.role != Role::Team);
                            match data.await {
                                Ok(d) => view! {
                                    {manager.then(|| view! {
                                        <section aria-labelledby="practice-form-title">
                                            <h2 id="practice-form-title">{use_i18n().t("stammdaten-practice")}</h2>
                                            <ErrorSummary form="practice" feedback=feedback.clone() />
                                            <form method="post" action=crate::paths::STAMMDATEN class="form">
                                                <input type="hidden" name="form" value="practice" />
                                                <PracticeFields form="practice" feedback=feedback.clone() initial=d.clone() />
                                                <button type="submit" class="button primary">{use_i18n().t("stammdaten-save-practice")}</button>
                                            </form>
                                        </section>
                                    })}
                                    <section aria-labelledby="person-form-title">
                                        <h2 id="person-form-title">{t.t("stammdaten-person")}</h2>
                                        <p>{t.t_with("stammdaten-login-email", &[("email", &d.email)])}</p>
                                        <ErrorSummary form="person" feedback=feedback.clone() />
                                        <form method="post" action=crate::paths::STAMMDATEN class="form">
                                            <input type="hidden" name="form" value="person" />
                                            <PersonFields form="person" feedback=feedback.clone() initial=d.clone() lanr_required />
                                            <button type="submit" class="button primary">{t.t("stammdaten-save-person")}</button>
                                        </form>
                                    </section>
                                }.into_any(),
                                Err(e) => view! { <LoadError error=e /> }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </PracticeArea>
    }
}

/// `/praxis/rechnungsdaten`: billing address and bank account (owner).
#[component]
pub fn RechnungsdatenPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    let data = Resource::new_blocking(|| (), |_| load_rechnungsdaten());
    let saved = query_value("gespeichert");
    view! {
        <PracticeArea>
            <PageTitle key="rechnungsdaten-title" />
            <SuccessNotice message=saved.clone().map(|_| use_i18n().t("saved")) />
            <Suspense fallback=|| ()>
                {
                    move || {
                        let feedback = feedback.get_value();
                        Suspend::new(async move {
                            let t = use_i18n();
                            match data.await {
                                Ok(d) => {
                                    let iban_hint = match &d.iban_masked {
                                        Some(m) => t.t_with("field-iban-stored", &[("iban", m)]),
                                        None => t.t("field-iban-hint"),
                                    };
                                    let f = "billing";
                                    view! {
                                        <ErrorSummary form=f feedback=feedback.clone() />
                                        <form method="post" action=crate::paths::RECHNUNGSDATEN class="form">
                                            <Field form=f name="billing_name" label=t.t("field-billing-name") value=d.billing_name feedback=feedback.clone() autocomplete="organization" required=true maxlength=crate::fields::limits::PRACTICE_NAME />
                                            <Field form=f name="billing_street" label=t.t("field-street") value=d.billing_street feedback=feedback.clone() autocomplete="street-address" required=true maxlength=crate::fields::limits::STREET />
                                            <div class="field-row">
                                                <Field form=f name="billing_postcode" label=t.t("field-postcode") value=d.billing_postcode feedback=feedback.clone() autocomplete="postal-code" required=true inputmode="numeric" maxlength=crate::fields::limits::POSTCODE />
                                                <Field form=f name="billing_city" label=t.t("field-city") value=d.billing_city feedback=feedback.clone() autocomplete="address-level2" required=true maxlength=crate::fields::limits::CITY />
                                            </div>
                                            <Field form=f name="account_holder" label=t.t("field-account-holder") value=d.account_holder feedback=feedback.clone() required=true maxlength=crate::fields::limits::PRACTICE_NAME />
                                            <Field form=f name="iban" label=t.t("field-iban") feedback=feedback.clone() hint=iban_hint required=d.iban_masked.is_none() maxlength=crate::fields::limits::IBAN_TYPED />
                                            <button type="submit" class="button primary">{t.t("rechnungsdaten-save")}</button>
                                        </form>
                                    }.into_any()
                                }
                                Err(e) => view! { <LoadError error=e /> }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </PracticeArea>
    }
}

#[cfg(test)]
mod tests {
    use super::link_token_shape;

    #[test]
    fn a_link_token_has_43_url_safe_characters() {
        let whole = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd";
        assert_eq!(whole.len(), 42);
        let whole = format!("{whole}e");
        assert!(link_token_shape(&whole));
        assert!(link_token_shape(&format!(" {whole}\n")), "spaces around");
        assert!(!link_token_shape(""), "no token");
        assert!(!link_token_shape("x"));
        assert!(!link_token_shape(&whole[..40]), "cut short");
        assert!(!link_token_shape(&format!("{whole}A")), "too long");
        assert!(!link_token_shape(&whole.replace('e', "+")), "not URL-safe");
        #[cfg(feature = "ssr")]
        for _ in 0..100 {
            let token = crate::practice::tokens::generate().unwrap();
            assert!(link_token_shape(&token), "{token}");
        }
    }
}
