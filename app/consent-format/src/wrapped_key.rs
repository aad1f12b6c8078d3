//! The practice's document key as the server stores it, and the rule for its passphrase.
//!
//! The practice's X25519 secret key leaves its browser only encrypted ("wrapped") under a key
//! derived with Argon2id from the practice's passphrase, and once more under its recovery code.
//! The server keeps these [`WrappedKey`]s and the public key, checks their shape, and hands them
//! back; it has no code that could unwrap them (`consent-crypto` is not in its dependency graph).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};

/// Version of the [`WrappedKey`] format: Argon2id, then XSalsa20-Poly1305 (`crypto_secretbox`).
pub const WRAP_VERSION: u8 = 1;
/// Bytes of an Argon2id salt.
pub const SALT_BYTES: usize = 16;
/// Bytes of an XSalsa20 nonce.
pub const NONCE_BYTES: usize = 24;
/// Bytes of an X25519 key, public or secret.
pub const KEY_BYTES: usize = 32;
/// Bytes of a wrapped secret key: the key and the Poly1305 tag.
pub const WRAPPED_KEY_BYTES: usize = KEY_BYTES + 16;
/// Fewest characters (Unicode scalar values) a document passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// Argon2id cost parameters, stored with each wrapped key so they can be raised later.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over the memory.
    pub t: u32,
    /// Lanes (parallelism).
    pub p: u32,
}

impl KdfParams {
    /// OWASP's recommendation for Argon2id: 19 MiB, 2 passes, 1 lane.
    pub const OWASP: Self = Self {
        m_kib: 19_456,
        t: 2,
        p: 1,
    };
    /// Memory the browser will accept: the lower bound keeps a tampered record from making the
    /// key cheap to guess, the upper one from exhausting the tab's memory.
    pub const M_KIB_RANGE: std::ops::RangeInclusive<u32> = 8_192..=262_144;
    /// Passes the browser will accept.
    pub const T_RANGE: std::ops::RangeInclusive<u32> = 1..=10;
    /// Lanes the browser will accept.
    pub const P_RANGE: std::ops::RangeInclusive<u32> = 1..=4;

    /// Whether every parameter is within the accepted bounds.
    pub fn in_bounds(&self) -> bool {
        Self::M_KIB_RANGE.contains(&self.m_kib)
            && Self::T_RANGE.contains(&self.t)
            && Self::P_RANGE.contains(&self.p)
    }
}

/// The practice's secret key, encrypted under a key derived from a passphrase or recovery code.
/// Byte fields are URL-safe base64 without padding.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WrappedKey {
    /// Format version, [`WRAP_VERSION`].
    pub version: u8,
    /// Argon2id parameters used to derive the wrapping key.
    pub kdf: KdfParams,
    /// Argon2id salt, [`SALT_BYTES`] bytes.
    pub salt: String,
    /// XSalsa20 nonce, [`NONCE_BYTES`] bytes.
    pub nonce: String,
    /// The encrypted secret key with its tag, [`WRAPPED_KEY_BYTES`] bytes.
    pub ciphertext: String,
}

/// The decoded byte fields of a [`WrappedKey`] whose shape is valid (read by the browser's
/// unwrapping only, `consent-crypto`; the server checks the shape).
pub struct WrappedKeyBytes {
    pub salt: [u8; SALT_BYTES],
    pub nonce: [u8; NONCE_BYTES],
    pub ciphertext: [u8; WRAPPED_KEY_BYTES],
}

impl WrappedKey {
    /// Checks the format without being able to decrypt: version, base64, lengths, KDF bounds.
    pub fn check_shape(&self) -> Result<(), KeyShapeError> {
        self.decode().map(|_| ())
    }

    /// The byte fields, once the format is checked as in [`Self::check_shape`].
    pub fn decode(&self) -> Result<WrappedKeyBytes, KeyShapeError> {
        if self.version != WRAP_VERSION {
            return Err(KeyShapeError::Version(self.version));
        }
        if !self.kdf.in_bounds() {
            return Err(KeyShapeError::KdfParams);
        }
        Ok(WrappedKeyBytes {
            salt: decode_fixed("salt", &self.salt)?,
            nonce: decode_fixed("nonce", &self.nonce)?,
            ciphertext: decode_fixed("ciphertext", &self.ciphertext)?,
        })
    }
}

/// The bytes of a public key given as URL-safe base64; `None` unless exactly [`KEY_BYTES`]
/// (every 32-byte string is an X25519 public key, so the shape is all there is to check).
pub fn public_key_bytes(public_b64: &str) -> Option<[u8; KEY_BYTES]> {
    decode_fixed("public_key", public_b64).ok()
}

/// Decodes `value` as URL-safe base64 of exactly `N` bytes.
pub(crate) fn decode_fixed<const N: usize>(
    field: &'static str,
    value: &str,
) -> Result<[u8; N], KeyShapeError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|_| KeyShapeError::Base64 { field })?;
    let actual = bytes.len();
    bytes.try_into().map_err(|_| KeyShapeError::Length {
        field,
        expected: N,
        actual,
    })
}

/// Why a stored key record is malformed; says nothing about whether it decrypts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyShapeError {
    /// A format version this code does not know.
    #[error("unknown wrapped-key version {0}")]
    Version(u8),
    /// Argon2id parameters outside [`KdfParams`]' bounds.
    #[error("key-derivation parameters out of bounds")]
    KdfParams,
    /// A field is not URL-safe base64 without padding.
    #[error("{field} is not URL-safe base64 without padding")]
    Base64 {
        /// The field's name.
        field: &'static str,
    },
    /// A field decodes to the wrong number of bytes.
    #[error("{field} has {actual} bytes, expected {expected}")]
    Length {
        /// The field's name.
        field: &'static str,
        /// The bytes the format requires.
        expected: usize,
        /// The bytes it had.
        actual: usize,
    },
}

/// Why a document passphrase was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PassphraseError {
    /// Fewer than `min` characters.
    #[error("the passphrase must have at least {min} characters")]
    TooShort {
        /// The minimum number of characters.
        min: usize,
    },
}

impl PassphraseError {
    /// The id of the Fluent message that explains this error to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::TooShort { .. } => "consent-passphrase-too-short",
        }
    }

    /// The Fluent variables of the message (`$min`).
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match *self {
            Self::TooShort { min } => vec![("min", min.to_string())],
        }
    }
}

/// Checks a new document passphrase, used exactly as typed (not trimmed).
///
/// Only a length rule: the passphrase never reaches the server, so there is nothing there to
/// compare it with; Argon2id makes each guess cost about as much as one login.
pub fn check_passphrase(passphrase: &str) -> Result<(), PassphraseError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(PassphraseError::TooShort {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn valid() -> WrappedKey {
        WrappedKey {
            version: WRAP_VERSION,
            kdf: KdfParams::OWASP,
            salt: b64(&[1; SALT_BYTES]),
            nonce: b64(&[2; NONCE_BYTES]),
            ciphertext: b64(&[3; WRAPPED_KEY_BYTES]),
        }
    }

    #[test]
    fn a_well_formed_record_passes() {
        assert_eq!(valid().check_shape(), Ok(()));
        assert!(KdfParams::OWASP.in_bounds());
    }

    #[test]
    fn malformed_records_are_rejected() {
        let cases: Vec<(WrappedKey, KeyShapeError)> = vec![
            (
                WrappedKey {
                    version: 2,
                    ..valid()
                },
                KeyShapeError::Version(2),
            ),
            (
                WrappedKey {
                    kdf: KdfParams {
                        m_kib: 4_096,
                        ..KdfParams::OWASP
                    },
                    ..valid()
                },
                KeyShapeError::KdfParams,
            ),
            (
                WrappedKey {
                    kdf: KdfParams {
                        m_kib: 262_145,
                        ..KdfParams::OWASP
                    },
                    ..valid()
                },
                KeyShapeError::KdfParams,
            ),
            (
                WrappedKey {
                    kdf: KdfParams {
                        t: 0,
                        ..KdfParams::OWASP
                    },
                    ..valid()
                },
                KeyShapeError::KdfParams,
            ),
            (
                WrappedKey {
                    kdf: KdfParams {
                        t: 11,
                        ..KdfParams::OWASP
                    },
                    ..valid()
                },
                KeyShapeError::KdfParams,
            ),
            (
                WrappedKey {
                    kdf: KdfParams {
                        p: 5,
                        ..KdfParams::OWASP
                    },
                    ..valid()
                },
                KeyShapeError::KdfParams,
            ),
            (
                WrappedKey {
                    salt: b64(&[1; 15]),
                    ..valid()
                },
                KeyShapeError::Length {
                    field: "salt",
                    expected: 16,
                    actual: 15,
                },
            ),
            (
                WrappedKey {
                    nonce: b64(&[2; 25]),
                    ..valid()
                },
                KeyShapeError::Length {
                    field: "nonce",
                    expected: 24,
                    actual: 25,
                },
            ),
            (
                WrappedKey {
                    ciphertext: b64(&[3; 32]),
                    ..valid()
                },
                KeyShapeError::Length {
                    field: "ciphertext",
                    expected: 48,
                    actual: 32,
                },
            ),
            // Standard base64 with padding and `+`/`/` is not the format.
            (
                WrappedKey {
                    salt: "AQEBAQEBAQEBAQEBAQEBAQ==".into(),
                    ..valid()
                },
                KeyShapeError::Base64 { field: "salt" },
            ),
            (
                WrappedKey {
                    nonce: "+/+/".into(),
                    ..valid()
                },
                KeyShapeError::Base64 { field: "nonce" },
            ),
        ];
        for (record, expected) in cases {
            assert_eq!(record.check_shape(), Err(expected), "{record:?}");
        }
    }

    #[test]
    fn serialises_as_the_server_stores_it() {
        let json = serde_json::to_value(valid()).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "version": 1,
                "kdf": { "m_kib": 19456, "t": 2, "p": 1 },
                "salt": "AQEBAQEBAQEBAQEBAQEBAQ",
                "nonce": "AgICAgICAgICAgICAgICAgICAgICAgIC",
                "ciphertext": "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD",
            })
        );
        assert_eq!(
            serde_json::from_value::<WrappedKey>(json).ok(),
            Some(valid())
        );
    }

    #[test]
    fn public_keys_are_32_bytes_of_url_safe_base64() {
        assert_eq!(public_key_bytes(&b64(&[9; 32])), Some([9; 32]));
        assert_eq!(public_key_bytes(&b64(&[9; 31])), None);
        assert_eq!(public_key_bytes(""), None);
        assert_eq!(public_key_bytes("not base64!"), None);
    }

    #[test]
    fn passphrases_need_twelve_characters() {
        let too_short = Err(PassphraseError::TooShort { min: 12 });
        assert_eq!(check_passphrase(""), too_short);
        assert_eq!(check_passphrase("elf Zeichen"), too_short);
        assert_eq!(check_passphrase("zwölf Zeiche"), Ok(()));
        // Characters, not bytes: eleven umlauts are 22 bytes but still too short.
        assert_eq!(check_passphrase(&"ü".repeat(11)), too_short);
        assert_eq!(
            PassphraseError::TooShort { min: 12 }.message_args(),
            [("min", "12".to_owned())]
        );
    }
}
