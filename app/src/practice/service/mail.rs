//! What the account e-mails share: the recipient, the link with its token, the per-address
//! limit, and finding the account an address belongs to.

use crate::email::templates::Recipient;
use crate::entities::{practice, practice_user};
use crate::fields::EmailAddress;
use crate::practice::throttle;
use crate::state::AppState;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};

pub(crate) fn recipient<'a>(
    user: &'a practice_user::Model,
    name: &'a str,
    practice: &'a practice::Model,
) -> Recipient<'a> {
    Recipient {
        email: &user.email,
        name,
        practice_id: Some(practice.id),
        practice_name: &practice.name,
    }
}

pub(in crate::practice) fn link(state: &AppState, path: &str, token: &str) -> String {
    format!(
        "{}{path}?token={token}",
        state.settings.application.base_url.trim_end_matches('/')
    )
}

pub(in crate::practice) async fn user_by_email(
    state: &AppState,
    email: &str,
) -> Result<Option<(practice_user::Model, practice::Model)>, DbErr> {
    let Ok(email) = EmailAddress::parse(email) else {
        return Ok(None);
    };
    let found = practice_user::Entity::find()
        .filter(practice_user::Column::EmailNormalized.eq(email.normalized()))
        .find_also_related(practice::Entity)
        .one(&state.db)
        .await?;
    Ok(found.and_then(|(u, p)| p.map(|p| (u, p))))
}

/// Counts a request for `kind` (resend, reset) per address; `false` when over the limit.
pub(in crate::practice) async fn within_mail_limit(
    state: &AppState,
    kind: &str,
    email: &str,
) -> Result<bool, DbErr> {
    let key = format!(
        "{kind}:{}",
        &throttle::account_key(&email.trim().to_lowercase())[5..]
    );
    let now = state.clock.now();
    let count = throttle::count_request(&state.db, &key, now).await?;
    Ok(count <= 5)
}
