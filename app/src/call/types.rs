//! What the two browsers of a call share without the server: the messages of the data channel
//! (chat, microphone and camera state) and the verification code over both DTLS fingerprints.

use serde::{Deserialize, Serialize};

/// The longest chat message, in characters.
pub const CHAT_MAX_CHARS: usize = 1000;

/// Browser to browser over the call's data channel: never through the server, never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PeerMessage {
    /// A chat line.
    Chat { text: String },
    /// The sender switched microphone or camera on or off.
    Media { microphone: bool, camera: bool },
}

/// A data channel message as the browser reads it: its `type`, then that type's fields with a
/// plain struct (like [`crate::signalling::types::read_server_message`]: no buffering of the
/// internally tagged enum in the bundles). `None` for an unknown type or a missing field.
pub fn read_peer_message(text: &str) -> Option<PeerMessage> {
    #[derive(Deserialize)]
    struct Fields {
        #[serde(rename = "type")]
        kind: String,
        text: Option<String>,
        microphone: Option<bool>,
        camera: Option<bool>,
    }
    let m: Fields = serde_json::from_str(text).ok()?;
    match m.kind.as_str() {
        "chat" => Some(PeerMessage::Chat { text: m.text? }),
        "media" => Some(PeerMessage::Media {
            microphone: m.microphone?,
            camera: m.camera?,
        }),
        _ => None,
    }
}

/// A chat line as typed: trimmed, 1 to [`CHAT_MAX_CHARS`] characters, no control characters
/// except line breaks.
pub fn clean_chat(text: &str) -> Option<String> {
    let text = text.trim();
    let len = text.chars().count();
    (len > 0 && len <= CHAT_MAX_CHARS && !text.chars().any(|c| c.is_control() && c != '\n'))
        .then(|| text.to_owned())
}

/// The DTLS fingerprints (`a=fingerprint:` lines) of an SDP, as `"sha-256 AB:CD:…"`, upper case.
pub fn sdp_fingerprints(sdp: &str) -> Vec<String> {
    let mut found: Vec<String> = sdp
        .lines()
        .filter_map(|line| line.trim().strip_prefix("a=fingerprint:"))
        .map(|value| {
            let mut parts = value.split_whitespace();
            let algorithm = parts.next().unwrap_or_default().to_ascii_lowercase();
            let digest = parts.next().unwrap_or_default().to_ascii_uppercase();
            format!("{algorithm} {digest}")
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// What both sides hash for the verification code: their own and the other's fingerprints,
/// sorted, so both compute the same text when (and only when) each sees the other's real
/// certificate. `None` without a fingerprint on either side.
pub fn verification_input(local_sdp: &str, remote_sdp: &str) -> Option<String> {
    let local = sdp_fingerprints(local_sdp);
    let remote = sdp_fingerprints(remote_sdp);
    if local.is_empty() || remote.is_empty() {
        return None;
    }
    let mut all = [local.join(","), remote.join(",")];
    all.sort();
    Some(format!(
        "sprechzimmer-verification-v1|{}|{}",
        all[0], all[1]
    ))
}

/// What every page of a group call hashes for the group's code: its own fingerprint and each
/// other participant's as its connection to them sees it, sorted. With one certificate per
/// page (shared by all its connections) every page computes the same text when (and only
/// when) no connection shows a substituted certificate; a swapped fingerprint on any pair
/// changes the text on both ends of that pair. `None` while a fingerprint is missing.
pub fn group_verification_input(local_sdp: &str, remote_sdps: &[&str]) -> Option<String> {
    let mut all = sdp_fingerprints(local_sdp);
    if all.is_empty() || remote_sdps.is_empty() {
        return None;
    }
    for sdp in remote_sdps {
        let remote = sdp_fingerprints(sdp);
        if remote.is_empty() {
            return None;
        }
        all.extend(remote);
    }
    all.sort();
    all.dedup();
    Some(format!("sprechzimmer-group-v1|{}", all.join("|")))
}

/// Six digits from a SHA-256 digest of [`verification_input`], shown as "123 456".
pub fn verification_code(digest: &[u8]) -> String {
    let mut first = [0u8; 8];
    for (slot, byte) in first.iter_mut().zip(digest) {
        *slot = *byte;
    }
    let number = u64::from_be_bytes(first) % 1_000_000;
    format!("{:03} {:03}", number / 1000, number % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_reads_every_peer_message_as_serde_does() {
        for message in [
            PeerMessage::Chat {
                text: "Hallo \"Sie\"\nzweite Zeile".into(),
            },
            PeerMessage::Media {
                microphone: true,
                camera: false,
            },
        ] {
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(read_peer_message(&text), Some(message.clone()), "{text}");
            assert_eq!(serde_json::from_str::<PeerMessage>(&text).unwrap(), message);
        }
        for text in [
            r#"{"type":"shout","text":"x"}"#,
            r#"{"type":"chat"}"#,
            r#"{"type":"chat","text":null}"#,
            r#"{"type":"media","microphone":true}"#,
            r#"{"text":"x"}"#,
            "Hallo",
        ] {
            assert_eq!(read_peer_message(text), None, "{text}");
            assert!(serde_json::from_str::<PeerMessage>(text).is_err(), "{text}");
        }
    }
    use serde_json::json;

    #[test]
    fn peer_messages_have_their_wire_form() {
        let chat = PeerMessage::Chat {
            text: "Hallo".into(),
        };
        assert_eq!(
            serde_json::to_value(&chat).unwrap(),
            json!({"type": "chat", "text": "Hallo"})
        );
        let media = PeerMessage::Media {
            microphone: false,
            camera: true,
        };
        assert_eq!(
            serde_json::to_value(&media).unwrap(),
            json!({"type": "media", "microphone": false, "camera": true})
        );
        assert_eq!(
            serde_json::from_value::<PeerMessage>(json!({"type": "chat", "text": "x"})).unwrap(),
            PeerMessage::Chat { text: "x".into() }
        );
    }

    #[test]
    fn chat_lines_are_trimmed_and_limited() {
        assert_eq!(
            clean_chat("  Hallo\nzweite Zeile "),
            Some("Hallo\nzweite Zeile".into())
        );
        assert_eq!(clean_chat(" \n "), None);
        assert_eq!(clean_chat("a\u{0007}"), None);
        assert!(clean_chat(&"ü".repeat(CHAT_MAX_CHARS)).is_some());
        assert_eq!(clean_chat(&"ü".repeat(CHAT_MAX_CHARS + 1)), None);
    }

    const DOCTOR_SDP: &str = "v=0\r\na=fingerprint:sha-256 ab:cd:EF\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 AB:CD:EF\r\n";
    const PATIENT_SDP: &str = "v=0\na=fingerprint:SHA-256 12:34:56\n";

    #[test]
    fn fingerprints_are_read_from_the_sdp_normalised() {
        assert_eq!(sdp_fingerprints(DOCTOR_SDP), vec!["sha-256 AB:CD:EF"]);
        assert_eq!(sdp_fingerprints(PATIENT_SDP), vec!["sha-256 12:34:56"]);
        assert!(sdp_fingerprints("v=0").is_empty());
    }

    #[test]
    fn both_sides_hash_the_same_text_and_a_man_in_the_middle_changes_it() {
        use sha2::{Digest, Sha256};
        let doctor = verification_input(DOCTOR_SDP, PATIENT_SDP).unwrap();
        let patient = verification_input(PATIENT_SDP, DOCTOR_SDP).unwrap();
        assert_eq!(doctor, patient);
        let code = |text: &str| verification_code(&Sha256::digest(text.as_bytes()));
        // Someone in the middle shows each side their own certificate instead.
        let mitm = "v=0\na=fingerprint:sha-256 99:99:99\n";
        let doctor_sees = verification_input(DOCTOR_SDP, mitm).unwrap();
        let patient_sees = verification_input(PATIENT_SDP, mitm).unwrap();
        assert_ne!(code(&doctor_sees), code(&patient_sees));
        assert_eq!(code(&doctor), code(&patient));
        assert_eq!(verification_input(DOCTOR_SDP, "v=0"), None);
    }

    #[test]
    fn every_page_of_a_group_hashes_the_same_text_and_a_swapped_certificate_changes_it() {
        let sdp = |fp: &str| format!("v=0\na=fingerprint:sha-256 {fp}\n");
        let (doctor, patient, interpreter) = (sdp("AA"), sdp("BB"), sdp("CC"));
        let on_doctor = group_verification_input(&doctor, &[&patient, &interpreter]).unwrap();
        let on_patient = group_verification_input(&patient, &[&interpreter, &doctor]).unwrap();
        let on_guest = group_verification_input(&interpreter, &[&doctor, &patient]).unwrap();
        assert_eq!(on_doctor, on_patient);
        assert_eq!(on_doctor, on_guest);
        assert_ne!(
            on_doctor,
            verification_input(&doctor, &patient).unwrap(),
            "the group's text is not a pair's"
        );
        // Someone in the middle of the patient–interpreter pair: both of them see the
        // intruder's certificate for the other; the doctor's connections are untouched.
        let intruder = sdp("EE");
        let patient_sees = group_verification_input(&patient, &[&intruder, &doctor]).unwrap();
        let guest_sees = group_verification_input(&interpreter, &[&doctor, &intruder]).unwrap();
        assert_ne!(patient_sees, on_doctor);
        assert_ne!(guest_sees, on_doctor);
        assert_ne!(patient_sees, guest_sees);
        // A connection without a fingerprint yet: no code.
        assert_eq!(group_verification_input(&doctor, &[&patient, "v=0"]), None);
        assert_eq!(group_verification_input(&doctor, &[]), None);
    }

    #[test]
    fn the_code_is_six_digits_in_two_groups() {
        assert_eq!(verification_code(&[0; 32]), "000 000");
        // 0x0000_0000_0001_E240 = 123456
        assert_eq!(
            verification_code(&[0, 0, 0, 0, 0, 1, 0xE2, 0x40]),
            "123 456"
        );
        assert_eq!(verification_code(&[0xFF; 32]).len(), 7);
    }
}
