//! The signalling socket ([`SIGNAL_PATH`]): one WebSocket per open page, authenticated by the
//! doctor's login or the patient's pass. Each socket is one task with a small loop: frames in
//! (size, rate and protocol checked; bad ones answered with an error, never a crash), changes
//! out, pings to find dead connections. Buffers are kept small so thousands of waiting
//! patients cost little memory, and the rare, large steps (database reads and writes, a
//! session save) are boxed: a task's future is as large as its largest await, so unboxed they
//! made every idle socket's task carry room for a database query it was not running.

use super::handshake::{Handshake, Message, WebSocket};
use super::roster_feed::RosterUpdate;
use super::service;
use crate::appointment::name::PatientName;
use crate::appointment::pass::{self, PatientPass};
use crate::entities::{appointment, appointment_guest};
use crate::error::AppError;
use crate::practice::auth::{current_user, CurrentUser};
use crate::signalling::relay::{CallEvent, Card, Participant, Refused, Seat};
use crate::signalling::types::{
    parse_client_message, valid_instance, CallPeer, ClientMessage, Envelope, ErrorCode,
    PatientPhase, PatientView, ServerMessage, Signal, SIGNAL_PATH, TOO_MANY_SOCKETS,
};
use crate::state::AppState;
use crate::waiting_room::limits::{CapKey, SocketTicket};
use axum::{
    extract::{Query, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tower_sessions::Session;

/// Bytes read from the network at a time, and what an idle socket's read buffer holds;
/// tungstenite's default is 128 KiB per socket. Most messages (ICE candidates, actions) fit;
/// a session description (3–6 KB) takes a few more reads.
const READ_BUFFER: usize = 256;
/// The largest frame the socket takes at all; larger ones close the socket. Messages above
/// [`crate::signalling::types::MAX_MESSAGE_BYTES`] but below this get a polite error.
const FRAME_LIMIT: usize = 64 * 1024;
/// A ping this often; a socket silent for [`DEAD_AFTER`] is closed.
const PING_EVERY: Duration = Duration::from_secs(PING_SHARES as u64);
/// The waiting patients' pings come from the registry's clock ([`ping_clock`]): once a
/// second, one of this many shares of them (by their id) gets its tick.
const PING_SHARES: u32 = 15;
const DEAD_AFTER: Duration = Duration::from_secs(40);
/// Messages a socket may send in a burst, and the steady rate after it.
const ACTIONS: Limit = Limit {
    burst: 20.0,
    per_second: 5.0,
};
/// The same for a call's negotiation messages: a browser trickles a few dozen ICE candidates
/// at once (Firefox more than Chromium), and none of them may be lost.
const SIGNALS: Limit = Limit {
    burst: 200.0,
    per_second: 50.0,
};
/// Refused messages after which the socket is closed.
const STRIKES: u32 = 50;
/// How often a waiting patient's session is kept alive, and a doctor's login checked again.
const REFRESH_EVERY: Duration = Duration::from_secs(60);
/// The same for a waiting patient, in pings of the registry's clock.
const REFRESH_EVERY_PINGS: u32 = 4;
const _: () = assert!(PING_EVERY.as_secs() * REFRESH_EVERY_PINGS as u64 == REFRESH_EVERY.as_secs());

pub fn routes() -> Router<AppState> {
    Router::new().route(SIGNAL_PATH, get(upgrade))
}

/// Which page opens the socket: `?seite=patient` for the patient, `?seite=gespraech&termin=…`
/// for the doctor's call page, otherwise the practice's waiting list.
#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct Side {
    seite: String,
    termin: Option<uuid::Uuid>,
}

/// What a patient's pass opened at the handshake: the appointment and, for a further person's
/// pass, their own row (read there once, so the arrival need not read both again).
struct Opened {
    row: appointment::Model,
    guest: Option<appointment_guest::Model>,
}

enum Caller {
    /// The doctor's waiting list (`None`) or call page (the appointment).
    Doctor(Box<CurrentUser>, Option<uuid::Uuid>),
    /// The pass and what it opened at the handshake.
    Patient(PatientPass, Box<Opened>),
    /// A pass that no longer opens the room, and why: its page hears it and the socket closes.
    Closed(Box<PatientView>),
}

/// Browsers always send `Origin` with a WebSocket handshake; a page of another site must not
/// be able to open a socket with our cookie.
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let ours = state.settings.application.origin().ok();
    let theirs = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::settings::normalize_origin);
    ours.is_some() && ours == theirs
}

async fn identify(state: &AppState, session: &Session, side: &Side) -> Result<Caller, AppError> {
    let now = state.clock.now();
    if side.seite == "patient" {
        // A session without a pass gets no socket; a pass that stopped opening the room gets
        // one that says why (its page missed the news while it was away), then closes.
        let Some(pass) = pass::current(session).await? else {
            return Err(AppError::Unauthorized);
        };
        let read = async {
            let opened = if pass.is_guest() {
                pass::open_guest(&state.db, &pass, now)
                    .await?
                    .map(|(row, guest)| Opened {
                        row,
                        guest: Some(guest),
                    })
            } else {
                pass::open_appointment(&state.db, &pass, now)
                    .await?
                    .map(|row| Opened { row, guest: None })
            };
            match opened {
                Some(opened) => Ok(Caller::Patient(pass.clone(), Box::new(opened))),
                None => Ok(Caller::Closed(Box::new(
                    super::closed::closed_view(state, &pass).await?,
                ))),
            }
        };
        return read.await.map_err(|e: sea_orm::DbErr| {
            tracing::error!(error = %e, "loading the patient's appointment failed");
            AppError::Internal
        });
    }
    let me = current_user(session, &state.db, now)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !me.role.holds_calls() {
        return Err(AppError::Forbidden);
    }
    match (side.seite.as_str(), side.termin) {
        ("gespraech", Some(call)) => Ok(Caller::Doctor(Box::new(me), Some(call))),
        ("gespraech", None) => Err(AppError::BadRequest),
        _ => Ok(Caller::Doctor(Box::new(me), None)),
    }
}

/// The caps this caller's socket counts against: its pass or login, and its address.
fn caps(
    state: &AppState,
    caller: &Caller,
    address: std::net::IpAddr,
) -> [Option<(CapKey, u32)>; 2] {
    let limits = &state.settings.signalling;
    let own = match caller {
        Caller::Doctor(me, _) => Some((CapKey::Login(me.user.id), limits.sockets_per_login)),
        Caller::Patient(pass, _) => Some((
            // A pass from before passes had an id (nil) opens nothing any more (it has no
            // code tag either): its appointment stands in, so such passes share one cap.
            CapKey::Pass(if pass.id.is_nil() {
                pass.appointment_id
            } else {
                pass.id
            }),
            limits.sockets_per_pass,
        )),
        Caller::Closed(_) => None,
    };
    [
        own,
        Some((CapKey::Address(address), limits.sockets_per_address)),
    ]
}

/// Tells the page of a pass that no longer opens the room why and closes normally (close code
/// 1000): the page shows the end and stops reconnecting. The pass stays in the session (it
/// opens nothing): another window of it, or a page whose connection died before it read this,
/// hears the same when it connects. At most [`LAST_WORDS`], however slowly the browser reads.
async fn tell_closed(mut connection: Connection, view: PatientView) {
    let _ = tokio::time::timeout(LAST_WORDS, async {
        connection.send(ServerMessage::WaitingRoom(view)).await;
        connection.socket.close(1000, "").await;
    })
    .await;
}

/// How long a socket that is only told why it closes may take (the server's shutdown waits
/// longer for the sockets).
pub const LAST_WORDS: Duration = Duration::from_secs(3);

/// Closes a socket over its cap with [`TOO_MANY_SOCKETS`] and a German reason.
async fn refuse_over_cap(mut socket: WebSocket) {
    let reason = crate::i18n::translate_with(crate::i18n::Locale::De, "socket-too-many", &[]);
    let _ = tokio::time::timeout(LAST_WORDS, socket.close(TOO_MANY_SOCKETS, &reason)).await;
}

async fn upgrade(
    State(state): State<AppState>,
    session: Session,
    Query(side): Query<Side>,
    request: axum::extract::Request,
) -> Response {
    let (mut parts, _) = request.into_parts();
    let handshake = match Handshake::read(&mut parts) {
        Ok(handshake) => handshake,
        Err(e) => {
            tracing::debug!(error = %e, "signalling request without a WebSocket handshake");
            return e.response("Diese Adresse ist nur für die Verbindung der Videosprechstunde.");
        }
    };
    if !same_origin(&state, &parts.headers) {
        tracing::warn!("signalling socket from another origin refused");
        return AppError::Forbidden.into_response();
    }
    let caller = match identify(&state, &session, &side).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    let address = crate::web::client_ip(&state, &parts);
    let ticket = match state.sockets.try_open(caps(&state, &caller, address)) {
        Some(ticket) => Ok(ticket),
        None => match state.sockets.try_refuse(address) {
            Some(refusing) => Err(refusing),
            // Refusals held open by one client (or by many): not even upgraded.
            None => {
                tracing::debug!("signalling socket over its cap refused without an upgrade");
                return AppError::Busy.into_response();
            }
        },
    };
    let start = Start {
        state,
        caller,
        session,
        ticket,
    };
    let response = handshake.response();
    tokio::spawn(socket_task(handshake.on_upgrade, Box::new(start)));
    response
}

/// The socket's task, from the answer to the handshake on. While the socket runs its future
/// holds two pointers (a unit test keeps it small): the connection's set-up (the socket under
/// construction) is boxed and gone by then, and each kind of socket is one boxed future.
async fn socket_task(on_upgrade: hyper::upgrade::OnUpgrade, start: Box<Start>) {
    let connecting = super::handshake::connect(on_upgrade, socket_config());
    let Some(socket) = Box::pin(connecting).await else {
        return;
    };
    // The box is freed at the end of the block that moved out of it, not of the task.
    let serving = {
        let start = start;
        serve(*start, socket)
    };
    serving.await;
}

/// Small buffers (see [`READ_BUFFER`]) and the frame limit.
fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(Some(FRAME_LIMIT))
        .max_frame_size(Some(FRAME_LIMIT))
}

/// What the handshake found out, handed to the socket's task.
struct Start {
    state: AppState,
    caller: Caller,
    session: Session,
    /// The socket's place under its caps; over a cap, its place among the refusals
    /// (`SocketCounts::try_refuse`), held while it is told so and closed.
    ticket: Result<SocketTicket, SocketTicket>,
}

/// The running socket: each kind is one boxed future, so the task holds a pointer, not room
/// for the largest kind.
fn serve(start: Start, socket: WebSocket) -> BoxFuture {
    let Start {
        state,
        caller,
        session,
        ticket,
    } = start;
    let ticket = match ticket {
        Ok(ticket) => ticket,
        Err(refusing) => {
            tracing::info!("signalling socket over its cap refused");
            return Box::pin(async move {
                refuse_over_cap(socket).await;
                drop(refusing);
            });
        }
    };
    let connection = Connection::new(socket);
    match caller {
        Caller::Doctor(me, call) => Box::pin(async move {
            serve_doctor(state, connection, *me, session, call).await;
            drop(ticket);
        }),
        Caller::Closed(view) => Box::pin(async move {
            tell_closed(connection, *view).await;
            drop(ticket);
        }),
        Caller::Patient(pass, opened) => {
            // The pass came from this session, so it has an id.
            let Some(session) = session.id() else {
                tracing::error!("patient socket without a session id");
                return Box::pin(std::future::ready(()));
            };
            Box::pin(serve_patient(
                Box::new(PatientSocket {
                    state,
                    connection,
                    pass,
                    session,
                    _ticket: ticket,
                }),
                opened,
            ))
        }
    }
}

type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Ticks every `period`, the first time one period from now.
fn every(period: Duration) -> tokio::time::Interval {
    tokio::time::interval_at(tokio::time::Instant::now() + period, period)
}

/// `burst` messages at once, `per_second` after that.
#[derive(Clone, Copy)]
struct Limit {
    burst: f64,
    per_second: f64,
}

/// A token bucket under a [`Limit`] (the limit is a constant, not kept per socket).
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl Bucket {
    fn full(limit: Limit, now: Instant) -> Self {
        Self {
            tokens: limit.burst,
            refilled: now,
        }
    }

    fn take(&mut self, limit: Limit, now: Instant) -> bool {
        self.tokens = (self.tokens
            + now.duration_since(self.refilled).as_secs_f64() * limit.per_second)
            .min(limit.burst);
        self.refilled = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }
}

/// One socket with its limits.
struct Connection {
    socket: WebSocket,
    actions: Bucket,
    signals: Bucket,
    strikes: u32,
    heard: Instant,
}

impl Connection {
    fn new(socket: WebSocket) -> Self {
        let now = Instant::now();
        Self {
            socket,
            actions: Bucket::full(ACTIONS, now),
            signals: Bucket::full(SIGNALS, now),
            strikes: 0,
            heard: now,
        }
    }

    async fn send(&mut self, message: ServerMessage) -> bool {
        match serde_json::to_string(&Envelope::new(message)) {
            Ok(text) => self.socket.send(Message::text(text)).await.is_ok(),
            Err(e) => {
                tracing::error!(error = %e, "cannot serialise a signalling message");
                false
            }
        }
    }

    /// The next message from the browser, or why it was refused; `None` when the socket is
    /// closed (or closed for too many refusals). Control frames only count as a sign of life.
    /// Cancel-safe: it only awaits the socket's next frame.
    async fn receive(&mut self) -> Option<Result<ClientMessage, ErrorCode>> {
        std::future::poll_fn(|cx| self.poll_receive(cx)).await
    }

    /// [`Connection::receive`] polled in place.
    fn poll_receive(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<ClientMessage, ErrorCode>>> {
        loop {
            let frame = match std::task::ready!(self.socket.poll_recv(cx)) {
                None => return std::task::Poll::Ready(None),
                Some(Ok(frame)) => frame,
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "signalling socket read error");
                    return std::task::Poll::Ready(None);
                }
            };
            if let Some(taken) = self.take(frame) {
                return std::task::Poll::Ready(taken);
            }
        }
    }

    /// What a frame from the browser is: `None` for a control frame (a sign of life only).
    fn take(&mut self, frame: Message) -> Option<Option<Result<ClientMessage, ErrorCode>>> {
        let now = Instant::now();
        self.heard = now;
        let text = match frame {
            Message::Text(text) => text,
            Message::Binary(_) => return Some(self.refuse(ErrorCode::Malformed)),
            Message::Close(_) => return Some(None),
            // (Raw frames never come from `recv`.)
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => return None,
        };
        let message = match parse_client_message(text.as_str()) {
            Ok(message) => message,
            Err(code) => return Some(self.refuse(code)),
        };
        let (bucket, limit) = match message {
            ClientMessage::Signal { .. } => (&mut self.signals, SIGNALS),
            _ => (&mut self.actions, ACTIONS),
        };
        Some(if bucket.take(limit, now) {
            Some(Ok(message))
        } else {
            self.refuse(ErrorCode::RateLimited)
        })
    }

    fn refuse(&mut self, code: ErrorCode) -> Option<Result<ClientMessage, ErrorCode>> {
        self.strikes += 1;
        if self.strikes > STRIKES {
            tracing::info!("signalling socket closed after too many refused messages");
            None
        } else {
            Some(Err(code))
        }
    }

    /// Tells the browser the server restarts (close code 1012): it reconnects by itself.
    async fn going_away(&mut self) {
        self.socket.close(1012, "Neustart").await;
    }

    /// Pings the browser; `false` when it has been silent too long or the socket is gone.
    async fn ping(&mut self) -> bool {
        if self.heard.elapsed() > DEAD_AFTER {
            tracing::debug!("signalling socket silent, closing");
            return false;
        }
        self.socket
            .send(Message::Ping(Default::default()))
            .await
            .is_ok()
    }
}

/// The call part of a socket: the seat once the page joined.
struct CallPart {
    participant: Participant,
    appointment: uuid::Uuid,
    /// Boxed: most sockets wait without one.
    seat: Option<Box<Seat>>,
}

impl CallPart {
    fn new(participant: Participant, appointment: uuid::Uuid) -> Self {
        Self {
            participant,
            appointment,
            seat: None,
        }
    }

    /// The next event of the seat; never ready while the page has none.
    async fn next_event(&mut self) -> Option<CallEvent> {
        std::future::poll_fn(|cx| self.poll_next_event(cx)).await
    }

    /// [`CallPart::next_event`] polled in place.
    fn poll_next_event(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<CallEvent>> {
        match &mut self.seat {
            Some(seat) => seat.events.poll_recv(cx),
            None => std::task::Poll::Pending,
        }
    }

    /// Takes the seat as `card`: the page's ICE servers (with a fresh TURN credential for this
    /// call, valid until the end of `row` plus the margin) and who else is there.
    async fn join(
        &mut self,
        state: &AppState,
        instance: &str,
        row: &appointment::Model,
        card: Card,
    ) -> Result<Vec<ServerMessage>, ErrorCode> {
        if !valid_instance(instance) {
            return Err(ErrorCode::Malformed);
        }
        // A second join of the same socket gives up the first seat.
        self.seat = None;
        let limit = state.settings.appointments.max_participants;
        let (seat, present) = state
            .calls
            .join(self.appointment, card, instance, limit)
            .await
            .map_err(|refused| match refused {
                Refused::Busy => ErrorCode::CallBusy,
                Refused::Full => ErrorCode::CallFull,
                Refused::Unavailable => ErrorCode::Internal,
            })?;
        self.seat = Some(Box::new(seat));
        let mut replies = vec![ServerMessage::CallReady {
            polite: self.participant != Participant::Doctor,
            ice_servers: state.ice.servers_until(row.ends_at, state.clock.now()),
            relay_only: state.ice.relay_only(),
        }];
        replies.extend(
            present
                .into_iter()
                .map(|(card, instance)| ServerMessage::PeerJoined {
                    instance,
                    peer: shown(self.participant, &card),
                }),
        );
        Ok(replies)
    }

    async fn relay(&self, to: Option<String>, signal: Signal) -> Result<(), ErrorCode> {
        let seat = self.seat.as_ref().ok_or(ErrorCode::NotInCall)?;
        let to = match to {
            Some(id) => Some(Participant::parse(&id).ok_or(ErrorCode::Malformed)?),
            None => None,
        };
        let bytes = serde_json::to_string(&signal).map_or(0, |s| s.len());
        // Nobody to hear it is no error: that page starts over when it joins.
        seat.relay(to, signal, bytes).await;
        Ok(())
    }

    /// What the page hears of an event; `None` when the seat was taken over by a newer
    /// socket of the same page (this one is stale).
    fn forward(&mut self, event: Option<CallEvent>) -> Option<ServerMessage> {
        let Some(event) = event else {
            self.seat = None;
            return None;
        };
        Some(match event {
            CallEvent::PeerJoined { card, instance } => ServerMessage::PeerJoined {
                instance,
                peer: shown(self.participant, &card),
            },
            CallEvent::PeerLeft(who) => ServerMessage::PeerLeft {
                peer: who.id(),
                gone: false,
            },
            CallEvent::PeerGone(who) => ServerMessage::PeerLeft {
                peer: who.id(),
                gone: true,
            },
            CallEvent::Signal { from, signal } => ServerMessage::Signal {
                signal,
                from: from.id(),
            },
            CallEvent::Ended(how) => {
                self.seat = None;
                ServerMessage::CallEnded(how)
            }
            // The socket loops close with 1012 before forwarding it.
            CallEvent::Reconnect => return None,
        })
    }
}

/// How the page of `to` shows the holder of `card`: the doctor sees booked names (and a typed
/// one that differs), everybody else the names people typed; the practice's name for the
/// doctor.
fn shown(to: Participant, card: &Card) -> CallPeer {
    let doctor_sees = to == Participant::Doctor;
    let typed = card.typed.clone().filter(|typed| {
        doctor_sees && PatientName::parse(typed).map_or(true, |name| !name.matches(&card.booked))
    });
    let name = if doctor_sees || card.participant == Participant::Doctor {
        card.booked.clone()
    } else {
        card.typed.clone().unwrap_or_else(|| card.booked.clone())
    };
    CallPeer {
        id: card.participant.id(),
        polite: to.polite_toward(card.participant),
        name,
        typed,
        role: card.role,
    }
}

/// The card of the patient's seat.
fn patient_card(row: &appointment::Model) -> Card {
    Card {
        participant: Participant::Patient,
        booked: row.patient_name.clone(),
        typed: row.entered_name.clone(),
        role: None,
    }
}

/// The card of a further person's seat.
fn guest_card(guest: &crate::entities::appointment_guest::Model) -> Card {
    Card {
        participant: Participant::Guest(guest.id),
        booked: guest.name.clone(),
        typed: guest.entered_name.clone(),
        role: Some(guest.role),
    }
}

/// Sends every message; `false` once the socket is gone.
async fn send_all(connection: &mut Connection, messages: Vec<ServerMessage>) -> bool {
    for message in messages {
        if !connection.send(message).await {
            return false;
        }
    }
    true
}

/// Sends the practice's list as last read for all its doctor sockets: how many patients wait,
/// or `None` when the socket is gone.
async fn send_roster(connection: &mut Connection, update: &RosterUpdate) -> Option<u32> {
    match update {
        RosterUpdate::Ready(roster) => {
            let waiting = roster.waiting;
            connection
                .send(ServerMessage::Roster(roster.clone()))
                .await
                .then_some(waiting)
        }
        RosterUpdate::Failed => connection
            .send(ServerMessage::Error {
                code: ErrorCode::Internal,
            })
            .await
            .then_some(0),
    }
}

/// A doctor's message on the call page: join, signal, hang up.
async fn doctor_in_call(
    state: &AppState,
    me: &CurrentUser,
    call: &mut CallPart,
    message: ClientMessage,
) -> Result<Vec<ServerMessage>, ErrorCode> {
    match message {
        ClientMessage::JoinCall { instance } => {
            let row = service::call_of_doctor(state, me, call.appointment).await?;
            let card = Card {
                participant: Participant::Doctor,
                booked: me.practice.name.clone(),
                typed: None,
                role: None,
            };
            call.join(state, &instance, &row, card).await
        }
        ClientMessage::Signal { signal, to } => call.relay(to, signal).await.map(|()| Vec::new()),
        // The doctor ends the consultation, seated or not: a click while the page's socket
        // was away is sent once it is open again, and may reach the server before the page's
        // seat is taken again. The seated hear the end from the call; this page, unseated,
        // from the answer.
        ClientMessage::Hangup => {
            let row = service::call_of_doctor(state, me, call.appointment).await?;
            let end = service::finish(state, &row).await?;
            Ok(if call.seat.is_none() {
                vec![ServerMessage::CallEnded(end)]
            } else {
                Vec::new()
            })
        }
        other => service::act(state, me, other)
            .await
            .map(|reply| reply.into_iter().collect()),
    }
}

/// The doctor's waiting list (with `call == None`) or call page.
async fn serve_doctor(
    state: AppState,
    mut connection: Connection,
    me: CurrentUser,
    session: Session,
    call: Option<uuid::Uuid>,
) {
    // The call page of a consultation with further persons gets the list too: its page lets
    // them in. Otherwise the call page's socket only carries the call.
    let group = match call {
        Some(id) => Box::pin(super::guests::invited(&state, id))
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot read the consultation's guests");
                false
            }),
        None => false,
    };
    let mut changes =
        (call.is_none() || group).then(|| state.rosters.subscribe(&state, me.practice.id));
    let mut call = call.map(|id| CallPart::new(Participant::Doctor, id));
    let mut waiting = 0;
    // The list as last read, if the practice's feed already has one; else the first read
    // arrives as a change.
    let first = changes.as_mut().and_then(|c| c.borrow_and_update().clone());
    if let Some(update) = first {
        match send_roster(&mut connection, &update).await {
            Some(count) => waiting = count,
            None => return,
        }
    }
    let (mut ping, mut refresh) = (every(PING_EVERY), every(REFRESH_EVERY));
    loop {
        tokio::select! {
            changed = async {
                match changes.as_mut() {
                    Some(changes) => changes.changed().await,
                    None => std::future::pending().await,
                }
            } => {
                if changed.is_err() {
                    break;
                }
                let update = changes.as_mut().and_then(|c| c.borrow_and_update().clone());
                if let Some(update) = update {
                    match send_roster(&mut connection, &update).await {
                        Some(count) => waiting = count,
                        None => break,
                    }
                }
            }
            event = async {
                match call.as_mut() {
                    Some(call) => call.next_event().await,
                    None => std::future::pending().await,
                }
            } => {
                if matches!(event, Some(CallEvent::Reconnect)) {
                    connection.going_away().await;
                    break;
                }
                let forwarded = call.as_mut().and_then(|c| c.forward(event));
                let ended = matches!(forwarded, Some(ServerMessage::CallEnded(_)));
                if let Some(message) = forwarded {
                    if !connection.send(message).await || ended {
                        break;
                    }
                }
            }
            incoming = connection.receive() => {
                let replies = match incoming {
                    None => break,
                    Some(Ok(message)) => match call.as_mut() {
                        Some(call) => Box::pin(doctor_in_call(&state, &me, call, message)).await,
                        None => Box::pin(service::act(&state, &me, message))
                            .await
                            .map(|reply| reply.into_iter().collect()),
                    }
                    .unwrap_or_else(|code| vec![ServerMessage::Error { code }]),
                    Some(Err(code)) => vec![ServerMessage::Error { code }],
                };
                if !send_all(&mut connection, replies).await {
                    break;
                }
            }
            () = state.stopping.wait() => {
                connection.going_away().await;
                break;
            }
            _ = ping.tick() => {
                if !connection.ping().await {
                    break;
                }
            }
            _ = refresh.tick() => {
                // A logout, a password reset or the end of the login closes the socket too.
                match Box::pin(current_user(&session, &state.db, state.clock.now())).await {
                    Ok(Some(_)) => {}
                    _ => break,
                }
                // A running call and patients waiting keep the login from the idle logout,
                // as the page itself does (practice::idle); an idle list does not.
                if call.is_some() || waiting > 0 {
                    if let Err(e) = Box::pin(session.save()).await {
                        tracing::warn!(error = %e, "cannot keep the doctor's session alive");
                    }
                }
            }
        }
    }
}

/// Takes the patient off the list when their socket task ends, however it ends (the
/// `Waiting` is dropped); the doctors hear of it once the reconnect grace is over. Runs
/// before the fields are dropped, so before the socket's cap place is given back.
impl Drop for Waiting {
    fn drop(&mut self) {
        let rooms = self.socket.state.rooms.clone();
        let pass = &self.socket.pass;
        let (practice, appointment) = (pass.practice_id, pass.participant());
        rooms.patient_disconnected(practice, appointment);
        // Within the grace the patient still counts as present; the doctors' lists change
        // only after it (leave, removal and end tell them at once themselves).
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                tokio::time::sleep(super::rooms::RECONNECT_GRACE + Duration::from_millis(100))
                    .await;
                rooms.practice_changed(practice);
            });
        }
    }
}

/// A patient's socket from the handshake on, in one allocation.
struct PatientSocket {
    state: AppState,
    connection: Connection,
    pass: PatientPass,
    /// Reopened when needed ([`crate::state::SessionReopener`]).
    session: tower_sessions::session::Id,
    _ticket: SocketTicket,
}

/// What a waiting patient's socket keeps: the socket, the view's feed and the call; its
/// presence in the registry ends when it is dropped. Boxed, so the waiting loop's
/// future holds a pointer.
struct Waiting {
    socket: PatientSocket,
    views: super::view_slot::ViewReceiver,
    phase: PatientPhase,
    call: CallPart,
    /// The registry's ticks taken ([`ping_clock`]): a ping each, the pass checked every
    /// [`REFRESH_EVERY_PINGS`]th time.
    ticks_seen: u32,
}

async fn serve_patient(socket: Box<PatientSocket>, opened: Box<Opened>) {
    // The arrival's database steps run in their own allocation, freed before the wait.
    if let Some(waiting) = Box::pin(arrive(socket, opened)).await {
        wait(waiting).await;
    }
}

/// The patient arrives: the appointment notes it, the practice's list shows them, the page
/// gets its view. `None` when the socket is done already.
async fn arrive(socket: Box<PatientSocket>, opened: Box<Opened>) -> Option<Box<Waiting>> {
    let PatientSocket {
        state,
        connection,
        pass,
        session,
        _ticket,
    } = *socket;
    let view = match arrival_view(&state, &pass, *opened).await {
        Ok(view) => view,
        Err(e) => {
            tracing::error!(error = %e, "patient arrival failed");
            return None;
        }
    };
    let views = state
        .rooms
        .patient_connected(pass.practice_id, pass.participant(), view.clone());
    state.rooms.practice_changed(pass.practice_id);
    let seat = pass
        .guest_id
        .map_or(Participant::Patient, Participant::Guest);
    let call = CallPart::new(seat, pass.appointment_id);
    // From here on, dropping it takes the patient off the list again.
    let mut waiting = Box::new(Waiting {
        socket: PatientSocket {
            state,
            connection,
            pass,
            session,
            _ticket,
        },
        views,
        phase: view.phase,
        call,
        ticks_seen: 0,
    });
    // Read again now that the registry passes on what the practice tells this patient: a
    // change committed while `view` was read (since the handshake, for a patient who arrived
    // before) was told to no place or to the one `view` then went into, and this read sees
    // it. A view told meanwhile may still be the older one changed in place (a note to all):
    // read once more, after it — every view is told after its change was committed.
    let mut settled = false;
    for _ in 0..READS_ON_ARRIVAL {
        let socket = &mut waiting.socket;
        match current_view(&socket.state, &socket.pass).await {
            Ok(Some(view)) => {
                let told = super::rooms::Told {
                    view,
                    at: Instant::now(),
                };
                if waiting.views.replace_if_unread(told) {
                    settled = true;
                    break;
                }
                waiting.views.mark_unchanged();
            }
            Ok(None) => {
                tell_why_closed(&socket.state, &socket.pass, &mut socket.connection).await;
                return None;
            }
            Err(e) => {
                tracing::error!(error = %e, "reading the arriving patient's view failed");
                return None;
            }
        }
    }
    // No view: news was missed meanwhile (the bus to the other instances was lost); or the
    // practice kept changing it: the page reconnects at once.
    let first = waiting.views.borrow_and_update().filter(|_| settled);
    let Some(super::rooms::Told { view, .. }) = first else {
        waiting.socket.connection.going_away().await;
        return None;
    };
    waiting.phase = view.phase;
    let last = is_last(view.phase);
    let sent = waiting
        .socket
        .connection
        .send(ServerMessage::WaitingRoom(view))
        .await;
    // A last view (the patient left, was removed, the appointment ended) ends the socket.
    (sent && !last).then_some(waiting)
}

/// How often an arriving patient's socket reads its view while the practice keeps telling
/// it something new, before the page is asked to reconnect.
const READS_ON_ARRIVAL: usize = 3;

/// Whether a view with `phase` is the page's last: the socket is done after it. The pass
/// stays in the session (it opens nothing any more), so a page whose connection died before
/// it read this, or a second window, hears the same reason when it connects (see
/// `tell_closed`) instead of a refused handshake it would retry for ever.
fn is_last(phase: PatientPhase) -> bool {
    matches!(
        phase,
        PatientPhase::Removed
            | PatientPhase::Finished
            | PatientPhase::Left
            | PatientPhase::Closed
            | PatientPhase::Expired
    )
}

/// The pass stopped opening the room just now: the page hears why.
async fn tell_why_closed(state: &AppState, pass: &PatientPass, connection: &mut Connection) {
    if let Ok(view) = super::closed::closed_view(state, pass).await {
        let _ = connection.send(ServerMessage::WaitingRoom(view)).await;
    }
}

/// Notes the arrival of the pass's holder (the patient, or a further person in their own row)
/// and returns what their page shows, as far as the rows read at the handshake tell (the
/// arrival reads the current view after registering anyway).
async fn arrival_view(
    state: &AppState,
    pass: &PatientPass,
    Opened { row, guest }: Opened,
) -> Result<PatientView, sea_orm::DbErr> {
    if let Some(guest) = guest {
        super::guests::note_arrival(state, pass, &guest).await?;
        return Ok(super::guests::guest_view(&row, &guest));
    }
    service::note_arrival(state, &row).await?;
    Ok(service::patient_view(&row))
}

/// What the page of the pass's holder shows as the database has it now; `None` when the pass
/// no longer opens the room.
async fn current_view(
    state: &AppState,
    pass: &PatientPass,
) -> Result<Option<PatientView>, sea_orm::DbErr> {
    let now = state.clock.now();
    if pass.is_guest() {
        return Ok(pass::open_guest(&state.db, pass, now)
            .await?
            .map(|(row, guest)| super::guests::guest_view(&row, &guest)));
    }
    Ok(pass::open_appointment(&state.db, pass, now)
        .await?
        .map(|row| service::patient_view(&row)))
}

/// What woke a waiting patient's socket.
enum Wake {
    /// The practice changed the patient's view (`false`: the room is gone).
    View(bool),
    Call(Option<CallEvent>),
    Incoming(Option<Result<ClientMessage, ErrorCode>>),
    Stopping,
    Tick,
}

/// The clock of the waiting patients' pings (spawned with the server): every second one
/// [`PING_SHARES`]th of them gets a tick through the registry, so each socket pings every
/// [`PING_EVERY`], spread over the period, without a timer of its own (a tokio timer took
/// 144 bytes of every waiting socket).
pub async fn ping_clock(rooms: std::sync::Arc<dyn super::rooms::Rooms>) {
    let mut clock = every(PING_EVERY / PING_SHARES);
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for share in (0..PING_SHARES).cycle() {
        clock.tick().await;
        rooms.tick_patients(share, PING_SHARES);
    }
}

/// The waiting patient's loop: the practice's changes out, the call's messages both ways.
/// While idle its future holds only a pointer to the socket's state: what it waits on is
/// polled in place ([`Waiting::poll_wake`]), and each wake-up is handled in its own
/// allocation, freed when handled.
async fn wait(mut w: Box<Waiting>) {
    loop {
        let wake = std::future::poll_fn(|cx| w.poll_wake(cx)).await;
        if !Box::pin(woken(&mut w, wake)).await {
            break;
        }
    }
}

impl Waiting {
    /// What woke the socket, if anything did; otherwise each source keeps `cx`'s waker. The
    /// shutdown is looked at first and again once the slot holds the waker (the registry wakes
    /// every patient socket in it when the server stops), the rare sources before the
    /// browser's messages, so a browser that keeps sending cannot hold back the practice's
    /// news or the ping.
    fn poll_wake(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Wake> {
        use std::task::Poll;
        if self.socket.state.stopping.is_stopped() {
            return Poll::Ready(Wake::Stopping);
        }
        if let Poll::Ready(changed) = self.views.poll_changed(cx) {
            return Poll::Ready(Wake::View(changed.is_ok()));
        }
        if let Poll::Ready(event) = self.call.poll_next_event(cx) {
            return Poll::Ready(Wake::Call(event));
        }
        if self.views.poll_tick(cx).is_ready() {
            return Poll::Ready(Wake::Tick);
        }
        // Once more now that the slot holds this task's waker: a `stop` since the first look
        // found no waker to wake, but it set the flag before it looked.
        if self.socket.state.stopping.is_stopped() {
            return Poll::Ready(Wake::Stopping);
        }
        self.socket.connection.poll_receive(cx).map(Wake::Incoming)
    }
}

/// Handles one wake-up of a waiting patient's socket; `false` when the socket is done.
async fn woken(w: &mut Waiting, wake: Wake) -> bool {
    let socket = &mut w.socket;
    match wake {
        Wake::View(false) => false,
        Wake::View(true) => {
            let told = w.views.borrow_and_update();
            // No view: this instance may have missed news (its bus connection was lost); the
            // page reconnects at once and gets its view from the database.
            let Some(super::rooms::Told { view, at }) = told else {
                socket.connection.going_away().await;
                return false;
            };
            w.phase = view.phase;
            if w.phase != PatientPhase::InCall {
                w.call.seat = None;
            }
            let last = is_last(view.phase);
            if !socket
                .connection
                .send(ServerMessage::WaitingRoom(view))
                .await
            {
                return false;
            }
            super::delivery::note(at.elapsed());
            !last
        }
        Wake::Call(Some(CallEvent::Reconnect)) => {
            socket.connection.going_away().await;
            false
        }
        // The patient's end screen comes with the view (finished, back, removed).
        Wake::Call(event) => match w.call.forward(event) {
            Some(message) if !matches!(message, ServerMessage::CallEnded(_)) => {
                socket.connection.send(message).await
            }
            _ => true,
        },
        Wake::Incoming(incoming) => {
            let replies = match incoming {
                None => return false,
                Some(Ok(message)) => {
                    patient_in_call(&socket.state, &socket.pass, w.phase, &mut w.call, message)
                        .await
                        .unwrap_or_else(|code| vec![ServerMessage::Error { code }])
                }
                Some(Err(code)) => vec![ServerMessage::Error { code }],
            };
            send_all(&mut socket.connection, replies).await
        }
        Wake::Stopping => {
            socket.connection.going_away().await;
            false
        }
        Wake::Tick => {
            w.ticks_seen += 1;
            if !socket.connection.ping().await {
                return false;
            }
            if !w.ticks_seen.is_multiple_of(REFRESH_EVERY_PINGS) {
                return true;
            }
            // A pass that stopped opening the room (however: expiry, new code, removal,
            // cancellation) closes the page, even if no one told this instance.
            let state = &socket.state;
            match pass::open_appointment(&state.db, &socket.pass, state.clock.now()).await {
                Ok(Some(_)) => {}
                Ok(None) => {
                    match Box::pin(super::closed::closed_view(state, &socket.pass)).await {
                        Ok(view) => {
                            let _ = socket
                                .connection
                                .send(ServerMessage::WaitingRoom(view))
                                .await;
                        }
                        Err(e) => tracing::warn!(error = %e, "cannot read why the pass ended"),
                    }
                    return false;
                }
                Err(e) => tracing::warn!(error = %e, "cannot check the patient's pass"),
            }
            let session = state.sessions.reopen(socket.session);
            if let Err(e) = pass::touch(&session).await {
                tracing::warn!(error = ?e, "cannot keep the patient's session alive");
            }
            true
        }
    }
}

/// A patient's or a further person's message: only the call's (join once let in, signal,
/// hang up).
async fn patient_in_call(
    state: &AppState,
    pass: &PatientPass,
    phase: PatientPhase,
    call: &mut CallPart,
    message: ClientMessage,
) -> Result<Vec<ServerMessage>, ErrorCode> {
    let internal = |e: sea_orm::DbErr| {
        tracing::error!(error = %e, "loading the patient's appointment failed");
        ErrorCode::Internal
    };
    let now = state.clock.now();
    match message {
        ClientMessage::JoinCall { instance } if phase == PatientPhase::InCall => {
            // The pass is checked again before a TURN credential goes out: a new code, a
            // removal or a cancellation since the socket opened ends it.
            let (row, card) = if pass.is_guest() {
                let (row, guest) = pass::open_guest(&state.db, pass, now)
                    .await
                    .map_err(internal)?
                    .ok_or(ErrorCode::WrongState)?;
                let card = guest_card(&guest);
                (row, card)
            } else {
                let row = pass::open_appointment(&state.db, pass, now)
                    .await
                    .map_err(internal)?
                    .ok_or(ErrorCode::WrongState)?;
                let card = patient_card(&row);
                (row, card)
            };
            call.join(state, &instance, &row, card).await
        }
        ClientMessage::JoinCall { .. } => Err(ErrorCode::WrongState),
        ClientMessage::Signal { signal, to } => call.relay(to, signal).await.map(|()| Vec::new()),
        // A further person only leaves; the consultation goes on. Let in, seated or not (a
        // leave clicked before the page's first join).
        ClientMessage::Hangup if pass.is_guest() && phase == PatientPhase::InCall => {
            if let Some(seat) = call.seat.take() {
                state.calls.evict(seat.appointment(), seat.participant());
            }
            super::guests::leave(state, pass)
                .await
                .map_err(internal)
                .map(|()| Vec::new())
        }
        // Let in, the patient may end the consultation, seated or not (see the doctor's);
        // the page hears the end as its view changes.
        ClientMessage::Hangup if phase == PatientPhase::InCall => {
            let row = pass::open_appointment(&state.db, pass, now)
                .await
                .map_err(internal)?
                .ok_or(ErrorCode::WrongState)?;
            service::finish(state, &row).await.map(|_| Vec::new())
        }
        ClientMessage::Hangup => Err(ErrorCode::NotInCall),
        // Everything else is the practice's.
        _ => Err(ErrorCode::NotAllowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size of what `f` returns (here: an async fn's future) without calling it.
    fn returned_size<A, R>(_: impl Fn(A) -> R) -> usize {
        std::mem::size_of::<R>()
    }

    #[test]
    fn an_idle_patient_socket_keeps_its_futures_small() {
        // With 10,000 waiting patients every byte here counts 10,000 times. The loop's future
        // was 3.9 KB while it held the socket's data and each step's await inline, 440 B while
        // it held a `select!` of five futures; it now polls each source in place.
        let waiting_loop = returned_size(wait);
        assert!(
            waiting_loop <= 64,
            "the waiting loop's future: {waiting_loop} B"
        );
        // 848 B before the presence came from the pass, the buckets' limits became constants,
        // the cap key became the pass id, the code tag bytes and the ping timer the registry's.
        let kept = std::mem::size_of::<Waiting>();
        assert!(kept <= 680, "what a waiting socket keeps: {kept} B");
        // The task of every socket; axum's, which this replaced, took 640 bytes a socket.
        let task = returned_size(|(upgrade, start)| socket_task(upgrade, start));
        assert!(task <= 64, "the socket task's future: {task} B");
        eprintln!("sizes: waiting loop {waiting_loop} B, waiting socket {kept} B, task {task} B");
    }
}
