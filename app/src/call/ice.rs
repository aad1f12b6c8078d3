//! What the browsers get to find a path to each other: the STUN/TURN addresses and, for TURN,
//! a short-lived credential in the TURN REST format (username `<expiry-unix>:<random id>`,
//! password base64(HMAC-SHA1(secret, username)), as coturn's `use-auth-secret` checks it).
//! The secret never leaves the server; the embedded TURN service checks the same rule, so
//! switching to external servers needs no change in the browsers. Who gets a credential, and
//! until when, is decided where it is handed out (the patient's room, the call's seat): only
//! for an appointment that may take place now, valid until its end plus a margin.

use crate::signalling::types::IceServer;
use base64::{engine::general_purpose::STANDARD, Engine as _};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::sync::Arc;

/// The STUN/TURN service of this installation: the embedded one or external servers (e.g.
/// coturn with `use-auth-secret`); browsers see no difference.
#[derive(Clone, Default)]
pub struct IceConfig {
    stun_urls: Vec<String>,
    turn: Option<TurnAccess>,
    relay_only: bool,
}

#[derive(Clone)]
struct TurnAccess {
    urls: Vec<String>,
    secret: Arc<[u8]>,
    /// Added to the appointment's end: how long a credential outlives the planned end.
    margin: Duration,
}

impl std::fmt::Debug for IceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IceConfig")
            .field("stun_urls", &self.stun_urls)
            .field("turn_urls", &self.turn.as_ref().map(|t| &t.urls))
            .field("relay_only", &self.relay_only)
            .finish_non_exhaustive()
    }
}

/// The TURN password for `username` under `secret`.
pub fn turn_password(secret: &[u8], username: &str) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(username.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether a TURN username is still valid at `now`: `<unix-expiry>:<opaque id>`, the expiry
/// in the future (coturn's `use-auth-secret` reads it the same way).
pub fn turn_username_valid(username: &str, now: DateTime<Utc>) -> bool {
    username
        .split_once(':')
        .filter(|(_, id)| !id.is_empty())
        .and_then(|(expiry, _)| expiry.parse::<i64>().ok())
        .is_some_and(|expiry| expiry > now.timestamp())
}

impl IceConfig {
    /// Only the given STUN servers, no TURN.
    pub fn stun_only(stun_urls: Vec<String>) -> Self {
        Self {
            stun_urls,
            turn: None,
            relay_only: false,
        }
    }

    /// The embedded service at `host:port` (STUN and TURN over UDP; with `tcp_port` also TURN
    /// over TCP) plus further STUN servers.
    pub fn with_turn(
        host: &str,
        port: u16,
        tcp_port: Option<u16>,
        secret: impl Into<Arc<[u8]>>,
        margin: Duration,
        mut stun_urls: Vec<String>,
    ) -> Self {
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        stun_urls.insert(0, format!("stun:{host}:{port}"));
        Self {
            stun_urls,
            turn: Some(TurnAccess {
                urls: std::iter::once(format!("turn:{host}:{port}?transport=udp"))
                    .chain(tcp_port.map(|tcp| format!("turn:{host}:{tcp}?transport=tcp")))
                    .collect(),
                secret: secret.into(),
                margin,
            }),
            relay_only: false,
        }
    }

    /// External TURN servers (`turn:`/`turns:` URLs, checked by the settings) sharing
    /// `secret` with this server, plus STUN servers; without any, the plain `turn:` servers
    /// answer STUN too (coturn does on its listening port).
    pub fn external(
        turn_urls: Vec<String>,
        secret: impl Into<Arc<[u8]>>,
        margin: Duration,
        mut stun_urls: Vec<String>,
    ) -> Self {
        if stun_urls.is_empty() {
            stun_urls = turn_urls
                .iter()
                .filter_map(|url| url.strip_prefix("turn:"))
                .map(|rest| rest.split('?').next().unwrap_or(rest))
                .map(|authority| format!("stun:{authority}"))
                .collect();
            stun_urls.dedup();
        }
        Self {
            stun_urls,
            turn: Some(TurnAccess {
                urls: turn_urls,
                secret: secret.into(),
                margin,
            }),
            relay_only: false,
        }
    }

    /// The same servers; with `relay_only` the browsers use relayed paths only.
    pub fn with_relay_only(mut self, relay_only: bool) -> Self {
        self.relay_only = relay_only && self.turn.is_some();
        self
    }

    /// Whether browsers must use relayed paths only (`ice.force_relay`).
    pub fn relay_only(&self) -> bool {
        self.relay_only
    }

    /// The secret TURN passwords are made with (the embedded service checks them with it).
    pub fn turn_secret(&self) -> Option<Arc<[u8]>> {
        self.turn.as_ref().map(|t| t.secret.clone())
    }

    /// The servers for a browser taking part in an appointment that ends at `appointment_end`:
    /// the STUN servers and, while `appointment_end` plus the margin is ahead of `now`, the TURN
    /// servers with a fresh credential that expires then.
    pub fn servers_until(
        &self,
        appointment_end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<IceServer> {
        let mut servers = self.stun_servers();
        if let Some(turn) = &self.turn {
            let expiry = appointment_end + turn.margin;
            if expiry > now {
                servers.extend(turn.credential(expiry));
            }
        }
        servers
    }

    /// The STUN servers only (no credential), for a browser that may not relay.
    pub fn stun_servers(&self) -> Vec<IceServer> {
        self.stun_urls
            .iter()
            .map(|url| IceServer {
                url: url.clone(),
                username: None,
                credential: None,
            })
            .collect()
    }

    /// The servers with a credential valid for the margin from `now`; for tests and tools,
    /// request paths use [`Self::servers_until`].
    pub fn servers(&self, now: DateTime<Utc>) -> Vec<IceServer> {
        self.servers_until(now, now)
    }
}

impl TurnAccess {
    /// One credential for every TURN URL: username `<expiry>:<random id>` (nothing that
    /// names a patient, a pass or an appointment), password per the TURN REST rule.
    fn credential(&self, expiry: DateTime<Utc>) -> Vec<IceServer> {
        let mut random = [0u8; 10];
        // Without OS randomness the credential could repeat; then no TURN, STUN still works.
        if getrandom::fill(&mut random).is_err() {
            return Vec::new();
        }
        let username = format!(
            "{}:{}",
            expiry.timestamp(),
            data_encoding::BASE32_NOPAD.encode(&random).to_lowercase()
        );
        let credential = turn_password(&self.secret, &username);
        self.urls
            .iter()
            .map(|url| IceServer {
                url: url.clone(),
                username: Some(username.clone()),
                credential: Some(credential.clone()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turn_passwords_follow_the_rest_rule() {
        // base64(HMAC-SHA1("secret", "1700000000:abc")), computed with `openssl dgst -sha1 -hmac`.
        assert_eq!(
            turn_password(b"secret", "1700000000:abc"),
            STANDARD.encode(
                data_encoding::HEXLOWER
                    .decode(b"24781e8265befc1f3889aae44f948500e0b522ac")
                    .unwrap()
            )
        );
    }

    #[test]
    fn credentials_last_until_the_appointment_end_plus_the_margin_only() {
        let now: DateTime<Utc> = "2026-11-23T12:00:00Z".parse().unwrap();
        let end = now + Duration::minutes(20);
        let ice = IceConfig::with_turn(
            "video.praxis.de",
            3478,
            Some(3478),
            [7u8; 32],
            Duration::minutes(60),
            vec![],
        );
        let servers = ice.servers_until(end, now);
        assert_eq!(servers[0].url, "stun:video.praxis.de:3478");
        assert_eq!(servers[0].username, None);
        let turn = &servers[1];
        assert_eq!(turn.url, "turn:video.praxis.de:3478?transport=udp");
        assert_eq!(servers[2].url, "turn:video.praxis.de:3478?transport=tcp");
        assert_eq!(servers[2].username, turn.username);
        let username = turn.username.clone().unwrap();
        let (expiry, id) = username.split_once(':').unwrap();
        assert_eq!(
            expiry,
            (end + Duration::minutes(60)).timestamp().to_string()
        );
        assert_eq!(id.len(), 16, "80 random bits");
        assert_eq!(turn.credential, Some(turn_password(&[7; 32], &username)));
        assert_ne!(turn.credential, Some(turn_password(&[8; 32], &username)));
        assert!(turn_username_valid(&username, end + Duration::minutes(59)));
        assert!(!turn_username_valid(&username, end + Duration::minutes(60)));
        assert!(!turn_username_valid("garbage", now));
        assert!(
            !turn_username_valid("99999999999:", now),
            "an id is required"
        );
        assert_ne!(
            ice.servers_until(end, now)[1].username,
            Some(username),
            "each browser gets its own"
        );
        // After the end plus the margin: STUN only.
        let late = ice.servers_until(end, end + Duration::minutes(60));
        assert_eq!(late.len(), 1);
        assert!(late.iter().all(|s| s.credential.is_none()));
        let v6 = IceConfig::with_turn("::1", 3478, None, [7u8; 32], Duration::hours(1), vec![]);
        assert_eq!(v6.servers(now)[0].url, "stun:[::1]:3478");
        assert!(!format!("{ice:?}").contains("secret"));
    }

    #[test]
    fn external_servers_get_the_same_credentials_with_the_shared_secret() {
        let now: DateTime<Utc> = "2026-11-23T12:00:00Z".parse().unwrap();
        let ice = IceConfig::external(
            vec![
                "turn:turn.example.org:3478?transport=udp".into(),
                "turns:turn.example.org:443?transport=tcp".into(),
            ],
            b"a shared secret of coturn".as_slice(),
            Duration::minutes(30),
            vec![],
        )
        .with_relay_only(true);
        assert!(ice.relay_only());
        let servers = ice.servers_until(now, now);
        assert_eq!(servers.len(), 3);
        assert_eq!(
            servers[0].url, "stun:turn.example.org:3478",
            "derived from turn:"
        );
        assert_eq!(servers[0].credential, None);
        assert_eq!(servers[2].url, "turns:turn.example.org:443?transport=tcp");
        let username = servers[1].username.clone().unwrap();
        assert_eq!(
            servers[2].credential,
            Some(turn_password(b"a shared secret of coturn", &username))
        );
        assert!(!IceConfig::stun_only(vec![])
            .with_relay_only(true)
            .relay_only());
    }
}
