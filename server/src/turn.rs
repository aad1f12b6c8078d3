//! The embedded STUN/TURN service (UDP, and TURN over TCP on the same port number): browsers
//! learn their public address from it and, when no direct path exists, relay their encrypted
//! media through it. Credentials are short-lived and checked against a secret that is new at
//! every start unless `ice.turn_secret(_file)` sets one (`app::call::ice`). With external TURN
//! servers (`ice.turn_urls`) it is not started at all.

use crate::turn_tcp::{TcpLimits, TcpTurnConn};
use app::call::ice::{turn_password, turn_username_valid, IceConfig};
use app::clock::Clock;
use app::settings::Settings;
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use turn::allocation::five_tuple::FiveTuple;
use turn::auth::{generate_auth_key, AuthHandler};
use turn::proto::PROTO_UDP;
use turn::relay::relay_static::RelayAddressGeneratorStatic;
use turn::relay::RelayAddressGenerator;
use turn::server::config::{ConnConfig, ServerConfig};
use turn::server::limits::Quotas;
use turn::server::Server;
use webrtc_util::Conn;

const REALM: &str = "sprechzimmer";

/// Accepts a TURN username until its expiry, with the password the secret gives it.
struct ShortLivedCredentials {
    secret: Arc<[u8]>,
    clock: Arc<dyn Clock>,
}

impl AuthHandler for ShortLivedCredentials {
    fn auth_handle(
        &self,
        username: &str,
        realm: &str,
        _source: SocketAddr,
    ) -> Result<Vec<u8>, turn::Error> {
        if !turn_username_valid(username, self.clock.now()) {
            return Err(turn::Error::Other("expired TURN credential".into()));
        }
        Ok(generate_auth_key(
            username,
            realm,
            &turn_password(&self.secret, username),
        ))
    }
}

/// Whether `ip` lies in `net`/`prefix` (same family).
fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(ip: Ipv6Addr, net: [u16; 8], prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(net)) & mask
}

/// IANA IPv4 special-purpose address registry (plus multicast), as (network, prefix length).
const SPECIAL_V4: &[([u8; 4], u32)] = &[
    ([0, 0, 0, 0], 8),          // "this network"
    ([10, 0, 0, 0], 8),         // private
    ([100, 64, 0, 0], 10),      // shared address space (CGNAT)
    ([127, 0, 0, 0], 8),        // loopback
    ([169, 254, 0, 0], 16),     // link-local
    ([172, 16, 0, 0], 12),      // private
    ([192, 0, 0, 0], 24),       // IETF protocol assignments
    ([192, 0, 2, 0], 24),       // documentation (TEST-NET-1)
    ([192, 31, 196, 0], 24),    // AS112-v4
    ([192, 52, 193, 0], 24),    // AMT
    ([192, 88, 99, 0], 24),     // deprecated 6to4 relay anycast
    ([192, 168, 0, 0], 16),     // private
    ([192, 175, 48, 0], 24),    // direct delegation AS112
    ([198, 18, 0, 0], 15),      // benchmarking
    ([198, 51, 100, 0], 24),    // documentation (TEST-NET-2)
    ([203, 0, 113, 0], 24),     // documentation (TEST-NET-3)
    ([224, 0, 0, 0], 4),        // multicast
    ([240, 0, 0, 0], 4),        // reserved
    ([255, 255, 255, 255], 32), // limited broadcast
];

/// IANA IPv6 special-purpose address registry (plus multicast and everything outside global
/// unicast 2000::/3, which covers ::, ::1, 64:ff9b::/96, 100::/64, fc00::/7, fe80::/10 …).
const SPECIAL_V6: &[([u16; 8], u32)] = &[
    ([0, 0, 0, 0, 0, 0, 0, 0], 128),             // unspecified
    ([0, 0, 0, 0, 0, 0, 0, 1], 128),             // loopback
    ([0, 0, 0, 0, 0, 0, 0, 0], 96),              // IPv4-compatible (deprecated)
    ([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96),      // NAT64 well-known prefix
    ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48),      // local-use NAT64
    ([0x100, 0, 0, 0, 0, 0, 0, 0], 64),          // discard-only
    ([0x100, 0, 0, 1, 0, 0, 0, 0], 64),          // dummy prefix
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23),         // IETF protocol assignments (Teredo, ORCHID …)
    ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32),     // documentation
    ([0x2002, 0, 0, 0, 0, 0, 0, 0], 16),         // 6to4
    ([0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0], 48), // direct delegation AS112
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20),         // documentation
    ([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16),         // segment routing SIDs
    ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7),          // unique local
    ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10),         // link-local
    ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8),          // multicast
];

/// Whether packets may be relayed to `ip`: public unicast addresses only, i.e. none in an
/// IANA special-purpose range (private, loopback, link-local, shared, documentation,
/// benchmarking, NAT64, 6to4, Teredo, multicast, reserved …). IPv4-mapped IPv6 addresses are
/// judged by their IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !SPECIAL_V4
            .iter()
            .any(|(net, prefix)| in_v4(v4, *net, *prefix)),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                in_v6(v6, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3)
                    && !SPECIAL_V6
                        .iter()
                        .any(|(net, prefix)| in_v6(v6, *net, *prefix))
            }
        },
    }
}

/// The same address, an IPv4 one also in its IPv4-mapped IPv6 form.
fn same_ip(a: IpAddr, b: IpAddr) -> bool {
    a.to_canonical() == b.to_canonical()
}

/// Where the relay may send: public addresses, and its own address only at a port where one
/// of its relays listens (two browsers both behind the relay). Everything when
/// `private_allowed` (local runs).
pub struct PeerPolicy {
    own: IpAddr,
    private_allowed: bool,
    relay_ports: Mutex<HashSet<u16>>,
}

impl PeerPolicy {
    /// The policy of a relay on `own`.
    pub fn new(own: IpAddr, private_allowed: bool) -> Self {
        Self {
            own,
            private_allowed,
            relay_ports: Mutex::default(),
        }
    }

    /// Whether a permission (CreatePermission, ChannelBind) for `ip` may be given.
    pub fn may_permit(&self, ip: IpAddr) -> bool {
        self.private_allowed || same_ip(ip, self.own) || is_public(ip)
    }

    /// Whether a packet may go to `target`.
    pub fn may_send(&self, target: SocketAddr) -> bool {
        if self.private_allowed {
            return true;
        }
        if same_ip(target.ip(), self.own) {
            return self.relay_ports().contains(&target.port());
        }
        is_public(target.ip())
    }

    fn relay_ports(&self) -> std::sync::MutexGuard<'_, HashSet<u16>> {
        self.relay_ports
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl turn::server::limits::PeerFilter for PeerPolicy {
    fn permitted(&self, peer: SocketAddr) -> bool {
        self.may_permit(peer.ip())
    }
}

/// A relay socket that drops packets [`PeerPolicy::may_send`] refuses; its port counts as
/// one of the relay's own until it closes.
struct PublicPeersOnly {
    inner: Arc<dyn Conn + Send + Sync>,
    port: u16,
    policy: Arc<PeerPolicy>,
}

impl Drop for PublicPeersOnly {
    fn drop(&mut self) {
        self.policy.relay_ports().remove(&self.port);
    }
}

#[async_trait::async_trait]
impl Conn for PublicPeersOnly {
    async fn connect(&self, addr: SocketAddr) -> webrtc_util::Result<()> {
        self.inner.connect(addr).await
    }
    async fn recv(&self, buf: &mut [u8]) -> webrtc_util::Result<usize> {
        self.inner.recv(buf).await
    }
    async fn recv_from(&self, buf: &mut [u8]) -> webrtc_util::Result<(usize, SocketAddr)> {
        self.inner.recv_from(buf).await
    }
    async fn send(&self, buf: &[u8]) -> webrtc_util::Result<usize> {
        self.inner.send(buf).await
    }
    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> webrtc_util::Result<usize> {
        if self.policy.may_send(target) {
            self.inner.send_to(buf, target).await
        } else {
            tracing::debug!("relay to a refused address dropped");
            Ok(buf.len())
        }
    }
    fn local_addr(&self) -> webrtc_util::Result<SocketAddr> {
        self.inner.local_addr()
    }
    fn remote_addr(&self) -> Option<SocketAddr> {
        self.inner.remote_addr()
    }
    async fn close(&self) -> webrtc_util::Result<()> {
        self.policy.relay_ports().remove(&self.port);
        self.inner.close().await
    }
    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}

/// Relay sockets on the configured IP; unless `private_allowed`, they relay to public
/// addresses only.
struct Relays {
    inner: RelayAddressGeneratorStatic,
    policy: Arc<PeerPolicy>,
}

#[async_trait::async_trait]
impl RelayAddressGenerator for Relays {
    fn validate(&self) -> Result<(), turn::Error> {
        self.inner.validate()
    }

    async fn allocate_conn(
        &self,
        use_ipv4: bool,
        requested_port: u16,
    ) -> Result<(Arc<dyn Conn + Send + Sync>, SocketAddr), turn::Error> {
        let (conn, addr) = self.inner.allocate_conn(use_ipv4, requested_port).await?;
        if self.policy.private_allowed {
            Ok((conn, addr))
        } else {
            self.policy.relay_ports().insert(addr.port());
            Ok((
                Arc::new(PublicPeersOnly {
                    inner: conn,
                    port: addr.port(),
                    policy: self.policy.clone(),
                }),
                addr,
            ))
        }
    }
}

/// The running service (a handle; clones share it).
#[derive(Clone)]
pub struct TurnService {
    server: Arc<Server>,
    address: SocketAddr,
    tcp: Option<Arc<TcpTurnConn>>,
}

impl TurnService {
    /// The UDP address it listens on (the real port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The address of TURN over TCP, when it runs (the same port number as UDP, except in
    /// tests, which ask for any free port).
    pub fn tcp_address(&self) -> Option<SocketAddr> {
        self.tcp.as_ref().map(|tcp| tcp.local_address())
    }

    /// Open TURN/TCP connections now.
    pub fn tcp_connections(&self) -> usize {
        self.tcp.as_ref().map_or(0, |tcp| tcp.connections())
    }

    /// Relays open right now (one per browser that uses the relay).
    pub async fn allocations(&self) -> usize {
        self.server
            .get_allocations_info(None)
            .await
            .map(|all| all.len())
            .unwrap_or(0)
    }

    /// Allocations held now, as the quota counts them (UDP and TCP; ended ones leave once
    /// their last in-flight request is done).
    pub fn allocation_count(&self) -> usize {
        self.server.allocation_count()
    }

    /// Stops it; relayed connections end.
    pub async fn close(&self) {
        if let Err(e) = self.server.close().await {
            tracing::warn!(error = %e, "closing the TURN service failed");
        }
        if let Some(tcp) = &self.tcp {
            tcp.shutdown();
        }
    }
}

/// Errors starting the service.
#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("TURN service: {0}")]
    Server(#[from] turn::Error),
    #[error("{0}")]
    Settings(#[from] app::settings::SettingsError),
}

/// Starts the service when `ice.turn_enabled` and no external servers are configured, and
/// returns what the browsers are given.
pub async fn start(
    settings: &Settings,
    clock: Arc<dyn Clock>,
) -> Result<(Option<TurnService>, IceConfig), TurnError> {
    use secrecy::ExposeSecret;
    let ice = &settings.ice;
    let margin = chrono::Duration::minutes(ice.credential_margin_minutes);
    let shared = ice.shared_turn_secret()?;
    if ice.external_turn() {
        let secret = shared.ok_or(app::settings::SettingsError::TurnSecretMissing)?;
        tracing::info!(urls = ?ice.turn_urls, "external TURN servers; the embedded service is off");
        let config = IceConfig::external(
            ice.turn_urls.clone(),
            secret.expose_secret().as_bytes(),
            margin,
            ice.stun_urls.clone(),
        )
        .with_relay_only(ice.force_relay);
        return Ok((None, config));
    }
    if !ice.turn_enabled {
        return Ok((None, IceConfig::stun_only(ice.stun_urls.clone())));
    }
    // Checked by Settings::validate.
    let ip: IpAddr = ice.relay_ip.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let addr = SocketAddr::new(ip, ice.turn_port);
    let socket = tokio::net::UdpSocket::bind(addr)
        .await
        .map_err(|source| TurnError::Bind { addr, source })?;
    let address = socket
        .local_addr()
        .map_err(|source| TurnError::Bind { addr, source })?;
    let secret: Arc<[u8]> = match &shared {
        Some(shared) => shared.expose_secret().as_bytes().into(),
        None => {
            if settings
                .database
                .url
                .expose_secret()
                .starts_with("postgres")
            {
                // Several instances on one database hand out credentials of their own relay;
                // a browser sent to another instance's relay (one name for all) is refused.
                tracing::warn!(
                    "embedded TURN with a secret new at this start: with several instances set \
                     ice.turn_secret(_file) to the same value on all, or use coturn (README, \
                     \"Scaling out\")"
                );
            }
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret)
                .unwrap_or_else(|e| panic!("OS randomness unavailable: {e}"));
            secret.into()
        }
    };
    let policy = Arc::new(PeerPolicy::new(ip, ice.relay_to_private_addresses));
    let relays = || {
        Box::new(Relays {
            inner: RelayAddressGeneratorStatic {
                relay_address: ip,
                address: ip.to_string(),
                net: Arc::new(webrtc_util::vnet::net::Net::new(None)),
            },
            policy: policy.clone(),
        })
    };
    let mut conn_configs = vec![ConnConfig {
        conn: Arc::new(socket),
        relay_addr_generator: relays(),
    }];
    let mut tcp = None;
    if ice.turn_tcp {
        // The same port number as UDP, so one firewall rule names both (port 0: any).
        let addr = SocketAddr::new(ip, ice.turn_port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| TurnError::Bind { addr, source })?;
        let limits = TcpLimits {
            max_connections: ice.tcp_max_connections,
            per_address: ice.tcp_connections_per_address,
            frame_timeout: Duration::from_secs(ice.tcp_frame_timeout_seconds),
        };
        let conn = Arc::new(
            TcpTurnConn::new(listener, limits)
                .map_err(|source| TurnError::Bind { addr, source })?,
        );
        conn_configs.push(ConnConfig {
            conn: conn.clone(),
            relay_addr_generator: relays(),
        });
        tcp = Some(conn);
    }
    let server = Server::new(ServerConfig {
        conn_configs,
        realm: REALM.to_owned(),
        auth_handler: Arc::new(ShortLivedCredentials {
            secret: secret.clone(),
            clock,
        }),
        channel_bind_timeout: Duration::from_secs(0),
        alloc_close_notify: None,
        quotas: Quotas {
            // A credential is one page's; in a group call the page has one connection (and
            // allocation) per other participant.
            allocations_per_username: ice.allocations_per_credential
                * settings
                    .appointments
                    .max_participants
                    .saturating_sub(1)
                    .max(1),
            allocations_total: ice.max_allocations,
            permissions_per_allocation: ice.permissions_per_allocation,
            channels_per_allocation: ice.channels_per_allocation,
        },
        peer_filter: if ice.relay_to_private_addresses {
            None
        } else {
            Some(policy.clone())
        },
    })
    .await?;
    let server = Arc::new(server);
    if let Some(conn) = &tcp {
        if let Some(ended) = conn.take_ended() {
            tokio::spawn(delete_allocations_of_ended(
                Arc::downgrade(&server),
                conn.local_address(),
                ended,
            ));
        }
    }
    let host = if ice.turn_host.trim().is_empty() {
        settings
            .application
            .base_uri()
            .ok()
            .and_then(|uri| uri.host().map(str::to_owned))
            .unwrap_or_else(|| ip.to_string())
    } else {
        ice.turn_host.trim().to_owned()
    };
    let config = IceConfig::with_turn(
        host.trim_matches(['[', ']']),
        address.port(),
        tcp.as_ref().map(|c| c.local_address().port()),
        secret,
        margin,
        ice.stun_urls.clone(),
    )
    .with_relay_only(ice.force_relay);
    tracing::info!(%address, "STUN/TURN service listening");
    Ok((
        Some(TurnService {
            server,
            address,
            tcp,
        }),
        config,
    ))
}

/// Deletes the allocation of each TURN/TCP connection that ended (RFC 6062: the allocation
/// lives as long as its control connection), so it no longer counts against the quotas.
async fn delete_allocations_of_ended(
    server: std::sync::Weak<Server>,
    local: SocketAddr,
    mut ended: tokio::sync::mpsc::Receiver<SocketAddr>,
) {
    while let Some(peer) = ended.recv().await {
        let Some(server) = server.upgrade() else {
            return;
        };
        let five_tuple = FiveTuple {
            protocol: PROTO_UDP,
            src_addr: peer,
            dst_addr: local,
        };
        if server.delete_allocation(five_tuple).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_public, PeerPolicy};

    #[test]
    fn only_public_unicast_addresses_are_relayed_to() {
        let table = [
            // Public unicast.
            ("93.184.216.34", true),
            ("1.1.1.1", true),
            ("100.63.255.255", true),
            ("100.128.0.0", true),
            ("172.15.255.255", true),
            ("172.32.0.0", true),
            ("192.0.1.1", true),
            ("192.88.98.255", true),
            ("198.17.255.255", true),
            ("198.20.0.0", true),
            ("223.255.255.255", true),
            ("2a00:1450:4001:82a::200e", true),
            ("2001:200::1", true),
            ("2003::1", true),
            ("2600::1", true),
            ("::ffff:93.184.216.34", true),
            // IPv4 special-purpose registry.
            ("0.0.0.0", false),
            ("0.1.2.3", false),
            ("10.1.2.3", false),
            ("100.64.0.1", false),
            ("100.127.255.255", false),
            ("127.0.0.1", false),
            ("127.255.255.254", false),
            ("169.254.1.1", false),
            ("172.16.0.1", false),
            ("172.31.255.255", false),
            ("192.0.0.1", false),
            ("192.0.0.10", false),
            ("192.0.2.1", false),
            ("192.31.196.1", false),
            ("192.52.193.1", false),
            ("192.88.99.1", false),
            ("192.168.178.1", false),
            ("192.175.48.1", false),
            ("198.18.0.1", false),
            ("198.19.255.255", false),
            ("198.51.100.7", false),
            ("203.0.113.9", false),
            ("224.0.0.1", false),
            ("239.255.255.250", false),
            ("240.0.0.1", false),
            ("255.255.255.254", false),
            ("255.255.255.255", false),
            // IPv6 special-purpose registry.
            ("::", false),
            ("::1", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:10.0.0.1", false),
            ("::ffff:198.18.0.1", false),
            ("::10.0.0.1", false),
            ("64:ff9b::a00:1", false),
            ("64:ff9b::5db8:d822", false),
            ("64:ff9b:1::1", false),
            ("100::1", false),
            ("100:0:0:1::1", false),
            ("2001::1", false),
            ("2001:0:4136:e378::1", false),
            ("2001:1::2", false),
            ("2001:2::1", false),
            ("2001:10::1", false),
            ("2001:20::1", false),
            ("2001:1ff::1", false),
            ("2001:db8::1", false),
            ("2002:c000:204::1", false),
            ("2620:4f:8000::1", false),
            ("3fff::1", false),
            ("5f00::1", false),
            ("fc00::1", false),
            ("fd00::1", false),
            ("fe80::1", false),
            ("febf::1", false),
            ("fec0::1", false),
            ("ff02::1", false),
            ("ff0e::1", false),
            ("4000::1", false),
        ];
        for (ip, public) in table {
            assert_eq!(is_public(ip.parse().unwrap()), public, "{ip}");
        }
    }

    #[test]
    fn nonces_are_checked_without_state_for_an_hour_and_one_client() {
        use std::time::Duration;
        use turn::server::limits::NonceKey;
        let key = NonceKey::random();
        let ip = "192.0.2.1".parse().unwrap();
        let hour = Duration::from_secs(3600);
        let nonce = key.issue_at(1_000_000, ip, "r");
        assert_eq!(nonce.len(), 48);
        assert!(key.valid_at(1_000_000, &nonce, ip, "r", hour));
        assert!(key.valid_at(1_003_599, &nonce, ip, "r", hour));
        assert!(!key.valid_at(1_003_600, &nonce, ip, "r", hour), "expired");
        assert!(
            !key.valid_at(999_000, &nonce, ip, "r", hour),
            "from the future"
        );
        let other = "192.0.2.2".parse().unwrap();
        assert!(!key.valid_at(1_000_000, &nonce, other, "r", hour));
        assert!(!key.valid_at(1_000_000, &nonce, ip, "other", hour));
        assert!(!NonceKey::random().valid_at(1_000_000, &nonce, ip, "r", hour));
        // A later issue time with the old tag is refused.
        let forged = format!("{:016x}{}", 1_000_500u64, &nonce[16..]);
        assert!(!key.valid_at(1_000_600, &forged, ip, "r", hour));
        assert!(!key.valid_at(1_000_000, "not a nonce", ip, "r", hour));
    }

    #[test]
    fn the_relay_sends_to_its_own_address_only_at_its_relay_ports() {
        let own = "93.184.216.34".parse().unwrap();
        let policy = PeerPolicy::new(own, false);
        policy.relay_ports().insert(50_000);
        assert!(policy.may_permit(own), "two browsers behind the same relay");
        assert!(policy.may_send("93.184.216.34:50000".parse().unwrap()));
        assert!(policy.may_send("[::ffff:93.184.216.34]:50000".parse().unwrap()));
        assert!(!policy.may_send("93.184.216.34:443".parse().unwrap()));
        assert!(!policy.may_send("93.184.216.34:3478".parse().unwrap()));
        assert!(!policy.may_send("[::ffff:93.184.216.34]:22".parse().unwrap()));
        assert!(!policy.may_permit("198.18.0.1".parse().unwrap()));
        assert!(!policy.may_send("198.18.0.1:9".parse().unwrap()));
        assert!(policy.may_send("1.1.1.1:9".parse().unwrap()));
        let local = PeerPolicy::new(own, true);
        assert!(local.may_permit("127.0.0.1".parse().unwrap()));
        assert!(local.may_send("93.184.216.34:443".parse().unwrap()));
    }
}
