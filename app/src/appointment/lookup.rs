//! Finding an appointment for a practice member: only rows of the member's own practice.

use crate::entities::appointment;
use crate::forms::FormError;
use crate::practice::auth::CurrentUser;
use crate::state::AppState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// One appointment of the caller's practice, or `None` (also for other practices' ids).
pub async fn find(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<Option<appointment::Model>, FormError> {
    let Ok(id) = Uuid::parse_str(id.trim()) else {
        return Ok(None);
    };
    Ok(appointment::Entity::find_by_id(id)
        .filter(appointment::Column::PracticeId.eq(me.practice.id))
        .one(&state.db)
        .await?)
}
