use crate::helpers::spawn_app;

#[tokio::test]
async fn landing_page_is_german_by_default_and_server_rendered() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r#"<html lang="de""#),
        "{}",
        &html[..200.min(html.len())]
    );
    assert!(html.contains("Videosprechstunde – direkt, verschlüsselt"));
    assert!(html.contains("Zur Videosprechstunde"));
    assert!(html.contains(">Anmelden<") && html.contains(">Registrieren<"));
}

#[tokio::test]
async fn accept_language_english_gives_english_with_german_fallback() {
    let app = spawn_app().await;
    let response = app
        .get_with_header("/", "accept-language", "en-GB,en;q=0.9,de;q=0.5")
        .await;
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("Join a video consultation"));
    // Not yet translated: shown in German rather than as a raw key.
    assert!(html.contains("So schützen wir die Gespräche"));
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
    assert!(html.contains(r#"href="/""#));
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
        assert!(
            html.contains(&format!("<h1>{heading}</h1>")),
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
        for attr in ["src=\"", "href=\"", "action=\"", "srcset=\"", "poster=\""] {
            for (pos, _) in html.match_indices(attr) {
                let value = &html[pos + attr.len()..];
                let value = &value[..value.find('"').unwrap_or(0)];
                let own = (value.starts_with('/') && !value.starts_with("//"))
                    || value.starts_with('#')
                    || value.starts_with("mailto:");
                assert!(own, "{path}: {attr}{value}\" points elsewhere");
            }
        }
    }
}

/// Every page a practice and a patient meet, rendered with data in it: each gives 200, has one
/// `<h1>`, no element id twice (a label would point at the wrong element), and no text left
/// with a Fluent placeholder (`{$when}`) a person would read.
#[tokio::test]
async fn every_page_renders_without_placeholders_or_duplicate_ids() {
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let (code, _) = crate::patient_entry::booked(&app, "rundgang@praxis.de").await;
    let appointment = app::entities::appointment::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .expect("the booked appointment")
        .id;
    let practice_pages = [
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
        "/videosprechstunde",
        "/registrieren",
        "/anmelden",
        "/passwort-vergessen",
        "/nix",
    ];
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
        let html = stranger
            .post(format!("{}/videosprechstunde", app.address))
            .form(&[("name", "Erika Mustermann"), ("code", typed)])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        pages.push((format!("/videosprechstunde ({typed})"), html));
    }
    let mut problems = vec![];
    for (path, html) in &pages {
        if html.contains("{$") || html.contains("{ $") || html.contains("{???}") {
            problems.push(format!("{path}: a Fluent placeholder reached the page"));
        }
        let headings = html.matches("<h1").count();
        if headings != 1 {
            problems.push(format!("{path}: {headings} <h1>"));
        }
        let mut seen = std::collections::HashSet::new();
        for (pos, _) in html.match_indices(" id=\"") {
            let value = &html[pos + 5..];
            let id = &value[..value.find('"').unwrap_or(0)];
            if !seen.insert(id.to_owned()) {
                problems.push(format!("{path}: id=\"{id}\" twice"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
