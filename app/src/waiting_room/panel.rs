//! The doctor's live view of today's video appointments, on every page of the practice area:
//! who has not arrived, who waits since when, who is in a call. Arrivals are announced with a
//! sound (can be muted), a highlight and, when allowed, a browser notification; the waiting
//! count is in the page title. Actions go over the signalling socket.

use crate::consent::components::ConsentBadge;
use crate::consent::types::ConsentStatus;
use crate::i18n::use_i18n;
use crate::layout::FrameKind;
use crate::signalling::types::{
    ClientMessage, ErrorCode, Roster, RosterEntry, RosterGuest, RosterStatus, NOTE_MAX_CHARS,
};
use leptos::prelude::*;

/// Preset notes offered while typing.
const PRESETS: [&str; 4] = [
    "note-preset-5-minutes",
    "note-preset-delay",
    "note-preset-check-audio",
    "note-preset-soon",
];

/// The signals the browser half fills.
#[derive(Clone, Copy)]
pub struct Live {
    pub roster: RwSignal<Option<Roster>>,
    /// What to say about the list's link (lost, or refused by the server's cap), if anything.
    pub lost: RwSignal<Option<&'static str>>,
    pub muted: RwSignal<bool>,
    pub can_notify: RwSignal<bool>,
    pub error: RwSignal<Option<ErrorCode>>,
    pub fresh: RwSignal<Vec<String>>,
    pub announcement: RwSignal<String>,
}

/// The waiting room for the practice frame (see `practice::area::practice_frame`): creates the
/// loading of today's appointments as they stand (see
/// [`load_roster`](super::server_fns::load_roster)) when the frame is created, and returns the
/// view that shows them: the live list, or on a page without script
/// ([`FrameKind::Static`]) the count as it was with a link to the live list. The loading must
/// not start inside the frame's `Suspense`: a resource created there is created anew on each
/// of Leptos' re-checks, and under load pages hung for seconds (leptos-rs/leptos#4866).
/// Without a list (the read failed) the live panel says it is loading until the socket brings
/// it.
pub fn live_panel(kind: FrameKind) -> Callback<(), AnyView> {
    let roster = Resource::new_blocking(|| (), |_| super::server_fns::load_roster());
    Callback::new(move |()| {
        view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let initial = roster.await.ok().flatten();
                    let waiting = initial.as_ref().map_or(0, |r| r.waiting);
                    let panel = if kind == FrameKind::Static {
                        view! { <WaitingSnapshot waiting /> }.into_any()
                    } else {
                        view! { <WaitingPanel initial /> }.into_any()
                    };
                    view! {
                        <crate::layout::WaitingCountTitle waiting />
                        {panel}
                    }
                })}
            </Suspense>
        }
        .into_any()
    })
}

/// "1 wartet": the panel's summary of the waiting count.
fn waiting_summary(waiting: u32) -> String {
    match waiting {
        0 => use_i18n().t("panel-summary-none"),
        1 => use_i18n().t("panel-summary-one"),
        n => use_i18n().t_with("panel-summary-many", &[("count", &n.to_string())]),
    }
}

/// The summary's badge: red while somebody waits.
fn summary_badge(waiting: u32) -> &'static str {
    if waiting > 0 {
        "badge badge-active"
    } else {
        "badge badge-quiet"
    }
}

/// The waiting count as the page was made, on a page without script: it does not change
/// while the page is open, and says so; the link leads to the live list.
#[component]
fn WaitingSnapshot(waiting: u32) -> impl IntoView {
    let t = use_i18n();
    let badge = summary_badge(waiting);
    view! {
        <p class="waiting-panel waiting-snapshot">
            <span class="panel-title">{t.t("panel-title")}</span> " "
            <span class=badge>{waiting_summary(waiting)}</span> " "
            <span class="hint">{t.t("panel-snapshot")}</span> " "
            <a href=crate::paths::PRACTICE>{t.t("panel-snapshot-link")}</a>
        </p>
    }
}

/// The live list (the Praxisteam does not see it). Unfolded until the doctor folds it; folding
/// and unfolding is remembered in this browser. Finished appointments move into a folded
/// "heute erledigt" part.
// An island where the server renders it and in the `practice` browser bundle; a plain (unused,
// so dropped) component in the other bundle (see `layout::scripts::Bundle`).
#[cfg_attr(any(not(feature = "hydrate"), feature = "islands-practice"), island)]
#[cfg_attr(all(feature = "hydrate", not(feature = "islands-practice")), component)]
pub fn WaitingPanel(initial: Option<Roster>) -> impl IntoView {
    let t = use_i18n();
    // The list is in the page as sent; its buttons work once the island's code runs.
    let ready = crate::layout::island_ready();
    let details = NodeRef::<leptos::html::Details>::new();
    browser::restore_open(details);
    let live = Live {
        roster: RwSignal::new(initial),
        lost: RwSignal::new(None),
        muted: RwSignal::new(false),
        can_notify: RwSignal::new(false),
        error: RwSignal::new(None),
        fresh: RwSignal::new(Vec::new()),
        announcement: RwSignal::new(String::new()),
    };
    let send = browser::connect(live);
    let note_for = RwSignal::new(None::<String>);
    // The waiting patient whose missing consent the doctor is asked about before admitting.
    let consent_for = RwSignal::new(None::<String>);
    let note_text = RwSignal::new(String::new());
    let all_text = RwSignal::new(String::new());

    let waiting = move || live.roster.with(|r| r.as_ref().map_or(0, |r| r.waiting));
    let summary = move || waiting_summary(waiting());
    let badge_class = move || summary_badge(waiting());
    let send_note = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(appointment) = note_for.get_untracked() {
            send(ClientMessage::SendNote {
                appointment,
                text: note_text.get_untracked(),
            });
            note_for.set(None);
            note_text.set(String::new());
        }
    };
    let send_all = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(ClientMessage::NoteToAll {
            text: all_text.get_untracked(),
        });
        all_text.set(String::new());
    };
    // The note form under the person it is for (a patient or a further person).
    let note_form = move |id: String, name: String| {
        move || {
            (note_for.get().as_deref() == Some(id.as_str())).then(|| {
                let t = use_i18n();
                view! {
                    <form class="note-form" on:submit=send_note>
                        <label for="note-text">{t.t_with("panel-note-label", &[("name", &name)])}</label>
                        <input id="note-text" type="text" list="note-presets" required=true maxlength=NOTE_MAX_CHARS.to_string() autofocus=true
                            prop:value=move || note_text.get() on:input=move |ev| note_text.set(event_target_value(&ev)) />
                        <button type="submit" class="button primary">{t.t("panel-note-send")}</button>
                        <button type="button" class="button" on:click=move |_| note_for.set(None)>{t.t("panel-cancel")}</button>
                    </form>
                }
            })
        }
    };
    // What the patient's and a further person's entries share: the typed name when it differs,
    // the last note, and while waiting the buttons.
    let person_details = move |names_differ: bool,
                               entered: Option<String>,
                               note: Option<String>| {
        let differs = names_differ.then(|| {
            let typed = entered.unwrap_or_default();
            view! { <p class="name-check" role="note">{use_i18n().t_with("panel-name-differs", &[("name", &typed)])}</p> }
        });
        let note =
            note.map(|n| view! { <p class="hint">{use_i18n().t("panel-last-note")} " " {n}</p> });
        (differs, note)
    };
    let waiting_actions = move |id: String, name: String, admit: Option<bool>| {
        let (a, b, c) = (id.clone(), id.clone(), id);
        let admit = admit.map(|consent_ok| {
            view! {
                <button type="button" class="button primary" disabled=move || !ready.get() on:click=move |_| {
                    if consent_ok {
                        send(ClientMessage::Admit { appointment: a.clone() });
                    } else {
                        consent_for.set(Some(a.clone()));
                    }
                }>{use_i18n().t("panel-admit")}</button>
            }
        });
        view! {
            <div class="roster-actions">
                {admit}
                <button type="button" class="button" disabled=move || !ready.get() on:click=move |_| { note_for.set(Some(b.clone())); }>{use_i18n().t("panel-note")}</button>
                <button type="button" class="button" disabled=move || !ready.get() on:click=move |_| {
                    if browser::confirm(&use_i18n().t_with("panel-remove-confirm", &[("name", &name)])) {
                        send(ClientMessage::Remove { appointment: c.clone() });
                    }
                }>{use_i18n().t("panel-remove")}</button>
            </div>
        }
    };
    // A further person under their appointment: name, role, where they stand; while waiting
    // "Eintreten lassen" (no consent of theirs to ask about: the consent is the patient's), a
    // note or "Entfernen".
    let guest_view = move |guest: RosterGuest| {
        let t = use_i18n();
        let since = guest.since.clone().unwrap_or_default();
        let status = t.t_with(guest.status.label_key(), &[("since", &since)]);
        let role = t.t(guest.role.label_key());
        let (id, name) = (guest.guest.clone(), guest.booked_name.clone());
        let (differs, note) = person_details(guest.names_differ, guest.entered_name, guest.note);
        let actions = (guest.status == RosterStatus::Waiting)
            .then(|| waiting_actions(id.clone(), name.clone(), Some(true)));
        let class = if guest.status == RosterStatus::Waiting {
            "roster-guest waiting"
        } else {
            "roster-guest"
        };
        view! {
            <li class=class>
                <p class="roster-main">
                    <strong>{name.clone()}</strong> " · " <span class="roster-role">{role}</span> " "
                    <span class="roster-status">{status}</span>
                </p>
                {differs}
                {note}
                {actions}
                {note_form(id, name)}
            </li>
        }
    };
    let entry_view = move |entry: RosterEntry| {
        let t = use_i18n();
        let id = entry.appointment.clone();
        let since = entry.since.clone().unwrap_or_default();
        let status = t.t_with(entry.status.label_key(), &[("since", &since)]);
        let fresh = {
            let id = id.clone();
            move || live.fresh.with(|f| f.contains(&id))
        };
        let class = move || {
            let base = match entry.status {
                RosterStatus::Waiting => "roster-entry waiting",
                RosterStatus::InCall => "roster-entry in-call",
                RosterStatus::Finished => "roster-entry finished",
                _ => "roster-entry",
            };
            if fresh() {
                format!("{base} arrived")
            } else {
                base.to_owned()
            }
        };
        let (differs, note) = person_details(
            entry.names_differ,
            entry.entered_name.clone(),
            entry.note.clone(),
        );
        let name = entry.booked_name.clone();
        let consent_ok = entry.consent == ConsentStatus::Confirmed;
        let consent_badge = view! { <p><ConsentBadge status=entry.consent /></p> };
        let consent_question = {
            let id = id.clone();
            let name = name.clone();
            move || {
                (consent_for.get().as_deref() == Some(id.as_str())).then(|| {
                    let id = id.clone();
                    view! {
                        <div class="consent-question" role="alertdialog" aria-labelledby="consent-question-text">
                            <p id="consent-question-text">{use_i18n().t_with("panel-consent-question", &[("name", &name)])}</p>
                            <button type="button" class="button primary" on:click=move |_| {
                                consent_for.set(None);
                                send(ClientMessage::Admit { appointment: id.clone() });
                            }>{use_i18n().t("panel-consent-given")}</button>
                            <button type="button" class="button" on:click=move |_| consent_for.set(None)>{use_i18n().t("panel-cancel")}</button>
                        </div>
                    }
                })
            }
        };
        let actions = match entry.status {
            RosterStatus::Waiting => {
                Some(waiting_actions(id.clone(), name.clone(), Some(consent_ok)).into_any())
            }
            RosterStatus::InCall => {
                let (b, c) = (id.clone(), id.clone());
                let href = crate::paths::call(&id);
                Some(view! {
                    <div class="roster-actions">
                        <a class="button primary" href=href>{use_i18n().t("panel-open-call")}</a>
                        <button type="button" class="button" disabled=move || !ready.get() on:click=move |_| send(ClientMessage::BackToWaiting { appointment: b.clone() })>{use_i18n().t("panel-back")}</button>
                        <button type="button" class="button" disabled=move || !ready.get() on:click=move |_| send(ClientMessage::Finish { appointment: c.clone() })>{use_i18n().t("panel-finish")}</button>
                    </div>
                }.into_any())
            }
            _ => None,
        };
        let note_form = note_form(id.clone(), name.clone());
        let guests = (!entry.guests.is_empty()).then(|| {
            view! { <ul class="roster-guests">{entry.guests.into_iter().map(guest_view).collect_view()}</ul> }
        });
        view! {
            <li class=class>
                <p class="roster-main">
                    <span class="roster-time">{entry.time.clone()}</span> " "
                    <strong>{name.clone()}</strong> " "
                    <span class="roster-status">{status}</span>
                </p>
                {differs}
                <p class="hint">{entry.doctor.clone()}</p>
                {consent_badge}
                {note}
                {actions}
                {consent_question}
                {note_form}
                {guests}
            </li>
        }
    };

    // Whether "heute erledigt" is unfolded: kept across the list's live updates.
    let done_open = RwSignal::new(false);
    let roster_view = move |roster: Roster| {
        let (done, open): (Vec<RosterEntry>, Vec<RosterEntry>) = roster
            .entries
            .into_iter()
            .partition(|e| e.status == RosterStatus::Finished);
        let count = done.len();
        // Unfolded by a click before the island's code ran (no `toggle` handler yet, on a slow
        // phone for seconds): the live list's first update keeps it unfolded.
        let unfolded = done_open.get_untracked() || browser::is_open("roster-done");
        let done = (count > 0).then(|| {
            view! {
                <details class="roster-done" id="roster-done" open=unfolded
                    on:toggle=move |_| done_open.set(browser::is_open("roster-done"))>
                    <summary>{use_i18n().t_with("panel-done", &[("count", &count.to_string())])}</summary>
                    <ul class="roster">{done.into_iter().map(entry_view).collect_view()}</ul>
                </details>
            }
        });
        view! {
            {(!open.is_empty()).then(|| view! { <ul class="roster">{open.into_iter().map(entry_view).collect_view()}</ul> })}
            {done}
        }
    };

    view! {
        // Patients waiting keep the session open (practice::idle): nobody is logged out before them.
        <details class="waiting-panel" open=true node_ref=details on:toggle=move |_| browser::remember_open(details)
            data-keeps-session=move || (waiting() > 0).then_some("waiting")>
            <summary>
                <span class="panel-title">{t.t("panel-title")}</span> " "
                <span class=badge_class aria-live="polite">{summary}</span>
            </summary>
            <div class="panel-body">
                <div class="panel-tools">
                    <button type="button" class="button small" aria-pressed=move || live.muted.get().to_string() disabled=move || !ready.get()
                        on:click=move |_| browser::set_muted(live.muted, !live.muted.get_untracked())>
                        {move || if live.muted.get() { use_i18n().t("panel-sound-on") } else { use_i18n().t("panel-sound-off") }}
                    </button>
                    <Show when=move || live.can_notify.get()>
                        // Short, so that it fits next to the sound button on a phone: appearing
                        // after load on a line of its own, it pushed the page down.
                        <button type="button" class="button small" title=use_i18n().t("panel-notifications-title")
                            on:click=move |_| browser::ask_for_notifications(live.can_notify)>
                            {use_i18n().t("panel-notifications")}
                        </button>
                    </Show>
                </div>
                <p class="notice error" role="alert" hidden=move || live.lost.get().is_none()>{move || use_i18n().t(live.lost.get().unwrap_or("panel-link-lost"))}</p>
                <p class="notice error" role="alert" hidden=move || live.error.get().is_none()>
                    {move || live.error.get().map(|code| use_i18n().t(code.message_key()))}
                </p>
                <p class="visually-hidden" aria-live="assertive">{move || live.announcement.get()}</p>
                {move || match live.roster.get() {
                    None => view! { <p class="hint">{use_i18n().t("panel-loading")}</p> }.into_any(),
                    Some(roster) if roster.entries.is_empty() => view! { <p class="hint">{use_i18n().t("panel-empty")}</p> }.into_any(),
                    Some(roster) => roster_view(roster).into_any(),
                }}
                <Show when=move || { waiting() > 0 }>
                    // Folded: on a phone the list of who waits comes first, the form for
                    // everybody is one line until it is needed.
                    <details class="note-all">
                        <summary>{use_i18n().t("panel-note-all")}</summary>
                        <form class="note-form" on:submit=send_all>
                            <label for="note-all" class="visually-hidden">{use_i18n().t("panel-note-all")}</label>
                            <input id="note-all" type="text" list="note-presets" required=true maxlength=NOTE_MAX_CHARS.to_string()
                                prop:value=move || all_text.get() on:input=move |ev| all_text.set(event_target_value(&ev)) />
                            <button type="submit" class="button" disabled=move || !ready.get()>{use_i18n().t("panel-note-send")}</button>
                        </form>
                    </details>
                </Show>
                <datalist id="note-presets">
                    {PRESETS.iter().map(|key| view! { <option value=use_i18n().t(key)></option> }).collect_view()}
                </datalist>
            </div>
        </details>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The browser half: the socket, sound, notifications and the page title.
    use super::*;
    use crate::call::media;
    use crate::signalling::client::{Link, SignalClient};
    use crate::signalling::types::ServerMessage;

    const MUTE_KEY: &str = "sprechzimmer.wartezimmer.stumm";
    const OPEN_KEY: &str = "sprechzimmer.wartezimmer.offen";

    /// Unfolds or folds the panel as the doctor last left it in this browser.
    pub fn restore_open(details: NodeRef<leptos::html::Details>) {
        Effect::new(move |_| {
            let (Some(el), Some(stored)) = (
                details.get(),
                storage().and_then(|s| s.get_item(OPEN_KEY).ok().flatten()),
            ) else {
                return;
            };
            let _ = if stored == "1" {
                el.set_attribute("open", "")
            } else {
                el.remove_attribute("open")
            };
        });
    }

    /// Whether the `<details>` with this id is unfolded.
    pub fn is_open(id: &str) -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .is_some_and(|e| e.has_attribute("open"))
    }

    /// Stores whether the panel is unfolded (the `toggle` event).
    pub fn remember_open(details: NodeRef<leptos::html::Details>) {
        if let (Some(el), Some(s)) = (details.get_untracked(), storage()) {
            let _ = s.set_item(OPEN_KEY, if el.has_attribute("open") { "1" } else { "0" });
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn confirm(text: &str) -> bool {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(text).ok())
            .unwrap_or(false)
    }

    pub fn set_muted(muted: RwSignal<bool>, value: bool) {
        muted.set(value);
        if let Some(s) = storage() {
            let _ = if value {
                s.set_item(MUTE_KEY, "1")
            } else {
                s.remove_item(MUTE_KEY)
            };
        }
    }

    fn notification_permission() -> Option<web_sys::NotificationPermission> {
        let window = web_sys::window()?;
        js_sys::Reflect::has(&window, &"Notification".into())
            .ok()?
            .then(web_sys::Notification::permission)
    }

    pub fn ask_for_notifications(can_notify: RwSignal<bool>) {
        if let Ok(promise) = web_sys::Notification::request_permission() {
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                can_notify.set(
                    notification_permission() == Some(web_sys::NotificationPermission::Default),
                );
            });
        }
    }

    fn notify(time: &str) {
        if notification_permission() != Some(web_sys::NotificationPermission::Granted) {
            return;
        }
        let t = use_i18n();
        let options = web_sys::NotificationOptions::new();
        // No name: notifications can show on a locked screen.
        options.set_body(&t.t_with("panel-notification-body", &[("time", time)]));
        options.set_tag("sprechzimmer-wartezimmer");
        let _ = web_sys::Notification::new_with_options(&t.t("panel-notification-title"), &options);
    }

    /// A short falling two-tone chime for an arrival.
    fn chime() {
        let Ok(context) = web_sys::AudioContext::new() else {
            return;
        };
        let destination = context.destination();
        if media::chime(&context, &destination, &[880.0, 660.0], 0.25, 0.22).is_ok() {
            let _ = context.resume();
        }
        media::close_later(context, std::time::Duration::from_secs(2));
    }

    /// "(2) Terminkalender – Sprechzimmer" while two patients wait.
    fn show_count_in_title(waiting: u32) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let title = document.title();
        let base = match title
            .strip_prefix('(')
            .and_then(|rest| rest.split_once(") "))
        {
            Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => rest.to_owned(),
            _ => title,
        };
        document.set_title(&if waiting > 0 {
            format!("({waiting}) {base}")
        } else {
            base
        });
    }

    /// Who waits in `roster`: (id, name, appointment time) of patients and further persons.
    fn waiting_people(roster: &Roster) -> Vec<(String, String, String)> {
        let mut people = Vec::new();
        for e in &roster.entries {
            if e.status == RosterStatus::Waiting {
                people.push((e.appointment.clone(), e.booked_name.clone(), e.time.clone()));
            }
            for g in e
                .guests
                .iter()
                .filter(|g| g.status == RosterStatus::Waiting)
            {
                people.push((g.guest.clone(), g.booked_name.clone(), e.time.clone()));
            }
        }
        people
    }

    fn on_roster(live: Live, roster: Roster) {
        let before: Vec<String> = live.roster.with_untracked(|r| {
            r.as_ref()
                .map(|r| waiting_people(r).into_iter().map(|(id, _, _)| id).collect())
                .unwrap_or_default()
        });
        let first = live.roster.with_untracked(Option::is_none);
        let arrived: Vec<(String, String, String)> = waiting_people(&roster)
            .into_iter()
            .filter(|(id, _, _)| !before.contains(id))
            .collect();
        if !first && !arrived.is_empty() {
            if !live.muted.get_untracked() {
                chime();
            }
            let t = use_i18n();
            for (_, _, time) in &arrived {
                notify(time);
            }
            live.announcement.set(
                arrived
                    .iter()
                    .map(|(_, name, time)| {
                        t.t_with("panel-arrived", &[("name", name), ("time", time)])
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            let ids: Vec<String> = arrived.into_iter().map(|(id, _, _)| id).collect();
            live.fresh.update(|f| f.extend(ids.iter().cloned()));
            set_timeout(
                move || live.fresh.update(|f| f.retain(|id| !ids.contains(id))),
                std::time::Duration::from_secs(15),
            );
        }
        show_count_in_title(roster.waiting);
        live.roster.set(Some(roster));
    }

    /// Opens the socket; the returned function sends a message over it.
    pub fn connect(live: Live) -> impl Fn(ClientMessage) + Copy + 'static {
        let client = StoredValue::new_local(None::<SignalClient>);
        Effect::new(move |_| {
            live.muted.set(
                storage()
                    .and_then(|s| s.get_item(MUTE_KEY).ok().flatten())
                    .is_some(),
            );
            live.can_notify
                .set(notification_permission() == Some(web_sys::NotificationPermission::Default));
            let socket = SignalClient::connect(
                "praxis",
                move |message| match message {
                    ServerMessage::Roster(roster) => {
                        live.error.set(None);
                        on_roster(live, roster);
                    }
                    ServerMessage::Admitted { appointment } => {
                        if let Some(window) = web_sys::window() {
                            let _ = window
                                .location()
                                .set_href(&crate::paths::call(&appointment));
                        }
                    }
                    ServerMessage::Error { code } => live.error.set(Some(code)),
                    // The list's socket carries no call.
                    _ => {}
                },
                move |link: Link| live.lost.set(link.notice("panel-link-lost")),
            );
            client.set_value(Some(socket));
        });
        on_cleanup(move || {
            if let Some(c) = client.try_get_value().flatten() {
                c.stop();
            }
        });
        // A click while the socket is still opening (just after the page's code ran) or open
        // again after a drop goes out once it is open: `send` alone dropped it silently (the
        // doctor's "hereinholen" did nothing; found as a flaky group-call journey).
        move |message| {
            client.with_value(|c| {
                if let Some(c) = c {
                    c.send_soon(message);
                }
            });
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    //! On the server the panel renders its frame; the list arrives over the socket.
    use super::*;

    pub fn connect(_: Live) -> impl Fn(ClientMessage) + Copy + 'static {
        |_| {}
    }
    pub fn confirm(_: &str) -> bool {
        false
    }
    pub fn set_muted(_: RwSignal<bool>, _: bool) {}
    pub fn ask_for_notifications(_: RwSignal<bool>) {}
    pub fn restore_open(_: NodeRef<leptos::html::Details>) {}
    pub fn remember_open(_: NodeRef<leptos::html::Details>) {}
    pub fn is_open(_: &str) -> bool {
        false
    }
}
