//! Every fixed address of `app::paths` is a route: a GET gets an answer other than the 404
//! page (a page, a redirect to the login, or 405 where only POST is taken), so a route renamed
//! without its constant, or a constant mistyped, fails here.

use crate::helpers::spawn_app;

#[tokio::test]
async fn every_fixed_address_is_a_route() {
    let app = spawn_app().await;
    assert!(app::paths::ALL.len() > 40, "the list is filled");
    for path in app::paths::ALL {
        let response = app.get(path).await;
        assert_ne!(response.status(), 404, "{path} is no route");
        assert!(
            response.status().as_u16() < 500,
            "{path}: {}",
            response.status()
        );
    }
    // A built address is a route too.
    let unknown = app
        .get(&app::paths::appointment(uuid::Uuid::new_v4()))
        .await;
    assert_eq!(unknown.status(), 303, "to the login, not the 404 page");
}
