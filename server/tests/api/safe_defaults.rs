//! Safe defaults of the real binary (issue 22, point 21): a public `base_url` needs an explicit
//! `APP_ENVIRONMENT`, production refuses the relay to private addresses, the `.eml` outbox and
//! a missing access-code key, and switching the demo off deletes the demo practice.

use crate::helpers::{spawn_app_with, TestDatabase};
use std::{path::Path, process::Stdio, time::Duration};
use tokio::process::Command;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server binary with a fresh database on free ports, the process environment cleared
/// of `APP_*` settings that could leak in from the caller.
fn server(database: &TestDatabase, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", &database.url)
        .env("APP_ICE__TURN_PORT", "0")
        .env("RUST_LOG", "info")
        .env_remove("APP_CONFIG_DIR")
        .env_remove("APP_ENVIRONMENT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, _) in std::env::vars() {
        if key.starts_with("APP_") {
            command.env_remove(key);
        }
    }
    command
}

/// Runs `command` until it exits (10 s at most); its exit code and everything it printed.
async fn refused(mut command: Command) -> (Option<i32>, String) {
    let child = command.spawn().expect("start server binary");
    let output = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("the server gives up within 10 s")
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), printed)
}

#[tokio::test]
async fn a_public_base_url_without_app_environment_is_refused() {
    let database = TestDatabase::new().await;
    let mut command = server(&database, free_port());
    command.env("APP_APPLICATION__BASE_URL", "https://video.example.de");
    let (code, printed) = refused(command).await;
    assert_eq!(code, Some(1), "{printed}");
    assert!(
        printed.contains("APP_ENVIRONMENT is not set")
            && printed.contains("https://video.example.de")
            && printed.contains("APP_ENVIRONMENT=production"),
        "{printed}"
    );
}

#[tokio::test]
async fn production_refuses_the_private_relay_the_file_outbox_and_a_missing_code_key() {
    let production = |database: &TestDatabase, port: u16| {
        let mut command = server(database, port);
        command
            .env("APP_ENVIRONMENT", "production")
            .env("APP_APPLICATION__BASE_URL", "https://video.example.de")
            .env("APP_EMAIL__TRANSPORT", "smtp")
            .env("APP_EMAIL__SMTP_HOST", "127.0.0.1")
            .env(
                "APP_SECURITY__CODE_SECRET",
                "0123456789abcdef0123456789abcdef",
            )
            .env("APP_OPERATOR__NAME", "Praxisvideo GmbH")
            .env("APP_OPERATOR__EXAMPLE", "false");
        command
    };
    let cases: [(&str, &str, &str); 4] = [
        (
            "APP_ICE__RELAY_TO_PRIVATE_ADDRESSES",
            "true",
            "relay_to_private_addresses is refused in production",
        ),
        (
            "APP_EMAIL__TRANSPORT",
            "file",
            "is refused in production: e-mails would pile up on the server",
        ),
        ("APP_SECURITY__CODE_SECRET", "", "security.code_secret"),
        (
            "APP_OPERATOR__EXAMPLE",
            "true",
            "operator.example = true is refused in production",
        ),
    ];
    let nowhere = tempfile::tempdir().unwrap();
    for (key, value, message) in cases {
        let database = TestDatabase::new().await;
        let mut command = production(&database, free_port());
        command.env(key, value);
        // No key file either (a local run may have left one in the working directory).
        command.env(
            "APP_SECURITY__CODE_SECRET_FILE",
            nowhere.path().join("code_secret"),
        );
        let (code, printed) = refused(command).await;
        assert_eq!(code, Some(1), "{key}={value}: {printed}");
        assert!(printed.contains(message), "{key}={value}: {printed}");
    }

    // Set up properly, the same production configuration starts.
    let database = TestDatabase::new().await;
    let port = free_port();
    let mut child = production(&database, port).spawn().unwrap();
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..200 {
        if client
            .get(format!("http://127.0.0.1:{port}/health/ready"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().await.ok();
    assert!(ready, "a correct production configuration starts");
}

/// A server that once ran with the demo (e.g. started without `APP_ENVIRONMENT`) and is then
/// started with `demo.enabled = false` deletes the demo practice: its password is public.
#[tokio::test]
async fn switching_the_demo_off_deletes_the_demo_practice() {
    use app::entities::{practice, practice_user};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let with_demo = spawn_app_with(|s| s.demo.enabled = true).await;
    with_demo.register_verified("echt@praxis.de").await;
    let demo_user = || {
        practice_user::Entity::find()
            .filter(practice_user::Column::EmailNormalized.eq(app::practice::demo::DEMO_EMAIL))
    };
    assert_eq!(demo_user().count(with_demo.conn()).await.unwrap(), 1);
    let demo_login = with_demo
        .log_in(
            app::practice::demo::DEMO_EMAIL,
            app::practice::demo::DEMO_PASSWORD,
        )
        .await;
    assert_eq!(crate::helpers::location(&demo_login), "/praxis");

    let url = with_demo.database_url().to_owned();
    let without = spawn_app_with(|s| {
        s.database.url = secrecy::SecretString::from(url.clone());
        s.demo.enabled = false;
    })
    .await;
    assert_eq!(demo_user().count(without.conn()).await.unwrap(), 0);
    assert_eq!(
        practice::Entity::find()
            .count(without.conn())
            .await
            .unwrap(),
        1,
        "only the real practice is left"
    );
    let refused = without
        .log_in(
            app::practice::demo::DEMO_EMAIL,
            app::practice::demo::DEMO_PASSWORD,
        )
        .await;
    assert_ne!(crate::helpers::location(&refused), "/praxis");
    let real = without
        .log_in("echt@praxis.de", crate::helpers::PASSWORD)
        .await;
    assert_eq!(crate::helpers::location(&real), "/praxis");
}
