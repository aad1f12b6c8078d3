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

/// The client side of TURN over TCP for the test: STUN messages and ChannelData framed by
/// their own length, as browsers send them.
pub(crate) struct TcpClientConn {
    pub(crate) reader: tokio::sync::Mutex<tokio::net::tcp::OwnedReadHalf>,
    pub(crate) writer: tokio::sync::Mutex<tokio::net::tcp::OwnedWriteHalf>,
    pub(crate) server: std::net::SocketAddr,
    pub(crate) local: std::net::SocketAddr,
}

#[async_trait::async_trait]
impl webrtc_util::Conn for TcpClientConn {
    async fn connect(&self, _: std::net::SocketAddr) -> webrtc_util::Result<()> {
        Ok(())
    }
    async fn recv(&self, buf: &mut [u8]) -> webrtc_util::Result<usize> {
        self.recv_from(buf).await.map(|(n, _)| n)
    }
    async fn recv_from(
        &self,
        buf: &mut [u8],
    ) -> webrtc_util::Result<(usize, std::net::SocketAddr)> {
        use tokio::io::AsyncReadExt;
        let mut reader = self.reader.lock().await;
        let mut header = [0u8; 4];
        reader.read_exact(&mut header).await?;
        let length = server::turn_tcp::frame_length(header).expect("a TURN frame");
        let mut frame = vec![0u8; length];
        frame[..4].copy_from_slice(&header);
        reader.read_exact(&mut frame[4..]).await?;
        if (0x40..=0x7F).contains(&header[0]) {
            frame.truncate(4 + usize::from(u16::from_be_bytes([header[2], header[3]])));
        }
        buf[..frame.len()].copy_from_slice(&frame);
        Ok((frame.len(), self.server))
    }
    async fn send(&self, buf: &[u8]) -> webrtc_util::Result<usize> {
        self.send_to(buf, self.server).await
    }
    async fn send_to(&self, buf: &[u8], _: std::net::SocketAddr) -> webrtc_util::Result<usize> {
        use tokio::io::AsyncWriteExt;
        let mut frame = buf.to_vec();
        if frame.first().is_some_and(|b| (0x40..=0x7F).contains(b)) {
            frame.resize(frame.len().div_ceil(4) * 4, 0);
        }
        self.writer.lock().await.write_all(&frame).await?;
        Ok(buf.len())
    }
    fn local_addr(&self) -> webrtc_util::Result<std::net::SocketAddr> {
        Ok(self.local)
    }
    fn remote_addr(&self) -> Option<std::net::SocketAddr> {
        Some(self.server)
    }
    async fn close(&self) -> webrtc_util::Result<()> {
        Ok(())
    }
    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}

#[tokio::test]
async fn turn_over_tcp_relays_both_ways_with_the_browsers_credential() {
    let app = crate::helpers::spawn_app_with(|s| s.ice.relay_to_private_addresses = true).await;
    let tcp = app
        .turn
        .as_ref()
        .and_then(|t| t.tcp_address())
        .expect("TURN over TCP runs by default");
    let servers = app.state.ice.servers(app.clock.now());
    let turn = servers
        .iter()
        .find(|s| s.url.ends_with("?transport=tcp"))
        .expect("a TCP TURN address for the browser");
    assert_eq!(
        turn.url,
        format!("turn:127.0.0.1:{}?transport=tcp", tcp.port())
    );
    let stream = tokio::net::TcpStream::connect(tcp).await.unwrap();
    let local = stream.local_addr().unwrap();
    let (reader, writer) = stream.into_split();
    let conn = Arc::new(TcpClientConn {
        reader: tokio::sync::Mutex::new(reader),
        writer: tokio::sync::Mutex::new(writer),
        server: tcp,
        local,
    });
    let client = Client::new(ClientConfig {
        stun_serv_addr: tcp.to_string(),
        turn_serv_addr: tcp.to_string(),
        username: turn.username.clone().unwrap(),
        password: turn.credential.clone().unwrap(),
        realm: "sprechzimmer".into(),
        software: String::new(),
        rto_in_ms: 200,
        conn,
        vnet: None,
    })
    .await
    .unwrap();
    client.listen().await.unwrap();
    let relay = client.allocate().await.expect("allocation over TCP");
    assert_eq!(app.turn.as_ref().unwrap().allocations().await, 1);
    use webrtc_util::Conn;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    // Out through the relay (with a permission for the peer), and the answer back in.
    for _ in 0..3 {
        relay
            .send_to(b"hallo", peer.local_addr().unwrap())
            .await
            .unwrap();
    }
    let mut buf = [0u8; 64];
    let (n, from) =
        tokio::time::timeout(std::time::Duration::from_secs(3), peer.recv_from(&mut buf))
            .await
            .expect("relayed to the peer")
            .unwrap();
    assert_eq!(&buf[..n], b"hallo");
    assert_eq!(from, relay.local_addr().unwrap());
    peer.send_to(b"zurueck", from).await.unwrap();
    let (n, _) = tokio::time::timeout(std::time::Duration::from_secs(3), relay.recv_from(&mut buf))
        .await
        .expect("relayed back over TCP")
        .unwrap();
    assert_eq!(&buf[..n], b"zurueck");
    client.close().await.unwrap();
}
