//! The call's two seats: one for the doctor's page, one for the patient's. The server passes
//! negotiation messages from one seat to the other and nothing else; a third page is refused.
//! In memory, like the waiting room registry (one server instance).

use super::types::{CallEnd, Signal};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Messages queued for one seat.
const QUEUE: usize = 64;
/// How long a signal waits for room in a full queue before it is dropped.
pub const RELAY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The two sides of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Doctor,
    Patient,
}

impl Side {
    fn index(self) -> usize {
        match self {
            Self::Doctor => 0,
            Self::Patient => 1,
        }
    }
    fn other(self) -> Self {
        match self {
            Self::Doctor => Self::Patient,
            Self::Patient => Self::Doctor,
        }
    }
}

/// What a seat hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    PeerJoined { instance: String },
    PeerLeft,
    Signal(Signal),
    Ended(CallEnd),
}

#[derive(Debug)]
struct Occupant {
    ticket: u64,
    instance: String,
    events: mpsc::Sender<CallEvent>,
}

#[derive(Debug, Default)]
struct Seats([Option<Occupant>; 2]);

/// How much the relay passed, for tests and benchmarks: signalling only, never media.
#[derive(Debug, Default)]
pub struct RelayCounters {
    pub signals: AtomicU64,
    pub signal_bytes: AtomicU64,
}

/// The seats of all calls of this server instance.
#[derive(Debug, Default)]
pub struct CallRelay {
    calls: Mutex<HashMap<Uuid, Seats>>,
    next_ticket: AtomicU64,
    pub counters: RelayCounters,
}

/// The seat is taken by another page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// A taken seat; dropping it frees the seat and tells the other side.
#[derive(Debug)]
pub struct Seat {
    relay: Arc<CallRelay>,
    appointment: Uuid,
    side: Side,
    ticket: u64,
    pub events: mpsc::Receiver<CallEvent>,
}

impl CallRelay {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<Uuid, Seats>) -> R) -> R {
        // Each change is one insert or removal; a poisoned lock leaves nothing half-done.
        let mut guard = self
            .calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Takes `side`'s seat of the call for the page `instance`. The same page may take its
    /// seat again (a reconnect after a network change, before the old socket is found dead);
    /// another page is refused while the seat is held. The other side hears of the join.
    pub fn join(
        self: &Arc<Self>,
        appointment: Uuid,
        side: Side,
        instance: &str,
    ) -> Result<(Seat, Option<String>), Busy> {
        let ticket = self.next_ticket.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = mpsc::channel(QUEUE);
        let peer = self.with(|calls| {
            let seats = calls.entry(appointment).or_default();
            if let Some(held) = &seats.0[side.index()] {
                if held.instance != instance && !held.events.is_closed() {
                    return Err(Busy);
                }
            }
            seats.0[side.index()] = Some(Occupant {
                ticket,
                instance: instance.to_owned(),
                events: sender,
            });
            let peer = seats.0[side.other().index()].as_ref().map(|other| {
                let _ = other.events.try_send(CallEvent::PeerJoined {
                    instance: instance.to_owned(),
                });
                other.instance.clone()
            });
            Ok(peer)
        })?;
        Ok((
            Seat {
                relay: self.clone(),
                appointment,
                side,
                ticket,
                events: receiver,
            },
            peer,
        ))
    }

    /// Tells both seats the call is over.
    pub fn end(&self, appointment: Uuid, how: CallEnd) {
        self.with(|calls| {
            if let Some(seats) = calls.get(&appointment) {
                for occupant in seats.0.iter().flatten() {
                    let _ = occupant.events.try_send(CallEvent::Ended(how.clone()));
                }
            }
        });
    }

    /// Pages in calls right now (both sides counted).
    pub fn seated(&self) -> usize {
        self.with(|calls| calls.values().map(|s| s.0.iter().flatten().count()).sum())
    }
}

impl Seat {
    /// Passes `signal` to the other side; `false` if nobody is there to hear it (the other
    /// side will start over when it joins). When the other side's queue is full (a burst of
    /// ICE candidates arrives in one read, faster than the other socket writes them out), this
    /// waits for room up to [`RELAY_WAIT`] instead of dropping the signal: a lost candidate or
    /// answer breaks the call. Only a page that stops reading for that long loses signals.
    pub async fn relay(&self, signal: Signal, bytes: usize) -> bool {
        let relay = &self.relay;
        let other = relay.with(|calls| {
            let seats = calls.get(&self.appointment)?;
            let mine = seats.0[self.side.index()]
                .as_ref()
                .is_some_and(|o| o.ticket == self.ticket);
            match &seats.0[self.side.other().index()] {
                Some(other) if mine => Some(other.events.clone()),
                _ => None,
            }
        });
        let Some(other) = other else {
            return false;
        };
        let sent = other
            .send_timeout(CallEvent::Signal(signal), RELAY_WAIT)
            .await
            .is_ok();
        if sent {
            relay.counters.signals.fetch_add(1, Ordering::Relaxed);
            relay
                .counters
                .signal_bytes
                .fetch_add(u64::try_from(bytes).unwrap_or(u64::MAX), Ordering::Relaxed);
        } else if !other.is_closed() {
            tracing::warn!("a call signal was dropped: the other page did not read for 2 s");
        }
        sent
    }

    pub fn appointment(&self) -> Uuid {
        self.appointment
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let (appointment, side, ticket) = (self.appointment, self.side, self.ticket);
        self.relay.with(|calls| {
            let Some(seats) = calls.get_mut(&appointment) else {
                return;
            };
            // A page that took its seat again holds a newer ticket: leave it alone.
            if seats.0[side.index()]
                .as_ref()
                .is_some_and(|o| o.ticket == ticket)
            {
                seats.0[side.index()] = None;
                if let Some(other) = &seats.0[side.other().index()] {
                    let _ = other.events.try_send(CallEvent::PeerLeft);
                }
            }
            if seats.0.iter().all(Option::is_none) {
                calls.remove(&appointment);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signalling::types::SdpType;

    fn offer() -> Signal {
        Signal::Description {
            sdp_type: SdpType::Offer,
            sdp: "v=0".into(),
        }
    }

    #[tokio::test]
    async fn two_seats_hear_each_other_and_a_third_page_is_refused() {
        let relay = Arc::new(CallRelay::default());
        let call = Uuid::new_v4();
        let (mut doctor, peer) = relay.join(call, Side::Doctor, "d1").unwrap();
        assert_eq!(peer, None);
        assert!(!doctor.relay(offer(), 3).await, "nobody to hear it yet");
        let (mut patient, peer) = relay.join(call, Side::Patient, "p1").unwrap();
        assert_eq!(peer.as_deref(), Some("d1"));
        assert_eq!(
            doctor.events.recv().await,
            Some(CallEvent::PeerJoined {
                instance: "p1".into()
            })
        );
        assert!(doctor.relay(offer(), 3).await);
        assert_eq!(
            patient.events.recv().await,
            Some(CallEvent::Signal(offer()))
        );
        // A second doctor page, a second patient page: refused.
        assert_eq!(relay.join(call, Side::Doctor, "d2").err(), Some(Busy));
        assert_eq!(relay.join(call, Side::Patient, "p2").err(), Some(Busy));
        // Another call is another pair of seats.
        let (other, _) = relay.join(Uuid::new_v4(), Side::Patient, "p3").unwrap();
        assert!(!other.relay(offer(), 3).await);
        assert!(patient.events.try_recv().is_err(), "nothing crosses calls");
        assert_eq!(relay.counters.signals.load(Ordering::Relaxed), 1);
        assert_eq!(relay.seated(), 3);
        drop(other);
        // The patient's page closes: the doctor hears it, the seat is free for a reload.
        drop(patient);
        assert_eq!(doctor.events.recv().await, Some(CallEvent::PeerLeft));
        let (_patient, peer) = relay.join(call, Side::Patient, "p2").unwrap();
        assert_eq!(peer.as_deref(), Some("d1"));
        relay.end(
            call,
            CallEnd::Finished {
                started: "14:00".into(),
                ended: "14:10".into(),
            },
        );
        assert_eq!(
            doctor.events.recv().await,
            Some(CallEvent::PeerJoined {
                instance: "p2".into()
            })
        );
        assert!(matches!(
            doctor.events.recv().await,
            Some(CallEvent::Ended(_))
        ));
    }

    #[tokio::test]
    async fn the_same_page_takes_its_seat_again_and_the_old_socket_cannot_free_it() {
        let relay = Arc::new(CallRelay::default());
        let call = Uuid::new_v4();
        let (mut doctor, _) = relay.join(call, Side::Doctor, "d1").unwrap();
        let (old, _) = relay.join(call, Side::Patient, "p1").unwrap();
        // The phone switched networks: a new socket, the same page.
        let (new, _) = relay.join(call, Side::Patient, "p1").unwrap();
        assert!(
            !old.relay(offer(), 3).await,
            "the old socket no longer speaks"
        );
        drop(old);
        assert!(new.relay(offer(), 3).await);
        let mut heard = Vec::new();
        while let Ok(event) = doctor.events.try_recv() {
            heard.push(event);
        }
        assert!(!heard.contains(&CallEvent::PeerLeft), "{heard:?}");
        assert_eq!(heard.last(), Some(&CallEvent::Signal(offer())));
        drop(new);
        drop(doctor);
        assert_eq!(relay.seated(), 0);
        assert!(relay.with(|c| c.is_empty()));
    }
}
