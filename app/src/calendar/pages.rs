//! The calendar pages: the week (`/praxis/termine`), a new appointment
//! (`/praxis/termine/neu`) and one appointment (`/praxis/termin/{id}`). Forms post to their own
//! page and work without JavaScript.

use super::guest_section::GuestSection;
use super::server_fns::{
    load_appointment, load_availability, load_calendar_settings, load_choices, load_guests,
    load_week,
};
use super::types::{
    AppointmentDetail, AvailabilityView, CalendarSettings, DayView, FormChoices, WeekView,
    DURATIONS,
};
use crate::forms::{use_form_feedback, ErrorSummary, Field, FormFeedback, SuccessNotice};
use crate::i18n::use_i18n;
use crate::layout::{has_flag, query_value, LoadError, PageTitle, PracticeArea};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/praxis/termine?datum=YYYY-MM-DD`: the week with that day, Monday first; with
/// `&ansicht=tag` only that day.
#[component]
pub fn WeekPage() -> impl IntoView {
    let query = use_query_map();
    let day_view = query.with_untracked(|q| q.get("ansicht").is_some_and(|v| v == "tag"));

    let week = Resource::new_blocking(
        move || query.with(|q| q.get("datum").unwrap_or_default()),
        load_week,
    );
    let notice = if has_flag("angelegt").get_untracked() {
        Some(use_i18n().t("calendar-created"))
    } else {
        None
    };
    view! {
        <PracticeArea>
            <PageTitle key="calendar-title" />
            <SuccessNotice message=notice.clone() />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match week.await {
                        Ok(w) if day_view => view! { <OneDay week=w /> }.into_any(),
                        Ok(w) => view! { <Week week=w /> }.into_any(),
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </PracticeArea>
    }
}

#[component]
fn Week(week: WeekView) -> impl IntoView {
    let t = use_i18n();
    // A new appointment starts on the shown day, never in the past: this week's Monday is
    // gone from Tuesday on.
    let new_link = crate::paths::new_appointment_on((&week.selected).max(&week.today));
    let days = week
        .days
        .into_iter()
        .map(|day| {
            let bookable = day.date >= week.today;
            view! { <Day day bookable /> }
        })
        .collect_view();
    view! {
        <nav class="week-nav" aria-label=t.t("calendar-nav-label")>
            <a href=crate::paths::week_of(&week.previous)>{t.t("calendar-previous")}</a>
            <a href=crate::paths::WEEK>{t.t("calendar-today")}</a>
            <a href=crate::paths::week_of(&week.next)>{t.t("calendar-next")}</a>
            <form method="get" action=crate::paths::WEEK class="inline-form date-jump">
                <label for="calendar-date">{t.t("calendar-jump")}</label>
                <input id="calendar-date" type="date" name="datum" value=week.monday.clone() />
                <button type="submit" class="button">{t.t("calendar-show")}</button>
            </form>
        </nav>
        <p class="button-row">
            <a class="button primary" href=new_link>{t.t("calendar-new")}</a>
            {week.can_configure.then(|| view! {
                <a class="button secondary" href=crate::paths::CALENDAR_SETTINGS>{use_i18n().t("calendar-settings-title")}</a>
            })}
        </p>
        <h2>{week.label}</h2>
        <ol class="week">{days}</ol>
    }
}

/// The day view: one day of the loaded week, with links to the neighbouring days.
#[component]
fn OneDay(week: WeekView) -> impl IntoView {
    let t = use_i18n();
    let date = week.selected.clone();
    let neighbour = |d: &str| crate::paths::day_of(d);
    let new_link = crate::paths::new_appointment_on((&date).max(&week.today));
    let today = week.today.clone();
    let day = week.days.into_iter().find(|d| d.date == date);
    let label = day.as_ref().map(|d| d.label.clone()).unwrap_or_default();
    view! {
        <nav class="week-nav" aria-label=t.t("calendar-nav-label")>
            <a href=neighbour(&week.selected_previous)>{t.t("calendar-previous-day")}</a>
            <a href=format!("{}?ansicht=tag", crate::paths::WEEK)>{t.t("calendar-today")}</a>
            <a href=neighbour(&week.selected_next)>{t.t("calendar-next-day")}</a>
            <a href=crate::paths::week_of(&date)>{t.t("calendar-week-view")}</a>
        </nav>
        <p class="button-row">
            <a class="button primary" href=new_link>{t.t("calendar-new")}</a>
        </p>
        // The day's own heading (the card's is hidden here: the same words twice).
        <h2>
            {label}
            {(date == today).then(|| view! { " " <span class="badge">{use_i18n().t("calendar-today-badge")}</span> })}
        </h2>
        <ol class="week one-day">{day.map(|day| {
            let bookable = day.date >= today;
            view! { <Day day bookable /> }
        })}</ol>
    }
}

#[component]
fn Day(
    day: DayView,
    /// Today or later: the day offers "Neuer Termin" for itself.
    bookable: bool,
) -> impl IntoView {
    let t = use_i18n();
    let empty = day.appointments.is_empty();
    // Written as one string: a busy week has hundreds of cards (see `cards`).
    let items = super::cards::day_html(&day.appointments, t);
    let today = day.is_today;
    let availability = match (&day.blocked, day.closed) {
        (Some(reason), _) if reason.is_empty() => Some(t.t("calendar-blocked-day")),
        (Some(reason), _) => Some(t.t_with("calendar-blocked-day-reason", &[("reason", reason)])),
        (None, true) => Some(t.t("calendar-closed")),
        (None, false) if !day.hours.is_empty() => {
            Some(t.t_with("calendar-hours-of-day", &[("hours", &day.hours)]))
        }
        _ => None,
    };
    let off = day.blocked.is_some() || day.closed;
    let compact = empty && !today;
    // Visible "Termin eintragen", read as "Termin eintragen am Donnerstag, 3. Dezember".
    let new_here = bookable.then(|| {
        let day_name = t.t_with("calendar-new-on", &[("day", &day.label)]);
        view! {
            <a class="day-new" href=crate::paths::new_appointment_on(&day.date)>
                {t.t("calendar-new-here")}<span class="visually-hidden">" " {day_name}</span>
            </a>
        }
    });
    view! {
        <li class="day" class:today=today class:day-off=off class:empty-day=compact aria-current=today.then_some("date")>
            <h3>
                <a href=crate::paths::day_of(&day.date) class="day-link">{day.label}</a>
                {today.then(|| view! { " " <span class="badge">{use_i18n().t("calendar-today-badge")}</span> })}
            </h3>
            {new_here}
            {availability.map(|text| view! { <p class="day-hours">{text}</p> })}
            {if empty {
                view! { <p class="hint">{t.t("calendar-free")}</p> }.into_any()
            } else {
                view! { <ul class="appointments" inner_html=items></ul> }.into_any()
            }}
        </li>
    }
}

/// The fields of the appointment form (new and edit).
#[component]
fn AppointmentFields(
    feedback: FormFeedback,
    choices: FormChoices,
    #[prop(optional)] initial: Option<AppointmentDetail>,
    date: String,
) -> impl IntoView {
    let t = use_i18n();
    let f = "appointment";
    let i = initial.clone();
    let value = |name: &str, fallback: String| {
        feedback
            .value(f, name)
            .map(str::to_owned)
            .unwrap_or(fallback)
    };
    let duration = value(
        "duration",
        i.as_ref()
            .map(|i| i.duration)
            .unwrap_or(choices.default_duration)
            .to_string(),
    );
    let doctor = value(
        "doctor_id",
        i.as_ref()
            .map(|i| i.doctor_id.clone())
            .unwrap_or(choices.me.clone()),
    );
    let note = value(
        "note",
        i.as_ref().map(|i| i.note.clone()).unwrap_or_default(),
    );
    let select = |name: &'static str,
                  label: String,
                  options: Vec<(String, String)>,
                  chosen: String| {
        let id = format!("{f}-{name}");
        let issue = feedback.issue(f, name).map(crate::forms::issue_text);
        let error_id = issue.as_ref().map(|_| format!("{id}-error"));
        let invalid = issue.is_some();
        let options = options
            .into_iter()
            .map(|(v, l)| {
                let selected = v == chosen;
                view! { <option value=v selected=selected>{l}</option> }
            })
            .collect_view();
        view! {
            <div class="field" class:field-invalid=invalid>
                <label for=id.clone()>{label}</label>
                {issue.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
                <select id=id name=name required=true aria-invalid=invalid.then_some("true") aria-describedby=error_id.clone()>{options}</select>
            </div>
        }
    };
    let minutes = DURATIONS
        .iter()
        .map(|d| {
            (
                d.to_string(),
                t.t_with("calendar-minutes", &[("count", &d.to_string())]),
            )
        })
        .collect();
    let mut doctors: Vec<(String, String)> = Vec::new();
    if choices.me.is_empty() {
        doctors.push((String::new(), t.t("field-kv-region-choose")));
    }
    doctors.extend(
        choices
            .doctors
            .iter()
            .map(|d| (d.id.clone(), d.name.clone())),
    );
    let (name, email, time) = match &i {
        Some(i) => (
            i.patient_name.clone(),
            i.patient_email.clone(),
            i.time.clone(),
        ),
        None => Default::default(),
    };
    let outside = feedback
        .issue(f, "time")
        .is_some_and(|i| i.key.starts_with("calendar-outside"));
    let note_issue = feedback.issue(f, "note").map(crate::forms::issue_text);
    let note_invalid = note_issue.is_some();
    view! {
        <Field form=f name="patient_name" label=t.t("calendar-patient-name") value=name feedback=feedback.clone() required=true maxlength=crate::fields::limits::PATIENT_NAME hint=t.t("calendar-patient-name-hint") />
        <Field form=f name="patient_email" label=t.t("calendar-patient-email") value=email feedback=feedback.clone() kind="email" required=true maxlength=crate::fields::limits::EMAIL />
        <div class="field-row">
            <Field form=f name="date" label=t.t("calendar-date") value=date feedback=feedback.clone() kind="date" required=true />
            <Field form=f name="time" label=t.t("calendar-time") value=time feedback=feedback.clone() kind="time" required=true />
        </div>
        {select("duration", t.t("calendar-duration"), minutes, duration)}
        {select("doctor_id", t.t("calendar-doctor"), doctors, doctor)}
        <div class="field" class:field-invalid=note_invalid>
            <label for="appointment-note">{t.t("calendar-note")} " " <span class="optional">{t.t("form-optional")}</span></label>
            <p class="hint" id="appointment-note-hint">{t.t("calendar-note-hint")}</p>
            {note_issue.map(|e| view! { <p class="field-error">{e}</p> })}
            <textarea id="appointment-note" name="note" rows="3" maxlength=crate::fields::limits::APPOINTMENT_NOTE aria-describedby="appointment-note-hint">{crate::forms::textarea_text(&note)}</textarea>
        </div>
        {outside.then(|| view! {
            <div class="field field-checkbox">
                <input type="checkbox" id="appointment-confirm_outside" name="confirm_outside" />
                <label for="appointment-confirm_outside">{use_i18n().t("calendar-confirm-outside")}</label>
            </div>
        })}
    }
}

/// `/praxis/termine/neu?datum=…`: a new appointment; the patient gets the invitation.
#[component]
pub fn NewAppointmentPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    let choices = Resource::new_blocking(|| (), |_| load_choices());
    let date = StoredValue::new(query_value("datum").unwrap_or_default());
    view! {
        <PracticeArea>
            <PageTitle key="calendar-new" />
            <Suspense fallback=|| ()>
                {move || {
                    let feedback = feedback.get_value();
                    let date = feedback.value("appointment", "date").map(str::to_owned).unwrap_or(date.get_value());
                    Suspend::new(async move {
                        match choices.await {
                            Ok(choices) => view! {
                                <p>{use_i18n().t("calendar-new-text")}</p>
                                <ErrorSummary form="appointment" feedback=feedback.clone() />
                                <form method="post" action=crate::paths::NEW_APPOINTMENT class="form">
                                    <input type="hidden" name="action" value="create" />
                                    <AppointmentFields feedback=feedback.clone() choices date />
                                    <button type="submit" class="button primary">{use_i18n().t("calendar-create")}</button>
                                </form>
                            }.into_any(),
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </PracticeArea>
    }
}

/// `/praxis/termin/{id}`: change, send again or cancel one appointment.
#[component]
pub fn AppointmentPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
    let detail = Resource::new_blocking(move || id.clone(), load_appointment);
    let choices = Resource::new_blocking(|| (), |_| load_choices());
    let consent = Resource::new_blocking(
        move || params.with_untracked(|p| p.get("id").unwrap_or_default()),
        crate::consent::server_fns::load_appointment_consent,
    );
    let guests = Resource::new_blocking(
        move || params.with_untracked(|p| p.get("id").unwrap_or_default()),
        load_guests,
    );
    let done = [
        ("gespeichert", "calendar-saved"),
        ("gesendet", "calendar-resent"),
        ("abgesagt", "calendar-cancel-done"),
        ("person-eingeladen", "calendar-guest-invited-done"),
        ("person-ausgeladen", "calendar-guest-uninvited-done"),
        ("person-erneut-eingeladen", "calendar-guest-reinvited-done"),
    ]
    .into_iter()
    .find(|(flag, _)| has_flag(flag).get_untracked())
    .map(|(_, key)| use_i18n().t(key));
    view! {
        <PracticeArea>
            <PageTitle key="calendar-appointment" />
            <SuccessNotice message=done.clone() />
            <Suspense fallback=|| ()>
                {move || {
                    let feedback = feedback.get_value();
                    Suspend::new(async move {
                        let t = use_i18n();
                        let consent = consent.await.ok().flatten();
                        let guests = guests.await.ok().flatten();
                        match (detail.await, choices.await) {
                            (Ok(Some(d)), Ok(choices)) => {
                                let action = crate::paths::appointment(&d.id);
                                let when = t.t_with("calendar-when", &[("when", &d.when)]);
                                if d.cancelled {
                                    return view! {
                                        <p>{when}</p>
                                        <p class="notice" role="status">{t.t("calendar-is-cancelled")}</p>
                                        <p><a href=crate::paths::WEEK>{t.t("calendar-back")}</a></p>
                                    }.into_any();
                                }
                                let date = feedback.value("appointment", "date").map(str::to_owned).unwrap_or(d.date.clone());
                                view! {
                                    <p>{when}</p>
                                    <ErrorSummary form="appointment" feedback=feedback.clone() />
                                    <form method="post" action=action.clone() class="form">
                                        <input type="hidden" name="action" value="update" />
                                        <AppointmentFields feedback=feedback.clone() choices initial=d.clone() date />
                                        <div class="field field-checkbox">
                                            <input type="checkbox" id="appointment-new_code" name="new_code" />
                                            <label for="appointment-new_code">{t.t("calendar-new-code")}</label>
                                        </div>
                                        <button type="submit" class="button primary">{t.t("calendar-save")}</button>
                                    </form>
                                    <section aria-labelledby="more-title">
                                        <h2 id="more-title">{t.t("calendar-more")}</h2>
                                        // Both cannot be undone: the first click only asks (works without JavaScript).
                                        <details class="confirm-step">
                                            <summary class="button">{t.t("calendar-resend")}</summary>
                                            <form method="post" action=action.clone() class="form confirm">
                                                <input type="hidden" name="action" value="resend" />
                                                <p>{t.t("calendar-resend-hint")}</p>
                                                <button type="submit" class="button primary">{t.t("calendar-resend-yes")}</button>
                                            </form>
                                        </details>
                                        <details class="confirm-step">
                                            <summary class="button">{t.t("calendar-cancel")}</summary>
                                            <form method="post" action=action class="form confirm">
                                                <input type="hidden" name="action" value="cancel" />
                                                <p>{t.t("calendar-cancel-hint")}</p>
                                                <button type="submit" class="button danger">{t.t("calendar-cancel-yes")}</button>
                                            </form>
                                        </details>
                                    </section>
                                    {guests.map(|list| view! {
                                        <GuestSection appointment_id=d.id.clone() list feedback=feedback.clone() />
                                    })}
                                    {consent.map(|consent| view! {
                                        <crate::consent::pages::AppointmentConsentSection appointment_id=d.id.clone() consent />
                                    })}
                                    <p><a href=crate::paths::week_of(&d.date)>{t.t("calendar-back")}</a></p>
                                }.into_any()
                            }
                            (Ok(None), _) => view! { <LoadError error=crate::error::AppError::NotFound /> }.into_any(),
                            (Err(e), _) | (_, Err(e)) => view! { <LoadError error=e /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </PracticeArea>
    }
}

/// `/praxis/termine/einstellungen`: default duration and reminders (owner).
#[component]
pub fn CalendarSettingsPage() -> impl IntoView {
    let feedback = StoredValue::new(use_form_feedback());
    let settings = Resource::new_blocking(|| (), |_| load_calendar_settings());
    let available = Resource::new_blocking(|| (), |_| load_availability());
    let saved = has_flag("gespeichert")
        .get_untracked()
        .then(|| use_i18n().t("saved"));
    view! {
        <PracticeArea>
            <PageTitle key="calendar-settings-title" />
            <SuccessNotice message=saved.clone() />
            <Suspense fallback=|| ()>
                {move || {
                    let feedback = feedback.get_value();
                    Suspend::new(async move {
                        match (settings.await, available.await) {
                            (Ok(s), Ok(a)) => view! {
                                <SettingsForm settings=s feedback=feedback.clone() />
                                <AvailabilityForms data=a feedback />
                            }.into_any(),
                            (Err(e), _) | (_, Err(e)) => view! { <LoadError error=e /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </PracticeArea>
    }
}

#[component]
fn SettingsForm(settings: CalendarSettings, feedback: FormFeedback) -> impl IntoView {
    let t = use_i18n();
    let f = "calendar-settings";
    let chosen = feedback
        .value(f, "default_duration")
        .map(str::to_owned)
        .unwrap_or(settings.default_duration.to_string());
    let options = DURATIONS
        .iter()
        .map(|d| {
            let value = d.to_string();
            let selected = value == chosen;
            let label = use_i18n().t_with("calendar-minutes", &[("count", &value)]);
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <ErrorSummary form=f feedback=feedback.clone() />
        <form method="post" action=crate::paths::CALENDAR_SETTINGS class="form">
            <div class="field">
                <label for="calendar-settings-default_duration">{t.t("calendar-settings-duration")}</label>
                <p class="hint" id="calendar-settings-duration-hint">{t.t("calendar-settings-duration-hint")}</p>
                <select id="calendar-settings-default_duration" name="default_duration" aria-describedby="calendar-settings-duration-hint">{options}</select>
            </div>
            <div class="field field-checkbox">
                <input type="checkbox" id="calendar-settings-reminders" name="reminders" checked=settings.reminders_enabled />
                <label for="calendar-settings-reminders">{t.t("calendar-settings-reminders")}</label>
            </div>
            <button type="submit" class="button primary">{t.t("calendar-settings-save")}</button>
        </form>
    }
}

/// Opening hours and blocked days on the settings page.
#[component]
fn AvailabilityForms(data: AvailabilityView, feedback: FormFeedback) -> impl IntoView {
    let t = use_i18n();
    let days = data
        .days
        .iter()
        .enumerate()
        .map(|(index, (label, hours))| {
            let name = WEEKDAY_FIELDS[index];
            view! {
                <Field form="hours" name=name label=label.clone() value=hours.clone() feedback=feedback.clone() maxlength=60 />
            }
        })
        .collect_view();
    let empty = data.blocked.is_empty();
    let blocked = data
        .blocked
        .into_iter()
        .map(|b| {
            let t = use_i18n();
            let label = t.t_with("calendar-blocked-remove-label", &[("period", &b.label)]);
            view! {
                <li>
                    {b.label.clone()}
                    <form method="post" action=crate::paths::CALENDAR_SETTINGS class="inline-form">
                        <input type="hidden" name="action" value="unblock" />
                        <input type="hidden" name="id" value=b.id />
                        " " <button type="submit" class="button" aria-label=label>{t.t("team-remove")}</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    let none = empty.then(|| view! { <p class="hint">{use_i18n().t("calendar-blocked-none")}</p> });
    view! {
        <section aria-labelledby="hours-title">
            <h2 id="hours-title">{t.t("calendar-hours-title")}</h2>
            <p class="hint">{t.t("calendar-hours-hint")}</p>
            <ErrorSummary form="hours" feedback=feedback.clone() />
            <form method="post" action=crate::paths::CALENDAR_SETTINGS class="form">
                <input type="hidden" name="action" value="hours" />
                {days}
                <button type="submit" class="button primary">{t.t("calendar-hours-save")}</button>
            </form>
        </section>
        <section aria-labelledby="blocked-title">
            <h2 id="blocked-title">{t.t("calendar-blocked-title")}</h2>
            {none}
            <ul class="blocked-list">{blocked}</ul>
            <ErrorSummary form="blocked" feedback=feedback.clone() />
            <form method="post" action=crate::paths::CALENDAR_SETTINGS class="form">
                <input type="hidden" name="action" value="block" />
                <div class="field-row">
                    <Field form="blocked" name="first_day" label=t.t("calendar-blocked-first") feedback=feedback.clone() kind="date" required=true />
                    <Field form="blocked" name="last_day" label=t.t("calendar-blocked-last") feedback=feedback.clone() kind="date" />
                </div>
                <Field form="blocked" name="reason" label=t.t("calendar-blocked-reason") feedback=feedback.clone() maxlength=crate::fields::limits::BLOCKED_REASON hint=t.t("calendar-blocked-reason-hint") />
                <button type="submit" class="button primary">{t.t("calendar-blocked-add")}</button>
            </form>
        </section>
        <p><a href=crate::paths::WEEK>{t.t("calendar-back")}</a></p>
    }
}

const WEEKDAY_FIELDS: [&str; 7] = ["day0", "day1", "day2", "day3", "day4", "day5", "day6"];
