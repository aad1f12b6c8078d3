//! Timings of the contract deletion job (`app::contract::jobs::delete_due`) on a database with
//! many practices and a full session store: per deleted practice, small and large, and the run
//! every five minutes when nothing is due.
//! `cargo run --release --example contract_deletion [database-url] [practices] [small] [large]
//! [sessions]` (scripts/bench-contract.sh; without a URL a fresh SQLite file in a temp dir).

use test_support::load;

use app::entities::{practice, practice_user};
use chrono::Utc;
use load::{book, copy_practice, percentile, Error};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Set,
    Statement, TransactionTrait,
};
use secrecy::SecretString;
use server::{config, startup::Application};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// `n` sessions; the first `of_practice` name the practice (as a member's or patient's do).
async fn sessions(
    db: &impl ConnectionTrait,
    practice_id: Uuid,
    n: usize,
    of_practice: usize,
) -> Result<(), Error> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Sqlite => {
            "INSERT INTO tower_sessions (id, data, expiry_date) VALUES (?, ?, ?)"
        }
        _ => {
            "INSERT INTO tower_sessions.session (id, data, expiry_date) \
             VALUES ($1, $2, to_timestamp($3))"
        }
    };
    let expiry = (Utc::now() + chrono::Duration::hours(8)).timestamp();
    for i in 0..n {
        let named = if i < of_practice {
            practice_id
        } else {
            Uuid::new_v4()
        };
        // About the size of a real session record.
        let data = format!(
            "{{\"practice_id\":\"{named}\",\"user_id\":\"{}\",\"csrf\":\"{}\"}}{}",
            Uuid::new_v4(),
            Uuid::new_v4().simple(),
            " ".repeat(160)
        );
        let expiry_value: sea_orm::Value = match backend {
            DatabaseBackend::Sqlite => expiry.into(),
            _ => (expiry as f64).into(),
        };
        db.execute(Statement::from_sql_and_values(
            backend,
            sql,
            [
                Uuid::new_v4().simple().to_string().into(),
                data.into_bytes().into(),
                expiry_value,
            ],
        ))
        .await?;
    }
    Ok(())
}

fn row(name: &str, times: &mut [Duration], rows: u64) {
    times.sort();
    println!(
        "| {name} | {rows} | {:.1} ms | {:.1} ms |",
        percentile(times, 0.5).as_secs_f64() * 1000.0,
        percentile(times, 0.95).as_secs_f64() * 1000.0,
    );
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = tempfile::tempdir()?;
    let url = args
        .first()
        .filter(|u| !u.is_empty())
        .cloned()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", dir.path().display()));
    let number =
        |i: usize, default: usize| args.get(i).and_then(|n| n.parse().ok()).unwrap_or(default);
    let (practices, small, large, session_count) = (
        number(1, 10),
        number(2, 20),
        number(3, 1000),
        number(4, 10_000),
    );

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut settings = config::load_settings(&root.join("config"), "local", Vec::new())?;
    settings.database.url = SecretString::from(url.clone());
    settings.demo.enabled = true;
    settings.ice.turn_port = 0;
    let mut leptos = config::load_leptos_options(&root.join("Leptos.toml"))?;
    leptos.site_addr = "127.0.0.1:0".parse()?;
    let app = Application::build(settings, leptos).await?;
    let state = app.state().clone();
    let db = &state.db;
    let doctor = practice_user::Entity::find()
        .filter(practice_user::Column::EmailNormalized.eq(app::practice::demo::DEMO_EMAIL))
        .one(db)
        .await?
        .ok_or("no demo practice")?;
    let demo = practice::Entity::find_by_id(doctor.practice_id)
        .one(db)
        .await?
        .ok_or("no demo practice")?;

    // Half the practices small, half large; every one with two sessions in a store of
    // `session_count`.
    let mut ids = Vec::new();
    let txn = db.begin().await?;
    sessions(&txn, Uuid::nil(), session_count, 0).await?;
    for i in 0..practices {
        let (practice_id, doctor_id) = copy_practice(&txn, &demo, &doctor, "Messpraxis").await?;
        let appointments = if i % 2 == 0 { small } else { large };
        book(&txn, practice_id, doctor_id, appointments).await?;
        sessions(&txn, practice_id, 2, 2).await?;
        ids.push((practice_id, appointments));
    }
    txn.commit().await?;

    let backend = match db.get_database_backend() {
        DatabaseBackend::Sqlite => "SQLite",
        _ => "PostgreSQL",
    };
    println!(
        "{backend}: {practices} practices ({small} or {large} appointments each), \
         {session_count} other sessions in the store"
    );
    println!("| run | rows deleted | p50 | p95 |");
    println!("|---|---:|---:|---:|");
    let mut idle = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let deleted = app::contract::jobs::delete_due(&state).await?;
        idle.push(started.elapsed());
        assert_eq!(deleted.practices, 0);
    }
    let (mut small_times, mut large_times) = (Vec::new(), Vec::new());
    let (mut small_rows, mut large_rows) = (0, 0);
    for (id, appointments) in ids {
        let mut due: practice::ActiveModel = practice::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or("practice")?
            .into();
        due.deletion_at = Set(Some(Utc::now() - chrono::Duration::seconds(1)));
        due.update(db).await?;
        let started = Instant::now();
        let deleted = app::contract::jobs::delete_due(&state).await?;
        let took = started.elapsed();
        assert_eq!(deleted.practices, 1);
        if appointments == small {
            small_times.push(took);
            small_rows = deleted.rows;
        } else {
            large_times.push(took);
            large_rows = deleted.rows;
        }
    }
    row("nothing due (every 5 min)", &mut idle, 0);
    row("one small practice", &mut small_times, small_rows);
    row("one large practice", &mut large_times, large_rows);
    let ratio =
        percentile(&large_times, 0.5).as_secs_f64() / percentile(&small_times, 0.5).as_secs_f64();
    println!(
        "large / small p50: {ratio:.1}× for {:.0}× the rows",
        large_rows as f64 / small_rows as f64
    );
    Ok(())
}
