//! Load test of the waiting room against a running release server (scripts/bench.sh starts
//! it): `waiting_room_load <base-url> <database-url> <server-pid> <sockets> <broadcast>`.
//!
//! Puts `sockets` appointments starting now into the database (`broadcast` of them for the
//! demo practice, the rest for a second practice), lets every patient enter with name and code
//! over HTTP like a browser, opens one idle signalling socket per patient and reports the
//! server's memory per socket; then the demo doctor sends one note to everybody waiting and
//! every patient socket times its arrival. Prints one extra open access code for the page
//! benchmark.

use app::calendar::access_code::AccessCode;
use app::call::types::{ClientMessage, Envelope, ServerMessage};
use app::entities::{appointment, practice, practice_user};
use chrono::{Duration as ChronoDuration, Utc};
use futures_util::{SinkExt, StreamExt};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
use uuid::Uuid;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// A copy of the demo practice and its doctor under new ids (the idle patients' practice).
async fn second_practice(
    db: &DatabaseConnection,
    demo: &practice::Model,
    doctor: &practice_user::Model,
) -> Result<(Uuid, Uuid), Error> {
    let practice_id = Uuid::now_v7();
    let mut p = demo.clone().into_active_model().reset_all();
    p.id = Set(practice_id);
    p.name = Set("Lastpraxis".into());
    p.insert(db).await?;
    let doctor_id = Uuid::now_v7();
    let mut d = doctor.clone().into_active_model().reset_all();
    d.id = Set(doctor_id);
    d.practice_id = Set(practice_id);
    d.email = Set(format!("last-{doctor_id}@sprechzimmer.test"));
    d.email_normalized = Set(format!("last-{doctor_id}@sprechzimmer.test"));
    d.insert(db).await?;
    Ok((practice_id, doctor_id))
}

async fn book(
    db: &DatabaseConnection,
    practice_id: Uuid,
    doctor_id: Uuid,
    n: usize,
) -> Result<Vec<String>, Error> {
    let now = Utc::now();
    let mut codes = Vec::with_capacity(n);
    for i in 0..n {
        let code = AccessCode::generate()?;
        appointment::ActiveModel {
            id: Set(Uuid::now_v7()),
            practice_id: Set(practice_id),
            doctor_id: Set(doctor_id),
            patient_name: Set(format!("Patientin Last {i}")),
            patient_email: Set(format!("last{i}@example.org")),
            starts_at: Set(now - ChronoDuration::minutes(1)),
            ends_at: Set(now + ChronoDuration::minutes(90)),
            duration_minutes: Set(90),
            note: Set(None),
            code_hash: Set(code.hash()),
            status: Set("scheduled".into()),
            sequence: Set(0),
            reminder_sent_at: Set(Some(now)),
            entered_name: Set(None),
            arrived_at: Set(None),
            admitted_at: Set(None),
            finished_at: Set(None),
            doctor_note: Set(None),
            entry_valid_after: Set(None),
            call_started_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        codes.push(code.display());
    }
    Ok(codes)
}

fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sprechzimmer="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

async fn enter(http: &reqwest::Client, base: &str, code: &str) -> Result<String, Error> {
    let response = http
        .post(format!("{base}/videosprechstunde"))
        .form(&[("name", "Erika Mustermann"), ("code", code)])
        .send()
        .await?;
    if response.status() != 303 {
        return Err(format!("entry answered {}", response.status()).into());
    }
    cookie_of(&response).ok_or_else(|| "no pass cookie".into())
}

async fn socket(
    base: &str,
    cookie: &str,
    side: &str,
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    Error,
> {
    let mut request = format!("{}/signal?seite={side}", base.replace("http://", "ws://"))
        .into_client_request()?;
    request.headers_mut().insert("cookie", cookie.parse()?);
    request.headers_mut().insert("origin", base.parse()?);
    Ok(tokio_tungstenite::connect_async(request).await?.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, database_url, pid, sockets, broadcast] = args.as_slice() else {
        return Err(
            "usage: waiting_room_load <base-url> <database-url> <server-pid> <sockets> <broadcast>"
                .into(),
        );
    };
    let (pid, sockets, broadcast): (u32, usize, usize) =
        (pid.parse()?, sockets.parse()?, broadcast.parse()?);
    let mut options = ConnectOptions::new(database_url.clone());
    options.max_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await?;
    let doctor = practice_user::Entity::find()
        .filter(practice_user::Column::EmailNormalized.eq(app::practice::demo::DEMO_EMAIL))
        .one(&db)
        .await?
        .ok_or("no demo practice")?;
    let demo = practice::Entity::find_by_id(doctor.practice_id)
        .one(&db)
        .await?
        .ok_or("no demo practice")?;
    let (other_practice, other_doctor) = second_practice(&db, &demo, &doctor).await?;
    let mut codes = book(&db, demo.id, doctor.id, broadcast).await?;
    codes.extend(book(&db, other_practice, other_doctor, sockets - broadcast).await?);
    let spare = book(&db, other_practice, other_doctor, 1).await?;

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let started = Instant::now();
    let mut passes = Vec::with_capacity(sockets);
    for code in &codes {
        passes.push(enter(&http, base, code).await?);
    }
    println!(
        "entries: {} patients entered with name and code in {:.1} s",
        passes.len(),
        started.elapsed().as_secs_f64()
    );

    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_kib(pid);
    let t0 = Arc::new(tokio::sync::OnceCell::<Instant>::new());
    let (arrivals, mut arrived) = mpsc::unbounded_channel::<Duration>();
    let mut tasks = Vec::with_capacity(sockets);
    for (i, pass) in passes.iter().enumerate() {
        let mut ws = socket(base, pass, "patient").await?;
        // The first message is the patient's own view.
        match ws.next().await {
            Some(Ok(Message::Text(_))) => {}
            other => return Err(format!("patient {i}: {other:?}").into()),
        }
        let t0 = t0.clone();
        let arrivals = arrivals.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(Ok(frame)) = ws.next().await {
                if let Message::Text(text) = frame {
                    if let Ok(Envelope {
                        message: ServerMessage::WaitingRoom(view),
                        ..
                    }) = serde_json::from_str::<Envelope<ServerMessage>>(&text)
                    {
                        if view.note.is_some() {
                            if let Some(sent) = t0.get() {
                                let _ = arrivals.send(sent.elapsed());
                            }
                        }
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid);
    println!(
        "sockets: {sockets} idle waiting-room sockets; server RSS {:.1} MB before, {:.1} MB after: {:.1} KB per socket",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / sockets as f64
    );

    // The doctor logs in and sends one note to everybody waiting for the demo practice.
    let login = http
        .post(format!("{base}/anmelden"))
        .form(&[
            ("email", app::practice::demo::DEMO_EMAIL),
            ("password", app::practice::demo::DEMO_PASSWORD),
        ])
        .send()
        .await?;
    let doctor_cookie = cookie_of(&login).ok_or("doctor login failed")?;
    let mut doctor_ws = socket(base, &doctor_cookie, "praxis").await?;
    doctor_ws.next().await;
    let note = Envelope::new(ClientMessage::NoteToAll {
        text: "Heute etwa 10 Minuten Verspätung".into(),
    });
    let _ = t0.set(Instant::now());
    doctor_ws
        .send(Message::text(serde_json::to_string(&note)?))
        .await?;
    let mut latencies = Vec::with_capacity(broadcast);
    while latencies.len() < broadcast {
        match tokio::time::timeout(Duration::from_secs(30), arrived.recv()).await {
            Ok(Some(latency)) => latencies.push(latency),
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
    println!(
        "broadcast: one note to {broadcast} waiting patients (of {sockets} connected): delivered p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
    println!("spare-code: {}", spare[0]);
    for task in tasks {
        task.abort();
    }
    Ok(())
}
