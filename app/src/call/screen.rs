//! The call screen both sides see: the other side's video large, the own picture small, the
//! controls (microphone, camera, devices, full screen, end), the call timer, the connection
//! quality, the verification code and the chat. Only signals here; the browser half
//! ([`super::peer`]) fills them and acts on them.

use super::stats::Quality;
use super::types::CHAT_MAX_CHARS;
use super::ui::{CallLink, CallUi, DeviceSignals, Devices, PeerTile};
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// "mm:ss", or "h:mm:ss" after an hour.
pub fn clock_text(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// A toggle button with `aria-pressed` (pressed = switched off).
#[component]
fn Toggle(on: RwSignal<bool>, off_key: &'static str, on_key: &'static str) -> impl IntoView {
    view! {
        <button type="button" class="button" aria-pressed=move || (!on.get()).to_string()
            on:click=move |_| on.update(|v| *v = !*v)>
            {move || use_i18n().t(if on.get() { off_key } else { on_key })}
        </button>
    }
}

/// Another participant's picture: their name (and role) on it, their microphone and camera
/// state, the state and quality of the connection to them; a frame while they speak.
#[component]
fn Tile(tile: PeerTile, group: Signal<bool>) -> impl IntoView {
    let t = use_i18n();
    let name = tile.name.get_value();
    let label = t.t_with("call-remote-video", &[("name", &name)]);
    let caption = match tile.role {
        Some(role) => format!("{name} ({})", t.t(role.label_key())),
        None => name,
    };
    // One line of what holds now, in one text node (small code for the browser bundle).
    let state = move || {
        let t = use_i18n();
        let mut parts = Vec::new();
        if let Some(typed) = tile.typed.get_value() {
            parts.push(t.t_with("call-tile-typed", &[("name", &typed)]));
        }
        for (off, key) in [
            (!tile.microphone.get(), "call-tile-microphone-off"),
            (!tile.camera.get(), "call-tile-camera-off"),
        ] {
            if off {
                parts.push(t.t(key));
            }
        }
        let link = match tile.link.get() {
            CallLink::Connecting => Some("call-tile-connecting"),
            CallLink::Reconnecting => Some("call-tile-reconnecting"),
            CallLink::Failed => Some("call-tile-failed"),
            _ => None,
        };
        parts.extend(link.map(|key| t.t(key)));
        if let (true, Some((q, ..))) = (group.get(), tile.quality.get()) {
            parts.push(t.t(q.label_key()));
        }
        parts.join(" · ")
    };
    let quality = move || match (group.get(), tile.quality.get()) {
        (true, Some((q, ..))) => quality_class(q),
        _ => "",
    };
    view! {
        <figure class="tile" class:speaking=move || tile.speaking.get()
            data-link=move || format!("{:?}", tile.link.get()) data-quality=quality>
            <video class="remote-video" node_ref=tile.video autoplay=true playsinline=true aria-label=label></video>
            <figcaption>
                <span class="tile-name">{caption}</span>
                <span class="tile-state" hidden=move || state().is_empty()>{state}</span>
            </figcaption>
        </figure>
    }
}

fn quality_class(quality: Quality) -> &'static str {
    match quality {
        Quality::Good => "good",
        Quality::Fair => "fair",
        Quality::Poor => "poor",
    }
}

/// The call screen.
#[component]
pub fn CallScreen(
    ui: CallUi,
    /// How the texts name the others while nobody is there: "Ihre Praxis" to the patient and
    /// further persons, the patient's name to the doctor.
    #[prop(into)]
    peer: String,
    /// A further person's page: "Gespräch verlassen" instead of ending the consultation.
    #[prop(optional)]
    leaves_only: bool,
) -> impl IntoView {
    let t = use_i18n();
    let confirming = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let send_chat = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        if super::types::clean_chat(&text).is_some() {
            ui.outgoing.set(Some(text));
            draft.set(String::new());
        }
    };
    let full_screen = move |_| browser::toggle_full_screen(ui.stage);
    let peer = StoredValue::new(peer);
    let about_peer = move |key: &str| use_i18n().t_with(key, &[("peer", &peer.get_value())]);
    let about = |key: &str, name: &str| use_i18n().t_with(key, &[("peer", name)]);
    let count = move || ui.tiles.with(Vec::len);
    // "… hat das Mikrofon ausgeschaltet." for each participant who did.
    let remote_states = move || {
        let mut lines = Vec::new();
        for tile in ui.tiles.get() {
            let name = tile.name.get_value();
            if !tile.microphone.get() {
                lines.push(about("call-remote-microphone-off", &name));
            }
            if !tile.camera.get() {
                lines.push(about("call-remote-camera-off", &name));
            }
        }
        lines
    };
    let group = Signal::derive(move || count() > 1);
    let (hang_up, question, yes) = if leaves_only {
        ("call-leave", "call-leave-question", "call-leave-yes")
    } else {
        ("call-hang-up", "call-hang-up-question", "call-hang-up-yes")
    };
    let quality_text = move || {
        ui.quality.get().map(|(q, stats, relayed)| {
            let t = use_i18n();
            let mut parts = vec![t.t(q.label_key())];
            if let Some(rtt) = stats.rtt_ms {
                parts.push(t.t_with("call-rtt", &[("ms", &t.decimal(rtt, 0))]));
            }
            if let Some(loss) = stats.loss_percent {
                parts.push(t.t_with("call-loss", &[("percent", &t.decimal(loss, 1))]));
            }
            if let Some(kbits) = stats.kbits {
                parts.push(t.t_with("call-bitrate", &[("mbits", &t.mbits(kbits))]));
            }
            parts.push(t.t(if relayed {
                "call-path-relay"
            } else {
                "call-path-direct"
            }));
            parts.join(" · ")
        })
    };
    let quality_class = move || match ui.quality.get() {
        Some((q, ..)) => format!("quality {}", quality_class(q)),
        None => "quality".to_owned(),
    };
    // The picture first, then (beside it on wide screens, below it on phones) the controls: on
    // every screen size both are visible without scrolling. The connection state stands under
    // the picture, never on it.
    view! {
        <section class="call-screen" aria-labelledby="call-screen-title">
            <h2 id="call-screen-title" class="visually-hidden">{t.t("call-title")}</h2>
            <div class="call-main">
                <div class="call-stage" node_ref=ui.stage>
                    <div class="tiles" data-count=move || count().to_string()>
                        <For each=move || ui.tiles.get() key=|tile| tile.id.get_value() let(tile)>
                            <Tile tile group />
                        </For>
                    </div>
                    <video class="local-video" node_ref=ui.local autoplay=true muted=true playsinline=true
                        hidden=move || !ui.camera.get() aria-label=t.t("room-self-view")></video>
                </div>
                <p class="call-link" role="status" aria-live="polite" data-link=move || format!("{:?}", ui.link.get())>
                    {move || about_peer(ui.link.get().label_key())}
                </p>
            </div>
            <div class="call-side">
            <div class="call-controls" role="toolbar" aria-label=t.t("call-controls")>
                <Toggle on=ui.microphone off_key="call-microphone-off" on_key="call-microphone-on" />
                <Toggle on=ui.camera off_key="room-camera-off" on_key="room-camera-on" />
                <button type="button" class="button" on:click=full_screen>{t.t("call-full-screen")}</button>
                <button type="button" class="button danger" on:click=move |_| confirming.set(true)
                    hidden=move || confirming.get()>{t.t(hang_up)}</button>
            </div>
            <Show when=move || confirming.get()>
                <div class="confirm" role="alertdialog" aria-labelledby="hangup-question">
                    <p id="hangup-question">{use_i18n().t(question)}</p>
                    <button type="button" class="button danger" on:click=move |_| ui.hangup.set(true)>{use_i18n().t(yes)}</button>
                    <button type="button" class="button" on:click=move |_| confirming.set(false)>{use_i18n().t("call-hang-up-no")}</button>
                </div>
            </Show>
            <div class="call-bar">
                <span class="call-timer">
                    <span class="visually-hidden">{t.t("call-timer")} " "</span>
                    <time>{move || ui.elapsed.get().map(clock_text).unwrap_or_else(|| "00:00".into())}</time>
                </span>
                <span class=quality_class role="status">{quality_text}</span>
            </div>
            <div aria-live="polite">
                {move || (ui.quality.get().map(|(q, ..)| q) == Some(Quality::Poor)).then(|| view! {
                    <p class="notice warning">{use_i18n().t("call-quality-poor-advice")}</p>
                })}
                {move || remote_states().into_iter().map(|text| view! { <p class="hint remote-state">{text}</p> }).collect_view()}
                {move || ui.problem.get().map(|key| view! {
                    <p class="notice error" role="alert">{use_i18n().t(key)}</p>
                })}
            </div>
            <details class="call-devices">
                <summary>{t.t("call-devices")}</summary>
                <DeviceChoice devices=ui.devices />
            </details>
            <section class="verification" aria-labelledby="verification-title">
                <h3 id="verification-title">{t.t("call-code-title")}</h3>
                <p class="code" aria-live="polite">{move || ui.code.get().unwrap_or_else(|| use_i18n().t("call-code-pending"))}</p>
                <p class="hint">{move || use_i18n().t(if group.get() { "call-code-hint-group" } else { "call-code-hint" })}</p>
            </section>
            <section class="chat" aria-labelledby="chat-title">
                <h3 id="chat-title">{t.t("call-chat-title")}</h3>
                <ol class="chat-lines" aria-live="polite">
                    <For each=move || ui.chat.get().into_iter().enumerate() key=|(i, _)| *i let((_, line))>
                        <li class=if line.mine { "mine" } else { "theirs" }>
                            <span class="who">{if line.mine { use_i18n().t("call-chat-me") } else { about("call-chat-them", &line.from) }}
                                " " {line.time.clone()}</span>
                            <span class="text">{line.text.clone()}</span>
                        </li>
                    </For>
                </ol>
                <form class="chat-form" on:submit=send_chat>
                    <label for="chat-input">{t.t("call-chat-label")}</label>
                    <input id="chat-input" type="text" maxlength=CHAT_MAX_CHARS.to_string() autocomplete="off"
                        prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev)) />
                    <button type="submit" class="button">{t.t("call-chat-send")}</button>
                </form>
                <p class="hint">{move || if group.get() { use_i18n().t("call-chat-hint-group") } else { about_peer("call-chat-hint") }}</p>
            </section>
            </div>
        </section>
    }
}

/// The device selects; a change of camera or microphone bumps `run`.
#[component]
pub fn DeviceChoice(devices: DeviceSignals) -> impl IntoView {
    let select = move |id: &'static str,
                       key: &'static str,
                       list: fn(&Devices) -> Vec<(String, String)>,
                       chosen: RwSignal<String>,
                       rerun: bool| {
        let options = move || {
            devices
                .devices
                .with(list)
                .into_iter()
                .enumerate()
                .map(|(i, (value, label))| {
                    let label = if label.is_empty() {
                        format!("{} {}", use_i18n().t(key), i + 1)
                    } else {
                        label
                    };
                    let selected = chosen.get() == value;
                    view! { <option value=value.clone() selected=selected>{label}</option> }
                })
                .collect_view()
        };
        view! {
            <p class="field" hidden=move || devices.devices.with(list).len() < 2>
                <label for=id>{use_i18n().t(key)}</label>
                <select id=id on:change=move |ev| {
                    chosen.set(event_target_value(&ev));
                    if rerun { devices.run.update(|n| *n += 1); }
                }>{options}</select>
            </p>
        }
    };
    view! {
        <div class="devices">
            {select("device-camera", "tech-device-camera", |d| d.cameras.clone(), devices.camera, true)}
            {select("device-microphone", "tech-device-microphone", |d| d.microphones.clone(), devices.microphone, true)}
            {select("device-speaker", "tech-device-speaker", |d| d.speakers.clone(), devices.speaker, false)}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    pub use crate::call::media::toggle_full_screen;
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    //! On the server the screen only renders.
    use leptos::prelude::NodeRef;

    pub fn toggle_full_screen(_: NodeRef<leptos::html::Div>) {}
}

#[cfg(test)]
mod tests {
    use super::clock_text;

    #[test]
    fn the_timer_reads_minutes_and_seconds_then_hours() {
        assert_eq!(clock_text(0), "00:00");
        assert_eq!(clock_text(65), "01:05");
        assert_eq!(clock_text(3599), "59:59");
        assert_eq!(clock_text(3600 + 62), "1:01:02");
    }
}
