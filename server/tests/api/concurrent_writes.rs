//! Fifty parallel writes of each kind on one server: none may fail. On SQLite a transaction
//! that read first and wrote second failed at once with `database is locked` when another
//! writer had committed meanwhile (a consent upload did, in the suite's own run); write
//! transactions now hold the write lock from their start (`app::transaction`).

use crate::helpers::{access_code_in, spawn_app_with, TestApp, PASSWORD};
use crate::waiting_room::{doctor_cookie, next, open, patient_enters, send, Socket};
use app::clock::Clock;
use app::signalling::types::{ClientMessage, PatientPhase, ServerMessage};
use futures_util::future::join_all;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const N: usize = 50;

fn form(pairs: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    pairs.to_vec()
}

fn appointment_form(
    action: &str,
    date: &str,
    minute: usize,
    note: &str,
) -> Vec<(&'static str, String)> {
    let start = 7 * 60 + minute * 12;
    form(&[
        ("action", action.into()),
        ("patient_name", format!("Patientin {minute}")),
        ("patient_email", format!("p{minute}@example.org")),
        ("date", date.into()),
        ("time", format!("{:02}:{:02}", start / 60, start % 60)),
        ("duration", "10".into()),
        ("note", note.into()),
        ("doctor_id", String::new()),
    ])
}

fn statuses(responses: &[reqwest::Response]) -> Vec<u16> {
    responses.iter().map(|r| r.status().as_u16()).collect()
}

#[tokio::test]
async fn fifty_parallel_writes_of_each_kind_all_succeed() {
    // Fifty registrations from this one test address are a flood the per-address limit would
    // stop, and uploads beyond `uploads.concurrent` wait their turn with a 503; this test is
    // about the database, so both limits are raised.
    // The waiting-room part below has fifty patients waiting at once for appointments a week
    // ahead: the codes open a week early, and the socket caps per login and address are raised.
    let app = spawn_app_with(|s| {
        s.security.registrations_per_address_per_hour = 1000;
        s.uploads.concurrent = 100;
        s.appointments.code_opens_minutes_before = 8 * 24 * 60;
        s.signalling.sockets_per_login = 1000;
        s.signalling.sockets_per_address = 1000;
    })
    .await;

    // Bookings (one practice, fifty slots of one day).
    app.register_verified("kalender@praxis.de").await;
    app.log_in("kalender@praxis.de", PASSWORD).await;
    let date = app::time::berlin_date(app.clock.now() + chrono::Duration::days(7)).to_string();
    let bookings = join_all((0..N).map(|i| {
        let (app, date) = (&app, &date);
        async move {
            let form = appointment_form("create", date, i, "");
            app.post_form("/praxis/termine/neu", &form).await
        }
    }))
    .await;
    assert!(
        statuses(&bookings).iter().all(|s| *s == 303),
        "bookings: {:?}",
        statuses(&bookings)
    );
    for booking in &bookings {
        let to = crate::helpers::location(booking);
        assert!(to.starts_with("/praxis/termine?datum="), "booked: {to}");
    }
    let ids: Vec<(usize, String)> = {
        let mut rows = app::entities::appointment::Entity::find()
            .all(app.conn())
            .await
            .unwrap();
        rows.sort_by_key(|a| a.starts_at);
        rows.iter()
            .enumerate()
            .map(|(i, a)| (i, a.id.to_string()))
            .collect()
    };
    assert_eq!(ids.len(), N);

    // Notes: every appointment changed at once.
    let notes = join_all(ids.iter().map(|(i, id)| {
        let (app, date) = (&app, &date);
        async move {
            let form = appointment_form("update", date, *i, "Bitte Befunde bereithalten");
            app.post_form(&format!("/praxis/termin/{id}"), &form).await
        }
    }))
    .await;
    assert!(
        statuses(&notes).iter().all(|s| *s == 303),
        "notes: {:?}",
        statuses(&notes)
    );

    // Uploads: a sealed scan for every appointment at once.
    let keys = crate::consent::set_up_key(&app).await;
    let scan = crate::consent::fixture("einwilligung.pdf");
    let sealed = consent_crypto::seal_document(
        keys.public(),
        app::consent::document::DocumentKind::Pdf,
        &scan,
    )
    .unwrap();
    // One member may upload UPLOADS_PER_HOUR documents an hour; that many go at once.
    let per_hour = usize::try_from(app::consent::service::documents::UPLOADS_PER_HOUR).unwrap();
    let uploads = join_all(ids.iter().take(per_hour).map(|(_, id)| {
        app.client
            .post(format!(
                "{}/praxis/termin/{id}/einwilligung/dokument",
                app.address
            ))
            .header("content-type", "application/octet-stream")
            .body(sealed.clone())
            .send()
    }))
    .await
    .into_iter()
    .map(|r| r.expect("answer"))
    .collect::<Vec<_>>();
    assert!(
        uploads.len() == per_hour.min(N) && statuses(&uploads).iter().all(|s| *s == 201),
        "uploads: {:?}",
        statuses(&uploads)
    );

    // The waiting room: fifty patients wait, fifty doctor sockets each send a note to one of
    // them and admit them, all at once over the real signalling socket.
    waiting_room_at_once(&app, &ids).await;

    // Cancellations.
    let cancellations = join_all(ids.iter().map(|(_, id)| {
        let app = &app;
        async move {
            app.post_form(
                &format!("/praxis/termin/{id}"),
                &[("action", "cancel".into())],
            )
            .await
        }
    }))
    .await;
    assert!(
        statuses(&cancellations).iter().all(|s| *s == 303),
        "cancellations: {:?}",
        statuses(&cancellations)
    );
    let cancelled = app::entities::appointment::Entity::find()
        .all(app.conn())
        .await
        .unwrap()
        .iter()
        .filter(|a| app::appointment::lifecycle::is_cancelled(a))
        .count();
    assert_eq!(cancelled, N);

    // Registrations (after the practice above: its verification mail is then the only one).
    let registrations = join_all((0..N).map(|i| {
        let app = &app;
        async move {
            app.new_browser()
                .post(format!("{}/registrieren", app.address))
                .header("Accept", "text/html")
                .form(&crate::helpers::registration(&format!(
                    "praxis{i}@example.org"
                )))
                .send()
                .await
                .expect("answer")
        }
    }))
    .await;
    assert!(
        statuses(&registrations).iter().all(|s| *s == 303),
        "registrations: {:?}",
        statuses(&registrations)
    );
    assert_eq!(
        app::entities::practice_user::Entity::find()
            .count(app.conn())
            .await
            .unwrap(),
        N as u64 + 1
    );
}

/// The patient's next view on the socket.
async fn next_view(socket: &mut Socket) -> app::signalling::types::PatientView {
    match next(socket).await {
        Some(ServerMessage::WaitingRoom(view)) => view,
        other => panic!("expected a view, got {other:?}"),
    }
}

/// Every booked patient enters with the code of their invitation and waits; then each of
/// fifty doctor sockets sends a note to one appointment and admits it, all in parallel.
async fn waiting_room_at_once(app: &TestApp, ids: &[(usize, String)]) {
    use app::entities::appointment::{Column, Entity};
    // The practice's verification mail and one invitation per appointment.
    let mails = app
        .inbox
        .wait_for_messages(ids.len() + 1, std::time::Duration::from_secs(30))
        .await;
    let mut patients = Vec::new();
    for (_, id) in ids {
        let row = Entity::find_by_id(uuid::Uuid::parse_str(id).unwrap())
            .one(app.conn())
            .await
            .unwrap()
            .unwrap();
        let invitation = mails
            .iter()
            .find(|m| m.to.contains(&row.patient_email))
            .unwrap_or_else(|| panic!("an invitation to {}", row.patient_email));
        let code = access_code_in(&invitation.text).expect("code in the invitation");
        // (The booked names carry digits; the entry form takes letters only, and another name
        // than booked is let in.)
        let pass = patient_enters(app, "Erika Mustermann", &code).await;
        let mut socket = open(app, &pass, "patient").await.expect("patient socket");
        assert_eq!(next_view(&mut socket).await.phase, PatientPhase::Waiting);
        patients.push(socket);
    }
    let cookie = doctor_cookie(app, "kalender@praxis.de").await;
    let outcomes = join_all(ids.iter().zip(patients).map(|((_, id), mut patient)| {
        let cookie = &cookie;
        async move {
            let mut doctor = open(app, cookie, "praxis").await.expect("doctor socket");
            let note = format!("Gleich geht es los ({id})");
            send(
                &mut doctor,
                ClientMessage::SendNote {
                    appointment: id.clone(),
                    text: note.clone(),
                },
            )
            .await;
            assert_eq!(next_view(&mut patient).await.note, Some(note));
            send(
                &mut doctor,
                ClientMessage::Admit {
                    appointment: id.clone(),
                },
            )
            .await;
            loop {
                match next(&mut doctor).await {
                    Some(ServerMessage::Admitted { appointment }) if &appointment == id => break,
                    Some(ServerMessage::Error { code }) => return Err(format!("{code:?}")),
                    Some(_) => {}
                    None => return Err("doctor socket closed".to_owned()),
                }
            }
            loop {
                let view = next_view(&mut patient).await;
                if view.phase == PatientPhase::InCall {
                    return Ok(());
                }
            }
        }
    }))
    .await;
    let failed: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(failed.is_empty(), "notes and admissions: {failed:?}");
    let admitted = Entity::find()
        .filter(Column::AdmittedAt.is_not_null())
        .filter(Column::DoctorNote.like("Gleich geht es los%"))
        .count(app.conn())
        .await
        .unwrap();
    assert_eq!(admitted, N as u64);
}
