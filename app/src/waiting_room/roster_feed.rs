//! The practice's list, read once per burst of changes and shared by every doctor socket of
//! the practice (issue 22, point 15). Before, each doctor socket read the list itself on every
//! change: 100 arrivals and leaves were 100 reads per open list. Now one task per watched
//! practice reads it at most once per [`READ_EVERY`] (the first change of a quiet list after
//! [`SETTLE`]) and hands the same result to every socket.

use super::service;
use crate::signalling::types::Roster;
use crate::state::AppState;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

/// Changes arriving within this time after the first one are read together.
pub const SETTLE: Duration = Duration::from_millis(150);
/// At most one read of a practice's list this often.
pub const READ_EVERY: Duration = Duration::from_secs(1);

/// The last read of a practice's list.
#[derive(Debug)]
pub enum RosterUpdate {
    Ready(Roster),
    /// The read failed (logged); the sockets say so.
    Failed,
}

type Feed = watch::Sender<Option<Arc<RosterUpdate>>>;

/// One feed per practice whose list is open somewhere.
#[derive(Debug, Default)]
pub struct RosterFeeds {
    feeds: Mutex<HashMap<Uuid, Feed>>,
    reads: AtomicU64,
}

impl RosterFeeds {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<Uuid, Feed>) -> R) -> R {
        let mut guard = self
            .feeds
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// The practice's list as it changes; the current value (if already read) comes first.
    pub fn subscribe(
        &self,
        state: &AppState,
        practice: Uuid,
    ) -> watch::Receiver<Option<Arc<RosterUpdate>>> {
        self.with(|feeds| {
            if let Some(feed) = feeds.get(&practice) {
                return feed.subscribe();
            }
            let (feed, receiver) = watch::channel(None);
            feeds.insert(practice, feed.clone());
            tokio::spawn(publish(state.clone(), practice, feed));
            receiver
        })
    }

    /// The practice's list as last read for its open lists, if any list is open.
    pub fn latest(&self, practice: Uuid) -> Option<Roster> {
        let update = self.with(|feeds| feeds.get(&practice).and_then(|f| f.borrow().clone()))?;
        match &*update {
            RosterUpdate::Ready(roster) => Some(roster.clone()),
            RosterUpdate::Failed => None,
        }
    }

    /// Database reads of lists since start (a test-visible metric).
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// Ends the feed if nobody listens any more (checked under the lock, so a socket that
    /// subscribes at this moment keeps it).
    fn retire(&self, practice: Uuid, feed: &Feed) -> bool {
        self.with(|feeds| {
            if feed.receiver_count() > 0 {
                return false;
            }
            if feeds.get(&practice).is_some_and(|f| f.same_channel(feed)) {
                feeds.remove(&practice);
            }
            true
        })
    }
}

async fn publish(state: AppState, practice: Uuid, feed: Feed) {
    let mut changes = state.rooms.watch_practice(practice);
    loop {
        changes.mark_unchanged();
        state.rosters.reads.fetch_add(1, Ordering::Relaxed);
        let update = match service::roster(&state, practice).await {
            Ok(roster) => RosterUpdate::Ready(roster),
            Err(e) => {
                tracing::error!(error = %e, "loading the waiting room list failed");
                RosterUpdate::Failed
            }
        };
        feed.send_replace(Some(Arc::new(update)));
        let read_at = Instant::now();
        loop {
            tokio::select! {
                changed = changes.changed() => {
                    if changed.is_err() {
                        state.rosters.with(|feeds| feeds.remove(&practice));
                        return;
                    }
                    break;
                }
                () = feed.closed() => {
                    if state.rosters.retire(practice, &feed) {
                        return;
                    }
                }
            }
        }
        let at = (read_at + READ_EVERY).max(Instant::now() + SETTLE);
        tokio::time::sleep_until(at).await;
    }
}
