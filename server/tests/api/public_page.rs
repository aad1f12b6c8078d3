//! The practice's public page `/praxen/<short name>`: on and off, short names, the escaped
//! introduction, the consent form under its address, and facts equal to what the service does.

use crate::helpers::{location, pdf_text, spawn_practice, TestApp};
use app::clock::Clock;
use app::policy;

const SETTINGS: &str = "/praxis/praxisseite";

fn form(short_name: &str, enabled: bool, intro: &str) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("short_name", short_name.to_owned()),
        ("intro", intro.to_owned()),
        ("guide_in_invitation", "on".to_owned()),
    ];
    if enabled {
        form.push(("enabled", "on".into()));
    }
    form
}

async fn save_as(
    app: &TestApp,
    browser: &reqwest::Client,
    form: &[(&str, String)],
) -> reqwest::Response {
    browser
        .post(format!("{}{SETTINGS}", app.address))
        .header("Accept", "text/html")
        .form(form)
        .send()
        .await
        .unwrap()
}

/// "Praxis am Markt", its owner logged in, its page switched on at `/praxen/praxis-am-markt`.
async fn practice_with_page() -> TestApp {
    let app = spawn_practice("praxis@example.org").await;
    let saved = app
        .post_form(SETTINGS, &form("praxis-am-markt", true, ""))
        .await;
    assert_eq!(location(&saved), "/praxis/praxisseite?gespeichert");
    app
}

/// `path` as the browser of a visitor who is not logged in asks for it.
async fn visit_response(app: &TestApp, path: &str) -> reqwest::Response {
    app.new_browser()
        .get(format!("{}{path}", app.address))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
}

/// Status and body of `path` for a visitor who is not logged in.
async fn visit(app: &TestApp, path: &str) -> (u16, String) {
    let response = visit_response(app, path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn the_page_is_public_only_when_switched_on_and_shows_the_intro_as_text() {
    let app = spawn_practice("praxis@example.org").await;

    // No short name yet: the settings propose one from the practice's name.
    let settings = app.html(SETTINGS).await;
    assert!(
        crate::html::Page::parse(&settings).field_values("short_name") == ["praxis-am-markt"],
        "{settings}"
    );
    assert_eq!(visit(&app, "/praxen/praxis-am-markt").await.0, 404);

    // Saved switched off: members see a preview, everybody else "not found".
    let intro = "Willkommen in unserer Praxis!\n\n<script>alert(1)</script> & <b>fett</b>\n\n\
                 </textarea><i id=\"injected\">";
    let saved = app
        .post_form(SETTINGS, &form("Praxis am Markt", false, intro))
        .await;
    assert_eq!(location(&saved), "/praxis/praxisseite?gespeichert");
    let (status, body) = visit(&app, "/praxen/praxis-am-markt").await;
    assert_eq!(status, 404);
    assert!(body.contains("Diese Praxisseite gibt es nicht"), "{body}");
    assert!(!body.contains("Marktplatz 3"));
    let preview = app.get("/praxen/praxis-am-markt").await;
    assert_eq!(preview.status(), 200);
    assert!(preview.text().await.unwrap().contains("Vorschau"));
    assert_eq!(
        visit(
            &app,
            "/praxen/praxis-am-markt/einverstaendniserklaerung.pdf"
        )
        .await
        .0,
        404
    );

    // A member of another practice is nobody here.
    let b = app.practice_b("b@example.org").await;
    for path in [
        "/praxen/praxis-am-markt",
        "/praxen/praxis-am-markt/einverstaendniserklaerung.pdf",
        "/praxen/praxis-am-markt/anleitung.pdf",
    ] {
        assert_eq!(app.get_as(&b, path).await.status(), 404, "{path}");
    }

    // Switched on: public, with the practice, its doctor and the introduction as text.
    let saved = app
        .post_form(SETTINGS, &form("praxis-am-markt", true, intro))
        .await;
    assert_eq!(location(&saved), "/praxis/praxisseite?gespeichert");
    let (status, page) = visit(&app, "/praxen/praxis-am-markt").await;
    assert_eq!(status, 200);
    // The heading and the introduction are checked as parsed elements below: the markup
    // itself carries the renderer's comment markers.
    for text in [
        "Marktplatz 3",
        "04109 Leipzig",
        "Dr. med. Anna Beispiel, Allgemeinmedizin",
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;fett&lt;/b&gt;",
        r#"href="/videosprechstunde""#,
        "Zur Videosprechstunde",
        "Voraussetzungen",
        "Datensicherheit",
        "So läuft die Videosprechstunde ab",
    ] {
        assert!(page.contains(text), "{text} missing in {page}");
    }
    let parsed = crate::html::Page::parse(&page);
    assert_eq!(parsed.text_of("h1"), ["Praxis am Markt"]);
    let paragraphs = parsed.text_of("p");
    assert!(
        paragraphs
            .iter()
            .any(|p| p == "Willkommen in unserer Praxis!"),
        "{paragraphs:?}"
    );
    assert!(
        paragraphs
            .iter()
            .any(|p| p == "<script>alert(1)</script> & <b>fett</b>"),
        "the markup typed into the introduction is shown as text: {paragraphs:?}"
    );
    assert!(parsed
        .attr("a", "href")
        .iter()
        .any(|h| h == "/videosprechstunde"));
    assert_eq!(
        parsed.count("main script, main b"),
        0,
        "no markup from the introduction"
    );
    assert!(!page.contains("<script>alert(1)"));
    assert!(!page.contains("<b>fett"));
    assert!(
        !page.contains("Vorschau:"),
        "no preview note for the public"
    );

    // The consent form under the page's address, for this practice.
    let pdf = app
        .get_as(
            &app.new_browser(),
            "/praxen/praxis-am-markt/einverstaendniserklaerung.pdf",
        )
        .await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = pdf_text(&pdf.bytes().await.unwrap());
    assert!(text.contains("Praxis am Markt"), "{text}");

    // Only the exact address; unknown names look like switched-off ones.
    let (status, missing) = visit(&app, "/praxen/gibt-es-nicht").await;
    assert_eq!(status, 404);
    assert!(missing.contains("Diese Praxisseite gibt es nicht"));
    // A typed variant leads to the page's address.
    let variant = visit_response(&app, "/praxen/Praxis-am-Markt").await;
    assert_eq!(variant.status(), 302);
    assert_eq!(location(&variant), "/praxen/praxis-am-markt");

    // The settings show the address, the snippet and the QR code; the introduction stays
    // inside its field.
    let settings = app.html(SETTINGS).await;
    assert!(!settings.contains(r#"<i id="injected">"#), "{settings}");
    assert!(settings.contains("&lt;/textarea&gt;&lt;i id=\"injected\"&gt;</textarea>"));
    let parsed = crate::html::Page::parse(&settings);
    assert_eq!(parsed.count("#injected"), 0, "{settings}");
    let intro = parsed.one(r#"textarea[name="intro"]"#);
    assert!(
        intro
            .text()
            .collect::<String>()
            .ends_with(r#"</textarea><i id="injected">"#),
        "the introduction stays inside its field"
    );
    let snippet = parsed.one("textarea#public-snippet[readonly]");
    assert!(
        snippet
            .text()
            .collect::<String>()
            .starts_with(r#"<a href="http://"#),
        "snippet as text"
    );
    assert!(settings.contains("/praxen/praxis-am-markt"));
    assert!(
        settings.contains(r#"<textarea id="public-snippet" readonly rows="4" aria-describedby="public-snippet-hint">&lt;a href="http://"#),
        "snippet as text: {settings}"
    );
    let qr = app.get("/praxis/praxisseite/qr-code.svg").await;
    assert_eq!(qr.status(), 200);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    let svg = qr.text().await.unwrap();
    assert!(svg.starts_with("<svg") && !svg.contains("<script"));
    let anonymous = app
        .get_as(&app.new_browser(), "/praxis/praxisseite/qr-code.svg")
        .await;
    assert_eq!(location(&anonymous), "/anmelden");

    // Off again: gone for the public, also under a typed variant.
    app.post_form(SETTINGS, &form("praxis-am-markt", false, ""))
        .await;
    assert_eq!(visit(&app, "/praxen/praxis-am-markt").await.0, 404);
    let variant = visit_response(&app, "/praxen/Praxis-am-Markt").await;
    assert_eq!(variant.status(), 404);
}

#[tokio::test]
async fn short_names_are_checked_and_belong_to_one_practice() {
    let app = spawn_practice("praxis@example.org").await;
    let saved = app
        .post_form(SETTINGS, &form("praxis-am-markt", true, ""))
        .await;
    assert_eq!(location(&saved), "/praxis/praxisseite?gespeichert");
    let b = app.practice_b("b@example.org").await;
    for (typed, message) in [
        ("Praxis am Markt", "schon vergeben"),
        ("ab", "zu kurz"),
        ("praxis", "reserviert"),
        ("Praxis <script>", "nur Buchstaben"),
        (&"a".repeat(41), "zu lang"),
        ("", "Bitte geben Sie einen Kurznamen ein"),
    ] {
        let response = save_as(&app, &b, &form(typed, true, "")).await;
        assert_eq!(response.status(), 422, "{typed}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains(message),
            "{typed}: {message} missing in {body}"
        );
        // What was typed comes back.
        if !typed.is_empty() && !typed.contains('<') {
            assert_eq!(
                crate::html::Page::parse(&body).field_values("short_name"),
                [typed],
                "{typed}"
            );
        }
    }
    let long = "x".repeat(app::public_page::MAX_INTRO_CHARS + 1);
    let response = save_as(&app, &b, &form("praxis-b", true, &long)).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("zu lang"));
    // B gets its own name; A's page still shows A.
    let response = save_as(&app, &b, &form("Praxis B Leipzig", true, "")).await;
    assert_eq!(location(&response), "/praxis/praxisseite?gespeichert");
    let (_, html) = visit(&app, "/praxen/praxis-b-leipzig").await;
    assert_eq!(crate::html::Page::parse(&html).text_of("h1"), ["Praxis B"]);
    let (_, html) = visit(&app, "/praxen/praxis-am-markt").await;
    assert_eq!(
        crate::html::Page::parse(&html).text_of("h1"),
        ["Praxis am Markt"]
    );
    // Without a short name the page can be off, not on.
    let response = save_as(&app, &b, &form("", false, "")).await;
    assert_eq!(location(&response), "/praxis/praxisseite?gespeichert");
    assert_eq!(visit(&app, "/praxen/praxis-b-leipzig").await.0, 404);
}

#[tokio::test]
async fn only_the_owner_changes_the_page() {
    let app = spawn_practice("praxis@example.org").await;
    let team = app
        .invite_and_log_in("team@example.org", "team", "Ein langes Passwort für Tina")
        .await;
    let response = save_as(&app, &team, &form("praxis-am-markt", true, "")).await;
    assert_eq!(response.status(), 403);
    let page = app.get_as(&team, SETTINGS).await.text().await.unwrap();
    assert!(page.contains("Die Seite ist ausgeschaltet"), "{page}");
    assert!(!page.contains(r#"action="/praxis/praxisseite""#));
    assert_eq!(
        crate::html::Page::parse(&page).count(r#"form[action="/praxis/praxisseite"]"#),
        0
    );
}

/// The page states the retention period, the opening of the code and the browsers; each is
/// checked against what the service does with it.
#[tokio::test]
async fn the_facts_on_the_page_are_what_the_service_does() {
    let app = practice_with_page().await;
    let (_, page) = visit(&app, "/praxen/praxis-am-markt").await;

    // Retention: the months on the page are the months after which the job deletes.
    let months: u32 = page
        .split("spätestens ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("retention in months on the page");
    assert_eq!(months, policy::METADATA_RETENTION_MONTHS);
    invitation(&app, "erika@example.org", "10:00").await;
    let ends = app::entities::appointment::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .unwrap()
        .ends_at;
    use sea_orm::{EntityTrait, PaginatorTrait};
    let after = |m: u32| ends.checked_add_months(chrono::Months::new(m)).unwrap();
    let count = || async {
        app::entities::appointment::Entity::find()
            .count(app.conn())
            .await
            .unwrap()
    };
    app::maintenance::purge(app.conn(), after(months) - chrono::Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(count().await, 1, "kept until {months} months after the end");
    app::maintenance::purge(app.conn(), after(months) + chrono::Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(count().await, 0, "deleted {months} months after the end");

    // The code opens as many minutes before as the page says.
    let opens = app.state.settings.appointments.code_opens_minutes_before;
    assert!(
        page.contains(&format!("ab {opens} Minuten vorher")),
        "{page}"
    );
    assert!(page.contains(&format!(
        "etwa {} Minuten vor dem Termin",
        policy::ARRIVE_EARLY_MINUTES
    )));

    // Browsers: the page names exactly the browsers the tech test accepts, and each is
    // accepted at the version the policy names and warned about one version below.
    let listed = policy::browser_names();
    assert!(page.contains(&listed), "{listed} missing in {page}");
    for browser in policy::SUPPORTED_BROWSERS {
        assert!(listed.contains(browser.name));
        let current = user_agent(browser.name, browser.min_version);
        assert_eq!(
            policy::browser_support(&current),
            policy::BrowserSupport::Supported,
            "{current}"
        );
        let old = user_agent(browser.name, browser.min_version - 1);
        assert_eq!(
            policy::browser_support(&old),
            policy::BrowserSupport::Outdated {
                name: browser.name,
                min_version: browser.min_version
            },
            "{old}"
        );
    }
}

/// A real-looking user agent of `name` at major `version`; a browser added to the policy
/// without one here fails the test.
fn user_agent(name: &str, version: u32) -> String {
    match name {
        "Chrome" => format!(
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/{version}.0.0.0 Mobile Safari/537.36"
        ),
        "Firefox" => {
            format!("Mozilla/5.0 (X11; Linux x86_64; rv:{version}.0) Gecko/20100101 Firefox/{version}.0")
        }
        "Edge" => format!(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/{version}.0.0.0 Safari/537.36 Edg/{version}.0.0.0"
        ),
        "Safari" => format!(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 \
             (KHTML, like Gecko) Version/{version}.0 Mobile/15E148 Safari/604.1"
        ),
        other => panic!("no sample user agent for {other}"),
    }
}

/// Books an appointment for next week; the invitation e-mail to the patient.
async fn invitation(app: &TestApp, patient: &str, time: &str) -> crate::smtp::ReceivedEmail {
    let before = app.inbox.messages().len();
    let date = app::time::berlin_date(app.clock.now() + chrono::Duration::days(7));
    let booked = app
        .post_form(
            "/praxis/termine/neu",
            &[
                ("action", "create".to_owned()),
                ("patient_name", "Erika Mustermann".into()),
                ("patient_email", patient.into()),
                ("date", date.to_string()),
                ("time", time.into()),
                ("duration", "50".into()),
            ],
        )
        .await;
    assert_eq!(booked.status(), 303);
    let mails = app
        .inbox
        .wait_for_messages(before + 1, std::time::Duration::from_secs(10))
        .await;
    mails
        .into_iter()
        .rev()
        .find(|m| m.to == vec![patient.to_owned()])
        .expect("invitation")
}

#[tokio::test]
async fn the_patient_guide_names_the_practice_and_invitations_link_it() {
    let app = practice_with_page().await;

    let response = app
        .get_as(&app.new_browser(), "/praxen/praxis-am-markt/anleitung.pdf")
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    let pages = crate::helpers::pdf_page_count(&bytes);
    assert_eq!(pages, 3, "large print takes three pages");
    assert_eq!(crate::helpers::rendered_pages(&bytes), pages);
    for (number, page) in crate::helpers::pdf_pages(&bytes).iter().enumerate() {
        let words = page.split_whitespace().count();
        assert!(words >= 60, "page {} nearly empty: {page}", number + 1);
    }
    let text = pdf_text(&bytes)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "So funktioniert Ihre Videosprechstunde",
        "Praxis am Markt",
        "0341 1234567",
        "Einladung öffnen",
        "Name und Zugangscode eingeben",
        "Raum betreten",
        "Technik-Test",
        "Im Wartezimmer warten",
        "Sprechstunde beenden",
        "Kamera oder Mikrofon sind blockiert",
        "Sie hören nichts",
        "Die Verbindung ist schlecht",
        &policy::browser_names(),
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }

    // The invitation links the practice's guide (a setting, on by default) ...
    let mail = invitation(&app, "erika@example.org", "10:00").await;
    let link = crate::smtp::link_in(&mail.text, "/anleitung/").expect("guide link");
    let guide = app.new_browser().get(&link).send().await.unwrap();
    assert_eq!(guide.status(), 200);
    assert!(pdf_text(&guide.bytes().await.unwrap()).contains("Praxis am Markt"));
    assert!(mail.text.contains(&policy::browser_names()));
    // ... also when the page is off ...
    app.post_form(SETTINGS, &form("praxis-am-markt", false, ""))
        .await;
    let mail = invitation(&app, "lena@example.org", "12:00").await;
    let link = crate::smtp::link_in(&mail.text, "/anleitung/").expect("guide link, page off");
    assert_eq!(
        app.new_browser().get(&link).send().await.unwrap().status(),
        200
    );
    // ... and not when the practice switches the link off.
    let mut off = form("praxis-am-markt", false, "");
    off.retain(|(k, _)| *k != "guide_in_invitation");
    app.post_form(SETTINGS, &off).await;
    let mail = invitation(&app, "max@example.org", "11:00").await;
    assert_eq!(crate::smtp::link_in(&mail.text, "/anleitung/"), None);
    assert_eq!(
        visit(&app, "/praxen/praxis-am-markt/anleitung.pdf").await.0,
        404
    );
    assert_eq!(visit(&app, "/anleitung/kein-uuid.pdf").await.0, 404);
    assert_eq!(
        visit(&app, &format!("/anleitung/{}.pdf", uuid::Uuid::new_v4()))
            .await
            .0,
        404
    );
}

/// The practice's name is data: in the page's title too, where leptos_meta writes text as it
/// is, it must stay text.
#[tokio::test]
async fn a_practice_name_with_markup_stays_text_in_the_title() {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = practice_with_page().await;
    let practice = app::entities::practice::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    let mut renamed: app::entities::practice::ActiveModel = practice.into();
    renamed.name = Set(r#"Praxis </title><meta http-equiv="refresh" content="0"> & Co"#.into());
    renamed.update(app.conn()).await.unwrap();
    let (status, page) = visit(&app, "/praxen/praxis-am-markt").await;
    assert_eq!(status, 200);
    assert!(!page.contains(r#"<meta http-equiv="refresh""#), "{page}");
    assert!(
        page.contains("<title>Videosprechstunde – Praxis &lt;/title&gt;&lt;meta"),
        "{page}"
    );
    assert!(page.contains("&amp; Co – Sprechzimmer</title>"));
    // The description names the practice too, escaped as an attribute value.
    let parsed = crate::html::Page::parse(&page);
    assert_eq!(parsed.count("meta[http-equiv]"), 0, "{page}");
    assert_eq!(parsed.count(r#"[name="description"]"#), 1, "{page}");
    // A browser reads the whole name back: no quote ended the attribute early.
    let description = crate::pages::description(&page);
    assert!(
        description.starts_with(
            r#"Videosprechstunde bei Praxis </title><meta http-equiv="refresh" content="0"> & Co"#
        ),
        "{description}"
    );
    // The ampersand is escaped wherever the name appears (title, description, text).
    assert!(!page.contains("& Co"), "{page}");
}

/// A name a practice gives up stays its own for a year: printed posters and links must not
/// lead to another practice.
#[tokio::test]
async fn a_given_up_short_name_is_blocked_for_others_for_a_year() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = practice_with_page().await;
    let renamed = app
        .post_form(SETTINGS, &form("praxis-leipzig", true, ""))
        .await;
    assert_eq!(location(&renamed), "/praxis/praxisseite?gespeichert");
    assert_eq!(visit(&app, "/praxen/praxis-am-markt").await.0, 404);

    let b = app.practice_b("b@example.org").await;
    let response = save_as(&app, &b, &form("praxis-am-markt", true, "")).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("bis vor Kurzem"));

    // The practice itself may take it back; then its other name is the blocked one.
    let back = app
        .post_form(SETTINGS, &form("praxis-am-markt", true, ""))
        .await;
    assert_eq!(location(&back), "/praxis/praxisseite?gespeichert");
    assert_eq!(visit(&app, "/praxen/praxis-am-markt").await.0, 200);
    let response = save_as(&app, &b, &form("praxis-leipzig", true, "")).await;
    assert_eq!(response.status(), 422);

    // A year later it is free, and the clean-up forgets it.
    app.clock
        .advance(chrono::Duration::days(policy::RETIRED_SHORT_NAME_DAYS + 1));
    let purged = app::maintenance::purge(app.conn(), app.clock.now())
        .await
        .unwrap();
    assert_eq!(purged.retired_short_names, 1);
    assert_eq!(
        app::entities::retired_short_name::Entity::find()
            .count(app.conn())
            .await
            .unwrap(),
        0
    );
    let b = app.browser_logged_in("b@example.org").await;
    let response = save_as(&app, &b, &form("praxis-leipzig", true, "")).await;
    assert_eq!(location(&response), "/praxis/praxisseite?gespeichert");
}

/// A deleted practice's short name is not free at once: posters and QR codes still point at
/// it, so nobody else may take it for a year.
#[tokio::test]
async fn a_deleted_practices_short_name_stays_blocked_for_a_year() {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = practice_with_page().await;
    let b = app.practice_b("b@example.org").await;
    let id = app::entities::practice::Entity::find()
        .all(app.conn())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.short_name.as_deref() == Some("praxis-am-markt"))
        .expect("practice A")
        .id;
    let mut ended: app::entities::practice::ActiveModel =
        app::entities::practice::Entity::find_by_id(id)
            .one(app.conn())
            .await
            .unwrap()
            .unwrap()
            .into();
    ended.deletion_at = Set(Some(app.clock.now() - chrono::Duration::seconds(1)));
    ended.update(app.conn()).await.unwrap();
    let deleted = app::contract::jobs::delete_due(&app.state).await.unwrap();
    assert_eq!(deleted.practices, 1);
    assert_eq!(visit(&app, "/praxen/praxis-am-markt").await.0, 404);

    let response = save_as(&app, &b, &form("praxis-am-markt", true, "")).await;
    assert_eq!(response.status(), 422);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("noch ein Jahr gesperrt"));

    // Still blocked a day before the year is over, free after it.
    app.clock
        .advance(chrono::Duration::days(policy::RETIRED_SHORT_NAME_DAYS - 1));
    app::maintenance::run_once(&app.state).await;
    let b = app.browser_logged_in("b@example.org").await;
    let response = save_as(&app, &b, &form("praxis-am-markt", true, "")).await;
    assert_eq!(response.status(), 422);
    app.clock.advance(chrono::Duration::days(2));
    app::maintenance::run_once(&app.state).await;
    let b = app.browser_logged_in("b@example.org").await;
    let response = save_as(&app, &b, &form("praxis-am-markt", true, "")).await;
    assert_eq!(location(&response), "/praxis/praxisseite?gespeichert");
    assert_eq!(visit(&app, "/praxen/praxis-am-markt").await.0, 200);
}

/// Every PDF the service hands out, read back as text: no Fluent variable left unfilled and no
/// Fluent error marker, in the guide (served inline, so a phone shows it), the consent form and
/// the KV documents.
#[tokio::test]
async fn every_pdf_is_fully_rendered_and_the_guide_opens_in_the_browser() {
    let app = practice_with_page().await;
    let guide = visit_response(&app, "/praxen/praxis-am-markt/anleitung.pdf").await;
    assert_eq!(
        guide.headers()["content-disposition"],
        "inline; filename=\"Anleitung-Videosprechstunde.pdf\""
    );
    let consent_link = crate::smtp::link_in(
        &invitation(&app, "erika@example.org", "10:00").await.text,
        "/einwilligung/",
    )
    .expect("consent link");
    let mut documents = vec![
        ("guide".to_owned(), guide.bytes().await.unwrap().to_vec()),
        (
            consent_link.clone(),
            app.new_browser()
                .get(&consent_link)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .to_vec(),
        ),
    ];
    for path in [
        "/praxis/einwilligungen/vorlage.pdf",
        "/praxis/kv-antrag/antrag.pdf",
        "/praxis/kv-antrag/antrag.pdf?kv=nordrhein",
        "/praxis/kv-antrag/bestaetigung.pdf",
        "/praxis/kv-antrag/selbstauskunft.pdf",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        documents.push((path.to_owned(), response.bytes().await.unwrap().to_vec()));
    }
    for (what, bytes) in documents {
        let text = pdf_text(&bytes);
        assert!(text.len() > 500, "{what}: {text}");
        for marker in ["{$", "{ $", "{", "}"] {
            assert!(!text.contains(marker), "{what}: {marker} in {text}");
        }
    }
}
