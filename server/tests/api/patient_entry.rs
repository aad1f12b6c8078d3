//! The patient entry page: full name and the access code from the invitation; the code opens
//! the waiting room only from 30 minutes before the start until the end. Guessing is limited
//! per client address and per code.

use crate::helpers::{location, spawn_app, CapturedLog, TestApp, PASSWORD};
use crate::html::Page;
use app::clock::Clock;
use chrono::Duration as ChronoDuration;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// Books an appointment a week ahead at 10:00 for "Erika Mustermann"; returns the code from
/// the invitation and the start.
pub async fn booked(app: &TestApp, email: &str) -> (String, chrono::DateTime<chrono::Utc>) {
    app.register_verified(email).await;
    app.log_in(email, PASSWORD).await;
    let date = app::time::berlin_date(app.clock.now() + ChronoDuration::days(7));
    let form = vec![
        ("action", "create".to_owned()),
        ("patient_name", "Erika Mustermann".into()),
        ("patient_email", "erika@example.org".into()),
        ("date", date.to_string()),
        ("time", "10:00".into()),
        ("duration", "50".into()),
    ];
    let created = app.post_form("/praxis/termine/neu", &form).await;
    assert_eq!(created.status(), 303);
    let mails = app.inbox.wait_for_messages(2, WAIT).await;
    let code = crate::helpers::access_code_in(&mails[1].text).expect("code");
    let starts =
        app::time::berlin_to_utc(date, chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap()).unwrap();
    (code, starts)
}

/// A patient types `name` and `code` on the entry page: the answer's status and page.
pub(crate) async fn enter(app: &TestApp, name: &str, code: &str) -> (u16, String) {
    let response = entry_response(&app.address, name, code).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// A new browser (no cookies, no redirects followed) posts the entry form to the server at
/// `address`; spawnable, as it borrows nothing of the test app.
pub(crate) async fn entry_response(address: &str, name: &str, code: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{address}/videosprechstunde"))
        .form(&[("name", name), ("code", code)])
        .send()
        .await
        .expect("entry")
}

#[tokio::test]
async fn the_code_from_the_invitation_opens_the_room_only_in_its_window() {
    let app = spawn_app().await;
    let page = app.get("/videosprechstunde").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Raum betreten") && html.contains("Zugangscode"));

    let (code, starts) = booked(&app, "lena@praxis.de").await;
    let (status, html) = enter(&app, "Erika Mustermann", "ABCD-EFGH-JKMN").await;
    assert_eq!(status, 422);
    assert!(html.contains("Diesen Zugangscode kennen wir nicht"));
    assert!(
        Page::parse(&html).field_values("name") == ["Erika Mustermann"],
        "typed values kept"
    );
    let (status, html) = enter(&app, "Erika", &code).await;
    assert_eq!(status, 422, "first and last name are needed");
    assert!(html.contains("Vor- und Nachnamen"), "{html}");

    // Typed casually: lower case, no dashes, extra spaces in the name.
    let casual = code.replace('-', "").to_lowercase();
    let (status, html) = enter(&app, " erika  mustermann ", &casual).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Das Wartezimmer öffnet um 09:30 Uhr"),
        "{html}"
    );
    // Said once (not again in the error summary), with every variable filled in.
    assert_eq!(html.matches("öffnet um").count(), 1, "{html}");
    assert!(!html.contains("{$") && !html.contains("{ $"), "{html}");

    app.clock
        .advance(starts - ChronoDuration::minutes(29) - app.clock.now());
    // Open: another spelling of the name is let in (the doctor sees both names).
    let response = app
        .new_browser()
        .post(format!("{}/videosprechstunde", app.address))
        .form(&[("name", "Erika Musterfrau"), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/videosprechstunde/raum");
    let stored =
        crate::helpers::query_one_string(app.conn(), "SELECT entered_name FROM appointment").await;
    assert_eq!(stored, "Erika Musterfrau");
    app.clock.advance(ChronoDuration::minutes(29 + 50 + 1));
    let (_, html) = enter(&app, "Erika Mustermann", &code).await;
    assert!(html.contains("ist vorbei"), "{html}");
}

#[tokio::test]
async fn a_cancelled_appointment_says_so_and_guessing_is_stopped() {
    let app = spawn_app().await;
    let (code, _) = booked(&app, "mara@praxis.de").await;
    let week = app
        .get(&format!(
            "/praxis/termine?datum={}",
            app::time::berlin_date(app.clock.now() + ChronoDuration::days(7))
        ))
        .await
        .text()
        .await
        .unwrap();
    let links = Page::parse(&week).attr(r#"a[href^="/praxis/termin/"]"#, "href");
    let id = links
        .first()
        .and_then(|href| href.strip_prefix("/praxis/termin/"))
        .expect("a link to the appointment");
    assert_eq!(id.len(), 36, "{id}");
    let cancelled = app
        .post_form(
            &format!("/praxis/termin/{id}"),
            &[("action", "cancel".into())],
        )
        .await;
    assert_eq!(
        location(&cancelled),
        format!("/praxis/termin/{id}?abgesagt")
    );
    let (_, html) = enter(&app, "Erika Mustermann", &code).await;
    assert!(html.contains("wurde abgesagt"), "{html}");

    for _ in 0..20 {
        let (status, _) = enter(&app, "Erika Mustermann", "ZZZZ-ZZZZ-ZZZZ").await;
        assert_eq!(status, 422);
    }
    // The address is slowed down, not locked (others may share it): the right code still
    // gets its answer. `auth_abuse` measures the delays and the guesses per minute.
    let (status, html) = enter(&app, "Erika Mustermann", &code).await;
    assert_eq!(status, 200);
    assert!(html.contains("wurde abgesagt"), "{html}");
}

#[tokio::test]
async fn one_code_is_locked_after_thirty_attempts_whatever_the_address() {
    let app = spawn_app().await;
    let (code, _) = booked(&app, "nina@praxis.de").await;
    for _ in 0..30 {
        let (status, html) = enter(&app, "Erika Mustermann", &code).await;
        assert_eq!(status, 200);
        assert!(html.contains("öffnet um"));
    }
    let (status, html) = enter(&app, "Erika Mustermann", &code).await;
    assert_eq!(status, 429);
    assert_eq!(
        html.matches("Aus Sicherheitsgründen").count(),
        1,
        "once: {html}"
    );
    // Other codes from the same address still work: the lock is on the code.
    let (status, _) = enter(&app, "Erika Mustermann", "ABCD-EFGH-JKMN").await;
    assert_eq!(status, 422);
}

/// The invitation's link carries the code in the fragment, which the page reads and browsers
/// never send; the HTML part shows the code boxed for reading it off, on a phone too.
#[tokio::test]
async fn the_invitation_links_the_code_in_the_fragment_shows_it_boxed_and_the_server_never_logs_it()
{
    // The test runs on one thread (current-thread runtime), the app's tasks with it.
    let (log, _guard) = CapturedLog::on_this_thread("debug");

    let app = spawn_app().await;
    let (code, _) = booked(&app, "anna@praxis.de").await;
    let mail = app.inbox.messages()[1].clone();
    assert_eq!(
        Page::parse(&mail.html).attr(r#"head meta[name="viewport"]"#, "content"),
        ["width=device-width, initial-scale=1"],
        "{}",
        mail.html
    );
    let body = Page::parse(&mail.html);
    let boxed: Vec<_> = body
        .select("p")
        .into_iter()
        .filter(|p| crate::html::text(*p) == code)
        .collect();
    assert_eq!(boxed.len(), 1, "the code in a paragraph of its own");
    let style = boxed[0].attr("style").unwrap_or_default();
    for expected in ["monospace", "border:2px solid", "font-size:1.6em"] {
        assert!(style.contains(expected), "{expected} missing in {style}");
    }
    let link = crate::smtp::link_in(&mail.text, "/videosprechstunde").expect("link");
    assert_eq!(
        link,
        format!(
            "{}/videosprechstunde#code={code}",
            app.state
                .settings
                .application
                .base_url
                .trim_end_matches('/')
        )
    );
    assert!(body.attr("a", "href").contains(&link), "{}", mail.html);

    // The patient opens the link (the fragment stays in the browser) and enters.
    let patient = app.new_browser();
    let page = patient.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("nonce in the CSP");
    let page = Page::parse(&html);
    // The code field and the scripts, in document order.
    let in_order = page.select("#entry-code, script");
    let is_prefill = |e: &scraper::ElementRef| {
        e.value().name() == "script"
            && crate::html::text(*e).contains(r#"getElementById("entry-code")"#)
    };
    let prefill = in_order
        .iter()
        .position(is_prefill)
        .expect("the prefill script");
    assert_eq!(
        in_order.iter().filter(|e| is_prefill(e)).count(),
        1,
        "one prefill script"
    );
    let attributes: Vec<_> = in_order[prefill].value().attrs().collect();
    assert_eq!(
        attributes,
        [("nonce", nonce)],
        "the prefill script carries the response's nonce (and nothing else)"
    );
    let field = in_order
        .iter()
        .position(|e| e.value().id() == Some("entry-code"))
        .expect("code field");
    assert!(field < prefill, "the script runs after the field exists");
    let (status, _) = enter(&app, "Erika Mustermann", &code).await;
    assert!(status == 200 || status == 303, "{status}");

    let logged = log.text();
    assert!(
        logged.contains("videosprechstunde"),
        "the capture sees the requests: {logged}"
    );
    let bare = code.replace('-', "");
    for form in [code.as_str(), bare.as_str(), &bare.to_lowercase()] {
        assert!(!logged.contains(form), "the log names the code {form}");
    }
}
