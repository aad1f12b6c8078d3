//! Secrets at rest (issue 22, points 11 and 12): once an e-mail is delivered, no access code,
//! verification, reset or invitation link stays readable in the database or the `.eml`
//! folder; access codes are stored as HMAC with the server's key, not as bare SHA-256.

use crate::helpers::{engine, eventually, spawn_app, spawn_app_with, Engine, TestApp};
use app::entities::{appointment, email_outbox};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};
use sha2::{Digest, Sha256};

/// Every secret-looking word of the delivered mails: the access code (as shown and as typed)
/// and the last path segment or query value of every link (the 256-bit tokens).
fn secrets_in(app: &TestApp) -> Vec<String> {
    let mut secrets = Vec::new();
    for mail in app.inbox.messages() {
        for word in mail.text.split_whitespace() {
            if word.len() == 14 && word.as_bytes()[4] == b'-' && word.as_bytes()[9] == b'-' {
                secrets.push(word.to_owned());
                secrets.push(word.replace('-', ""));
            }
        }
        let mut rest = mail.text.as_str();
        while let Some(start) = rest.find("http") {
            let link: String = rest[start..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '"'))
                .collect();
            let token = link
                .rsplit(['/', '=', '#'])
                .next()
                .unwrap_or_default()
                .trim_end_matches(['.', ',', ')']);
            if token.len() >= 20 {
                secrets.push(token.to_owned());
            }
            rest = &rest[start + 4..];
        }
    }
    secrets
}

async fn wait_until_everything_is_sent(app: &TestApp) {
    eventually("every queued e-mail sent", || async move {
        let unsent = email_outbox::Entity::find()
            .filter(email_outbox::Column::SentAt.is_null())
            .count(app.conn())
            .await
            .unwrap();
        (unsent == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn after_delivery_no_code_or_link_is_left_in_the_outbox_or_the_database_file() {
    let app = spawn_app().await;
    let (code, _) = crate::patient_entry::booked(&app, "praxis@example.org").await;
    crate::team::invite(&app, "neu@example.org", "doctor").await;
    app.post_form(
        "/passwort-vergessen",
        &[("email", "praxis@example.org".into())],
    )
    .await;
    app.inbox
        .wait_for_messages(4, std::time::Duration::from_secs(10))
        .await;
    wait_until_everything_is_sent(&app).await;

    let secrets = secrets_in(&app);
    assert!(secrets.contains(&code), "the code is among the secrets");
    assert!(
        secrets.len() >= 5,
        "code (2 forms), verification, invitation and reset link: {secrets:?}"
    );
    let rows = email_outbox::Entity::find().all(app.conn()).await.unwrap();
    assert!(rows.len() >= 4);
    for row in &rows {
        assert!(row.sent_at.is_some());
        assert_eq!(row.body_text, "", "body blanked once sent");
        assert_eq!(row.body_html, "");
        assert_eq!(row.attachment_body, None);
        let kept = format!("{} {} {:?}", row.recipient, row.subject, row.last_error);
        for secret in &secrets {
            assert!(!kept.contains(secret.as_str()), "{kept}");
        }
    }

    // Not in the file either (SQLite): old row versions are overwritten, not just unlinked.
    if engine() == Engine::Sqlite {
        let conn = app.conn();
        conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
        let file: String = conn
            .query_one(Statement::from_string(
                conn.get_database_backend(),
                "SELECT file FROM pragma_database_list WHERE name = 'main'".to_owned(),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
        for secret in &secrets {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} is still in the database file"
            );
        }
    }

    // What the database does hold of the code cannot be turned back into it: a keyed hash,
    // not the SHA-256 an attacker could search 60 bits of offline.
    let stored = appointment::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    let typed = code.replace('-', "");
    let bare = data_encoding_hex(&Sha256::digest(typed.as_bytes()));
    assert_ne!(stored.code_hash, bare, "not bare SHA-256");
    assert_eq!(stored.code_hash_version, app::calendar::access_code::KEYED);
    let (status, _) =
        crate::patient_entry::enter(&app, "Erika Mustermann", &stored.code_hash).await;
    assert_eq!(status, 422, "the stored hash opens nothing");
}

fn data_encoding_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Rows from before the keyed hash (bare SHA-256, version 0) still open the room once, and
/// are rewritten with the keyed hash on that first use.
#[tokio::test]
async fn a_code_stored_the_old_way_works_and_is_rehashed_on_first_use() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app().await;
    let (code, starts) = crate::patient_entry::booked(&app, "alt@praxis.de").await;
    let row = appointment::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    let legacy = data_encoding_hex(&Sha256::digest(code.replace('-', "").as_bytes()));
    let mut old: appointment::ActiveModel = row.clone().into();
    old.code_hash = Set(legacy.clone());
    old.code_hash_version = Set(app::calendar::access_code::LEGACY);
    old.update(app.conn()).await.unwrap();

    app.clock.set(starts - chrono::Duration::minutes(10));
    let (status, _) = crate::patient_entry::enter(&app, "Erika Mustermann", &code).await;
    assert_eq!(status, 303, "the old form still opens the room");
    let upgraded = appointment::Entity::find_by_id(row.id)
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        upgraded.code_hash_version,
        app::calendar::access_code::KEYED
    );
    assert_eq!(
        upgraded.code_hash, row.code_hash,
        "the keyed hash, as for new codes"
    );
    assert_ne!(upgraded.code_hash, legacy);
    let (status, _) = crate::patient_entry::enter(&app, "Erika Mustermann", &code).await;
    assert_eq!(status, 303, "and keeps working");
}

/// The key is generated once per installation for local runs (mode 0600, next to the SQLite
/// file) and read again at the next start, so codes survive a restart; another key (another
/// installation, a leaked database without the key) opens nothing.
#[cfg(unix)]
#[tokio::test]
async fn the_code_key_is_generated_private_and_kept_across_restarts() {
    use std::os::unix::fs::PermissionsExt;
    if engine() != Engine::Sqlite {
        return;
    }
    let app = spawn_app().await;
    let (code, starts) = crate::patient_entry::booked(&app, "key@praxis.de").await;
    let key_file = std::path::Path::new(
        app.database_url()
            .strip_prefix("sqlite://")
            .expect("sqlite url"),
    )
    .with_file_name("code_secret");
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", key_file.display());
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(key.trim().len(), 64);

    // A second server on the same database reads the same key: the code still works there.
    let url = app.database_url().to_owned();
    let again = spawn_app_with(|s| {
        s.database.url = secrecy::SecretString::from(url.clone());
    })
    .await;
    again.clock.set(starts - chrono::Duration::minutes(10));
    let (status, _) = crate::patient_entry::enter(&again, "Erika Mustermann", &code).await;
    assert_eq!(status, 303, "the room opens");
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), key);

    // With another key the stored hash matches nothing.
    let other = spawn_app_with(|s| {
        s.database.url = secrecy::SecretString::from(url.clone());
        s.security.code_secret = secrecy::SecretString::from("x".repeat(40));
    })
    .await;
    other.clock.set(starts - chrono::Duration::minutes(10));
    let (status, _) = crate::patient_entry::enter(&other, "Erika Mustermann", &code).await;
    assert_eq!(status, 422);
}

/// The `file` transport's `.eml` files hold the same codes and links: they go after the same
/// week as the table's rows.
#[tokio::test]
async fn old_eml_files_are_pruned_like_the_outbox_table() {
    let outbox = tempfile::tempdir().unwrap();
    let dir = outbox.path().to_path_buf();
    let app = spawn_app_with(|s| {
        s.email.transport = app::settings::EmailTransport::File;
        s.email.outbox_dir = dir.display().to_string();
    })
    .await;
    let response = app
        .post_form(
            "/registrieren",
            &crate::helpers::registration("eml@example.org"),
        )
        .await;
    assert_eq!(response.status(), 303);
    let emls = || {
        std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .count()
    };
    eventually("the .eml file written", || async {
        (emls() == 1).then_some(())
    })
    .await;
    wait_until_everything_is_sent(&app).await;

    let worker = app::email::outbox::OutboxWorker {
        db: app.conn().clone(),
        mailer: app::email::mailer::Mailer::new(&app.state.settings.email).unwrap(),
        clock: app.state.clock.clone(),
        signal: Default::default(),
        message_id_domain: "localhost".into(),
        poll_interval: std::time::Duration::from_secs(60),
    };
    // A row sent by an older version, body still there: emptied by the next clean-up.
    {
        use sea_orm::{ActiveModelTrait, Set};
        let row = email_outbox::Entity::find()
            .one(app.conn())
            .await
            .unwrap()
            .unwrap();
        let mut old: email_outbox::ActiveModel = row.into();
        old.body_text = Set("Ihr Link: https://example.org/x".into());
        old.update(app.conn()).await.unwrap();
    }
    app.clock.advance(chrono::Duration::days(6));
    assert_eq!(worker.purge().await.unwrap(), 0);
    let row = email_outbox::Entity::find()
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.body_text, "", "old bodies are emptied too");
    assert_eq!(emls(), 1, "kept for the week");
    app.clock.advance(chrono::Duration::days(2));
    assert_eq!(worker.purge().await.unwrap(), 1, "the row goes");
    assert_eq!(emls(), 0, "and its file with it");
}
