//! Einverständniserklärung through the real server: the PDF template for practice and patient,
//! the practice's key pair (wraps only), sealed uploads by the patient, the practice's review,
//! the audit log, limits, and isolation between practices. The tests encrypt and decrypt with
//! the same code the browsers run (crate `consent-crypto`); the server never can.

use crate::helpers::{location, pdf_text, TestApp, PASSWORD};
use crate::patient_entry::booked;
use crate::waiting_room::{patient_enters, ten_minutes_before};
use app::clock::Clock;
use app::consent::document::DocumentKind;
use app::consent::types::{KeyUpload, KeyWraps};
use app::consent::wrapped_key::KdfParams;
use consent_crypto::{self as crypto, PracticeKeys};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/consent");
/// Cheap Argon2id for tests (the lowest cost the browser accepts).
const CHEAP: KdfParams = KdfParams {
    m_kib: 8_192,
    t: 1,
    p: 1,
};

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture")
}

/// The practice's owner (logged in as `app.client`) sets up the key; returns the key pair.
pub(crate) async fn set_up_key(app: &TestApp) -> PracticeKeys {
    let keys = PracticeKeys::generate();
    let upload = KeyUpload {
        public_key: keys.public_key_b64(),
        passphrase_wrap: crypto::wrap_secret_key_with(&keys, "lange Praxis-Passphrase", CHEAP)
            .unwrap(),
        recovery_wrap: Some(
            crypto::wrap_secret_key_with(
                &keys,
                &crypto::normalize_recovery_code("ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2"),
                CHEAP,
            )
            .unwrap(),
        ),
    };
    let response = app
        .client
        .post(format!("{}/praxis/einwilligungen/schluessel", app.address))
        .json(&upload)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    keys
}

/// POSTs sealed bytes as the patient's browser does.
async fn upload(app: &TestApp, cookie: &str, body: Vec<u8>) -> reqwest::Response {
    app.new_browser()
        .post(format!("{}/videosprechstunde/einwilligung", app.address))
        .header("cookie", cookie)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn german_message(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.unwrap();
    body["message"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_template_names_practice_and_patient_and_renders() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;

    let blank = app.get("/praxis/einwilligungen/vorlage.pdf").await;
    assert_eq!(blank.status(), 200);
    assert_eq!(blank.headers()["content-type"], "application/pdf");
    assert_eq!(blank.headers()["cache-control"], "no-store");
    let text = pdf_text(&blank.bytes().await.unwrap());
    assert!(
        text.contains("Einverständniserklärung zur Videosprechstunde"),
        "{text}"
    );
    assert!(text.contains("Praxis am Markt"), "practice name in: {text}");
    assert!(!text.contains("Erika Mustermann"));

    // The practice's own paragraph appears in every form.
    let saved = app
        .post_form(
            "/praxis/einwilligungen",
            &[(
                "paragraph",
                "Bitte bringen Sie Ihre Versichertenkarte mit.".into(),
            )],
        )
        .await;
    assert_eq!(location(&saved), "/praxis/einwilligungen?gespeichert");

    // The patient's own form carries their name (after the access code).
    let cookie = patient_enters(&app, "Erika Mustermann", &code).await;
    let own = app
        .new_browser()
        .get(format!(
            "{}/videosprechstunde/einwilligung.pdf",
            app.address
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    let bytes = own.bytes().await.unwrap();
    let text = pdf_text(&bytes);
    assert!(text.contains("Erika Mustermann"), "{text}");
    assert!(
        text.contains("Bitte bringen Sie Ihre Versichertenkarte mit."),
        "{text}"
    );
    assert!(text.contains("Art. 9 Abs. 2 lit. a DSGVO"), "{text}");

    // It renders to images without error.
    assert_eq!(crate::helpers::rendered_pages(&bytes), 2);

    // Without the access code there is no patient form; the public link has no names.
    let anonymous = app.get("/videosprechstunde/einwilligung.pdf").await;
    assert_eq!(anonymous.status(), 401);
    let invitation = app.inbox.messages()[1].text.clone();
    let link = invitation
        .split_whitespace()
        .find(|w| w.contains("/einwilligung/") && w.ends_with(".pdf"))
        .expect("template link in the invitation")
        .to_owned();
    let public = reqwest::get(link).await.unwrap();
    assert_eq!(public.status(), 200);
    let text = pdf_text(&public.bytes().await.unwrap());
    assert!(
        text.contains("Praxis am Markt") && !text.contains("Erika"),
        "{text}"
    );
}

#[tokio::test]
async fn a_patient_upload_is_stored_as_ciphertext_only_and_opens_with_the_practice_key() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    let cookie = patient_enters(&app, "Erika Mustermann", &code).await;
    let photo = fixture("foto.png");

    // Before the practice has a key, nothing can be uploaded.
    let early = upload(&app, &cookie, vec![1; 100]).await;
    assert_eq!(early.status(), 409);
    assert!(german_message(early)
        .await
        .contains("noch nicht eingerichtet"));

    let keys = set_up_key(&app).await;
    let kind = app::consent::document::check_document(&photo).unwrap();
    let sealed = crypto::seal_document(keys.public(), kind, &photo).unwrap();
    let stored = upload(&app, &cookie, sealed).await;
    assert_eq!(stored.status(), 201);
    let id: serde_json::Value = stored.json().await.unwrap();
    let id = id["id"].as_str().unwrap().to_owned();

    // The database holds ciphertext: not the photo, no PNG signature, no piece of the image.
    let row = crate::helpers::query_one_string(app.conn(), "SELECT status FROM consent").await;
    assert_eq!(row, "uploaded");
    let db_bytes = sealed_bytes_in_db(&app, &id).await;
    assert_ne!(db_bytes, photo);
    assert!(!db_bytes.windows(8).any(|w| w == b"\x89PNG\r\n\x1a\n"));
    assert!(!db_bytes.windows(32).any(|w| w == &photo[1000..1032]));

    // The practice's browser fetches it and opens it with the key unwrapped by the passphrase.
    let wraps: KeyWraps = app
        .client
        .get(format!("{}/praxis/einwilligungen/schluessel", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        crypto::unwrap_secret_key(
            &wraps.passphrase_wrap,
            &wraps.public_key,
            "falsche Passphrase!"
        )
        .is_err(),
        "a wrong passphrase opens nothing"
    );
    let unwrapped = crypto::unwrap_secret_key(
        &wraps.passphrase_wrap,
        &wraps.public_key,
        "lange Praxis-Passphrase",
    )
    .unwrap();
    let fetched = app
        .client
        .get(format!("{}/praxis/einwilligung/dokument/{id}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["cache-control"], "no-store");
    let fetched = fetched.bytes().await.unwrap().to_vec();
    let (kind, opened) = crypto::open_document(&unwrapped, &fetched).unwrap();
    assert_eq!(kind, DocumentKind::Png);
    assert_eq!(opened, photo);
    // Another key (another practice's) cannot open it.
    assert!(crypto::open_document(&PracticeKeys::generate(), &fetched).is_err());

    // The calendar shows "zu prüfen"; confirming makes it "bestätigt".
    let consent_id = only_id::<app::entities::consent::Entity>(&app).await;
    let page = app
        .html(&format!("/praxis/einwilligung/{consent_id}"))
        .await;
    assert!(page.contains("zu prüfen"), "{page}");
    let confirmed = app
        .post_form(
            &format!("/praxis/einwilligung/{consent_id}"),
            &[("action", "confirm".into())],
        )
        .await;
    assert_eq!(
        location(&confirmed),
        format!("/praxis/einwilligung/{consent_id}?bestaetigt")
    );
    let week = app
        .html(&format!(
            "/praxis/termine?datum={}",
            app::time::berlin_date(app.clock.now())
        ))
        .await;
    assert!(week.contains("Einwilligung: bestätigt"), "{week}");

    // Every access is in the audit log.
    let log = app.html("/praxis/protokoll").await;
    for line in [
        "Schlüssel eingerichtet",
        "Dokument hochgeladen",
        "Dokument geöffnet",
        "Einwilligung bestätigt",
        "Patient/in (Zugangscode)",
    ] {
        assert!(log.contains(line), "{line} missing in the audit log");
    }
}

/// The id of the only row of a table.
async fn only_id<E>(app: &TestApp) -> String
where
    E: sea_orm::EntityTrait,
    E::Model: HasId,
{
    let rows = E::find().all(app.conn()).await.unwrap();
    assert_eq!(rows.len(), 1);
    rows[0].id().to_string()
}

trait HasId {
    fn id(&self) -> uuid::Uuid;
}
impl HasId for app::entities::consent::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
}
impl HasId for app::entities::appointment::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
}

async fn sealed_bytes_in_db(app: &TestApp, id: &str) -> Vec<u8> {
    use sea_orm::EntityTrait;
    let id = uuid::Uuid::parse_str(id).unwrap();
    app::entities::consent_document::Entity::find_by_id(id)
        .one(app.conn())
        .await
        .unwrap()
        .expect("document row")
        .sealed
}

#[tokio::test]
async fn uploads_are_limited_in_size_and_refused_without_a_pass() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    let keys = set_up_key(&app).await;
    let cookie = patient_enters(&app, "Erika Mustermann", &code).await;

    // Table of real files as the browser checks them before sealing (by content, not name).
    use app::consent::document::{check_document, DocumentError, MAX_DOCUMENT_BYTES};
    let eleven_mb = {
        let mut b = fixture("foto.png");
        b.resize(11 * 1024 * 1024, 0);
        b
    };
    let table: Vec<(&str, Vec<u8>, Result<DocumentKind, DocumentError>)> = vec![
        (
            "einwilligung.pdf",
            fixture("einwilligung.pdf"),
            Ok(DocumentKind::Pdf),
        ),
        ("foto.jpg", fixture("foto.jpg"), Ok(DocumentKind::Jpeg)),
        ("foto.png", fixture("foto.png"), Ok(DocumentKind::Png)),
        (
            "umbenannt.pdf (an EXE)",
            fixture("umbenannt.pdf"),
            Err(DocumentError::UnknownType),
        ),
        ("leer.pdf", fixture("leer.pdf"), Err(DocumentError::Empty)),
        (
            "11 MB",
            eleven_mb.clone(),
            Err(DocumentError::TooLarge {
                bytes: 11 * 1024 * 1024,
            }),
        ),
    ];
    for (name, bytes, expected) in &table {
        assert_eq!(&check_document(bytes), expected, "{name}");
    }

    // The server's own limits, whatever a modified browser sends.
    let empty = upload(&app, &cookie, Vec::new()).await;
    assert_eq!(empty.status(), 400);
    assert!(german_message(empty).await.contains("leer"));
    let too_large = upload(&app, &cookie, eleven_mb).await;
    assert_eq!(too_large.status(), 413);
    let message = too_large.text().await.unwrap();
    assert!(message.contains("zu groß"), "{message}");
    let just_fits = vec![7u8; MAX_DOCUMENT_BYTES + app::consent::document::SEAL_OVERHEAD];
    assert_eq!(upload(&app, &cookie, just_fits).await.status(), 201);

    // No pass, no upload; the server keeps serving.
    let sealed =
        crypto::seal_document(keys.public(), DocumentKind::Jpeg, &fixture("foto.jpg")).unwrap();
    let stranger = app
        .new_browser()
        .post(format!("{}/videosprechstunde/einwilligung", app.address))
        .body(sealed)
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 401);
    assert_eq!(app.get("/health/live").await.status(), 200);
}

#[tokio::test]
async fn another_practice_cannot_fetch_review_or_decrypt_a_document() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    let keys = set_up_key(&app).await;
    let cookie = patient_enters(&app, "Erika Mustermann", &code).await;
    let sealed = crypto::seal_document(
        keys.public(),
        DocumentKind::Pdf,
        &fixture("einwilligung.pdf"),
    )
    .unwrap();
    let stored = upload(&app, &cookie, sealed).await;
    let id: serde_json::Value = stored.json().await.unwrap();
    let document = id["id"].as_str().unwrap().to_owned();
    let consent = only_id::<app::entities::consent::Entity>(&app).await;

    let b = app.practice_b("b@example.org").await;
    let fetch = b
        .get(format!(
            "{}/praxis/einwilligung/dokument/{document}",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(fetch.status(), 404);
    let review = b
        .post(format!("{}/praxis/einwilligung/{consent}", app.address))
        .form(&[("action", "delete")])
        .send()
        .await
        .unwrap();
    assert_eq!(review.status(), 404);
    let page = app
        .html_in(&b, &format!("/praxis/einwilligung/{consent}"))
        .await;
    assert!(!page.contains("Erika"), "B sees nothing of A's patient");
    // B has no key of its own yet, and A's wraps are not B's.
    let wraps = b
        .get(format!("{}/praxis/einwilligungen/schluessel", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(wraps.status(), 409);
    // A's consent is untouched.
    assert_eq!(
        crate::helpers::query_one_string(app.conn(), "SELECT status FROM consent").await,
        "uploaded"
    );
    // A second key for A is refused: documents sealed to the first must stay readable.
    let other = PracticeKeys::generate();
    let second = app
        .client
        .post(format!("{}/praxis/einwilligungen/schluessel", app.address))
        .json(&KeyUpload {
            public_key: other.public_key_b64(),
            passphrase_wrap: crypto::wrap_secret_key_with(&other, "noch eine Passphrase", CHEAP)
                .unwrap(),
            recovery_wrap: Some(crypto::wrap_secret_key_with(&other, "X", CHEAP).unwrap()),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 409);
}

#[tokio::test]
async fn paper_consent_is_confirmed_at_once_for_every_appointment_of_the_patient() {
    let app = crate::helpers::spawn_app().await;
    let (_code, _starts) = booked(&app, "praxis@example.org").await;
    let id = only_id::<app::entities::appointment::Entity>(&app).await;
    let today = app::time::berlin_date(app.clock.now());
    let future = app
        .post_form(
            &format!("/praxis/termin/{id}/einwilligung"),
            &[(
                "received_on",
                (today + chrono::Duration::days(1)).to_string(),
            )],
        )
        .await;
    assert_eq!(
        location(&future),
        format!("/praxis/termin/{id}?einwilligung-datum")
    );
    let saved = app
        .post_form(
            &format!("/praxis/termin/{id}/einwilligung"),
            &[("received_on", today.to_string())],
        )
        .await;
    assert_eq!(
        location(&saved),
        format!("/praxis/termin/{id}?einwilligung-erhalten")
    );
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    assert!(page.contains("Einwilligung: bestätigt"), "{page}");
    let overview = app.html("/praxis/einwilligungen").await;
    assert!(overview.contains("auf Papier erhalten am"), "{overview}");
}

#[tokio::test]
async fn documents_per_consent_and_uploads_per_hour_are_limited() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    let keys = set_up_key(&app).await;
    let cookie = patient_enters(&app, "Erika Mustermann", &code).await;
    let page = fixture("scan.jpg");
    let sealed = crypto::seal_document(keys.public(), DocumentKind::Jpeg, &page).unwrap();
    let mut statuses = Vec::new();
    for _ in 0..31 {
        statuses.push(
            upload(&app, &cookie, sealed.clone())
                .await
                .status()
                .as_u16(),
        );
    }
    // 12 pages fit one consent; then "too many documents"; the 31st upload in the hour is
    // refused for the rate, whatever it holds.
    assert!(statuses[..12].iter().all(|s| *s == 201), "{statuses:?}");
    assert!(statuses[12..30].iter().all(|s| *s == 409), "{statuses:?}");
    assert_eq!(statuses[30], 429);
    let busy = upload(&app, &cookie, sealed).await;
    assert_eq!(busy.status(), 429);
    assert!(!german_message(busy).await.is_empty());
}

#[tokio::test]
async fn the_practice_uploads_a_scan_for_an_appointment_and_the_team_cannot_open_it() {
    let app = crate::helpers::spawn_app().await;
    booked(&app, "praxis@example.org").await;
    let keys = set_up_key(&app).await;
    let id = only_id::<app::entities::appointment::Entity>(&app).await;
    let scan = fixture("einwilligung.pdf");
    let sealed = crypto::seal_document(keys.public(), DocumentKind::Pdf, &scan).unwrap();
    let response = app
        .client
        .post(format!(
            "{}/praxis/termin/{id}/einwilligung/dokument",
            app.address
        ))
        .header("content-type", "application/octet-stream")
        .body(sealed)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(
        crate::helpers::query_one_string(app.conn(), "SELECT uploaded_by FROM consent_document")
            .await,
        "practice"
    );
    let page = app.html(&format!("/praxis/termin/{id}")).await;
    assert!(page.contains("Einwilligung: zu prüfen"), "{page}");
    // A scan for an appointment of another practice is not found.
    let b = app.practice_b("b@example.org").await;
    let foreign = b
        .post(format!(
            "{}/praxis/termin/{id}/einwilligung/dokument",
            app.address
        ))
        .body(vec![1u8; 200])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 404);
}

#[tokio::test]
async fn the_practice_deletes_a_document_and_records_a_withdrawal_both_in_the_audit_log() {
    let app = crate::helpers::spawn_app().await;
    let code = ten_minutes_before(&app, "praxis@example.org").await;
    app.log_in("praxis@example.org", PASSWORD).await;
    let cookie = patient_enters(&app, "Erika Mustermann", &code).await;
    let keys = set_up_key(&app).await;
    let photo = fixture("foto.png");
    let kind = app::consent::document::check_document(&photo).unwrap();
    let stored = upload(
        &app,
        &cookie,
        crypto::seal_document(keys.public(), kind, &photo).unwrap(),
    )
    .await;
    assert_eq!(stored.status(), 201);
    let document: serde_json::Value = stored.json().await.unwrap();
    let document = document["id"].as_str().unwrap().to_owned();
    let consent_id = only_id::<app::entities::consent::Entity>(&app).await;
    let review = format!("/praxis/einwilligung/{consent_id}");

    // An id that is no document of this practice deletes nothing.
    for wrong in ["keine-uuid".to_owned(), uuid::Uuid::new_v4().to_string()] {
        let refused = app
            .post_form(
                &review,
                &[
                    ("action", "delete-document".into()),
                    ("document", wrong.clone()),
                ],
            )
            .await;
        assert_eq!(location(&refused), "", "{wrong}: no redirect to success");
        assert!(!refused.status().is_success(), "{wrong}");
    }
    assert_eq!(
        crate::helpers::query_one_string(app.conn(), "SELECT COUNT(*) FROM consent_document").await,
        "1"
    );

    let deleted = app
        .post_form(
            &review,
            &[
                ("action", "delete-document".into()),
                ("document", document.clone()),
            ],
        )
        .await;
    assert_eq!(location(&deleted), format!("{review}?dokument-geloescht"));
    assert_eq!(
        crate::helpers::query_one_string(app.conn(), "SELECT COUNT(*) FROM consent_document").await,
        "0"
    );
    let page = app.html(&format!("{review}?dokument-geloescht")).await;
    assert!(page.contains("Das Dokument ist gelöscht."), "{page}");
    let gone = app
        .get(&format!("/praxis/einwilligung/dokument/{document}"))
        .await;
    assert_eq!(gone.status(), 404);

    let withdrawn = app
        .post_form(&review, &[("action", "withdraw".into())])
        .await;
    assert_eq!(location(&withdrawn), format!("{review}?widerrufen"));
    assert_eq!(
        crate::helpers::query_one_string(app.conn(), "SELECT status FROM consent").await,
        "withdrawn"
    );
    let page = app.html(&format!("{review}?widerrufen")).await;
    assert!(page.contains("Der Widerruf ist eingetragen."), "{page}");

    let log = app.html("/praxis/protokoll").await;
    for line in ["Dokument gelöscht", "Widerruf eingetragen"] {
        assert!(log.contains(line), "{line} missing in the audit log");
    }
}
