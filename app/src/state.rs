//! What the server hands to every request: database, clock, settings, Leptos options,
//! the password hasher and the e-mail outbox signal.
//! Injected into server functions through `leptos_routes_with_context`, never global.

use crate::{
    clock::Clock, email::outbox::OutboxSignal, error::AppError, practice::password::PasswordHasher,
    settings::Settings,
};
use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// One shared [`AppStateInner`]: a handler or socket that keeps the state holds one pointer
/// (10,000 waiting patients' sockets each kept a 336-byte copy of every field).
#[derive(Clone, Debug)]
pub struct AppState(Arc<AppStateInner>);

impl AppState {
    pub fn new(inner: AppStateInner) -> Self {
        Self(Arc::new(inner))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

#[derive(Debug)]
pub struct AppStateInner {
    pub leptos_options: LeptosOptions,
    /// The names of the stylesheet and the browser bundles of this build.
    pub browser_code: Arc<crate::layout::BrowserCode>,
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    /// argon2id with a concurrency limit.
    pub passwords: PasswordHasher,
    /// Wakes the e-mail worker after a request queued a message.
    pub outbox: OutboxSignal,
    /// STUN/TURN addresses and credentials for the browsers.
    pub ice: Arc<crate::call::ice::IceConfig>,
    /// Open waiting-room sockets and who must hear about a change.
    pub rooms: Arc<dyn crate::waiting_room::rooms::Rooms>,
    /// The two seats of each running call.
    pub calls: Arc<crate::signalling::relay::CallRelay>,
    /// Open signalling sockets per pass, login and address (their caps).
    pub sockets: Arc<crate::waiting_room::limits::SocketCounts>,
    /// The practices' lists, read once per burst of changes for all doctor sockets.
    pub rosters: Arc<crate::waiting_room::roster_feed::RosterFeeds>,
    /// The practices' calendar weeks (practice, Monday), kept while their calendars do not
    /// change ([`crate::kept`]).
    pub kept_weeks: Arc<
        crate::kept::Kept<(uuid::Uuid, chrono::NaiveDate), Vec<crate::calendar::types::DayView>>,
    >,
    /// The practices' lists of today as stored (who is connected is added per request).
    pub kept_today: Arc<crate::kept::Kept<uuid::Uuid, crate::waiting_room::service::TodayRows>>,
    /// Consent uploads being received now (`uploads.concurrent` permits).
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// Set when the server begins to shut down: open sockets close at once, so the browsers
    /// reconnect to the next instance instead of waiting for the shutdown grace.
    pub stopping: Stopping,
    /// Who the client is behind the trusted reverse proxies.
    pub client_addresses: Arc<crate::client_address::ClientAddresses>,
    /// Login and patient-entry requests per client address being answered right now.
    pub in_flight: Arc<crate::practice::throttle::InFlight>,
    /// The store behind the session cookie, for sockets that reopen their session by id.
    pub sessions: SessionReopener,
}

impl AppStateInner {
    /// The server begins to shut down: every open socket closes with 1012 at once (the doctors'
    /// wait on [`Stopping`], the waiting patients' are woken through the registry).
    pub fn stop(&self) {
        self.stopping.stop();
        self.rooms.wake_patients();
    }
}

/// Reopens a session by its id with the cookie layer's store and expiry. A patient's socket
/// lives for hours but needs its session once a minute: it keeps the id and reopens the
/// session then, instead of holding the loaded record (about 1 KB) the whole time.
#[derive(Clone, Debug)]
pub struct SessionReopener {
    store: Arc<dyn tower_sessions::SessionStore>,
    expiry: tower_sessions::Expiry,
}

impl SessionReopener {
    pub fn new(store: impl tower_sessions::SessionStore, expiry: tower_sessions::Expiry) -> Self {
        Self {
            store: Arc::new(store),
            expiry,
        }
    }

    /// The session `id`, read from the store when first used.
    pub fn reopen(&self, id: tower_sessions::session::Id) -> tower_sessions::Session {
        tower_sessions::Session::new(
            Some(id),
            Arc::new(SharedStore(self.store.clone())),
            Some(self.expiry),
        )
    }
}

/// `Session::new` takes a store of a known type; this one passes every call on.
#[derive(Debug)]
struct SharedStore(Arc<dyn tower_sessions::SessionStore>);

#[async_trait::async_trait]
impl tower_sessions::SessionStore for SharedStore {
    async fn create(
        &self,
        record: &mut tower_sessions::session::Record,
    ) -> tower_sessions::session_store::Result<()> {
        self.0.create(record).await
    }

    async fn save(
        &self,
        record: &tower_sessions::session::Record,
    ) -> tower_sessions::session_store::Result<()> {
        self.0.save(record).await
    }

    async fn load(
        &self,
        id: &tower_sessions::session::Id,
    ) -> tower_sessions::session_store::Result<Option<tower_sessions::session::Record>> {
        self.0.load(id).await
    }

    async fn delete(
        &self,
        id: &tower_sessions::session::Id,
    ) -> tower_sessions::session_store::Result<()> {
        self.0.delete(id).await
    }
}

/// The server is shutting down.
#[derive(Clone, Debug, Default)]
pub struct Stopping(Arc<StoppingFlag>);

#[derive(Debug, Default)]
struct StoppingFlag {
    stopped: std::sync::atomic::AtomicBool,
    woken: tokio::sync::Notify,
}

impl Stopping {
    /// Only through [`AppStateInner::stop`], which wakes the patients' sockets too.
    fn stop(&self) {
        self.0
            .stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.0.woken.notify_waiters();
    }

    /// Completes once the server is shutting down. Every doctor's socket waits on it (one
    /// `Notify` wait, 104 bytes; a `watch` receiver's took 176).
    pub async fn wait(&self) {
        loop {
            // Registered before the check, so a `stop` right after it still ends the wait.
            let mut woken = std::pin::pin!(self.0.woken.notified());
            woken.as_mut().enable();
            if self.is_stopped() {
                return;
            }
            woken.await;
        }
    }

    /// Whether the server is shutting down. A waiting patient's socket looks at it whenever
    /// it is woken; the registry wakes every one of them when the server stops
    /// ([`crate::waiting_room::rooms::Rooms::wake_patients`]).
    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The `AppState` of the current server function call. Take it before the first `.await`:
/// the page that asked for the data may stop rendering meanwhile (a streamed SSR page whose
/// browser left) and take its reactive owner, and the context with it, along. That is the
/// likeliest cause of the missing context the contract journey once logged.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}
