//! Issue 22, the attacks on accounts and entry, over HTTP against the real router: client
//! addresses behind proxies, addresses slowed down instead of locked (a patient or doctor
//! behind the attacker's address still gets in), registration floods, second-factor brute
//! force and races, e-mail links opened by scanners, switching the second factor on.

use crate::helpers::{
    location, query_one_string, registration, spawn_app, spawn_app_with, spawn_practice,
    CapturedLog, TestApp, PASSWORD,
};
use crate::patient_entry::{booked, entry_response};
use crate::smtp::link_in;
use app::clock::Clock;
use app::practice::throttle;
use app::practice::totp::{code_at, TotpSecret};
use chrono::Duration as ChronoDuration;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

/// Failures the app counted for client address `ip` (login keys).
async fn login_failures(app: &TestApp, ip: &str) -> i32 {
    let key = throttle::address_key(ip.parse().expect("ip"));
    throttle::failures(app.conn(), &key, app.clock.now())
        .await
        .expect("failures")
}

/// A wrong login for an unknown account, with one extra header.
async fn wrong_login(app: &TestApp, header: Option<(&str, &str)>) -> reqwest::Response {
    let mut request = app
        .new_browser()
        .post(format!("{}/anmelden", app.address))
        .form(&[
            ("email", "niemand@example.de"),
            ("password", "falsches Passwort 123"),
        ]);
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    request.send().await.expect("login")
}

#[tokio::test]
async fn behind_trusted_proxies_the_client_is_the_right_most_untrusted_forwarded_entry() {
    let app = spawn_app_with(|s| {
        s.security.trusted_proxies = vec!["127.0.0.1/32".into(), "10.0.0.0/8".into()];
    })
    .await;
    // The client wrote 6.6.6.6 itself; our proxy (10.1.2.3) and the edge (127.0.0.1) are
    // trusted; 203.0.113.7 is who connected to the edge.
    let r = wrong_login(
        &app,
        Some(("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.1.2.3")),
    )
    .await;
    assert_eq!(r.status(), 401);
    assert_eq!(login_failures(&app, "203.0.113.7").await, 1);
    assert_eq!(login_failures(&app, "6.6.6.6").await, 0, "spoofed entry");
    assert_eq!(login_failures(&app, "127.0.0.1").await, 0, "the proxy");
    // Another client behind the same proxy is another address.
    wrong_login(&app, Some(("x-forwarded-for", "198.51.100.4"))).await;
    assert_eq!(login_failures(&app, "198.51.100.4").await, 1);
    assert_eq!(login_failures(&app, "203.0.113.7").await, 1);
    // Without a header the peer counts.
    wrong_login(&app, None).await;
    assert_eq!(login_failures(&app, "127.0.0.1").await, 1);
}

#[tokio::test]
async fn rfc_7239_forwarded_is_read_when_configured() {
    let app = spawn_app_with(|s| {
        s.security.trusted_proxies = vec!["127.0.0.1/32".into()];
        s.security.forwarded_header = app::client_address::ForwardedHeader::Forwarded;
    })
    .await;
    wrong_login(
        &app,
        Some((
            "forwarded",
            r#"for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711""#,
        )),
    )
    .await;
    assert_eq!(login_failures(&app, "2001:db8:cafe::17").await, 1);
    assert_eq!(login_failures(&app, "192.0.2.60").await, 0);
    // X-Forwarded-For is not believed in this mode.
    wrong_login(&app, Some(("x-forwarded-for", "203.0.113.9"))).await;
    assert_eq!(login_failures(&app, "203.0.113.9").await, 0);
    assert_eq!(login_failures(&app, "127.0.0.1").await, 1);
}

#[tokio::test]
async fn forwarded_headers_from_an_untrusted_peer_are_ignored_with_one_warning() {
    let (log, _guard) = CapturedLog::on_this_thread("warn");
    let app = spawn_app_with(|s| s.security.trusted_proxies = vec!["10.0.0.0/8".into()]).await;
    for _ in 0..3 {
        wrong_login(&app, Some(("x-forwarded-for", "203.0.113.7"))).await;
    }
    assert_eq!(login_failures(&app, "203.0.113.7").await, 0);
    assert_eq!(login_failures(&app, "127.0.0.1").await, 3);
    let text = log.text();
    assert_eq!(
        text.matches("not in security.trusted_proxies").count(),
        1,
        "{text}"
    );
}

/// One patient's browser posting the entry form (spawnable): the status, and where it leads
/// followed by the page.
async fn enter_at(address: String, code: String) -> (u16, String) {
    let response = entry_response(&address, "Erika Mustermann", &code).await;
    let status = response.status().as_u16();
    let room = location(&response);
    (status, room + &response.text().await.unwrap_or_default())
}

/// Sends `n` wrong codes from this (one) address at once; returns the statuses.
async fn wrong_codes_at_once(app: &TestApp, n: usize) -> Vec<u16> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        set.spawn(enter_at(app.address.clone(), "ZZZZ-ZZZZ-ZZZZ".into()));
    }
    let mut statuses = Vec::new();
    while let Some(result) = set.join_next().await {
        statuses.push(result.expect("task").0);
    }
    statuses
}

#[tokio::test]
async fn a_patient_at_an_attackers_address_gets_in_within_ten_seconds() {
    // The shipped delay unit (1 s): what a patient really waits.
    let app = spawn_app_with(|s| s.security.login_delay_unit_ms = 1000).await;
    let (code, starts) = booked(&app, "anna@praxis.de").await;
    app.clock
        .advance(starts - app.clock.now() - ChronoDuration::minutes(10));
    let mut counted = 0;
    while counted < 24 {
        let statuses = wrong_codes_at_once(&app, 8).await;
        assert!(
            statuses.iter().all(|s| *s == 422 || *s == 429),
            "{statuses:?}"
        );
        counted += statuses.iter().filter(|s| **s == 422).count();
    }
    let started = Instant::now();
    let (status, page) = enter_at(app.address.clone(), code).await;
    let took = started.elapsed();
    assert_eq!(status, 303, "{page}");
    assert!(page.starts_with("/videosprechstunde/raum"), "{page}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    eprintln!("after {counted} wrong codes from the address the patient got in after {took:?}");
}

#[tokio::test]
async fn guessing_from_one_address_stays_bounded_and_is_never_blamed_on_the_patient() {
    let app = spawn_app_with(|s| s.security.login_delay_unit_ms = 1000).await;
    let run_for = Duration::from_secs(30);
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let address = app.address.clone();
        set.spawn(async move {
            let (mut checked, mut busy) = (0u32, 0u32);
            while started.elapsed() < run_for {
                let (status, page) = enter_at(address.clone(), "ZZZZ-ZZZZ-ZZZZ".into()).await;
                match status {
                    422 => checked += 1,
                    429 => {
                        assert!(page.contains("das liegt nicht an Ihnen"), "{page}");
                        busy += 1;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    other => panic!("unexpected {other}"),
                }
            }
            (checked, busy)
        });
    }
    let (mut checked, mut busy) = (0, 0);
    while let Some(result) = set.join_next().await {
        let (c, b) = result.expect("task");
        checked += c;
        busy += b;
    }
    let per_minute = f64::from(checked) * 60.0 / started.elapsed().as_secs_f64();
    eprintln!(
        "16 parallel guessers, one address, {:?}: {checked} codes checked ({per_minute:.0}/min), \
         {busy} answered busy without a check",
        started.elapsed()
    );
    // 8 answers in flight per address, each held up to 8 s once the address has failed often;
    // plus the first free answers before the count builds up.
    assert!(checked <= 8 * 5 + 16, "{checked} codes checked in 30 s");
}

#[tokio::test]
async fn thirty_one_wrong_passwords_from_one_address_do_not_lock_out_the_doctors_behind_it() {
    let app = spawn_app().await;
    app.register_verified("hausarzt@example.de").await;
    for i in 0..31 {
        let r = app
            .new_browser()
            .post(format!("{}/anmelden", app.address))
            .form(&[
                ("email", format!("geraten{i}@example.de")),
                ("password", "falsches Passwort 123".into()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    assert_eq!(login_failures(&app, "127.0.0.1").await, 31);
    let doctor = app.new_browser();
    let r = doctor
        .post(format!("{}/anmelden", app.address))
        .form(&[("email", "hausarzt@example.de"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/praxis", "the address is slowed, not locked");
}

#[tokio::test]
async fn a_registration_flood_to_one_address_sends_a_few_mails_and_answers_all_alike() {
    // The per-client limit is raised: this test is about the per-target limit.
    let app = spawn_app_with(|s| s.security.registrations_per_address_per_hour = 1000).await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..150 {
        let browser = app.new_browser();
        let url = format!("{}/registrieren", app.address);
        set.spawn(async move {
            let r = browser
                .post(url)
                .form(&registration("opfer@example.de"))
                .send()
                .await
                .expect("register");
            (r.status().as_u16(), location(&r))
        });
    }
    while let Some(result) = set.join_next().await {
        let (status, to) = result.expect("task");
        assert_eq!((status, to.as_str()), (303, "/registrieren/gesendet"));
    }
    let mails = app
        .mail_settled()
        .await
        .into_iter()
        .filter(|m| m.to == vec!["opfer@example.de".to_owned()])
        .count();
    assert!((1..=3).contains(&mails), "{mails} mails");
    let users = query_one_string(app.conn(), "SELECT COUNT(*) FROM practice_user").await;
    assert_eq!(users, "1");
    eprintln!("150 parallel registrations for one address: {mails} mails");
}

#[tokio::test]
async fn registrations_from_one_client_address_are_limited_with_a_german_message() {
    let app = spawn_app().await;
    for i in 0..10 {
        let r = app
            .post_form(
                "/registrieren",
                &registration(&format!("praxis{i}@example.de")),
            )
            .await;
        assert_eq!(location(&r), "/registrieren/gesendet");
    }
    let r = app
        .post_form("/registrieren", &registration("praxis11@example.de"))
        .await;
    assert_eq!(r.status(), 429);
    let page = r.text().await.unwrap();
    assert!(page.contains("sehr viele Registrierungen"), "{page}");
    assert_eq!(
        crate::html::Page::parse(&page).field_values("practice_name"),
        ["Praxis am Markt"],
        "input kept"
    );
}

/// Registers, logs in and switches the second factor on; returns its secret.
async fn with_second_factor(app: &TestApp, email: &str) -> TotpSecret {
    app.register_verified(email).await;
    app.log_in(email, PASSWORD).await;
    app.post_form("/praxis/sicherheit", &[("action", "start".into())])
        .await;
    let stored = query_one_string(
        app.conn(),
        "SELECT totp_pending_secret FROM practice_user LIMIT 1",
    )
    .await;
    let secret = TotpSecret::from_base32(&stored).expect("secret");
    let code = code_at(&secret, app.clock.now().timestamp() as u64);
    let on = app
        .post_form(
            "/praxis/sicherheit",
            &[
                ("action", "confirm".into()),
                ("code", code),
                ("password", PASSWORD.into()),
            ],
        )
        .await;
    assert_eq!(on.status(), 200);
    app.post_form("/abmelden", &[]).await;
    // The code just used is spent; the next login needs the next step's code.
    app.clock.advance(ChronoDuration::seconds(30));
    secret
}

fn wrong_code(right: &str) -> String {
    if right == "123456" {
        "654321"
    } else {
        "123456"
    }
    .to_owned()
}

#[tokio::test]
async fn fifty_parallel_wrong_codes_count_fifty_and_the_password_does_not_reset_the_count() {
    let app = spawn_app().await;
    let secret = with_second_factor(&app, "zoe@example.de").await;
    let login = app.log_in("zoe@example.de", PASSWORD).await;
    assert_eq!(location(&login), "/anmelden/zweiter-faktor");
    let right = code_at(&secret, app.clock.now().timestamp() as u64);
    let wrong = wrong_code(&right);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let browser = app.client.clone();
        let url = format!("{}/anmelden/zweiter-faktor", app.address);
        let code = wrong.clone();
        set.spawn(async move {
            browser
                .post(url)
                .form(&[("code", code)])
                .send()
                .await
                .expect("code")
                .status()
                .as_u16()
        });
    }
    while let Some(status) = set.join_next().await {
        assert_eq!(status.expect("task"), 401);
    }
    let key = throttle::second_factor_key("zoe@example.de");
    let counted = query_one_string(
        app.conn(),
        &format!("SELECT failures FROM login_throttle WHERE key = '{key}'"),
    )
    .await;
    assert_eq!(counted, "50", "no update lost");

    // The password again (it is right) does not reset the second-factor counter: the right
    // code is refused now, for 24 hours.
    let again = app.log_in("zoe@example.de", PASSWORD).await;
    assert_eq!(location(&again), "/anmelden/zweiter-faktor");
    let refused = app
        .post_form("/anmelden/zweiter-faktor", &[("code", right)])
        .await;
    assert_eq!(refused.status(), 401);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("24 Stunden gesperrt"));
    app.clock
        .advance(ChronoDuration::hours(24) + ChronoDuration::minutes(1));
    app.log_in("zoe@example.de", PASSWORD).await;
    let later = app
        .post_form(
            "/anmelden/zweiter-faktor",
            &[("code", code_at(&secret, app.clock.now().timestamp() as u64))],
        )
        .await;
    assert_eq!(location(&later), "/praxis", "the lock ends after 24 hours");
}

#[tokio::test]
async fn ten_wrong_codes_lock_even_when_the_password_is_entered_in_between() {
    let app = spawn_app().await;
    let secret = with_second_factor(&app, "yara@example.de").await;
    let right = code_at(&secret, app.clock.now().timestamp() as u64);
    for round in 0..5 {
        app.log_in("yara@example.de", PASSWORD).await;
        for _ in 0..2 {
            let r = app
                .post_form("/anmelden/zweiter-faktor", &[("code", wrong_code(&right))])
                .await;
            assert_eq!(r.status(), 401, "round {round}");
        }
    }
    app.log_in("yara@example.de", PASSWORD).await;
    let refused = app
        .post_form("/anmelden/zweiter-faktor", &[("code", right)])
        .await;
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("24 Stunden gesperrt"));
}

#[tokio::test]
async fn one_totp_code_is_accepted_once_when_two_logins_race_with_it() {
    let app = spawn_app().await;
    let secret = with_second_factor(&app, "xaver@example.de").await;
    let (a, b) = (app.new_browser(), app.new_browser());
    for browser in [&a, &b] {
        let r = browser
            .post(format!("{}/anmelden", app.address))
            .form(&[("email", "xaver@example.de"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&r), "/anmelden/zweiter-faktor");
    }
    let code = code_at(&secret, app.clock.now().timestamp() as u64);
    let post = |browser: &reqwest::Client| {
        browser
            .post(format!("{}/anmelden/zweiter-faktor", app.address))
            .form(&[("code", code.clone())])
            .send()
    };
    let (ra, rb) = tokio::join!(post(&a), post(&b));
    let mut targets = [location(&ra.unwrap()), location(&rb.unwrap())];
    targets.sort();
    assert_eq!(
        targets,
        [String::new(), "/praxis".to_owned()],
        "exactly one login"
    );
}

#[tokio::test]
async fn opening_the_verification_link_changes_nothing_the_button_verifies() {
    let app = spawn_app().await;
    app.post_form("/registrieren", &registration("scan@example.de"))
        .await;
    let mail = app.inbox.wait_for_messages(1, WAIT).await[0].clone();
    let link = link_in(&mail.text, "/registrieren/bestaetigen").expect("link");
    // What a mail gateway's link scanner does, twice.
    for _ in 0..2 {
        let scanned = app.new_browser().get(&link).send().await.unwrap();
        assert_eq!(scanned.status(), 200);
        let page = scanned.text().await.unwrap();
        assert!(page.contains("E-Mail-Adresse bestätigen"), "{page}");
        assert_eq!(
            crate::html::Page::parse(&page).count(r#"form[method="post"] input[name="token"]"#),
            1,
            "the link opens a form that posts the token: {page}"
        );
    }
    let unverified = query_one_string(
        app.conn(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM practice_user WHERE email_verified_at IS NULL",
    )
    .await;
    assert_eq!(unverified, "1", "GET did not verify");
    assert_eq!(app.log_in("scan@example.de", PASSWORD).await.status(), 403);
    // The person presses the button (a plain form POST: works without JavaScript).
    let pressed = app.confirm_link(&app.client, &link).await;
    assert_eq!(location(&pressed), "/anmelden?bestaetigt");
    assert_eq!(
        location(&app.log_in("scan@example.de", PASSWORD).await),
        "/praxis"
    );
}

#[tokio::test]
async fn opening_the_reset_link_changes_nothing_the_form_post_does() {
    let app = spawn_app().await;
    app.register_verified("reset@example.de").await;
    app.post_form(
        "/passwort-vergessen",
        &[("email", "reset@example.de".into())],
    )
    .await;
    let mail = app.inbox.wait_for_messages(2, WAIT).await[1].clone();
    let link = link_in(&mail.text, "/passwort-neu").expect("link");
    for _ in 0..2 {
        let scanned = app.new_browser().get(&link).send().await.unwrap();
        assert_eq!(scanned.status(), 200);
    }
    let unused = query_one_string(
        app.conn(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM account_token \
         WHERE purpose = 'reset_password' AND used_at IS NULL",
    )
    .await;
    assert_eq!(unused, "1", "GET did not use the link up");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let done = app
        .post_form(
            "/passwort-neu",
            &[
                ("token", token),
                ("password", "Ein ganz neues Passwort".into()),
            ],
        )
        .await;
    assert_eq!(location(&done), "/anmelden?passwort-geaendert");
}

#[tokio::test]
async fn switching_the_second_factor_on_asks_for_the_password() {
    let app = spawn_practice("wanda@example.de").await;
    app.post_form("/praxis/sicherheit", &[("action", "start".into())])
        .await;
    let page = app.html("/praxis/sicherheit").await;
    assert!(
        crate::html::Page::parse(&page)
            .count(r#"input[type="password"][autocomplete="current-password"]"#)
            > 0,
        "{page}"
    );
    let stored = query_one_string(
        app.conn(),
        "SELECT totp_pending_secret FROM practice_user LIMIT 1",
    )
    .await;
    let secret = TotpSecret::from_base32(&stored).unwrap();
    let code = code_at(&secret, app.clock.now().timestamp() as u64);
    // A hijacked session without the password cannot switch it on.
    for password in ["", "nicht mein Passwort"] {
        let refused = app
            .post_form(
                "/praxis/sicherheit",
                &[
                    ("action", "confirm".into()),
                    ("code", code.clone()),
                    ("password", password.into()),
                ],
            )
            .await;
        assert_eq!(refused.status(), 422);
        assert!(refused
            .text()
            .await
            .unwrap()
            .contains("Das Passwort stimmt nicht"));
    }
    let on = query_one_string(
        app.conn(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM practice_user WHERE totp_secret IS NOT NULL",
    )
    .await;
    assert_eq!(on, "0");
    let confirmed = app
        .post_form(
            "/praxis/sicherheit",
            &[
                ("action", "confirm".into()),
                ("code", code),
                ("password", PASSWORD.into()),
            ],
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    assert!(confirmed
        .text()
        .await
        .unwrap()
        .contains("nur dieses eine Mal"));
}
