//! Sealed documents: the upload's limits (rate, key, quota), storing, handing the ciphertext to
//! the practice's browser, deleting one.

use super::access::require_reviewer;
use super::audit::{audit, Action, Actor};
use super::error::ConsentError;
use super::keys::practice_key;
use super::status::for_appointment;
use super::status::new_consent;
use super::status::set_status;
use crate::consent::document::{MAX_SEALED_BYTES, SEAL_OVERHEAD};
use crate::entities::consent_document::UploadedBy;
use crate::entities::{appointment, consent, consent_document};
use crate::practice::auth::CurrentUser;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

/// Documents one consent may hold (a form photographed page by page needs a few).
pub const MAX_DOCUMENTS: u64 = 12;
/// Uploads per appointment (patient) or practice member per hour.
pub const UPLOADS_PER_HOUR: i32 = 30;

/// Bytes of sealed documents the practice stores now.
pub async fn stored_bytes(conn: &impl ConnectionTrait, practice_id: Uuid) -> Result<u64, DbErr> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back so both databases give an integer.
    let total: Option<i64> = consent_document::Entity::find()
        .select_only()
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT)"),
            "total",
        )
        .filter(consent_document::Column::PracticeId.eq(practice_id))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(u64::try_from(total.unwrap_or(0)).unwrap_or(0))
}

/// Whether `more` bytes still fit into the practice's quota.
async fn check_quota(
    state: &AppState,
    conn: &impl ConnectionTrait,
    practice_id: Uuid,
    more: u64,
) -> Result<(), ConsentError> {
    let quota = state.settings.uploads.practice_quota_bytes();
    if stored_bytes(conn, practice_id).await?.saturating_add(more) > quota {
        tracing::warn!(practice_id = %practice_id, "consent upload refused: storage quota used up");
        return Err(ConsentError::QuotaFull);
    }
    Ok(())
}

/// The checks before an upload's body is read (issue 22, point 16): the rate per appointment
/// or member, the practice's key, and the quota for the declared size. The caller has checked
/// the pass or login already and holds an upload slot.
pub async fn admit_upload(
    state: &AppState,
    row: &appointment::Model,
    actor: Actor,
    declared_bytes: Option<u64>,
) -> Result<(), ConsentError> {
    let now = state.clock.now();
    let rate_key = match actor {
        Actor::Patient => format!("consent-upload:{}", row.id.simple()),
        Actor::Member(id) => format!("consent-upload:{}", id.simple()),
    };
    if crate::practice::throttle::count_request(&state.db, &rate_key, now).await? > UPLOADS_PER_HOUR
    {
        return Err(ConsentError::Busy);
    }
    if practice_key(&state.db, row.practice_id).await?.is_none() {
        return Err(ConsentError::NoKey);
    }
    let declared = declared_bytes.unwrap_or(SEAL_OVERHEAD as u64 + 1);
    check_quota(state, &state.db, row.practice_id, declared).await
}

/// Stores a sealed document admitted by [`admit_upload`] (size, key and quota are checked
/// again in the transaction).
pub async fn store_document(
    state: &AppState,
    row: &appointment::Model,
    actor: Actor,
    sealed: Vec<u8>,
) -> Result<Uuid, ConsentError> {
    if sealed.len() <= SEAL_OVERHEAD {
        return Err(ConsentError::Empty);
    }
    if sealed.len() > MAX_SEALED_BYTES {
        return Err(ConsentError::TooLarge(sealed.len()));
    }
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    if practice_key(&txn, row.practice_id).await?.is_none() {
        return Err(ConsentError::NoKey);
    }
    check_quota(state, &txn, row.practice_id, sealed.len() as u64).await?;
    let consent = match for_appointment(&txn, row).await? {
        Some(existing) => {
            let count = consent_document::Entity::find()
                .filter(consent_document::Column::ConsentId.eq(existing.id))
                .count(&txn)
                .await?;
            if count >= MAX_DOCUMENTS {
                return Err(ConsentError::TooManyDocuments);
            }
            if existing.status == consent::Status::Withdrawn {
                set_status(&txn, existing.id, consent::Status::Uploaded, now).await?;
            }
            existing.id
        }
        None => new_consent(&txn, row, consent::Status::Uploaded, None, None, now).await?,
    };
    let id = Uuid::now_v7();
    let size = sealed.len() as i64;
    consent_document::ActiveModel {
        id: Set(id),
        consent_id: Set(consent),
        practice_id: Set(row.practice_id),
        appointment_id: Set(Some(row.id)),
        uploaded_by: Set(match actor {
            Actor::Patient => UploadedBy::Patient,
            Actor::Member(_) => UploadedBy::Practice,
        }),
        sealed: Set(sealed),
        size_bytes: Set(size),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit(
        &txn,
        row.practice_id,
        actor,
        Action::DocumentUploaded,
        Some(id),
        now,
    )
    .await?;
    txn.commit().await?;
    // The practice's waiting lists show the new status at once.
    state.rooms.practice_changed(row.practice_id);
    Ok(id)
}

/// The sealed bytes of one document for the practice's browser; the access is logged.
pub async fn sealed_document(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<Vec<u8>, ConsentError> {
    require_reviewer(me)?;
    let id = Uuid::parse_str(id.trim()).map_err(|_| ConsentError::NotFound)?;
    let row = consent_document::Entity::find_by_id(id)
        .filter(consent_document::Column::PracticeId.eq(me.practice.id))
        .one(&state.db)
        .await?
        .ok_or(ConsentError::NotFound)?;
    audit(
        &state.db,
        me.practice.id,
        Actor::Member(me.user.id),
        Action::DocumentViewed,
        Some(row.id),
        state.clock.now(),
    )
    .await?;
    Ok(row.sealed)
}

/// Deletes one document; returns its consent's id.
pub async fn delete_document(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<Uuid, ConsentError> {
    require_reviewer(me)?;
    let id = Uuid::parse_str(id.trim()).map_err(|_| ConsentError::NotFound)?;
    let txn = crate::transaction::begin_write(&state.db).await?;
    let row = consent_document::Entity::find_by_id(id)
        .filter(consent_document::Column::PracticeId.eq(me.practice.id))
        .one(&txn)
        .await?
        .ok_or(ConsentError::NotFound)?;
    consent_document::Entity::delete_by_id(row.id)
        .exec(&txn)
        .await?;
    audit(
        &txn,
        me.practice.id,
        Actor::Member(me.user.id),
        Action::DocumentDeleted,
        Some(row.id),
        state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    state.rooms.practice_changed(me.practice.id);
    Ok(row.consent_id)
}
