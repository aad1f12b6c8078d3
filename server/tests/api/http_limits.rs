//! The HTTP listener against slow and idle clients over real sockets: half-sent headers, idle
//! kept-alive connections and stalled bodies are closed after their timeouts, and connections
//! beyond the cap are closed at once while the server keeps answering.

use crate::helpers::spawn_app_with;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection; what it sent, and how long that took.
async fn until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(start.elapsed()), stream.read(&mut buf))
            .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!(
                "still open after {limit:?}; got {:?}",
                String::from_utf8_lossy(&got)
            ),
        }
    }
    (String::from_utf8_lossy(&got).into_owned(), start.elapsed())
}

#[tokio::test]
async fn half_sent_requests_and_idle_connections_are_closed_after_the_header_timeout() {
    let app = spawn_app_with(|s| s.http.header_read_timeout_seconds = 1).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    // 200 clients that send half a request head and then nothing.
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream
            .write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    for stream in &mut slow {
        let (_, took) = until_closed(stream, Duration::from_secs(5)).await;
        assert!(took < Duration::from_secs(5));
    }
    // A kept-alive connection that sends no second request is closed too.
    let mut idle = TcpStream::connect(&address).await.unwrap();
    idle.write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = until_closed(&mut idle, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The server still serves.
    assert_eq!(app.get("/health/live").await.status(), 200);
}

#[tokio::test]
async fn a_stalled_body_is_cut_off() {
    let app = spawn_app_with(|s| s.http.body_idle_timeout_seconds = 1).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(
            b"POST /anmelden HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a",
        )
        .await
        .unwrap();
    let (answer, took) = until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(took < Duration::from_secs(10));
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "no handler ran with half a body: {answer}"
    );
    assert_eq!(app.get("/health/live").await.status(), 200);
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_at_once_and_served_again_when_slots_free() {
    let app = spawn_app_with(|s| {
        s.http.max_connections = 5;
        s.http.header_read_timeout_seconds = 2;
    })
    .await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(TcpStream::connect(&address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut extra = TcpStream::connect(&address).await.unwrap();
    let _ = extra
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let (answer, took) = until_closed(&mut extra, Duration::from_secs(1)).await;
    assert!(
        answer.is_empty(),
        "the sixth connection is not served: {answer}"
    );
    assert!(took < Duration::from_secs(1));
    // The held connections time out; then the server answers again.
    drop(held);
    crate::helpers::eventually("served again", || async {
        let client = reqwest::Client::new();
        client
            .get(format!("{}/health/live", app.address))
            .send()
            .await
            .ok()
            .filter(|r| r.status() == 200)
    })
    .await;
}

/// Sends `head` and then `chunks` chunks of `chunk` bytes with chunked transfer encoding (no
/// `Content-Length` to refuse early on); gives the status line and body of the answer.
async fn chunked_post(address: &str, path: &str, chunks: usize, chunk: usize) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let data = format!("{chunk:x}\r\n{}\r\n", "a".repeat(chunk));
    for _ in 0..chunks {
        // The server may answer and close before everything is sent.
        if stream.write_all(data.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    until_closed(&mut stream, Duration::from_secs(10)).await.0
}

#[tokio::test]
async fn each_route_reads_its_body_under_its_own_limit() {
    let app = spawn_app_with(|s| s.security.max_body_bytes = 64 * 1024).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    // A form of 256 KiB without a declared length: cut off at the general 64 KiB while read.
    let answer = chunked_post(&address, "/registrieren", 64, 4096).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
    assert!(answer.contains("zu gro\u{df}"), "{answer}");
    // The same body to the patient's upload route is within that route's own limit: it gets
    // past the body limit to the pass check (no pass, so refused, but not as too large).
    let answer = chunked_post(&address, "/videosprechstunde/einwilligung", 64, 4096).await;
    assert!(!answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    // Over the upload route's own limit, declared: refused at once with the document's limit.
    let over = app::consent::handlers::UPLOAD_LIMIT.bytes + 1;
    let mut stream = TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /videosprechstunde/einwilligung HTTP/1.1\r\nHost: x\r\n\
                 Content-Length: {over}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let (answer, _) = until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("10 MB"),
        "the document's limit is named: {answer}"
    );
    // A large body to an address no route takes is not read, and the server keeps serving.
    let answer = chunked_post(&address, "/gibt-es-nicht", 64, 4096).await;
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    assert_eq!(app.get("/health/live").await.status(), 200);
}

/// A client that asks for a long answer — here 400 privacy pages in one pipelined write,
/// about 6 MB; the browser code or a PDF would do the same — and then reads nothing: the
/// server's writes wait once the buffers between them are full. After the write limit the
/// connection is closed, so its place under `max_connections` is free for others.
#[tokio::test]
async fn an_answer_the_client_takes_nothing_of_ends_its_connection_and_frees_its_place() {
    const PAGES: usize = 400;
    let app = spawn_app_with(|s| {
        s.http.write_idle_timeout_seconds = 1;
        s.http.max_connections = 1;
    })
    .await;
    let address: std::net::SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    let request = "GET /datenschutz HTTP/1.1\r\nHost: sprechzimmer\r\n\r\n".repeat(PAGES);
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    let mut stalled = socket.connect(address).await.unwrap();
    stalled.write_all(request.as_bytes()).await.unwrap();
    let mut got = vec![0u8; 12];
    stalled.read_exact(&mut got).await.unwrap();
    assert_eq!(got, b"HTTP/1.1 200");
    // It reads nothing more for longer than the limit …
    tokio::time::sleep(Duration::from_secs(3)).await;
    // … and then finds its answers cut short.
    tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 65536];
        while let Ok(n @ 1..) = stalled.read(&mut buf).await {
            got.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("the server closed the connection");
    let answers = got.windows(12).filter(|w| w == b"HTTP/1.1 200").count();
    assert!(answers < PAGES, "{answers} of {PAGES} pages arrived");
    // The place is free again: a page is served.
    crate::helpers::eventually("a page is served again", || async {
        let response = reqwest::get(format!("{}/datenschutz", app.address))
            .await
            .ok()?;
        (response.status() == 200).then_some(())
    })
    .await;
}
