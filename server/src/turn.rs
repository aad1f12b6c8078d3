//! The embedded STUN/TURN service (UDP): browsers learn their public address from it and, when
//! no direct path exists, relay their encrypted media through it. Credentials are short-lived
//! and checked against a secret that is new at every start (`app::call::ice`).

use app::call::ice::{turn_password, turn_username_valid, IceConfig};
use app::clock::Clock;
use app::settings::Settings;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use turn::auth::{generate_auth_key, AuthHandler};
use turn::relay::relay_static::RelayAddressGeneratorStatic;
use turn::server::config::{ConnConfig, ServerConfig};
use turn::server::Server;

const REALM: &str = "sprechzimmer";

/// Accepts a TURN username until its expiry, with the password the secret gives it.
struct ShortLivedCredentials {
    secret: [u8; 32],
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

/// The running service.
pub struct TurnService {
    server: Server,
    address: SocketAddr,
}

impl TurnService {
    /// The UDP address it listens on (the real port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.address
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
    #[error("cannot listen on UDP {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("TURN service: {0}")]
    Server(#[from] turn::Error),
}

/// Starts the service when `ice.turn_enabled`, and returns what the browsers are given.
pub async fn start(
    settings: &Settings,
    clock: Arc<dyn Clock>,
) -> Result<(Option<TurnService>, IceConfig), TurnError> {
    let ice = &settings.ice;
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
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).unwrap_or_else(|e| panic!("OS randomness unavailable: {e}"));
    let server = Server::new(ServerConfig {
        conn_configs: vec![ConnConfig {
            conn: Arc::new(socket),
            relay_addr_generator: Box::new(RelayAddressGeneratorStatic {
                relay_address: ip,
                address: ip.to_string(),
                net: Arc::new(webrtc_util::vnet::net::Net::new(None)),
            }),
        }],
        realm: REALM.to_owned(),
        auth_handler: Arc::new(ShortLivedCredentials { secret, clock }),
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
        secret,
        chrono::Duration::minutes(ice.credential_minutes),
        ice.stun_urls.clone(),
    );
    tracing::info!(%address, "STUN/TURN service listening");
    Ok((Some(TurnService { server, address }), config))
}
