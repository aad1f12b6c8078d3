//! How long each patient view took to go out after the practice told it (`delivery` at debug
//! level, read by the waiting-room benchmark). The socket only notes the time in memory (one
//! push under a lock); a clock writes the noted times to the log once a second. A log line
//! written on the socket's own path held back the next sockets on the same core, so the
//! figure measured its own measuring.

use std::sync::Mutex;
use std::time::Duration;

/// Times noted and not yet written, in microseconds, and how many were dropped over [`MOST`].
static NOTED: Mutex<Noted> = Mutex::new(Noted {
    times: Vec::new(),
    dropped: 0,
});

#[derive(Default)]
struct Noted {
    times: Vec<u32>,
    dropped: u64,
}

/// Times kept between two writes at most; further ones are dropped (the log says how many).
const MOST: usize = 100_000;

/// How often the noted times go to the log.
const EVERY: Duration = Duration::from_secs(1);

fn wanted() -> bool {
    tracing::enabled!(target: "delivery", tracing::Level::DEBUG)
}

/// Notes that a view went out `since` after it was told (nothing unless `delivery` is logged).
pub fn note(since: Duration) {
    if !wanted() {
        return;
    }
    let micros = u32::try_from(since.as_micros()).unwrap_or(u32::MAX);
    if let Ok(mut noted) = NOTED.lock() {
        if noted.times.len() < MOST {
            noted.times.push(micros);
        } else {
            noted.dropped += 1;
        }
    }
}

/// Writes the noted times to the log, one line each, once a second; ends at once when
/// `delivery` is not logged. The server writes what is left when it stops ([`write_noted`]).
pub async fn write_to_log() {
    if !wanted() {
        return;
    }
    let mut every = tokio::time::interval(EVERY);
    loop {
        every.tick().await;
        write_noted();
    }
}

/// Writes the times noted so far to the log.
pub fn write_noted() {
    let Noted { times, dropped } = match NOTED.lock() {
        Ok(mut noted) => std::mem::take(&mut *noted),
        Err(_) => return,
    };
    if dropped > 0 {
        tracing::debug!(target: "delivery", dropped, "patient views sent but not noted (over {MOST} a second)");
    }
    for micros in times {
        tracing::debug!(target: "delivery", micros, "patient view sent");
    }
}
