//! The public site: landing page, Nutzungsbedingungen (terms of use), Datenschutzerklärung
//! (privacy notice), Impressum (legal notice), the 404 page and the common page layout.

mod landing;
mod layout;
mod legal;
pub mod server_fns;
mod status_pages;
pub mod types;

pub use landing::LandingPage;
pub use layout::Layout;
pub use legal::{ImpressumPage, PrivacyPage, TermsPage};
pub use status_pages::NotFoundPage;
