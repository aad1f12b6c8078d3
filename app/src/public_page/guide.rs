//! The patient guide "So funktioniert Ihre Videosprechstunde": a printable PDF in large print
//! (12 pt body text, three pages) with the
//! practice's name, the steps with small sketches of our own pages (their real labels), and
//! what to do when the camera is blocked, there is no sound or the connection is poor. The
//! facts come from [`crate::policy`] and the settings, like on the practice page.

use crate::pdf::{Document, Sketch};
use crate::policy;

pub const TITLE: &str = "So funktioniert Ihre Videosprechstunde";
pub const FILE_NAME: &str = "Anleitung-Videosprechstunde.pdf";

/// Whose guide it is; without a practice the guide is the general one.
#[derive(Debug, Clone, Default)]
pub struct GuidePractice {
    pub name: String,
    pub address: Vec<String>,
    pub phone: String,
}

/// The guide as PDF bytes.
pub fn render(practice: Option<&GuidePractice>, code_opens_minutes_before: i64) -> Vec<u8> {
    document(practice, code_opens_minutes_before).finish()
}

fn document(practice: Option<&GuidePractice>, code_opens_minutes_before: i64) -> Document {
    let early = policy::ARRIVE_EARLY_MINUTES;
    let browsers = policy::browser_names();
    let months = policy::METADATA_RETENTION_MONTHS;
    let mbits = policy::RECOMMENDED_UPSTREAM_KBITS / 1000;
    // Body text in 12 pt: the readers are patients of every age, often on a phone.
    let mut doc = Document::large_print(TITLE);
    doc.heading(TITLE);
    match practice {
        Some(p) => {
            let mut lines = p.address.clone();
            if !p.phone.is_empty() {
                lines.push(format!("Telefon: {}", p.phone));
            }
            doc.address(&p.name, &lines);
        }
        None => {
            doc.paragraph("Für die Videosprechstunde Ihrer Praxis.");
        }
    }
    doc.paragraph(
        "Sie sprechen mit Ihrer Praxis per Video – ohne Konto und ohne App, direkt im Browser. \
         Diese Anleitung zeigt Schritt für Schritt, wie das geht, und was Sie tun können, wenn \
         etwas nicht klappt.",
    );
    doc.subheading("Das brauchen Sie");
    doc.bullets(&[
        "Ein Smartphone, Tablet oder einen Computer mit Kamera, Mikrofon und Lautsprecher \
         (oder Kopfhörer)."
            .to_owned(),
        format!("Einen aktuellen Browser: {browsers}."),
        format!(
            "Eine stabile Internetverbindung, am besten WLAN (empfohlen: {mbits} Mbit/s in \
             Senderichtung), und einen ruhigen Raum."
        ),
        "Ihre unterschriebene Einverständniserklärung und die Einladungs-E-Mail mit Ihrem \
         Zugangscode."
            .to_owned(),
    ]);
    doc.subheading("Schritt für Schritt");
    doc.step(
        1,
        "Einladung öffnen",
        &format!(
            "Für jeden Termin bekommen Sie eine E-Mail mit der Internetadresse und Ihrem \
             Zugangscode. Öffnen Sie die Adresse etwa {early} Minuten vor dem Termin; der Code \
             gilt ab {code_opens_minutes_before} Minuten vorher."
        ),
        &[
            Sketch::Text("Ihre Einladung"),
            Sketch::Text("Adresse: …/videosprechstunde"),
            Sketch::Text("Zugangscode: ABCD-EFGH-JKMN"),
        ],
    );
    doc.step(
        2,
        "Name und Zugangscode eingeben",
        "Tragen Sie Ihren vollständigen Vor- und Nachnamen ein, damit Ihre Praxis Sie erkennt, \
         und den Zugangscode aus der E-Mail. Dann wählen Sie „Raum betreten“.",
        &[
            Sketch::Field("Ihr Name", "Erika Mustermann"),
            Sketch::Field("Zugangscode", "ABCD-EFGH-JKMN"),
            Sketch::Button("Raum betreten"),
        ],
    );
    doc.step(
        3,
        "Technik-Test",
        "Der Test prüft automatisch Ihren Browser, Kamera, Mikrofon, Lautsprecher und die \
         Internetverbindung. Fragt der Browser, ob die Seite Kamera und Mikrofon benutzen darf, \
         wählen Sie „Erlauben“. Beim Lautsprecher spielen Sie einen Testton ab und sagen, ob Sie \
         ihn hören.",
        &[
            Sketch::Check("Browser"),
            Sketch::Check("Kamera"),
            Sketch::Check("Mikrofon"),
            Sketch::Check("Lautsprecher"),
            Sketch::Check("Internetverbindung"),
            Sketch::Button("Weiter ins Wartezimmer"),
        ],
    );
    doc.step(
        4,
        "Im Wartezimmer warten",
        "Ihre Praxis sieht, dass Sie da sind, und holt Sie herein. Lassen Sie die Seite geöffnet. \
         Andere Wartende sehen und hören Sie nicht.",
        &[
            Sketch::Text("Sie sind im Wartezimmer"),
            Sketch::Text("Ihre Praxis holt Sie gleich herein."),
        ],
    );
    doc.step(
        5,
        "Das Gespräch",
        "Sie sehen und hören sich wie in der Praxis. Zum Schluss wählen Sie „Sprechstunde \
         beenden“ und schließen die Seite. Es wird nichts aufgezeichnet.",
        &[
            Sketch::Picture("Bild Ihrer Praxis"),
            Sketch::Button("Sprechstunde beenden"),
        ],
    );

    doc.subheading("Wenn etwas nicht klappt");
    doc.bold_paragraph("Kamera oder Mikrofon sind blockiert");
    doc.bullets(&[
        "Tippen oder klicken Sie auf das Schloss- oder Kamera-Symbol neben der Adresszeile und \
         erlauben Sie Kamera und Mikrofon. Dann wählen Sie im Test „Erneut prüfen“.",
        "iPhone und iPad: Einstellungen → Safari → Kamera bzw. Mikrofon → „Fragen“ oder \
         „Erlauben“.",
        "Schließen Sie andere Programme, die die Kamera benutzen (andere Videotelefonie, weitere \
         Browser-Tabs).",
    ]);
    doc.bold_paragraph("Sie hören nichts");
    doc.bullets(&[
        "Stellen Sie die Lautstärke höher und prüfen Sie die Stummschaltung (beim iPhone auch \
         den Schalter an der Seite).",
        "Verbundene Kopfhörer oder Bluetooth-Lautsprecher spielen den Ton vielleicht ab; wählen \
         Sie im Test den richtigen Lautsprecher und spielen Sie den Testton noch einmal ab.",
    ]);
    doc.bold_paragraph("Die Verbindung ist schlecht");
    doc.bullets(&[
        "Nutzen Sie WLAN statt Mobilfunk und setzen Sie sich nah an den Router.".to_owned(),
        "Beenden Sie Downloads, Filme und andere Videotelefonie auf Ihren Geräten.".to_owned(),
        "Bricht die Verbindung kurz ab, baut die Seite sie von selbst wieder auf; Ihr Platz im \
         Wartezimmer bleibt erhalten."
            .to_owned(),
        format!("Empfohlen sind {mbits} Mbit/s in Senderichtung; der Technik-Test misst das."),
    ]);
    doc.bold_paragraph("Der Zugangscode wird nicht angenommen");
    doc.bullets(&[
        format!(
            "Der Code gilt ab {code_opens_minutes_before} Minuten vor dem Termin bis zu seinem \
             Ende; vorher sagt die Seite, wann das Wartezimmer öffnet."
        ),
        "Groß- und Kleinschreibung und Bindestriche sind egal. Prüfen Sie leicht verwechselbare \
         Zeichen anhand der E-Mail."
            .to_owned(),
    ]);
    doc.subheading("Ihre Daten");
    doc.paragraph(&format!(
        "Bild und Ton gehen direkt und Ende-zu-Ende verschlüsselt zwischen Ihrem Browser und dem \
         Ihrer Praxis; niemand zeichnet auf. Termindaten und Verbindungszeiten werden spätestens \
         {months} Monate nach dem Termin gelöscht. Ihre Praxis und der Betreiber des Dienstes \
         unterliegen der Schweigepflicht."
    ));
    let help = match practice.filter(|p| !p.phone.is_empty()) {
        Some(p) => format!(
            "Fragen? Rufen Sie Ihre Praxis an: {} – am besten schon vor dem Termin.",
            p.phone
        ),
        None => "Fragen? Rufen Sie Ihre Praxis an – am besten schon vor dem Termin.".to_owned(),
    };
    doc.bold_paragraph(&help);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_in_large_print_has_three_pages_with_or_without_a_practice() {
        let practice = GuidePractice {
            name: "Kinderarztpraxis Dr. Jürgen Müßig und Kolleginnen".into(),
            address: vec!["Berliner Straße 12".into(), "02826 Görlitz".into()],
            phone: "03581 123456".into(),
        };
        let long = GuidePractice {
            name: "Überörtliche Berufsausübungsgemeinschaft ".repeat(5),
            address: vec!["Straße ".repeat(14), "02826 Görlitz".into()],
            phone: "03581 123456".into(),
        };
        for p in [Some(&practice), None, Some(&long)] {
            assert_eq!(document(p, 30).page_count(), 3);
            assert!(render(p, 30).starts_with(b"%PDF-"));
        }
    }
}
