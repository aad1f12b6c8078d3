//! A native WebRTC peer (webrtc-rs) that speaks our signalling protocol like a browser page:
//! it takes the ICE servers from `CallReady`, sends and applies `Signal`s, sends synthetic
//! Opus/VP8 media, and talks over the negotiated chat channel (id 0). Used by the integration
//! test `native_call` and the call load benchmark (`examples/call_load.rs`); also the
//! signalling around it (join, negotiate).
//!
//! Notes from webrtc 0.21: host candidates come only from the bound sockets (so it binds
//! 127.0.0.1 explicitly; loopback is skipped otherwise), mDNS must be off, and only `turn:`
//! over UDP is used (TCP TURN URLs are skipped by the library).

use app::call::types::{verification_code, verification_input, PeerMessage};
use app::signalling::types::{ClientMessage, Envelope, IceServer, SdpType, ServerMessage, Signal};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use rtc::ice::mdns::MulticastDnsMode;
use rtc::media::Sample;
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_OPUS, MIME_TYPE_VP8};
use rtc::peer_connection::transport::RTCDtlsRole;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use webrtc::data_channel::{DataChannel, DataChannelEvent, RTCDataChannelInit};
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::media_stream::MediaStreamTrack;
use webrtc::peer_connection::{
    register_default_interceptors, MediaEngine, PeerConnection, PeerConnectionBuilder,
    PeerConnectionEventHandler, RTCConfigurationBuilder, RTCIceCandidateInit,
    RTCIceConnectionState, RTCIceGatheringState, RTCIceServer, RTCIceTransportPolicy,
    RTCPeerConnectionIceEvent, RTCPeerConnectionState, RTCSdpType, RTCSessionDescription,
    RTCStatsReportEntry, Registry, SettingEngineBuilder, StatsSelector,
};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// What arrived from the other side.
#[derive(Default)]
pub struct Received {
    pub audio_packets: AtomicU64,
    pub video_packets: AtomicU64,
    pub chat: Mutex<Vec<String>>,
}

struct Handler {
    candidates: mpsc::UnboundedSender<Signal>,
    state: watch::Sender<RTCPeerConnectionState>,
    received: Arc<Received>,
    name: String,
}

/// With `NATIVE_PEER_TRACE` set, the peers print when ICE and the connection change state
/// (milliseconds since the first peer was made): where a set-up spends its time.
fn trace(what: std::fmt::Arguments<'_>) {
    static START: std::sync::OnceLock<Option<Instant>> = std::sync::OnceLock::new();
    if let Some(start) =
        START.get_or_init(|| std::env::var_os("NATIVE_PEER_TRACE").map(|_| Instant::now()))
    {
        eprintln!("{:>6} ms {what}", start.elapsed().as_millis());
    }
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        trace(format_args!("{} gathering {state}", self.name));
    }

    async fn on_ice_connection_state_change(&self, state: RTCIceConnectionState) {
        trace(format_args!("{} ICE {state}", self.name));
    }

    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        trace(format_args!("{} candidate {}", self.name, event.candidate));
        if let Ok(init) = event.candidate.to_json() {
            let _ = self.candidates.send(Signal::Candidate {
                candidate: init.candidate,
                // Bundled: every m-line shares the transport; "0" is what browsers send.
                sdp_mid: Some(
                    init.sdp_mid
                        .filter(|m| !m.is_empty())
                        .unwrap_or_else(|| "0".into()),
                ),
                sdp_m_line_index: init.sdp_mline_index,
            });
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        trace(format_args!("{} connection {state}", self.name));
        let _ = self.state.send(state);
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let kind = track.kind().await;
        let received = self.received.clone();
        tokio::spawn(async move {
            while let Some(event) = track.poll().await {
                match event {
                    TrackRemoteEvent::OnRtpPacket(_) if kind == RtpCodecKind::Audio => {
                        received.audio_packets.fetch_add(1, Ordering::Relaxed);
                    }
                    TrackRemoteEvent::OnRtpPacket(_) => {
                        received.video_packets.fetch_add(1, Ordering::Relaxed);
                    }
                    TrackRemoteEvent::OnEnded => break,
                    _ => {}
                }
            }
        });
    }
}

/// One side of a call.
pub struct NativePeer {
    pc: Arc<dyn PeerConnection>,
    state: watch::Receiver<RTCPeerConnectionState>,
    /// Local candidates to send to the other side.
    pub candidates: mpsc::UnboundedReceiver<Signal>,
    pub received: Arc<Received>,
    tracks: [Arc<TrackLocalStaticSample>; 2],
    tracks_added: bool,
    channel: Arc<dyn DataChannel>,
    /// Candidates that came before the remote description.
    early: Vec<RTCIceCandidateInit>,
    has_remote: bool,
    media: Vec<tokio::task::JoinHandle<()>>,
}

fn track(kind: RtpCodecKind, ssrc: u32, name: &str) -> Result<Arc<TrackLocalStaticSample>, Error> {
    let codec = match kind {
        RtpCodecKind::Audio => RTCRtpCodec {
            mime_type: MIME_TYPE_OPUS.to_owned(),
            clock_rate: 48_000,
            channels: 2,
            sdp_fmtp_line: String::new(),
            rtcp_feedback: vec![],
        },
        _ => RTCRtpCodec {
            mime_type: MIME_TYPE_VP8.to_owned(),
            clock_rate: 90_000,
            channels: 0,
            sdp_fmtp_line: String::new(),
            rtcp_feedback: vec![],
        },
    };
    let track = MediaStreamTrack::new(
        format!("{name}-stream"),
        format!("{name}-{kind}"),
        format!("{name}-{kind}"),
        kind,
        vec![RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters {
                ssrc: Some(ssrc),
                ..Default::default()
            },
            codec,
            ..Default::default()
        }],
    );
    Ok(Arc::new(TrackLocalStaticSample::new(
        Instant::now(),
        track,
    )?))
}

impl NativePeer {
    /// A peer with the page's ICE servers; `relay_only` forces the TURN relay (UDP).
    pub async fn new(name: &str, servers: &[IceServer], relay_only: bool) -> Result<Self, Error> {
        let mut media = MediaEngine::default();
        media.register_default_codecs()?;
        let registry = register_default_interceptors(Registry::new(), &mut media)?;
        // Answering as the DTLS server: webrtc 0.21 may drop the first message on a negotiated
        // channel that reaches the DTLS client before its SCTP association is up.
        // webrtc-rs (like Pion) nominates a relayed pair only 2 s after ICE started (1 s for a
        // peer-reflexive one, 0.5 s server-reflexive), hoping for a better path; browsers
        // nominate the first pair that works. With those waits the relayed native set-up took
        // 4.3 s against 0.6 s in browsers (issue 24): the waits were the test client's.
        let settings = SettingEngineBuilder::new()
            .with_multicast_dns_mode(MulticastDnsMode::Disabled)
            .with_answering_dtls_role(RTCDtlsRole::Server)
            .with_srflx_acceptance_min_wait(Some(Duration::ZERO))
            .with_prflx_acceptance_min_wait(Some(Duration::ZERO))
            .with_relay_acceptance_min_wait(Some(Duration::ZERO))
            .build();
        let mut config = RTCConfigurationBuilder::new().with_ice_servers(
            servers
                .iter()
                .filter(|s| !s.url.ends_with("transport=tcp"))
                .map(|s| RTCIceServer {
                    urls: vec![s.url.clone()],
                    username: s.username.clone().unwrap_or_default(),
                    credential: s.credential.clone().unwrap_or_default(),
                })
                .collect(),
        );
        if relay_only {
            config = config.with_ice_transport_policy(RTCIceTransportPolicy::Relay);
        }
        let (candidates_tx, candidates) = mpsc::unbounded_channel();
        let (state_tx, state) = watch::channel(RTCPeerConnectionState::New);
        let received = Arc::new(Received::default());
        trace(format_args!("{name} made"));
        let handler = Arc::new(Handler {
            name: name.to_owned(),
            candidates: candidates_tx,
            state: state_tx,
            received: received.clone(),
        });
        let pc = PeerConnectionBuilder::new()
            .with_configuration(config.build())
            .with_media_engine(media)
            .with_interceptor_registry(registry)
            .with_setting_engine(settings)
            .with_handler(handler)
            .with_udp_addrs(vec!["127.0.0.1:0".to_owned()])
            .build()
            .await?;
        let pc: Arc<dyn PeerConnection> = Arc::new(pc);
        let channel = pc
            .create_data_channel(
                "chat",
                Some(RTCDataChannelInit {
                    negotiated: Some(0),
                    ..Default::default()
                }),
            )
            .await?;
        let ssrc = u32::from_be_bytes(rand_bytes());
        let tracks = [
            track(RtpCodecKind::Audio, ssrc, name)?,
            track(RtpCodecKind::Video, ssrc.wrapping_add(1), name)?,
        ];
        let peer = Self {
            pc,
            state,
            candidates,
            received,
            tracks,
            tracks_added: false,
            channel,
            early: Vec::new(),
            has_remote: false,
            media: Vec::new(),
        };
        peer.read_chat();
        Ok(peer)
    }

    fn read_chat(&self) {
        let (channel, received) = (self.channel.clone(), self.received.clone());
        tokio::spawn(async move {
            while let Some(event) = channel.poll().await {
                match event {
                    DataChannelEvent::OnMessage(message) => {
                        let text = String::from_utf8_lossy(&message.data).into_owned();
                        if let Ok(PeerMessage::Chat { text }) = serde_json::from_str(&text) {
                            received
                                .chat
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .push(text);
                        }
                    }
                    DataChannelEvent::OnClose => break,
                    _ => {}
                }
            }
        });
    }

    async fn add_tracks(&mut self) -> Result<(), Error> {
        if !self.tracks_added {
            self.tracks_added = true;
            for track in &self.tracks {
                self.pc
                    .add_track(track.clone() as Arc<dyn TrackLocal>)
                    .await?;
            }
        }
        Ok(())
    }

    /// The offer the doctor's side sends first.
    pub async fn offer(&mut self) -> Result<Signal, Error> {
        self.add_tracks().await?;
        let offer = self.pc.create_offer(None).await?;
        self.pc.set_local_description(offer).await?;
        let local = self.pc.local_description().await.ok_or("no offer")?;
        Ok(Signal::Description {
            sdp_type: SdpType::Offer,
            sdp: local.sdp,
        })
    }

    /// Applies a signal of the other side; an offer is answered (the answer is returned).
    pub async fn apply(&mut self, signal: Signal) -> Result<Option<Signal>, Error> {
        match signal {
            Signal::Description { sdp_type, sdp } => {
                let description = match sdp_type {
                    SdpType::Offer => RTCSessionDescription::offer(sdp)?,
                    SdpType::Answer => RTCSessionDescription::answer(sdp)?,
                };
                self.pc.set_remote_description(description).await?;
                self.has_remote = true;
                for candidate in std::mem::take(&mut self.early) {
                    self.pc.add_ice_candidate(candidate).await?;
                }
                if sdp_type != SdpType::Offer {
                    return Ok(None);
                }
                // Like a browser: the tracks join the offer's transceivers.
                self.add_tracks().await?;
                let answer = self.pc.create_answer(None).await?;
                self.pc.set_local_description(answer).await?;
                let local = self.pc.local_description().await.ok_or("no answer")?;
                debug_assert_eq!(local.sdp_type, RTCSdpType::Answer);
                Ok(Some(Signal::Description {
                    sdp_type: SdpType::Answer,
                    sdp: local.sdp,
                }))
            }
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            } => {
                let init = RTCIceCandidateInit {
                    candidate,
                    sdp_mid,
                    sdp_mline_index: sdp_m_line_index,
                    ..Default::default()
                };
                if self.has_remote {
                    self.pc.add_ice_candidate(init).await?;
                } else {
                    self.early.push(init);
                }
                Ok(None)
            }
        }
    }

    /// Resolves once the connection is up (or never, if it does not come up).
    pub fn connection(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut state = self.state.clone();
        async move {
            let _ = state
                .wait_for(|s| *s == RTCPeerConnectionState::Connected)
                .await;
        }
    }

    /// Synthetic media: an Opus frame every 20 ms, a VP8 key frame (3 RTP packets) every 33 ms.
    pub async fn start_media(&mut self) -> Result<(), Error> {
        for sender in self.pc.get_senders().await {
            let kind = sender.track().kind().await;
            let payload_type = sender
                .get_parameters()
                .await?
                .rtp_parameters
                .codecs
                .first()
                .map(|c| c.payload_type)
                .ok_or("no codec negotiated")?;
            let ssrc = *sender.track().ssrcs().await.first().ok_or("no ssrc")?;
            let (local, every, payload) = if kind == RtpCodecKind::Audio {
                (
                    self.tracks[0].clone(),
                    Duration::from_millis(20),
                    Bytes::from(vec![0xFC; 80]),
                )
            } else {
                let mut frame = vec![0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0xa0, 0x00, 0x78, 0x00];
                frame.resize(3000, 0xAB);
                (
                    self.tracks[1].clone(),
                    Duration::from_millis(33),
                    Bytes::from(frame),
                )
            };
            self.media.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                loop {
                    tick.tick().await;
                    let sample = Sample {
                        data: payload.clone(),
                        duration: every,
                        ..Sample::new(Instant::now())
                    };
                    let writer = local.sample_writer(ssrc, payload_type);
                    if writer.write_sample(&sample).await.is_err() {
                        break;
                    }
                }
            }));
        }
        Ok(())
    }

    /// Sends a chat line as the pages do; `false` while the channel is not open.
    pub async fn chat(&self, text: &str) -> bool {
        let message =
            serde_json::to_string(&PeerMessage::Chat { text: text.into() }).unwrap_or_default();
        self.channel.send_text(&message).await.is_ok()
    }

    /// The verification code this side would show (the pages' rule).
    pub async fn verification_code(&self) -> Option<String> {
        let local = self.pc.local_description().await?;
        let remote = self.pc.remote_description().await?;
        let input = verification_input(&local.sdp, &remote.sdp)?;
        Some(verification_code(&Sha256::digest(input.as_bytes())))
    }

    /// The type of the local candidate on the path in use ("host", "relay", ...), as a
    /// browser's `getStats()` shows it.
    pub async fn path(&self) -> Option<String> {
        let report = self.pc.get_stats(Instant::now(), StatsSelector::None).await;
        let selected = report.iter().find_map(|e| match e {
            RTCStatsReportEntry::Transport(t) => Some(t.selected_candidate_pair_id.clone()),
            _ => None,
        });
        let pairs: Vec<_> = report
            .iter()
            .filter_map(|e| match e {
                RTCStatsReportEntry::IceCandidatePair(p) => Some(p),
                _ => None,
            })
            .collect();
        // The selected pair; else the nominated pair carrying the traffic.
        let local_id = pairs
            .iter()
            .find(|p| Some(&p.stats.id) == selected.as_ref())
            .or_else(|| {
                pairs
                    .iter()
                    .filter(|p| p.nominated)
                    .max_by_key(|p| p.bytes_received)
            })?
            .local_candidate_id
            .clone();
        let kind = report.iter().find_map(|e| match e {
            // webrtc 0.21 names it "RTCLocalIceCandidate_<the pair's local id>".
            RTCStatsReportEntry::LocalCandidate(c)
                if c.stats.id == local_id || c.stats.id.ends_with(&format!("_{local_id}")) =>
            {
                Some(c.candidate_type.to_string())
            }
            _ => None,
        });
        kind
    }

    pub fn packets(&self) -> (u64, u64) {
        (
            self.received.audio_packets.load(Ordering::Relaxed),
            self.received.video_packets.load(Ordering::Relaxed),
        )
    }

    pub fn chat_received(&self) -> Vec<String> {
        self.received
            .chat
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub async fn close(mut self) {
        for task in self.media.drain(..) {
            task.abort();
        }
        let _ = self.channel.close().await;
        let _ = self.pc.close().await;
    }
}

fn rand_bytes() -> [u8; 4] {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).unwrap_or_default();
    bytes
}

/// A signalling socket as the pages open it.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn send(socket: &mut Socket, message: ClientMessage) -> Result<(), Error> {
    let text = serde_json::to_string(&Envelope::new(message))?;
    socket.send(Message::text(text)).await?;
    Ok(())
}

/// One page: its socket and its peer.
pub struct Side {
    pub socket: Socket,
    pub peer: NativePeer,
}

/// The next protocol message of a page's socket (pings skipped); `None` when it closed.
pub async fn receive(socket: &mut Socket) -> Option<ServerMessage> {
    loop {
        match socket.next().await? {
            Ok(Message::Text(text)) => {
                return serde_json::from_str::<Envelope<ServerMessage>>(&text)
                    .ok()
                    .map(|e| e.message);
            }
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            _ => return None,
        }
    }
}

/// Joins the call as `instance`; returns the ICE servers handed out for it.
pub async fn join(socket: &mut Socket, instance: &str) -> Result<Vec<IceServer>, Error> {
    send(
        socket,
        ClientMessage::JoinCall {
            instance: instance.into(),
        },
    )
    .await?;
    loop {
        match receive(socket).await {
            Some(ServerMessage::CallReady { ice_servers, .. }) => return Ok(ice_servers),
            Some(_) => continue,
            None => return Err("socket closed before the call was ready".into()),
        }
    }
}

/// A signal for the page of `peer` ("doctor", "patient" or a guest's id).
pub fn to(peer: &str, signal: Signal) -> ClientMessage {
    ClientMessage::Signal {
        signal,
        to: Some(peer.into()),
    }
}

/// Passes signals between the peers and their sockets until both are connected; the doctor
/// offers.
pub async fn negotiate(
    doctor: &mut Side,
    patient: &mut Side,
    within: Duration,
) -> Result<(), Error> {
    let offer = doctor.peer.offer().await?;
    send(&mut doctor.socket, to("patient", offer)).await?;
    let deadline = tokio::time::sleep(within);
    tokio::pin!(deadline);
    let connected = futures_util::future::join(doctor.peer.connection(), patient.peer.connection());
    tokio::pin!(connected);
    loop {
        tokio::select! {
            _ = &mut connected => return Ok(()),
            () = &mut deadline => return Err(format!("no connection within {within:?}").into()),
            Some(signal) = doctor.peer.candidates.recv() => {
                send(&mut doctor.socket, to("patient", signal)).await?;
            }
            Some(signal) = patient.peer.candidates.recv() => {
                send(&mut patient.socket, to("doctor", signal)).await?;
            }
            message = receive(&mut doctor.socket) => doctor.hear(message).await?,
            message = receive(&mut patient.socket) => patient.hear(message).await?,
        }
    }
}

impl Side {
    /// Applies a signal heard on the socket; an answer goes back at once.
    async fn hear(&mut self, message: Option<ServerMessage>) -> Result<(), Error> {
        match message {
            Some(ServerMessage::Signal { signal, from }) => {
                if let Some(reply) = self.peer.apply(signal).await? {
                    send(&mut self.socket, to(&from, reply)).await?;
                }
                Ok(())
            }
            Some(_) => Ok(()),
            None => Err("the signalling socket closed".into()),
        }
    }
}
