//! The call's signalling over the real socket: both seats join after the admission, negotiation
//! messages pass from one side to the other and nowhere else, a third page is refused, a
//! reload takes the seat again, and either side's hang-up ends the call for both with start and
//! end stored.

use crate::helpers::TestApp;
use crate::waiting_room::{
    doctor_cookie, next, open, patient_enters, roster_until, send, ten_minutes_before, Socket,
};
use app::entities::appointment;
use app::signalling::types::{
    CallEnd, ClientMessage, ErrorCode, PatientPhase, SdpType, ServerMessage, Signal,
};
use sea_orm::EntityTrait;
use std::sync::atomic::Ordering;

/// The doctor's call page socket for `appointment`.
pub(crate) async fn call_page(app: &TestApp, cookie: &str, appointment: &str) -> Socket {
    open(app, cookie, &format!("gespraech&termin={appointment}"))
        .await
        .expect("call page socket")
}

pub(crate) fn join(instance: &str) -> ClientMessage {
    ClientMessage::JoinCall {
        instance: instance.into(),
    }
}

fn offer(sdp: &str) -> Signal {
    Signal::Description {
        sdp_type: SdpType::Offer,
        sdp: sdp.into(),
    }
}

async fn expect_error(socket: &mut Socket, code: ErrorCode) {
    assert_eq!(next(socket).await, Some(ServerMessage::Error { code }));
}

/// Nothing of the call has arrived (see [`crate::waiting_room::before_marker`]).
async fn hears_no_signal(socket: &mut Socket) -> bool {
    for message in crate::waiting_room::before_marker(socket).await {
        match message {
            // News of the page's own (the list, the admission's answer, the patient's view).
            ServerMessage::Roster(_)
            | ServerMessage::Admitted { .. }
            | ServerMessage::WaitingRoom(_) => {}
            other => panic!("heard {other:?}"),
        }
    }
    true
}

/// Reads until the patient's view shows `phase`.
pub(crate) async fn phase_until(socket: &mut Socket, phase: PatientPhase) {
    loop {
        match next(socket).await {
            Some(ServerMessage::WaitingRoom(view)) if view.phase == phase => return,
            Some(_) => continue,
            None => panic!("patient socket closed before {phase:?}"),
        }
    }
}

/// The doctor's list lets the patient in; the patient's page hears it.
pub(crate) async fn admit(list: &mut Socket, patient: &mut Socket, id: &str) {
    send(
        list,
        ClientMessage::Admit {
            appointment: id.to_owned(),
        },
    )
    .await;
    phase_until(patient, PatientPhase::InCall).await;
}

/// A practice, a patient in the waiting room and the doctor's list; returns the doctor's
/// cookie, the list socket, the patient's pass cookie and socket, and the appointment id.
pub(crate) async fn patient_waiting(
    app: &TestApp,
    email: &str,
) -> (String, Socket, String, Socket, String) {
    let code = ten_minutes_before(app, email).await;
    let cookie = doctor_cookie(app, email).await;
    let mut list = open(app, &cookie, "praxis").await.unwrap();
    let id = roster_until(&mut list, |_| true).await.entries[0]
        .appointment
        .clone();
    let pass = patient_enters(app, "Erika Mustermann", &code).await;
    let mut patient = open(app, &pass, "patient").await.unwrap();
    phase_until(&mut patient, PatientPhase::Waiting).await;
    roster_until(&mut list, |r| r.waiting == 1).await;
    (cookie, list, pass, patient, id)
}

#[tokio::test]
async fn both_sides_join_exchange_signals_and_a_third_page_is_refused() {
    let app = crate::helpers::spawn_app().await;
    let (cookie, mut list, pass, mut patient, id) = patient_waiting(&app, "anna@praxis.de").await;

    // Not let in yet: the patient cannot join, and the doctor's call page cannot either.
    send(&mut patient, join("patient-1")).await;
    expect_error(&mut patient, ErrorCode::WrongState).await;
    let mut doctor = call_page(&app, &cookie, &id).await;
    send(&mut doctor, join("doctor-1")).await;
    expect_error(&mut doctor, ErrorCode::WrongState).await;
    send(
        &mut patient,
        ClientMessage::Signal {
            signal: offer("x"),
            to: None,
        },
    )
    .await;
    expect_error(&mut patient, ErrorCode::NotInCall).await;

    admit(&mut list, &mut patient, &id).await;

    send(&mut doctor, join("doctor-1")).await;
    match next(&mut doctor).await {
        Some(ServerMessage::CallReady {
            polite,
            ice_servers,
            ..
        }) => {
            assert!(!polite, "the doctor offers");
            let turn = ice_servers
                .iter()
                .find(|s| s.url.starts_with("turn:"))
                .expect("a TURN server for this call");
            assert!(turn.username.is_some() && turn.credential.is_some());
        }
        other => panic!("{other:?}"),
    }
    send(&mut patient, join("patient-1")).await;
    assert!(matches!(
        next(&mut patient).await,
        Some(ServerMessage::CallReady { polite: true, .. })
    ));
    // Each hears who the other is, under which name, and who gives way.
    match next(&mut patient).await {
        Some(ServerMessage::PeerJoined { instance, peer }) => {
            assert_eq!(instance, "doctor-1");
            assert_eq!(peer.id, "doctor");
            assert!(peer.polite, "the patient gives way to the doctor");
            assert_eq!(peer.role, None);
        }
        other => panic!("{other:?}"),
    }
    match next(&mut doctor).await {
        Some(ServerMessage::PeerJoined { instance, peer }) => {
            assert_eq!(instance, "patient-1");
            assert_eq!(peer.id, "patient");
            assert!(!peer.polite);
        }
        other => panic!("{other:?}"),
    }

    // Offer, answer and candidates pass unchanged, each to the other side only.
    let before = app.state.calls.counters.signals.load(Ordering::Relaxed);
    send(
        &mut doctor,
        ClientMessage::Signal {
            signal: offer("v=0 doctor"),
            to: Some("patient".into()),
        },
    )
    .await;
    assert_eq!(
        next(&mut patient).await,
        Some(ServerMessage::Signal {
            signal: offer("v=0 doctor"),
            from: "doctor".into()
        })
    );
    let answer = Signal::Description {
        sdp_type: SdpType::Answer,
        sdp: "v=0 patient".into(),
    };
    let candidate = Signal::Candidate {
        candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host".into(),
        sdp_mid: Some("0".into()),
        sdp_m_line_index: Some(0),
    };
    for signal in [answer, candidate] {
        send(
            &mut patient,
            // Without `to`: a two-person page of the first protocol still reaches the other.
            ClientMessage::Signal {
                signal: signal.clone(),
                to: None,
            },
        )
        .await;
        assert_eq!(
            next(&mut doctor).await,
            Some(ServerMessage::Signal {
                signal,
                from: "patient".into()
            })
        );
    }
    assert!(
        hears_no_signal(&mut list).await,
        "the list hears no signals"
    );
    assert_eq!(
        app.state.calls.counters.signals.load(Ordering::Relaxed) - before,
        3
    );

    // A browser trickles dozens of candidates at once (Firefox more than 20): none is lost to
    // the rate limit or to the other side's full queue, and they arrive in order. All 80 go
    // out in one write, so the server reads them at once and the patient's socket task relays
    // them faster than the doctor's writes them out (this runtime has one thread): the relay
    // waits for room instead of dropping (it lost 4 of 80 with `try_send`).
    {
        use futures_util::SinkExt;
        for i in 0..80u16 {
            let candidate = Signal::Candidate {
                candidate: format!("candidate:{i} 1 udp 1 127.0.0.1 {} typ host", 50000 + i),
                sdp_mid: Some("0".into()),
                sdp_m_line_index: Some(0),
            };
            let text = serde_json::to_string(&app::signalling::types::Envelope::new(
                ClientMessage::Signal {
                    signal: candidate,
                    to: Some("doctor".into()),
                },
            ))
            .unwrap();
            patient
                .feed(tokio_tungstenite::tungstenite::Message::text(text))
                .await
                .unwrap();
        }
        patient.flush().await.unwrap();
    }
    for i in 0..80u16 {
        match next(&mut doctor).await {
            Some(ServerMessage::Signal {
                signal: Signal::Candidate { candidate, .. },
                ..
            }) => assert!(
                candidate.starts_with(&format!("candidate:{i} ")),
                "{candidate}"
            ),
            other => panic!("candidate {i}: {other:?}"),
        }
    }

    // A third page: the doctor's second tab, and a second patient browser with the code.
    let mut second_tab = call_page(&app, &cookie, &id).await;
    send(&mut second_tab, join("doctor-2")).await;
    expect_error(&mut second_tab, ErrorCode::CallBusy).await;
    let mut stranger = open(&app, &pass, "patient").await.unwrap();
    phase_until(&mut stranger, PatientPhase::InCall).await;
    send(&mut stranger, join("patient-2")).await;
    expect_error(&mut stranger, ErrorCode::CallBusy).await;
    send(
        &mut second_tab,
        ClientMessage::Signal {
            signal: offer("x"),
            to: None,
        },
    )
    .await;
    expect_error(&mut second_tab, ErrorCode::NotInCall).await;
    assert!(
        hears_no_signal(&mut patient).await,
        "the refused pages reach nobody"
    );
    drop(stranger);

    // Another practice cannot join the call.
    app.practice_b("bruno@praxis-b.de").await;
    let mut other = call_page(&app, &doctor_cookie(&app, "bruno@praxis-b.de").await, &id).await;
    send(&mut other, join("b-1")).await;
    expect_error(&mut other, ErrorCode::UnknownAppointment).await;

    // The patient reloads: the doctor hears them leave and come back as a new page.
    drop(patient);
    assert_eq!(
        next(&mut doctor).await,
        Some(ServerMessage::PeerLeft {
            peer: "patient".into(),
            gone: false
        })
    );
    let mut patient = open(&app, &pass, "patient").await.unwrap();
    phase_until(&mut patient, PatientPhase::InCall).await;
    send(&mut patient, join("patient-3")).await;
    assert!(matches!(
        next(&mut patient).await,
        Some(ServerMessage::CallReady { .. })
    ));
    assert!(matches!(
        next(&mut doctor).await,
        Some(ServerMessage::PeerJoined { instance, .. }) if instance == "patient-3"
    ));

    // The patient hangs up: the end for both, with the times stored.
    send(&mut patient, ClientMessage::Hangup).await;
    phase_until(&mut patient, PatientPhase::Finished).await;
    match next(&mut doctor).await {
        Some(ServerMessage::CallEnded(CallEnd::Finished { started, ended })) => {
            assert_eq!(started.len(), 5, "{started}");
            assert_eq!(ended.len(), 5, "{ended}");
        }
        other => panic!("{other:?}"),
    }
    let row = appointment::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(row.call_started_at.is_some());
    assert!(row.finished_at >= row.call_started_at);
    assert_eq!(app.state.calls.seated(), 0);
}

#[tokio::test]
async fn back_to_the_waiting_room_and_the_doctors_hang_up_end_the_call() {
    let app = crate::helpers::spawn_app().await;
    let (cookie, mut list, pass, mut patient, id) = patient_waiting(&app, "cara@praxis.de").await;
    admit(&mut list, &mut patient, &id).await;
    let mut doctor = call_page(&app, &cookie, &id).await;
    send(&mut doctor, join("doctor-1")).await;
    next(&mut doctor).await;
    send(&mut patient, join("patient-1")).await;
    next(&mut patient).await;

    send(
        &mut list,
        ClientMessage::BackToWaiting {
            appointment: id.clone(),
        },
    )
    .await;
    phase_until(&mut patient, PatientPhase::Waiting).await;
    loop {
        match next(&mut doctor).await {
            Some(ServerMessage::CallEnded(how)) => {
                assert_eq!(how, CallEnd::BackToWaiting);
                break;
            }
            Some(_) => continue,
            None => panic!("the doctor's page must hear why the call ended"),
        }
    }
    assert_eq!(
        next(&mut doctor).await,
        None,
        "the call page's socket closes"
    );
    send(
        &mut patient,
        ClientMessage::Signal {
            signal: offer("x"),
            to: None,
        },
    )
    .await;
    expect_error(&mut patient, ErrorCode::NotInCall).await;
    // Patients cannot use the doctor's actions.
    send(
        &mut patient,
        ClientMessage::Finish {
            appointment: id.clone(),
        },
    )
    .await;
    expect_error(&mut patient, ErrorCode::NotAllowed).await;

    // Let in again; this time the doctor ends it ("Sprechstunde beenden").
    admit(&mut list, &mut patient, &id).await;
    let mut doctor = call_page(&app, &cookie, &id).await;
    send(&mut doctor, join("doctor-2")).await;
    next(&mut doctor).await;
    send(&mut doctor, ClientMessage::Hangup).await;
    assert!(matches!(
        next(&mut doctor).await,
        Some(ServerMessage::CallEnded(CallEnd::Finished { .. }))
    ));
    phase_until(&mut patient, PatientPhase::Finished).await;
    // The pass is over: the room does not open again.
    let room = reqwest::Client::new()
        .get(format!("{}/videosprechstunde/raum", app.address))
        .header("cookie", &pass)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(room.contains("Zugangscode erneut"), "{room}");
}

/// A hang-up clicked while the page's socket was away is sent once it is open again and may
/// arrive before the page has taken its seat again: it still ends the consultation.
#[tokio::test]
async fn the_doctors_hang_up_before_the_pages_seat_is_taken_again_ends_the_consultation() {
    let app = crate::helpers::spawn_app().await;
    let (cookie, mut list, _, mut patient, id) = patient_waiting(&app, "hana@praxis.de").await;
    admit(&mut list, &mut patient, &id).await;
    let mut doctor = call_page(&app, &cookie, &id).await;
    send(&mut doctor, ClientMessage::Hangup).await;
    assert!(matches!(
        next(&mut doctor).await,
        Some(ServerMessage::CallEnded(CallEnd::Finished { .. }))
    ));
    phase_until(&mut patient, PatientPhase::Finished).await;
}

#[tokio::test]
async fn the_patients_hang_up_ends_once_let_in_seated_or_not_and_never_while_waiting() {
    let app = crate::helpers::spawn_app().await;
    let (_, mut list, _, mut patient, id) = patient_waiting(&app, "henni@praxis.de").await;
    // Waiting: there is nothing to end.
    send(&mut patient, ClientMessage::Hangup).await;
    expect_error(&mut patient, ErrorCode::NotInCall).await;
    // Let in, before the page joined the call.
    admit(&mut list, &mut patient, &id).await;
    send(&mut patient, ClientMessage::Hangup).await;
    phase_until(&mut patient, PatientPhase::Finished).await;
    roster_until(&mut list, |r| {
        r.entries[0].status == app::signalling::types::RosterStatus::Finished
    })
    .await;
}

/// A call page that stops reading (a hostile client, or a connection gone without a word)
/// while the other side keeps sending: once the server has not been able to write to it for
/// [`app::waiting_room::handshake::SEND_LIMIT`], it gives that socket up. The other page hears
/// the doctor left, and the doctor's next page takes the seat again instead of being refused
/// as busy for as long as the dead connection would last.
#[tokio::test]
async fn a_call_page_that_stops_reading_is_given_up_and_its_seat_is_free_again() {
    use app::signalling::types::{Envelope, MAX_MESSAGE_BYTES};
    use app::waiting_room::handshake::SEND_LIMIT;
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    // The listener's own write limit (30 s) would free the page too, later: off here, so the
    // socket's limit is what this test sees.
    let app = crate::helpers::spawn_app_with(|s| s.http.write_idle_timeout_seconds = 3600).await;
    let (cookie, mut list, _, mut patient, id) = patient_waiting(&app, "ines@praxis.de").await;
    admit(&mut list, &mut patient, &id).await;
    let side = format!("gespraech&termin={id}");
    let mut stalled = crate::waiting_room::open_small(&app, &cookie, &side).await;
    send(&mut stalled, join("doctor-1")).await;
    assert!(matches!(
        next(&mut stalled).await,
        Some(ServerMessage::CallReady { .. })
    ));
    send(&mut patient, join("patient-1")).await;
    assert!(matches!(
        next(&mut patient).await,
        Some(ServerMessage::CallReady { .. })
    ));

    // From here on the doctor's page reads nothing, and the patient's page sends ≈ 9.6 MB of
    // offers: more than the kernel buffers between the server and that page take (at most
    // 4 MB for sending, `tcp_wmem`, and 1 KiB for receiving). Once the relay's queue for the
    // doctor's page (256) is full, each further offer waits up to 2 s for room, until the page
    // is given up.
    let sdp = "v".repeat(MAX_MESSAGE_BYTES - 200);
    let flood = async {
        for _ in 0..300 {
            let signal = offer(&sdp);
            send(&mut patient, ClientMessage::Signal { signal, to: None }).await;
            // The patient's own limit: 200 at once, then 50 a second.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };
    let started = std::time::Instant::now();
    tokio::time::timeout(SEND_LIMIT * 2, flood)
        .await
        .expect("the patient's page sends without waiting long for the doctor's");
    let left = async {
        loop {
            match patient.next().await {
                Some(Ok(Message::Text(text))) => {
                    let envelope: Envelope<ServerMessage> = serde_json::from_str(&text).unwrap();
                    if let ServerMessage::PeerLeft { peer, .. } = envelope.message {
                        assert_eq!(peer, "doctor");
                        return;
                    }
                }
                Some(Ok(_)) => continue,
                other => panic!("the patient's socket ended: {other:?}"),
            }
        }
    };
    tokio::time::timeout((SEND_LIMIT * 3).saturating_sub(started.elapsed()), left)
        .await
        .expect("the patient's page hears that the doctor's page is gone");

    // The doctor's page, opened again, has its seat back at once.
    let mut doctor = call_page(&app, &cookie, &id).await;
    send(&mut doctor, join("doctor-2")).await;
    assert!(
        matches!(
            next(&mut doctor).await,
            Some(ServerMessage::CallReady { .. })
        ),
        "the seat is free again"
    );
    drop(stalled);
}
