//! Who is connected right now and who must hear about a change. Behind a trait: the in-memory
//! registry here serves one instance (SQLite); with PostgreSQL, `server::bus` shares it between
//! instances over LISTEN/NOTIFY and keeps who is present in a table, and uses this registry for
//! the sockets open on its own instance. What lasts (arrival, admission, end, notes) is in the
//! database; the registry only knows open sockets and wakes them.

use super::view_slot::{ViewReceiver, ViewSender};
use crate::signalling::types::{PatientPhase, PatientView};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use uuid::Uuid;

/// A patient whose connection dropped keeps their place this long (a reload, a tunnel); after
/// it, the doctor's list shows them as gone.
pub const RECONNECT_GRACE: Duration = Duration::from_secs(5);

/// A patient's view as the practice last told it, and when: the socket notes how long the view
/// took to go out ([`super::delivery`]).
#[derive(Clone, Debug)]
pub struct Told {
    pub view: PatientView,
    pub at: Instant,
}

/// The rooms of all practices.
#[async_trait::async_trait]
pub trait Rooms: Send + Sync + std::fmt::Debug {
    /// Doctor sockets of `practice` watch this; it ticks on every change of the practice's list.
    fn watch_practice(&self, practice: Uuid) -> watch::Receiver<u64>;
    /// Something in the practice's list changed (arrival, leave, admission, note).
    fn practice_changed(&self, practice: Uuid);
    /// A patient socket of `appointment` opened; the receiver gets each new view the practice
    /// sends ([`Rooms::tell_patient`]). `view` (read before) becomes the patient's view only
    /// if the registry has no place for the patient yet: a view it has was told since, or to
    /// another socket of the patient (`None`: news was missed, and the other sockets are to
    /// reconnect). The socket reads its view again after this and puts it in with
    /// [`ViewReceiver::replace_if_unread`]: what was told before the registration was
    /// committed before; after a view told since, it reads again.
    fn patient_connected(
        &self,
        practice: Uuid,
        appointment: Uuid,
        view: PatientView,
    ) -> ViewReceiver;
    /// A patient socket closed.
    fn patient_disconnected(&self, practice: Uuid, appointment: Uuid);
    /// Sends `view` to every open socket of the patient of `appointment`.
    fn tell_patient(&self, practice: Uuid, appointment: Uuid, view: PatientView);
    /// Puts `note` into the view of every patient of `practice` who is waiting now (not in a
    /// call) and sends it at once. The caller has stored it first (for those
    /// [`Rooms::present`]): a page that reads its view after this finds it in its row.
    fn note_to_waiting(&self, practice: Uuid, note: &str);
    /// Completes once what this instance has to tell the others is out (several instances:
    /// written to the database); at once for the single instance.
    async fn flush(&self) {}
    /// The server stops: every waiting patient's socket on this instance is woken, sees
    /// [`crate::state::Stopping`] and closes with 1012 (the page reconnects by itself).
    fn wake_patients(&self);
    /// A tick for the sockets of the patients on this instance whose id falls into `share`
    /// of `shares` (their ping is due; see `socket::ping_clock`); patients away longer than
    /// [`RECONNECT_GRACE`] are forgotten on the way.
    fn tick_patients(&self, share: u32, shares: u32);
    /// Appointments of `practice` whose patient is connected, or lost the connection less than
    /// [`RECONNECT_GRACE`] ago.
    async fn present(&self, practice: Uuid) -> HashSet<Uuid>;
    /// This instance's id among several sharing the database (`server_instance`); `None` for
    /// the single instance.
    fn instance(&self) -> Option<Uuid> {
        None
    }
    /// Whether this instance hears the others now (always, for the single instance): while it
    /// does not, its pages miss news, and the readiness check says so.
    fn hears_the_others(&self) -> bool {
        true
    }
}

#[derive(Debug)]
struct PatientSlot {
    connections: u32,
    lost_at: Option<Instant>,
    view: ViewSender,
}

#[derive(Debug)]
struct PracticeRoom {
    changes: watch::Sender<u64>,
    patients: HashMap<Uuid, PatientSlot>,
}

impl PracticeRoom {
    fn new() -> Self {
        Self {
            changes: watch::Sender::new(0),
            patients: HashMap::new(),
        }
    }

    fn forget_lost(&mut self, now: Instant) {
        self.patients.retain(|_, slot| {
            slot.connections > 0 || slot.lost_at.is_none_or(|t| now - t < RECONNECT_GRACE)
        });
    }

    fn unused(&self) -> bool {
        self.patients.is_empty() && self.changes.receiver_count() == 0
    }
}

/// The registry of one server instance.
#[derive(Debug, Default)]
pub struct InMemoryRooms {
    practices: Mutex<HashMap<Uuid, PracticeRoom>>,
}

impl InMemoryRooms {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<Uuid, PracticeRoom>) -> R) -> R {
        // A panic while holding the lock cannot leave the maps half-changed in a way that
        // matters (each change is one insert or counter step), so a poisoned lock is used on.
        let mut guard = self
            .practices
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }
}

impl InMemoryRooms {
    /// What this instance may have missed (the shared bus was lost for a while): every list
    /// is read again and every patient's page is asked to reconnect, which gives it its view
    /// from the database (a page in a call takes its seat again; its media goes on).
    pub fn resync(&self) {
        self.with(|rooms| {
            for room in rooms.values() {
                room.changes.send_modify(|n| *n = n.wrapping_add(1));
                for slot in room.patients.values() {
                    slot.view.send_replace(None);
                }
            }
        });
    }

    /// [`Rooms::patient_connected`]; `counted` hears the patient's open sockets on this
    /// instance afterwards, under the registry's lock (so what it passes on is in order).
    pub fn connect_counted(
        &self,
        practice: Uuid,
        appointment: Uuid,
        view: PatientView,
        counted: impl FnOnce(u32),
    ) -> ViewReceiver {
        self.with(|rooms| {
            let room = rooms.entry(practice).or_insert_with(PracticeRoom::new);
            let new = !room.patients.contains_key(&appointment);
            let slot = room
                .patients
                .entry(appointment)
                .or_insert_with(|| PatientSlot {
                    connections: 0,
                    lost_at: None,
                    view: ViewSender::default(),
                });
            slot.connections += 1;
            slot.lost_at = None;
            if new {
                slot.view.send_replace(Some(Told {
                    view,
                    at: Instant::now(),
                }));
            }
            counted(slot.connections);
            // Only views sent from now on count.
            slot.view.subscribe()
        })
    }

    /// [`Rooms::patient_disconnected`], with the count as in [`Self::connect_counted`].
    pub fn disconnect_counted(&self, practice: Uuid, appointment: Uuid, counted: impl FnOnce(u32)) {
        let now = Instant::now();
        self.with(|rooms| {
            let Some(room) = rooms.get_mut(&practice) else {
                return;
            };
            if let Some(slot) = room.patients.get_mut(&appointment) {
                slot.connections = slot.connections.saturating_sub(1);
                if slot.connections == 0 {
                    slot.lost_at = Some(now);
                }
                counted(slot.connections);
            }
            // Patients whose grace ran out are forgotten by the next look at the room (the
            // clock's each second, `present`, a note), not here: a sweep of the room on every
            // disconnect made 10,000 sockets closing at once some 40 million steps under the lock.
        });
    }

    /// Every (practice, appointment, open sockets) with a socket open on this instance now.
    pub fn all_connected(&self) -> Vec<(Uuid, Uuid, u32)> {
        self.with(|rooms| {
            rooms
                .iter()
                .flat_map(|(practice, room)| {
                    room.patients
                        .iter()
                        .filter(|(_, slot)| slot.connections > 0)
                        .map(|(id, slot)| (*practice, *id, slot.connections))
                })
                .collect()
        })
    }

    /// [`Rooms::note_to_waiting`] for the sockets open on this instance.
    pub fn note_here(&self, practice: Uuid, note: &str) {
        let now = Instant::now();
        self.with(|rooms| {
            let Some(room) = rooms.get_mut(&practice) else {
                return;
            };
            room.forget_lost(now);
            for slot in room.patients.values() {
                let waiting = slot
                    .view
                    .with(|told| told.is_some_and(|told| told.view.phase == PatientPhase::Waiting));
                if waiting {
                    slot.view.send_modify(|told| {
                        if let Some(told) = told {
                            told.view.note = Some(note.to_owned());
                            told.at = now;
                        }
                    });
                }
            }
        });
    }

    /// [`Rooms::present`] as far as this instance knows.
    pub fn present_here(&self, practice: Uuid) -> HashSet<Uuid> {
        let now = Instant::now();
        self.with(|rooms| {
            let Some(room) = rooms.get_mut(&practice) else {
                return HashSet::new();
            };
            room.forget_lost(now);
            let present = room.patients.keys().copied().collect();
            if room.unused() {
                rooms.remove(&practice);
            }
            present
        })
    }
}

#[async_trait::async_trait]
impl Rooms for InMemoryRooms {
    fn watch_practice(&self, practice: Uuid) -> watch::Receiver<u64> {
        self.with(|rooms| {
            rooms
                .entry(practice)
                .or_insert_with(PracticeRoom::new)
                .changes
                .subscribe()
        })
    }

    fn practice_changed(&self, practice: Uuid) {
        self.with(|rooms| {
            if let Some(room) = rooms.get(&practice) {
                room.changes.send_modify(|n| *n = n.wrapping_add(1));
            }
        });
    }

    fn patient_connected(
        &self,
        practice: Uuid,
        appointment: Uuid,
        view: PatientView,
    ) -> ViewReceiver {
        self.connect_counted(practice, appointment, view, |_| {})
    }

    fn patient_disconnected(&self, practice: Uuid, appointment: Uuid) {
        self.disconnect_counted(practice, appointment, |_| {});
    }

    fn tell_patient(&self, practice: Uuid, appointment: Uuid, view: PatientView) {
        self.with(|rooms| {
            if let Some(slot) = rooms
                .get(&practice)
                .and_then(|room| room.patients.get(&appointment))
            {
                slot.view.send_replace(Some(Told {
                    view,
                    at: Instant::now(),
                }));
            }
        });
    }

    fn note_to_waiting(&self, practice: Uuid, note: &str) {
        self.note_here(practice, note);
    }

    fn tick_patients(&self, share: u32, shares: u32) {
        let now = Instant::now();
        self.with(|rooms| {
            // The clock also forgets who stayed away past the grace, and rooms nobody uses.
            rooms.retain(|_, room| {
                room.forget_lost(now);
                !room.unused()
            });
            for (patient, slot) in rooms.values().flat_map(|room| &room.patients) {
                if patient.as_u128() % u128::from(shares) == u128::from(share) {
                    slot.view.tick();
                }
            }
        });
    }

    fn wake_patients(&self) {
        self.with(|rooms| {
            for slot in rooms.values().flat_map(|room| room.patients.values()) {
                slot.view.wake();
            }
        });
    }

    async fn present(&self, practice: Uuid) -> HashSet<Uuid> {
        self.present_here(practice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(note: &str) -> PatientView {
        PatientView {
            phase: PatientPhase::Waiting,
            appointment_time: "heute".into(),
            note: Some(note.into()),
        }
    }

    #[test]
    fn each_patient_of_every_practice_gets_one_tick_per_round_of_shares() {
        let rooms = InMemoryRooms::default();
        let mut patients: Vec<_> = (0..40)
            .map(|n| {
                let practice = Uuid::from_u128(n % 3);
                rooms.patient_connected(practice, Uuid::new_v4(), view("wartet"))
            })
            .collect();
        let (count, waker) = super::super::view_slot::tests::counter();
        let mut cx = std::task::Context::from_waker(&waker);
        let mut ticked = vec![0; patients.len()];
        for share in 0..15 {
            for patient in &mut patients {
                assert!(patient.poll_tick(&mut cx).is_pending());
            }
            rooms.tick_patients(share, 15);
            for (n, patient) in patients.iter_mut().enumerate() {
                if patient.poll_tick(&mut cx).is_ready() {
                    ticked[n] += 1;
                }
            }
        }
        assert_eq!(
            ticked,
            vec![1; patients.len()],
            "once per round, nobody left out"
        );
        assert_eq!(
            super::super::view_slot::tests::woken(&count),
            patients.len(),
            "only the ticked sockets were woken"
        );
        assert!(
            patients.iter().all(|p| p.has_changed() == Ok(false)),
            "a tick is no new view"
        );
    }

    #[tokio::test]
    async fn a_patient_hears_only_their_own_news_and_doctors_hear_every_change() {
        let rooms = InMemoryRooms::default();
        let (practice, other_practice) = (Uuid::new_v4(), Uuid::new_v4());
        let (x, y) = (Uuid::new_v4(), Uuid::new_v4());
        let doctor = rooms.watch_practice(practice);
        let mut other_doctor = rooms.watch_practice(other_practice);
        let mut patient_x = rooms.patient_connected(practice, x, view("x"));
        let mut patient_y = rooms.patient_connected(practice, y, view("y"));
        rooms.practice_changed(practice);
        assert!(doctor.has_changed().unwrap());
        assert!(!other_doctor.has_changed().unwrap());
        rooms.tell_patient(practice, x, view("Ich komme in 5 Minuten"));
        assert!(patient_x.has_changed().unwrap());
        assert!(!patient_y.has_changed().unwrap(), "Y hears nothing of X");
        assert_eq!(
            patient_x
                .borrow_and_update()
                .as_ref()
                .and_then(|told| told.view.note.clone()),
            Some("Ich komme in 5 Minuten".into())
        );
        // Telling an appointment of another practice reaches nobody.
        rooms.tell_patient(other_practice, y, view("falsch"));
        assert!(!patient_y.has_changed().unwrap());
        assert_eq!(rooms.present(practice).await, HashSet::from([x, y]));
        // A note to everybody waiting skips the one in a call.
        rooms.tell_patient(
            practice,
            y,
            PatientView {
                phase: PatientPhase::InCall,
                ..view("y")
            },
        );
        patient_y.mark_unchanged();
        rooms.note_here(practice, "Verspätung");
        assert!(patient_x.has_changed().unwrap());
        assert!(!patient_y.has_changed().unwrap());
        assert!(rooms.present(other_practice).await.is_empty());
        other_doctor.mark_unchanged();
    }

    fn note_of(receiver: &mut ViewReceiver) -> Option<String> {
        receiver.borrow_and_update().and_then(|told| told.view.note)
    }

    fn told(note: &str) -> Told {
        Told {
            view: view(note),
            at: Instant::now(),
        }
    }

    /// A page reconnects (a reload, a restart) with the view read at its handshake; the
    /// doctor's note reaches the patient's place meanwhile. The older view must not replace
    /// it, and what the socket reads after its registration goes in unless newer news came.
    #[test]
    fn a_reconnecting_page_keeps_what_was_told_while_its_view_was_read() {
        let rooms = InMemoryRooms::default();
        let practice = Uuid::new_v4();
        let x = Uuid::new_v4();
        drop(rooms.patient_connected(practice, x, view("alt")));
        rooms.patient_disconnected(practice, x);
        // Told while the page's view was read (within the grace: the place is kept).
        rooms.tell_patient(practice, x, view("Gleich sind Sie dran"));
        let mut again = rooms.patient_connected(practice, x, view("alt"));
        assert_eq!(again.has_changed(), Ok(false));
        // The socket reads again: the database has the note too.
        assert!(again.replace_if_unread(told("Gleich sind Sie dran")));
        assert_eq!(note_of(&mut again).as_deref(), Some("Gleich sind Sie dran"));

        // Told between the registration and the read again: newer, kept, unread.
        let mut tab = rooms.patient_connected(practice, x, view("alt"));
        assert_eq!(
            again.has_changed(),
            Ok(false),
            "the open socket never sees the older view read by another"
        );
        rooms.tell_patient(practice, x, view("Sie sind dran"));
        assert!(
            !tab.replace_if_unread(told("Gleich sind Sie dran")),
            "newer news came"
        );
        assert_eq!(tab.has_changed(), Ok(true));
        assert_eq!(note_of(&mut tab).as_deref(), Some("Sie sind dran"));
        assert_eq!(note_of(&mut again).as_deref(), Some("Sie sind dran"));

        // A view read again that differs goes to the patient's other socket too; the same one
        // wakes nobody.
        let mut third = rooms.patient_connected(practice, x, view("alt"));
        assert!(third.replace_if_unread(told("Neu")));
        assert_eq!(
            third.has_changed(),
            Ok(false),
            "its own view is no news to it"
        );
        assert!(again.has_changed().unwrap());
        assert_eq!(note_of(&mut again).as_deref(), Some("Neu"));
        let mut fourth = rooms.patient_connected(practice, x, view("alt"));
        assert!(fourth.replace_if_unread(told("Neu")));
        assert_eq!(
            again.has_changed(),
            Ok(false),
            "the same view: nobody woken"
        );
        assert_eq!(fourth.has_changed(), Ok(false));
        assert_eq!(note_of(&mut fourth).as_deref(), Some("Neu"));
    }

    /// A patient without a place on this instance (their first arrival, or after the grace):
    /// a change told before the registration reaches nobody, but it was committed before, so
    /// the read after the registration has it; the view read before never replaces it.
    #[test]
    fn a_first_arrival_gets_what_its_read_after_the_registration_says() {
        let rooms = InMemoryRooms::default();
        let practice = Uuid::new_v4();
        let x = Uuid::new_v4();
        rooms.tell_patient(practice, x, view("Sie sind dran"));
        let mut first = rooms.patient_connected(practice, x, view("alt"));
        assert!(first.replace_if_unread(told("Sie sind dran")));
        assert_eq!(note_of(&mut first).as_deref(), Some("Sie sind dran"));
        // News missed (the bus was lost): the page asks again rather than show what it read.
        let mut second = rooms.patient_connected(practice, x, view("alt"));
        rooms.resync();
        assert!(!second.replace_if_unread(told("Sie sind dran")));
        assert!(second.has_changed().unwrap());
        assert!(second.borrow_and_update().is_none());
        // Admitted while the handshake's view was read, then a note to all changes that older
        // view in place: the socket reads once more after it (as `socket::arrive` does).
        let y = Uuid::new_v4();
        let mut page = rooms.patient_connected(practice, y, view("alt"));
        rooms.note_here(practice, "Verspätung");
        let in_call = Told {
            view: PatientView {
                phase: PatientPhase::InCall,
                ..view("alt")
            },
            at: Instant::now(),
        };
        assert!(!page.replace_if_unread(in_call.clone()));
        page.mark_unchanged();
        assert!(page.replace_if_unread(in_call));
        let phase = page.borrow_and_update().map(|told| told.view.phase);
        assert_eq!(phase, Some(PatientPhase::InCall));
    }

    #[tokio::test]
    async fn a_lost_patient_keeps_the_place_for_the_grace_period_only() {
        let rooms = InMemoryRooms::default();
        let practice = Uuid::new_v4();
        let x = Uuid::new_v4();
        let _first = rooms.patient_connected(practice, x, view("x"));
        let _second = rooms.patient_connected(practice, x, view("x"));
        rooms.patient_disconnected(practice, x);
        assert!(
            rooms.present(practice).await.contains(&x),
            "one tab still open"
        );
        rooms.patient_disconnected(practice, x);
        assert!(
            rooms.present(practice).await.contains(&x),
            "within the grace period"
        );
        // Back within the grace period: the same place.
        let _again = rooms.patient_connected(practice, x, view("x"));
        rooms.patient_disconnected(practice, x);
        rooms.with(|r| {
            let slot = r.get_mut(&practice).unwrap().patients.get_mut(&x).unwrap();
            slot.lost_at = Some(Instant::now() - RECONNECT_GRACE);
        });
        assert!(rooms.present(practice).await.is_empty());
        assert!(
            rooms.with(|r| r.is_empty()),
            "nothing is kept for a practice nobody watches"
        );
        // Nobody asks: the clock forgets them.
        let _back = rooms.patient_connected(practice, x, view("x"));
        rooms.patient_disconnected(practice, x);
        rooms.tick_patients(0, 1);
        assert!(
            rooms.with(|r| r.contains_key(&practice)),
            "within the grace"
        );
        rooms.with(|r| {
            let slot = r.get_mut(&practice).unwrap().patients.get_mut(&x).unwrap();
            slot.lost_at = Some(Instant::now() - RECONNECT_GRACE);
        });
        rooms.tick_patients(0, 1);
        assert!(rooms.with(|r| r.is_empty()), "gone after the grace");
    }
}
