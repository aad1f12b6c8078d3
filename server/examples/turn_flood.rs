//! Unauthenticated STUN/TURN requests against a running server's embedded TURN service
//! (`scripts/bench-turn.sh` starts it): `turn_flood <turn-udp-address> <requests> <server-pid>`.
//!
//! Sends `requests` Allocate requests without credentials (each answered with 401 and a nonce;
//! upstream webrtc-rs `turn` kept every nonce for good) from 64 source ports, at most 16
//! unanswered per port, and reports the server's resident memory before, right after and one
//! minute after. Exits non-zero when it grew by more than 5 MB.

use test_support::load;

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;

const SOURCES: usize = 64;
const WINDOW: usize = 16;

/// Allocate (0x0003) request with REQUESTED-TRANSPORT UDP and a fresh transaction id.
fn allocate_request(n: u64) -> Vec<u8> {
    let mut msg = vec![0x00, 0x03, 0x00, 0x08, 0x21, 0x12, 0xA4, 0x42];
    msg.extend_from_slice(&n.to_be_bytes());
    msg.extend_from_slice(&(n as u32).to_be_bytes());
    msg.extend_from_slice(&[0x00, 0x19, 0x00, 0x04, 17, 0, 0, 0]);
    msg
}

async fn source(server: SocketAddr, count: usize, seed: u64) -> std::io::Result<usize> {
    let socket = UdpSocket::bind("127.0.0.1:0").await?;
    let mut buf = [0u8; 1500];
    let (mut sent, mut answered) = (0usize, 0usize);
    while answered < count {
        while sent < count && sent - answered < WINDOW {
            socket
                .send_to(&allocate_request(seed << 32 | sent as u64), server)
                .await?;
            sent += 1;
        }
        match tokio::time::timeout(Duration::from_millis(500), socket.recv_from(&mut buf)).await {
            Ok(Ok(_)) => answered += 1,
            Ok(Err(e)) => return Err(e),
            // Lost on loopback: send the missing ones again.
            Err(_) => sent = answered,
        }
    }
    Ok(answered)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, server, requests, pid] = args.as_slice() else {
        return Err("usage: turn_flood <turn-udp-address> <requests> <server-pid>".into());
    };
    let server: SocketAddr = server.parse()?;
    let requests: usize = requests.parse()?;
    let pid: u32 = pid.parse()?;
    let start = load::rss_kib(pid);
    let began = Instant::now();
    let mut tasks = Vec::new();
    for seed in 0..SOURCES {
        tasks.push(tokio::spawn(source(
            server,
            requests / SOURCES,
            seed as u64,
        )));
    }
    let mut answered = 0;
    for task in tasks {
        answered += task.await??;
    }
    let took = began.elapsed();
    let after = load::rss_kib(pid);
    tokio::time::sleep(Duration::from_secs(60)).await;
    let minute = load::rss_kib(pid);
    println!(
        "{answered} unauthenticated Allocate requests answered in {:.1} s ({:.0}/s)",
        took.as_secs_f64(),
        answered as f64 / took.as_secs_f64()
    );
    println!(
        "server RSS: start {start} KiB, right after {after} KiB (+{} KiB), one minute later {minute} KiB (+{} KiB)",
        after.saturating_sub(start),
        minute.saturating_sub(start)
    );
    if minute.saturating_sub(start) > 5 * 1024 {
        return Err("the server kept more than 5 MB".into());
    }
    Ok(())
}
