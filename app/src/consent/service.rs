//! The rules of consent (server side): storing sealed documents, the practice's review (confirm,
//! paper, withdrawal, deletion), the key pair's wraps, and the audit log of every access. This
//! code handles ciphertext only; it has no key and no path to plaintext.

use super::document::{MAX_SEALED_BYTES, SEAL_OVERHEAD};
use super::types::{
    AuditRow, ConsentDetail, ConsentOverview, ConsentRow, ConsentStatus, DocumentRow, KeyUpload,
    KeyWraps,
};
use super::wrapped_key::WrappedKey;
use crate::entities::consent_document::UploadedBy;
use crate::entities::{
    appointment, audit_entry, consent, consent_document, practice, practice_key, practice_user,
};
use crate::error::{AppError, UserFacing};
use crate::practice::auth::{display_name, CurrentUser};
use crate::state::AppState;
use crate::time::{german_date, german_long_date, german_time};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Documents one consent may hold (a form photographed page by page needs a few).
pub const MAX_DOCUMENTS: u64 = 12;
/// Uploads per appointment (patient) or practice member per hour.
pub const UPLOADS_PER_HOUR: i32 = 30;
/// Length limit of the practice's own paragraph in the form.
pub const MAX_PARAGRAPH_CHARS: usize = crate::fields::limits::CONSENT_PARAGRAPH;

/// What can go wrong with consents, each with its German message.
#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
    #[error("the practice has no key for documents yet")]
    NoKey,
    #[error("key already set up with another public key")]
    KeyExists,
    #[error("malformed key")]
    BadKey,
    #[error("empty upload")]
    Empty,
    #[error("upload too large: {0} bytes")]
    TooLarge(usize),
    #[error("too many documents")]
    TooManyDocuments,
    #[error("too many uploads")]
    Busy,
    #[error("the practice's storage quota is used up")]
    QuotaFull,
    #[error("too many uploads at the same time")]
    Crowded,
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("invalid input")]
    Invalid,
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

impl UserFacing for ConsentError {
    fn message_key(&self) -> &str {
        match self {
            ConsentError::NoKey => "consent-error-no-key",
            ConsentError::KeyExists => "consent-error-key-exists",
            ConsentError::BadKey => "consent-error-bad-key",
            ConsentError::Empty => "consent-upload-empty",
            ConsentError::TooLarge(_) => "consent-upload-too-large",
            ConsentError::TooManyDocuments => "consent-error-too-many",
            ConsentError::Busy => "error-busy",
            ConsentError::QuotaFull => "consent-error-quota",
            ConsentError::Crowded => "consent-error-crowded",
            ConsentError::NotFound => "error-not-found",
            ConsentError::Forbidden => "error-forbidden",
            ConsentError::Invalid => "error-bad-request",
            ConsentError::Database(_) => "error-internal",
        }
    }

    /// `$max_mb` for a file that is too large.
    fn message_args(&self) -> Vec<(&str, String)> {
        match self {
            ConsentError::TooLarge(_) => vec![(
                "max_mb",
                (super::document::MAX_DOCUMENT_BYTES >> 20).to_string(),
            )],
            _ => Vec::new(),
        }
    }

    fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            ConsentError::NoKey | ConsentError::KeyExists | ConsentError::TooManyDocuments => {
                S::CONFLICT
            }
            ConsentError::BadKey | ConsentError::Empty | ConsentError::Invalid => S::BAD_REQUEST,
            ConsentError::TooLarge(_) => S::PAYLOAD_TOO_LARGE,
            ConsentError::Busy => S::TOO_MANY_REQUESTS,
            ConsentError::QuotaFull => S::INSUFFICIENT_STORAGE,
            ConsentError::Crowded => S::SERVICE_UNAVAILABLE,
            ConsentError::NotFound => S::NOT_FOUND,
            ConsentError::Forbidden => S::FORBIDDEN,
            ConsentError::Database(_) => S::INTERNAL_SERVER_ERROR,
        }
    }
}

impl axum::response::IntoResponse for ConsentError {
    fn into_response(self) -> axum::response::Response {
        if let ConsentError::Database(e) = &self {
            tracing::error!(error = %e, "consent action failed");
        }
        crate::error::json_response(&self)
    }
}

/// For server functions: the refusal keeps its message and status; database details go to the
/// log only.
impl From<ConsentError> for AppError {
    fn from(e: ConsentError) -> Self {
        match e {
            ConsentError::NotFound => AppError::NotFound,
            ConsentError::Forbidden => AppError::Forbidden,
            ConsentError::Busy => AppError::Busy,
            ConsentError::Database(e) => {
                tracing::error!(error = %e, "consent action failed");
                AppError::Internal
            }
            other => AppError::refused(&other),
        }
    }
}

/// Who did something, for the audit log and the document's origin.
#[derive(Debug, Clone, Copy)]
pub enum Actor {
    /// The patient, through the access code of this appointment.
    Patient,
    Member(Uuid),
}

/// How a practice's appointments find a patient's consent: lower-cased e-mail and name with
/// single spaces (the practice types both the same way for every appointment of a patient).
pub fn patient_key(name: &str, email: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{}\n{}", email.trim().to_lowercase(), name.to_lowercase())
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

/// The practice's key row, if set up.
pub async fn practice_key(
    conn: &impl ConnectionTrait,
    practice_id: Uuid,
) -> Result<Option<practice_key::Model>, DbErr> {
    practice_key::Entity::find_by_id(practice_id)
        .one(conn)
        .await
}

/// Stores a new key pair's wraps (owner only), or a new passphrase wrap of the same key (any
/// member who could unwrap it with the old passphrase or the recovery code).
pub async fn save_key(
    state: &AppState,
    me: &CurrentUser,
    upload: KeyUpload,
) -> Result<(), ConsentError> {
    if super::wrapped_key::public_key_bytes(&upload.public_key).is_none() {
        return Err(ConsentError::BadKey);
    }
    upload
        .passphrase_wrap
        .check_shape()
        .map_err(|_| ConsentError::BadKey)?;
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    match practice_key(&txn, me.practice.id).await? {
        Some(existing) => {
            // Only those who can open documents may re-wrap (a new passphrase after recovery).
            require_reviewer(me)?;
            if existing.public_key != upload.public_key || upload.recovery_wrap.is_some() {
                return Err(ConsentError::KeyExists);
            }
            let passphrase_wrap =
                serde_json::to_string(&upload.passphrase_wrap).map_err(|_| ConsentError::BadKey)?;
            practice_key::Entity::update_many()
                .col_expr(
                    practice_key::Column::PassphraseWrap,
                    Expr::value(passphrase_wrap),
                )
                .col_expr(practice_key::Column::UpdatedAt, Expr::value(now))
                .filter(practice_key::Column::PracticeId.eq(me.practice.id))
                .exec(&txn)
                .await?;
            audit(
                &txn,
                me.practice.id,
                Actor::Member(me.user.id),
                Action::KeyRewrapped,
                None,
                now,
            )
            .await?;
        }
        None => {
            if !me.role.manages_practice() {
                return Err(ConsentError::Forbidden);
            }
            let recovery = upload.recovery_wrap.ok_or(ConsentError::BadKey)?;
            recovery.check_shape().map_err(|_| ConsentError::BadKey)?;
            practice_key::ActiveModel {
                practice_id: Set(me.practice.id),
                public_key: Set(upload.public_key),
                passphrase_wrap: Set(serde_json::to_string(&upload.passphrase_wrap)
                    .map_err(|_| ConsentError::BadKey)?),
                recovery_wrap: Set(
                    serde_json::to_string(&recovery).map_err(|_| ConsentError::BadKey)?
                ),
                created_by: Set(me.user.id),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            audit(
                &txn,
                me.practice.id,
                Actor::Member(me.user.id),
                Action::KeyCreated,
                None,
                now,
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

pub async fn key_wraps(state: &AppState, me: &CurrentUser) -> Result<KeyWraps, ConsentError> {
    if !me.role.holds_calls() {
        return Err(ConsentError::Forbidden);
    }
    let row = practice_key(&state.db, me.practice.id)
        .await?
        .ok_or(ConsentError::NoKey)?;
    let parse = |s: &str| serde_json::from_str::<WrappedKey>(s).map_err(|_| ConsentError::BadKey);
    let wraps = KeyWraps {
        passphrase_wrap: parse(&row.passphrase_wrap)?,
        recovery_wrap: parse(&row.recovery_wrap)?,
        public_key: row.public_key,
    };
    audit(
        &state.db,
        me.practice.id,
        Actor::Member(me.user.id),
        Action::KeyFetched,
        None,
        state.clock.now(),
    )
    .await?;
    Ok(wraps)
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

/// The consent status of each of these appointments (by appointment id).
pub async fn statuses(
    conn: &impl ConnectionTrait,
    practice_id: Uuid,
    rows: &[appointment::Model],
) -> Result<HashMap<Uuid, ConsentStatus>, DbErr> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = rows
        .iter()
        .map(|r| patient_key(&r.patient_name, &r.patient_email))
        .collect();
    let found: HashMap<String, ConsentStatus> = consent::Entity::find()
        .filter(consent::Column::PracticeId.eq(practice_id))
        .filter(consent::Column::PatientKey.is_in(keys.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.patient_key, ConsentStatus::from(c.status)))
        .collect();
    Ok(rows
        .iter()
        .zip(keys)
        .map(|(r, k)| (r.id, found.get(&k).copied().unwrap_or_default()))
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
) -> Result<super::types::AppointmentConsent, DbErr> {
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
    Ok(super::types::AppointmentConsent {
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

/// Stores a sealed document for the patient of `row`: checks the size limits and the per-hour
/// rate, creates the consent (or starts a withdrawn one again), all in one transaction.
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

/// Creates the consent of `row`'s patient; returns its id.
async fn new_consent(
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

/// Marks a consent confirmed by `member` now (clearing an earlier withdrawal); with `paper`, the
/// day the signed paper form arrived.
async fn mark_confirmed(
    conn: &impl ConnectionTrait,
    id: Uuid,
    member: Uuid,
    paper: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update = consent::Entity::update_many()
        .col_expr(
            consent::Column::Status,
            Expr::value(consent::Status::Confirmed),
        )
        .col_expr(consent::Column::ConfirmedAt, Expr::value(now))
        .col_expr(consent::Column::ConfirmedBy, Expr::value(member))
        .col_expr(
            consent::Column::WithdrawnAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(consent::Column::UpdatedAt, Expr::value(now));
    if let Some(day) = paper {
        update = update.col_expr(consent::Column::PaperReceivedOn, Expr::value(day));
    }
    update
        .filter(consent::Column::Id.eq(id))
        .exec(conn)
        .await
        .map(|_| ())
}

async fn set_status(
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

/// Owner and doctors review consents; the team sees the status only.
fn require_reviewer(me: &CurrentUser) -> Result<(), ConsentError> {
    if me.role.holds_calls() {
        Ok(())
    } else {
        Err(ConsentError::Forbidden)
    }
}

/// One consent of the caller's practice (other practices' ids are not found).
async fn own_consent(
    conn: &impl ConnectionTrait,
    me: &CurrentUser,
    id: &str,
) -> Result<consent::Model, ConsentError> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| ConsentError::NotFound)?;
    consent::Entity::find_by_id(id)
        .filter(consent::Column::PracticeId.eq(me.practice.id))
        .one(conn)
        .await?
        .ok_or(ConsentError::NotFound)
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

/// A review step on one consent, as the detail page's buttons name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Confirm,
    Withdraw,
    Delete,
}

/// Confirms, records a withdrawal, or deletes a consent with its documents. Returns whether
/// the consent still exists.
pub async fn review(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
    step: Review,
) -> Result<bool, ConsentError> {
    require_reviewer(me)?;
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let row = own_consent(&txn, me, id).await?;
    let actor = Actor::Member(me.user.id);
    match step {
        Review::Confirm => {
            mark_confirmed(&txn, row.id, me.user.id, None, now).await?;
            audit(
                &txn,
                me.practice.id,
                actor,
                Action::ConsentConfirmed,
                Some(row.id),
                now,
            )
            .await?;
        }
        Review::Withdraw => {
            consent::Entity::update_many()
                .col_expr(
                    consent::Column::Status,
                    Expr::value(consent::Status::Withdrawn),
                )
                .col_expr(consent::Column::WithdrawnAt, Expr::value(now))
                .col_expr(consent::Column::UpdatedAt, Expr::value(now))
                .filter(consent::Column::Id.eq(row.id))
                .exec(&txn)
                .await?;
            audit(
                &txn,
                me.practice.id,
                actor,
                Action::ConsentWithdrawn,
                Some(row.id),
                now,
            )
            .await?;
        }
        Review::Delete => {
            consent_document::Entity::delete_many()
                .filter(consent_document::Column::ConsentId.eq(row.id))
                .exec(&txn)
                .await?;
            consent::Entity::delete_by_id(row.id).exec(&txn).await?;
            audit(
                &txn,
                me.practice.id,
                actor,
                Action::ConsentDeleted,
                Some(row.id),
                now,
            )
            .await?;
        }
    }
    txn.commit().await?;
    state.rooms.practice_changed(me.practice.id);
    Ok(step != Review::Delete)
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

/// "Einwilligung auf Papier erhalten am …" for an appointment's patient: confirmed at once.
pub async fn record_paper(
    state: &AppState,
    me: &CurrentUser,
    appointment: &appointment::Model,
    received_on: NaiveDate,
) -> Result<Uuid, ConsentError> {
    require_reviewer(me)?;
    let now = state.clock.now();
    if received_on > crate::time::berlin_date(now) {
        return Err(ConsentError::Invalid);
    }
    let txn = crate::transaction::begin_write(&state.db).await?;
    let id = match for_appointment(&txn, appointment).await? {
        Some(existing) => {
            mark_confirmed(&txn, existing.id, me.user.id, Some(received_on), now).await?;
            existing.id
        }
        None => {
            new_consent(
                &txn,
                appointment,
                consent::Status::Confirmed,
                Some(received_on),
                Some(me.user.id),
                now,
            )
            .await?
        }
    };
    audit(
        &txn,
        me.practice.id,
        Actor::Member(me.user.id),
        Action::ConsentPaper,
        Some(id),
        now,
    )
    .await?;
    txn.commit().await?;
    state.rooms.practice_changed(me.practice.id);
    Ok(id)
}

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

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(350_123), "351 KB");
        assert_eq!(human_size(1_234_567), "1,2 MB");
    }
}
