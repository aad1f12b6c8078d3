//! The state of the call screen as signals: what [`super::screen`] shows and what the browser
//! half ([`super::peer`], [`super::media`]) fills in and acts on. Shared by both.

use super::stats::{LinkStats, Quality};
use leptos::prelude::*;

/// Where the connection to the other side stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallLink {
    /// Joining the call on the server.
    Joining,
    /// The other side has not opened the call yet.
    WaitingForPeer,
    /// Both are there; the browsers look for a path to each other.
    Connecting,
    Connected,
    /// The connection dropped; trying to restore it.
    Reconnecting,
    /// No path found after several attempts.
    Failed,
}

impl CallLink {
    /// The Fluent key of its text (the text names the other side).
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Joining => "call-link-joining",
            Self::WaitingForPeer => "call-link-waiting",
            Self::Connecting => "call-link-connecting",
            Self::Connected => "call-link-connected",
            Self::Reconnecting => "call-link-reconnecting",
            Self::Failed => "call-link-failed",
        }
    }
}

/// One chat line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    pub mine: bool,
    /// "14:32".
    pub time: String,
    pub text: String,
}

/// Devices found on this computer or phone: (device id, label).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Devices {
    pub cameras: Vec<(String, String)>,
    pub microphones: Vec<(String, String)>,
    pub speakers: Vec<(String, String)>,
}

/// The chosen devices; a change of camera or microphone bumps `run`.
#[derive(Clone, Copy)]
pub struct DeviceSignals {
    pub devices: RwSignal<Devices>,
    pub camera: RwSignal<String>,
    pub microphone: RwSignal<String>,
    pub speaker: RwSignal<String>,
    pub run: RwSignal<u32>,
}

impl DeviceSignals {
    pub fn new() -> Self {
        Self {
            devices: RwSignal::new(Devices::default()),
            camera: RwSignal::new(String::new()),
            microphone: RwSignal::new(String::new()),
            speaker: RwSignal::new(String::new()),
            run: RwSignal::new(0),
        }
    }
}

impl Default for DeviceSignals {
    fn default() -> Self {
        Self::new()
    }
}

/// Everything the call screen shows and every wish of the user.
#[derive(Clone, Copy)]
pub struct CallUi {
    pub link: RwSignal<CallLink>,
    pub quality: RwSignal<Option<(Quality, LinkStats, bool)>>,
    pub code: RwSignal<Option<String>>,
    pub microphone: RwSignal<bool>,
    pub camera: RwSignal<bool>,
    pub remote_microphone: RwSignal<bool>,
    pub remote_camera: RwSignal<bool>,
    pub chat: RwSignal<Vec<ChatLine>>,
    /// A chat line the user sent, for the browser half to pass on.
    pub outgoing: RwSignal<Option<String>>,
    /// Seconds since the connection first stood.
    pub elapsed: RwSignal<Option<u64>>,
    /// The user confirmed "Sprechstunde beenden".
    pub hangup: RwSignal<bool>,
    /// A problem to show (Fluent key).
    pub problem: RwSignal<Option<&'static str>>,
    pub devices: DeviceSignals,
    pub remote: NodeRef<leptos::html::Video>,
    pub local: NodeRef<leptos::html::Video>,
    pub stage: NodeRef<leptos::html::Div>,
}

impl CallUi {
    pub fn new(devices: DeviceSignals) -> Self {
        Self {
            link: RwSignal::new(CallLink::Joining),
            quality: RwSignal::new(None),
            code: RwSignal::new(None),
            microphone: RwSignal::new(true),
            camera: RwSignal::new(true),
            remote_microphone: RwSignal::new(true),
            remote_camera: RwSignal::new(true),
            chat: RwSignal::new(Vec::new()),
            outgoing: RwSignal::new(None),
            elapsed: RwSignal::new(None),
            hangup: RwSignal::new(false),
            problem: RwSignal::new(None),
            devices,
            remote: NodeRef::new(),
            local: NodeRef::new(),
            stage: NodeRef::new(),
        }
    }
}
