//! Every date parameter of every route, fed with what a stranger might type (signed years,
//! six-digit years, impossible days, any text): the server answers each with a page, a German
//! field message or a German 400 — never a 500, an empty reply or a backtrace — and keeps
//! running. `?datum=+262142-12-31` used to panic in the week view.

use crate::helpers::{location, spawn_practice, TestApp};
use app::clock::Clock;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use sea_orm::EntityTrait;

const INVALID_DATE: &str = "Dieses Datum können wir nicht anzeigen";

/// Date-like and not-at-all date-like text.
fn date_inputs() -> impl Strategy<Value = String> {
    prop_oneof![
        (any::<i32>(), 0u32..40, 0u32..40).prop_map(|(y, m, d)| format!("{y:+}-{m:02}-{d:02}")),
        (-300_000i32..300_000, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (1990i32..2110, 1u32..13, 1u32..32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        "[-+0-9T:. a-z]{0,24}",
        any::<String>(),
    ]
}

/// The fixed cases first (the reported one among them), then 60 generated ones.
fn samples() -> Vec<String> {
    let mut inputs: Vec<String> = [
        "+262142-12-31",
        "-262143-01-01",
        "9999-12-31",
        "0000-01-01",
        "1999-12-31",
        "2000-01-01",
        "2099-12-31",
        "2100-01-01",
        "2027-02-29",
        "2028-02-29",
        "",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut runner = TestRunner::new(Config::default());
    let strategy = date_inputs();
    for _ in 0..60 {
        inputs.push(strategy.new_tree(&mut runner).expect("a value").current());
    }
    inputs
}

fn supported(input: &str) -> bool {
    app::time::parse_iso_date(input).is_some()
}

async fn get_query(app: &TestApp, path: &str, query: &[(&str, &str)]) -> (u16, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .query(query)
        .send()
        .await
        .expect("an answer, not a dropped connection");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn no_internals(input: &str, route: &str, status: u16, body: &str) {
    assert!(
        status < 500,
        "{route} {input:?}: status {status}: {body:.300}"
    );
    for leak in ["panicked", "RUST_BACKTRACE", "DbErr", "sqlx", "thread '"] {
        assert!(!body.contains(leak), "{route} {input:?} leaks {leak:?}");
    }
}

#[tokio::test]
async fn no_date_input_on_any_route_breaks_the_server() {
    let app = spawn_practice("datum@praxis.de").await;
    // One appointment, for the paper consent's date.
    let tomorrow = app::time::berlin_date(app.clock.now() + chrono::Duration::days(1));
    let booked = app
        .post_form(
            "/praxis/termine/neu",
            &[
                ("action", "create".into()),
                ("patient_name", "Erika Mustermann".into()),
                ("patient_email", "erika@example.org".into()),
                ("date", tomorrow.to_string()),
                ("time", "10:00".into()),
                ("duration", "30".into()),
                ("note", String::new()),
                ("doctor_id", String::new()),
            ],
        )
        .await;
    assert_eq!(booked.status(), 303, "the appointment is booked");
    let id = app::entities::appointment::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .expect("the appointment")
        .id;

    let inputs = samples();
    for input in &inputs {
        let ok = supported(input) || input.trim().is_empty();
        // The week, the day and the week's API: a page for a supported date, else a German 400.
        for (route, query) in [
            ("/praxis/termine", vec![("datum", input.as_str())]),
            (
                "/praxis/termine",
                vec![("ansicht", "tag"), ("datum", input.as_str())],
            ),
            ("/api/praxis/termine/woche", vec![("date", input.as_str())]),
        ] {
            let (status, body) = get_query(&app, route, &query).await;
            no_internals(input, route, status, &body);
            if ok {
                assert_eq!(status, 200, "{route} {input:?}: {body:.300}");
            } else {
                assert_eq!(status, 400, "{route} {input:?}");
                if route.starts_with("/api/") {
                    // The server function answers with the typed error the page turns into
                    // the German message.
                    assert_eq!(body, r#""InvalidDate""#, "{route} {input:?}");
                } else {
                    assert!(
                        body.contains(INVALID_DATE),
                        "{route} {input:?}: {body:.300}"
                    );
                }
            }
        }
        // The new-appointment form only pre-fills the field.
        let (status, body) = get_query(&app, "/praxis/termine/neu", &[("datum", input)]).await;
        no_internals(input, "/praxis/termine/neu", status, &body);
        assert_eq!(status, 200, "new appointment form {input:?}");

        // The KV application's start date.
        let (status, body) =
            get_query(&app, "/praxis/kv-antrag/antrag.pdf", &[("beginn", input)]).await;
        no_internals(input, "kv-antrag", status, &body);
        if supported(input) || input.trim().is_empty() {
            assert_eq!(status, 200, "KV form {input:?}");
        } else {
            assert_eq!(status, 400, "KV form {input:?}");
            assert!(body.contains("Datum für den Beginn"), "{body:.300}");
        }

        // A booking, a blocked day and a paper consent: a field message, never a 500.
        let booking = app
            .post_form(
                "/praxis/termine/neu",
                &[
                    ("action", "create".into()),
                    ("patient_name", "Max Muster".into()),
                    ("patient_email", "max@example.org".into()),
                    ("date", input.clone()),
                    ("time", "23:40".into()),
                    ("duration", "5".into()),
                    ("note", String::new()),
                    ("doctor_id", String::new()),
                ],
            )
            .await;
        let status = booking.status().as_u16();
        let body = booking.text().await.unwrap_or_default();
        no_internals(input, "booking", status, &body);
        if !supported(input) {
            assert_eq!(status, 422, "booking {input:?}");
            assert!(
                body.contains("Bitte geben Sie ein Datum ein"),
                "{body:.300}"
            );
        }
        let blocked = app
            .post_form(
                "/praxis/termine/einstellungen",
                &[("action", "block".into()), ("first_day", input.clone())],
            )
            .await;
        let status = blocked.status().as_u16();
        let body = blocked.text().await.unwrap_or_default();
        no_internals(input, "blocked day", status, &body);
        if !supported(input) {
            assert_eq!(status, 422, "blocked day {input:?}");
        }
        let paper = app
            .post_form(
                &format!("/praxis/termin/{id}/einwilligung"),
                &[("received_on", input.clone())],
            )
            .await;
        no_internals(input, "paper consent", paper.status().as_u16(), "");
        if !supported(input) {
            assert_eq!(
                location(&paper),
                format!("/praxis/termin/{id}?einwilligung-datum"),
                "paper consent {input:?}"
            );
        }
    }
    // Still serving.
    assert_eq!(app.get("/health/ready").await.status(), 200);
}
