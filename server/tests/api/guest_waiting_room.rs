//! A further person in the waiting room (issue 25) over the real signalling socket: the guest
//! enters with their own code, waits, shows up under their appointment with their role, gets
//! a note, is removed, leaves; an uninvited guest's page closes; a guest's pass reaches
//! nothing of the patient's (consent) and nothing of the practice.

use crate::helpers::{access_code_in, location, spawn_app_with, TestApp};
use crate::patient_entry::{booked, enter};
use crate::waiting_room::{
    doctor_cookie, next, open, opens_no_room, patient_enters, post_as, roster_until, send, Socket,
};
use app::appointment::guest_role::GuestRole;
use app::clock::Clock;
use app::signalling::types::{ClientMessage, ErrorCode, PatientPhase, RosterStatus, ServerMessage};
use chrono::Duration as ChronoDuration;

/// Booked with up to four, Dana (interpreter) invited; the clock ten minutes before the start.
/// Returns the patient's and Dana's codes and the appointment's id.
pub(crate) async fn with_guest(app: &TestApp, email: &str) -> (String, String, String) {
    let (code, starts) = booked(app, email).await;
    let date = app::time::berlin_date(starts).to_string();
    let week = app.html(&format!("/praxis/termine?datum={date}")).await;
    let href = crate::html::Page::parse(&week).attr(r#"a[href^="/praxis/termin/"]"#, "href");
    let id = href[0].trim_start_matches("/praxis/termin/").to_owned();
    let invited = app
        .post_form(
            &format!("/praxis/termin/{id}/personen"),
            &[
                ("action", "invite".into()),
                ("name", "Dana Dolmetscherin".into()),
                ("email", "dana@example.org".into()),
                ("role", "interpreter".into()),
            ],
        )
        .await;
    assert_eq!(invited.status(), 303);
    let mail = crate::helpers::eventually("Dana's invitation", || async {
        app.inbox
            .messages()
            .into_iter()
            .find(|m| m.to == vec!["dana@example.org".to_owned()])
    })
    .await;
    let guest_code = access_code_in(&mail.text).expect("Dana's code");
    app.clock
        .advance(starts - ChronoDuration::minutes(10) - app.clock.now());
    (code, guest_code, id)
}

async fn view(socket: &mut Socket) -> app::signalling::types::PatientView {
    match next(socket).await {
        Some(ServerMessage::WaitingRoom(view)) => view,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_guest_waits_under_their_appointment_gets_a_note_and_is_removed() {
    let app = spawn_app_with(|s| s.appointments.max_participants = 4).await;
    let (code, guest_code, _) = with_guest(&app, "anna@praxis.de").await;
    let mut doctor = open(&app, &doctor_cookie(&app, "anna@praxis.de").await, "praxis")
        .await
        .unwrap();
    let roster = roster_until(&mut doctor, |_| true).await;
    let guests = &roster.entries[0].guests;
    assert_eq!(guests.len(), 1);
    assert_eq!(guests[0].role, GuestRole::Interpreter);
    assert_eq!(guests[0].status, RosterStatus::NotArrived);
    assert_eq!(guests[0].booked_name, "Dana Dolmetscherin");
    let guest_id = guests[0].guest.clone();

    // Dana enters with her own code; the patient is not there yet.
    let pass = patient_enters(&app, "Dana Dolmetscherin", &guest_code).await;
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
    assert!(
        !room.contains("Erika") && !room.contains("Einverständnis"),
        "a guest's room shows nothing of the patient: {room}"
    );
    let mut guest = open(&app, &pass, "patient").await.expect("guest socket");
    assert_eq!(view(&mut guest).await.phase, PatientPhase::Waiting);
    let roster = roster_until(&mut doctor, |r| r.waiting == 1).await;
    assert_eq!(roster.entries[0].status, RosterStatus::NotArrived);
    let dana = &roster.entries[0].guests[0];
    assert_eq!(dana.status, RosterStatus::Waiting);
    assert_eq!(dana.entered_name.as_deref(), Some("Dana Dolmetscherin"));
    assert!(!dana.names_differ);

    // The patient arrives too: two waiting, each on their own.
    let mut patient = open(
        &app,
        &patient_enters(&app, "Erika Mustermann", &code).await,
        "patient",
    )
    .await
    .unwrap();
    assert_eq!(view(&mut patient).await.phase, PatientPhase::Waiting);
    roster_until(&mut doctor, |r| r.waiting == 2).await;

    // A note to Dana reaches Dana only.
    send(
        &mut doctor,
        ClientMessage::SendNote {
            appointment: guest_id.clone(),
            text: "Bitte noch einen Moment".into(),
        },
    )
    .await;
    assert_eq!(
        view(&mut guest).await.note.as_deref(),
        Some("Bitte noch einen Moment")
    );
    assert!(crate::waiting_room::silent(&mut patient).await);
    let roster = roster_until(&mut doctor, |r| r.entries[0].guests[0].note.is_some()).await;
    assert_eq!(roster.entries[0].note, None, "the patient's note is theirs");

    // A note to all who wait reaches both.
    send(
        &mut doctor,
        ClientMessage::NoteToAll {
            text: "Heute etwa 10 Minuten Verspätung".into(),
        },
    )
    .await;
    for socket in [&mut guest, &mut patient] {
        assert_eq!(
            view(socket).await.note.as_deref(),
            Some("Heute etwa 10 Minuten Verspätung")
        );
    }

    // Removed: Dana's page hears it and closes; her code no longer opens the room.
    send(
        &mut doctor,
        ClientMessage::Remove {
            appointment: guest_id.clone(),
        },
    )
    .await;
    assert_eq!(view(&mut guest).await.phase, PatientPhase::Removed);
    assert!(next(&mut guest).await.is_none(), "closed after the removal");
    let roster = roster_until(&mut doctor, |r| r.waiting == 1).await;
    assert_eq!(roster.entries[0].guests[0].status, RosterStatus::Removed);
    assert_eq!(roster.entries[0].status, RosterStatus::Waiting);
    let (status, page) = enter(&app, "Dana Dolmetscherin", &guest_code).await;
    assert_eq!(status, 200);
    assert!(page.contains("aus dem Wartezimmer Ihres Termins"), "{page}");
    opens_no_room(&app, &pass).await;
    assert!(crate::waiting_room::silent(&mut patient).await);
}

#[tokio::test]
async fn a_guest_leaves_and_an_uninvited_guests_page_closes_at_once() {
    let app = spawn_app_with(|s| s.appointments.max_participants = 4).await;
    let (_, guest_code, id) = with_guest(&app, "bert@praxis.de").await;
    let mut doctor = open(&app, &doctor_cookie(&app, "bert@praxis.de").await, "praxis")
        .await
        .unwrap();
    roster_until(&mut doctor, |_| true).await;

    let pass = patient_enters(&app, "Dana D.", &guest_code).await;
    let mut guest = open(&app, &pass, "patient").await.unwrap();
    view(&mut guest).await;
    let roster = roster_until(&mut doctor, |r| r.waiting == 1).await;
    assert!(
        roster.entries[0].guests[0].names_differ,
        "typed another name"
    );
    let left = post_as(&app, &pass, "/videosprechstunde/verlassen").await;
    assert_eq!(location(&left), "/videosprechstunde?verlassen");
    assert_eq!(view(&mut guest).await.phase, PatientPhase::Left);
    let roster = roster_until(&mut doctor, |r| r.waiting == 0).await;
    assert_eq!(roster.entries[0].guests[0].status, RosterStatus::Left);

    // Back in with the code, then uninvited by the practice: the page closes at once.
    let pass = patient_enters(&app, "Dana Dolmetscherin", &guest_code).await;
    let mut guest = open(&app, &pass, "patient").await.unwrap();
    view(&mut guest).await;
    roster_until(&mut doctor, |r| r.waiting == 1).await;
    app.log_in("bert@praxis.de", crate::helpers::PASSWORD).await;
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    let guest_id = crate::html::Page::parse(&page)
        .attr(r#".guest input[name="guest_id"]"#, "value")[0]
        .clone();
    let out = app
        .post_form(
            &format!("/praxis/termin/{id}/personen"),
            &[("action", "uninvite".into()), ("guest_id", guest_id)],
        )
        .await;
    assert_eq!(out.status(), 303);
    assert_eq!(view(&mut guest).await.phase, PatientPhase::Closed);
    assert!(next(&mut guest).await.is_none());
    let roster = roster_until(&mut doctor, |r| r.waiting == 0).await;
    assert!(
        roster.entries[0].guests.is_empty(),
        "uninvited: off the list"
    );
    let (_, page) = enter(&app, "Dana Dolmetscherin", &guest_code).await;
    assert!(page.contains("gilt nicht mehr"), "{page}");
}

#[tokio::test]
async fn a_guests_pass_reaches_nothing_of_the_patient_and_cannot_act_for_the_practice() {
    let app = spawn_app_with(|s| s.appointments.max_participants = 4).await;
    let (_, guest_code, id) = with_guest(&app, "clara@praxis.de").await;
    let pass = patient_enters(&app, "Dana Dolmetscherin", &guest_code).await;
    let client = reqwest::Client::new();
    for path in [
        "/videosprechstunde/einwilligung.pdf",
        "/api/videosprechstunde/einwilligung/stand",
    ] {
        let response = client
            .get(format!("{}{path}", app.address))
            .header("cookie", &pass)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
    let upload = client
        .post(format!("{}/videosprechstunde/einwilligung", app.address))
        .header("cookie", &pass)
        .header("content-type", "application/octet-stream")
        .body(vec![0u8; 64])
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 403);
    // Over the socket: no admitting, no notes, no removal, for anybody.
    let mut guest = open(&app, &pass, "patient").await.unwrap();
    view(&mut guest).await;
    for message in [
        ClientMessage::Admit {
            appointment: id.clone(),
        },
        ClientMessage::Remove {
            appointment: id.clone(),
        },
        ClientMessage::NoteToAll {
            text: "Hallo".into(),
        },
    ] {
        send(&mut guest, message).await;
        match next(&mut guest).await {
            Some(ServerMessage::Error { code }) => assert_eq!(code, ErrorCode::NotAllowed),
            other => panic!("{other:?}"),
        }
    }
    // Not admitted: no call.
    send(
        &mut guest,
        ClientMessage::JoinCall {
            instance: "dana-1".into(),
        },
    )
    .await;
    match next(&mut guest).await {
        Some(ServerMessage::Error { code }) => assert_eq!(code, ErrorCode::WrongState),
        other => panic!("{other:?}"),
    }
    // Another practice's doctor cannot name Dana.
    let b_cookie = {
        let b = app.practice_b("owner@praxis-b.de").await;
        drop(b);
        doctor_cookie(&app, "owner@praxis-b.de").await
    };
    let mut other = open(&app, &b_cookie, "praxis").await.unwrap();
    let roster = roster_until(&mut other, |_| true).await;
    assert!(roster.entries.is_empty());
    app.log_in("clara@praxis.de", crate::helpers::PASSWORD)
        .await;
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    let guest_id = crate::html::Page::parse(&page)
        .attr(r#".guest input[name="guest_id"]"#, "value")[0]
        .clone();
    send(
        &mut other,
        ClientMessage::Remove {
            appointment: guest_id,
        },
    )
    .await;
    loop {
        match next(&mut other).await {
            Some(ServerMessage::Error { code }) => {
                assert_eq!(code, ErrorCode::UnknownAppointment);
                break;
            }
            Some(ServerMessage::Roster(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(crate::waiting_room::silent(&mut guest).await);
}
