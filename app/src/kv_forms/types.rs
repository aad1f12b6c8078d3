//! What the KV-Antrag page shows, shared by server and browser.

use serde::{Deserialize, Serialize};

/// One KV in the page's selection and facts table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvRow {
    pub slug: String,
    pub name: String,
    /// The name in the selection list ("KV Nordrhein").
    pub option_label: String,
    pub abbreviation: String,
    /// Fluent key of the procedure ("Anzeige", "Genehmigung", …).
    pub procedure_key: String,
    pub note: Option<String>,
    pub send_to: Option<String>,
    pub source_url: Option<String>,
    pub source_dated: Option<String>,
    /// The KV of the practice's Stammdaten.
    pub own: bool,
}

/// A physician or psychotherapist of the practice the form can be filled for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorChoice {
    pub id: String,
    pub name: String,
    /// The logged-in person: preselected.
    pub me: bool,
}

/// A certificate the operator has configured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRow {
    /// Position in the configuration, used in the download address.
    pub index: usize,
    pub title: String,
    pub issuer: String,
    pub number: String,
    pub valid_until: String,
    pub downloadable: bool,
}

/// Everything the KV-Antrag page needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvPage {
    pub kvs: Vec<KvRow>,
    pub doctors: Vec<DoctorChoice>,
    pub certificates: Vec<CertificateRow>,
    pub operator_name: String,
    /// The operator details are still the shipped examples.
    pub operator_example: bool,
    pub as_of: String,
}
