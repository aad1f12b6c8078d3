//! The patient's room: first the automatic tech test, then the online waiting room, then the
//! call. One island, so the camera stays on from the test to the call.

use super::types::PatientRoomInfo;
use crate::call::screen::{CallScreen, DeviceChoice};
use crate::call::ui::{CallUi, DeviceSignals};
use crate::i18n::use_i18n;
use crate::signalling::types::PatientPhase;
use leptos::prelude::*;

/// Where the patient is on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    TechTest,
    Waiting,
    InCall,
    Ended(PatientPhase),
}

/// The result of one step of the tech test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Pending,
    Running,
    /// The step waits for the patient (the speaker test: press "Testton abspielen", then
    /// answer); the Fluent key says what to do.
    YourTurn(&'static str),
    Passed(String),
    Warning(String, &'static str),
    Failed(String, &'static str),
}

impl Check {
    fn class(&self) -> &'static str {
        match self {
            Check::Pending => "check pending",
            Check::Running => "check running",
            Check::YourTurn(_) => "check your-turn",
            Check::Passed(_) => "check passed",
            Check::Warning(..) => "check warning",
            Check::Failed(..) => "check failed",
        }
    }
    fn done(&self) -> bool {
        matches!(
            self,
            Check::Passed(_) | Check::Warning(..) | Check::Failed(..)
        )
    }
    fn usable(&self) -> bool {
        matches!(self, Check::Passed(_) | Check::Warning(..))
    }
}

/// The five steps, each with its own signal.
#[derive(Clone, Copy)]
pub struct Checks {
    pub browser: RwSignal<Check>,
    pub camera: RwSignal<Check>,
    pub microphone: RwSignal<Check>,
    pub speaker: RwSignal<Check>,
    pub network: RwSignal<Check>,
}

impl Checks {
    fn new() -> Self {
        Self {
            browser: RwSignal::new(Check::Pending),
            camera: RwSignal::new(Check::Pending),
            microphone: RwSignal::new(Check::Pending),
            speaker: RwSignal::new(Check::Pending),
            network: RwSignal::new(Check::Pending),
        }
    }
    fn all(&self) -> [RwSignal<Check>; 5] {
        [
            self.browser,
            self.camera,
            self.microphone,
            self.speaker,
            self.network,
        ]
    }
}

/// One line of the tech test.
#[component]
fn CheckItem(label: String, check: RwSignal<Check>) -> impl IntoView {
    let t = use_i18n();
    let (running, passed, warning, failed) = (
        t.t("tech-state-running"),
        t.t("tech-state-passed"),
        t.t("tech-state-warning"),
        t.t("tech-state-failed"),
    );
    let pending = t.t("tech-state-pending");
    view! {
        <li class=move || check.with(Check::class)>
            <span class="check-label">{label}</span>
            <span class="check-state">{move || check.with(|c| match c {
                Check::Pending => pending.clone(),
                Check::Running => running.clone(),
                Check::YourTurn(key) => use_i18n().t(key),
                Check::Passed(_) => passed.clone(),
                Check::Warning(..) => warning.clone(),
                Check::Failed(..) => failed.clone(),
            })}</span>
            <span class="check-result">{move || check.with(|c| match c {
                Check::Passed(text) | Check::Warning(text, _) | Check::Failed(text, _) => text.clone(),
                _ => String::new(),
            })}</span>
            {move || check.with(|c| match c {
                Check::Warning(_, advice) | Check::Failed(_, advice) => {
                    let browsers = crate::policy::browser_names();
                    Some(view! { <p class="check-advice">{use_i18n().t_with(advice, &[("browsers", &browsers)])}</p> })
                }
                _ => None,
            })}
        </li>
    }
}

/// The signals the browser half works on.
#[derive(Clone, Copy)]
pub struct Wiring {
    pub stage: RwSignal<Stage>,
    pub checks: Checks,
    pub level: RwSignal<u8>,
    pub camera_on: RwSignal<bool>,
    pub note: RwSignal<Option<String>>,
    /// What to say about the socket's link instead of the waiting text, if anything.
    pub link_lost: RwSignal<Option<&'static str>>,
    /// The server has told this page its view: the practice's list shows the patient. Until
    /// then the page does not say the practice was notified (its socket may still connect).
    pub notified: RwSignal<bool>,
    /// Back in the waiting room after the call was interrupted or the practice sent them.
    pub back_from_call: RwSignal<bool>,
    pub devices: DeviceSignals,
    pub preview: NodeRef<leptos::html::Video>,
    pub ice_servers: StoredValue<Vec<super::types::IceServer>>,
    pub call: CallUi,
}

/// The tech test, the waiting room and the call for the patient of one appointment.
// An island where the server renders it and in the `patient` browser bundle; a plain (unused,
// so dropped) component in the other bundle (see `layout::scripts::Bundle`).
#[cfg_attr(any(not(feature = "hydrate"), feature = "islands-patient"), island)]
#[cfg_attr(all(feature = "hydrate", not(feature = "islands-patient")), component)]
pub fn PatientRoom(info: PatientRoomInfo) -> impl IntoView {
    let t = use_i18n();
    let hydrated = crate::layout::island_ready();
    let stage = RwSignal::new(if info.in_call {
        Stage::InCall
    } else if info.resume {
        Stage::Waiting
    } else {
        Stage::TechTest
    });
    let checks = Checks::new();
    let level = RwSignal::new(0u8);
    let camera_on = RwSignal::new(true);
    let note = RwSignal::new(None::<String>);
    let link_lost = RwSignal::new(None);
    let notified = RwSignal::new(false);
    let back_from_call = RwSignal::new(false);
    let tone_played = RwSignal::new(false);
    let devices = DeviceSignals::new();
    let call = CallUi::new(DeviceSignals::new());
    let preview = NodeRef::<leptos::html::Video>::new();
    let tone = NodeRef::<leptos::html::Audio>::new();
    let ice_servers = StoredValue::new(info.ice_servers.clone());

    browser::start(Wiring {
        stage,
        checks,
        level,
        camera_on,
        note,
        link_lost,
        notified,
        back_from_call,
        devices,
        preview,
        ice_servers,
        call,
    });

    let progress = move || checks.all().iter().filter(|c| c.with(Check::done)).count();
    let can_continue = move || {
        checks.browser.with(Check::usable)
            && checks.camera.with(Check::usable)
            && checks.microphone.with(Check::usable)
            && checks.speaker.with(Check::done)
            && checks.network.with(Check::done)
    };
    let play_tone = move |_| {
        tone_played.set(true);
        if let Some(element) = tone.get_untracked() {
            browser::play_tone(element, devices.speaker.get_untracked());
        }
        checks.speaker.set(Check::YourTurn("tech-state-answer"));
    };
    let heard = move |yes: bool| {
        let t = use_i18n();
        checks.speaker.set(if yes {
            Check::Passed(t.t("tech-speaker-ok"))
        } else {
            Check::Warning(t.t("tech-speaker-none"), "tech-advice-speaker")
        });
    };
    let retry = move |_| {
        tone_played.set(false);
        devices.run.update(|n| *n += 1);
    };
    let to_waiting = move |_| stage.set(Stage::Waiting);
    let toggle_camera = move |_| {
        camera_on.update(|on| *on = !*on);
    };

    let labels = [
        t.t("tech-step-browser"),
        t.t("tech-step-camera"),
        t.t("tech-step-microphone"),
        t.t("tech-step-speaker"),
        t.t("tech-step-network"),
    ];
    // Stored, so the stage views below stay `Copy` and can be rebuilt on every change.
    let labels = StoredValue::new(labels);
    let label = move |i: usize| labels.with_value(|l| l[i].clone());
    let appointment_time = StoredValue::new(info.appointment_time.clone());
    let practice_name = StoredValue::new(info.practice_name.clone());
    let guest = info.guest;

    let tech_test = move || {
        let t = use_i18n();
        view! {
            <section class="tech-test" aria-labelledby="tech-title">
                <h2 id="tech-title">{t.t("tech-title")}</h2>
                <p>{t.t("tech-intro")}</p>
                <p class="progress-line">
                    <label for="tech-progress">{t.t("tech-progress")}</label>
                    <progress id="tech-progress" max="5" value=move || progress().to_string()>
                        {move || format!("{}/5", progress())}
                    </progress>
                </p>
                <ol class="checks">
                    <CheckItem label=label(0) check=checks.browser />
                    <CheckItem label=label(1) check=checks.camera />
                    <CheckItem label=label(2) check=checks.microphone />
                    <CheckItem label=label(3) check=checks.speaker />
                    <CheckItem label=label(4) check=checks.network />
                </ol>
                <p class="level">
                    <label for="mic-level">{t.t("tech-level")}</label>
                    <meter id="mic-level" min="0" max="100" low="10" optimum="50" value=move || level.get().to_string()></meter>
                </p>
                <div class="speaker-test">
                    <button type="button" class="button" on:click=play_tone
                        disabled=move || !checks.camera.with(Check::done)>{t.t("tech-play-tone")}</button>
                    <Show when=move || tone_played.get()>
                        <button type="button" class="button" on:click=move |_| heard(true)>{use_i18n().t("tech-heard")}</button>
                        <button type="button" class="button" on:click=move |_| heard(false)>{use_i18n().t("tech-heard-nothing")}</button>
                    </Show>
                </div>
                <DeviceChoice devices />
                <div class="actions">
                    <button type="button" class="button" on:click=retry disabled=move || !hydrated.get()>{t.t("tech-retry")}</button>
                    <button type="button" class="button primary" on:click=to_waiting
                        disabled=move || !can_continue()>{t.t("tech-continue")}</button>
                </div>
                <p class="hint" role="status">{move || (!can_continue() && checks.all().iter().all(|c| c.with(Check::done)))
                    .then(|| use_i18n().t("tech-cannot-continue"))}</p>
            </section>
        }
    };
    let waiting = move || {
        let t = use_i18n();
        view! {
            <section class="waiting" aria-labelledby="waiting-title">
                <h2 id="waiting-title">{t.t("waiting-title")}</h2>
                <p>{t.t_with("waiting-appointment", &[("when", &appointment_time.get_value()), ("practice", &practice_name.get_value())])}</p>
                <p class="notice" role="status" aria-live="polite">{move || use_i18n().t(link_lost.get().unwrap_or(if notified.get() { "waiting-notified" } else { "waiting-notifying" }))}</p>
                {move || back_from_call.get().then(|| view! {
                    <p class="notice warning" role="alert">{use_i18n().t("waiting-back-from-call")}</p>
                })}
                <div aria-live="polite">{move || note.get().map(|text| view! {
                    <p class="notice doctor-note"><strong>{use_i18n().t("waiting-note")}</strong> " " {text}</p>
                })}</div>
                <p class="hint">{t.t("waiting-hint")}</p>
            </section>
        }
    };
    let in_call = move || {
        view! {
            <p class="notice success" role="status">{use_i18n().t("call-admitted")}</p>
            <CallScreen ui=call peer=use_i18n().t("call-peer-practice") leaves_only=guest />
        }
    };
    let ended = move |phase: PatientPhase| {
        let t = use_i18n();
        let finished = !matches!(
            phase,
            PatientPhase::Removed
                | PatientPhase::Left
                | PatientPhase::Closed
                | PatientPhase::Expired
        );
        let key = match phase {
            PatientPhase::Removed => "waiting-removed",
            PatientPhase::Left => "waiting-left",
            PatientPhase::Closed => "waiting-closed",
            PatientPhase::Expired => "waiting-expired",
            _ => "waiting-finished",
        };
        view! {
            <section class="ended" aria-labelledby="ended-title">
                <h2 id="ended-title">{t.t(if finished { "call-ended-title" } else { "waiting-ended-title" })}</h2>
                <p class="notice" role="status">{t.t(key)}</p>
                {finished.then(|| view! { <p class="close-hint">{use_i18n().t("call-close-window")}</p> })}
                {(!finished).then(|| view! { <p><a href=crate::paths::ENTRY>{use_i18n().t("waiting-again")}</a></p> })}
            </section>
        }
    };

    view! {
        <div class="room">
            {move || match stage.get() {
                Stage::TechTest => tech_test().into_any(),
                Stage::Waiting => waiting().into_any(),
                Stage::InCall => in_call().into_any(),
                Stage::Ended(phase) => ended(phase).into_any(),
            }}
            <div class="self-view" hidden=move || matches!(stage.get(), Stage::Ended(_) | Stage::InCall) || !camera_on.get()>
                <video node_ref=preview autoplay=true muted=true playsinline=true aria-label=use_i18n().t("room-self-view")></video>
            </div>
            <audio node_ref=tone></audio>
            <div class="actions" hidden=move || matches!(stage.get(), Stage::Ended(_) | Stage::InCall)>
                <button type="button" class="button" aria-pressed=move || (!camera_on.get()).to_string() on:click=toggle_camera
                    disabled=move || !hydrated.get()>
                    {move || if camera_on.get() { use_i18n().t("room-camera-off") } else { use_i18n().t("room-camera-on") }}
                </button>
                <form method="post" action=crate::paths::LEAVE class="inline-form">
                    // Not yet in the waiting room during the tech test: the room is what is left.
                    <button type="submit" class="button">{move || use_i18n().t(if matches!(stage.get(), Stage::TechTest) { "room-leave" } else { "waiting-leave" })}</button>
                </form>
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The browser half: media, checks, the socket.
    use super::*;
    use crate::call::media::{self, LevelMeter};
    use crate::call::peer::{self, RunningCall};
    use crate::signalling::client::{Link, SignalClient};
    use crate::signalling::types::{ErrorCode, ServerMessage};
    use leptos::task::spawn_local;
    use web_sys::MediaStream;

    pub fn play_tone(element: web_sys::HtmlAudioElement, speaker: String) {
        spawn_local(async move {
            if !speaker.is_empty() {
                media::set_speaker(&element, &speaker).await;
            }
            media::play_test_sound(&element).await;
        });
    }

    /// The message while the call's code could not be loaded, and when it is tried again.
    const CALL_NOT_LOADED: &str = "call-problem-not-loaded";
    const RETRY_LOAD: std::time::Duration = std::time::Duration::from_secs(3);

    pub fn start(w: Wiring) {
        let stream = StoredValue::new_local(None::<MediaStream>);
        let stream_ready = RwSignal::new(0u32);
        let meter = StoredValue::new_local(None::<LevelMeter>);
        let socket = StoredValue::new_local(None::<SignalClient>);
        let call = StoredValue::new_local(None::<RunningCall>);
        // The running call's reactive owner, cleaned up when it ends (see `peer::start`); held
        // here, since an owner whose last handle is dropped cleans up what it owns.
        let call_owner = StoredValue::new_local(None::<Owner>);
        let island = Owner::current();
        // The call's code is being loaded (see `peer::start`).
        let loading = StoredValue::new_local(false);

        // The tech test runs at load and again on "Erneut prüfen" or a device change (in the
        // call, the call switches devices itself).
        Effect::new(move |_| {
            let _ = w.devices.run.get();
            let stage = w.stage.get_untracked();
            if matches!(stage, Stage::Ended(_)) || call.with_value(Option::is_some) {
                return;
            }
            spawn_local(async move {
                let full = stage == Stage::TechTest;
                let checked = run_checks(&w, full).await;
                if let Some((new_stream, new_meter)) = checked {
                    if let Some(old) = stream.get_value() {
                        media::stop(&old);
                    }
                    stream.set_value(Some(new_stream));
                    stream_ready.update(|n| *n += 1);
                    meter.set_value(new_meter);
                    if full {
                        w.checks
                            .speaker
                            .set(Check::YourTurn("tech-state-play-tone"));
                        w.checks.network.set(Check::Running);
                        let check = network_check(w.ice_servers.get_value()).await;
                        w.checks.network.set(check);
                    }
                }
            });
        });
        // The microphone level, ten times a second.
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let now = meter
                    .try_update_value(|m| m.as_mut().map(LevelMeter::level))
                    .flatten();
                // Peaks fade slowly, so short sounds stay visible.
                let faded =
                    u8::try_from(u16::from(w.level.get_untracked()) * 85 / 100).unwrap_or(0);
                w.level.set(now.unwrap_or(0).max(faded));
            },
            std::time::Duration::from_millis(100),
        ) {
            on_cleanup(move || handle.clear());
        }
        // Camera on/off: the track is switched, the preview follows.
        Effect::new(move |_| {
            let on = w.camera_on.get();
            if let Some(track) =
                stream.with_value(|s| s.as_ref().and_then(|s| media::first_track(s, "video")))
            {
                track.set_enabled(on);
            }
        });
        // In the waiting room (and the call) the socket is open; it ends with the stage.
        Effect::new(move |_| {
            let stage = w.stage.get();
            let wanted = matches!(stage, Stage::Waiting | Stage::InCall);
            let open = socket.with_value(Option::is_some);
            if wanted && !open {
                let client = SignalClient::connect(
                    "patient",
                    move |message| {
                        apply(&message, &w);
                        if let Some(call) = call.get_value() {
                            call.handle(&message);
                        }
                    },
                    move |link| {
                        // The request to reload (a server of another version) stays until the
                        // page is reloaded.
                        let outdated = ErrorCode::UnsupportedVersion.message_key();
                        if w.link_lost.get_untracked() != Some(outdated) {
                            w.link_lost.set(link.notice("waiting-link-lost"));
                        }
                        if link == Link::Refused && w.stage.get_untracked() == Stage::InCall {
                            w.call.problem.set(Some("socket-too-many"));
                        }
                        if link == Link::Open {
                            if let Some(call) = call.get_value() {
                                call.join();
                            }
                        }
                    },
                );
                socket.set_value(Some(client));
            } else if !wanted && open {
                if let Some(client) = socket.get_value() {
                    client.stop();
                }
                socket.set_value(None);
            }
            if let Stage::Ended(_) = stage {
                if let Some(s) = stream.get_value() {
                    media::stop(&s);
                }
                stream.set_value(None);
                meter.set_value(None);
            }
        });
        // Let in: the call starts with the camera of the waiting room; it ends with the stage.
        let in_call = Memo::new(move |_| w.stage.get() == Stage::InCall);
        // The call's code is fetched while the patient waits, so that the admission does not
        // wait for it, and at once on a page opened in the call (while the camera starts); a
        // failure here is tried again when the call starts.
        let preloaded = StoredValue::new_local(false);
        Effect::new(move |_| {
            if matches!(w.stage.get(), Stage::Waiting | Stage::InCall) && !preloaded.get_value() {
                preloaded.set_value(true);
                spawn_local(async {
                    let _ = peer::preload().await;
                });
            }
        });
        Effect::new(move |_| {
            let _ = stream_ready.get();
            let wanted = in_call.get();
            let running = call.with_value(Option::is_some);
            if wanted && !running {
                let (Some(client), Some(local)) = (socket.get_value(), stream.get_value()) else {
                    return;
                };
                if loading.get_value() {
                    return;
                }
                loading.set_value(true);
                w.call.camera.set(w.camera_on.get_untracked());
                let owner = match &island {
                    Some(island) => island.with(Owner::new),
                    None => Owner::new(),
                };
                spawn_local(async move {
                    let started = peer::start(w.call, client, local, |_| {}, owner.clone()).await;
                    if loading.try_set_value(false).is_some() {
                        // The page was left meanwhile.
                        if let Ok(started) = started {
                            started.close();
                        }
                        owner.cleanup();
                        return;
                    }
                    match started {
                        Ok(started) => {
                            call_owner.set_value(Some(owner));
                            if w.call.problem.get_untracked() == Some(CALL_NOT_LOADED) {
                                w.call.problem.set(None);
                            }
                            if in_call.get_untracked() {
                                started.join();
                            }
                            // Out of the call again while it loaded: the next run ends it.
                            call.set_value(Some(started));
                            stream_ready.update(|n| *n += 1);
                        }
                        // Tried again in a few seconds; the call screen says why it waits.
                        Err(peer::NotLoaded) => {
                            owner.cleanup();
                            w.call.problem.set(Some(CALL_NOT_LOADED));
                            set_timeout(
                                move || {
                                    stream_ready.try_update(|n| *n += 1);
                                },
                                RETRY_LOAD,
                            );
                        }
                    }
                });
            } else if !wanted && running {
                if let Some(ended) = call.get_value() {
                    ended.close();
                }
                call.set_value(None);
                if let Some(owner) = call_owner.get_value() {
                    owner.cleanup();
                }
                call_owner.set_value(None);
                w.camera_on.set(w.call.camera.get_untracked());
                if let (Some(video), Some(s)) = (w.preview.get_untracked(), stream.get_value()) {
                    media::show(&video, Some(&s));
                }
            }
        });
        // "Sprechstunde beenden".
        Effect::new(move |_| {
            if w.call.hangup.get() {
                w.call.hangup.set(false);
                let sent = socket
                    .get_value()
                    .is_some_and(|s| s.send_soon(crate::signalling::types::ClientMessage::Hangup));
                if !sent {
                    w.call.problem.set(Some("call-problem-offline"));
                }
            }
        });
    }

    /// Runs the checks (or only opens the camera when coming back to the waiting room);
    /// returns the stream and the level meter.
    async fn run_checks(w: &Wiring, full: bool) -> Option<(MediaStream, Option<LevelMeter>)> {
        let t = use_i18n();
        let c = w.checks;
        if full {
            for check in c.all() {
                check.set(Check::Pending);
            }
            c.browser.set(Check::Running);
        }
        if !media::browser_supported() {
            c.browser.set(Check::Failed(
                t.t("tech-browser-bad"),
                "tech-advice-browser",
            ));
            return None;
        }
        let agent = web_sys::window()
            .and_then(|w| w.navigator().user_agent().ok())
            .unwrap_or_default();
        c.browser.set(match crate::policy::browser_support(&agent) {
            crate::policy::BrowserSupport::Outdated { name, min_version } => Check::Warning(
                t.t_with(
                    "tech-browser-old",
                    &[("browser", name), ("version", &min_version.to_string())],
                ),
                "tech-advice-browser",
            ),
            _ => Check::Passed(t.t("tech-browser-ok")),
        });
        c.camera.set(Check::Running);
        c.microphone.set(Check::Running);
        let camera = w.devices.camera.get_untracked();
        let microphone = w.devices.microphone.get_untracked();
        let stream = match media::open_camera_and_microphone(Some(&camera), Some(&microphone)).await
        {
            Ok(stream) => stream,
            Err(problem) => {
                let text = t.t("tech-media-bad");
                c.camera
                    .set(Check::Failed(text.clone(), problem.advice_key()));
                c.microphone.set(Check::Failed(text, problem.advice_key()));
                return None;
            }
        };
        if let Some(video) = w.preview.get_untracked() {
            media::show(&video, Some(&stream));
        }
        let video = media::first_track(&stream, "video");
        let audio = media::first_track(&stream, "audio");
        match &video {
            Some(track) => {
                w.devices.camera.set(media::device_of(track));
                c.camera.set(Check::Passed(
                    t.t_with("tech-camera-ok", &[("device", &track.label())]),
                ));
            }
            None => c.camera.set(Check::Failed(
                t.t("tech-camera-none"),
                "tech-advice-not-found",
            )),
        }
        match &audio {
            Some(track) => {
                w.devices.microphone.set(media::device_of(track));
                c.microphone.set(Check::Passed(
                    t.t_with("tech-microphone-ok", &[("device", &track.label())]),
                ));
            }
            None => c.microphone.set(Check::Failed(
                t.t("tech-microphone-none"),
                "tech-advice-not-found",
            )),
        }
        w.devices.devices.set(media::list_devices().await);
        let meter = audio.as_ref().and_then(|_| LevelMeter::new(&stream));
        Some((stream, meter))
    }

    /// Candidates with the STUN/TURN servers, then the upstream against the recommendation.
    async fn network_check(servers: Vec<super::super::types::IceServer>) -> Check {
        let t = use_i18n();
        let ice = media::gather_candidates(&servers, 5000).await;
        let reachable = match ice {
            None => false,
            Some(result) if servers.is_empty() => result.host,
            Some(result) => result.server_reflexive || result.relay,
        };
        let upstream = media::measure_upstream(crate::paths::MEASURE).await;
        match (reachable, upstream) {
            (false, _) => Check::Warning(t.t("tech-network-unreachable"), "tech-advice-network"),
            (true, None) => Check::Warning(t.t("tech-network-unmeasured"), "tech-advice-network"),
            (true, Some(kbits)) if kbits < crate::policy::RECOMMENDED_UPSTREAM_KBITS => {
                Check::Warning(
                    t.t_with(
                        "tech-network-slow",
                        &[
                            ("mbits", &t.mbits(f64::from(kbits))),
                            (
                                "recommended",
                                &t.mbits(f64::from(crate::policy::RECOMMENDED_UPSTREAM_KBITS)),
                            ),
                        ],
                    ),
                    "tech-advice-network",
                )
            }
            (true, Some(kbits)) => {
                Check::Passed(t.t_with("tech-network-ok", &[("mbits", &t.mbits(f64::from(kbits)))]))
            }
        }
    }

    /// Applies a message from the server to the page.
    fn apply(message: &ServerMessage, w: &Wiring) {
        // A server of another version: nothing the page sends is understood any more.
        if let ServerMessage::Error {
            code: code @ ErrorCode::UnsupportedVersion,
        } = message
        {
            w.link_lost.set(Some(code.message_key()));
            w.call.problem.set(Some(code.message_key()));
        }
        if let ServerMessage::WaitingRoom(view) = message {
            w.notified.set(true);
            w.note.set(view.note.clone());
            let next = match view.phase {
                PatientPhase::Waiting => Stage::Waiting,
                PatientPhase::InCall => Stage::InCall,
                other => Stage::Ended(other),
            };
            let now = w.stage.get_untracked();
            if now != next {
                w.back_from_call
                    .set(now == Stage::InCall && next == Stage::Waiting);
                w.stage.set(next);
            }
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    //! On the server the island only renders; nothing runs.
    use super::*;

    pub fn start(_: Wiring) {}

    pub fn play_tone<T>(_: T, _: String) {}
}
