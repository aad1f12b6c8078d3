//! "Weitere Personen" on an appointment's page: who else is invited (name, role, e-mail), a
//! form to invite one more, and per person "Ausladen" or a new invitation. Plain forms: works
//! without JavaScript.

use super::types::{GuestList, GuestRole, GuestRow};
use crate::forms::{ErrorSummary, Field, FormFeedback};
use crate::i18n::use_i18n;
use leptos::prelude::*;

const FORM: &str = "guest";

/// The section; `list.max_participants == 2` and nobody invited: nothing (the setting is off).
#[component]
pub fn GuestSection(
    appointment_id: String,
    list: GuestList,
    feedback: FormFeedback,
) -> impl IntoView {
    if list.max_participants <= 2 && list.guests.is_empty() {
        return None;
    }
    let t = use_i18n();
    let action = crate::paths::appointment_guests(&appointment_id);
    let max = list.max_participants.to_string();
    let rows = if list.guests.is_empty() {
        view! { <p>{t.t("calendar-guests-none")}</p> }.into_any()
    } else {
        let items = list
            .guests
            .iter()
            .map(|g| guest_item(g, &action))
            .collect_view();
        view! { <ul class="guest-list">{items}</ul> }.into_any()
    };
    let refused = feedback.form == FORM && feedback.has_errors();
    let form = if list.seats_left > 0 {
        view! {
            <details class="confirm-step" open=refused>
                <summary class="button">{t.t("calendar-guest-invite")}</summary>
                <form method="post" action=action.clone() class="form">
                    <input type="hidden" name="action" value="invite" />
                    <Field form=FORM name="name" label=t.t("calendar-guest-name") feedback=feedback.clone() required=true maxlength=crate::fields::limits::PATIENT_NAME />
                    <Field form=FORM name="email" label=t.t("calendar-guest-email") feedback=feedback.clone() kind="email" required=true maxlength=crate::fields::limits::EMAIL />
                    <RoleSelect feedback=feedback.clone() />
                    <button type="submit" class="button primary">{t.t("calendar-guest-send")}</button>
                </form>
            </details>
        }
        .into_any()
    } else {
        view! { <p class="notice">{t.t_with("calendar-guest-full", &[("max", &max)])}</p> }
            .into_any()
    };
    Some(view! {
        <section id="personen" aria-labelledby="guests-title">
            <h2 id="guests-title">{t.t("calendar-guests")}</h2>
            <p>{t.t_with("calendar-guests-intro", &[("max", &max)])}</p>
            <ErrorSummary form=FORM feedback=feedback.clone() />
            {rows}
            {form}
        </section>
    })
}

/// One invited person with the action that fits their state.
fn guest_item(g: &GuestRow, action: &str) -> impl IntoView {
    let t = use_i18n();
    let role = t.t(g.role.label_key());
    let (value, button, class) = if g.uninvited {
        ("reinvite", "calendar-guest-reinvite", "button")
    } else {
        ("uninvite", "calendar-guest-uninvite", "button danger")
    };
    let label = t.t(button);
    let aria = format!("{label}: {}", g.name);
    view! {
        <li class="guest" class:guest-uninvited=g.uninvited>
            // The separators come from the style sheet, so a wrapped line never starts with one.
            // (Spaces between them for readers of the text; a flex row drops them.)
            <span class="guest-name">{g.name.clone()}</span> " "
            <span class="guest-role">{role}</span> " "
            <span class="guest-email">{g.email.clone()}</span>
            {g.uninvited.then(|| view! { " " <span class="guest-state">{t.t("calendar-guest-uninvited")}</span> })}
            <form method="post" action=action.to_owned() class="inline-form">
                <input type="hidden" name="action" value=value />
                <input type="hidden" name="guest_id" value=g.id.clone() />
                <button type="submit" class=class aria-label=aria>{label}</button>
            </form>
        </li>
    }
}

/// The role of the person, one of [`GuestRole::ALL`].
#[component]
fn RoleSelect(feedback: FormFeedback) -> impl IntoView {
    let t = use_i18n();
    let id = format!("{FORM}-role");
    let chosen = feedback.value(FORM, "role").unwrap_or_default().to_owned();
    let issue = feedback.issue(FORM, "role").map(crate::forms::issue_text);
    let error_id = issue.as_ref().map(|_| format!("{id}-error"));
    let invalid = issue.is_some();
    let options = GuestRole::ALL
        .into_iter()
        .map(|role| {
            let selected = role.code() == chosen;
            view! { <option value=role.code() selected=selected>{t.t(role.label_key())}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id.clone()>{t.t("calendar-guest-role")}</label>
            {issue.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <select id=id name="role" required=true aria-invalid=invalid.then_some("true") aria-describedby=error_id.clone()>{options}</select>
        </div>
    }
}
