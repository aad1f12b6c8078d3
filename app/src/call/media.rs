//! Camera, microphone, speaker and network in the browser: what the tech test checks and the
//! waiting room and call reuse. Browser only (`hydrate`).

use super::ui::Devices;
use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AnalyserNode, AudioContext, HtmlMediaElement, MediaDeviceInfo, MediaDeviceKind, MediaStream,
    MediaStreamConstraints, MediaStreamTrack, RequestInit, RtcConfiguration, RtcIceGatheringState,
    RtcIceServer, RtcPeerConnection, RtcSdpType, RtcSessionDescriptionInit,
};

/// Why camera or microphone could not be opened; each has its own advice for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaProblem {
    /// The browser has no camera API (very old, or an in-app browser).
    Unsupported,
    /// The patient or the browser settings said no.
    Denied,
    /// No camera or no microphone is connected.
    NotFound,
    /// Another program holds the camera.
    InUse,
    /// Anything else.
    Other,
}

impl MediaProblem {
    /// The Fluent key of the advice.
    pub fn advice_key(self) -> &'static str {
        match self {
            Self::Unsupported => "tech-advice-browser",
            Self::Denied => "tech-advice-denied",
            Self::NotFound => "tech-advice-not-found",
            Self::InUse => "tech-advice-in-use",
            Self::Other => "tech-advice-other",
        }
    }

    /// The same advice on a call page, which has no "Erneut prüfen": reload the page instead.
    pub fn call_advice_key(self) -> &'static str {
        match self {
            Self::Unsupported => "call-advice-browser",
            Self::Denied => "call-advice-denied",
            Self::InUse => "call-advice-in-use",
            Self::NotFound | Self::Other => self.advice_key(),
        }
    }
}

fn has(target: &JsValue, name: &str) -> bool {
    Reflect::get(target, &JsValue::from_str(name))
        .map(|v| !v.is_undefined() && !v.is_null())
        .unwrap_or(false)
}

/// Whether this browser can hold a video consultation: WebRTC, camera access, WebSocket.
pub fn browser_supported() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let media = Reflect::get(&navigator, &JsValue::from_str("mediaDevices")).unwrap_or_default();
    has(&window, "RTCPeerConnection")
        && has(&window, "WebSocket")
        && !media.is_undefined()
        && has(&media, "getUserMedia")
        && has(&media, "enumerateDevices")
}

fn media_devices() -> Option<web_sys::MediaDevices> {
    web_sys::window()?.navigator().media_devices().ok()
}

fn constraint(device: Option<&str>) -> JsValue {
    match device {
        Some(id) if !id.is_empty() => {
            let c = js_sys::Object::new();
            let exact = js_sys::Object::new();
            let _ = Reflect::set(&exact, &"exact".into(), &id.into());
            let _ = Reflect::set(&c, &"deviceId".into(), &exact);
            c.into()
        }
        _ => JsValue::TRUE,
    }
}

/// Opens camera and microphone (the chosen devices, or the browser's default, front camera
/// first on phones).
pub async fn open_camera_and_microphone(
    camera: Option<&str>,
    microphone: Option<&str>,
) -> Result<MediaStream, MediaProblem> {
    let devices = media_devices().ok_or(MediaProblem::Unsupported)?;
    let constraints = MediaStreamConstraints::new();
    let video = constraint(camera);
    if camera.is_none_or(str::is_empty) {
        let c = js_sys::Object::new();
        let _ = Reflect::set(&c, &"facingMode".into(), &"user".into());
        constraints.set_video(&c);
    } else {
        constraints.set_video(&video);
    }
    constraints.set_audio(&constraint(microphone));
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| MediaProblem::Unsupported)?;
    match JsFuture::from(promise).await {
        Ok(stream) => stream.dyn_into().map_err(|_| MediaProblem::Other),
        Err(e) => {
            let name = Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_default();
            Err(match name.as_str() {
                "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => {
                    MediaProblem::Denied
                }
                "NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError" => {
                    MediaProblem::NotFound
                }
                "NotReadableError" | "TrackStartError" | "AbortError" => MediaProblem::InUse,
                _ => MediaProblem::Other,
            })
        }
    }
}

/// The stream's first track of a kind ("video" or "audio").
pub fn first_track(stream: &MediaStream, kind: &str) -> Option<MediaStreamTrack> {
    let tracks = if kind == "video" {
        stream.get_video_tracks()
    } else {
        stream.get_audio_tracks()
    };
    tracks.get(0).dyn_into::<MediaStreamTrack>().ok()
}

/// The device id a track runs on.
pub fn device_of(track: &MediaStreamTrack) -> String {
    track.get_settings().get_device_id().unwrap_or_default()
}

/// Stops every track (the camera light goes off).
pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// Lists the devices, each in the browser's order (labels are only known after permission
/// was given; speakers only where the page may choose them).
pub async fn list_devices() -> Devices {
    let mut found = Devices::default();
    let Some(devices) = media_devices() else {
        return found;
    };
    let Ok(promise) = devices.enumerate_devices() else {
        return found;
    };
    let Ok(list) = JsFuture::from(promise).await else {
        return found;
    };
    for item in Array::from(&list).iter() {
        let Ok(info) = item.dyn_into::<MediaDeviceInfo>() else {
            continue;
        };
        let device = (info.device_id(), info.label());
        match info.kind() {
            MediaDeviceKind::Videoinput => found.cameras.push(device),
            MediaDeviceKind::Audioinput => found.microphones.push(device),
            MediaDeviceKind::Audiooutput if speaker_choice_supported() => {
                found.speakers.push(device)
            }
            _ => {}
        }
    }
    found
}

/// Whether the browser lets a page choose the speaker (`setSinkId`).
pub fn speaker_choice_supported() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w, &"HTMLMediaElement".into()).ok())
        .and_then(|c| Reflect::get(&c, &"prototype".into()).ok())
        .is_some_and(|p| has(&p, "setSinkId"))
}

/// Sends a media element's sound to the chosen speaker, where the browser allows it.
pub async fn set_speaker(element: &HtmlMediaElement, speaker: &str) {
    let Ok(function) = Reflect::get(element, &"setSinkId".into()) else {
        return;
    };
    let Ok(function) = function.dyn_into::<js_sys::Function>() else {
        return;
    };
    if let Ok(promise) = function.call1(element, &speaker.into()) {
        if let Ok(promise) = promise.dyn_into::<Promise>() {
            let _ = JsFuture::from(promise).await;
        }
    }
}

/// Shows `stream` in a `<video>` element (muted: one's own voice is not played back).
pub fn show(element: &HtmlMediaElement, stream: Option<&MediaStream>) {
    element.set_muted(true);
    play(element, stream);
}

/// Plays `stream` with sound (the other side of the call).
pub fn play(element: &HtmlMediaElement, stream: Option<&MediaStream>) {
    element.set_src_object(stream);
    if stream.is_some() {
        let _ = element.play();
    }
}

/// Measures the microphone's loudness.
pub struct LevelMeter {
    context: AudioContext,
    analyser: AnalyserNode,
    samples: Vec<u8>,
    /// Resumes the context on the person's next click or key: Firefox keeps an audio context
    /// suspended until a user gesture, and a `resume()` from a timer does not count.
    on_gesture: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

/// Samples the level looks at: 16,384 are 341 ms at 48 kHz (372 ms at 44.1 kHz), longer than
/// the page's 100 ms between two readings even when a busy phone delays its timer, so a short
/// sound (a click, a "ja") always falls into a reading. With 512 (11 ms) the readings saw a
/// 20 ms beep every 500 ms only by chance and the meter could stay at zero for seconds.
const METER_WINDOW: u32 = 16_384;

/// The events that count as a user gesture for starting audio.
const GESTURES: [&str; 3] = ["pointerdown", "keydown", "touchend"];

impl LevelMeter {
    pub fn new(stream: &MediaStream) -> Option<Self> {
        let context = AudioContext::new().ok()?;
        let source = context.create_media_stream_source(stream).ok()?;
        let analyser = context.create_analyser().ok()?;
        analyser.set_fft_size(METER_WINDOW);
        source.connect_with_audio_node(&analyser).ok()?;
        let _ = context.resume();
        let on_gesture = {
            let context = context.clone();
            wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                if context.state() == web_sys::AudioContextState::Suspended {
                    let _ = context.resume();
                }
            })
        };
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            for event in GESTURES {
                let _ = document
                    .add_event_listener_with_callback(event, on_gesture.as_ref().unchecked_ref());
            }
        }
        Some(Self {
            context,
            analyser,
            samples: vec![0; METER_WINDOW as usize],
            on_gesture,
        })
    }

    /// Loudness now, 0–100 (peak deviation from silence). A context the browser held back
    /// until the first click is started here once the page may play sound.
    pub fn level(&mut self) -> u8 {
        if self.context.state() == web_sys::AudioContextState::Suspended {
            let _ = self.context.resume();
        }
        self.analyser.get_byte_time_domain_data(&mut self.samples);
        let peak = self
            .samples
            .iter()
            .map(|s| (i16::from(*s) - 128).unsigned_abs())
            .max()
            .unwrap_or(0);
        u8::try_from((u32::from(peak) * 100 / 128).min(100)).unwrap_or(100)
    }
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            for event in GESTURES {
                let _ = document.remove_event_listener_with_callback(
                    event,
                    self.on_gesture.as_ref().unchecked_ref(),
                );
            }
        }
        let _ = self.context.close();
    }
}

/// Schedules a short chime on `context`: one tone per frequency, each `length` seconds, the
/// next `spacing` seconds after the previous, into `output` at a soft volume.
pub fn chime(
    context: &AudioContext,
    output: &web_sys::AudioNode,
    frequencies: &[f32],
    spacing: f64,
    length: f64,
) -> Result<(), JsValue> {
    let gain = context.create_gain()?;
    gain.gain().set_value(0.25);
    gain.connect_with_audio_node(output)?;
    let now = context.current_time();
    for (i, frequency) in frequencies.iter().enumerate() {
        let tone = context.create_oscillator()?;
        tone.frequency().set_value(*frequency);
        tone.connect_with_audio_node(&gain)?;
        let start = now + spacing * i as f64;
        tone.start_with_when(start)?;
        tone.stop_with_when(start + length)?;
    }
    Ok(())
}

/// Closes an audio context once its sounds have played.
pub fn close_later(context: AudioContext, after: std::time::Duration) {
    leptos::prelude::set_timeout(
        move || {
            let _ = context.close();
        },
        after,
    );
}

/// Plays a 1.5-second test sound (a soft two-tone chime) through `element`.
pub async fn play_test_sound(element: &HtmlMediaElement) -> bool {
    let Ok(context) = AudioContext::new() else {
        return false;
    };
    let result = (|| -> Result<(), JsValue> {
        let destination = context.create_media_stream_destination()?;
        chime(&context, &destination, &[660.0, 880.0], 0.75, 0.7)?;
        element.set_muted(false);
        element.set_src_object(Some(&destination.stream()));
        Ok(())
    })();
    if result.is_err() {
        return false;
    }
    let _ = JsFuture::from(
        context
            .resume()
            .unwrap_or_else(|_| Promise::resolve(&JsValue::NULL)),
    )
    .await;
    let played = match element.play() {
        Ok(promise) => JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    };
    close_later(context, std::time::Duration::from_secs(3));
    played
}

/// What gathering connection candidates showed about the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IceResult {
    /// Candidates on this device's own addresses.
    pub host: bool,
    /// The STUN service answered: the public address is known.
    pub server_reflexive: bool,
    /// The TURN service gave a relay address.
    pub relay: bool,
}

/// A peer connection configuration with these STUN/TURN servers; `relay_only` sets
/// `iceTransportPolicy: "relay"` (only TURN-relayed paths).
pub fn rtc_configuration(
    servers: &[crate::signalling::types::IceServer],
    relay_only: bool,
) -> Option<RtcConfiguration> {
    let configuration = RtcConfiguration::new();
    let list = Array::new();
    for server in servers {
        let entry = RtcIceServer::new();
        entry.set_urls(&Array::of1(&server.url.as_str().into()));
        if let (Some(user), Some(credential)) = (&server.username, &server.credential) {
            entry.set_username(user);
            entry.set_credential(credential);
        }
        list.push(&entry);
    }
    configuration.set_ice_servers(&list);
    if relay_only {
        // Not bound by web-sys' feature set here; the dictionary member is standard.
        Reflect::set(
            &configuration,
            &"iceTransportPolicy".into(),
            &"relay".into(),
        )
        .ok()?;
    }
    Some(configuration)
}

/// Gathers connection candidates with the given STUN/TURN servers (at most `timeout_ms`).
pub async fn gather_candidates(
    servers: &[crate::signalling::types::IceServer],
    timeout_ms: u32,
) -> Option<IceResult> {
    let configuration = rtc_configuration(servers, false)?;
    let connection = RtcPeerConnection::new_with_configuration(&configuration).ok()?;
    let _channel = connection.create_data_channel("tech-test");
    let offer = JsFuture::from(connection.create_offer()).await.ok()?;
    let sdp = Reflect::get(&offer, &"sdp".into()).ok()?.as_string()?;
    let description = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
    description.set_sdp(&sdp);
    JsFuture::from(connection.set_local_description(&description))
        .await
        .ok()?;
    let mut waited = 0;
    while connection.ice_gathering_state() != RtcIceGatheringState::Complete && waited < timeout_ms
    {
        crate::wait::sleep_ms(100).await;
        waited += 100;
    }
    let sdp = connection
        .local_description()
        .map(|d| d.sdp())
        .unwrap_or_default();
    connection.close();
    let candidates: Vec<&str> = sdp
        .lines()
        .filter(|l| l.starts_with("a=candidate:"))
        .collect();
    let typed = |kind: &str| {
        candidates
            .iter()
            .any(|c| c.contains(&format!(" typ {kind}")))
    };
    Some(IceResult {
        host: typed("host"),
        server_reflexive: typed("srflx"),
        relay: typed("relay"),
    })
}

/// Sends 256 KiB to the server and returns the upstream rate in kbit/s.
pub async fn measure_upstream(path: &str) -> Option<u32> {
    const BYTES: u32 = 256 * 1024;
    let window = web_sys::window()?;
    let performance = window.performance()?;
    let body = Uint8Array::new_with_length(BYTES);
    // Not compressible by anything on the way: a simple pseudo-random fill.
    let mut state: u32 = 0x2545_f491;
    let mut chunk = vec![0u8; BYTES as usize];
    for byte in chunk.iter_mut() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        *byte = state as u8;
    }
    body.copy_from(&chunk);
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&body);
    let started = performance.now();
    let response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let seconds = ((performance.now() - started) / 1000.0).max(0.001);
    Some((f64::from(BYTES) * 8.0 / 1000.0 / seconds).min(f64::from(u32::MAX)) as u32)
}

/// Full screen for the videos, or back.
pub fn toggle_full_screen(stage: leptos::prelude::NodeRef<leptos::html::Div>) {
    use leptos::prelude::GetUntracked;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.fullscreen_element().is_some() {
        document.exit_fullscreen();
    } else if let Some(element) = stage.get_untracked() {
        let _ = element.request_fullscreen();
    }
}
