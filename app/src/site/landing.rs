use crate::i18n::use_i18n;
use crate::policy::METADATA_RETENTION_MONTHS;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The product's front page: what it is, the way in for patients and for practices.
#[component]
pub fn LandingPage() -> impl IntoView {
    let t = use_i18n();
    let months = METADATA_RETENTION_MONTHS.to_string();
    let promises = [
        ("landing-promise-p2p-title", t.t("landing-promise-p2p")),
        ("landing-promise-e2e-title", t.t("landing-promise-e2e")),
        ("landing-promise-norec-title", t.t("landing-promise-norec")),
        (
            "landing-promise-retention-title",
            t.t_with("landing-promise-retention", &[("months", &months)]),
        ),
        ("landing-promise-noads-title", t.t("landing-promise-noads")),
    ];
    view! {
        <Title text="" />
        <super::PageDescription text=t.t("meta-description-landing") />
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">{t.t("landing-heading")}</h1>
            <p class="lead">{t.t("landing-lead")}</p>
        </section>
        <div class="cards">
            <section class="card" aria-labelledby="patients-title">
                <h2 id="patients-title">{t.t("landing-patients-heading")}</h2>
                <p>{t.t("landing-patients-text")}</p>
                <p>
                    <A href=crate::paths::ENTRY attr:class="button primary">
                        {t.t("nav-patient")}
                    </A>
                </p>
                <BrowserCheck />
                <crate::layout::IslandScripts bundle=crate::layout::Bundle::Patient />
            </section>
            <section class="card" aria-labelledby="practices-title">
                <h2 id="practices-title">{t.t("landing-practices-heading")}</h2>
                <p>{t.t("landing-practices-text")}</p>
                <p class="button-row">
                    <A href=crate::paths::LOGIN attr:class="button primary">{t.t("nav-login")}</A>
                    <A href=crate::paths::REGISTER attr:class="button secondary">{t.t("nav-register")}</A>
                </p>
            </section>
        </div>
        <section aria-labelledby="promises-title">
            <h2 id="promises-title">{t.t("landing-promises-heading")}</h2>
            <ul class="promises">
                {promises
                    .into_iter()
                    .map(|(title, text)| view! {
                        <li><strong>{t.t(title)}</strong>" "{text}</li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// Checks in the browser, without asking for the camera, whether video calls can work here.
/// Only works once the page is hydrated, so the button is disabled until then; without
/// JavaScript a note says it is needed.
// An island where the server renders it and in the `patient` browser bundle; a plain (unused,
// so dropped) component in the other bundle (see `layout::scripts::Bundle`).
#[cfg_attr(any(not(feature = "hydrate"), feature = "islands-patient"), island)]
#[cfg_attr(all(feature = "hydrate", not(feature = "islands-patient")), component)]
fn BrowserCheck() -> impl IntoView {
    let t = use_i18n();
    let (supported, set_supported) = signal(None::<bool>);
    let ready = crate::layout::island_ready();
    view! {
        <div class="browser-check">
            <button
                type="button"
                class="button secondary"
                disabled=move || !ready.get()
                on:click=move |_| set_supported.set(Some(browser::supports_video_calls()))
            >
                {t.t("landing-check-button")}
            </button>
            <p role="status" class="check-result">
                {move || supported.get().map(|ok| {
                    if ok { t.t("landing-check-ok") } else { t.t("landing-check-fail") }
                })}
            </p>
            <noscript>
                <p class="notice">{t.t("landing-noscript")}</p>
            </noscript>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    /// WebRTC and camera/microphone access exist in this browser (no permission is requested).
    pub fn supports_video_calls() -> bool {
        use wasm_bindgen::JsValue;
        let Some(window) = web_sys::window() else {
            return false;
        };
        let has = |obj: &JsValue, name: &str| {
            js_sys::Reflect::get(obj, &JsValue::from_str(name)).is_ok_and(|v| !v.is_undefined())
        };
        let peer_connection = has(&window, "RTCPeerConnection");
        let media = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("mediaDevices"))
            .ok()
            .filter(|m| !m.is_undefined() && !m.is_null())
            .is_some_and(|m| has(&m, "getUserMedia"));
        peer_connection && media
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    //! Never runs on the server: the button only reacts in the browser.
    pub fn supports_video_calls() -> bool {
        false
    }
}
