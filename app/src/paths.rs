//! Every address of the site in one place: routes, links, redirects and e-mails use these
//! instead of writing the path again. Leptos' `path!` route macros need literals and keep
//! theirs; `server/tests/api/paths.rs` asks for every fixed address in [`ALL`], so a route
//! renamed without its constant fails there. Query flags (`?gespeichert`) stay with the page
//! that reads them.

use std::fmt::Display;

/// Declares the fixed addresses and [`ALL`], the list of them.
macro_rules! addresses {
    ($($(#[$meta:meta])* $name:ident = $path:literal;)*) => {
        $($(#[$meta])* pub const $name: &str = $path;)*
        /// Every fixed address above (each answers a GET, if only with a redirect or 405).
        pub const ALL: &[&str] = &[$($name),*];
    };
}

addresses! {
    // Public pages.
    LANDING = "/";
    TERMS = "/nutzungsbedingungen";
    PROCESSING_AGREEMENT = "/auftragsverarbeitung";
    PRIVACY = "/datenschutz";
    IMPRINT = "/impressum";
    /// The signalling WebSocket of every open page.
    SIGNAL = "/signal";

    // The patient.
    ENTRY = "/videosprechstunde";
    ROOM = "/videosprechstunde/raum";
    LEAVE = "/videosprechstunde/verlassen";
    MEASURE = "/videosprechstunde/messung";
    PATIENT_CONSENT_FORM = "/videosprechstunde/einwilligung.pdf";
    PATIENT_CONSENT_UPLOAD = "/videosprechstunde/einwilligung";

    // Accounts.
    REGISTER = "/registrieren";
    REGISTER_SENT = "/registrieren/gesendet";
    REGISTER_LINK_INVALID = "/registrieren/link-ungueltig";
    REGISTER_VERIFY = "/registrieren/bestaetigen";
    LOGIN = "/anmelden";
    LOGIN_RESEND = "/anmelden/link-erneut-senden";
    SECOND_FACTOR = "/anmelden/zweiter-faktor";
    LOGOUT = "/abmelden";
    FORGOT_PASSWORD = "/passwort-vergessen";
    NEW_PASSWORD = "/passwort-neu";
    INVITATION = "/einladung";

    // The practice area.
    PRACTICE = "/praxis";
    STAMMDATEN = "/praxis/stammdaten";
    RECHNUNGSDATEN = "/praxis/rechnungsdaten";
    CONTRACT = "/praxis/vertrag";
    CONTRACT_CANCEL = "/praxis/vertrag/kuendigen";
    CONTRACT_REVOKE = "/praxis/vertrag/widerrufen";
    SECURITY = "/praxis/sicherheit";
    TEAM = "/praxis/team";
    WEEK = "/praxis/termine";
    NEW_APPOINTMENT = "/praxis/termine/neu";
    CALENDAR_SETTINGS = "/praxis/termine/einstellungen";
    CONSENTS = "/praxis/einwilligungen";
    CONSENT_BLANK_FORM = "/praxis/einwilligungen/vorlage.pdf";
    CONSENT_KEY = "/praxis/einwilligungen/schluessel";
    AUDIT_LOG = "/praxis/protokoll";
    KV_APPLICATION = "/praxis/kv-antrag";
    KV_SELF_DISCLOSURE_PDF = "/praxis/kv-antrag/selbstauskunft.pdf";
    KV_APPLICATION_PDF = "/praxis/kv-antrag/antrag.pdf";
    KV_CONFIRMATION_PDF = "/praxis/kv-antrag/bestaetigung.pdf";
    PUBLIC_PAGE_SETTINGS = "/praxis/praxisseite";
    PUBLIC_PAGE_QR = "/praxis/praxisseite/qr-code.svg";
}

/// No route: the address a form post's error page is rendered at, so the router shows its
/// status page (see `web::error_page`).
pub const ERROR: &str = "/fehler";

/// Every address of the practice area starts with this.
pub const PRACTICE_PREFIX: &str = "/praxis/";

// Route templates (axum syntax) of the addresses built below.
pub const APPOINTMENT_ROUTE: &str = "/praxis/termin/{id}";
pub const APPOINTMENT_GUESTS_ROUTE: &str = "/praxis/termin/{id}/personen";
pub const APPOINTMENT_CONSENT_FORM_ROUTE: &str = "/praxis/termin/{id}/einwilligung.pdf";
pub const APPOINTMENT_PAPER_CONSENT_ROUTE: &str = "/praxis/termin/{id}/einwilligung";
pub const APPOINTMENT_CONSENT_UPLOAD_ROUTE: &str = "/praxis/termin/{id}/einwilligung/dokument";
pub const CONSENT_ROUTE: &str = "/praxis/einwilligung/{id}";
pub const CONSENT_DOCUMENT_ROUTE: &str = "/praxis/einwilligung/dokument/{id}";
pub const CALL_ROUTE: &str = "/praxis/gespraech/{id}";
pub const KV_CERTIFICATE_ROUTE: &str = "/praxis/kv-antrag/zertifikat/{file}";
pub const PUBLIC_PAGE_ROUTE: &str = "/praxen/{short_name}";
pub const PUBLIC_CONSENT_FORM_ROUTE: &str = "/praxen/{short_name}/einverstaendniserklaerung.pdf";
pub const PUBLIC_GUIDE_ROUTE: &str = "/praxen/{short_name}/anleitung.pdf";
pub const PRACTICE_CONSENT_FORM_ROUTE: &str = "/einwilligung/{practice}";
pub const INVITATION_GUIDE_ROUTE: &str = "/anleitung/{file}";

pub fn appointment(id: impl Display) -> String {
    format!("/praxis/termin/{id}")
}

/// "Weitere Personen" of an appointment: invite, uninvite, invite again (form posts).
pub fn appointment_guests(id: impl Display) -> String {
    format!("/praxis/termin/{id}/personen")
}

pub fn appointment_consent_form(id: impl Display) -> String {
    format!("/praxis/termin/{id}/einwilligung.pdf")
}

pub fn appointment_paper_consent(id: impl Display) -> String {
    format!("/praxis/termin/{id}/einwilligung")
}

pub fn appointment_consent_upload(id: impl Display) -> String {
    format!("/praxis/termin/{id}/einwilligung/dokument")
}

pub fn consent(id: impl Display) -> String {
    format!("/praxis/einwilligung/{id}")
}

pub fn consent_document(id: impl Display) -> String {
    format!("/praxis/einwilligung/dokument/{id}")
}

pub fn call(appointment: impl Display) -> String {
    format!("/praxis/gespraech/{appointment}")
}

/// The week (or with `day`, the day) around `date` (`YYYY-MM-DD`).
pub fn week_of(date: impl Display) -> String {
    format!("/praxis/termine?datum={date}")
}

pub fn day_of(date: impl Display) -> String {
    format!("/praxis/termine?ansicht=tag&datum={date}")
}

pub fn new_appointment_on(date: impl Display) -> String {
    format!("/praxis/termine/neu?datum={date}")
}

/// The `n`-th certificate of the conformity confirmation (from 1).
pub fn kv_certificate(n: usize) -> String {
    format!("/praxis/kv-antrag/zertifikat/{n}.pdf")
}

pub fn public_page(short_name: impl Display) -> String {
    format!("/praxen/{short_name}")
}

pub fn public_consent_form(short_name: impl Display) -> String {
    format!("/praxen/{short_name}/einverstaendniserklaerung.pdf")
}

pub fn public_guide(short_name: impl Display) -> String {
    format!("/praxen/{short_name}/anleitung.pdf")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A built address is its route template with the value put in.
    #[test]
    fn built_addresses_match_their_route_templates() {
        let cases: [(&str, String, &str); 13] = [
            (APPOINTMENT_ROUTE, appointment("x1"), "x1"),
            (APPOINTMENT_GUESTS_ROUTE, appointment_guests("x1"), "x1"),
            (
                APPOINTMENT_CONSENT_FORM_ROUTE,
                appointment_consent_form("x1"),
                "x1",
            ),
            (
                APPOINTMENT_PAPER_CONSENT_ROUTE,
                appointment_paper_consent("x1"),
                "x1",
            ),
            (
                APPOINTMENT_CONSENT_UPLOAD_ROUTE,
                appointment_consent_upload("x1"),
                "x1",
            ),
            (CONSENT_ROUTE, consent("x1"), "x1"),
            (CONSENT_DOCUMENT_ROUTE, consent_document("x1"), "x1"),
            (CALL_ROUTE, call("x1"), "x1"),
            (KV_CERTIFICATE_ROUTE, kv_certificate(2), "2.pdf"),
            (PUBLIC_PAGE_ROUTE, public_page("x1"), "x1"),
            (PUBLIC_CONSENT_FORM_ROUTE, public_consent_form("x1"), "x1"),
            (PUBLIC_GUIDE_ROUTE, public_guide("x1"), "x1"),
            (
                WEEK,
                week_of("2026-12-04").replace("?datum=2026-12-04", ""),
                "",
            ),
        ];
        for (template, built, value) in cases {
            let open = template.find('{').unwrap_or(template.len());
            let close = template.find('}').map_or(template.len(), |i| i + 1);
            let expected = format!("{}{value}{}", &template[..open], &template[close..]);
            assert_eq!(built, expected, "{template}");
        }
        for fixed in [STAMMDATEN, WEEK, CALL_ROUTE, CONSENT_KEY] {
            assert!(fixed.starts_with(PRACTICE_PREFIX), "{fixed}");
        }
    }
}
