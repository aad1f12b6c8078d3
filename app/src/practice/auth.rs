//! Who is logged in: the session's contents, the checks on every request (absolute timeout,
//! sessions ended by a password reset, idle refresh), the guard of the `/praxis` pages, the
//! extractors [`Member`], [`Owner`], [`Doctor`] and the server functions' [`member`]/[`owner`].

use super::types::Role;
use crate::entities::{practice, practice_user};
use crate::error::AppError;
use crate::policy::SESSION_ABSOLUTE_HOURS;
use crate::state::AppState;
use axum::{
    extract::{FromRequestParts, Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait as _, DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

const AUTH_KEY: &str = "auth";
const PENDING_KEY: &str = "pending_second_factor";
/// The password step of a login with second factor is valid this long.
pub const PENDING_FOR: Duration = Duration::minutes(5);
/// The session's expiry is refreshed at most this often (each refresh is a database write).
const TOUCH_EVERY: Duration = Duration::seconds(30);

/// What the session stores about a logged-in person.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct AuthState {
    user_id: Uuid,
    practice_id: Uuid,
    authenticated_at: DateTime<Utc>,
    seen_at: DateTime<Utc>,
}

/// A correct password whose second factor is still to come.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingSecondFactor {
    user_id: Uuid,
    since: DateTime<Utc>,
}

/// The logged-in person with their practice, loaded fresh for every request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: practice_user::Model,
    pub practice: practice::Model,
    pub role: Role,
}

impl CurrentUser {
    /// "Dr. Anna Beispiel".
    pub fn display_name(&self) -> String {
        display_name(&self.user)
    }
}

/// Title, first and last name joined.
pub fn display_name(user: &practice_user::Model) -> String {
    [user.title.as_str(), &user.first_name, &user.last_name]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names of the practice's people by id: one small query where a list names the doctor of
/// each of many appointments (instead of each appointment's doctor row joined to it).
pub async fn member_names(
    db: &impl sea_orm::ConnectionTrait,
    practice_id: Uuid,
) -> Result<std::collections::HashMap<Uuid, String>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait as _, QueryFilter as _};
    Ok(practice_user::Entity::find()
        .filter(practice_user::Column::PracticeId.eq(practice_id))
        .all(db)
        .await?
        .iter()
        .map(|user| (user.id, display_name(user)))
        .collect())
}

/// A session store failure: logged, answered as an internal error.
pub(crate) fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

/// Logs `user` in: a new session id (no fixation), the time of login for the absolute timeout.
pub async fn log_in(
    session: &Session,
    user: &practice_user::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .remove_value(PENDING_KEY)
        .await
        .map_err(session_error)?;
    let state = AuthState {
        user_id: user.id,
        practice_id: user.practice_id,
        authenticated_at: now,
        seen_at: now,
    };
    session.insert(AUTH_KEY, state).await.map_err(session_error)
}

/// Remembers a correct password while the second factor is asked for (new session id too).
pub async fn begin_second_factor(
    session: &Session,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(
            PENDING_KEY,
            PendingSecondFactor {
                user_id,
                since: now,
            },
        )
        .await
        .map_err(session_error)
}

/// The user whose password was right a moment ago and whose second factor is due.
pub async fn pending_second_factor(
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, AppError> {
    let pending: Option<PendingSecondFactor> =
        session.get(PENDING_KEY).await.map_err(session_error)?;
    Ok(pending
        .filter(|p| now - p.since < PENDING_FOR)
        .map(|p| p.user_id))
}

/// Ends the session: the record is deleted, the old cookie no longer works.
pub async fn log_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// The logged-in person, or `None` (not logged in, absolute timeout reached, logged out by a
/// password reset, account gone). Refreshes the idle timeout.
pub async fn current_user(
    session: &Session,
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(mut state) = session
        .get::<AuthState>(AUTH_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    if now - state.authenticated_at >= Duration::hours(SESSION_ABSOLUTE_HOURS) {
        log_out(session).await?;
        return Ok(None);
    }
    let found = member_with_practice(db, state.user_id).await.map_err(|e| {
        tracing::error!(error = %e, "loading the session's user failed");
        AppError::Internal
    })?;
    let Some(UserWithPractice(user, Some(practice))) = found else {
        log_out(session).await?;
        return Ok(None);
    };
    let role = user.role;
    if user.practice_id != state.practice_id
        || state.authenticated_at < user.sessions_valid_after
        || user.email_verified_at.is_none()
    {
        log_out(session).await?;
        return Ok(None);
    }
    if now - state.seen_at >= TOUCH_EVERY {
        state.seen_at = now;
        session
            .insert(AUTH_KEY, state)
            .await
            .map_err(session_error)?;
    }
    Ok(Some(CurrentUser {
        user,
        practice,
        role,
    }))
}

/// A person's row with their practice's, as [`member_with_practice`] reads them.
struct UserWithPractice(practice_user::Model, Option<practice::Model>);

impl sea_orm::FromQueryResult for UserWithPractice {
    fn from_query_result(row: &sea_orm::QueryResult, _: &str) -> Result<Self, sea_orm::DbErr> {
        // The column prefixes of sea-orm's `find_also_related`, whose SQL this is.
        Ok(Self(
            practice_user::Model::from_query_result(row, "A_")?,
            practice::Model::from_query_result_optional(row, "B_")?,
        ))
    }
}

/// The person `id` with their practice: the statement of every request of a logged-in person.
/// Its SQL (both tables' columns, joined) is built once per database kind; built anew it was
/// about a twentieth of an empty week page's time.
async fn member_with_practice(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<UserWithPractice>, sea_orm::DbErr> {
    use sea_orm::{DbBackend, QueryTrait as _, Statement};
    use std::sync::OnceLock;
    static SQL: [OnceLock<String>; 2] = [OnceLock::new(), OnceLock::new()];
    let backend = db.get_database_backend();
    let sql = SQL[usize::from(backend == DbBackend::Postgres)].get_or_init(|| {
        practice_user::Entity::find_by_id(Uuid::nil())
            .find_also_related(practice::Entity)
            .build(backend)
            .sql
    });
    practice_user::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            backend,
            sql.as_str(),
            [id.into()],
        ))
        .into_model::<UserWithPractice>()
        .one(db)
        .await
}

/// The session of the request being rendered or served (server functions, components).
pub fn request_session() -> Option<Session> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Session>().cloned())
}

/// The logged-in person for a server function; `Unauthorized` otherwise. During a page render
/// the person the `/praxis` guard loaded for this very request is used.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    if let Some(me) = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
    {
        return Ok(me);
    }
    let state = crate::state::app_state()?;
    let session = request_session().ok_or(AppError::Unauthorized)?;
    current_user(&session, &state.db, state.clock.now())
        .await?
        .ok_or(AppError::Unauthorized)
}

/// Like [`require_user`], and the person must manage the practice (owner).
pub async fn require_manager() -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    if user.role.manages_practice() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Sends visitors of `/praxis/…` who are not logged in to the login page. For a page (GET) the
/// person it loaded travels in the request extensions, so the page frame and its server
/// functions rendered for this request do not load them again ([`require_user`]). POSTs get
/// nothing: their re-rendered page must see the data as the action left it.
pub async fn guard_practice_pages(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path == crate::paths::PRACTICE || path.starts_with(crate::paths::PRACTICE_PREFIX) {
        match current_user(&session, &state.db, state.clock.now()).await {
            Ok(Some(me)) => {
                if request.method() == http::Method::GET {
                    request.extensions_mut().insert(me);
                }
            }
            Ok(None) => return Redirect::to(crate::paths::LOGIN).into_response(),
            Err(e) => return e.into_response(),
        }
    }
    next.run(request).await
}

/// How an extractor of this module answers a request it refuses: [`AsPage`] (forms and pages:
/// the login page, an error page) or [`AsJson`] (scripts and downloads: 401/403 as JSON).
pub trait Refusal: Send + Sync + 'static {
    /// Not logged in.
    fn not_logged_in() -> Response;
    /// Logged in, but the role does not allow this.
    fn not_allowed(
        state: &AppState,
        parts: &http::request::Parts,
    ) -> impl std::future::Future<Output = Response> + Send;
}

/// Forms and pages: not logged in goes to the login page (303), a missing role gets the
/// German error page (403).
pub struct AsPage;
/// Scripts and downloads: 401 and 403 as the JSON error.
pub struct AsJson;

impl Refusal for AsPage {
    fn not_logged_in() -> Response {
        crate::web::see_other(crate::paths::LOGIN)
    }

    async fn not_allowed(state: &AppState, parts: &http::request::Parts) -> Response {
        crate::web::error_page(state, parts.clone(), &AppError::Forbidden).await
    }
}

impl Refusal for AsJson {
    fn not_logged_in() -> Response {
        AppError::Unauthorized.into_response()
    }

    async fn not_allowed(_: &AppState, _: &http::request::Parts) -> Response {
        AppError::Forbidden.into_response()
    }
}

/// The logged-in member whose role passes `allowed`, or the refusal `R` gives.
async fn member_with<R: Refusal>(
    parts: &mut http::request::Parts,
    state: &AppState,
    allowed: fn(Role) -> bool,
) -> Result<CurrentUser, Response> {
    let session = Session::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    match current_user(&session, &state.db, state.clock.now()).await {
        Ok(Some(me)) if allowed(me.role) => Ok(me),
        Ok(Some(_)) => Err(R::not_allowed(state, parts).await),
        Ok(None) => Err(R::not_logged_in()),
        Err(e) => Err(e.into_response()),
    }
}

macro_rules! member_extractor {
    ($(#[$doc:meta])* $name:ident, $allowed:expr) => {
        $(#[$doc])*
        pub struct $name<R = AsPage>(pub CurrentUser, pub std::marker::PhantomData<R>);

        impl<R> $name<R> {
            /// The member.
            pub fn into_inner(self) -> CurrentUser {
                self.0
            }
        }

        impl<R: Refusal> FromRequestParts<AppState> for $name<R> {
            type Rejection = Response;

            async fn from_request_parts(
                parts: &mut http::request::Parts,
                state: &AppState,
            ) -> Result<Self, Response> {
                let me = member_with::<R>(parts, state, $allowed).await?;
                Ok($name(me, std::marker::PhantomData))
            }
        }
    };
}

member_extractor!(
    /// A logged-in member of a practice, any role.
    Member,
    |_| true
);
member_extractor!(
    /// A logged-in member who manages the practice (the owner).
    Owner,
    Role::manages_practice
);
member_extractor!(
    /// A logged-in member who holds consultations (owner or doctor).
    Doctor,
    Role::holds_calls
);

/// For server functions: the state (taken before the first `.await`, see
/// [`crate::state::app_state`]) and the logged-in member; `Unauthorized` with its status
/// otherwise.
pub async fn member() -> Result<(AppState, CurrentUser), AppError> {
    let state = crate::state::app_state()?;
    let me = crate::error::with_status(require_user().await)?;
    Ok((state, me))
}

/// Like [`member`], and the member must manage the practice (`Forbidden` otherwise).
pub async fn owner() -> Result<(AppState, CurrentUser), AppError> {
    let state = crate::state::app_state()?;
    let me = crate::error::with_status(require_manager().await)?;
    Ok((state, me))
}
