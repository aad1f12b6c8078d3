//! The contract: cancellation with the owner's password, revocation, reminders, and the
//! deletion of every row of the practice when the notice period has ended.

use crate::helpers::{eventually, location, spawn_app, spawn_practice, TestApp, PASSWORD};
use app::clock::Clock;
use app::contract::notice::termination;
use app::entities::{
    account_token, appointment, audit_entry, blocked_period, consent, consent_document,
    email_outbox, opening_hours, practice, practice_key, practice_user, recovery_code,
    retired_short_name,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};
use std::time::Duration;
use uuid::Uuid;

async fn practice_id(app: &TestApp, name: &str) -> Uuid {
    practice::Entity::find()
        .filter(practice::Column::Name.eq(name))
        .one(app.conn())
        .await
        .unwrap()
        .expect("practice")
        .id
}

/// Books an appointment in a week for the logged-in practice of `client`.
async fn book(app: &TestApp, client: &reqwest::Client) {
    let date = app::time::berlin_date(app.clock.now() + chrono::Duration::days(7));
    let response = client
        .post(format!("{}/praxis/termine/neu", app.address))
        .form(&[
            ("action", "create".to_owned()),
            ("patient_name", "Erika Mustermann".into()),
            ("patient_email", "erika@example.org".into()),
            ("date", date.to_string()),
            ("time", "10:00".into()),
            ("duration", "50".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

/// Rows that belong to practice `id`, table by table (sessions: those naming the practice).
async fn rows_of(app: &TestApp, id: Uuid) -> Vec<(&'static str, u64)> {
    let db = app.conn();
    let users: Vec<Uuid> = practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    macro_rules! count {
        ($entity:ident, $column:ident, $value:expr) => {
            $entity::Entity::find()
                .filter($entity::Column::$column.eq($value))
                .count(db)
                .await
                .unwrap()
        };
    }
    let backend = db.get_database_backend();
    let sessions_sql = match backend {
        sea_orm::DatabaseBackend::Sqlite => {
            "SELECT COUNT(*) AS n FROM tower_sessions WHERE instr(data, ?) > 0"
        }
        _ => {
            "SELECT COUNT(*) AS n FROM tower_sessions.session WHERE position($1::bytea in data) > 0"
        }
    };
    let sessions: i64 = db
        .query_one(Statement::from_sql_and_values(
            backend,
            sessions_sql,
            [id.to_string().into_bytes().into()],
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap();
    vec![
        (
            "practice",
            practice::Entity::find_by_id(id).count(db).await.unwrap(),
        ),
        ("practice_user", count!(practice_user, PracticeId, id)),
        ("appointment", count!(appointment, PracticeId, id)),
        ("opening_hours", count!(opening_hours, PracticeId, id)),
        ("blocked_period", count!(blocked_period, PracticeId, id)),
        ("consent", count!(consent, PracticeId, id)),
        ("consent_document", count!(consent_document, PracticeId, id)),
        ("practice_key", count!(practice_key, PracticeId, id)),
        ("audit_entry", count!(audit_entry, PracticeId, id)),
        ("email_outbox", count!(email_outbox, PracticeId, id)),
        (
            "account_token",
            account_token::Entity::find()
                .filter(account_token::Column::UserId.is_in(users.clone()))
                .count(db)
                .await
                .unwrap(),
        ),
        (
            "recovery_code",
            recovery_code::Entity::find()
                .filter(recovery_code::Column::UserId.is_in(users))
                .count(db)
                .await
                .unwrap(),
        ),
        ("sessions", sessions as u64),
    ]
}

fn total(rows: &[(&str, u64)]) -> u64 {
    rows.iter().map(|(_, n)| n).sum()
}

/// Waits for a mail to `to` whose subject contains `subject` and whose text contains `text`.
async fn mail_to(app: &TestApp, to: &str, subject: &str, text: &str) -> crate::smtp::ReceivedEmail {
    eventually(format!("a mail '{subject}' to {to}"), || async move {
        app.inbox.messages().into_iter().rev().find(|m| {
            m.to == vec![to.to_owned()] && m.subject.contains(subject) && m.text.contains(text)
        })
    })
    .await
}

#[tokio::test]
async fn cancel_revoke_cancel_remind_and_delete_every_row_of_the_practice_only() {
    let app = spawn_app().await;
    // A practice cancels on 23.11.2026 (Berlin): the contract ends on 31.03.2027.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00")
            .unwrap()
            .into(),
    );
    app.register_verified("praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    book(&app, &app.client).await;
    let b = app.practice_b("b@example.org").await;
    book(&app, &b).await;
    let a_id = practice_id(&app, "Praxis am Markt").await;
    let b_id = practice_id(&app, "Praxis B").await;

    // The dialog states the exact date; a wrong password changes nothing.
    let dialog = app.html("/praxis/vertrag/kuendigen").await;
    assert!(
        dialog.contains("31.03.2027") && dialog.contains("KÜNDIGUNG BESTÄTIGEN"),
        "{dialog}"
    );
    let wrong = app
        .post_form(
            "/praxis/vertrag/kuendigen",
            &[("password", "falsch".into())],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("Das Passwort stimmt nicht"));
    assert!(app
        .html("/praxis/vertrag")
        .await
        .contains("Vertrag kündigen und Daten löschen"));

    let cancelled = app
        .post_form(
            "/praxis/vertrag/kuendigen",
            &[("password", PASSWORD.into())],
        )
        .await;
    assert_eq!(location(&cancelled), "/praxis/vertrag?gekuendigt");
    let mail = mail_to(&app, "praxis@example.org", "Kündigung bestätigt", "").await;
    assert!(mail.text.contains("31.03.2027"), "{}", mail.text);
    let page = app.html("/praxis/vertrag").await;
    assert!(page.contains("Kündigung widerrufen") && page.contains("31.03.2027"));
    // Every page of the practice area reminds of the date.
    assert!(app
        .html("/praxis/termine")
        .await
        .contains("Mit Ablauf des 31.03.2027"));

    // Revoked: the contract runs on.
    let revoked = app
        .post_form("/praxis/vertrag/widerrufen", &[("confirm", "1".into())])
        .await;
    assert_eq!(location(&revoked), "/praxis/vertrag?widerrufen");
    mail_to(&app, "praxis@example.org", "Kündigung widerrufen", "").await;
    let page = app.html("/praxis/vertrag").await;
    assert!(page.contains("Vertrag kündigen und Daten löschen") && !page.contains("31.03.2027"));

    // Cancelled again in January: a new notice period, to 30.06.2027.
    app.clock.advance(chrono::Duration::days(45));
    app.log_in("praxis@example.org", PASSWORD).await;
    let again = app
        .post_form(
            "/praxis/vertrag/kuendigen",
            &[("password", PASSWORD.into())],
        )
        .await;
    assert_eq!(location(&again), "/praxis/vertrag?gekuendigt");
    let mail = mail_to(
        &app,
        "praxis@example.org",
        "Kündigung bestätigt",
        "30.06.2027",
    )
    .await;
    assert!(mail.text.contains("30.06.2027"), "{}", mail.text);
    let end = termination(app.clock.now());
    assert_eq!(end.last_day.to_string(), "2027-06-30");

    // Reminders one month and one week before, once each.
    app.clock.set(end.deletion_at - chrono::Duration::days(29));
    app::maintenance::run_once(&app.state).await;
    app::maintenance::run_once(&app.state).await;
    mail_to(&app, "praxis@example.org", "Erinnerung", "").await;
    app.clock.set(end.deletion_at - chrono::Duration::days(6));
    app::maintenance::run_once(&app.state).await;
    mail_to(&app, "praxis@example.org", "In einer Woche", "").await;
    let reminders = app
        .inbox
        .messages()
        .iter()
        .filter(|m| m.subject.contains("Erinnerung") || m.subject.contains("In einer Woche"))
        .count();
    assert_eq!(reminders, 2);

    // Before the end nothing is deleted; after it, everything of A and nothing of B. A logs
    // in just before, so its session is among the rows.
    app.clock
        .set(end.deletion_at - chrono::Duration::minutes(1));
    app.log_in("praxis@example.org", PASSWORD).await;
    // (The November appointments are gone by now: metadata is kept three months at most.)
    book(&app, &app.client).await;
    app::maintenance::run_once(&app.state).await;
    assert_eq!(app.get("/praxis").await.status(), 200);
    let rows = rows_of(&app, a_id).await;
    for table in [
        "practice",
        "practice_user",
        "appointment",
        "email_outbox",
        "sessions",
    ] {
        assert!(
            rows.iter().any(|(t, n)| *t == table && *n > 0),
            "{table}: {rows:?}"
        );
    }
    let b_before = rows_of(&app, b_id).await;
    app.clock
        .set(end.deletion_at + chrono::Duration::minutes(1));
    app::maintenance::run_once(&app.state).await;
    for (table, n) in rows_of(&app, a_id).await {
        assert_eq!(n, 0, "{table} still holds rows of the deleted practice");
    }
    assert_eq!(rows_of(&app, b_id).await, b_before);
    let mail = mail_to(&app, "praxis@example.org", "sind gelöscht", "").await;
    assert!(mail.text.contains("30.06.2027"));

    // The old session is gone, and logging in fails as for an unknown address.
    assert_eq!(location(&app.get("/praxis").await), "/anmelden");
    let deleted = app.log_in("praxis@example.org", PASSWORD).await;
    let unknown = app.log_in("niemand@example.org", PASSWORD).await;
    assert_eq!(deleted.status(), unknown.status());
    let (deleted, unknown) = (deleted.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(
        deleted.contains("E-Mail-Adresse oder Passwort stimmen nicht"),
        "{deleted}"
    );
    // The same page apart from the address typed (and the per-response nonce).
    let main = |page: &str, email: &str| {
        crate::html::Page::parse(page)
            .one("main")
            .html()
            .replace(email, "X")
    };
    assert_eq!(
        main(&deleted, "praxis@example.org"),
        main(&unknown, "niemand@example.org")
    );

    // Running again is harmless; B still works.
    app::maintenance::run_once(&app.state).await;
    assert_eq!(rows_of(&app, b_id).await, b_before);
    // B (whose session expired with the months the clock jumped) logs in as before.
    let b_again = app.browser_logged_in("b@example.org").await;
    assert_eq!(app.get_as(&b_again, "/praxis/vertrag").await.status(), 200);
}

#[tokio::test]
async fn only_the_owner_cancels_and_a_broken_off_deletion_is_completed_by_the_next_run() {
    let app = spawn_practice("praxis@example.org").await;
    book(&app, &app.client).await;
    let a_id = practice_id(&app, "Praxis am Markt").await;

    // A doctor of the practice may not cancel or revoke.
    let doctor = app
        .invite_and_log_in("ben@example.org", "doctor", "Ein langes Passwort für Ben")
        .await;
    for path in ["/praxis/vertrag/kuendigen", "/praxis/vertrag/widerrufen"] {
        let response = doctor
            .post(format!("{}{path}", app.address))
            .form(&[("password", "Ein langes Passwort für Ben")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
    assert_eq!(
        practice::Entity::find_by_id(a_id)
            .one(app.conn())
            .await
            .unwrap()
            .unwrap()
            .cancelled_at,
        None
    );

    // The owner cancels. At the end the deletion fails midway, after most tables (a trigger
    // refuses to delete the practice's people, as a crash would stop it there): nothing at all
    // may be gone. The next run, without the trigger, completes it.
    let cancelled = app
        .post_form(
            "/praxis/vertrag/kuendigen",
            &[("password", PASSWORD.into())],
        )
        .await;
    assert_eq!(location(&cancelled), "/praxis/vertrag?gekuendigt");
    // The owner's week page read the calendar, kept for the next page.
    let week = app.get("/praxis/termine").await;
    assert_eq!(week.status(), 200);
    assert!(app.state.kept_weeks.weight_of(&a_id) > 0);
    let end = termination(app.clock.now());
    app.clock
        .set(end.deletion_at + chrono::Duration::seconds(1));
    let before = rows_of(&app, a_id).await;
    let db = app.conn();
    let backend = db.get_database_backend();
    let (create, drop): (&[&str], &[&str]) = match backend {
        sea_orm::DatabaseBackend::Sqlite => (
            &[
                "CREATE TRIGGER crash_midway BEFORE DELETE ON practice_user \
               BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
            ],
            &["DROP TRIGGER crash_midway"],
        ),
        _ => (
            &[
                "CREATE FUNCTION crash_midway() RETURNS trigger AS $$ \
                 BEGIN RAISE EXCEPTION 'simulated crash'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER crash_midway BEFORE DELETE ON practice_user \
                 FOR EACH ROW EXECUTE FUNCTION crash_midway()",
            ],
            &[
                "DROP TRIGGER crash_midway ON practice_user",
                "DROP FUNCTION crash_midway()",
            ],
        ),
    };
    for sql in create {
        db.execute_unprepared(sql).await.unwrap();
    }
    let failed = app::contract::jobs::delete_due(&app.state).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(rows_of(&app, a_id).await, before, "all or nothing");
    for sql in drop {
        db.execute_unprepared(sql).await.unwrap();
    }
    let done = app::contract::jobs::delete_due(&app.state).await.unwrap();
    assert_eq!(done.practices, 1);
    let after = rows_of(&app, a_id).await;
    assert_eq!(total(&after), 0, "{after:?}");
    assert_eq!(
        (
            app.state.kept_weeks.weight_of(&a_id),
            app.state.kept_today.weight_of(&a_id)
        ),
        (0, 0),
        "nothing of the practice kept in memory"
    );
    let again = app::contract::jobs::delete_due(&app.state).await.unwrap();
    assert_eq!(again.practices, 0);
}

/// The deletion job in the real server binary, killed (SIGKILL) while it is inside the
/// deletion: a trigger holds it at the practice's people, after every other table of the
/// practice has been deleted in the transaction. Nothing may be gone after the kill, and the
/// next start of the binary completes the deletion.
#[tokio::test]
async fn a_deletion_killed_midway_is_rolled_back_and_completed_by_the_next_start() {
    let app = spawn_practice("praxis@example.org").await;
    book(&app, &app.client).await;
    let b = app.practice_b("b@example.org").await;
    book(&app, &b).await;
    let a_id = practice_id(&app, "Praxis am Markt").await;
    let b_id = practice_id(&app, "Praxis B").await;
    fill_calendar_and_consent(&app, a_id).await;
    let cancelled = app
        .post_form(
            "/praxis/vertrag/kuendigen",
            &[("password", PASSWORD.into())],
        )
        .await;
    assert_eq!(location(&cancelled), "/praxis/vertrag?gekuendigt");
    mail_to(&app, "praxis@example.org", "Kündigung bestätigt", "").await;
    // The child runs on the system clock: the notice period ends a second ago. Every queued
    // e-mail is delivered first, so the child has nothing else to do.
    let db = app.conn();
    let mut ended: practice::ActiveModel = practice::Entity::find_by_id(a_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into();
    ended.deletion_at = sea_orm::Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    sea_orm::ActiveModelTrait::update(ended, db).await.unwrap();
    wait_until_outbox_is_sent(&app).await;
    // The child's routine clean-up runs before the deletion and commits on its own (used
    // e-mail links go): done here first, so that what follows counts only the deletion.
    app::maintenance::purge(db, chrono::Utc::now())
        .await
        .unwrap();
    let before = rows_of(&app, a_id).await;
    let b_before = rows_of(&app, b_id).await;
    // (Keys, sealed documents and recovery codes need the browser, the used e-mail link is
    // purged; the first test has them all.)
    for (table, n) in &before {
        assert!(
            *n > 0
                || [
                    "practice_key",
                    "consent_document",
                    "recovery_code",
                    "account_token"
                ]
                .contains(table),
            "{table}: {before:?}"
        );
    }

    let backend = db.get_database_backend();
    let (create, drop): (&[&str], &[&str]) = match backend {
        // No sleep in SQLite: a join of 2,000³ rows keeps it busy for minutes.
        sea_orm::DatabaseBackend::Sqlite => (
            &[
                "CREATE TABLE hold (n INTEGER)",
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) \
                 INSERT INTO hold SELECT x FROM c",
                "CREATE TRIGGER hold BEFORE DELETE ON practice_user \
                 BEGIN SELECT count(*) FROM hold a, hold b, hold c; END",
            ],
            &["DROP TRIGGER hold", "DROP TABLE hold"],
        ),
        // New connections check every 100 ms that their client still lives, so the server
        // notices the kill during the sleep (not after ten minutes) and rolls back.
        _ => (
            &[
                "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET \
                 client_connection_check_interval = 100', current_database()); END $$",
                "CREATE FUNCTION hold() RETURNS trigger AS $$ \
                 BEGIN PERFORM pg_sleep(600); RETURN OLD; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER hold BEFORE DELETE ON practice_user \
                 FOR EACH ROW EXECUTE FUNCTION hold()",
            ],
            &["DROP TRIGGER hold ON practice_user", "DROP FUNCTION hold()"],
        ),
    };
    for sql in create {
        db.execute_unprepared(sql).await.unwrap();
    }

    let mut child = ServerProcess::start(&app);
    child
        .wait_for_log(|line| {
            line["fields"]["table"] == "sessions"
                && line["fields"]["practice_id"] == a_id.to_string()
        })
        .await;
    if backend == sea_orm::DatabaseBackend::Postgres {
        wait_for_sleeping_backends(&app, 1).await;
    }
    child.kill().await;
    if backend == sea_orm::DatabaseBackend::Postgres {
        wait_for_sleeping_backends(&app, 0).await;
    }
    assert_eq!(rows_of(&app, a_id).await, before, "nothing of A is gone");
    assert_eq!(rows_of(&app, b_id).await, b_before);

    for sql in drop {
        db.execute_unprepared(sql).await.unwrap();
    }
    let mut child = ServerProcess::start(&app);
    child
        .wait_for_log(|line| {
            line["fields"]["message"] == "practice deleted after the end of its contract"
        })
        .await;
    mail_to(&app, "praxis@example.org", "sind gelöscht", "").await;
    child.kill().await;
    let after = rows_of(&app, a_id).await;
    assert_eq!(total(&after), 0, "{after:?}");
    assert_eq!(rows_of(&app, b_id).await, b_before);
    // Only the short names stay, blocked for a year: the one given up before and the one the
    // practice had at its deletion (posters and QR codes point at it).
    let mut retired: Vec<String> = retired_short_name::Entity::find()
        .filter(retired_short_name::Column::PracticeId.eq(a_id))
        .all(app.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.short_name)
        .collect();
    retired.sort();
    assert_eq!(retired, ["praxis-alt", "praxis-am-markt"]);
    let again = app::contract::jobs::delete_due(&app.state).await.unwrap();
    assert_eq!(again, app::contract::jobs::Deleted::default());
}

/// Opening hours, a blocked day, a paper consent (with its audit entry) and a given-up short
/// name for practice `id`.
async fn fill_calendar_and_consent(app: &TestApp, id: Uuid) {
    for name in ["praxis-alt", "praxis-am-markt"] {
        let saved = app
            .post_form("/praxis/praxisseite", &[("short_name", name.to_owned())])
            .await;
        assert_eq!(location(&saved), "/praxis/praxisseite?gespeichert");
    }
    for form in [
        vec![
            ("action", "hours".to_owned()),
            ("day0", "08:00–12:00".into()),
        ],
        vec![
            ("action", "block".to_owned()),
            ("first_day", "2030-12-24".into()),
            ("reason", "Urlaub".into()),
        ],
    ] {
        let saved = app.post_form("/praxis/termine/einstellungen", &form).await;
        assert_eq!(
            location(&saved),
            "/praxis/termine/einstellungen?gespeichert"
        );
    }
    let appointment = appointment::Entity::find()
        .filter(appointment::Column::PracticeId.eq(id))
        .one(app.conn())
        .await
        .unwrap()
        .expect("appointment")
        .id;
    let today = app::time::berlin_date(app.clock.now());
    let saved = app
        .post_form(
            &format!("/praxis/termin/{appointment}/einwilligung"),
            &[("received_on", today.to_string())],
        )
        .await;
    assert_eq!(
        location(&saved),
        format!("/praxis/termin/{appointment}?einwilligung-erhalten")
    );
}

async fn wait_until_outbox_is_sent(app: &TestApp) {
    eventually("every queued e-mail sent", || async move {
        let unsent = email_outbox::Entity::find()
            .filter(email_outbox::Column::SentAt.is_null())
            .count(app.conn())
            .await
            .unwrap();
        (unsent == 0).then_some(())
    })
    .await
}

/// Waits until `n` PostgreSQL backends sleep in the trigger.
async fn wait_for_sleeping_backends(app: &TestApp, n: i64) {
    eventually(
        format!("{n} backends sleeping in the trigger"),
        || async move {
            let sleeping: i64 = app
                .conn()
                .query_one(Statement::from_string(
                    sea_orm::DatabaseBackend::Postgres,
                    "SELECT COUNT(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event = 'PgSleep'",
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get("", "n")
                .unwrap();
            (sleeping == n).then_some(())
        },
    )
    .await
}

/// The server binary as an operator runs it, on the test's database and SMTP server, with
/// JSON logs (the contract job's at debug level) to read from.
struct ServerProcess {
    child: tokio::process::Child,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
}

impl ServerProcess {
    fn start(app: &TestApp) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .current_dir(crate::helpers::workspace_root())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", app.database_url())
            .env("APP_ENVIRONMENT", "local")
            .env("APP_DEMO__ENABLED", "false")
            .env("APP_ICE__TURN_PORT", "0")
            .env("APP_EMAIL__TRANSPORT", "smtp")
            .env("APP_EMAIL__SMTP_HOST", "127.0.0.1")
            .env("APP_EMAIL__SMTP_PORT", app.inbox.port().to_string())
            .env("APP_EMAIL__SMTP_TLS", "none")
            .env("APP_LOG__JSON", "true")
            .env("RUST_LOG", "warn,app::contract::jobs=debug")
            .env_remove("APP_CONFIG_DIR")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start server binary");
        let stdout = child.stdout.take().expect("stdout");
        Self {
            child,
            lines: tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout)),
        }
    }

    /// Reads the log until a line matches (30 s at most).
    async fn wait_for_log(&mut self, matches: impl Fn(&serde_json::Value) -> bool) {
        let read = async {
            let mut seen = Vec::new();
            while let Some(line) = self.lines.next_line().await.unwrap() {
                let value: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                if matches(&value) {
                    return;
                }
                seen.push(line);
            }
            panic!("server exited; log:\n{}", seen.join("\n"));
        };
        tokio::time::timeout(Duration::from_secs(30), read)
            .await
            .expect("log line within 30 s");
    }

    /// SIGKILL: no clean-up, no rollback by the process itself.
    async fn kill(&mut self) {
        self.child.kill().await.expect("kill");
    }
}
