//! The public site: landing page, Nutzungsbedingungen (terms of use), Datenschutzerklärung
//! (privacy notice), Auftragsverarbeitungsvertrag (processing agreement, Art. 28 DSGVO),
//! Impressum (legal notice), the 404 page and the common page layout.

mod landing;
mod layout;
mod legal;
pub mod server_fns;
mod status_pages;
pub mod types;

pub use landing::LandingPage;
pub use layout::{Layout, PageDescription};
pub use legal::{ImpressumPage, PrivacyPage, ProcessingAgreementPage, TermsPage};
pub use status_pages::{NotFoundPage, StatusPage};
