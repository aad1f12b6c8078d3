//! A group consultation's signalling over the real socket (issue 25): the doctor lets an
//! interpreter in before the patient, then the patient; every page hears who the others are,
//! under which name and who gives way; each signal reaches only the page it names; the
//! guest's pass admits nobody and joins only once let in; a second page for a seat is refused;
//! the guest leaves and comes back, is removed; the patient's return to the waiting room sends
//! the guests back too; another practice reaches nothing.

use crate::call_signalling::{call_page, join, phase_until};
use crate::guest_waiting_room::with_guest;
use crate::helpers::{spawn_app_with, TestApp};
use crate::waiting_room::{doctor_cookie, next, open, patient_enters, roster_until, send, Socket};
use app::appointment::guest_role::GuestRole;
use app::entities::audit_entry;
use app::signalling::types::{
    CallEnd, CallPeer, ClientMessage, ErrorCode, PatientPhase, SdpType, ServerMessage, Signal,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Reads until `pick` finds its message, skipping the rest (lists, views).
async fn until<T>(socket: &mut Socket, what: &str, pick: impl Fn(ServerMessage) -> Option<T>) -> T {
    loop {
        match next(socket).await {
            Some(message) => {
                if let Some(found) = pick(message) {
                    return found;
                }
            }
            None => panic!("socket closed before {what}"),
        }
    }
}

async fn joined(socket: &mut Socket) -> CallPeer {
    until(socket, "a peer joined", |m| match m {
        ServerMessage::PeerJoined { peer, .. } => Some(peer),
        _ => None,
    })
    .await
}

async fn error(socket: &mut Socket) -> ErrorCode {
    until(socket, "an error", |m| match m {
        ServerMessage::Error { code } => Some(code),
        _ => None,
    })
    .await
}

async fn ready(socket: &mut Socket, instance: &str) {
    send(socket, join(instance)).await;
    until(socket, "call ready", |m| match m {
        ServerMessage::CallReady { .. } => Some(()),
        ServerMessage::Error { code } => panic!("{instance}: {code:?}"),
        _ => None,
    })
    .await;
}

fn offer(sdp: &str) -> Signal {
    Signal::Description {
        sdp_type: SdpType::Offer,
        sdp: sdp.into(),
    }
}

/// Nothing but lists and views before the marker: no call message reached this page.
async fn hears_no_signal(socket: &mut Socket) {
    for message in crate::waiting_room::before_marker(socket).await {
        assert!(
            matches!(
                message,
                ServerMessage::Roster(_)
                    | ServerMessage::WaitingRoom(_)
                    | ServerMessage::Admitted { .. }
            ),
            "heard {message:?}"
        );
    }
}

/// Dana enters with her code and opens her page.
async fn guest_enters(app: &TestApp, code: &str) -> Socket {
    let pass = patient_enters(app, "Dana Dolmetscherin", code).await;
    open(app, &pass, "patient").await.expect("guest socket")
}

fn admit(id: &str) -> ClientMessage {
    ClientMessage::Admit {
        appointment: id.to_owned(),
    }
}

#[tokio::test]
async fn an_interpreter_before_the_patient_then_three_pages_in_a_mesh() {
    let app = spawn_app_with(|s| s.appointments.max_participants = 4).await;
    let (code, guest_code, id) = with_guest(&app, "anna@praxis.de").await;
    let cookie = doctor_cookie(&app, "anna@praxis.de").await;
    let mut list = open(&app, &cookie, "praxis").await.unwrap();
    let roster = roster_until(&mut list, |_| true).await;
    let dana_id = roster.entries[0].guests[0].guest.clone();
    let mut dana = guest_enters(&app, &guest_code).await;
    phase_until(&mut dana, PatientPhase::Waiting).await;
    let patient_pass = patient_enters(&app, "Erika Mustermann", &code).await;
    let mut patient = open(&app, &patient_pass, "patient").await.unwrap();
    phase_until(&mut patient, PatientPhase::Waiting).await;
    roster_until(&mut list, |r| r.waiting == 2).await;

    // Not let in: Dana cannot join; her pass lets nobody in, neither herself nor the patient.
    send(&mut dana, join("dana-1")).await;
    assert_eq!(error(&mut dana).await, ErrorCode::WrongState);
    for who in [&dana_id, &id] {
        send(&mut dana, admit(who)).await;
        assert_eq!(error(&mut dana).await, ErrorCode::NotAllowed);
    }
    // Another practice cannot let her in.
    app.practice_b("bruno@praxis-b.de").await;
    let mut other = open(
        &app,
        &doctor_cookie(&app, "bruno@praxis-b.de").await,
        "praxis",
    )
    .await
    .unwrap();
    send(&mut other, admit(&dana_id)).await;
    assert_eq!(error(&mut other).await, ErrorCode::UnknownAppointment);

    // The doctor lets Dana in first: the call page opens (for the patient too it would).
    send(&mut list, admit(&dana_id)).await;
    let opened = until(&mut list, "admitted", |m| match m {
        ServerMessage::Admitted { appointment } => Some(appointment),
        _ => None,
    })
    .await;
    assert_eq!(opened, id);
    phase_until(&mut dana, PatientPhase::InCall).await;
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq(audit_entry::Action::GuestAdmitted))
        .all(app.conn())
        .await
        .unwrap();
    assert_eq!(audited.len(), 1, "the audit log records who let her in");
    let mut doctor = call_page(&app, &cookie, &id).await;
    ready(&mut doctor, "doctor-1").await;
    ready(&mut dana, "dana-1").await;
    let seen_by_dana = joined(&mut dana).await;
    assert_eq!(seen_by_dana.id, "doctor");
    assert!(seen_by_dana.polite, "a guest gives way to the doctor");
    assert_eq!(seen_by_dana.role, None);
    let seen_by_doctor = joined(&mut doctor).await;
    assert_eq!(seen_by_doctor.id, dana_id);
    assert_eq!(seen_by_doctor.name, "Dana Dolmetscherin");
    assert_eq!(seen_by_doctor.role, Some(GuestRole::Interpreter));
    assert!(!seen_by_doctor.polite);

    // A second page for Dana's seat: refused, and it reaches nobody.
    let mut second = guest_enters(&app, &guest_code).await;
    phase_until(&mut second, PatientPhase::InCall).await;
    send(&mut second, join("dana-2")).await;
    assert_eq!(error(&mut second).await, ErrorCode::CallBusy);
    drop(second);

    // Now the patient: she hears both others, each with who gives way.
    send(&mut list, admit(&id)).await;
    phase_until(&mut patient, PatientPhase::InCall).await;
    ready(&mut patient, "patient-1").await;
    let mut heard = [joined(&mut patient).await, joined(&mut patient).await];
    heard.sort_by(|a, b| a.id.cmp(&b.id));
    let (to_dana, to_doctor) = if heard[0].id == "doctor" {
        (&heard[1], &heard[0])
    } else {
        (&heard[0], &heard[1])
    };
    assert!(to_doctor.polite);
    assert_eq!(to_dana.id, dana_id);
    assert!(!to_dana.polite, "the patient offers to a guest");
    assert_eq!(to_dana.name, "Dana Dolmetscherin");
    let patient_seen = joined(&mut dana).await;
    assert_eq!(patient_seen.id, "patient");
    assert!(patient_seen.polite, "a guest gives way to the patient");
    assert_eq!(
        patient_seen.typed, None,
        "only the doctor sees booked vs typed"
    );
    assert_eq!(joined(&mut doctor).await.id, "patient");

    // Each signal reaches the page it names, with who sent it, and nobody else.
    send(
        &mut patient,
        ClientMessage::Signal {
            signal: offer("v=0 patient to dana"),
            to: Some(dana_id.clone()),
        },
    )
    .await;
    assert_eq!(
        until(&mut dana, "a signal", |m| match m {
            ServerMessage::Signal { signal, from } => Some((signal, from)),
            _ => None,
        })
        .await,
        (offer("v=0 patient to dana"), "patient".to_owned())
    );
    hears_no_signal(&mut doctor).await;
    // Unaddressed in a group, or to a page that is not there: it reaches nobody.
    send(
        &mut dana,
        ClientMessage::Signal {
            signal: offer("x"),
            to: None,
        },
    )
    .await;
    send(
        &mut dana,
        ClientMessage::Signal {
            signal: offer("x"),
            to: Some("nobody".into()),
        },
    )
    .await;
    assert_eq!(error(&mut dana).await, ErrorCode::Malformed);
    hears_no_signal(&mut doctor).await;
    hears_no_signal(&mut patient).await;

    // Dana leaves the call: the others hear she is gone for good (their pages close the
    // connection at once), the consultation goes on; she comes back.
    send(&mut dana, ClientMessage::Hangup).await;
    phase_until(&mut dana, PatientPhase::Left).await;
    for page in [&mut doctor, &mut patient] {
        let left = until(page, "dana left", |m| match m {
            ServerMessage::PeerLeft { peer, gone } => Some((peer, gone)),
            ServerMessage::CallEnded(how) => panic!("the call ended: {how:?}"),
            _ => None,
        })
        .await;
        assert_eq!(left, (dana_id.clone(), true));
    }
    let mut dana = guest_enters(&app, &guest_code).await;
    phase_until(&mut dana, PatientPhase::Waiting).await;
    send(&mut list, admit(&dana_id)).await;
    phase_until(&mut dana, PatientPhase::InCall).await;
    ready(&mut dana, "dana-3").await;
    assert_eq!(joined(&mut doctor).await.id, dana_id);
    assert_eq!(joined(&mut patient).await.id, dana_id);

    // The patient goes back to the waiting room: the call ends for all, Dana waits again.
    send(
        &mut list,
        ClientMessage::BackToWaiting {
            appointment: id.clone(),
        },
    )
    .await;
    until(&mut doctor, "the end", |m| match m {
        ServerMessage::CallEnded(CallEnd::BackToWaiting) => Some(()),
        _ => None,
    })
    .await;
    phase_until(&mut dana, PatientPhase::Waiting).await;
    phase_until(&mut patient, PatientPhase::Waiting).await;

    // In again, then the doctor removes Dana during the call: her page closes, the others
    // hear her leave.
    send(&mut list, admit(&id)).await;
    send(&mut list, admit(&dana_id)).await;
    phase_until(&mut patient, PatientPhase::InCall).await;
    phase_until(&mut dana, PatientPhase::InCall).await;
    let mut doctor = call_page(&app, &cookie, &id).await;
    ready(&mut doctor, "doctor-2").await;
    ready(&mut patient, "patient-2").await;
    ready(&mut dana, "dana-4").await;
    send(
        &mut list,
        ClientMessage::Remove {
            appointment: dana_id.clone(),
        },
    )
    .await;
    phase_until(&mut dana, PatientPhase::Removed).await;
    let left = until(&mut patient, "dana removed", |m| match m {
        ServerMessage::PeerLeft { peer, gone } => Some((peer, gone)),
        _ => None,
    })
    .await;
    assert_eq!(left, (dana_id.clone(), true), "gone for good: close it");
    // Whatever her page does now, it reaches nobody in the call.
    send(
        &mut dana,
        ClientMessage::Signal {
            signal: offer("v=0 after removal"),
            to: Some("patient".into()),
        },
    )
    .await;
    hears_no_signal(&mut patient).await;

    // "Sprechstunde beenden": the end for everybody left.
    send(&mut doctor, ClientMessage::Hangup).await;
    phase_until(&mut patient, PatientPhase::Finished).await;
    assert!(matches!(
        until(&mut doctor, "the end", |m| match m {
            ServerMessage::CallEnded(how) => Some(how),
            _ => None,
        })
        .await,
        CallEnd::Finished { .. }
    ));
}

#[tokio::test]
async fn with_only_the_interpreter_let_in_the_doctor_can_end_the_consultation() {
    let app = spawn_app_with(|s| s.appointments.max_participants = 3).await;
    let (_code, guest_code, id) = with_guest(&app, "anna@praxis.de").await;
    let cookie = doctor_cookie(&app, "anna@praxis.de").await;
    let mut list = open(&app, &cookie, "praxis").await.unwrap();
    let dana_id = roster_until(&mut list, |_| true).await.entries[0].guests[0]
        .guest
        .clone();
    // Before anyone is let in, the call page is refused.
    let mut early = call_page(&app, &cookie, &id).await;
    send(&mut early, join("doctor-0")).await;
    assert_eq!(error(&mut early).await, ErrorCode::WrongState);
    let mut dana = guest_enters(&app, &guest_code).await;
    phase_until(&mut dana, PatientPhase::Waiting).await;
    send(&mut list, admit(&dana_id)).await;
    phase_until(&mut dana, PatientPhase::InCall).await;
    let mut doctor = call_page(&app, &cookie, &id).await;
    ready(&mut doctor, "doctor-1").await;
    ready(&mut dana, "dana-1").await;
    send(&mut doctor, ClientMessage::Hangup).await;
    phase_until(&mut dana, PatientPhase::Finished).await;
    let row = appointment_row(&app, &id).await;
    assert!(row.finished_at.is_some());
}

async fn appointment_row(app: &TestApp, id: &str) -> app::entities::appointment::Model {
    app::entities::appointment::Entity::find_by_id(uuid::Uuid::parse_str(id).unwrap())
        .one(app.conn())
        .await
        .unwrap()
        .unwrap()
}
