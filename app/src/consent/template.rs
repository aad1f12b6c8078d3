//! The Einverständniserklärung zur Videosprechstunde: the consent form a patient reads, signs
//! and returns to the practice before being treated by video, rendered as an A4 PDF.

use crate::pdf::Document;

/// Title of the form, also the PDF's title.
pub const TITLE: &str = "Einverständniserklärung zur Videosprechstunde";
/// Label of the field with the patient's name.
pub const PATIENT_NAME_LABEL: &str = "Name der Patientin / des Patienten";
/// The practice's notes are limited by the caller already; these bounds keep the form a form
/// even if that limit changes (one note per line must not run to dozens of pages).
const MAX_PRACTICE_CHARS: usize = 2000;
const MAX_PRACTICE_PARAGRAPHS: usize = 20;
/// Room the declaration and its signature lines need, so they are never split by a page break.
const DECLARATION_MM: f32 = 65.0;

/// Everything on the consent form that differs between practices and patients.
#[derive(Clone, Debug)]
pub struct ConsentTemplate<'a> {
    /// The practice's name, e.g. "Hausarztpraxis Dr. Beispiel".
    pub practice_name: &'a str,
    /// The practice's address, one entry per line.
    pub practice_address: Vec<String>,
    /// Printed into the name field when known; otherwise the field stays blank to write on.
    pub patient_name: Option<&'a str>,
    /// The practice's own notes ("Hinweise der Praxis"); each line becomes a paragraph.
    pub practice_paragraph: Option<&'a str>,
    /// The video service's name, "Sprechzimmer".
    pub service_name: &'a str,
}

impl ConsentTemplate<'_> {
    /// The form as PDF bytes, identical for identical input.
    #[must_use]
    pub fn render(&self) -> Vec<u8> {
        self.layout().finish()
    }

    fn layout(&self) -> Document {
        let service = self.service_name;
        let mut doc = Document::new(TITLE);
        doc.heading(TITLE)
            .address(self.practice_name, &self.practice_address)
            .field_line(
                PATIENT_NAME_LABEL,
                self.patient_name.filter(|name| !name.trim().is_empty()),
            )
            .space(2.0)
            .paragraph(
                "Ihre Praxis bietet Ihnen an, einen Teil Ihrer Behandlung per Video \
                 durchzuführen. Dafür braucht sie Ihr schriftliches Einverständnis. Bitte lesen \
                 Sie die folgenden Informationen in Ruhe durch. Wenn Sie Fragen haben, wenden \
                 Sie sich gern an die Praxis.",
            );

        let mut sections = 0;
        let mut section = |doc: &mut Document, title: &str| {
            sections += 1;
            doc.subheading(&format!("{sections}. {title}"));
        };

        section(&mut doc, "Was ist eine Videosprechstunde?");
        doc.paragraph(
            "In einer Videosprechstunde sprechen Sie mit Ihrer Ärztin oder Ihrem Arzt über eine \
             Videoverbindung, statt in die Praxis zu kommen. Sie sehen und hören einander wie bei \
             einem Videoanruf. Ihre Ärztin oder Ihr Arzt entscheidet jedes Mal, ob Ihr Anliegen \
             dafür geeignet ist. Ist eine Untersuchung vor Ort nötig, werden Sie in die Praxis \
             gebeten.",
        )
        // No-break spaces keep each phone number on one line.
        .bold_paragraph(
            "Die Videosprechstunde ist nicht für Notfälle gedacht. Im Notfall rufen Sie sofort \
             den Rettungsdienst unter 112 an. Brauchen Sie außerhalb der Sprechzeiten ärztliche \
             Hilfe, erreichen Sie den ärztlichen Bereitschaftsdienst unter 116\u{a0}117.",
        );

        section(&mut doc, "Was Sie dafür brauchen");
        doc.paragraph(&format!(
            "Die Praxis führt die Videosprechstunde mit dem Dienst „{service}“ durch. Dafür \
             brauchen Sie:"
        ))
        .bullets(&[
            "ein Smartphone, ein Tablet oder einen Computer mit Kamera, Mikrofon und \
             Lautsprecher (oder Kopfhörer),",
            "einen aktuellen Internetbrowser, zum Beispiel Firefox, Chrome, Edge oder Safari,",
            "eine stabile Internetverbindung.",
        ])
        .paragraph(
            "Sie müssen keine App installieren und kein Benutzerkonto anlegen. Suchen Sie sich \
             für das Gespräch bitte einen ruhigen Ort, an dem Sie ungestört sind und niemand \
             mithört.",
        );

        section(&mut doc, "Datenschutz: So werden Ihre Daten geschützt");
        let transport = format!(
            "Bild und Ton gehen direkt von Ihrem Browser zum Browser der Praxis (Peer-to-Peer) \
             und sind Ende-zu-Ende-verschlüsselt. Auch der Anbieter von {service} kann das \
             Gespräch weder sehen noch hören."
        );
        doc.bullets(&[
            transport.as_str(),
            "Niemand zeichnet das Gespräch auf – weder die Praxis noch der Anbieter. Auch Sie \
             dürfen das Gespräch nicht aufzeichnen, weder mit Bild noch mit Ton.",
            "Der Anbieter sieht nur technische Verbindungsdaten, zum Beispiel wann eine \
             Verbindung begonnen hat und wie lange sie gedauert hat. Diese Daten werden \
             spätestens nach drei Monaten gelöscht.",
            "Die Praxis dokumentiert Ihre Behandlung wie bei jedem Praxisbesuch in Ihrer \
             Patientenakte.",
            "Diese unterschriebene Erklärung bewahrt die Praxis verschlüsselt auf, sodass nur \
             die Praxis sie lesen kann.",
        ]);

        section(&mut doc, "Ihre Rechte");
        // No-break spaces keep the legal citations in one piece.
        doc.bullets(&[
            "Ihre Einwilligung ist freiwillig.",
            "Sie können sie jederzeit ohne Angabe von Gründen für die Zukunft widerrufen, zum \
             Beispiel mündlich oder schriftlich gegenüber der Praxis. Was bis dahin geschehen \
             ist, bleibt davon unberührt.",
            "Wenn Sie nicht einwilligen oder widerrufen, hat das keine Nachteile für Ihre \
             Behandlung: Sie werden dann wie gewohnt in der Praxis behandelt.",
            "Rechtsgrundlage für die Verarbeitung Ihrer Gesundheitsdaten in der \
             Videosprechstunde ist Ihre ausdrückliche Einwilligung \
             (Art.\u{a0}9\u{a0}Abs.\u{a0}2\u{a0}lit.\u{a0}a\u{a0}DSGVO).",
            "Sie haben das Recht auf Auskunft über Ihre gespeicherten Daten, auf Berichtigung \
             und auf Löschung, soweit keine gesetzliche Aufbewahrungspflicht entgegensteht \
             (Art.\u{a0}15–17\u{a0}DSGVO).",
            "Sie können sich bei einer Aufsichtsbehörde für den Datenschutz beschweren, zum \
             Beispiel bei der Datenschutzbehörde Ihres Bundeslandes.",
        ])
        .paragraph(
            "Für einen Widerruf und bei Fragen zu Ihren Daten wenden Sie sich bitte an die \
             Praxis (Anschrift oben).",
        );

        let notes = self
            .practice_paragraph
            .map(practice_notes)
            .unwrap_or_default();
        if !notes.is_empty() {
            section(&mut doc, "Hinweise der Praxis");
            for note in &notes {
                doc.paragraph(note);
            }
        }

        doc.ensure_space(DECLARATION_MM);
        section(&mut doc, "Erklärung");
        doc.bold_paragraph(&format!(
            "Ich habe die Informationen in dieser Erklärung gelesen und verstanden und hatte \
             Gelegenheit, Fragen zu stellen. Ich willige ein, dass meine Behandlung auch in \
             Videosprechstunden über „{service}“ stattfinden kann und dass meine Daten dafür \
             wie oben beschrieben verarbeitet werden."
        ))
        .signature_lines(&[
            "Ort, Datum",
            "Unterschrift der Patientin / des Patienten (bei Minderjährigen: der \
             Sorgeberechtigten)",
        ]);
        doc
    }
}

/// The practice's free text as paragraphs: one per non-empty line, cut to the form's limits
/// (the lines beyond the last paragraph are joined into it rather than dropped).
fn practice_notes(text: &str) -> Vec<String> {
    let mut kept: String = text.chars().take(MAX_PRACTICE_CHARS).collect();
    if kept.len() < text.len() {
        kept.push('…');
    }
    let mut notes: Vec<String> = kept
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if notes.len() > MAX_PRACTICE_PARAGRAPHS {
        let rest = notes.split_off(MAX_PRACTICE_PARAGRAPHS - 1).join(" ");
        notes.push(rest);
    }
    notes
}

#[cfg(test)]
mod tests;
