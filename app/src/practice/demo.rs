//! The demo practice for trying Sprechzimmer locally (`demo.enabled`, never in production):
//! owner `demo@sprechzimmer.test` with the password [`DEMO_PASSWORD`], already verified.

use super::rows::{new_practice, new_user, NewPractice, NewUser};
use super::types::Role;
use crate::entities::practice_user;
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

pub const DEMO_EMAIL: &str = "demo@sprechzimmer.test";
/// The demo practice's public page: `/praxen/demo-praxis`.
pub const DEMO_SHORT_NAME: &str = "demo-praxis";
/// Public on purpose (README); the server refuses `demo.enabled` in production.
pub const DEMO_PASSWORD: &str = "Sprechstunde-am-Bildschirm";

/// Creates the demo practice unless it exists.
pub async fn ensure_demo_practice(state: &AppState) -> Result<(), crate::forms::FormError> {
    let exists = practice_user::Entity::find()
        .filter(practice_user::Column::EmailNormalized.eq(DEMO_EMAIL))
        .one(&state.db)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    let hash = state.passwords.hash(DEMO_PASSWORD).await?;
    let now = state.clock.now();
    let practice_id = Uuid::now_v7();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let mut row = new_practice(
        practice_id,
        NewPractice {
            name: "Demo-Praxis Dr. Beispiel".to_owned(),
            street: "Musterstraße 1".to_owned(),
            postcode: "10115".to_owned(),
            city: "Berlin".to_owned(),
            phone: "030 1234567".to_owned(),
            kv_region: crate::fields::KvRegion::Berlin,
            bsnr: "721234500".to_owned(),
        },
        now,
    );
    // The demo shows the public page too: /praxen/demo-praxis.
    row.short_name = Set(Some(DEMO_SHORT_NAME.to_owned()));
    row.public_page_enabled = Set(true);
    row.insert(&txn).await?;
    let mut user = new_user(
        NewUser {
            practice_id,
            email_normalized: DEMO_EMAIL.to_owned(),
            email: DEMO_EMAIL.to_owned(),
            password_hash: Some(hash),
            title: "Dr.".to_owned(),
            first_name: "Erika".to_owned(),
            last_name: "Beispiel".to_owned(),
            specialty: "Allgemeinmedizin".to_owned(),
            lanr: Some("123456601".to_owned()),
            role: Role::Owner,
        },
        now,
    );
    user.email_verified_at = Set(Some(now));
    user.insert(&txn).await?;
    txn.commit().await?;
    tracing::info!("demo practice created ({DEMO_EMAIL})");
    Ok(())
}
