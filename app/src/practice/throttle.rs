//! Login throttling: failed attempts are counted per account and per client address (both keys
//! hashed, and counted whether or not the account exists, so the answers reveal nothing).
//! Failures slow the answer down progressively; too many lock an account (or an access code)
//! for a while. A client address is never locked — many people may share it — it only gets
//! slower answers, with a cap on its parallel requests ([`InFlight`]).

use crate::entities::login_throttle::{self, Entity as Throttle};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// Failures are counted within this window.
pub const WINDOW: Duration = Duration::minutes(15);
/// How long a key stays locked.
pub const LOCK_FOR: Duration = Duration::minutes(15);
/// Consecutive failures that lock an account.
pub const ACCOUNT_LIMIT: i32 = 10;
/// Wrong second-factor codes (authenticator or recovery) that lock the second factor of an
/// account; the correct password does not reset this counter, only a correct code does.
pub const SECOND_FACTOR_LIMIT: i32 = 10;
/// Wrong second-factor codes are counted within this window …
pub const SECOND_FACTOR_WINDOW: Duration = Duration::hours(24);
/// … and lock the second factor this long (time only: a password reset does not lift it).
pub const SECOND_FACTOR_LOCK_FOR: Duration = Duration::hours(24);
/// Failures answered without delay.
const FREE_FAILURES: i32 = 3;
/// The longest delay, in units.
const MAX_DELAY_UNITS: u32 = 8;

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The key for a login name (normalised e-mail address).
pub fn account_key(email_normalized: &str) -> String {
    format!("acct:{}", &sha256_hex(email_normalized)[..40])
}

/// The key for the second-factor failures of an account (separate from the password's).
pub fn second_factor_key(email_normalized: &str) -> String {
    format!("2fa:{}", &account_key(email_normalized)[5..])
}

/// The key for a client address; IPv6 clients are counted per /64, as one host usually has
/// the whole prefix.
pub fn address_key(ip: IpAddr) -> String {
    let canonical = match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    };
    format!("addr:{}", &sha256_hex(&canonical)[..40])
}

/// How long to hold back the answer after the `failures`-th failure: nothing for the first
/// three, then 1, 2, 4, 8, 8 … units.
pub fn delay_after(failures: i32, unit: std::time::Duration) -> std::time::Duration {
    if failures <= FREE_FAILURES {
        return std::time::Duration::ZERO;
    }
    let exp = (failures - FREE_FAILURES - 1).clamp(0, 3) as u32;
    unit * (1u32 << exp).min(MAX_DELAY_UNITS)
}

/// Failures counted for `key` in the current window (0 if none).
pub async fn failures(
    conn: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(Throttle::find_by_id(key.to_owned())
        .one(conn)
        .await?
        .filter(|row| now - row.window_started_at < WINDOW)
        .map_or(0, |row| row.failures))
}

/// Requests per key (a client address) that are being answered right now. A client address
/// that fails a lot gets slow answers instead of a lock (a lock would shut out everybody
/// behind the same proxy or carrier NAT); this cap keeps an attacker from multiplying the
/// slow answers with parallel connections.
#[derive(Debug, Default)]
pub struct InFlight {
    counts: std::sync::Mutex<std::collections::HashMap<String, usize>>,
}

/// One request in flight; frees its place when dropped.
#[derive(Debug)]
pub struct InFlightSlot {
    gate: std::sync::Arc<InFlight>,
    key: String,
}

impl InFlight {
    fn counts(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, usize>> {
        // A panic while holding the lock leaves the counts usable.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for one more request under `key`, unless `max` are already in flight.
    pub fn try_enter(self: &std::sync::Arc<Self>, key: &str, max: usize) -> Option<InFlightSlot> {
        let mut counts = self.counts();
        let n = counts.entry(key.to_owned()).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(InFlightSlot {
            gate: self.clone(),
            key: key.to_owned(),
        })
    }
}

impl Drop for InFlightSlot {
    fn drop(&mut self) {
        let mut counts = self.gate.counts();
        if let Some(n) = counts.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

/// Every in-flight place of an address is taken.
#[derive(Debug)]
pub struct AddressBusy;

/// Holds a request from an address with `failures` back by [`delay_after`] before it is
/// checked (a right and a wrong answer then take the same time). Once the address is being
/// slowed down, its requests also need a place in [`InFlight`] (at most
/// `security.attempts_in_flight_per_address` at a time), so parallel connections do not
/// multiply the guesses; addresses without failures are never limited. The returned slot must
/// be kept until the answer is ready.
pub async fn hold_back(
    state: &crate::state::AppState,
    key: &str,
    failures: i32,
) -> Result<Option<InFlightSlot>, AddressBusy> {
    let delay = delay_after(failures, state.settings.security.login_delay_unit());
    if delay.is_zero() {
        return Ok(None);
    }
    let slot = state
        .in_flight
        .try_enter(key, state.settings.security.attempts_in_flight_per_address)
        .ok_or(AddressBusy)?;
    tokio::time::sleep(delay).await;
    Ok(Some(slot))
}

/// Until when any of `keys` is locked, if it is.
pub async fn locked_until(
    conn: &impl ConnectionTrait,
    keys: &[&str],
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let rows = Throttle::find()
        .filter(login_throttle::Column::Key.is_in(keys.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.locked_until)
        .filter(|t| *t > now)
        .max())
}

/// Counts one failure for `key`, locks it when `limit` is reached; returns the failures in the
/// current window. One statement (`INSERT … ON CONFLICT DO UPDATE SET failures = failures + 1
/// … RETURNING`), so parallel failures are all counted: a read-modify-write lost updates.
pub async fn record_failure(
    conn: &impl ConnectionTrait,
    key: &str,
    limit: i32,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    record_failure_within(conn, key, limit, now, WINDOW, LOCK_FOR).await
}

/// Like [`record_failure`] with its own window and lock duration. The lock is set when the
/// count reaches `limit` (not again after), so attempts during the lock do not prolong it.
pub async fn record_failure_within(
    conn: &impl ConnectionTrait,
    key: &str,
    limit: i32,
    now: DateTime<Utc>,
    window: Duration,
    lock_for: Duration,
) -> Result<i32, DbErr> {
    use login_throttle::Column as C;
    use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
    let table = Alias::new("login_throttle");
    let window_over = now - window;
    let lock_until = now + lock_for;
    // Column references of the existing row (`"login_throttle"."failures"` in the update).
    let existing = |c: C| Expr::col((table.clone(), c));
    let window_over_now = || existing(C::WindowStartedAt).lt(window_over);
    // The window restarts when it is over; the counter restarts with it.
    let counted =
        || Expr::case(window_over_now(), Expr::val(1i32)).finally(existing(C::Failures).add(1i32));
    let failures: sea_orm::sea_query::SimpleExpr = counted().into();
    let window_start: sea_orm::sea_query::SimpleExpr =
        Expr::case(window_over_now(), Expr::val(now))
            .finally(existing(C::WindowStartedAt))
            .into();
    let counted: sea_orm::sea_query::SimpleExpr = counted().into();
    let locked: sea_orm::sea_query::SimpleExpr =
        Expr::case(Expr::expr(counted).eq(limit), Expr::val(lock_until))
            .finally(existing(C::LockedUntil))
            .into();
    let first_lock: Option<DateTime<Utc>> = (limit <= 1).then_some(lock_until);
    let statement = Query::insert()
        .into_table(table)
        .columns([C::Key, C::Failures, C::WindowStartedAt, C::LockedUntil])
        .values_panic([key.into(), 1i32.into(), now.into(), first_lock.into()])
        .on_conflict(
            OnConflict::column(C::Key)
                .values([
                    (C::Failures, failures),
                    (C::WindowStartedAt, window_start),
                    (C::LockedUntil, locked),
                ])
                .to_owned(),
        )
        .returning_col(C::Failures)
        .to_owned();
    let backend = conn.get_database_backend();
    let row = conn
        .query_one(backend.build(&statement))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(key.chars().take(5).collect()))?;
    row.try_get_by_index::<i32>(0)
}

/// Counts one request under `key` in the current window without ever locking (for limits the
/// caller enforces itself, e.g. e-mails per address); returns the count so far.
pub async fn count_request(
    conn: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    record_failure(conn, key, i32::MAX, now).await
}

/// Forgets the failures of `key` (after a successful login or a password reset).
pub async fn reset(conn: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    Throttle::delete_by_id(key.to_owned())
        .exec(conn)
        .await
        .map(|_| ())
}

/// Deletes counters that neither count nor lock any more.
pub async fn purge_stale(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    use sea_orm::Condition;
    let short = Condition::all()
        .add(login_throttle::Column::Key.not_like("2fa:%"))
        .add(login_throttle::Column::WindowStartedAt.lt(now - WINDOW - LOCK_FOR));
    let second_factor = Condition::all()
        .add(login_throttle::Column::Key.like("2fa:%"))
        .add(
            login_throttle::Column::WindowStartedAt
                .lt(now - SECOND_FACTOR_WINDOW - SECOND_FACTOR_LOCK_FOR),
        );
    Throttle::delete_many()
        .filter(Condition::any().add(short).add(second_factor))
        .exec(conn)
        .await
        .map(|r| r.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration as StdDuration;

    #[test]
    fn delay_grows_after_three_failures_and_is_capped() {
        let unit = StdDuration::from_millis(1000);
        let table = [
            (0, 0),
            (1, 0),
            (3, 0),
            (4, 1000),
            (5, 2000),
            (6, 4000),
            (7, 8000),
            (8, 8000),
            (50, 8000),
        ];
        for (failures, ms) in table {
            assert_eq!(
                delay_after(failures, unit),
                StdDuration::from_millis(ms),
                "{failures}"
            );
        }
    }

    #[test]
    fn keys_are_hashed_and_ipv6_counts_per_prefix() {
        let k = account_key("anna@example.de");
        assert!(k.starts_with("acct:") && !k.contains("anna"));
        let a = address_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = address_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = address_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            address_key("::ffff:192.0.2.1".parse().unwrap()),
            address_key("192.0.2.1".parse().unwrap())
        );
    }
}
