//! The floor under the waiting room's note (issue 24, point 6):
//! `fanout_floor <sockets> [direct] [parked]`.
//!
//! No HTTP, no WebSocket library, no registry, no database: `sockets` bare tokio tasks on two
//! worker threads (as the server has here), each owning one loopback TCP connection and
//! waiting on one `watch` channel; a second process of this program reads every connection,
//! as the load client does. One send on the channel wakes them all, and each writes the
//! patient's view with the note as one WebSocket text frame, then notes how long after the
//! send its write returned. Prints p50, p99 and max, measured in the serving process like the
//! server's own figures: what tokio and the kernel's loopback cost on these cores, shared with
//! the reader, before any of the server's work. `parked` stops the reader while the writes go
//! out (the server's cores to itself, as with the patients' phones elsewhere).

use app::signalling::types::{Envelope, PatientPhase, PatientView, ServerMessage};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

type Error = Box<dyn std::error::Error + Send + Sync>;
type Serving = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Error>>>>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let words: Vec<&str> = args.iter().skip(2).map(String::as_str).collect();
    let parked = words.contains(&"parked");
    match (args.get(1).map(String::as_str), words.contains(&"direct")) {
        (Some("read"), _) => runtime.block_on(read(&args[2], args[3].parse()?)),
        (Some(sockets), direct) if words.iter().all(|w| ["direct", "parked"].contains(w)) => {
            let sockets = sockets.parse()?;
            runtime.block_on(if direct {
                Box::pin(serve_direct(sockets, parked)) as Serving
            } else {
                Box::pin(serve(sockets, parked))
            })
        }
        _ => Err("usage: fanout_floor <sockets> [direct] [parked]".into()),
    }
}

/// The view a waiting patient gets with the note, framed as the server frames it.
fn frame() -> Result<Vec<u8>, Error> {
    let view = PatientView {
        phase: PatientPhase::Waiting,
        appointment_time: "Montag, 7. Dezember 2026, 14:30 Uhr".into(),
        note: Some("Heute etwa 10 Minuten Verspätung".into()),
    };
    let text = serde_json::to_string(&Envelope::new(ServerMessage::WaitingRoom(view)))?;
    let length = u16::try_from(text.len())?;
    let mut frame = vec![0x81, 126];
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(text.as_bytes());
    Ok(frame)
}

async fn serve(sockets: usize, parked: bool) -> Result<(), Error> {
    let (listener, mut reader) = listen_with_reader(sockets).await?;
    let frame: Arc<[u8]> = frame()?.into();
    let (told, _) = watch::channel(None::<Instant>);
    let sent = Arc::new(Mutex::new(Vec::with_capacity(sockets)));
    for _ in 0..sockets {
        let (mut stream, _) = listener.accept().await?;
        let mut note = told.subscribe();
        let sent = sent.clone();
        let frame = frame.clone();
        tokio::spawn(async move {
            if note.changed().await.is_err() {
                return;
            }
            let Some(at) = *note.borrow_and_update() else {
                return;
            };
            if stream.write_all(&frame).await.is_ok() {
                if let Ok(mut sent) = sent.lock() {
                    sent.push(at.elapsed());
                }
            }
            // Open until the reader has read it.
            let _ = stream.read(&mut [0; 1]).await;
        });
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Sent from a task, as the doctor's socket task sends the note in the server: woken from a
    // worker thread, the tasks go to that worker's own queue first (256 of them; the rest
    // overflow to the shared queue), not every one through the shared queue and its lock.
    let reading = Reading::park(&reader, parked)?;
    let told = tokio::spawn(async move {
        told.send_replace(Some(Instant::now()));
        told
    })
    .await?;
    reading.resume().await?;
    reader.wait().await?;
    drop(told);
    let sent = sent.lock().map_err(|_| "poisoned")?.clone();
    report(
        sent,
        sockets,
        &format!(
            "floor: {sockets} bare tokio tasks, one loopback write each{}",
            parked_words(parked)
        ),
    )
}

/// A loopback listener and a second process of this program that connects `sockets` times
/// and reads one frame from each.
async fn listen_with_reader(sockets: usize) -> Result<(TcpListener, tokio::process::Child), Error> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?.to_string();
    let reader = tokio::process::Command::new(std::env::current_exe()?)
        .args(["read", &address, &sockets.to_string()])
        .spawn()?;
    Ok((listener, reader))
}

/// `parked`: the reading process is stopped (SIGSTOP) from before the send until 300 ms
/// after, so the writes have the two cores to themselves, as a server has when the patients'
/// phones are elsewhere.
struct Reading(Option<u32>);

impl Reading {
    fn park(reader: &tokio::process::Child, parked: bool) -> Result<Self, Error> {
        if !parked {
            return Ok(Self(None));
        }
        let pid = reader.id().ok_or("the reader has ended")?;
        signal(pid, "-STOP")?;
        Ok(Self(Some(pid)))
    }

    async fn resume(mut self) -> Result<(), Error> {
        if let Some(pid) = self.0.take() {
            tokio::time::sleep(Duration::from_millis(300)).await;
            signal(pid, "-CONT")?;
        }
        Ok(())
    }
}

/// A run that fails between the two does not leave the reader stopped.
impl Drop for Reading {
    fn drop(&mut self) {
        if let Some(pid) = self.0.take() {
            let _ = signal(pid, "-CONT");
        }
    }
}

fn parked_words(parked: bool) -> &'static str {
    if parked {
        ", reader parked"
    } else {
        ""
    }
}

fn signal(pid: u32, which: &str) -> Result<(), Error> {
    let status = std::process::Command::new("kill")
        .args([which, &pid.to_string()])
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("kill {which} {pid}: {status}").into())
    }
}

/// Prints p50, p99 and max of the write times (each since the send), after `what`.
fn report(mut sent: Vec<Duration>, sockets: usize, what: &str) -> Result<(), Error> {
    sent.sort();
    if sent.len() < sockets {
        return Err(format!("only {} of {sockets} writes", sent.len()).into());
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms after the send",
        ms(test_support::load::percentile(&sent, 0.5)),
        ms(test_support::load::percentile(&sent, 0.99)),
        ms(sent[sent.len() - 1])
    );
    Ok(())
}

/// The same connections and frame written without a task per connection: two loops (one per
/// worker thread), each writing to its half of the connections straight after the send,
/// waiting only where a connection's buffer is full. What a note would cost if the sender wrote
/// to the sockets itself instead of waking each socket's task.
async fn serve_direct(sockets: usize, parked: bool) -> Result<(), Error> {
    let (listener, mut reader) = listen_with_reader(sockets).await?;
    let frame: Arc<[u8]> = frame()?.into();
    let mut halves = [Vec::new(), Vec::new()];
    for i in 0..sockets {
        halves[i % 2].push(listener.accept().await?.0);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (told, _) = watch::channel(None::<Instant>);
    let mut loops = vec![];
    for mut streams in halves {
        let mut note = told.subscribe();
        let frame = frame.clone();
        loops.push(tokio::spawn(async move {
            let mut sent = Vec::with_capacity(streams.len());
            if note.changed().await.is_err() {
                return (sent, streams);
            }
            let Some(at) = *note.borrow_and_update() else {
                return (sent, streams);
            };
            for stream in &mut streams {
                let written = match stream.try_write(&frame) {
                    Ok(n) if n == frame.len() => true,
                    Ok(n) => stream.write_all(&frame[n..]).await.is_ok(),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        stream.write_all(&frame).await.is_ok()
                    }
                    Err(_) => false,
                };
                if written {
                    sent.push(at.elapsed());
                }
            }
            (sent, streams)
        }));
    }
    let reading = Reading::park(&reader, parked)?;
    told.send_replace(Some(Instant::now()));
    let mut sent = vec![];
    let mut open = vec![];
    for done in loops {
        let (times, streams) = done.await?;
        sent.extend(times);
        open.push(streams);
    }
    reading.resume().await?;
    reader.wait().await?;
    drop(open);
    report(
        sent,
        sockets,
        &format!(
            "direct: {sockets} connections written by two loops{}",
            parked_words(parked)
        ),
    )
}

/// Connects `sockets` times and reads one frame from each.
async fn read(address: &str, sockets: usize) -> Result<(), Error> {
    let mut readers = Vec::with_capacity(sockets);
    for _ in 0..sockets {
        let mut stream = TcpStream::connect(address).await?;
        readers.push(tokio::spawn(async move {
            let mut buffer = [0; 4096];
            let _ = stream.read(&mut buffer).await;
        }));
    }
    for reader in readers {
        reader.await?;
    }
    Ok(())
}
