//! The stored strings, and the transitions run against a real (in-memory SQLite) table.

use super::*;
use crate::entities::appointment;
use chrono::{Duration, TimeZone};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, Schema,
};

#[test]
fn every_status_is_stored_as_before() {
    let table = [
        (AppointmentStatus::Scheduled, "scheduled"),
        (AppointmentStatus::Cancelled, "cancelled"),
    ];
    assert_eq!(
        <AppointmentStatus as sea_orm::Iterable>::iter().count(),
        table.len(),
        "every variant is in the table"
    );
    for (status, stored) in table {
        assert_eq!(status.to_value(), stored);
        assert_eq!(
            AppointmentStatus::try_from_value(&stored.to_owned()).unwrap(),
            status
        );
    }
    assert!(AppointmentStatus::try_from_value(&"booked".to_owned()).is_err());
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 8, 55, 0).unwrap()
}

async fn database() -> DatabaseConnection {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    // The table names its doctor; the rows here have none.
    db.execute_unprepared("PRAGMA foreign_keys = OFF")
        .await
        .unwrap();
    let schema = Schema::new(db.get_database_backend());
    db.execute(
        db.get_database_backend()
            .build(&schema.create_table_from_entity(appointment::Entity)),
    )
    .await
    .unwrap();
    db
}

async fn booked(db: &DatabaseConnection) -> appointment::Model {
    let starts_at = now() + Duration::minutes(5);
    book(
        Booking {
            practice_id: Uuid::nil(),
            doctor_id: Uuid::nil(),
            patient_name: "Erika Mustermann".into(),
            patient_email: "erika@example.org".into(),
            starts_at,
            ends_at: starts_at + Duration::minutes(50),
            duration_minutes: 50,
            note: None,
            code_hash: "hash".into(),
            code_hash_version: 1,
        },
        now(),
    )
    .insert(db)
    .await
    .unwrap()
}

async fn reload(db: &DatabaseConnection, row: &appointment::Model) -> appointment::Model {
    appointment::Entity::find_by_id(row.id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_booked_appointment_is_open_and_changeable() {
    let db = database().await;
    let row = booked(&db).await;
    assert_eq!(row.status, AppointmentStatus::Scheduled);
    assert!(is_changeable(&row));
    assert!(!is_cancelled(&row));
    assert!(is_open_for_entry(&row));
    assert!(!is_in_call(&row));
    let stored: Option<String> = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT status FROM appointment",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "status")
        .unwrap();
    assert_eq!(stored.as_deref(), Some("scheduled"));
}

#[tokio::test]
async fn cancelling_works_once_and_closes_the_room() {
    let db = database().await;
    let row = booked(&db).await;
    assert!(cancel(1, now()).apply(&db, row.id).await.unwrap());
    assert!(
        !cancel(2, now()).apply(&db, row.id).await.unwrap(),
        "the second click changes nothing"
    );
    let row = reload(&db, &row).await;
    assert_eq!(row.status, AppointmentStatus::Cancelled);
    assert_eq!(row.sequence, 1);
    assert!(is_cancelled(&row));
    assert!(!is_changeable(&row));
    assert!(!is_open_for_entry(&row));
    let scheduled_left = appointment::Entity::find()
        .filter(scheduled())
        .all(&db)
        .await
        .unwrap();
    assert!(scheduled_left.is_empty());
    let not_cancelled_left = appointment::Entity::find()
        .filter(not_cancelled())
        .all(&db)
        .await
        .unwrap();
    assert!(not_cancelled_left.is_empty());
}

#[tokio::test]
async fn waiting_in_call_back_and_finished() {
    let db = database().await;
    let row = booked(&db).await;
    let t = |minutes| now() + Duration::minutes(minutes);
    assert!(
        !admit(t(0)).apply(&db, row.id).await.unwrap(),
        "nobody to let in before the arrival"
    );
    assert!(arrive(t(1), None).apply(&db, row.id).await.unwrap());
    assert!(
        !arrive(t(2), None).apply(&db, row.id).await.unwrap(),
        "a reload keeps the first arrival"
    );
    assert_eq!(reload(&db, &row).await.arrived_at, Some(t(1)));

    assert!(admit(t(3)).apply(&db, row.id).await.unwrap());
    assert!(
        !admit(t(3)).apply(&db, row.id).await.unwrap(),
        "two doctors admitting at once: one wins"
    );
    let in_call = reload(&db, &row).await;
    assert!(is_in_call(&in_call));
    assert_eq!(in_call.call_started_at, Some(t(3)));

    assert!(back_to_waiting().apply(&db, row.id).await.unwrap());
    assert!(!back_to_waiting().apply(&db, row.id).await.unwrap());
    assert!(!is_in_call(&reload(&db, &row).await));
    assert!(admit(t(4)).apply(&db, row.id).await.unwrap());
    assert_eq!(
        reload(&db, &row).await.call_started_at,
        Some(t(3)),
        "the call's start is the first admission"
    );

    assert!(note("Einen Moment bitte".into())
        .apply(&db, row.id)
        .await
        .unwrap());
    assert!(finish(t(30)).apply(&db, row.id).await.unwrap());
    assert!(
        !finish(t(31)).apply(&db, row.id).await.unwrap(),
        "finished once"
    );
    let finished = reload(&db, &row).await;
    assert_eq!(finished.finished_at, Some(t(30)));
    assert_eq!(finished.entry_valid_after, Some(t(30)));
    assert!(!is_in_call(&finished));
    assert!(!is_open_for_entry(&finished));
    for (name, after_the_end) in [
        ("admit", admit(t(32))),
        ("back", back_to_waiting()),
        ("remove", remove(t(32))),
        ("leave", leave(t(32))),
        ("note", note("zu spät".into())),
    ] {
        assert!(
            !after_the_end.apply(&db, row.id).await.unwrap(),
            "{name} after the end"
        );
    }
}

#[tokio::test]
async fn leaving_and_arriving_again_is_a_new_stay() {
    let db = database().await;
    let row = booked(&db).await;
    let t = |minutes| now() + Duration::minutes(minutes);
    assert!(arrive(t(1), None).apply(&db, row.id).await.unwrap());
    assert!(admit(t(2)).apply(&db, row.id).await.unwrap());
    assert!(leave(t(3)).apply(&db, row.id).await.unwrap());
    let left = reload(&db, &row).await;
    assert_eq!(left.admitted_at, None);
    assert_eq!(left.entry_valid_after, Some(t(3)));
    assert!(
        arrive(t(4), left.entry_valid_after)
            .apply(&db, row.id)
            .await
            .unwrap(),
        "an arrival before the leave does not count"
    );
    assert_eq!(reload(&db, &row).await.arrived_at, Some(t(4)));
}

#[tokio::test]
async fn removed_until_a_new_code() {
    let db = database().await;
    let row = booked(&db).await;
    let t = |minutes| now() + Duration::minutes(minutes);
    assert!(
        !remove(t(0)).apply(&db, row.id).await.unwrap(),
        "nobody to remove before the arrival"
    );
    assert!(arrive(t(1), None).apply(&db, row.id).await.unwrap());
    assert!(note("Gleich geht es los".into())
        .apply(&db, row.id)
        .await
        .unwrap());
    assert!(remove(t(2)).apply(&db, row.id).await.unwrap());
    let removed = reload(&db, &row).await;
    assert_eq!(removed.removed_at, Some(t(2)));
    assert_eq!(removed.arrived_at, None);
    assert_eq!(removed.doctor_note, None);
    assert!(!is_open_for_entry(&removed));

    assert!(new_code("other".into(), 1, 1, t(3))
        .apply(&db, row.id)
        .await
        .unwrap());
    let invited = reload(&db, &row).await;
    assert_eq!(invited.removed_at, None);
    assert_eq!(invited.code_hash, "other");
    assert_eq!(invited.sequence, 1);
    assert_eq!(invited.entry_valid_after, Some(t(3)));
    assert!(is_open_for_entry(&invited));
}

#[tokio::test]
async fn deleted_after_it_ended() {
    let db = database().await;
    let row = booked(&db).await;
    let none = delete_ended_before(row.ends_at).exec(&db).await.unwrap();
    assert_eq!(none.rows_affected, 0, "not before its end");
    let one = delete_ended_before(row.ends_at + Duration::seconds(1))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(one.rows_affected, 1);
}
