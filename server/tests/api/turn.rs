//! The embedded STUN/TURN service answers STUN and relays only with a valid, unexpired
//! credential — the same kind the patient's room page hands to the browser.

use crate::helpers::spawn_app;
use app::call::ice::turn_password;
use app::clock::Clock;
use chrono::Duration;
use std::sync::Arc;
use tokio::net::UdpSocket;
use turn::client::{Client, ClientConfig};

async fn client(server: &str, username: &str, password: &str) -> Client {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let client = Client::new(ClientConfig {
        stun_serv_addr: server.to_owned(),
        turn_serv_addr: server.to_owned(),
        username: username.to_owned(),
        password: password.to_owned(),
        realm: "sprechzimmer".into(),
        software: String::new(),
        rto_in_ms: 200,
        conn: Arc::new(socket),
        vnet: None,
    })
    .await
    .unwrap();
    client.listen().await.unwrap();
    client
}

#[tokio::test]
async fn stun_answers_and_turn_relays_only_with_a_valid_unexpired_credential() {
    let app = spawn_app().await;
    let address = app.turn_address.expect("the service runs by default");
    let server = address.to_string();
    let servers = app.state.ice.servers(app.clock.now());
    assert_eq!(servers[0].url, format!("stun:127.0.0.1:{}", address.port()));
    let turn = servers
        .iter()
        .find(|s| s.url.starts_with("turn:"))
        .expect("a TURN server for the browser");
    assert_eq!(
        turn.url,
        format!("turn:127.0.0.1:{}?transport=udp", address.port())
    );
    let (username, password) = (
        turn.username.clone().unwrap(),
        turn.credential.clone().unwrap(),
    );

    // STUN: our own address comes back.
    let stun = client(&server, "", "").await;
    let mapped = stun.send_binding_request().await.expect("binding answer");
    assert_eq!(mapped.ip().to_string(), "127.0.0.1");
    stun.close().await.unwrap();

    // TURN with the browser's credential: a relay address on the configured IP.
    let good = client(&server, &username, &password).await;
    let relay = good
        .allocate()
        .await
        .expect("allocation with a valid credential");
    use webrtc_util::Conn;
    assert_eq!(relay.local_addr().unwrap().ip().to_string(), "127.0.0.1");
    good.close().await.unwrap();

    // A wrong password, or a right password for an expired name, is refused.
    let wrong = client(&server, &username, "not-the-password").await;
    assert!(wrong.allocate().await.is_err());
    wrong.close().await.unwrap();
    let secret = app.state.ice.turn_secret().unwrap();
    let expired = format!(
        "{}:old",
        (app.clock.now() - Duration::minutes(1)).timestamp()
    );
    let stale = client(&server, &expired, &turn_password(&secret, &expired)).await;
    assert!(stale.allocate().await.is_err());
    stale.close().await.unwrap();
}

/// Relays the browser's credential allows, then sends one packet through the relay to a UDP
/// socket on loopback; returns whether it arrived.
async fn relayed_to_loopback(private_allowed: bool) -> bool {
    let app =
        crate::helpers::spawn_app_with(|s| s.ice.relay_to_private_addresses = private_allowed)
            .await;
    let server = app.turn_address.unwrap().to_string();
    let servers = app.state.ice.servers(app.clock.now());
    let turn = servers.iter().find(|s| s.url.starts_with("turn:")).unwrap();
    let client = client(
        &server,
        turn.username.as_deref().unwrap(),
        turn.credential.as_deref().unwrap(),
    )
    .await;
    let relay = client.allocate().await.expect("allocation");
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    use webrtc_util::Conn;
    relay
        .send_to(b"hallo", peer.local_addr().unwrap())
        .await
        .expect("send through the relay");
    let mut buf = [0u8; 16];
    let arrived = tokio::time::timeout(
        std::time::Duration::from_millis(800),
        peer.recv_from(&mut buf),
    )
    .await
    .is_ok_and(|r| r.is_ok_and(|(n, _)| &buf[..n] == b"hallo"));
    client.close().await.unwrap();
    arrived
}

#[tokio::test]
async fn the_relay_reaches_loopback_only_where_that_is_switched_on() {
    assert!(
        relayed_to_loopback(true).await,
        "local runs relay on loopback"
    );
    assert!(
        !relayed_to_loopback(false).await,
        "production refuses the server's own addresses"
    );
}
