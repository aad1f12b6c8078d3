//! The migrations are history and keep their numbers; the code takes every text limit from
//! `app::fields::limits` (and the few a domain owns). Here each column is held against the
//! constant its form and its check use, on the real database of this run (SQLite or
//! PostgreSQL), so a limit changed in one place only fails.

use crate::helpers::{engine, query_one_string, spawn_app, Engine};
use app::fields::limits;

#[tokio::test]
async fn every_text_column_is_as_long_as_the_limit_of_its_field() {
    let app = spawn_app().await;
    let columns: &[(&str, &str, usize)] = &[
        ("practice_user", "title", limits::TITLE),
        ("practice_user", "first_name", limits::PERSON_NAME),
        ("practice_user", "last_name", limits::PERSON_NAME),
        ("practice_user", "specialty", limits::SPECIALTY),
        ("practice_user", "email", limits::EMAIL),
        ("practice", "name", limits::PRACTICE_NAME),
        ("practice", "street", limits::STREET),
        ("practice", "postcode", limits::POSTCODE),
        ("practice", "city", limits::CITY),
        ("practice", "phone", limits::PHONE),
        ("practice", "billing_name", limits::PRACTICE_NAME),
        ("practice", "billing_street", limits::STREET),
        ("practice", "billing_postcode", limits::POSTCODE),
        ("practice", "billing_city", limits::CITY),
        ("practice", "account_holder", limits::PRACTICE_NAME),
        ("practice", "iban", limits::IBAN_STORED),
        ("practice", "consent_paragraph", limits::CONSENT_PARAGRAPH),
        (
            "practice",
            "short_name",
            app::public_page::short_name::MAX_LEN,
        ),
        ("appointment", "patient_name", limits::PATIENT_NAME),
        ("appointment", "patient_email", limits::EMAIL),
        ("appointment", "note", limits::APPOINTMENT_NOTE),
        ("appointment", "entered_name", limits::PATIENT_NAME),
        (
            "appointment",
            "doctor_note",
            app::signalling::types::NOTE_MAX_CHARS,
        ),
        ("blocked_period", "reason", limits::BLOCKED_REASON),
        ("consent", "patient_name", limits::PATIENT_NAME),
        ("consent", "patient_email", limits::EMAIL),
        ("email_outbox", "recipient", limits::EMAIL),
    ];
    for &(table, column, limit) in columns {
        let declared = match engine() {
            Engine::Sqlite => {
                let kind = query_one_string(
                    app.conn(),
                    &format!(
                        "SELECT type FROM pragma_table_info('{table}') WHERE name = '{column}'"
                    ),
                )
                .await
                .to_ascii_lowercase();
                kind.strip_prefix("varchar(")
                    .and_then(|n| n.strip_suffix(')'))
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or_else(|| panic!("{table}.{column} is {kind}"))
            }
            Engine::Postgres => query_one_string(
                app.conn(),
                &format!(
                    "SELECT character_maximum_length FROM information_schema.columns \
                     WHERE table_name = '{table}' AND column_name = '{column}'"
                ),
            )
            .await
            .parse()
            .expect("a length"),
        };
        assert_eq!(declared, limit, "{table}.{column}");
    }
}
