//! Login and registration load against a running release server (issue 22, points 7 and 22).
//!
//! `auth_load <base-url> <server-pid> logins <count> <clients>`: the demo owner logs in
//! `count` times from `clients` parallel clients; prints the server's RSS before, at its peak,
//! right after and one minute after the burst (the allocator must give the 19 MiB argon2
//! buffers back).
//!
//! `auth_load <base-url> <server-pid> flood <seconds>`: login latency of two clients logging in
//! one after the other, first alone, then while 32 clients register new practices (each a
//! fresh address, so every one reaches argon2) as fast as the server answers. Start the server
//! with `APP_SECURITY__REGISTRATIONS_PER_ADDRESS_PER_HOUR=1000000` so the per-address limit
//! does not stop the flood early (a real flood comes from many addresses).

use test_support::load;

use load::{demo_login, percentile, rss_kib, Error};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, base, pid, mode, count, clients] if mode == "logins" => {
            logins(base, pid.parse()?, count.parse()?, clients.parse()?).await
        }
        [_, base, pid, mode, seconds] if mode == "flood" => {
            flood(base, pid.parse()?, seconds.parse()?).await
        }
        _ => Err(
            "usage: auth_load <base-url> <server-pid> logins <count> <clients> | \
                  auth_load <base-url> <server-pid> flood <seconds>"
                .into(),
        ),
    }
}

fn client() -> Result<reqwest::Client, Error> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

async fn logins(base: &str, pid: u32, count: usize, clients: usize) -> Result<(), Error> {
    let http = client()?;
    demo_login(&http, base).await?;
    let before = rss_kib(pid);
    let left = Arc::new(AtomicU64::new(count as u64));
    let done = Arc::new(AtomicBool::new(false));
    let peak = {
        let done = done.clone();
        tokio::spawn(async move {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            peak
        })
    };
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, base, left) = (http.clone(), base.to_owned(), left.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok()
            {
                let t = Instant::now();
                demo_login(&http, &base).await?;
                times.push(t.elapsed());
            }
            Ok::<_, Error>(times)
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await??);
    }
    let took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let peak = peak.await?;
    let after = rss_kib(pid);
    times.sort();
    println!(
        "logins: {} in {:.1} s ({:.0}/s) from {clients} clients; p50 {:?}, p99 {:?}",
        times.len(),
        took.as_secs_f64(),
        times.len() as f64 / took.as_secs_f64(),
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    println!(
        "rss: before {:.1} MB, peak {:.1} MB, right after {:.1} MB",
        mb(before),
        mb(peak.max(after)),
        mb(after)
    );
    tokio::time::sleep(Duration::from_secs(60)).await;
    println!("rss: one minute after {:.1} MB", mb(rss_kib(pid)));
    Ok(())
}

/// Two clients log in one after the other for `seconds`; the latencies.
async fn login_latencies(base: &str, seconds: u64) -> Result<Vec<Duration>, Error> {
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let (http, base) = (client()?, base.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while Instant::now() < until {
                let t = Instant::now();
                demo_login(&http, &base).await?;
                times.push(t.elapsed());
            }
            Ok::<_, Error>(times)
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await??);
    }
    times.sort();
    Ok(times)
}

fn report(label: &str, times: &[Duration]) {
    println!(
        "{label}: {} logins, p50 {:?}, p99 {:?}, max {:?}",
        times.len(),
        percentile(times, 0.5),
        percentile(times, 0.99),
        times.last().copied().unwrap_or_default()
    );
}

async fn flood(base: &str, pid: u32, seconds: u64) -> Result<(), Error> {
    report("login alone", &login_latencies(base, seconds).await?);
    let stop = Arc::new(AtomicBool::new(false));
    let registered = Arc::new(AtomicU64::new(0));
    let mut flooders = Vec::new();
    for client_no in 0..32u64 {
        let (base, stop, registered) = (base.to_owned(), stop.clone(), registered.clone());
        let http = client()?;
        flooders.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let email = format!("flut-{client_no}-{n}@example.org");
                let form = [
                    ("title", "Dr."),
                    ("first_name", "Flut"),
                    ("last_name", "Welle"),
                    ("specialty", "Allgemeinmedizin"),
                    ("practice_name", "Praxis Flut"),
                    ("street", "Deich 1"),
                    ("postcode", "04109"),
                    ("city", "Leipzig"),
                    ("phone", "0341 1234567"),
                    ("email", email.as_str()),
                    ("password", "Sonnenblumen im Wartezimmer"),
                    ("lanr", "123456601"),
                    ("bsnr", "981234500"),
                    ("kv_region", "sachsen"),
                    ("accept_terms", "on"),
                    ("accept_dpa", "on"),
                ];
                match http
                    .post(format!("{base}/registrieren"))
                    .form(&form)
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 303 => {
                        registered.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }));
    }
    // Let the flood fill the queue first.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during = login_latencies(base, seconds).await?;
    stop.store(true, Ordering::Relaxed);
    for f in flooders {
        f.await?;
    }
    report("login during the flood", &during);
    println!(
        "flood: {} registrations accepted by 32 clients; server rss {:.1} MB",
        registered.load(Ordering::Relaxed),
        mb(rss_kib(pid))
    );
    Ok(())
}
