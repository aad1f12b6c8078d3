//! Caps on open signalling sockets (issue 22, point 15): per patient pass, per doctor account
//! and per client address. A socket over a cap is accepted and closed at once with
//! [`crate::signalling::types::TOO_MANY_SOCKETS`] and a German reason, so the page can say why.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;
use uuid::Uuid;

/// What a cap counts open sockets of. Plain values, no text: every open socket keeps its keys,
/// and the counts keep one entry per pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapKey {
    /// One patient pass, by its id (each accepted code gives a new one, so a new pass of the
    /// same device after a new code is another pass).
    Pass(Uuid),
    /// A doctor's account.
    Login(Uuid),
    /// A client address.
    Address(IpAddr),
    /// Sockets being told they are over a cap: per client network (an IPv4 address, an IPv6
    /// /64), and in all (`None`).
    Refusing(Option<IpAddr>),
}

/// Sockets refused over a cap, still being told so (each at most a few seconds, see
/// `socket::refuse_over_cap`), per client address: a browser answers the close at once, so
/// only a client that holds them open reaches this. Past it the handshake is answered 429.
pub const REFUSING_PER_ADDRESS: u32 = 16;
/// The same in all: what clients holding refusals open can take of tasks and file handles.
pub const REFUSING_IN_ALL: u32 = 1024;

/// Open sockets per key, and in all.
#[derive(Debug, Default)]
pub struct SocketCounts {
    open: Mutex<HashMap<CapKey, u32>>,
    /// Tickets given out and not yet given back: the sockets running now.
    tickets: AtomicUsize,
    /// Told when the last ticket is given back.
    none_open: Notify,
}

/// One open socket's place under its caps (at most two: its own and its address's); given
/// back when dropped.
#[derive(Debug)]
pub struct SocketTicket {
    counts: Arc<SocketCounts>,
    keys: [Option<CapKey>; 2],
}

impl SocketCounts {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<CapKey, u32>) -> R) -> R {
        // Each change is one counter step; a poisoned lock is used on.
        let mut guard = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Takes a place under every `(key, cap)` or under none: `None` when one is full.
    pub fn try_open(self: &Arc<Self>, caps: [Option<(CapKey, u32)>; 2]) -> Option<SocketTicket> {
        self.with(|open| {
            if caps
                .iter()
                .flatten()
                .any(|(key, cap)| open.get(key).copied().unwrap_or(0) >= *cap)
            {
                return None;
            }
            let keys = caps.map(|cap| cap.map(|(key, _)| key));
            for key in keys.iter().flatten() {
                *open.entry(*key).or_insert(0) += 1;
            }
            self.tickets.fetch_add(1, Ordering::SeqCst);
            Some(SocketTicket {
                counts: Arc::clone(self),
                keys,
            })
        })
    }

    /// A place for a socket refused over a cap while it is told so: it counts as running, so a
    /// shutdown also waits for its close (its page's answer read, see `socket::refuse_over_cap`)
    /// instead of ending the process under it and resetting the connection. `None` past
    /// [`REFUSING_PER_ADDRESS`] or [`REFUSING_IN_ALL`]: refusals cost a task and a file handle
    /// each, and a client could otherwise open them without end.
    pub fn try_refuse(self: &Arc<Self>, address: IpAddr) -> Option<SocketTicket> {
        self.try_open([
            Some((
                CapKey::Refusing(Some(network(address))),
                REFUSING_PER_ADDRESS,
            )),
            Some((CapKey::Refusing(None), REFUSING_IN_ALL)),
        ])
    }

    /// Open sockets under `key` (for tests and metrics).
    pub fn open(&self, key: &CapKey) -> u32 {
        self.with(|open| open.get(key).copied().unwrap_or(0))
    }

    /// Sockets running now, under any key.
    pub fn running(&self) -> usize {
        self.tickets.load(Ordering::SeqCst)
    }

    /// Completes once no socket runs (at once if none does).
    pub async fn all_closed(&self) {
        loop {
            let closed = self.none_open.notified();
            tokio::pin!(closed);
            // Registered before the count is read: a last ticket given back in between still
            // wakes this.
            closed.as_mut().enable();
            if self.running() == 0 {
                return;
            }
            closed.await;
        }
    }
}

/// Whose refusals count together: an IPv4 address, or an IPv6 address's /64 (one client or
/// household gets a whole /64 and may take any address in it).
fn network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
    }
}

impl Drop for SocketTicket {
    fn drop(&mut self) {
        let keys = self.keys;
        self.counts.with(|open| {
            for key in keys.into_iter().flatten() {
                if let Some(n) = open.get_mut(&key) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        open.remove(&key);
                    }
                }
            }
        });
        if self.counts.tickets.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.counts.none_open.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_key_refuses_and_a_dropped_ticket_frees_its_place_under_every_key() {
        let counts = Arc::new(SocketCounts::default());
        let address = CapKey::Address(IpAddr::from([192, 0, 2, 1]));
        let pass = |n: u128| CapKey::Pass(Uuid::from_u128(n));
        let caps = |n: u128| [Some((pass(n), 2)), Some((address, 3))];
        let first = counts.try_open(caps(1)).unwrap();
        let _second = counts.try_open(caps(1)).unwrap();
        assert!(counts.try_open(caps(1)).is_none(), "pass full");
        let _third = counts.try_open(caps(2)).unwrap();
        assert!(counts.try_open(caps(3)).is_none(), "address full");
        assert_eq!(counts.open(&pass(3)), 0, "a refusal takes nothing");
        assert_eq!(counts.running(), 3);
        drop(first);
        assert_eq!(counts.open(&address), 2);
        assert_eq!(counts.running(), 2);
        assert!(counts.try_open(caps(1)).is_some());
        assert_eq!(counts.running(), 2, "the ticket went with the statement");
        let ip = IpAddr::from([192, 0, 2, 1]);
        let refusing: Vec<_> = (0..REFUSING_PER_ADDRESS)
            .map(|_| counts.try_refuse(ip).unwrap())
            .collect();
        assert_eq!(
            counts.running(),
            2 + refusing.len(),
            "refusals run until closed"
        );
        assert_eq!(counts.open(&address), 2, "under their own caps");
        assert!(
            counts.try_refuse(ip).is_none(),
            "the address's refusals full"
        );
        assert!(counts.try_refuse(IpAddr::from([192, 0, 2, 2])).is_some());
        // One IPv6 /64 counts as one address.
        let v6 = |last: u16| IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, last]);
        let in_one_net: Vec<_> = (0..REFUSING_PER_ADDRESS)
            .map(|n| counts.try_refuse(v6(n as u16)).unwrap())
            .collect();
        assert!(
            counts.try_refuse(v6(9999)).is_none(),
            "the /64's refusals full"
        );
        assert!(counts
            .try_refuse(IpAddr::from([0x2001, 0xdb8, 0, 2, 0, 0, 0, 1]))
            .is_some());
        drop(in_one_net);
        drop(refusing);
        assert_eq!(counts.running(), 2);
        assert!(counts.try_refuse(ip).is_some());
        assert!(
            std::mem::size_of::<SocketTicket>() <= 48,
            "every open socket keeps its ticket"
        );
    }

    #[tokio::test]
    async fn all_closed_completes_when_the_last_socket_goes_and_at_once_when_none_runs() {
        let counts = Arc::new(SocketCounts::default());
        counts.all_closed().await;
        let key = |n: u128| Some((CapKey::Pass(Uuid::from_u128(n)), 1));
        let tickets = vec![
            counts.try_open([key(1), None]).unwrap(),
            counts.try_open([key(2), None]).unwrap(),
        ];
        let waiting = tokio::spawn({
            let counts = counts.clone();
            async move { counts.all_closed().await }
        });
        let mut tickets = tickets.into_iter();
        drop(tickets.next());
        // The test runs on one thread: the waiter runs (and waits) while this sleeps.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "one socket still runs");
        drop(tickets.next());
        tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("all_closed completes")
            .unwrap();
    }
}
