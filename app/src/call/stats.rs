//! The connection quality the call screen shows, from what `getStats` measured.

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
}
