//! The decisions of the call's connection — perfect negotiation (who offers, who gives way on
//! glare) and recovery (when to restart ICE, rebuild the connection or give up) — as plain
//! functions of what the browser reports. [`super::peer`] asks them and carries out the answer;
//! here they compile natively and are unit-tested.

/// ICE restarts (and rebuilds of a stalled connection) before the call falls back to the
/// waiting room.
pub const MAX_RESTARTS: u32 = 3;

/// The connection's state (`RTCPeerConnectionState`) as far as the decisions need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    New,
    Connecting,
    Connected,
    Disconnected,
    Failed,
    /// Closed, or a state this code does not know.
    Closed,
}

impl ConnectionState {
    /// Not up yet: a connection in this state for too long has stalled in its set-up.
    pub fn is_setting_up(self) -> bool {
        matches!(self, Self::New | Self::Connecting)
    }

    /// The path was lost or never restored.
    pub fn is_broken(self) -> bool {
        matches!(self, Self::Failed | Self::Disconnected)
    }
}

/// Whether this side makes an offer when the browser asks for one (`negotiationneeded`).
///
/// The polite side leaves the first offer of a connection to the other side: its own would only
/// collide, and after the implicit rollback Chromium sometimes gathers no candidates at all (the
/// connection then never comes up). Its tracks join the transceivers of the other side's offer;
/// later offers (ICE restarts) are its own.
pub fn may_offer(polite: bool, has_remote_description: bool) -> bool {
    !polite || has_remote_description
}

/// Whether a description from the other side is ignored: an offer that collides with this
/// side's own (one being made, or the signalling state not stable) is ignored by the impolite
/// side; the polite side accepts it and rolls its own back.
pub fn ignores_description(
    polite: bool,
    is_offer: bool,
    making_offer: bool,
    signalling_stable: bool,
) -> bool {
    let collision = is_offer && (making_offer || !signalling_stable);
    !polite && collision
}

/// What to do when the server says the other side (re)joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnPeerJoined {
    /// The same page only lost its socket (a server restart): the media never passed the
    /// server, keep the connection.
    Keep,
    /// The same page, and the connection suffered meanwhile: look for a new path.
    RestartIce,
    /// Another page (first join or a reload): build a fresh connection.
    NewConnection,
}

/// Decides on `PeerJoined { instance }`, given the other page known so far and the state of
/// this page's connection (`None` without one).
pub fn on_peer_joined(
    known_peer: Option<&str>,
    instance: &str,
    connection: Option<ConnectionState>,
) -> OnPeerJoined {
    match connection {
        Some(state) if known_peer == Some(instance) => {
            if state.is_broken() {
                OnPeerJoined::RestartIce
            } else {
                OnPeerJoined::Keep
            }
        }
        _ => OnPeerJoined::NewConnection,
    }
}

/// What a change of the connection's state asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnStateChange {
    /// Up: reset the attempt counters, start the timer, show the verification code.
    Connected,
    /// Often only a moment: show "reconnecting" and restart ICE if it lasts.
    WaitThenRestart,
    /// Look for a new path now.
    RestartIce,
    /// Show "connecting".
    ShowConnecting,
    Nothing,
}

/// Decides on `connectionstatechange`; `reconnecting` is whether the page already shows that
/// it is restoring the connection (a restart's new/connecting states do not replace that).
pub fn on_state_change(state: ConnectionState, reconnecting: bool) -> OnStateChange {
    match state {
        ConnectionState::Connected => OnStateChange::Connected,
        ConnectionState::Disconnected => OnStateChange::WaitThenRestart,
        ConnectionState::Failed => OnStateChange::RestartIce,
        ConnectionState::Connecting | ConnectionState::New if !reconnecting => {
            OnStateChange::ShowConnecting
        }
        _ => OnStateChange::Nothing,
    }
}

/// Whether ICE restart number `restarts` (counted from 1 since the last connected state) may
/// run, or the call gives up.
pub fn may_restart(restarts: u32) -> bool {
    restarts <= MAX_RESTARTS
}

/// What the set-up watchdog does with a connection a while after it was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watchdog {
    /// It came up, was replaced, or this side is the polite one (the offering side rebuilds).
    Nothing,
    /// Build it again from scratch with a new page id.
    Rebuild,
    /// It stalled too often: fall back to the waiting room.
    GiveUp,
}

/// Decides for the offering side whether a connection that is `stalled` (still the current
/// one and still setting up) is built again; `rebuilds` counts the rebuilds so far.
pub fn setup_watchdog(stalled: bool, polite: bool, rebuilds: u32) -> Watchdog {
    if !stalled || polite {
        Watchdog::Nothing
    } else if rebuilds >= MAX_RESTARTS {
        Watchdog::GiveUp
    } else {
        Watchdog::Rebuild
    }
}

/// The most video bitrate sent to each other participant, in bit/s: a typical 10 Mbit/s home
/// uplink (often less on a phone) is shared by one stream per peer in a mesh, so each gets
/// less the more there are; audio (about 40 kbit/s per peer) is never capped and is sent
/// with high priority, so a weak uplink loses picture quality before anyone's voice suffers.
pub fn video_bitrate_per_peer(peers: usize) -> u32 {
    match peers {
        0 | 1 => 1_500_000,
        2 => 1_000_000,
        3 => 700_000,
        4 => 550_000,
        _ => 450_000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConnectionState::*;

    const ALL: [ConnectionState; 6] = [New, Connecting, Connected, Disconnected, Failed, Closed];

    #[test]
    fn the_impolite_side_always_offers_the_polite_side_only_once_it_has_an_answer_to_give() {
        assert!(may_offer(false, false), "doctor: the first offer");
        assert!(may_offer(false, true));
        assert!(
            !may_offer(true, false),
            "patient: leaves the first offer to the doctor"
        );
        assert!(may_offer(true, true), "patient: ICE restarts are its own");
    }

    #[test]
    fn on_glare_the_impolite_side_ignores_the_offer_and_the_polite_side_gives_way() {
        // (polite, offer, making_offer, stable) → ignored
        let table = [
            ((false, true, true, true), true),
            ((false, true, false, false), true),
            ((false, true, false, true), false),
            ((true, true, true, true), false),
            ((true, true, false, false), false),
            // Answers are never ignored.
            ((false, false, true, false), false),
            ((true, false, true, false), false),
        ];
        for ((polite, offer, making, stable), ignored) in table {
            assert_eq!(
                ignores_description(polite, offer, making, stable),
                ignored,
                "polite={polite} offer={offer} making_offer={making} stable={stable}"
            );
        }
    }

    #[test]
    fn a_rejoin_of_the_same_page_keeps_the_connection_unless_it_suffered() {
        for state in ALL {
            let expected = if matches!(state, Failed | Disconnected) {
                OnPeerJoined::RestartIce
            } else {
                OnPeerJoined::Keep
            };
            assert_eq!(on_peer_joined(Some("a1"), "a1", Some(state)), expected);
        }
    }

    #[test]
    fn another_page_or_no_connection_means_a_new_connection() {
        assert_eq!(
            on_peer_joined(None, "a1", None),
            OnPeerJoined::NewConnection
        );
        assert_eq!(
            on_peer_joined(Some("a1"), "b2", Some(Connected)),
            OnPeerJoined::NewConnection,
            "a reload"
        );
        assert_eq!(
            on_peer_joined(Some("a1"), "a1", None),
            OnPeerJoined::NewConnection,
            "the same page, but this side has no connection"
        );
    }

    #[test]
    fn state_changes_map_to_their_reaction() {
        assert_eq!(on_state_change(Connected, true), OnStateChange::Connected);
        assert_eq!(
            on_state_change(Disconnected, false),
            OnStateChange::WaitThenRestart
        );
        assert_eq!(on_state_change(Failed, true), OnStateChange::RestartIce);
        assert_eq!(on_state_change(New, false), OnStateChange::ShowConnecting);
        assert_eq!(
            on_state_change(Connecting, false),
            OnStateChange::ShowConnecting
        );
        assert_eq!(
            on_state_change(Connecting, true),
            OnStateChange::Nothing,
            "an ICE restart keeps showing 'reconnecting'"
        );
        assert_eq!(on_state_change(Closed, false), OnStateChange::Nothing);
    }

    #[test]
    fn three_restarts_then_the_call_gives_up() {
        assert!(may_restart(1));
        assert!(may_restart(MAX_RESTARTS));
        assert!(!may_restart(MAX_RESTARTS + 1));
    }

    #[test]
    fn only_the_offering_side_rebuilds_a_stalled_connection_and_at_most_three_times() {
        assert_eq!(setup_watchdog(false, false, 0), Watchdog::Nothing);
        assert_eq!(setup_watchdog(true, true, 0), Watchdog::Nothing);
        assert_eq!(setup_watchdog(true, false, 0), Watchdog::Rebuild);
        assert_eq!(
            setup_watchdog(true, false, MAX_RESTARTS - 1),
            Watchdog::Rebuild
        );
        assert_eq!(setup_watchdog(true, false, MAX_RESTARTS), Watchdog::GiveUp);
    }

    #[test]
    fn each_peer_gets_less_video_the_more_there_are_and_the_sum_stays_within_three_mbit() {
        let mut previous = u32::MAX;
        for peers in 1..=5 {
            let each = video_bitrate_per_peer(peers);
            assert!(each < previous, "{peers} peers");
            let total = each as usize * peers;
            assert!(total <= 3_000_000, "{peers} peers: {total} bit/s upstream");
            previous = each;
        }
        assert_eq!(video_bitrate_per_peer(1), 1_500_000);
    }

    #[test]
    fn setting_up_and_broken_states() {
        let setting_up: Vec<_> = ALL.into_iter().filter(|s| s.is_setting_up()).collect();
        assert_eq!(setting_up, [New, Connecting]);
        let broken: Vec<_> = ALL.into_iter().filter(|s| s.is_broken()).collect();
        assert_eq!(broken, [Disconnected, Failed]);
    }
}
