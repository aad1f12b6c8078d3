//! TURN over TCP (RFC 6062's client side, RFC 5766 §2.1): for networks that block UDP, the
//! browser reaches the TURN service over a TCP connection; the relay to the other browser
//! stays UDP. The `turn` crate's server reads and writes datagrams through a [`Conn`]; this
//! adapter turns each TCP connection's stream of STUN messages and ChannelData frames into
//! such datagrams, with the connection's address as the source.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use webrtc_util::Conn;

/// The largest frame taken from a client; the TURN server reads 1,500-byte datagrams.
const MAX_FRAME: usize = 1500;
/// A connection that sends nothing this long between frames is closed (allocations,
/// permissions and channels are refreshed every few minutes).
const IDLE: Duration = Duration::from_secs(15 * 60);
/// Frames waiting for the server, and per connection for the client.
const QUEUE: usize = 256;
/// Ended connections waiting to have their allocation deleted.
const ENDED_QUEUE: usize = 1024;

/// Caps of TURN over TCP (from `ice.*` settings).
#[derive(Debug, Clone, Copy)]
pub struct TcpLimits {
    /// Open connections at most; further ones are closed at once.
    pub max_connections: usize,
    /// Open connections from one client IP address at most; further ones are closed at once.
    pub per_address: usize,
    /// Time for a whole frame once its first byte arrived, and for the first frame after
    /// connecting; a slower connection is closed (slowloris).
    pub frame_timeout: Duration,
}

type Writers = Arc<Mutex<HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>>>;

/// The TCP side of the TURN service, as one datagram socket for the `turn` server.
///
/// The `turn` server calls [`Conn::close`] on it when the server stops; that (and nothing
/// an allocation does) leaves the listener running; [`TcpTurnConn::shutdown`] stops it.
pub struct TcpTurnConn {
    local: SocketAddr,
    incoming: tokio::sync::Mutex<mpsc::Receiver<(Vec<u8>, SocketAddr)>>,
    writers: Writers,
    accept: tokio::task::JoinHandle<()>,
    ended: Mutex<Option<mpsc::Receiver<SocketAddr>>>,
}

/// The length of the frame at the start of `header` (4 bytes), padding included: a STUN
/// message (first two bits 0) or ChannelData (first byte 0x40–0x7F, padded to 4 over TCP).
pub fn frame_length(header: [u8; 4]) -> Option<usize> {
    let length = usize::from(u16::from_be_bytes([header[2], header[3]]));
    match header[0] {
        0x00..=0x3F => Some(20 + length),
        0x40..=0x7F => Some(4 + length.div_ceil(4) * 4),
        _ => None,
    }
}

impl TcpTurnConn {
    /// The address it listens on.
    pub fn local_address(&self) -> SocketAddr {
        self.local
    }

    /// Accepts connections on `listener` from now on.
    pub fn new(listener: TcpListener, limits: TcpLimits) -> std::io::Result<Self> {
        let local = listener.local_addr()?;
        let (to_server, incoming) = mpsc::channel(QUEUE);
        let (ended_tx, ended) = mpsc::channel(ENDED_QUEUE);
        let writers: Writers = Arc::default();
        let accept = tokio::spawn(accept_loop(
            listener,
            to_server,
            writers.clone(),
            limits,
            ended_tx,
        ));
        Ok(Self {
            local,
            incoming: tokio::sync::Mutex::new(incoming),
            writers,
            accept,
            ended: Mutex::new(Some(ended)),
        })
    }

    /// The client addresses of connections that ended, once each (taken once: the TURN
    /// service deletes their allocations).
    pub fn take_ended(&self) -> Option<mpsc::Receiver<SocketAddr>> {
        self.ended
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    /// Open connections now.
    pub fn connections(&self) -> usize {
        self.writers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Stops accepting and ends every connection.
    pub fn shutdown(&self) {
        self.accept.abort();
        self.writers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

/// Whether one more connection from `ip` fits the caps, given the open ones.
fn admits(
    open: &HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>,
    ip: IpAddr,
    limits: &TcpLimits,
) -> bool {
    open.len() < limits.max_connections
        && open.keys().filter(|a| a.ip() == ip).count() < limits.per_address
}

async fn accept_loop(
    listener: TcpListener,
    to_server: mpsc::Sender<(Vec<u8>, SocketAddr)>,
    writers: Writers,
    limits: TcpLimits,
    ended: mpsc::Sender<SocketAddr>,
) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::debug!(error = %e, "TURN/TCP accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (sender, receiver) = mpsc::channel(QUEUE);
        {
            let mut open = writers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !admits(&open, peer.ip(), &limits) {
                // The stream drops here: the connection is closed at once.
                tracing::debug!("TURN/TCP connection cap reached, connection closed");
                continue;
            }
            open.insert(peer, sender);
        }
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve(
            stream,
            peer,
            receiver,
            to_server.clone(),
            writers.clone(),
            limits.frame_timeout,
            ended.clone(),
        ));
    }
}

/// One client connection: frames in to the server, the server's answers out.
async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    mut from_server: mpsc::Receiver<Vec<u8>>,
    to_server: mpsc::Sender<(Vec<u8>, SocketAddr)>,
    writers: Writers,
    frame_timeout: Duration,
    ended: mpsc::Sender<SocketAddr>,
) {
    let (mut reader, mut writer) = stream.into_split();
    let read = async {
        // The first frame must come soon after connecting; later ones may wait up to IDLE.
        let mut wait = frame_timeout;
        loop {
            let mut header = [0u8; 4];
            match tokio::time::timeout(wait, reader.read_exact(&mut header[..1])).await {
                Ok(Ok(_)) => {}
                _ => return,
            }
            wait = IDLE;
            // From its first byte on, the whole frame must arrive within the frame timeout.
            let deadline = tokio::time::Instant::now() + frame_timeout;
            match tokio::time::timeout_at(deadline, reader.read_exact(&mut header[1..])).await {
                Ok(Ok(_)) => {}
                _ => return,
            }
            let Some(length) = frame_length(header).filter(|l| *l <= MAX_FRAME) else {
                tracing::debug!("TURN/TCP: not a STUN or ChannelData frame, closing");
                return;
            };
            let mut frame = vec![0u8; length];
            frame[..4].copy_from_slice(&header);
            match tokio::time::timeout_at(deadline, reader.read_exact(&mut frame[4..])).await {
                Ok(Ok(_)) => {}
                _ => return,
            }
            // ChannelData arrives padded; the server expects the bare message.
            if (0x40..=0x7F).contains(&header[0]) {
                frame.truncate(4 + usize::from(u16::from_be_bytes([header[2], header[3]])));
            }
            if to_server.send((frame, peer)).await.is_err() {
                return;
            }
        }
    };
    let write = async {
        while let Some(mut frame) = from_server.recv().await {
            if frame.first().is_some_and(|b| (0x40..=0x7F).contains(b)) {
                frame.resize(frame.len().div_ceil(4) * 4, 0);
            }
            if writer.write_all(&frame).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        () = read => {}
        () = write => {}
    }
    writers
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .remove(&peer);
    // Its allocation ends with it (when the queue is full, by its lifetime instead).
    let _ = ended.try_send(peer);
}

#[async_trait::async_trait]
impl Conn for TcpTurnConn {
    async fn connect(&self, _addr: SocketAddr) -> webrtc_util::Result<()> {
        Err(webrtc_util::Error::Other(
            "connect on a TURN/TCP listener".into(),
        ))
    }
    async fn recv(&self, buf: &mut [u8]) -> webrtc_util::Result<usize> {
        self.recv_from(buf).await.map(|(n, _)| n)
    }
    async fn recv_from(&self, buf: &mut [u8]) -> webrtc_util::Result<(usize, SocketAddr)> {
        let (frame, peer) = self
            .incoming
            .lock()
            .await
            .recv()
            .await
            .ok_or(webrtc_util::Error::ErrClosedListener)?;
        let n = frame.len().min(buf.len());
        buf[..n].copy_from_slice(&frame[..n]);
        Ok((n, peer))
    }
    async fn send(&self, _buf: &[u8]) -> webrtc_util::Result<usize> {
        Err(webrtc_util::Error::Other(
            "send without address on TURN/TCP".into(),
        ))
    }
    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> webrtc_util::Result<usize> {
        let writer = self
            .writers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&target)
            .cloned();
        // A gone or slow client loses the frame, as a datagram would be lost.
        if let Some(writer) = writer {
            let _ = writer.try_send(buf.to_vec());
        }
        Ok(buf.len())
    }
    fn local_addr(&self) -> webrtc_util::Result<SocketAddr> {
        Ok(self.local)
    }
    fn remote_addr(&self) -> Option<SocketAddr> {
        None
    }
    async fn close(&self) -> webrtc_util::Result<()> {
        // Shared by every TCP client: closing it for one (upstream `turn` closed it whenever
        // an allocation ended) must not end the others. TurnService::close calls shutdown.
        Ok(())
    }
    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::frame_length;

    #[test]
    fn frames_are_told_apart_by_their_first_byte() {
        // A STUN Binding request with no attributes: 20 bytes.
        assert_eq!(frame_length([0x00, 0x01, 0x00, 0x00]), Some(20));
        assert_eq!(frame_length([0x01, 0x13, 0x00, 0x08]), Some(28));
        // ChannelData 0x4000 with 5 bytes: padded to 8 over TCP.
        assert_eq!(frame_length([0x40, 0x00, 0x00, 0x05]), Some(12));
        assert_eq!(frame_length([0x7F, 0xFF, 0x00, 0x08]), Some(12));
        // HTTP on the port reads as an oversized frame and closes the connection.
        assert!(frame_length([b'G', b'E', b'T', b' ']).unwrap() > super::MAX_FRAME);
        assert_eq!(frame_length([0x80, 0, 0, 0]), None);
    }
}
