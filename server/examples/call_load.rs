//! Concurrent calls against a running release server (`scripts/bench-call.sh` starts it):
//! `call_load <base-url> <database-url> <server-pid> <calls> <direct|relay>`.
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
    let [_, base, database_url, pid, calls, mode] = args.as_slice() else {
        return Err(
            "usage: call_load <base-url> <database-url> <server-pid> <calls> <direct|relay>".into(),
        );
    };
    let (pid, calls): (u32, usize) = (pid.parse()?, calls.parse()?);
    let relay_only = match mode.as_str() {
        "direct" => false,
        "relay" => true,
        other => return Err(format!("mode {other}: direct or relay").into()),
    };
    let (db, doctor) = demo_doctor(database_url).await?;
    let booked = book(&db, doctor.practice_id, doctor.id, calls).await?;

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
