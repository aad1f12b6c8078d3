//! Load test of the waiting room against a running release server (scripts/bench.sh starts
//! it): `waiting_room_load <base-url> <database-url> <server-pid> <sockets> <broadcast>`.
//! Several instances on one PostgreSQL: comma-separated base URLs and pids; patient `i` enters
//! and waits on instance `i mod n`, the doctor's list is on the first, and the memory is the
//! instances' sum (the bus's database work is measured by `bus_load`).
//!
//! Puts `sockets` appointments starting now into the database (`broadcast` of them for the
//! demo practice, the rest for a second practice), lets every patient enter with name and code
//! over HTTP like a browser, opens one idle signalling socket per patient and reports the
//! server's memory per socket; then the demo doctor sends one note to everybody waiting and
//! every patient socket times its arrival. Prints one extra open access code for the page
//! benchmark.

use test_support::load;

use app::entities::practice;
use app::signalling::types::{ClientMessage, Envelope, ServerMessage};
use futures_util::{SinkExt, StreamExt};
use load::{
    book, copy_practice, demo_doctor, demo_login, enter, percentile, rss_kib, socket, Error,
};
use sea_orm::EntityTrait;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let [_, bases, database_url, pids, sockets, broadcast] = args.as_slice() else {
        return Err(
            "usage: waiting_room_load <base-url> <database-url> <server-pid> <sockets> <broadcast>"
                .into(),
        );
    };
    let bases: Vec<&str> = bases.split(',').collect();
    let base = bases[0];
    let pids: Vec<u32> = pids.split(',').map(str::parse).collect::<Result<_, _>>()?;
    let rss = || pids.iter().map(|pid| rss_kib(*pid)).sum::<u64>();
    let (sockets, broadcast): (usize, usize) = (sockets.parse()?, broadcast.parse()?);
    let (db, doctor) = demo_doctor(database_url).await?;
    let demo = practice::Entity::find_by_id(doctor.practice_id)
        .one(&db)
        .await?
        .ok_or("no demo practice")?;
    let (other_practice, other_doctor) = copy_practice(&db, &demo, &doctor, "Lastpraxis").await?;
    let mut booked = book(&db, demo.id, doctor.id, broadcast).await?;
    booked.extend(book(&db, other_practice, other_doctor, sockets - broadcast).await?);
    let codes: Vec<String> = booked.into_iter().map(|(_, code)| code).collect();
    let spare = book(&db, other_practice, other_doctor, 1).await?;

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let started = Instant::now();
    let mut passes = Vec::with_capacity(sockets);
    for (i, code) in codes.iter().enumerate() {
        passes.push(enter(&http, bases[i % bases.len()], code).await?);
    }
    println!(
        "entries: {} patients entered with name and code in {:.1} s",
        passes.len(),
        started.elapsed().as_secs_f64()
    );

    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss();
    let t0 = Arc::new(tokio::sync::OnceCell::<Instant>::new());
    let (arrivals, mut arrived) = mpsc::unbounded_channel::<(String, Duration)>();
    // Round two parks the readers (all sockets' tasks): the note goes out while this client
    // does not take the server's cores (as the patients' phones do not).
    let (park, _) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::with_capacity(sockets);
    for (i, pass) in passes.iter().enumerate() {
        let mut ws = socket(bases[i % bases.len()], pass, "patient").await?;
        // The first message is the patient's own view.
        match ws.next().await {
            Some(Ok(Message::Text(_))) => {}
            other => return Err(format!("patient {i}: {other:?}").into()),
        }
        let t0 = t0.clone();
        let arrivals = arrivals.clone();
        let mut parked = park.subscribe();
        tasks.push(tokio::spawn(async move {
            loop {
                // Parked: the socket is not read (the note waits in the kernel's buffer).
                if *parked.borrow_and_update() {
                    if parked.changed().await.is_err() {
                        return;
                    }
                    continue;
                }
                let frame = tokio::select! {
                    changed = parked.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        continue;
                    }
                    frame = ws.next() => frame,
                };
                let Some(Ok(frame)) = frame else { return };
                if let Message::Text(text) = frame {
                    if let Ok(Envelope {
                        message: ServerMessage::WaitingRoom(view),
                        ..
                    }) = serde_json::from_str::<Envelope<ServerMessage>>(&text)
                    {
                        if let (Some(note), Some(sent)) = (view.note, t0.get()) {
                            let _ = arrivals.send((note, sent.elapsed()));
                        }
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss();
    println!(
        "sockets: {sockets} idle waiting-room sockets; server RSS {:.1} MB before, {:.1} MB after: {:.1} KB per socket",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / sockets as f64
    );

    // The doctor logs in and sends one note to everybody waiting for the demo practice.
    let doctor_cookie = demo_login(&http, base).await?;
    let (mut doctor_ws, mut doctor_hears) = socket(base, &doctor_cookie, "praxis").await?.split();
    doctor_hears.next().await;
    // The doctor's list after each note is read, so the server's doctor task never waits on it.
    tokio::spawn(async move { while let Some(Ok(_)) = doctor_hears.next().await {} });
    let first = "Heute etwa 10 Minuten Verspätung";
    let note = |text: &str| {
        serde_json::to_string(&Envelope::new(ClientMessage::NoteToAll {
            text: text.into(),
        }))
    };
    let _ = t0.set(Instant::now());
    doctor_ws.send(Message::text(note(first)?)).await?;
    let latencies = arrivals_of(&mut arrived, first, broadcast).await?;
    println!(
        "broadcast: one note to {broadcast} waiting patients (of {sockets} connected): delivered p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );

    // Round two: the same with this client's readers parked while the server sends (the
    // server's own times are its log's second `broadcast` deliveries).
    tokio::time::sleep(Duration::from_secs(1)).await;
    park.send_replace(true);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = "Heute etwa 20 Minuten Verspätung";
    doctor_ws.send(Message::text(note(second)?)).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    park.send_replace(false);
    let parked = arrivals_of(&mut arrived, second, broadcast).await?;
    println!(
        "broadcast, readers parked: the second note reached all {} patients",
        parked.len()
    );

    println!("spare-code: {}", spare[0].1);

    // Every page goes at once (a proxy restarts, the network fails): the server's CPU time
    // until it is idle again (two readings 300 ms apart alike; the doctors' lists hear of it
    // 5 s later, not counted).
    let cpu = || {
        pids.iter()
            .map(|pid| load::cpu_time(*pid))
            .sum::<Duration>()
    };
    // The second note's times reach the server's log within a second: not counted.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let cpu_before = cpu();
    for task in tasks {
        task.abort();
    }
    let mut last = cpu_before;
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = cpu();
        if now == last {
            break;
        }
        last = now;
    }
    println!(
        "closing: {sockets} sockets closed at once, server CPU {:.0} ms until idle",
        (last - cpu_before).as_secs_f64() * 1000.0
    );
    Ok(())
}

/// The arrival times of the note `text` at `broadcast` patients, sorted; an error when some
/// did not get it within 30 s.
async fn arrivals_of(
    arrived: &mut mpsc::UnboundedReceiver<(String, Duration)>,
    text: &str,
    broadcast: usize,
) -> Result<Vec<Duration>, Error> {
    let mut latencies = Vec::with_capacity(broadcast);
    while latencies.len() < broadcast {
        match tokio::time::timeout(Duration::from_secs(30), arrived.recv()).await {
            Ok(Some((note, latency))) if note == text => latencies.push(latency),
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    latencies.sort();
    if latencies.len() < broadcast {
        return Err(format!(
            "only {} of {broadcast} patients got the note",
            latencies.len()
        )
        .into());
    }
    Ok(latencies)
}
