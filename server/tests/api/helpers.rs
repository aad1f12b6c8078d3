use crate::smtp::{link_in, ReceivedEmail, SmtpInbox};
use app::clock::ShiftedClock;
use app::settings::{EmailTransport, Settings, SmtpTls};
use sea_orm::{ConnectionTrait, Database as SeaDatabase, DatabaseConnection, Statement};
use secrecy::SecretString;
use server::{config, db::Database, startup::Application};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Which database engine this test run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub fn engine() -> Engine {
    match std::env::var("SPRECHZIMMER_TEST_DATABASE").as_deref() {
        Ok("postgres") => Engine::Postgres,
        Ok("sqlite") | Err(_) => Engine::Sqlite,
        Ok(other) => panic!("SPRECHZIMMER_TEST_DATABASE must be sqlite or postgres, not {other:?}"),
    }
}

/// A fresh database for one test; SQLite files are removed when it is dropped.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// An empty database (nothing migrated), for tests of the migrations and of start-up.
    pub async fn new() -> Self {
        match engine() {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/test.db", dir.path().display());
                Self {
                    url,
                    _dir: Some(dir),
                }
            }
            Engine::Postgres => Self::postgres(None).await,
        }
    }

    /// A copy of the migrated template ([`template`]): what the app would have after its first
    /// start, without running ~40 migrations per test. The app runs them again at start-up,
    /// which finds nothing to do.
    pub async fn migrated() -> Self {
        match engine() {
            Engine::Sqlite => {
                let template = template::sqlite().await;
                let dir = tempfile::tempdir().expect("temp dir");
                let file = dir.path().join("test.db");
                // `copy` keeps the template's mode 0600.
                std::fs::copy(&template, &file).expect("copy the template database");
                Self {
                    url: format!("sqlite://{}", file.display()),
                    _dir: Some(dir),
                }
            }
            Engine::Postgres => {
                let template = template::postgres().await;
                Self::postgres(Some(&template)).await
            }
        }
    }

    async fn postgres(template: Option<&str>) -> Self {
        let admin = postgres_admin_url();
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        let conn = SeaDatabase::connect(admin.as_str())
            .await
            .expect("connect to PostgreSQL");
        let sql = match template {
            Some(template) => format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
            None => format!("CREATE DATABASE \"{name}\""),
        };
        conn.execute_unprepared(&sql)
            .await
            .expect("create test database");
        conn.close().await.ok();
        Self {
            url: postgres_url(&admin, &name),
            _dir: None,
        }
    }
}

fn postgres_admin_url() -> String {
    std::env::var("SPRECHZIMMER_TEST_POSTGRES_URL").expect(
        "SPRECHZIMMER_TEST_POSTGRES_URL must point to a PostgreSQL server \
         (scripts/test.sh starts one)",
    )
}

/// The URL of database `name` on the server of `admin`.
fn postgres_url(admin: &str, name: &str) -> String {
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    format!("{base}/{name}")
}

/// One migrated database per build of this test binary, shared by its test processes (nextest
/// runs each test in a process of its own): the first process to get the lock builds it, the
/// others wait for it and copy it.
mod template {
    use super::{postgres_admin_url, postgres_url, test_settings, SeaDatabase};
    use sea_orm::{ConnectOptions, ConnectionTrait, Statement};
    use std::path::PathBuf;

    /// Names this build: the binary's size and modification time change with every build, and
    /// with them the migrations it would run.
    fn build_key() -> String {
        use std::hash::{Hash, Hasher};
        let exe = std::env::current_exe().expect("test binary path");
        let meta = std::fs::metadata(&exe).expect("test binary metadata");
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        exe.hash(&mut hasher);
        meta.len().hash(&mut hasher);
        meta.modified().expect("mtime").hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    }

    /// Creates the schema the app and its session store would create at start-up.
    async fn migrate(url: &str) {
        let settings = test_settings(url);
        let db = server::db::connect(&settings.database)
            .await
            .expect("connect to the template");
        server::db::migrate(&db)
            .await
            .expect("migrate the template");
        server::session::DbSessionStore::new(&db.pool)
            .migrate()
            .await
            .expect("session table in the template");
        if url.starts_with("sqlite:") {
            // Everything into the main file, which is all that is copied.
            db.conn
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .expect("checkpoint");
        }
        db.conn.close().await.expect("close the template");
    }

    /// The path of the migrated SQLite template (in `CARGO_TARGET_TMPDIR`).
    pub async fn sqlite() -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sqlite-templates");
        std::fs::create_dir_all(&dir).expect("template dir");
        let key = build_key();
        let file = dir.join(format!("{key}.db"));
        if file.exists() {
            return file;
        }
        let lock = std::fs::File::create(dir.join(format!("{key}.lock"))).expect("lock file");
        // Blocks this test's thread while another process builds it; nothing else runs yet.
        lock.lock().expect("lock the template");
        if !file.exists() {
            let building = tempfile::tempdir_in(&dir).expect("build dir");
            let path = building.path().join("template.db");
            migrate(&format!("sqlite://{}", path.display())).await;
            // Atomic: no process ever copies a half-written template.
            std::fs::rename(&path, &file).expect("publish the template");
            remove_old_templates(&dir, &key);
        }
        file
    }

    /// Removes the templates (and lock files) of earlier builds, an hour after they were
    /// last built: a run of another build at the same time keeps its own.
    fn remove_old_templates(dir: &std::path::Path, key: &str) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified < hour_ago);
            if old && !entry.file_name().to_string_lossy().starts_with(key) {
                // Another process may have removed it already.
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// The name of the migrated PostgreSQL template database on the test server.
    pub async fn postgres() -> String {
        let admin = postgres_admin_url();
        let name = format!("template_{}", build_key());
        // One connection: the advisory lock belongs to the session that took it.
        let mut options = ConnectOptions::new(admin.clone());
        options.max_connections(1).min_connections(1);
        let conn = SeaDatabase::connect(options)
            .await
            .expect("connect to PostgreSQL");
        let backend = conn.get_database_backend();
        conn.execute_unprepared("SELECT pg_advisory_lock(4711023)")
            .await
            .expect("lock the template");
        let exists = conn
            .query_one(Statement::from_string(
                backend,
                format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
            ))
            .await
            .expect("look for the template")
            .is_some();
        if !exists {
            let building = format!("{name}_building");
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{building}\""))
                .await
                .expect("drop a half-built template");
            conn.execute_unprepared(&format!("CREATE DATABASE \"{building}\""))
                .await
                .expect("create the template");
            migrate(&postgres_url(&admin, &building)).await;
            conn.execute_unprepared(&format!(
                "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
            ))
            .await
            .expect("publish the template");
        }
        conn.execute_unprepared("SELECT pg_advisory_unlock(4711023)")
            .await
            .expect("unlock the template");
        conn.close().await.ok();
        name
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Database,
    /// The SMTP server the app delivers to.
    pub inbox: SmtpInbox,
    /// The app's clock; tests move it forward.
    pub clock: ShiftedClock,
    /// The app's state, to run its timed jobs (`app::maintenance::run_once`) at once.
    pub state: app::state::AppState,
    /// The UDP address of the embedded STUN/TURN service.
    pub turn_address: Option<std::net::SocketAddr>,
    /// The embedded STUN/TURN service (its TCP address, its open relays).
    pub turn: Option<server::turn::TurnService>,
    /// The database's address (a test's own connection outlives the app's pool).
    pub database_url: String,
    /// Ends the server's `run_until_stopped` as SIGTERM does ([`TestApp::shut_down`]).
    shutdown: Arc<tokio::sync::Notify>,
    running: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The first instance on a database owns it; [`TestApp::another_instance`]s share it.
    _database: Option<TestDatabase>,
    _site_root: tempfile::TempDir,
}

/// Runs `check` every 50 ms until it gives `Some`, for 10 s at most; `what` names the wait in
/// the failure.
pub async fn eventually<T, F, Fut>(what: impl std::fmt::Display, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "waited 10 s in vain: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shipped local settings, pointed at `db_url`.
pub fn test_settings(db_url: &str) -> Settings {
    let mut settings = config::load_settings(&workspace_root().join("config"), "local", Vec::new())
        .expect("settings");
    settings.database.url = SecretString::from(db_url.to_owned());
    settings.database.max_connections = 4;
    settings.demo.enabled = false;
    settings.security.login_delay_unit_ms = 5;
    settings.ice.turn_port = 0;
    if engine() == Engine::Postgres {
        // No data directory to generate the access-code key into (SQLite runs exercise that).
        settings.security.code_secret =
            SecretString::from(uuid::Uuid::new_v4().simple().to_string());
    }
    settings
}

/// The stand-in browser build every test app serves: the stylesheet, each bundle's files and the
/// seal module's (`pkg/<output name>.css`, `pkg/<output name>-<bundle>.{js,wasm}`).
pub const TEST_BUILD: [(&str, &str); 7] = [
    ("css", "body { color: #1a1a1a; }\n"),
    (
        "patient.js",
        "export default function init() { /* Testaufbau Patient */ }\n",
    ),
    (
        "patient.wasm",
        "\0asm Testaufbau Patient Testaufbau Testaufbau Testaufbau Testaufbau",
    ),
    (
        "practice.js",
        "export default function init() { /* Testaufbau Praxis */ }\n",
    ),
    (
        "practice.wasm",
        "\0asm Testaufbau Praxis Testaufbau Testaufbau Testaufbau Testaufbau",
    ),
    (
        "seal.js",
        "export default function init() { /* Testaufbau Versiegeln */ }\n",
    ),
    (
        "seal.wasm",
        "\0asm Testaufbau Versiegeln Testaufbau Testaufbau",
    ),
];

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The app with one practice, registered and verified as `email` and logged in (password
/// [`PASSWORD`]) in `app.client`: where most tests of a practice's pages start.
pub async fn spawn_practice(email: &str) -> TestApp {
    let app = spawn_app().await;
    app.register_verified(email).await;
    app.log_in(email, PASSWORD).await;
    app
}

/// Starts the app with the shipped settings changed by `customise`.
pub async fn spawn_app_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(TestDatabase::migrated().await, customise).await
}

/// Starts the app on `database` (e.g. an empty one, to see start-up migrate it).
pub async fn spawn_app_on(
    database: TestDatabase,
    customise: impl FnOnce(&mut Settings),
) -> TestApp {
    let url = database.url.clone();
    spawn_instance(Some(database), url, customise, &TEST_BUILD).await
}

/// Starts the app with `build` as its browser build instead of [`TEST_BUILD`] (another
/// release's files, under other hashed names).
pub async fn spawn_app_with_build(build: &[(&str, &str)]) -> TestApp {
    let database = TestDatabase::migrated().await;
    let url = database.url.clone();
    spawn_instance(Some(database), url, |_| {}, build).await
}

impl TestApp {
    /// One more server instance on the same database, as several processes behind a load
    /// balancer: its own address, clock, SMTP inbox and waiting-room registry; the same
    /// access-code key (the operator's shared setting) and `customise`.
    pub async fn another_instance(&self, customise: impl FnOnce(&mut Settings)) -> TestApp {
        let key = self.state.settings.security.code_secret.clone();
        spawn_instance(
            None,
            self.database_url.clone(),
            move |settings| {
                settings.security.code_secret = key;
                customise(settings);
            },
            &TEST_BUILD,
        )
        .await
    }
}

/// An instance on the database at `database_url` that does not own it (see
/// [`TestApp::another_instance`]), with the access-code `key` of the instances before it.
pub async fn instance_on(
    database_url: String,
    key: SecretString,
    customise: impl FnOnce(&mut Settings),
) -> TestApp {
    spawn_instance(
        None,
        database_url,
        move |settings| {
            settings.security.code_secret = key;
            customise(settings);
        },
        &TEST_BUILD,
    )
    .await
}

/// A port nothing listens on now (for a server a test starts and must know in advance).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn spawn_instance(
    database: Option<TestDatabase>,
    database_url: String,
    customise: impl FnOnce(&mut Settings),
    build: &[(&str, &str)],
) -> TestApp {
    let inbox = SmtpInbox::start().await;
    let mut settings = test_settings(&database_url);
    settings.email.transport = EmailTransport::Smtp;
    settings.email.smtp_host = "127.0.0.1".into();
    settings.email.smtp_port = inbox.port();
    settings.email.smtp_tls = SmtpTls::None;
    settings.email.smtp_timeout_seconds = 5;
    customise(&mut settings);
    let clock = ShiftedClock::default();
    let mut leptos_options =
        config::load_leptos_options(&workspace_root().join("Leptos.toml")).expect("Leptos.toml");
    leptos_options.site_addr = "127.0.0.1:0".parse().expect("addr");
    // A site root with one real asset, so static-file responses can be checked without a
    // wasm build.
    let site_root = tempfile::tempdir().expect("site root");
    std::fs::copy(
        workspace_root().join("public/favicon.svg"),
        site_root.path().join("favicon.svg"),
    )
    .expect("copy favicon");
    // A stand-in browser build: the server names it by its content hash (see `server::assets`).
    let pkg = site_root.path().join(&*leptos_options.site_pkg_dir);
    std::fs::create_dir_all(&pkg).expect("pkg dir");
    for &(file, content) in build {
        let separator = if file == "css" { "." } else { "-" };
        std::fs::write(
            pkg.join(format!("{}{separator}{file}", leptos_options.output_name)),
            content,
        )
        .expect("write the test build");
    }
    leptos_options.site_root = site_root.path().display().to_string().into();
    let app = Application::build_with_clock(settings, leptos_options, Arc::new(clock.clone()))
        .await
        .expect("build app");
    let address = format!("http://{}", app.address());
    let db = app.database().clone();
    let state = app.state().clone();
    let turn_address = app.turn_address();
    let turn = app.turn();
    let shutdown = Arc::new(tokio::sync::Notify::new());
    let running = Some(tokio::spawn(app.run_until_stopped({
        let shutdown = shutdown.clone();
        async move { shutdown.notified().await }
    })));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        db,
        inbox,
        clock,
        state,
        turn_address,
        turn,
        database_url,
        shutdown,
        running,
        _database: database,
        _site_root: site_root,
    }
}

/// Every test's pages, e-mails and PDFs are checked once more when its app goes: no text may
/// have been formatted without its variables (the user would read `{$when}`). nextest runs each
/// test in a process of its own, so the count is this test's.
impl Drop for TestApp {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert_eq!(
                app::i18n::formatting_errors(),
                Vec::<String>::new(),
                "texts formatted without all their variables (a user would read {{$…}})"
            );
        }
    }
}

impl TestApp {
    /// Shuts the server down as SIGTERM does and waits until `run_until_stopped` returned: in the
    /// binary, `main` ends then, and with it every task still running.
    pub async fn shut_down(&mut self) {
        self.shutdown.notify_one();
        if let Some(running) = self.running.take() {
            running
                .await
                .expect("the server's task")
                .expect("the server stops cleanly");
        }
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
    }

    /// GET with one extra request header.
    pub async fn get_with_header(&self, path: &str, name: &str, value: &str) -> reqwest::Response {
        self.send_with_header(reqwest::Method::GET, path, name, value)
            .await
    }

    /// POST without a body, with one extra request header.
    pub async fn post_with_header(&self, path: &str, name: &str, value: &str) -> reqwest::Response {
        self.send_with_header(reqwest::Method::POST, path, name, value)
            .await
    }

    async fn send_with_header(
        &self,
        method: reqwest::Method,
        path: &str,
        name: &str,
        value: &str,
    ) -> reqwest::Response {
        self.client
            .request(method, format!("{}{path}", self.address))
            .header(name, value)
            .send()
            .await
            .expect("request")
    }

    /// The body of a GET as text (the page as the browser gets it).
    pub async fn html(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// The body of a GET in another `browser` (another login or practice) as text.
    pub async fn html_in(&self, browser: &reqwest::Client, path: &str) -> String {
        browser
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body")
    }

    /// The URL of the test's database (for a second process on it).
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.db.conn
    }

    /// Every e-mail the app has queued so far, once the outbox has delivered all of them (none
    /// waits or is on its way): what has not arrived by then was never queued. Proves absence
    /// without sleeping.
    pub async fn mail_settled(&self) -> Vec<ReceivedEmail> {
        eventually("the e-mail outbox delivered everything queued", || async {
            let pending = query_one_string(
                self.conn(),
                "SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            .await;
            (pending == "0").then_some(())
        })
        .await;
        self.inbox.messages()
    }
}

/// Runs a query returning one row with one column and gives its text value.
pub async fn query_one_string(conn: &DatabaseConnection, sql: &str) -> String {
    let row = conn
        .query_one(Statement::from_string(
            conn.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("query")
        .expect("one row");
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|v| v.to_string()))
        .or_else(|_| row.try_get_by_index::<i32>(0).map(|v| v.to_string()))
        .expect("text or integer column")
}

/// A complete, valid registration; tests change single fields.
pub fn registration(email: &str) -> Vec<(&'static str, String)> {
    [
        ("title", "Dr. med."),
        ("first_name", "Anna"),
        ("last_name", "Beispiel"),
        ("specialty", "Allgemeinmedizin"),
        ("practice_name", "Praxis am Markt"),
        ("street", "Marktplatz 3"),
        ("postcode", "04109"),
        ("city", "Leipzig"),
        ("phone", "0341 1234567"),
        ("email", email),
        ("password", "Sonnenblumen im Wartezimmer"),
        ("lanr", "123456601"),
        ("bsnr", "981234500"),
        ("kv_region", "sachsen"),
        ("accept_terms", "on"),
        ("accept_dpa", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

pub const PASSWORD: &str = "Sonnenblumen im Wartezimmer";

impl TestApp {
    /// POSTs an urlencoded form as a browser without JavaScript would.
    pub async fn post_form(&self, path: &str, form: &[(&str, String)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .header("Accept", "text/html")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// GET `path` with another browser (e.g. practice B's).
    pub async fn get_as(&self, browser: &reqwest::Client, path: &str) -> reqwest::Response {
        browser
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
    }

    /// A second browser on the same server (its own cookies).
    pub fn new_browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client")
    }

    /// Registers, follows the link from the e-mail, and logs in; returns the e-mail.
    pub async fn register_verified(&self, email: &str) -> ReceivedEmail {
        let before = self.inbox.messages().len();
        let response = self.post_form("/registrieren", &registration(email)).await;
        assert_eq!(
            response.status(),
            303,
            "{}",
            response.text().await.unwrap_or_default()
        );
        let mails = self
            .inbox
            .wait_for_messages(before + 1, Duration::from_secs(10))
            .await;
        let mail = mails.last().expect("mail").clone();
        let link = link_in(&mail.text, "/registrieren/bestaetigen").expect("verification link");
        let response = self.confirm_link(&self.client, &link).await;
        assert_eq!(location(&response), "/anmelden?bestaetigt");
        mail
    }

    /// A second browser logged in as `email` (password [`PASSWORD`]).
    pub async fn browser_logged_in(&self, email: &str) -> reqwest::Client {
        let browser = self.new_browser();
        let response = browser
            .post(format!("{}/anmelden", self.address))
            .form(&[("email", email), ("password", PASSWORD)])
            .send()
            .await
            .expect("login");
        assert_eq!(location(&response), "/praxis");
        browser
    }

    /// A second practice, "Praxis B", registered, verified and logged in as `email` in its own
    /// browser (for isolation tests).
    pub async fn practice_b(&self, email: &str) -> reqwest::Client {
        let b = self.new_browser();
        let mut form = registration(email);
        form[4].1 = "Praxis B".into();
        b.post(format!("{}/registrieren", self.address))
            .form(&form)
            .send()
            .await
            .expect("register B");
        // Other mails (e.g. to A's patients) may still be on their way; wait for B's own.
        let verify = eventually(format!("a verification mail for {email}"), || async move {
            self.inbox
                .messages()
                .into_iter()
                .find(|m| m.to == vec![email.to_owned()])
        })
        .await;
        self.confirm_link(
            &b,
            &link_in(&verify.text, "/registrieren/bestaetigen").expect("link"),
        )
        .await;
        let login = b
            .post(format!("{}/anmelden", self.address))
            .form(&[("email", email), ("password", PASSWORD)])
            .send()
            .await
            .expect("login B");
        assert_eq!(location(&login), "/praxis");
        b
    }

    /// Invites `email` into the logged-in owner's practice with `role`, accepts the invitation
    /// with `password` in a new browser and logs it in there.
    pub async fn invite_and_log_in(
        &self,
        email: &str,
        role: &str,
        password: &str,
    ) -> reqwest::Client {
        let invited = self
            .post_form(
                "/praxis/team",
                &[
                    ("action", "invite".to_owned()),
                    ("title", String::new()),
                    ("first_name", "Ben".into()),
                    ("last_name", "Kollege".into()),
                    ("email", email.into()),
                    ("role", role.into()),
                ],
            )
            .await;
        assert_eq!(location(&invited), "/praxis/team?eingeladen");
        // Other mails (e.g. to patients) may arrive in between; wait for this one.
        let link = eventually(format!("an invitation to {email}"), || async move {
            self.inbox
                .messages()
                .iter()
                .filter(|m| m.to == vec![email.to_owned()])
                .find_map(|m| link_in(&m.text, "/einladung"))
        })
        .await;
        let token = link.split("token=").nth(1).expect("token").to_owned();
        let browser = self.new_browser();
        browser
            .post(format!("{}/einladung", self.address))
            .form(&[("token", token.as_str()), ("password", password)])
            .send()
            .await
            .expect("accept invitation");
        let login = browser
            .post(format!("{}/anmelden", self.address))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("login");
        assert_eq!(location(&login), "/praxis");
        browser
    }

    /// What a person does with the verification link: opens the page (GET changes nothing)
    /// and presses its button, which POSTs the token from the page's form.
    pub async fn confirm_link(&self, browser: &reqwest::Client, link: &str) -> reqwest::Response {
        let page = browser.get(link).send().await.expect("open link");
        assert_eq!(page.status(), 200, "the link opens a page");
        let html = page.text().await.expect("page");
        let token = crate::html::Page::parse(&html)
            .one(r#"form input[name="token"]"#)
            .attr("value")
            .expect("the page carries the token in its form")
            .to_owned();
        let action = link.split('?').next().unwrap_or(link);
        browser
            .post(action)
            .form(&[("token", token)])
            .send()
            .await
            .expect("confirm")
    }

    /// Logs in with e-mail and password; returns the response (303 on success).
    pub async fn log_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/anmelden",
            &[("email", email.into()), ("password", password.into())],
        )
        .await
    }
}

/// The redirect target of a response.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of the session cookie set by a response, if any (the benchmarks' helper).
pub use test_support::load::cookie_of as session_cookie;

/// Text of a PDF as `pdftotext` extracts it, with single spaces (it may break lines anywhere);
/// fails loudly when poppler-utils is missing.
pub fn pdf_text(bytes: &[u8]) -> String {
    let pages = pdf_pages(bytes);
    let filled: Vec<&str> = pages
        .iter()
        .map(String::as_str)
        .filter(|p| !p.is_empty())
        .collect();
    filled.join(" ")
}

/// The text of each page of a PDF (`pdftotext` separates pages with a form feed), with single
/// spaces.
pub fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext missing: install poppler-utils (scripts/test.sh does)");
    assert!(out.status.success(), "pdftotext failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut pages: Vec<String> = text
        .split('\u{c}')
        .map(|page| page.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    // The last page ends with a form feed too.
    if pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    pages
}

/// The number of pages a PDF declares, as `pdfinfo` reads it.
pub fn pdf_page_count(bytes: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo missing: install poppler-utils (scripts/test.sh does)");
    assert!(out.status.success(), "pdfinfo failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints the page count")
}

/// Renders every page of a PDF with `pdftoppm`; returns the number of PNG pages.
pub fn rendered_pages(bytes: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("document.pdf"), bytes).unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "40", "document.pdf", "page"])
        .current_dir(dir.path())
        .status()
        .expect("pdftoppm missing: install poppler-utils (scripts/test.sh does)");
    assert!(status.success(), "pdftoppm failed");
    std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| std::fs::read(e.path()).is_ok_and(|b| b.starts_with(b"\x89PNG\r\n\x1a\n")))
        .count()
}

/// The access code (`XXXX-XXXX-XXXX`) in an invitation's text.
pub fn access_code_in(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.len() == 14 && w.as_bytes()[4] == b'-' && w.as_bytes()[9] == b'-')
        .map(str::to_owned)
}

/// What the app logs, kept to be read by the test: on the test's thread under a `tracing`
/// filter ([`CapturedLog::on_this_thread`]; on a current-thread runtime the app's tasks too),
/// or as the writer of a subscriber the test sets up itself.
#[derive(Clone, Default)]
pub struct CapturedLog(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CapturedLog {
    /// Captures what `filter` lets through on this thread until the guard is dropped.
    pub fn on_this_thread(filter: &str) -> (Self, tracing::subscriber::DefaultGuard) {
        let log = Self::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        (log, tracing::subscriber::set_default(subscriber))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}
