//! The practice's key pair as the server holds it: the public key and the wrapped private key
//! (passphrase and recovery code wraps), never the key itself.

use super::access::require_reviewer;
use super::audit::{audit, Action, Actor};
use super::error::ConsentError;
use crate::consent::types::{KeyUpload, KeyWraps};
use crate::consent::wrapped_key::WrappedKey;
use crate::entities::practice_key;
use crate::practice::auth::CurrentUser;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

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
    if crate::consent::wrapped_key::public_key_bytes(&upload.public_key).is_none() {
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
