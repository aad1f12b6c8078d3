//! The e-mails to the patient about an appointment: invitation (with the access code), change
//! and cancellation, each with an `.ics` for the patient's calendar.

use super::access_code::AccessCode;
use super::ics::{self, IcsEvent, Method};
use crate::email::mailer::Attachment;
use crate::email::outbox::NewEmail;
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

/// The entry page's address with the code in the fragment (`#code=ABCD-EFGH-JKMN`): the page
/// fills the field from it, and browsers never send a fragment to the server, so the code does
/// not reach requests, proxies or logs. The `.ics` keeps the bare address.
pub fn link_with_code(patient_url: &str, code: &AccessCode) -> String {
    format!("{patient_url}#code={}", code.display())
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
        letter = match mail.code {
            Some(code) => letter
                .link(
                    t("email-appointment-link", &[]),
                    &link_with_code(mail.patient_url, code),
                )
                .paragraphs(&t("email-appointment-code", &[]))
                .code(code.display())
                .paragraphs(&t("email-appointment-code-validity", &[])),
            None => {
                let note = if mail.kind == MailKind::Reminder {
                    "email-appointment-code-in-invitation"
                } else {
                    "email-appointment-code-unchanged"
                };
                letter
                    .link(t("email-appointment-link", &[]), mail.patient_url)
                    .paragraphs(&t(note, &[]))
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::templates::tests::assert_fully_rendered;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn practice() -> practice::Model {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        practice::Model {
            id: Uuid::nil(),
            name: "Praxis am Markt & Co".into(),
            street: "Marktplatz 3".into(),
            postcode: "04109".into(),
            city: "Leipzig".into(),
            phone: "0341 1234567".into(),
            kv_region: crate::fields::KvRegion::Sachsen,
            bsnr: "981234500".into(),
            billing_name: None,
            billing_street: None,
            billing_postcode: None,
            billing_city: None,
            iban: None,
            account_holder: None,
            plan: crate::practice::types::Plan::Basis,
            contract_started_on: None,
            terms_accepted_at: Some(now),
            terms_version: crate::policy::TERMS_VERSION.into(),
            default_duration_minutes: 50,
            reminders_enabled: true,
            consent_paragraph: None,
            cancelled_at: None,
            contract_ends_on: None,
            deletion_at: None,
            reminder_month_sent_at: None,
            reminder_week_sent_at: None,
            short_name: None,
            public_page_enabled: false,
            public_intro: None,
            guide_in_invitation: true,
            created_at: now,
            updated_at: now,
        }
    }

    fn appointment() -> appointment::Model {
        let starts_at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        appointment::Model {
            id: Uuid::nil(),
            practice_id: Uuid::nil(),
            doctor_id: Uuid::nil(),
            patient_name: "Erika <Mustermann>".into(),
            patient_email: "erika@example.org".into(),
            starts_at,
            ends_at: starts_at + chrono::Duration::minutes(50),
            duration_minutes: 50,
            note: Some("Nur für die Praxis".into()),
            code_hash: String::new(),
            code_hash_version: 1,
            status: crate::appointment::lifecycle::AppointmentStatus::Scheduled,
            sequence: 0,
            reminder_sent_at: None,
            entered_name: None,
            arrived_at: None,
            admitted_at: None,
            finished_at: None,
            doctor_note: None,
            entry_valid_after: None,
            call_started_at: None,
            removed_at: None,
            created_at: starts_at,
            updated_at: starts_at,
        }
    }

    fn mail(kind: MailKind, code: Option<&AccessCode>, guide: Option<&str>) -> NewEmail {
        let practice = practice();
        let appointment = appointment();
        render(&AppointmentMail {
            kind,
            practice: &practice,
            doctor_name: "Dr. med. Anna Beispiel",
            appointment: &appointment,
            code,
            patient_url: "https://video.example.de/videosprechstunde",
            consent_url: "https://video.example.de/einwilligung/x.pdf",
            guide_url: guide,
            organizer_email: "no-reply@video.example.de",
            stamp: appointment.created_at,
        })
    }

    #[test]
    fn every_appointment_mail_renders_completely() {
        let code = AccessCode::parse("ABCD-EFGH-JKMN").unwrap();
        let guide = Some("https://video.example.de/anleitung/x.pdf");
        for kind in [
            MailKind::Invitation,
            MailKind::Change,
            MailKind::Cancellation,
            MailKind::Reminder,
        ] {
            for (code, guide) in [(Some(&code), guide), (None, None)] {
                let mail = mail(kind, code, guide);
                assert_fully_rendered(&mail);
                assert!(!mail.text.contains("Nur für die Praxis"), "{kind:?}");
            }
        }
    }

    #[test]
    fn a_new_code_is_boxed_in_html_and_carried_in_the_links_fragment() {
        let code = AccessCode::parse("abcd efgh jkmn").unwrap();
        let mail = mail(MailKind::Invitation, Some(&code), None);
        let link = "https://video.example.de/videosprechstunde#code=ABCD-EFGH-JKMN";
        assert!(mail.text.contains(&format!("{link}\n")), "{}", mail.text);
        assert!(
            mail.text.contains("\n    ABCD-EFGH-JKMN\n"),
            "{}",
            mail.text
        );
        assert!(
            mail.html.contains(&format!(r#"<a href="{link}""#)),
            "{}",
            mail.html
        );
        let boxed = mail
            .html
            .find(">ABCD-EFGH-JKMN</p>")
            .expect("the code boxed");
        let tag = &mail.html[mail.html[..boxed].rfind("<p").unwrap()..boxed];
        assert!(
            tag.contains("monospace") && tag.contains("border:"),
            "{tag}"
        );
        // Without a new code the link is the bare address.
        let change = mail_without_code();
        assert!(!change.text.contains("#code="), "{}", change.text);
        assert!(change
            .text
            .contains("https://video.example.de/videosprechstunde\n"));
    }

    fn mail_without_code() -> NewEmail {
        mail(MailKind::Change, None, None)
    }
}
