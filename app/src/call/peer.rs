//! The WebRTC call in the browser: one `RTCPeerConnection` per call, "perfect negotiation"
//! (the doctor is impolite and offers, the patient is polite and gives way on glare), a
//! negotiated data channel for chat and microphone/camera state, ICE restart on failure,
//! `getStats` for the quality shown, and the verification code from both DTLS fingerprints.
//! Browser only (`hydrate`).

use super::media;
use super::negotiation::{
    ignores_description, may_offer, may_restart, on_peer_joined, on_state_change, setup_watchdog,
    ConnectionState, OnPeerJoined, OnStateChange, Watchdog,
};
use super::stats::{link_stats, quality, read_report, StatsEntry, Totals};
use super::types::{clean_chat, verification_code, verification_input, PeerMessage};
use super::ui::{CallLink, CallUi, ChatLine};
use crate::signalling::client::SignalClient;
use crate::signalling::types::{
    ClientMessage, ErrorCode, IceServer, SdpType, ServerMessage, Signal,
};
use js_sys::{Function, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcDataChannel, RtcDataChannelInit, RtcDataChannelState,
    RtcPeerConnection, RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcSdpType,
    RtcSessionDescriptionInit, RtcSignalingState, RtcTrackEvent,
};

/// How long a "disconnected" may last before the connection is restarted.
const DISCONNECTED_GRACE_MS: u32 = 5000;
/// How often the quality is measured.
const STATS_EVERY_MS: u32 = 2000;
/// A refused join is tried again after this long.
const BUSY_RETRY_MS: u32 = 3000;
/// A new connection that is not up after this long is built again from scratch (by the
/// offering side), at most [`super::negotiation::MAX_RESTARTS`] times: it covers set-up messages lost on the way.
const SETUP_WATCHDOG_MS: u32 = 12_000;

struct Inner {
    ui: CallUi,
    socket: SignalClient,
    stream: MediaStream,
    instance: String,
    polite: bool,
    servers: Vec<IceServer>,
    /// Relayed paths only (`ice.force_relay`, tests).
    relay_only: bool,
    pc: Option<RtcPeerConnection>,
    channel: Option<RtcDataChannel>,
    peer: Option<String>,
    making_offer: bool,
    ignore_offer: bool,
    restarts: u32,
    /// Connections built again because their set-up stalled.
    rebuilds: u32,
    /// Bumped with each new peer connection; late callbacks of an old one do nothing.
    generation: u32,
    queue: VecDeque<Signal>,
    working: bool,
    /// The incoming counters of the last quality measurement.
    previous: Totals,
    /// The other side's media, shown once the video element exists.
    remote: RwSignal<Option<MediaStream>, LocalStorage>,
    on_failed: Rc<dyn Fn()>,
    closed: bool,
    callbacks: Vec<Box<dyn std::any::Any>>,
}

/// One call of this page.
#[derive(Clone)]
pub struct Call(Rc<RefCell<Inner>>);

fn random_instance() -> String {
    let mut bytes = [0u8; 12];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn time_of_day() -> String {
    let date = js_sys::Date::new_0();
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// The decisions' view of the connection's state.
fn state_of(pc: &RtcPeerConnection) -> ConnectionState {
    match pc.connection_state() {
        RtcPeerConnectionState::New => ConnectionState::New,
        RtcPeerConnectionState::Connecting => ConnectionState::Connecting,
        RtcPeerConnectionState::Connected => ConnectionState::Connected,
        RtcPeerConnectionState::Disconnected => ConnectionState::Disconnected,
        RtcPeerConnectionState::Failed => ConnectionState::Failed,
        _ => ConnectionState::Closed,
    }
}

/// One entry of a `getStats` report, as the quality computation reads it.
fn stats_entry(entry: &JsValue) -> StatsEntry {
    let text = |key: &str| get(entry, key).as_string();
    let number = |key: &str| get(entry, key).as_f64();
    StatsEntry {
        kind: text("type").unwrap_or_default(),
        id: text("id"),
        selected_candidate_pair_id: text("selectedCandidatePairId"),
        selected: get(entry, "selected").as_bool(),
        current_round_trip_time: number("currentRoundTripTime"),
        round_trip_time: number("roundTripTime"),
        local_candidate_id: text("localCandidateId"),
        candidate_type: text("candidateType"),
        bytes_received: number("bytesReceived"),
        packets_lost: number("packetsLost"),
        packets_received: number("packetsReceived"),
    }
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls a method that web-sys does not bind (argument-less `setLocalDescription`,
/// `restartIce`); its promise, if it returns one.
fn call_method(target: &JsValue, name: &str) -> Option<js_sys::Promise> {
    let method: Function = get(target, name).dyn_into().ok()?;
    method.call0(target).ok()?.dyn_into().ok()
}

impl Call {
    /// A call with the page's camera and microphone in `stream`; `on_failed` runs when no
    /// connection could be restored.
    pub fn new(
        ui: CallUi,
        socket: SignalClient,
        stream: MediaStream,
        on_failed: impl Fn() + 'static,
    ) -> Self {
        let call = Self(Rc::new(RefCell::new(Inner {
            ui,
            socket,
            stream,
            instance: random_instance(),
            polite: false,
            servers: Vec::new(),
            relay_only: false,
            pc: None,
            channel: None,
            peer: None,
            making_offer: false,
            ignore_offer: false,
            restarts: 0,
            rebuilds: 0,
            generation: 0,
            queue: VecDeque::new(),
            working: false,
            previous: Totals::default(),
            remote: RwSignal::new_local(None),
            on_failed: Rc::new(on_failed),
            closed: false,
            callbacks: Vec::new(),
        })));
        call.watch_ui();
        call
    }

    /// Takes (or takes again, after the socket reconnected) this page's seat.
    pub fn join(&self) {
        let (socket, instance) = {
            let inner = self.0.borrow();
            (inner.socket.clone(), inner.instance.clone())
        };
        socket.send(ClientMessage::JoinCall { instance });
    }

    /// Handles a message of the call; `false` for messages that are not the call's.
    pub fn handle(&self, message: &ServerMessage) -> bool {
        match message {
            ServerMessage::CallReady {
                polite,
                ice_servers,
                relay_only,
            } => {
                let mut inner = self.0.borrow_mut();
                inner.polite = *polite;
                inner.servers = ice_servers.clone();
                inner.relay_only = *relay_only;
                inner.ui.problem.set(None);
                if inner.pc.is_none() {
                    inner.ui.link.set(CallLink::WaitingForPeer);
                }
            }
            ServerMessage::PeerJoined { instance, .. } => self.peer_joined(instance),
            ServerMessage::Error {
                code: ErrorCode::CallBusy,
            } => {
                // Another window holds this side's seat, or this page's own earlier socket is
                // not gone yet (a reload): say so, and try again until the seat is free.
                self.0.borrow().ui.problem.set(Some("signal-error-busy"));
                let call = self.clone();
                spawn_local(async move {
                    crate::wait::sleep_ms(BUSY_RETRY_MS).await;
                    if !call.0.borrow().closed {
                        call.join();
                    }
                });
            }
            ServerMessage::PeerLeft { .. } => {
                let inner = self.0.borrow();
                // Media may well go on (the other page only lost the server); the
                // connection state decides what the page shows.
                if inner.pc.is_none() {
                    inner.ui.link.set(CallLink::WaitingForPeer);
                }
            }
            ServerMessage::Signal { signal, .. } => {
                let (start, generation) = {
                    let mut inner = self.0.borrow_mut();
                    inner.queue.push_back(signal.clone());
                    (
                        !std::mem::replace(&mut inner.working, true),
                        inner.generation,
                    )
                };
                if start {
                    let call = self.clone();
                    spawn_local(async move { call.work_queue(generation).await });
                }
            }
            _ => return false,
        }
        true
    }

    /// Ends the call on this page: the connection closes (camera and microphone stay with
    /// the page, see [`Call::stop_media`]).
    pub fn close(&self) {
        let mut inner = self.0.borrow_mut();
        inner.closed = true;
        inner.generation += 1;
        if let Some(pc) = inner.pc.take() {
            pc.close();
        }
        inner.channel = None;
        inner.callbacks.clear();
    }

    /// Camera and microphone off.
    pub fn stop_media(&self) {
        media::stop(&self.0.borrow().stream);
    }

    /// Starts over with a fresh connection and a new page id, so the other side builds a fresh
    /// one too.
    fn rebuild(&self) {
        {
            let mut inner = self.0.borrow_mut();
            inner.instance = random_instance();
            inner.peer = None;
            inner.generation += 1;
            if let Some(pc) = inner.pc.take() {
                pc.close();
            }
        }
        self.join();
    }

    /// Checks, a while after a connection was built, that it came up; the offering side
    /// builds it again otherwise.
    fn watch_setup(&self, generation: u32) {
        let call = self.clone();
        spawn_local(async move {
            crate::wait::sleep_ms(SETUP_WATCHDOG_MS).await;
            let (stalled, polite, rebuilds, on_failed) = {
                let inner = call.0.borrow();
                let stalled = inner.generation == generation
                    && !inner.closed
                    && inner
                        .pc
                        .as_ref()
                        .is_some_and(|pc| state_of(pc).is_setting_up());
                (
                    stalled,
                    inner.polite,
                    inner.rebuilds,
                    inner.on_failed.clone(),
                )
            };
            match setup_watchdog(stalled, polite, rebuilds) {
                Watchdog::Nothing => {}
                Watchdog::GiveUp => {
                    call.0.borrow().ui.link.set(CallLink::Failed);
                    on_failed();
                }
                Watchdog::Rebuild => {
                    call.0.borrow_mut().rebuilds += 1;
                    call.rebuild();
                }
            }
        });
    }

    fn peer_joined(&self, instance: &str) {
        let decision = {
            let inner = self.0.borrow();
            on_peer_joined(
                inner.peer.as_deref(),
                instance,
                inner.pc.as_ref().map(state_of),
            )
        };
        match decision {
            // Only the signalling socket was gone (for example a server restart): the media
            // never passed the server; restart ICE only if the connection suffered.
            OnPeerJoined::Keep => {}
            OnPeerJoined::RestartIce => self.restart_ice(),
            OnPeerJoined::NewConnection => {
                self.0.borrow_mut().peer = Some(instance.to_owned());
                self.new_connection();
            }
        }
    }

    /// A fresh peer connection with this page's tracks and the chat channel.
    fn new_connection(&self) {
        let (servers, relay_only, stream, generation) = {
            let mut inner = self.0.borrow_mut();
            if let Some(old) = inner.pc.take() {
                old.close();
            }
            inner.generation += 1;
            inner.making_offer = false;
            inner.ignore_offer = false;
            // A promise of the closed connection may never settle: its worker is left behind.
            inner.working = false;
            inner.queue.clear();
            inner.callbacks.clear();
            inner.previous = Totals::default();
            inner.ui.link.set(CallLink::Connecting);
            inner.ui.code.set(None);
            (
                inner.servers.clone(),
                inner.relay_only,
                inner.stream.clone(),
                inner.generation,
            )
        };
        let Some(pc) = media::rtc_configuration(&servers, relay_only)
            .and_then(|c| RtcPeerConnection::new_with_configuration(&c).ok())
        else {
            self.0.borrow().ui.problem.set(Some("call-problem-browser"));
            return;
        };
        let weak = Rc::downgrade(&self.0);
        let alive = move || {
            weak.upgrade()
                .map(Call)
                .filter(|c| c.0.borrow().generation == generation && !c.0.borrow().closed)
        };
        let mut callbacks: Vec<Box<dyn std::any::Any>> = Vec::new();

        let on_negotiation = Closure::<dyn FnMut()>::new({
            let alive = alive.clone();
            move || {
                if let Some(call) = alive() {
                    spawn_local(async move { call.offer().await });
                }
            }
        });
        pc.set_onnegotiationneeded(Some(on_negotiation.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_negotiation));

        let on_candidate = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new({
            let alive = alive.clone();
            move |event: RtcPeerConnectionIceEvent| {
                let (Some(call), Some(candidate)) = (alive(), event.candidate()) else {
                    return;
                };
                let signal = Signal::Candidate {
                    candidate: candidate.candidate(),
                    sdp_mid: candidate.sdp_mid(),
                    sdp_m_line_index: candidate.sdp_m_line_index(),
                };
                call.send(signal);
            }
        });
        pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_candidate));

        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new({
            let alive = alive.clone();
            move |event: RtcTrackEvent| {
                let Some(call) = alive() else { return };
                let remote = call.0.borrow().remote;
                let stream = event
                    .streams()
                    .get(0)
                    .dyn_into::<MediaStream>()
                    .ok()
                    .or_else(|| {
                        let current = remote.get_untracked()?;
                        current.add_track(&event.track());
                        Some(current)
                    })
                    .or_else(|| {
                        let fresh = MediaStream::new().ok()?;
                        fresh.add_track(&event.track());
                        Some(fresh)
                    });
                if remote.get_untracked() != stream {
                    remote.set(stream);
                }
            }
        });
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_track));

        let on_state = Closure::<dyn FnMut()>::new({
            let alive = alive.clone();
            move || {
                if let Some(call) = alive() {
                    call.state_changed();
                }
            }
        });
        pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_state));

        // The chat channel is negotiated (id 0 on both sides): no glare over who opens it.
        let init = RtcDataChannelInit::new();
        init.set_negotiated(true);
        init.set_id(0);
        let channel = pc.create_data_channel_with_data_channel_dict("chat", &init);
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new({
            let alive = alive.clone();
            move |event: web_sys::MessageEvent| {
                let (Some(call), Some(text)) = (alive(), event.data().as_string()) else {
                    return;
                };
                if let Ok(message) = serde_json::from_str::<PeerMessage>(&text) {
                    call.received(message);
                }
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_message));
        let on_open = Closure::<dyn FnMut()>::new({
            let alive = alive.clone();
            move || {
                if let Some(call) = alive() {
                    call.send_media_state();
                }
            }
        });
        channel.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_open));

        for track in stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                pc.add_track_0(&track, &stream);
            }
        }
        {
            let mut inner = self.0.borrow_mut();
            inner.pc = Some(pc);
            inner.channel = Some(channel);
            inner.callbacks = callbacks;
        }
        self.watch_setup(generation);
    }

    fn send(&self, signal: Signal) {
        let socket = self.0.borrow().socket.clone();
        socket.send(ClientMessage::Signal { signal, to: None });
    }

    /// Whether `generation` is still the current connection.
    fn current(&self, generation: u32) -> bool {
        let inner = self.0.borrow();
        inner.generation == generation && !inner.closed
    }

    /// `negotiationneeded`: make an offer (the browser picks offer or ICE restart).
    async fn offer(&self) {
        let (pc, generation, polite) = {
            let inner = self.0.borrow();
            let Some(pc) = inner.pc.clone() else { return };
            (pc, inner.generation, inner.polite)
        };
        // The polite side leaves the first offer of a connection to the other side (see
        // `may_offer`).
        if !may_offer(polite, pc.remote_description().is_some()) {
            return;
        }
        self.0.borrow_mut().making_offer = true;
        let done = match call_method(&pc, "setLocalDescription") {
            Some(promise) => JsFuture::from(promise).await.is_ok(),
            None => false,
        };
        // An offer of a connection replaced meanwhile must not reach the other side.
        if !self.current(generation) {
            return;
        }
        self.0.borrow_mut().making_offer = false;
        if let (true, Some(local)) = (done, pc.local_description()) {
            if local.type_() == RtcSdpType::Offer {
                self.send(Signal::Description {
                    sdp_type: SdpType::Offer,
                    sdp: local.sdp(),
                });
            }
        }
    }

    /// Applies the other side's messages one after the other, in order, for the connection
    /// of `generation` (a newer connection gets a worker of its own).
    async fn work_queue(&self, generation: u32) {
        loop {
            if !self.current(generation) {
                return;
            }
            let next = self.0.borrow_mut().queue.pop_front();
            let Some(signal) = next else {
                self.0.borrow_mut().working = false;
                return;
            };
            self.apply(signal, generation).await;
        }
    }

    async fn apply(&self, signal: Signal, generation: u32) {
        let (pc, polite, making_offer) = {
            let inner = self.0.borrow();
            let Some(pc) = inner.pc.clone() else { return };
            (pc, inner.polite, inner.making_offer)
        };
        match signal {
            Signal::Description { sdp_type, sdp } => {
                let offer = sdp_type == SdpType::Offer;
                let ignore = ignores_description(
                    polite,
                    offer,
                    making_offer,
                    pc.signaling_state() == RtcSignalingState::Stable,
                );
                self.0.borrow_mut().ignore_offer = ignore;
                if ignore {
                    return;
                }
                let description = RtcSessionDescriptionInit::new(if offer {
                    RtcSdpType::Offer
                } else {
                    RtcSdpType::Answer
                });
                description.set_sdp(&sdp);
                // A polite side with its own offer out rolls it back implicitly.
                if JsFuture::from(pc.set_remote_description(&description))
                    .await
                    .is_err()
                {
                    return;
                }
                if offer && self.current(generation) {
                    if let Some(promise) = call_method(&pc, "setLocalDescription") {
                        if JsFuture::from(promise).await.is_ok() && self.current(generation) {
                            if let Some(local) = pc.local_description() {
                                self.send(Signal::Description {
                                    sdp_type: SdpType::Answer,
                                    sdp: local.sdp(),
                                });
                            }
                        }
                    }
                }
            }
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            } => {
                let init = web_sys::RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                // Candidates of an ignored offer fail; that is expected.
                let _ = JsFuture::from(
                    pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init)),
                )
                .await;
            }
        }
    }

    fn state_changed(&self) {
        let Some(pc) = self.0.borrow().pc.clone() else {
            return;
        };
        let ui = self.0.borrow().ui;
        match on_state_change(
            state_of(&pc),
            ui.link.get_untracked() == CallLink::Reconnecting,
        ) {
            OnStateChange::Connected => {
                {
                    let mut inner = self.0.borrow_mut();
                    inner.restarts = 0;
                    inner.rebuilds = 0;
                }
                ui.link.set(CallLink::Connected);
                ui.problem.set(None);
                if ui.elapsed.get_untracked().is_none() {
                    ui.elapsed.set(Some(0));
                }
                let call = self.clone();
                spawn_local(async move { call.show_code().await });
            }
            OnStateChange::WaitThenRestart => {
                ui.link.set(CallLink::Reconnecting);
                // Often only a moment; restart if it lasts.
                let call = self.clone();
                let generation = self.0.borrow().generation;
                spawn_local(async move {
                    crate::wait::sleep_ms(DISCONNECTED_GRACE_MS).await;
                    let still = call.0.borrow().generation == generation
                        && call.0.borrow().pc.as_ref().is_some_and(|pc| {
                            pc.connection_state() == RtcPeerConnectionState::Disconnected
                        });
                    if still {
                        call.restart_ice();
                    }
                });
            }
            OnStateChange::RestartIce => self.restart_ice(),
            OnStateChange::ShowConnecting => ui.link.set(CallLink::Connecting),
            OnStateChange::Nothing => {}
        }
    }

    /// Looks for a new path (ICE restart); after [`super::negotiation::MAX_RESTARTS`] the call
    /// gives up.
    fn restart_ice(&self) {
        let (pc, restarts, ui, on_failed) = {
            let mut inner = self.0.borrow_mut();
            inner.restarts += 1;
            (
                inner.pc.clone(),
                inner.restarts,
                inner.ui,
                inner.on_failed.clone(),
            )
        };
        if !may_restart(restarts) {
            ui.link.set(CallLink::Failed);
            on_failed();
            return;
        }
        ui.link.set(CallLink::Reconnecting);
        if let Some(pc) = pc {
            // Fires negotiationneeded with an ICE restart offer.
            let _ = call_method(&pc, "restartIce");
        }
    }

    async fn show_code(&self) {
        let Some(pc) = self.0.borrow().pc.clone() else {
            return;
        };
        let (Some(local), Some(remote)) = (pc.local_description(), pc.remote_description()) else {
            return;
        };
        let Some(input) = verification_input(&local.sdp(), &remote.sdp()) else {
            return;
        };
        if let Some(digest) = sha256(input.as_bytes()).await {
            self.0
                .borrow()
                .ui
                .code
                .set(Some(verification_code(&digest)));
        }
    }

    fn received(&self, message: PeerMessage) {
        let ui = self.0.borrow().ui;
        match message {
            PeerMessage::Chat { text } => {
                if let Some(text) = clean_chat(&text) {
                    ui.chat.update(|lines| {
                        lines.push(ChatLine {
                            mine: false,
                            time: time_of_day(),
                            text,
                        })
                    });
                }
            }
            PeerMessage::Media { microphone, camera } => {
                ui.remote_microphone.set(microphone);
                ui.remote_camera.set(camera);
            }
        }
    }

    fn to_peer(&self, message: &PeerMessage) -> bool {
        let inner = self.0.borrow();
        let Some(channel) = inner.channel.as_ref() else {
            return false;
        };
        channel.ready_state() == RtcDataChannelState::Open
            && serde_json::to_string(message)
                .ok()
                .is_some_and(|text| channel.send_with_str(&text).is_ok())
    }

    fn send_media_state(&self) {
        let ui = self.0.borrow().ui;
        self.to_peer(&PeerMessage::Media {
            microphone: ui.microphone.get_untracked(),
            camera: ui.camera.get_untracked(),
        });
    }

    /// Acts on the user's wishes: microphone, camera, devices, chat; and measures quality.
    fn watch_ui(&self) {
        let (ui, local, remote) = {
            let inner = self.0.borrow();
            (inner.ui, inner.stream.clone(), inner.remote)
        };
        let call = StoredValue::new_local(self.clone());
        // The videos get their streams once the elements are on the page.
        let local = StoredValue::new_local(local);
        Effect::new(move |_| {
            if let Some(video) = ui.local.get() {
                media::show(&video, Some(&local.get_value()));
            }
        });
        Effect::new(move |_| {
            if let Some(video) = ui.remote.get() {
                media::play(&video, remote.get().as_ref());
            }
        });
        Effect::new(move |_| {
            let (microphone, camera) = (ui.microphone.get(), ui.camera.get());
            call.with_value(|call| {
                let stream = call.0.borrow().stream.clone();
                if let Some(track) = media::first_track(&stream, "audio") {
                    track.set_enabled(microphone);
                }
                if let Some(track) = media::first_track(&stream, "video") {
                    track.set_enabled(camera);
                }
                call.send_media_state();
            });
        });
        Effect::new(move |_| {
            let Some(text) = ui.outgoing.get() else {
                return;
            };
            ui.outgoing.set(None);
            let Some(text) = clean_chat(&text) else {
                return;
            };
            let sent = call.with_value(|c| c.to_peer(&PeerMessage::Chat { text: text.clone() }));
            if sent {
                ui.chat.update(|lines| {
                    lines.push(ChatLine {
                        mine: true,
                        time: time_of_day(),
                        text,
                    })
                });
                ui.problem.set(None);
            } else {
                ui.problem.set(Some("call-chat-not-sent"));
            }
        });
        Effect::new(move |first: Option<()>| {
            let _ = ui.devices.run.get();
            if first.is_some() {
                let call = call.get_value();
                spawn_local(async move { call.switch_devices().await });
            }
        });
        Effect::new(move |_| {
            let speaker = ui.devices.speaker.get();
            if let (false, Some(video)) = (speaker.is_empty(), ui.remote.get()) {
                spawn_local(async move { media::set_speaker(&video, &speaker).await });
            }
        });
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let call = call.get_value();
                spawn_local(async move { call.measure().await });
            },
            std::time::Duration::from_millis(u64::from(STATS_EVERY_MS)),
        ) {
            on_cleanup(move || handle.clear());
        }
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if ui.link.get_untracked() == CallLink::Connected
                    || ui.elapsed.get_untracked().is_some()
                {
                    ui.elapsed.update(|e| *e = e.map(|s| s + 1));
                }
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
        let devices = ui.devices.devices;
        spawn_local(async move {
            devices.set(media::list_devices().await);
        });
    }

    /// The chosen camera and microphone replace the ones in use, without renegotiation.
    async fn switch_devices(&self) {
        let (ui, stream, pc) = {
            let inner = self.0.borrow();
            (inner.ui, inner.stream.clone(), inner.pc.clone())
        };
        let camera = ui.devices.camera.get_untracked();
        let microphone = ui.devices.microphone.get_untracked();
        let Ok(fresh) = media::open_camera_and_microphone(Some(&camera), Some(&microphone)).await
        else {
            ui.problem.set(Some("call-problem-device"));
            return;
        };
        let senders: Vec<web_sys::RtcRtpSender> = pc
            .map(|pc| {
                pc.get_senders()
                    .iter()
                    .filter_map(|s| s.dyn_into().ok())
                    .collect()
            })
            .unwrap_or_default();
        for kind in ["audio", "video"] {
            let (Some(new), old) = (
                media::first_track(&fresh, kind),
                media::first_track(&stream, kind),
            ) else {
                continue;
            };
            new.set_enabled(if kind == "audio" {
                ui.microphone.get_untracked()
            } else {
                ui.camera.get_untracked()
            });
            for sender in &senders {
                if sender.track().is_some_and(|t| t.kind() == kind) {
                    let _ = JsFuture::from(sender.replace_track(Some(&new))).await;
                }
            }
            if let Some(old) = old {
                old.stop();
                stream.remove_track(&old);
            }
            stream.add_track(&new);
        }
        if let Some(video) = ui.local.get_untracked() {
            media::show(&video, Some(&stream));
        }
    }

    /// Reads `getStats` and updates the quality shown.
    async fn measure(&self) {
        let (pc, ui) = {
            let inner = self.0.borrow();
            (inner.pc.clone(), inner.ui)
        };
        let Some(pc) = pc else { return };
        if pc.connection_state() != RtcPeerConnectionState::Connected {
            return;
        }
        let Ok(report) = JsFuture::from(pc.get_stats()).await else {
            return;
        };
        let report: js_sys::Map = report.unchecked_into();
        let mut entries: Vec<StatsEntry> = Vec::new();
        report.for_each(&mut |value, _| entries.push(stats_entry(&value)));
        let reading = read_report(&entries, now_ms());
        let previous = std::mem::replace(&mut self.0.borrow_mut().previous, reading.totals);
        let Some(stats) = link_stats(previous, &reading) else {
            return;
        };
        ui.quality
            .set(Some((quality(stats), stats, reading.relayed)));
    }
}

/// SHA-256 in the browser (Web Crypto).
async fn sha256(bytes: &[u8]) -> Option<Vec<u8>> {
    let subtle = web_sys::window()?.crypto().ok()?.subtle();
    let data = js_sys::Uint8Array::from(bytes);
    let promise = subtle
        .digest_with_str_and_buffer_source("SHA-256", &data)
        .ok()?;
    let buffer = JsFuture::from(promise).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}
