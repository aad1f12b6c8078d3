//! A group call between native peers (issue 25): every page holds one [`NativePeer`] per other
//! page and negotiates each pair through the server as the browsers do — the earlier seat offers,
//! each signal names its receiver and arrives with its sender.

use crate::native_peer::{NativePeer, Socket};
use app::signalling::types::{ClientMessage, Envelope, ServerMessage, Signal};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// One page of a group call: its seat's id (`doctor`, `patient`, a guest's id), its socket
/// (joined already) and its ICE servers.
pub struct MeshPage {
    pub id: String,
    pub socket: Socket,
    pub servers: Vec<app::signalling::types::IceServer>,
}

/// A group call with every pair connected: per page its peers by the other page's id.
pub struct Mesh {
    pub peers: Vec<HashMap<String, NativePeer>>,
    sinks: Vec<SplitSink<Socket, Message>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
}

enum Event {
    Heard(usize, ServerMessage),
    Candidate(usize, String, Signal),
}

fn addressed(to: &str, signal: Signal) -> Result<Message, Error> {
    let message = ClientMessage::Signal {
        signal,
        to: Some(to.to_owned()),
    };
    Ok(Message::text(serde_json::to_string(&Envelope::new(
        message,
    ))?))
}

impl Mesh {
    /// Builds a peer for every pair of `pages` and negotiates all of them at once; returns
    /// when every pair is connected, or fails after `within`.
    pub async fn connect(
        pages: Vec<MeshPage>,
        relay_only: bool,
        within: Duration,
    ) -> Result<Self, Error> {
        let ids: Vec<String> = pages.iter().map(|p| p.id.clone()).collect();
        let (events, mut heard) = mpsc::unbounded_channel();
        let mut sinks = Vec::new();
        let mut readers = Vec::new();
        let mut peers: Vec<HashMap<String, NativePeer>> = Vec::new();
        for (index, page) in pages.into_iter().enumerate() {
            let (sink, mut stream): (_, SplitStream<Socket>) = page.socket.split();
            sinks.push(sink);
            let heard_by = events.clone();
            readers.push(tokio::spawn(async move {
                while let Some(Ok(frame)) = stream.next().await {
                    if let Message::Text(text) = frame {
                        if let Ok(envelope) = serde_json::from_str::<Envelope<ServerMessage>>(&text)
                        {
                            if heard_by
                                .send(Event::Heard(index, envelope.message))
                                .is_err()
                            {
                                return;
                            }
                        }
                    }
                }
            }));
            let mut mine = HashMap::new();
            for other in ids.iter().filter(|o| **o != page.id) {
                let mut peer =
                    NativePeer::new(&format!("{}-{other}", page.id), &page.servers, relay_only)
                        .await?;
                let mut candidates =
                    std::mem::replace(&mut peer.candidates, mpsc::unbounded_channel().1);
                let (events, to) = (events.clone(), other.clone());
                tokio::spawn(async move {
                    while let Some(signal) = candidates.recv().await {
                        if events
                            .send(Event::Candidate(index, to.clone(), signal))
                            .is_err()
                        {
                            return;
                        }
                    }
                });
                mine.insert(other.clone(), peer);
            }
            peers.push(mine);
        }
        let mut mesh = Self {
            peers,
            sinks,
            readers,
        };
        // Of every pair the earlier page offers (the server's seat order: ids as given).
        for (i, offerer) in mesh.peers.iter_mut().enumerate() {
            for later in ids.iter().skip(i + 1) {
                let offer = offerer.get_mut(later).ok_or("no peer")?.offer().await?;
                mesh.sinks[i].send(addressed(later, offer)?).await?;
            }
        }
        let connected = futures_util::future::join_all(
            mesh.peers
                .iter()
                .flat_map(|p| p.values().map(NativePeer::connection))
                .collect::<Vec<_>>(),
        );
        tokio::pin!(connected);
        let deadline = tokio::time::sleep(within);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut connected => return Ok(mesh),
                () = &mut deadline => return Err(format!("not every pair connected within {within:?}").into()),
                event = heard.recv() => match event.ok_or("every socket closed")? {
                    Event::Candidate(page, to, signal) => {
                        mesh.sinks[page].send(addressed(&to, signal)?).await?;
                    }
                    Event::Heard(page, ServerMessage::Signal { signal, from }) => {
                        let peer = mesh.peers[page].get_mut(&from).ok_or("a signal from nobody")?;
                        if let Some(reply) = peer.apply(signal).await? {
                            mesh.sinks[page].send(addressed(&from, reply)?).await?;
                        }
                    }
                    Event::Heard(..) => {}
                },
            }
        }
    }

    /// Synthetic media on every connection.
    pub async fn start_media(&mut self) -> Result<(), Error> {
        for page in &mut self.peers {
            for peer in page.values_mut() {
                peer.start_media().await?;
            }
        }
        Ok(())
    }

    /// RTP packets each connection received so far (audio + video).
    pub fn packets(&self) -> Vec<u64> {
        self.peers
            .iter()
            .flat_map(|p| {
                p.values().map(|peer| {
                    let (audio, video) = peer.packets();
                    audio + video
                })
            })
            .collect()
    }

    /// Closes every connection and socket.
    pub async fn close(self) {
        for page in self.peers {
            for (_, peer) in page {
                peer.close().await;
            }
        }
        for mut sink in self.sinks {
            let _ = sink.close().await;
        }
        for reader in self.readers {
            reader.abort();
        }
    }
}
