//! The kept calendar (issue 24, point 5): a practice's week and today's list are kept between
//! requests while `practice.calendar_version` stays the same. Every change a page shows must be
//! on the next page at once — made through any form, by a timed job, directly in the database
//! or through another instance — and midnight must move "today".

use crate::helpers::{eventually, location, spawn_practice, TestApp, PASSWORD};
use crate::html::Page;
use app::clock::Clock;
use app::entities::{appointment, practice, practice_user};
use chrono::{Duration as ChronoDuration, NaiveDate};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

const EMAIL: &str = "kalender@praxis.de";

/// Monday of next week.
fn next_monday(app: &TestApp) -> NaiveDate {
    app::calendar::view::monday_of(app::time::berlin_date(app.clock.now()))
        + ChronoDuration::days(7)
}

async fn version(app: &TestApp) -> i64 {
    practice::Entity::find()
        .all(app.conn())
        .await
        .unwrap()
        .iter()
        .map(|p| p.calendar_version)
        .max()
        .expect("a practice")
}

/// The texts of the week's cards (`<li>` of the appointment lists), in order.
async fn cards(app: &TestApp, monday: NaiveDate) -> Vec<String> {
    let html = app.html(&format!("/praxis/termine?datum={monday}")).await;
    Page::parse(&html).text_of(".appointments li")
}

async fn week_text(app: &TestApp, monday: NaiveDate) -> String {
    let html = app.html(&format!("/praxis/termine?datum={monday}")).await;
    Page::parse(&html).text_of("ol.week").concat()
}

fn booking(date: NaiveDate, time: &str, patient: &str) -> Vec<(&'static str, String)> {
    vec![
        ("action", "create".into()),
        ("patient_name", patient.into()),
        ("patient_email", "erika@example.org".into()),
        ("date", date.to_string()),
        ("time", time.into()),
        ("duration", "50".into()),
        ("doctor_id", String::new()),
    ]
}

/// The page at `url` as the browser holding the session `cookie` gets it.
async fn page_with_cookie(url: String, cookie: &str) -> String {
    reqwest::Client::new()
        .get(url)
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Invites Max Mustermann as a relative to appointment `id`.
async fn invite_guest(app: &TestApp, id: &impl std::fmt::Display) {
    let invited = app
        .post_form(
            &format!("/praxis/termin/{id}/personen"),
            &[
                ("action", "invite".into()),
                ("name", "Max Mustermann".into()),
                ("email", "max@example.org".into()),
                ("role", "relative".into()),
            ],
        )
        .await;
    assert_eq!(invited.status(), 303, "{}", invited.text().await.unwrap());
}

#[tokio::test]
async fn every_change_the_week_shows_is_on_the_next_page_at_once() {
    let app = spawn_practice(EMAIL).await;
    let monday = next_monday(&app);
    assert_eq!(cards(&app, monday).await, Vec::<String>::new());

    // Booked through the form.
    let created = app
        .post_form(
            "/praxis/termine/neu",
            &booking(monday, "10:00", "Erika Mustermann"),
        )
        .await;
    assert_eq!(created.status(), 303);
    let shown = cards(&app, monday).await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].contains("Erika Mustermann"), "{shown:?}");
    assert!(shown[0].contains("Einwilligung: fehlt"), "{shown:?}");
    // Nothing changed: the same page again.
    assert_eq!(cards(&app, monday).await, shown);
    let html = app.html(&format!("/praxis/termine?datum={monday}")).await;
    let href = Page::parse(&html).attr(r#".appointments a[href^="/praxis/termin/"]"#, "href");
    let id = href[0].trim_start_matches("/praxis/termin/").to_owned();

    // A further person invited.
    invite_guest(&app, &id).await;
    assert!(
        cards(&app, monday).await[0].contains("+ 1"),
        "guest counted"
    );

    // The consent received on paper.
    let consent = app
        .post_form(
            &format!("/praxis/termin/{id}/einwilligung"),
            &[(
                "received_on",
                app::time::berlin_date(app.clock.now()).to_string(),
            )],
        )
        .await;
    assert_eq!(
        location(&consent),
        format!("/praxis/termin/{id}?einwilligung-erhalten")
    );
    assert!(cards(&app, monday).await[0].contains("Einwilligung: bestätigt"));

    // Opening hours and a blocked day.
    let hours = app
        .post_form(
            "/praxis/termine/einstellungen",
            &[("action", "hours".into()), ("day0", "8-12".into())],
        )
        .await;
    assert_eq!(
        location(&hours),
        "/praxis/termine/einstellungen?gespeichert"
    );
    assert!(week_text(&app, monday).await.contains("08:00–12:00"));
    let blocked = app
        .post_form(
            "/praxis/termine/einstellungen",
            &[
                ("action", "block".into()),
                ("first_day", (monday + ChronoDuration::days(1)).to_string()),
                ("reason", "Fortbildung".into()),
            ],
        )
        .await;
    assert_eq!(
        location(&blocked),
        "/praxis/termine/einstellungen?gespeichert"
    );
    assert!(week_text(&app, monday).await.contains("Fortbildung"));

    // The doctor's name changed where no form of this server did it (another instance, an
    // operator): the triggers count it too.
    let doctor = practice_user::Entity::find()
        .all(app.conn())
        .await
        .unwrap()
        .remove(0);
    let mut renamed = doctor.into_active_model();
    renamed.last_name = Set("Neuname".into());
    renamed.update(app.conn()).await.unwrap();
    assert!(cards(&app, monday).await[0].contains("Neuname"));

    // Cancelled, then deleted as the retention job does.
    let cancelled = app
        .post_form(
            &format!("/praxis/termin/{id}"),
            &[("action", "cancel".into())],
        )
        .await;
    assert_eq!(cancelled.status(), 303);
    assert!(cards(&app, monday).await[0].contains("abgesagt"));
    appointment::Entity::delete_many()
        .exec(app.conn())
        .await
        .unwrap();
    assert_eq!(cards(&app, monday).await, Vec::<String>::new());
}

#[tokio::test]
async fn the_counter_moves_with_what_the_calendar_shows_and_not_with_logins() {
    let app = spawn_practice(EMAIL).await;
    let monday = next_monday(&app);
    let start = version(&app).await;
    // Logins write the person's row (and the session); the calendar shows none of it.
    app.log_in(EMAIL, PASSWORD).await;
    app.html("/praxis").await;
    assert_eq!(version(&app).await, start, "a login moved the counter");
    app.post_form(
        "/praxis/termine/neu",
        &booking(monday, "10:00", "Erika Mustermann"),
    )
    .await;
    let booked = version(&app).await;
    assert!(booked > start);
    // Another practice's booking is not this practice's change.
    let b = app.practice_b("b@praxis.de").await;
    let other = b
        .post(format!("{}/praxis/termine/neu", app.address))
        .header("Accept", "text/html")
        .form(&booking(monday, "11:00", "Max Muster"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 303);
    let mine = practice::Entity::find()
        .all(app.conn())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name != "Praxis B")
        .expect("practice A");
    assert_eq!(mine.calendar_version, booked);
    assert_eq!(cards(&app, monday).await.len(), 1);
}

#[tokio::test]
async fn a_kept_week_moves_its_today_marker_at_midnight() {
    let app = spawn_practice(EMAIL).await;
    let today = app::time::berlin_date(app.clock.now());
    let marked = |html: &str| Page::parse(html).attr(r#"[aria-current="date"] a.day-link"#, "href");
    let before = app.html(&format!("/praxis/termine?datum={today}")).await;
    assert_eq!(marked(&before).len(), 1, "{before}");
    assert!(marked(&before)[0].contains(&today.to_string()));
    app.clock.advance(ChronoDuration::days(1));
    // A day idle ends the session; a login changes nothing the calendar shows.
    app.log_in(EMAIL, PASSWORD).await;
    // The same week (unless today was Sunday) with nothing changed in the database.
    let after = app.html(&format!("/praxis/termine?datum={today}")).await;
    let tomorrow = today + ChronoDuration::days(1);
    if app::calendar::view::monday_of(tomorrow) == app::calendar::view::monday_of(today) {
        assert_eq!(marked(&after).len(), 1);
        assert!(
            marked(&after)[0].contains(&tomorrow.to_string()),
            "{:?}",
            marked(&after)
        );
    } else {
        assert_eq!(marked(&after), Vec::<String>::new());
    }
}

#[tokio::test]
async fn the_live_list_of_every_page_shows_todays_changes_at_once() {
    let app = crate::helpers::spawn_app().await;
    let code = crate::waiting_room::ten_minutes_before(&app, EMAIL).await;
    let cookie = crate::waiting_room::doctor_cookie(&app, EMAIL).await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = |path: &str| page_with_cookie(format!("{}{path}", app.address), &cookie);
    let first = page("/praxis").await;
    assert!(first.contains("Erika Mustermann"), "{first}");
    assert!(first.contains("niemand wartet"), "{first}");
    assert!(!first.contains("Max Muster"));
    // Booked for later today through the form: on the next page's list.
    let today = app::time::berlin_date(app.clock.now());
    let booked = browser
        .post(format!("{}/praxis/termine/neu", app.address))
        .header("cookie", &cookie)
        .header("Accept", "text/html")
        .form(&booking(today, "14:00", "Max Muster"))
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 303, "{}", booked.text().await.unwrap());
    assert!(page("/praxis/sicherheit").await.contains("Max Muster"));
    // The patient arrives: who is connected is read for every page, not kept.
    let pass = crate::waiting_room::patient_enters(&app, "Erika Mustermann", &code).await;
    let _socket = crate::waiting_room::open(&app, &pass, "patient")
        .await
        .expect("patient socket");
    eventually("the page's list counts the waiting patient", || async {
        page("/praxis/sicherheit")
            .await
            .contains("1 wartet")
            .then_some(())
    })
    .await;
}

/// Instances share the database, not their kept weeks: a booking through instance B is on
/// instance A's next page (the counter is in the database). PostgreSQL only (SQLite serves one
/// instance).
#[tokio::test]
async fn a_booking_through_another_instance_is_on_this_instances_next_page() {
    if crate::helpers::engine() != crate::helpers::Engine::Postgres {
        return;
    }
    let a = spawn_practice(EMAIL).await;
    let b = a.another_instance(|_| {}).await;
    b.clock.advance(a.clock.now() - b.clock.now());
    let cookie = crate::waiting_room::doctor_cookie(&a, EMAIL).await;
    let monday = next_monday(&a);
    let week = |app: &TestApp| {
        page_with_cookie(
            format!("{}/praxis/termine?datum={monday}", app.address),
            &cookie,
        )
    };
    assert!(!week(&a).await.contains("Erika Mustermann"));
    let booked = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/praxis/termine/neu", b.address))
        .header("cookie", &cookie)
        .header("Accept", "text/html")
        .form(&booking(monday, "10:00", "Erika Mustermann"))
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 303);
    assert!(week(&a).await.contains("Erika Mustermann"));
}

/// PostgreSQL: a change to an appointment that goes on to its guests' rows (as a cancellation or
/// a new time does, telling each guest) and a guest's arrival at that moment do not wait for
/// each other: the counter is taken at commit. Counted at the end of each statement, the open
/// change held the practice row, the arrival waited for it while holding the guest's row, and
/// the change then waited for that — a deadlock PostgreSQL ends by failing one of them.
#[tokio::test]
async fn a_change_going_on_to_the_guests_and_a_guests_arrival_at_once_both_go_through() {
    if crate::helpers::engine() != crate::helpers::Engine::Postgres {
        return;
    }
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = spawn_practice(EMAIL).await;
    let monday = next_monday(&app);
    app.post_form(
        "/praxis/termine/neu",
        &booking(monday, "10:00", "Erika Mustermann"),
    )
    .await;
    let id = appointment::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .expect("booked")
        .id;
    invite_guest(&app, &id).await;
    let guest = app::entities::appointment_guest::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .expect("invited")
        .id;
    let before = version(&app).await;

    let change = app.conn().begin().await.unwrap();
    change
        .execute_unprepared(&format!(
            "UPDATE appointment SET note = 'verschoben' WHERE id = '{id}'"
        ))
        .await
        .unwrap();
    let arrival = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        app.conn().execute_unprepared(&format!(
            "UPDATE appointment_guest SET arrived_at = now() WHERE id = '{guest}'"
        )),
    )
    .await;
    assert!(
        matches!(arrival, Ok(Ok(_))),
        "the arrival waited for the open change: {arrival:?}"
    );
    change
        .execute_unprepared(&format!(
            "UPDATE appointment_guest SET sequence = sequence + 1 WHERE id = '{guest}'"
        ))
        .await
        .unwrap();
    change.commit().await.unwrap();
    // Once per transaction and practice: the arrival, then the change.
    assert_eq!(version(&app).await, before + 2);
}

/// A statement that changes many rows (the note to all waiting patients) counts once on
/// PostgreSQL (one new version of the practice row, not one per row); SQLite counts each row.
#[tokio::test]
async fn many_rows_changed_at_once_count_once_on_postgresql() {
    use sea_orm::ConnectionTrait;
    let app = spawn_practice(EMAIL).await;
    let monday = next_monday(&app);
    for time in ["09:00", "10:00", "11:00"] {
        let booked = app
            .post_form(
                "/praxis/termine/neu",
                &booking(monday, time, "Erika Mustermann"),
            )
            .await;
        assert_eq!(booked.status(), 303);
    }
    let before = version(&app).await;
    let changed = app
        .conn()
        .execute_unprepared("UPDATE appointment SET doctor_note = 'Bitte warten Sie.'")
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 3);
    let after = version(&app).await;
    match crate::helpers::engine() {
        crate::helpers::Engine::Postgres => assert_eq!(after, before + 1),
        crate::helpers::Engine::Sqlite => assert_eq!(after, before + 3),
    }
}

/// A member paging through hundreds of weeks (a script, or a curious person) keeps at most its
/// practice's share of the kept weeks: the other practice's week stays kept.
#[tokio::test]
async fn one_practice_paging_through_1000_weeks_leaves_the_other_practices_week_kept() {
    let app = spawn_practice(EMAIL).await;
    let monday = next_monday(&app);
    let b = app.practice_b("b@praxis.de").await;
    let page_of_b = |monday: NaiveDate| {
        b.get(format!("{}/praxis/termine?datum={monday}", app.address))
            .send()
    };
    assert_eq!(page_of_b(monday).await.unwrap().status(), 200);
    let practices = practice::Entity::find().all(app.conn()).await.unwrap();
    let id_of = |name_is_b: bool| {
        practices
            .iter()
            .find(|p| (p.name == "Praxis B") == name_is_b)
            .expect("both practices")
            .id
    };
    let (a, b_id) = (id_of(false), id_of(true));
    let kept_of_b = app.state.kept_weeks.weight_of(&b_id);
    assert!(kept_of_b > 0, "practice B's week is kept");
    for week in 1..=1000 {
        let html = app
            .html(&format!(
                "/praxis/termine?datum={}",
                monday + ChronoDuration::weeks(week)
            ))
            .await;
        assert!(html.contains("Termine"), "week {week}");
        assert!(
            app.state.kept_weeks.weight_of(&a) <= app::kept::WEEK_SHARE,
            "week {week}: practice A keeps {} bytes",
            app.state.kept_weeks.weight_of(&a)
        );
    }
    assert!(app.state.kept_weeks.weight_of(&a) > app::kept::WEEK_SHARE / 2);
    assert_eq!(
        app.state.kept_weeks.weight_of(&b_id),
        kept_of_b,
        "B's week stays"
    );
    assert_eq!(page_of_b(monday).await.unwrap().status(), 200);
}
