//! The practice's availability: weekly opening hours ("08:00–12:00, 14:00–18:00" per weekday)
//! and blocked periods (holidays, vacation). Appointments outside them are possible, but only
//! when the practice confirms it explicitly.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// One opening interval, minutes after midnight (Berlin wall-clock time), `opens < closes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub opens: u16,
    pub closes: u16,
}

/// Why a day's hours could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    /// Not like "08:00–12:00, 14:00–18:00".
    #[error("format")]
    Format,
    /// An interval ends before it starts.
    #[error("order")]
    Order,
    /// Two intervals overlap.
    #[error("overlap")]
    Overlap,
}

impl HoursError {
    pub fn message_key(self) -> &'static str {
        match self {
            HoursError::Format => "hours-format",
            HoursError::Order => "hours-order",
            HoursError::Overlap => "hours-overlap",
        }
    }
}

/// "8", "8:30", "08:30", "8.30" → minutes after midnight; "24:00" is the end of the day.
fn parse_time(s: &str) -> Option<u16> {
    let s = s.trim().trim_end_matches("Uhr").trim();
    let (h, m) = match s.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h, m),
        Some(_) => return None,
        None => (s, "0"),
    };
    if h.is_empty() || h.len() > 2 || !h.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// Reads one weekday's hours; empty (or "geschlossen") means closed.
pub fn parse_day(input: &str) -> Result<Vec<Interval>, HoursError> {
    let text = input.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("geschlossen") {
        return Ok(Vec::new());
    }
    let mut intervals = Vec::new();
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (from, to) = part
            .split_once(['–', '-', '—'])
            .or_else(|| part.split_once(" bis "))
            .ok_or(HoursError::Format)?;
        let opens = parse_time(from).ok_or(HoursError::Format)?;
        let closes = parse_time(to).ok_or(HoursError::Format)?;
        if opens >= closes {
            return Err(HoursError::Order);
        }
        intervals.push(Interval { opens, closes });
    }
    intervals.sort_by_key(|i| i.opens);
    if intervals.windows(2).any(|w| w[0].closes > w[1].opens) {
        return Err(HoursError::Overlap);
    }
    Ok(intervals)
}

fn hm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "08:00–12:00, 14:00–18:00"; empty when closed.
pub fn format_day(intervals: &[Interval]) -> String {
    intervals
        .iter()
        .map(|i| format!("{}–{}", hm(i.opens), hm(i.closes)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A blocked period, both days included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// Row id, for the remove button.
    pub id: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub reason: Option<String>,
}

/// Opening hours Monday (index 0) to Sunday, and the blocked periods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Availability {
    pub week: [Vec<Interval>; 7],
    pub blocked: Vec<Blocked>,
}

/// Why an appointment lies outside the availability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outside {
    /// The day is blocked (with the reason, if any).
    Blocked(Option<String>),
    /// Not within the day's opening hours (the hours, empty when closed all day).
    Hours(String),
}

impl Availability {
    /// Whether any opening hours are set; without any, every time is fine.
    pub fn has_hours(&self) -> bool {
        self.week.iter().any(|d| !d.is_empty())
    }

    /// The blocked period containing `day`.
    pub fn blocked_on(&self, day: NaiveDate) -> Option<&Blocked> {
        self.blocked
            .iter()
            .find(|b| b.first_day <= day && day <= b.last_day)
    }

    /// The hours of `day`'s weekday.
    pub fn hours_on(&self, day: NaiveDate) -> &[Interval] {
        &self.week[day.weekday().num_days_from_monday() as usize]
    }

    /// `None` if an appointment from `start` to `end` (Berlin wall-clock) lies inside the
    /// availability, otherwise why not.
    pub fn check(&self, start: NaiveDateTime, end: NaiveDateTime) -> Option<Outside> {
        let day = start.date();
        if let Some(b) = self.blocked_on(day) {
            return Some(Outside::Blocked(b.reason.clone()));
        }
        if !self.has_hours() {
            return None;
        }
        let hours = self.hours_on(day);
        let from = (start.hour() * 60 + start.minute()) as u16;
        // An appointment ending at midnight ends at minute 1440 of its day.
        let to = if end.date() == day {
            (end.hour() * 60 + end.minute()) as u16
        } else if end.date() == day.succ_opt()? && end.hour() == 0 && end.minute() == 0 {
            1440
        } else {
            return Some(Outside::Hours(format_day(hours)));
        };
        let inside = hours.iter().any(|i| i.opens <= from && to <= i.closes);
        (!inside).then(|| Outside::Hours(format_day(hours)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(opens: u16, closes: u16) -> Interval {
        Interval { opens, closes }
    }

    #[test]
    fn opening_hours_are_read_as_people_write_them() {
        let table: &[(&str, Result<Vec<Interval>, HoursError>)] = &[
            ("", Ok(vec![])),
            ("geschlossen", Ok(vec![])),
            ("08:00–12:00", Ok(vec![i(480, 720)])),
            ("8-12", Ok(vec![i(480, 720)])),
            ("8:30 - 12:15, 14-18", Ok(vec![i(510, 735), i(840, 1080)])),
            (
                "14:00–18:00; 08:00–12:00",
                Ok(vec![i(480, 720), i(840, 1080)]),
            ),
            ("8.30 bis 12 Uhr", Ok(vec![i(510, 720)])),
            ("20:00–24:00", Ok(vec![i(1200, 1440)])),
            ("12–8", Err(HoursError::Order)),
            ("08:00–08:00", Err(HoursError::Order)),
            ("08–12, 11–14", Err(HoursError::Overlap)),
            ("morgens", Err(HoursError::Format)),
            ("08:00", Err(HoursError::Format)),
            ("25–26", Err(HoursError::Format)),
            ("8:7–12", Err(HoursError::Format)),
            ("24:30–24:45", Err(HoursError::Format)),
        ];
        for (input, expected) in table {
            assert_eq!(&parse_day(input), expected, "{input:?}");
        }
    }

    #[test]
    fn formatting_reads_back_the_same() {
        let hours = parse_day("8-12, 14:30-18").unwrap();
        assert_eq!(format_day(&hours), "08:00–12:00, 14:30–18:00");
        assert_eq!(parse_day(&format_day(&hours)).unwrap(), hours);
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn appointments_are_checked_against_hours_and_blocked_days() {
        let mut a = Availability::default();
        assert_eq!(
            a.check(at("2027-01-11 03:00"), at("2027-01-11 03:50")),
            None,
            "no hours set: anything goes"
        );
        a.week[0] = parse_day("08:00–12:00, 14:00–18:00").unwrap(); // Monday
        a.blocked.push(Blocked {
            id: String::new(),
            first_day: NaiveDate::from_ymd_opt(2027, 1, 18).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2027, 1, 22).unwrap(),
            reason: Some("Urlaub".into()),
        });
        let hours = || Some(Outside::Hours("08:00–12:00, 14:00–18:00".into()));
        let table = [
            ("2027-01-11 08:00", "2027-01-11 08:50", None),
            ("2027-01-11 11:10", "2027-01-11 12:00", None),
            ("2027-01-11 11:30", "2027-01-11 12:20", hours()),
            ("2027-01-11 12:30", "2027-01-11 13:00", hours()),
            ("2027-01-11 07:50", "2027-01-11 08:40", hours()),
            (
                "2027-01-12 10:00",
                "2027-01-12 10:50",
                Some(Outside::Hours(String::new())),
            ),
            (
                "2027-01-18 10:00",
                "2027-01-18 10:50",
                Some(Outside::Blocked(Some("Urlaub".into()))),
            ),
            (
                "2027-01-22 10:00",
                "2027-01-22 10:50",
                Some(Outside::Blocked(Some("Urlaub".into()))),
            ),
            ("2027-01-25 10:00", "2027-01-25 10:50", None),
            ("2027-01-11 23:30", "2027-01-12 00:20", hours()),
        ];
        for (start, end, expected) in table {
            assert_eq!(a.check(at(start), at(end)), expected, "{start}");
        }
    }
}
