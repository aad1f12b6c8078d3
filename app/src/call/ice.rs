//! What the browsers get to find a path to each other: the STUN/TURN addresses and, for TURN,
//! a short-lived credential in the TURN REST style (username `<expiry-unix>:<random>`,
//! password base64(HMAC-SHA1(secret, username))). The secret never leaves the server; the
//! embedded TURN service checks the same rule.

use crate::call::types::IceServer;
use base64::{engine::general_purpose::STANDARD, Engine as _};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// The STUN/TURN service of this installation.
#[derive(Clone, Default)]
pub struct IceConfig {
    stun_urls: Vec<String>,
    turn: Option<TurnAccess>,
}

#[derive(Clone)]
struct TurnAccess {
    urls: Vec<String>,
    secret: [u8; 32],
    valid_for: Duration,
}

impl std::fmt::Debug for IceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IceConfig")
            .field("stun_urls", &self.stun_urls)
            .field("turn_urls", &self.turn.as_ref().map(|t| &t.urls))
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

/// Whether a TURN username is still valid at `now` (its first part is the expiry).
pub fn turn_username_valid(username: &str, now: DateTime<Utc>) -> bool {
    username
        .split_once(':')
        .and_then(|(expiry, _)| expiry.parse::<i64>().ok())
        .is_some_and(|expiry| expiry > now.timestamp())
}

impl IceConfig {
    /// Only the given STUN servers, no TURN.
    pub fn stun_only(stun_urls: Vec<String>) -> Self {
        Self {
            stun_urls,
            turn: None,
        }
    }

    /// The embedded service at `host:port` (STUN and TURN over UDP; with `tcp_port` also TURN
    /// over TCP) plus further STUN servers.
    pub fn with_turn(
        host: &str,
        port: u16,
        tcp_port: Option<u16>,
        secret: [u8; 32],
        valid_for: Duration,
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
                secret,
                valid_for,
            }),
        }
    }

    /// The secret the embedded TURN service checks passwords with.
    pub fn turn_secret(&self) -> Option<[u8; 32]> {
        self.turn.as_ref().map(|t| t.secret)
    }

    /// The servers for one browser, with a fresh TURN credential.
    pub fn servers(&self, now: DateTime<Utc>) -> Vec<IceServer> {
        let mut servers: Vec<IceServer> = self
            .stun_urls
            .iter()
            .map(|url| IceServer {
                url: url.clone(),
                username: None,
                credential: None,
            })
            .collect();
        if let Some(turn) = &self.turn {
            let mut random = [0u8; 9];
            // Without OS randomness the credential would repeat; then no TURN, STUN still works.
            if getrandom::fill(&mut random).is_ok() {
                let username = format!(
                    "{}:{}",
                    (now + turn.valid_for).timestamp(),
                    data_encoding::BASE32_NOPAD.encode(&random).to_lowercase()
                );
                let credential = turn_password(&turn.secret, &username);
                servers.extend(turn.urls.iter().map(|url| IceServer {
                    url: url.clone(),
                    username: Some(username.clone()),
                    credential: Some(credential.clone()),
                }));
            }
        }
        servers
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
    fn credentials_expire_and_verify_with_the_secret_only() {
        let now: DateTime<Utc> = "2026-11-23T12:00:00Z".parse().unwrap();
        let ice = IceConfig::with_turn(
            "video.praxis.de",
            3478,
            Some(3478),
            [7; 32],
            Duration::hours(12),
            vec![],
        );
        let servers = ice.servers(now);
        assert_eq!(servers[0].url, "stun:video.praxis.de:3478");
        assert_eq!(servers[0].username, None);
        let turn = &servers[1];
        assert_eq!(turn.url, "turn:video.praxis.de:3478?transport=udp");
        assert_eq!(servers[2].url, "turn:video.praxis.de:3478?transport=tcp");
        assert_eq!(servers[2].username, turn.username);
        let username = turn.username.clone().unwrap();
        assert!(username.starts_with(&format!("{}:", (now + Duration::hours(12)).timestamp())));
        assert_eq!(turn.credential, Some(turn_password(&[7; 32], &username)));
        assert_ne!(turn.credential, Some(turn_password(&[8; 32], &username)));
        assert!(turn_username_valid(&username, now + Duration::hours(11)));
        assert!(!turn_username_valid(&username, now + Duration::hours(12)));
        assert!(!turn_username_valid("garbage", now));
        assert_ne!(
            ice.servers(now)[1].username,
            Some(username),
            "each browser gets its own"
        );
        let v6 = IceConfig::with_turn("::1", 3478, None, [7; 32], Duration::hours(1), vec![]);
        assert_eq!(v6.servers(now)[0].url, "stun:[::1]:3478");
        assert!(!format!("{ice:?}").contains("secret: ["));
    }
}
