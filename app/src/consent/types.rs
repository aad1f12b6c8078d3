//! What crosses the wire about consents: the status shown in the calendar and the waiting list,
//! and the rows of the practice's consent pages.

use super::wrapped_key::WrappedKey;
use serde::{Deserialize, Serialize};

/// The state of a patient's consent with the practice, as the practice sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    /// Nothing on record.
    #[default]
    Missing,
    /// The patient (or the practice) uploaded a document that nobody has checked yet.
    ToCheck,
    /// Checked by the practice, or received on paper.
    Confirmed,
    /// The patient withdrew it; a new upload starts again.
    Withdrawn,
}

impl ConsentStatus {
    /// Fluent key of the short German label ("fehlt", "zu prüfen", "bestätigt", "widerrufen").
    pub fn label_key(self) -> &'static str {
        match self {
            ConsentStatus::Missing => "consent-status-missing",
            ConsentStatus::ToCheck => "consent-status-to-check",
            ConsentStatus::Confirmed => "consent-status-confirmed",
            ConsentStatus::Withdrawn => "consent-status-withdrawn",
        }
    }

    /// CSS classes of the status badge.
    pub fn css(self) -> &'static str {
        match self {
            ConsentStatus::Missing => "consent-badge consent-badge--missing",
            ConsentStatus::ToCheck => "consent-badge consent-badge--check",
            ConsentStatus::Confirmed => "consent-badge consent-badge--ok",
            ConsentStatus::Withdrawn => "consent-badge consent-badge--withdrawn",
        }
    }
}

/// One consent in the practice's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRow {
    pub id: String,
    pub patient_name: String,
    pub patient_email: String,
    pub status: ConsentStatus,
    pub documents: usize,
    /// "auf Papier erhalten am 01.12.2026" / "bestätigt am …" / "widerrufen am …".
    pub detail: String,
    pub updated: String,
}

/// One document of a consent (the content stays encrypted until the practice's browser opens it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRow {
    pub id: String,
    pub uploaded_by_patient: bool,
    pub uploaded: String,
    pub size: String,
}

/// A consent with its documents, for the practice's detail page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentDetail {
    pub row: ConsentRow,
    pub documents: Vec<DocumentRow>,
    /// The practice's public key exists (documents can be opened with the passphrase).
    pub has_key: bool,
    /// The viewer may open, confirm and delete (owner and doctors).
    pub may_review: bool,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    /// Fluent key of the action.
    pub action_key: String,
    pub patient: String,
}

/// The practice's consent overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentOverview {
    pub consents: Vec<ConsentRow>,
    /// URL-safe base64 of the practice's public key; `None` until the owner sets it up.
    pub public_key: Option<String>,
    pub may_set_up_key: bool,
    pub may_review: bool,
    pub paragraph: String,
}

/// The consent part of the patient's page and of an appointment's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentConsent {
    pub status: ConsentStatus,
    pub consent_id: Option<String>,
    /// The practice's public key (uploads are sealed to it); `None`: no uploads possible yet.
    pub public_key: Option<String>,
    pub documents: usize,
}

/// What a browser sends after generating the key pair (owner), or after choosing a new
/// passphrase for the same key (then without `recovery_wrap`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyUpload {
    pub public_key: String,
    pub passphrase_wrap: WrappedKey,
    /// Only when the key pair is new (the recovery code is shown once, then never again).
    pub recovery_wrap: Option<WrappedKey>,
}

/// The wraps a member's browser unlocks the private key with (it needs the passphrase or the
/// recovery code; the server cannot use them).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyWraps {
    pub public_key: String,
    pub passphrase_wrap: WrappedKey,
    pub recovery_wrap: WrappedKey,
}
