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
