//! End-to-end encryption of consent documents, done in the browser. Its own crate so that the
//! server's dependency graph cannot contain it: the server binary has no code that could decrypt
//! a document or unwrap a key (`scripts/test.sh` checks its graph). The patients' and practices'
//! browser bundles link it through `app`'s `hydrate` feature, the server's tests directly.
//!
//! The patient's browser seals each document to the practice's X25519 public key with a
//! libsodium-compatible sealed box: a fresh key pair per document, so the patient needs no key
//! and the sender stays anonymous. Only a practice member's browser can open it, after unwrapping
//! the practice's secret key with the shared passphrase or the recovery code (Argon2id, then
//! XSalsa20-Poly1305). The server stores ciphertext and wrapped keys, never a key that opens them.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use consent_format::document::{
    check_document, DocumentError, DocumentKind, MAX_SEALED_BYTES, SEAL_OVERHEAD,
};
use consent_format::wrapped_key::{
    public_key_bytes, KdfParams, WrappedKey, KEY_BYTES, NONCE_BYTES, SALT_BYTES, WRAP_VERSION,
};
use crypto_box::aead::{rand_core::RngCore, OsRng};
use crypto_box::{PublicKey, SecretKey};
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key, Nonce, XSalsa20Poly1305};
use std::fmt;
use zeroize::Zeroizing;

/// Version byte at the start of a sealed document's plaintext, before the kind tag.
const ENVELOPE_VERSION: u8 = 1;
// The server sizes uploads with SEAL_OVERHEAD without depending on this module.
const _: () = assert!(SEAL_OVERHEAD == crypto_box::SEALBYTES + 2);
const _: () = assert!(KEY_BYTES == crypto_box::KEY_SIZE);

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a recovery code without dashes: 26 × 5 bits hold its 128 random bits.
pub const RECOVERY_CODE_CHARS: usize = 26;
const _: () = assert!(5 * RECOVERY_CODE_CHARS >= 128);

/// Why a key could not be unwrapped or a document not sealed or opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The passphrase or recovery code does not open the wrapped key. A tampered ciphertext looks
    /// the same: the authentication tag cannot tell the two apart.
    #[error("the passphrase or recovery code does not open the key")]
    WrongSecret,
    /// A stored record or sealed document is malformed, was altered, or is not sealed for this
    /// practice's key.
    #[error("the key record or document is malformed, altered, or not for this key")]
    Corrupt,
    /// The unwrapped secret key does not belong to the stored public key: documents sealed to
    /// that public key could not be opened with it.
    #[error("the unwrapped secret key does not match the practice's public key")]
    KeyMismatch,
    /// The public key is not URL-safe base64 of 32 bytes.
    #[error("the practice's public key is malformed")]
    InvalidPublicKey,
    /// Argon2id rejected the parameters (only possible for parameters outside the bounds).
    #[error("the key could not be wrapped")]
    Wrap,
    /// The document's content is not the kind it was sealed or declared as.
    #[error("the document's content does not match its declared type")]
    KindMismatch,
    /// The file is not an acceptable document.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

impl CryptoError {
    /// The id of the Fluent message that explains this error to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::WrongSecret => "consent-key-wrong-secret",
            Self::Corrupt => "consent-crypto-corrupt",
            Self::KeyMismatch => "consent-key-mismatch",
            Self::InvalidPublicKey => "consent-key-invalid",
            Self::Wrap => "consent-key-wrap-failed",
            Self::KindMismatch => "consent-document-kind-mismatch",
            Self::Document(error) => error.message_key(),
        }
    }
}

/// The practice's key pair for consent documents, only ever in a practice member's browser.
pub struct PracticeKeys {
    secret: SecretKey,
    public: PublicKey,
}

impl fmt::Debug for PracticeKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PracticeKeys")
            .field("public", &self.public_key_b64())
            .finish_non_exhaustive()
    }
}

impl PracticeKeys {
    /// A new random key pair. Panics only if the browser or OS has no random source.
    pub fn generate() -> Self {
        let secret = SecretKey::generate(&mut OsRng);
        let public = secret.public_key();
        Self { secret, public }
    }

    /// The public key, which patients' browsers seal documents to.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// The public key as URL-safe base64 without padding, as the server stores it.
    pub fn public_key_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.public.as_bytes())
    }
}

/// Reads a public key as the server stores it (URL-safe base64 without padding).
pub fn public_key_from_b64(public_b64: &str) -> Result<PublicKey, CryptoError> {
    public_key_bytes(public_b64)
        .map(PublicKey::from_bytes)
        .ok_or(CryptoError::InvalidPublicKey)
}

/// Wraps the secret key under `secret` (a passphrase, or a [`normalize_recovery_code`]d code)
/// with OWASP's Argon2id parameters.
pub fn wrap_secret_key(keys: &PracticeKeys, secret: &str) -> Result<WrappedKey, CryptoError> {
    wrap_secret_key_with(keys, secret, KdfParams::OWASP)
}

/// [`wrap_secret_key`] with other Argon2id parameters (cheaper ones in tests).
pub fn wrap_secret_key_with(
    keys: &PracticeKeys,
    secret: &str,
    kdf: KdfParams,
) -> Result<WrappedKey, CryptoError> {
    // What unwrapping would refuse must not be written.
    if !kdf.in_bounds() {
        return Err(CryptoError::Wrap);
    }
    let mut salt = [0u8; SALT_BYTES];
    let mut nonce = [0u8; NONCE_BYTES];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut nonce);
    let key = derive_key(secret, &salt, kdf)?;
    let plaintext = Zeroizing::new(keys.secret.to_bytes());
    let ciphertext = XSalsa20Poly1305::new(Key::from_slice(key.as_slice()))
        .encrypt(Nonce::from_slice(&nonce), plaintext.as_slice())
        // Encryption fails only for messages of gigabytes; this one has 32 bytes.
        .map_err(|_| CryptoError::Wrap)?;
    Ok(WrappedKey {
        version: WRAP_VERSION,
        kdf,
        salt: URL_SAFE_NO_PAD.encode(salt),
        nonce: URL_SAFE_NO_PAD.encode(nonce),
        ciphertext: URL_SAFE_NO_PAD.encode(ciphertext),
    })
}

/// Unwraps the practice's key pair with the passphrase or normalised recovery code, and checks
/// that it belongs to `public_b64`, the key patients seal to.
pub fn unwrap_secret_key(
    wrapped: &WrappedKey,
    public_b64: &str,
    secret: &str,
) -> Result<PracticeKeys, CryptoError> {
    let public = public_key_from_b64(public_b64)?;
    let bytes = wrapped.decode().map_err(|_| CryptoError::Corrupt)?;
    let key = derive_key(secret, &bytes.salt, wrapped.kdf).map_err(|_| CryptoError::Corrupt)?;
    let plaintext = Zeroizing::new(
        XSalsa20Poly1305::new(Key::from_slice(key.as_slice()))
            .decrypt(Nonce::from_slice(&bytes.nonce), bytes.ciphertext.as_slice())
            .map_err(|_| CryptoError::WrongSecret)?,
    );
    let secret = SecretKey::from_slice(&plaintext).map_err(|_| CryptoError::Corrupt)?;
    if secret.public_key() != public {
        return Err(CryptoError::KeyMismatch);
    }
    Ok(PracticeKeys { secret, public })
}

/// The 32-byte wrapping key: Argon2id of `secret` under `salt`.
fn derive_key(
    secret: &str,
    salt: &[u8],
    kdf: KdfParams,
) -> Result<Zeroizing<[u8; KEY_BYTES]>, CryptoError> {
    let params =
        Params::new(kdf.m_kib, kdf.t, kdf.p, Some(KEY_BYTES)).map_err(|_| CryptoError::Wrap)?;
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(secret.as_bytes(), salt, key.as_mut_slice())
        .map_err(|_| CryptoError::Wrap)?;
    Ok(key)
}

/// A new recovery code: 128 random bits as Crockford base32 in groups of four,
/// `7KQ2-M8XD-4RTB-9ZPW-HC3N-V6JA-1E`. Panics only if there is no random source.
pub fn new_recovery_code() -> String {
    let mut bytes = Zeroizing::new([0u8; 16]);
    OsRng.fill_bytes(bytes.as_mut_slice());
    let mut value = u128::from_le_bytes(*bytes);
    let mut code = String::with_capacity(RECOVERY_CODE_CHARS + RECOVERY_CODE_CHARS / 4);
    for i in 0..RECOVERY_CODE_CHARS {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(CROCKFORD[(value & 31) as usize]));
        value >>= 5;
    }
    code
}

/// A recovery code as typed, in the form it was wrapped with: upper case, no spaces or dashes,
/// `O`→`0` and `I`/`L`→`1` (the letters Crockford's alphabet leaves out because they look alike).
pub fn normalize_recovery_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// Seals a document to the practice's public key after checking that its content is `kind`.
/// The result is [`SEAL_OVERHEAD`] bytes longer than `bytes`.
pub fn seal_document(
    public: &PublicKey,
    kind: DocumentKind,
    bytes: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    if check_document(bytes)? != kind {
        return Err(CryptoError::KindMismatch);
    }
    let mut plaintext = Zeroizing::new(Vec::with_capacity(2 + bytes.len()));
    plaintext.extend_from_slice(&[ENVELOPE_VERSION, kind.to_byte()]);
    plaintext.extend_from_slice(bytes);
    public
        .seal(&mut OsRng, &plaintext)
        // Sealing fails only for messages of gigabytes; check_document allows 10 MiB.
        .map_err(|_| CryptoError::Corrupt)
}

/// Opens a sealed document and checks that its content is the kind its envelope names, so an
/// uploader cannot make the practice's browser show an executable as a picture.
pub fn open_document(
    keys: &PracticeKeys,
    sealed: &[u8],
) -> Result<(DocumentKind, Vec<u8>), CryptoError> {
    if sealed.len() > MAX_SEALED_BYTES {
        return Err(CryptoError::Corrupt);
    }
    let mut plaintext = keys
        .secret
        .unseal(sealed)
        .map_err(|_| CryptoError::Corrupt)?;
    let kind = match plaintext.as_slice() {
        [ENVELOPE_VERSION, tag, ..] => DocumentKind::from_byte(*tag).ok_or(CryptoError::Corrupt)?,
        _ => return Err(CryptoError::Corrupt),
    };
    plaintext.drain(..2);
    match check_document(&plaintext) {
        Ok(found) if found == kind => Ok((kind, plaintext)),
        _ => Err(CryptoError::KindMismatch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consent_format::document::MAX_DOCUMENT_BYTES;
    use std::collections::HashSet;
    use std::time::Instant;

    /// The cheapest parameters unwrapping accepts: fast tests, same code path.
    const CHEAP: KdfParams = KdfParams {
        m_kib: 8_192,
        t: 1,
        p: 1,
    };
    const PASSPHRASE: &str = "Praxis Sonnenblume 2026";

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../server/tests/fixtures/consent/",
                $name
            ))
            .as_slice()
        };
    }
    const PNG: &[u8] = fixture!("foto.png");
    const PDF: &[u8] = fixture!("einwilligung.pdf");

    #[test]
    fn real_documents_round_trip() {
        let keys = PracticeKeys::generate();
        let public = public_key_from_b64(&keys.public_key_b64()).expect("own key");
        for (bytes, kind) in [
            (PNG, DocumentKind::Png),
            (PDF, DocumentKind::Pdf),
            (fixture!("foto.jpg"), DocumentKind::Jpeg),
            (fixture!("foto.heic"), DocumentKind::Heic),
        ] {
            let sealed = seal_document(&public, kind, bytes).expect("seals");
            assert_eq!(sealed.len(), bytes.len() + SEAL_OVERHEAD);
            assert_eq!(open_document(&keys, &sealed), Ok((kind, bytes.to_vec())));
        }
    }

    #[test]
    fn ciphertext_shows_nothing_of_the_plaintext() {
        let keys = PracticeKeys::generate();
        let sealed = seal_document(keys.public(), DocumentKind::Png, PNG).expect("seals");
        assert_ne!(&sealed[SEAL_OVERHEAD..], PNG);
        let windows: HashSet<&[u8]> = sealed.windows(32).collect();
        assert!(!sealed.windows(8).any(|w| w == &PNG[..8]), "PNG signature");
        assert!(
            !PNG.windows(32).any(|w| windows.contains(w)),
            "32-byte window"
        );
        // A fresh ephemeral key each time: the same file never gives the same ciphertext.
        let again = seal_document(keys.public(), DocumentKind::Png, PNG).expect("seals");
        assert_ne!(sealed, again);
    }

    #[test]
    fn another_practice_cannot_open() {
        let ours = PracticeKeys::generate();
        let theirs = PracticeKeys::generate();
        let sealed = seal_document(ours.public(), DocumentKind::Pdf, PDF).expect("seals");
        assert_eq!(open_document(&theirs, &sealed), Err(CryptoError::Corrupt));
    }

    #[test]
    fn any_flipped_byte_is_detected() {
        let keys = PracticeKeys::generate();
        let sealed = seal_document(keys.public(), DocumentKind::Pdf, PDF).expect("seals");
        // Ephemeral public key, tag, envelope header, file body, last byte.
        for index in [0, 31, 32, 47, 48, 49, 50, 600, sealed.len() - 1] {
            let mut tampered = sealed.clone();
            tampered[index] ^= 0x01;
            assert_eq!(
                open_document(&keys, &tampered),
                Err(CryptoError::Corrupt),
                "{index}"
            );
        }
        assert_eq!(
            open_document(&keys, &sealed[..40]),
            Err(CryptoError::Corrupt)
        );
        assert_eq!(open_document(&keys, &[]), Err(CryptoError::Corrupt));
    }

    #[test]
    fn a_lying_envelope_is_refused() {
        let keys = PracticeKeys::generate();
        // Anyone can seal to a public key: an attacker's envelope says PNG but holds an .exe.
        let exe = fixture!("umbenannt.pdf");
        for (tag, body) in [
            (DocumentKind::Png.to_byte(), exe),
            (DocumentKind::Pdf.to_byte(), PNG),
        ] {
            let envelope = [&[ENVELOPE_VERSION, tag][..], body].concat();
            let sealed = keys.public().seal(&mut OsRng, &envelope).expect("seals");
            assert_eq!(
                open_document(&keys, &sealed),
                Err(CryptoError::KindMismatch)
            );
        }
        for header in [[2, DocumentKind::Png.to_byte()], [ENVELOPE_VERSION, 9]] {
            let envelope = [&header[..], PNG].concat();
            let sealed = keys.public().seal(&mut OsRng, &envelope).expect("seals");
            assert_eq!(open_document(&keys, &sealed), Err(CryptoError::Corrupt));
        }
        // The patient's browser refuses the same before sealing.
        assert_eq!(
            seal_document(keys.public(), DocumentKind::Pdf, PNG),
            Err(CryptoError::KindMismatch)
        );
        assert_eq!(
            seal_document(keys.public(), DocumentKind::Pdf, exe),
            Err(CryptoError::Document(DocumentError::UnknownType))
        );
    }

    #[test]
    fn the_largest_document_fits_the_upload_limit() {
        let keys = PracticeKeys::generate();
        let mut largest = PNG.to_vec();
        largest.resize(MAX_DOCUMENT_BYTES, 0);
        let sealed = seal_document(keys.public(), DocumentKind::Png, &largest).expect("seals");
        assert_eq!(sealed.len(), MAX_SEALED_BYTES);
        assert_eq!(
            open_document(&keys, &sealed).map(|(kind, _)| kind),
            Ok(DocumentKind::Png)
        );
        largest.push(0);
        assert!(matches!(
            seal_document(keys.public(), DocumentKind::Png, &largest),
            Err(CryptoError::Document(DocumentError::TooLarge { .. }))
        ));
        let mut oversized = sealed;
        oversized.push(0);
        assert_eq!(open_document(&keys, &oversized), Err(CryptoError::Corrupt));
    }

    #[test]
    fn passphrase_wrap_round_trips_and_opens_documents() {
        let keys = PracticeKeys::generate();
        let public = keys.public_key_b64();
        let wrapped = wrap_secret_key_with(&keys, PASSPHRASE, CHEAP).expect("wraps");
        assert_eq!(wrapped.check_shape(), Ok(()));
        // Through JSON, as the server stores and returns it.
        let json = serde_json::to_string(&wrapped).expect("serialises");
        let stored: WrappedKey = serde_json::from_str(&json).expect("deserialises");
        let unwrapped = unwrap_secret_key(&stored, &public, PASSPHRASE).expect("unwraps");
        assert_eq!(unwrapped.public_key_b64(), public);
        let sealed = seal_document(keys.public(), DocumentKind::Pdf, PDF).expect("seals");
        assert_eq!(
            open_document(&unwrapped, &sealed),
            Ok((DocumentKind::Pdf, PDF.to_vec()))
        );
    }

    #[test]
    fn a_wrong_passphrase_fails() {
        let keys = PracticeKeys::generate();
        let wrapped = wrap_secret_key_with(&keys, PASSPHRASE, CHEAP).expect("wraps");
        let public = keys.public_key_b64();
        for wrong in ["", "praxis sonnenblume 2026", "Praxis Sonnenblume 2026 "] {
            assert_eq!(
                unwrap_secret_key(&wrapped, &public, wrong).map(|_| ()),
                Err(CryptoError::WrongSecret)
            );
        }
    }

    #[test]
    fn tampered_key_records_fail() {
        let keys = PracticeKeys::generate();
        let wrapped = wrap_secret_key_with(&keys, PASSPHRASE, CHEAP).expect("wraps");
        let public = keys.public_key_b64();
        let unwrap =
            |record: &WrappedKey| unwrap_secret_key(record, &public, PASSPHRASE).map(|_| ());

        let mut ciphertext = URL_SAFE_NO_PAD.decode(&wrapped.ciphertext).expect("base64");
        ciphertext[5] ^= 0x80;
        let flipped = WrappedKey {
            ciphertext: URL_SAFE_NO_PAD.encode(&ciphertext),
            ..wrapped.clone()
        };
        assert_eq!(unwrap(&flipped), Err(CryptoError::WrongSecret));
        // Other parameters within bounds derive another key.
        let weaker = WrappedKey {
            kdf: KdfParams { t: 2, ..CHEAP },
            ..wrapped.clone()
        };
        assert_eq!(unwrap(&weaker), Err(CryptoError::WrongSecret));
        let unbounded = WrappedKey {
            kdf: KdfParams {
                m_kib: 1 << 30,
                ..CHEAP
            },
            ..wrapped.clone()
        };
        assert_eq!(unwrap(&unbounded), Err(CryptoError::Corrupt));
        let short_salt = WrappedKey {
            salt: "AAAA".into(),
            ..wrapped.clone()
        };
        assert_eq!(unwrap(&short_salt), Err(CryptoError::Corrupt));
        assert_eq!(
            unwrap_secret_key(&wrapped, "kein Schlüssel", PASSPHRASE).map(|_| ()),
            Err(CryptoError::InvalidPublicKey)
        );
    }

    #[test]
    fn a_key_for_another_public_key_is_detected() {
        let keys = PracticeKeys::generate();
        let other = PracticeKeys::generate();
        let wrapped = wrap_secret_key_with(&keys, PASSPHRASE, CHEAP).expect("wraps");
        assert_eq!(
            unwrap_secret_key(&wrapped, &other.public_key_b64(), PASSPHRASE).map(|_| ()),
            Err(CryptoError::KeyMismatch)
        );
    }

    #[test]
    fn recovery_codes_have_128_bits_in_groups_of_four() {
        let code = new_recovery_code();
        let groups: Vec<&str> = code.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [4, 4, 4, 4, 4, 4, 2]
        );
        assert!(
            code.bytes().all(|b| b == b'-' || CROCKFORD.contains(&b)),
            "{code}"
        );
        assert_eq!(normalize_recovery_code(&code).len(), RECOVERY_CODE_CHARS);
        assert_ne!(code, new_recovery_code());
    }

    #[test]
    fn recovery_codes_are_normalised_as_typed() {
        assert_eq!(
            normalize_recovery_code("7kq2-m8xd 4rtb\t9zpw"),
            "7KQ2M8XD4RTB9ZPW"
        );
        assert_eq!(normalize_recovery_code("oOiIlL-01"), "00111101");
        assert_eq!(normalize_recovery_code(" ab\u{2013}cd "), "ABCD");
    }

    #[test]
    fn recovery_code_typed_in_lower_case_with_spaces_unwraps() {
        let keys = PracticeKeys::generate();
        let code = new_recovery_code();
        let wrapped =
            wrap_secret_key_with(&keys, &normalize_recovery_code(&code), CHEAP).expect("wraps");
        let typed = code
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "o")
            .replace('1', "l");
        let unwrapped = unwrap_secret_key(
            &wrapped,
            &keys.public_key_b64(),
            &normalize_recovery_code(&typed),
        )
        .expect("unwraps");
        assert_eq!(unwrapped.public_key_b64(), keys.public_key_b64());
    }

    #[test]
    fn default_parameters_wrap_and_unwrap() {
        let keys = PracticeKeys::generate();
        let started = Instant::now();
        let wrapped = wrap_secret_key(&keys, PASSPHRASE).expect("wraps");
        let wrap_time = started.elapsed();
        assert_eq!(wrapped.kdf, KdfParams::OWASP);
        let unwrapped =
            unwrap_secret_key(&wrapped, &keys.public_key_b64(), PASSPHRASE).expect("unwraps");
        assert_eq!(unwrapped.public_key_b64(), keys.public_key_b64());
        eprintln!("argon2id wrap with {:?}: {wrap_time:?}", KdfParams::OWASP);
    }

    #[test]
    fn out_of_bounds_parameters_are_not_written() {
        let keys = PracticeKeys::generate();
        let too_cheap = KdfParams { m_kib: 64, ..CHEAP };
        assert_eq!(
            wrap_secret_key_with(&keys, PASSPHRASE, too_cheap).map(|_| ()),
            Err(CryptoError::Wrap)
        );
    }

    #[test]
    fn debug_output_hides_the_secret_key() {
        let keys = PracticeKeys::generate();
        let debug = format!("{keys:?}");
        assert!(debug.contains(&keys.public_key_b64()));
        assert!(!debug.contains(&URL_SAFE_NO_PAD.encode(keys.secret.to_bytes())));
    }

    #[test]
    fn errors_name_their_messages() {
        assert_eq!(
            CryptoError::WrongSecret.message_key(),
            "consent-key-wrong-secret"
        );
        assert_eq!(
            CryptoError::Document(DocumentError::Empty).message_key(),
            "consent-upload-empty"
        );
    }
}
