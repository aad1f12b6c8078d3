//! What each Kassenärztliche Vereinigung asks of a practice before it bills video
//! consultations: one row per KV, each fact with the KV's own page it comes from.
//!
//! The rule for this table: a fact goes in only with a source published by the KV itself, and
//! with the date of that source. Where we have none, the row says [`Procedure::Unknown`] and the
//! documents tell the practice to ask its KV. No KV postal address is printed anywhere: the ones
//! found in stored sources were years old, and a wrong address on a prefilled form is worse
//! than a blank line.

use crate::fields::KvRegion;

/// When the table was last checked against its sources.
pub const AS_OF: &str = "01.12.2026";

/// What the KV asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Procedure {
    /// A notification (Anzeige) is enough; billing may start without waiting.
    Notification,
    /// An application (Antrag auf Genehmigung); the KV decides.
    Approval,
    /// The KV says neither is needed.
    NotRequired,
    /// No source of the KV itself was found.
    Unknown,
}

impl Procedure {
    /// The document's heading for this procedure.
    pub fn document_title(self) -> &'static str {
        match self {
            Procedure::Approval => {
                "Antrag auf Genehmigung zur Durchführung und Abrechnung von Videosprechstunden"
            }
            Procedure::Notification | Procedure::NotRequired | Procedure::Unknown => {
                "Anzeige der Durchführung und Abrechnung von Videosprechstunden"
            }
        }
    }

    /// Fluent key of the short German label on the KV-Antrag page.
    pub fn label_key(self) -> &'static str {
        match self {
            Procedure::Notification => "kv-procedure-notification",
            Procedure::Approval => "kv-procedure-approval",
            Procedure::NotRequired => "kv-procedure-not-required",
            Procedure::Unknown => "kv-procedure-unknown",
        }
    }
}

/// A page of the KV that states a fact, and the date the page carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    pub url: &'static str,
    /// The date or period the page names ("Stand"), as printed there.
    pub dated: &'static str,
}

/// The facts about one KV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KvFacts {
    pub kv: KvRegion,
    pub procedure: Procedure,
    /// What the KV's page says, in one or two German sentences (our words, its facts).
    pub note: Option<&'static str>,
    /// Where the KV wants the documents, as its page says.
    pub send_to: Option<&'static str>,
    pub source: Option<Source>,
}

const fn unknown(kv: KvRegion) -> KvFacts {
    KvFacts {
        kv,
        procedure: Procedure::Unknown,
        note: None,
        send_to: None,
        source: None,
    }
}

/// One row per KV, in the order of [`KvRegion::ALL`].
pub const KV_FACTS: [KvFacts; 17] = [
    unknown(KvRegion::BadenWuerttemberg),
    KvFacts {
        kv: KvRegion::Bayerns,
        procedure: Procedure::Notification,
        note: Some("Die KVB verlangt grundsätzlich eine Genehmigung, hat sie aber durch eine vereinfachte Anzeige auf ihrem eigenen Formular ersetzt. Legen Sie den Nachweis bei, dass der Videodienstanbieter die Anforderungen erfüllt."),
        send_to: Some("per Fax an die Nummer auf der ersten Seite des KVB-Formulars (zuletzt 089 57093-639 61)"),
        source: Some(Source {
            url: "https://kvb.de/praxis/it-in-der-praxis/videosprechstunde",
            dated: "21.11.2024",
        }),
    },
    unknown(KvRegion::Berlin),
    unknown(KvRegion::Brandenburg),
    unknown(KvRegion::Bremen),
    unknown(KvRegion::Hamburg),
    unknown(KvRegion::Hessen),
    unknown(KvRegion::MecklenburgVorpommern),
    KvFacts {
        kv: KvRegion::Niedersachsen,
        procedure: Procedure::NotRequired,
        note: Some("Nach Angabe der KVN ist weder eine Genehmigung noch eine Anzeige nötig; es darf nur ein zertifizierter Videodienstanbieter genutzt werden. Bewahren Sie die Bestätigung des Anbieters für Rückfragen auf."),
        send_to: None,
        source: Some(Source {
            url: "https://kvn.de/Mitglieder/Qualit%C3%A4t/Genehmigungen/Videosprechstunde.html",
            dated: "ohne Datum, abgerufen 2026",
        }),
    },
    KvFacts {
        kv: KvRegion::Nordrhein,
        procedure: Procedure::Notification,
        note: Some("Die KVNO verlangt die Anzeige des Beginns der Videosprechstunden mit dem Zertifikat des Videodienstanbieters; die Abrechnung darf sofort beginnen."),
        send_to: Some("per E-Mail an Videosprechstunde@kvno.de"),
        source: Some(Source {
            url: "https://www.kvno.de/10praxis/50qualitaet/20leistungen_a-z/videosprechstunde/",
            dated: "2020",
        }),
    },
    unknown(KvRegion::RheinlandPfalz),
    unknown(KvRegion::Saarland),
    unknown(KvRegion::Sachsen),
    unknown(KvRegion::SachsenAnhalt),
    unknown(KvRegion::SchleswigHolstein),
    unknown(KvRegion::Thueringen),
    KvFacts {
        kv: KvRegion::WestfalenLippe,
        procedure: Procedure::Notification,
        note: Some("Die KVWL hat ein eigenes Formular „Anzeige zur Durchführung und Abrechnung von Videosprechstunden“ (Fassung 14.01.2020). Fragen Sie dort, ob dieses Schreiben mit denselben Angaben genügt, oder übertragen Sie die Angaben."),
        send_to: None,
        source: Some(Source {
            url: "https://www.kvwl.de/arzt/qsqm/genehmigung/antrag/videosprechstunde/index.htm",
            dated: "14.01.2020",
        }),
    },
];

/// The facts about `kv`.
pub fn facts(kv: KvRegion) -> &'static KvFacts {
    KV_FACTS
        .iter()
        .find(|facts| facts.kv == kv)
        .unwrap_or(&KV_FACTS[0])
}

/// The download name of the KV's form, ASCII-safe apart from the KV's name
/// (`Antrag-Videosprechstunde-KVNO.pdf`, `Antrag-Videosprechstunde-KV-Thüringen.pdf`).
pub fn form_file_name(kv: KvRegion) -> String {
    format!(
        "Antrag-Videosprechstunde-{}.pdf",
        kv.abbreviation().replace(' ', "-")
    )
}

/// The download name of the operator's confirmation for `kv`.
pub fn confirmation_file_name(kv: KvRegion) -> String {
    format!(
        "Bestätigung-Videosprechstunde-{}.pdf",
        kv.abbreviation().replace(' ', "-")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_kv_in_order() {
        let kvs: Vec<KvRegion> = KV_FACTS.iter().map(|f| f.kv).collect();
        assert_eq!(kvs, KvRegion::ALL.to_vec());
    }

    #[test]
    fn every_stated_fact_has_a_source_of_the_kv_itself() {
        for facts in &KV_FACTS {
            let stated = facts.procedure != Procedure::Unknown
                || facts.note.is_some()
                || facts.send_to.is_some();
            match facts.source {
                Some(source) => {
                    assert!(stated, "{:?} has a source but states nothing", facts.kv);
                    assert!(source.url.starts_with("https://"));
                    assert!(!source.dated.is_empty());
                    // The KV's own domain: "kvno.de", "kvb.de", …
                    let host = source.url.split('/').nth(2).unwrap_or_default();
                    assert!(
                        host.trim_start_matches("www.").starts_with("kv"),
                        "{:?}: {host} is not a KV's site",
                        facts.kv
                    );
                }
                None => assert!(!stated, "{:?} states a fact without a source", facts.kv),
            }
        }
    }

    #[test]
    fn file_names_follow_the_kv_abbreviation() {
        assert_eq!(
            form_file_name(KvRegion::Nordrhein),
            "Antrag-Videosprechstunde-KVNO.pdf"
        );
        assert_eq!(
            form_file_name(KvRegion::RheinlandPfalz),
            "Antrag-Videosprechstunde-KV-RLP.pdf"
        );
        assert_eq!(
            confirmation_file_name(KvRegion::Thueringen),
            "Bestätigung-Videosprechstunde-KV-Thüringen.pdf"
        );
        let mut names: Vec<String> = KvRegion::ALL.iter().map(|&kv| form_file_name(kv)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 17);
    }
}
