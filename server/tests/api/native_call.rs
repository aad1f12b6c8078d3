//! A whole call between two native WebRTC peers (webrtc-rs) through the real signalling
//! server: the doctor's call page and the patient's page take their seats, offer, answer and
//! candidates pass the relay, media and chat flow between the peers, both compute the same
//! verification code — and the server's counters show it passed signalling only. Once on
//! the direct path, once forced through the embedded TURN relay.

use crate::helpers::TestApp;
use crate::waiting_room::open;
use std::sync::atomic::Ordering;
use std::time::Duration;
use test_support::native_peer::{join, negotiate, NativePeer, Side};

/// A patient let in, the doctor's call page open; both sides with their peers.
async fn call(app: &TestApp, email: &str, relay_only: bool) -> (Side, Side) {
    let (cookie, mut list, _pass, mut patient, id) =
        crate::call_signalling::patient_waiting(app, email).await;
    crate::call_signalling::admit(&mut list, &mut patient, &id).await;
    let mut doctor = open(app, &cookie, &format!("gespraech&termin={id}"))
        .await
        .expect("call page");
    let doctor_servers = join(&mut doctor, "native-doctor")
        .await
        .expect("doctor joins");
    let patient_servers = join(&mut patient, "native-patient")
        .await
        .expect("patient joins");
    let doctor = Side {
        peer: NativePeer::new("doctor", &doctor_servers, relay_only)
            .await
            .expect("doctor peer"),
        socket: doctor,
    };
    let patient = Side {
        peer: NativePeer::new("patient", &patient_servers, relay_only)
            .await
            .expect("patient peer"),
        socket: patient,
    };
    (doctor, patient)
}

/// Media and chat both ways on the expected `path` (the local candidate type in use), the same
/// code on both sides, the relay carried signals only.
async fn talk(app: &TestApp, mut doctor: Side, mut patient: Side, path: &str) {
    let signal_bytes = app
        .state
        .calls
        .counters
        .signal_bytes
        .load(Ordering::Relaxed);
    doctor.peer.start_media().await.expect("doctor media");
    patient.peer.start_media().await.expect("patient media");
    // Within 2 s: 100 audio packets, 60 frames of 3 packets each, minus start-up. Checked as
    // they arrive, so a fast start does not wait out the 2 s.
    let started = std::time::Instant::now();
    let enough = |side: &Side| {
        let (audio, video) = side.peer.packets();
        audio > 50 && video > 90
    };
    while !(enough(&doctor) && enough(&patient)) && started.elapsed() < Duration::from_secs(2) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for (who, side) in [("doctor", &doctor), ("patient", &patient)] {
        let (audio, video) = side.peer.packets();
        assert!(
            audio > 50 && video > 90,
            "{who} received {audio} audio / {video} video packets within 2 s"
        );
    }
    for side in [&doctor, &patient] {
        assert_eq!(
            side.peer.path().await.as_deref(),
            Some(path),
            "the path in use"
        );
    }
    // The patient answers once the question arrived, as a person would.
    assert!(doctor.peer.chat("Guten Tag, hören Sie mich?").await);
    crate::helpers::eventually("the patient hears the doctor's line", || async {
        (!patient.peer.chat_received().is_empty()).then_some(())
    })
    .await;
    assert!(patient.peer.chat("Ja, gut.").await);
    crate::helpers::eventually("the doctor hears the answer", || async {
        (!doctor.peer.chat_received().is_empty()).then_some(())
    })
    .await;
    assert_eq!(patient.peer.chat_received(), ["Guten Tag, hören Sie mich?"]);
    assert_eq!(doctor.peer.chat_received(), ["Ja, gut."]);
    let code = doctor
        .peer
        .verification_code()
        .await
        .expect("doctor's code");
    assert_eq!(
        patient.peer.verification_code().await.as_deref(),
        Some(code.as_str())
    );
    // Seconds of media and chat, and not one byte of it through the signalling relay.
    assert_eq!(
        app.state
            .calls
            .counters
            .signal_bytes
            .load(Ordering::Relaxed),
        signal_bytes
    );
    drop(doctor.socket);
    drop(patient.socket);
    doctor.peer.close().await;
    patient.peer.close().await;
}

#[tokio::test]
async fn two_native_peers_call_each_other_directly_through_our_signalling() {
    let app = crate::helpers::spawn_app().await;
    let (mut doctor, mut patient) = call(&app, "native@praxis.de", false).await;
    negotiate(&mut doctor, &mut patient, Duration::from_secs(20))
        .await
        .expect("connected");
    talk(&app, doctor, patient, "host").await;
}

#[tokio::test]
async fn two_native_peers_call_each_other_through_the_embedded_turn_relay() {
    let app = crate::helpers::spawn_app_with(|s| s.ice.relay_to_private_addresses = true).await;
    let (mut doctor, mut patient) = call(&app, "relay@praxis.de", true).await;
    negotiate(&mut doctor, &mut patient, Duration::from_secs(20))
        .await
        .expect("connected");
    let turn = app.turn.as_ref().expect("the embedded TURN service");
    assert_eq!(turn.allocations().await, 2, "one relay allocation per side");
    for side in [&doctor, &patient] {
        assert_eq!(
            side.peer.path().await.as_deref(),
            Some("relay"),
            "through the relay"
        );
    }
    talk(&app, doctor, patient, "relay").await;
}

/// The coturn that `scripts/test.sh` starts (`start_coturn` in `scripts/lib.sh`): its URL and
/// TURN REST secret. Missing is a failure, not a skip: the relayed call must be proven.
fn coturn() -> (String, String) {
    let hint = "this test needs coturn: run `bash scripts/test.sh`, or start it in the shell \
                that runs the tests with `source scripts/lib.sh && start_coturn` (which exports \
                SPRECHZIMMER_TEST_COTURN_URL and SPRECHZIMMER_TEST_COTURN_SECRET; `stop_coturn` \
                ends it)";
    let url = std::env::var("SPRECHZIMMER_TEST_COTURN_URL")
        .unwrap_or_else(|_| panic!("SPRECHZIMMER_TEST_COTURN_URL is not set: {hint}"));
    let secret = std::env::var("SPRECHZIMMER_TEST_COTURN_SECRET")
        .unwrap_or_else(|_| panic!("SPRECHZIMMER_TEST_COTURN_SECRET is not set: {hint}"));
    (url, secret)
}

#[tokio::test]
async fn two_native_peers_call_each_other_relay_only_through_an_external_coturn() {
    let (url, secret) = coturn();
    // The port the embedded service would take if it ran, held by this test (UDP and TCP) while
    // the app starts: binding it would fail and so would the start. Checking afterwards whether
    // the port is still free raced with other tests' ephemeral ports.
    let (udp, tcp) = (0..100)
        .find_map(|_| {
            let udp = std::net::UdpSocket::bind("127.0.0.1:0").ok()?;
            let port = udp.local_addr().ok()?.port();
            let tcp = std::net::TcpListener::bind(("127.0.0.1", port)).ok()?;
            Some((udp, tcp))
        })
        .expect("a port free for UDP and TCP");
    let embedded_port = udp.local_addr().expect("address").port();
    let app = crate::helpers::spawn_app_with(|s| {
        s.ice.turn_urls = vec![url.clone()];
        s.ice.turn_secret = Some(secret.clone().into());
        s.ice.turn_port = embedded_port;
    })
    .await;
    assert!(app.turn.is_none(), "the embedded TURN service is off");
    drop((udp, tcp));
    let (mut doctor, mut patient) = call(&app, "coturn@praxis.de", true).await;
    negotiate(&mut doctor, &mut patient, Duration::from_secs(20))
        .await
        .expect("connected through coturn");
    for side in [&doctor, &patient] {
        assert_eq!(
            side.peer.path().await.as_deref(),
            Some("relay"),
            "through coturn's relay"
        );
    }
    talk(&app, doctor, patient, "relay").await;
}
