//! The latest view the practice told a patient, and the wake-up of the patient's sockets: what
//! a `tokio::sync::watch` channel does, for a registry of thousands of waiting patients. A
//! watch channel's shared part took 408 bytes per patient (heaptrack, issue 24: it keeps eight
//! `Notify`s so that many receivers of one channel do not contend); a patient has one or two
//! sockets, and one `Notify` is enough.

use super::rooms::Told;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::Notify;

#[derive(Debug, Default)]
struct State {
    /// Counts every view sent; a receiver remembers the one it read last.
    version: u64,
    told: Option<Told>,
    /// The sender is gone (the registry forgot the patient).
    closed: bool,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    changed: Notify,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // Each change is one assignment, so a poisoned lock holds a whole value.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Waits until `check` finds something, woken by `notify`. Cancel-safe, and no wake-up is
/// lost: the wait is registered before each check, so a `notify_waiters` right after the
/// check still ends it. (The shutdown signal waits the same way.)
pub async fn notified_until<T>(notify: &Notify, mut check: impl FnMut() -> Option<T>) -> T {
    loop {
        let mut notified = std::pin::pin!(notify.notified());
        notified.as_mut().enable();
        if let Some(found) = check() {
            return found;
        }
        notified.await;
    }
}

/// The sender gave up: no view will come any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

/// The registry's side: one per patient.
#[derive(Debug, Default)]
pub struct ViewSender(Arc<Shared>);

impl ViewSender {
    /// Replaces the view (`None`: the page must fetch its view anew) and wakes the sockets.
    pub fn send_replace(&self, told: Option<Told>) {
        self.send_modify(|current| *current = told);
    }

    /// Changes the view in place and wakes the sockets.
    pub fn send_modify(&self, change: impl FnOnce(&mut Option<Told>)) {
        {
            let mut state = self.0.state();
            change(&mut state.told);
            state.version = state.version.wrapping_add(1);
        }
        self.0.changed.notify_waiters();
    }

    /// Reads the current view.
    pub fn with<R>(&self, read: impl FnOnce(Option<&Told>) -> R) -> R {
        read(self.0.state().told.as_ref())
    }

    /// A receiver that has read the current view: only views sent from now on count.
    pub fn subscribe(&self) -> ViewReceiver {
        ViewReceiver {
            seen: self.0.state().version,
            shared: self.0.clone(),
        }
    }
}

impl Drop for ViewSender {
    fn drop(&mut self) {
        self.0.state().closed = true;
        self.0.changed.notify_waiters();
    }
}

/// A socket's side; a clone has read what the original has.
#[derive(Debug, Clone)]
pub struct ViewReceiver {
    shared: Arc<Shared>,
    seen: u64,
}

impl ViewReceiver {
    /// Whether a view came that this receiver has not read; `Err` once the sender is gone and
    /// nothing new came.
    pub fn has_changed(&self) -> Result<bool, Closed> {
        let state = self.shared.state();
        match (state.version != self.seen, state.closed) {
            (true, _) => Ok(true),
            (false, true) => Err(Closed),
            (false, false) => Ok(false),
        }
    }

    /// Waits for a view this receiver has not read. Cancel-safe: dropped, it loses nothing.
    pub async fn changed(&mut self) -> Result<(), Closed> {
        let this = &*self;
        notified_until(&this.shared.changed, || match this.has_changed() {
            Ok(false) => None,
            Ok(true) => Some(Ok(())),
            Err(closed) => Some(Err(closed)),
        })
        .await
    }

    /// The current view, now read.
    pub fn borrow_and_update(&mut self) -> Option<Told> {
        let state = self.shared.state();
        self.seen = state.version;
        state.told.clone()
    }

    /// Counts the current view as read without reading it.
    pub fn mark_unchanged(&mut self) {
        self.seen = self.shared.state().version;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signalling::types::{PatientPhase, PatientView};
    use std::time::{Duration, Instant};

    fn told(note: &str) -> Option<Told> {
        Some(Told {
            view: PatientView {
                phase: PatientPhase::Waiting,
                appointment_time: "heute".into(),
                note: Some(note.into()),
            },
            at: Instant::now(),
        })
    }

    fn note(receiver: &mut ViewReceiver) -> Option<String> {
        receiver.borrow_and_update().and_then(|t| t.view.note)
    }

    #[tokio::test]
    async fn every_receiver_wakes_for_each_new_view_and_reads_the_latest() {
        let sender = ViewSender::default();
        sender.send_replace(told("erste"));
        let mut a = sender.subscribe();
        let mut b = sender.subscribe();
        assert_eq!(
            a.has_changed(),
            Ok(false),
            "the view before subscribing counts as read"
        );
        let waiting = tokio::spawn(async move {
            a.changed().await.expect("a view");
            note(&mut a)
        });
        tokio::task::yield_now().await;
        sender.send_replace(told("zweite"));
        sender.send_modify(|t| t.as_mut().expect("a view").view.note = Some("dritte".into()));
        let woken = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("woken")
            .expect("task");
        assert!(matches!(woken.as_deref(), Some("zweite" | "dritte")));
        assert_eq!(b.has_changed(), Ok(true));
        assert_eq!(note(&mut b).as_deref(), Some("dritte"));
        assert_eq!(b.has_changed(), Ok(false));
        sender.send_replace(None);
        b.mark_unchanged();
        assert_eq!(b.has_changed(), Ok(false));
        assert!(sender.with(|t| t.is_none()));
    }

    #[tokio::test]
    async fn a_receiver_hears_when_the_sender_is_gone_after_the_last_view() {
        let sender = ViewSender::default();
        let mut receiver = sender.subscribe();
        sender.send_replace(told("zuletzt"));
        drop(sender);
        assert_eq!(receiver.changed().await, Ok(()), "the last view first");
        assert_eq!(note(&mut receiver).as_deref(), Some("zuletzt"));
        assert_eq!(receiver.changed().await, Err(Closed));
    }

    #[test]
    fn a_patients_slot_is_small() {
        let shared = std::mem::size_of::<Shared>();
        assert!(shared <= 200, "{shared} B");
    }
}
