//! New rows of a practice and of its users, every column's starting value in one place:
//! registration, the demo practice and team invitations create them and set only what is
//! theirs.

use super::types::{Plan, Role};
use crate::entities::{practice, practice_user};
use crate::fields::KvRegion;
use crate::policy::TERMS_VERSION;
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use uuid::Uuid;

/// What a new practice is registered with (checked before).
pub struct NewPractice {
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub kv_region: KvRegion,
    pub bsnr: String,
}

/// A practice on the basic plan from `now`, terms accepted, no billing data, no public page.
pub fn new_practice(id: Uuid, p: NewPractice, now: DateTime<Utc>) -> practice::ActiveModel {
    practice::ActiveModel {
        id: Set(id),
        name: Set(p.name),
        street: Set(p.street),
        postcode: Set(p.postcode),
        city: Set(p.city),
        phone: Set(p.phone),
        kv_region: Set(p.kv_region),
        bsnr: Set(p.bsnr),
        billing_name: Set(None),
        billing_street: Set(None),
        billing_postcode: Set(None),
        billing_city: Set(None),
        iban: Set(None),
        account_holder: Set(None),
        plan: Set(Plan::Basis),
        contract_started_on: Set(Some(crate::time::berlin_date(now))),
        terms_accepted_at: Set(Some(now)),
        terms_version: Set(TERMS_VERSION.to_owned()),
        default_duration_minutes: Set(50),
        reminders_enabled: Set(true),
        consent_paragraph: Set(None),
        cancelled_at: Set(None),
        contract_ends_on: Set(None),
        deletion_at: Set(None),
        reminder_month_sent_at: Set(None),
        reminder_week_sent_at: Set(None),
        short_name: Set(None),
        public_page_enabled: Set(false),
        public_intro: Set(None),
        guide_in_invitation: Set(true),
        calendar_version: NotSet,
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Who a new user of a practice is.
pub struct NewUser {
    pub practice_id: Uuid,
    pub email_normalized: String,
    pub email: String,
    /// `None` for an invited member until they choose one.
    pub password_hash: Option<String>,
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub specialty: String,
    pub lanr: Option<String>,
    pub role: Role,
}

/// A user with the address not yet confirmed and no second factor.
pub fn new_user(u: NewUser, now: DateTime<Utc>) -> practice_user::ActiveModel {
    practice_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        practice_id: Set(u.practice_id),
        email_normalized: Set(u.email_normalized),
        email: Set(u.email),
        password_hash: Set(u.password_hash),
        title: Set(u.title),
        first_name: Set(u.first_name),
        last_name: Set(u.last_name),
        specialty: Set(u.specialty),
        lanr: Set(u.lanr),
        role: Set(u.role),
        email_verified_at: Set(None),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_last_step: Set(None),
        sessions_valid_after: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
}
