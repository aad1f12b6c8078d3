//! Which Fluent files each build carries: the browser bundles only the islands' texts.

/// The islands' texts (and the server's): compiled into the server and the browser bundles.
pub(super) const DE_SOURCES: &[&str] = &[
    include_str!("../../locales/de/main.ftl"),
    include_str!("../../locales/de/fields.ftl"),
    include_str!("../../locales/de/practice.ftl"),
    include_str!("../../locales/de/patient.ftl"),
    include_str!("../../locales/de/consent.ftl"),
    include_str!("../../locales/de/layout.ftl"),
];
pub(super) const EN_SOURCES: &[&str] = &[
    include_str!("../../locales/en/main.ftl"),
    include_str!("../../locales/en/fields.ftl"),
];
/// E-mails and island-free pages are written on the server only; the browser bundles stay
/// smaller without them.
#[cfg(feature = "ssr")]
pub(super) const DE_SERVER_SOURCES: &[&str] = &[
    include_str!("../../locales/de/email.ftl"),
    // The practice accounts' pages (registration, login, links from e-mails, team, security,
    // master data): none is an island; the idle warning's texts stay in practice.ftl.
    include_str!("../../locales/de/accounts.ftl"),
    // Terms and privacy notice (a third of all texts), and the calendar pages: no island shows
    // them (issue 24: ~30 KB less in each browser bundle).
    include_str!("../../locales/de/legal.ftl"),
    include_str!("../../locales/de/calendar.ftl"),
    // The KV-Antrag page has no island: its texts are rendered on the server only.
    include_str!("../../locales/de/kv.ftl"),
    // So have the contract pages and the notice banner of the practice area.
    include_str!("../../locales/de/contract.ftl"),
    // The public practice page and its settings have no island either.
    include_str!("../../locales/de/public.ftl"),
    // The processing agreement and the pages' descriptions are rendered on the server only.
    include_str!("../../locales/de/avv.ftl"),
    include_str!("../../locales/de/meta.ftl"),
];
