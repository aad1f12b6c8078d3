//! The signalling protocol: what the browsers and the server say to each other over the one
//! WebSocket (`/signal`), for the waiting room and the call alike. One enum per direction, tagged by `type`, inside an envelope with the
//! protocol version. Browser and server use these very types, so they cannot drift.

use serde::{Deserialize, Serialize};

/// The version both sides speak; a message with another version is refused.
pub const PROTOCOL_VERSION: u32 = 1;
/// The largest message (JSON text) either side accepts.
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024;
/// The longest page instance id a browser may send with [`ClientMessage::JoinCall`].
pub const INSTANCE_MAX_CHARS: usize = 64;
/// The longest message a doctor can send into the waiting room.
pub const NOTE_MAX_CHARS: usize = 200;
/// The path of the signalling socket.
pub const SIGNAL_PATH: &str = crate::paths::SIGNAL;
/// WebSocket close code when a pass, a login or an address already has its most sockets open
/// (4000–4999 are the application's own; 429 as in HTTP). The page then retries only at its
/// longest reconnect delay.
pub const TOO_MANY_SOCKETS: u16 = 4429;

/// How long a page waits before its `attempt`-th reconnect (from 1): 1, 2, 4, then 8
/// seconds, each between half and one and a half times that by `spread` (0 to 1, random),
/// so that the pages a server restart or a resynchronisation closed at once (thousands)
/// do not all come back in the same second.
pub fn reconnect_delay_ms(attempt: u32, spread: f64) -> u64 {
    let base = (1000u64 << attempt.saturating_sub(1).min(3)).min(10_000);
    let factor = 0.5
        + if spread.is_nan() {
            0.5
        } else {
            spread.clamp(0.0, 1.0)
        };
    // At most 15,000: exact in an f64, and never negative.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let delay = (base as f64 * factor).round() as u64;
    delay
}

/// Every message travels as `{"v": 1, "type": "…", …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<M> {
    pub v: u32,
    #[serde(flatten)]
    pub message: M,
}

impl<M> Envelope<M> {
    /// `message` in the current protocol version.
    pub fn new(message: M) -> Self {
        Self {
            v: PROTOCOL_VERSION,
            message,
        }
    }
}

/// Browser → server. Which side may send which message is checked by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Doctor: lets the waiting patient in ("Eintreten lassen").
    Admit { appointment: String },
    /// Doctor: a short message shown in this patient's waiting room.
    SendNote { appointment: String, text: String },
    /// Doctor: a short message to everybody waiting for this practice today.
    NoteToAll { text: String },
    /// Doctor: sends an admitted patient back to the waiting room.
    BackToWaiting { appointment: String },
    /// Doctor: removes the patient from the waiting room (for example a stranger).
    Remove { appointment: String },
    /// Doctor: the consultation is over.
    Finish { appointment: String },
    /// Either side, once in the call: take this side's seat. `instance` is a random id of the
    /// page (its peer connection); a reconnect of the same page sends the same id, a reload a
    /// new one.
    JoinCall { instance: String },
    /// Any page in the call: a WebRTC negotiation message for the page of `to` (a
    /// [`CallPeer::id`]); without `to`, for the only other page of a two-person call.
    Signal {
        signal: Signal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// Either side, in the call: "Sprechstunde beenden".
    Hangup,
}

/// A WebRTC negotiation message, passed unchanged from one browser to the other. The server
/// reads none of it; media never passes the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    /// An SDP offer or answer.
    Description { sdp_type: SdpType, sdp: String },
    /// One ICE candidate (`candidate` empty: the end of the candidates).
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
}

/// The two kinds of session description that travel (a rollback stays in the browser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SdpType {
    Offer,
    Answer,
}

/// A STUN or TURN server for the browser's connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    pub url: String,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// Why a call ended, for the doctor's end screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CallEnd {
    /// The consultation is over; start and end as "14:31" (Berlin).
    Finished { started: String, ended: String },
    /// The doctor sent the patient back to the waiting room.
    BackToWaiting,
    /// The patient left or was removed.
    PatientLeft,
}

/// Server → browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Patient: their own place, sent on connect and whenever it changes.
    WaitingRoom(PatientView),
    /// Doctor: today's video appointments of the practice, sent on connect and on every change.
    Roster(Roster),
    /// Doctor (only the socket that asked): the patient is let in, open the call page.
    Admitted { appointment: String },
    /// Either side: the last message was refused.
    Error { code: ErrorCode },
    /// Either side, after [`ClientMessage::JoinCall`]: the seat is yours. `polite` says who
    /// gives way when both offer at once (the patient); `ice_servers` carry this call's
    /// short-lived TURN credential; `relay_only` (a test setting, `ice.force_relay`) makes the
    /// browser use relayed paths only.
    CallReady {
        polite: bool,
        ice_servers: Vec<IceServer>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        relay_only: bool,
    },
    /// Another page joined the call (or joined again after a reload: a new `instance`); sent
    /// also for every page already there when this one joins.
    PeerJoined { instance: String, peer: CallPeer },
    /// That page closed or lost its connection to the server (`gone`: that person left the
    /// call for good — left, removed, uninvited — and the connection to them closes now).
    PeerLeft {
        peer: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        gone: bool,
    },
    /// A negotiation message from the page of `from`.
    Signal { signal: Signal, from: String },
    /// The call is over.
    CallEnded(CallEnd),
}

/// A server message as the browser reads it: first the version and the `type`, then that type's
/// fields, each with a plain struct. serde reads an internally tagged enum (`ServerMessage`,
/// `Signal`, `CallEnd`) by buffering the whole message in its `Content` tree first; that code
/// alone was ≈ 11 KB of the patient's bundle (BENCHMARKS.md, issue 24, sixteenth session), and
/// the browser only ever reads what this server wrote. `None` for an unknown type, a missing
/// field or a field of the wrong type — what `Envelope<ServerMessage>`'s derived reading refuses
/// too (unit test, every variant). A message of another protocol version (which the derived
/// reading would take) is read as [`ErrorCode::UnsupportedVersion`]. A field of another type's
/// with a wrong value (a `sdp_type` on a candidate) is refused here and ignored there; the
/// server never writes one.
pub fn read_server_message(text: &str) -> Option<ServerMessage> {
    use serde::de::DeserializeOwned;
    fn fields<T: DeserializeOwned>(text: &str) -> Option<T> {
        serde_json::from_str(text).ok()
    }
    #[derive(Deserialize)]
    struct Head {
        v: u32,
        #[serde(rename = "type")]
        kind: String,
    }
    #[derive(Deserialize)]
    struct Appointment {
        appointment: String,
    }
    #[derive(Deserialize)]
    struct Error {
        code: ErrorCode,
    }
    #[derive(Deserialize)]
    struct CallReady {
        polite: bool,
        ice_servers: Vec<IceServer>,
        #[serde(default)]
        relay_only: bool,
    }
    #[derive(Deserialize)]
    struct PeerJoined {
        instance: String,
        peer: CallPeer,
    }
    #[derive(Deserialize)]
    struct PeerLeft {
        peer: String,
        #[serde(default)]
        gone: bool,
    }
    #[derive(Deserialize)]
    struct SignalFrom {
        signal: SignalFields,
        from: String,
    }
    #[derive(Deserialize)]
    struct CallEnded {
        reason: String,
        started: Option<String>,
        ended: Option<String>,
    }
    let head: Head = fields(text)?;
    // A server of another version (deployed while the page was open) reads none of this
    // page's messages either: the page asks to be reloaded instead of going deaf.
    if head.v != PROTOCOL_VERSION {
        return Some(ServerMessage::Error {
            code: ErrorCode::UnsupportedVersion,
        });
    }
    Some(match head.kind.as_str() {
        "waiting_room" => ServerMessage::WaitingRoom(fields(text)?),
        // Only the practice's pages get the live list: the patient's bundle leaves out reading it.
        #[cfg(any(not(feature = "hydrate"), feature = "islands-practice"))]
        "roster" => ServerMessage::Roster(fields(text)?),
        "admitted" => ServerMessage::Admitted {
            appointment: fields::<Appointment>(text)?.appointment,
        },
        "error" => ServerMessage::Error {
            code: fields::<Error>(text)?.code,
        },
        "call_ready" => {
            let m: CallReady = fields(text)?;
            ServerMessage::CallReady {
                polite: m.polite,
                ice_servers: m.ice_servers,
                relay_only: m.relay_only,
            }
        }
        "peer_joined" => {
            let m: PeerJoined = fields(text)?;
            ServerMessage::PeerJoined {
                instance: m.instance,
                peer: m.peer,
            }
        }
        "peer_left" => {
            let m: PeerLeft = fields(text)?;
            ServerMessage::PeerLeft {
                peer: m.peer,
                gone: m.gone,
            }
        }
        "signal" => {
            let m: SignalFrom = fields(text)?;
            ServerMessage::Signal {
                signal: m.signal.into_signal()?,
                from: m.from,
            }
        }
        "call_ended" => {
            let m: CallEnded = fields(text)?;
            ServerMessage::CallEnded(match m.reason.as_str() {
                "finished" => CallEnd::Finished {
                    started: m.started?,
                    ended: m.ended?,
                },
                "back_to_waiting" => CallEnd::BackToWaiting,
                "patient_left" => CallEnd::PatientLeft,
                _ => return None,
            })
        }
        _ => return None,
    })
}

/// A [`Signal`]'s fields of either kind, for [`read_server_message`].
#[derive(Deserialize)]
struct SignalFields {
    kind: String,
    sdp_type: Option<SdpType>,
    sdp: Option<String>,
    candidate: Option<String>,
    sdp_mid: Option<String>,
    sdp_m_line_index: Option<u16>,
}

impl SignalFields {
    fn into_signal(self) -> Option<Signal> {
        match self.kind.as_str() {
            "description" => Some(Signal::Description {
                sdp_type: self.sdp_type?,
                sdp: self.sdp?,
            }),
            "candidate" => Some(Signal::Candidate {
                candidate: self.candidate?,
                sdp_mid: self.sdp_mid,
                sdp_m_line_index: self.sdp_m_line_index,
            }),
            _ => None,
        }
    }
}

/// Another participant of the call, as this page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallPeer {
    /// `doctor`, `patient` or a further person's id: what [`ClientMessage::Signal`] names.
    pub id: String,
    /// Whether this page gives way to that one when both offer at once (of every pair, the
    /// later seat: doctor, patient, further persons).
    pub polite: bool,
    /// The name under their picture: the practice's name for the doctor; for the doctor's
    /// page the booked name, for the others the name typed at entry.
    pub name: String,
    /// On the doctor's page: the name typed at entry when it is not the booked one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typed: Option<String>,
    /// A further person's role (Dolmetscher/in, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<crate::appointment::guest_role::GuestRole>,
}

/// What a patient sees of their own appointment; nothing about anybody else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientView {
    pub phase: PatientPhase,
    /// "Montag, 23. November 2026, 14:30 Uhr".
    pub appointment_time: String,
    /// The doctor's latest short message, if any.
    pub note: Option<String>,
}

/// Where the patient stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatientPhase {
    /// In the waiting room; the practice sees them.
    Waiting,
    /// Let in: the call page opens.
    InCall,
    /// The practice removed them from the waiting room.
    Removed,
    /// The consultation is over.
    Finished,
    /// The patient left the waiting room (in another tab of theirs).
    Left,
    /// The pass no longer opens the room: a new invitation replaced the code, or the
    /// appointment was cancelled.
    Closed,
    /// The pass ran out (an hour after the appointment's planned end).
    Expired,
}

/// The doctor's list of today's video appointments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Roster {
    /// How many patients are waiting now.
    pub waiting: u32,
    pub entries: Vec<RosterEntry>,
}

/// One appointment in the doctor's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub appointment: String,
    /// Start time, "14:30".
    pub time: String,
    /// The doctor the appointment is with.
    pub doctor: String,
    /// The patient's name as booked.
    pub booked_name: String,
    /// The name the patient typed at entry.
    pub entered_name: Option<String>,
    /// The typed name is not the booked one: check who it is.
    pub names_differ: bool,
    pub status: RosterStatus,
    /// "14:27": since when the status holds (waiting, in call).
    pub since: Option<String>,
    /// The latest message sent to this patient.
    pub note: Option<String>,
    /// The patient's written consent (Einverständniserklärung).
    #[serde(default)]
    pub consent: crate::consent::types::ConsentStatus,
    /// Further persons invited to it (issue 25), in the order they were invited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guests: Vec<RosterGuest>,
}

/// A further person of an appointment in the doctor's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterGuest {
    /// The guest's id: what the doctor's actions name instead of the appointment.
    pub guest: String,
    pub role: crate::appointment::guest_role::GuestRole,
    /// The name the practice invited.
    pub booked_name: String,
    /// The name typed at entry.
    pub entered_name: Option<String>,
    pub names_differ: bool,
    pub status: RosterStatus,
    pub since: Option<String>,
    pub note: Option<String>,
}

/// The state of one appointment in the doctor's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterStatus {
    NotArrived,
    Waiting,
    InCall,
    Finished,
    /// Was in the waiting room and left (or lost the connection).
    Left,
    /// Removed by the practice: the code does not open the room again until a new invitation.
    Removed,
}

impl RosterStatus {
    /// Fluent key of the status label.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::NotArrived => "roster-not-arrived",
            Self::Waiting => "roster-waiting",
            Self::InCall => "roster-in-call",
            Self::Finished => "roster-finished",
            Self::Left => "roster-left",
            Self::Removed => "roster-removed",
        }
    }
}

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not a message of this protocol.
    Malformed,
    /// Longer than [`MAX_MESSAGE_BYTES`].
    TooLarge,
    /// Another protocol version.
    UnsupportedVersion,
    /// Too many messages; slow down.
    RateLimited,
    /// This side may not send this message, or not for this appointment.
    NotAllowed,
    /// No such appointment today (or not in this practice).
    UnknownAppointment,
    /// The patient is not in the state this action needs (for example not waiting).
    WrongState,
    /// The text is empty or longer than [`NOTE_MAX_CHARS`].
    InvalidNote,
    /// The server could not do it; try again.
    Internal,
    /// This call is already open on both sides (or in another window of this side).
    CallBusy,
    /// Every seat of this call is taken (`appointments.max_participants`).
    CallFull,
    /// Signals and hang-up need a joined call first.
    NotInCall,
}

impl ErrorCode {
    /// The Fluent key of the message the page shows for it.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::RateLimited => "signal-error-rate",
            Self::UnknownAppointment => "signal-error-unknown",
            Self::WrongState => "signal-error-state",
            Self::InvalidNote => "signal-error-note",
            Self::NotAllowed => "signal-error-not-allowed",
            Self::Malformed | Self::TooLarge => "signal-error-reload",
            // A server of another version: deployed while the page was open.
            Self::UnsupportedVersion => "signal-error-version",
            Self::Internal => "signal-error-internal",
            Self::CallBusy => "signal-error-busy",
            Self::CallFull => "signal-error-full",
            Self::NotInCall => "signal-error-not-in-call",
        }
    }
}

/// Refusals travel over the socket, not as HTTP answers; the status is what a plain form or
/// fetch doing the same action answers.
#[cfg(feature = "ssr")]
impl crate::error::UserFacing for ErrorCode {
    fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Self::Malformed | Self::InvalidNote => S::BAD_REQUEST,
            Self::TooLarge => S::PAYLOAD_TOO_LARGE,
            Self::UnsupportedVersion => S::BAD_REQUEST,
            Self::RateLimited => S::TOO_MANY_REQUESTS,
            Self::NotAllowed => S::FORBIDDEN,
            Self::UnknownAppointment => S::NOT_FOUND,
            Self::WrongState | Self::CallBusy | Self::CallFull | Self::NotInCall => S::CONFLICT,
            Self::Internal => S::INTERNAL_SERVER_ERROR,
        }
    }

    fn message_key(&self) -> &str {
        ErrorCode::message_key(*self)
    }
}

/// Reads one text frame: size, JSON, version.
pub fn parse_client_message(text: &str) -> Result<ClientMessage, ErrorCode> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(ErrorCode::TooLarge);
    }
    #[derive(Deserialize)]
    struct Version {
        v: Option<u32>,
    }
    let version: Version = serde_json::from_str(text).map_err(|_| ErrorCode::Malformed)?;
    if version.v != Some(PROTOCOL_VERSION) {
        return Err(ErrorCode::UnsupportedVersion);
    }
    serde_json::from_str::<Envelope<ClientMessage>>(text)
        .map(|e| e.message)
        .map_err(|_| ErrorCode::Malformed)
}
/// Whether a page instance id is acceptable: 1 to [`INSTANCE_MAX_CHARS`] letters, digits or `-`.
pub fn valid_instance(instance: &str) -> bool {
    !instance.is_empty()
        && instance.len() <= INSTANCE_MAX_CHARS
        && instance
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A note as the doctor typed it: trimmed, 1 to [`NOTE_MAX_CHARS`] characters, one line.
pub fn clean_note(text: &str) -> Result<String, ErrorCode> {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let len = one_line.chars().count();
    if len == 0 || len > NOTE_MAX_CHARS || one_line.chars().any(char::is_control) {
        return Err(ErrorCode::InvalidNote);
    }
    Ok(one_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnects_wait_longer_each_time_and_spread_around_the_step() {
        let steps: Vec<u64> = (1..=6).map(|n| reconnect_delay_ms(n, 0.5)).collect();
        assert_eq!(steps, [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
        assert_eq!(reconnect_delay_ms(1, 0.0), 500);
        assert_eq!(reconnect_delay_ms(1, 1.0), 1_500);
        assert_eq!(reconnect_delay_ms(9, 1.0), 12_000);
        // Whatever the random source gives, the wait stays in its band.
        assert_eq!(reconnect_delay_ms(2, -3.0), 1_000);
        assert_eq!(reconnect_delay_ms(2, 7.0), 3_000);
        assert_eq!(reconnect_delay_ms(2, f64::NAN), 2_000);
        assert_eq!(reconnect_delay_ms(0, 0.5), 1_000);
    }
    use serde_json::json;

    fn wire<M: Serialize>(message: M) -> serde_json::Value {
        serde_json::to_value(Envelope::new(message)).unwrap()
    }

    fn both_ways_client(message: ClientMessage, expected: serde_json::Value) {
        assert_eq!(wire(message.clone()), expected);
        assert_eq!(parse_client_message(&expected.to_string()), Ok(message));
    }
    #[test]
    fn every_client_message_has_its_wire_form() {
        let id = "0192f0c4-0000-7000-8000-000000000001";
        both_ways_client(
            ClientMessage::Admit {
                appointment: id.into(),
            },
            json!({"v": 1, "type": "admit", "appointment": id}),
        );
        both_ways_client(
            ClientMessage::SendNote {
                appointment: id.into(),
                text: "Ich komme in 5 Minuten".into(),
            },
            json!({"v": 1, "type": "send_note", "appointment": id, "text": "Ich komme in 5 Minuten"}),
        );
        both_ways_client(
            ClientMessage::NoteToAll {
                text: "Heute 15 Minuten Verspätung".into(),
            },
            json!({"v": 1, "type": "note_to_all", "text": "Heute 15 Minuten Verspätung"}),
        );
        both_ways_client(
            ClientMessage::BackToWaiting {
                appointment: id.into(),
            },
            json!({"v": 1, "type": "back_to_waiting", "appointment": id}),
        );
        both_ways_client(
            ClientMessage::Remove {
                appointment: id.into(),
            },
            json!({"v": 1, "type": "remove", "appointment": id}),
        );
        both_ways_client(
            ClientMessage::Finish {
                appointment: id.into(),
            },
            json!({"v": 1, "type": "finish", "appointment": id}),
        );
    }

    #[test]
    fn every_server_message_has_its_wire_form() {
        let view = PatientView {
            phase: PatientPhase::Waiting,
            appointment_time: "Montag, 23. November 2026, 14:30 Uhr".into(),
            note: Some("Ich komme in 5 Minuten".into()),
        };
        assert_eq!(
            wire(ServerMessage::WaitingRoom(view)),
            json!({"v": 1, "type": "waiting_room", "phase": "waiting",
                   "appointment_time": "Montag, 23. November 2026, 14:30 Uhr",
                   "note": "Ich komme in 5 Minuten"})
        );
        for (phase, name) in [
            (PatientPhase::InCall, "in_call"),
            (PatientPhase::Removed, "removed"),
            (PatientPhase::Finished, "finished"),
            (PatientPhase::Left, "left"),
            (PatientPhase::Closed, "closed"),
            (PatientPhase::Expired, "expired"),
        ] {
            assert_eq!(serde_json::to_value(phase).unwrap(), json!(name));
        }
        let roster = Roster {
            waiting: 1,
            entries: vec![roster_entry()],
        };
        let mut with_guest = roster.clone();
        with_guest.entries[0].guests.push(RosterGuest {
            guest: "g1".into(),
            role: crate::appointment::guest_role::GuestRole::Interpreter,
            booked_name: "Dana Dolmetscherin".into(),
            entered_name: None,
            names_differ: false,
            status: RosterStatus::NotArrived,
            since: None,
            note: None,
        });
        assert_eq!(
            wire(ServerMessage::Roster(with_guest)).pointer("/entries/0/guests"),
            Some(&json!([{
                "guest": "g1", "role": "interpreter", "booked_name": "Dana Dolmetscherin",
                "entered_name": null, "names_differ": false, "status": "not_arrived",
                "since": null, "note": null}]))
        );
        assert_eq!(
            wire(ServerMessage::Roster(roster)),
            json!({"v": 1, "type": "roster", "waiting": 1, "entries": [{
                "appointment": "a1", "time": "14:30", "doctor": "Dr. Anna Beispiel",
                "booked_name": "Erika Mustermann", "entered_name": "Erika Musterfrau",
                "names_differ": true, "status": "waiting", "since": "14:27", "note": null,
                "consent": "to_check"}]})
        );
        for (status, name) in [
            (RosterStatus::NotArrived, "not_arrived"),
            (RosterStatus::InCall, "in_call"),
            (RosterStatus::Finished, "finished"),
            (RosterStatus::Left, "left"),
            (RosterStatus::Removed, "removed"),
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), json!(name));
        }
        assert_eq!(
            wire(ServerMessage::Admitted {
                appointment: "a1".into()
            }),
            json!({"v": 1, "type": "admitted", "appointment": "a1"})
        );
        assert_eq!(
            wire(ServerMessage::Error {
                code: ErrorCode::RateLimited
            }),
            json!({"v": 1, "type": "error", "code": "rate_limited"})
        );
        // Both directions read back what they wrote.
        let text = serde_json::to_string(&Envelope::new(ServerMessage::Error {
            code: ErrorCode::WrongState,
        }))
        .unwrap();
        let back: Envelope<ServerMessage> = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back.message,
            ServerMessage::Error {
                code: ErrorCode::WrongState
            }
        );
    }

    /// An appointment in the doctor's list, with a typed name that differs from the booked one.
    fn roster_entry() -> RosterEntry {
        RosterEntry {
            appointment: "a1".into(),
            time: "14:30".into(),
            doctor: "Dr. Anna Beispiel".into(),
            booked_name: "Erika Mustermann".into(),
            entered_name: Some("Erika Musterfrau".into()),
            names_differ: true,
            status: RosterStatus::Waiting,
            since: Some("14:27".into()),
            note: None,
            consent: crate::consent::types::ConsentStatus::ToCheck,
            guests: Vec::new(),
        }
    }

    /// One message of every kind the server sends, with every optional part once set and once
    /// not; `kind` makes a new kind a compile error here until it has its samples.
    fn every_server_message() -> Vec<ServerMessage> {
        use crate::appointment::guest_role::GuestRole;
        fn kind(message: &ServerMessage) -> &'static str {
            match message {
                ServerMessage::WaitingRoom(_) => "waiting_room",
                ServerMessage::Roster(_) => "roster",
                ServerMessage::Admitted { .. } => "admitted",
                ServerMessage::Error { .. } => "error",
                ServerMessage::CallReady { .. } => "call_ready",
                ServerMessage::PeerJoined { .. } => "peer_joined",
                ServerMessage::PeerLeft { .. } => "peer_left",
                ServerMessage::Signal { .. } => "signal",
                ServerMessage::CallEnded(_) => "call_ended",
            }
        }
        let peer = |typed: Option<&str>, role| CallPeer {
            id: "g-1".into(),
            polite: true,
            name: "Erika \"Eri\" Mustermann".into(),
            typed: typed.map(str::to_owned),
            role,
        };
        let mut entry = roster_entry();
        entry.guests.push(RosterGuest {
            guest: "g-1".into(),
            role: GuestRole::Interpreter,
            booked_name: "Ayşe Yılmaz".into(),
            entered_name: None,
            names_differ: false,
            status: RosterStatus::NotArrived,
            since: None,
            note: Some("Bitte warten".into()),
        });
        let messages = vec![
            ServerMessage::WaitingRoom(PatientView {
                phase: PatientPhase::InCall,
                appointment_time: "Montag, 23. November 2026, 14:30 Uhr".into(),
                note: Some("Ich komme in 5 Minuten".into()),
            }),
            ServerMessage::WaitingRoom(PatientView {
                phase: PatientPhase::Waiting,
                appointment_time: "Montag".into(),
                note: None,
            }),
            ServerMessage::Roster(Roster {
                waiting: 1,
                entries: vec![entry],
            }),
            ServerMessage::Roster(Roster::default()),
            ServerMessage::Admitted {
                appointment: "a1".into(),
            },
            ServerMessage::Error {
                code: ErrorCode::CallFull,
            },
            ServerMessage::CallReady {
                polite: false,
                ice_servers: vec![IceServer {
                    url: "turn:example.org:3478?transport=udp".into(),
                    username: Some("1700000000:a1".into()),
                    credential: Some("c2VjcmV0".into()),
                }],
                relay_only: true,
            },
            ServerMessage::CallReady {
                polite: true,
                ice_servers: vec![],
                relay_only: false,
            },
            ServerMessage::PeerJoined {
                instance: "i-1".into(),
                peer: peer(Some("Ayse"), Some(GuestRole::Relative)),
            },
            ServerMessage::PeerJoined {
                instance: "i-2".into(),
                peer: peer(None, None),
            },
            ServerMessage::PeerLeft {
                peer: "patient".into(),
                gone: true,
            },
            ServerMessage::PeerLeft {
                peer: "doctor".into(),
                gone: false,
            },
            ServerMessage::Signal {
                signal: Signal::Description {
                    sdp_type: SdpType::Answer,
                    sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n".into(),
                },
                from: "doctor".into(),
            },
            ServerMessage::Signal {
                signal: Signal::Candidate {
                    candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host".into(),
                    sdp_mid: Some("0".into()),
                    sdp_m_line_index: Some(0),
                },
                from: "patient".into(),
            },
            ServerMessage::Signal {
                signal: Signal::Candidate {
                    candidate: String::new(),
                    sdp_mid: None,
                    sdp_m_line_index: None,
                },
                from: "g-1".into(),
            },
            ServerMessage::CallEnded(CallEnd::Finished {
                started: "14:31".into(),
                ended: "14:52".into(),
            }),
            ServerMessage::CallEnded(CallEnd::BackToWaiting),
            ServerMessage::CallEnded(CallEnd::PatientLeft),
        ];
        let kinds: std::collections::HashSet<_> = messages.iter().map(kind).collect();
        assert_eq!(kinds.len(), 9, "a sample of every kind");
        messages
    }

    #[test]
    fn the_browser_reads_every_server_message_as_serde_does() {
        for message in every_server_message() {
            let text = serde_json::to_string(&Envelope::new(message.clone())).unwrap();
            assert_eq!(read_server_message(&text), Some(message.clone()), "{text}");
            let derived: Envelope<ServerMessage> = serde_json::from_str(&text).unwrap();
            assert_eq!(derived.message, message);
        }
        // What either refuses, both refuse: no version, an unknown type or kind or reason, a
        // field missing or of the wrong type, no JSON object.
        for text in [
            r#"{"type":"admitted","appointment":"a1"}"#,
            r#"{"v":1,"type":"admit_everyone"}"#,
            r#"{"v":1,"type":"admitted"}"#,
            r#"{"v":1,"type":"admitted","appointment":7}"#,
            r#"{"v":1,"type":"error","code":"shout"}"#,
            r#"{"v":1,"type":"signal","from":"doctor","signal":{"kind":"shout"}}"#,
            r#"{"v":1,"type":"signal","from":"doctor","signal":{"kind":"description","sdp":"v=0"}}"#,
            r#"{"v":1,"type":"call_ended","reason":"finished","started":"14:31"}"#,
            r#"{"v":1,"type":"call_ended","reason":"lost"}"#,
            r#"{"v":1,"type":"peer_left"}"#,
            r#"[1,"admitted"]"#,
            "",
        ] {
            assert_eq!(read_server_message(text), None, "{text}");
            assert!(
                serde_json::from_str::<Envelope<ServerMessage>>(text).is_err(),
                "serde reads {text}"
            );
        }
    }

    #[test]
    fn a_message_of_another_protocol_version_asks_the_page_to_reload() {
        // A server deployed while the page was open, one version on or back, with a message
        // this page could read field by field otherwise — or one it never heard of.
        for text in [
            r#"{"v":2,"type":"admitted","appointment":"a1"}"#,
            r#"{"v":0,"type":"admitted","appointment":"a1"}"#,
            r#"{"v":2,"type":"something_new","fields":[1,2]}"#,
        ] {
            assert_eq!(
                read_server_message(text),
                Some(ServerMessage::Error {
                    code: ErrorCode::UnsupportedVersion
                }),
                "{text}"
            );
        }
        assert_eq!(
            ErrorCode::UnsupportedVersion.message_key(),
            "signal-error-version"
        );
        // Without a version or a type it is no message of this protocol at all.
        assert_eq!(read_server_message(r#"{"v":2}"#), None);
    }

    #[test]
    fn call_messages_have_their_wire_form() {
        both_ways_client(
            ClientMessage::JoinCall {
                instance: "a1b2".into(),
            },
            json!({"v": 1, "type": "join_call", "instance": "a1b2"}),
        );
        both_ways_client(
            ClientMessage::Signal {
                signal: Signal::Description {
                    sdp_type: SdpType::Offer,
                    sdp: "v=0".into(),
                },
                to: None,
            },
            json!({"v": 1, "type": "signal", "signal": {"kind": "description", "sdp_type": "offer", "sdp": "v=0"}}),
        );
        both_ways_client(
            ClientMessage::Signal {
                signal: Signal::Candidate {
                    candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host".into(),
                    sdp_mid: Some("0".into()),
                    sdp_m_line_index: Some(0),
                },
                to: Some("patient".into()),
            },
            json!({"v": 1, "type": "signal", "to": "patient", "signal": {"kind": "candidate",
                   "candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host",
                   "sdp_mid": "0", "sdp_m_line_index": 0}}),
        );
        both_ways_client(ClientMessage::Hangup, json!({"v": 1, "type": "hangup"}));
        assert_eq!(
            wire(ServerMessage::CallReady {
                polite: true,
                ice_servers: vec![IceServer {
                    url: "turn:h:3478?transport=udp".into(),
                    username: Some("1:x".into()),
                    credential: Some("p".into()),
                }],
                relay_only: false,
            }),
            json!({"v": 1, "type": "call_ready", "polite": true, "ice_servers": [
                {"url": "turn:h:3478?transport=udp", "username": "1:x", "credential": "p"}]})
        );
        assert_eq!(
            wire(ServerMessage::CallReady {
                polite: false,
                ice_servers: vec![],
                relay_only: true,
            }),
            json!({"v": 1, "type": "call_ready", "polite": false, "ice_servers": [],
                   "relay_only": true})
        );
        assert_eq!(
            wire(ServerMessage::PeerJoined {
                instance: "c3".into(),
                peer: CallPeer {
                    id: "patient".into(),
                    polite: false,
                    name: "Erika Musterfrau".into(),
                    typed: Some("E. Musterfrau".into()),
                    role: None,
                },
            }),
            json!({"v": 1, "type": "peer_joined", "instance": "c3", "peer": {"id": "patient",
                   "polite": false, "name": "Erika Musterfrau", "typed": "E. Musterfrau"}})
        );
        assert_eq!(
            wire(ServerMessage::PeerJoined {
                instance: "c4".into(),
                peer: CallPeer {
                    id: "7d0c5f0e-0000-4000-8000-000000000001".into(),
                    polite: true,
                    name: "Ayşe Yılmaz".into(),
                    typed: None,
                    role: Some(crate::appointment::guest_role::GuestRole::Interpreter),
                },
            }),
            json!({"v": 1, "type": "peer_joined", "instance": "c4", "peer": {
                   "id": "7d0c5f0e-0000-4000-8000-000000000001", "polite": true,
                   "name": "Ayşe Yılmaz", "role": "interpreter"}})
        );
        assert_eq!(
            wire(ServerMessage::PeerLeft {
                peer: "doctor".into(),
                gone: false
            }),
            json!({"v": 1, "type": "peer_left", "peer": "doctor"})
        );
        assert_eq!(
            wire(ServerMessage::PeerLeft {
                peer: "patient".into(),
                gone: true
            }),
            json!({"v": 1, "type": "peer_left", "peer": "patient", "gone": true})
        );
        assert_eq!(
            wire(ServerMessage::Signal {
                signal: Signal::Candidate {
                    candidate: String::new(),
                    sdp_mid: None,
                    sdp_m_line_index: None
                },
                from: "doctor".into()
            }),
            json!({"v": 1, "type": "signal", "from": "doctor", "signal": {"kind": "candidate",
                   "candidate": "", "sdp_mid": null, "sdp_m_line_index": null}})
        );
        assert_eq!(
            wire(ServerMessage::CallEnded(CallEnd::Finished {
                started: "14:31".into(),
                ended: "14:45".into()
            })),
            json!({"v": 1, "type": "call_ended", "reason": "finished", "started": "14:31", "ended": "14:45"})
        );
        assert_eq!(
            wire(ServerMessage::CallEnded(CallEnd::BackToWaiting)),
            json!({"v": 1, "type": "call_ended", "reason": "back_to_waiting"})
        );
        assert_eq!(
            wire(ServerMessage::Error {
                code: ErrorCode::CallBusy
            }),
            json!({"v": 1, "type": "error", "code": "call_busy"})
        );
    }

    #[test]
    fn instance_ids_are_short_and_plain() {
        assert!(valid_instance("0f8e-11aa"));
        assert!(valid_instance(&"a".repeat(INSTANCE_MAX_CHARS)));
        assert!(!valid_instance(""));
        assert!(!valid_instance(&"a".repeat(INSTANCE_MAX_CHARS + 1)));
        assert!(!valid_instance("a b"));
        assert!(!valid_instance("<script>"));
    }

    #[test]
    fn bad_frames_get_the_right_error() {
        let table: &[(&str, ErrorCode)] = &[
            ("", ErrorCode::Malformed),
            ("not json", ErrorCode::Malformed),
            ("[]", ErrorCode::Malformed),
            (
                r#"{"type":"remove","appointment":"a"}"#,
                ErrorCode::UnsupportedVersion,
            ),
            (
                r#"{"v":2,"type":"remove","appointment":"a"}"#,
                ErrorCode::UnsupportedVersion,
            ),
            (
                r#"{"v":"1","type":"remove","appointment":"a"}"#,
                ErrorCode::Malformed,
            ),
            (r#"{"v":1,"type":"shout"}"#, ErrorCode::Malformed),
            (r#"{"v":1,"type":"admit"}"#, ErrorCode::Malformed),
            (
                r#"{"v":1,"type":"admit","appointment":7}"#,
                ErrorCode::Malformed,
            ),
        ];
        for (text, code) in table {
            assert_eq!(parse_client_message(text), Err(*code), "{text}");
        }
        let big = format!(
            r#"{{"v":1,"type":"note_to_all","text":"{}"}}"#,
            "x".repeat(MAX_MESSAGE_BYTES)
        );
        assert_eq!(parse_client_message(&big), Err(ErrorCode::TooLarge));
    }

    #[test]
    fn notes_are_one_trimmed_line_of_limited_length() {
        assert_eq!(
            clean_note("  Ich komme\n in 5 Minuten "),
            Ok("Ich komme in 5 Minuten".into())
        );
        assert_eq!(clean_note("   "), Err(ErrorCode::InvalidNote));
        assert_eq!(
            clean_note(&"ä".repeat(NOTE_MAX_CHARS)).map(|s| s.chars().count()),
            Ok(NOTE_MAX_CHARS)
        );
        assert_eq!(
            clean_note(&"ä".repeat(NOTE_MAX_CHARS + 1)),
            Err(ErrorCode::InvalidNote)
        );
        assert_eq!(clean_note("a\u{0007}b"), Err(ErrorCode::InvalidNote));
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_parsed_or_refused_without_panicking(text in ".{0,300}") {
            let _ = parse_client_message(&text);
        }

        #[test]
        fn json_of_any_shape_is_parsed_or_refused(v in 0u32..4, kind in "[a-z_]{0,12}", field in ".{0,40}") {
            let text = serde_json::json!({"v": v, "type": kind, "appointment": field, "text": field}).to_string();
            let _ = parse_client_message(&text);
        }
    }
}
