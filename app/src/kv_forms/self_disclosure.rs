//! "Selbstauskunft nach § 31b BMV-Ä": the operator's declaration, for one practice, of how the
//! video service meets each requirement of Anlage 31b.

use super::requirements::{AS_OF, REQUIREMENTS};
use crate::entities::practice;
use crate::pdf::Document;
use crate::site::types::OperatorInfo;

/// The document's title (also in the footer of every page).
pub const TITLE: &str = "Selbstauskunft nach Anlage 31b BMV-Ä";

/// The self-disclosure for `practice`, signed by the operator.
pub fn render(operator: &OperatorInfo, practice: &practice::Model, service: &str) -> Vec<u8> {
    let mut doc = Document::new(TITLE);
    super::documents::operator_letterhead(&mut doc, operator);
    doc.space(6.0)
    .heading(TITLE)
    .paragraph(&format!(
        "Videodienst „{service}“. Der Betreiber erklärt für die unten genannte Praxis, wie der Dienst die Anforderungen der Anlage 31b zum Bundesmantelvertrag-Ärzte (Vereinbarung über die Anforderungen an die technischen Verfahren zur Videosprechstunde) erfüllt. Stand: {AS_OF}."
    ))
    .field_line("Praxis", Some(&practice.name))
    .field_line(
        "Anschrift",
        Some(&format!(
            "{}, {} {}",
            practice.street, practice.postcode, practice.city
        )),
    )
    .field_line("Betriebsstättennummer (BSNR)", Some(&practice.bsnr))
    .space(4.0);
    for (n, requirement) in REQUIREMENTS.iter().enumerate() {
        doc.subheading(&format!("{}. {}", n + 1, requirement.title))
            .paragraph(requirement.how);
    }
    doc.space(4.0)
        .small_print(
            "Hinweis: Die Angaben beschreiben den Dienst, wie er vom Betreiber betrieben wird. Anforderungen an die Praxis selbst (Räume mit Privatsphäre, Einwilligung, Dokumentation) bleiben Sache der Praxis.",
        )
        .signature_lines(&[
            "Ort, Datum".to_owned(),
            format!("Unterschrift für {}", operator.name),
        ])
        .finish()
}
