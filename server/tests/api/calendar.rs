//! The calendar against the real server, database and SMTP listener: create, change, cancel,
//! resend, the patient's e-mails with their `.ics`, double bookings, and practice isolation.

use crate::helpers::{location, spawn_practice, TestApp, PASSWORD};
use crate::html::Page;
use crate::smtp::{link_in, ReceivedEmail};
use app::clock::Clock;
use chrono::Duration as ChronoDuration;
use mail_parser::{MessageParser, MimeHeaders};
use sea_orm::EntityTrait;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// A weekday a week from the app's today, `YYYY-MM-DD` (never a DST change day in the tests'
/// expectations, since only local times are compared).
fn next_week(app: &TestApp) -> String {
    app::time::berlin_date(app.clock.now() + ChronoDuration::days(7)).to_string()
}

fn appointment(date: &str, time: &str, patient: &str) -> Vec<(&'static str, String)> {
    vec![
        ("action", "create".into()),
        ("patient_name", patient.into()),
        ("patient_email", "erika@example.org".into()),
        ("date", date.into()),
        ("time", time.into()),
        ("duration", "50".into()),
        ("note", "Erstgespräch".into()),
        ("doctor_id", String::new()),
    ]
}

/// The `.ics` attachment of a mail, unfolded (RFC 5545 line folding undone).
fn ics_of(mail: &ReceivedEmail) -> String {
    let parsed = MessageParser::default()
        .parse(mail.raw.as_bytes())
        .expect("parsable mail");
    let part = parsed.attachment(0).expect("an attachment");
    assert_eq!(part.attachment_name(), Some("termin.ics"));
    let text = String::from_utf8(part.contents().to_vec()).expect("utf-8");
    assert!(text.contains("\r\n"), "CRLF line ends");
    text.replace("\r\n ", "").replace("\r\n", "\n")
}

/// `ABCD-EFGH-JKMN` from the invitation text.
fn code_in(text: &str) -> String {
    crate::helpers::access_code_in(text).expect("access code in the mail")
}

/// Whether the reminders checkbox on the settings page is ticked.
fn reminders_ticked(page: &str) -> bool {
    Page::parse(page)
        .one(r#"input#calendar-settings-reminders[type="checkbox"]"#)
        .attr("checked")
        .is_some()
}

/// The id in the first appointment link of the week page of `date`.
async fn first_appointment_id(app: &TestApp, date: &str) -> String {
    let page = app.html(&format!("/praxis/termine?datum={date}")).await;
    let links = Page::parse(&page).attr(r#"a[href^="/praxis/termin/"]"#, "href");
    let id = links
        .first()
        .and_then(|href| href.strip_prefix("/praxis/termin/"))
        .expect("appointment link");
    assert_eq!(id.len(), 36, "{id}");
    id.to_owned()
}

async fn last_mail_to(app: &TestApp, count: usize, address: &str) -> ReceivedEmail {
    let mails = app.inbox.wait_for_messages(count, WAIT).await;
    mails
        .iter()
        .rev()
        .find(|m| m.to == vec![address.to_owned()])
        .expect("mail to the address")
        .clone()
}

#[tokio::test]
async fn an_appointment_is_created_changed_and_cancelled_and_the_patient_is_told_each_time() {
    let app = spawn_practice("anna@praxis.de").await;
    let date = next_week(&app);
    let created = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&date, "10:00", "Erika Mustermann"),
        )
        .await;
    assert_eq!(
        location(&created),
        format!("/praxis/termine?datum={date}&angelegt")
    );

    let invitation = last_mail_to(&app, 2, "erika@example.org").await;
    assert!(
        invitation.subject.contains("Videosprechstunde am"),
        "{}",
        invitation.subject
    );
    assert!(invitation.subject.contains("10:00 Uhr"));
    let text = &invitation.text;
    assert!(text.contains("Guten Tag Erika Mustermann"), "{text}");
    assert!(text.contains("Dr. med. Anna Beispiel") && text.contains("Praxis am Markt"));
    assert!(link_in(text, "/videosprechstunde").is_some(), "{text}");
    assert!(text.contains("Kamera, Mikrofon und Lautsprecher"));
    assert!(text.contains("Chrome, Firefox, Edge oder Safari"));
    assert!(text.contains("5 Minuten vor dem Termin"));
    assert!(
        text.contains("0341 1234567"),
        "how to cancel: the practice's phone"
    );
    assert!(
        !text.contains("Erstgespräch"),
        "the note stays in the practice"
    );
    let code = code_in(text);
    assert!(code
        .chars()
        .all(|c| c == '-' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)));
    let stored =
        crate::helpers::query_one_string(app.conn(), "SELECT code_hash FROM appointment").await;
    assert!(
        !stored.contains(&code.replace('-', "")),
        "only the hash is stored"
    );

    let ics = ics_of(&invitation);
    let compact = date.replace('-', "");
    for line in [
        "BEGIN:VCALENDAR",
        "METHOD:REQUEST",
        "SEQUENCE:0",
        "TZID:Europe/Berlin",
        &format!("DTSTART;TZID=Europe/Berlin:{compact}T100000"),
        &format!("DTEND;TZID=Europe/Berlin:{compact}T105000"),
        "TRIGGER:-PT15M",
        "STATUS:CONFIRMED",
    ] {
        assert!(ics.lines().any(|l| l == line), "{line} missing in\n{ics}");
    }
    let uid = ics
        .lines()
        .find(|l| l.starts_with("UID:"))
        .expect("UID")
        .to_owned();
    assert!(ics.contains("mailto:erika@example.org"));

    let week = app.html(&format!("/praxis/termine?datum={date}")).await;
    assert!(
        week.contains("Erika Mustermann") && week.contains("10:00–10:50"),
        "{week}"
    );

    // Reschedule: same code, change mail with SEQUENCE 1.
    let id = first_appointment_id(&app, &date).await;
    let mut moved = appointment(&date, "11:30", "Erika Mustermann");
    moved[0].1 = "update".into();
    let saved = app.post_form(&format!("/praxis/termin/{id}"), &moved).await;
    assert_eq!(location(&saved), format!("/praxis/termin/{id}?gespeichert"));
    let change = last_mail_to(&app, 3, "erika@example.org").await;
    assert!(
        change.subject.starts_with("Geänderter Termin"),
        "{}",
        change.subject
    );
    assert!(change.text.contains("11:30 Uhr"));
    assert!(change.text.contains("bleibt gültig"));
    assert!(!change.text.contains(&code), "the code is not mailed again");
    let ics = ics_of(&change);
    assert!(ics.lines().any(|l| l == uid), "same UID");
    assert!(ics.lines().any(|l| l == "SEQUENCE:1"));
    assert!(ics
        .lines()
        .any(|l| l == format!("DTSTART;TZID=Europe/Berlin:{compact}T113000")));
    let after =
        crate::helpers::query_one_string(app.conn(), "SELECT code_hash FROM appointment").await;
    assert_eq!(after, stored, "rescheduling keeps the code");

    // Cancel.
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
    let cancel = last_mail_to(&app, 4, "erika@example.org").await;
    assert!(cancel.subject.starts_with("Abgesagt"), "{}", cancel.subject);
    assert!(cancel.text.contains("gilt nicht mehr"));
    let ics = ics_of(&cancel);
    for line in [
        "METHOD:CANCEL",
        "SEQUENCE:2",
        "STATUS:CANCELLED",
        uid.as_str(),
    ] {
        assert!(ics.lines().any(|l| l == line), "{line} missing in\n{ics}");
    }
    assert!(
        !ics.contains("VALARM"),
        "no alarm for a cancelled appointment"
    );
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    assert!(page.contains("Dieser Termin ist abgesagt."));
    let again = app.post_form(&format!("/praxis/termin/{id}"), &moved).await;
    assert_eq!(
        again.status(),
        422,
        "a cancelled appointment cannot be changed"
    );
}

#[tokio::test]
async fn resending_comes_with_a_new_code_and_the_old_one_stops_working() {
    let app = spawn_practice("bert@praxis.de").await;
    let date = next_week(&app);
    app.post_form(
        "/praxis/termine/neu",
        &appointment(&date, "09:00", "Max Muster"),
    )
    .await;
    let first = code_in(&last_mail_to(&app, 2, "erika@example.org").await.text);
    let id = first_appointment_id(&app, &date).await;
    let before =
        crate::helpers::query_one_string(app.conn(), "SELECT code_hash FROM appointment").await;
    let resent = app
        .post_form(
            &format!("/praxis/termin/{id}"),
            &[("action", "resend".into())],
        )
        .await;
    assert_eq!(location(&resent), format!("/praxis/termin/{id}?gesendet"));
    let second = code_in(&last_mail_to(&app, 3, "erika@example.org").await.text);
    assert_ne!(first, second);
    let after =
        crate::helpers::query_one_string(app.conn(), "SELECT code_hash FROM appointment").await;
    assert_ne!(before, after, "the old code's hash is gone");
}

#[tokio::test]
async fn bad_input_gets_german_messages_next_to_the_fields_and_keeps_what_was_typed() {
    let app = spawn_practice("carl@praxis.de").await;
    let mut form = appointment("", "25:00", "");
    form[2].1 = "keine-adresse".into();
    form[5].1 = "45".into();
    let response = app.post_form("/praxis/termine/neu", &form).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    for message in [
        "Bitte geben Sie ein Datum ein",
        "Bitte geben Sie eine Uhrzeit ein",
        "Bitte wählen Sie eine Dauer",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(
        Page::parse(&html).field_values("patient_email") == ["keine-adresse"],
        "typed values are kept"
    );

    let past = app
        .post_form(
            "/praxis/termine/neu",
            &appointment("2020-01-06", "10:00", "Eva"),
        )
        .await;
    assert_eq!(past.status(), 422);
    assert!(past.text().await.unwrap().contains("in der Vergangenheit"));
    let skipped = app
        .post_form(
            "/praxis/termine/neu",
            &appointment("2027-03-28", "02:30", "Eva"),
        )
        .await;
    assert_eq!(skipped.status(), 422);
    assert!(skipped.text().await.unwrap().contains("Sommerzeit"));
    assert_eq!(app.inbox.messages().len(), 1, "only the registration mail");
}

#[tokio::test]
async fn appointments_far_ahead_are_refused_so_none_escapes_the_retention_rule() {
    let app = spawn_practice("weit@praxis.de").await;
    let latest = app::calendar::service::latest_booking_day(app.clock.now());
    let too_far = latest + ChronoDuration::days(1);
    // Beyond the two years: the window's message; beyond the years a date field takes at
    // all (`time::parse_iso_date`): the invalid-date message. Both refuse.
    for (date, message) in [
        ("9999-12-31".to_owned(), "Bitte geben Sie ein Datum ein"),
        ("+262142-12-31".to_owned(), "Bitte geben Sie ein Datum ein"),
        (too_far.to_string(), "höchstens zwei Jahre im Voraus"),
    ] {
        let response = app
            .post_form("/praxis/termine/neu", &appointment(&date, "10:00", "Eva"))
            .await;
        assert_eq!(response.status(), 422, "{date}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains(message),
            "{date}: German message next to the date"
        );
    }
    let stored = app::entities::appointment::Entity::find()
        .all(&app.db.conn)
        .await
        .unwrap();
    assert!(stored.is_empty(), "nothing was booked");
    // The last allowed day still works (a Monday or not: no opening hours are set).
    let response = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&latest.to_string(), "10:00", "Eva"),
        )
        .await;
    assert_eq!(
        location(&response),
        format!("/praxis/termine?datum={latest}&angelegt")
    );
}

#[tokio::test]
async fn a_doctor_cannot_be_booked_twice_and_the_message_names_the_other_appointment() {
    let app = spawn_practice("dora@praxis.de").await;
    let date = next_week(&app);
    let first = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&date, "10:00", "Erika Mustermann"),
        )
        .await;
    assert_eq!(first.status(), 303);
    let overlap = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&date, "10:30", "Max Muster"),
        )
        .await;
    assert_eq!(overlap.status(), 422);
    let html = overlap.text().await.unwrap();
    assert!(
        html.contains("10:00–10:50 Uhr mit Erika Mustermann"),
        "{html}"
    );
    let adjacent = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&date, "10:50", "Max Muster"),
        )
        .await;
    assert_eq!(adjacent.status(), 303, "back to back is fine");
}

#[tokio::test]
async fn of_a_hundred_concurrent_bookings_for_overlapping_slots_exactly_one_succeeds() {
    let app = spawn_practice("emil@praxis.de").await;
    let date = next_week(&app);
    let mut requests = Vec::new();
    for i in 0..100u32 {
        // Starts spread over 40 minutes, 50 minutes long: every pair overlaps.
        let time = format!("10:{:02}", i % 40);
        let form = appointment(&date, &time, &format!("Patient {i}"));
        let client = app.client.clone();
        let url = format!("{}/praxis/termine/neu", app.address);
        requests.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&form)
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    let created = statuses.iter().filter(|s| **s == 303).count();
    let refused = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!((created, refused), (1, 99), "{statuses:?}");
    let stored = crate::helpers::query_one_string(
        app.conn(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM appointment",
    )
    .await;
    assert_eq!(stored, "1");
}

#[tokio::test]
async fn another_practice_can_neither_see_nor_touch_an_appointment() {
    let app = spawn_practice("fritz@praxis-a.de").await;
    let date = next_week(&app);
    app.post_form(
        "/praxis/termine/neu",
        &appointment(&date, "10:00", "Erika Mustermann"),
    )
    .await;
    let id = first_appointment_id(&app, &date).await;

    let b = app.practice_b("owner@praxis-b.de").await;
    let get = |path: String| b.get(format!("{}{path}", app.address)).send();

    let week = get(format!("/praxis/termine?datum={date}")).await.unwrap();
    assert!(!week.text().await.unwrap().contains("Erika"));
    let api = get(format!("/api/praxis/termine/woche?date={date}"))
        .await
        .unwrap();
    assert!(!api.text().await.unwrap().contains("Erika"));
    let detail = get(format!("/api/praxis/termine/termin?id={id}"))
        .await
        .unwrap();
    assert_eq!(detail.text().await.unwrap(), "null");
    let page = get(format!("/praxis/termin/{id}")).await.unwrap();
    assert!(!page.text().await.unwrap().contains("Erika"));
    for action in ["update", "resend", "cancel"] {
        let mut form = appointment(&date, "12:00", "Übernommen");
        form[0].1 = action.into();
        let response = b
            .post(format!("{}/praxis/termin/{id}", app.address))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{action}");
    }
    let a_sees = app.html(&format!("/praxis/termin/{id}")).await;
    let a_sees = Page::parse(&a_sees);
    assert_eq!(a_sees.field_values("patient_name"), ["Erika Mustermann"]);
    assert_eq!(a_sees.field_values("time"), ["10:00"]);
    assert_eq!(
        app.inbox
            .messages()
            .iter()
            .filter(|m| m.to == vec!["erika@example.org".to_owned()])
            .count(),
        1,
        "the patient got only the invitation"
    );
    // Nobody logged out sees anything either.
    let anonymous = app.new_browser();
    let r = anonymous
        .get(format!("{}/api/praxis/termine/termin?id={id}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn the_reminder_goes_out_once_about_24_hours_before_and_not_when_switched_off() {
    let app = spawn_practice("gina@praxis.de").await;
    let date = next_week(&app);
    app.post_form(
        "/praxis/termine/neu",
        &appointment(&date, "10:00", "Erika Mustermann"),
    )
    .await;
    last_mail_to(&app, 2, "erika@example.org").await;
    let starts = app::time::berlin_to_utc(
        date.parse().unwrap(),
        chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
    )
    .unwrap();
    app::maintenance::run_once(&app.state).await;
    // 25 hours before: nothing yet.
    app.clock
        .advance(starts - ChronoDuration::hours(25) - app.clock.now());
    app::maintenance::run_once(&app.state).await;
    assert_eq!(app.mail_settled().await.len(), 2, "no reminder yet");
    // 23 hours before: the reminder, once however often the job runs.
    app.clock.advance(ChronoDuration::hours(2));
    app::maintenance::run_once(&app.state).await;
    app::maintenance::run_once(&app.state).await;
    let reminder = last_mail_to(&app, 3, "erika@example.org").await;
    app.log_in("gina@praxis.de", PASSWORD).await;
    let page = app.html("/praxis/termine/einstellungen").await;
    assert!(reminders_ticked(&page), "reminders are on by default");
    assert!(
        reminder.subject.starts_with("Erinnerung"),
        "{}",
        reminder.subject
    );
    assert!(
        reminder.text.contains("Einladungs-E-Mail"),
        "the code is in the invitation"
    );
    assert!(MessageParser::default()
        .parse(reminder.raw.as_bytes())
        .unwrap()
        .attachment(0)
        .is_none());
    assert_eq!(app.mail_settled().await.len(), 3, "exactly one reminder");

    // A practice that switched reminders off sends none.
    let quiet = spawn_practice("hans@praxis.de").await;
    let settings = quiet
        .post_form(
            "/praxis/termine/einstellungen",
            &[("default_duration", "30".into())],
        )
        .await;
    assert_eq!(
        location(&settings),
        "/praxis/termine/einstellungen?gespeichert"
    );
    let form = quiet.html("/praxis/termine/neu").await;
    assert!(
        Page::parse(&form).field_values("duration") == ["30"],
        "the new default duration is preselected"
    );
    let page = quiet.html("/praxis/termine/einstellungen").await;
    assert!(!reminders_ticked(&page), "reminders are off");
    let date = next_week(&quiet);
    quiet
        .post_form(
            "/praxis/termine/neu",
            &appointment(&date, "10:00", "Max Muster"),
        )
        .await;
    last_mail_to(&quiet, 2, "erika@example.org").await;
    let starts = app::time::berlin_to_utc(
        date.parse().unwrap(),
        chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
    )
    .unwrap();
    quiet
        .clock
        .advance(starts - ChronoDuration::hours(2) - quiet.clock.now());
    app::maintenance::run_once(&quiet.state).await;
    assert_eq!(quiet.mail_settled().await.len(), 2);
}

#[tokio::test]
async fn appointments_with_the_patients_data_are_deleted_three_months_after_they_ended() {
    let app = spawn_practice("ida@praxis.de").await;
    let date = next_week(&app);
    app.post_form(
        "/praxis/termine/neu",
        &appointment(&date, "10:00", "Erika Mustermann"),
    )
    .await;
    app.clock.advance(ChronoDuration::days(7 + 85));
    // The login of 92 days ago has long ended.
    app.log_in("ida@praxis.de", PASSWORD).await;
    let later = next_week(&app);
    let created = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&later, "10:00", "Max Muster"),
        )
        .await;
    assert_eq!(created.status(), 303);
    let count = || async {
        crate::helpers::query_one_string(
            app.conn(),
            "SELECT CAST(COUNT(*) AS TEXT) FROM appointment",
        )
        .await
    };
    app::maintenance::run_once(&app.state).await;
    assert_eq!(count().await, "2", "not yet three months after");
    app.clock.advance(ChronoDuration::days(10));
    app::maintenance::run_once(&app.state).await;
    assert_eq!(count().await, "1", "the old one is gone");
    let left =
        crate::helpers::query_one_string(app.conn(), "SELECT patient_name FROM appointment").await;
    assert_eq!(left, "Max Muster");
}

async fn settings(app: &TestApp, form: Vec<(&'static str, String)>) -> reqwest::Response {
    app.post_form("/praxis/termine/einstellungen", &form).await
}

/// Monday of next week and the one after, `YYYY-MM-DD`.
fn next_mondays(app: &TestApp) -> (String, String) {
    let today = app::time::berlin_date(app.clock.now());
    let monday = app::calendar::view::monday_of(today) + ChronoDuration::days(7);
    (
        monday.to_string(),
        (monday + ChronoDuration::days(7)).to_string(),
    )
}

#[tokio::test]
async fn booking_outside_opening_hours_or_on_blocked_days_needs_a_confirmation() {
    let app = spawn_practice("jana@praxis.de").await;
    let (monday, monday_after) = next_mondays(&app);
    let tuesday =
        (monday.parse::<chrono::NaiveDate>().unwrap() + ChronoDuration::days(1)).to_string();

    let bad = settings(
        &app,
        vec![
            ("action", "hours".into()),
            ("day0", "8-12, 14-18".into()),
            ("day1", "morgens".into()),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Bitte schreiben Sie die Zeiten so"), "{html}");
    assert_eq!(
        Page::parse(&html).field_values("day1"),
        ["morgens"],
        "typed hours kept"
    );
    let saved = settings(
        &app,
        vec![("action", "hours".into()), ("day0", "8-12, 14-18".into())],
    )
    .await;
    assert_eq!(
        location(&saved),
        "/praxis/termine/einstellungen?gespeichert"
    );
    let page = app.html("/praxis/termine/einstellungen").await;
    assert_eq!(
        Page::parse(&page).field_values("day0"),
        ["08:00–12:00, 14:00–18:00"],
        "hours shown normalised"
    );
    let blocked = settings(
        &app,
        vec![
            ("action", "block".into()),
            ("first_day", monday_after.clone()),
            ("reason", "Urlaub".into()),
        ],
    )
    .await;
    assert_eq!(
        location(&blocked),
        "/praxis/termine/einstellungen?gespeichert"
    );

    let outside = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&monday, "12:30", "Erika Mustermann"),
        )
        .await;
    assert_eq!(outside.status(), 422);
    let html = outside.text().await.unwrap();
    assert!(
        html.contains("außerhalb der Sprechzeiten dieses Tages (08:00–12:00, 14:00–18:00 Uhr)"),
        "{html}"
    );
    assert!(
        html.contains("Trotzdem eintragen"),
        "the confirmation is offered"
    );
    assert!(
        Page::parse(&html).field_values("patient_name") == ["Erika Mustermann"],
        "typed values kept"
    );
    let closed = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&tuesday, "10:00", "Erika Mustermann"),
        )
        .await;
    assert_eq!(closed.status(), 422);
    assert!(closed
        .text()
        .await
        .unwrap()
        .contains("An diesem Tag ist die Praxis geschlossen."));
    let vacation = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&monday_after, "09:00", "Erika Mustermann"),
        )
        .await;
    assert_eq!(vacation.status(), 422);
    assert!(vacation
        .text()
        .await
        .unwrap()
        .contains("geschlossen (Urlaub)"));

    let inside = app
        .post_form(
            "/praxis/termine/neu",
            &appointment(&monday, "09:00", "Erika Mustermann"),
        )
        .await;
    assert_eq!(inside.status(), 303);
    let mut confirmed = appointment(&monday, "12:30", "Max Muster");
    confirmed.push(("confirm_outside", "on".into()));
    let anyway = app.post_form("/praxis/termine/neu", &confirmed).await;
    assert_eq!(
        anyway.status(),
        303,
        "booked outside the hours after confirming"
    );

    let week = app.html(&format!("/praxis/termine?datum={monday}")).await;
    assert!(week.contains("Sprechzeiten 08:00–12:00, 14:00–18:00"));
    assert!(week.contains("Keine Sprechzeiten"), "Tuesday is closed");
    let next = app
        .html(&format!("/praxis/termine?datum={monday_after}"))
        .await;
    assert!(next.contains("Praxis geschlossen: Urlaub"));

    // Another practice cannot remove the blocked days; the owner can.
    let page = app.html("/praxis/termine/einstellungen").await;
    let ids = Page::parse(&page).attr(r#"form input[name="id"]"#, "value");
    let id = ids.first().expect("remove button").clone();
    assert_eq!(id.len(), 36, "{id}");
    let b = app.practice_b("owner@praxis-b.de").await;
    let attempt = b
        .post(format!("{}/praxis/termine/einstellungen", app.address))
        .form(&[("action", "unblock"), ("id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(attempt.status(), 404);
    let removed = settings(&app, vec![("action", "unblock".into()), ("id", id)]).await;
    assert_eq!(
        location(&removed),
        "/praxis/termine/einstellungen?gespeichert"
    );
    let page = app.html("/praxis/termine/einstellungen").await;
    assert!(page.contains("Keine geschlossenen Tage eingetragen."));
}

#[tokio::test]
async fn the_day_view_shows_one_day_and_links_its_neighbours() {
    let app = spawn_practice("kurt@praxis.de").await;
    let (monday, _) = next_mondays(&app);
    let tuesday =
        (monday.parse::<chrono::NaiveDate>().unwrap() + ChronoDuration::days(1)).to_string();
    let wednesday =
        (monday.parse::<chrono::NaiveDate>().unwrap() + ChronoDuration::days(2)).to_string();
    app.post_form(
        "/praxis/termine/neu",
        &appointment(&monday, "09:00", "Erika Montag"),
    )
    .await;
    app.post_form(
        "/praxis/termine/neu",
        &appointment(&tuesday, "09:00", "Max Dienstag"),
    )
    .await;
    let week = app.html(&format!("/praxis/termine?datum={monday}")).await;
    assert!(week.contains("Erika Montag") && week.contains("Max Dienstag"));
    assert!(week.contains(&format!("/praxis/termine?ansicht=tag&amp;datum={tuesday}")));
    let day = app
        .html(&format!("/praxis/termine?ansicht=tag&datum={tuesday}"))
        .await;
    assert!(day.contains("Max Dienstag"), "{day}");
    assert!(!day.contains("Erika Montag"), "only the chosen day");
    assert!(
        day.contains(&format!("datum={monday}")) && day.contains(&format!("datum={wednesday}"))
    );
    assert!(day.contains("Dienstag,"), "the day's heading");
}

/// The week's cards are written as HTML by hand (app/src/calendar/cards.rs): a patient's name
/// that looks like markup is shown as the text it is, in the week and in the day view, and
/// the card still links its appointment and shows time, doctor and consent.
#[tokio::test]
async fn a_name_that_looks_like_markup_is_shown_as_text_on_every_card() {
    let app = spawn_practice("karla@praxis.de").await;
    let (monday, _) = next_mondays(&app);
    let name = r#"<img src=x onerror=alert(1)> O'Brien & "Zoë""#;
    app.post_form("/praxis/termine/neu", &appointment(&monday, "09:00", name))
        .await;
    for path in [
        format!("/praxis/termine?datum={monday}"),
        format!("/praxis/termine?ansicht=tag&datum={monday}"),
    ] {
        let html = app.html(&path).await;
        let page = Page::parse(&html);
        assert_eq!(page.count(".appointments img"), 0, "{path}: {html}");
        assert_eq!(page.text_of(".appointment-patient"), vec![name], "{path}");
        assert_eq!(
            page.text_of(".appointment-time"),
            vec!["09:00–09:50"],
            "{path}"
        );
        let card = page.text_of(".appointments li").concat();
        assert!(
            card.contains("Dr. med. Anna Beispiel") && card.contains("Einwilligung: fehlt"),
            "{path}: {card}"
        );
        let links = page.attr(".appointments a", "href");
        assert_eq!(links.len(), 1, "{path}");
        assert!(links[0].starts_with("/praxis/termin/"), "{links:?}");
    }
}
