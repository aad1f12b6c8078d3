//! The WebSocket opening handshake of the signalling socket (RFC 6455, section 4.2), done here
//! instead of by axum's `WebSocketUpgrade`: axum runs each socket in a task whose future keeps
//! room for the whole socket under construction (640 bytes a socket, measured with heaptrack),
//! while the task [`super::socket`] spawns holds two pointers once the socket runs.

use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode, Version};
use axum::response::Response;
use futures_util::{SinkExt as _, StreamExt as _};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::protocol::frame::{coding::CloseCode, CloseFrame};
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

pub use tokio_tungstenite::tungstenite::Message;

/// A signalling socket once the handshake is done.
pub struct WebSocket {
    stream: WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>,
    /// A write did not finish within [`SEND_LIMIT`]: the connection is given up, and its
    /// close frame is not tried (it would wait behind the unwritten one).
    stalled: bool,
}

impl WebSocket {
    /// The next data or control frame; `None` once the connection is closed. Cancel-safe.
    pub async fn recv(&mut self) -> Option<Result<Message, tokio_tungstenite::tungstenite::Error>> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// [`WebSocket::recv`] polled in place.
    pub fn poll_recv(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Message, tokio_tungstenite::tungstenite::Error>>> {
        loop {
            match std::task::ready!(self.stream.poll_next_unpin(cx)) {
                // Raw frames are only ever written, never read; skipped like axum does.
                Some(Ok(Message::Frame(_))) => continue,
                other => return std::task::Poll::Ready(other),
            }
        }
    }

    /// Writes `message` and flushes it, for at most [`SEND_LIMIT`]: a page that stopped
    /// reading (or a connection that died without a word) would otherwise hold its task, its
    /// place under the socket caps and a full kernel send buffer for as long as it lasts.
    pub async fn send(
        &mut self,
        message: Message,
    ) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.send_within(SEND_LIMIT, message).await
    }

    async fn send_within(
        &mut self,
        limit: std::time::Duration,
        message: Message,
    ) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        if self.stalled {
            return Err(stalled());
        }
        match tokio::time::timeout(limit, self.stream.send(message)).await {
            Ok(sent) => sent,
            Err(_) => {
                tracing::info!(
                    seconds = limit.as_secs(),
                    "signalling socket given up: the page took no message"
                );
                self.stalled = true;
                Err(stalled())
            }
        }
    }

    /// Sends a close frame with `code` and `reason` (at most 123 bytes), then reads on until
    /// the browser's own close frame, for at most [`CLOSE_DRAIN`] (RFC 6455, 7.1.1). Dropping
    /// the connection with the browser's frames unread (a pong on its way) makes the kernel
    /// reset it, and the page may see 1006 instead of `code`.
    pub async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        };
        if self
            .send_within(CLOSE_DRAIN, Message::Close(Some(frame)))
            .await
            .is_err()
        {
            return;
        }
        let _ = tokio::time::timeout(CLOSE_DRAIN, async {
            while let Some(Ok(message)) = self.recv().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}

/// How long a closing socket waits to write its close frame, and for the browser's.
const CLOSE_DRAIN: std::time::Duration = std::time::Duration::from_secs(2);

/// How long one message may take to be written. A page that reads takes a message as soon as
/// it is sent: only a full send buffer (hundreds of kilobytes the page has not taken) makes a
/// write wait, and a connection that cannot take them for this long is dead or hostile.
pub const SEND_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

fn stalled() -> tokio_tungstenite::tungstenite::Error {
    std::io::Error::from(std::io::ErrorKind::TimedOut).into()
}

/// Why a request is no WebSocket opening handshake the server takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    #[error("not a GET request")]
    NotGet,
    #[error("no WebSocket upgrade requested (Connection, Upgrade)")]
    NoUpgrade,
    #[error("WebSocket version other than 13")]
    Version,
    #[error("no Sec-WebSocket-Key")]
    NoKey,
    #[error("the connection cannot be upgraded (a request without a connection)")]
    NotUpgradable,
}

impl HandshakeError {
    /// 426 with `Upgrade: websocket` (RFC 9110, 15.5.22) and, for a wrong version, the one the
    /// server speaks (RFC 6455, 4.2.2) tells a client to use the WebSocket protocol; a wrong
    /// method is 405; `message` is the body.
    pub fn response(self, message: &'static str) -> Response {
        let status = match self {
            Self::NotGet => StatusCode::METHOD_NOT_ALLOWED,
            Self::NoUpgrade | Self::Version => StatusCode::UPGRADE_REQUIRED,
            Self::NoKey | Self::NotUpgradable => StatusCode::BAD_REQUEST,
        };
        let mut response = Response::new(axum::body::Body::from(message));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        if status == StatusCode::UPGRADE_REQUIRED {
            headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
            headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        }
        if self == Self::Version {
            headers.insert(
                header::SEC_WEBSOCKET_VERSION,
                HeaderValue::from_static("13"),
            );
        }
        response
    }
}

/// A valid opening handshake: the connection to take over and the answer that lets it.
pub struct Handshake {
    pub on_upgrade: OnUpgrade,
    accept: HeaderValue,
}

/// Whether a comma-separated header has `token` among its values (case-insensitive).
fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|value| value.trim().eq_ignore_ascii_case(token))
}

impl Handshake {
    /// Checks an HTTP/1.1 opening handshake and takes the connection's upgrade from `parts`.
    pub fn read(parts: &mut Parts) -> Result<Self, HandshakeError> {
        if parts.method != Method::GET {
            return Err(HandshakeError::NotGet);
        }
        if parts.version != Version::HTTP_11
            || !has_token(&parts.headers, header::CONNECTION, "upgrade")
            || !has_token(&parts.headers, header::UPGRADE, "websocket")
        {
            return Err(HandshakeError::NoUpgrade);
        }
        if parts
            .headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .is_none_or(|v| v.as_bytes() != b"13")
        {
            return Err(HandshakeError::Version);
        }
        let key = parts
            .headers
            .get(header::SEC_WEBSOCKET_KEY)
            .ok_or(HandshakeError::NoKey)?;
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        let accept = HeaderValue::from_str(&accept).map_err(|_| HandshakeError::NoKey)?;
        let on_upgrade = parts
            .extensions
            .remove::<OnUpgrade>()
            .ok_or(HandshakeError::NotUpgradable)?;
        Ok(Self { on_upgrade, accept })
    }

    /// The server's answer (101 Switching Protocols); the connection is the socket's once it
    /// is sent.
    pub fn response(&self) -> Response {
        let mut response = Response::new(axum::body::Body::empty());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, self.accept.clone());
        response
    }
}

/// Waits for the connection after the answer went out and makes it a WebSocket with `config`;
/// `None` when the client went away before.
pub async fn connect(on_upgrade: OnUpgrade, config: WebSocketConfig) -> Option<WebSocket> {
    match on_upgrade.await {
        Ok(upgraded) => Some(WebSocket {
            stream: WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                Role::Server,
                Some(config),
            )
            .await,
            stalled: false,
        }),
        Err(e) => {
            tracing::debug!(error = %e, "signalling socket upgrade failed");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut request = axum::http::Request::get("/signal");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let (mut parts, ()) = request.body(()).expect("request").into_parts();
        // An upgrade that never comes (a request without a connection): the check only needs
        // one to be there.
        parts
            .extensions
            .insert(hyper::upgrade::on(axum::http::Request::new(())));
        parts
    }

    const BROWSER: [(&str, &str); 4] = [
        ("connection", "keep-alive, Upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    #[test]
    fn a_browsers_handshake_is_answered_with_the_rfcs_accept_key() {
        let handshake = Handshake::read(&mut parts(&BROWSER)).expect("valid");
        let response = handshake.response();
        assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS);
        // The example of RFC 6455, section 1.3.
        assert_eq!(
            response.headers()[header::SEC_WEBSOCKET_ACCEPT],
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        assert_eq!(response.headers()[header::UPGRADE], "websocket");
    }

    #[test]
    fn requests_that_are_no_handshake_are_refused_with_their_reason() {
        let without = |name: &str| -> Vec<(&str, &str)> {
            BROWSER
                .iter()
                .copied()
                .filter(|(n, _)| *n != name)
                .collect()
        };
        let cases = [
            (without("connection"), HandshakeError::NoUpgrade),
            (without("upgrade"), HandshakeError::NoUpgrade),
            (without("sec-websocket-version"), HandshakeError::Version),
            (without("sec-websocket-key"), HandshakeError::NoKey),
        ];
        for (headers, expected) in cases {
            assert_eq!(Handshake::read(&mut parts(&headers)).err(), Some(expected));
        }
        let mut old = parts(&BROWSER);
        old.headers
            .insert(header::SEC_WEBSOCKET_VERSION, HeaderValue::from_static("8"));
        assert_eq!(
            Handshake::read(&mut old).err(),
            Some(HandshakeError::Version)
        );
        let mut post = parts(&BROWSER);
        post.method = Method::POST;
        assert_eq!(
            Handshake::read(&mut post).err(),
            Some(HandshakeError::NotGet)
        );
        let mut plain = parts(&BROWSER);
        plain.extensions.clear();
        assert_eq!(
            Handshake::read(&mut plain).err(),
            Some(HandshakeError::NotUpgradable)
        );
        let refused = HandshakeError::Version.response("nein");
        assert_eq!(refused.status(), StatusCode::UPGRADE_REQUIRED);
        assert_eq!(refused.headers()[header::UPGRADE], "websocket");
        assert_eq!(refused.headers()[header::SEC_WEBSOCKET_VERSION], "13");
    }
}
