//! A real SMTP server on 127.0.0.1 for integration tests: it keeps every message it accepts,
//! parsed, and can be stopped, restarted or told to answer "try again later" to test retries.

use mail_parser::MessageParser;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

/// Largest message accepted; bigger ones get `552` like on a real server.
const MAX_MESSAGE_BYTES: usize = 1024 * 1024;
/// RFC 5321 allows 512 bytes per command line; more room for long addresses costs nothing.
const MAX_COMMAND_BYTES: usize = 4096;
/// Data lines are read in pieces of this size, so one endless line cannot exhaust memory.
const DATA_CHUNK_BYTES: usize = 64 * 1024;
/// A connection that says nothing for this long is closed, as real servers do.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// One message the inbox accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedEmail {
    /// Envelope sender (`MAIL FROM`), without angle brackets.
    pub from: String,
    /// Envelope recipients (`RCPT TO`), without angle brackets.
    pub to: Vec<String>,
    /// The message as transmitted, after dot-unstuffing.
    pub raw: String,
    /// Decoded `Subject`.
    pub subject: String,
    /// Decoded text/plain part with `\n` line ends; empty if there is none.
    pub text: String,
    /// Decoded text/html part with `\n` line ends; empty if there is none.
    pub html: String,
    /// `Message-ID` with its angle brackets, e.g. `<id@sprechzimmer>`.
    pub message_id: String,
}

/// An SMTP server for one test; stops when dropped.
pub struct SmtpInbox {
    port: u16,
    shared: Arc<Shared>,
    running: Mutex<Option<Running>>,
}

/// What survives a stop and restart.
struct Shared {
    messages: Mutex<Vec<ReceivedEmail>>,
    /// How many messages have arrived, for waiting on the next one instead of polling.
    arrived: watch::Sender<usize>,
    temporary_failure: AtomicBool,
}

struct Running {
    /// Dropping or firing it ends the accept loop and every open connection.
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl SmtpInbox {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> SmtpInbox {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind the test SMTP server");
        let port = listener.local_addr().expect("local address").port();
        let inbox = SmtpInbox {
            port,
            shared: Arc::new(Shared {
                messages: Mutex::new(Vec::new()),
                arrived: watch::Sender::new(0),
                temporary_failure: AtomicBool::new(false),
            }),
            running: Mutex::new(None),
        };
        inbox.serve(listener);
        inbox
    }

    /// The port to put into `email.smtp_port`.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message accepted so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedEmail> {
        lock(&self.shared.messages).clone()
    }

    /// Waits until at least `n` messages have arrived and returns all of them; panics on timeout.
    pub async fn wait_for_messages(&self, n: usize, timeout: Duration) -> Vec<ReceivedEmail> {
        let mut arrived = self.shared.arrived.subscribe();
        if tokio::time::timeout(timeout, arrived.wait_for(|count| *count >= n))
            .await
            .is_err()
        {
            let messages = self.messages();
            let arrived: Vec<String> = messages
                .iter()
                .map(|m| format!("  {} -> {:?}: {:?}", m.from, m.to, m.subject))
                .collect();
            panic!(
                "expected {n} e-mail(s) within {timeout:?}, but {} arrived:\n{}",
                messages.len(),
                arrived.join("\n")
            );
        }
        self.messages()
    }

    /// Closes the port and every open connection; clients get "connection refused" until
    /// [`SmtpInbox::restart`].
    pub async fn stop(&self) {
        let running = lock(&self.running).take();
        if let Some(running) = running {
            // The receiver may already be gone if the loop ended on its own; nothing to do then.
            let _ = running.shutdown.send(());
            let _ = running.task.await;
        }
    }

    /// Listens on the same port again (stopping first if still running).
    pub async fn restart(&self) {
        self.stop().await;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match bind_reusable(address) {
                Ok(listener) => break listener,
                // The old socket may linger a moment in the kernel; another test could also
                // have taken the port, which the panic below then reports.
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("cannot bind the test SMTP server to {address} again: {e}"),
            }
        };
        self.serve(listener);
    }

    /// While on, every `RCPT TO` is answered `451 4.3.0 try again later`.
    pub fn set_reply_temporary_failure(&self, on: bool) {
        self.shared.temporary_failure.store(on, Ordering::SeqCst);
    }

    fn serve(&self, listener: TcpListener) {
        let (shutdown, stop) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&self.shared), stop));
        *lock(&self.running) = Some(Running { shutdown, task });
    }
}

/// The first http(s) URL in `text` whose path starts with `path_prefix`, e.g. the link of a
/// verification e-mail.
pub fn link_in(text: &str, path_prefix: &str) -> Option<String> {
    let mut rest = text;
    while let Some(start) = rest.find("http") {
        let candidate = &rest[start..];
        let end = candidate
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
            .unwrap_or(candidate.len());
        // Punctuation that ends a sentence is not part of the link.
        let url = candidate[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']']);
        let after_scheme = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        if let Some(after) = after_scheme {
            let path = match after.find(['/', '?', '#']) {
                Some(i) if after[i..].starts_with('/') => &after[i..],
                _ => "/",
            };
            if path.starts_with(path_prefix) {
                return Some(url.to_owned());
            }
        }
        rest = &candidate["http".len()..];
    }
    None
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A test that panicked while holding the lock must not hide what the inbox received.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// SO_REUSEADDR lets the port be bound again while old connections sit in TIME_WAIT.
fn bind_reusable(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(128)
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(session(stream, Arc::clone(&shared)));
                }
                // E.g. too many open files; pause instead of spinning, then keep serving.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reaps finished sessions so the set does not grow over a long test.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    connections.shutdown().await;
}

/// The transaction being built between `MAIL FROM` and the end of `DATA`.
struct Envelope {
    from: String,
    to: Vec<String>,
}

async fn session(stream: TcpStream, shared: Arc<Shared>) {
    // An I/O error means the client went away; the session just ends.
    let _ = converse(stream, &shared).await;
}

async fn converse(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    reply(&mut write, "220 sprechzimmer-test ESMTP ready").await?;
    let mut greeted = false;
    let mut envelope: Option<Envelope> = None;
    loop {
        let Some(line) = read_piece(&mut reader, MAX_COMMAND_BYTES, &mut write).await? else {
            return Ok(());
        };
        if !line.ends_with(b"\n") {
            reply(&mut write, "500 5.5.2 line too long").await?;
            return Ok(());
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        let (verb, args) = line.split_once(' ').unwrap_or((line, ""));
        let args = args.trim();
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                greeted = true;
                envelope = None;
                // Only what this server really does: no STARTTLS, no AUTH, no PIPELINING.
                reply(
                    &mut write,
                    "250-sprechzimmer-test\r\n250-8BITMIME\r\n250 SMTPUTF8",
                )
                .await?;
            }
            "HELO" => {
                greeted = true;
                envelope = None;
                reply(&mut write, "250 sprechzimmer-test").await?;
            }
            "MAIL" => {
                let answer = if !greeted {
                    "503 5.5.1 say EHLO first"
                } else if envelope.is_some() {
                    "503 5.5.1 nested MAIL command"
                } else {
                    match path_after(args, "FROM:") {
                        Some(from) => {
                            envelope = Some(Envelope {
                                from,
                                to: Vec::new(),
                            });
                            "250 2.1.0 OK"
                        }
                        None => "501 5.5.4 syntax: MAIL FROM:<address>",
                    }
                };
                reply(&mut write, answer).await?;
            }
            "RCPT" => {
                let answer = match envelope.as_mut() {
                    None => "503 5.5.1 need MAIL before RCPT",
                    Some(_) if shared.temporary_failure.load(Ordering::SeqCst) => {
                        "451 4.3.0 try again later"
                    }
                    Some(envelope) => match path_after(args, "TO:") {
                        Some(to) if !to.is_empty() => {
                            envelope.to.push(to);
                            "250 2.1.5 OK"
                        }
                        _ => "501 5.5.4 syntax: RCPT TO:<address>",
                    },
                };
                reply(&mut write, answer).await?;
            }
            "DATA" => {
                let Some(current) = envelope.take_if(|e| !e.to.is_empty()) else {
                    reply(&mut write, "503 5.5.1 need RCPT before DATA").await?;
                    continue;
                };
                reply(&mut write, "354 end data with <CR><LF>.<CR><LF>").await?;
                let Some(raw) = read_data(&mut reader, &mut write).await? else {
                    reply(&mut write, "552 5.3.4 message larger than 1 MiB").await?;
                    continue;
                };
                let email = parse(current, raw);
                let answer = {
                    let mut messages = lock(&shared.messages);
                    messages.push(email);
                    shared.arrived.send_replace(messages.len());
                    format!("250 2.0.0 OK queued as {}", messages.len())
                };
                reply(&mut write, &answer).await?;
            }
            "RSET" => {
                envelope = None;
                reply(&mut write, "250 2.0.0 OK").await?;
            }
            "NOOP" => reply(&mut write, "250 2.0.0 OK").await?,
            "QUIT" => {
                reply(&mut write, "221 2.0.0 bye").await?;
                return Ok(());
            }
            _ => reply(&mut write, "502 5.5.2 command not implemented").await?,
        }
    }
}

async fn reply(write: &mut OwnedWriteHalf, text: &str) -> io::Result<()> {
    write.write_all(format!("{text}\r\n").as_bytes()).await
}

/// Reads up to and including the next `\n`, but at most `limit` bytes; `None` at end of stream
/// or after [`IDLE_TIMEOUT`] of silence.
async fn read_piece(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    limit: usize,
    write: &mut OwnedWriteHalf,
) -> io::Result<Option<Vec<u8>>> {
    let mut piece = Vec::new();
    let mut limited = (&mut *reader).take(limit as u64);
    let read = limited.read_until(b'\n', &mut piece);
    match tokio::time::timeout(IDLE_TIMEOUT, read).await {
        Ok(Ok(0)) => Ok(None),
        Ok(Ok(_)) => Ok(Some(piece)),
        Ok(Err(e)) => Err(e),
        Err(_) => {
            reply(write, "421 4.4.2 idle too long, closing").await?;
            Ok(None)
        }
    }
}

/// Reads the message after `354` up to the lone `.` line and undoes dot-stuffing.
/// `None` if it was too large (everything up to the end marker is read and thrown away).
/// A client that disappears mid-message ends the session through the error.
async fn read_data(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    write: &mut OwnedWriteHalf,
) -> io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut too_big = false;
    // Pieces of an overlong line do not start a line; only real line starts are unstuffed.
    let mut at_line_start = true;
    loop {
        let Some(piece) = read_piece(reader, DATA_CHUNK_BYTES, write).await? else {
            return Err(io::ErrorKind::UnexpectedEof.into());
        };
        let mut content = piece.as_slice();
        if at_line_start {
            if content == b".\r\n" || content == b".\n" {
                break;
            }
            if let Some(unstuffed) = content.strip_prefix(b".") {
                content = unstuffed;
            }
        }
        at_line_start = piece.ends_with(b"\n");
        if !too_big {
            if data.len() + content.len() > MAX_MESSAGE_BYTES {
                too_big = true;
                data = Vec::new();
            } else {
                data.extend_from_slice(content);
            }
        }
    }
    Ok((!too_big).then_some(data))
}

/// `<address>` (or a bare address) after `prefix` such as `FROM:`; parameters are ignored.
fn path_after(args: &str, prefix: &str) -> Option<String> {
    let head = args.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = args[prefix.len()..].trim_start();
    let address = match rest.strip_prefix('<') {
        Some(inner) => &inner[..inner.find('>')?],
        None => rest.split_whitespace().next()?,
    };
    Some(address.to_owned())
}

fn parse(envelope: Envelope, raw: Vec<u8>) -> ReceivedEmail {
    let parsed = MessageParser::default().parse(&raw);
    let parsed = parsed.as_ref();
    // mail-parser converts between text and HTML when a part is missing; only real parts count.
    // Mail uses CRLF on the wire; `\n` lets tests compare with what the templates wrote.
    let text = parsed
        .and_then(|m| m.text_bodies().find(|p| !p.is_text_html()))
        .and_then(|p| p.text_contents())
        .unwrap_or_default()
        .replace("\r\n", "\n");
    let html = parsed
        .and_then(|m| m.html_bodies().find(|p| p.is_text_html()))
        .and_then(|p| p.text_contents())
        .unwrap_or_default()
        .replace("\r\n", "\n");
    ReceivedEmail {
        from: envelope.from,
        to: envelope.to,
        subject: parsed
            .and_then(|m| m.subject())
            .unwrap_or_default()
            .to_owned(),
        message_id: parsed
            .and_then(|m| m.message_id())
            .map(|id| format!("<{id}>"))
            .unwrap_or_default(),
        text,
        html,
        raw: String::from_utf8_lossy(&raw).into_owned(),
    }
}

mod tests {
    use super::*;
    use app::email::mailer::{EmailMessage, Mailer, SendError};
    use app::settings::{EmailSettings, EmailTransport, SmtpTls};
    use secrecy::SecretString;

    const WAIT: Duration = Duration::from_secs(5);

    fn mailer(inbox: &SmtpInbox) -> Mailer {
        Mailer::new(&EmailSettings {
            transport: EmailTransport::Smtp,
            from: "Sprechzimmer <no-reply@praxis.example>".into(),
            outbox_dir: String::new(),
            smtp_host: "127.0.0.1".into(),
            smtp_port: inbox.port(),
            smtp_tls: SmtpTls::None,
            smtp_username: String::new(),
            smtp_password: SecretString::from(""),
            smtp_timeout_seconds: 5,
        })
        .expect("mailer")
    }

    fn message(n: u32) -> EmailMessage {
        EmailMessage {
            to: "Erika Mustermann <erika@example.org>".into(),
            subject: "Bestätigen Sie Ihre E-Mail-Adresse".into(),
            text: format!(
                "Guten Tag,\n\nbitte bestätigen Sie Ihre Adresse: \
                 https://video.example.de/konto/bestaetigen?token=abc{n}.\n\nIhr Praxisteam\n"
            ),
            html: format!(
                "<p>Guten Tag, bitte <a href=\"https://video.example.de/konto/bestaetigen?token=abc{n}\">\
                 bestätigen</a> Sie Ihre Adresse.</p>"
            ),
            message_id: format!("<0190a1b2-0000-7000-8000-00000000000{n}@sprechzimmer>"),
            attachment: None,
        }
    }

    #[tokio::test]
    async fn delivers_a_decoded_message() {
        let inbox = SmtpInbox::start().await;
        let mailer = mailer(&inbox);
        mailer.send(&message(1)).await.expect("send");

        let got = inbox.wait_for_messages(1, WAIT).await;
        assert_eq!(got.len(), 1);
        let email = &got[0];
        assert_eq!(email.from, "no-reply@praxis.example");
        assert_eq!(email.to, ["erika@example.org"]);
        assert_eq!(email.subject, "Bestätigen Sie Ihre E-Mail-Adresse");
        assert_eq!(email.text, message(1).text);
        assert_eq!(email.html, message(1).html);
        assert_eq!(email.message_id, message(1).message_id);
        assert!(email.raw.contains("Auto-Submitted: auto-generated"));
        assert_eq!(
            link_in(&email.text, "/konto/bestaetigen").as_deref(),
            Some("https://video.example.de/konto/bestaetigen?token=abc1")
        );
    }

    #[tokio::test]
    async fn serves_concurrent_connections() {
        let inbox = SmtpInbox::start().await;
        let mailer = mailer(&inbox);
        let mut sends = JoinSet::new();
        for n in 0..5 {
            let mailer = mailer.clone();
            sends.spawn(async move { mailer.send(&message(n)).await });
        }
        while let Some(result) = sends.join_next().await {
            result.expect("task").expect("send");
        }
        let mut ids: Vec<String> = inbox
            .wait_for_messages(5, WAIT)
            .await
            .into_iter()
            .map(|m| m.message_id)
            .collect();
        ids.sort();
        let expected: Vec<String> = (0..5).map(|n| message(n).message_id).collect();
        assert_eq!(ids, expected);
    }

    #[tokio::test]
    async fn stopped_inbox_is_transient_and_restart_recovers() {
        let inbox = SmtpInbox::start().await;
        let mailer = mailer(&inbox);
        // An idle connection that must be cut by stop().
        let mut idle = TcpStream::connect(("127.0.0.1", inbox.port()))
            .await
            .unwrap();
        inbox.stop().await;
        let mut buf = Vec::new();
        // The 220 greeting may have been sent before the stop; after it the stream must end.
        let read = tokio::time::timeout(WAIT, idle.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "open connection survived stop()");

        let err = mailer.send(&message(1)).await.unwrap_err();
        assert!(matches!(err, SendError::Transient(_)), "{err:?}");
        assert!(TcpStream::connect(("127.0.0.1", inbox.port()))
            .await
            .is_err());

        inbox.restart().await;
        mailer.send(&message(2)).await.expect("send after restart");
        let got = inbox.wait_for_messages(1, WAIT).await;
        assert_eq!(got[0].message_id, message(2).message_id);
    }

    #[tokio::test]
    async fn temporary_failure_is_transient() {
        let inbox = SmtpInbox::start().await;
        let mailer = mailer(&inbox);
        inbox.set_reply_temporary_failure(true);
        let err = mailer.send(&message(1)).await.unwrap_err();
        assert!(err.is_transient(), "{err:?}");
        assert!(err.to_string().contains("451"), "{err}");
        assert!(!err.to_string().contains("erika"), "{err}");
        assert!(inbox.messages().is_empty());

        inbox.set_reply_temporary_failure(false);
        mailer.send(&message(1)).await.expect("send");
        inbox.wait_for_messages(1, WAIT).await;
    }

    #[tokio::test]
    async fn leading_dots_survive_dot_stuffing() {
        let inbox = SmtpInbox::start().await;
        let mut msg = message(1);
        // ASCII only, so the part stays 7bit and the dots reach the wire unencoded.
        msg.text = "Erste Zeile\n.Punkt am Anfang\n..zwei Punkte\n.\nEnde\n".into();
        mailer(&inbox).send(&msg).await.expect("send");
        let email = &inbox.wait_for_messages(1, WAIT).await[0];
        // 7bit means the line went out as `..Punkt`; unstuffing it wrongly would lose the dot.
        assert!(
            email.raw.contains("Content-Transfer-Encoding: 7bit"),
            "{}",
            email.raw
        );
        assert!(
            email.raw.contains("\r\n.Punkt am Anfang\r\n"),
            "{}",
            email.raw
        );
        assert_eq!(
            email.text,
            "Erste Zeile\n.Punkt am Anfang\n..zwei Punkte\n.\nEnde\n"
        );
    }

    /// Sends one command line and returns the complete (possibly multi-line) reply.
    async fn command(stream: &mut BufReader<TcpStream>, line: &str) -> String {
        stream
            .get_mut()
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
        read_reply(stream).await
    }

    async fn read_reply(stream: &mut BufReader<TcpStream>) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            stream.read_line(&mut line).await.unwrap();
            all.push_str(&line);
            // A space after the code marks the last line of a reply.
            if line.len() < 4 || line.as_bytes()[3] == b' ' {
                return all;
            }
        }
    }

    #[tokio::test]
    async fn speaks_the_protocol_and_limits_size() {
        let inbox = SmtpInbox::start().await;
        let stream = TcpStream::connect(("127.0.0.1", inbox.port()))
            .await
            .unwrap();
        let mut s = BufReader::new(stream);
        assert!(read_reply(&mut s).await.starts_with("220 "));
        assert!(command(&mut s, "MAIL FROM:<a@b>").await.starts_with("503 "));
        let ehlo = command(&mut s, "ehlo client.test").await;
        assert!(ehlo.contains("250-8BITMIME") && ehlo.ends_with("250 SMTPUTF8\r\n"));
        assert!(!ehlo.contains("STARTTLS") && !ehlo.contains("AUTH"));
        assert!(command(&mut s, "STARTTLS").await.starts_with("502 "));
        assert!(command(&mut s, "RCPT TO:<x@y>").await.starts_with("503 "));
        assert!(command(&mut s, "NOOP").await.starts_with("250 "));
        assert!(command(&mut s, "MAIL FROM:<> BODY=8BITMIME")
            .await
            .starts_with("250 "));
        assert!(command(&mut s, "DATA").await.starts_with("503 "));
        assert!(command(&mut s, "RSET").await.starts_with("250 "));
        assert!(command(&mut s, "MAIL FROM:<a@b>").await.starts_with("250 "));
        assert!(command(&mut s, "RCPT TO:<c@d>").await.starts_with("250 "));
        assert!(command(&mut s, "DATA").await.starts_with("354 "));
        let line = "x".repeat(999);
        for _ in 0..(MAX_MESSAGE_BYTES / 1000 + 10) {
            s.get_mut()
                .write_all(format!("{line}\r\n").as_bytes())
                .await
                .unwrap();
        }
        assert!(command(&mut s, ".").await.starts_with("552 "));
        // The connection is still usable after the rejected message.
        assert!(command(&mut s, "MAIL FROM:<a@b>").await.starts_with("250 "));
        assert!(command(&mut s, "RCPT TO:<c@d>").await.starts_with("250 "));
        assert!(command(&mut s, "DATA").await.starts_with("354 "));
        s.get_mut()
            .write_all(b"Subject: hand-made\r\n\r\n..stuffed\r\n")
            .await
            .unwrap();
        assert!(command(&mut s, ".").await.starts_with("250 "));
        assert!(command(&mut s, "QUIT").await.starts_with("221 "));

        let got = inbox.messages();
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].from.as_str(), got[0].to.as_slice()),
            ("a@b", &["c@d".to_owned()][..])
        );
        assert_eq!(got[0].subject, "hand-made");
        assert_eq!(got[0].text, ".stuffed\n");
        assert_eq!(got[0].html, "");
        assert_eq!(got[0].message_id, "");
    }

    #[test]
    fn finds_links_by_path() {
        let text = "Termin: https://video.example.de/termin/7.\n\
                    Bestätigen: <http://127.0.0.1:3000/konto/bestaetigen?token=a%2Fb>, danke.";
        assert_eq!(
            link_in(text, "/konto/").as_deref(),
            Some("http://127.0.0.1:3000/konto/bestaetigen?token=a%2Fb")
        );
        assert_eq!(
            link_in(text, "/termin").as_deref(),
            Some("https://video.example.de/termin/7")
        );
        assert_eq!(link_in(text, "/fehlt"), None);
        assert_eq!(link_in("http ohne Link", "/"), None);
    }
}
