//! The doctor's side of the call (island on `/praxis/gespraech/:id`): camera and microphone,
//! the call socket for this appointment, the call screen and the end screen.

use super::screen::CallScreen;
use super::ui::{CallUi, DeviceSignals};
use crate::i18n::use_i18n;
use crate::signalling::types::{CallEnd, ClientMessage, ErrorCode, RosterEntry, RosterStatus};
use leptos::prelude::*;

/// Where the doctor's call page stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Live,
    Ended(CallEnd),
    /// The server refused this page (already open elsewhere, not in a call).
    Refused(ErrorCode),
}

// An island where the server renders it and in the `practice` browser bundle; a plain (unused,
// so dropped) component in the other bundle (see `layout::scripts::Bundle`).
#[cfg_attr(any(not(feature = "hydrate"), feature = "islands-practice"), island)]
#[cfg_attr(all(feature = "hydrate", not(feature = "islands-practice")), component)]
pub fn DoctorCall(appointment: String, patient: String) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let stage = RwSignal::new(Stage::Live);
    let ui = CallUi::new(DeviceSignals::new());
    let people = People {
        entry: RwSignal::new(None),
        action: RwSignal::new(None),
    };
    browser::start(appointment, stage, ui, people);
    let patient = StoredValue::new(patient);
    let end_screen = move |how: CallEnd| {
        let t = use_i18n();
        let text = match how {
            CallEnd::Finished { started, ended } => t.t_with(
                "call-finished-times",
                &[("started", &started), ("ended", &ended)],
            ),
            CallEnd::BackToWaiting => t.t("call-back-to-waiting"),
            CallEnd::PatientLeft => t.t("call-patient-left"),
        };
        view! {
            <section class="ended" aria-labelledby="ended-title">
                <h2 id="ended-title">{t.t("call-ended-title")}</h2>
                <p class="notice" role="status">{text}</p>
                <p><a class="button primary" href=crate::paths::PRACTICE>{t.t("call-to-list")}</a></p>
            </section>
        }
    };
    view! {
        <Show when=move || hydrated.get() fallback=|| view! { <p class="hint">{use_i18n().t("call-loading")}</p> }>
            {move || match stage.get() {
                // While the call runs, the idle logout renews the session instead (practice::idle).
                Stage::Live => view! {
                    <div class="keeps-session" data-keeps-session="call">
                        <CallScreen ui peer=patient.get_value() />
                        <PeopleOfCall people />
                    </div>
                }.into_any(),
                Stage::Ended(how) => end_screen(how).into_any(),
                Stage::Refused(code) => view! {
                    <p class="notice error" role="alert">{use_i18n().t(code.message_key())}</p>
                    <p><a class="button" href=crate::paths::PRACTICE>{use_i18n().t("call-to-list")}</a></p>
                }.into_any(),
            }}
        </Show>
    }
}

/// This appointment's line of the practice's list, and the doctor's action on it.
#[derive(Clone, Copy)]
pub struct People {
    pub entry: RwSignal<Option<RosterEntry>>,
    /// "Eintreten lassen" or "Entfernen" for a person, for the socket to send.
    pub action: RwSignal<Option<ClientMessage>>,
}

/// A group consultation's persons on the doctor's call page (issue 25): who waits to be let
/// in (the patient or a further person) and who is in the call, with "Eintreten lassen" and
/// "Entfernen" — so a guest joins a running consultation without leaving the call page.
/// Nothing for a consultation without further persons.
/// What [`PeopleOfCall`] asks once more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Question {
    Remove,
    Consent,
}

#[component]
fn PeopleOfCall(people: People) -> impl IntoView {
    // What is asked once more below the list: (id, name, the question) — "Entfernen" for a
    // guest, or letting in a patient whose consent is not confirmed (as the list asks).
    let confirming = RwSignal::new(None::<(String, String, Question)>);
    let act = move |message: ClientMessage| people.action.set(Some(message));
    let rows = move || {
        let entry = people.entry.get().filter(|e| !e.guests.is_empty())?;
        let t = use_i18n();
        let consent_ok = entry.consent == crate::consent::types::ConsentStatus::Confirmed;
        let patient = (
            entry.appointment,
            entry.booked_name,
            None,
            entry.status,
            entry.since,
        );
        let guests = entry
            .guests
            .into_iter()
            .map(|g| (g.guest, g.booked_name, Some(g.role), g.status, g.since));
        let items = std::iter::once(patient)
            .chain(guests)
            .map(|(id, name, role, status, since)| {
                let label = match role {
                    Some(role) => format!("{name} ({})", t.t(role.label_key())),
                    None => name.clone(),
                };
                let state = t.t_with(status.label_key(), &[("since", since.as_deref().unwrap_or(""))]);
                let waiting = status == RosterStatus::Waiting;
                let removable = role.is_some() && matches!(status, RosterStatus::Waiting | RosterStatus::InCall);
                let admit = ClientMessage::Admit { appointment: id.clone() };
                let ask_consent = role.is_none() && !consent_ok;
                let (admit_id, admit_name) = (id.clone(), name.clone());
                view! {
                    <li class="call-person">
                        <span class="name">{label}</span> " " <span class="hint">{state}</span>
                        <button type="button" class="button primary" hidden=!waiting on:click=move |_| {
                            if ask_consent {
                                confirming.set(Some((admit_id.clone(), admit_name.clone(), Question::Consent)));
                            } else {
                                act(admit.clone());
                            }
                        }>{t.t("panel-admit")}</button>
                        <button type="button" class="button" hidden=!removable
                            on:click=move |_| confirming.set(Some((id.clone(), name.clone(), Question::Remove)))>{t.t("panel-remove")}</button>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="call-people" aria-labelledby="call-people-title">
                <h3 id="call-people-title">{t.t("call-people-title")}</h3>
                <ul class="plain">{items}</ul>
            </section>
        })
    };
    let question = move || {
        let (id, name, question) = confirming.get()?;
        let t = use_i18n();
        let (text, yes, message, class) = match question {
            Question::Remove => (
                "call-people-remove-question",
                "call-people-remove-yes",
                ClientMessage::Remove { appointment: id },
                "button danger",
            ),
            Question::Consent => (
                "panel-consent-question",
                "panel-consent-given",
                ClientMessage::Admit { appointment: id },
                "button primary",
            ),
        };
        Some(view! {
            <div class="confirm" role="alertdialog" aria-labelledby="people-question">
                <p id="people-question">{t.t_with(text, &[("name", &name)])}</p>
                <button type="button" class=class on:click=move |_| {
                    confirming.set(None);
                    act(message.clone());
                }>{t.t(yes)}</button>
                <button type="button" class="button" on:click=move |_| confirming.set(None)>{t.t("panel-cancel")}</button>
            </div>
        })
    };
    view! { {rows} {question} }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::call::media;
    use crate::call::peer::{self, RunningCall};
    use crate::signalling::client::{Link, SignalClient};
    use crate::signalling::types::{ClientMessage, ServerMessage};
    use leptos::task::spawn_local;

    pub fn start(appointment: String, stage: RwSignal<Stage>, ui: CallUi, people: People) {
        let call = StoredValue::new_local(None::<RunningCall>);
        // The call's own reactive owner, under the island's: see `peer::start`. Held here for
        // the page's life: an owner whose last handle is dropped cleans up what it owns (the
        // call's timers and effects stopped as soon as the task that started it ended).
        let call_owner = StoredValue::new_local(match Owner::current() {
            Some(island) => island.with(Owner::new),
            None => Owner::new(),
        });
        let socket = StoredValue::new_local(None::<SignalClient>);
        let end = move || {
            if let Some(c) = call.get_value() {
                c.close();
                c.stop_media();
            }
            if let Some(s) = socket.get_value() {
                s.stop();
            }
        };
        let id = appointment.clone();
        let id_for_list = appointment.clone();
        // Whether the server gave this page its seat (since the socket last opened): until
        // then a refusal answers the join and ends the page; after it, it answers an action of
        // the page's list ("Eintreten lassen" just taken by another click) and is only shown.
        let seated = StoredValue::new_local(false);
        // The socket opens at once, before the camera: "Sprechstunde beenden" and the list's
        // buttons work while the camera starts (or without one), and a click while the socket
        // is still opening goes out as soon as it is open. The seat is taken once both the
        // socket and the camera are there, whichever comes last.
        let client = SignalClient::connect(
            &format!("gespraech&termin={id}"),
            move |message| match message {
                ServerMessage::CallEnded(how) => {
                    end();
                    stage.set(Stage::Ended(how));
                }
                ServerMessage::Error {
                    code: code @ (ErrorCode::WrongState | ErrorCode::UnknownAppointment),
                } if !seated.get_value() && call.with_value(Option::is_some) => {
                    end();
                    stage.set(Stage::Refused(code));
                }
                // The call says "open in another window" (or "full") and tries again by
                // itself.
                ServerMessage::Error {
                    code: ErrorCode::CallBusy | ErrorCode::CallFull,
                } => {
                    if let Some(c) = call.get_value() {
                        c.handle(&message);
                    }
                }
                ServerMessage::Error { code } => ui.problem.set(Some(code.message_key())),
                ServerMessage::Roster(roster) => {
                    let mine = roster
                        .entries
                        .into_iter()
                        .find(|e| e.appointment == id_for_list);
                    people.entry.set(mine);
                }
                // The call page is open already.
                ServerMessage::Admitted { .. } => {}
                ServerMessage::CallReady { .. } => {
                    seated.set_value(true);
                    if let Some(c) = call.get_value() {
                        c.handle(&message);
                    }
                }
                other => {
                    if let Some(c) = call.get_value() {
                        c.handle(&other);
                    }
                }
            },
            move |link| {
                seated.set_value(false);
                if link == Link::Refused {
                    ui.problem.set(Some("socket-too-many"));
                }
                if link == Link::Open {
                    if let Some(c) = call.get_value() {
                        c.join();
                    }
                }
            },
        );
        socket.set_value(Some(client.clone()));
        // The call's code loads while the camera starts.
        spawn_local(async {
            let _ = peer::preload().await;
        });
        spawn_local(async move {
            // Without camera or microphone (refused, or held by another program) the page
            // takes no seat, but its socket stays: "Sprechstunde beenden" and the list's
            // buttons work, and the advice stays on screen.
            let stream = match media::open_camera_and_microphone(None, None).await {
                Ok(stream) => stream,
                Err(problem) => {
                    ui.problem.set(Some(problem.call_advice_key()));
                    ui.link.set(crate::call::ui::CallLink::NoMedia);
                    return;
                }
            };
            // The page was left (or the consultation ended) while the camera started.
            if !matches!(stage.try_get_untracked(), Some(Stage::Live)) {
                media::stop(&stream);
                return;
            }
            let back = {
                let (client, id) = (client.clone(), id.clone());
                move |peer: &str| {
                    // No path to the patient after several attempts: the patient waits again,
                    // both can retry. (A guest's lost connection ends nothing for the others.)
                    if peer == "patient" {
                        client.send(ClientMessage::BackToWaiting {
                            appointment: id.clone(),
                        });
                    }
                }
            };
            // Without the call's code (no connection when the page loaded it) the page tries
            // again every few seconds and says so.
            let started = loop {
                let Some(owner) = call_owner.try_get_value() else {
                    media::stop(&stream);
                    return;
                };
                let attempt =
                    peer::start(ui, client.clone(), stream.clone(), back.clone(), owner).await;
                if let Ok(started) = attempt {
                    break started;
                }
                ui.problem.set(Some("call-problem-not-loaded"));
                crate::wait::sleep_ms(3000).await;
                if !matches!(stage.try_get_untracked(), Some(Stage::Live)) {
                    media::stop(&stream);
                    return;
                }
            };
            if ui.problem.get_untracked() == Some("call-problem-not-loaded") {
                ui.problem.set(None);
            }
            // The consultation ended (or the page was left) while the code loaded.
            if !matches!(stage.try_get_untracked(), Some(Stage::Live)) {
                started.close();
                started.stop_media();
                return;
            }
            if call.try_set_value(Some(started.clone())).is_some() {
                started.stop_media();
                return;
            }
            // Opened while the camera started: the seat now (else when it opens).
            if client.is_open() {
                started.join();
            }
        });
        // A click sends at once, or as soon as the socket is open.
        let send = move |message: ClientMessage| {
            let sent = socket.get_value().is_some_and(|s| s.send_soon(message));
            if !sent {
                ui.problem.set(Some("call-problem-offline"));
            }
        };
        Effect::new(move |_| {
            if let Some(action) = people.action.get() {
                people.action.set(None);
                send(action);
            }
        });
        Effect::new(move |_| {
            if ui.hangup.get() {
                ui.hangup.set(false);
                send(ClientMessage::Hangup);
            }
        });
        on_cleanup(end);
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::*;

    pub fn start(_: String, _: RwSignal<Stage>, _: CallUi, _: People) {}
}
