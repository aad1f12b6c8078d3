//! What the practice's consent pages show: the list, one consent with its documents, and the
//! practice's own paragraph in the form.

use super::access::own_consent;
use super::error::ConsentError;
use super::keys::practice_key;
use crate::consent::types::{
    ConsentDetail, ConsentOverview, ConsentRow, ConsentStatus, DocumentRow,
};
use crate::entities::consent_document::UploadedBy;
use crate::entities::{consent, consent_document, practice};
use crate::practice::auth::CurrentUser;
use crate::state::AppState;
use crate::time::{german_date, german_long_date, german_time};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Length limit of the practice's own paragraph in the form.
pub const MAX_PARAGRAPH_CHARS: usize = crate::fields::limits::CONSENT_PARAGRAPH;

/// The practice's own paragraph in the form (owner only); empty removes it.
pub async fn save_paragraph(
    state: &AppState,
    me: &CurrentUser,
    text: &str,
) -> Result<(), ConsentError> {
    if !me.role.manages_practice() {
        return Err(ConsentError::Forbidden);
    }
    let text = text.trim().replace("\r\n", "\n");
    if text.chars().count() > MAX_PARAGRAPH_CHARS {
        return Err(ConsentError::Invalid);
    }
    practice::Entity::update_many()
        .col_expr(
            practice::Column::ConsentParagraph,
            Expr::value((!text.is_empty()).then_some(text)),
        )
        .col_expr(practice::Column::UpdatedAt, Expr::value(state.clock.now()))
        .filter(practice::Column::Id.eq(me.practice.id))
        .exec(&state.db)
        .await?;
    Ok(())
}

fn detail_text(row: &consent::Model) -> String {
    let status = ConsentStatus::from(row.status);
    match (
        status,
        row.paper_received_on,
        row.confirmed_at,
        row.withdrawn_at,
    ) {
        (ConsentStatus::Withdrawn, _, _, Some(at)) => {
            format!("widerrufen am {}", german_long_date(at))
        }
        (ConsentStatus::Confirmed, Some(paper), _, _) => {
            format!("auf Papier erhalten am {}", german_date(paper))
        }
        (ConsentStatus::Confirmed, None, Some(at), _) => {
            format!("bestätigt am {}", german_long_date(at))
        }
        _ => format!("hochgeladen am {}", german_long_date(row.created_at)),
    }
}

fn consent_row(row: &consent::Model, documents: usize) -> ConsentRow {
    ConsentRow {
        id: row.id.to_string(),
        patient_name: row.patient_name.clone(),
        patient_email: row.patient_email.clone(),
        status: ConsentStatus::from(row.status),
        documents,
        detail: detail_text(row),
        updated: format!(
            "{}, {} Uhr",
            german_long_date(row.updated_at),
            german_time(row.updated_at)
        ),
    }
}

/// The practice's consent page: every consent with its status, newest change first.
pub async fn overview(state: &AppState, me: &CurrentUser) -> Result<ConsentOverview, ConsentError> {
    let rows = consent::Entity::find()
        .filter(consent::Column::PracticeId.eq(me.practice.id))
        .order_by_desc(consent::Column::UpdatedAt)
        .limit(500)
        .all(&state.db)
        .await?;
    let counts: HashMap<Uuid, usize> = consent_document::Entity::find()
        .select_only()
        .column(consent_document::Column::ConsentId)
        .filter(consent_document::Column::PracticeId.eq(me.practice.id))
        .into_tuple::<Uuid>()
        .all(&state.db)
        .await?
        .into_iter()
        .fold(HashMap::new(), |mut m, id| {
            *m.entry(id).or_insert(0) += 1;
            m
        });
    let key = practice_key(&state.db, me.practice.id).await?;
    Ok(ConsentOverview {
        consents: rows
            .iter()
            .map(|r| consent_row(r, counts.get(&r.id).copied().unwrap_or(0)))
            .collect(),
        public_key: key.map(|k| k.public_key),
        may_set_up_key: me.role.manages_practice(),
        may_review: me.role.holds_calls(),
        paragraph: me.practice.consent_paragraph.clone().unwrap_or_default(),
    })
}

/// One consent with its documents (metadata only).
pub async fn detail(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<ConsentDetail, ConsentError> {
    let row = own_consent(&state.db, me, id).await?;
    let documents = consent_document::Entity::find()
        .select_only()
        .column(consent_document::Column::Id)
        .column(consent_document::Column::UploadedBy)
        .column(consent_document::Column::SizeBytes)
        .column(consent_document::Column::CreatedAt)
        .filter(consent_document::Column::ConsentId.eq(row.id))
        .order_by_asc(consent_document::Column::CreatedAt)
        .into_tuple::<(Uuid, UploadedBy, i64, DateTime<Utc>)>()
        .all(&state.db)
        .await?;
    let has_key = practice_key(&state.db, me.practice.id).await?.is_some();
    Ok(ConsentDetail {
        row: consent_row(&row, documents.len()),
        documents: documents
            .into_iter()
            .map(|(id, by, size, at)| DocumentRow {
                id: id.to_string(),
                uploaded_by_patient: by == UploadedBy::Patient,
                uploaded: format!("{}, {} Uhr", german_long_date(at), german_time(at)),
                size: human_size(size),
            })
            .collect(),
        has_key,
        may_review: me.role.holds_calls(),
    })
}

/// "1,2 MB", "350 KB" (approximate size of the encrypted file).
pub fn human_size(bytes: i64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 999) / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(350_123), "351 KB");
        assert_eq!(human_size(1_234_567), "1,2 MB");
    }
}
