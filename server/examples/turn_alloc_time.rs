//! Allocation set-up time of the embedded TURN service, in process:
//! `turn_alloc_time <allocations>` (default 1000).
//!
//! Starts the service as the server does (`server::turn::start`, local settings, any free port)
//! and lets one fresh webrtc-rs TURN client after the other allocate over UDP with a credential
//! of the kind the browsers get (the unauthenticated request for the nonce, then the signed
//! Allocate: two round trips), then end it (Refresh 0). Prints p50/p99 of `allocate()`.

use app::clock::{Clock, SystemClock};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
use turn::client::{Client, ClientConfig};
use webrtc_util::Conn;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(1000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut settings = server::config::load_settings(&root.join("config"), "local", Vec::new())?;
    settings.ice.turn_port = 0;
    settings.ice.turn_tcp = false;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (service, ice) = server::turn::start(&settings, clock.clone()).await?;
    let service = service.ok_or("TURN is off")?;
    let address = service.address().to_string();
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        let servers = ice.servers(clock.now());
        let turn = servers
            .iter()
            .find(|s| s.url.starts_with("turn:"))
            .ok_or("no TURN server")?;
        let client = Client::new(ClientConfig {
            stun_serv_addr: address.clone(),
            turn_serv_addr: address.clone(),
            username: turn.username.clone().unwrap_or_default(),
            password: turn.credential.clone().unwrap_or_default(),
            realm: "sprechzimmer".into(),
            software: String::new(),
            rto_in_ms: 200,
            conn: Arc::new(UdpSocket::bind("127.0.0.1:0").await?),
            vnet: None,
        })
        .await?;
        client.listen().await?;
        let started = Instant::now();
        let relay = client.allocate().await?;
        times.push(started.elapsed());
        relay.close().await?;
        client.close().await?;
    }
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{count} allocations over UDP: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(at(0.50)),
        ms(at(0.99)),
        ms(times[times.len() - 1])
    );
    service.close().await;
    Ok(())
}
