//! Sprechzimmer patch: stateless nonces, quotas and a peer-address filter.
//!
//! Upstream keeps every nonce it hands out in a map that is never swept (one entry per
//! unauthenticated request, spoofable over UDP), has no allocation quota and relays to any
//! address. See `README.sprechzimmer.md`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::hmac;

/// Bounds on what clients may hold; 0 means unlimited (upstream's behaviour).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quotas {
    /// Allocations one username may hold at once, over all listeners (486 beyond).
    pub allocations_per_username: usize,
    /// Allocations of the whole server, over all listeners (508 beyond).
    pub allocations_total: usize,
    /// Permissions (peer IP addresses) one allocation may hold (508 beyond).
    pub permissions_per_allocation: usize,
    /// Channel bindings one allocation may hold (508 beyond).
    pub channels_per_allocation: usize,
}

/// Decides which peers an allocation may be given a permission or a channel for; a refused
/// CreatePermission or ChannelBind is answered with 403 (Forbidden).
pub trait PeerFilter: Send + Sync {
    fn permitted(&self, peer: SocketAddr) -> bool;
}

/// Why no allocation may be created now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuotaRefusal {
    /// The username holds its quota (486).
    Username,
    /// The server holds its total (508).
    Total,
}

#[derive(Default)]
struct Counts {
    total: usize,
    per_username: HashMap<String, usize>,
}

/// Allocation counts shared by all listeners of one server.
pub(crate) struct AllocationQuota {
    quotas: Quotas,
    counts: Mutex<Counts>,
}

impl AllocationQuota {
    pub(crate) fn new(quotas: Quotas) -> Arc<Self> {
        Arc::new(Self {
            quotas,
            counts: Mutex::default(),
        })
    }

    pub(crate) fn quotas(&self) -> Quotas {
        self.quotas
    }

    /// Takes one allocation for `username`; it is given back when the ticket drops.
    pub(crate) fn acquire(self: &Arc<Self>, username: &str) -> Result<QuotaTicket, QuotaRefusal> {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let held = counts.per_username.get(username).copied().unwrap_or(0);
        if self.quotas.allocations_per_username > 0 && held >= self.quotas.allocations_per_username
        {
            return Err(QuotaRefusal::Username);
        }
        if self.quotas.allocations_total > 0 && counts.total >= self.quotas.allocations_total {
            return Err(QuotaRefusal::Total);
        }
        counts.total += 1;
        counts.per_username.insert(username.to_owned(), held + 1);
        Ok(QuotaTicket {
            quota: Arc::clone(self),
            username: username.to_owned(),
        })
    }

    /// Allocations held now (all usernames).
    pub(crate) fn total(&self) -> usize {
        self.counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .total
    }
}

/// One allocation's share of the quota, given back on drop (however the allocation ends).
pub(crate) struct QuotaTicket {
    quota: Arc<AllocationQuota>,
    username: String,
}

impl Drop for QuotaTicket {
    fn drop(&mut self) {
        let mut counts = self
            .quota
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counts.total = counts.total.saturating_sub(1);
        if let Some(held) = counts.per_username.get_mut(&self.username) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                counts.per_username.remove(&self.username);
            }
        }
    }
}

/// Stateless nonces: `<issue time, 16 hex digits><HMAC-SHA256(key, time | client IP | realm),
/// first 16 bytes in hex>`. Checking one needs the key only, so unauthenticated requests leave
/// nothing behind.
pub struct NonceKey {
    key: hmac::Key,
}

impl NonceKey {
    /// A key from the system's randomness (new at every start: nonces of a previous run are
    /// answered with 438 Stale Nonce and the client retries with a new one).
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&rand::random::<u64>().to_le_bytes());
        }
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, &bytes),
        }
    }

    fn tag(&self, issued: u64, client: IpAddr, realm: &str) -> String {
        let mut input = Vec::with_capacity(8 + 16 + realm.len());
        input.extend_from_slice(&issued.to_be_bytes());
        match client {
            IpAddr::V4(v4) => input.extend_from_slice(&v4.to_ipv6_mapped().octets()),
            IpAddr::V6(v6) => input.extend_from_slice(&v6.octets()),
        }
        input.extend_from_slice(realm.as_bytes());
        let tag = hmac::sign(&self.key, &input);
        tag.as_ref()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A nonce for `client`, issued now.
    pub fn issue(&self, client: IpAddr, realm: &str) -> String {
        self.issue_at(now_secs(), client, realm)
    }

    /// A nonce for `client`, issued at `issued` (seconds since the epoch).
    pub fn issue_at(&self, issued: u64, client: IpAddr, realm: &str) -> String {
        format!("{issued:016x}{}", self.tag(issued, client, realm))
    }

    /// Whether `nonce` was issued by this key for `client`, less than `lifetime` ago.
    pub fn valid(&self, nonce: &str, client: IpAddr, realm: &str, lifetime: Duration) -> bool {
        self.valid_at(now_secs(), nonce, client, realm, lifetime)
    }

    /// [`NonceKey::valid`] at `now` (seconds since the epoch).
    pub fn valid_at(
        &self,
        now: u64,
        nonce: &str,
        client: IpAddr,
        realm: &str,
        lifetime: Duration,
    ) -> bool {
        if nonce.len() != 16 + 32 || !nonce.is_ascii() {
            return false;
        }
        let Ok(issued) = u64::from_str_radix(&nonce[..16], 16) else {
            return false;
        };
        // Not from the future (a minute's leeway), not older than the lifetime.
        if issued > now.saturating_add(60) || now.saturating_sub(issued) >= lifetime.as_secs() {
            return false;
        }
        let expected = self.tag(issued, client, realm);
        // Compared in constant time.
        expected
            .bytes()
            .zip(nonce[16..].bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
