//! The hourly clean-up against the real database: what has expired goes, what counts stays.

use crate::helpers::{query_one_string, spawn_app, PASSWORD};
use app::clock::Clock;

async fn count(app: &crate::helpers::TestApp, table: &str) -> i64 {
    query_one_string(
        app.conn(),
        &format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"),
    )
    .await
    .parse()
    .expect("count")
}

#[tokio::test]
async fn expired_links_and_stale_login_counters_are_deleted_fresh_ones_kept() {
    let app = spawn_app().await;
    app.register_verified("vera@example.de").await;
    for _ in 0..2 {
        app.log_in("vera@example.de", "falsch falsch falsch").await;
    }
    app.post_form(
        "/passwort-vergessen",
        &[("email", "vera@example.de".into())],
    )
    .await;
    assert_eq!(
        count(&app, "account_token").await,
        2,
        "used verification + reset link"
    );
    assert_eq!(
        count(&app, "login_throttle").await,
        5,
        "account, address, reset-mail counter, registrations per address and per target"
    );

    let now = app::maintenance::purge(app.conn(), app.clock.now())
        .await
        .unwrap();
    assert_eq!(
        now.account_tokens, 1,
        "the used verification link goes at once"
    );
    assert_eq!(now.login_counters, 0, "counters still count");
    assert_eq!(
        count(&app, "account_token").await,
        1,
        "the open reset link stays"
    );

    app.clock.advance(chrono::Duration::hours(2));
    let later = app::maintenance::purge(app.conn(), app.clock.now())
        .await
        .unwrap();
    assert_eq!(
        later.account_tokens, 1,
        "the reset link expired after one hour"
    );
    assert_eq!(later.login_counters, 5);
    assert_eq!(count(&app, "login_throttle").await, 0);
    assert_eq!(
        crate::helpers::location(&app.log_in("vera@example.de", PASSWORD).await),
        "/praxis",
        "the account itself is untouched"
    );
}

/// Every table with personal data has its rule in `policy::RETENTION` and the clean-up keeps
/// it: the audit log and consents (names) go three months after the fact once the patient has
/// no appointment left, blocked days three months after their last day, a registration whose
/// address was never confirmed and an invitation nobody accepted after a week. What is still
/// needed stays.
#[tokio::test]
async fn audit_log_consents_blocked_days_unverified_registrations_and_invitations_expire() {
    use app::entities::{appointment, practice_user};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app().await;
    let (_, _) = crate::patient_entry::booked(&app, "ret@praxis.de").await;
    let appointment_id = appointment::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = app::time::berlin_date(app.clock.now());
    let paper = app
        .post_form(
            &format!("/praxis/termin/{appointment_id}/einwilligung"),
            &[("received_on", today.to_string())],
        )
        .await;
    assert_eq!(
        crate::helpers::location(&paper),
        format!("/praxis/termin/{appointment_id}?einwilligung-erhalten")
    );
    let blocked = app
        .post_form(
            "/praxis/termine/einstellungen",
            &[
                ("action", "block".to_owned()),
                (
                    "first_day",
                    (today + chrono::Duration::days(10)).to_string(),
                ),
                ("reason", "Krankheit Dr. Beispiel".into()),
            ],
        )
        .await;
    assert_eq!(
        crate::helpers::location(&blocked),
        "/praxis/termine/einstellungen?gespeichert"
    );
    crate::team::invite(&app, "eingeladen@praxis.de", "team").await;
    let stranger = app.new_browser();
    let mut form = crate::helpers::registration("unbestaetigt@example.org");
    form[4].1 = "Praxis Unbestätigt".into();
    let response = stranger
        .post(format!("{}/registrieren", app.address))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let user = |email: &'static str| {
        practice_user::Entity::find().filter(practice_user::Column::EmailNormalized.eq(email))
    };
    assert!(user("unbestaetigt@example.org")
        .one(app.conn())
        .await
        .unwrap()
        .is_some());
    let tables = [
        "audit_entry",
        "consent",
        "blocked_period",
        "practice",
        "practice_user",
    ];
    async fn counts(
        app: &crate::helpers::TestApp,
        tables: [&'static str; 5],
    ) -> Vec<(&'static str, i64)> {
        let mut counts = Vec::new();
        for table in tables {
            counts.push((table, count(app, table).await));
        }
        counts
    }
    let start = counts(&app, tables).await;
    assert_eq!(
        start,
        [
            ("audit_entry", 1),
            ("consent", 1),
            ("blocked_period", 1),
            ("practice", 2),
            ("practice_user", 3)
        ]
    );

    // Today nothing of it is due.
    app::maintenance::run_once(&app.state).await;
    assert_eq!(counts(&app, tables).await, start);

    // After a week: the unconfirmed registration and the unaccepted invitation are gone.
    app.clock.advance(chrono::Duration::days(8));
    let purged = app::maintenance::purge(app.conn(), app.clock.now())
        .await
        .unwrap();
    assert_eq!(purged.unverified_registrations, 1);
    assert_eq!(purged.unaccepted_invitations, 1);
    assert!(user("unbestaetigt@example.org")
        .one(app.conn())
        .await
        .unwrap()
        .is_none());
    assert!(user("eingeladen@praxis.de")
        .one(app.conn())
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        counts(&app, tables).await,
        [
            ("audit_entry", 1),
            ("consent", 1),
            ("blocked_period", 1),
            ("practice", 1),
            ("practice_user", 1)
        ],
        "the audit log, the consent (the appointment is still ahead) and the blocked day stay"
    );

    // Three months after the appointment: it, its consent, the audit log and the blocked day
    // are gone; the practice and its owner stay.
    app.clock
        .advance(chrono::Duration::days(8) + chrono::Duration::days(93));
    let purged = app::maintenance::purge(app.conn(), app.clock.now())
        .await
        .unwrap();
    assert_eq!(purged.appointments, 1);
    assert_eq!(purged.audit_entries, 1);
    assert_eq!(purged.consents, 1);
    assert_eq!(purged.blocked_periods, 1);
    assert_eq!(
        counts(&app, tables).await,
        [
            ("audit_entry", 0),
            ("consent", 0),
            ("blocked_period", 0),
            ("practice", 1),
            ("practice_user", 1)
        ]
    );
    assert_eq!(
        crate::helpers::location(&app.log_in("ret@praxis.de", PASSWORD).await),
        "/praxis"
    );
}
