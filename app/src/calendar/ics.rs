//! iCalendar (RFC 5545) attachments for appointment e-mails.
//!
//! Patients get the invitation, every change and the cancellation as a
//! `text/calendar` part so that Google Calendar, Outlook, Apple Calendar and
//! Thunderbird add, move or remove the appointment by itself. Those clients
//! match the versions by `UID` and order them by `SEQUENCE`, so both are
//! supplied by the caller from the stored appointment.
//!
//! Everything a person typed (names, description) is escaped or sanitised here,
//! so that it can never start a new content line or property.

use chrono::{DateTime, LocalResult, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use uuid::Uuid;

/// Whether the calendar object announces/updates an appointment or cancels it.
///
/// Calendar clients act on the iTIP method: `REQUEST` adds or updates the
/// event, `CANCEL` removes it; the MIME part must carry the same method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Invitation or change of an appointment (iTIP `REQUEST`).
    Request,
    /// Cancellation of an appointment (iTIP `CANCEL`).
    Cancel,
}

impl Method {
    /// The iTIP method name, shared by `METHOD:` and the MIME parameter so they never disagree.
    fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// One video appointment as the patient's calendar should show it.
///
/// Borrowed strings, because the values only live as long as one e-mail is built.
#[derive(Debug, Clone)]
pub struct IcsEvent<'a> {
    /// Stable per appointment: the same UID for invitation, change and cancellation.
    pub uid: Uuid,
    /// 0 for the invitation; increased by one with every change and for the cancellation.
    pub sequence: u32,
    /// Whether this object adds/updates or cancels the appointment.
    pub method: Method,
    /// Start of the appointment; shown in Berlin wall-clock time.
    pub starts_at: DateTime<Utc>,
    /// End of the appointment; shown in Berlin wall-clock time.
    pub ends_at: DateTime<Utc>,
    /// e.g. "Videosprechstunde bei Dr. Anna Beispiel"
    pub summary: &'a str,
    /// Plain text; may contain newlines, commas, semicolons, backslashes, umlauts.
    pub description: &'a str,
    /// The patient page URL, e.g. "https://video.example.de/videosprechstunde"
    pub url: &'a str,
    /// Organizer: practice name and its sending address (mailto).
    pub organizer_name: &'a str,
    /// The practice's sending address, so replies of calendar clients reach the practice.
    pub organizer_email: &'a str,
    /// Attendee: patient name and e-mail.
    pub attendee_name: &'a str,
    /// The patient's e-mail address.
    pub attendee_email: &'a str,
    /// DTSTAMP: when this version was generated.
    pub stamp: DateTime<Utc>,
}

/// The fixed rules for Europe/Berlin since 1996 (EU summer time), so that
/// clients need no time zone database to place `TZID=Europe/Berlin` times.
const VTIMEZONE_BERLIN: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// RFC 5545 3.1: content lines SHOULD NOT exceed 75 octets without the line break.
const MAX_LINE_OCTETS: usize = 75;

/// The complete VCALENDAR text, CRLF line endings, lines folded at 75 octets.
///
/// Infallible on purpose: every input is escaped or sanitised rather than
/// rejected, so an odd name never keeps a patient from getting the e-mail.
pub fn render(event: &IcsEvent<'_>) -> String {
    let mut out = String::with_capacity(2048);
    let mut line = |text: &str| push_folded(&mut out, text);

    line("BEGIN:VCALENDAR");
    line("PRODID:-//Sprechzimmer//Videosprechstunde//DE");
    line("VERSION:2.0");
    line("CALSCALE:GREGORIAN");
    line(&format!("METHOD:{}", event.method.as_str()));
    for tz_line in VTIMEZONE_BERLIN {
        line(tz_line);
    }

    line("BEGIN:VEVENT");
    line(&format!("UID:{}@sprechzimmer", event.uid));
    line(&format!("SEQUENCE:{}", event.sequence));
    line(&format!("DTSTAMP:{}", utc_stamp(event.stamp)));
    line(&format!("DTSTART{}", berlin_date_time(event.starts_at)));
    line(&format!("DTEND{}", berlin_date_time(event.ends_at)));
    line(&format!("SUMMARY:{}", escape_text(event.summary)));
    line(&format!("DESCRIPTION:{}", escape_text(event.description)));
    line(&format!("URL:{}", sanitize_uri(event.url)));
    line(&format!(
        "LOCATION:{}",
        escape_text(&sanitize_uri(event.url))
    ));
    line(&format!(
        "ORGANIZER{}:mailto:{}",
        cn_param(event.organizer_name),
        sanitize_uri(event.organizer_email)
    ));
    line(&format!(
        "ATTENDEE{};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{}",
        cn_param(event.attendee_name),
        sanitize_uri(event.attendee_email)
    ));
    line(match event.method {
        Method::Request => "STATUS:CONFIRMED",
        Method::Cancel => "STATUS:CANCELLED",
    });
    line("TRANSP:OPAQUE");
    line("CLASS:PRIVATE");
    if event.method == Method::Request {
        line("BEGIN:VALARM");
        line("ACTION:DISPLAY");
        line("DESCRIPTION:Videosprechstunde in 15 Minuten");
        line("TRIGGER:-PT15M");
        line("END:VALARM");
    }
    line("END:VEVENT");
    line("END:VCALENDAR");
    out
}

/// Content type for the MIME part, e.g. `text/calendar; charset=UTF-8; method=REQUEST`.
///
/// Outlook only treats the part as a meeting request/cancellation when the
/// `method` parameter is present and equals the `METHOD` inside the object.
pub fn content_type(method: Method) -> &'static str {
    match method {
        Method::Request => "text/calendar; charset=UTF-8; method=REQUEST",
        Method::Cancel => "text/calendar; charset=UTF-8; method=CANCEL",
    }
}

/// `YYYYMMDDTHHMMSSZ`, the UTC form DTSTAMP requires.
fn utc_stamp(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Parameters and value (`;TZID=Europe/Berlin:…`) of DTSTART/DTEND in Berlin wall-clock time.
///
/// RFC 5545 reads a local time in the repeated autumn hour as its first
/// occurrence; for an instant in the second one the UTC form is used instead,
/// which every client accepts and which keeps the instant exact.
fn berlin_date_time(instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&Berlin).naive_local();
    if let LocalResult::Ambiguous(first, _) = Berlin.from_local_datetime(&local) {
        if first.with_timezone(&Utc) != instant {
            return format!(":{}", utc_stamp(instant));
        }
    }
    format!(";TZID=Europe/Berlin:{}", local.format("%Y%m%dT%H%M%S"))
}

/// RFC 5545 3.3.11 TEXT escaping; line breaks become `\n`, other controls are dropped
/// so that no user input can end the content line.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() || is_line_separator(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// `;CN=…` for a person's display name, or nothing when no name is left.
///
/// Parameter values cannot be escaped (RFC 5545 3.2): DQUOTE is replaced by an
/// apostrophe, controls become spaces, and values with `:`, `;` or `,` are quoted.
fn cn_param(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() || is_line_separator(c) => ' ',
            c => c,
        })
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        String::new()
    } else if clean.contains([':', ';', ',']) {
        format!(";CN=\"{clean}\"")
    } else {
        format!(";CN={clean}")
    }
}

/// URIs and addresses are not TEXT and have no escaping: drop whitespace and
/// controls, which are never valid in them and could otherwise break the line.
fn sanitize_uri(uri: &str) -> String {
    uri.chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// Unicode line/paragraph separators, which some parsers treat as line breaks.
fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Appends one content line, folded after at most 75 octets per physical line
/// (the leading space of a continuation counts), never inside a UTF-8 sequence.
fn push_folded(out: &mut String, line: &str) {
    let mut budget = MAX_LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > budget {
            out.push_str("\r\n ");
            budget = MAX_LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::parser::{read_calendar, unfold, Property};

    const UID: &str = "01890a5d-ac96-774b-bcce-b302099a8057";

    fn at(utc: &str) -> DateTime<Utc> {
        utc.parse().unwrap()
    }

    fn sample(method: Method) -> IcsEvent<'static> {
        IcsEvent {
            uid: Uuid::parse_str(UID).unwrap(),
            sequence: if method == Method::Request { 0 } else { 2 },
            method,
            starts_at: at("2027-01-12T09:00:00Z"),
            ends_at: at("2027-01-12T09:15:00Z"),
            summary: "Videosprechstunde bei Dr. Anna Beispiel",
            description: "Bitte Karte bereithalten; Raum: 1, \\Büro\\\nÄrztin: Dr. Müller",
            url: "https://video.example.de/videosprechstunde",
            organizer_name: "Praxis Dr. Beispiel, Köln",
            organizer_email: "praxis@example.de",
            attendee_name: "Jürgen Weiß",
            attendee_email: "juergen@example.org",
            stamp: at("2027-01-05T14:03:07Z"),
        }
    }

    /// One parsed component, owned: (name, [(param, value)], unescaped value) per property.
    type Props = Vec<(String, Vec<(String, String)>, String)>;

    fn owned(props: &[Property<'_>]) -> Props {
        let param = |q: &icalendar::parser::Parameter<'_>| {
            let val = q.val.as_ref().map(|v| v.as_str().to_owned());
            (q.key.as_str().to_owned(), val.unwrap_or_default())
        };
        let prop = |p: &Property<'_>| {
            let params = p.params.iter().map(param).collect();
            (
                p.name.as_str().to_owned(),
                params,
                p.val.as_str().to_owned(),
            )
        };
        props.iter().map(prop).collect()
    }

    /// Parses `text` with the `icalendar` crate: calendar properties, VEVENT
    /// properties and the names of the VEVENT's sub-components.
    fn parse(text: &str) -> (Props, Props, Vec<String>) {
        let unfolded = unfold(text);
        let cal = read_calendar(&unfolded).unwrap();
        let names: Vec<&str> = cal.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["VTIMEZONE", "VEVENT"]);
        let event = &cal.components[1];
        let subs = event.components.iter().map(|c| c.name.to_string());
        (
            owned(&cal.properties),
            owned(&event.properties),
            subs.collect(),
        )
    }

    fn value<'p>(props: &'p Props, name: &str) -> &'p str {
        let found: Vec<_> = props.iter().filter(|p| p.0 == name).collect();
        assert_eq!(found.len(), 1, "exactly one {name}");
        &found[0].2
    }

    fn param<'p>(props: &'p Props, name: &str, key: &str) -> Option<&'p str> {
        let prop = props.iter().find(|p| p.0 == name)?;
        prop.1.iter().find(|q| q.0 == key).map(|q| q.1.as_str())
    }

    /// Only CRLF line breaks, and the text ends with one.
    fn assert_crlf_only(text: &str) {
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
        assert_eq!(text.matches('\r').count(), text.matches("\r\n").count());
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn request_round_trips_through_icalendar_parser() {
        let event = sample(Method::Request);
        let text = render(&event);
        let (cal, ev, subs) = parse(&text);
        let calendar = [
            ("VERSION", "2.0"),
            ("PRODID", "-//Sprechzimmer//Videosprechstunde//DE"),
            ("CALSCALE", "GREGORIAN"),
            ("METHOD", "REQUEST"),
        ];
        for (name, expected) in calendar {
            assert_eq!(value(&cal, name), expected, "{name}");
        }
        let uid = format!("{UID}@sprechzimmer");
        let values = [
            ("UID", uid.as_str()),
            ("SEQUENCE", "0"),
            ("DTSTAMP", "20270105T140307Z"),
            ("DTSTART", "20270112T100000"),
            ("DTEND", "20270112T101500"),
            ("SUMMARY", event.summary),
            ("DESCRIPTION", event.description),
            ("URL", event.url),
            ("LOCATION", event.url),
            ("ORGANIZER", "mailto:praxis@example.de"),
            ("ATTENDEE", "mailto:juergen@example.org"),
            ("STATUS", "CONFIRMED"),
            ("TRANSP", "OPAQUE"),
            ("CLASS", "PRIVATE"),
        ];
        for (name, expected) in values {
            assert_eq!(value(&ev, name), expected, "{name}");
        }
        let params = [
            ("DTSTART", "TZID", "Europe/Berlin"),
            ("DTEND", "TZID", "Europe/Berlin"),
            ("ORGANIZER", "CN", "Praxis Dr. Beispiel, Köln"),
            ("ATTENDEE", "CN", "Jürgen Weiß"),
            ("ATTENDEE", "ROLE", "REQ-PARTICIPANT"),
            ("ATTENDEE", "PARTSTAT", "NEEDS-ACTION"),
            ("ATTENDEE", "RSVP", "FALSE"),
        ];
        for (name, key, expected) in params {
            assert_eq!(param(&ev, name, key), Some(expected), "{name};{key}");
        }
        assert_eq!(subs, ["VALARM"]);
        assert!(text.contains("\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"));
        assert!(text.contains("\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"));
        assert_crlf_only(&text);
        let request = "text/calendar; charset=UTF-8; method=REQUEST";
        assert_eq!(content_type(Method::Request), request);
    }

    #[test]
    fn cancel_keeps_uid_is_cancelled_and_has_no_alarm() {
        let text = render(&sample(Method::Cancel));
        let (cal, ev, subs) = parse(&text);
        assert_eq!(value(&cal, "METHOD"), "CANCEL");
        assert_eq!(value(&ev, "UID"), format!("{UID}@sprechzimmer"));
        assert_eq!(value(&ev, "SEQUENCE"), "2");
        assert_eq!(value(&ev, "STATUS"), "CANCELLED");
        assert!(subs.is_empty());
        assert!(!text.contains("VALARM") && !text.contains("TRIGGER"));
        assert_crlf_only(&text);
        let cancel = "text/calendar; charset=UTF-8; method=CANCEL";
        assert_eq!(content_type(Method::Cancel), cancel);
    }

    #[test]
    fn vtimezone_describes_berlin_rules() {
        let unfolded = unfold(&render(&sample(Method::Request)));
        let cal = read_calendar(&unfolded).unwrap();
        let tz = &cal.components[0];
        assert_eq!(tz.find_prop("TZID").unwrap().val.as_str(), "Europe/Berlin");
        let rules = [
            ("STANDARD", "CET", "+0200", "+0100", "19701025T030000", "10"),
            ("DAYLIGHT", "CEST", "+0100", "+0200", "19700329T020000", "3"),
        ];
        for (name, tzname, from, to, start, month) in rules {
            let part = tz.components.iter().find(|c| c.name == name).unwrap();
            let prop = |key: &str| part.find_prop(key).unwrap().val.to_string();
            assert_eq!(prop("TZNAME"), tzname);
            assert_eq!(prop("TZOFFSETFROM"), from);
            assert_eq!(prop("TZOFFSETTO"), to);
            assert_eq!(prop("DTSTART"), start);
            let rrule = format!("FREQ=YEARLY;BYMONTH={month};BYDAY=-1SU");
            assert_eq!(prop("RRULE"), rrule);
        }
    }

    #[test]
    fn start_is_berlin_wall_clock_across_dst_changes() {
        let table = [
            ("2027-03-27T09:00:00Z", "20270327T100000"), // CET
            ("2027-03-28T08:00:00Z", "20270328T100000"), // CEST, after the spring change
            ("2027-10-31T09:00:00Z", "20271031T100000"), // CET, after the autumn change
            ("2027-10-31T00:30:00Z", "20271031T023000"), // first 02:30 (CEST)
        ];
        for (utc, local) in table {
            let starts_at = at(utc);
            let ends_at = starts_at + chrono::Duration::minutes(15);
            let text = render(&IcsEvent {
                starts_at,
                ends_at,
                ..sample(Method::Request)
            });
            let (_, ev, _) = parse(&text);
            assert_eq!(value(&ev, "DTSTART"), local, "{utc}");
            assert_eq!(param(&ev, "DTSTART", "TZID"), Some("Europe/Berlin"));
        }
        // The second 02:30 (CET) cannot be written as Berlin local time: UTC keeps it exact.
        let starts_at = at("2027-10-31T01:30:00Z");
        let text = render(&IcsEvent {
            starts_at,
            ..sample(Method::Request)
        });
        assert!(text.contains("\r\nDTSTART:20271031T013000Z\r\n"), "{text}");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let description = "Sehr geehrte Frau Bärbel Größe-Müller, für Ihre Videosprechstunde \
            öffnen Sie bitte rechtzeitig den Link; prüfen Sie Kamera, Mikrofon und Ton.\n\
            Übrigens: Änderungen bitte frühzeitig mitteilen! €€€ 😀😀😀 äöüß ÄÖÜ "
            .repeat(4);
        // Shifting by one to three bytes puts every kind of character on a fold boundary.
        for shift in 0..4 {
            let padded = format!("{}{description}", "x".repeat(shift));
            let text = render(&IcsEvent {
                description: &padded,
                ..sample(Method::Request)
            });
            let body = text.strip_suffix("\r\n").unwrap();
            let physical: Vec<&str> = body.split("\r\n").collect();
            for line in &physical {
                assert!(line.len() <= 75, "{} octets: {line}", line.len());
            }
            assert!(physical.iter().filter(|l| l.starts_with(' ')).count() >= 8);
            let unfolded = body.replace("\r\n ", "");
            let line = unfolded.lines().find(|l| l.starts_with("DESCRIPTION:"));
            assert_eq!(
                line,
                Some(format!("DESCRIPTION:{}", escape_text(&padded)).as_str())
            );
            let (_, ev, _) = parse(&text);
            assert_eq!(value(&ev, "DESCRIPTION"), padded);
        }
    }

    #[test]
    fn fold_fills_lines_up_to_the_limit() {
        let mut out = String::new();
        push_folded(&mut out, &"ä".repeat(100));
        let lines: Vec<&str> = out.strip_suffix("\r\n").unwrap().split("\r\n").collect();
        let octets: Vec<usize> = lines.iter().map(|l| l.len()).collect();
        assert_eq!(octets, [74, 75, 53], "37 + 37 + 26 two-octet characters");
        assert_eq!(lines.concat().replace(' ', ""), "ä".repeat(100));
    }

    #[test]
    fn user_input_cannot_inject_properties_or_lines() {
        let event = IcsEvent {
            attendee_name: "Eve\r\nATTENDEE:mailto:evil@example.org",
            organizer_name: "Praxis \"Sonne\"\nMETHOD:PUBLISH",
            summary: "Termin\r\nEND:VEVENT\r\nBEGIN:VEVENT",
            description: "a\rb\u{2028}c\u{0}d\nATTENDEE:mailto:evil@example.org",
            attendee_email: "p@example.org\r\nATTENDEE:mailto:evil@example.org",
            ..sample(Method::Request)
        };
        let text = render(&event);
        assert_crlf_only(&text);
        let unfolded = text.replace("\r\n ", "");
        for line in unfolded.split("\r\n") {
            assert!(!line.starts_with("ATTENDEE:"), "injected line: {line}");
            assert!(!line.starts_with("METHOD:PUBLISH"), "injected line: {line}");
        }
        let begins = unfolded.split("\r\n").filter(|l| l.starts_with("BEGIN:"));
        assert_eq!(
            begins.count(),
            6,
            "VCALENDAR VTIMEZONE DAYLIGHT STANDARD VEVENT VALARM"
        );
        let (cal, ev, _) = parse(&text);
        assert_eq!(value(&cal, "METHOD"), "REQUEST");
        let evil = "ATTENDEE:mailto:evil@example.org";
        assert_eq!(
            value(&ev, "ATTENDEE"),
            format!("mailto:p@example.org{evil}")
        );
        assert_eq!(
            param(&ev, "ATTENDEE", "CN"),
            Some(format!("Eve  {evil}").as_str())
        );
        assert_eq!(
            param(&ev, "ORGANIZER", "CN"),
            Some("Praxis 'Sonne' METHOD:PUBLISH")
        );
        assert_eq!(value(&ev, "SUMMARY"), "Termin\nEND:VEVENT\nBEGIN:VEVENT");
        assert_eq!(value(&ev, "DESCRIPTION"), format!("abcd\n{evil}"));
    }
}
