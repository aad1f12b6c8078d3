//! Practice accounts against the real server and a real SMTP listener: registration,
//! verification, login, lockout, sessions, password reset, Stammdaten, isolation, outbox.

use crate::helpers::{
    location, registration, session_cookie, spawn_app, spawn_practice, TestApp, PASSWORD,
};
use crate::html::Page;
use crate::smtp::link_in;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn registration_sends_a_german_verification_mail_whose_link_unlocks_login() {
    let app = spawn_app().await;
    let response = app
        .post_form("/registrieren", &registration("anna@praxis-markt.de"))
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/registrieren/gesendet");

    let mails = app.inbox.wait_for_messages(1, WAIT).await;
    let mail = &mails[0];
    assert_eq!(mail.to, vec!["anna@praxis-markt.de".to_owned()]);
    assert!(mail.subject.contains("Praxis am Markt"), "{}", mail.subject);
    assert!(
        mail.text.contains("Guten Tag Dr. med. Anna Beispiel"),
        "{}",
        mail.text
    );
    assert!(!mail.html.contains("<img"), "no images or tracking pixels");
    assert_eq!(
        Page::parse(&mail.html).count("img, [background], [style*=\"url(\"]"),
        0,
        "no images or tracking pixels"
    );

    let refused = app.log_in("anna@praxis-markt.de", PASSWORD).await;
    assert_eq!(refused.status(), 403, "login is refused until verified");
    let page = refused.text().await.unwrap();
    assert!(page.contains("noch nicht bestätigt"), "{page}");
    assert!(page.contains("Link erneut senden"));

    let link = link_in(&mail.text, "/registrieren/bestaetigen").expect("link");
    let token = link.split("token=").nth(1).unwrap();
    assert!(token.len() >= 43, "token has at least 256 bits");
    let verified = app.confirm_link(&app.client, &link).await;
    assert_eq!(location(&verified), "/anmelden?bestaetigt");
    let again = app.confirm_link(&app.client, &link).await;
    assert_eq!(
        location(&again),
        "/registrieren/link-ungueltig",
        "links work once"
    );

    let login = app.log_in("Anna@Praxis-Markt.de", PASSWORD).await;
    assert_eq!(location(&login), "/praxis");
    let home = app.get("/praxis").await;
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(html.contains("Praxis am Markt") && html.contains("Dr. med. Anna Beispiel"));

    let stored: String = crate::helpers::query_one_string(
        &app.db.conn,
        "SELECT token_hash FROM account_token LIMIT 1",
    )
    .await;
    assert_ne!(stored, token, "only the hash of the token is stored");
}

#[tokio::test]
async fn verification_links_expire_after_24_hours_and_can_be_sent_again() {
    let app = spawn_app().await;
    app.post_form("/registrieren", &registration("bert@example.de"))
        .await;
    let first = app.inbox.wait_for_messages(1, WAIT).await[0].clone();
    app.clock
        .advance(chrono::Duration::hours(24) + chrono::Duration::minutes(1));
    let link = link_in(&first.text, "/registrieren/bestaetigen").unwrap();
    let expired = app.confirm_link(&app.client, &link).await;
    assert_eq!(location(&expired), "/registrieren/link-ungueltig");

    let resend = app
        .post_form(
            "/anmelden/link-erneut-senden",
            &[("email", "bert@example.de".into())],
        )
        .await;
    assert_eq!(location(&resend), "/anmelden?link-gesendet");
    let second = app.inbox.wait_for_messages(2, WAIT).await[1].clone();
    let link = link_in(&second.text, "/registrieren/bestaetigen").unwrap();
    let ok = app.confirm_link(&app.client, &link).await;
    assert_eq!(location(&ok), "/anmelden?bestaetigt");
}

#[tokio::test]
async fn invalid_registration_shows_german_messages_next_to_the_fields_and_keeps_the_input() {
    let app = spawn_app().await;
    let mut form = registration("carla@example.de");
    for (key, value) in form.iter_mut() {
        match *key {
            "lanr" => *value = "123456701".into(), // wrong check digit
            "bsnr" => *value = "12345".into(),     // too short
            "postcode" => *value = "1234".into(),
            "password" => *value = "kurz".into(),
            "accept_dpa" => *value = String::new(),
            _ => {}
        }
    }
    let response = app.post_form("/registrieren", &form).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    for expected in [
        "Prüfziffer",
        "BSNR",
        "PLZ",
        "12 Zeichen",
        "AV-Vertrag",
        "Bitte korrigieren Sie",
    ] {
        assert!(page.contains(expected), "{expected} missing");
    }
    assert!(
        Page::parse(&page).field_values("practice_name") == ["Praxis am Markt"],
        "typed values are kept"
    );
    let parsed = Page::parse(&page);
    assert_eq!(parsed.field_values("lanr"), ["123456701"]);
    assert!(!page.contains("kurz\""), "passwords are never echoed");
    assert!(
        parsed.field_values("password").iter().all(|v| v.is_empty()),
        "passwords are never echoed"
    );
    let invalid = parsed.attr(r#"[aria-invalid="true"]"#, "name");
    for field in ["lanr", "bsnr", "postcode", "password"] {
        assert!(
            invalid.iter().any(|n| n == field),
            "{field} marked invalid: {invalid:?}"
        );
    }
    assert!(app.inbox.messages().is_empty(), "nothing was registered");
}

#[tokio::test]
async fn registering_a_known_address_answers_the_same_and_warns_the_owner_by_mail() {
    let app = spawn_app().await;
    app.register_verified("dora@example.de").await;
    let response = app
        .post_form("/registrieren", &registration("DORA@example.de"))
        .await;
    assert_eq!(location(&response), "/registrieren/gesendet");
    let mails = app.inbox.wait_for_messages(2, WAIT).await;
    assert!(mails[1]
        .subject
        .contains("Registrierung mit Ihrer E-Mail-Adresse"));
}

#[tokio::test]
async fn login_failures_look_the_same_for_unknown_and_known_addresses() {
    let app = spawn_app().await;
    app.register_verified("emil@example.de").await;
    let unknown = app.log_in("niemand@example.de", PASSWORD).await;
    let wrong = app.log_in("emil@example.de", "falsches Passwort 123").await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(wrong.status(), 401);
    let (a, b) = (unknown.text().await.unwrap(), wrong.text().await.unwrap());
    let message = "E-Mail-Adresse oder Passwort stimmen nicht";
    assert!(a.contains(message) && b.contains(message));

    let reset_unknown = app
        .post_form(
            "/passwort-vergessen",
            &[("email", "niemand@example.de".into())],
        )
        .await;
    let reset_known = app
        .post_form(
            "/passwort-vergessen",
            &[("email", "emil@example.de".into())],
        )
        .await;
    assert_eq!(location(&reset_unknown), location(&reset_known));
}

#[tokio::test]
async fn ten_failures_lock_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    app.register_verified("frieda@example.de").await;
    for _ in 0..10 {
        let r = app
            .log_in("frieda@example.de", "falsches Passwort 123")
            .await;
        assert_eq!(r.status(), 401);
    }
    let locked = app.log_in("frieda@example.de", PASSWORD).await;
    assert_eq!(locked.status(), 401);
    assert!(locked.text().await.unwrap().contains("15 Minuten gesperrt"));
    app.clock.advance(chrono::Duration::minutes(16));
    let ok = app.log_in("frieda@example.de", PASSWORD).await;
    assert_eq!(location(&ok), "/praxis");
}

#[tokio::test]
async fn the_session_id_changes_at_login_and_the_old_cookie_dies_at_logout() {
    let app = spawn_app().await;
    app.register_verified("gero@example.de").await;
    let first = app.log_in("gero@example.de", PASSWORD).await;
    let first_cookie = session_cookie(&first).expect("cookie after login");
    let second = app.log_in("gero@example.de", PASSWORD).await;
    let second_cookie = session_cookie(&second).expect("cookie after second login");
    assert_ne!(
        first_cookie, second_cookie,
        "a login never keeps the previous session id"
    );

    let thief = app.new_browser();
    let with_cookie = |c: &reqwest::Client| {
        c.get(format!("{}/api/praxis/stammdaten", app.address))
            .header("cookie", second_cookie.clone())
    };
    assert_eq!(with_cookie(&thief).send().await.unwrap().status(), 200);
    let logout = app.post_form("/abmelden", &[]).await;
    assert_eq!(location(&logout), "/anmelden?abgemeldet");
    assert_eq!(with_cookie(&thief).send().await.unwrap().status(), 401);
    assert_eq!(location(&app.get("/praxis").await), "/anmelden");
}

#[tokio::test]
async fn sessions_end_after_twelve_hours_however_active() {
    let app = spawn_practice("hanna@example.de").await;
    app.clock.advance(chrono::Duration::hours(11));
    assert_eq!(app.get("/praxis").await.status(), 200);
    app.clock.advance(chrono::Duration::hours(1));
    assert_eq!(location(&app.get("/praxis").await), "/anmelden");
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/anmelden", app.address))
        .header("Origin", "https://evil.example")
        .form(&[("email", "x@example.de"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = app
        .client
        .post(format!("{}/praxis/stammdaten", app.address))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("form", "practice")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn own_form_posts_from_a_browser_pass_although_the_origin_is_hidden() {
    // What Chromium and Firefox send for our form posts under `Referrer-Policy: no-referrer`.
    let app = spawn_app().await;
    app.register_verified("olga@example.de").await;
    let post = |fetch_site: Option<&'static str>| {
        let mut request = app
            .client
            .post(format!("{}/anmelden", app.address))
            .header("Origin", "null");
        if let Some(site) = fetch_site {
            request = request.header("Sec-Fetch-Site", site);
        }
        request
            .form(&[("email", "olga@example.de"), ("password", PASSWORD)])
            .send()
    };
    assert_eq!(
        location(&post(Some("same-origin")).await.unwrap()),
        "/praxis"
    );
    assert_eq!(
        post(None).await.unwrap().status(),
        403,
        "null origin without fetch metadata"
    );
    assert_eq!(post(Some("cross-site")).await.unwrap().status(), 403);
}

#[tokio::test]
async fn a_link_without_its_whole_token_says_so_before_a_password_is_chosen() {
    let app = spawn_app().await;
    app.register_verified("ina@example.de").await;
    let reset = app
        .post_form("/passwort-vergessen", &[("email", "ina@example.de".into())])
        .await;
    assert_eq!(location(&reset), "/passwort-vergessen?gesendet");
    let mail = app.inbox.wait_for_messages(2, WAIT).await[1].clone();
    let link = link_in(&mail.text, "/passwort-neu").expect("reset link");
    let path = &link[link.find("/passwort-neu").unwrap()..];
    let stranger = app.new_browser();
    let page_of = |path: String| {
        let (app, stranger) = (&app, &stranger);
        async move { Page::parse(&app.get_as(stranger, &path).await.text().await.unwrap()) }
    };
    let whole = page_of(path.to_owned()).await;
    assert_eq!(
        whole.count("input[name=password]"),
        1,
        "the whole link: the form"
    );
    assert_eq!(whole.count(".notice.error"), 0);
    for cut in [
        "/passwort-neu".to_owned(),
        "/passwort-neu?token=x".to_owned(),
        path[..path.len() - 5].to_owned(),
        "/einladung".to_owned(),
    ] {
        let page = page_of(cut.clone()).await;
        assert_eq!(page.count("input[name=password]"), 0, "{cut}: no form");
        let notice = page.text_of(".notice.error").join(" ");
        assert!(
            notice.contains("Dieser Link ist unvollständig"),
            "{cut}: {notice}"
        );
    }
}

#[tokio::test]
async fn a_password_reset_ends_every_other_session_and_works_once() {
    let app = spawn_app().await;
    app.register_verified("ida@example.de").await;
    let other = TestApp::browser_logged_in(&app, "ida@example.de").await;
    let reset = app
        .post_form("/passwort-vergessen", &[("email", "ida@example.de".into())])
        .await;
    assert_eq!(location(&reset), "/passwort-vergessen?gesendet");
    let mail = app.inbox.wait_for_messages(2, WAIT).await[1].clone();
    let link = link_in(&mail.text, "/passwort-neu").expect("reset link");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let form = [
        ("token", token.clone()),
        ("password", "Ein ganz neues Passwort".to_owned()),
    ];
    let done = app.post_form("/passwort-neu", &form).await;
    assert_eq!(location(&done), "/anmelden?passwort-geaendert");
    let again = app.post_form("/passwort-neu", &form).await;
    assert_eq!(location(&again), "/passwort-neu?ungueltig");

    let stale = other
        .get(format!("{}/praxis", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&stale), "/anmelden", "the other session has ended");
    assert_eq!(app.log_in("ida@example.de", PASSWORD).await.status(), 401);
    let ok = app
        .log_in("ida@example.de", "Ein ganz neues Passwort")
        .await;
    assert_eq!(location(&ok), "/praxis");
    let notice = app.inbox.wait_for_messages(3, WAIT).await[2].clone();
    assert!(notice.subject.contains("Passwort wurde geändert"));
}

#[tokio::test]
async fn stammdaten_and_rechnungsdaten_are_saved_and_validated() {
    let app = spawn_practice("jan@example.de").await;
    let mut form: Vec<(&str, String)> = vec![
        ("form", "practice".into()),
        ("practice_name", "Praxis am Park".into()),
        ("street", "Parkweg 1".into()),
        ("postcode", "01067".into()),
        ("city", "Dresden".into()),
        ("phone", "0351 765432".into()),
        ("kv_region", "sachsen".into()),
        ("bsnr", "981234500".into()),
    ];
    let saved = app.post_form("/praxis/stammdaten", &form).await;
    assert_eq!(location(&saved), "/praxis/stammdaten?gespeichert=practice");
    let page = app.html("/praxis/stammdaten").await;
    assert_eq!(
        Page::parse(&page).field_values("practice_name"),
        ["Praxis am Park"]
    );

    form[7].1 = "721234500".into(); // a Berlin BSNR with the KV Sachsen
    let refused = app.post_form("/praxis/stammdaten", &form).await;
    assert_eq!(refused.status(), 422);

    let billing = [
        ("billing_name", "Praxis am Park".to_owned()),
        ("billing_street", "Parkweg 1".into()),
        ("billing_postcode", "01067".into()),
        ("billing_city", "Dresden".into()),
        ("account_holder", "Jan Beispiel".into()),
        ("iban", "DE89 3704 0044 0532 0130 01".into()),
    ];
    let bad = app.post_form("/praxis/rechnungsdaten", &billing).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("IBAN"));
    let mut billing = billing.to_vec();
    billing[5].1 = "DE89 3704 0044 0532 0130 00".into();
    let ok = app.post_form("/praxis/rechnungsdaten", &billing).await;
    assert_eq!(location(&ok), "/praxis/rechnungsdaten?gespeichert");
    let page = app.html("/praxis/rechnungsdaten").await;
    assert!(
        page.contains("DE89 **** **** **** **30 00"),
        "IBAN shown masked"
    );
    assert!(!page.contains("0532 0130 00"));
}

#[tokio::test]
async fn a_practice_never_sees_or_changes_another_practices_data() {
    let app = spawn_app().await;
    app.register_verified("a@praxis-a.de").await;
    let b = app.practice_b("b@praxis-b.de").await;
    app.log_in("a@praxis-a.de", PASSWORD).await;

    for path in [
        "/api/praxis/stammdaten",
        "/api/praxis/rechnungsdaten",
        "/api/praxis/vertrag",
        "/api/praxis/sitzung",
        "/api/praxis/sicherheit",
        "/api/praxis/team",
    ] {
        let a_sees = app.html(path).await;
        let b_sees = b
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!a_sees.contains("Praxis B"), "{path}: A sees B");
        assert!(!b_sees.contains("Praxis am Markt"), "{path}: B sees A");
    }
    let change = [
        ("form", "practice"),
        ("practice_name", "Von B geändert"),
        ("street", "Weg 1"),
        ("postcode", "04109"),
        ("city", "Leipzig"),
        ("phone", "0341 1"),
        ("kv_region", "sachsen"),
        ("bsnr", "981234500"),
    ];
    b.post(format!("{}/praxis/stammdaten", app.address))
        .form(&change)
        .send()
        .await
        .unwrap();
    let a_page = app.html("/praxis/stammdaten").await;
    assert!(
        Page::parse(&a_page).field_values("practice_name") == ["Praxis am Markt"],
        "A's data unchanged"
    );
    let anonymous = app.new_browser();
    for path in [
        "/api/praxis/stammdaten",
        "/api/praxis/rechnungsdaten",
        "/api/praxis/vertrag",
        "/api/praxis/sicherheit",
        "/api/praxis/team",
    ] {
        let r = anonymous
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }
}

#[tokio::test]
async fn an_email_queued_while_smtp_is_down_arrives_exactly_once_after_it_is_back() {
    let app = spawn_app().await;
    app.inbox.stop().await;
    let response = app
        .post_form("/registrieren", &registration("karl@example.de"))
        .await;
    assert_eq!(
        location(&response),
        "/registrieren/gesendet",
        "registration does not wait for SMTP"
    );
    crate::helpers::eventually("a delivery was tried", || async {
        let attempts = crate::helpers::query_one_string(
            &app.db.conn,
            "SELECT CAST(attempts AS TEXT) FROM email_outbox",
        )
        .await;
        (attempts.parse::<i32>().unwrap() >= 1).then_some(())
    })
    .await;
    app.inbox.restart().await;
    app.clock.advance(chrono::Duration::minutes(10));
    let mails = app
        .inbox
        .wait_for_messages(1, Duration::from_secs(15))
        .await;
    assert!(mails[0].subject.contains("bestätigen"));
    // A day later every retry that could still be pending is due; the worker sends due
    // messages oldest first, so any second copy would arrive before a mail queued now.
    app.clock.advance(chrono::Duration::days(1));
    let later = app
        .post_form("/registrieren", &registration("lotte@example.de"))
        .await;
    assert_eq!(location(&later), "/registrieren/gesendet");
    let mails = app.inbox.wait_for_messages(2, WAIT).await;
    assert_eq!(mails[1].to, vec!["lotte@example.de".to_owned()]);
    assert_eq!(
        app.mail_settled().await.len(),
        2,
        "the first mail was sent exactly once"
    );
}
