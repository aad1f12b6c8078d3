//! Why a form field was rejected, as a Fluent message key with its variables.

use serde::{Deserialize, Serialize};

/// Why a form field was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
pub enum FieldError {
    /// Nothing (or only whitespace) was entered.
    #[error("this field is required")]
    Required,
    /// More than `max` characters were entered.
    #[error("at most {max} characters are allowed")]
    TooLong {
        /// The highest number of characters allowed.
        max: usize,
    },
    /// The text contains control characters or invisible text-direction overrides.
    #[error("the text contains control or invisible formatting characters")]
    InvalidCharacters,
    /// A LANR is not exactly nine digits.
    #[error("a LANR consists of exactly 9 digits")]
    LanrFormat,
    /// The seventh digit of a LANR is not the check digit of the first six.
    #[error("the LANR check digit (7th digit) does not match")]
    LanrCheckDigit,
    /// A BSNR is not exactly nine digits.
    #[error("a BSNR consists of exactly 9 digits")]
    BsnrFormat,
    /// The BSNR was issued by a different KV than the one selected.
    #[error("the BSNR belongs to a different KV than the one selected")]
    BsnrKvMismatch,
    /// The first digits of the BSNR name no known KV area.
    #[error("the BSNR does not start with a known KV area code")]
    BsnrAreaUnknown,
    /// The KV identifier is not one of the 17 KVs.
    #[error("unknown KV region")]
    KvRegionUnknown,
    /// An IBAN contains characters other than letters and digits, or its parts are malformed.
    #[error("not a well-formed IBAN")]
    IbanFormat,
    /// The IBAN starts with a country code that has no IBAN format.
    #[error("unknown IBAN country code")]
    IbanCountry,
    /// The IBAN has the wrong length for its country.
    #[error("an IBAN of this country has {expected} characters, not {actual}")]
    IbanLength {
        /// The length of an IBAN of that country.
        expected: usize,
        /// The length entered (without spaces).
        actual: usize,
    },
    /// The IBAN check digits do not match (a typing error).
    #[error("the IBAN check digits do not match")]
    IbanChecksum,
    /// Not a German postcode.
    #[error("a German postcode consists of 5 digits")]
    PostcodeFormat,
    /// Not a usable e-mail address.
    #[error("not a valid e-mail address")]
    EmailFormat,
    /// Not a usable phone number.
    #[error("not a valid phone number")]
    PhoneFormat,
}

impl FieldError {
    /// The id of the Fluent message that explains this error to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Required => "field-required",
            Self::TooLong { .. } => "field-too-long",
            Self::InvalidCharacters => "field-invalid-characters",
            Self::LanrFormat => "lanr-format",
            Self::LanrCheckDigit => "lanr-check-digit",
            Self::BsnrFormat => "bsnr-format",
            Self::BsnrKvMismatch => "bsnr-kv-mismatch",
            Self::BsnrAreaUnknown => "bsnr-area-unknown",
            Self::KvRegionUnknown => "kv-region-unknown",
            Self::IbanFormat => "iban-format",
            Self::IbanCountry => "iban-country",
            Self::IbanLength { .. } => "iban-length",
            Self::IbanChecksum => "iban-checksum",
            Self::PostcodeFormat => "postcode-format",
            Self::EmailFormat => "email-format",
            Self::PhoneFormat => "phone-format",
        }
    }

    /// The Fluent variables of the message (`$max`, `$expected`, `$actual`).
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match *self {
            Self::TooLong { max } => vec![("max", max.to_string())],
            Self::IbanLength { expected, actual } => vec![
                ("expected", expected.to_string()),
                ("actual", actual.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DE_FTL: &str = include_str!("../../locales/de/fields.ftl");
    const EN_FTL: &str = include_str!("../../locales/en/fields.ftl");

    fn all_errors() -> Vec<FieldError> {
        use FieldError::*;
        vec![
            Required,
            TooLong { max: 80 },
            InvalidCharacters,
            LanrFormat,
            LanrCheckDigit,
            BsnrFormat,
            BsnrKvMismatch,
            BsnrAreaUnknown,
            KvRegionUnknown,
            IbanFormat,
            IbanCountry,
            IbanLength {
                expected: 22,
                actual: 21,
            },
            IbanChecksum,
            PostcodeFormat,
            EmailFormat,
            PhoneFormat,
        ]
    }

    /// The text of message `key` in a Fluent source (single-line messages only).
    fn ftl_message<'a>(source: &'a str, key: &str) -> Option<&'a str> {
        source
            .lines()
            .find_map(|line| line.strip_prefix(key)?.trim_start().strip_prefix('='))
            .map(str::trim)
    }

    #[test]
    fn message_keys_are_unique_and_translated_with_their_variables() {
        let errors = all_errors();
        let mut keys: Vec<_> = errors.iter().map(FieldError::message_key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), errors.len(), "duplicate message key");
        for error in &errors {
            for (lang, source) in [("de", DE_FTL), ("en", EN_FTL)] {
                let key = error.message_key();
                let message = ftl_message(source, key)
                    .unwrap_or_else(|| panic!("{lang}/fields.ftl lacks {key}"));
                assert!(!message.is_empty(), "{lang}: {key} is empty");
                for (name, _) in error.message_args() {
                    assert!(
                        message.contains(&format!("{{ ${name} }}")),
                        "{lang}: {key} does not use ${name}"
                    );
                }
            }
        }
    }

    #[test]
    fn message_args_carry_the_numbers() {
        assert_eq!(
            FieldError::TooLong { max: 80 }.message_args(),
            vec![("max", "80".to_owned())]
        );
        assert_eq!(
            FieldError::IbanLength {
                expected: 22,
                actual: 21
            }
            .message_args(),
            vec![("expected", "22".to_owned()), ("actual", "21".to_owned())]
        );
        assert!(FieldError::Required.message_args().is_empty());
    }
}
