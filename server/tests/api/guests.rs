//! "Weitere Person einladen" (issue 25) against the real server, database and SMTP listener:
//! each guest's own invitation, code and `.ics`; uninvite and invite again; the limit per
//! consultation (also under concurrent invitations); what a change or cancellation of the
//! appointment tells the guests; and that another practice can do nothing with any of it.

use crate::helpers::{access_code_in, eventually, location, spawn_app_with, TestApp, PASSWORD};
use crate::html::Page;
use crate::smtp::ReceivedEmail;
use app::clock::Clock;
use chrono::Duration as ChronoDuration;
use mail_parser::MessageParser;

/// The app with group consultations of up to four (doctor, patient and two guests), one
/// practice logged in, and one appointment next week; returns the appointment's id.
async fn practice_with_appointment(email: &str, max: usize) -> (TestApp, String) {
    let app = spawn_app_with(|s| s.appointments.max_participants = max).await;
    app.register_verified(email).await;
    app.log_in(email, PASSWORD).await;
    let date = app::time::berlin_date(app.clock.now() + ChronoDuration::days(7)).to_string();
    let created = app
        .post_form(
            "/praxis/termine/neu",
            &[
                ("action", "create".into()),
                ("patient_name", "Erika Mustermann".into()),
                ("patient_email", "erika@example.org".into()),
                ("date", date.clone()),
                ("time", "10:00".into()),
                ("duration", "50".into()),
                ("doctor_id", String::new()),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let week = app.html(&format!("/praxis/termine?datum={date}")).await;
    let href = Page::parse(&week).attr(r#"a[href^="/praxis/termin/"]"#, "href");
    let id = href[0].trim_start_matches("/praxis/termin/").to_owned();
    (app, id)
}

fn guest(name: &str, email: &str, role: &str) -> Vec<(&'static str, String)> {
    vec![
        ("action", "invite".into()),
        ("name", name.into()),
        ("email", email.into()),
        ("role", role.into()),
    ]
}

async fn mails_to(app: &TestApp, address: &str, count: usize) -> Vec<ReceivedEmail> {
    eventually(format!("{count} mails to {address}"), || async move {
        let mails: Vec<_> = app
            .inbox
            .messages()
            .into_iter()
            .filter(|m| m.to == vec![address.to_owned()])
            .collect();
        (mails.len() >= count).then_some(mails)
    })
    .await
}

fn ics_of(mail: &ReceivedEmail) -> String {
    let parsed = MessageParser::default()
        .parse(mail.raw.as_bytes())
        .expect("parsable mail");
    let part = parsed.attachment(0).expect("an attachment");
    String::from_utf8(part.contents().to_vec())
        .expect("utf-8")
        .replace("\r\n ", "")
        .replace("\r\n", "\n")
}

fn line<'a>(ics: &'a str, name: &str) -> &'a str {
    ics.lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("{name} in\n{ics}"))
}

#[tokio::test]
async fn a_further_person_gets_an_own_invitation_and_is_uninvited_and_invited_again() {
    let (app, id) = practice_with_appointment("anna@praxis.de", 4).await;
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    assert!(page.contains("Weitere Personen"), "{page}");
    assert!(page.contains("Höchstens 4 Personen je Sprechstunde"));

    let sent = app
        .post_form(
            &format!("/praxis/termin/{id}/personen"),
            &guest("Dana Dolmetscherin", "dana@example.org", "interpreter"),
        )
        .await;
    assert_eq!(
        location(&sent),
        format!("/praxis/termin/{id}?person-eingeladen#personen")
    );
    let invitation = &mails_to(&app, "dana@example.org", 1).await[0];
    assert!(
        invitation
            .subject
            .starts_with("Einladung zur Videosprechstunde am"),
        "{}",
        invitation.subject
    );
    let text = &invitation.text;
    assert!(text.contains("Guten Tag Dana Dolmetscherin"), "{text}");
    assert!(text.contains("als Dolmetscher/in"), "{text}");
    assert!(
        !text.contains("Erika"),
        "a guest's mail never names the patient: {text}"
    );
    let code = access_code_in(text).expect("the guest's code");
    let patient_mail = &mails_to(&app, "erika@example.org", 1).await[0];
    let patient_code = access_code_in(&patient_mail.text).expect("the patient's code");
    assert_ne!(code, patient_code, "an own code");
    let ics = ics_of(invitation);
    let uid = line(&ics, "UID:").to_owned();
    assert_ne!(
        uid,
        line(&ics_of(patient_mail), "UID:"),
        "an own calendar entry"
    );
    assert_eq!(line(&ics, "SEQUENCE:"), "SEQUENCE:0");
    assert!(ics.contains("mailto:dana@example.org") && !ics.contains("erika@"));
    let stored =
        crate::helpers::query_one_string(app.conn(), "SELECT code_hash FROM appointment_guest")
            .await;
    assert!(
        !stored.contains(&code.replace('-', "")),
        "only the hash is stored"
    );

    let page = app
        .html(&format!("/praxis/termin/{id}?person-eingeladen"))
        .await;
    let doc = Page::parse(&page);
    let items = doc.text_of(".guest-list .guest");
    assert_eq!(items.len(), 1, "{page}");
    assert!(
        items[0].contains("Dana Dolmetscherin")
            && items[0].contains("Dolmetscher/in")
            && items[0].contains("dana@example.org"),
        "{items:?}"
    );
    assert!(page.contains("Die Einladung mit eigenem Zugangscode ist verschickt."));
    let guest_id = doc.attr(r#".guest input[name="guest_id"]"#, "value")[0].clone();
    assert_eq!(
        doc.attr(".guest button", "aria-label"),
        ["Ausladen: Dana Dolmetscherin"]
    );
    // The week shows that someone else comes along.
    let date = app::time::berlin_date(app.clock.now() + ChronoDuration::days(7)).to_string();
    let week = app.html(&format!("/praxis/termine?datum={date}")).await;
    assert_eq!(
        Page::parse(&week).text_of(".appointment-guests"),
        ["+ 1 weitere"]
    );

    // Uninvite: a cancellation for the guest's calendar entry, the code's row marked.
    let out = app
        .post_form(
            &format!("/praxis/termin/{id}/personen"),
            &[
                ("action", "uninvite".into()),
                ("guest_id", guest_id.clone()),
            ],
        )
        .await;
    assert_eq!(
        location(&out),
        format!("/praxis/termin/{id}?person-ausgeladen#personen")
    );
    let cancel = mails_to(&app, "dana@example.org", 2).await[1].clone();
    assert!(cancel.subject.starts_with("Abgesagt"), "{}", cancel.subject);
    assert!(cancel.text.contains("Ihr Zugangscode ist ungültig"));
    let ics = ics_of(&cancel);
    assert_eq!(line(&ics, "UID:"), uid);
    assert_eq!(line(&ics, "METHOD:"), "METHOD:CANCEL");
    assert_eq!(line(&ics, "SEQUENCE:"), "SEQUENCE:1");
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    let doc = Page::parse(&page);
    assert!(doc.text_of(".guest").join(" ").contains("ausgeladen"));
    assert_eq!(
        doc.attr(".guest button", "aria-label"),
        ["Neue Einladung senden: Dana Dolmetscherin"]
    );
    let week = app.html(&format!("/praxis/termine?datum={date}")).await;
    assert_eq!(Page::parse(&week).count(".appointment-guests"), 0);

    // Invite again: a new code, the same calendar entry one step on.
    let again = app
        .post_form(
            &format!("/praxis/termin/{id}/personen"),
            &[("action", "reinvite".into()), ("guest_id", guest_id)],
        )
        .await;
    assert_eq!(
        location(&again),
        format!("/praxis/termin/{id}?person-erneut-eingeladen#personen")
    );
    let renewed = mails_to(&app, "dana@example.org", 3).await[2].clone();
    let new_code = access_code_in(&renewed.text).expect("a new code");
    assert_ne!(new_code, code);
    let ics = ics_of(&renewed);
    assert_eq!(line(&ics, "UID:"), uid);
    assert_eq!(line(&ics, "METHOD:"), "METHOD:REQUEST");
    assert_eq!(line(&ics, "SEQUENCE:"), "SEQUENCE:2");
    let after =
        crate::helpers::query_one_string(app.conn(), "SELECT code_hash FROM appointment_guest")
            .await;
    assert_ne!(after, stored, "the old code's hash is gone");
}

#[tokio::test]
async fn the_limit_counts_the_doctor_and_the_patient_and_holds_under_concurrent_invitations() {
    let (app, id) = practice_with_appointment("bert@praxis.de", 4).await;
    let path = format!("/praxis/termin/{id}/personen");
    // Eight invitations at once for the two seats: exactly two win.
    let mut tasks = Vec::new();
    for n in 0..8 {
        let client = app.client.clone();
        let url = format!("{}{path}", app.address);
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&guest(
                    &format!("Gast {n}"),
                    &format!("gast{n}@example.org"),
                    "relative",
                ))
                .send()
                .await
                .expect("post")
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 303, 422, 422, 422, 422, 422, 422]);
    let count = crate::helpers::query_one_string(
        app.conn(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM appointment_guest",
    )
    .await;
    assert_eq!(count, "2");

    // The refusal is German, above the form, and keeps what was typed.
    let full = app
        .post_form(&path, &guest("Carla Carer", "carla@example.org", "carer"))
        .await;
    assert_eq!(full.status(), 422);
    let page = full.text().await.unwrap();
    assert!(
        page.contains("Alle Plätze sind vergeben: höchstens 4 Personen je Sprechstunde"),
        "{page}"
    );
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    assert_eq!(
        Page::parse(&page).count(r#"input[value="invite"]"#),
        0,
        "no form when full"
    );
}

#[tokio::test]
async fn bad_input_gets_german_messages_and_keeps_what_was_typed() {
    let (app, id) = practice_with_appointment("clara@praxis.de", 4).await;
    let path = format!("/praxis/termin/{id}/personen");
    let response = app
        .post_form(&path, &guest("", "keine-adresse", "chef"))
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    let doc = Page::parse(&page);
    let errors = doc.text_of(".guest-list, #guest-errors li");
    let all = errors.join(" | ");
    assert!(all.contains("Bitte wählen Sie eine Rolle aus."), "{all}");
    assert_eq!(doc.field_values("email"), ["keine-adresse"]);
    assert!(
        doc.one("details.confirm-step[open] #guest-name")
            .attr("aria-invalid")
            == Some("true")
    );
    // The same person twice.
    let form = guest("Dana D", "dana@example.org", "interpreter");
    assert_eq!(app.post_form(&path, &form).await.status(), 303);
    let twice = app.post_form(&path, &form).await;
    assert_eq!(twice.status(), 422);
    assert!(twice
        .text()
        .await
        .unwrap()
        .contains("Diese Person ist schon eingeladen."));
    // A made-up action or guest.
    let odd = app.post_form(&path, &[("action", "promote".into())]).await;
    assert_eq!(odd.status(), 400);
    let unknown = app
        .post_form(
            &path,
            &[
                ("action", "uninvite".into()),
                ("guest_id", uuid::Uuid::new_v4().to_string()),
            ],
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn guests_hear_of_a_change_and_the_cancellation_with_their_own_calendar_entry() {
    let (app, id) = practice_with_appointment("dora@praxis.de", 3).await;
    let path = format!("/praxis/termin/{id}/personen");
    app.post_form(
        &path,
        &guest("Kurt Kollege", "kurt@example.org", "colleague"),
    )
    .await;
    let invitation = mails_to(&app, "kurt@example.org", 1).await[0].clone();
    let code = access_code_in(&invitation.text).unwrap();
    let uid = line(&ics_of(&invitation), "UID:").to_owned();
    let date = app::time::berlin_date(app.clock.now() + ChronoDuration::days(7)).to_string();
    let moved = app
        .post_form(
            &format!("/praxis/termin/{id}"),
            &[
                ("action", "update".into()),
                ("patient_name", "Erika Mustermann".into()),
                ("patient_email", "erika@example.org".into()),
                ("date", date),
                ("time", "11:30".into()),
                ("duration", "50".into()),
                ("doctor_id", String::new()),
                ("new_code", "on".into()),
            ],
        )
        .await;
    assert_eq!(moved.status(), 303);
    let change = mails_to(&app, "kurt@example.org", 2).await[1].clone();
    assert!(
        change.subject.starts_with("Geänderter Termin"),
        "{}",
        change.subject
    );
    assert!(change.text.contains("11:30 Uhr") && change.text.contains("als Kollegin/Kollege"));
    assert!(!change.text.contains("Erika"));
    assert!(
        access_code_in(&change.text).is_none(),
        "the patient's new code is the patient's; the guest's stays: {}",
        change.text
    );
    let ics = ics_of(&change);
    assert_eq!(line(&ics, "UID:"), uid);
    assert_eq!(line(&ics, "SEQUENCE:"), "SEQUENCE:1");
    assert!(ics.contains("T113000"));

    // With 3 participants the one guest seat is taken.
    let full = app
        .post_form(&path, &guest("Zweiter Gast", "zwei@example.org", "other"))
        .await;
    assert_eq!(full.status(), 422);

    let cancelled = app
        .post_form(
            &format!("/praxis/termin/{id}"),
            &[("action", "cancel".into())],
        )
        .await;
    assert_eq!(cancelled.status(), 303);
    let cancel = mails_to(&app, "kurt@example.org", 3).await[2].clone();
    assert!(cancel.subject.starts_with("Abgesagt"));
    let ics = ics_of(&cancel);
    assert_eq!(line(&ics, "UID:"), uid);
    assert_eq!(line(&ics, "METHOD:"), "METHOD:CANCEL");
    assert_eq!(line(&ics, "SEQUENCE:"), "SEQUENCE:2");
    // Nobody can be invited to a cancelled appointment.
    let late = app
        .post_form(&path, &guest("Spät", "spaet@example.org", "other"))
        .await;
    assert_eq!(late.status(), 409);
    assert!(late
        .text()
        .await
        .unwrap()
        .contains("abgesagten oder vergangenen Termin"));
    // The guest's code went out once, with the invitation.
    let mails = mails_to(&app, "kurt@example.org", 3).await;
    assert_eq!(mails.iter().filter(|m| m.text.contains(&code)).count(), 1);
}

#[tokio::test]
async fn without_the_setting_nobody_can_be_invited_and_the_section_is_absent() {
    let (app, id) = practice_with_appointment("emil@praxis.de", 2).await;
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    assert!(!page.contains("Weitere Personen"), "{page}");
    let refused = app
        .post_form(
            &format!("/praxis/termin/{id}/personen"),
            &guest("Dana", "dana@example.org", "interpreter"),
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(app
        .inbox
        .messages()
        .iter()
        .all(|m| m.to != vec!["dana@example.org".to_owned()]));
}

#[tokio::test]
async fn another_practice_can_neither_see_nor_touch_the_guests() {
    let (app, id) = practice_with_appointment("fritz@praxis-a.de", 4).await;
    let path = format!("/praxis/termin/{id}/personen");
    app.post_form(
        &path,
        &guest("Dana Dolmetscherin", "dana@example.org", "interpreter"),
    )
    .await;
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    let guest_id = Page::parse(&page).attr(r#".guest input[name="guest_id"]"#, "value")[0].clone();
    let b = app.practice_b("owner@praxis-b.de").await;
    let api = b
        .get(format!(
            "{}/api/praxis/termine/personen?id={id}",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(api.text().await.unwrap(), "null");
    for form in [
        guest("Eindringling", "x@example.org", "other"),
        vec![
            ("action", "uninvite".into()),
            ("guest_id", guest_id.clone()),
        ],
        vec![
            ("action", "reinvite".into()),
            ("guest_id", guest_id.clone()),
        ],
    ] {
        let response = b
            .post(format!("{}{path}", app.address))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{form:?}");
    }
    let count = crate::helpers::query_one_string(
        app.conn(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM appointment_guest WHERE uninvited_at IS NULL",
    )
    .await;
    assert_eq!(count, "1");
    assert_eq!(
        app.inbox
            .messages()
            .iter()
            .filter(|m| m.to == vec!["dana@example.org".to_owned()])
            .count(),
        1,
        "only the one invitation"
    );
    // Logged out: the login, nothing else.
    let anonymous = app.new_browser();
    let r = anonymous
        .post(format!("{}{path}", app.address))
        .form(&guest("Anonym", "a@example.org", "other"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/anmelden"), "{}", location(&r));
}

#[tokio::test]
async fn guests_names_and_addresses_go_with_their_appointment_after_three_months() {
    let (app, id) = practice_with_appointment("gina@praxis.de", 4).await;
    app.post_form(
        &format!("/praxis/termin/{id}/personen"),
        &guest("Dana Dolmetscherin", "dana@example.org", "interpreter"),
    )
    .await;
    let count = || async {
        crate::helpers::query_one_string(
            app.conn(),
            "SELECT CAST(COUNT(*) AS TEXT) FROM appointment_guest",
        )
        .await
    };
    assert_eq!(count().await, "1");
    app.clock.advance(ChronoDuration::days(7 + 85));
    app::maintenance::run_once(&app.state).await;
    assert_eq!(count().await, "1", "not yet three months after");
    app.clock.advance(ChronoDuration::days(10));
    app::maintenance::run_once(&app.state).await;
    assert_eq!(count().await, "0", "deleted with the appointment");
}

#[tokio::test]
async fn guests_get_the_reminder_too_once() {
    let (app, id) = practice_with_appointment("hans@praxis.de", 4).await;
    app.post_form(
        &format!("/praxis/termin/{id}/personen"),
        &guest("Bert Betreuer", "bert@example.org", "carer"),
    )
    .await;
    mails_to(&app, "bert@example.org", 1).await;
    let date = app::time::berlin_date(app.clock.now() + ChronoDuration::days(7));
    let starts =
        app::time::berlin_to_utc(date, chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap()).unwrap();
    app.clock
        .advance(starts - ChronoDuration::hours(23) - app.clock.now());
    app::maintenance::run_once(&app.state).await;
    app::maintenance::run_once(&app.state).await;
    let mails = mails_to(&app, "bert@example.org", 2).await;
    let reminder = &mails[1];
    assert!(
        reminder.subject.starts_with("Erinnerung"),
        "{}",
        reminder.subject
    );
    assert!(
        reminder.text.contains("als Betreuer/in"),
        "{}",
        reminder.text
    );
    assert!(!reminder.text.contains("Erika"));
    assert_eq!(
        app.mail_settled()
            .await
            .iter()
            .filter(|m| m.to == vec!["bert@example.org".to_owned()])
            .count(),
        2,
        "one reminder"
    );
}
