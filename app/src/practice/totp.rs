//! The second factor for practice staff: time-based one-time passwords (RFC 6238) that work with
//! any common authenticator app, the QR code that enrols such an app, and single-use recovery
//! codes for when the phone is lost.
//!
//! Pure logic: storing secrets, last used steps and recovery hashes is the caller's job, and
//! the current time is passed in so every rule can be tested on any date.

use hmac::digest::{Key, KeyInit};
use hmac::{Hmac, Mac};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};

/// Seconds per code; 30 is what authenticator apps assume when the URI says nothing else.
const STEP_SECONDS: u64 = 30;

/// Digits per code; six is the only length every authenticator app supports.
const DIGITS: usize = 6;

/// 10^DIGITS, the modulus that cuts the truncated HMAC down to six digits.
const CODE_MODULUS: u32 = 1_000_000;

/// Steps accepted on either side of the current one, for phones whose clock is a little off.
const DRIFT_STEPS: u64 = 1;

/// 160 bits, the HMAC-SHA1 output size that RFC 4226 recommends for the shared secret.
const SECRET_LEN: usize = 20;

/// Number of recovery codes handed out at once.
const RECOVERY_CODE_COUNT: usize = 10;

/// Characters per recovery code, without the dash.
const RECOVERY_CODE_LEN: usize = 10;

/// Recovery-code characters: digits and lower-case letters without 0/o, 1/l/i, which are easy
/// to confuse when a code is read off paper. That leaves 31 characters (see `RecoveryCodes`).
const RECOVERY_ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// Errors of the second-factor logic; none of them carries secret material.
#[derive(Debug, thiserror::Error)]
pub enum TotpError {
    /// The operating system could not supply random bytes, so no secret or code was made.
    /// Not a `#[source]`: getrandom implements `std::error::Error` only with its `std`
    /// feature, and the message already carries the OS error.
    #[error("random number generator failed: {0}")]
    Random(getrandom::Error),
    /// The data did not fit into a QR code (far longer than any otpauth URI).
    #[error("QR code could not be built: {0}")]
    Qr(#[from] qrcode::types::QrError),
    /// The text was not base32 or did not decode to exactly 20 bytes.
    #[error("secret is not 20 bytes of base32")]
    Base32,
}

/// The secret shared with the user's authenticator app.
///
/// `Debug` is written by hand and `PartialEq` is left out on purpose: the secret must not end
/// up in logs, and comparisons of secrets should not exist outside constant-time code.
#[derive(Clone)]
pub struct TotpSecret([u8; SECRET_LEN]);

impl TotpSecret {
    /// A fresh secret from the operating system's random number generator.
    pub fn generate() -> Result<Self, TotpError> {
        let mut bytes = [0u8; SECRET_LEN];
        getrandom::fill(&mut bytes).map_err(TotpError::Random)?;
        Ok(Self(bytes))
    }

    /// Wraps bytes read back from storage (for example after decryption).
    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(bytes)
    }

    /// The secret as authenticator apps want it typed in: RFC 4648 base32, upper case, no `=`.
    pub fn to_base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }

    /// Reads a secret typed or copied by a person, so lower case and spaces are accepted.
    pub fn from_base32(text: &str) -> Result<Self, TotpError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let decoded = data_encoding::BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .map_err(|_| TotpError::Base32)?;
        let bytes: [u8; SECRET_LEN] = decoded.try_into().map_err(|_| TotpError::Base32)?;
        Ok(Self(bytes))
    }

    /// The raw secret, for encrypting it before it is stored.
    pub fn as_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

/// The six-digit code for one time step, as a number (RFC 4226 section 5.3).
fn code_for_step(secret: &TotpSecret, step: u64) -> u32 {
    // RFC 2104 pads keys shorter than a block with zeros, so passing the zero-padded block is
    // the same HMAC; it uses the infallible constructor and keeps `unwrap` out of this path.
    let mut key = Key::<Hmac<Sha1>>::default();
    key[..SECRET_LEN].copy_from_slice(&secret.0);
    let mut mac = <Hmac<Sha1> as KeyInit>::new(&key);
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // Dynamic truncation: the low nibble of the last byte picks where four bytes are read;
    // the offset is at most 15, so the read stays inside the 20-byte digest.
    let offset = usize::from(digest[19] & 0x0f);
    let word = u32::from_be_bytes([
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    // The top bit is dropped so signed and unsigned implementations agree (RFC 4226).
    (word & 0x7fff_ffff) % CODE_MODULUS
}

/// The code an authenticator app shows at `unix_seconds` (RFC 6238: HMAC-SHA1, 30 s, T0 = 0).
///
/// Zero-padded, because a code like `081804` is six digits on the phone and must compare equal.
pub fn code_at(secret: &TotpSecret, unix_seconds: u64) -> String {
    format!(
        "{:0width$}",
        code_for_step(secret, unix_seconds / STEP_SECONDS),
        width = DIGITS
    )
}

/// Checks a code the user typed and returns the time step it belongs to.
///
/// The caller must store the returned step and pass it back as `last_used_step` next time:
/// codes of that step and earlier ones are refused, so a code seen over someone's shoulder or
/// in a proxy log cannot be used a second time. One step either side of now is accepted
/// because phone clocks drift.
pub fn verify(
    secret: &TotpSecret,
    input: &str,
    unix_seconds: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    // Apps show codes as "123 456"; people copy them with the space.
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Timing here depends only on what the user typed, not on the secret.
    let typed: u32 = digits.parse().ok()?;

    let current = unix_seconds / STEP_SECONDS;
    // Later entries win on a match: the current step first, then the newer neighbour, so a
    // code that happens to be valid for two steps burns the later one and the proptest
    // property "a code verifies to its own step" holds.
    let candidates = [
        current.checked_sub(DRIFT_STEPS),
        current.checked_add(DRIFT_STEPS),
        Some(current),
    ];

    let mut found = subtle::Choice::from(0);
    let mut found_step = 0u64;
    for step in candidates.into_iter().flatten() {
        // Which steps are skipped depends on the stored step only, never on the secret.
        if last_used_step.is_some_and(|last| step <= last) {
            continue;
        }
        // Every candidate is computed and compared without branching on the result, so the
        // response time does not reveal which step (if any) matched.
        let equal = code_for_step(secret, step).ct_eq(&typed);
        found_step = u64::conditional_select(&found_step, &step, equal);
        found |= equal;
    }
    if bool::from(found) {
        Some(found_step)
    } else {
        None
    }
}

/// Percent-encodes everything except RFC 3986 unreserved characters, byte by byte of UTF-8.
///
/// Kept deliberately strict (`@`, `+`, `:` and spaces are encoded too) because authenticator
/// apps differ in what they tolerate, and `+` would otherwise turn into a space in some.
fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// The enrolment URI in Google's Key URI format, which every common authenticator app reads.
///
/// The issuer is given both as label prefix and as parameter: older apps read only the
/// prefix, newer ones prefer the parameter. The URI contains the secret, so it must not be
/// logged; it is meant to go straight into [`qr_svg`].
pub fn otpauth_uri(secret: &TotpSecret, issuer: &str, account: &str) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}\
         &algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        account = percent_encode(account),
        secret = secret.to_base32(),
    )
}

/// A QR code as an SVG element that can be inlined into a page as it is.
///
/// The XML prolog is removed because it is not allowed inside HTML. The rest is the `svg`
/// element with a namespace, `width`/`height`/`viewBox` (so CSS can scale it), a white
/// rectangle and one black path: no scripts and no external references, so it passes a strict
/// Content-Security-Policy. EC level M survives small scratches on a screen photo without
/// making the code too dense; the quiet zone is kept because scanners need it.
pub fn qr_svg(data: &str) -> Result<String, TotpError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)?;
    let mut image = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .min_dimensions(200, 200)
        .build();
    // qrcode 0.14 starts with `<?xml ... ?>`; cutting at `<svg` also works if that ever changes.
    if let Some(start) = image.find("<svg") {
        image.drain(..start);
    }
    Ok(image)
}

/// A fresh set of recovery codes: `plain` is shown to the user once, `hashes` is stored.
///
/// Each code is 10 random characters from a 31-character alphabet, about 49.5 bits. That is
/// far beyond online guessing, which is why a fast, unsalted SHA-256 is used instead of a
/// password hash: a slow hash buys nothing against online attempts, and lookups stay a simple
/// equality on the stored hash. It is not meant to withstand an attacker who has the database
/// and a GPU farm for long; the password (hashed slowly) is still needed next to the code.
#[derive(Clone)]
pub struct RecoveryCodes {
    /// Codes as shown to the user, `xxxxx-xxxxx`; never stored.
    pub plain: Vec<String>,
    /// Lower-case hex SHA-256 of each code without the dash, in the same order as `plain`.
    pub hashes: Vec<String>,
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The plain codes are credentials; only how many there are is safe to print.
        f.debug_struct("RecoveryCodes")
            .field("plain", &format_args!("<{} redacted>", self.plain.len()))
            .field("hashes", &self.hashes)
            .finish()
    }
}

/// One recovery code without the dash, drawn uniformly from the alphabet.
fn random_recovery_code() -> Result<String, TotpError> {
    // 256 is not a multiple of 31, so bytes of 248 (= 8 * 31) and above are thrown away;
    // otherwise the first characters of the alphabet would come up slightly more often.
    const LIMIT: u8 = 248;
    let mut code = String::with_capacity(RECOVERY_CODE_LEN);
    let mut buffer = [0u8; 32];
    while code.len() < RECOVERY_CODE_LEN {
        getrandom::fill(&mut buffer).map_err(TotpError::Random)?;
        for &byte in buffer.iter().filter(|&&b| b < LIMIT) {
            if code.len() == RECOVERY_CODE_LEN {
                break;
            }
            let index = usize::from(byte) % RECOVERY_ALPHABET.len();
            code.push(char::from(RECOVERY_ALPHABET[index]));
        }
    }
    Ok(code)
}

/// The stored form of a normalised recovery code.
fn hash_normalised(code: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(code.as_bytes()))
}

/// Ten new recovery codes, all different, with their hashes.
pub fn generate_recovery_codes() -> Result<RecoveryCodes, TotpError> {
    let mut normalised: Vec<String> = Vec::with_capacity(RECOVERY_CODE_COUNT);
    while normalised.len() < RECOVERY_CODE_COUNT {
        let code = random_recovery_code()?;
        // A repeat is astronomically unlikely, but two equal codes would make one of them
        // silently unusable after the other is spent.
        if !normalised.contains(&code) {
            normalised.push(code);
        }
    }
    let hashes = normalised.iter().map(|c| hash_normalised(c)).collect();
    let plain = normalised
        .iter()
        .map(|c| format!("{}-{}", &c[..5], &c[5..]))
        .collect();
    Ok(RecoveryCodes { plain, hashes })
}

/// Normalises a recovery code as typed by the user and returns its hash for the lookup.
///
/// Case, spaces and dashes are ignored because codes are copied from paper or a PDF (which
/// may turn `-` into a typographic dash). Anything that cannot be a code gives `None`, so the
/// caller can refuse it without a database query.
pub fn hash_recovery_code(input: &str) -> Option<String> {
    let mut code = String::with_capacity(RECOVERY_CODE_LEN);
    for c in input.trim().chars() {
        if c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2212}')
        {
            continue;
        }
        // ASCII only: Unicode lower-casing would map e.g. the Kelvin sign to `k`.
        let c = c.to_ascii_lowercase();
        if !c.is_ascii() || !RECOVERY_ALPHABET.contains(&(c as u8)) {
            return None;
        }
        if code.len() == RECOVERY_CODE_LEN {
            return None;
        }
        code.push(c);
    }
    if code.len() != RECOVERY_CODE_LEN {
        return None;
    }
    Some(hash_normalised(&code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The key of RFC 6238 Appendix B for SHA-1.
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(*b"12345678901234567890")
    }

    #[test]
    fn rfc6238_sha1_vectors() {
        // The RFC lists 8-digit codes; a 6-digit code is the same number modulo 10^6.
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        let secret = rfc_secret();
        for (time, eight) in vectors {
            assert_eq!(code_at(&secret, time), &eight[2..], "time {time}");
        }
    }

    #[test]
    fn codes_are_zero_padded() {
        // 1111111109 gives 081804: the leading zero must be kept.
        let code = code_at(&rfc_secret(), 1_111_111_109);
        assert_eq!(code, "081804");
        assert_eq!(code.len(), 6);
    }

    #[test]
    fn verify_accepts_one_step_of_drift_and_not_two() {
        let secret = rfc_secret();
        let now = 1_234_567_890;
        let step = now / 30;
        assert_eq!(
            verify(&secret, &code_at(&secret, now), now, None),
            Some(step)
        );
        assert_eq!(
            verify(&secret, &code_at(&secret, now - 30), now, None),
            Some(step - 1)
        );
        assert_eq!(
            verify(&secret, &code_at(&secret, now + 30), now, None),
            Some(step + 1)
        );
        assert_eq!(
            verify(&secret, &code_at(&secret, now - 60), now, None),
            None
        );
        assert_eq!(
            verify(&secret, &code_at(&secret, now + 60), now, None),
            None
        );
    }

    #[test]
    fn verify_rejects_replay_and_older_steps() {
        let secret = rfc_secret();
        let now = 1_234_567_890;
        let code = code_at(&secret, now);
        let used = verify(&secret, &code, now, None);
        assert_eq!(used, Some(now / 30));
        // Same code again, same or next step: refused.
        assert_eq!(verify(&secret, &code, now, used), None);
        assert_eq!(verify(&secret, &code, now + 30, used), None);
        // A code from the step before the used one is refused although inside the window.
        let previous = code_at(&secret, now - 30);
        assert_eq!(verify(&secret, &previous, now, used), None);
        // The next step's code still works.
        let next = code_at(&secret, now + 30);
        assert_eq!(verify(&secret, &next, now + 30, used), Some(now / 30 + 1));
    }

    #[test]
    fn verify_strips_spaces() {
        let secret = rfc_secret();
        let now = 59;
        let code = code_at(&secret, now);
        let spaced = format!(" {} {} ", &code[..3], &code[3..]);
        assert_eq!(verify(&secret, &spaced, now, None), Some(1));
    }

    #[test]
    fn verify_rejects_wrong_length_and_non_digits() {
        let secret = rfc_secret();
        let now = 59;
        let code = code_at(&secret, now);
        assert_eq!(verify(&secret, "", now, None), None);
        assert_eq!(verify(&secret, &code[..5], now, None), None);
        assert_eq!(verify(&secret, &format!("{code}0"), now, None), None);
        // The full 8-digit RFC code ends with the right six digits but is still refused.
        assert_eq!(verify(&secret, "94287082", now, None), None);
        assert_eq!(verify(&secret, "28708a", now, None), None);
        assert_eq!(verify(&secret, "+28708", now, None), None);
        assert_eq!(verify(&secret, "287-082", now, None), None);
        // Full-width digits are digits to Unicode but not to us.
        assert_eq!(verify(&secret, "２８７０８２", now, None), None);
    }

    #[test]
    fn verify_at_time_zero_has_no_previous_step() {
        let secret = rfc_secret();
        assert_eq!(verify(&secret, &code_at(&secret, 0), 0, None), Some(0));
        assert_eq!(verify(&secret, &code_at(&secret, 30), 0, None), Some(1));
    }

    #[test]
    fn base32_round_trip() {
        let secret = rfc_secret();
        let text = secret.to_base32();
        assert_eq!(text, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert!(!text.contains('='));
        let back = TotpSecret::from_base32(&text).expect("valid base32");
        assert_eq!(back.as_bytes(), secret.as_bytes());

        let typed = "gezd gnbv gy3t qojq gezd gnbv gy3t qojq";
        let back = TotpSecret::from_base32(typed).expect("lower case with spaces");
        assert_eq!(back.as_bytes(), secret.as_bytes());

        let fresh = TotpSecret::generate().expect("random");
        let back = TotpSecret::from_base32(&fresh.to_base32()).expect("round trip");
        assert_eq!(back.as_bytes(), fresh.as_bytes());
    }

    #[test]
    fn base32_rejects_bad_input() {
        assert!(matches!(
            TotpSecret::from_base32("GEZDGNBVGY3TQOJQ"),
            Err(TotpError::Base32)
        ));
        assert!(matches!(
            TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1"),
            Err(TotpError::Base32)
        ));
        assert!(matches!(
            TotpSecret::from_base32(""),
            Err(TotpError::Base32)
        ));
    }

    #[test]
    fn debug_does_not_print_secret() {
        let secret = rfc_secret();
        let printed = format!("{secret:?}");
        assert!(!printed.contains("GEZD"));
        assert!(!printed.contains("49, 50"));
        assert!(!printed.contains("12345"));

        let codes = generate_recovery_codes().expect("random");
        let printed = format!("{codes:?}");
        for code in &codes.plain {
            assert!(!printed.contains(code.as_str()));
        }
    }

    #[test]
    fn otpauth_uri_encodes_issuer_and_account() {
        let uri = otpauth_uri(&rfc_secret(), "Praxis Dr. Müller", "a+b@example.de");
        assert_eq!(
            uri,
            "otpauth://totp/Praxis%20Dr.%20M%C3%BCller:a%2Bb%40example.de\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Praxis%20Dr.%20M%C3%BCller\
             &algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved() {
        assert_eq!(percent_encode("Az09-._~"), "Az09-._~");
        assert_eq!(percent_encode(":/?#&=% "), "%3A%2F%3F%23%26%3D%25%20");
    }

    #[test]
    fn qr_svg_is_inline_safe() {
        let uri = otpauth_uri(&rfc_secret(), "Praxis Dr. Müller", "a+b@example.de");
        let svg = qr_svg(&uri).expect("fits into a QR code");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
        assert!(!svg.to_ascii_lowercase().contains("<script"));
        assert!(!svg.contains("href"));
        let without_namespace = svg.replace(r#"xmlns="http://www.w3.org/2000/svg""#, "");
        assert!(!without_namespace.contains("http://"));
        assert!(!without_namespace.contains("https://"));
        assert!(svg.contains("viewBox="));
        assert!(svg.contains("width="));
        assert!(svg.contains(r##"fill="#000000""##));
        assert!(svg.contains(r##"fill="#ffffff""##));
        // Nothing of the data ends up in the markup as text.
        assert!(!svg.contains("otpauth"));
        assert!(!svg.contains("GEZD"));
    }

    #[test]
    fn qr_svg_reports_oversized_data() {
        let huge = "x".repeat(10_000);
        assert!(matches!(qr_svg(&huge), Err(TotpError::Qr(_))));
    }

    #[test]
    fn recovery_codes_have_the_promised_format() {
        let codes = generate_recovery_codes().expect("random");
        assert_eq!(codes.plain.len(), 10);
        assert_eq!(codes.hashes.len(), 10);
        for (plain, hash) in codes.plain.iter().zip(&codes.hashes) {
            assert_eq!(plain.len(), 11, "{plain}");
            assert_eq!(plain.as_bytes()[5], b'-', "{plain}");
            for (i, b) in plain.bytes().enumerate() {
                if i != 5 {
                    assert!(RECOVERY_ALPHABET.contains(&b), "{plain}");
                }
            }
            assert_eq!(hash.len(), 64);
            assert!(hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
            assert_eq!(hash_recovery_code(plain).as_deref(), Some(hash.as_str()));
        }
    }

    #[test]
    fn recovery_alphabet_has_no_confusable_characters() {
        for b in b"0o1li" {
            assert!(!RECOVERY_ALPHABET.contains(b), "{}", char::from(*b));
        }
        let mut sorted = RECOVERY_ALPHABET.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), RECOVERY_ALPHABET.len());
    }

    #[test]
    fn recovery_codes_are_unique_within_a_set() {
        for _ in 0..20 {
            let codes = generate_recovery_codes().expect("random");
            let mut plain = codes.plain.clone();
            plain.sort();
            plain.dedup();
            assert_eq!(plain.len(), 10);
            let mut hashes = codes.hashes.clone();
            hashes.sort();
            hashes.dedup();
            assert_eq!(hashes.len(), 10);
        }
    }

    #[test]
    fn recovery_hash_normalises_input() {
        let expected = hash_recovery_code("abcdefghjk").expect("valid code");
        assert_eq!(expected, hash_normalised("abcdefghjk"));
        for typed in [
            "ABCDE-fghjk",
            "  abcde-fghjk\n",
            "abcde fghjk",
            "ABC DE-FG HJK",
            "abcde\u{2013}fghjk",
        ] {
            assert_eq!(
                hash_recovery_code(typed).as_deref(),
                Some(expected.as_str()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn recovery_hash_rejects_non_codes() {
        for typed in [
            "",
            "abcde-fghj",
            "abcde-fghjkm",
            "abcde-fghji",
            "abcde-fghj0",
            "abcde_fghjk",
            "abcde-fghj\u{212a}",
            "äbcde-fghjk",
        ] {
            assert_eq!(hash_recovery_code(typed), None, "{typed:?}");
        }
    }

    proptest! {
        #[test]
        fn a_code_verifies_to_its_own_step(t in 0u64..=u64::MAX / 2) {
            let secret = rfc_secret();
            prop_assert_eq!(verify(&secret, &code_at(&secret, t), t, None), Some(t / 30));
        }

        #[test]
        fn any_secret_verifies_its_own_code(bytes in any::<[u8; 20]>(), t in 0u64..4_102_444_800) {
            let secret = TotpSecret::from_bytes(bytes);
            prop_assert_eq!(verify(&secret, &code_at(&secret, t), t, None), Some(t / 30));
        }
    }
}
