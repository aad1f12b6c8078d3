//! Sends one e-mail through the transport the settings choose: `.eml` files in a folder or SMTP.
//! Errors say whether another attempt can help and never carry the message's content.

use crate::settings::{EmailSettings, EmailTransport, SmtpTls};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{header::ContentType, Attachment as LettreAttachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Why a [`Mailer`] cannot be built from the settings; the server refuses to start.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("email.from {0:?} is not a valid mailbox such as `Name <no-reply@example.org>`")]
    From(String),
    #[error("cannot create email.outbox_dir {path:?}: {source}")]
    OutboxDir {
        path: String,
        source: std::io::Error,
    },
    #[error("email.smtp_host is empty")]
    MissingHost,
    #[error("email.smtp_timeout_seconds must be greater than zero")]
    ZeroTimeout,
    #[error("cannot set up SMTP to email.smtp_host {host:?}: {source}")]
    Smtp {
        host: String,
        source: lettre::transport::smtp::Error,
    },
}

/// Why one message was not delivered; a worker retries only `Transient`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Another attempt gets the same answer: a malformed message or a 5xx reply.
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
    /// The way to the recipient failed this time: network, timeout, 4xx reply or file I/O.
    #[error("transient delivery failure: {0}")]
    Transient(String),
}

impl SendError {
    /// Whether another attempt later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient(_))
    }
}

/// A text attachment, e.g. the `.ics` of an appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub body: String,
}

/// One message as the caller composed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailMessage {
    /// The recipient, `someone@example.org` or `Name <someone@example.org>`.
    pub to: String,
    /// Plain text; lettre encodes it for the header.
    pub subject: String,
    /// The text/plain part.
    pub text: String,
    /// The text/html part.
    pub html: String,
    /// `<id@sprechzimmer>`, stable per outbox row so a re-sent message keeps its identity.
    pub message_id: String,
    /// Sent as a third part after text and HTML (multipart/mixed).
    pub attachment: Option<Attachment>,
}

/// Sends e-mails; cheap to clone, all clones share one transport.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<Inner>,
}

struct Inner {
    from: Mailbox,
    transport: Transport,
}

enum Transport {
    File {
        transport: AsyncFileTransport<Tokio1Executor>,
        /// The folder, for [`Mailer::prune_files`].
        dir: std::path::PathBuf,
    },
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// Cap on one whole attempt; lettre's own timeout applies to each command only.
        timeout: Duration,
    },
}

impl std::fmt::Debug for Mailer {
    // Written by hand so credentials inside the transport can never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("transport", &self.describe())
            .field("from", &self.inner.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// Builds the transport `settings` choose; checks the sender and creates the outbox folder.
    pub fn new(settings: &EmailSettings) -> Result<Mailer, MailerError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|_| MailerError::From(settings.from.clone()))?;
        let transport = match settings.transport {
            EmailTransport::File => {
                create_outbox(Path::new(&settings.outbox_dir)).map_err(|source| {
                    MailerError::OutboxDir {
                        path: settings.outbox_dir.clone(),
                        source,
                    }
                })?;
                Transport::File {
                    transport: AsyncFileTransport::new(&settings.outbox_dir),
                    dir: settings.outbox_dir.clone().into(),
                }
            }
            EmailTransport::Smtp => smtp_transport(settings)?,
        };
        Ok(Mailer {
            inner: Arc::new(Inner { from, transport }),
        })
    }

    /// `"file"` or `"smtp"`, for the startup log.
    pub fn describe(&self) -> &'static str {
        match self.inner.transport {
            Transport::File { .. } => "file",
            Transport::Smtp { .. } => "smtp",
        }
    }

    /// For the `file` transport: deletes the `.eml` files last written before `cutoff`, like the
    /// outbox rows they came from (they hold the same codes and links); returns how many.
    /// Nothing to do for SMTP.
    pub fn prune_files(&self, cutoff: std::time::SystemTime) -> std::io::Result<u64> {
        let Transport::File { dir, .. } = &self.inner.transport else {
            return Ok(0);
        };
        let mut removed = 0;
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let ours = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e == "eml" || e == "json");
            if !ours {
                continue;
            }
            let Ok(modified) = std::fs::metadata(&path).and_then(|m| m.modified()) else {
                continue;
            };
            if modified < cutoff {
                match std::fs::remove_file(&path) {
                    Ok(()) => removed += 1,
                    // Another instance sharing the folder was faster.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(removed)
    }

    /// Delivers `message` once; the caller decides about another attempt from the error.
    pub async fn send(&self, message: &EmailMessage) -> Result<(), SendError> {
        let email = self.compose(message)?;
        match &self.inner.transport {
            Transport::File { transport, .. } => {
                transport.send(email).await.map(drop).map_err(|e| {
                    // The file transport fails only on I/O (full disk, permissions): worth a retry.
                    let cause = std::error::Error::source(&e)
                        .map_or_else(|| e.to_string(), |s| s.to_string());
                    SendError::Transient(format!("writing the .eml file failed: {cause}"))
                })
            }
            Transport::Smtp { transport, timeout } => {
                match tokio::time::timeout(*timeout, transport.send(email)).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) => Err(classify_smtp(&e)),
                    Err(_) => Err(SendError::Transient(format!(
                        "SMTP delivery took longer than {} s",
                        timeout.as_secs()
                    ))),
                }
            }
        }
    }

    fn compose(&self, message: &EmailMessage) -> Result<Message, SendError> {
        // No address in the error: the worker logs it, and addresses are personal data.
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|_| SendError::Permanent("invalid recipient address".into()))?;
        if !valid_message_id(&message.message_id) {
            return Err(SendError::Permanent(
                "Message-ID must look like <id@domain>".into(),
            ));
        }
        // A header is one line; a stray line break must not end it early.
        let subject = message.subject.replace(['\r', '\n'], " ");
        Message::builder()
            .from(self.inner.from.clone())
            .to(to)
            .subject(subject)
            .date_now()
            .message_id(Some(message.message_id.clone()))
            // RFC 3834: tells auto-responders (vacation replies) not to answer.
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ))
            .multipart(body(message)?)
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }
}

/// Text and HTML as alternatives; with an attachment, both wrapped in multipart/mixed.
fn body(message: &EmailMessage) -> Result<MultiPart, SendError> {
    let alternative = MultiPart::alternative_plain_html(message.text.clone(), message.html.clone());
    let Some(attachment) = &message.attachment else {
        return Ok(alternative);
    };
    let content_type = ContentType::parse(&attachment.content_type)
        .map_err(|e| SendError::Permanent(format!("attachment content type: {e}")))?;
    Ok(MultiPart::mixed().multipart(alternative).singlepart(
        LettreAttachment::new(attachment.filename.clone())
            .body(attachment.body.clone(), content_type),
    ))
}

/// Creates the outbox folder readable by the server's user only, since messages hold
/// personal data; an existing folder keeps the permissions the operator gave it.
fn create_outbox(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if dir.is_dir() {
            let mode = std::fs::metadata(dir)?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(
                    dir = %dir.display(),
                    mode = format!("{:o}", mode & 0o777),
                    "the e-mail outbox folder is accessible to other users"
                );
            }
        }
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn smtp_transport(settings: &EmailSettings) -> Result<Transport, MailerError> {
    let host = settings.smtp_host.trim();
    if host.is_empty() {
        return Err(MailerError::MissingHost);
    }
    if settings.smtp_timeout_seconds == 0 {
        return Err(MailerError::ZeroTimeout);
    }
    let smtp_error = |source| MailerError::Smtp {
        host: host.to_owned(),
        source,
    };
    let builder = match settings.smtp_tls {
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(smtp_error)?,
        // `starttls_relay` refuses to continue without TLS, so no downgrade is possible.
        SmtpTls::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(smtp_error)?
        }
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
    };
    let timeout = Duration::from_secs(settings.smtp_timeout_seconds);
    let mut builder = builder.port(settings.smtp_port).timeout(Some(timeout));
    if !settings.smtp_username.is_empty() {
        builder = builder.credentials(Credentials::new(
            settings.smtp_username.clone(),
            settings.smtp_password.expose_secret().to_owned(),
        ));
    }
    Ok(Transport::Smtp {
        transport: builder.build(),
        timeout,
    })
}

/// `<left@right>` with printable ASCII and no spaces, as RFC 5322 `msg-id` requires.
fn valid_message_id(id: &str) -> bool {
    let Some(inner) = id.strip_prefix('<').and_then(|s| s.strip_suffix('>')) else {
        return false;
    };
    let Some((left, right)) = inner.split_once('@') else {
        return false;
    };
    !left.is_empty()
        && !right.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>'))
}

/// Sorts an SMTP failure into permanent and transient. The text keeps the reply code and the
/// server's words but drops anything that looks like an address.
fn classify_smtp(error: &lettre::transport::smtp::Error) -> SendError {
    let reply = std::error::Error::source(error)
        .map(|s| redact_addresses(&s.to_string()))
        .unwrap_or_default();
    if let Some(code) = error.status() {
        let text = format!("SMTP {code} {reply}").trim_end().to_owned();
        // Rejected credentials or a demand for AUTH are 5xx, but they concern the server's
        // configuration, not this message: once the operator fixes it, the message can go.
        let auth = matches!(code.to_string().as_str(), "530" | "534" | "535" | "538");
        return if error.is_permanent() && !auth {
            SendError::Permanent(text)
        } else {
            SendError::Transient(text)
        };
    }
    // Everything else concerns the way, not the message: connection, TLS, timeout, a garbled
    // reply, or a server lacking STARTTLS or a usable AUTH mechanism (configuration).
    let kind = if error.is_timeout() {
        "timeout"
    } else if error.is_tls() {
        "TLS"
    } else if error.is_client() {
        "client"
    } else if error.is_response() {
        "unreadable reply"
    } else {
        "connection"
    };
    SendError::Transient(format!("SMTP {kind} error: {reply}"))
}

/// Replaces every word containing `@` so server replies such as `550 <x@y> unknown` can be
/// logged without the recipient.
fn redact_addresses(text: &str) -> String {
    let redacted: Vec<&str> = text
        .split_whitespace()
        .map(|word| {
            if word.contains('@') {
                "[address]"
            } else {
                word
            }
        })
        .collect();
    let mut joined = redacted.join(" ");
    // Server replies are short; this keeps a chatty one from flooding the log.
    if joined.len() > 300 {
        let cut = (0..=300).rev().find(|&i| joined.is_char_boundary(i));
        joined.truncate(cut.unwrap_or(0));
        joined.push('…');
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn settings(outbox: &Path) -> EmailSettings {
        EmailSettings {
            transport: EmailTransport::File,
            from: "Sprechzimmer <no-reply@praxis.example>".into(),
            outbox_dir: outbox.to_string_lossy().into_owned(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: String::new(),
            smtp_password: SecretString::from(""),
            smtp_timeout_seconds: 20,
        }
    }

    fn message() -> EmailMessage {
        EmailMessage {
            to: "patientin@example.org".into(),
            subject: "Bestätigen Sie Ihre E-Mail-Adresse".into(),
            text: "Hallo,\nbitte bestätigen Sie: https://video.example.de/bestaetigen/abc\n".into(),
            html: "<p>Hallo, bitte <a href=\"https://video.example.de/bestaetigen/abc\">bestätigen</a> Sie.</p>".into(),
            message_id: "<0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@sprechzimmer>".into(),
            attachment: None,
        }
    }

    #[tokio::test]
    async fn file_transport_writes_one_eml_with_both_parts() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("outbox/nested");
        let mailer = Mailer::new(&settings(&outbox)).unwrap();
        assert_eq!(mailer.describe(), "file");
        mailer.send(&message()).await.unwrap();

        let files: Vec<_> = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
        let eml = std::fs::read_to_string(&files[0]).unwrap();
        // lettre encodes only the non-ASCII word (RFC 2047): base64 of "Bestätigen".
        assert!(
            eml.contains("Subject: =?utf-8?b?QmVzdMOkdGlnZW4=?= Sie Ihre E-Mail-Adresse\r\n"),
            "{eml}"
        );
        assert!(
            eml.contains("Content-Type: multipart/alternative;"),
            "{eml}"
        );
        assert!(
            eml.contains("Content-Type: text/plain; charset=utf-8"),
            "{eml}"
        );
        assert!(
            eml.contains("Content-Type: text/html; charset=utf-8"),
            "{eml}"
        );
        assert!(eml.contains("Message-ID: <0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@sprechzimmer>"));
        assert!(eml.contains("Auto-Submitted: auto-generated"), "{eml}");
        assert!(eml.contains("\r\nDate: "), "{eml}");
        // Both parts are quoted-printable; the ASCII link survives in each of them.
        assert_eq!(
            eml.matches("https://video.example.de/bestaetigen/abc")
                .count(),
            2
        );
        assert!(eml.contains("best=C3=A4tigen Sie:"), "{eml}");
        assert!(eml.contains("<p>Hallo, bitte <a href=3D"), "{eml}");

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&outbox).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }

    #[tokio::test]
    async fn bad_input_is_a_permanent_error_without_personal_data() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(&settings(dir.path())).unwrap();
        let mut bad_to = message();
        bad_to.to = "not an address patientin".into();
        let err = mailer.send(&bad_to).await.unwrap_err();
        assert!(!err.is_transient());
        assert!(!err.to_string().contains("patientin"), "{err}");
        let mut bad_id = message();
        bad_id.message_id = "no-brackets@sprechzimmer".into();
        assert!(matches!(
            mailer.send(&bad_id).await,
            Err(SendError::Permanent(_))
        ));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn construction_checks_sender_and_smtp_settings() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = settings(dir.path());
        s.from = "kein Absender".into();
        assert!(matches!(Mailer::new(&s), Err(MailerError::From(_))));

        let mut s = settings(dir.path());
        s.transport = EmailTransport::Smtp;
        assert!(matches!(Mailer::new(&s), Err(MailerError::MissingHost)));
        s.smtp_host = "smtp.example.org".into();
        s.smtp_timeout_seconds = 0;
        assert!(matches!(Mailer::new(&s), Err(MailerError::ZeroTimeout)));
        s.smtp_timeout_seconds = 20;
        s.smtp_username = "praxis".into();
        s.smtp_password = SecretString::from("geheim-passwort");
        for tls in [SmtpTls::Tls, SmtpTls::Starttls, SmtpTls::None] {
            s.smtp_tls = tls;
            let mailer = Mailer::new(&s).unwrap();
            assert_eq!(mailer.describe(), "smtp");
            assert!(!format!("{mailer:?}").contains("geheim"));
        }
    }

    /// A listener that sends `greeting` (if any) and then holds the connection silently.
    async fn fake_server(greeting: &'static str) -> u16 {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((mut stream, _)) = listener.accept().await {
                let _ = stream.write_all(greeting.as_bytes()).await;
                held.push(stream);
            }
        });
        port
    }

    fn smtp_settings(port: u16) -> EmailSettings {
        EmailSettings {
            transport: EmailTransport::Smtp,
            smtp_host: "127.0.0.1".into(),
            smtp_port: port,
            smtp_tls: SmtpTls::None,
            smtp_timeout_seconds: 1,
            ..settings(Path::new("unused"))
        }
    }

    #[tokio::test]
    async fn smtp_failures_are_sorted_and_redacted() {
        let port = fake_server("554 5.7.1 <patientin@example.org> no service here\r\n").await;
        let err = Mailer::new(&smtp_settings(port))
            .unwrap()
            .send(&message())
            .await
            .unwrap_err();
        assert_eq!(
            err,
            SendError::Permanent("SMTP 554 5.7.1 [address] no service here".into())
        );

        let port = fake_server("").await;
        let err = Mailer::new(&smtp_settings(port))
            .unwrap()
            .send(&message())
            .await
            .unwrap_err();
        assert!(err.is_transient(), "{err:?}");
    }

    #[test]
    fn message_ids_and_redaction() {
        assert!(valid_message_id("<a1-b2@sprechzimmer>"));
        for bad in [
            "a@b",
            "<a@b",
            "<@b>",
            "<a@>",
            "<a b@c>",
            "<ab>",
            "<a@b>\r\nBcc: x",
        ] {
            assert!(!valid_message_id(bad), "{bad}");
        }
        assert_eq!(
            redact_addresses("5.1.1 <patientin@example.org>: Recipient   unknown"),
            "5.1.1 [address] Recipient unknown"
        );
        assert!(redact_addresses(&"ä".repeat(400)).ends_with('…'));
    }
}
