//! The waiting room over the real signalling socket: a patient arrives, the doctor sees them
//! with the typed name, sends a note, lets them in; leaving and lost connections reach the
//! doctor within seconds; other practices and other patients see nothing; bad frames are
//! answered and never stop the server.

use crate::helpers::{location, session_cookie, CapturedLog, TestApp, PASSWORD};
use crate::patient_entry::booked;
use app::clock::Clock;
use app::signalling::types::{
    ClientMessage, Envelope, ErrorCode, PatientPhase, Roster, RosterStatus, ServerMessage,
};
use chrono::Duration as ChronoDuration;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, Message},
    MaybeTlsStream, WebSocketStream,
};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
const WAIT: Duration = Duration::from_secs(10);

/// Opens the signalling socket with `cookie` as a browser on our page would.
pub(crate) async fn open(app: &TestApp, cookie: &str, side: &str) -> Result<Socket, u16> {
    open_at(&app.address, cookie, side).await
}

/// The socket's handshake as a browser on our page at `address` (`http://…`) sends it.
fn handshake(
    address: &str,
    cookie: &str,
    side: &str,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let url = format!(
        "{}/signal?seite={side}",
        address.replace("http://", "ws://")
    );
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", address.parse().unwrap());
    request
}

/// [`open`] over a connection whose receive buffer is the smallest the kernel allows, for a
/// page that stops reading: what the server sends it piles up in the server's send buffer.
pub(crate) async fn open_small(app: &TestApp, cookie: &str, side: &str) -> Socket {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    let address = app.address.trim_start_matches("http://");
    let stream = socket.connect(address.parse().unwrap()).await.unwrap();
    let request = handshake(&app.address, cookie, side);
    tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
        .await
        .expect("socket")
        .0
}

/// [`open`] on the server at `address` (`http://…`).
pub(crate) async fn open_at(address: &str, cookie: &str, side: &str) -> Result<Socket, u16> {
    match tokio_tungstenite::connect_async(handshake(address, cookie, side)).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(e) => panic!("socket: {e}"),
    }
}

pub(crate) async fn send(socket: &mut Socket, message: ClientMessage) {
    let text = serde_json::to_string(&Envelope::new(message)).unwrap();
    socket.send(Message::text(text)).await.unwrap();
}

/// `pass` opens no room any more: its socket is refused (401), once its page heard the last
/// view on the socket it had; while the pass is still in the session the socket says why in a
/// last view and closes.
pub(crate) async fn opens_no_room(app: &TestApp, pass: &str) {
    let mut socket = match open(app, pass, "patient").await {
        Err(status) => return assert_eq!(status, 401),
        Ok(socket) => socket,
    };
    match next(&mut socket).await {
        Some(ServerMessage::WaitingRoom(view)) => assert!(
            !matches!(view.phase, PatientPhase::Waiting | PatientPhase::InCall),
            "{view:?}"
        ),
        other => panic!("expected the reason, got {other:?}"),
    }
    assert!(next(&mut socket).await.is_none(), "closed after the reason");
}

/// The next protocol message (pings are skipped); `None` when the socket closed.
pub(crate) async fn next(socket: &mut Socket) -> Option<ServerMessage> {
    loop {
        let frame = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("a message within 10 s");
        match frame {
            Some(Ok(Message::Text(text))) => {
                let envelope: Envelope<ServerMessage> = serde_json::from_str(&text).unwrap();
                assert_eq!(envelope.v, 1);
                return Some(envelope.message);
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            _ => return None,
        }
    }
}

/// Reads roster updates until one satisfies `check`.
pub(crate) async fn roster_until(socket: &mut Socket, check: impl Fn(&Roster) -> bool) -> Roster {
    loop {
        match next(socket).await {
            Some(ServerMessage::Roster(roster)) if check(&roster) => return roster,
            Some(_) => continue,
            None => panic!("doctor socket closed"),
        }
    }
}

/// A frame no page sends: every socket answers it with `Malformed`, in turn with its other
/// messages.
pub(crate) const MARKER: &str = r#"{"v":1,"type":"marker"}"#;

/// Sends [`MARKER`] and reads up to its answer; gives what came before it (pings aside).
///
/// This proves that nothing caused before the call is on its way, without waiting for time to
/// pass: the app runs on the test's own thread (`#[tokio::test]` is a current-thread runtime),
/// so a task woken by an earlier event runs, and writes to its socket, before the test task
/// gets to send the marker; the socket's task answers the marker after that.
pub(crate) async fn before_marker(socket: &mut Socket) -> Vec<ServerMessage> {
    socket.send(Message::text(MARKER)).await.unwrap();
    let mut before = Vec::new();
    loop {
        match next(socket).await {
            Some(ServerMessage::Error {
                code: ErrorCode::Malformed,
            }) => return before,
            Some(message) => before.push(message),
            None => panic!("the socket closed before answering the marker; before it: {before:?}"),
        }
    }
}

/// Nothing has arrived (pings aside) that anything before this call caused.
pub(crate) async fn silent(socket: &mut Socket) -> bool {
    let before = before_marker(socket).await;
    assert_eq!(before, Vec::new(), "messages before the marker");
    before.is_empty()
}

/// A doctor logged in (after the clock moved) with the session cookie for the socket.
pub(crate) async fn doctor_cookie(app: &TestApp, email: &str) -> String {
    let browser = app.new_browser();
    let login = browser
        .post(format!("{}/anmelden", app.address))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&login), "/praxis");
    session_cookie(&login).expect("login cookie")
}

/// The patient types name and code; returns the pass cookie.
pub(crate) async fn patient_enters(app: &TestApp, name: &str, code: &str) -> String {
    let response = crate::patient_entry::entry_response(&app.address, name, code).await;
    assert_eq!(location(&response), "/videosprechstunde/raum");
    session_cookie(&response).expect("patient cookie")
}

/// A form post with `cookie` from our own page.
pub(crate) async fn post_as(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}{path}", app.address))
        .header("cookie", cookie)
        .header("origin", &app.address)
        .form(&[("x", "")])
        .send()
        .await
        .unwrap()
}

/// Books an appointment and moves the clock to ten minutes before it.
/// A practice with a patient waiting: the doctor's login cookie and list socket, the
/// appointment's id and the patient's socket, after the patient's first view and the list
/// showing them waiting.
pub(crate) struct Waiting {
    pub cookie: String,
    pub doctor: Socket,
    pub id: String,
    pub patient: Socket,
}

pub(crate) async fn patient_waiting(app: &TestApp, email: &str) -> Waiting {
    let code = ten_minutes_before(app, email).await;
    let cookie = doctor_cookie(app, email).await;
    let mut doctor = open(app, &cookie, "praxis").await.unwrap();
    let id = roster_until(&mut doctor, |_| true).await.entries[0]
        .appointment
        .clone();
    let mut patient = open(
        app,
        &patient_enters(app, "Erika Mustermann", &code).await,
        "patient",
    )
    .await
    .unwrap();
    next(&mut patient).await;
    roster_until(&mut doctor, |r| r.waiting == 1).await;
    Waiting {
        cookie,
        doctor,
        id,
        patient,
    }
}

pub(crate) async fn ten_minutes_before(app: &TestApp, email: &str) -> String {
    let (code, starts) = booked(app, email).await;
    app.clock
        .advance(starts - ChronoDuration::minutes(10) - app.clock.now());
    code
}

#[tokio::test]
async fn the_doctor_sees_the_patient_arrive_sends_a_note_admits_and_sees_them_leave() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "anna@praxis.de").await;
    let mut doctor = open(&app, &doctor_cookie(&app, "anna@praxis.de").await, "praxis")
        .await
        .expect("doctor socket");
    let roster = roster_until(&mut doctor, |_| true).await;
    assert_eq!(roster.waiting, 0);
    assert_eq!(roster.entries.len(), 1);
    assert_eq!(roster.entries[0].status, RosterStatus::NotArrived);
    assert_eq!(roster.entries[0].booked_name, "Erika Mustermann");
    let id = roster.entries[0].appointment.clone();

    // Another name than booked is let in; the doctor sees both names.
    let pass = patient_enters(&app, "  Erika   Musterfrau ", &code).await;
    let room = reqwest::Client::new()
        .get(format!("{}/videosprechstunde/raum", app.address))
        .header("cookie", &pass)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(room.contains("10:00 Uhr"), "{room}");
    let mut patient = open(&app, &pass, "patient").await.expect("patient socket");
    match next(&mut patient).await {
        Some(ServerMessage::WaitingRoom(view)) => {
            assert_eq!(view.phase, PatientPhase::Waiting);
            assert!(view.appointment_time.ends_with("10:00 Uhr"), "{view:?}");
            assert_eq!(view.note, None);
        }
        other => panic!("{other:?}"),
    }
    let roster = roster_until(&mut doctor, |r| r.waiting == 1).await;
    let entry = &roster.entries[0];
    assert_eq!(entry.status, RosterStatus::Waiting);
    assert_eq!(entry.entered_name.as_deref(), Some("Erika Musterfrau"));
    assert!(entry.names_differ);
    assert!(entry.since.is_some());

    send(
        &mut doctor,
        ClientMessage::SendNote {
            appointment: id.clone(),
            text: "Ich komme in 5 Minuten".into(),
        },
    )
    .await;
    match next(&mut patient).await {
        Some(ServerMessage::WaitingRoom(view)) => {
            assert_eq!(view.note.as_deref(), Some("Ich komme in 5 Minuten"));
        }
        other => panic!("{other:?}"),
    }

    send(
        &mut doctor,
        ClientMessage::Admit {
            appointment: id.clone(),
        },
    )
    .await;
    let mut admitted = false;
    while !admitted {
        match next(&mut doctor).await {
            Some(ServerMessage::Admitted { appointment }) => {
                assert_eq!(appointment, id);
                admitted = true;
            }
            Some(ServerMessage::Roster(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    // No consent on record: the admission is in the practice's audit log.
    assert_eq!(
        crate::helpers::query_one_string(
            app.conn(),
            "SELECT action FROM audit_entry WHERE action = 'admitted-without-consent'"
        )
        .await,
        "admitted-without-consent"
    );
    // …with the patient's name: the one entry where it matters (the owner logs in again: the
    // clock moved past the login's 12 hours).
    app.log_in("anna@praxis.de", crate::helpers::PASSWORD).await;
    let log = app.html("/praxis/protokoll").await;
    let page = crate::html::Page::parse(&log);
    let row = page
        .select("tr")
        .into_iter()
        .find(|r| crate::html::text(*r).contains("Ohne bestätigte Einwilligung eingelassen"))
        .unwrap_or_else(|| panic!("the entry on the Protokoll page: {log}"));
    let cells = crate::html::text_in(row, "td");
    assert!(cells.iter().any(|c| c == "Erika Mustermann"), "{cells:?}");
    match next(&mut patient).await {
        Some(ServerMessage::WaitingRoom(view)) => assert_eq!(view.phase, PatientPhase::InCall),
        other => panic!("{other:?}"),
    }
    roster_until(&mut doctor, |r| r.entries[0].status == RosterStatus::InCall).await;
    // Admitting twice is refused.
    assert_eq!(
        admitting(&mut doctor, &id).await,
        Err(ErrorCode::WrongState)
    );

    send(
        &mut doctor,
        ClientMessage::BackToWaiting {
            appointment: id.clone(),
        },
    )
    .await;
    match next(&mut patient).await {
        Some(ServerMessage::WaitingRoom(view)) => assert_eq!(view.phase, PatientPhase::Waiting),
        other => panic!("{other:?}"),
    }
    let since = roster_until(&mut doctor, |r| r.waiting == 1).await.entries[0]
        .since
        .clone();

    // A reload keeps the place: the socket closes and opens again, the arrival time stays.
    drop(patient);
    let mut patient = open(&app, &pass, "patient").await.expect("again");
    assert!(matches!(
        next(&mut patient).await,
        Some(ServerMessage::WaitingRoom(_))
    ));
    let roster = roster_until(&mut doctor, |r| r.waiting == 1).await;
    assert_eq!(roster.entries[0].since, since);

    // "Wartezimmer verlassen": the patient's socket hears it and closes, the doctor's list
    // says so at once, and the pass no longer opens the room.
    let left = post_as(&app, &pass, "/videosprechstunde/verlassen").await;
    assert_eq!(location(&left), "/videosprechstunde?verlassen");
    match next(&mut patient).await {
        Some(ServerMessage::WaitingRoom(view)) => assert_eq!(view.phase, PatientPhase::Left),
        other => panic!("{other:?}"),
    }
    assert!(
        next(&mut patient).await.is_none(),
        "socket closed after leaving"
    );
    let roster = roster_until(&mut doctor, |r| r.entries[0].status == RosterStatus::Left).await;
    assert_eq!(roster.waiting, 0);
    // Their place is kept a few seconds (a reload would come back to it): a note to all
    // waiting is not stored for them, and a click on a list that still showed them waiting
    // admits nobody (the socket carries out one message after the other).
    send(
        &mut doctor,
        ClientMessage::NoteToAll {
            text: "Nur für Wartende".into(),
        },
    )
    .await;
    assert_eq!(
        admitting(&mut doctor, &id).await,
        Err(ErrorCode::WrongState)
    );
    let note = crate::helpers::query_one_string(
        app.conn(),
        "SELECT COALESCE(doctor_note, '') FROM appointment",
    )
    .await;
    assert_ne!(note, "Nur für Wartende");
    opens_no_room(&app, &pass).await;
}

/// The doctor's list lets `id` in: `Ok` when the call page opens, the error otherwise (list
/// updates meanwhile skipped).
async fn admitting(doctor: &mut Socket, id: &str) -> Result<(), ErrorCode> {
    send(
        doctor,
        ClientMessage::Admit {
            appointment: id.to_owned(),
        },
    )
    .await;
    loop {
        match next(doctor).await {
            Some(ServerMessage::Error { code }) => return Err(code),
            Some(ServerMessage::Admitted { .. }) => return Ok(()),
            Some(ServerMessage::Roster(_)) => {}
            other => panic!("{other:?}"),
        }
    }
}

/// The practice books another appointment for today and moves the waiting patient's by a
/// few minutes: the open live list shows the new one at once, the waiting patient's page the
/// new time.
#[tokio::test]
async fn a_booking_and_a_new_time_reach_the_open_list_and_the_waiting_page_at_once() {
    let app = crate::helpers::spawn_app().await;
    let email = "termine@praxis.de";
    let Waiting {
        mut doctor,
        id,
        mut patient,
        ..
    } = patient_waiting(&app, email).await;
    // Logged in again: the clock moved on by days since the first login.
    app.log_in(email, PASSWORD).await;
    let date = app::time::berlin_date(app.clock.now()).to_string();
    let form = |action: &str, name: &str, mail: &str, time: &str| {
        vec![
            ("action", action.to_owned()),
            ("patient_name", name.to_owned()),
            ("patient_email", mail.to_owned()),
            ("date", date.clone()),
            ("time", time.to_owned()),
            ("duration", "50".to_owned()),
        ]
    };
    let created = app
        .post_form(
            "/praxis/termine/neu",
            &form("create", "Max Muster", "max@example.org", "12:00"),
        )
        .await;
    assert_eq!(created.status(), 303);
    let roster = roster_until(&mut doctor, |r| r.entries.len() == 2).await;
    assert!(
        roster.entries.iter().any(|e| e.booked_name == "Max Muster"),
        "{roster:?}"
    );

    let moved = app
        .post_form(
            &format!("/praxis/termin/{id}"),
            &form("update", "Erika Mustermann", "erika@example.org", "10:05"),
        )
        .await;
    assert_eq!(location(&moved), format!("/praxis/termin/{id}?gespeichert"));
    let view = loop {
        match next(&mut patient).await {
            Some(ServerMessage::WaitingRoom(view)) => break view,
            Some(_) => continue,
            None => panic!("the patient's socket closed"),
        }
    };
    assert!(view.appointment_time.contains("10:05 Uhr"), "{view:?}");
    assert_eq!(view.phase, PatientPhase::Waiting);
}

#[tokio::test]
async fn closing_the_tab_takes_the_patient_off_the_list_within_seconds() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "ben@praxis.de").await;
    let mut doctor = open(&app, &doctor_cookie(&app, "ben@praxis.de").await, "praxis")
        .await
        .unwrap();
    let pass = patient_enters(&app, "Erika Mustermann", &code).await;
    let mut patient = open(&app, &pass, "patient").await.unwrap();
    next(&mut patient).await;
    roster_until(&mut doctor, |r| r.waiting == 1).await;
    let closed_at = std::time::Instant::now();
    patient.close(None).await.unwrap();
    drop(patient);
    let roster = roster_until(&mut doctor, |r| r.waiting == 0).await;
    let took = closed_at.elapsed();
    assert_eq!(roster.entries[0].status, RosterStatus::Left);
    assert!(
        took >= Duration::from_secs(4) && took < Duration::from_secs(8),
        "off the list after the 5 s reconnect grace, took {took:?}"
    );
}

#[tokio::test]
async fn another_practice_and_another_patient_see_and_do_nothing() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "cara@praxis.de").await;
    let mut doctor = open(&app, &doctor_cookie(&app, "cara@praxis.de").await, "praxis")
        .await
        .unwrap();
    let id = roster_until(&mut doctor, |_| true).await.entries[0]
        .appointment
        .clone();
    let pass = patient_enters(&app, "Erika Mustermann", &code).await;
    let mut patient = open(&app, &pass, "patient").await.unwrap();
    next(&mut patient).await;

    // Practice B: an empty list, and A's appointment does not exist for it.
    app.practice_b("bruno@praxis-b.de").await;
    let mut other = open(
        &app,
        &doctor_cookie(&app, "bruno@praxis-b.de").await,
        "praxis",
    )
    .await
    .unwrap();
    let roster = roster_until(&mut other, |_| true).await;
    assert!(roster.entries.is_empty());
    for message in [
        ClientMessage::Admit {
            appointment: id.clone(),
        },
        ClientMessage::SendNote {
            appointment: id.clone(),
            text: "Hallo".into(),
        },
        ClientMessage::Remove {
            appointment: id.clone(),
        },
    ] {
        send(&mut other, message).await;
        assert_eq!(
            next(&mut other).await,
            Some(ServerMessage::Error {
                code: ErrorCode::UnknownAppointment
            })
        );
    }
    assert!(silent(&mut patient).await, "the patient heard nothing of B");

    // A patient cannot act: no doctor's message works from the patient's socket.
    send(
        &mut patient,
        ClientMessage::Admit {
            appointment: id.clone(),
        },
    )
    .await;
    assert_eq!(
        next(&mut patient).await,
        Some(ServerMessage::Error {
            code: ErrorCode::NotAllowed
        })
    );
    send(
        &mut patient,
        ClientMessage::NoteToAll {
            text: "Hallo alle".into(),
        },
    )
    .await;
    assert_eq!(
        next(&mut patient).await,
        Some(ServerMessage::Error {
            code: ErrorCode::NotAllowed
        })
    );

    // Without a pass or a login there is no socket; nor from another site's page.
    assert_eq!(
        open(&app, "sprechzimmer=nothing", "patient").await.err(),
        Some(401)
    );
    assert_eq!(
        open(&app, "sprechzimmer=nothing", "praxis").await.err(),
        Some(401)
    );
    let mut request = format!(
        "{}/signal?seite=patient",
        app.address.replace("http://", "ws://")
    )
    .into_client_request()
    .unwrap();
    request
        .headers_mut()
        .insert("cookie", pass.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 403),
        other => panic!("foreign origin accepted: {:?}", other.map(|_| ())),
    }

    // Removing ends the pass: the patient is told, the socket closes, the pass stops working.
    send(
        &mut doctor,
        ClientMessage::Remove {
            appointment: id.clone(),
        },
    )
    .await;
    match next(&mut patient).await {
        Some(ServerMessage::WaitingRoom(view)) => assert_eq!(view.phase, PatientPhase::Removed),
        other => panic!("{other:?}"),
    }
    opens_no_room(&app, &pass).await;
}

#[tokio::test]
async fn two_patients_of_one_practice_hear_only_their_own_notes() {
    let app = crate::helpers::spawn_app().await;
    let code_x = ten_minutes_before(&app, "dora@praxis.de").await;
    // The solo doctor has X 10:00–10:50; Y follows at 10:50 (its code opens at 10:20).
    let date = app::time::berlin_date(app.clock.now());
    let form = vec![
        ("action", "create".to_owned()),
        ("patient_name", "Max Muster".into()),
        ("patient_email", "max@example.org".into()),
        ("date", date.to_string()),
        ("time", "10:50".into()),
        ("duration", "20".into()),
        ("confirm_outside", "on".into()),
    ];
    let cookie = doctor_cookie(&app, "dora@praxis.de").await;
    let created = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/praxis/termine/neu", app.address))
        .header("cookie", &cookie)
        .header("origin", &app.address)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    let mails = app.inbox.wait_for_messages(3, WAIT).await;
    let code_y = mails
        .iter()
        .find(|m| m.to == vec!["max@example.org".to_owned()])
        .unwrap()
        .text
        .split_whitespace()
        .find(|w| w.len() == 14 && w.as_bytes()[4] == b'-')
        .unwrap()
        .to_owned();

    app.clock.advance(ChronoDuration::minutes(35));
    let cookie = doctor_cookie(&app, "dora@praxis.de").await;
    let mut doctor = open(&app, &cookie, "praxis").await.unwrap();
    let mut x = open(
        &app,
        &patient_enters(&app, "Erika Mustermann", &code_x).await,
        "patient",
    )
    .await
    .unwrap();
    let mut y = open(
        &app,
        &patient_enters(&app, "Max Muster", &code_y).await,
        "patient",
    )
    .await
    .unwrap();
    next(&mut x).await;
    next(&mut y).await;
    let roster = roster_until(&mut doctor, |r| r.waiting == 2).await;
    let id_y = roster
        .entries
        .iter()
        .find(|e| e.booked_name == "Max Muster")
        .unwrap()
        .appointment
        .clone();
    send(
        &mut doctor,
        ClientMessage::SendNote {
            appointment: id_y,
            text: "Nur für Y".into(),
        },
    )
    .await;
    match next(&mut y).await {
        Some(ServerMessage::WaitingRoom(view)) => {
            assert_eq!(view.note.as_deref(), Some("Nur für Y"))
        }
        other => panic!("{other:?}"),
    }
    assert!(silent(&mut x).await, "X hears nothing of Y's note");

    send(
        &mut doctor,
        ClientMessage::NoteToAll {
            text: "Heute 10 Minuten später".into(),
        },
    )
    .await;
    for socket in [&mut x, &mut y] {
        match next(socket).await {
            Some(ServerMessage::WaitingRoom(view)) => {
                assert_eq!(view.note.as_deref(), Some("Heute 10 Minuten später"));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn random_and_malformed_frames_are_answered_and_the_server_keeps_serving() {
    let app = crate::helpers::spawn_app().await;
    ten_minutes_before(&app, "emil@praxis.de").await;
    let cookie = doctor_cookie(&app, "emil@praxis.de").await;
    let mut doctor = open(&app, &cookie, "praxis").await.unwrap();
    roster_until(&mut doctor, |_| true).await;

    // A fixed-seed xorshift: random frames, the same every run.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let shapes = [
        r#"{"v":1,"type":"admit","appointment":"%"}"#,
        r#"{"v":1,"type":"send_note","appointment":"%","text":"%"}"#,
        r#"{"v":%,"type":"finish","appointment":"x"}"#,
        r#"{"type":"%"}"#,
        "%",
    ];
    // 40 refusals: below the 50 after which a socket is closed as abusive. This part is about
    // content, so it stays under the rate limit without waiting: a fresh socket (a full
    // bucket of 20) every 10 frames.
    for round in 0..40 {
        if round % 10 == 0 {
            doctor = open(&app, &cookie, "praxis").await.unwrap();
            roster_until(&mut doctor, |_| true).await;
        }
        let junk: String = (0..(random() % 64))
            .map(|_| char::from_u32((random() % 0x2FF) as u32 + 1).unwrap_or('?'))
            .collect();
        let junk = junk.replace(['"', '\\'], "");
        let text = shapes[round % shapes.len()].replace('%', &junk);
        doctor.send(Message::text(text.clone())).await.unwrap();
        match next(&mut doctor).await {
            Some(ServerMessage::Error { code }) if code != ErrorCode::RateLimited => {}
            other => panic!("{text:?} got {other:?}"),
        }
    }
    doctor
        .send(Message::binary(vec![0u8, 159, 146, 150]))
        .await
        .unwrap();
    assert_eq!(
        next(&mut doctor).await,
        Some(ServerMessage::Error {
            code: ErrorCode::Malformed
        })
    );
    let big = format!(
        r#"{{"v":1,"type":"note_to_all","text":"{}"}}"#,
        "x".repeat(40 * 1024)
    );
    doctor.send(Message::text(big)).await.unwrap();
    assert_eq!(
        next(&mut doctor).await,
        Some(ServerMessage::Error {
            code: ErrorCode::TooLarge
        })
    );

    // A flood (on a fresh socket) is cut down to the rate limit.
    let mut doctor = open(&app, &cookie, "praxis").await.unwrap();
    roster_until(&mut doctor, |_| true).await;
    for _ in 0..60 {
        doctor
            .send(Message::text(
                r#"{"v":1,"type":"finish","appointment":"x"}"#,
            ))
            .await
            .unwrap();
    }
    let mut limited = 0;
    for _ in 0..60 {
        if let Some(ServerMessage::Error {
            code: ErrorCode::RateLimited,
        }) = next(&mut doctor).await
        {
            limited += 1;
        }
    }
    assert!(
        limited >= 30,
        "only {limited} of 60 flooded messages were limited"
    );

    // Past 50 refusals the socket is closed as abusive (frames that are no JSON are refused
    // before the rate limit, so they need no pacing).
    for _ in 0..15 {
        let _ = doctor.send(Message::text("not json")).await;
    }
    let mut closed = false;
    for _ in 0..20 {
        if next(&mut doctor).await.is_none() {
            closed = true;
            break;
        }
    }
    assert!(closed, "an abusive socket is closed");
    let mut doctor = open(&app, &cookie, "praxis").await.unwrap();
    roster_until(&mut doctor, |_| true).await;

    // A frame over the hard limit closes that socket only.
    let huge = "x".repeat(100 * 1024);
    let _ = doctor.send(Message::text(huge)).await;
    assert!(next(&mut doctor).await.is_none());

    let health = reqwest::get(format!("{}/health/live", app.address))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let mut again = open(&app, &cookie, "praxis").await.expect("new socket");
    assert!(matches!(
        next(&mut again).await,
        Some(ServerMessage::Roster(_))
    ));
}

/// The call page's two buttons as plain form posts (no JavaScript needed).
async fn call_button(app: &TestApp, cookie: &str, id: &str, action: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/praxis/gespraech/{id}", app.address))
        .header("cookie", cookie)
        .header("origin", &app.address)
        .form(&[("action", action)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_call_pages_buttons_send_the_patient_back_and_end_the_consultation_as_forms() {
    let app = crate::helpers::spawn_app().await;
    let Waiting {
        cookie,
        mut doctor,
        id,
        mut patient,
    } = patient_waiting(&app, "wilma@praxis.de").await;
    let admit = || ClientMessage::Admit {
        appointment: id.clone(),
    };
    let phase = |message: Option<ServerMessage>| match message {
        Some(ServerMessage::WaitingRoom(view)) => view.phase,
        other => panic!("{other:?}"),
    };

    send(&mut doctor, admit()).await;
    assert_eq!(phase(next(&mut patient).await), PatientPhase::InCall);
    let back = call_button(&app, &cookie, &id, "zurueck").await;
    assert_eq!(location(&back), "/praxis?zurueck");
    assert_eq!(phase(next(&mut patient).await), PatientPhase::Waiting);

    send(&mut doctor, admit()).await;
    assert_eq!(phase(next(&mut patient).await), PatientPhase::InCall);
    let ended = call_button(&app, &cookie, &id, "beenden").await;
    assert_eq!(location(&ended), "/praxis?beendet");
    assert_eq!(phase(next(&mut patient).await), PatientPhase::Finished);
    assert_eq!(
        crate::helpers::query_one_string(
            app.conn(),
            "SELECT CASE WHEN finished_at IS NULL THEN 'open' ELSE 'finished' END FROM appointment"
        )
        .await,
        "finished"
    );

    // Pressed again (a second tab): back to the call page, which shows how things stand.
    let again = call_button(&app, &cookie, &id, "beenden").await;
    assert_eq!(location(&again), format!("/praxis/gespraech/{id}?stand"));
    assert_eq!(call_button(&app, &cookie, &id, "weg").await.status(), 400);
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        call_button(&app, &cookie, &unknown, "beenden")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn the_call_page_loads_an_own_appointment_only_for_logins_that_hold_calls() {
    let app = crate::helpers::spawn_app().await;
    ten_minutes_before(&app, "xaver@praxis.de").await;
    app.log_in("xaver@praxis.de", PASSWORD).await;
    let id = roster_until(
        &mut open(
            &app,
            &doctor_cookie(&app, "xaver@praxis.de").await,
            "praxis",
        )
        .await
        .unwrap(),
        |_| true,
    )
    .await
    .entries[0]
        .appointment
        .clone();
    let load = |browser: reqwest::Client, id: String| {
        let url = format!("{}/api/praxis/gespraech?id={id}", app.address);
        async move { browser.get(url).send().await.unwrap() }
    };

    let entry = load(app.client.clone(), id.clone()).await;
    assert_eq!(entry.status(), 200);
    let entry: app::signalling::types::RosterEntry = entry.json().await.unwrap();
    assert_eq!(entry.appointment, id);
    assert_eq!(entry.booked_name, "Erika Mustermann");
    assert_eq!(entry.status, RosterStatus::NotArrived);
    assert_eq!(
        app.get(&format!("/praxis/gespraech/{id}")).await.status(),
        200
    );
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_eq!(load(app.client.clone(), unknown).await.status(), 404);
    assert_eq!(load(app.new_browser(), id.clone()).await.status(), 401);
    let team = app
        .invite_and_log_in("tresen@praxis.de", "team", PASSWORD)
        .await;
    assert_eq!(load(team.clone(), id.clone()).await.status(), 403);

    // "Angemeldet bleiben" answers for a login only.
    let keep = |browser: reqwest::Client| {
        let url = format!("{}/api/praxis/sitzung-verlaengern", app.address);
        async move { browser.post(url).send().await.unwrap().status() }
    };
    assert_eq!(keep(app.client.clone()).await, 200);
    assert_eq!(keep(team).await, 200);
    assert_eq!(keep(app.new_browser()).await, 401);
}

/// The live list is part of the page as sent (on a phone, a list filled in after load pushed
/// the page down), for the practice's doctors only; its data endpoint gives nobody else a list.
#[tokio::test]
async fn the_live_list_comes_with_the_page_and_only_to_the_practices_doctors() {
    let app = crate::helpers::spawn_app().await;
    let _patient = erika_waits_for_liese(&app).await;
    let roster = |browser: reqwest::Client| {
        let url = format!("{}/api/praxis/warteliste", app.address);
        async move { browser.get(url).send().await.unwrap() }
    };
    crate::helpers::eventually("the patient counted as waiting", || async {
        let list = roster(app.client.clone()).await;
        let list: Option<app::signalling::types::Roster> = list.json().await.ok()?;
        (list?.waiting == 1).then_some(())
    })
    .await;
    let page_panel = |html: String| {
        let start = html
            .find("waiting-panel")
            .expect("the live list is on the page");
        html[start..].to_owned()
    };

    // Read from the database (no list open anywhere), then from the open list's feed.
    for round in ["no list open", "a list open"] {
        let _doctor = if round == "a list open" {
            let mut doctor = open(
                &app,
                &doctor_cookie(&app, "liese@praxis.de").await,
                "praxis",
            )
            .await
            .unwrap();
            roster_until(&mut doctor, |r| r.waiting == 1).await;
            Some(doctor)
        } else {
            None
        };
        let page = app.get("/praxis").await.text().await.unwrap();
        // The count is in the tab's title from the first paint.
        let title = crate::html::text(crate::html::Page::parse(&page).one("title"));
        assert!(title.starts_with("(1) "), "{round}: {title}");
        let html = page_panel(page);
        assert!(html.contains("1 wartet"), "{round}: {html:.400}");
        assert!(html.contains("Erika Mustermann"), "{round}");
        assert!(html.contains("wartet seit"), "{round}");
        assert!(!html.contains("Die Liste wird geladen"), "{round}");
        let list = roster(app.client.clone()).await;
        assert_eq!(list.status(), 200, "{round}");
        let list: app::signalling::types::Roster = list.json::<Option<_>>().await.unwrap().unwrap();
        assert_eq!(list.waiting, 1, "{round}");
        assert_eq!(list.entries[0].booked_name, "Erika Mustermann", "{round}");
    }

    // Nobody else: a stranger, the practice's team (no calls), another practice's doctor.
    assert_eq!(roster(app.new_browser()).await.status(), 401);
    let team = app
        .invite_and_log_in("empfang@praxis.de", "team", PASSWORD)
        .await;
    let for_team = roster(team.clone()).await;
    assert_eq!(for_team.status(), 200);
    assert_eq!(
        for_team.text().await.unwrap(),
        "null",
        "the team gets no list"
    );
    let team_page = app.html_in(&team, "/praxis").await;
    assert!(!team_page.contains("waiting-panel"));
    assert!(!team_page.contains("<title>("), "no count for the team");
    let other = app.practice_b("berta@praxis-b.de").await;
    let list: Option<app::signalling::types::Roster> =
        roster(other.clone()).await.json().await.unwrap();
    assert!(list.unwrap().entries.is_empty());
    let other_page = app.html_in(&other, "/praxis").await;
    assert!(!other_page.contains("Erika Mustermann"));
    // Nobody waits there: the plain title.
    let title = crate::html::text(crate::html::Page::parse(&other_page).one("title"));
    assert!(
        title.ends_with("– Sprechzimmer") && !title.starts_with('('),
        "{title}"
    );
}

/// Erika Mustermann, booked with liese@praxis.de (logged in as `app.client`) ten minutes from
/// now, waiting on her socket: its first message has come, so the server counts her as waiting.
async fn erika_waits_for_liese(app: &TestApp) -> Socket {
    let code = ten_minutes_before(app, "liese@praxis.de").await;
    app.log_in("liese@praxis.de", PASSWORD).await;
    let pass = patient_enters(app, "Erika Mustermann", &code).await;
    let mut patient = open(app, &pass, "patient").await.unwrap();
    next(&mut patient).await;
    patient
}

/// KV-Antrag and Vertrag carry no script (issue 24): the frame shows the waiting count as it
/// was when the page was made (with the link to the live list, and in the title), and warns
/// before the idle logout and says when the session has ended with CSS instead of the island.
#[tokio::test]
async fn pages_without_script_show_the_waiting_count_and_a_timed_idle_warning() {
    let app = crate::helpers::spawn_app().await;
    let _patient = erika_waits_for_liese(&app).await;
    let session = app.state.settings.session.inactivity_minutes * 60;

    for path in ["/praxis/kv-antrag", "/praxis/vertrag"] {
        let waiting = crate::helpers::eventually("the patient counted", || async {
            let response = app.get(path).await;
            let csp = response.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_owned();
            let html = response.text().await.unwrap();
            html.contains("1 wartet").then_some((csp, html))
        })
        .await;
        let (csp, html) = waiting;
        let page = crate::html::Page::parse(&html);
        assert_eq!(page.count("script"), 0, "{path}: no script");
        assert_eq!(page.count("leptos-island"), 0, "{path}: no island");
        let title = crate::html::text(page.one("title"));
        assert!(title.starts_with("(1) "), "{path}: {title}");
        let snapshot = crate::html::text(page.one(".waiting-snapshot"));
        assert!(
            snapshot.contains("1 wartet") && snapshot.contains("Stand beim Öffnen"),
            "{path}: {snapshot}"
        );
        assert_eq!(page.attr(".waiting-snapshot a", "href"), ["/praxis"]);
        assert!(
            !html.contains("Erika Mustermann"),
            "{path}: names only in the live list"
        );

        // The warning shows two minutes before the session ends, the notice that it has ended
        // when it has; their delays are in a style element that the page's CSP admits by its
        // nonce (any other inline style stays blocked). No timed refresh (WCAG 2.2.1).
        assert_eq!(page.count(r#"meta[http-equiv="refresh"]"#), 0, "{path}");
        let styles = page.select("style");
        assert_eq!(styles.len(), 1, "{path}");
        let style = styles[0];
        let nonce = style.value().attr("nonce").expect("the style's nonce");
        assert!(
            csp.contains(&format!("style-src 'self' 'nonce-{nonce}'")),
            "{csp}"
        );
        let delays = crate::html::text(style);
        assert!(
            delays.contains(&format!(
                "div.idle-warning.timed{{animation-delay:{}s}}",
                session - 120
            )) && delays.contains(&format!("div.idle-ended{{animation-delay:{session}s}}")),
            "{path}: {delays}"
        );
        let warning = page.one(r#".idle-warning[role="alertdialog"]"#);
        assert!(crate::html::text(warning).contains("in 2 Minuten automatisch abgemeldet"));
        let ended = page.one(r#".idle-ended[role="alertdialog"]"#);
        assert!(crate::html::text(ended).contains("nach längerer Inaktivität abgemeldet"));
        assert_eq!(page.attr(".idle-ended a", "href"), ["/anmelden?abgelaufen"]);
        // "Angemeldet bleiben" loads the page again, which renews the session.
        assert_eq!(page.attr(".idle-warning a", "href"), [path]);
    }
    // The pages with the live list keep their script (and no timed warning).
    let home = app.get("/praxis").await.text().await.unwrap();
    let home = crate::html::Page::parse(&home);
    assert_eq!(home.count("script[type=module]"), 1);
    assert_eq!(home.count(r#"meta[http-equiv="refresh"]"#), 0);
    assert_eq!(home.count("style"), 0);
}

/// The waiting-room benchmark reads the note's times at the server from the log: every time
/// noted reaches it, in order, a second's times over the cap are counted as dropped, and
/// nothing is noted while `delivery` is not logged.
#[test]
fn every_delivery_time_noted_reaches_the_log_and_drops_are_counted() {
    use app::waiting_room::delivery;
    {
        let (log, _guard) = CapturedLog::on_this_thread("warn");
        delivery::note(Duration::from_micros(700));
        delivery::write_noted();
        assert_eq!(log.text(), "");
    }
    let (log, _guard) = CapturedLog::on_this_thread("warn,delivery=debug");
    // Not noted before (the filter was off): nothing of it comes now.
    delivery::write_noted();
    assert_eq!(log.text(), "");
    for micros in [1500, 250, 9000] {
        delivery::note(Duration::from_micros(micros));
    }
    delivery::write_noted();
    let times: Vec<String> = log
        .text()
        .lines()
        .filter(|line| line.contains("patient view sent"))
        .filter_map(|line| line.split("micros=").nth(1).map(str::to_owned))
        .collect();
    assert_eq!(times, ["1500", "250", "9000"]);
    // Written once: the next write has nothing new.
    delivery::write_noted();
    assert_eq!(log.text().lines().count(), 3);

    let (log, _guard) = CapturedLog::on_this_thread("warn,delivery=debug");
    for _ in 0..100_002 {
        delivery::note(Duration::from_micros(1));
    }
    delivery::write_noted();
    let text = log.text();
    assert_eq!(text.matches("patient view sent micros=1").count(), 100_000);
    assert!(
        text.contains("dropped=2"),
        "{}",
        &text[..200.min(text.len())]
    );
}
