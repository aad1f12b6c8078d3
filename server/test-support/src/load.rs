//! Shared by the load benchmarks (`waiting_room_load`, `call_load`): appointments straight into
//! the database, entries and sockets over HTTP as a browser makes them, server figures from
//! `/proc`.

use app::calendar::access_code::AccessCode;
use app::entities::{practice, practice_user};
use chrono::{Duration as ChronoDuration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use uuid::Uuid;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The server's resident memory in KiB.
pub fn rss_kib(pid: u32) -> u64 {
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

/// The server's CPU time so far (user + system), from `/proc/<pid>/stat`.
pub fn cpu_time(pid: u32) -> Duration {
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // The fields after the command name (which may contain spaces) in parentheses.
            let after = s.rsplit_once(')')?.1.split_whitespace().collect::<Vec<_>>();
            Some(after.get(11)?.parse::<u64>().ok()? + after.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

/// `n` appointments of the practice starting a minute ago; their ids and access codes.
pub async fn book(
    db: &impl ConnectionTrait,
    practice_id: Uuid,
    doctor_id: Uuid,
    n: usize,
) -> Result<Vec<(Uuid, String)>, Error> {
    let now = Utc::now();
    let mut booked = Vec::with_capacity(n);
    for i in 0..n {
        let code = AccessCode::generate()?;
        let mut row = app::appointment::lifecycle::book(
            app::appointment::lifecycle::Booking {
                practice_id,
                doctor_id,
                patient_name: format!("Patientin Last {i}"),
                patient_email: format!("last{i}@example.org"),
                starts_at: now - ChronoDuration::minutes(1),
                ends_at: now + ChronoDuration::minutes(90),
                duration_minutes: 90,
                note: None,
                // The bench writes beside a running server and does not know its key: the
                // form of older versions, which the server upgrades on the first entry.
                code_hash: code.legacy_hash(),
                code_hash_version: app::calendar::access_code::LEGACY,
            },
            now,
        );
        // No reminder for these: they start now.
        row.reminder_sent_at = Set(Some(now));
        let id = row.insert(db).await?.id;
        booked.push((id, code.display()));
    }
    Ok(booked)
}

pub fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sprechzimmer="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

/// The patient enters with name and code; their pass cookie.
pub async fn enter(http: &reqwest::Client, base: &str, code: &str) -> Result<String, Error> {
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

/// A signalling socket as the pages open it.
pub async fn socket(
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
    // tungstenite's default read buffer is 128 KiB, zeroed again for every read: with a
    // thousand sockets hearing one note at once, that memset took a whole core of the two the
    // server shares with this client (perf during the note of `waiting_room_load`). Pages get small
    // messages; 4 KiB is plenty.
    let config = WebSocketConfig::default().read_buffer_size(4096);
    Ok(
        tokio_tungstenite::connect_async_with_config(request, Some(config), false)
            .await?
            .0,
    )
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// The demo owner logs in; the session cookie.
pub async fn demo_login(http: &reqwest::Client, base: &str) -> Result<String, Error> {
    let login = http
        .post(format!("{base}/anmelden"))
        .form(&[
            ("email", app::practice::demo::DEMO_EMAIL),
            ("password", app::practice::demo::DEMO_PASSWORD),
        ])
        .send()
        .await?;
    cookie_of(&login).ok_or_else(|| "demo login failed".into())
}

/// A connection to the server's database and the demo practice's owner.
pub async fn demo_doctor(
    database_url: &str,
) -> Result<(DatabaseConnection, practice_user::Model), Error> {
    let mut options = ConnectOptions::new(database_url.to_owned());
    options.max_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await?;
    let doctor = practice_user::Entity::find()
        .filter(practice_user::Column::EmailNormalized.eq(app::practice::demo::DEMO_EMAIL))
        .one(&db)
        .await?
        .ok_or("no demo practice")?;
    Ok((db, doctor))
}

/// A copy of the demo practice and its doctor under new ids, named `name`.
pub async fn copy_practice(
    db: &impl ConnectionTrait,
    demo: &practice::Model,
    doctor: &practice_user::Model,
    name: &str,
) -> Result<(Uuid, Uuid), Error> {
    let practice_id = Uuid::now_v7();
    let mut p = demo.clone().into_active_model().reset_all();
    p.id = Set(practice_id);
    p.name = Set(name.into());
    // The public page's short name is unique; the copy has none.
    p.short_name = Set(None);
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

/// `n` further persons invited to appointment `appointment` (issue 25), as the practice's form
/// would store them, with codes hashed under `secret` (the server's `security.code_secret`,
/// which the benchmark sets); their ids and access codes.
pub async fn invite_guests(
    db: &impl ConnectionTrait,
    practice_id: Uuid,
    appointment: Uuid,
    n: usize,
    secret: &str,
) -> Result<Vec<(Uuid, String)>, Error> {
    let secret = secrecy::SecretString::from(secret.to_owned());
    use app::appointment::guest_role::GuestRole;
    use app::entities::appointment_guest;
    let now = Utc::now();
    let mut invited = Vec::with_capacity(n);
    for i in 0..n {
        let code = AccessCode::generate()?;
        let id = Uuid::now_v7();
        appointment_guest::ActiveModel {
            id: Set(id),
            appointment_id: Set(appointment),
            practice_id: Set(practice_id),
            name: Set(format!("Gast Last {i}")),
            email: Set(format!("gast{i}-{appointment}@example.org")),
            role: Set(GuestRole::Relative),
            code_hash: Set(code.hash(&secret)),
            code_hash_version: Set(app::calendar::access_code::KEYED),
            sequence: Set(0),
            uninvited_at: Set(None),
            entered_name: Set(None),
            arrived_at: Set(None),
            admitted_at: Set(None),
            removed_at: Set(None),
            entry_valid_after: Set(None),
            doctor_note: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        invited.push((id, code.display()));
    }
    Ok(invited)
}
