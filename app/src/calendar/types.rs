//! Types of the calendar that cross the wire or come from its forms.

use serde::{Deserialize, Serialize};

/// Appointment lengths a practice can choose (minutes); 50 is the psychotherapy session.
pub const DURATIONS: [i32; 5] = [10, 15, 20, 30, 50];

/// The appointment form as typed (create and edit).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AppointmentForm {
    pub action: String,
    pub patient_name: String,
    pub patient_email: String,
    /// `YYYY-MM-DD` (the browser's date input).
    pub date: String,
    /// `HH:MM`, Berlin wall-clock time.
    pub time: String,
    pub duration: String,
    pub note: String,
    pub doctor_id: String,
    /// `on` when the edit should come with a new access code.
    pub new_code: String,
    /// `on` to book outside the opening hours or on a blocked day anyway.
    pub confirm_outside: String,
}

/// One week of the calendar, Monday first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekView {
    /// Monday of the week, `YYYY-MM-DD`.
    pub monday: String,
    /// "11.–17. Januar 2027"
    pub label: String,
    pub previous: String,
    pub next: String,
    pub today: String,
    pub days: Vec<DayView>,
    /// Whether the viewer may change the calendar settings (owner).
    pub can_configure: bool,
    /// The day asked for (today if none), and its neighbours, for the day view.
    pub selected: String,
    pub selected_previous: String,
    pub selected_next: String,
}

/// The practice's calendar settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSettings {
    pub default_duration: i32,
    pub reminders_enabled: bool,
}

/// The settings form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    /// `settings`, `hours`, `block` or `unblock`.
    pub action: String,
    pub default_duration: String,
    /// `on` when ticked.
    pub reminders: String,
    /// Opening hours, Monday (`day0`) to Sunday (`day6`), e.g. "08:00–12:00, 14:00–18:00".
    pub day0: String,
    pub day1: String,
    pub day2: String,
    pub day3: String,
    pub day4: String,
    pub day5: String,
    pub day6: String,
    /// A blocked period to add (`YYYY-MM-DD`; the last day may be empty for one day).
    pub first_day: String,
    pub last_day: String,
    pub reason: String,
    /// The blocked period to remove.
    pub id: String,
}

/// Opening hours and blocked days as the settings page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityView {
    /// (weekday name, hours text) Monday to Sunday.
    pub days: Vec<(String, String)>,
    pub blocked: Vec<BlockedRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedRow {
    pub id: String,
    /// "18.01.2027 – 22.01.2027: Urlaub"
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayView {
    /// `YYYY-MM-DD`
    pub date: String,
    /// "Montag, 11. Januar"
    pub label: String,
    pub is_today: bool,
    /// Opening hours of the day ("08:00–12:00, 14:00–18:00"); empty when closed or unset.
    pub hours: String,
    /// Closed all day by the weekly hours (only when hours are set at all).
    pub closed: bool,
    /// Set when the day is blocked: the reason, possibly empty.
    pub blocked: Option<String>,
    pub appointments: std::sync::Arc<AppointmentList>,
}

/// A day's appointments, shared: the server keeps a practice's week between requests
/// (`crate::kept`) and every page showing it gets the same list — and its cards written
/// as HTML once ([`super::cards::day_html`]) — instead of a copy written anew.
#[derive(Debug, Default)]
pub struct AppointmentList {
    pub rows: Vec<AppointmentRow>,
    /// The cards as HTML and the language they are written in (server only).
    #[cfg(feature = "ssr")]
    pub(crate) html: std::sync::OnceLock<(crate::i18n::Locale, std::sync::Arc<str>)>,
}

impl AppointmentList {
    pub fn new(rows: Vec<AppointmentRow>) -> Self {
        Self {
            rows,
            #[cfg(feature = "ssr")]
            html: std::sync::OnceLock::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

impl PartialEq for AppointmentList {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

impl Eq for AppointmentList {}

/// On the wire the list is its rows (the written cards stay on the server).
impl Serialize for AppointmentList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.rows.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AppointmentList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(Self::new)
    }
}

/// An appointment as the calendar lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentRow {
    pub id: String,
    /// "10:00–10:50"
    pub time: String,
    pub patient_name: String,
    pub doctor_name: String,
    pub cancelled: bool,
    /// The patient's written consent (Einverständniserklärung).
    pub consent: crate::consent::types::ConsentStatus,
    /// Further persons invited (issue 25).
    pub guests: usize,
}

/// Someone in the practice who holds calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorChoice {
    pub id: String,
    pub name: String,
}

/// What the appointment form needs besides the appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormChoices {
    pub doctors: Vec<DoctorChoice>,
    /// Preselected doctor (the logged-in doctor; empty for the practice team).
    pub me: String,
    pub default_duration: i32,
}

/// One appointment for its edit page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentDetail {
    pub id: String,
    pub patient_name: String,
    pub patient_email: String,
    pub date: String,
    pub time: String,
    pub duration: i32,
    pub note: String,
    pub doctor_id: String,
    pub cancelled: bool,
    /// "Dienstag, 12. Januar 2027, 10:00 Uhr"
    pub when: String,
}

pub use crate::appointment::guest_role::GuestRole;

/// The form "Weitere Person einladen" as typed, and the guest actions (`uninvite`, `reinvite`
/// with `guest_id`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GuestForm {
    pub action: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub guest_id: String,
}

/// A further person of an appointment as its page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: GuestRole,
    /// Uninvited: the code no longer works; "Erneut einladen" sends a new one.
    pub uninvited: bool,
}

/// The guests of one appointment and how many more may be invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestList {
    pub guests: Vec<GuestRow>,
    /// Seats left for invited guests (the limit minus doctor, patient and invited guests).
    pub seats_left: usize,
    /// The limit per consultation, the doctor included.
    pub max_participants: usize,
}
