//! Concurrent calls against a running release server (`scripts/bench-call.sh` starts it):
//! `call_load <base-url> <database-url> <server-pid> <calls> <direct|relay> [participants]`.
//!
//! With `participants` above 2 each call is a group consultation (issue 25): further persons
//! are invited in the database (their codes hashed under `APP_SECURITY__CODE_SECRET`, which the
//! script gives the server too), enter, are let in after the patient, and every page holds one
//! native peer per other page (a full mesh); the set-up time is join → every pair connected.
//!
//! Books `calls` appointments of the demo practice starting now, lets every patient enter with
//! name and code over HTTP and open the waiting-room socket, the demo doctor admits them all
//! from the list socket and opens one call page socket per call; then two native WebRTC peers
//! per call (webrtc-rs, synthetic Opus and VP8 at browser-like packet rates) negotiate through
//! the server, all calls at once. Reports set-up times, and the server's CPU and memory while
//! all calls run for 20 s — with `relay` the media of every call passes the embedded TURN
//! service, with `direct` none of it touches the server.

use test_support::load;
use test_support::native_peer;

use app::signalling::types::{ClientMessage, Envelope, PatientPhase, ServerMessage};
use futures_util::SinkExt;
use load::{book, cpu_time, demo_doctor, demo_login, enter, percentile, rss_kib, socket, Error};
use native_peer::{join, negotiate, receive, NativePeer, Side};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const MEASURE: Duration = Duration::from_secs(20);

async fn send(ws: &mut native_peer::Socket, message: ClientMessage) -> Result<(), Error> {
    ws.send(Message::text(serde_json::to_string(&Envelope::new(
        message,
    ))?))
    .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let (base, database_url, pid, calls, mode, participants) = match args.as_slice() {
        [_, base, database_url, pid, calls, mode] => (base, database_url, pid, calls, mode, 2),
        [_, base, database_url, pid, calls, mode, participants] => {
            (base, database_url, pid, calls, mode, participants.parse()?)
        }
        _ => return Err(
            "usage: call_load <base-url> <database-url> <server-pid> <calls> <direct|relay> [participants]".into(),
        ),
    };
    let (pid, calls): (u32, usize) = (pid.parse()?, calls.parse()?);
    let relay_only = match mode.as_str() {
        "direct" => false,
        "relay" => true,
        other => return Err(format!("mode {other}: direct or relay").into()),
    };
    let (db, doctor) = demo_doctor(database_url).await?;
    let booked = book(&db, doctor.practice_id, doctor.id, calls).await?;
    if participants > 2 {
        return group_calls(
            base,
            &db,
            &doctor,
            &booked,
            pid,
            mode,
            relay_only,
            participants,
        )
        .await;
    }

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let doctor_cookie = demo_login(&http, base).await?;
    let mut list = socket(base, &doctor_cookie, "praxis").await?;
    let mut patients = Vec::with_capacity(calls);
    for (id, code) in &booked {
        let pass = enter(&http, base, code).await?;
        let mut patient = socket(base, &pass, "patient").await?;
        // Admitted only once arrived: the first view says the patient waits.
        match receive(&mut patient).await {
            Some(ServerMessage::WaitingRoom(_)) => {}
            other => return Err(format!("a patient's first message: {other:?}").into()),
        }
        patients.push((*id, patient));
    }
    // Everybody in, every call page open and seated.
    let mut pairs = Vec::with_capacity(calls);
    for (id, mut patient) in patients {
        send(
            &mut list,
            ClientMessage::Admit {
                appointment: id.to_string(),
            },
        )
        .await?;
        loop {
            match receive(&mut patient).await {
                Some(ServerMessage::WaitingRoom(view)) if view.phase == PatientPhase::InCall => {
                    break
                }
                Some(_) => continue,
                None => return Err("a patient's socket closed before the admission".into()),
            }
        }
        let mut page = socket(base, &doctor_cookie, &format!("gespraech&termin={id}")).await?;
        let doctor_servers = join(&mut page, &format!("load-doctor-{id}")).await?;
        let patient_servers = join(&mut patient, &format!("load-patient-{id}")).await?;
        pairs.push((
            Side {
                peer: NativePeer::new("doctor", &doctor_servers, relay_only).await?,
                socket: page,
            },
            Side {
                peer: NativePeer::new("patient", &patient_servers, relay_only).await?,
                socket: patient,
            },
        ));
    }

    // All calls negotiate at once.
    let rss_before = rss_kib(pid);
    let cpu_before = cpu_time(pid);
    let started = Instant::now();
    let tasks: Vec<_> = pairs
        .into_iter()
        .map(|(mut doctor, mut patient)| {
            tokio::spawn(async move {
                let began = Instant::now();
                negotiate(&mut doctor, &mut patient, Duration::from_secs(30)).await?;
                let took = began.elapsed();
                doctor.peer.start_media().await?;
                patient.peer.start_media().await?;
                Ok::<_, Error>((took, doctor, patient))
            })
        })
        .collect();
    let mut setups = Vec::with_capacity(calls);
    let mut running = Vec::with_capacity(calls);
    for task in tasks {
        let (took, doctor, patient) = task.await??;
        setups.push(took);
        running.push((doctor, patient));
    }
    let setup_cpu = cpu_time(pid).saturating_sub(cpu_before);
    let setup_wall = started.elapsed();
    setups.sort();
    println!(
        "set-up: {calls} calls ({mode}) negotiated at once: join → connected p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms; server CPU {:.1} % of one core over the {:.1} s",
        percentile(&setups, 0.5).as_secs_f64() * 1000.0,
        percentile(&setups, 0.95).as_secs_f64() * 1000.0,
        setups.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        setup_cpu.as_secs_f64() / setup_wall.as_secs_f64() * 100.0,
        setup_wall.as_secs_f64(),
    );

    // Media for 20 s with every call up.
    let packets_before: Vec<_> = running
        .iter()
        .map(|(d, p)| (d.peer.packets(), p.peer.packets()))
        .collect();
    let cpu_before = cpu_time(pid);
    tokio::time::sleep(MEASURE).await;
    let cpu = cpu_time(pid).saturating_sub(cpu_before);
    let rss_after = rss_kib(pid);
    let mut received = 0u64;
    let mut silent = 0usize;
    for ((doctor, patient), (d0, p0)) in running.iter().zip(&packets_before) {
        for (now, before) in [(doctor.peer.packets(), d0), (patient.peer.packets(), p0)] {
            let got = (now.0 - before.0) + (now.1 - before.1);
            received += got;
            if got < 1000 {
                silent += 1;
            }
        }
    }
    println!(
        "during: {calls} calls ({mode}) for {} s: server CPU {:.1} % of one core, RSS {:.1} MB (was {:.1} MB before the set-up); the peers received {received} RTP packets ({:.0} per second per side); sides below 50 packets/s: {silent}",
        MEASURE.as_secs(),
        cpu.as_secs_f64() / MEASURE.as_secs_f64() * 100.0,
        rss_after as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        received as f64 / MEASURE.as_secs_f64() / (2 * calls) as f64,
    );
    for (doctor, patient) in running {
        doctor.peer.close().await;
        patient.peer.close().await;
    }
    if silent > 0 {
        return Err(format!("{silent} sides received (almost) no media").into());
    }
    Ok(())
}

/// Group consultations of `participants` each, all set up at once, then 20 s of media.
#[allow(clippy::too_many_arguments)]
async fn group_calls(
    base: &str,
    db: &sea_orm::DatabaseConnection,
    doctor: &app::entities::practice_user::Model,
    booked: &[(uuid::Uuid, String)],
    pid: u32,
    mode: &str,
    relay_only: bool,
    participants: usize,
) -> Result<(), Error> {
    use test_support::mesh::{Mesh, MeshPage};
    let secret = std::env::var("APP_SECURITY__CODE_SECRET")
        .map_err(|_| "APP_SECURITY__CODE_SECRET: the server's code key (the script sets both)")?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let doctor_cookie = demo_login(&http, base).await?;
    let mut list = socket(base, &doctor_cookie, "praxis").await?;
    let calls = booked.len();
    let mut groups = Vec::with_capacity(calls);
    for (id, code) in booked {
        let guests =
            load::invite_guests(db, doctor.practice_id, *id, participants - 2, &secret).await?;
        // Everybody enters and waits; the doctor lets in the patient, then each guest.
        let mut waiting = vec![("patient".to_owned(), id.to_string(), code.clone())];
        waiting.extend(
            guests
                .iter()
                .map(|(g, c)| (g.to_string(), g.to_string(), c.clone())),
        );
        let mut pages = Vec::new();
        for (seat, admit_id, code) in waiting {
            let pass = enter(&http, base, &code).await?;
            let mut ws = socket(base, &pass, "patient").await?;
            match receive(&mut ws).await {
                Some(ServerMessage::WaitingRoom(_)) => {}
                other => return Err(format!("a first message: {other:?}").into()),
            }
            send(
                &mut list,
                ClientMessage::Admit {
                    appointment: admit_id,
                },
            )
            .await?;
            loop {
                match receive(&mut ws).await {
                    Some(ServerMessage::WaitingRoom(v)) if v.phase == PatientPhase::InCall => break,
                    Some(_) => continue,
                    None => return Err("a socket closed before the admission".into()),
                }
            }
            pages.push((seat, ws));
        }
        let mut doctor_page =
            socket(base, &doctor_cookie, &format!("gespraech&termin={id}")).await?;
        let mut joined = vec![MeshPage {
            id: "doctor".into(),
            servers: join(&mut doctor_page, &format!("load-doctor-{id}")).await?,
            socket: doctor_page,
        }];
        for (seat, mut ws) in pages {
            let servers = join(&mut ws, &format!("load-{seat}")).await?;
            joined.push(MeshPage {
                id: seat,
                socket: ws,
                servers,
            });
        }
        groups.push(joined);
    }

    let rss_before = rss_kib(pid);
    let cpu_before = cpu_time(pid);
    let started = Instant::now();
    let tasks: Vec<_> = groups
        .into_iter()
        .map(|pages| {
            tokio::spawn(async move {
                let began = Instant::now();
                let mut mesh = Mesh::connect(pages, relay_only, Duration::from_secs(60)).await?;
                let took = began.elapsed();
                mesh.start_media().await?;
                Ok::<_, Error>((took, mesh))
            })
        })
        .collect();
    let mut setups = Vec::with_capacity(calls);
    let mut running = Vec::with_capacity(calls);
    for task in tasks {
        let (took, mesh) = task.await??;
        setups.push(took);
        running.push(mesh);
    }
    let setup_cpu = cpu_time(pid).saturating_sub(cpu_before);
    let setup_wall = started.elapsed();
    setups.sort();
    let pairs = participants * (participants - 1) / 2;
    println!(
        "set-up: {calls} group calls of {participants} ({pairs} pairs each, {mode}) negotiated at once: join → every pair connected p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms; server CPU {:.1} % of one core over the {:.1} s",
        percentile(&setups, 0.5).as_secs_f64() * 1000.0,
        percentile(&setups, 0.95).as_secs_f64() * 1000.0,
        setups.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        setup_cpu.as_secs_f64() / setup_wall.as_secs_f64() * 100.0,
        setup_wall.as_secs_f64(),
    );
    let before: Vec<Vec<u64>> = running.iter().map(Mesh::packets).collect();
    let cpu_before = cpu_time(pid);
    tokio::time::sleep(MEASURE).await;
    let cpu = cpu_time(pid).saturating_sub(cpu_before);
    let rss_after = rss_kib(pid);
    let (mut received, mut silent, mut connections) = (0u64, 0usize, 0usize);
    for (mesh, before) in running.iter().zip(&before) {
        for (now, then) in mesh.packets().iter().zip(before) {
            let got = now - then;
            received += got;
            connections += 1;
            if got < 1000 {
                silent += 1;
            }
        }
    }
    println!(
        "during: {calls} group calls of {participants} ({mode}) for {} s: server CPU {:.1} % of one core, RSS {:.1} MB (was {:.1} MB before the set-up); {connections} peer connections received {received} RTP packets ({:.0} per second per connection); connections below 50 packets/s: {silent}",
        MEASURE.as_secs(),
        cpu.as_secs_f64() / MEASURE.as_secs_f64() * 100.0,
        rss_after as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        received as f64 / MEASURE.as_secs_f64() / connections.max(1) as f64,
    );
    for mesh in running {
        mesh.close().await;
    }
    if silent > 0 {
        return Err(format!("{silent} connections received (almost) no media").into());
    }
    Ok(())
}
