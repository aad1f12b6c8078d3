//! The latest view the practice told a patient, and the wake-up of the patient's sockets: what
//! a `tokio::sync::watch` channel does, for a registry of thousands of waiting patients. A
//! watch channel's shared part took 408 bytes per patient (heaptrack, issue 24: it keeps eight
//! `Notify`s so that many receivers of one channel do not contend); a patient has one or two
//! sockets, so the slot keeps one waker per receiver. A receiver is polled in place
//! ([`ViewReceiver::poll_changed`]): an idle socket holds no wait of its own (a `Notify` wait
//! took 104 bytes of every waiting socket's future).

use super::rooms::Told;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

#[derive(Debug, Default)]
struct State {
    /// Counts every view sent; a receiver remembers the one it read last.
    version: u64,
    told: Option<Told>,
    /// The sender is gone (the registry forgot the patient).
    closed: bool,
    /// Counts the registry's ticks (a ping is due, [`ViewSender::tick`]).
    ticks: u32,
    /// The receivers waiting for a change, by receiver number; woken and emptied on each.
    wakers: Vec<(u32, Waker)>,
    /// The next receiver's number.
    next_receiver: u32,
}

impl State {
    fn wake_all(&mut self) {
        for (_, waker) in self.wakers.drain(..) {
            waker.wake();
        }
    }

    fn new_receiver(&mut self) -> u32 {
        let id = self.next_receiver;
        self.next_receiver = self.next_receiver.wrapping_add(1);
        id
    }
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // Each change is one assignment, so a poisoned lock holds a whole value.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
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
        let mut state = self.0.state();
        change(&mut state.told);
        state.version = state.version.wrapping_add(1);
        // Waking only schedules the socket's task; it never runs it here.
        state.wake_all();
    }

    /// Wakes the sockets without a new view: they look at what else changed (the server
    /// stopping).
    pub fn wake(&self) {
        self.0.state().wake_all();
    }

    /// Tells the sockets a ping is due: one clock in the registry instead of a timer per
    /// socket (a tokio timer took 144 bytes of every waiting socket).
    pub fn tick(&self) {
        let mut state = self.0.state();
        state.ticks = state.ticks.wrapping_add(1);
        state.wake_all();
    }

    /// Reads the current view.
    pub fn with<R>(&self, read: impl FnOnce(Option<&Told>) -> R) -> R {
        read(self.0.state().told.as_ref())
    }

    /// A receiver that has read the current view: only views sent from now on count.
    pub fn subscribe(&self) -> ViewReceiver {
        let mut state = self.0.state();
        ViewReceiver {
            seen: state.version,
            ticks_seen: state.ticks,
            id: state.new_receiver(),
            shared: self.0.clone(),
        }
    }
}

impl Drop for ViewSender {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.closed = true;
        state.wake_all();
    }
}

/// A socket's side; a clone has read what the original has.
#[derive(Debug)]
pub struct ViewReceiver {
    shared: Arc<Shared>,
    seen: u64,
    ticks_seen: u32,
    /// Its number among the slot's receivers (its waker's key).
    id: u32,
}

impl Clone for ViewReceiver {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            seen: self.seen,
            ticks_seen: self.ticks_seen,
            id: self.shared.state().new_receiver(),
        }
    }
}

impl Drop for ViewReceiver {
    fn drop(&mut self) {
        // A waker keeps its task's memory alive: a receiver gone takes its own along.
        self.shared.state().wakers.retain(|(id, _)| *id != self.id);
    }
}

impl ViewReceiver {
    /// Whether a view came that this receiver has not read; `Err` once the sender is gone and
    /// nothing new came.
    pub fn has_changed(&self) -> Result<bool, Closed> {
        Self::compare(&self.shared.state(), self.seen)
    }

    fn compare(state: &State, seen: u64) -> Result<bool, Closed> {
        match (state.version != seen, state.closed) {
            (true, _) => Ok(true),
            (false, true) => Err(Closed),
            (false, false) => Ok(false),
        }
    }

    /// Ready once a view came this receiver has not read (or the sender is gone); otherwise
    /// `cx`'s task is woken by the next view. No wake-up is lost: the check and the waker's
    /// registration are one step under the slot's lock, where every sender changes it.
    pub fn poll_changed(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        let mut state = self.shared.state();
        match Self::compare(&state, self.seen) {
            Ok(true) => Poll::Ready(Ok(())),
            Err(closed) => Poll::Ready(Err(closed)),
            Ok(false) => {
                self.register(&mut state, cx);
                Poll::Pending
            }
        }
    }

    /// Ready once per registry tick since the last one this receiver took (ticks missed
    /// meanwhile count as one); otherwise `cx`'s task is woken by the next.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.shared.state();
        if state.ticks != self.ticks_seen {
            self.ticks_seen = state.ticks;
            return Poll::Ready(());
        }
        self.register(&mut state, cx);
        Poll::Pending
    }

    fn register(&self, state: &mut State, cx: &Context<'_>) {
        let id = self.id;
        match state.wakers.iter_mut().find(|(other, _)| *other == id) {
            Some((_, waker)) => waker.clone_from(cx.waker()),
            None => {
                // One socket per patient is the rule: room for exactly one at first.
                state.wakers.reserve_exact(1);
                state.wakers.push((id, cx.waker().clone()));
            }
        }
    }

    /// Waits for a view this receiver has not read. Cancel-safe: dropped, it loses nothing.
    pub async fn changed(&mut self) -> Result<(), Closed> {
        std::future::poll_fn(|cx| self.poll_changed(cx)).await
    }

    /// The current view, now read.
    pub fn borrow_and_update(&mut self) -> Option<Told> {
        let state = self.shared.state();
        self.seen = state.version;
        state.told.clone()
    }

    /// Replaces the view with `told` unless a view came that this receiver has not read (it
    /// was told after this receiver's last read); `false` then, and nothing changes. The
    /// other receivers are woken if the view changed.
    pub fn replace_if_unread(&mut self, told: Told) -> bool {
        let mut state = self.shared.state();
        if state.version != self.seen {
            return false;
        }
        if state
            .told
            .as_ref()
            .is_none_or(|current| current.view != told.view)
        {
            state.told = Some(told);
            state.version = state.version.wrapping_add(1);
            self.seen = state.version;
            state.wake_all();
        }
        true
    }

    /// Counts the current view as read without reading it.
    pub fn mark_unchanged(&mut self) {
        self.seen = self.shared.state().version;
    }
}

#[cfg(test)]
pub(super) mod tests {
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

    /// A waker that counts its wake-ups.
    pub(in crate::waiting_room) struct Counter(std::sync::atomic::AtomicUsize);

    impl std::task::Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// A waker that counts its wake-ups (also for the registry's tests).
    pub(in crate::waiting_room) fn counter() -> (Arc<Counter>, Waker) {
        let counter = Arc::new(Counter(0.into()));
        (counter.clone(), Waker::from(counter))
    }

    pub(in crate::waiting_room) fn woken(counter: &Counter) -> usize {
        counter.0.load(std::sync::atomic::Ordering::SeqCst)
    }

    #[test]
    fn a_polled_receiver_is_woken_once_per_change_and_by_a_bare_wake() {
        let sender = ViewSender::default();
        let mut receiver = sender.subscribe();
        let (count, waker) = counter();
        let mut cx = Context::from_waker(&waker);
        assert!(receiver.poll_changed(&mut cx).is_pending());
        assert!(receiver.poll_changed(&mut cx).is_pending(), "polled again");
        sender.send_replace(told("eins"));
        assert_eq!(woken(&count), 1, "one wake-up, not one per poll");
        assert_eq!(receiver.poll_changed(&mut cx), Poll::Ready(Ok(())));
        receiver.mark_unchanged();
        // The shutdown wakes the sockets without a view: the receiver is still pending.
        assert!(receiver.poll_changed(&mut cx).is_pending());
        sender.wake();
        assert_eq!(woken(&count), 2);
        assert!(receiver.poll_changed(&mut cx).is_pending());
        drop(sender);
        assert_eq!(woken(&count), 3, "the sender's end wakes the receiver");
        assert_eq!(receiver.poll_changed(&mut cx), Poll::Ready(Err(Closed)));
    }

    #[test]
    fn a_tick_wakes_every_receiver_once_and_is_no_view() {
        let sender = ViewSender::default();
        let mut first = sender.subscribe();
        let mut second = sender.subscribe();
        let (count, waker) = counter();
        let mut cx = Context::from_waker(&waker);
        assert!(first.poll_tick(&mut cx).is_pending());
        assert!(second.poll_tick(&mut cx).is_pending());
        sender.tick();
        sender.tick();
        assert_eq!(woken(&count), 2, "each receiver's task once");
        assert_eq!(
            first.poll_tick(&mut cx),
            Poll::Ready(()),
            "two ticks missed, one taken"
        );
        assert!(first.poll_tick(&mut cx).is_pending());
        assert_eq!(first.has_changed(), Ok(false), "a tick is no view");
        assert!(first.poll_changed(&mut cx).is_pending());
        assert_eq!(second.poll_tick(&mut cx), Poll::Ready(()));
    }

    #[test]
    fn a_receiver_gone_leaves_no_waker_behind() {
        // A waker holds its task's memory: a socket closed while the patient stays in the
        // registry (another device, the reconnect grace) must not keep it.
        let sender = ViewSender::default();
        let mut first = sender.subscribe();
        let mut second = first.clone();
        let (first_count, first_waker) = counter();
        let (second_count, second_waker) = counter();
        assert!(first
            .poll_changed(&mut Context::from_waker(&first_waker))
            .is_pending());
        assert!(second
            .poll_changed(&mut Context::from_waker(&second_waker))
            .is_pending());
        assert_eq!(
            Arc::strong_count(&first_count),
            3,
            "the test's, the waker's, the slot's"
        );
        drop(first);
        assert_eq!(Arc::strong_count(&first_count), 2, "the slot let go of it");
        sender.send_replace(told("zwei"));
        assert_eq!((woken(&first_count), woken(&second_count)), (0, 1));
        drop(first_waker);
        assert_eq!(Arc::strong_count(&first_count), 1);
    }

    #[test]
    fn a_patients_slot_is_small() {
        let shared = std::mem::size_of::<Shared>();
        assert!(shared <= 200, "{shared} B");
    }
}
