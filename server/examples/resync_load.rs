//! What a resynchronisation costs (issue 26): `resync_load <base-url> <database-url> <sockets>`
//! against a running release server on PostgreSQL (scripts/bench-instances.sh starts it).
//!
//! `sockets` patients of the demo practice enter over HTTP and wait, one socket each. Then the
//! instance's `LISTEN` connection is cut (`pg_terminate_backend`, as a PostgreSQL restart or a
//! network hiccup does): the instance listens again and asks every page to reconnect (1012).
//! Every client waits as the browser's code does before its first reconnect and opens its socket
//! again. Twice in one run, on the same server and sockets: first with the fixed one second of
//! the earlier pages, then spread at random as the pages do now
//! (`app::signalling::types::reconnect_delay_ms`). Reported: how many reconnects arrive in the
//! busiest 100 ms, how long until every page has its view again, and how long one reconnect
//! takes from opening the socket to the view (the server under that burst).

use test_support::load;

use app::signalling::types::reconnect_delay_ms;
use futures_util::StreamExt;
use load::{book, demo_doctor, enter, percentile, socket, Error};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Waits for the page's view (the first text message).
async fn first_view(ws: &mut Socket) -> Result<(), Error> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(_))) => return Ok(()),
            Some(Ok(_)) => continue,
            other => return Err(format!("no view: {other:?}").into()),
        }
    }
}

/// Cuts the server's `LISTEN` connection.
async fn cut_listener(db: &DatabaseConnection) -> Result<usize, Error> {
    let killed = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN %'",
        ))
        .await?;
    Ok(killed.len())
}

/// One round: cut, every client reconnects after its wait; prints the figures.
async fn round(
    name: &str,
    base: &str,
    db: &DatabaseConnection,
    sockets: Vec<(String, Socket)>,
    spread: bool,
) -> Result<Vec<(String, Socket)>, Error> {
    let cut = Instant::now();
    let mut tasks = Vec::with_capacity(sockets.len());
    for (pass, mut ws) in sockets {
        let base = base.to_owned();
        tasks.push(tokio::spawn(async move {
            // Until the server closes the socket (1012).
            loop {
                match ws.next().await {
                    Some(Ok(Message::Close(_))) | None => break,
                    Some(Ok(_)) => continue,
                    Some(Err(_)) => break,
                }
            }
            let random = if spread { rand_unit() } else { 0.5 };
            tokio::time::sleep(Duration::from_millis(reconnect_delay_ms(1, random))).await;
            let opened = Instant::now();
            let at = cut.elapsed();
            let mut ws = socket(&base, &pass, "patient").await?;
            first_view(&mut ws).await?;
            Ok::<_, Error>((pass, ws, at, opened.elapsed(), cut.elapsed()))
        }));
    }
    if cut_listener(db).await? == 0 {
        return Err("the server does not listen".into());
    }
    let mut back = Vec::with_capacity(tasks.len());
    let (mut starts, mut took, mut done) = (Vec::new(), Vec::new(), Duration::ZERO);
    for task in tasks {
        let (pass, ws, at, reconnect, at_view) = task.await??;
        starts.push(at);
        took.push(reconnect);
        done = done.max(at_view);
        back.push((pass, ws));
    }
    starts.sort();
    took.sort();
    // The busiest 100 ms of reconnects.
    let mut busiest = 0;
    let mut first = 0;
    for last in 0..starts.len() {
        while starts[last] - starts[first] >= Duration::from_millis(100) {
            first += 1;
        }
        busiest = busiest.max(last - first + 1);
    }
    println!(
        "{name}: {} pages back; reconnects in the busiest 100 ms: {busiest}; all views again {:.2} s after the cut; one reconnect (socket to view) p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        back.len(),
        done.as_secs_f64(),
        percentile(&took, 0.5).as_secs_f64() * 1000.0,
        percentile(&took, 0.99).as_secs_f64() * 1000.0,
        took.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
    Ok(back)
}

/// A number in [0, 1) (as `Math.random()` in the browser).
fn rand_unit() -> f64 {
    let bytes = uuid::Uuid::new_v4();
    let n = u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or_default());
    (n >> 11) as f64 / (1u64 << 53) as f64
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, database_url, sockets] = args.as_slice() else {
        return Err("usage: resync_load <base-url> <database-url> <sockets>".into());
    };
    let sockets: usize = sockets.parse()?;
    let (db, doctor) = demo_doctor(database_url).await?;
    let codes = book(&db, doctor.practice_id, doctor.id, sockets).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut open = Vec::with_capacity(sockets);
    for (_, code) in &codes {
        let pass = enter(&http, base, code).await?;
        let mut ws = socket(base, &pass, "patient").await?;
        first_view(&mut ws).await?;
        open.push((pass, ws));
    }
    println!("{sockets} patients waiting, one socket each");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let open = round("fixed 1 s (before)", base, &db, open, false).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    round("spread 0.5–1.5 s (after)", base, &db, open, true).await?;
    Ok(())
}
