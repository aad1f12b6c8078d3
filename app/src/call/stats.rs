//! The connection quality the call screen shows, from what `getStats` measured: reading a
//! report (selected path, round trip, relayed or direct, incoming totals), the figures of one
//! interval and their rating. Plain Rust; the browser ([`super::peer`]) turns the report's
//! entries into [`StatsEntry`] values.

/// One entry of a `getStats` report: the members the quality is computed from (each `None`
/// where the entry has no such member of that type).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsEntry {
    /// `type`: "transport", "candidate-pair", "local-candidate", "inbound-rtp",
    /// "remote-inbound-rtp", …
    pub kind: String,
    pub id: Option<String>,
    /// transport: the pair in use (Chromium, Safari).
    pub selected_candidate_pair_id: Option<String>,
    /// candidate-pair: the pair in use (Firefox, which has no transport entry).
    pub selected: Option<bool>,
    /// candidate-pair, in seconds.
    pub current_round_trip_time: Option<f64>,
    /// remote-inbound-rtp, in seconds.
    pub round_trip_time: Option<f64>,
    pub local_candidate_id: Option<String>,
    /// local-candidate: "host", "srflx", "prflx" or "relay".
    pub candidate_type: Option<String>,
    pub bytes_received: Option<f64>,
    pub packets_lost: Option<f64>,
    pub packets_received: Option<f64>,
    /// inbound-rtp: "audio" or "video".
    pub media_kind: Option<String>,
    /// inbound-rtp audio: the loudness heard, 0 to 1.
    pub audio_level: Option<f64>,
}

/// The incoming audio and video counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// When they were read (milliseconds since the epoch); 0 for "not yet".
    pub at_ms: f64,
    pub bytes: f64,
    pub lost: f64,
    pub received: f64,
}

/// What one report says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Reading {
    /// Round trip of the selected pair, else of the first remote-inbound-rtp that has one.
    pub rtt_ms: Option<f64>,
    /// The selected pair's local candidate is a TURN relay.
    pub relayed: bool,
    pub totals: Totals,
    /// The loudest incoming audio now (0 to 1), if reported.
    pub audio_level: Option<f64>,
}

/// Loudness (`audioLevel`, 0 to 1) above which a participant counts as speaking.
pub const SPEAKING_LEVEL: f64 = 0.03;

/// Reads a `getStats` report taken at `at_ms`.
pub fn read_report(entries: &[StatsEntry], at_ms: f64) -> Reading {
    let selected_id = entries
        .iter()
        .find(|e| e.kind == "transport")
        .and_then(|t| t.selected_candidate_pair_id.clone());
    let pair = entries.iter().find(|e| {
        e.kind == "candidate-pair"
            && match &selected_id {
                Some(id) => e.id.as_ref() == Some(id),
                None => e.selected == Some(true),
            }
    });
    let mut rtt_ms = pair
        .and_then(|p| p.current_round_trip_time)
        .map(|s| s * 1000.0);
    if rtt_ms.is_none() {
        rtt_ms = entries
            .iter()
            .filter(|e| e.kind == "remote-inbound-rtp")
            .find_map(|e| e.round_trip_time)
            .map(|s| s * 1000.0);
    }
    let relayed = pair
        .and_then(|p| p.local_candidate_id.as_ref())
        .and_then(|id| entries.iter().find(|e| e.id.as_ref() == Some(id)))
        .is_some_and(|c| c.candidate_type.as_deref() == Some("relay"));
    let mut totals = Totals {
        at_ms,
        ..Totals::default()
    };
    for e in entries.iter().filter(|e| e.kind == "inbound-rtp") {
        totals.bytes += e.bytes_received.unwrap_or(0.0);
        totals.lost += e.packets_lost.unwrap_or(0.0).max(0.0);
        totals.received += e.packets_received.unwrap_or(0.0);
    }
    let audio_level = entries
        .iter()
        .filter(|e| e.kind == "inbound-rtp" && e.media_kind.as_deref() == Some("audio"))
        .filter_map(|e| e.audio_level)
        .reduce(f64::max);
    Reading {
        rtt_ms,
        relayed,
        totals,
        audio_level,
    }
}

/// The figures of the interval from `previous` to `now`; `None` for the first reading of a
/// connection (nothing to compare with).
pub fn link_stats(previous: Totals, now: &Reading) -> Option<LinkStats> {
    if previous.at_ms == 0.0 {
        return None;
    }
    let current = now.totals;
    let seconds = ((current.at_ms - previous.at_ms) / 1000.0).max(0.001);
    let expected = (current.lost - previous.lost) + (current.received - previous.received);
    Some(LinkStats {
        rtt_ms: now.rtt_ms,
        loss_percent: (expected > 0.0).then(|| (current.lost - previous.lost) / expected * 100.0),
        kbits: Some((current.bytes - previous.bytes) * 8.0 / 1000.0 / seconds),
    })
}

/// What `getStats` showed over the last interval.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LinkStats {
    /// Round-trip time of the selected candidate pair.
    pub rtt_ms: Option<f64>,
    /// Packets lost of those expected, incoming audio and video.
    pub loss_percent: Option<f64>,
    /// Incoming bitrate (audio and video).
    pub kbits: Option<f64>,
}

/// The connection quality the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    Good,
    Fair,
    Poor,
}

impl Quality {
    /// The Fluent key of its plain-language description.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Good => "call-quality-good",
            Self::Fair => "call-quality-fair",
            Self::Poor => "call-quality-poor",
        }
    }
}

/// Rates a connection: a round trip over 400 ms, more than 5 % loss or under 150 kbit/s
/// incoming makes talking hard; over 200 ms, 2 % or under 400 kbit/s is noticeable.
pub fn quality(stats: LinkStats) -> Quality {
    let rtt = stats.rtt_ms.unwrap_or(0.0);
    let loss = stats.loss_percent.unwrap_or(0.0);
    let kbits = stats.kbits.unwrap_or(f64::INFINITY);
    if rtt > 400.0 || loss > 5.0 || kbits < 150.0 {
        Quality::Poor
    } else if rtt > 200.0 || loss > 2.0 || kbits < 400.0 {
        Quality::Fair
    } else {
        Quality::Good
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_follows_round_trip_loss_and_bitrate() {
        let stats = |rtt, loss, kbits| LinkStats {
            rtt_ms: Some(rtt),
            loss_percent: Some(loss),
            kbits: Some(kbits),
        };
        assert_eq!(quality(stats(20.0, 0.0, 1500.0)), Quality::Good);
        assert_eq!(quality(stats(250.0, 0.0, 1500.0)), Quality::Fair);
        assert_eq!(quality(stats(20.0, 3.0, 1500.0)), Quality::Fair);
        assert_eq!(quality(stats(20.0, 0.0, 300.0)), Quality::Fair);
        assert_eq!(quality(stats(450.0, 0.0, 1500.0)), Quality::Poor);
        assert_eq!(quality(stats(20.0, 8.0, 1500.0)), Quality::Poor);
        assert_eq!(quality(stats(20.0, 0.0, 100.0)), Quality::Poor);
        assert_eq!(
            quality(LinkStats::default()),
            Quality::Good,
            "nothing measured yet"
        );
    }

    fn entry(kind: &str, id: &str) -> StatsEntry {
        StatsEntry {
            kind: kind.into(),
            id: Some(id.into()),
            ..StatsEntry::default()
        }
    }

    fn inbound(bytes: f64, lost: f64, received: f64) -> StatsEntry {
        StatsEntry {
            bytes_received: Some(bytes),
            packets_lost: Some(lost),
            packets_received: Some(received),
            ..entry("inbound-rtp", "in")
        }
    }

    /// A Chromium-like report: the transport names the pair in use.
    fn chromium(local_type: &str) -> Vec<StatsEntry> {
        vec![
            StatsEntry {
                selected_candidate_pair_id: Some("p2".into()),
                ..entry("transport", "t")
            },
            StatsEntry {
                current_round_trip_time: Some(0.5),
                local_candidate_id: Some("l1".into()),
                ..entry("candidate-pair", "p1")
            },
            StatsEntry {
                current_round_trip_time: Some(0.042),
                local_candidate_id: Some("l2".into()),
                ..entry("candidate-pair", "p2")
            },
            StatsEntry {
                candidate_type: Some("host".into()),
                ..entry("local-candidate", "l1")
            },
            StatsEntry {
                candidate_type: Some(local_type.into()),
                ..entry("local-candidate", "l2")
            },
            inbound(1000.0, 2.0, 98.0),
            inbound(500.0, -1.0, 50.0),
        ]
    }

    #[test]
    fn the_selected_pair_gives_round_trip_and_path() {
        let reading = read_report(&chromium("relay"), 5000.0);
        assert_eq!(reading.rtt_ms, Some(42.0));
        assert!(reading.relayed);
        assert!(!read_report(&chromium("srflx"), 5000.0).relayed);
    }

    #[test]
    fn without_a_transport_entry_the_pair_marked_selected_counts() {
        // Firefox.
        let entries = vec![
            StatsEntry {
                current_round_trip_time: Some(0.3),
                ..entry("candidate-pair", "p1")
            },
            StatsEntry {
                selected: Some(true),
                local_candidate_id: Some("l2".into()),
                ..entry("candidate-pair", "p2")
            },
            StatsEntry {
                candidate_type: Some("relay".into()),
                ..entry("local-candidate", "l2")
            },
            StatsEntry {
                round_trip_time: None,
                ..entry("remote-inbound-rtp", "r0")
            },
            StatsEntry {
                round_trip_time: Some(0.08),
                ..entry("remote-inbound-rtp", "r1")
            },
        ];
        let reading = read_report(&entries, 1.0);
        assert_eq!(
            reading.rtt_ms,
            Some(80.0),
            "the pair has no round trip: the first remote-inbound-rtp with one"
        );
        assert!(reading.relayed);
        assert_eq!(
            read_report(&[], 1.0),
            Reading {
                totals: Totals {
                    at_ms: 1.0,
                    ..Totals::default()
                },
                ..Reading::default()
            }
        );
    }

    #[test]
    fn incoming_totals_add_up_audio_and_video_and_never_count_negative_loss() {
        let totals = read_report(&chromium("host"), 5000.0).totals;
        assert_eq!(
            totals,
            Totals {
                at_ms: 5000.0,
                bytes: 1500.0,
                lost: 2.0,
                received: 148.0
            }
        );
    }

    #[test]
    fn the_loudest_incoming_audio_tells_who_speaks() {
        let audio = |level: f64| StatsEntry {
            media_kind: Some("audio".into()),
            audio_level: Some(level),
            ..inbound(1.0, 0.0, 1.0)
        };
        let video = StatsEntry {
            media_kind: Some("video".into()),
            audio_level: Some(0.9),
            ..inbound(1.0, 0.0, 1.0)
        };
        let reading = read_report(&[audio(0.01), video.clone(), audio(0.2)], 1.0);
        assert_eq!(reading.audio_level, Some(0.2));
        assert!(reading.audio_level.unwrap() > SPEAKING_LEVEL);
        assert_eq!(read_report(&[video], 1.0).audio_level, None);
    }

    #[test]
    fn an_interval_gives_loss_and_bitrate_the_first_reading_nothing() {
        let now = Reading {
            rtt_ms: Some(42.0),
            relayed: false,
            totals: Totals {
                at_ms: 4000.0,
                bytes: 250_000.0,
                lost: 15.0,
                received: 1000.0,
            },
            audio_level: None,
        };
        assert_eq!(link_stats(Totals::default(), &now), None);
        let previous = Totals {
            at_ms: 2000.0,
            bytes: 0.0,
            lost: 5.0,
            received: 510.0,
        };
        let stats = link_stats(previous, &now).unwrap();
        assert_eq!(stats.rtt_ms, Some(42.0));
        // 10 lost of 500 expected; 250 kB in 2 s.
        assert_eq!(stats.loss_percent, Some(2.0));
        assert_eq!(stats.kbits, Some(1000.0));
        assert_eq!(
            quality(stats),
            Quality::Good,
            "2 % loss is the edge of good"
        );
        let idle = Reading {
            totals: Totals {
                at_ms: 4000.0,
                ..previous
            },
            ..now
        };
        assert_eq!(
            link_stats(previous, &idle).unwrap().loss_percent,
            None,
            "no packets expected: no loss figure"
        );
    }
}
