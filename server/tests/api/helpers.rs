use app::settings::Settings;
use sea_orm::{ConnectionTrait, Database as SeaDatabase, DatabaseConnection, Statement};
use secrecy::SecretString;
use server::{config, db::Database, startup::Application};
use std::path::{Path, PathBuf};

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

/// A fresh, empty database for one test; SQLite files are removed when it is dropped.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
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
            Engine::Postgres => {
                let admin = std::env::var("SPRECHZIMMER_TEST_POSTGRES_URL").expect(
                    "SPRECHZIMMER_TEST_POSTGRES_URL must point to a PostgreSQL server \
                     (scripts/test.sh starts one)",
                );
                let name = format!("test_{}", uuid::Uuid::new_v4().simple());
                let conn = SeaDatabase::connect(admin.as_str())
                    .await
                    .expect("connect to PostgreSQL");
                conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                conn.close().await.ok();
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                Self {
                    url: format!("{base}/{name}"),
                    _dir: None,
                }
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Database,
    _database: TestDatabase,
    _site_root: tempfile::TempDir,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shipped local settings, pointed at `db_url`.
pub fn test_settings(db_url: &str) -> Settings {
    let mut settings = config::load_settings(&workspace_root().join("config"), "local", Vec::new())
        .expect("settings");
    settings.database.url = SecretString::from(db_url.to_owned());
    settings.database.max_connections = 4;
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app with the shipped settings changed by `customise`.
pub async fn spawn_app_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::new().await;
    let mut settings = test_settings(&database.url);
    customise(&mut settings);
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
    leptos_options.site_root = site_root.path().display().to_string().into();
    let app = Application::build(settings, leptos_options)
        .await
        .expect("build app");
    let address = format!("http://{}", app.address());
    let db = app.database().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        db,
        _database: database,
        _site_root: site_root,
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

    pub fn conn(&self) -> &DatabaseConnection {
        &self.db.conn
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
