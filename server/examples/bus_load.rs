//! The bus between instances under load (issue 26): `bus_load <postgres-url> <patients>`.
//!
//! Two instances' buses in this process on one PostgreSQL database (each with its own
//! listening connection, writer and heartbeat, as in two server processes). `patients`
//! patients wait on instance B. Then, measured in one run:
//! - a note to all of them (one notification) from A, and the same from B itself (the one-
//!   instance case: its own notification comes back through PostgreSQL too);
//! - one view to each of them from A, all published at once: notifications per second and the
//!   latency from publishing to the patient's registry slot;
//! - the transactions the two instances' writers committed for it;
//! - for comparison, the same note through the in-memory registry of a single instance.
//!
//! No HTTP and no sockets: the bus alone (the sockets' share is in `waiting_room_load`).

use app::signalling::relay::CallRelay;
use app::signalling::types::{PatientPhase, PatientView};
use app::waiting_room::rooms::Rooms;
use server::bus::PgBus;
use std::sync::Arc;
use std::time::{Duration, Instant};
use test_support::load::{percentile, Error};
use uuid::Uuid;

fn view(note: Option<String>) -> PatientView {
    PatientView {
        phase: PatientPhase::Waiting,
        appointment_time: "Samstag, 5. Dezember 2026, 14:30 Uhr".into(),
        note,
    }
}

/// Waits until every receiver has a new value; the time each took after `start`.
async fn arrivals(
    receivers: Vec<app::waiting_room::view_slot::ViewReceiver>,
    start: Instant,
) -> Result<Vec<Duration>, Error> {
    let mut waits = tokio::task::JoinSet::new();
    for mut receiver in receivers {
        waits.spawn(async move {
            receiver.changed().await.ok()?;
            Some(start.elapsed())
        });
    }
    let mut times = Vec::new();
    while let Some(joined) = tokio::time::timeout(Duration::from_secs(60), waits.join_next())
        .await
        .map_err(|_| "not every patient heard it within 60 s")?
    {
        times.push(joined?.ok_or("a registry slot closed")?);
    }
    times.sort();
    Ok(times)
}

fn report(what: &str, times: &[Duration]) {
    println!(
        "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(times, 0.5).as_secs_f64() * 1000.0,
        percentile(times, 0.99).as_secs_f64() * 1000.0,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, patients] = args.as_slice() else {
        return Err("usage: bus_load <postgres-url> <patients>".into());
    };
    let patients: usize = patients.parse()?;
    let settings = app::settings::DatabaseSettings {
        url: secrecy::SecretString::from(url.clone()),
        max_connections: 8,
        busy_timeout_ms: 5_000,
        acquire_timeout_ms: 5_000,
    };
    let database = server::db::connect(&settings).await?;
    server::db::migrate(&database).await?;
    let server::db::Pool::Postgres(pool) = database.pool else {
        return Err("bus_load needs a postgres:// URL".into());
    };
    let a = PgBus::start(pool.clone(), Arc::new(CallRelay::default())).await?;
    let b = PgBus::start(pool.clone(), Arc::new(CallRelay::default())).await?;
    let practice = Uuid::new_v4();
    let ids: Vec<Uuid> = (0..patients).map(|_| Uuid::new_v4()).collect();
    let started = Instant::now();
    let mut receivers: Vec<_> = ids
        .iter()
        .map(|id| b.patient_connected(practice, *id, view(None)))
        .collect();
    // Their presence rows written (one writer, batches of 256 per transaction).
    loop {
        if b.present(practice).await.len() == patients {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "presence: {patients} patients' rows written in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let transactions = || a.transactions() + b.transactions();
    for (name, from) in [("from instance A", &a), ("from B itself", &b)] {
        for receiver in &mut receivers {
            receiver.mark_unchanged();
        }
        let before = transactions();
        let start = Instant::now();
        from.note_to_waiting(practice, "Heute etwa 10 Minuten Verspätung");
        let times = arrivals(receivers.clone(), start).await?;
        report(&format!("note to {patients} waiting on B, {name}"), &times);
        println!(
            "  database: {} transactions written",
            transactions() - before
        );
    }
    // The same with one instance on SQLite: no database step.
    let alone = app::waiting_room::rooms::InMemoryRooms::default();
    let local: Vec<_> = ids
        .iter()
        .map(|id| alone.patient_connected(practice, *id, view(None)))
        .collect();
    let start = Instant::now();
    alone.note_to_waiting(practice, "Heute etwa 10 Minuten Verspätung");
    let times = arrivals(local, start).await?;
    report(
        &format!("note to {patients} waiting, one instance in memory (SQLite)"),
        &times,
    );

    for receiver in &mut receivers {
        receiver.mark_unchanged();
    }
    let before = transactions();
    let start = Instant::now();
    for (i, id) in ids.iter().enumerate() {
        a.tell_patient(practice, *id, view(Some(format!("Einzeln {i}"))));
    }
    let times = arrivals(receivers.clone(), start).await?;
    let took = times.last().copied().unwrap_or_default();
    println!(
        "views: {patients} views to single patients from A to B in {:.2} s: {:.0} notifications/s",
        took.as_secs_f64(),
        patients as f64 / took.as_secs_f64()
    );
    report("  each from publishing to the patient's slot", &times);
    let spent = transactions() - before;
    println!(
        "  database: {spent} transactions written ({:.1} notifications per transaction)",
        patients as f64 / spent.max(1) as f64
    );
    Ok(())
}
