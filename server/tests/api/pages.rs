use crate::helpers::{spawn_app, TestApp};
use crate::html::Page;

#[tokio::test]
async fn landing_page_is_german_by_default_and_server_rendered() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let page = Page::parse(&html);
    assert_eq!(
        page.attr("html", "lang"),
        ["de"],
        "{}",
        &html[..200.min(html.len())]
    );
    assert!(html.contains("Videosprechstunde – direkt, verschlüsselt"));
    assert!(html.contains("Zur Videosprechstunde"));
    let links = page.text_of("a");
    for link in ["Anmelden", "Registrieren"] {
        assert!(links.iter().any(|l| l == link), "{link} in {links:?}");
    }
}

/// The start page is translated: an English browser gets it in English. The patient's entry
/// form is not (yet): it stays German throughout, `lang` included.
#[tokio::test]
async fn accept_language_english_gives_the_english_start_page_and_german_elsewhere() {
    let app = spawn_app().await;
    let english = "en-GB,en;q=0.9,de;q=0.5";
    let html = app.get_with_header("/", "accept-language", english).await;
    assert!(varies_by_language(&html), "{:?}", html.headers());
    let html = html.text().await.unwrap();
    assert_eq!(Page::parse(&html).attr("html", "lang"), ["en"]);
    assert!(html.contains("Join a video consultation"));
    assert!(html.contains("How we protect the consultations"));
    assert!(!html.contains("So schützen wir die Gespräche"));
    let html = app
        .get_with_header("/videosprechstunde", "accept-language", english)
        .await;
    assert!(!varies_by_language(&html), "{:?}", html.headers());
    let html = html.text().await.unwrap();
    assert_eq!(Page::parse(&html).attr("html", "lang"), ["de"]);
    assert!(html.contains("Zur Videosprechstunde"));
    assert!(!html.contains("Join a video consultation"));
}

/// Whether the response says its content follows `Accept-Language` (for caches).
fn varies_by_language(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("accept-language"))
}

#[tokio::test]
async fn unknown_address_gives_the_german_404_page() {
    let app = spawn_app().await;
    let response = app.get("/gibt-es-nicht/wirklich").await;
    assert_eq!(response.status(), 404);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("Seite nicht gefunden"));
    assert!(
        Page::parse(&html)
            .attr("a", "href")
            .iter()
            .any(|h| h == "/"),
        "a link home"
    );
}

#[tokio::test]
async fn legal_pages_are_readable_without_login() {
    let app = spawn_app().await;
    for (path, heading, must_contain) in [
        ("/nutzungsbedingungen", "Nutzungsbedingungen", "Kündigung"),
        ("/datenschutz", "Datenschutzerklärung", "Beispiel-Betreiber"),
        ("/impressum", "Impressum", "kontakt@example.org"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        assert_eq!(
            Page::parse(&html).text_of("h1"),
            [heading],
            "{path}: heading"
        );
        assert!(html.contains(must_contain), "{path}: {must_contain}");
        assert!(
            !html.contains("privacy-s1") && !html.contains("terms-s1"),
            "{path}: raw key"
        );
    }
}

#[tokio::test]
async fn long_legal_texts_open_with_contents_that_lead_to_each_section() {
    let app = spawn_app().await;
    for path in [
        "/nutzungsbedingungen",
        "/datenschutz",
        "/auftragsverarbeitung",
    ] {
        let html = app.get(path).await.text().await.unwrap();
        let page = Page::parse(&html);
        let headings = page.text_of("article.legal section > h2");
        assert!(headings.len() >= 6, "{path}: {} sections", headings.len());
        assert_eq!(page.text_of("nav.toc h2"), ["Inhalt"], "{path}");
        assert_eq!(
            page.text_of("nav.toc a"),
            headings,
            "{path}: one entry per section, in its words"
        );
        let targets: Vec<String> = page
            .attr("nav.toc a", "href")
            .iter()
            .map(|href| {
                href.strip_prefix('#')
                    .expect("a link within the page")
                    .to_owned()
            })
            .collect();
        assert_eq!(
            targets,
            page.attr("article.legal section", "id"),
            "{path}: each entry leads to its own section"
        );
    }
    // The short Impressum needs none.
    let impressum = Page::parse(&app.get("/impressum").await.text().await.unwrap());
    assert_eq!(impressum.count("nav.toc"), 0);
}

#[tokio::test]
async fn operator_details_come_from_the_configuration() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.operator.name = "Praxisdienst Nord GmbH".into();
        s.operator.vat_id = "DE123456789".into();
    })
    .await;
    let html = app.get("/impressum").await.text().await.unwrap();
    assert!(html.contains("Praxisdienst Nord GmbH"));
    assert!(html.contains("DE123456789"));
    let privacy = app.get("/datenschutz").await.text().await.unwrap();
    assert!(privacy.contains("Praxisdienst Nord GmbH"));
}

#[tokio::test]
async fn pages_reference_no_other_host() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/impressum",
        "/datenschutz",
        "/nutzungsbedingungen",
        "/nix",
    ] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(!html.contains("url("), "{path}: inline CSS url()");
        let page = Page::parse(&html);
        for attr in ["src", "href", "action", "srcset", "poster"] {
            for value in page.attr(&format!("[{attr}]"), attr) {
                // A srcset lists "url width, url width": every URL counts.
                let urls: Vec<&str> = if attr == "srcset" {
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .collect()
                } else {
                    vec![value.trim()]
                };
                for url in urls {
                    let own = (url.starts_with('/') && !url.starts_with("//"))
                        || url.starts_with('#')
                        || url.starts_with("mailto:");
                    assert!(own, "{path}: {attr}=\"{value}\" points elsewhere");
                }
            }
        }
    }
}

/// The paths of every page: the practice's (logged in, with one appointment booked, whose
/// access code comes first) and the public ones.
async fn every_page(app: &TestApp) -> (String, Vec<String>, [&'static str; 10]) {
    use sea_orm::EntityTrait;
    let (code, _) = crate::patient_entry::booked(app, "rundgang@praxis.de").await;
    let appointment = app::entities::appointment::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .expect("the booked appointment")
        .id;
    let practice_pages = vec![
        "/praxis".to_owned(),
        "/praxis/stammdaten".into(),
        "/praxis/rechnungsdaten".into(),
        "/praxis/vertrag".into(),
        "/praxis/vertrag/kuendigen".into(),
        "/praxis/sicherheit".into(),
        "/praxis/team".into(),
        "/praxis/termine".into(),
        "/praxis/termine?ansicht=tag".into(),
        "/praxis/termine/neu".into(),
        "/praxis/termine/einstellungen".into(),
        format!("/praxis/termin/{appointment}"),
        "/praxis/einwilligungen".into(),
        "/praxis/protokoll".into(),
        "/praxis/kv-antrag".into(),
        "/praxis/praxisseite".into(),
    ];
    let public_pages = [
        "/",
        "/nutzungsbedingungen",
        "/datenschutz",
        "/impressum",
        "/auftragsverarbeitung",
        "/videosprechstunde",
        "/registrieren",
        "/anmelden",
        "/passwort-vergessen",
        "/nix",
    ];
    (code, practice_pages, public_pages)
}

/// Every page a practice and a patient meet, rendered with data in it: each gives 200, has one
/// `<h1>`, no element id twice (a label would point at the wrong element), and no text left
/// with a Fluent placeholder (`{$when}`) a person would read.
#[tokio::test]
async fn every_page_renders_without_placeholders_or_duplicate_ids() {
    let app = spawn_app().await;
    let (code, practice_pages, public_pages) = every_page(&app).await;
    let mut pages: Vec<(String, String)> = vec![];
    for path in practice_pages {
        pages.push((path.clone(), app.html(&path).await));
    }
    let stranger = app.new_browser();
    for path in public_pages {
        let html = app.get_as(&stranger, path).await.text().await.unwrap();
        pages.push((path.to_owned(), html));
    }
    // The entry page in its states: unknown code, too early (with the time filled in).
    for typed in ["ABCD-EFGH-JKMN", code.as_str()] {
        let (_, html) = crate::patient_entry::enter(&app, "Erika Mustermann", typed).await;
        pages.push((format!("/videosprechstunde ({typed})"), html));
    }
    let mut problems = vec![];
    for (path, html) in &pages {
        if html.contains("{$") || html.contains("{ $") || html.contains("{???}") {
            problems.push(format!("{path}: a Fluent placeholder reached the page"));
        }
        let page = Page::parse(html);
        // Code only where islands are: a page without them loads no module, no wasm and no
        // hydration data; only the entry form keeps its own small script (the code from the
        // link). A page with islands loads the one module once, and only after it is shown: no
        // preload competes with the page's first paint (issue 24).
        let islands = page.count("leptos-island") > 0;
        let scripts = page.count("script");
        let modules = page.count("script[type=module]");
        let preloads = page.count("link[rel=modulepreload]") + page.count("link[rel=preload]");
        let data = page
            .select("script")
            .into_iter()
            .filter(|s| crate::html::text(*s).starts_with("__RESOLVED_RESOURCES"))
            .count();
        let own = usize::from(path.starts_with("/videosprechstunde"));
        // Nothing rendered outside an island is serialized into the page (the week's patient
        // names once were, when the hydration scripts moved out of the head).
        let serialized = page
            .select("script")
            .into_iter()
            .filter(|s| crate::html::text(*s).contains("__RESOLVED_RESOURCES["))
            .count();
        if serialized > 0 {
            problems.push(format!("{path}: {serialized} scripts with resource data"));
        }
        if islands && (modules, preloads) != (1, 0) {
            problems.push(format!(
                "{path}: islands with {modules} modules, {preloads} preloads"
            ));
        }
        // The practice's pages load the practice's bundle, the public ones the patient's.
        let bundle = if path.starts_with("/praxis") {
            "\"sprechzimmer-practice."
        } else {
            "\"sprechzimmer-patient."
        };
        for module in page.select("script[type=module]") {
            if !crate::html::text(module).contains(bundle) {
                problems.push(format!("{path}: the module does not load {bundle}…"));
            }
        }
        // Pages that need no script carry none: the legal pages, KV-Antrag and Vertrag (the
        // frame shows the waiting count as it was and warns before the idle logout by CSS).
        let scriptless = [
            "/praxis/kv-antrag",
            "/praxis/vertrag",
            "/praxis/vertrag/kuendigen",
            "/nutzungsbedingungen",
            "/datenschutz",
            "/impressum",
            "/auftragsverarbeitung",
        ];
        if islands && scriptless.contains(&path.as_str()) {
            problems.push(format!(
                "{path}: islands on a page meant to carry no script"
            ));
        }
        if !islands && (scripts, modules, preloads, data) != (own, 0, 0, 0) {
            problems.push(format!(
                "{path}: no island but {scripts} scripts, {data} data"
            ));
        }
        // The practice's navigation marks the page the reader is on (`aria-current`, what a
        // screen reader announces and the style shows), and only that: "Übersicht" once was
        // current on every page under /praxis.
        let here = path.split(['?', ' ']).next().unwrap_or_default();
        let current = page.attr(".practice-links-wide a[aria-current=page]", "href");
        let fits = |href: &String| {
            here == href || (href != "/praxis" && here.starts_with(&format!("{href}/")))
        };
        if current.len() > 1 || !current.iter().all(fits) {
            problems.push(format!("{path}: navigation marks {current:?} as current"));
        }
        let links = page.attr(".practice-links-wide a", "href");
        if links.iter().any(|href| href == here) && current != [here] {
            problems.push(format!("{path}: its own link is not marked current"));
        }
        let headings = page.count("h1");
        if headings != 1 {
            problems.push(format!("{path}: {headings} <h1>"));
        }
        let mut seen = std::collections::HashSet::new();
        for id in page.attr("[id]", "id") {
            if !seen.insert(id.clone()) {
                problems.push(format!("{path}: id=\"{id}\" twice"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every page for a browser that prefers English: a page shown in English (`<html lang="en">`)
/// has no text left in German, every other page is German throughout, and the pages of
/// [`app::i18n::ENGLISH_PAGES`] are the ones shown in English. A page in English with German
/// fallbacks in it was half in a language its `lang` denied (a screen reader reads it with
/// English rules).
#[tokio::test]
async fn a_page_shown_in_english_has_no_german_text() {
    let app = spawn_app().await;
    let (_, practice_pages, public_pages) = every_page(&app).await;
    let english = "en-GB,en;q=0.9,de;q=0.5";
    let stranger = app.new_browser();
    let _ = app::i18n::take_fallbacks();
    let mut problems = vec![];
    let mut shown_in_english = vec![];
    let practice = practice_pages.iter().map(|path| (path.as_str(), true));
    let public = public_pages.iter().map(|path| (*path, false));
    for (path, logged_in) in practice.chain(public) {
        let response = if logged_in {
            app.get_with_header(path, "accept-language", english).await
        } else {
            stranger
                .get(format!("{}{path}", app.address))
                .header("accept-language", english)
                .send()
                .await
                .expect("request")
        };
        let html = response.text().await.expect("body");
        let fallbacks = app::i18n::take_fallbacks();
        let lang = Page::parse(&html).attr("html", "lang");
        match lang.as_slice() {
            [lang] if lang == "en" => {
                shown_in_english.push(path.to_owned());
                if !fallbacks.is_empty() {
                    problems.push(format!(
                        "{path}: shown in English with German {fallbacks:?}"
                    ));
                }
            }
            [lang] if lang == "de" => {}
            other => problems.push(format!("{path}: <html lang> {other:?}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    shown_in_english.sort_unstable();
    let mut listed = app::i18n::ENGLISH_PAGES.to_vec();
    listed.sort_unstable();
    assert_eq!(shown_in_english, listed);
}

/// The page's text as a reader sees it: tags (and Leptos' marker comments) removed, whitespace
/// collapsed. Words glued to a link ("dieNutzungsbedingungen") show here.
fn visible_text(html: &str) -> String {
    Page::parse(html).text()
}

const LEGAL_PAGES: [&str; 4] = [
    "/nutzungsbedingungen",
    "/datenschutz",
    "/auftragsverarbeitung",
    "/impressum",
];

#[tokio::test]
async fn legal_pages_fill_every_variable_in_german_and_english() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.operator.name = "Praxisdienst Nord GmbH".into();
        s.operator.street = "Hafenstraße 7".into();
        s.operator.postcode = "20457".into();
        s.operator.city = "Hamburg".into();
        s.operator.email = "datenschutz@praxisdienst-nord.example".into();
    })
    .await;
    for language in ["de-DE,de;q=0.9", "en-GB,en;q=0.9"] {
        for path in LEGAL_PAGES {
            let response = app.get_with_header(path, "accept-language", language).await;
            assert_eq!(response.status(), 200, "{path} {language}");
            let html = response.text().await.unwrap();
            for marker in ["{$", "{ $"] {
                assert!(
                    !html.contains(marker),
                    "{path} ({language}) shows a Fluent variable: {}",
                    &html[html.find(marker).unwrap().saturating_sub(120)..]
                );
            }
            assert!(html.contains("Praxisdienst Nord GmbH"), "{path}: operator");
            assert!(
                html.contains("datenschutz@praxisdienst-nord.example"),
                "{path}: e-mail"
            );
            if path != "/impressum" {
                assert!(
                    html.contains("Praxisdienst Nord GmbH, Hafenstraße 7, 20457 Hamburg"),
                    "{path}: operator with address"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_processing_agreement_names_the_operator_and_is_linked_where_it_is_concluded() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.operator.name = "Praxisdienst Nord GmbH".into();
        s.operator.email = "av@praxisdienst-nord.example".into();
    })
    .await;
    let response = app.get("/auftragsverarbeitung").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let page = Page::parse(&html);
    assert_eq!(
        page.text_of("h1"),
        ["Vertrag über die Auftragsverarbeitung"]
    );
    assert_eq!(
        page.text_of("title"),
        ["Vertrag über die Auftragsverarbeitung – Sprechzimmer"]
    );
    let text = visible_text(&html);
    let months = app::policy::METADATA_RETENTION_MONTHS;
    for expected in [
        "Praxisdienst Nord GmbH",
        "av@praxisdienst-nord.example",
        "Gegenstand und Dauer",
        "Art und Zweck der Verarbeitung",
        "Art der Daten und Kreis der betroffenen Personen",
        "Art. 9 DSGVO",
        "§ 203 StGB",
        "Weisungen der Praxis",
        "Technische und organisatorische Maßnahmen (Art. 32 DSGVO)",
        "Peer-to-Peer",
        "nicht aufgezeichnet",
        "im Browser verschlüsselt",
        &format!("{months} Monate nach dem Termin automatisch gelöscht"),
        "Weitere Auftragsverarbeiter",
        "Rechten der betroffenen Personen",
        "Ort der Verarbeitung",
        "Nachweise und Kontrollen",
        "Löschung bei Vertragsende",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }

    // Linked from the registration's checkbox, from the footer and from the terms, with the
    // words around each link kept apart.
    let register = visible_text(&app.html("/registrieren").await);
    for label in [
        "Ich akzeptiere die Nutzungsbedingungen von Sprechzimmer.",
        "Ich schließe für die Praxis den Vertrag über die Auftragsverarbeitung (AV-Vertrag) nach \
         Art. 28 DSGVO ab.",
    ] {
        assert!(register.contains(label), "{label} missing in {register}");
    }
    let register_html = app.html("/registrieren").await;
    assert_eq!(
        Page::parse(&register_html)
            .count(r#"form label a[href="/auftragsverarbeitung"][target="_blank"]"#),
        1,
        "the checkbox's label links the agreement (in a new tab, the form stays)"
    );
    let landing = Page::parse(&app.html("/").await);
    assert_eq!(
        landing.count(r#"footer a[href="/auftragsverarbeitung"]"#),
        1,
        "footer link"
    );
    let terms = app.html("/nutzungsbedingungen").await;
    assert!(
        Page::parse(&terms)
            .text_of(r#"main a[href="/auftragsverarbeitung"]"#)
            .iter()
            .any(|t| t == "Vertrag über die Auftragsverarbeitung"),
        "the terms link the agreement"
    );
    assert!(visible_text(&terms).contains(
        "Den vollständigen Text finden Sie jederzeit hier: Vertrag über die Auftragsverarbeitung"
    ));
}

#[tokio::test]
async fn public_pages_have_exactly_one_german_description() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/videosprechstunde",
        "/nutzungsbedingungen",
        "/datenschutz",
        "/auftragsverarbeitung",
        "/impressum",
    ] {
        let html = app
            .get_with_header(path, "accept-language", "en")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(
            Page::parse(&html).count(r#"[name="description"]"#),
            1,
            "{path}: one description"
        );
        let content = description(&html);
        assert!(content.len() > 50, "{path}: {content}");
        assert!(!content.contains("meta-description"), "{path}: raw key");
    }
}

/// The `content` of the page's one `<meta name="description">`, as a browser reads it (entities
/// decoded).
pub fn description(html: &str) -> String {
    Page::parse(html)
        .one(r#"head meta[name="description"]"#)
        .attr("content")
        .expect("content")
        .to_owned()
}
