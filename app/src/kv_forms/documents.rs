//! The two per-KV documents: the practice's form for its KV (notification or application, as
//! the KV asks) and the operator's "Bestätigung Videosprechstunde" addressed to that KV. Both
//! are prefilled with the practice's data; [`crate::pdf`] sets filled-in values apart from the
//! printed form.

use super::kvs::{self, Procedure};
use super::requirements::REQUIREMENTS;
use crate::entities::{practice, practice_user};
use crate::fields::KvRegion;
use crate::pdf::Document;
use crate::settings::CertificateSettings;
use crate::site::types::OperatorInfo;
use chrono::NaiveDate as Date;

/// Everything a KV document is filled with.
pub struct Filling<'a> {
    pub kv: KvRegion,
    pub practice: &'a practice::Model,
    /// The physician or psychotherapist the form is for; `None` leaves their lines blank.
    pub doctor: Option<&'a practice_user::Model>,
    /// Contact address of the practice on the form (the doctor's or the requester's).
    pub email: &'a str,
    /// When the practice starts video consultations, as the doctor entered it.
    pub start: Option<Date>,
    pub operator: &'a OperatorInfo,
    pub certificates: &'a [CertificateSettings],
    /// The video service's name.
    pub service: &'a str,
}

impl Filling<'_> {
    fn doctor_name(&self) -> Option<String> {
        self.doctor.map(crate::practice::auth::display_name)
    }

    fn practice_address(&self) -> String {
        format!(
            "{}, {} {}",
            self.practice.street, self.practice.postcode, self.practice.city
        )
    }

    fn certificate_lines(&self) -> Vec<String> {
        self.certificates
            .iter()
            .map(|c| {
                format!(
                    "{}: {}, Nr. {}, gültig bis {}",
                    c.title, c.issuer, c.number, c.valid_until
                )
            })
            .collect()
    }
}

/// The operator as letterhead, marked when its details are still the shipped examples.
pub(super) fn operator_letterhead(doc: &mut Document, operator: &OperatorInfo) {
    doc.address(
        &operator.name,
        &[
            operator.street.clone(),
            format!("{} {}", operator.postcode, operator.city),
            format!("E-Mail: {}, Telefon: {}", operator.email, operator.phone),
        ],
    );
    example_notice(doc, operator);
}

/// Marks operator details that are still the shipped examples.
fn example_notice(doc: &mut Document, operator: &OperatorInfo) {
    if operator.example {
        doc.bold_paragraph(
            "Beispielangaben: Die Angaben zum Betreiber stammen aus der Grundeinstellung und sind noch nicht durch die echten Angaben des Betreibers ersetzt. So nicht einreichen.",
        );
    }
}

/// The practice's form for its KV, with a second page of notes for the practice itself.
pub fn application(f: &Filling<'_>) -> Vec<u8> {
    let facts = kvs::facts(f.kv);
    let title = facts.procedure.document_title();
    let mut doc = Document::new(&format!("{title} – {}", f.kv.abbreviation()));
    let doctor = f.doctor;
    let mut sender = Vec::new();
    if let Some(name) = f.doctor_name() {
        sender.push(name);
    }
    sender.push(f.practice.street.clone());
    sender.push(format!("{} {}", f.practice.postcode, f.practice.city));
    sender.push(format!(
        "Telefon: {}, E-Mail: {}",
        f.practice.phone, f.email
    ));
    doc.address(&f.practice.name, &sender)
        .space(4.0)
        .address("An die", &[f.kv.display_name()])
        .field_line("Abteilung, Anschrift", None)
        .heading(title)
        .paragraph(&match facts.procedure {
            Procedure::Approval => format!(
                "Hiermit beantrage ich die Genehmigung, Videosprechstunden nach Anlage 31b des Bundesmantelvertrags-Ärzte (BMV-Ä) durchzuführen und abzurechnen. Ich nutze dafür den zertifizierten Videodienst „{}“.",
                f.service
            ),
            _ => format!(
                "Hiermit zeige ich an, dass ich Videosprechstunden nach Anlage 31b des Bundesmantelvertrags-Ärzte (BMV-Ä) durchführe und abrechne. Ich nutze dafür den zertifizierten Videodienst „{}“.",
                f.service
            ),
        })
        .subheading("1. Ärztin/Arzt bzw. Psychotherapeutin/Psychotherapeut")
        .field_line("Titel", doctor.map(|d| d.title.as_str()).filter(|t| !t.is_empty()))
        .field_line(
            "Vorname, Name",
            doctor.map(|d| format!("{} {}", d.first_name, d.last_name)).as_deref(),
        )
        .field_line("Fachgebiet", doctor.map(|d| d.specialty.as_str()).filter(|s| !s.is_empty()))
        .field_line(
            "Lebenslange Arztnummer (LANR)",
            doctor.and_then(|d| d.lanr.as_deref()),
        )
        .subheading("2. Praxis")
        .field_line("Praxis", Some(&f.practice.name))
        .field_line("Betriebsstättennummer (BSNR)", Some(&f.practice.bsnr))
        .field_line("Anschrift", Some(&f.practice_address()))
        .field_line("Telefon", Some(&f.practice.phone))
        .field_line("E-Mail", Some(f.email))
        .subheading("3. Videosprechstunde")
        .field_line(
            "Beginn der Videosprechstunden",
            f.start.map(crate::time::german_date).as_deref(),
        )
        .field_line("Videodienst", Some(f.service))
        .field_line(
            "Videodienstanbieter",
            Some(&format!("{}, {}", f.operator.name, f.operator.address_line())),
        );
    let certificates = f.certificate_lines();
    if certificates.is_empty() {
        doc.field_line("Zertifikat des Anbieters (Nr., gültig bis)", None);
    } else {
        for line in &certificates {
            doc.field_line("Zertifikat", Some(line));
        }
    }
    example_notice(&mut doc, f.operator);
    // The declaration and its signature lines on one page: a signature alone on a page
    // signs nothing.
    doc.keep_together(declaration);
    notes_for_the_practice(&mut doc, f);
    doc.finish()
}

/// Section 4 of the form: what the doctor declares, the enclosures and the signature lines.
fn declaration(doc: &mut Document) {
    doc.subheading("4. Erklärung")
        .paragraph("Ich erkläre, dass")
        .bullets(&[
            "ich für Videosprechstunden ausschließlich einen nach Anlage 31b § 5 BMV-Ä zertifizierten Videodienstanbieter nutze und dessen Bestätigung beilege,",
            "die Videosprechstunde in geschlossenen Räumen stattfindet, die eine angemessene Privatsphäre sicherstellen, und nicht aufgezeichnet wird,",
            "ich die Einwilligung der Patientinnen und Patienten vor der ersten Videosprechstunde einhole,",
            "ich der KV einen Wechsel des Videodienstanbieters und das Ende der Videosprechstunden mitteile.",
        ])
        .paragraph("Anlagen: Bestätigung Videosprechstunde des Videodienstanbieters, Selbstauskunft nach Anlage 31b BMV-Ä, Zertifikate des Anbieters (soweit vorhanden).")
        .signature_lines(&[
            "Ort, Datum",
            "Unterschrift Ärztin/Arzt bzw. Psychotherapeut/in, Praxisstempel",
        ]);
}

/// Page 2: what the KV asks and where it goes; not to be sent in.
fn notes_for_the_practice(doc: &mut Document, f: &Filling<'_>) {
    let facts = kvs::facts(f.kv);
    let kv = f.kv.display_name();
    doc.page_break()
        .heading("Hinweise für Ihre Praxis (nicht mit einsenden)")
        .subheading(&format!("Was die {kv} verlangt"));
    match facts.procedure {
        Procedure::Unknown => {
            doc.paragraph(&format!(
                "Ob die {kv} eine Anzeige, einen Antrag auf Genehmigung oder nichts davon verlangt und wohin Sie die Unterlagen senden, konnten wir nicht aus einer Veröffentlichung der KV selbst belegen. Bitte fragen Sie Ihre KV (Mitgliederportal oder Abteilung Qualitätssicherung), bevor Sie Videosprechstunden abrechnen. Hat sie ein eigenes Formular, übertragen Sie die Angaben dorthin."
            ));
        }
        Procedure::NotRequired => {
            doc.paragraph(&format!(
                "Nach Angabe der {kv} ist weder eine Anzeige noch ein Antrag nötig. Das Formular brauchen Sie dann nicht einzureichen; bewahren Sie die Bestätigung des Anbieters trotzdem auf."
            ));
        }
        Procedure::Notification | Procedure::Approval => {}
    }
    if let Some(note) = facts.note {
        doc.paragraph(note);
    }
    if let Some(send_to) = facts.send_to {
        doc.paragraph(&format!("Einreichen: {send_to}."));
    }
    if let Some(source) = facts.source {
        doc.small_print(&format!(
            "Quelle: {} (Stand der Seite: {}). Regeln der KVen ändern sich; prüfen Sie im Zweifel dort nach.",
            source.url, source.dated
        ));
    }
    doc.subheading("So gehen Sie vor")
        .bullets(&[
            "Das Formular prüfen, fehlende Angaben von Hand ergänzen (z. B. die Anschrift der KV), unterschreiben und stempeln.",
            "Die „Bestätigung Videosprechstunde“ und die „Selbstauskunft“ aus dem Bereich KV-Antrag beilegen, dazu die Zertifikate des Anbieters, soweit dort angeboten.",
            "Eine Kopie für Ihre Unterlagen behalten.",
        ])
        .small_print(&format!(
            "Wir tragen keine Anschrift einer KV ein, die wir nicht selbst geprüft haben. Stand dieser Hinweise: {}.",
            kvs::AS_OF
        ));
}

/// The operator's general confirmation for the practice's KV.
pub fn confirmation(f: &Filling<'_>) -> Vec<u8> {
    let title = "Bestätigung Videosprechstunde";
    let mut doc = Document::new(&format!("{title} – {}", f.kv.abbreviation()));
    operator_letterhead(&mut doc, f.operator);
    doc.space(4.0)
        .address("An die", &[f.kv.display_name()])
        .heading(title)
        .paragraph(&format!(
            "{} betreibt den Videodienst „{}“ und bestätigt, dass der Dienst die Anforderungen an die technischen Verfahren zur Videosprechstunde nach Anlage 31b des Bundesmantelvertrags-Ärzte (BMV-Ä) erfüllt. Die folgende Praxis nutzt den Dienst für Videosprechstunden:",
            f.operator.name, f.service
        ))
        .field_line("Praxis", Some(&f.practice.name))
        .field_line("Betriebsstättennummer (BSNR)", Some(&f.practice.bsnr))
        .field_line("Anschrift", Some(&f.practice_address()));
    if let Some(doctor) = f.doctor {
        doc.field_line("Ärztin/Arzt", f.doctor_name().as_deref())
            .field_line("LANR", doctor.lanr.as_deref());
    }
    doc.subheading("Zertifikate");
    let certificates = f.certificate_lines();
    if certificates.is_empty() {
        doc.paragraph(
            "In dieser Installation hat der Betreiber noch keine Zertifikate hinterlegt. Die Nachweise erhalten Sie auf Anfrage beim Betreiber.",
        );
    } else {
        doc.bullets(&certificates);
    }
    let promises: Vec<&str> = REQUIREMENTS.iter().map(|r| r.title).collect();
    let promised = format!(
        "{}. Wie der Dienst jede Anforderung erfüllt, beschreibt die beigefügte „Selbstauskunft nach Anlage 31b BMV-Ä“.",
        promises.join("; ")
    );
    let signatures = [
        "Ort, Datum".to_owned(),
        format!("Unterschrift für {}", f.operator.name),
    ];
    // What is promised stays on the page that is signed.
    doc.keep_together(|doc| {
        doc.subheading("Zugesichert wird insbesondere")
            .paragraph(&promised)
            .signature_lines(&signatures);
    })
    .finish()
}
