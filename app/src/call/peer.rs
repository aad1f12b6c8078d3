//! The WebRTC call in the browser: one `RTCPeerConnection` to each other participant (a full
//! mesh: two pages have one, a group of four has three per page), each with "perfect
//! negotiation" (of every pair the server names the polite side, the later seat), a negotiated
//! data channel for chat and microphone/camera state, ICE restart on failure and `getStats` for
//! the quality shown per participant. The page's connections share one certificate, so the
//! verification code can be computed over every participant's DTLS fingerprint. Browser only
//! (`hydrate`).

use super::media;
use super::negotiation::{
    ignores_description, may_offer, may_restart, on_peer_joined, on_state_change, setup_watchdog,
    video_bitrate_per_peer, ConnectionState, OnPeerJoined, OnStateChange, Watchdog,
};
use super::stats::{link_stats, quality, read_report, StatsEntry, Totals, SPEAKING_LEVEL};
use super::types::{
    clean_chat, group_verification_input, verification_code, verification_input, PeerMessage,
};
use super::ui::{overall_link, CallLink, CallUi, ChatLine, PeerTile};
use crate::signalling::client::SignalClient;
use crate::signalling::types::{
    CallPeer, ClientMessage, ErrorCode, IceServer, SdpType, ServerMessage, Signal,
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

/// The connection to one other participant.
struct Link {
    /// `doctor`, `patient` or a further person's id.
    id: String,
    tile: PeerTile,
    /// That participant's page (a reload is a new page).
    instance: Option<String>,
    polite: bool,
    /// The server said their page left; a connection that is not up is then let go.
    left: bool,
    pc: Option<RtcPeerConnection>,
    channel: Option<RtcDataChannel>,
    stream: Option<MediaStream>,
    making_offer: bool,
    ignore_offer: bool,
    restarts: u32,
    /// Connections built again because their set-up stalled.
    rebuilds: u32,
    /// Unique per connection of this page; late callbacks of an old one do nothing.
    generation: u32,
    queue: VecDeque<Signal>,
    working: bool,
    /// The incoming counters of the last quality measurement.
    previous: Totals,
    callbacks: Vec<Box<dyn std::any::Any>>,
}

struct Inner {
    ui: CallUi,
    socket: SignalClient,
    stream: MediaStream,
    instance: String,
    servers: Vec<IceServer>,
    /// Relayed paths only (`ice.force_relay`, tests).
    relay_only: bool,
    /// This page's certificate, shared by all its connections (see [`group_verification_input`]).
    certificate: Option<JsValue>,
    /// The certificate is being made (a second join meanwhile waits for it).
    making_certificate: bool,
    /// The server gave this page its seat.
    seated: bool,
    links: Vec<Link>,
    next_generation: u32,
    /// Runs with the participant's id when no connection to them could be restored.
    on_failed: Rc<dyn Fn(&str)>,
    closed: bool,
}

impl Inner {
    fn link(&self, id: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.id == id)
    }

    fn link_mut(&mut self, id: &str) -> Option<&mut Link> {
        self.links.iter_mut().find(|l| l.id == id)
    }

    /// The link of `id` whose current connection is `generation`.
    fn current(&self, id: &str, generation: u32) -> Option<&Link> {
        self.link(id)
            .filter(|l| l.generation == generation && !self.closed)
    }
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
        media_kind: text("kind"),
        audio_level: number("audioLevel"),
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

/// One certificate for all of this page's connections (`RTCPeerConnection.generateCertificate`,
/// ECDSA P-256 as the browsers' default); `None` where the browser cannot.
async fn page_certificate() -> Option<JsValue> {
    let class = get(&web_sys::window()?.into(), "RTCPeerConnection");
    let generate: Function = get(&class, "generateCertificate").dyn_into().ok()?;
    let algorithm = js_sys::Object::new();
    Reflect::set(&algorithm, &"name".into(), &"ECDSA".into()).ok()?;
    Reflect::set(&algorithm, &"namedCurve".into(), &"P-256".into()).ok()?;
    let promise: js_sys::Promise = generate.call1(&class, &algorithm).ok()?.dyn_into().ok()?;
    JsFuture::from(promise).await.ok()
}

/// What a page holds of a running call. The call's code (this module, the negotiation, the
/// quality measurement) is a chunk of the browser bundle of its own, loaded by [`start`] when
/// a call begins (or [`preload`] earlier): the pages reach it only through this interface, so
/// none of it is in the code every page loads first (issue 24).
pub trait CallControl {
    /// See [`Call::join`].
    fn join(&self);
    /// See [`Call::handle`].
    fn handle(&self, message: &ServerMessage) -> bool;
    /// See [`Call::close`].
    fn close(&self);
    /// See [`Call::stop_media`].
    fn stop_media(&self);
}

impl CallControl for Call {
    fn join(&self) {
        Call::join(self);
    }
    fn handle(&self, message: &ServerMessage) -> bool {
        Call::handle(self, message)
    }
    fn close(&self) {
        Call::close(self);
    }
    fn stop_media(&self) {
        Call::stop_media(self);
    }
}

/// A running call, as the pages hold it.
pub type RunningCall = Rc<dyn CallControl>;

/// The call's code could not be loaded (no connection when it was needed).
pub use crate::layout::NotLoaded;

/// See [`start`].
#[leptos::wasm_split::wasm_split(
    call,
    wasm_split_path = ::leptos::wasm_split,
    preload(preload_code),
    fallible
)]
fn start_call(
    ui: CallUi,
    socket: SignalClient,
    stream: MediaStream,
    on_failed: Box<dyn Fn(&str)>,
    owner: Owner,
) -> Result<RunningCall, NotLoaded> {
    Ok(owner.with(move || -> RunningCall { Rc::new(Call::new(ui, socket, stream, on_failed)) }))
}

/// Starts a call (see [`Call::new`]) once its code is loaded; `Err` when it could not be
/// (a later call tries again). The call's effects, timers and stored values belong to `owner`
/// (a reactive owner of its own, made for this call): cleaning it up when the call ends ends
/// them — the call starts inside a task, where no owner of the page is current.
pub async fn start(
    ui: CallUi,
    socket: SignalClient,
    stream: MediaStream,
    on_failed: impl Fn(&str) + 'static,
    owner: Owner,
) -> Result<RunningCall, NotLoaded> {
    start_call(ui, socket, stream, Box::new(on_failed), owner).await
}

/// Loads the call's code ahead of the call (the patient in the waiting room), so that the
/// admission does not wait for it.
pub async fn preload() -> Result<(), NotLoaded> {
    preload_code().await.map_err(NotLoaded::from)
}

impl Call {
    /// A call with the page's camera and microphone in `stream`; `on_failed` runs with a
    /// participant's id when no connection to them could be restored.
    pub fn new(
        ui: CallUi,
        socket: SignalClient,
        stream: MediaStream,
        on_failed: impl Fn(&str) + 'static,
    ) -> Self {
        let call = Self(Rc::new(RefCell::new(Inner {
            ui,
            socket,
            stream,
            instance: random_instance(),
            servers: Vec::new(),
            relay_only: false,
            certificate: None,
            making_certificate: false,
            seated: false,
            links: Vec::new(),
            next_generation: 0,
            on_failed: Rc::new(on_failed),
            closed: false,
        })));
        call.watch_ui();
        call
    }

    /// Takes (or takes again, after the socket reconnected) this page's seat. The first time,
    /// the page's certificate is made first.
    pub fn join(&self) {
        // With the page's certificate made, the join goes out now: a socket that opens again
        // sends it before what was queued while it was away (a hang-up after the join).
        if self.0.borrow().certificate.is_some() {
            self.send_join();
            return;
        }
        let call = self.clone();
        spawn_local(async move {
            // One certificate per page: a join while it is being made is the same join.
            if std::mem::replace(&mut call.0.borrow_mut().making_certificate, true) {
                return;
            }
            let certificate = page_certificate().await;
            {
                let mut inner = call.0.borrow_mut();
                inner.certificate = Some(certificate.unwrap_or(JsValue::NULL));
                inner.making_certificate = false;
            }
            call.send_join();
        });
    }

    fn send_join(&self) {
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
                ice_servers,
                relay_only,
                ..
            } => {
                let mut inner = self.0.borrow_mut();
                inner.servers = ice_servers.clone();
                inner.relay_only = *relay_only;
                inner.seated = true;
                inner.ui.problem.set(None);
                drop(inner);
                self.show_overall();
            }
            ServerMessage::PeerJoined { instance, peer } => self.peer_joined(instance, peer),
            ServerMessage::Error {
                code: code @ (ErrorCode::CallBusy | ErrorCode::CallFull),
            } => {
                // Another window holds this page's seat, this page's own earlier socket is not
                // gone yet (a reload), or every seat is taken: say so, and try again.
                self.0.borrow().ui.problem.set(Some(code.message_key()));
                let call = self.clone();
                spawn_local(async move {
                    crate::wait::sleep_ms(BUSY_RETRY_MS).await;
                    if !call.0.borrow().closed {
                        call.join();
                    }
                });
            }
            ServerMessage::PeerLeft { peer, gone } => {
                // Gone for good (left, removed): the connection closes now, whatever that page
                // does. Otherwise only its socket is gone and media may well go on: the link
                // (and that page's id, for its return) stays until its channel closes or its
                // connection breaks for good.
                let closed = {
                    let mut inner = self.0.borrow_mut();
                    let Some(link) = inner.link_mut(peer) else {
                        return true;
                    };
                    link.left = true;
                    link.channel
                        .as_ref()
                        .is_some_and(|c| c.ready_state() == RtcDataChannelState::Closed)
                };
                if *gone || closed {
                    self.remove_link(peer);
                }
            }
            ServerMessage::Signal { signal, from } => {
                let start = {
                    let mut inner = self.0.borrow_mut();
                    let Some(link) = inner.link_mut(from) else {
                        return true;
                    };
                    link.queue.push_back(signal.clone());
                    (!std::mem::replace(&mut link.working, true)).then_some(link.generation)
                };
                if let Some(generation) = start {
                    let (call, id) = (self.clone(), from.clone());
                    spawn_local(async move { call.work_queue(&id, generation).await });
                }
            }
            _ => return false,
        }
        true
    }

    /// Ends the call on this page: every connection closes (camera and microphone stay with
    /// the page, see [`Call::stop_media`]).
    pub fn close(&self) {
        let links = {
            let mut inner = self.0.borrow_mut();
            inner.closed = true;
            std::mem::take(&mut inner.links)
        };
        for link in links {
            if let Some(pc) = &link.pc {
                shut(pc, link.channel.as_ref());
            }
        }
        self.0.borrow().ui.tiles.set(Vec::new());
    }

    /// Camera and microphone off.
    pub fn stop_media(&self) {
        media::stop(&self.0.borrow().stream);
    }

    /// The whole call's state, quality and code from the connections'.
    fn show_overall(&self) {
        let inner = self.0.borrow();
        let ui = inner.ui;
        let links: Vec<CallLink> = inner
            .links
            .iter()
            .map(|l| l.tile.link.get_untracked())
            .collect();
        let overall = overall_link(&links, inner.seated);
        if ui.link.get_untracked() != overall {
            ui.link.set(overall);
        }
        if overall == CallLink::Connected {
            if ui.elapsed.get_untracked().is_none() {
                ui.elapsed.set(Some(0));
            }
            ui.problem.set(None);
        }
        // The weakest connection is the call's quality.
        let worst = inner
            .links
            .iter()
            .filter_map(|l| l.tile.quality.get_untracked())
            .min_by_key(|(q, ..)| match q {
                super::stats::Quality::Poor => 0,
                super::stats::Quality::Fair => 1,
                super::stats::Quality::Good => 2,
            });
        if ui.quality.get_untracked() != worst {
            ui.quality.set(worst);
        }
        drop(inner);
        let call = self.clone();
        spawn_local(async move { call.show_code().await });
    }

    /// Lets the connection to `id` go: their picture leaves the screen.
    fn remove_link(&self, id: &str) {
        let removed = {
            let mut inner = self.0.borrow_mut();
            let Some(index) = inner.links.iter().position(|l| l.id == id) else {
                return;
            };
            inner.links.remove(index)
        };
        if let Some(pc) = &removed.pc {
            shut(pc, removed.channel.as_ref());
        }
        let ui = self.0.borrow().ui;
        ui.tiles
            .update(|tiles| tiles.retain(|t| t.id.get_value() != id));
        self.show_overall();
        self.set_bitrates();
    }

    /// The link to `peer`, made (with its picture) if new.
    fn ensure_link(&self, peer: &CallPeer) {
        let mut inner = self.0.borrow_mut();
        if let Some(link) = inner.link_mut(&peer.id) {
            link.polite = peer.polite;
            link.left = false;
            return;
        }
        let tile = PeerTile::new(&peer.id, &peer.name, peer.typed.clone(), peer.role);
        inner.links.push(Link {
            id: peer.id.clone(),
            tile,
            instance: None,
            polite: peer.polite,
            left: false,
            pc: None,
            channel: None,
            stream: None,
            making_offer: false,
            ignore_offer: false,
            restarts: 0,
            rebuilds: 0,
            generation: 0,
            queue: VecDeque::new(),
            working: false,
            previous: Totals::default(),
            callbacks: Vec::new(),
        });
        let ui = inner.ui;
        drop(inner);
        ui.tiles.update(|tiles| tiles.push(tile));
    }

    fn peer_joined(&self, instance: &str, peer: &CallPeer) {
        self.ensure_link(peer);
        let decision = {
            let inner = self.0.borrow();
            let Some(link) = inner.link(&peer.id) else {
                return;
            };
            on_peer_joined(
                link.instance.as_deref(),
                instance,
                link.pc.as_ref().map(state_of),
            )
        };
        match decision {
            // Only the signalling socket was gone (for example a server restart): the media
            // never passed the server; restart ICE only if the connection suffered.
            OnPeerJoined::Keep => {}
            OnPeerJoined::RestartIce => self.restart_ice(&peer.id),
            OnPeerJoined::NewConnection => {
                if let Some(link) = self.0.borrow_mut().link_mut(&peer.id) {
                    link.instance = Some(instance.to_owned());
                }
                self.new_connection(&peer.id);
            }
        }
    }

    /// Starts over with fresh connections and a new page id, so the others build fresh ones
    /// too.
    fn rebuild(&self) {
        {
            let mut inner = self.0.borrow_mut();
            inner.instance = random_instance();
            for link in &mut inner.links {
                link.instance = None;
                link.generation = u32::MAX;
                if let Some(pc) = link.pc.take() {
                    shut(&pc, link.channel.take().as_ref());
                }
            }
        }
        self.join();
    }

    /// Checks, a while after a connection was built, that it came up; the offering side
    /// builds it again otherwise.
    fn watch_setup(&self, id: &str, generation: u32) {
        let (call, id) = (self.clone(), id.to_owned());
        spawn_local(async move {
            crate::wait::sleep_ms(SETUP_WATCHDOG_MS).await;
            let decision = {
                let inner = call.0.borrow();
                let Some(link) = inner.current(&id, generation) else {
                    return;
                };
                let stalled = link
                    .pc
                    .as_ref()
                    .is_some_and(|pc| state_of(pc).is_setting_up());
                setup_watchdog(stalled, link.polite, link.rebuilds)
            };
            match decision {
                Watchdog::Nothing => {}
                Watchdog::GiveUp => call.give_up(&id),
                Watchdog::Rebuild => {
                    if let Some(link) = call.0.borrow_mut().link_mut(&id) {
                        link.rebuilds += 1;
                    }
                    // A fresh connection needs a fresh one on the other page too, which only
                    // a new page id tells it: this page starts over with everybody.
                    call.rebuild();
                }
            }
        });
    }

    /// No connection to `id` could be restored.
    fn give_up(&self, id: &str) {
        let (tile, on_failed) = {
            let inner = self.0.borrow();
            let Some(link) = inner.link(id) else { return };
            (link.tile, inner.on_failed.clone())
        };
        tile.link.set(CallLink::Failed);
        self.show_overall();
        on_failed(id);
    }

    /// A fresh connection to `id` with this page's tracks and the chat channel.
    fn new_connection(&self, id: &str) {
        let (servers, relay_only, certificate, stream, generation, tile) = {
            let mut inner = self.0.borrow_mut();
            inner.next_generation += 1;
            let generation = inner.next_generation;
            let (servers, relay_only) = (inner.servers.clone(), inner.relay_only);
            let (certificate, stream) = (inner.certificate.clone(), inner.stream.clone());
            let Some(link) = inner.link_mut(id) else {
                return;
            };
            if let Some(old) = link.pc.take() {
                shut(&old, link.channel.take().as_ref());
            }
            link.generation = generation;
            link.making_offer = false;
            link.ignore_offer = false;
            // A promise of the closed connection may never settle: its worker is left behind.
            link.working = false;
            link.queue.clear();
            link.callbacks.clear();
            link.previous = Totals::default();
            (
                servers,
                relay_only,
                certificate,
                stream,
                generation,
                link.tile,
            )
        };
        tile.link.set(CallLink::Connecting);
        self.0.borrow().ui.code.set(None);
        self.show_overall();
        let configuration = media::rtc_configuration(&servers, relay_only);
        if let (Some(configuration), Some(certificate)) = (&configuration, &certificate) {
            if !certificate.is_null() {
                let _ = Reflect::set(
                    configuration,
                    &"certificates".into(),
                    &js_sys::Array::of1(certificate),
                );
            }
        }
        let Some(pc) =
            configuration.and_then(|c| RtcPeerConnection::new_with_configuration(&c).ok())
        else {
            self.0.borrow().ui.problem.set(Some("call-problem-browser"));
            return;
        };
        let weak = Rc::downgrade(&self.0);
        let link_id = id.to_owned();
        let alive = move || {
            let call = weak.upgrade().map(Call)?;
            let current = call.0.borrow().current(&link_id, generation).is_some();
            current.then_some(call)
        };
        let mut callbacks: Vec<Box<dyn std::any::Any>> = Vec::new();
        let id = id.to_owned();

        let on_negotiation = Closure::<dyn FnMut()>::new({
            let (alive, id) = (alive.clone(), id.clone());
            move || {
                if let Some(call) = alive() {
                    let id = id.clone();
                    spawn_local(async move { call.offer(&id).await });
                }
            }
        });
        pc.set_onnegotiationneeded(Some(on_negotiation.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_negotiation));

        let on_candidate = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new({
            let (alive, id) = (alive.clone(), id.clone());
            move |event: RtcPeerConnectionIceEvent| {
                let (Some(call), Some(candidate)) = (alive(), event.candidate()) else {
                    return;
                };
                let signal = Signal::Candidate {
                    candidate: candidate.candidate(),
                    sdp_mid: candidate.sdp_mid(),
                    sdp_m_line_index: candidate.sdp_m_line_index(),
                };
                call.send(&id, signal);
            }
        });
        pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_candidate));

        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new({
            let (alive, id) = (alive.clone(), id.clone());
            move |event: RtcTrackEvent| {
                let Some(call) = alive() else { return };
                call.track_arrived(&id, &event);
            }
        });
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_track));

        let on_state = Closure::<dyn FnMut()>::new({
            let (alive, id) = (alive.clone(), id.clone());
            move || {
                if let Some(call) = alive() {
                    call.state_changed(&id);
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
            let (alive, id) = (alive.clone(), id.clone());
            move |event: web_sys::MessageEvent| {
                let (Some(call), Some(text)) = (alive(), event.data().as_string()) else {
                    return;
                };
                if let Some(message) = crate::call::types::read_peer_message(&text) {
                    call.received(&id, message);
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
        // The other page closed its connection (it left the call): its channel closes at
        // once, long before the connection's state gives up on it.
        let on_close = Closure::<dyn FnMut()>::new({
            let (alive, id) = (alive.clone(), id.clone());
            move || {
                if let Some(call) = alive() {
                    let left = call.0.borrow().link(&id).is_some_and(|l| l.left);
                    if left {
                        call.remove_link(&id);
                    }
                }
            }
        });
        channel.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        callbacks.push(Box::new(on_close));

        for track in stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                pc.add_track_0(&track, &stream);
            }
        }
        {
            let mut inner = self.0.borrow_mut();
            if let Some(link) = inner.link_mut(&id) {
                link.pc = Some(pc);
                link.channel = Some(channel);
                link.callbacks = callbacks;
            }
        }
        self.watch_setup(&id, generation);
    }

    /// The other side's media arrived: it plays in their picture once that is on the page.
    fn track_arrived(&self, id: &str, event: &RtcTrackEvent) {
        let (stream, video) = {
            let mut inner = self.0.borrow_mut();
            let Some(link) = inner.link_mut(id) else {
                return;
            };
            let stream = event
                .streams()
                .get(0)
                .dyn_into::<MediaStream>()
                .ok()
                .or_else(|| {
                    let current = link.stream.clone()?;
                    current.add_track(&event.track());
                    Some(current)
                })
                .or_else(|| {
                    let fresh = MediaStream::new().ok()?;
                    fresh.add_track(&event.track());
                    Some(fresh)
                });
            link.stream = stream.clone();
            (stream, link.tile.video.get_untracked())
        };
        if let (Some(video), Some(stream)) = (video, stream) {
            attach(&video, &stream);
        }
    }

    fn send(&self, to: &str, signal: Signal) {
        let socket = self.0.borrow().socket.clone();
        socket.send(ClientMessage::Signal {
            signal,
            to: Some(to.to_owned()),
        });
    }

    /// `negotiationneeded`: make an offer (the browser picks offer or ICE restart).
    async fn offer(&self, id: &str) {
        let (pc, generation, polite) = {
            let inner = self.0.borrow();
            let Some(link) = inner.link(id) else { return };
            let Some(pc) = link.pc.clone() else { return };
            (pc, link.generation, link.polite)
        };
        // The polite side leaves the first offer of a connection to the other side (see
        // `may_offer`).
        if !may_offer(polite, pc.remote_description().is_some()) {
            return;
        }
        if let Some(link) = self.0.borrow_mut().link_mut(id) {
            link.making_offer = true;
        }
        let done = match call_method(&pc, "setLocalDescription") {
            Some(promise) => JsFuture::from(promise).await.is_ok(),
            None => false,
        };
        // An offer of a connection replaced meanwhile must not reach the other side.
        if self.0.borrow().current(id, generation).is_none() {
            return;
        }
        if let Some(link) = self.0.borrow_mut().link_mut(id) {
            link.making_offer = false;
        }
        if let (true, Some(local)) = (done, pc.local_description()) {
            if local.type_() == RtcSdpType::Offer {
                self.send(
                    id,
                    Signal::Description {
                        sdp_type: SdpType::Offer,
                        sdp: local.sdp(),
                    },
                );
            }
        }
    }

    /// Applies one participant's messages one after the other, in order, for the connection
    /// of `generation` (a newer connection gets a worker of its own).
    async fn work_queue(&self, id: &str, generation: u32) {
        loop {
            let next = {
                let mut inner = self.0.borrow_mut();
                if inner.current(id, generation).is_none() {
                    return;
                }
                let Some(link) = inner.link_mut(id) else {
                    return;
                };
                let next = link.queue.pop_front();
                if next.is_none() {
                    link.working = false;
                }
                next
            };
            let Some(signal) = next else { return };
            self.apply(id, signal, generation).await;
        }
    }

    async fn apply(&self, id: &str, signal: Signal, generation: u32) {
        let (pc, polite, making_offer) = {
            let inner = self.0.borrow();
            let Some(link) = inner.current(id, generation) else {
                return;
            };
            let Some(pc) = link.pc.clone() else { return };
            (pc, link.polite, link.making_offer)
        };
        let current = |call: &Self| call.0.borrow().current(id, generation).is_some();
        match signal {
            Signal::Description { sdp_type, sdp } => {
                let offer = sdp_type == SdpType::Offer;
                let ignore = ignores_description(
                    polite,
                    offer,
                    making_offer,
                    pc.signaling_state() == RtcSignalingState::Stable,
                );
                if let Some(link) = self.0.borrow_mut().link_mut(id) {
                    link.ignore_offer = ignore;
                }
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
                if offer && current(self) {
                    if let Some(promise) = call_method(&pc, "setLocalDescription") {
                        if JsFuture::from(promise).await.is_ok() && current(self) {
                            if let Some(local) = pc.local_description() {
                                self.send(
                                    id,
                                    Signal::Description {
                                        sdp_type: SdpType::Answer,
                                        sdp: local.sdp(),
                                    },
                                );
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

    fn state_changed(&self, id: &str) {
        let (pc, tile, generation, left) = {
            let inner = self.0.borrow();
            let Some(link) = inner.link(id) else { return };
            let Some(pc) = link.pc.clone() else { return };
            (pc, link.tile, link.generation, link.left)
        };
        let state = state_of(&pc);
        // A page that left the call and whose connection broke is gone for good.
        if left && state.is_broken() {
            self.remove_link(id);
            return;
        }
        match on_state_change(state, tile.link.get_untracked() == CallLink::Reconnecting) {
            OnStateChange::Connected => {
                if let Some(link) = self.0.borrow_mut().link_mut(id) {
                    link.restarts = 0;
                    link.rebuilds = 0;
                }
                tile.link.set(CallLink::Connected);
                self.set_bitrates();
            }
            OnStateChange::WaitThenRestart => {
                tile.link.set(CallLink::Reconnecting);
                // Often only a moment; restart if it lasts.
                let (call, id) = (self.clone(), id.to_owned());
                spawn_local(async move {
                    crate::wait::sleep_ms(DISCONNECTED_GRACE_MS).await;
                    let still = call
                        .0
                        .borrow()
                        .current(&id, generation)
                        .and_then(|l| l.pc.as_ref())
                        .is_some_and(|pc| {
                            pc.connection_state() == RtcPeerConnectionState::Disconnected
                        });
                    if still {
                        call.restart_ice(&id);
                    }
                });
            }
            OnStateChange::RestartIce => self.restart_ice(id),
            OnStateChange::ShowConnecting => tile.link.set(CallLink::Connecting),
            OnStateChange::Nothing => {}
        }
        self.show_overall();
    }

    /// Looks for a new path to `id` (ICE restart); after
    /// [`super::negotiation::MAX_RESTARTS`] the connection gives up.
    fn restart_ice(&self, id: &str) {
        let (pc, restarts, tile) = {
            let mut inner = self.0.borrow_mut();
            let Some(link) = inner.link_mut(id) else {
                return;
            };
            link.restarts += 1;
            (link.pc.clone(), link.restarts, link.tile)
        };
        if !may_restart(restarts) {
            self.give_up(id);
            return;
        }
        tile.link.set(CallLink::Reconnecting);
        self.show_overall();
        if let Some(pc) = pc {
            // Fires negotiationneeded with an ICE restart offer.
            let _ = call_method(&pc, "restartIce");
        }
    }

    /// The verification code once every connection stands: for two pages over both
    /// fingerprints (as before groups existed), for a group over everybody's.
    async fn show_code(&self) {
        let (ui, descriptions) = {
            let inner = self.0.borrow();
            let descriptions: Option<Vec<(String, String)>> = inner
                .links
                .iter()
                .map(|link| {
                    let pc = link.pc.as_ref()?;
                    if state_of(pc) != ConnectionState::Connected {
                        return None;
                    }
                    Some((
                        pc.local_description()?.sdp(),
                        pc.remote_description()?.sdp(),
                    ))
                })
                .collect();
            (inner.ui, descriptions)
        };
        let input = match descriptions.as_deref() {
            None | Some([]) => None,
            Some([(local, remote)]) => verification_input(local, remote),
            Some(all) => {
                let remotes: Vec<&str> = all.iter().map(|(_, r)| r.as_str()).collect();
                group_verification_input(&all[0].0, &remotes)
            }
        };
        let code = match input {
            Some(input) => sha256(input.as_bytes())
                .await
                .map(|d| verification_code(&d)),
            None => None,
        };
        if ui.code.get_untracked() != code {
            ui.code.set(code);
        }
    }

    fn received(&self, id: &str, message: PeerMessage) {
        let (ui, tile) = {
            let inner = self.0.borrow();
            let Some(link) = inner.link(id) else { return };
            (inner.ui, link.tile)
        };
        match message {
            PeerMessage::Chat { text } => {
                if let Some(text) = clean_chat(&text) {
                    ui.chat.update(|lines| {
                        lines.push(ChatLine {
                            mine: false,
                            from: tile.name.get_value(),
                            time: time_of_day(),
                            text,
                        })
                    });
                }
            }
            PeerMessage::Media { microphone, camera } => {
                tile.microphone.set(microphone);
                tile.camera.set(camera);
            }
        }
    }

    /// Sends `message` to everybody whose channel is open; how many got it.
    fn to_peers(&self, message: &PeerMessage) -> usize {
        let Ok(text) = serde_json::to_string(message) else {
            return 0;
        };
        let inner = self.0.borrow();
        inner
            .links
            .iter()
            .filter_map(|l| l.channel.as_ref())
            .filter(|c| c.ready_state() == RtcDataChannelState::Open)
            .filter(|c| c.send_with_str(&text).is_ok())
            .count()
    }

    fn send_media_state(&self) {
        let ui = self.0.borrow().ui;
        self.to_peers(&PeerMessage::Media {
            microphone: ui.microphone.get_untracked(),
            camera: ui.camera.get_untracked(),
        });
    }

    /// Shares the upstream between the connections: each video sender gets
    /// [`video_bitrate_per_peer`] of the current number of others, audio is sent with high
    /// priority and never capped.
    fn set_bitrates(&self) {
        let senders: Vec<web_sys::RtcRtpSender> = {
            let inner = self.0.borrow();
            inner
                .links
                .iter()
                .filter_map(|l| l.pc.as_ref())
                .flat_map(|pc| pc.get_senders().iter().collect::<Vec<_>>())
                .filter_map(|s| s.dyn_into().ok())
                .collect()
        };
        let peers = self.0.borrow().links.len();
        let video = f64::from(video_bitrate_per_peer(peers));
        for sender in senders {
            let Some(kind) = sender.track().map(|t| t.kind()) else {
                continue;
            };
            let parameters = get(&sender, "getParameters")
                .dyn_into::<Function>()
                .ok()
                .and_then(|f| f.call0(&sender).ok());
            let Some(parameters) = parameters else {
                continue;
            };
            let encodings = get(&parameters, "encodings");
            let Some(first) = js_sys::Array::from(&encodings)
                .get(0)
                .dyn_into::<js_sys::Object>()
                .ok()
            else {
                // Firefox reports no encodings before the first negotiation completes.
                continue;
            };
            let _ = if kind == "video" {
                Reflect::set(&first, &"maxBitrate".into(), &video.into())
            } else {
                Reflect::set(&first, &"priority".into(), &"high".into())
                    .and_then(|_| Reflect::set(&first, &"networkPriority".into(), &"high".into()))
            };
            if let Ok(set) = get(&sender, "setParameters").dyn_into::<Function>() {
                if let Ok(promise) = set.call1(&sender, &parameters) {
                    if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
                        spawn_local(async move {
                            let _ = JsFuture::from(promise).await;
                        });
                    }
                }
            }
        }
    }

    /// Acts on the user's wishes: microphone, camera, devices, chat; and measures quality.
    fn watch_ui(&self) {
        let (ui, local) = {
            let inner = self.0.borrow();
            (inner.ui, inner.stream.clone())
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
            for tile in ui.tiles.get() {
                if let Some(video) = tile.video.get() {
                    let id = tile.id.get_value();
                    let stream =
                        call.with_value(|c| c.0.borrow().link(&id).and_then(|l| l.stream.clone()));
                    if let Some(stream) = stream {
                        attach(&video, &stream);
                    }
                }
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
            let sent = call.with_value(|c| c.to_peers(&PeerMessage::Chat { text: text.clone() }));
            if sent > 0 {
                ui.chat.update(|lines| {
                    lines.push(ChatLine {
                        mine: true,
                        from: String::new(),
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
            if speaker.is_empty() {
                return;
            }
            for tile in ui.tiles.get() {
                if let Some(video) = tile.video.get() {
                    let speaker = speaker.clone();
                    spawn_local(async move { media::set_speaker(&video, &speaker).await });
                }
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

    /// The chosen camera and microphone replace the ones in use on every connection, without
    /// renegotiation.
    async fn switch_devices(&self) {
        let (ui, stream, pcs) = {
            let inner = self.0.borrow();
            let pcs: Vec<RtcPeerConnection> =
                inner.links.iter().filter_map(|l| l.pc.clone()).collect();
            (inner.ui, inner.stream.clone(), pcs)
        };
        let camera = ui.devices.camera.get_untracked();
        let microphone = ui.devices.microphone.get_untracked();
        let Ok(fresh) = media::open_camera_and_microphone(Some(&camera), Some(&microphone)).await
        else {
            ui.problem.set(Some("call-problem-device"));
            return;
        };
        let senders: Vec<web_sys::RtcRtpSender> = pcs
            .iter()
            .flat_map(|pc| pc.get_senders().iter().collect::<Vec<_>>())
            .filter_map(|s| s.dyn_into().ok())
            .collect();
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

    /// Reads `getStats` of every connection and updates each participant's quality and
    /// whether they speak.
    async fn measure(&self) {
        let links: Vec<(String, RtcPeerConnection, PeerTile)> = {
            let inner = self.0.borrow();
            inner
                .links
                .iter()
                .filter_map(|l| Some((l.id.clone(), l.pc.clone()?, l.tile)))
                .collect()
        };
        for (id, pc, tile) in links {
            if pc.connection_state() != RtcPeerConnectionState::Connected {
                continue;
            }
            let Ok(report) = JsFuture::from(pc.get_stats()).await else {
                continue;
            };
            let report: js_sys::Map = report.unchecked_into();
            let mut entries: Vec<StatsEntry> = Vec::new();
            report.for_each(&mut |value, _| entries.push(stats_entry(&value)));
            let reading = read_report(&entries, now_ms());
            let speaking = reading.audio_level.is_some_and(|l| l > SPEAKING_LEVEL);
            if tile.speaking.get_untracked() != speaking {
                tile.speaking.set(speaking);
            }
            let previous = {
                let mut inner = self.0.borrow_mut();
                let Some(link) = inner.link_mut(&id) else {
                    continue;
                };
                std::mem::replace(&mut link.previous, reading.totals)
            };
            if let Some(stats) = link_stats(previous, &reading) {
                tile.quality
                    .set(Some((quality(stats), stats, reading.relayed)));
            }
        }
        self.show_overall();
    }
}

/// Closes a connection after taking its event handlers off: its closures are dropped with
/// it, and a late event (the channel's `close`) must not call them.
fn shut(pc: &RtcPeerConnection, channel: Option<&RtcDataChannel>) {
    pc.set_onnegotiationneeded(None);
    pc.set_onicecandidate(None);
    pc.set_ontrack(None);
    pc.set_onconnectionstatechange(None);
    if let Some(channel) = channel {
        channel.set_onmessage(None);
        channel.set_onopen(None);
        channel.set_onclose(None);
    }
    pc.close();
}

/// Plays `stream` in `video` unless it plays there already.
fn attach(video: &web_sys::HtmlVideoElement, stream: &MediaStream) {
    let playing = video
        .src_object()
        .is_some_and(|current| current.id() == stream.id());
    if !playing {
        media::play(video, Some(stream));
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
