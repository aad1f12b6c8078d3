//! The call's seats: one for the doctor's page, one for the patient's and one for each further
//! person let in (issue 25), up to `appointments.max_participants`. Every page has one
//! connection to every other page (a full mesh); the server passes each negotiation message to
//! the one page it names and nothing else. A second page for a held seat is refused, and so is
//! a seat beyond the limit. The seats of this instance's pages are kept here; with several
//! instances on one PostgreSQL ([`SharedSeats`], `server::bus`) the seats are also rows that
//! decide who may sit, and what a page sends to a page on another instance goes over the bus.

use super::types::{CallEnd, Signal};
use crate::appointment::guest_role::GuestRole;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Messages queued for one seat: room for a group's set-up (offers, answers and a few dozen
/// candidates for each other page), so that join, leave and end events find room too (they are
/// sent while the seats are locked and cannot wait). Unused room costs nothing.
const QUEUE: usize = 256;
/// How long a signal waits for room in a full queue before it is dropped.
pub const RELAY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Who holds a seat: the doctor, the patient or a further person (by their guest id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Participant {
    Doctor,
    Patient,
    Guest(Uuid),
}

impl Participant {
    /// The id the pages use for it: `doctor`, `patient` or the guest's id.
    pub fn id(self) -> String {
        match self {
            Self::Doctor => "doctor".into(),
            Self::Patient => "patient".into(),
            Self::Guest(id) => id.to_string(),
        }
    }

    /// Reads an id a page sent.
    pub fn parse(id: &str) -> Option<Self> {
        match id {
            "doctor" => Some(Self::Doctor),
            "patient" => Some(Self::Patient),
            other => Uuid::parse_str(other).ok().map(Self::Guest),
        }
    }

    /// The seat order: the doctor, the patient, then the guests by id.
    fn order(self) -> (u8, Uuid) {
        match self {
            Self::Doctor => (0, Uuid::nil()),
            Self::Patient => (1, Uuid::nil()),
            Self::Guest(id) => (2, id),
        }
    }

    /// Whether this page gives way to `other`'s when both offer at once: of every pair, the
    /// later seat is polite, so each pair has exactly one polite side.
    pub fn polite_toward(self, other: Self) -> bool {
        self.order() > other.order()
    }
}

/// Who a seat's holder is, for the names under the pictures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub participant: Participant,
    /// The practice's name for the doctor; the booked (invited) name otherwise.
    pub booked: String,
    /// The name typed at entry.
    pub typed: Option<String>,
    pub role: Option<GuestRole>,
}

/// What a seat hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// Another page took its seat (or took it again after a reload: a new `instance`).
    PeerJoined {
        card: Arc<Card>,
        instance: String,
    },
    /// That page's socket is gone (it may come back: its media may still flow).
    PeerLeft(Participant),
    /// That person left the call for good (left, removed, uninvited): close the connection.
    PeerGone(Participant),
    Signal {
        from: Participant,
        signal: Signal,
    },
    Ended(CallEnd),
    /// This instance may have missed news of the call (its connection to the other instances
    /// was lost): the page reconnects and takes its seat again, with who is there read from
    /// the database.
    Reconnect,
}

#[derive(Debug)]
struct Occupant {
    ticket: u64,
    instance: String,
    card: Arc<Card>,
    events: mpsc::Sender<CallEvent>,
}

impl Occupant {
    fn alive(&self) -> bool {
        !self.events.is_closed()
    }

    /// Queues a join, leave or end event; a page that has not read for [`QUEUE`] messages
    /// misses it (and says so in the log).
    fn tell(&self, event: CallEvent) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.events.try_send(event) {
            tracing::warn!("a call event was dropped: the page did not read its socket");
        }
    }
}

/// How much the relay passed, for tests and benchmarks: signalling only, never media.
#[derive(Debug, Default)]
pub struct RelayCounters {
    pub signals: AtomicU64,
    pub signal_bytes: AtomicU64,
}

/// The seats of this instance's calls, and where the other pages of those calls sit.
#[derive(Debug, Default)]
struct Calls {
    seats: HashMap<Uuid, Vec<Occupant>>,
    /// With shared seats: the page holding each seat of these calls on another instance, as
    /// last heard. A signal from another page of that person is stale (sent before the person
    /// moved to a new page) and is dropped.
    afar: HashMap<Uuid, HashMap<Participant, String>>,
    /// With shared seats: the calls a page of this instance is joining now (its seat being
    /// taken in the database), with the joins, leaves and the end heard from afar meanwhile,
    /// in order. The join applies them to its answer and its new seat: news heard before the
    /// page's seat is here has no seat to reach.
    joining: HashMap<Uuid, Vec<Meanwhile>>,
}

/// News of a call heard from afar while a page here takes its seat ([`Calls::joining`]).
#[derive(Debug)]
enum Meanwhile {
    Joined(Participant, Present),
    Left(Participant),
    Ended(CallEnd),
}

impl Calls {
    /// Forgets the call here (its last seat here is gone), with what was known of it afar.
    fn remove(&mut self, appointment: &Uuid) {
        self.seats.remove(appointment);
        self.afar.remove(appointment);
    }
}

/// The seats of all calls of this server instance.
#[derive(Debug, Default)]
pub struct CallRelay {
    calls: Mutex<Calls>,
    next_ticket: AtomicU64,
    pub counters: RelayCounters,
    /// The other instances' seats, when several share the database.
    shared: OnceLock<Arc<dyn SharedSeats>>,
    /// With shared seats, one join of this instance at a time: from reading who sits here to
    /// the local insert (the rows count this instance's pages by that read).
    joining: tokio::sync::Mutex<()>,
}

/// What one instance tells the others about a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remote {
    /// That person is out for good (evicted); their seat row goes too.
    Gone(Participant),
    Ended(CallEnd),
    Signal {
        from: Participant,
        /// The sender's page.
        page: String,
        to: Option<Participant>,
        signal: Signal,
    },
}

/// The seats of calls whose pages may be on other server instances.
#[async_trait::async_trait]
pub trait SharedSeats: Send + Sync + std::fmt::Debug {
    /// Takes `card`'s seat for `page` (this instance's `ticket`) unless another page holds it
    /// on another live instance ([`Refused::Busy`]) or `limit` seats are taken
    /// ([`Refused::Full`]); `here` are the participants whose pages sit on this instance now
    /// (this instance's rows count by them, not by rows not yet deleted). The other instances
    /// hear of the join; the answer lists the seats held on them.
    async fn take(
        &self,
        appointment: Uuid,
        card: &Card,
        page: &str,
        ticket: u64,
        here: &[Participant],
        limit: usize,
    ) -> Result<Vec<Present>, Refused>;
    /// The seat this instance took with `ticket` is free; the others hear the page left.
    fn free(&self, appointment: Uuid, participant: Participant, ticket: u64);
    /// Tells the pages of the call on the other instances.
    fn publish(&self, appointment: Uuid, news: Remote);
    /// Whether `participant` holds a seat on a live instance.
    async fn is_seated(&self, appointment: Uuid, participant: Participant) -> bool;
}

/// While a page of this instance takes its seat in the shared rows: the joins, leaves and the
/// end heard from afar for that call are kept for it ([`Calls::joining`]); dropped (also when
/// the join is given up half way), nothing more is kept.
struct HearingWhileJoining<'a> {
    relay: &'a CallRelay,
    appointment: Uuid,
}

impl<'a> HearingWhileJoining<'a> {
    fn start(relay: &'a CallRelay, appointment: Uuid) -> Self {
        relay.with(|calls| calls.joining.insert(appointment, Vec::new()));
        Self { relay, appointment }
    }
}

impl Drop for HearingWhileJoining<'_> {
    fn drop(&mut self) {
        // The answer took the news already, unless the join failed.
        self.relay
            .with(|calls| calls.joining.remove(&self.appointment));
    }
}

/// Why a page gets no seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The seat is held by another page.
    Busy,
    /// Every seat of the call is taken.
    Full,
    /// The shared seats could not be read (database unreachable).
    Unavailable,
}

/// A taken seat; dropping it frees the seat and tells the others.
#[derive(Debug)]
pub struct Seat {
    relay: Arc<CallRelay>,
    appointment: Uuid,
    participant: Participant,
    /// The page holding it.
    page: String,
    ticket: u64,
    pub events: mpsc::Receiver<CallEvent>,
}

/// Another page in the call when a seat is taken: who, and which page.
pub type Present = (Arc<Card>, String);

impl CallRelay {
    fn with<R>(&self, f: impl FnOnce(&mut Calls) -> R) -> R {
        // Each change is one insert or removal; a poisoned lock leaves nothing half-done.
        let mut guard = self
            .calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// The other instances' seats from now on (set once, at start).
    pub fn share(&self, shared: Arc<dyn SharedSeats>) {
        let _ = self.shared.set(shared);
    }

    /// Takes `card`'s seat of the call for the page `instance`, if fewer than `limit` seats
    /// are held. The same page may take its seat again (a reconnect after a network change,
    /// before the old socket is found dead, or on another server instance); another page is
    /// refused while the seat is held. The others hear of the join; the answer lists them.
    pub async fn join(
        self: &Arc<Self>,
        appointment: Uuid,
        card: Card,
        instance: &str,
        limit: usize,
    ) -> Result<(Seat, Vec<Present>), Refused> {
        let ticket = self.next_ticket.fetch_add(1, Ordering::Relaxed);
        let participant = card.participant;
        let shared = self.shared.get();
        let _one_at_a_time = match shared {
            Some(_) => Some(self.joining.lock().await),
            None => None,
        };
        // Until the page's seat is here (the answer below takes what was heard meanwhile).
        let _hearing = shared.map(|_| HearingWhileJoining::start(self, appointment));
        let elsewhere = match shared {
            Some(shared) => {
                let here: Vec<Participant> = self.with(|calls| {
                    calls
                        .seats
                        .get(&appointment)
                        .into_iter()
                        .flatten()
                        .filter(|o| o.alive() && o.card.participant != participant)
                        .map(|o| o.card.participant)
                        .collect()
                });
                let busy_here = self.with(|calls| {
                    calls.seats.get(&appointment).is_some_and(|seats| {
                        seats.iter().any(|o| {
                            o.card.participant == participant && o.instance != instance && o.alive()
                        })
                    })
                });
                if busy_here {
                    return Err(Refused::Busy);
                }
                Some(
                    shared
                        .take(appointment, &card, instance, ticket, &here, limit)
                        .await?,
                )
            }
            None => None,
        };
        let (sender, receiver) = mpsc::channel(QUEUE);
        let card = Arc::new(card);
        let checked = elsewhere.is_some();
        let present = self.with(|calls| {
            let heard_meanwhile = calls.joining.remove(&appointment).unwrap_or_default();
            let seats = calls.seats.entry(appointment).or_default();
            match seats.iter().position(|o| o.card.participant == participant) {
                // With shared seats the rows decided (a page that lost its seat to the same
                // page on another instance may still be here).
                Some(held)
                    if !checked && seats[held].instance != instance && seats[held].alive() =>
                {
                    return Err(Refused::Busy);
                }
                Some(held) => {
                    seats.remove(held);
                }
                None if !checked && seats.iter().filter(|o| o.alive()).count() >= limit => {
                    return Err(Refused::Full);
                }
                None => {}
            }
            let present: Vec<Present> = seats
                .iter()
                .map(|other| {
                    other.tell(CallEvent::PeerJoined {
                        card: card.clone(),
                        instance: instance.to_owned(),
                    });
                    (other.card.clone(), other.instance.clone())
                })
                .collect();
            let occupant = Occupant {
                ticket,
                instance: instance.to_owned(),
                card: card.clone(),
                events: sender,
            };
            // What was heard while the seat was taken is newer than the rows read for it: the
            // joins and leaves go into the answer (below) and into who holds which seat afar.
            let mut joined_meanwhile = Vec::new();
            for news in heard_meanwhile {
                let afar = calls.afar.entry(appointment).or_default();
                match news {
                    Meanwhile::Joined(who, _) | Meanwhile::Left(who) if who == participant => {}
                    Meanwhile::Ended(how) => occupant.tell(CallEvent::Ended(how)),
                    Meanwhile::Joined(who, ref joined) => {
                        afar.insert(who, joined.1.clone());
                        joined_meanwhile.push(news);
                    }
                    Meanwhile::Left(who) => {
                        afar.remove(&who);
                        joined_meanwhile.push(news);
                    }
                }
            }
            seats.push(occupant);
            // The person's page is here now. (Pages elsewhere are learnt from their joins
            // heard from now on, not from the rows read before: a join heard between that
            // read and this insert was not applied, and an older page must not be taken for
            // the holder.)
            if let Some(afar) = calls.afar.get_mut(&appointment) {
                afar.remove(&participant);
            }
            Ok((present, joined_meanwhile))
        });
        let (mut present, joined_meanwhile) =
            present.inspect_err(|_| self.forget_if_empty(appointment))?;
        present.extend(elsewhere.into_iter().flatten());
        for news in joined_meanwhile {
            match news {
                Meanwhile::Joined(who, joined) => {
                    present.retain(|(card, _)| card.participant != who);
                    present.push(joined);
                }
                Meanwhile::Left(who) => present.retain(|(card, _)| card.participant != who),
                Meanwhile::Ended(_) => {}
            }
        }
        Ok((
            Seat {
                relay: self.clone(),
                appointment,
                participant,
                page: instance.to_owned(),
                ticket,
                events: receiver,
            },
            present,
        ))
    }

    /// News of a call from another instance, for this instance's pages of it.
    pub fn hear(&self, appointment: Uuid, news: Heard) {
        self.with(|calls| {
            let Calls {
                seats: all,
                afar,
                joining,
            } = calls;
            if let Some(heard) = joining.get_mut(&appointment) {
                match &news {
                    Heard::Joined { card, instance } => heard.push(Meanwhile::Joined(
                        card.participant,
                        (Arc::new(card.clone()), instance.clone()),
                    )),
                    Heard::Left(who) | Heard::Remote(Remote::Gone(who)) => {
                        heard.push(Meanwhile::Left(*who));
                    }
                    Heard::Remote(Remote::Ended(how)) => heard.push(Meanwhile::Ended(how.clone())),
                    Heard::Remote(Remote::Signal { .. }) => {}
                }
            }
            let Some(seats) = all.get_mut(&appointment) else {
                return;
            };
            let afar = afar.entry(appointment).or_default();
            match news {
                Heard::Joined { card, instance } => {
                    // This instance's socket of that seat (if any) lost it to the page there.
                    seats.retain(|o| o.card.participant != card.participant);
                    afar.insert(card.participant, instance.clone());
                    let card = Arc::new(card);
                    for other in seats.iter() {
                        other.tell(CallEvent::PeerJoined {
                            card: card.clone(),
                            instance: instance.clone(),
                        });
                    }
                }
                Heard::Left(who) => {
                    afar.remove(&who);
                    for other in seats.iter().filter(|o| o.card.participant != who) {
                        other.tell(CallEvent::PeerLeft(who));
                    }
                }
                Heard::Remote(Remote::Gone(who)) => {
                    afar.remove(&who);
                    seats.retain(|o| o.card.participant != who);
                    for other in seats.iter() {
                        other.tell(CallEvent::PeerGone(who));
                    }
                }
                Heard::Remote(Remote::Ended(how)) => {
                    for occupant in seats.iter() {
                        occupant.tell(CallEvent::Ended(how.clone()));
                    }
                }
                // From a page that no longer holds the seat (its person took it again since,
                // on a new page elsewhere or here): what it negotiated is over.
                Heard::Remote(Remote::Signal { from, page, .. })
                    if seats.iter().any(|o| o.card.participant == from)
                        || (!page.is_empty()
                            && afar.get(&from).is_some_and(|holder| *holder != page)) =>
                {
                    tracing::debug!("a stale call signal from another instance was dropped");
                }
                Heard::Remote(Remote::Signal {
                    from, to, signal, ..
                }) => {
                    let target = seats.iter().find(|o| match to {
                        Some(to) => o.card.participant == to,
                        None => o.card.participant != from,
                    });
                    if let Some(target) = target {
                        // Signals from afar are not waited for (the listener serves every
                        // call); a page that has not read 256 messages misses this one.
                        if target
                            .events
                            .try_send(CallEvent::Signal { from, signal })
                            .is_err()
                            && target.alive()
                        {
                            tracing::warn!("a call signal from another instance was dropped");
                        }
                    }
                }
            }
            if seats.is_empty() {
                calls.remove(&appointment);
            }
        });
    }

    fn forget_if_empty(&self, appointment: Uuid) {
        self.with(|calls| {
            if calls.seats.get(&appointment).is_some_and(Vec::is_empty) {
                calls.remove(&appointment);
            }
        });
    }

    /// Tells every seat the call is over.
    pub fn end(&self, appointment: Uuid, how: CallEnd) {
        if let Some(shared) = self.shared.get() {
            shared.publish(appointment, Remote::Ended(how.clone()));
        }
        self.with(|calls| {
            for occupant in calls.seats.get(&appointment).into_iter().flatten() {
                occupant.tell(CallEvent::Ended(how.clone()));
            }
        });
    }

    /// Takes `participant` out of the call for good: their seat is freed (their page's socket
    /// hears nothing more of the call and can signal nobody), and every other page hears they
    /// are gone and closes its connection to them at once — whatever that page does.
    pub fn evict(&self, appointment: Uuid, participant: Participant) {
        if let Some(shared) = self.shared.get() {
            shared.publish(appointment, Remote::Gone(participant));
        }
        self.with(|calls| {
            let Some(seats) = calls.seats.get_mut(&appointment) else {
                return;
            };
            seats.retain(|o| o.card.participant != participant);
            for other in seats.iter() {
                other.tell(CallEvent::PeerGone(participant));
            }
            if seats.is_empty() {
                calls.remove(&appointment);
            }
        });
    }

    /// Whether `participant`'s page holds its seat of the call now (on any instance).
    pub async fn is_seated(&self, appointment: Uuid, participant: Participant) -> bool {
        let here = self.with(|calls| {
            calls.seats.get(&appointment).is_some_and(|seats| {
                seats
                    .iter()
                    .any(|o| o.card.participant == participant && o.alive())
            })
        });
        match self.shared.get() {
            Some(shared) if !here => shared.is_seated(appointment, participant).await,
            _ => here,
        }
    }

    /// Every seat held on this instance: appointment, holder, page, ticket.
    pub fn seats_here(&self) -> Vec<(Uuid, Arc<Card>, String, u64)> {
        self.with(|calls| {
            calls
                .seats
                .iter()
                .flat_map(|(appointment, seats)| {
                    seats
                        .iter()
                        .filter(|o| o.alive())
                        .map(|o| (*appointment, o.card.clone(), o.instance.clone(), o.ticket))
                })
                .collect()
        })
    }

    /// Asks every page in a call on this instance to reconnect ([`CallEvent::Reconnect`]).
    pub fn reconnect_all(&self) {
        self.with(|calls| {
            for occupant in calls.seats.values().flatten() {
                occupant.tell(CallEvent::Reconnect);
            }
        });
    }

    /// Pages in calls right now (all seats counted).
    pub fn seated(&self) -> usize {
        self.with(|calls| calls.seats.values().map(Vec::len).sum())
    }
}

impl CallRelay {
    /// Whether `seat` still holds its place here (not taken over by a newer socket).
    fn holds(&self, seat: &Seat) -> bool {
        self.with(|calls| {
            calls.seats.get(&seat.appointment).is_some_and(|seats| {
                seats
                    .iter()
                    .any(|o| o.card.participant == seat.participant && o.ticket == seat.ticket)
            })
        })
    }

    fn count(&self, bytes: usize) {
        self.counters.signals.fetch_add(1, Ordering::Relaxed);
        self.counters
            .signal_bytes
            .fetch_add(u64::try_from(bytes).unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}

/// What this instance hears of a call from another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// A page took its seat there.
    Joined {
        card: Card,
        instance: String,
    },
    /// A page there left (its socket closed, or its instance is gone).
    Left(Participant),
    Remote(Remote),
}

impl Seat {
    /// Passes `signal` to the page of `to` (without `to`: to the only other page, as a
    /// two-person page of protocol version 1 sends it); `false` if nobody is there to hear
    /// it (that page starts over when it joins). When its queue is full (a burst of ICE
    /// candidates arrives in one read, faster than the other socket writes them out), this
    /// waits for room up to [`RELAY_WAIT`] instead of dropping the signal: a lost candidate or
    /// answer breaks the connection. Only a page that stops reading for that long loses signals.
    pub async fn relay(&self, to: Option<Participant>, signal: Signal, bytes: usize) -> bool {
        let relay = &self.relay;
        let target = relay.with(|calls| {
            let seats = calls.seats.get(&self.appointment)?;
            if !seats
                .iter()
                .any(|o| o.card.participant == self.participant && o.ticket == self.ticket)
            {
                return None;
            }
            let mut others = seats
                .iter()
                .filter(|o| o.card.participant != self.participant);
            match to {
                Some(to) => others.find(|o| o.card.participant == to),
                None => others.next().filter(|_| others.next().is_none()),
            }
            .map(|o| o.events.clone())
        });
        let target = match (target, relay.shared.get()) {
            (Some(target), _) => target,
            // Not on this instance: to the instance of that page, if it still holds the seat.
            (None, Some(shared)) if relay.holds(self) => {
                shared.publish(
                    self.appointment,
                    Remote::Signal {
                        from: self.participant,
                        page: self.page.clone(),
                        to,
                        signal,
                    },
                );
                relay.count(bytes);
                return true;
            }
            (None, _) => return false,
        };
        let event = CallEvent::Signal {
            from: self.participant,
            signal,
        };
        let sent = target.send_timeout(event, RELAY_WAIT).await.is_ok();
        if sent {
            relay.count(bytes);
        } else if !target.is_closed() {
            tracing::warn!("a call signal was dropped: the other page did not read for 2 s");
        }
        sent
    }

    pub fn appointment(&self) -> Uuid {
        self.appointment
    }

    pub fn participant(&self) -> Participant {
        self.participant
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let (appointment, participant, ticket) = (self.appointment, self.participant, self.ticket);
        if let Some(shared) = self.relay.shared.get() {
            shared.free(appointment, participant, ticket);
        }
        self.relay.with(|calls| {
            let Some(seats) = calls.seats.get_mut(&appointment) else {
                return;
            };
            // A page that took its seat again holds a newer ticket: leave it alone.
            let before = seats.len();
            seats.retain(|o| !(o.card.participant == participant && o.ticket == ticket));
            if seats.len() < before {
                for other in seats.iter() {
                    other.tell(CallEvent::PeerLeft(participant));
                }
            }
            if seats.is_empty() {
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

    fn card(participant: Participant) -> Card {
        Card {
            participant,
            booked: "Name".into(),
            typed: None,
            role: None,
        }
    }

    fn joined(event: Option<CallEvent>) -> (Participant, String) {
        match event {
            Some(CallEvent::PeerJoined { card, instance }) => (card.participant, instance),
            other => panic!("expected a join, got {other:?}"),
        }
    }

    /// What another instance sends: `page` of the patient signals `sdp`.
    fn from_afar(page: &str, sdp: &str) -> Heard {
        Heard::Remote(Remote::Signal {
            from: Participant::Patient,
            page: page.into(),
            to: Some(Participant::Doctor),
            signal: Signal::Description {
                sdp_type: SdpType::Offer,
                sdp: sdp.into(),
            },
        })
    }

    fn signalled(event: Option<CallEvent>) -> String {
        match event {
            Some(CallEvent::Signal {
                signal: Signal::Description { sdp, .. },
                ..
            }) => sdp,
            other => panic!("expected a signal, got {other:?}"),
        }
    }

    /// Shared seats whose `take` hears, while the seat is taken, the patient take theirs on
    /// another instance and then the guest come and go there (their joins committed after
    /// this take read the rows; the notifications came before the seat was here).
    #[derive(Debug, Default)]
    struct NewsWhileTaking {
        relay: std::sync::OnceLock<std::sync::Weak<CallRelay>>,
        /// And then the call's end.
        end: bool,
    }

    #[async_trait::async_trait]
    impl SharedSeats for NewsWhileTaking {
        async fn take(
            &self,
            appointment: Uuid,
            _: &Card,
            _: &str,
            _: u64,
            _: &[Participant],
            _: usize,
        ) -> Result<Vec<Present>, Refused> {
            let relay = self.relay.get().and_then(std::sync::Weak::upgrade);
            let relay = relay.expect("the relay");
            let guest = Participant::Guest(Uuid::from_u128(7));
            for (who, page) in [(Participant::Patient, "p1"), (guest, "g1")] {
                let instance = page.into();
                relay.hear(
                    appointment,
                    Heard::Joined {
                        card: card(who),
                        instance,
                    },
                );
            }
            relay.hear(appointment, Heard::Left(guest));
            if self.end {
                relay.hear(
                    appointment,
                    Heard::Remote(Remote::Ended(CallEnd::PatientLeft)),
                );
            }
            Ok(Vec::new())
        }
        fn free(&self, _: Uuid, _: Participant, _: u64) {}
        fn publish(&self, _: Uuid, _: Remote) {}
        async fn is_seated(&self, _: Uuid, _: Participant) -> bool {
            false
        }
    }

    fn relay_with_news_while_taking(end: bool) -> Arc<CallRelay> {
        let relay = Arc::new(CallRelay::default());
        let shared = Arc::new(NewsWhileTaking {
            end,
            ..NewsWhileTaking::default()
        });
        shared.relay.set(Arc::downgrade(&relay)).unwrap();
        relay.share(shared);
        relay
    }

    #[tokio::test]
    async fn joins_and_leaves_heard_while_a_seat_is_taken_reach_the_joining_page() {
        let relay = relay_with_news_while_taking(false);
        let call = Uuid::new_v4();
        let (mut doctor, present) = relay
            .join(call, card(Participant::Doctor), "d1", 3)
            .await
            .unwrap();
        let present: Vec<_> = present
            .iter()
            .map(|(card, page)| (card.participant, page.as_str()))
            .collect();
        assert_eq!(present, vec![(Participant::Patient, "p1")]);
        assert!(
            relay.with(|calls| calls.joining.is_empty()),
            "nothing kept after the join"
        );
        // Who holds the patient's seat afar is known: an older page's signal is stale.
        relay.hear(call, from_afar("p0", "alt"));
        relay.hear(call, from_afar("p1", "neu"));
        assert_eq!(signalled(doctor.events.recv().await), "neu");
        assert!(doctor.events.try_recv().is_err(), "nothing else");
    }

    #[tokio::test]
    async fn a_call_ended_while_a_seat_is_taken_ends_for_the_joining_page() {
        let relay = relay_with_news_while_taking(true);
        let (mut doctor, _) = relay
            .join(Uuid::new_v4(), card(Participant::Doctor), "d1", 3)
            .await
            .unwrap();
        assert!(matches!(
            doctor.events.try_recv(),
            Ok(CallEvent::Ended(CallEnd::PatientLeft))
        ));
    }

    #[tokio::test]
    async fn a_signal_from_afar_counts_only_from_the_page_that_holds_the_seat_now() {
        let relay = Arc::new(CallRelay::default());
        let call = Uuid::new_v4();
        let (mut doctor, _) = relay
            .join(call, card(Participant::Doctor), "d1", 2)
            .await
            .unwrap();
        let patient_on = |page: &str| Heard::Joined {
            card: card(Participant::Patient),
            instance: page.into(),
        };
        relay.hear(call, patient_on("p1"));
        joined(doctor.events.recv().await);
        relay.hear(call, from_afar("p1", "eins"));
        assert_eq!(signalled(doctor.events.recv().await), "eins");
        // The patient reloaded, on another instance: what the old page still had on its way
        // is dropped, the new page's signals pass.
        relay.hear(call, patient_on("p2"));
        assert_eq!(joined(doctor.events.recv().await).1, "p2");
        relay.hear(call, from_afar("p1", "alt"));
        relay.hear(call, from_afar("p2", "neu"));
        assert_eq!(signalled(doctor.events.recv().await), "neu");
        // Without a page (an instance of an earlier version): passed on.
        relay.hear(call, from_afar("", "ohne"));
        assert_eq!(signalled(doctor.events.recv().await), "ohne");
        assert!(doctor.events.try_recv().is_err(), "nothing else");
        // The patient came to this instance: whatever still arrives from afar is stale.
        let (patient, _) = relay
            .join(call, card(Participant::Patient), "p3", 2)
            .await
            .unwrap();
        joined(doctor.events.recv().await);
        relay.hear(call, from_afar("p2", "zu spät"));
        assert!(patient.relay(Some(Participant::Doctor), offer(), 3).await);
        assert!(matches!(
            doctor.events.recv().await,
            Some(CallEvent::Signal { signal, .. }) if signal == offer()
        ));
        // Once the call has no seat here, nothing of it is kept.
        drop(patient);
        drop(doctor);
        assert!(relay.with(|calls| calls.afar.is_empty() && calls.seats.is_empty()));
    }

    #[tokio::test]
    async fn two_seats_hear_each_other_and_a_second_page_for_a_seat_is_refused() {
        let relay = Arc::new(CallRelay::default());
        let call = Uuid::new_v4();
        let (mut doctor, present) = relay
            .join(call, card(Participant::Doctor), "d1", 2)
            .await
            .unwrap();
        assert!(present.is_empty());
        assert!(
            !doctor.relay(None, offer(), 3).await,
            "nobody to hear it yet"
        );
        let (mut patient, present) = relay
            .join(call, card(Participant::Patient), "p1", 2)
            .await
            .unwrap();
        assert_eq!(present.len(), 1);
        assert_eq!(present[0].0.participant, Participant::Doctor);
        assert_eq!(present[0].1, "d1");
        assert_eq!(
            joined(doctor.events.recv().await),
            (Participant::Patient, "p1".into())
        );
        assert!(doctor.relay(None, offer(), 3).await);
        assert_eq!(
            patient.events.recv().await,
            Some(CallEvent::Signal {
                from: Participant::Doctor,
                signal: offer()
            })
        );
        // A second doctor page, a second patient page: refused; a third seat: over the limit.
        let refused = |p, i| {
            let relay = relay.clone();
            async move { relay.join(call, card(p), i, 2).await.err() }
        };
        assert_eq!(
            refused(Participant::Doctor, "d2").await,
            Some(Refused::Busy)
        );
        assert_eq!(
            refused(Participant::Patient, "p2").await,
            Some(Refused::Busy)
        );
        let guest = Participant::Guest(Uuid::new_v4());
        assert_eq!(refused(guest, "g1").await, Some(Refused::Full));
        // Another call is another set of seats.
        let (other, _) = relay
            .join(Uuid::new_v4(), card(Participant::Patient), "p3", 2)
            .await
            .unwrap();
        assert!(!other.relay(None, offer(), 3).await);
        assert!(patient.events.try_recv().is_err(), "nothing crosses calls");
        assert_eq!(relay.counters.signals.load(Ordering::Relaxed), 1);
        assert_eq!(relay.seated(), 3);
        drop(other);
        // The patient's page closes: the doctor hears it, the seat is free for a reload.
        drop(patient);
        assert_eq!(
            doctor.events.recv().await,
            Some(CallEvent::PeerLeft(Participant::Patient))
        );
        let (_patient, present) = relay
            .join(call, card(Participant::Patient), "p2", 2)
            .await
            .unwrap();
        assert_eq!(present[0].1, "d1");
        relay.end(
            call,
            CallEnd::Finished {
                started: "14:00".into(),
                ended: "14:10".into(),
            },
        );
        assert_eq!(
            joined(doctor.events.recv().await),
            (Participant::Patient, "p2".into())
        );
        assert!(matches!(
            doctor.events.recv().await,
            Some(CallEvent::Ended(_))
        ));
    }

    #[tokio::test]
    async fn in_a_group_each_signal_reaches_only_the_page_it_names() {
        let relay = Arc::new(CallRelay::default());
        let call = Uuid::new_v4();
        let interpreter = Participant::Guest(Uuid::new_v4());
        let (mut doctor, _) = relay
            .join(call, card(Participant::Doctor), "d", 4)
            .await
            .unwrap();
        let (mut patient, _) = relay
            .join(call, card(Participant::Patient), "p", 4)
            .await
            .unwrap();
        let (guest, present) = relay.join(call, card(interpreter), "g", 4).await.unwrap();
        let mut others: Vec<_> = present.iter().map(|(c, _)| c.participant).collect();
        others.sort_by_key(|p| p.order());
        assert_eq!(others, [Participant::Doctor, Participant::Patient]);
        joined(doctor.events.recv().await);
        assert_eq!(joined(doctor.events.recv().await).0, interpreter);
        assert_eq!(joined(patient.events.recv().await).0, interpreter);
        // Addressed: only the named page hears it, and learns who sent it.
        assert!(guest.relay(Some(Participant::Patient), offer(), 3).await);
        assert_eq!(
            patient.events.recv().await,
            Some(CallEvent::Signal {
                from: interpreter,
                signal: offer()
            })
        );
        assert!(doctor.events.try_recv().is_err());
        // Unaddressed in a group: nobody (which of them would it be?).
        assert!(!guest.relay(None, offer(), 3).await);
        // Naming oneself or somebody absent: nobody.
        assert!(!guest.relay(Some(interpreter), offer(), 3).await);
        let absent = Participant::Guest(Uuid::new_v4());
        assert!(!guest.relay(Some(absent), offer(), 3).await);
        // The interpreter leaves: both others hear it; her seat is free again.
        drop(guest);
        for page in [&mut doctor, &mut patient] {
            assert_eq!(
                page.events.recv().await,
                Some(CallEvent::PeerLeft(interpreter))
            );
        }
        assert_eq!(relay.seated(), 2);
        assert!(relay.join(call, card(interpreter), "g2", 4).await.is_ok());
    }

    #[tokio::test]
    async fn an_evicted_guest_can_signal_nobody_and_the_others_close_at_once() {
        let relay = Arc::new(CallRelay::default());
        let call = Uuid::new_v4();
        let guest = Participant::Guest(Uuid::new_v4());
        let (mut doctor, _) = relay
            .join(call, card(Participant::Doctor), "d", 4)
            .await
            .unwrap();
        let (mut removed, _) = relay.join(call, card(guest), "g", 4).await.unwrap();
        joined(doctor.events.recv().await);
        relay.evict(call, guest);
        assert_eq!(doctor.events.recv().await, Some(CallEvent::PeerGone(guest)));
        assert!(!removed.relay(Some(Participant::Doctor), offer(), 3).await);
        assert_eq!(
            removed.events.recv().await,
            None,
            "its page hears nothing more"
        );
        drop(removed);
        assert!(
            doctor.events.try_recv().is_err(),
            "no second 'left' from the old seat"
        );
        assert!(!relay.is_seated(call, guest).await);
    }

    #[test]
    fn of_every_pair_exactly_one_side_is_polite() {
        let a = Participant::Guest(Uuid::new_v4());
        let b = Participant::Guest(Uuid::new_v4());
        let all = [Participant::Doctor, Participant::Patient, a, b];
        for x in all {
            for y in all.into_iter().filter(|y| *y != x) {
                assert_ne!(x.polite_toward(y), y.polite_toward(x), "{x:?} / {y:?}");
            }
        }
        assert!(!Participant::Doctor.polite_toward(Participant::Patient));
        assert!(Participant::Patient.polite_toward(Participant::Doctor));
        assert!(a.polite_toward(Participant::Patient));
        for p in all {
            assert_eq!(Participant::parse(&p.id()), Some(p));
        }
        assert_eq!(Participant::parse("someone"), None);
    }

    #[tokio::test]
    async fn the_same_page_takes_its_seat_again_and_the_old_socket_cannot_free_it() {
        let relay = Arc::new(CallRelay::default());
        let call = Uuid::new_v4();
        let (mut doctor, _) = relay
            .join(call, card(Participant::Doctor), "d1", 2)
            .await
            .unwrap();
        let (old, _) = relay
            .join(call, card(Participant::Patient), "p1", 2)
            .await
            .unwrap();
        // The phone switched networks: a new socket, the same page.
        let (new, _) = relay
            .join(call, card(Participant::Patient), "p1", 2)
            .await
            .unwrap();
        assert!(
            !old.relay(None, offer(), 3).await,
            "the old socket no longer speaks"
        );
        drop(old);
        assert!(new.relay(None, offer(), 3).await);
        let mut heard = Vec::new();
        while let Ok(event) = doctor.events.try_recv() {
            heard.push(event);
        }
        assert!(
            !heard.contains(&CallEvent::PeerLeft(Participant::Patient)),
            "{heard:?}"
        );
        assert!(matches!(heard.last(), Some(CallEvent::Signal { .. })));
        drop(new);
        drop(doctor);
        assert_eq!(relay.seated(), 0);
        assert!(relay.with(|c| c.seats.is_empty() && c.afar.is_empty()));
    }

    #[tokio::test]
    async fn a_refused_join_leaves_no_empty_call_behind() {
        let relay = Arc::new(CallRelay::default());
        let call = Uuid::new_v4();
        assert_eq!(
            relay
                .join(call, card(Participant::Doctor), "d", 0)
                .await
                .err(),
            Some(Refused::Full)
        );
        assert!(relay.with(|c| c.seats.is_empty() && c.afar.is_empty()));
    }
}
