//! The notice rule of the contract: three months to the end of a calendar quarter, in
//! Europe/Berlin time. A cancellation received on any day of a quarter takes effect at the end
//! of the following quarter; the account and all data are deleted right after that day, at
//! 24:00 Berlin time.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;

/// When a cancellation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Termination {
    /// The last day of the contract (Berlin calendar date), e.g. 31.03.2027.
    pub last_day: NaiveDate,
    /// The instant the data is deleted: the end of `last_day`, 24:00 Berlin time.
    pub deletion_at: DateTime<Utc>,
}

/// First day of the quarter that contains `date`.
fn quarter_start(date: NaiveDate) -> NaiveDate {
    let first_month = (date.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(date.year(), first_month, 1).unwrap_or(date)
}

/// `date` plus `months` whole months, on the first of the month.
fn first_of_month_after(date: NaiveDate, months: u32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 + months as i32;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(date)
}

/// Midnight at the start of `date` in Berlin, as UTC (never ambiguous: DST changes at 02:00).
fn berlin_midnight(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    Berlin
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// The termination for a cancellation received at `received`.
pub fn termination(received: DateTime<Utc>) -> Termination {
    let received_on = crate::time::berlin_date(received);
    // The quarter after next starts the day after the last day.
    let after = first_of_month_after(quarter_start(received_on), 6);
    Termination {
        last_day: after.pred_opt().unwrap_or(after),
        deletion_at: berlin_midnight(after),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("test instant")
            .with_timezone(&Utc)
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn last_day_is_the_end_of_the_following_quarter() {
        // (received, as an instant with its offset; last day of the contract)
        let cases = [
            // The examples.
            ("2026-11-23T10:00:00+01:00", "2027-03-31"),
            ("2026-12-31T23:59:00+01:00", "2027-03-31"),
            ("2027-01-01T00:00:00+01:00", "2027-06-30"),
            // Every quarter boundary of 2027, both sides, in Berlin time (CET/CEST).
            ("2027-03-31T23:59:59+02:00", "2027-06-30"),
            ("2027-04-01T00:00:00+02:00", "2027-09-30"),
            ("2027-06-30T23:59:59+02:00", "2027-09-30"),
            ("2027-07-01T00:00:00+02:00", "2027-12-31"),
            ("2027-09-30T23:59:59+02:00", "2027-12-31"),
            ("2027-10-01T00:00:00+02:00", "2028-03-31"),
            ("2027-12-31T23:59:59+01:00", "2028-03-31"),
            ("2028-01-01T00:00:00+01:00", "2028-06-30"),
            // First and middle days of a quarter count like its last.
            ("2027-02-14T12:00:00+01:00", "2027-06-30"),
            ("2027-05-15T08:30:00+02:00", "2027-09-30"),
            ("2027-08-01T09:00:00+02:00", "2027-12-31"),
            ("2027-11-30T18:00:00+01:00", "2028-03-31"),
            // Leap years: 29 February is in Q1 like any other day; Q1 of a leap year still ends
            // on 31 March, and a Q4 cancellation ends on it.
            ("2028-02-29T12:00:00+01:00", "2028-06-30"),
            ("2027-11-15T12:00:00+01:00", "2028-03-31"),
            ("2031-12-01T12:00:00+01:00", "2032-03-31"),
            ("2032-02-29T00:00:00+01:00", "2032-06-30"),
            // Berlin is ahead of UTC: late evening UTC is already the next day in Berlin.
            ("2026-12-31T22:59:59Z", "2027-03-31"),
            ("2026-12-31T23:00:00Z", "2027-06-30"),
            ("2027-03-31T21:59:59Z", "2027-06-30"),
            ("2027-03-31T22:00:00Z", "2027-09-30"),
            ("2027-06-30T22:00:00Z", "2027-12-31"),
            ("2027-09-30T21:59:59Z", "2027-12-31"),
            ("2027-09-30T22:00:00Z", "2028-03-31"),
        ];
        for (received, last_day) in cases {
            assert_eq!(
                termination(utc(received)).last_day,
                day(last_day),
                "received {received}"
            );
        }
    }

    #[test]
    fn deletion_is_at_midnight_berlin_after_the_last_day() {
        // Summer time (CEST, UTC+2) at the end of March, June and September; winter time (CET,
        // UTC+1) at the end of December.
        let cases = [
            ("2026-11-23T10:00:00Z", "2027-03-31T22:00:00Z"),
            ("2027-01-10T10:00:00Z", "2027-06-30T22:00:00Z"),
            ("2027-04-10T10:00:00Z", "2027-09-30T22:00:00Z"),
            ("2027-07-10T10:00:00Z", "2027-12-31T23:00:00Z"),
        ];
        for (received, deletion) in cases {
            assert_eq!(
                termination(utc(received)).deletion_at,
                utc(deletion),
                "{received}"
            );
        }
    }

    #[test]
    fn the_notice_period_is_always_between_three_and_six_months() {
        let mut instant = utc("2026-01-01T00:00:00Z");
        let end = utc("2030-01-01T00:00:00Z");
        while instant < end {
            let t = termination(instant);
            let days = (t.deletion_at - instant).num_days();
            assert!((90..=184).contains(&days), "{instant}: {days} days");
            assert!(t.deletion_at > instant);
            assert_eq!(
                crate::time::berlin_date(t.deletion_at),
                t.last_day.succ_opt().unwrap()
            );
            instant += chrono::Duration::hours(7);
        }
    }
}
