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

/// Keeps `short_name`, given up by `practice_id` at `now`, from other practices (a name
/// retired again starts its period anew).
pub async fn retire(
    db: &impl ConnectionTrait,
    short_name: &str,
    practice_id: Uuid,
    now: DateTimeUtc,
) -> Result<(), DbErr> {
    Entity::delete_by_id(short_name).exec(db).await?;
    ActiveModel {
        short_name: sea_orm::ActiveValue::Set(short_name.to_owned()),
        practice_id: sea_orm::ActiveValue::Set(practice_id),
        retired_at: sea_orm::ActiveValue::Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}
