//! Which Fluent files each build carries: the browser bundles only the islands' texts.

/// The islands' texts (and the server's): compiled into the server and the browser bundles.
pub(super) const DE_SOURCES: &[&str] = &[
    include_str!("../../locales/de/main.ftl"),
    include_str!("../../locales/de/fields.ftl"),
    include_str!("../../locales/de/practice.ftl"),
    include_str!("../../locales/de/patient.ftl"),
    include_str!("../../locales/de/consent.ftl"),
    include_str!("../../locales/de/layout.ftl"),
    // The practice's live waiting room and call page: the patient's bundle goes without them.
    #[cfg(any(not(feature = "hydrate"), feature = "islands-practice"))]
    LIVE_SOURCE,
];
/// See [`DE_SOURCES`]; `the_patients_islands_need_no_text_of_the_practices_live_pages` checks
/// that no code of the patient's bundle names one of its messages.
#[cfg(any(not(feature = "hydrate"), feature = "islands-practice"))]
const LIVE_SOURCE: &str = include_str!("../../locales/de/live.ftl");
/// The English texts of islands on pages shown in English (`crate::i18n::ENGLISH_PAGES`): the
/// only English a browser bundle carries (the islands read their language from `<html lang>`,
/// which is German on every other page).
pub(super) const EN_SOURCES: &[&str] = &[include_str!("../../locales/en/main.ftl")];
/// The English texts the server alone writes (see [`DE_SERVER_SOURCES`]): the start page's
/// parts outside its island and the frame, and the translations of pages not yet shown in
/// English (`crate::i18n::ENGLISH_PAGES`).
#[cfg(feature = "ssr")]
pub(super) const EN_SERVER_SOURCES: &[&str] = &[
    include_str!("../../locales/en/landing.ftl"),
    include_str!("../../locales/en/later.ftl"),
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

#[cfg(test)]
mod tests {
    /// The code of the patient's browser bundle (its islands: the room with the call, the
    /// consent upload, the landing page's browser check; and what they use).
    const PATIENT_BUNDLE: &[&str] = &[
        "src/patient/room.rs",
        "src/call/screen.rs",
        "src/call/ui.rs",
        "src/call/media.rs",
        "src/call/peer.rs",
        "src/call/negotiation.rs",
        "src/call/stats.rs",
        "src/call/types.rs",
        "src/consent/islands.rs",
        "src/consent/browser_io.rs",
        "src/site/landing.rs",
        "src/signalling/client.rs",
        "src/signalling/types.rs",
        "src/layout/",
        "src/i18n/",
        "src/wait.rs",
    ];

    /// The start page is shown in English (`ENGLISH_PAGES`), and its island renders once on the
    /// server (every English text) and again in the browser (only `EN_SOURCES`): a text of the
    /// island missing from the browser's files would hydrate in German over the server's English.
    #[test]
    fn the_start_pages_island_has_its_english_texts_in_the_browser() {
        let landing = include_str!("../site/landing.rs");
        let island = landing
            .split_once("fn BrowserCheck()")
            .and_then(|(_, rest)| rest.split_once("\nmod browser"))
            .map(|(body, _)| body)
            .expect("the island BrowserCheck in site/landing.rs");
        let keys: Vec<&str> = island
            .split("t.t(\"")
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(key, _)| key))
            .collect();
        assert!(keys.len() >= 3, "found only {keys:?}");
        let english: Vec<&str> = super::EN_SOURCES
            .iter()
            .flat_map(|source| source.lines())
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id))
            .collect();
        for key in keys {
            assert!(
                english.contains(&key),
                "{key} is not in the browser's English texts"
            );
        }
        assert_eq!(
            crate::i18n::ENGLISH_PAGES,
            ["/"],
            "a new English page: check its islands"
        );
    }

    #[test]
    fn the_patients_islands_need_no_text_of_the_practices_live_pages() {
        let live: Vec<&str> = super::LIVE_SOURCE
            .lines()
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id))
            .filter(|id| !id.starts_with('#'))
            .collect();
        assert!(
            live.len() > 30,
            "live.ftl: only {} messages read",
            live.len()
        );
        let sources = crate::i18n::rust_sources();
        // Every entry of the list is still there (a renamed file would go unchecked).
        for part in PATIENT_BUNDLE {
            assert!(
                sources
                    .iter()
                    .any(|(f, _)| f.replace('\\', "/").contains(part)),
                "{part}: no such source file"
            );
        }
        let mut checked = 0;
        for (file, text) in &sources {
            let file = file.replace('\\', "/");
            if !PATIENT_BUNDLE.iter().any(|part| file.contains(part)) {
                continue;
            }
            checked += 1;
            for id in &live {
                assert!(
                    !text.contains(&format!("\"{id}\"")),
                    "{file} names {id}, which the patient's bundle does not carry (live.ftl)"
                );
            }
        }
        assert!(
            checked >= PATIENT_BUNDLE.len(),
            "only {checked} files checked"
        );
        // The check finds a use where there is one: the practice's live list.
        let panel = sources
            .iter()
            .find(|(f, _)| f.ends_with("waiting_room/panel.rs"))
            .unwrap();
        assert!(live.iter().any(|id| panel.1.contains(&format!("\"{id}\""))));
    }
}
