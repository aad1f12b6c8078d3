//! What the public practice page and its settings page show, shared by server and browser.

use serde::{Deserialize, Serialize};

/// A practice as its patients see it on `/praxen/<short name>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPractice {
    pub short_name: String,
    pub name: String,
    pub street: String,
    /// "02826 Görlitz".
    pub place: String,
    pub phone: String,
    /// Doctors and therapists who hold calls: "Dr. med. Jürgen Müßig, Kinder- und Jugendmedizin".
    pub doctors: Vec<String>,
    /// The practice's own introduction, paragraph by paragraph (plain text).
    pub intro: Vec<String>,
    /// How many minutes before the appointment the access code opens the waiting room.
    pub code_opens_minutes_before: i64,
    /// Switched off: shown only to the practice's own members, as a preview.
    pub preview: bool,
}

/// The settings page `/praxis/praxisseite`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSettings {
    /// The saved short name, or a proposal from the practice's name when there is none yet.
    pub short_name: String,
    pub has_short_name: bool,
    pub enabled: bool,
    pub intro: String,
    pub guide_in_invitation: bool,
    /// The page's full address (`https://…/praxen/<short name>`), once there is a short name.
    pub address: Option<String>,
    /// HTML to paste into the practice's own website.
    pub snippet: Option<String>,
    /// The page as patients see it (also while it is switched off).
    pub preview: Option<PublicPractice>,
    /// Only owners change the settings; everyone sees them.
    pub may_edit: bool,
}
