//! Sessions of logged-in practice users, stored in the application database (same pool).
//! Patients get no session cookie unless a later feature needs one.

use crate::db::Pool;
use app::settings::Settings;
use async_trait::async_trait;
use tower_sessions::{
    cookie::{time, SameSite},
    session::{Id, Record},
    session_store::{self, ExpiredDeletion, SessionStore},
    Expiry, SessionManagerLayer,
};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store for whichever database the server runs on.
#[derive(Clone, Debug)]
pub enum DbSessionStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl DbSessionStore {
    /// A store on the given pool; its table is created by [`DbSessionStore::migrate`].
    pub fn new(pool: &Pool) -> Self {
        match pool {
            Pool::Sqlite(p) => Self::Sqlite(SqliteStore::new(p.clone())),
            Pool::Postgres(p) => Self::Postgres(PostgresStore::new(p.clone())),
        }
    }

    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(s) => s.migrate().await,
            Self::Postgres(s) => s.migrate().await,
        }
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.create(record).await,
            Self::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.save(record).await,
            Self::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(s) => s.load(id).await,
            Self::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete(id).await,
            Self::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete_expired().await,
            Self::Postgres(s) => s.delete_expired().await,
        }
    }
}

/// The session layer: `__Host-sprechzimmer`, `Secure`, `HttpOnly`, `SameSite=Lax`, `Path=/`
/// over HTTPS; a plain name without `Secure` only on plain-HTTP loopback (see
/// [`Settings::session_cookie`]).
pub fn session_layer(
    settings: &Settings,
    store: DbSessionStore,
) -> Result<SessionManagerLayer<DbSessionStore>, app::settings::SettingsError> {
    let cookie = settings.session_cookie()?;
    Ok(SessionManagerLayer::new(store)
        .with_name(cookie.name)
        .with_secure(cookie.secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(expiry(settings)))
}

/// How long a session lives without a request.
pub fn expiry(settings: &Settings) -> Expiry {
    Expiry::OnInactivity(time::Duration::minutes(settings.session.inactivity_minutes))
}
