//! The authenticator-app second factor: setup with a QR code, recovery codes shown once,
//! login with a code (no replay) or a recovery code (once), switching off with the password.

use crate::helpers::{location, query_one_string, spawn_app, spawn_practice, TestApp, PASSWORD};
use crate::html::Page;
use app::clock::Clock;
use app::practice::totp::{code_at, TotpSecret};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// Codes like `ab3de-fgh7k` shown on the page.
fn recovery_codes(html: &str) -> Vec<String> {
    Page::parse(html)
        .text_of(r#"li > code[translate="no"]"#)
        .into_iter()
        .filter(|c| c.len() == 11 && c.as_bytes()[5] == b'-')
        .collect()
}

fn code_now(app: &TestApp, secret: &TotpSecret) -> String {
    code_at(secret, app.clock.now().timestamp() as u64)
}

async fn security(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    let form: Vec<(&str, String)> = form.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    app.post_form("/praxis/sicherheit", &form).await
}

#[tokio::test]
async fn second_factor_is_switched_on_with_a_code_and_then_asked_at_every_login() {
    let app = spawn_practice("tina@example.de").await;
    let home = app.html("/praxis").await;
    assert!(
        home.contains("Zwei-Faktor-Anmeldung einrichten"),
        "owners are nudged to switch it on"
    );

    let start = security(&app, &[("action", "start")]).await;
    assert_eq!(location(&start), "/praxis/sicherheit#einrichten");
    let page = app.html("/praxis/sicherheit").await;
    let parsed = Page::parse(&page);
    assert!(parsed.count("svg") > 0, "QR code inline in the page");
    assert_eq!(parsed.count("img"), 0, "no image request for the QR code");
    let grouped = parsed.text_of(".secret");
    assert_eq!(grouped.len(), 1, "one secret shown: {grouped:?}");
    let grouped = &grouped[0];
    let secret = TotpSecret::from_base32(&grouped.replace(' ', "")).expect("base32 secret");

    let right = code_now(&app, &secret);
    let wrong = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    let refused = security(
        &app,
        &[
            ("action", "confirm"),
            ("code", wrong),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Der Code stimmt nicht"));

    let confirmed = security(
        &app,
        &[
            ("action", "confirm"),
            ("code", &right),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(confirmed.status(), 200);
    let shown = confirmed.text().await.unwrap();
    let codes = recovery_codes(&shown);
    assert_eq!(codes.len(), 10, "ten recovery codes, shown now");
    assert!(shown.contains("nur dieses eine Mal"));
    let again = app.html("/praxis/sicherheit").await;
    assert!(again.contains("Unbenutzte Wiederherstellungscodes: 10"));
    assert!(
        codes.iter().all(|c| !again.contains(c.as_str())),
        "recovery codes are never shown a second time"
    );
    let stored = query_one_string(app.conn(), "SELECT code_hash FROM recovery_code LIMIT 1").await;
    assert!(
        codes.iter().all(|c| !stored.contains(&c[..5])),
        "only hashes stored"
    );
    let mails = app.inbox.wait_for_messages(2, WAIT).await;
    assert!(mails[1]
        .subject
        .contains("Zwei-Faktor-Anmeldung eingeschaltet"));

    // Login now stops after the password.
    app.post_form("/abmelden", &[]).await;
    let login = app.log_in("tina@example.de", PASSWORD).await;
    assert_eq!(location(&login), "/anmelden/zweiter-faktor");
    assert_eq!(
        location(&app.get("/praxis").await),
        "/anmelden",
        "the password alone does not log in"
    );
    let replay = app
        .post_form("/anmelden/zweiter-faktor", &[("code", right.clone())])
        .await;
    assert_eq!(
        replay.status(),
        401,
        "a code used once is not accepted again"
    );
    app.clock.advance(chrono::Duration::seconds(30));
    let next = code_now(&app, &secret);
    let second = app
        .post_form("/anmelden/zweiter-faktor", &[("code", next)])
        .await;
    assert_eq!(location(&second), "/praxis");
    assert_eq!(app.get("/praxis").await.status(), 200);

    // A recovery code works once, typed in capitals and with spaces.
    app.post_form("/abmelden", &[]).await;
    app.log_in("tina@example.de", PASSWORD).await;
    let typed = format!(" {} ", codes[3].to_uppercase());
    let with_recovery = app
        .post_form("/anmelden/zweiter-faktor", &[("code", typed.clone())])
        .await;
    assert_eq!(location(&with_recovery), "/praxis");
    app.post_form("/abmelden", &[]).await;
    app.log_in("tina@example.de", PASSWORD).await;
    let reused = app
        .post_form("/anmelden/zweiter-faktor", &[("code", typed)])
        .await;
    assert_eq!(reused.status(), 401, "recovery codes work once");
    app.clock.advance(chrono::Duration::seconds(30));
    let back_in = app
        .post_form(
            "/anmelden/zweiter-faktor",
            &[("code", code_now(&app, &secret))],
        )
        .await;
    assert_eq!(location(&back_in), "/praxis");
    let page = app.html("/praxis/sicherheit").await;
    assert!(page.contains("Unbenutzte Wiederherstellungscodes: 9"));

    // Switching off needs the password.
    let wrong_password = security(
        &app,
        &[("action", "disable"), ("password", "nicht mein Passwort")],
    )
    .await;
    assert_eq!(wrong_password.status(), 422);
    assert!(wrong_password
        .text()
        .await
        .unwrap()
        .contains("Das Passwort stimmt nicht"));
    let off = security(&app, &[("action", "disable"), ("password", PASSWORD)]).await;
    assert_eq!(location(&off), "/praxis/sicherheit?ausgeschaltet");
    let mails = app.inbox.wait_for_messages(3, WAIT).await;
    assert!(mails[2].subject.contains("ausgeschaltet"));
    app.post_form("/abmelden", &[]).await;
    assert_eq!(
        location(&app.log_in("tina@example.de", PASSWORD).await),
        "/praxis"
    );
}

#[tokio::test]
async fn the_second_factor_page_needs_a_login_and_shows_only_ones_own_secret() {
    let app = spawn_app().await;
    let anonymous = app.new_browser();
    let page = anonymous
        .get(format!("{}/praxis/sicherheit", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&page), "/anmelden");
    let api = anonymous
        .get(format!("{}/api/praxis/sicherheit", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
    let post = anonymous
        .post(format!("{}/praxis/sicherheit", app.address))
        .form(&[("action", "start")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&post), "/anmelden");

    app.register_verified("uwe@example.de").await;
    app.log_in("uwe@example.de", PASSWORD).await;
    security(&app, &[("action", "start")]).await;
    let mine = app.html("/api/praxis/sicherheit").await;
    let stored = query_one_string(
        app.conn(),
        "SELECT totp_pending_secret FROM practice_user LIMIT 1",
    )
    .await;
    let grouped: String = stored
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        mine.contains(&grouped),
        "the pending secret is the one shown"
    );
    let unknown = security(&app, &[("action", "explode")]).await;
    assert_eq!(unknown.status(), 400);
}
