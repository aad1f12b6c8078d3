//! The demo practice for trying Sprechzimmer locally (`demo.enabled`, never in production):
//! owner `demo@sprechzimmer.test` with the password [`DEMO_PASSWORD`], already verified.

use super::types::Role;
use crate::entities::{practice, practice_user};
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
    practice::ActiveModel {
        id: Set(practice_id),
        name: Set("Demo-Praxis Dr. Beispiel".to_owned()),
        street: Set("Musterstraße 1".to_owned()),
        postcode: Set("10115".to_owned()),
        city: Set("Berlin".to_owned()),
        phone: Set("030 1234567".to_owned()),
        kv_region: Set(crate::fields::KvRegion::Berlin),
        bsnr: Set("721234500".to_owned()),
        billing_name: Set(None),
        billing_street: Set(None),
        billing_postcode: Set(None),
        billing_city: Set(None),
        iban: Set(None),
        account_holder: Set(None),
        plan: Set(crate::practice::types::Plan::Basis),
        contract_started_on: Set(Some(crate::time::berlin_date(now))),
        terms_accepted_at: Set(Some(now)),
        terms_version: Set(crate::policy::TERMS_VERSION.to_owned()),
        default_duration_minutes: Set(50),
        reminders_enabled: Set(true),
        consent_paragraph: Set(None),
        cancelled_at: Set(None),
        contract_ends_on: Set(None),
        deletion_at: Set(None),
        reminder_month_sent_at: Set(None),
        reminder_week_sent_at: Set(None),
        // The demo shows the public page too: /praxen/demo-praxis.
        short_name: Set(Some(DEMO_SHORT_NAME.to_owned())),
        public_page_enabled: Set(true),
        public_intro: Set(None),
        guide_in_invitation: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    practice_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        practice_id: Set(practice_id),
        email_normalized: Set(DEMO_EMAIL.to_owned()),
        email: Set(DEMO_EMAIL.to_owned()),
        password_hash: Set(Some(hash)),
        title: Set("Dr.".to_owned()),
        first_name: Set("Erika".to_owned()),
        last_name: Set("Beispiel".to_owned()),
        specialty: Set("Allgemeinmedizin".to_owned()),
        lanr: Set(Some("123456601".to_owned())),
        role: Set(Role::Owner),
        email_verified_at: Set(Some(now)),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_last_step: Set(None),
        sessions_valid_after: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!("demo practice created ({DEMO_EMAIL})");
    Ok(())
}
