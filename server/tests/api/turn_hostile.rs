//! The embedded STUN/TURN service under hostile use (issue 22, points 1–4), over real sockets
//! against the running app: TURN over TCP survives allocations ending, unauthenticated
//! requests leave no state behind, quotas per credential / allocation / client address, a
//! read timeout for half-sent TCP frames, and no relaying to special-purpose addresses or to
//! the relay's own address.

use crate::helpers::{eventually, spawn_app_with, CapturedLog, TestApp};
use crate::turn::TcpClientConn;
use app::call::ice::turn_password;
use app::clock::Clock;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use stun::agent::TransactionId;
use stun::attributes::ATTR_NONCE;
use stun::error_code::ErrorCodeAttribute;
use stun::fingerprint::FINGERPRINT;
use stun::integrity::MessageIntegrity;
use stun::message::{
    Getter, Message, MessageClass, MessageType, Method, Setter, CLASS_ERROR_RESPONSE,
    CLASS_INDICATION, CLASS_REQUEST, CLASS_SUCCESS_RESPONSE, METHOD_ALLOCATE, METHOD_CHANNEL_BIND,
    METHOD_CREATE_PERMISSION, METHOD_DATA, METHOD_SEND,
};
use stun::textattrs::{Nonce, Realm, Username};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use turn::client::{Client, ClientConfig};
use turn::proto::channum::ChannelNumber;
use turn::proto::data::Data;
use turn::proto::peeraddr::PeerAddress;
use turn::proto::relayaddr::RelayedAddress;
use turn::proto::reqtrans::RequestedTransport;
use turn::proto::PROTO_UDP;
use webrtc_util::Conn;

/// A credential of the kind the browsers get, under its own name.
fn credential(app: &TestApp, name: &str) -> (String, String) {
    let secret = app.state.ice.turn_secret().expect("TURN runs");
    let username = format!(
        "{}:{name}",
        (app.clock.now() + chrono::Duration::hours(1)).timestamp()
    );
    let password = turn_password(&secret, &username);
    (username, password)
}

/// A webrtc-rs TURN client over its own UDP socket.
async fn udp_client(server: SocketAddr, (username, password): &(String, String)) -> Client {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    client_over(Arc::new(socket), server, username, password).await
}

/// A webrtc-rs TURN client over a new TCP connection.
async fn tcp_client(server: SocketAddr, (username, password): &(String, String)) -> Client {
    let stream = TcpStream::connect(server).await.unwrap();
    let local = stream.local_addr().unwrap();
    let (reader, writer) = stream.into_split();
    let conn = Arc::new(TcpClientConn {
        reader: tokio::sync::Mutex::new(reader),
        writer: tokio::sync::Mutex::new(writer),
        server,
        local,
    });
    client_over(conn, server, username, password).await
}

async fn client_over(
    conn: Arc<dyn Conn + Send + Sync>,
    server: SocketAddr,
    username: &str,
    password: &str,
) -> Client {
    let client = Client::new(ClientConfig {
        stun_serv_addr: server.to_string(),
        turn_serv_addr: server.to_string(),
        username: username.to_owned(),
        password: password.to_owned(),
        realm: "sprechzimmer".into(),
        software: String::new(),
        rto_in_ms: 200,
        conn,
        vnet: None,
    })
    .await
    .unwrap();
    client.listen().await.unwrap();
    client
}

/// One packet out through `relay` to `peer` and an answer back; retried while the permission
/// is being created.
async fn exchange(relay: &impl Conn, peer: &UdpSocket, round: usize) {
    let out = format!("hin {round}");
    let mut buf = [0u8; 64];
    let mut from = None;
    for _ in 0..10 {
        relay
            .send_to(out.as_bytes(), peer.local_addr().unwrap())
            .await
            .expect("send through the relay");
        if let Ok(Ok((n, addr))) =
            tokio::time::timeout(Duration::from_millis(300), peer.recv_from(&mut buf)).await
        {
            assert_eq!(&buf[..n], out.as_bytes());
            from = Some(addr);
            break;
        }
    }
    let from = from.unwrap_or_else(|| panic!("round {round}: nothing relayed to the peer"));
    let back = format!("zurueck {round}");
    peer.send_to(back.as_bytes(), from).await.unwrap();
    let (n, _) = tokio::time::timeout(Duration::from_secs(3), relay.recv_from(&mut buf))
        .await
        .unwrap_or_else(|_| panic!("round {round}: nothing relayed back"))
        .unwrap();
    assert_eq!(&buf[..n], back.as_bytes());
}

#[tokio::test]
async fn turn_over_tcp_survives_100_allocations_ending_while_a_relayed_exchange_goes_on() {
    let app = spawn_app_with(|s| s.ice.relay_to_private_addresses = true).await;
    let turn = app.turn.clone().expect("TURN runs");
    let tcp = turn.tcp_address().expect("TURN over TCP runs");
    let running_credential = credential(&app, "running");
    let running = tcp_client(tcp, &running_credential).await;
    let relay = running
        .allocate()
        .await
        .expect("the running call's allocation");
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    exchange(&relay, &peer, 0).await;

    let cycling = credential(&app, "cycling");
    for cycle in 1..=100 {
        let client = tcp_client(tcp, &cycling).await;
        let other = client
            .allocate()
            .await
            .unwrap_or_else(|e| panic!("TCP allocation {cycle} refused: {e}"));
        // Refresh with lifetime 0: the allocation ends (upstream closed the listener here).
        other.close().await.expect("refresh(0)");
        client.close().await.unwrap();
        drop(client);
        if cycle % 10 == 0 {
            exchange(&relay, &peer, cycle).await;
        }
    }
    // Only the running call's allocation and connection are left (the quota was given back).
    eventually("the ended allocations are gone", || async {
        (turn.allocation_count() == 1 && turn.allocations().await == 1).then_some(())
    })
    .await;
    eventually("the ended connections are gone", || async {
        (turn.tcp_connections() == 1).then_some(())
    })
    .await;
    // Ten connections with an allocation each end at once, without a Refresh: their
    // allocations end with the connections (and the service keeps answering).
    let mut burst = Vec::new();
    for n in 0..10 {
        let client = tcp_client(tcp, &credential(&app, &format!("burst{n}"))).await;
        let relay = client.allocate().await.expect("a burst allocation");
        burst.push((client, relay));
    }
    assert_eq!(turn.allocations().await, 11);
    for (client, relay) in burst {
        client.close().await.unwrap();
        drop((client, relay));
    }
    eventually(
        "the burst's allocations end with its connections",
        || async { (turn.allocation_count() == 1 && turn.allocations().await == 1).then_some(()) },
    )
    .await;
    // A new TCP allocation still works, and so does the running call.
    let late = tcp_client(tcp, &credential(&app, "late")).await;
    let late_relay = late.allocate().await.expect("a new TCP allocation");
    exchange(&late_relay, &peer, 101).await;
    exchange(&relay, &peer, 102).await;
    late.close().await.unwrap();
    running.close().await.unwrap();
}

#[tokio::test]
async fn in_a_group_call_a_pages_credential_holds_four_allocations_per_other_participant() {
    // Three participants: each page has two connections, so its credential may hold 2 × 4.
    let app = spawn_app_with(|s| {
        s.appointments.max_participants = 3;
        s.ice.max_allocations = 20;
    })
    .await;
    let server = app.turn_address.unwrap();
    let page = credential(&app, "group-page");
    let mut held = Vec::new();
    for n in 1..=8 {
        let client = udp_client(server, &page).await;
        let relay = client
            .allocate()
            .await
            .unwrap_or_else(|e| panic!("allocation {n}: {e}"));
        held.push((client, relay));
    }
    let ninth = udp_client(server, &page).await;
    let refused = ninth.allocate().await.err().expect("a ninth allocation");
    assert!(refused.to_string().contains("486"), "{refused}");
    for (client, _) in held {
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn a_credential_holds_four_allocations_and_the_service_its_total() {
    // Two participants: one connection per page.
    let app = spawn_app_with(|s| {
        s.appointments.max_participants = 2;
        s.ice.max_allocations = 6;
    })
    .await;
    let server = app.turn_address.unwrap();
    let first = credential(&app, "first");
    let mut held = Vec::new();
    for n in 1..=4 {
        let client = udp_client(server, &first).await;
        let relay = client
            .allocate()
            .await
            .unwrap_or_else(|e| panic!("allocation {n}: {e}"));
        held.push((client, relay));
    }
    let fifth = udp_client(server, &first).await;
    let refused = fifth.allocate().await.err().expect("a fifth allocation");
    assert!(
        refused.to_string().contains("486"),
        "486 Allocation Quota Reached, got {refused}"
    );
    // Over TCP the same credential counts too.
    let tcp = app.turn.as_ref().unwrap().tcp_address().unwrap();
    let over_tcp = tcp_client(tcp, &first).await;
    let refused = over_tcp.allocate().await.err().expect("a fifth over TCP");
    assert!(refused.to_string().contains("486"), "{refused}");
    over_tcp.close().await.unwrap();

    // Another credential gets the service's remaining two; then 508 Insufficient Capacity.
    let second = credential(&app, "second");
    let mut others = Vec::new();
    for _ in 0..2 {
        let client = udp_client(server, &second).await;
        let relay = client.allocate().await.expect("within the total");
        others.push((client, relay));
    }
    let beyond = udp_client(server, &second).await;
    let refused = beyond.allocate().await.err().expect("beyond the total");
    assert!(refused.to_string().contains("508"), "{refused}");
    beyond.close().await.unwrap();

    // An ended allocation gives its share back.
    let (client, relay) = held.pop().unwrap();
    relay.close().await.unwrap();
    client.close().await.unwrap();
    let turn = app.turn.clone().unwrap();
    eventually("the share comes back", || async {
        (turn.allocation_count() == 5).then_some(())
    })
    .await;
    let relay = fifth.allocate().await.expect("the fifth after one ended");
    relay.close().await.unwrap();
    for (client, relay) in held.into_iter().chain(others) {
        relay.close().await.unwrap();
        client.close().await.unwrap();
    }
    fifth.close().await.unwrap();
}

/// A TURN client over UDP that builds its own messages (to see error codes and send what
/// browsers would not).
struct RawClient {
    socket: UdpSocket,
    server: SocketAddr,
    username: String,
    integrity: MessageIntegrity,
    nonce: Option<Nonce>,
}

type Attrs = Vec<Box<dyn Setter>>;

impl RawClient {
    async fn new(server: SocketAddr, (username, password): &(String, String)) -> Self {
        Self {
            socket: UdpSocket::bind("127.0.0.1:0").await.unwrap(),
            server,
            username: username.clone(),
            integrity: MessageIntegrity::new_long_term_integrity(
                username.clone(),
                "sprechzimmer".into(),
                password.clone(),
            ),
            nonce: None,
        }
    }

    /// The answer to `msg` (other messages, e.g. Data indications, are skipped).
    async fn roundtrip(&self, msg: &Message) -> Message {
        self.socket.send_to(&msg.raw, self.server).await.unwrap();
        let mut buf = vec![0u8; 1500];
        loop {
            let (n, _) =
                tokio::time::timeout(Duration::from_secs(3), self.socket.recv_from(&mut buf))
                    .await
                    .expect("an answer")
                    .unwrap();
            let mut answer = Message::new();
            answer.raw = buf[..n].to_vec();
            if answer.decode().is_ok() && answer.transaction_id == msg.transaction_id {
                return answer;
            }
        }
    }

    /// `attrs` as a message; requests are signed once a nonce is known.
    fn build(&self, method: Method, class: MessageClass, attrs: Attrs) -> Message {
        let mut setters: Attrs = vec![
            Box::new(TransactionId::new()),
            Box::new(MessageType::new(method, class)),
        ];
        setters.extend(attrs);
        if let (true, Some(nonce)) = (class == CLASS_REQUEST, &self.nonce) {
            setters.push(Box::new(Username::new(
                stun::attributes::ATTR_USERNAME,
                self.username.clone(),
            )));
            setters.push(Box::new(Realm::new(
                stun::attributes::ATTR_REALM,
                "sprechzimmer".into(),
            )));
            setters.push(Box::new(nonce.clone()));
            setters.push(Box::new(self.integrity.clone()));
            setters.push(Box::new(FINGERPRINT));
        }
        let mut msg = Message::new();
        msg.build(&setters).unwrap();
        msg
    }

    /// An authenticated request (a nonce fetched first when needed); returns the answer.
    async fn call(&mut self, method: Method, attrs: impl Fn() -> Attrs) -> Message {
        for _ in 0..3 {
            let answer = self
                .roundtrip(&self.build(method, CLASS_REQUEST, attrs()))
                .await;
            let code = error_code(&answer);
            if code == 401 || code == 438 {
                self.nonce = Some(Nonce::get_from_as(&answer, ATTR_NONCE).unwrap());
                continue;
            }
            return answer;
        }
        panic!("no nonce accepted");
    }

    /// Allocates; returns the relayed address.
    async fn allocate(&mut self) -> SocketAddr {
        let answer = self
            .call(METHOD_ALLOCATE, || {
                vec![Box::new(RequestedTransport {
                    protocol: PROTO_UDP,
                })]
            })
            .await;
        assert_eq!(error_code(&answer), 0, "allocation");
        let mut relayed = RelayedAddress::default();
        relayed.get_from(&answer).unwrap();
        SocketAddr::new(relayed.ip, relayed.port)
    }

    /// CreatePermission for `peer`; the error code (0: granted).
    async fn permit(&mut self, peer: SocketAddr) -> u16 {
        let answer = self
            .call(METHOD_CREATE_PERMISSION, || {
                vec![Box::new(PeerAddress {
                    ip: peer.ip(),
                    port: peer.port(),
                })]
            })
            .await;
        let code = error_code(&answer);
        assert!(code != 0 || answer.typ.class == CLASS_SUCCESS_RESPONSE);
        code
    }

    /// ChannelBind of `channel` to `peer`; the error code (0: bound).
    async fn bind(&mut self, channel: u16, peer: SocketAddr) -> u16 {
        let answer = self
            .call(METHOD_CHANNEL_BIND, || {
                vec![
                    Box::new(ChannelNumber(channel)),
                    Box::new(PeerAddress {
                        ip: peer.ip(),
                        port: peer.port(),
                    }),
                ]
            })
            .await;
        let code = error_code(&answer);
        assert!(code != 0 || answer.typ.class == CLASS_SUCCESS_RESPONSE);
        code
    }

    /// A Send indication (no answer).
    async fn send(&self, peer: SocketAddr, data: &[u8]) {
        let msg = self.build(
            METHOD_SEND,
            CLASS_INDICATION,
            vec![
                Box::new(PeerAddress {
                    ip: peer.ip(),
                    port: peer.port(),
                }),
                Box::new(Data(data.to_vec())),
            ],
        );
        self.socket.send_to(&msg.raw, self.server).await.unwrap();
    }

    /// The data of the next Data indication within `wait`.
    async fn data(&self, wait: Duration) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 1500];
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let (n, _) = tokio::time::timeout_at(deadline, self.socket.recv_from(&mut buf))
                .await
                .ok()?
                .ok()?;
            let mut msg = Message::new();
            msg.raw = buf[..n].to_vec();
            if msg.decode().is_ok() && msg.typ == MessageType::new(METHOD_DATA, CLASS_INDICATION) {
                let mut data = Data::default();
                data.get_from(&msg).ok()?;
                return Some(data.0);
            }
        }
    }
}

fn error_code(msg: &Message) -> u16 {
    if msg.typ.class != CLASS_ERROR_RESPONSE {
        return 0;
    }
    let mut code = ErrorCodeAttribute::default();
    code.get_from(msg).map_or(1, |()| code.code.0)
}

#[tokio::test]
async fn permissions_and_channels_per_allocation_are_bounded() {
    let app = spawn_app_with(|s| {
        s.ice.permissions_per_allocation = 4;
        s.ice.channels_per_allocation = 3;
    })
    .await;
    let mut client = RawClient::new(app.turn_address.unwrap(), &credential(&app, "p")).await;
    client.allocate().await;
    let peer = |n: u8| SocketAddr::new(IpAddr::from([93, 184, 216, n]), 40_000);
    for n in 1..=4 {
        assert_eq!(client.permit(peer(n)).await, 0, "permission {n}");
    }
    assert_eq!(client.permit(peer(5)).await, 508, "a fifth peer");
    assert_eq!(client.permit(peer(1)).await, 0, "refreshing one held");
    for (channel, n) in [(0x4000, 1), (0x4001, 2), (0x4002, 3)] {
        assert_eq!(
            client.bind(channel, peer(n)).await,
            0,
            "channel {channel:x}"
        );
    }
    assert_eq!(client.bind(0x4003, peer(4)).await, 508, "a fourth channel");
    assert_eq!(client.bind(0x4000, peer(1)).await, 0, "refreshing one held");
}

#[tokio::test]
async fn the_relay_refuses_special_purpose_addresses_and_its_own_except_its_relays() {
    // Production settings: the relay runs on 127.0.0.1 here, which is its own address.
    let app = spawn_app_with(|s| s.ice.relay_to_private_addresses = false).await;
    let server = app.turn_address.unwrap();
    let mut alice = RawClient::new(server, &credential(&app, "alice")).await;
    let mut bob = RawClient::new(server, &credential(&app, "bob")).await;
    let alice_relay = alice.allocate().await;
    let bob_relay = bob.allocate().await;
    assert_eq!(alice_relay.ip(), IpAddr::from([127, 0, 0, 1]));

    for refused in [
        "198.18.0.1:9",
        "10.0.0.1:9",
        "192.168.1.1:9",
        "100.64.0.1:9",
        "169.254.169.254:80",
        "240.0.0.1:9",
        "224.0.0.251:5353",
        "255.255.255.255:9",
    ] {
        let peer: SocketAddr = refused.parse().unwrap();
        assert_eq!(alice.permit(peer).await, 403, "CreatePermission {peer}");
        assert_eq!(alice.bind(0x4000, peer).await, 403, "ChannelBind {peer}");
    }

    // Its own address: a permission (another browser may sit behind the same relay) …
    let own = SocketAddr::new(alice_relay.ip(), 9);
    assert_eq!(alice.permit(own).await, 0);
    assert_eq!(bob.permit(own).await, 0);
    // … but packets only to a relay port: not to another service on the server.
    let service = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    alice
        .send(service.local_addr().unwrap(), b"an den Dienst")
        .await;
    // Relay to relay on the same server works; sent after the packet to the service, it also
    // marks when that one has been dealt with: the server handles Alice's packets in order,
    // and a datagram on loopback is in the receiver's buffer when `send_to` returns.
    alice.send(bob_relay, b"hallo Bob").await;
    assert_eq!(
        bob.data(Duration::from_secs(3)).await.as_deref(),
        Some(&b"hallo Bob"[..]),
        "relay to relay"
    );
    let mut buf = [0u8; 64];
    assert!(
        matches!(service.try_recv_from(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the relay sent to its own address at a service port"
    );
}

/// The frames of a STUN Binding request (20 bytes).
fn binding_request() -> Vec<u8> {
    let mut msg = Message::new();
    msg.build(&[
        Box::new(TransactionId::new()),
        Box::new(stun::message::BINDING_REQUEST),
    ])
    .unwrap();
    msg.raw
}

/// Whether the server closed `stream` within `wait` (EOF or reset).
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 256];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// A STUN Binding over `stream` answered.
async fn binding_answered(stream: &mut TcpStream) -> bool {
    if stream.write_all(&binding_request()).await.is_err() {
        return false;
    }
    let mut header = [0u8; 20];
    matches!(
        tokio::time::timeout(Duration::from_secs(3), stream.read_exact(&mut header)).await,
        Ok(Ok(_))
    )
}

#[tokio::test]
async fn turn_over_tcp_caps_connections_per_address_and_closes_half_sent_frames() {
    let app = spawn_app_with(|s| {
        s.ice.tcp_connections_per_address = 3;
        s.ice.tcp_frame_timeout_seconds = 1;
    })
    .await;
    let turn = app.turn.clone().unwrap();
    let tcp = turn.tcp_address().unwrap();
    let mut open = Vec::new();
    for n in 1..=3 {
        let mut stream = TcpStream::connect(tcp).await.unwrap();
        assert!(binding_answered(&mut stream).await, "connection {n}");
        open.push(stream);
    }
    // A fourth from the same address is closed at once.
    let mut fourth = TcpStream::connect(tcp).await.unwrap();
    assert!(
        closed_within(&mut fourth, Duration::from_secs(2)).await,
        "the fourth connection stays open"
    );
    assert_eq!(turn.tcp_connections(), 3);
    // One ends: there is room again.
    drop(open.pop());
    eventually("a slot frees", || async {
        (turn.tcp_connections() == 2).then_some(())
    })
    .await;
    let mut again = TcpStream::connect(tcp).await.unwrap();
    assert!(binding_answered(&mut again).await, "after one ended");
    drop(again);
    drop(open);
    eventually("all gone", || async {
        (turn.tcp_connections() == 0).then_some(())
    })
    .await;

    // Slowloris: half a frame, then nothing: closed after the frame timeout (1 s), also when
    // the connection had sent whole frames before.
    let mut slow = TcpStream::connect(tcp).await.unwrap();
    assert!(binding_answered(&mut slow).await);
    slow.write_all(&binding_request()[..10]).await.unwrap();
    let started = std::time::Instant::now();
    assert!(
        closed_within(&mut slow, Duration::from_secs(4)).await,
        "a half-sent frame keeps the connection"
    );
    assert!(started.elapsed() >= Duration::from_millis(900));
    // One byte every half second does not keep a frame alive either.
    let mut trickle = TcpStream::connect(tcp).await.unwrap();
    let frame = binding_request();
    let started = std::time::Instant::now();
    let mut closed = false;
    for byte in &frame {
        if trickle.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        if closed_within(&mut trickle, Duration::from_millis(500)).await {
            closed = true;
            break;
        }
    }
    assert!(closed, "a trickled frame kept the connection");
    assert!(started.elapsed() < Duration::from_secs(4));
    // A connection that never sends a frame is closed after the frame timeout too.
    let mut silent = TcpStream::connect(tcp).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(4)).await);
}

/// This process's resident memory in kB.
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Sends `count` unauthenticated Allocate requests from `sockets` sources, at most `window`
/// unanswered per source; returns the number answered with 401 and the last nonce.
async fn unauthenticated_flood(
    server: SocketAddr,
    count: usize,
    sources: usize,
) -> (usize, String) {
    let per_source = count / sources;
    let mut tasks = Vec::new();
    for _ in 0..sources {
        tasks.push(tokio::spawn(async move {
            let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let mut msg = Message::new();
            msg.build(&[
                Box::new(TransactionId::new()),
                Box::new(MessageType::new(METHOD_ALLOCATE, CLASS_REQUEST)),
                Box::new(RequestedTransport {
                    protocol: PROTO_UDP,
                }),
            ])
            .unwrap();
            let mut buf = vec![0u8; 1500];
            let (mut sent, mut answered, mut last) = (0, 0, 0);
            const WINDOW: usize = 16;
            while answered < per_source {
                while sent < per_source && sent - answered < WINDOW {
                    socket.send_to(&msg.raw, server).await.unwrap();
                    sent += 1;
                }
                match tokio::time::timeout(Duration::from_millis(500), socket.recv_from(&mut buf))
                    .await
                {
                    Ok(Ok((n, _))) => {
                        answered += 1;
                        last = n;
                    }
                    // Lost on loopback (full buffers): send again.
                    _ => sent = answered,
                }
            }
            let mut answer = Message::new();
            answer.raw = buf[..last].to_vec();
            answer.decode().unwrap();
            assert_eq!(error_code(&answer), 401);
            let nonce = Nonce::get_from_as(&answer, ATTR_NONCE).unwrap().text;
            (answered, nonce)
        }));
    }
    let mut total = 0;
    let mut nonce = String::new();
    for task in tasks {
        let (answered, last) = task.await.unwrap();
        total += answered;
        nonce = last;
    }
    (total, nonce)
}

#[tokio::test]
async fn unauthenticated_requests_leave_no_state_behind() {
    let app = spawn_app_with(|_| {}).await;
    let server = app.turn_address.unwrap();
    // Warm up (buffers, tasks), then measure.
    unauthenticated_flood(server, 10_000, 16).await;
    let before = rss_kb();
    let (answered, nonce) = unauthenticated_flood(server, 100_000, 16).await;
    assert!(answered >= 100_000);
    let grown = rss_kb().saturating_sub(before);
    // Upstream kept ~100 bytes per request for good (~20 MB here).
    assert!(
        grown < 4 * 1024,
        "RSS grew by {grown} kB over 200,000 requests"
    );
    // Nonces are stateless: one is 48 hex digits (issue time + HMAC) and still works.
    assert_eq!(nonce.len(), 48);
    let mut client = RawClient::new(server, &credential(&app, "after")).await;
    client.allocate().await;
}

#[tokio::test]
async fn garbage_and_unpermitted_packets_write_no_log_lines() {
    use tracing_subscriber::util::SubscriberInitExt;
    // What the app logs, the whole process (nextest runs each test in its own).
    let log = CapturedLog::default();
    let writer = log.clone();
    // As in production: the shipped filter, and the `turn` crate's `log` records bridged.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "info,sqlx=warn,sea_orm=warn,tower_sessions=warn",
        ))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish()
        .try_init()
        .expect("the only subscriber of this process");
    let app = spawn_app_with(|_| {}).await;
    let server = app.turn_address.unwrap();
    let mut client = RawClient::new(server, &credential(&app, "log")).await;
    let relay = client.allocate().await;
    let before = log.text().len();
    let spray = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    for _ in 0..200 {
        // No STUN magic cookie; ChannelData without an allocation; a Send without one.
        spray
            .send_to(
                &[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                server,
            )
            .await
            .unwrap();
        spray
            .send_to(b"\x40\x00\x00\x04abcd", server)
            .await
            .unwrap();
        // Straight to the relay port, without a permission.
        spray.send_to(b"hallo", relay).await.unwrap();
    }
    // Still served: a Binding answered after the spray.
    let mut msg = Message::new();
    msg.build(&[
        Box::new(TransactionId::new()),
        Box::new(stun::message::BINDING_REQUEST),
    ])
    .unwrap();
    assert_eq!(
        client.roundtrip(&msg).await.typ.class,
        CLASS_SUCCESS_RESPONSE
    );
    let logged = log.text()[before..].to_owned();
    let spray_port = spray.local_addr().unwrap().port().to_string();
    assert!(
        !logged.contains(&spray_port) && logged.lines().count() < 10,
        "the spray was logged:\n{logged}"
    );
}
