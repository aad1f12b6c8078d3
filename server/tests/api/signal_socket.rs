//! The signalling socket itself (app/src/waiting_room/socket.rs) over a real connection: who
//! may open which side, control frames, each kind of bad frame with its own answer, the two
//! size limits at their edges, the doctor's messages that the list refuses, a closing
//! handshake that frees the login's place, and the restart that tells every page to
//! reconnect.

use crate::helpers::{spawn_app, spawn_app_with, PASSWORD};
use crate::waiting_room::{
    doctor_cookie, next, open, patient_enters, roster_until, send, silent, ten_minutes_before,
    Socket,
};
use app::signalling::types::{
    ClientMessage, ErrorCode, PatientPhase, ServerMessage, Signal, MAX_MESSAGE_BYTES,
    NOTE_MAX_CHARS,
};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::{protocol::frame::coding::CloseCode, Message};

const WAIT: Duration = Duration::from_secs(10);

/// The hard limit of socket.rs (`FRAME_LIMIT`): larger frames close the socket.
const FRAME_LIMIT: usize = 64 * 1024;

/// The next frame as it comes, control frames included; `None` when the connection ended.
async fn raw(socket: &mut Socket) -> Option<Message> {
    match tokio::time::timeout(WAIT, socket.next())
        .await
        .expect("a frame within 10 s")
    {
        Some(Ok(message)) => Some(message),
        Some(Err(_)) | None => None,
    }
}

/// Erika enters with `code` and opens her waiting room's socket.
async fn erika_waits(app: &crate::helpers::TestApp, code: &str) -> Socket {
    open(
        app,
        &patient_enters(app, "Erika Mustermann", code).await,
        "patient",
    )
    .await
    .unwrap()
}

async fn answer_to(socket: &mut Socket, text: String) -> Option<ServerMessage> {
    socket.send(Message::text(text)).await.unwrap();
    next(socket).await
}

fn error(code: ErrorCode) -> Option<ServerMessage> {
    Some(ServerMessage::Error { code })
}

#[tokio::test]
async fn a_request_that_is_no_websocket_handshake_is_refused_and_a_real_one_still_opens() {
    let app = spawn_app().await;
    let plain = app.get(app::signalling::types::SIGNAL_PATH).await;
    assert_eq!(plain.status(), 426, "Upgrade Required");
    assert!(plain
        .text()
        .await
        .unwrap()
        .contains("nur für die Verbindung der Videosprechstunde"));
    // A handshake of an older protocol version.
    let old = reqwest::Client::new()
        .get(format!(
            "{}{}",
            app.address,
            app::signalling::types::SIGNAL_PATH
        ))
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "8")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 426);
    assert_eq!(
        old.headers()["sec-websocket-version"],
        "13",
        "the version it speaks"
    );
    // The server is still there, and a browser's handshake opens the socket.
    ten_minutes_before(&app, "paula@praxis.de").await;
    let cookie = doctor_cookie(&app, "paula@praxis.de").await;
    let mut doctor = open(&app, &cookie, "praxis").await.unwrap();
    roster_until(&mut doctor, |_| true).await;
}

#[tokio::test]
async fn pings_are_answered_and_every_kind_of_bad_frame_gets_its_own_error() {
    let app = spawn_app().await;
    ten_minutes_before(&app, "paula@praxis.de").await;
    let cookie = doctor_cookie(&app, "paula@praxis.de").await;
    let mut doctor = open(&app, &cookie, "praxis").await.unwrap();
    roster_until(&mut doctor, |_| true).await;

    // A browser's (or proxy's) ping is answered with its payload.
    doctor
        .send(Message::Ping(b"noch da?".to_vec().into()))
        .await
        .unwrap();
    loop {
        match raw(&mut doctor).await {
            Some(Message::Pong(payload)) => {
                assert_eq!(&payload[..], b"noch da?");
                break;
            }
            // The server's own pings may cross it.
            Some(Message::Ping(_)) => continue,
            other => panic!("expected the pong, got {other:?}"),
        }
    }

    for (frame, expected) in [
        ("kein JSON".to_owned(), ErrorCode::Malformed),
        (r#"[1, 2, 3]"#.to_owned(), ErrorCode::Malformed),
        // A type this server does not know (a newer page, or a typo).
        (
            r#"{"v":1,"type":"admit_everyone"}"#.to_owned(),
            ErrorCode::Malformed,
        ),
        // A known type without its field.
        (r#"{"v":1,"type":"admit"}"#.to_owned(), ErrorCode::Malformed),
        // Another protocol version, or none.
        (
            r#"{"v":2,"type":"admit","appointment":"x"}"#.to_owned(),
            ErrorCode::UnsupportedVersion,
        ),
        (
            r#"{"type":"admit","appointment":"x"}"#.to_owned(),
            ErrorCode::UnsupportedVersion,
        ),
        // One byte over the protocol's size: refused before it is parsed.
        ("x".repeat(MAX_MESSAGE_BYTES + 1), ErrorCode::TooLarge),
    ] {
        let shown: String = frame.chars().take(60).collect();
        assert_eq!(
            answer_to(&mut doctor, frame).await,
            error(expected),
            "{shown}"
        );
    }
    // Still serving, in order.
    assert_eq!(
        answer_to(
            &mut doctor,
            r#"{"v":1,"type":"admit","appointment":"00000000-0000-0000-0000-000000000000"}"#
                .to_owned()
        )
        .await,
        error(ErrorCode::UnknownAppointment)
    );
}

#[tokio::test]
async fn a_frame_at_the_hard_limit_is_answered_and_one_byte_more_closes_only_that_socket() {
    let app = spawn_app().await;
    ten_minutes_before(&app, "quirin@praxis.de").await;
    let cookie = doctor_cookie(&app, "quirin@praxis.de").await;
    let mut doctor = open(&app, &cookie, "praxis").await.unwrap();
    roster_until(&mut doctor, |_| true).await;
    let mut other = open(&app, &cookie, "praxis").await.unwrap();
    roster_until(&mut other, |_| true).await;

    assert_eq!(
        answer_to(&mut doctor, "x".repeat(FRAME_LIMIT)).await,
        error(ErrorCode::TooLarge),
        "at the limit: read, and answered politely"
    );
    let _ = doctor
        .send(Message::text("x".repeat(FRAME_LIMIT + 1)))
        .await;
    loop {
        match raw(&mut doctor).await {
            None | Some(Message::Close(_)) => break,
            Some(Message::Ping(_) | Message::Pong(_)) => continue,
            Some(message) => panic!("the socket stays open: {message:?}"),
        }
    }
    // The login's other socket is untouched.
    assert!(silent(&mut other).await);
}

#[tokio::test]
async fn notes_are_one_line_of_at_most_200_characters_and_a_refused_one_reaches_nobody() {
    let app = spawn_app().await;
    let crate::waiting_room::Waiting {
        mut doctor,
        id,
        mut patient,
        ..
    } = crate::waiting_room::patient_waiting(&app, "rosa@praxis.de").await;

    let note = |text: String| ClientMessage::SendNote {
        appointment: id.clone(),
        text,
    };
    for (text, why) in [
        (String::new(), "empty"),
        ("   \t ".into(), "only blanks"),
        ("x".repeat(NOTE_MAX_CHARS + 1), "201 characters"),
        ("Bitte \u{7} warten".into(), "a control character"),
    ] {
        send(&mut doctor, note(text)).await;
        loop {
            match next(&mut doctor).await {
                Some(ServerMessage::Error { code }) => {
                    assert_eq!(code, ErrorCode::InvalidNote, "{why}");
                    break;
                }
                Some(ServerMessage::Roster(_)) => continue,
                other => panic!("{why}: {other:?}"),
            }
        }
        send(
            &mut doctor,
            ClientMessage::NoteToAll {
                text: "x".repeat(NOTE_MAX_CHARS + 1),
            },
        )
        .await;
        loop {
            match next(&mut doctor).await {
                Some(ServerMessage::Error { code }) => {
                    assert_eq!(code, ErrorCode::InvalidNote, "to all: {why}");
                    break;
                }
                Some(ServerMessage::Roster(_)) => continue,
                other => panic!("to all, {why}: {other:?}"),
            }
        }
    }
    assert!(
        silent(&mut patient).await,
        "no refused note reached the patient"
    );

    // 200 characters over several lines: one line, whitespace runs made single spaces.
    let long = format!("Bitte\n noch  {}", "e".repeat(NOTE_MAX_CHARS - 11));
    send(&mut doctor, note(long)).await;
    match next(&mut patient).await {
        Some(ServerMessage::WaitingRoom(view)) => {
            let shown = view.note.expect("the note");
            assert_eq!(shown.chars().count(), NOTE_MAX_CHARS);
            assert!(shown.starts_with("Bitte noch eee"), "{shown}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_list_refuses_call_messages_and_admits_only_a_patient_who_is_there() {
    let app = spawn_app().await;
    ten_minutes_before(&app, "sven@praxis.de").await;
    let cookie = doctor_cookie(&app, "sven@praxis.de").await;
    let mut doctor = open(&app, &cookie, "praxis").await.unwrap();
    let id = roster_until(&mut doctor, |_| true).await.entries[0]
        .appointment
        .clone();
    for message in [
        ClientMessage::JoinCall {
            instance: "liste-1".into(),
        },
        ClientMessage::Signal {
            signal: Signal::Candidate {
                candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host".into(),
                sdp_mid: None,
                sdp_m_line_index: None,
            },
            to: None,
        },
        ClientMessage::Hangup,
    ] {
        send(&mut doctor, message.clone()).await;
        assert_eq!(
            next(&mut doctor).await,
            error(ErrorCode::NotInCall),
            "{message:?}"
        );
    }
    // Booked but not arrived: nobody to let in.
    send(
        &mut doctor,
        ClientMessage::Admit {
            appointment: id.clone(),
        },
    )
    .await;
    assert_eq!(next(&mut doctor).await, error(ErrorCode::WrongState));
}

#[tokio::test]
async fn only_a_login_that_holds_calls_opens_a_list_and_a_call_page_needs_its_appointment() {
    let app = spawn_app().await;
    ten_minutes_before(&app, "tilo@praxis.de").await;
    // The clock moved: the owner logs in again to invite.
    app.log_in("tilo@praxis.de", PASSWORD).await;
    app.invite_and_log_in("empfang@praxis.de", "team", PASSWORD)
        .await;
    let team = doctor_cookie(&app, "empfang@praxis.de").await;
    assert_eq!(open(&app, &team, "praxis").await.err(), Some(403));
    let owner = doctor_cookie(&app, "tilo@praxis.de").await;
    let mut list = open(&app, &owner, "praxis").await.unwrap();
    let id = roster_until(&mut list, |_| true).await.entries[0]
        .appointment
        .clone();
    assert_eq!(
        open(&app, &team, &format!("gespraech&termin={id}"))
            .await
            .err(),
        Some(403)
    );
    assert_eq!(open(&app, &owner, "gespraech").await.err(), Some(400));
    assert_eq!(
        open(&app, &owner, "gespraech&termin=keine-uuid")
            .await
            .err(),
        Some(400)
    );
}

#[tokio::test]
async fn a_closing_handshake_is_answered_and_frees_the_logins_place() {
    let app = spawn_app_with(|s| s.signalling.sockets_per_login = 1).await;
    ten_minutes_before(&app, "uwe@praxis.de").await;
    let cookie = doctor_cookie(&app, "uwe@praxis.de").await;
    let mut first = open(&app, &cookie, "praxis").await.unwrap();
    roster_until(&mut first, |_| true).await;
    first.close(None).await.unwrap();
    loop {
        match raw(&mut first).await {
            Some(Message::Close(_)) | None => break,
            Some(Message::Ping(_) | Message::Pong(_) | Message::Text(_)) => continue,
            Some(other) => panic!("{other:?}"),
        }
    }
    // The place is free once the server's task for the first socket ended.
    let mut second = crate::helpers::eventually("the login's place is free again", || async {
        let mut socket = open(&app, &cookie, "praxis").await.ok()?;
        match next(&mut socket).await {
            Some(ServerMessage::Roster(_)) => Some(socket),
            _ => None,
        }
    })
    .await;
    assert!(silent(&mut second).await);
}

#[tokio::test]
async fn a_restart_closes_every_socket_with_1012_so_the_pages_reconnect() {
    let app = spawn_app().await;
    let code = ten_minutes_before(&app, "vera@praxis.de").await;
    let cookie = doctor_cookie(&app, "vera@praxis.de").await;
    let mut doctor = open(&app, &cookie, "praxis").await.unwrap();
    let id = roster_until(&mut doctor, |_| true).await.entries[0]
        .appointment
        .clone();
    let mut call = open(&app, &cookie, &format!("gespraech&termin={id}"))
        .await
        .unwrap();
    let mut patient = erika_waits(&app, &code).await;
    match next(&mut patient).await {
        Some(ServerMessage::WaitingRoom(view)) => assert_eq!(view.phase, PatientPhase::Waiting),
        other => panic!("{other:?}"),
    }
    assert!(silent(&mut call).await);

    app.state.stop();
    let stopped = std::time::Instant::now();
    for (who, socket) in [
        ("list", &mut doctor),
        ("call page", &mut call),
        ("patient", &mut patient),
    ] {
        loop {
            match raw(socket).await {
                Some(Message::Close(Some(frame))) => {
                    assert_eq!(frame.code, CloseCode::Restart, "{who}");
                    assert_eq!(frame.reason.as_str(), "Neustart", "{who}");
                    break;
                }
                // Updates still on their way (the list hears the arrival).
                Some(Message::Text(_) | Message::Ping(_) | Message::Pong(_)) => continue,
                other => panic!("{who}: expected close 1012, got {other:?}"),
            }
        }
    }
    // At once, not at the patient's next ping (0–15 s away): the registry woke the socket.
    assert!(
        stopped.elapsed() < Duration::from_secs(2),
        "closed after {:?}",
        stopped.elapsed()
    );
}

/// A page that is still sending when the server stops hears 1012 all the same: the server reads
/// on until the page's own Close (RFC 6455, 7.1.1). Closing the connection with the page's
/// frames unread makes the kernel reset it, and the page would see 1006 instead.
#[tokio::test]
async fn a_page_still_sending_when_the_server_stops_hears_1012_and_a_clean_end() {
    let app = spawn_app().await;
    let code = ten_minutes_before(&app, "vera@praxis.de").await;
    let patient = erika_waits(&app, &code).await;
    let (mut sink, mut stream) = patient.split();
    match tokio::time::timeout(WAIT, stream.next()).await {
        Ok(Some(Ok(Message::Text(_)))) => {}
        other => panic!("expected the waiting room's view, got {other:?}"),
    }
    // Pongs: signs of life the server reads without answering, as a page's are.
    let writer = tokio::spawn(async move {
        while sink.send(Message::Pong(Default::default())).await.is_ok() {
            tokio::task::yield_now().await;
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    app.state.stop();
    loop {
        match tokio::time::timeout(WAIT, stream.next())
            .await
            .expect("a frame within 10 s")
        {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(frame.code, CloseCode::Restart);
                break;
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("expected close 1012, got {other:?}"),
        }
    }
    // The closing handshake ends in a clean end of the connection, not a reset.
    match tokio::time::timeout(WAIT, stream.next()).await {
        Ok(None) => {}
        other => panic!("expected the connection's clean end, got {other:?}"),
    }
    writer.abort();
}

/// A socket refused over its cap is still closing (its close frame sent, the page's answer not
/// yet read) when the server stops: the shutdown waits for it as for every other socket, so the
/// page reads its close code and a clean end instead of a reset when the process ends.
#[tokio::test]
async fn a_shutdown_waits_for_a_socket_refused_over_its_cap_to_close() {
    let mut app = spawn_app().await;
    let code = ten_minutes_before(&app, "vera@praxis.de").await;
    let pass = patient_enters(&app, "Erika Mustermann", &code).await;
    // Two pages of one pass (its cap) read all the time and answer the 1012.
    let mut pages = vec![];
    for _ in 0..2 {
        let mut socket = open(&app, &pass, "patient").await.unwrap();
        pages.push(tokio::spawn(async move {
            while let Some(Ok(_)) = socket.next().await {}
        }));
    }
    crate::helpers::eventually("both pages run", || async {
        (app.state.sockets.running() == 2).then_some(())
    })
    .await;
    // A third is refused; its page reads only after the server began to stop.
    let mut refused = open(&app, &pass, "patient").await.unwrap();
    let stopping = tokio::spawn(async move {
        app.shut_down().await;
        std::time::Instant::now()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answered = std::time::Instant::now();
    match raw(&mut refused).await {
        Some(Message::Close(Some(frame))) => assert_eq!(
            u16::from(frame.code),
            app::signalling::types::TOO_MANY_SOCKETS
        ),
        other => panic!("expected the cap's close frame, got {other:?}"),
    }
    match tokio::time::timeout(WAIT, refused.next()).await {
        Ok(None) => {}
        other => panic!("expected the connection's clean end, got {other:?}"),
    }
    let stopped = tokio::time::timeout(WAIT, stopping).await.unwrap().unwrap();
    assert!(
        stopped >= answered,
        "the shutdown returned {:?} before the refused page answered",
        answered - stopped
    );
    for page in pages {
        tokio::time::timeout(WAIT, page).await.unwrap().unwrap();
    }
}

/// SIGTERM: the server's shutdown returns (and the process ends) only once every socket has
/// closed cleanly, the browsers' answers to the 1012 read.
#[tokio::test]
async fn a_shutdown_returns_once_every_socket_has_closed_cleanly() {
    let mut app = spawn_app().await;
    let code = ten_minutes_before(&app, "vera@praxis.de").await;
    let cookie = doctor_cookie(&app, "vera@praxis.de").await;
    let doctor = open(&app, &cookie, "praxis").await.unwrap();
    let patient = erika_waits(&app, &code).await;
    // The pages read all the time, as browsers do: the close code, then whether the
    // connection ended cleanly.
    let pages = [doctor, patient].map(|mut socket| {
        tokio::spawn(async move {
            let code = loop {
                match socket.next().await {
                    Some(Ok(Message::Close(frame))) => break frame.map(|frame| frame.code),
                    Some(Ok(_)) => continue,
                    other => panic!("expected a close frame, got {other:?}"),
                }
            };
            (code, socket.next().await.is_none())
        })
    });
    crate::helpers::eventually("both sockets run", || async {
        (app.state.sockets.running() == 2).then_some(())
    })
    .await;

    app.shut_down().await;
    assert_eq!(app.state.sockets.running(), 0, "sockets left to be cut off");
    for page in pages {
        let (code, clean) = tokio::time::timeout(WAIT, page).await.unwrap().unwrap();
        assert_eq!(code, Some(CloseCode::Restart));
        assert!(clean, "the connection was reset");
    }
}
