//! The client's IP address behind reverse proxies: the TCP peer, or — when the peer is one of
//! `security.trusted_proxies` — the right-most `X-Forwarded-For`/`Forwarded` entry that is not
//! a trusted proxy itself (entries left of it were written by the client and prove nothing).

use http::HeaderMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};

/// An address range in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

/// Why a `trusted_proxies` entry is not a CIDR range.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an IP address or CIDR range")]
pub struct CidrError(pub String);

impl Cidr {
    pub fn parse(text: &str) -> Result<Self, CidrError> {
        let error = || CidrError(text.to_owned());
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text.trim(), None),
        };
        let network: IpAddr = addr.parse().map_err(|_| error())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(error)?,
            None => max,
        };
        Ok(Self { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack socket reports) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Which header the proxies write the client chain into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, Caddy, Traefik).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for="[2001:db8::1]:4711"`.
    Forwarded,
}

/// Resolves client addresses; remembers whether the untrusted-peer warning was logged.
#[derive(Debug, Default)]
pub struct ClientAddresses {
    trusted: Vec<Cidr>,
    header: ForwardedHeader,
    /// Legacy `trust_forwarded_for = true`: every direct peer counts as a trusted proxy.
    trust_any_peer: bool,
    warned_untrusted: AtomicBool,
}

impl ClientAddresses {
    pub fn new(trusted: Vec<Cidr>, header: ForwardedHeader, trust_any_peer: bool) -> Self {
        Self {
            trusted,
            header,
            trust_any_peer,
            warned_untrusted: AtomicBool::new(false),
        }
    }

    /// From the settings (already validated at start-up; a bad entry is skipped here).
    pub fn from_settings(security: &crate::settings::SecuritySettings) -> Self {
        let trusted = security
            .trusted_proxies
            .iter()
            .filter_map(|c| Cidr::parse(c).ok())
            .collect();
        Self::new(
            trusted,
            security.forwarded_header,
            security.trust_forwarded_for,
        )
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|c| c.contains(ip))
    }

    /// The client address of a request that came from `peer` with `headers`.
    pub fn resolve(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        let chain = forwarded_chain(headers, self.header);
        if !(self.trust_any_peer || self.is_trusted(peer)) {
            if chain.is_some() && !self.warned_untrusted.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    peer = %peer,
                    "forwarded headers from a peer that is not in security.trusted_proxies are \
                     ignored (logged once); set trusted_proxies to the proxy's address"
                );
            }
            return peer;
        }
        let Some(chain) = chain else {
            return peer;
        };
        // Right to left: each trusted hop vouches for the entry before it.
        let mut client = peer;
        for entry in chain.iter().rev() {
            match entry {
                Some(ip) => {
                    client = canonical(*ip);
                    if !self.is_trusted(client) {
                        return client;
                    }
                }
                // An entry we cannot read (`unknown`, a hidden name) ends the chain of trust.
                None => return client,
            }
        }
        client
    }
}

/// The entries of the forwarded header (all its lines, in order); `None` for an entry that is
/// not an IP address. `None` overall when the request has no such header.
fn forwarded_chain(headers: &HeaderMap, which: ForwardedHeader) -> Option<Vec<Option<IpAddr>>> {
    let name = match which {
        ForwardedHeader::XForwardedFor => "x-forwarded-for",
        ForwardedHeader::Forwarded => "forwarded",
    };
    let mut values = headers.get_all(name).iter().peekable();
    values.peek()?;
    let mut chain = Vec::new();
    for value in values {
        let Ok(value) = value.to_str() else {
            chain.push(None);
            continue;
        };
        for element in value.split(',') {
            chain.push(match which {
                ForwardedHeader::XForwardedFor => parse_node(element),
                ForwardedHeader::Forwarded => element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v)),
            });
        }
    }
    Some(chain)
}

/// `192.0.2.1`, `192.0.2.1:4711`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    text.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: &str, values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidr_ranges_contain_what_they_should() {
        let net = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(net.contains(ip("::ffff:10.1.0.1")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Cidr::parse("2001:db8::/32")
            .unwrap()
            .contains(ip("2001:db8:ffff::1")));
        assert!(Cidr::parse("127.0.0.1").unwrap().contains(ip("127.0.0.1")));
        for bad in ["10.0.0.0/33", "nonsense", "::/129", "10.0.0/8", ""] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_right_most_untrusted_entry_is_the_client() {
        let proxies = ClientAddresses::new(
            vec![
                Cidr::parse("127.0.0.1").unwrap(),
                Cidr::parse("10.0.0.0/8").unwrap(),
            ],
            ForwardedHeader::XForwardedFor,
            false,
        );
        let peer = ip("127.0.0.1");
        let h = headers("x-forwarded-for", &["6.6.6.6, 203.0.113.7", "10.0.0.2"]);
        assert_eq!(proxies.resolve(peer, &h), ip("203.0.113.7"));
        // From an untrusted peer the header is ignored.
        assert_eq!(proxies.resolve(ip("198.51.100.1"), &h), ip("198.51.100.1"));
        // Only trusted hops: the left-most one.
        let h = headers("x-forwarded-for", &["10.0.0.9, 10.0.0.2"]);
        assert_eq!(proxies.resolve(peer, &h), ip("10.0.0.9"));
        // Garbage right of the client ends the chain at the last trusted hop.
        let h = headers("x-forwarded-for", &["203.0.113.7, unknown"]);
        assert_eq!(proxies.resolve(peer, &h), peer);
    }

    #[test]
    fn rfc_7239_forwarded_is_read_when_configured() {
        let proxies = ClientAddresses::new(
            vec![Cidr::parse("127.0.0.0/8").unwrap()],
            ForwardedHeader::Forwarded,
            false,
        );
        let h = headers(
            "forwarded",
            &[r#"for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711";by=127.0.0.1"#],
        );
        assert_eq!(
            proxies.resolve(ip("127.0.0.1"), &h),
            ip("2001:db8:cafe::17")
        );
        // X-Forwarded-For is not looked at then.
        let h = headers("x-forwarded-for", &["192.0.2.1"]);
        assert_eq!(proxies.resolve(ip("127.0.0.1"), &h), ip("127.0.0.1"));
    }
}
