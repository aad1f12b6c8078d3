//! Times are stored in UTC and shown in Europe/Berlin, the practices' time zone.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Berlin;

/// A Berlin wall-clock date and time as UTC. Times that do not exist (the hour skipped in
/// spring) are refused; times that exist twice (autumn) mean the first one.
pub fn berlin_to_utc(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    Berlin
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The calendar date in Berlin at `instant`.
pub fn berlin_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Berlin).date_naive()
}

/// The first and last day any date field or `?datum=` parameter may name. Wider than any
/// calendar needs (bookings are limited further), narrow enough that adding weeks or months
/// to it can never overflow.
pub const FIRST_DATE: (i32, u32, u32) = (2000, 1, 1);
/// See [`FIRST_DATE`].
pub const LAST_DATE: (i32, u32, u32) = (2099, 12, 31);

/// A date as a date field sends it (`2027-01-04`): exactly four digits of year, two of
/// month and day, between [`FIRST_DATE`] and [`LAST_DATE`]. chrono's own `%Y` also takes
/// signs and more digits (`+262142-12-31`), whose arithmetic then panics.
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    let (fy, fm, fd) = FIRST_DATE;
    let (ly, lm, ld) = LAST_DATE;
    let first = NaiveDate::from_ymd_opt(fy, fm, fd)?;
    let last = NaiveDate::from_ymd_opt(ly, lm, ld)?;
    (first..=last).contains(&date).then_some(date)
}

/// "23.11.2026".
pub fn german_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// German weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];
const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

fn weekday(date: NaiveDate) -> &'static str {
    WEEKDAYS[date.weekday().num_days_from_monday() as usize]
}

fn month(date: NaiveDate) -> &'static str {
    MONTHS[date.month0() as usize]
}

/// "Dienstag, 12. Januar 2027" for the Berlin date of `instant`.
pub fn german_long_date(instant: DateTime<Utc>) -> String {
    let d = berlin_date(instant);
    format!("{}, {}. {} {}", weekday(d), d.day(), month(d), d.year())
}

/// "10:00" in Berlin time.
pub fn german_time(instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&Berlin);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// "Montag, 11. Januar" (a day heading in the calendar).
pub fn german_day_label(date: NaiveDate) -> String {
    format!("{}, {}. {}", weekday(date), date.day(), month(date))
}

/// "11.–17. Januar 2027", "29. März – 4. April 2027", "28. Dezember 2026 – 3. Januar 2027".
pub fn german_week_label(monday: NaiveDate) -> String {
    let sunday = monday + chrono::Duration::days(6);
    if monday.year() != sunday.year() {
        format!(
            "{}. {} {} – {}. {} {}",
            monday.day(),
            month(monday),
            monday.year(),
            sunday.day(),
            month(sunday),
            sunday.year()
        )
    } else if monday.month() != sunday.month() {
        format!(
            "{}. {} – {}. {} {}",
            monday.day(),
            month(monday),
            sunday.day(),
            month(sunday),
            sunday.year()
        )
    } else {
        format!(
            "{}.–{}. {} {}",
            monday.day(),
            sunday.day(),
            month(sunday),
            sunday.year()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_wall_clock_becomes_utc_across_both_dst_changes() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let t = |h, min| NaiveTime::from_hms_opt(h, min, 0).unwrap();
        let utc = |y, m, day, h, min| Utc.with_ymd_and_hms(y, m, day, h, min, 0).unwrap();
        let table = [
            (d(2027, 3, 27), t(10, 0), Some(utc(2027, 3, 27, 9, 0))),
            (d(2027, 3, 28), t(10, 0), Some(utc(2027, 3, 28, 8, 0))),
            (d(2027, 3, 28), t(2, 30), None),
            (d(2027, 10, 30), t(10, 0), Some(utc(2027, 10, 30, 8, 0))),
            (d(2027, 10, 31), t(10, 0), Some(utc(2027, 10, 31, 9, 0))),
            (d(2027, 10, 31), t(2, 30), Some(utc(2027, 10, 31, 0, 30))),
        ];
        for (date, time, expected) in table {
            assert_eq!(berlin_to_utc(date, time), expected, "{date} {time}");
        }
    }

    #[test]
    fn berlin_dates_change_at_local_midnight_in_winter_and_summer() {
        let table = [
            ("2026-11-23T22:59:59Z", "23.11.2026"), // CET: 23:59:59
            ("2026-11-23T23:00:00Z", "24.11.2026"),
            ("2026-07-01T21:59:59Z", "01.07.2026"), // CEST: 23:59:59
            ("2026-07-01T22:00:00Z", "02.07.2026"),
            ("2026-03-29T00:30:00Z", "29.03.2026"), // DST starts that night
            ("2026-10-24T22:30:00Z", "25.10.2026"), // DST ends: 00:30 CEST
        ];
        for (utc, expected) in table {
            let instant: DateTime<Utc> = utc.parse().unwrap();
            assert_eq!(german_date(berlin_date(instant)), expected, "{utc}");
        }
    }

    #[test]
    fn german_labels_for_dates_times_and_weeks() {
        let at: DateTime<Utc> = "2027-01-12T09:00:00Z".parse().unwrap();
        assert_eq!(german_long_date(at), "Dienstag, 12. Januar 2027");
        assert_eq!(german_time(at), "10:00");
        let summer: DateTime<Utc> = "2027-03-28T08:00:00Z".parse().unwrap();
        assert_eq!(german_time(summer), "10:00", "CEST after the spring change");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(german_day_label(d("2027-01-11")), "Montag, 11. Januar");
        assert_eq!(german_week_label(d("2027-01-11")), "11.–17. Januar 2027");
        assert_eq!(
            german_week_label(d("2027-03-29")),
            "29. März – 4. April 2027"
        );
        assert_eq!(
            german_week_label(d("2026-12-28")),
            "28. Dezember 2026 – 3. Januar 2027"
        );
    }

    #[test]
    fn date_fields_take_plain_dates_in_the_supported_range_only() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        for (text, expected) in [
            ("2027-01-04", d(2027, 1, 4)),
            (" 2027-01-04 ", d(2027, 1, 4)),
            ("2000-01-01", d(2000, 1, 1)),
            ("2099-12-31", d(2099, 12, 31)),
            ("1999-12-31", None),
            ("2100-01-01", None),
            ("+262142-12-31", None),
            ("-0001-01-01", None),
            ("9999-12-31", None),
            ("+2027-01-04", None),
            ("2027-1-4", None),
            ("2027-02-30", None),
            ("2027-13-01", None),
            ("27-01-04", None),
            ("２０２７-01-04", None),
            ("", None),
            ("heute", None),
        ] {
            assert_eq!(parse_iso_date(text), expected, "{text:?}");
        }
    }
}
