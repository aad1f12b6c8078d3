//! Which consent belongs to an appointment (by `patient_key`) and its status, for the
//! calendar, the waiting room and the patient's page.

use super::keys::practice_key;
use crate::consent::types::ConsentStatus;
use crate::entities::{appointment, consent, consent_document};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// How a practice's appointments find a patient's consent: lower-cased e-mail and name with
/// single spaces (the practice types both the same way for every appointment of a patient).
pub fn patient_key(name: &str, email: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{}\n{}", email.trim().to_lowercase(), name.to_lowercase())
}

/// The consent of this appointment's patient, if any.
pub async fn for_appointment(
    conn: &impl ConnectionTrait,
    row: &appointment::Model,
) -> Result<Option<consent::Model>, DbErr> {
    consent::Entity::find()
        .filter(consent::Column::PracticeId.eq(row.practice_id))
        .filter(consent::Column::PatientKey.eq(patient_key(&row.patient_name, &row.patient_email)))
        .one(conn)
        .await
}

/// The consent status of each appointment `(id, patient name, patient e-mail)`, by id: one
/// query that reads only the keys and statuses of the patients asked for.
pub async fn statuses_of<'a>(
    conn: &impl ConnectionTrait,
    practice_id: Uuid,
    rows: impl IntoIterator<Item = (Uuid, &'a str, &'a str)>,
) -> Result<HashMap<Uuid, ConsentStatus>, DbErr> {
    let rows: Vec<(Uuid, String)> = rows
        .into_iter()
        .map(|(id, name, email)| (id, patient_key(name, email)))
        .collect();
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let mut keys: Vec<&str> = rows.iter().map(|(_, k)| k.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let found: HashMap<String, ConsentStatus> = consent::Entity::find()
        .select_only()
        .column(consent::Column::PatientKey)
        .column(consent::Column::Status)
        .filter(consent::Column::PracticeId.eq(practice_id))
        .filter(consent::Column::PatientKey.is_in(keys))
        .into_tuple::<(String, consent::Status)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(key, status)| (key, ConsentStatus::from(status)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(id, key)| (id, found.get(&key).copied().unwrap_or_default()))
        .collect())
}

/// The consent status of one appointment's patient.
pub async fn status_of(
    conn: &impl ConnectionTrait,
    row: &appointment::Model,
) -> Result<ConsentStatus, DbErr> {
    Ok(for_appointment(conn, row)
        .await?
        .map(|c| ConsentStatus::from(c.status))
        .unwrap_or_default())
}

/// The consent part of an appointment's page (and the patient's page).
pub async fn appointment_consent(
    conn: &impl ConnectionTrait,
    row: &appointment::Model,
) -> Result<crate::consent::types::AppointmentConsent, DbErr> {
    let consent = for_appointment(conn, row).await?;
    let documents = match &consent {
        Some(c) => {
            consent_document::Entity::find()
                .filter(consent_document::Column::ConsentId.eq(c.id))
                .count(conn)
                .await? as usize
        }
        None => 0,
    };
    Ok(crate::consent::types::AppointmentConsent {
        status: consent
            .as_ref()
            .map(|c| ConsentStatus::from(c.status))
            .unwrap_or_default(),
        consent_id: consent.map(|c| c.id.to_string()),
        public_key: practice_key(conn, row.practice_id)
            .await?
            .map(|k| k.public_key),
        documents,
    })
}

/// Creates the consent of `row`'s patient; returns its id.
pub(super) async fn new_consent(
    conn: &impl ConnectionTrait,
    row: &appointment::Model,
    status: consent::Status,
    paper: Option<NaiveDate>,
    confirmed_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    consent::ActiveModel {
        id: Set(id),
        practice_id: Set(row.practice_id),
        patient_key: Set(patient_key(&row.patient_name, &row.patient_email)),
        patient_name: Set(row.patient_name.clone()),
        patient_email: Set(row.patient_email.clone()),
        status: Set(status),
        paper_received_on: Set(paper),
        confirmed_at: Set(confirmed_by.map(|_| now)),
        confirmed_by: Set(confirmed_by),
        withdrawn_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(id)
}

/// Sets a consent's status (the other columns stay).
pub(super) async fn set_status(
    conn: &impl ConnectionTrait,
    id: Uuid,
    status: consent::Status,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    consent::Entity::update_many()
        .col_expr(consent::Column::Status, Expr::value(status))
        .col_expr(consent::Column::UpdatedAt, Expr::value(now))
        .filter(consent::Column::Id.eq(id))
        .exec(conn)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patient_key_ignores_case_and_spacing() {
        assert_eq!(
            patient_key("  Jürgen   Müller ", "J.Mueller@Example.ORG "),
            patient_key("jürgen müller", "j.mueller@example.org")
        );
        assert_ne!(
            patient_key("Anna Müller", "familie@example.org"),
            patient_key("Paul Müller", "familie@example.org"),
            "family members sharing an e-mail address keep their own consent"
        );
    }
}
