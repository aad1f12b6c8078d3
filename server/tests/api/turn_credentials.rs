//! Who gets a TURN credential, and until when (issue 22, point 3): only a pass that may call —
//! the tech test inside the appointment's window and the admitted patient — and the logged-in
//! doctor in the call; valid until the appointment's end plus `ice.credential_margin_minutes`,
//! in the TURN REST format (`<unix-expiry>:<random id>`, base64(HMAC-SHA1(secret, username)))
//! that coturn checks too. A stranger, an expired or cancelled pass and a patient outside the
//! window get none — each asked over HTTP and the real socket.

use crate::call_signalling::{admit, patient_waiting};
use crate::helpers::TestApp;
use crate::waiting_room::{next, open, patient_enters, send, ten_minutes_before};
use app::call::ice::turn_password;
use app::clock::Clock;
use app::entities::appointment;
use app::signalling::types::{ClientMessage, ErrorCode, IceServer, ServerMessage};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

const ROOM: &str = "/api/videosprechstunde/raum";

/// The room endpoint's answer for `cookie` (the page's data: `null` without a valid pass).
async fn room(app: &TestApp, cookie: Option<&str>) -> serde_json::Value {
    let mut request = reqwest::Client::new().get(format!("{}{ROOM}", app.address));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The TURN entries (with credentials) among the room's ICE servers.
fn turn_of(room: &serde_json::Value) -> Vec<IceServer> {
    let servers: Vec<IceServer> =
        serde_json::from_value(room["ice_servers"].clone()).expect("ice_servers");
    assert!(!servers.is_empty(), "the STUN server is always there");
    servers
        .into_iter()
        .filter(|s| s.url.starts_with("turn:") || s.url.starts_with("turns:"))
        .collect()
}

/// The one appointment of the test.
async fn the_appointment(app: &TestApp) -> appointment::Model {
    appointment::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .expect("appointment")
}

/// Checks the credential's format and password, and returns its expiry.
fn expiry_of(app: &TestApp, turn: &[IceServer]) -> DateTime<Utc> {
    assert!(!turn.is_empty(), "a TURN server with a credential");
    let username = turn[0].username.clone().expect("username");
    assert!(turn.iter().all(|s| s.username.as_ref() == Some(&username)));
    let (expiry, id) = username.split_once(':').expect("<expiry>:<id>");
    assert!(
        id.len() == 16
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        "an opaque random id, no name: {id}"
    );
    let secret = app.state.ice.turn_secret().expect("TURN secret");
    assert_eq!(
        turn[0].credential,
        Some(turn_password(&secret, &username)),
        "base64(HMAC-SHA1(secret, username))"
    );
    DateTime::from_timestamp(expiry.parse().expect("unix expiry"), 0).expect("expiry")
}

#[tokio::test]
async fn a_stranger_gets_no_turn_credential() {
    let app = crate::helpers::spawn_app().await;
    ten_minutes_before(&app, "fremd@praxis.de").await;
    assert_eq!(room(&app, None).await, serde_json::Value::Null);
    // A made-up cookie is no pass either, and the patient socket refuses it.
    assert_eq!(
        room(&app, Some("sprechzimmer=erfunden")).await,
        serde_json::Value::Null
    );
    assert_eq!(
        open(&app, "sprechzimmer=erfunden", "patient").await.err(),
        Some(401)
    );
}

#[tokio::test]
async fn the_tech_test_gets_a_credential_until_the_end_plus_the_margin_and_no_longer() {
    let app = crate::helpers::spawn_app_with(|s| s.ice.credential_margin_minutes = 30).await;
    let code = ten_minutes_before(&app, "technik@praxis.de").await;
    let pass = patient_enters(&app, "Erika Mustermann", &code).await;
    let row = the_appointment(&app).await;
    let expiry = expiry_of(&app, &turn_of(&room(&app, Some(&pass)).await));
    assert_eq!(
        expiry.timestamp(),
        (row.ends_at + Duration::minutes(30)).timestamp(),
        "the appointment's end plus the margin, not 12 hours"
    );

    // 40 minutes after the end the pass still opens the room (it lasts 60), but the
    // margin of 30 is over: STUN only.
    app.clock
        .advance(row.ends_at + Duration::minutes(40) - app.clock.now());
    let late = room(&app, Some(&pass)).await;
    assert!(late.is_object(), "the pass still opens the room: {late}");
    assert!(
        turn_of(&late).is_empty(),
        "no TURN after the margin: {late}"
    );

    // Once the pass has expired: nothing at all.
    app.clock.advance(Duration::minutes(30));
    assert_eq!(room(&app, Some(&pass)).await, serde_json::Value::Null);
}

#[tokio::test]
async fn a_pass_for_an_appointment_moved_later_gets_no_credential_until_its_window() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "verlegt@praxis.de").await;
    let pass = patient_enters(&app, "Erika Mustermann", &code).await;
    assert!(!turn_of(&room(&app, Some(&pass)).await).is_empty());

    // The practice moves the appointment to tomorrow: the pass outlives the old time but
    // the patient is outside the new window.
    let row = the_appointment(&app).await;
    let mut moved: appointment::ActiveModel = row.clone().into();
    moved.starts_at = Set(row.starts_at + Duration::days(1));
    moved.ends_at = Set(row.ends_at + Duration::days(1));
    moved.update(app.conn()).await.unwrap();
    let outside = room(&app, Some(&pass)).await;
    assert!(outside.is_object(), "{outside}");
    assert!(
        turn_of(&outside).is_empty(),
        "outside the window: {outside}"
    );
}

#[tokio::test]
async fn a_cancelled_appointment_gets_no_credential() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "abgesagt@praxis.de").await;
    let pass = patient_enters(&app, "Erika Mustermann", &code).await;
    let mut cancelled: appointment::ActiveModel = the_appointment(&app).await.into();
    cancelled.status = Set(app::appointment::lifecycle::AppointmentStatus::Cancelled);
    cancelled.update(app.conn()).await.unwrap();
    assert_eq!(room(&app, Some(&pass)).await, serde_json::Value::Null);
}

/// The credential of a `CallReady` on `socket` after joining as `instance`.
async fn join_call(socket: &mut crate::waiting_room::Socket, instance: &str) -> Vec<IceServer> {
    send(
        socket,
        ClientMessage::JoinCall {
            instance: instance.into(),
        },
    )
    .await;
    loop {
        match next(socket).await {
            Some(ServerMessage::CallReady { ice_servers, .. }) => {
                return ice_servers
                    .into_iter()
                    .filter(|s| s.url.starts_with("turn"))
                    .collect()
            }
            Some(ServerMessage::Error { code }) => panic!("join refused: {code:?}"),
            Some(_) => continue,
            None => panic!("socket closed"),
        }
    }
}

#[tokio::test]
async fn in_the_call_both_sides_get_credentials_until_the_end_plus_the_margin() {
    let app = crate::helpers::spawn_app().await;
    let (cookie, mut list, _pass, mut patient, id) =
        patient_waiting(&app, "gespraech@praxis.de").await;
    // Waiting, not yet let in: the socket gives no credential.
    send(
        &mut patient,
        ClientMessage::JoinCall {
            instance: "p0".into(),
        },
    )
    .await;
    assert_eq!(
        next(&mut patient).await,
        Some(ServerMessage::Error {
            code: ErrorCode::WrongState
        })
    );
    admit(&mut list, &mut patient, &id).await;
    let row = the_appointment(&app).await;
    let end = (row.ends_at + Duration::minutes(60)).timestamp();
    let mut doctor = open(&app, &cookie, &format!("gespraech&termin={id}"))
        .await
        .expect("call page");
    let doctor_turn = join_call(&mut doctor, "d1").await;
    let patient_turn = join_call(&mut patient, "p1").await;
    assert_eq!(expiry_of(&app, &doctor_turn).timestamp(), end);
    assert_eq!(expiry_of(&app, &patient_turn).timestamp(), end);
    assert_ne!(
        doctor_turn[0].username, patient_turn[0].username,
        "one credential per page"
    );
}

#[tokio::test]
async fn the_server_refuses_to_start_with_a_bad_external_turn_setting_and_never_names_the_secret() {
    let database = crate::helpers::TestDatabase::new().await;
    let leptos =
        server::config::load_leptos_options(&crate::helpers::workspace_root().join("Leptos.toml"))
            .expect("Leptos.toml");
    let cases: [(&[&str], Option<&str>, &str); 3] = [
        (&["turn:turn.example.org:3478"], None, "ice.turn_secret"),
        (
            &["turn:turn.example.org:3478"],
            Some("kurzes-geheimnis"),
            "zu kurz",
        ),
        (
            &["http://turn.example.org"],
            Some("ein-langes-geheimnis-0123456789abcdef"),
            "keine TURN-Adresse",
        ),
    ];
    for (urls, secret, expected) in cases {
        let mut settings = crate::helpers::test_settings(&database.url);
        settings.ice.turn_urls = urls.iter().map(|u| (*u).to_owned()).collect();
        settings.ice.turn_secret = secret.map(|s| s.to_owned().into());
        let mut options = leptos.clone();
        options.site_addr = "127.0.0.1:0".parse().expect("addr");
        let error = match server::startup::Application::build(settings, options).await {
            Ok(_) => panic!("started with {urls:?}"),
            Err(e) => e.to_string(),
        };
        assert!(error.contains(expected), "{error}");
        if let Some(secret) = secret {
            assert!(
                !error.contains(secret),
                "the secret in the message: {error}"
            );
        }
    }
}
