use crate::helpers::{query_one_string, test_settings, TestDatabase};
use axum::{routing::get, Router};
use server::{
    db,
    session::{session_layer, DbSessionStore},
};
use tower::ServiceExt;
use tower_sessions::Session;

async fn login_like_handler(session: Session) -> &'static str {
    session.insert("user", "dr-beispiel").await.expect("insert");
    "ok"
}

/// Sends one request through the real session layer on a fresh database; gives Set-Cookie and
/// the number of stored sessions.
async fn set_cookie_for(base_url: &str) -> (String, String) {
    let database = TestDatabase::new().await;
    let mut settings = test_settings(&database.url);
    settings.application.base_url = base_url.into();
    let db = db::connect(&settings.database).await.unwrap();
    let store = DbSessionStore::new(&db.pool);
    store.migrate().await.unwrap();
    let router = Router::new()
        .route("/", get(login_like_handler))
        .layer(session_layer(&settings, store).unwrap());
    let response = router
        .oneshot(
            axum::http::Request::get("/")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let table = match db.conn.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => "tower_sessions",
        _ => "tower_sessions.session",
    };
    use sea_orm::ConnectionTrait;
    let stored = query_one_string(&db.conn, &format!("SELECT count(*) FROM {table}")).await;
    (cookie, stored)
}

#[tokio::test]
async fn production_cookie_is_host_prefixed_secure_httponly_lax_and_stored_in_the_database() {
    let (cookie, stored) = set_cookie_for("https://video.example.de").await;
    assert!(cookie.starts_with("__Host-sprechzimmer="), "{cookie}");
    for attr in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Domain="),
        "__Host- cookies must not name a domain"
    );
    assert_eq!(stored, "1");
}

#[tokio::test]
async fn plain_http_localhost_gets_a_plain_name_without_secure() {
    let (cookie, _) = set_cookie_for("http://127.0.0.1:3000").await;
    assert!(cookie.starts_with("sprechzimmer="), "{cookie}");
    assert!(!cookie.contains("Secure"));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
}

#[tokio::test]
async fn pages_set_no_cookie_for_visitors() {
    let app = crate::helpers::spawn_app().await;
    for path in ["/", "/impressum", "/health/ready"] {
        let response = app.get(path).await;
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{path} sets a cookie"
        );
    }
}
