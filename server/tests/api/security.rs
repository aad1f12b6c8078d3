use crate::helpers::{spawn_app, spawn_app_with};
use reqwest::Response;
use sea_orm::EntityTrait;

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .to_str()
        .unwrap()
}

fn assert_security_headers(response: &Response) -> String {
    let csp = header(response, "content-security-policy");
    for part in [
        "script-src 'nonce-",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "default-src 'self'",
    ] {
        assert!(csp.contains(part), "CSP lacks {part}: {csp}");
    }
    assert_eq!(header(response, "referrer-policy"), "no-referrer");
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    let permissions = header(response, "permissions-policy");
    assert!(permissions.contains("camera=(self)") && permissions.contains("microphone=(self)"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    nonce.to_owned()
}

#[tokio::test]
async fn html_page_has_security_headers_and_its_scripts_carry_the_csp_nonce() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let nonce = assert_security_headers(&response);
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none(),
        "no HSTS on plain HTTP"
    );
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    let page = crate::html::Page::parse(&html);
    let scripts = page.count("script");
    assert!(scripts > 0, "the page hydrates through a script");
    let nonces = page.attr("[nonce]", "nonce");
    assert!(
        nonces.iter().all(|n| n == &nonce),
        "every nonce on the page is this response's nonce: {nonces:?}"
    );
    assert_eq!(
        page.attr("script", "nonce").len(),
        scripts,
        "every script carries the nonce"
    );
    // No nonce hidden anywhere but in an attribute (e.g. text the parser would not see as one).
    assert_eq!(html.matches("nonce=\"").count(), nonces.len());

    let other = app.get("/").await;
    let other_nonce = assert_security_headers(&other);
    assert_ne!(nonce, other_nonce, "a fresh nonce per response");
}

#[tokio::test]
async fn error_pages_and_json_have_security_headers_too() {
    let app = spawn_app().await;
    let not_found = app.get("/kein-solcher-pfad").await;
    assert_eq!(not_found.status(), 404);
    assert_security_headers(&not_found);
    let health = app.get("/health/live").await;
    assert_security_headers(&health);
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_https() {
    let app = spawn_app_with(|s| s.application.base_url = "https://sprechzimmer.test".into()).await;
    let response = app.get("/health/live").await;
    assert_eq!(
        header(&response, "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn oversized_bodies_get_413_with_a_german_message() {
    let app = spawn_app_with(|s| s.security.max_body_bytes = 64 * 1024).await;
    let response = app
        .client
        .post(format!("{}/api/site/operator", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 200 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_security_headers(&response);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "payload_too_large");
    assert_eq!(body["message"], "Die gesendeten Daten sind zu groß.");
    // The server is still there.
    assert_eq!(app.get("/health/live").await.status(), 200);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let url = "/api/site/operator";
    let foreign = app
        .post_with_header(url, "origin", "https://evil.example")
        .await;
    assert_eq!(foreign.status(), 403);
    let body: serde_json::Value = foreign.json().await.unwrap();
    assert_eq!(body["error"], "forbidden_origin");

    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "null"),
        ("origin", "http://127.0.0.1.evil.example"),
    ] {
        let refused = app.post_with_header(url, header, value).await;
        assert_eq!(refused.status(), 403, "{header}: {value}");
    }

    // Our own origin (any letter case) passes the check and reaches the endpoint, which only
    // answers GET.
    for origin in [app.address.clone(), app.address.to_uppercase()] {
        let own = app.post_with_header(url, "origin", &origin).await;
        assert_eq!(own.status(), 405, "{origin}");
    }
    let same_origin = app
        .post_with_header(url, "sec-fetch-site", "same-origin")
        .await;
    assert_eq!(same_origin.status(), 405);
}

#[tokio::test]
async fn static_files_are_revalidated_not_stored_forever_and_carry_the_headers() {
    let app = spawn_app().await;
    let response = app.get("/favicon.svg").await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-cache");
    assert!(header(&response, "content-type").starts_with("image/svg+xml"));
    assert_security_headers(&response);
    let modified = header(&response, "last-modified").to_owned();
    let again = app
        .get_with_header("/favicon.svg", "if-modified-since", &modified)
        .await;
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn server_function_answers_with_operator_json() {
    let app = spawn_app().await;
    let response = app.get("/api/site/operator").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["email"], "kontakt@example.org");
}

/// Raw form bytes as a hostile client sends them (browsers always send clean UTF-8).
async fn post_raw_form(app: &crate::helpers::TestApp, path: &str, body: Vec<u8>) -> Response {
    app.client
        .post(format!("{}{path}", app.address))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "text/html")
        .body(body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn forms_with_invalid_utf8_or_control_characters_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let clean: Vec<u8> = crate::helpers::registration("rein@praxis.de")
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes();
    let with_password = |password: &[u8]| {
        let text = String::from_utf8(clean.clone()).unwrap();
        let mut body = text
            .replace("password=Sonnenblumen+im+Wartezimmer", "password=")
            .into_bytes();
        let at = body
            .windows(9)
            .position(|w| w == b"password=")
            .expect("password field")
            + 9;
        body.splice(at..at, password.iter().copied());
        body
    };
    for (what, password) in [
        ("invalid UTF-8", &b"Sonnenblumen+im+Wartezimmer%FF%FE"[..]),
        ("a raw invalid byte", b"Sonnenblumen+im+Wartezimmer\xff"),
        ("NUL", b"Sonnenblumen+im%00Wartezimmer"),
        ("an escape character", b"Sonnenblumen+im%1BWartezimmer"),
    ] {
        let response = post_raw_form(&app, "/registrieren", with_password(password)).await;
        assert_eq!(response.status(), 400, "{what}");
        let body: serde_json::Value = response.json().await.expect("JSON error");
        assert_eq!(body["error"], "unclean_form", "{what}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with("Das Formular enthielt Zeichen"),
            "{message}"
        );
    }
    let accounts = app::entities::practice_user::Entity::find()
        .all(app.conn())
        .await
        .unwrap();
    assert!(accounts.is_empty(), "no account from an unclean form");
    let queued = app::entities::email_outbox::Entity::find()
        .all(app.conn())
        .await
        .unwrap();
    assert!(queued.is_empty(), "no mail either");

    // The same login with NUL in the password is refused before any password check.
    let login = post_raw_form(
        &app,
        "/anmelden",
        b"email=rein%40praxis.de&password=abc%00def".to_vec(),
    )
    .await;
    assert_eq!(login.status(), 400);

    // The clean form still registers (line breaks and tabs stay allowed in text).
    let response = post_raw_form(&app, "/registrieren", clean).await;
    assert_eq!(response.status(), 303, "clean registration goes through");
}
