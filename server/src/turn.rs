//! The embedded STUN/TURN service (UDP, and TURN over TCP on the same port number): browsers
//! learn their public address from it and, when no direct path exists, relay their encrypted
//! media through it. Credentials are short-lived and checked against a secret that is new at
//! every start unless `ice.turn_secret(_file)` sets one (`app::call::ice`). With external TURN
//! servers (`ice.turn_urls`) it is not started at all.

use app::call::ice::{turn_password, turn_username_valid, IceConfig};
use app::clock::Clock;
use app::settings::Settings;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use turn::auth::{generate_auth_key, AuthHandler};
use turn::relay::relay_static::RelayAddressGeneratorStatic;
use turn::relay::RelayAddressGenerator;
use turn::server::config::{ConnConfig, ServerConfig};
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

/// Whether packets may be relayed to `ip`: public unicast addresses only (not loopback,
/// private, link-local, shared, multicast or unspecified ones).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80)
            }
        },
    }
}

/// A relay socket that drops packets to addresses [`is_public`] refuses.
struct PublicPeersOnly {
    inner: Arc<dyn Conn + Send + Sync>,
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
        if is_public(target.ip()) {
            self.inner.send_to(buf, target).await
        } else {
            tracing::debug!("relay to a non-public address dropped");
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
    private_allowed: bool,
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
        if self.private_allowed {
            Ok((conn, addr))
        } else {
            Ok((Arc::new(PublicPeersOnly { inner: conn }), addr))
        }
    }
}

/// The running service (a handle; clones share it).
#[derive(Clone)]
pub struct TurnService {
    server: Arc<Server>,
    address: SocketAddr,
    tcp_address: Option<SocketAddr>,
}

impl TurnService {
    /// The UDP address it listens on (the real port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The address of TURN over TCP, when it runs (the same port number as UDP, except in
    /// tests, which ask for any free port).
    pub fn tcp_address(&self) -> Option<SocketAddr> {
        self.tcp_address
    }

    /// Relays open right now (one per browser that uses the relay).
    pub async fn allocations(&self) -> usize {
        self.server
            .get_allocations_info(None)
            .await
            .map(|all| all.len())
            .unwrap_or(0)
    }

    /// Stops it; relayed connections end.
    pub async fn close(&self) {
        if let Err(e) = self.server.close().await {
            tracing::warn!(error = %e, "closing the TURN service failed");
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
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret)
                .unwrap_or_else(|e| panic!("OS randomness unavailable: {e}"));
            secret.into()
        }
    };
    let relays = || {
        Box::new(Relays {
            inner: RelayAddressGeneratorStatic {
                relay_address: ip,
                address: ip.to_string(),
                net: Arc::new(webrtc_util::vnet::net::Net::new(None)),
            },
            private_allowed: ice.relay_to_private_addresses,
        })
    };
    let mut conn_configs = vec![ConnConfig {
        conn: Arc::new(socket),
        relay_addr_generator: relays(),
    }];
    let mut tcp_address = None;
    if ice.turn_tcp {
        // The same port number as UDP, so one firewall rule names both (port 0: any).
        let addr = SocketAddr::new(ip, ice.turn_port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| TurnError::Bind { addr, source })?;
        let conn = crate::turn_tcp::TcpTurnConn::new(listener)
            .map_err(|source| TurnError::Bind { addr, source })?;
        tcp_address = Some(conn.local_address());
        conn_configs.push(ConnConfig {
            conn: Arc::new(conn),
            relay_addr_generator: relays(),
        });
    }
    let server = Server::new(ServerConfig {
        conn_configs,
        realm: REALM.to_owned(),
        auth_handler: Arc::new(ShortLivedCredentials {
            secret: secret.clone(),
            clock,
        }),
        channel_bind_timeout: std::time::Duration::from_secs(0),
        alloc_close_notify: None,
    })
    .await?;
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
        tcp_address.map(|a| a.port()),
        secret,
        margin,
        ice.stun_urls.clone(),
    )
    .with_relay_only(ice.force_relay);
    tracing::info!(%address, "STUN/TURN service listening");
    Ok((
        Some(TurnService {
            server: Arc::new(server),
            address,
            tcp_address,
        }),
        config,
    ))
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn only_public_unicast_addresses_are_relayed_to() {
        let table = [
            ("93.184.216.34", true),
            ("2a00:1450:4001:82a::200e", true),
            ("::ffff:93.184.216.34", true),
            ("127.0.0.1", false),
            ("10.1.2.3", false),
            ("172.16.0.1", false),
            ("192.168.178.1", false),
            ("169.254.1.1", false),
            ("100.64.0.1", false),
            ("0.0.0.0", false),
            ("0.1.2.3", false),
            ("224.0.0.1", false),
            ("255.255.255.255", false),
            ("::1", false),
            ("::", false),
            ("fd00::1", false),
            ("fe80::1", false),
            ("::ffff:127.0.0.1", false),
            ("ff02::1", false),
        ];
        for (ip, public) in table {
            assert_eq!(is_public(ip.parse().unwrap()), public, "{ip}");
        }
    }
}
