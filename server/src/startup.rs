//! Builds the application (database, migrations, sessions, router) and serves it until a
//! shutdown signal arrives. Tests call the same functions with port 0 and a fresh database.

use crate::{
    db::{self, Database, DbError},
    health,
    security::{self, SecurityConfig},
    session::{session_layer, DbSessionStore},
};
use app::{
    clock::{Clock, SystemClock},
    email::{
        mailer::Mailer,
        outbox::{OutboxSignal, OutboxWorker},
    },
    practice::password::PasswordHasher,
    settings::Settings,
    shell,
    state::AppState,
    web::{body::BodyLimit, provide_server_context},
    App,
};
use axum::{
    extract::DefaultBodyLimit,
    handler::Handler,
    http::{HeaderName, Request},
    middleware,
    response::IntoResponse,
    routing::get,
    Router,
};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    compression::{CompressionLayer, CompressionLevel},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    trace::{DefaultOnResponse, TraceLayer},
};
use tower_sessions::ExpiredDeletion;
use tracing::Level;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How often the e-mail worker looks for due messages when nobody wakes it.
const OUTBOX_POLL: Duration = Duration::from_secs(2);

/// How long running requests may take to finish after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How long the signalling sockets may take to close after that: each waits at most 2 s for
/// its browser's close frame, one refused over a cap is told so for at most
/// [`app::waiting_room::socket::LAST_WORDS`] — begun just before the stop, it still ends within.
const SOCKETS_GRACE: Duration = Duration::from_secs(4);
const _: () = assert!(SOCKETS_GRACE.as_secs() > app::waiting_room::socket::LAST_WORDS.as_secs());

/// How long a stopping instance may take to write what its sockets changed for the others.
const BUS_GRACE: Duration = Duration::from_secs(2);
/// How long closing the database pool may wait for connections still in use (SQLite also
/// checkpoints its write-ahead log then).
const CLOSE_GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Settings(#[from] app::settings::SettingsError),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    CodeSecret(#[from] crate::code_secret::CodeSecretError),
    #[error("e-mail: {0}")]
    Mailer(app::email::mailer::MailerError),
    #[error("demo practice: {0}")]
    Demo(String),
    #[error("session store: {0}")]
    SessionStore(sqlx::Error),
    #[error("waiting-room bus (PostgreSQL LISTEN/NOTIFY): {0}")]
    Bus(sqlx::Error),
    #[error(transparent)]
    Turn(#[from] crate::turn::TurnError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A built, bound, not yet serving application.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    router: Router,
    database: Database,
    session_store: DbSessionStore,
    outbox_worker: OutboxWorker,
    turn: Option<crate::turn::TurnService>,
    state: AppState,
}

impl Application {
    /// Connects and migrates the database, binds `leptos_options.site_addr` (port 0 picks a free
    /// port) and assembles the router. An empty `application.base_url` becomes
    /// `http://<bound address>`.
    pub async fn build(
        settings: Settings,
        leptos_options: LeptosOptions,
    ) -> Result<Self, StartupError> {
        Self::build_with_clock(settings, leptos_options, Arc::new(SystemClock)).await
    }

    /// Like [`Application::build`] with a given clock (tests move time).
    pub async fn build_with_clock(
        mut settings: Settings,
        mut leptos_options: LeptosOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        let addr = leptos_options.site_addr;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        let address = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { addr, source })?;
        leptos_options.site_addr = address;
        // The browser code under names with its content hash, cached for a year (see `assets`).
        let assets = crate::assets::Assets::load(
            &std::path::Path::new(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir),
            &leptos_options.output_name,
        );
        let browser_code = match &assets {
            Some(assets) => {
                assets.compress_in_background();
                assets.code().clone()
            }
            None => {
                tracing::warn!(
                    "the site's browser code is incomplete (a bundle, the seal module or the \
                     stylesheet is missing): served under plain names, revalidated on every page"
                );
                app::layout::BrowserCode::plain(&leptos_options.output_name)
            }
        };
        if settings.application.base_url.trim().is_empty() {
            settings.application.base_url = format!("http://{address}");
        }
        settings.validate()?;
        crate::code_secret::resolve(&mut settings)?;

        let database = db::connect(&settings.database).await?;
        db::migrate(&database).await?;
        let session_store = DbSessionStore::new(&database.pool);
        session_store
            .migrate()
            .await
            .map_err(StartupError::SessionStore)?;

        let security = Arc::new(SecurityConfig {
            origin: settings.application.origin()?,
            hsts_max_age: settings
                .application
                .is_https()
                .then_some(settings.security.hsts_max_age_seconds),
        });
        let sessions = session_layer(&settings, session_store.clone())?;
        let max_body = settings.security.max_body_bytes;
        let body_idle = Duration::from_secs(settings.http.body_idle_timeout_seconds.max(1));
        let mailer = Mailer::new(&settings.email).map_err(StartupError::Mailer)?;
        let message_id_domain = settings
            .application
            .base_uri()?
            .host()
            .unwrap_or("localhost")
            .trim_matches(['[', ']'])
            .to_owned();
        let (turn, ice) = crate::turn::start(&settings, clock.clone()).await?;
        let settings_security = settings.security.clone();
        let session_expiry = crate::session::expiry(&settings);
        let upload_permits = usize::try_from(settings.uploads.concurrent.max(1)).unwrap_or(1);
        // On PostgreSQL several instances may share the database: the waiting room's news goes
        // through it (`bus`). SQLite serves one instance.
        let calls = Arc::new(app::signalling::relay::CallRelay::default());
        let rooms: Arc<dyn app::waiting_room::rooms::Rooms> = match &database.pool {
            db::Pool::Postgres(pool) => {
                let bus = Arc::new(
                    crate::bus::PgBus::start(pool.clone(), calls.clone())
                        .await
                        .map_err(StartupError::Bus)?,
                );
                calls.share(bus.clone());
                bus
            }
            db::Pool::Sqlite(_) => Arc::new(app::waiting_room::rooms::InMemoryRooms::default()),
        };
        let state = AppState::new(app::state::AppStateInner {
            leptos_options: leptos_options.clone(),
            browser_code: Arc::new(browser_code),
            db: database.conn.clone(),
            clock,
            settings: Arc::new(settings),
            passwords: PasswordHasher::per_core(),
            outbox: OutboxSignal::default(),
            rooms,
            calls,
            sockets: Arc::default(),
            rosters: Arc::default(),
            kept_weeks: Arc::new(app::kept::Kept::with_share(
                app::kept::WEEK_CAPACITY,
                app::kept::WEEK_SHARE,
            )),
            kept_today: Arc::new(app::kept::Kept::new(app::kept::TODAY_CAPACITY)),
            uploads: Arc::new(tokio::sync::Semaphore::new(upload_permits)),
            stopping: Default::default(),
            ice: Arc::new(ice),
            client_addresses: Arc::new(app::client_address::ClientAddresses::from_settings(
                &settings_security,
            )),
            in_flight: Arc::default(),
            sessions: app::state::SessionReopener::new(session_store.clone(), session_expiry),
        });
        if state.settings.demo.enabled {
            app::practice::demo::ensure_demo_practice(&state)
                .await
                .map_err(|e| StartupError::Demo(e.to_string()))?;
        } else {
            app::contract::jobs::remove_demo_practice(&state)
                .await
                .map_err(|e| StartupError::Demo(e.to_string()))?;
        }
        let outbox_worker = OutboxWorker {
            db: state.db.clone(),
            mailer,
            clock: state.clock.clone(),
            signal: state.outbox.clone(),
            message_id_domain,
            poll_interval: OUTBOX_POLL,
        };

        let routes = generate_route_list(App);
        let leptos_context = {
            let state = state.clone();
            move || provide_server_context(&state)
        };
        let router = Router::new()
            .route("/health/live", get(health::live))
            .route("/health/ready", get(health::ready))
            .merge(app::practice::handlers::routes())
            .merge(app::contract::handlers::routes())
            .merge(app::calendar::handlers::routes())
            .merge(app::patient::handlers::routes())
            .merge(app::waiting_room::socket::routes())
            .merge(app::waiting_room::handlers::routes())
            .merge(app::consent::handlers::routes())
            .merge(app::kv_forms::handlers::routes())
            .merge(app::public_page::handlers::routes())
            .leptos_routes_with_context(&state, routes, leptos_context.clone(), {
                let options = leptos_options.clone();
                move || shell(options.clone())
            })
            // Every route above takes the general body limit, and a form's text must be clean
            // (checked after routing, so the form is read under the limit of its route); the
            // uploads merged below declare their own limit.
            .route_layer(middleware::from_fn(security::refuse_unclean_forms))
            .route_layer(middleware::from_fn_with_state(
                BodyLimit::general(max_body),
                app::web::body::limit_body,
            ))
            .merge(app::consent::handlers::upload_routes())
            .merge(
                assets
                    .map(|a| crate::assets::routes(a, &leptos_options.site_pkg_dir))
                    .unwrap_or_default(),
            )
            // Static files through tower-http (conditional requests → 304); anything that is
            // neither a route nor a file gets the Leptos 404 page, also an address no file
            // could have (a name too long for the file system is an I/O error, which ServeDir
            // would answer with 500).
            .fallback({
                let not_found = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
                    leptos_context,
                    shell,
                )
                .with_state(state.clone());
                let files = ServeDir::new(&*leptos_options.site_root).fallback(not_found.clone());
                move |request: Request<axum::body::Body>| {
                    use tower::ServiceExt;
                    let (files, not_found) = (files.clone(), not_found.clone());
                    async move {
                        let response = if could_be_a_file(request.uri().path()) {
                            files
                                .oneshot(request)
                                .await
                                .map(IntoResponse::into_response)
                        } else {
                            not_found.oneshot(request).await
                        };
                        response.unwrap_or_else(|never| match never {})
                    }
                }
            })
            .layer(middleware::from_fn_with_state(
                state.clone(),
                app::practice::auth::guard_practice_pages,
            ))
            .with_state(state.clone())
            .layer(
                // Listed outermost first.
                ServiceBuilder::new()
                    // The id is always ours: a client-sent one could forge log correlation.
                    .map_request(|mut request: Request<axum::body::Body>| {
                        request.headers_mut().remove(REQUEST_ID);
                        request
                    })
                    .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                    .layer(
                        TraceLayer::new_for_http()
                            .make_span_with(request_span)
                            .on_request(())
                            .on_response(DefaultOnResponse::new().level(Level::INFO)),
                    )
                    .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                    .layer(middleware::from_fn_with_state(
                        security.clone(),
                        security::security_headers,
                    ))
                    .layer(middleware::from_fn(security::explain_rejections))
                    // Pages are compressed per request at brotli/gzip quality 3: the 74 KB
                    // calendar week in 0.32 ms (8.2 KB) against 0.52 ms (7.6 KB) at the default
                    // and 0.61 ms (8.7 KB) for gzip 6 (issue 24, BENCHMARKS.md). Static files
                    // go out as the build's quality-11 forms (`assets`).
                    .layer(CompressionLayer::new().quality(CompressionLevel::Precise(3)))
                    .layer(middleware::from_fn(
                        crate::page_scripts::drop_unused_hydration_data,
                    ))
                    .layer(middleware::from_fn_with_state(
                        security,
                        security::same_origin_only,
                    ))
                    .layer(DefaultBodyLimit::max(max_body))
                    .layer(middleware::from_fn_with_state(
                        security::BodyTransport {
                            ceiling: max_body.max(app::consent::handlers::UPLOAD_LIMIT.bytes),
                            idle: body_idle,
                        },
                        security::cut_idle_bodies,
                    ))
                    .layer(sessions),
            );
        Ok(Self {
            listener,
            address,
            router,
            database,
            session_store,
            outbox_worker,
            turn,
            state,
        })
    }

    /// The address actually bound (the real port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The database the application uses (tests look into it).
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The UDP address of the embedded STUN/TURN service, when it runs.
    pub fn turn_address(&self) -> Option<SocketAddr> {
        self.turn.as_ref().map(crate::turn::TurnService::address)
    }

    /// A handle on the embedded STUN/TURN service, when it runs.
    pub fn turn(&self) -> Option<crate::turn::TurnService> {
        self.turn.clone()
    }

    /// What every request gets (tests run the timed jobs with it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then lets running requests finish for at most
    /// [`SHUTDOWN_GRACE`] and closes the database pool (SQLite checkpoints its WAL).
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state = self.state.clone();
        let maintenance = tokio::spawn(app::maintenance::restart_on_panic(
            "maintenance",
            move || app::maintenance::run(state.clone()),
        ));
        let rooms = self.state.rooms.clone();
        let pings = tokio::spawn(app::maintenance::restart_on_panic(
            "ping clock",
            move || app::waiting_room::socket::ping_clock(rooms.clone()),
        ));
        let deliveries = tokio::spawn(app::waiting_room::delivery::write_to_log());
        let outbox = tokio::spawn(self.outbox_worker.run());
        let cleanup = tokio::spawn(
            self.session_store
                .clone()
                .continuously_delete_expired(Duration::from_secs(15 * 60)),
        );
        let state = self.state.clone();
        crate::serve::serve(
            self.listener,
            self.router,
            &self.state.settings.http,
            async move {
                shutdown.await;
                state.stop();
            },
            SHUTDOWN_GRACE,
        )
        .await;
        // `stop` told the signalling sockets to close (1012); each waits for its browser's close
        // frame (`WebSocket::close`, at most 2 s). `main` ends when this returns, which would cut
        // them off mid-close and reset the connections.
        if tokio::time::timeout(SOCKETS_GRACE, self.state.sockets.all_closed())
            .await
            .is_err()
        {
            tracing::warn!(
                open = self.state.sockets.running(),
                "signalling sockets still open after the grace; stopping anyway"
            );
        }
        // With several instances: the sockets' last presence changes and news to the others
        // before the database pool closes.
        if tokio::time::timeout(BUS_GRACE, self.state.rooms.flush())
            .await
            .is_err()
        {
            tracing::warn!("changes for the other instances not written within the grace");
        }
        let result: std::io::Result<()> = Ok(());
        cleanup.abort();
        maintenance.abort();
        pings.abort();
        deliveries.abort();
        app::waiting_room::delivery::write_noted();
        outbox.abort();
        if let Some(turn) = &self.turn {
            turn.close().await;
        }
        // Closing waits for connections still in use (a writer held by a lock): bounded too.
        if tokio::time::timeout(CLOSE_GRACE, self.database.conn.close())
            .await
            .is_err()
        {
            tracing::warn!("database connections still in use after the grace; stopping anyway");
        }
        tracing::info!("server stopped");
        result
    }
}

/// One span per request with its id, method and path; no query string (it may hold codes),
/// no headers, no body.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM. On Unix the handlers are registered when this is
/// called, not when the future is first polled: `main` calls it before the server answers its first
/// request, so a SIGTERM right after a readiness check (an orchestrator, a test) finds them —
/// registered on the first poll, the accept loop could answer first and the signal killed the
/// process outright (exit by signal 15, no graceful stop).
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (interrupt, terminate) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait =
                |name: &'static str, registered: std::io::Result<tokio::signal::unix::Signal>| async move {
                    match registered {
                        Ok(mut s) => {
                            s.recv().await;
                        }
                        Err(e) => {
                            tracing::error!(error = %e, signal = name, "cannot listen for the signal");
                            std::future::pending::<()>().await;
                        }
                    }
                };
            tokio::select! {
                () = wait("SIGINT", interrupt) => {}
                () = wait("SIGTERM", terminate) => {}
            }
        }
        #[cfg(not(unix))]
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutdown signal received, finishing open requests");
    }
}

/// Whether a static file could have this address: short enough for the file system (no name
/// over 255 bytes on Linux; ours are far shorter).
fn could_be_a_file(path: &str) -> bool {
    path.len() <= 1024 && path.split('/').all(|segment| segment.len() <= 200)
}
