//! The requirements of Anlage 31b BMV-Ä (the agreement on the technical procedures of the
//! Videosprechstunde, § 365 SGB V) that concern the video service, each with how Sprechzimmer
//! meets it. This one list drives the Selbstauskunft PDF and must match the README's compliance
//! section (a test compares them).

/// One requirement and how the service meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    /// Short name, as in the README's table.
    pub title: &'static str,
    /// How the service meets it, in one or two sentences.
    pub how: &'static str,
}

/// "Stand" of the list: the day it was last checked against the running service.
pub const AS_OF: &str = "01.12.2026";

/// Every requirement, in the order of the self-disclosure.
pub const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        title: "Peer-to-Peer-Übertragung ohne zentralen Server",
        how: "Bild, Ton und Chat laufen per WebRTC direkt zwischen den Browsern von Praxis und Patient – bei weiteren eingeladenen Personen direkt zwischen je zwei Browsern (Vollvermaschung, kein Medienserver). Der Server vermittelt nur den Verbindungsaufbau; ist keine direkte Verbindung möglich, leitet ein vom Betreiber selbst betriebener TURN-Server die verschlüsselten Pakete weiter, ohne sie entschlüsseln zu können.",
    },
    Requirement {
        title: "Ende-zu-Ende-Verschlüsselung während der gesamten Übertragung",
        how: "DTLS-SRTP für Bild und Ton, DTLS für den Chat; die Schlüssel entstehen nur in den Browsern der Teilnehmenden. Alle sehen einen Sicherheitscode aus den Zertifikaten aller beteiligten Browser und können ihn mündlich vergleichen; ein untergeschobenes Zertifikat auf irgendeiner Verbindung ändert ihn.",
    },
    Requirement {
        title: "Keine Aufzeichnung",
        how: "Der Dienst hat keine Aufzeichnungsfunktion; Server und Betreiber erhalten weder Bild noch Ton noch Chat. Praxis und Patient werden in der Einverständniserklärung darauf hingewiesen, dass auch sie nicht aufzeichnen dürfen.",
    },
    Requirement {
        title: "Frei von Werbung",
        how: "Keine Werbung, keine Tracker, keine Reichweitenmessung; alle Inhalte kommen vom eigenen Server (Content-Security-Policy ohne fremde Quellen).",
    },
    Requirement {
        title: "Metadaten spätestens nach drei Monaten gelöscht",
        how: "Termine mit Namen und E-Mail-Adresse und die Verbindungszeiten werden drei Monate nach dem Termin automatisch gelöscht und nur für die Durchführung der Videosprechstunde genutzt.",
    },
    Requirement {
        title: "Patient ohne Registrierung",
        how: "Patientinnen und Patienten brauchen kein Konto und keine App: Name und Zugangscode aus der Einladung genügen, im aktuellen Browser.",
    },
    Requirement {
        title: "Online-Wartezimmer und begrenzter Teilnehmerkreis",
        how: "Der Patient wartet, bis die Praxis ihn eintreten lässt; andere Wartende sind weder sichtbar noch hörbar. Jedes Gespräch führt die Praxis mit dem Patienten; weitere Personen (z. B. Dolmetscher/in, Angehörige) nehmen nur teil, wenn die Praxis sie mit eigenem Zugangscode einlädt und einzeln eintreten lässt – höchstens sechs Personen insgesamt, wie vom Betreiber festgelegt. Ein zweites Fenster für denselben Platz wird abgewiesen.",
    },
    Requirement {
        title: "Identifikation des Patienten",
        how: "Jeder Termin hat einen eigenen Zugangscode (60 Bit, nur gehasht gespeichert, nur im Terminfenster gültig); der eingegebene Name wird der Praxis neben dem gebuchten angezeigt, Abweichungen sind markiert.",
    },
    Requirement {
        title: "Schriftliche Einwilligung des Patienten",
        how: "Der Dienst erzeugt die Einverständniserklärung als PDF; der Patient lädt sie Ende-zu-Ende verschlüsselt hoch, die Praxis prüft und bestätigt sie, jeder Zugriff wird protokolliert.",
    },
    Requirement {
        title: "Angemessene Kommunikation",
        how: "Ein automatischer Technik-Test (Browser, Kamera, Mikrofon, Lautsprecher, Netz) läuft vor dem Wartezimmer; im Gespräch wird die Verbindungsqualität angezeigt, kurze Abbrüche werden selbst repariert.",
    },
    Requirement {
        title: "Datenschutz und Auftragsverarbeitung",
        how: "Die Praxis schließt bei der Registrierung einen Vertrag über die Auftragsverarbeitung nach Art. 28 DSGVO; Patientendaten werden als Gesundheitsdaten behandelt, sparsam erhoben und nicht geloggt.",
    },
    Requirement {
        title: "Zertifizierung des Videodienstanbieters",
        how: "Die Nachweise zur Informationssicherheit und zum Datenschutz stellt der Betreiber im Bereich KV-Antrag zum Herunterladen bereit; solange keine hinterlegt sind, sagt die Seite das ausdrücklich.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_requirement_of_the_self_disclosure() {
        let readme = include_str!("../../../README.md");
        for r in REQUIREMENTS {
            assert!(
                readme.contains(&format!("| {} | {} |", r.title, r.how)),
                "README.md's compliance table lacks or differs in: {}",
                r.title
            );
        }
    }

    #[test]
    fn titles_are_unique() {
        let mut titles: Vec<_> = REQUIREMENTS.iter().map(|r| r.title).collect();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), REQUIREMENTS.len());
    }
}
