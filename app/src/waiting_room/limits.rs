//! Caps on open signalling sockets (issue 22, point 15): per patient pass, per doctor account
//! and per client address. A socket over a cap is accepted and closed at once with
//! [`crate::signalling::types::TOO_MANY_SOCKETS`] and a German reason, so the page can say why.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Open sockets per key ("pass:…", "login:…", "address:…").
#[derive(Debug, Default)]
pub struct SocketCounts {
    open: Mutex<HashMap<String, u32>>,
}

/// One open socket's place under its caps; given back when dropped.
#[derive(Debug)]
pub struct SocketTicket {
    counts: Arc<SocketCounts>,
    keys: Vec<String>,
}

impl SocketCounts {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, u32>) -> R) -> R {
        // Each change is one counter step; a poisoned lock is used on.
        let mut guard = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Takes a place under every `(key, cap)` or under none: `None` when one is full.
    pub fn try_open(self: &Arc<Self>, caps: Vec<(String, u32)>) -> Option<SocketTicket> {
        self.with(|open| {
            if caps
                .iter()
                .any(|(key, cap)| open.get(key).copied().unwrap_or(0) >= *cap)
            {
                return None;
            }
            let mut keys = Vec::with_capacity(caps.len());
            for (key, _) in caps {
                *open.entry(key.clone()).or_insert(0) += 1;
                keys.push(key);
            }
            Some(SocketTicket {
                counts: Arc::clone(self),
                keys,
            })
        })
    }

    /// Open sockets under `key` (for tests and metrics).
    pub fn open(&self, key: &str) -> u32 {
        self.with(|open| open.get(key).copied().unwrap_or(0))
    }
}

impl Drop for SocketTicket {
    fn drop(&mut self) {
        let keys = std::mem::take(&mut self.keys);
        self.counts.with(|open| {
            for key in keys {
                if let Some(n) = open.get_mut(&key) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        open.remove(&key);
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_key_refuses_and_a_dropped_ticket_frees_its_place_under_every_key() {
        let counts = Arc::new(SocketCounts::default());
        let caps = |pass: &str| vec![(format!("pass:{pass}"), 2), ("address:a".to_owned(), 3)];
        let first = counts.try_open(caps("x")).unwrap();
        let _second = counts.try_open(caps("x")).unwrap();
        assert!(counts.try_open(caps("x")).is_none(), "pass full");
        let _third = counts.try_open(caps("y")).unwrap();
        assert!(counts.try_open(caps("z")).is_none(), "address full");
        assert_eq!(counts.open("pass:z"), 0, "a refusal takes nothing");
        drop(first);
        assert_eq!(counts.open("address:a"), 2);
        assert!(counts.try_open(caps("x")).is_some());
    }
}
