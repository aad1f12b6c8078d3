//! Times are stored in UTC and shown in Europe/Berlin, the practices' time zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Berlin;

/// The calendar date in Berlin at `instant`.
pub fn berlin_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Berlin).date_naive()
}

/// "23.11.2026".
pub fn german_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
