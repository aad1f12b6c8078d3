//! Values kept between requests while the version and the date they were read under hold: a
//! practice's calendar week and today's list (`AppState::kept_weeks`, `kept_today`), valid while
//! the practice's `calendar_version` — counted by database triggers on every table they show,
//! so every write path and every instance sharing the database moves it — and the Berlin date
//! are the ones the entry was read under.
//!
//! The version comes with the logged-in person's practice row, read at the start of the request
//! before the calendar rows: an entry therefore never holds rows older than its version.
//!
//! Kept values hold patients' names. Rows deleted in the database are never shown from here
//! again (their version moved on), and they leave memory too: a deleted practice's entries at
//! once on the instance that deleted it ([`Kept::forget_owner`]), every entry on every instance
//! once unused for [`UNUSED_FOR`] (`maintenance::run`, [`Kept::forget_unused_since`]), not only
//! when the capacity is full.

use chrono::NaiveDate;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// An entry not used for this long is forgotten at the next maintenance round (every five
/// minutes): a week nobody looks at keeps no patient's name in memory, also one deleted since.
pub const UNUSED_FOR: Duration = Duration::from_secs(15 * 60);

/// About how many bytes the kept weeks may hold together (their rows and written cards), however
/// many practices and weeks are looked at: a member paging through years of weeks evicts, not
/// grows.
pub const WEEK_CAPACITY: usize = 8 << 20;
/// How much of [`WEEK_CAPACITY`] one practice's weeks may hold: a member paging through years of
/// weeks pushes out the practice's own older weeks, not the weeks of every other practice. A
/// week of more than half of it (some 1,200 appointments) is read anew each time.
pub const WEEK_SHARE: usize = WEEK_CAPACITY / 4;
/// The same for today's lists (one per practice).
pub const TODAY_CAPACITY: usize = 4 << 20;

/// Whose an entry is: no owner keeps more than its share of the capacity ([`Kept::with_share`]).
pub trait Owned {
    type Owner: Hash + Eq + Clone + std::fmt::Debug;
    fn owner(&self) -> Self::Owner;
}

/// A practice's week: the practice.
impl Owned for (uuid::Uuid, NaiveDate) {
    type Owner = uuid::Uuid;
    fn owner(&self) -> uuid::Uuid {
        self.0
    }
}

/// A practice's list of today: the practice.
impl Owned for uuid::Uuid {
    type Owner = uuid::Uuid;
    fn owner(&self) -> uuid::Uuid {
        *self
    }
}

/// A value's size for the capacity: about the bytes it holds.
pub trait Weight {
    fn weight(&self) -> usize;
}

#[derive(Debug)]
struct Entry<V> {
    version: i64,
    date: NaiveDate,
    value: Arc<V>,
    weight: usize,
    /// When last used (a counter): the least recently used go first when full.
    used: u64,
    /// When last used (the clock): unused entries are forgotten ([`UNUSED_FOR`]).
    used_at: Instant,
}

#[derive(Debug)]
struct Entries<K: Owned, V> {
    map: HashMap<K, Entry<V>>,
    weight: usize,
    /// The weight kept per owner (owners with none are not listed).
    owners: HashMap<K::Owner, usize>,
    clock: u64,
}

/// Values kept per key while their version and date hold, up to a total weight.
#[derive(Debug)]
pub struct Kept<K: Owned, V> {
    entries: Mutex<Entries<K, V>>,
    capacity: usize,
    share: usize,
}

impl<K: Hash + Eq + Clone + Owned, V: Weight> Kept<K, V> {
    pub fn new(capacity: usize) -> Self {
        Self::with_share(capacity, capacity)
    }

    /// Like [`Kept::new`], with at most `share` of the weight kept for one owner: an owner
    /// over it loses its own least recently used entries first.
    pub fn with_share(capacity: usize, share: usize) -> Self {
        Self {
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                weight: 0,
                owners: HashMap::new(),
                clock: 0,
            }),
            capacity,
            share: share.min(capacity),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Entries<K, V>) -> R) -> R {
        f(&mut self.entries.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The value kept for `key` under this version and date, else `load`'s (then kept).
    pub async fn get_or_load<E>(
        &self,
        key: K,
        version: i64,
        date: NaiveDate,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<Arc<V>, E> {
        if let Some(value) = self.get(&key, version, date) {
            return Ok(value);
        }
        let value = Arc::new(load.await?);
        self.put(key, version, date, value.clone());
        Ok(value)
    }

    fn get(&self, key: &K, version: i64, date: NaiveDate) -> Option<Arc<V>> {
        self.with(|entries| {
            entries.clock += 1;
            let now = entries.clock;
            let entry = entries.map.get_mut(key)?;
            if entry.version != version || entry.date != date {
                return None;
            }
            entry.used = now;
            entry.used_at = Instant::now();
            Some(entry.value.clone())
        })
    }

    fn put(&self, key: K, version: i64, date: NaiveDate, value: Arc<V>) {
        let weight = value.weight();
        // One value that would push out nearly everything else (or its owner's other entries)
        // is read anew each time instead.
        if weight > self.capacity / 4 || weight > self.share / 2 {
            return;
        }
        self.with(|entries| {
            // A slow read of an older version does not replace a newer one already kept.
            if entries
                .map
                .get(&key)
                .is_some_and(|kept| kept.date == date && kept.version > version)
            {
                return;
            }
            entries.clock += 1;
            let entry = Entry {
                version,
                date,
                value,
                weight,
                used: entries.clock,
                used_at: Instant::now(),
            };
            let owner = key.owner();
            if let Some(old) = entries.map.insert(key, entry) {
                entries.took(&owner, old.weight);
            }
            entries.weight += weight;
            let owned = entries.owners.entry(owner.clone()).or_default();
            *owned += weight;
            if *owned > self.share {
                entries.shrink(self.share / 4 * 3, Some(&owner));
            }
            if entries.weight > self.capacity {
                entries.shrink(self.capacity / 4 * 3, None);
            }
        });
    }

    /// Forgets every entry of `owner` (its practice was deleted: nothing of it stays in memory).
    pub fn forget_owner(&self, owner: &K::Owner) {
        self.with(|entries| entries.forget(|key, _| key.owner() == *owner));
    }

    /// Forgets the entries not used since `since`.
    pub fn forget_unused_since(&self, since: Instant) {
        self.with(|entries| entries.forget(|_, entry| entry.used_at < since));
    }

    /// Entries kept now (a test-visible figure).
    pub fn len(&self) -> usize {
        self.with(|entries| entries.map.len())
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The total weight kept now.
    pub fn weight(&self) -> usize {
        self.with(|entries| entries.weight)
    }

    /// The weight kept now for `owner`.
    pub fn weight_of(&self, owner: &K::Owner) -> usize {
        self.with(|entries| entries.owners.get(owner).copied().unwrap_or(0))
    }
}

impl<K: Hash + Eq + Clone + Owned, V> Entries<K, V> {
    /// Drops the least recently used entries — of `owner` only, if given — until at most
    /// `target` weight is kept (of theirs); sorting once for many evictions: a burst of new
    /// keys costs no scan per insert.
    fn shrink(&mut self, target: usize, owner: Option<&K::Owner>) {
        let mut by_use: Vec<(u64, K)> = self
            .map
            .iter()
            .filter(|(key, _)| owner.is_none_or(|owner| key.owner() == *owner))
            .map(|(key, entry)| (entry.used, key.clone()))
            .collect();
        by_use.sort_unstable_by_key(|(used, _)| *used);
        for (_, key) in by_use {
            let kept = match owner {
                Some(owner) => self.owners.get(owner).copied().unwrap_or(0),
                None => self.weight,
            };
            if kept <= target {
                break;
            }
            if let Some(old) = self.map.remove(&key) {
                self.took(&key.owner(), old.weight);
            }
        }
    }

    /// Drops the entries `gone` picks.
    fn forget(&mut self, gone: impl Fn(&K, &Entry<V>) -> bool) {
        let keys: Vec<K> = self
            .map
            .iter()
            .filter(|(key, entry)| gone(key, entry))
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            if let Some(old) = self.map.remove(&key) {
                self.took(&key.owner(), old.weight);
            }
        }
    }

    /// Counts `weight` of `owner`'s as gone.
    fn took(&mut self, owner: &K::Owner, weight: usize) {
        self.weight -= weight;
        if let Some(owned) = self.owners.get_mut(owner) {
            *owned -= weight;
            if *owned == 0 {
                self.owners.remove(owner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weight for Vec<u32> {
        fn weight(&self) -> usize {
            1 + self.len()
        }
    }

    /// Keys 0–999 are one owner's, 1000–1999 another's.
    impl Owned for u32 {
        type Owner = u32;
        fn owner(&self) -> u32 {
            self / 1000
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, d).unwrap()
    }

    async fn load(
        kept: &Kept<u32, Vec<u32>>,
        key: u32,
        version: i64,
        date: NaiveDate,
    ) -> (Vec<u32>, bool) {
        let mut loaded = false;
        let value = kept
            .get_or_load(key, version, date, async {
                loaded = true;
                Ok::<_, ()>(vec![key; 3])
            })
            .await
            .unwrap();
        ((*value).clone(), loaded)
    }

    #[tokio::test]
    async fn a_value_is_read_again_only_when_the_version_or_the_date_moved() {
        let kept = Kept::new(100);
        assert_eq!(load(&kept, 1, 7, day(11)).await, (vec![1, 1, 1], true));
        assert!(
            !load(&kept, 1, 7, day(11)).await.1,
            "same version and day: kept"
        );
        assert!(
            load(&kept, 1, 8, day(11)).await.1,
            "a change to the calendar"
        );
        assert!(!load(&kept, 1, 8, day(11)).await.1);
        assert!(load(&kept, 1, 8, day(12)).await.1, "midnight: today moved");
        assert!(load(&kept, 2, 8, day(12)).await.1, "another key");
        assert_eq!(kept.len(), 2);
        assert_eq!(kept.weight(), 8);
    }

    #[tokio::test]
    async fn a_failed_read_keeps_nothing() {
        let kept: Kept<u32, Vec<u32>> = Kept::new(100);
        let failed = kept.get_or_load(1, 1, day(11), async { Err("down") }).await;
        assert_eq!(failed.unwrap_err(), "down");
        assert!(kept.is_empty());
    }

    #[tokio::test]
    async fn when_full_the_least_recently_used_go_first() {
        // Each value weighs 4: 25 fit into 100.
        let kept = Kept::new(100);
        for key in 0..25 {
            load(&kept, key, 1, day(11)).await;
        }
        assert_eq!(kept.weight(), 100);
        load(&kept, 0, 1, day(11)).await; // 0 used again: now the most recent
        load(&kept, 25, 1, day(11)).await; // over: shrinks to 75
        assert!(kept.weight() <= 75, "{}", kept.weight());
        assert!(!load(&kept, 0, 1, day(11)).await.1, "recently used: kept");
        assert!(!load(&kept, 25, 1, day(11)).await.1, "just read: kept");
        assert!(
            load(&kept, 1, 1, day(11)).await.1,
            "least recently used: gone"
        );
    }

    #[tokio::test]
    async fn ten_thousand_distinct_keys_stay_within_the_capacity() {
        let kept = Kept::new(1_000);
        for key in 0..10_000 {
            load(&kept, key, 1, day(11)).await;
            assert!(kept.weight() <= 1_000);
        }
        assert!(kept.len() <= 250);
    }

    #[tokio::test]
    async fn a_value_of_more_than_a_quarter_of_the_capacity_is_not_kept() {
        let kept = Kept::new(15);
        assert!(load(&kept, 1, 1, day(11)).await.1);
        assert!(load(&kept, 1, 1, day(11)).await.1);
        assert!(kept.is_empty());
        let kept = Kept::new(16);
        load(&kept, 1, 1, day(11)).await;
        assert!(!load(&kept, 1, 1, day(11)).await.1);
    }

    #[tokio::test]
    async fn a_late_read_of_an_older_version_does_not_replace_a_newer_one() {
        let kept = Kept::new(100);
        load(&kept, 1, 8, day(11)).await;
        load(&kept, 1, 7, day(11)).await;
        assert!(!load(&kept, 1, 8, day(11)).await.1, "version 8 still kept");
        // A new day replaces whatever version: the old day's entry is of no use any more.
        load(&kept, 1, 7, day(12)).await;
        assert!(!load(&kept, 1, 7, day(12)).await.1);
    }

    #[tokio::test]
    async fn one_owner_paging_through_many_keys_pushes_out_only_its_own() {
        // Each value weighs 4; one owner may keep 40 of 100.
        let kept = Kept::with_share(100, 40);
        for key in 1000..1010 {
            load(&kept, key, 1, day(11)).await;
        }
        assert_eq!(kept.weight_of(&1), 40);
        for key in 0..1_000 {
            load(&kept, key, 1, day(11)).await;
            assert!(kept.weight_of(&0) <= 40);
        }
        assert_eq!(kept.weight_of(&1), 40, "the other owner's entries stay");
        assert!(!load(&kept, 1000, 1, day(11)).await.1);
        assert!(
            !load(&kept, 999, 1, day(11)).await.1,
            "its latest key is kept"
        );
        assert!(load(&kept, 0, 1, day(11)).await.1, "its first key is gone");
        assert_eq!(kept.weight(), kept.weight_of(&0) + kept.weight_of(&1));
    }

    #[tokio::test]
    async fn an_owner_is_forgotten_whole_and_unused_entries_after_their_time() {
        let kept = Kept::new(100);
        for key in [1, 2, 1001] {
            load(&kept, key, 1, day(11)).await;
        }
        kept.forget_owner(&0);
        assert_eq!((kept.len(), kept.weight(), kept.weight_of(&0)), (1, 4, 0));
        assert!(
            !load(&kept, 1001, 1, day(11)).await.1,
            "another owner's stays"
        );

        load(&kept, 2, 1, day(11)).await;
        let since = Instant::now();
        // Used after `since`: kept; 1001 (used before) goes.
        load(&kept, 2, 1, day(11)).await;
        kept.forget_unused_since(since);
        assert_eq!((kept.len(), kept.weight()), (1, 4));
        assert!(!load(&kept, 2, 1, day(11)).await.1);
        assert!(load(&kept, 1001, 1, day(11)).await.1);
    }
}
