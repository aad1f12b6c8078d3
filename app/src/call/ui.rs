//! The state of the call screen as signals: what [`super::screen`] shows and what the browser
//! half ([`super::peer`], [`super::media`]) fills in and acts on. Shared by both.

use super::stats::{LinkStats, Quality};
use crate::appointment::guest_role::GuestRole;
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
    /// This page has no camera and microphone (refused, held, missing): it takes no part.
    NoMedia,
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
            Self::NoMedia => "call-link-no-media",
        }
    }
}

/// One chat line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    pub mine: bool,
    /// Who wrote it (the name under their picture); empty for one's own.
    pub from: String,
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

/// Another participant's picture on the call screen, with what the page knows of them.
#[derive(Clone, Copy)]
pub struct PeerTile {
    /// `doctor`, `patient` or a further person's id.
    pub id: StoredValue<String>,
    /// The name under the picture.
    pub name: StoredValue<String>,
    /// On the doctor's page: the name typed at entry when it is not the booked one.
    pub typed: StoredValue<Option<String>>,
    pub role: Option<GuestRole>,
    pub link: RwSignal<CallLink>,
    pub quality: RwSignal<Option<(Quality, LinkStats, bool)>>,
    pub microphone: RwSignal<bool>,
    pub camera: RwSignal<bool>,
    /// Heard speaking at the last measurement.
    pub speaking: RwSignal<bool>,
    pub video: NodeRef<leptos::html::Video>,
}

impl PeerTile {
    pub fn new(id: &str, name: &str, typed: Option<String>, role: Option<GuestRole>) -> Self {
        Self {
            id: StoredValue::new(id.to_owned()),
            name: StoredValue::new(name.to_owned()),
            typed: StoredValue::new(typed),
            role,
            link: RwSignal::new(CallLink::Connecting),
            quality: RwSignal::new(None),
            microphone: RwSignal::new(true),
            camera: RwSignal::new(true),
            speaking: RwSignal::new(false),
            video: NodeRef::new(),
        }
    }
}

/// The state of the whole call from the state of each connection: nobody there yet, every
/// connection up, or the one that is furthest from it.
pub fn overall_link(links: &[CallLink], joined: bool) -> CallLink {
    if !joined {
        return CallLink::Joining;
    }
    let rank = |link: &CallLink| match link {
        CallLink::Failed | CallLink::NoMedia => 0,
        CallLink::Reconnecting => 1,
        CallLink::Connecting | CallLink::Joining => 2,
        CallLink::WaitingForPeer => 3,
        CallLink::Connected => 4,
    };
    links
        .iter()
        .copied()
        .min_by_key(rank)
        .unwrap_or(CallLink::WaitingForPeer)
}

/// Everything the call screen shows and every wish of the user.
#[derive(Clone, Copy)]
pub struct CallUi {
    pub link: RwSignal<CallLink>,
    pub quality: RwSignal<Option<(Quality, LinkStats, bool)>>,
    pub code: RwSignal<Option<String>>,
    pub microphone: RwSignal<bool>,
    pub camera: RwSignal<bool>,
    /// The others in the call, in the order they joined.
    pub tiles: RwSignal<Vec<PeerTile>>,
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
            tiles: RwSignal::new(Vec::new()),
            chat: RwSignal::new(Vec::new()),
            outgoing: RwSignal::new(None),
            elapsed: RwSignal::new(None),
            hangup: RwSignal::new(false),
            problem: RwSignal::new(None),
            devices,
            local: NodeRef::new(),
            stage: NodeRef::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{overall_link, CallLink::*};

    #[test]
    fn the_call_shows_connected_only_when_every_connection_is_up() {
        assert_eq!(overall_link(&[], false), Joining);
        assert_eq!(overall_link(&[], true), WaitingForPeer);
        assert_eq!(overall_link(&[Connected], true), Connected);
        assert_eq!(overall_link(&[Connected, Connecting], true), Connecting);
        assert_eq!(
            overall_link(&[Connected, Reconnecting, Connecting], true),
            Reconnecting
        );
        assert_eq!(overall_link(&[Failed, Connected], true), Failed);
    }
}
