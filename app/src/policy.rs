//! Facts about how the service behaves that pages, documents and jobs must agree on.
//! Change a promise here and every text that states it changes with it.

/// Metadata of appointments and calls is deleted at the latest this many months after the fact.
pub const METADATA_RETENTION_MONTHS: u32 = 3;

/// Appointments can be booked at most this many months ahead: a date further away is refused
/// (a year such as 9999 would otherwise keep the patient's name and e-mail for ever, out of
/// reach of [`METADATA_RETENTION_MONTHS`]).
pub const BOOKING_AHEAD_MONTHS: u32 = 24;

/// The audit log (who opened which document, who let a patient in without consent, and when)
/// holds consultation times: deleted this many months after the entry, like the appointments.
pub const AUDIT_RETENTION_MONTHS: u32 = METADATA_RETENTION_MONTHS;

/// A consent (the patient's name and e-mail, its sealed documents) is deleted this many months
/// after it last changed, once the patient has no appointment left in the practice (those go
/// [`METADATA_RETENTION_MONTHS`] after they ended). The practice keeps its own copy in the
/// patient's record.
pub const CONSENT_RETENTION_MONTHS: u32 = METADATA_RETENTION_MONTHS;

/// A registration whose e-mail address was never confirmed is deleted (practice, account)
/// this many days after it was made; the link itself is valid 24 hours.
pub const UNVERIFIED_REGISTRATION_DAYS: i64 = 7;

/// A team invitation nobody accepted (name and e-mail of the invited person) is deleted once
/// its link has expired (7 days) and it is this many days old.
pub const UNACCEPTED_INVITATION_DAYS: i64 = 7;

/// Blocked days (their reason may name an illness) are deleted this many months after their
/// last day.
pub const BLOCKED_PERIOD_RETENTION_MONTHS: u32 = METADATA_RETENTION_MONTHS;

/// Tables the server's bus (several instances on PostgreSQL) reads and writes with plain SQL,
/// not as entities; their rules are in [`RETENTION`] too, and the server's tests compare the
/// database's tables with it.
pub const SHARED_STATE_TABLES: &[&str] = &[
    "bus_message",
    "call_seat",
    "job_lease",
    "room_presence",
    "server_instance",
];

/// Every table, and how long its rows stay. A new table must be added here (a test reads
/// `entities/mod.rs`), so none is forgotten by the clean-up in `maintenance`.
pub const RETENTION: &[(&str, &str)] = &[
    ("account_token", "until used or expired (24 h, 1 h, 7 days)"),
    (
        "bus_message",
        "1 minute after it was written (server::bus, PostgreSQL)",
    ),
    (
        "call_seat",
        "when the page leaves the call; 10 s after its instance stops answering (server::bus)",
    ),
    ("job_lease", "one row per job (no personal data)"),
    (
        "room_presence",
        "1 minute after the socket closed; 10 s after its instance stops answering (server::bus)",
    ),
    (
        "server_instance",
        "10 s after the instance stops answering (server::bus)",
    ),
    ("appointment", "METADATA_RETENTION_MONTHS after its end"),
    (
        "appointment_guest",
        "with its appointment (METADATA_RETENTION_MONTHS after its end)",
    ),
    ("audit_entry", "AUDIT_RETENTION_MONTHS after the entry"),
    (
        "blocked_period",
        "BLOCKED_PERIOD_RETENTION_MONTHS after its last day",
    ),
    (
        "consent",
        "CONSENT_RETENTION_MONTHS after its last change, once the patient has no appointment left",
    ),
    ("consent_document", "with its consent"),
    (
        "email_outbox",
        "body blanked when sent; row 7 days after sending, 30 after giving up",
    ),
    (
        "login_throttle",
        "when it neither counts nor locks any more",
    ),
    ("opening_hours", "with the practice (no personal data)"),
    (
        "practice",
        "at the end of the contract; unverified registrations after UNVERIFIED_REGISTRATION_DAYS",
    ),
    ("practice_key", "with the practice"),
    (
        "practice_user",
        "with the practice; unaccepted invitations after UNACCEPTED_INVITATION_DAYS",
    ),
    ("recovery_code", "with the account"),
    (
        "retired_short_name",
        "RETIRED_SHORT_NAME_DAYS after it was given up",
    ),
];

/// The product name shown to users.
pub const PRODUCT_NAME: &str = "Sprechzimmer";

/// A login ends after this many hours, however active the person is.
pub const SESSION_ABSOLUTE_HOURS: i64 = 12;

/// Version of the terms of use and the AV-Vertrag a practice accepts at registration
/// (2026-12: the AV-Vertrag has its own page, `/auftragsverarbeitung`).
pub const TERMS_VERSION: &str = "2026-12";

/// A short name a practice gave up stays blocked for other practices this many days, so
/// printed posters and links do not lead to someone else's page.
pub const RETIRED_SHORT_NAME_DAYS: i64 = 365;

/// Patients are asked to open the page this many minutes before the appointment, so the tech
/// test can run in peace (the practice page and the patient guide say so).
pub const ARRIVE_EARLY_MINUTES: u32 = 5;

/// The upstream the KBV recommends for a video consultation, in kbit/s: the tech test warns
/// below it, the practice page and the guide name it.
pub const RECOMMENDED_UPSTREAM_KBITS: u32 = 2000;

/// A browser the service is made and tested for, and the oldest major version the tech test
/// accepts without a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Browser {
    pub name: &'static str,
    pub min_version: u32,
}

/// The browsers patients are told to use. Older versions than these lack parts of WebRTC the
/// call relies on or no longer get security updates; the tech test warns about them (and
/// still lets the feature check decide, so an unknown browser that can do it is not turned
/// away).
pub const SUPPORTED_BROWSERS: &[Browser] = &[
    Browser {
        name: "Chrome",
        min_version: 109,
    },
    Browser {
        name: "Firefox",
        min_version: 115,
    },
    Browser {
        name: "Edge",
        min_version: 109,
    },
    Browser {
        name: "Safari",
        min_version: 15,
    },
];

/// The supported browsers as German text: "Chrome, Firefox, Edge oder Safari".
pub fn browser_names() -> String {
    match SUPPORTED_BROWSERS.split_last() {
        None => String::new(),
        Some((last, [])) => last.name.to_owned(),
        Some((last, rest)) => format!(
            "{} oder {}",
            rest.iter().map(|b| b.name).collect::<Vec<_>>().join(", "),
            last.name
        ),
    }
}

/// What the tech test makes of a browser's user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserSupport {
    /// One of [`SUPPORTED_BROWSERS`], recent enough.
    Supported,
    /// One of them, but older than its minimum.
    Outdated {
        name: &'static str,
        min_version: u32,
    },
    /// Another browser: only the feature check decides.
    Unknown,
}

/// Recognises the supported browsers and their major version from the user agent.
pub fn browser_support(user_agent: &str) -> BrowserSupport {
    let Some((name, version)) = identify(user_agent) else {
        return BrowserSupport::Unknown;
    };
    match SUPPORTED_BROWSERS.iter().find(|b| b.name == name) {
        Some(b) if version >= b.min_version => BrowserSupport::Supported,
        Some(b) => BrowserSupport::Outdated {
            name: b.name,
            min_version: b.min_version,
        },
        None => BrowserSupport::Unknown,
    }
}

/// Name and major version. The order matters: Edge and Opera also say "Chrome", Chrome also
/// says "Safari". Other browsers built on Chromium, in-app browsers (Android WebView, Facebook,
/// Instagram) and the old EdgeHTML are left to the feature check. On iPhones and iPads every
/// browser ("CriOS", "FxiOS", "EdgiOS") runs the system's Safari engine, so the system's
/// version counts, as Safari's.
fn identify(user_agent: &str) -> Option<(&'static str, u32)> {
    let version_after = |marker: &str| -> Option<u32> {
        let rest = user_agent.split(marker).nth(1)?;
        rest.split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    if [
        "OPR/",
        "SamsungBrowser/",
        "YaBrowser/",
        "Vivaldi/",
        "HuaweiBrowser/",
        "MiuiBrowser/",
        "UCBrowser/",
        "; wv)",
        "FBAN/",
        "FBAV/",
        "Instagram",
        " Edge/",
    ]
    .iter()
    .any(|m| user_agent.contains(m))
    {
        return None;
    }
    if ["CriOS/", "FxiOS/", "EdgiOS/"]
        .iter()
        .any(|m| user_agent.contains(m))
    {
        return version_after(" OS ").map(|v| ("Safari", v));
    }
    for (marker, name) in [
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
    ] {
        if let Some(version) = version_after(marker) {
            return Some((name, version));
        }
    }
    if user_agent.contains("Safari/") {
        return version_after("Version/").map(|v| ("Safari", v));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_a_retention_rule() {
        let tables: Vec<&str> = include_str!("entities/mod.rs")
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub mod "))
            .filter_map(|l| l.strip_suffix(';'))
            .collect();
        assert!(tables.len() > 10, "{tables:?}");
        for table in &tables {
            assert!(
                RETENTION.iter().any(|(t, _)| t == table),
                "{table} has no retention rule in policy::RETENTION"
            );
        }
        for (table, _) in RETENTION {
            assert!(
                tables.contains(table) || SHARED_STATE_TABLES.contains(table),
                "{table} is not an entity"
            );
        }
    }

    #[test]
    fn browser_names_read_as_german_text() {
        assert_eq!(browser_names(), "Chrome, Firefox, Edge oder Safari");
    }

    #[test]
    fn real_user_agents_are_recognised() {
        use BrowserSupport::*;
        for (agent, expected) in [
            // Chromium on Debian (the journeys' browser).
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", Supported),
            // Firefox ESR 115 on Debian, and an old Firefox.
            ("Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0", Supported),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:102.0) Gecko/20100101 Firefox/102.0", Outdated { name: "Firefox", min_version: 115 }),
            // Edge says Chrome too.
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36 Edg/108.0.1462.54", Outdated { name: "Edge", min_version: 109 }),
            // Safari on an iPhone, new and old.
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", Supported),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 14_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.1.2 Mobile/15E148 Safari/604.1", Outdated { name: "Safari", min_version: 15 }),
            // Chrome on an iPhone runs the system's Safari engine: the system's version counts.
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 14_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1", Outdated { name: "Safari", min_version: 15 }),
            ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/120.0 Mobile/15E148 Safari/605.1.15", Supported),
            // In-app browsers and the old Edge: the feature check decides.
            ("Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36", Unknown),
            ("Mozilla/5.0 (Linux; Android 12; SM-A525F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/98.0.4758.101 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/350.0.0.14.108;]", Unknown),
            ("Mozilla/5.0 (Linux; Android 10; ELE-L29; HMSCore 6.11.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.0.322 Mobile Safari/537.36", Unknown),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582", Unknown),
            // Chrome on an iPhone, current system.
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1", Supported),
            // Chrome on Android.
            ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 Mobile Safari/537.36", Outdated { name: "Chrome", min_version: 109 }),
            // Opera and Samsung Internet: the feature check decides.
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0", Unknown),
            ("Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", Unknown),
            ("", Unknown),
            ("curl/8.5.0", Unknown),
        ] {
            assert_eq!(browser_support(agent), expected, "{agent}");
        }
    }
}
