//! Who may review consents, and finding one consent of the caller's practice.

use super::error::ConsentError;
use crate::entities::consent;
use crate::practice::auth::CurrentUser;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Owner and doctors review consents; the team sees the status only.
pub(super) fn require_reviewer(me: &CurrentUser) -> Result<(), ConsentError> {
    if me.role.holds_calls() {
        Ok(())
    } else {
        Err(ConsentError::Forbidden)
    }
}

/// One consent of the caller's practice (other practices' ids are not found).
pub(super) async fn own_consent(
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
