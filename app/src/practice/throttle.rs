//! Login throttling: failed attempts are counted per account and per client address (both keys
//! hashed, and counted whether or not the account exists, so the answers reveal nothing).
//! Failures slow the answer down progressively; too many lock the key for a while.

use crate::entities::login_throttle::{self, Entity as Throttle};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// Failures are counted within this window.
pub const WINDOW: Duration = Duration::minutes(15);
/// How long a key stays locked.
pub const LOCK_FOR: Duration = Duration::minutes(15);
/// Consecutive failures that lock an account.
pub const ACCOUNT_LIMIT: i32 = 10;
/// Failures from one address (any accounts) that lock the address.
pub const ADDRESS_LIMIT: i32 = 30;
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
/// current window.
pub async fn record_failure(
    conn: &impl ConnectionTrait,
    key: &str,
    limit: i32,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let existing = Throttle::find_by_id(key.to_owned()).one(conn).await?;
    let (failures, window_started_at) = match &existing {
        Some(row) if now - row.window_started_at < WINDOW => {
            (row.failures + 1, row.window_started_at)
        }
        _ => (1, now),
    };
    let locked_until = (failures >= limit).then(|| now + LOCK_FOR);
    let model = login_throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(failures),
        window_started_at: Set(window_started_at),
        locked_until: Set(locked_until.or(existing.as_ref().and_then(|r| r.locked_until))),
    };
    if existing.is_some() {
        model.update(conn).await?;
    } else {
        Throttle::insert(model).exec_without_returning(conn).await?;
    }
    Ok(failures)
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
    Throttle::delete_many()
        .filter(login_throttle::Column::WindowStartedAt.lt(now - WINDOW - LOCK_FOR))
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
