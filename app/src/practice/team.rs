//! The people of a practice: the owner invites doctors/therapists and the practice team by
//! e-mail and can remove them again. Every function works on the caller's own practice only.

use super::auth::{display_name, CurrentUser};
use super::service::checks::check_person;
use super::service::mail::{link, recipient};
use super::tokens::{self, TokenPurpose};
use super::types::{Role, TeamMember};
use crate::email::outbox::enqueue;
use crate::email::templates;
use crate::entities::{appointment, practice_user};
use crate::error::AppError;
use crate::fields::EmailAddress;
use crate::forms::{echo_pairs, Checker, FormError};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// More people than a practice plausibly has; stops a stolen owner session from using the
/// invitation as a mail cannon.
pub const MAX_MEMBERS: u64 = 50;

/// The invitation form as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct InviteInput {
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: String,
}

fn require_owner(me: &CurrentUser) -> Result<(), FormError> {
    if me.role.manages_practice() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

/// Everyone in the caller's practice, owner first, then by name.
pub async fn members(state: &AppState, me: &CurrentUser) -> Result<Vec<TeamMember>, FormError> {
    require_owner(me)?;
    let users = practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(me.practice.id))
        .order_by_asc(practice_user::Column::LastName)
        .order_by_asc(practice_user::Column::FirstName)
        .all(&state.db)
        .await?;
    let mut list: Vec<TeamMember> = users
        .iter()
        .map(|u| TeamMember {
            id: u.id.to_string(),
            display_name: display_name(u),
            email: u.email.clone(),
            role: u.role,
            invitation_pending: u.password_hash.is_none(),
            totp_enabled: u.totp_secret.is_some(),
        })
        .collect();
    list.sort_by_key(|m| m.role != Role::Owner);
    Ok(list)
}

/// Creates the invited person (without a password) and queues the invitation e-mail with a
/// link that is valid for 7 days.
pub async fn invite(
    state: &AppState,
    me: &CurrentUser,
    input: &InviteInput,
) -> Result<(), FormError> {
    require_owner(me)?;
    let mut c = Checker::new(
        "invite",
        echo_pairs(&[
            ("title", &input.title),
            ("first_name", &input.first_name),
            ("last_name", &input.last_name),
            ("email", &input.email),
            ("role", &input.role),
        ]),
    );
    let person = check_person(
        &mut c,
        &input.title,
        &input.first_name,
        &input.last_name,
        "",
    );
    let email = c.field("email", EmailAddress::parse(&input.email));
    let role = match Role::parse(&input.role) {
        Some(role @ (Role::Doctor | Role::Team)) => Some(role),
        _ => {
            c.key("role", "team-role-required");
            None
        }
    };
    if let Some(email) = &email {
        // One address, one account: the login page must know which practice it opens. The
        // owner learns that the address is taken, which a practice-wide invitation cannot
        // avoid; the member limit keeps this from being used to probe many addresses.
        let taken = practice_user::Entity::find()
            .filter(practice_user::Column::EmailNormalized.eq(email.normalized()))
            .count(&state.db)
            .await?;
        if taken > 0 {
            c.key("email", "team-email-taken");
        }
    }
    let count = practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(me.practice.id))
        .count(&state.db)
        .await?;
    if count >= MAX_MEMBERS {
        c.key("email", "team-full");
    }
    c.finish()?;
    let (Some(person), Some(email), Some(role)) = (person, email, role) else {
        return Err(AppError::Internal.into());
    };
    let now = state.clock.now();
    let txn = crate::transaction::begin_write(&state.db).await?;
    let user = super::rows::new_user(
        super::rows::NewUser {
            practice_id: me.practice.id,
            email_normalized: email.normalized(),
            email: email.as_str().to_owned(),
            password_hash: None,
            title: person.title,
            first_name: person.first_name,
            last_name: person.last_name,
            specialty: String::new(),
            lanr: None,
            role,
        },
        now,
    )
    .insert(&txn)
    .await?;
    let token = tokens::issue(&txn, user.id, TokenPurpose::Invitation, now).await?;
    let name = display_name(&user);
    let mail = templates::invitation(
        &recipient(&user, &name, &me.practice),
        &me.display_name(),
        role.label_key(),
        &link(state, crate::paths::INVITATION, &token),
    );
    enqueue(&txn, now, mail).await?;
    txn.commit().await?;
    state.outbox.wake();
    tracing::info!(practice_id = %me.practice.id, user_id = %user.id, role = role.as_str(), "member invited");
    Ok(())
}

/// Removes a member of the caller's practice (never the owner). Their sessions end with the
/// account; `Ok(false)` if there is no such member.
pub async fn remove(state: &AppState, me: &CurrentUser, id: &str) -> Result<bool, FormError> {
    require_owner(me)?;
    let Ok(id) = Uuid::parse_str(id.trim()) else {
        return Ok(false);
    };
    // Appointments keep their doctor until they are deleted (3 months after the date at the
    // latest); removing the doctor first would leave patients without anyone to meet.
    let appointments = appointment::Entity::find()
        .filter(appointment::Column::DoctorId.eq(id))
        .filter(appointment::Column::PracticeId.eq(me.practice.id))
        .count(&state.db)
        .await?;
    if appointments > 0 {
        return Err(FormError::field("invite", "email", "team-has-appointments"));
    }
    let deleted = practice_user::Entity::delete_many()
        .filter(practice_user::Column::Id.eq(id))
        .filter(practice_user::Column::PracticeId.eq(me.practice.id))
        .filter(practice_user::Column::Role.ne(Role::Owner))
        .exec(&state.db)
        .await?;
    if deleted.rows_affected == 1 {
        tracing::info!(practice_id = %me.practice.id, user_id = %id, "member removed");
    }
    Ok(deleted.rows_affected == 1)
}
