//! Validated value types of form fields, one module per type.
//!
//! Every type here is pure (no I/O) so that the browser (wasm) and the server run the very same
//! checks: the form can show a precise message while the user types, and the server still refuses
//! anything that slipped past the browser. Each parser trims surrounding whitespace, normalises
//! the value and returns a [`FieldError`] whose [`FieldError::message_key`] names a Fluent message.
//!
//! German domain words used below:
//! * LANR – *Lebenslange Arztnummer*, the lifelong nine-digit number of a physician in the
//!   statutory health insurance system.
//! * BSNR – *Betriebsstättennummer*, the nine-digit number of a practice site.
//! * KV – *Kassenärztliche Vereinigung*, one of the 17 regional associations of statutory-insurance
//!   physicians; the KV that a practice belongs to issues its BSNR.

/// Conversions shared by the newtypes whose only constructor is `parse(&str)`.
macro_rules! validated_string {
    ($name:ident) => {
        impl $name {
            /// The normalised value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;

            fn try_from(value: String) -> Result<Self, FieldError> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = FieldError;

            fn from_str(s: &str) -> Result<Self, FieldError> {
                Self::parse(s)
            }
        }
    };
}

// Text pasted from PDFs or mail programs may carry invisible characters. Control characters break
// e-mail headers and CSV exports; bidi overrides make a name display differently from what is
// stored (spoofing). Zero-width joiners stay allowed: emoji and some scripts need them.
pub(crate) fn is_disallowed_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}' | '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

// Numbers are often copied with grouping spaces ("123456 6 01") or non-breaking spaces.
fn without_whitespace(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace()).collect()
}

fn nine_digits(input: &str, format_error: FieldError) -> Result<String, FieldError> {
    let digits = without_whitespace(input);
    if digits.is_empty() {
        return Err(FieldError::Required);
    }
    if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format_error);
    }
    Ok(digits)
}

mod bsnr;
mod email;
mod error;
mod iban;
mod kv_region;
mod lanr;
pub mod limits;
mod optional_text;
mod phone;
mod postcode;
mod short_text;

pub use bsnr::{check_bsnr_matches, Bsnr};
pub use email::EmailAddress;
pub use error::FieldError;
pub use iban::Iban;
pub use kv_region::KvRegion;
pub use lanr::Lanr;
pub use optional_text::OptionalText;
pub use phone::PhoneNumber;
pub use postcode::Postcode;
pub use short_text::ShortText;

#[cfg(test)]
mod properties;

/// Helpers shared by the tests of the field types.
#[cfg(test)]
mod test_support {
    use super::iban::iban_mod97;
    use serde::{de::DeserializeOwned, Serialize};
    use std::fmt::{self, Debug};

    pub(super) fn check_serde<T>(value: &T)
    where
        T: Serialize + DeserializeOwned + PartialEq + Debug + fmt::Display,
    {
        let json = serde_json::to_string(value).expect("serialises");
        assert_eq!(
            json,
            serde_json::to_string(&value.to_string()).expect("str")
        );
        let back: T = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(&back, value);
    }

    pub(super) fn de_iban(bban: &str) -> String {
        let check = 98 - iban_mod97(format!("DE00{bban}").as_bytes());
        format!("DE{check:02}{bban}")
    }
}
