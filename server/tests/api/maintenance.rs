//! The hourly clean-up against the real database: what has expired goes, what counts stays.

use crate::helpers::{query_one_string, spawn_app, PASSWORD};
use app::clock::Clock;

async fn count(app: &crate::helpers::TestApp, table: &str) -> i64 {
    query_one_string(
        app.conn(),
        &format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"),
    )
    .await
    .parse()
    .expect("count")
}

#[tokio::test]
async fn expired_links_and_stale_login_counters_are_deleted_fresh_ones_kept() {
    let app = spawn_app().await;
    app.register_verified("vera@example.de").await;
    for _ in 0..2 {
        app.log_in("vera@example.de", "falsch falsch falsch").await;
    }
    app.post_form(
        "/passwort-vergessen",
        &[("email", "vera@example.de".into())],
    )
    .await;
    assert_eq!(
        count(&app, "account_token").await,
        2,
        "used verification + reset link"
    );
    assert_eq!(
        count(&app, "login_throttle").await,
        3,
        "account, address, reset-mail counter"
    );

    let now = app::maintenance::purge(app.conn(), app.clock.now())
        .await
        .unwrap();
    assert_eq!(
        now.account_tokens, 1,
        "the used verification link goes at once"
    );
    assert_eq!(now.login_counters, 0, "counters still count");
    assert_eq!(
        count(&app, "account_token").await,
        1,
        "the open reset link stays"
    );

    app.clock.advance(chrono::Duration::hours(2));
    let later = app::maintenance::purge(app.conn(), app.clock.now())
        .await
        .unwrap();
    assert_eq!(
        later.account_tokens, 1,
        "the reset link expired after one hour"
    );
    assert_eq!(later.login_counters, 3);
    assert_eq!(count(&app, "login_throttle").await, 0);
    assert_eq!(
        crate::helpers::location(&app.log_in("vera@example.de", PASSWORD).await),
        "/praxis",
        "the account itself is untouched"
    );
}
