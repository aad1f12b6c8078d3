//! A practice (Praxis): the tenant. Stammdaten, Rechnungsdaten and the contract plan.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub kv_region: crate::fields::KvRegion,
    pub bsnr: String,
    pub billing_name: Option<String>,
    pub billing_street: Option<String>,
    pub billing_postcode: Option<String>,
    pub billing_city: Option<String>,
    pub iban: Option<String>,
    pub account_holder: Option<String>,
    pub plan: crate::practice::types::Plan,
    pub contract_started_on: Option<Date>,
    pub terms_accepted_at: Option<DateTimeUtc>,
    pub terms_version: String,
    /// Preselected appointment length in minutes.
    pub default_duration_minutes: i32,
    /// Whether patients get a reminder 24 h before.
    pub reminders_enabled: bool,
    /// The practice's own paragraph in the consent form (Einverständniserklärung).
    pub consent_paragraph: Option<String>,
    /// When the owner cancelled the contract; `None` while it runs (also after a revocation).
    pub cancelled_at: Option<DateTimeUtc>,
    /// The contract's last day (Berlin date) after a cancellation.
    pub contract_ends_on: Option<Date>,
    /// When all the practice's data is deleted: the end of `contract_ends_on`, 24:00 Berlin.
    pub deletion_at: Option<DateTimeUtc>,
    /// The reminders one month and one week before the deletion, once each.
    pub reminder_month_sent_at: Option<DateTimeUtc>,
    pub reminder_week_sent_at: Option<DateTimeUtc>,
    /// The public page's address `/praxen/<short_name>` (unique; `None` until chosen).
    pub short_name: Option<String>,
    /// Whether the public page is online (members see it as a preview when it is not).
    pub public_page_enabled: bool,
    /// The practice's own introduction on the public page (plain text, paragraphs).
    #[sea_orm(column_type = "Text", nullable)]
    pub public_intro: Option<String>,
    /// Whether invitation e-mails link the patient guide.
    pub guide_in_invitation: bool,
    /// Counts every change to what the calendar and the live list show; kept by database
    /// triggers (migration `m20261207_000001_calendar_version`), never written by the program.
    pub calendar_version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::practice_user::Entity")]
    PracticeUser,
}

impl Related<super::practice_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PracticeUser.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The address below the name, as on a letterhead: street, then postcode and city.
    pub fn address_lines(&self) -> Vec<String> {
        vec![
            self.street.clone(),
            format!("{} {}", self.postcode, self.city),
        ]
    }
}
