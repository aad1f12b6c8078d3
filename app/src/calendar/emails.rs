//! The e-mails about an appointment to the patient and to each further person invited to it
//! (issue 25): invitation (with the person's own access code), change and cancellation, each
//! with an `.ics` for their calendar, and the reminder.

use super::access_code::AccessCode;
use super::ics::{self, IcsEvent, Method};
use super::types::GuestRole;
use crate::email::mailer::Attachment;
use crate::email::outbox::NewEmail;
use crate::email::templates::{t, Letter, Recipient};
use crate::entities::{appointment, appointment_guest, practice};
use crate::time::{german_long_date, german_time};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Invitation,
    Change,
    Cancellation,
    /// 24 hours before; no calendar attachment (nothing changed).
    Reminder,
}

impl MailKind {
    fn key(self, guest: bool) -> &'static str {
        match (self, guest) {
            (MailKind::Invitation, false) => "appointment-invite",
            (MailKind::Change, false) => "appointment-change",
            (MailKind::Cancellation, false) => "appointment-cancel",
            (MailKind::Reminder, false) => "appointment-reminder",
            (MailKind::Invitation, true) => "appointment-guest-invite",
            (MailKind::Change, true) => "appointment-guest-change",
            (MailKind::Cancellation, true) => "appointment-guest-cancel",
            (MailKind::Reminder, true) => "appointment-guest-reminder",
        }
    }
}

/// Whom an appointment e-mail goes to: the patient, or a further person with an own calendar
/// entry (`UID`, `SEQUENCE`) and an own code. A guest's e-mail never names the patient.
#[derive(Debug, Clone, Copy)]
pub struct Invitee<'a> {
    pub uid: Uuid,
    pub sequence: i32,
    pub name: &'a str,
    pub email: &'a str,
    /// `None` for the patient.
    pub role: Option<GuestRole>,
}

impl<'a> Invitee<'a> {
    pub fn patient(a: &'a appointment::Model) -> Self {
        Self {
            uid: a.id,
            sequence: a.sequence,
            name: &a.patient_name,
            email: &a.patient_email,
            role: None,
        }
    }

    pub fn guest(g: &'a appointment_guest::Model) -> Self {
        Self {
            uid: g.id,
            sequence: g.sequence,
            name: &g.name,
            email: &g.email,
            role: Some(g.role),
        }
    }
}

/// Everything one appointment e-mail needs.
pub struct AppointmentMail<'a> {
    pub kind: MailKind,
    pub practice: &'a practice::Model,
    pub doctor_name: &'a str,
    pub appointment: &'a appointment::Model,
    pub to: Invitee<'a>,
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
    let invitee = mail.to;
    let date = german_long_date(a.starts_at);
    let time = german_time(a.starts_at);
    let duration = a.duration_minutes.to_string();
    let browsers = crate::policy::browser_names();
    let early = crate::policy::ARRIVE_EARLY_MINUTES.to_string();
    let role = invitee
        .role
        .map(|r| t(r.label_key(), &[]))
        .unwrap_or_default();
    let args: Vec<(&str, &str)> = vec![
        ("role", &role),
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
        email: invitee.email,
        name: invitee.name,
        practice_id: Some(mail.practice.id),
        practice_name: &mail.practice.name,
    };
    let key = mail.kind.key(invitee.role.is_some());
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
        // The consent is the patient's; a guest signs none.
        if mail.kind != MailKind::Reminder && invitee.role.is_none() {
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
        uid: invitee.uid,
        sequence: u32::try_from(invitee.sequence).unwrap_or_default(),
        method,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        summary: &summary,
        description: &description,
        url: mail.patient_url,
        organizer_name: &mail.practice.name,
        organizer_email: mail.organizer_email,
        attendee_name: invitee.name,
        attendee_email: invitee.email,
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
            calendar_version: 0,
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
            to: Invitee::patient(&appointment),
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

    fn guest_mail(kind: MailKind, code: Option<&AccessCode>) -> NewEmail {
        let practice = practice();
        let appointment = appointment();
        let starts_at = appointment.starts_at;
        let guest = appointment_guest::Model {
            id: Uuid::from_u128(7),
            appointment_id: appointment.id,
            practice_id: practice.id,
            name: "Dana Dolmetscherin".into(),
            email: "dana@example.org".into(),
            role: GuestRole::Interpreter,
            code_hash: String::new(),
            code_hash_version: 1,
            sequence: 3,
            uninvited_at: None,
            entered_name: None,
            arrived_at: None,
            admitted_at: None,
            removed_at: None,
            entry_valid_after: None,
            doctor_note: None,
            created_at: starts_at,
            updated_at: starts_at,
        };
        render(&AppointmentMail {
            kind,
            practice: &practice,
            doctor_name: "Dr. med. Anna Beispiel",
            appointment: &appointment,
            to: Invitee::guest(&guest),
            code,
            patient_url: "https://video.example.de/videosprechstunde",
            consent_url: "https://video.example.de/einwilligung/x.pdf",
            guide_url: None,
            organizer_email: "no-reply@video.example.de",
            stamp: starts_at,
        })
    }

    #[test]
    fn a_guests_mail_is_their_own_and_never_names_the_patient() {
        let code = AccessCode::parse("ABCD-EFGH-JKMN").unwrap();
        for (kind, code) in [
            (MailKind::Invitation, Some(&code)),
            (MailKind::Change, None),
            (MailKind::Cancellation, None),
            (MailKind::Reminder, None),
        ] {
            let mail = guest_mail(kind, code);
            assert_fully_rendered(&mail);
            assert_eq!(mail.to, "dana@example.org", "{kind:?}");
            let text = &mail.text;
            assert!(text.contains("Guten Tag Dana Dolmetscherin"), "{text}");
            assert!(text.contains("als Dolmetscher/in"), "{kind:?}: {text}");
            assert!(
                !text.contains("Erika") && !mail.html.contains("Erika"),
                "the patient's name stays out of a guest's mail: {text}"
            );
            assert!(
                !text.contains("Einverständniserklärung"),
                "the consent is the patient's: {text}"
            );
            if let Some(ics) = &mail.attachment {
                let body = ics.body.replace("\r\n ", "");
                assert!(
                    body.contains(&format!("UID:{}@sprechzimmer", Uuid::from_u128(7))),
                    "the guest's own calendar entry: {body}"
                );
                assert!(body.contains("SEQUENCE:3"), "{body}");
                assert!(body.contains("mailto:dana@example.org"), "{body}");
                assert!(!body.contains("erika@example.org"), "{body}");
            } else {
                assert_eq!(kind, MailKind::Reminder);
            }
        }
        let invitation = guest_mail(MailKind::Invitation, Some(&code));
        assert!(invitation.text.contains("ABCD-EFGH-JKMN"));
        assert!(invitation
            .subject
            .starts_with("Einladung zur Videosprechstunde"));
        let cancel = guest_mail(MailKind::Cancellation, None);
        assert!(
            cancel.text.contains("Ihr Zugangscode ist ungültig"),
            "{}",
            cancel.text
        );
    }
}
