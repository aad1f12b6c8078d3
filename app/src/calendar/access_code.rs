//! The patient's access code: one per appointment, shown and mailed once, stored only hashed.
//!
//! 12 characters of Crockford base32 carry 60 bits from the operating system's random source
//! (the rule asks for at least 50). The alphabet leaves out I, L, O and U, so nothing on paper
//! or a phone screen can be read two ways; when typing, `O` counts as `0` and `I`/`L` as `1`,
//! case does not matter, and dashes or spaces are ignored.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::fmt;

/// `appointment.code_hash_version` of a keyed hash ([`AccessCode::hash`]).
pub const KEYED: i32 = 1;
/// `appointment.code_hash_version` of a bare SHA-256 stored before 2026-12
/// ([`AccessCode::legacy_hash`]); replaced by the keyed hash when the code is next used.
pub const LEGACY: i32 = 0;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code.
pub const LEN: usize = 12;
/// Random bits in a code.
pub const BITS: u32 = 5 * LEN as u32;
// The rule: at least 50 random bits. Checked when compiling.
const _: () = assert!(BITS >= 50);

/// A code as shown to people: `ABCD-EFGH-JKMN`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessCode(String);

impl fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A code opens a consultation; it never goes into logs.
        f.write_str("AccessCode(<redacted>)")
    }
}

impl AccessCode {
    /// A new random code.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)?;
        let mut value = u64::from_le_bytes(bytes);
        let mut chars = String::with_capacity(LEN);
        for _ in 0..LEN {
            chars.push(char::from(ALPHABET[(value & 31) as usize]));
            value >>= 5;
        }
        Ok(Self(chars))
    }

    /// Reads a code as typed: case-insensitive, with or without dashes and spaces, `O`→`0`,
    /// `I`/`L`→`1`. `None` if it cannot be a code (wrong length or characters).
    pub fn parse(input: &str) -> Option<Self> {
        let mut chars = String::with_capacity(LEN);
        for c in input.chars() {
            if c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2013}') {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || chars.len() == LEN {
                return None;
            }
            chars.push(c);
        }
        (chars.len() == LEN).then_some(Self(chars))
    }

    /// Grouped for reading: `ABCD-EFGH-JKMN`.
    pub fn display(&self) -> String {
        let s = &self.0;
        format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
    }

    /// What is stored: lower-case hex HMAC-SHA256 of the normalised code, keyed with
    /// `security.code_secret`. 60 random bits are far beyond online guessing (attempts are
    /// rate-limited), so a fast hash suffices and the lookup stays an equality on an indexed
    /// column; the key makes a copy of the database (a backup, a leak) useless for trying
    /// codes offline, which a bare hash of 60 bits would allow with enough hardware.
    pub fn hash(&self, secret: &SecretString) -> String {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(secret.expose_secret().as_bytes())
        {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of every length"),
        };
        mac.update(self.0.as_bytes());
        data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
    }

    /// The bare SHA-256 that versions before 2026-12 stored ([`LEGACY`] rows).
    pub fn legacy_hash(&self) -> String {
        data_encoding::HEXLOWER.encode(&Sha256::digest(self.0.as_bytes()))
    }
}

/// Where an appointment's code stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeWindow {
    /// Too early; the waiting room opens at `opens_at`.
    TooEarly { opens_at: DateTime<Utc> },
    /// The code opens the waiting room now.
    Open,
    /// The appointment is over.
    Expired,
    /// The practice cancelled the appointment.
    Cancelled,
}

/// Whether a code opens the waiting room at `now`: from `lead` before the start until the end.
pub fn window(
    now: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    cancelled: bool,
    lead: Duration,
) -> CodeWindow {
    if cancelled {
        return CodeWindow::Cancelled;
    }
    let opens_at = starts_at - lead;
    if now < opens_at {
        CodeWindow::TooEarly { opens_at }
    } else if now > ends_at {
        CodeWindow::Expired
    } else {
        CodeWindow::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Berlin;

    #[test]
    fn generated_codes_have_sixty_bits_in_unambiguous_characters_and_differ() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let code = AccessCode::generate().unwrap();
            let shown = code.display();
            assert_eq!(shown.len(), 14);
            assert!(shown
                .chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
            assert!(!shown.contains(['I', 'L', 'O', 'U']), "{shown}");
            assert!(seen.insert(shown), "codes repeat");
        }
    }

    #[test]
    fn typed_codes_are_read_generously_and_nothing_else_is() {
        let code = AccessCode::parse("ABCD-EFGH-JKMN").unwrap();
        let table: &[(&str, bool)] = &[
            ("ABCD-EFGH-JKMN", true),
            ("abcdefghjkmn", true),
            (" abcd efgh jkmn ", true),
            ("ABCD–EFGH–JKMN", true),
            ("ABCD-EFGH-JKM", false),
            ("ABCD-EFGH-JKMNP", false),
            ("ABCD-EFGH-JKM!", false),
            ("ABCD-EFGH-JKMÜ", false),
            ("ABCD-EFGH-JKMU", false),
            ("", false),
        ];
        for (typed, matches) in table {
            assert_eq!(
                AccessCode::parse(typed).as_ref() == Some(&code),
                *matches,
                "{typed:?}"
            );
        }
        assert_eq!(
            AccessCode::parse("oooo-iiii-llll").unwrap(),
            AccessCode::parse("0000-1111-1111").unwrap(),
            "O reads as 0, I and L as 1"
        );
    }

    #[test]
    fn display_parse_and_hash_agree() {
        let key = SecretString::from("k".repeat(40));
        let code = AccessCode::generate().unwrap();
        let again = AccessCode::parse(&code.display().to_lowercase()).unwrap();
        assert_eq!(again.hash(&key), code.hash(&key));
        assert_eq!(code.hash(&key).len(), 64);
        assert!(
            !code.hash(&key).contains(&code.0),
            "the hash does not contain the code"
        );
        assert_ne!(
            code.hash(&key),
            code.legacy_hash(),
            "keyed, not bare SHA-256"
        );
        assert_ne!(
            code.hash(&key),
            code.hash(&SecretString::from("x".repeat(40))),
            "another key, another hash"
        );
        // RFC 4231 test case 2 ("Jefe"), to pin the construction.
        let jefe = AccessCode("what do ya want for nothing?".into());
        assert_eq!(
            jefe.hash(&SecretString::from("Jefe")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(format!("{code:?}"), "AccessCode(<redacted>)");
    }

    fn berlin(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Berlin
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_code_opens_thirty_minutes_before_and_closes_at_the_end() {
        let lead = Duration::minutes(30);
        let start = berlin(2027, 1, 12, 10, 0);
        let end = start + Duration::minutes(50);
        let table = [
            (
                berlin(2027, 1, 12, 9, 29),
                false,
                CodeWindow::TooEarly {
                    opens_at: berlin(2027, 1, 12, 9, 30),
                },
            ),
            (berlin(2027, 1, 12, 9, 30), false, CodeWindow::Open),
            (berlin(2027, 1, 12, 10, 49), false, CodeWindow::Open),
            (berlin(2027, 1, 12, 10, 50), false, CodeWindow::Open),
            (berlin(2027, 1, 12, 10, 51), false, CodeWindow::Expired),
            (berlin(2027, 1, 12, 10, 0), true, CodeWindow::Cancelled),
            (berlin(2027, 1, 11, 10, 0), true, CodeWindow::Cancelled),
        ];
        for (now, cancelled, expected) in table {
            assert_eq!(window(now, start, end, cancelled, lead), expected, "{now}");
        }
    }

    #[test]
    fn across_the_dst_changes_the_window_follows_the_wall_clock() {
        let lead = Duration::minutes(30);
        // 2027-03-28: clocks jump from 02:00 to 03:00. An appointment at 03:15 opens at 02:45
        // wall-clock, which does not exist: the window opens 30 real minutes before, at 01:45.
        let start = berlin(2027, 3, 28, 3, 15);
        assert_eq!(start, Utc.with_ymd_and_hms(2027, 3, 28, 1, 15, 0).unwrap());
        assert_eq!(
            window(
                berlin(2027, 3, 28, 1, 44),
                start,
                start + Duration::minutes(50),
                false,
                lead
            ),
            CodeWindow::TooEarly {
                opens_at: berlin(2027, 3, 28, 1, 45)
            }
        );
        assert_eq!(
            window(
                berlin(2027, 3, 28, 1, 45),
                start,
                start + Duration::minutes(50),
                false,
                lead
            ),
            CodeWindow::Open
        );
        // 2027-10-31: 10:00 after the change is 09:00 UTC (the day before it is 08:00 UTC).
        let autumn = berlin(2027, 10, 31, 10, 0);
        assert_eq!(autumn, Utc.with_ymd_and_hms(2027, 10, 31, 9, 0, 0).unwrap());
        assert_eq!(
            berlin(2027, 10, 30, 10, 0),
            Utc.with_ymd_and_hms(2027, 10, 30, 8, 0, 0).unwrap()
        );
        assert_eq!(
            window(
                autumn - Duration::minutes(31),
                autumn,
                autumn + Duration::minutes(50),
                false,
                lead
            ),
            CodeWindow::TooEarly {
                opens_at: autumn - lead
            }
        );
    }
}
