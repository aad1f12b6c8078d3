//! The KV-Antrag downloads: the operator's self-disclosure per Anlage 31b, prefilled for the
//! logged-in practice only.

use crate::helpers::{pdf_text, spawn_app, PASSWORD};
use app::kv_forms::requirements::REQUIREMENTS;

#[tokio::test]
async fn the_self_disclosure_names_every_requirement_and_only_the_own_practice() {
    let app = spawn_app().await;
    let logged_out = app.get("/praxis/kv-antrag/selbstauskunft.pdf").await;
    assert_eq!(crate::helpers::location(&logged_out), "/anmelden");

    app.register_verified("praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    let response = app.get("/praxis/kv-antrag/selbstauskunft.pdf").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"Selbstauskunft-Videosprechstunde.pdf\""
    );
    let bytes = response.bytes().await.unwrap();
    let text = pdf_text(&bytes);
    for r in REQUIREMENTS {
        assert!(text.contains(r.title), "missing: {}", r.title);
    }
    assert!(
        text.contains("Praxis am Markt") && text.contains("981234500"),
        "{text}"
    );
    assert!(text.contains("Selbstauskunft nach Anlage 31b BMV-Ä"));

    // Every page renders.
    assert_eq!(crate::helpers::rendered_pages(&bytes), 2);

    // Another practice gets its own name, never this one's.
    let b = app.practice_b("b@example.org").await;
    let other = b
        .get(format!(
            "{}/praxis/kv-antrag/selbstauskunft.pdf",
            app.address
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&other);
    assert!(
        text.contains("Praxis B") && !text.contains("Praxis am Markt"),
        "{text}"
    );
}
