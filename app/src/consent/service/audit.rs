//! The audit log: who did what with a consent or the key, written with the change and shown
//! to the practice's managers.

use super::error::ConsentError;
use crate::consent::types::AuditRow;
use crate::entities::{appointment, audit_entry, consent, consent_document, practice_user};
use crate::practice::auth::{display_name, CurrentUser};
use crate::state::AppState;
use crate::time::{german_long_date, german_time};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Who did something, for the audit log and the document's origin.
#[derive(Debug, Clone, Copy)]
pub enum Actor {
    /// The patient, through the access code of this appointment.
    Patient,
    Member(Uuid),
}

pub use crate::entities::audit_entry::Action;

/// Writes one audit line.
pub async fn audit(
    conn: &impl ConnectionTrait,
    practice_id: Uuid,
    actor: Actor,
    action: Action,
    subject: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        practice_id: Set(practice_id),
        actor_id: Set(match actor {
            Actor::Patient => None,
            Actor::Member(id) => Some(id),
        }),
        action: Set(action),
        subject_id: Set(subject),
        at: Set(now),
    }
    .insert(conn)
    .await
    .map(|_| ())
}

/// The practice's audit log, newest first (the last 500 lines).
pub async fn audit_log(state: &AppState, me: &CurrentUser) -> Result<Vec<AuditRow>, ConsentError> {
    if !me.role.manages_practice() {
        return Err(ConsentError::Forbidden);
    }
    let rows = audit_entry::Entity::find()
        .filter(audit_entry::Column::PracticeId.eq(me.practice.id))
        .order_by_desc(audit_entry::Column::At)
        .limit(500)
        .all(&state.db)
        .await?;
    let members: HashMap<Uuid, String> = practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(me.practice.id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, display_name(&u)))
        .collect();
    let documents: HashMap<Uuid, Uuid> = consent_document::Entity::find()
        .select_only()
        .column(consent_document::Column::Id)
        .column(consent_document::Column::ConsentId)
        .filter(consent_document::Column::PracticeId.eq(me.practice.id))
        .into_tuple::<(Uuid, Uuid)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let names: HashMap<Uuid, String> = consent::Entity::find()
        .filter(consent::Column::PracticeId.eq(me.practice.id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.patient_name))
        .collect();
    // "Let in without confirmed consent" names the appointment: its patient, while it is kept.
    let admitted: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.action == Action::AdmittedWithoutConsent)
        .filter_map(|r| r.subject_id)
        .collect();
    let booked: HashMap<Uuid, String> = if admitted.is_empty() {
        HashMap::new()
    } else {
        appointment::Entity::find()
            .select_only()
            .column(appointment::Column::Id)
            .column(appointment::Column::PatientName)
            .filter(appointment::Column::PracticeId.eq(me.practice.id))
            .filter(appointment::Column::Id.is_in(admitted))
            .into_tuple::<(Uuid, String)>()
            .all(&state.db)
            .await?
            .into_iter()
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let patient = r
                .subject_id
                .and_then(|s| {
                    names
                        .get(&s)
                        .or_else(|| documents.get(&s).and_then(|c| names.get(c)))
                        .or_else(|| booked.get(&s))
                })
                .cloned()
                .unwrap_or_default();
            AuditRow {
                at: format!("{}, {} Uhr", german_long_date(r.at), german_time(r.at)),
                actor: match r.actor_id {
                    None => "Patient/in (Zugangscode)".to_owned(),
                    Some(id) => members
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| "ehemaliges Teammitglied".to_owned()),
                },
                action_key: format!("audit-{}", sea_orm::ActiveEnum::to_value(&r.action)),
                patient,
            }
        })
        .collect())
}
