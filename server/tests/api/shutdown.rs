use crate::helpers::TestDatabase;
use std::{path::Path, process::Stdio, time::Duration};
use tokio::{io::AsyncReadExt, process::Command};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real binary, as an operator starts it: SIGTERM lets it finish and exit with status 0.
#[tokio::test]
async fn sigterm_stops_the_server_binary_cleanly() {
    let database = TestDatabase::new().await;
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", &database.url)
        .env("APP_ENVIRONMENT", "local")
        // A free TURN port too: the suite must pass while the app runs on this machine.
        .env("APP_ICE__TURN_PORT", "0")
        .env("RUST_LOG", "info")
        .env_remove("APP_CONFIG_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start server binary");

    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/health/ready");
    let mut ready = false;
    for _ in 0..200 {
        if client
            .get(&url)
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "server did not become ready within 10 s");

    let pid = child.id().expect("pid").to_string();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("server exits within 10 s of SIGTERM")
        .unwrap();
    assert!(status.success(), "exit status {status:?}");

    let mut log = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .await
        .unwrap();
    assert!(log.contains("shutdown signal received"), "{log}");
    assert!(log.contains("server stopped"), "{log}");
    assert!(
        client.get(&url).send().await.is_err(),
        "port is closed after shutdown"
    );
}
