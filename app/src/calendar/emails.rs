//! The e-mails to the patient about an appointment: invitation (with the access code), change
//! and cancellation, each with an `.ics` for the patient's calendar.

use super::access_code::AccessCode;
use super::ics::{self, IcsEvent, Method};
use crate::email::outbox::{Attachment, NewEmail};
use crate::email::templates::{t, Letter, Recipient};
use crate::entities::{appointment, practice};
use crate::time::{german_long_date, german_time};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Invitation,
    Change,
    Cancellation,
    /// 24 hours before; no calendar attachment (nothing changed).
    Reminder,
}

impl MailKind {
    fn key(self) -> &'static str {
        match self {
            MailKind::Invitation => "appointment-invite",
            MailKind::Change => "appointment-change",
            MailKind::Cancellation => "appointment-cancel",
            MailKind::Reminder => "appointment-reminder",
        }
    }
}

/// Everything one appointment e-mail needs.
pub struct AppointmentMail<'a> {
    pub kind: MailKind,
    pub practice: &'a practice::Model,
    pub doctor_name: &'a str,
    pub appointment: &'a appointment::Model,
    /// The code in plain text: only for a new code (invitation, or a change with a new code).
    pub code: Option<&'a AccessCode>,
    pub patient_url: &'a str,
    /// The practice's consent form (Einverständniserklärung) as PDF, without patient data.
    pub consent_url: &'a str,
    /// The patient guide as PDF, when the practice sends it along.
    pub guide_url: Option<&'a str>,
    /// Bare sending address, the organizer in the `.ics`.
    pub organizer_email: &'a str,
    pub stamp: DateTime<Utc>,
}

/// The e-mail with its `.ics` attachment.
pub fn render(mail: &AppointmentMail<'_>) -> NewEmail {
    let a = mail.appointment;
    let date = german_long_date(a.starts_at);
    let time = german_time(a.starts_at);
    let duration = a.duration_minutes.to_string();
    let browsers = crate::policy::browser_names();
    let early = crate::policy::ARRIVE_EARLY_MINUTES.to_string();
    let args: Vec<(&str, &str)> = vec![
        ("browsers", &browsers),
        ("early", &early),
        ("doctor", mail.doctor_name),
        ("date", &date),
        ("time", &time),
        ("duration", &duration),
        ("url", mail.patient_url),
        ("phone", &mail.practice.phone),
    ];
    let to = Recipient {
        email: &a.patient_email,
        name: &a.patient_name,
        practice_id: Some(mail.practice.id),
        practice_name: &mail.practice.name,
    };
    let key = mail.kind.key();
    let mut letter = Letter::new(key, &to, &args);
    if mail.kind != MailKind::Cancellation {
        letter = letter.link(t("email-appointment-link", &[]), mail.patient_url);
        letter = match mail.code {
            Some(code) => {
                letter.paragraphs(&t("email-appointment-code", &[("code", &code.display())]))
            }
            None if mail.kind == MailKind::Reminder => {
                letter.paragraphs(&t("email-appointment-code-in-invitation", &[]))
            }
            None => letter.paragraphs(&t("email-appointment-code-unchanged", &[])),
        };
        letter = letter.paragraphs(&t("email-appointment-needs", &args));
        if let Some(url) = mail.guide_url {
            letter = letter.link(t("email-appointment-guide-link", &[]), url);
        }
        if mail.kind != MailKind::Reminder {
            letter = letter
                .paragraphs(&t("email-appointment-consent", &[]))
                .link(t("email-appointment-consent-link", &[]), mail.consent_url);
        }
    }
    let closing = if mail.kind == MailKind::Cancellation {
        "email-appointment-rebook"
    } else {
        "email-appointment-cancel-how"
    };
    letter = letter.paragraphs(&t(closing, &args));
    let summary = t(
        "email-appointment-ics-summary",
        &[
            ("doctor", mail.doctor_name),
            ("practice", &mail.practice.name),
        ],
    );
    let description = t("email-appointment-ics-description", &args);
    let method = if mail.kind == MailKind::Cancellation {
        Method::Cancel
    } else {
        Method::Request
    };
    let calendar = ics::render(&IcsEvent {
        uid: a.id,
        sequence: u32::try_from(a.sequence).unwrap_or_default(),
        method,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        summary: &summary,
        description: &description,
        url: mail.patient_url,
        organizer_name: &mail.practice.name,
        organizer_email: mail.organizer_email,
        attendee_name: &a.patient_name,
        attendee_email: &a.patient_email,
        stamp: mail.stamp,
    });
    let email = letter.into_email(&to);
    if mail.kind == MailKind::Reminder {
        return email;
    }
    email.with_attachment(Attachment {
        filename: "termin.ics".to_owned(),
        content_type: ics::content_type(method).to_owned(),
        body: calendar,
    })
}
