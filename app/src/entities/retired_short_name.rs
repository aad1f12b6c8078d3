//! A short name a practice gave up; blocked for other practices for
//! [`crate::policy::RETIRED_SHORT_NAME_DAYS`].

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "retired_short_name")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub short_name: String,
    pub practice_id: Uuid,
    pub retired_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
