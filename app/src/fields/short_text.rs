//! Required single-line text with a length limit.

use super::is_disallowed_char;
use super::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Required single-line text (names, practice name, street, city) with a per-field length limit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShortText(String);

impl ShortText {
    /// Upper bound applied when deserialising, where the field's own limit is unknown.
    pub const SERDE_MAX_CHARS: usize = 1000;

    /// Parses non-blank text of at most `max_chars` characters (Unicode scalar values).
    pub fn parse(input: &str, max_chars: usize) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::Required);
        }
        if text.chars().count() > max_chars {
            return Err(FieldError::TooLong { max: max_chars });
        }
        if text.chars().any(is_disallowed_char) {
            return Err(FieldError::InvalidCharacters);
        }
        Ok(Self(text.to_owned()))
    }

    /// Re-checks a deserialised value against the field's own limit.
    pub fn ensure_max(self, max_chars: usize) -> Result<Self, FieldError> {
        if self.0.chars().count() > max_chars {
            return Err(FieldError::TooLong { max: max_chars });
        }
        Ok(self)
    }

    /// The trimmed text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ShortText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// Deserialised values get the generous general limit; callers re-check with ensure_max().
impl TryFrom<String> for ShortText {
    type Error = FieldError;

    fn try_from(value: String) -> Result<Self, FieldError> {
        Self::parse(&value, Self::SERDE_MAX_CHARS)
    }
}

impl From<ShortText> for String {
    fn from(value: ShortText) -> String {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::test_support::check_serde;

    #[test]
    fn short_text_table() {
        use FieldError::*;
        let long = "x".repeat(81);
        let emoji_80 = "😀".repeat(80);
        let emoji_81 = "😀".repeat(81);
        let rows: &[(&str, Result<&str, FieldError>)] = &[
            ("Dr. med. Anna Müller", Ok("Dr. med. Anna Müller")),
            ("  Praxis am Markt  ", Ok("Praxis am Markt")),
            ("Łódź-Straße 3", Ok("Łódź-Straße 3")),
            ("👩‍⚕️ Praxis", Ok("👩‍⚕️ Praxis")),
            (emoji_80.as_str(), Ok(emoji_80.as_str())),
            (emoji_81.as_str(), Err(TooLong { max: 80 })),
            (long.as_str(), Err(TooLong { max: 80 })),
            ("Zeile 1\nZeile 2", Err(InvalidCharacters)),
            ("Tab\there", Err(InvalidCharacters)),
            ("abc\u{202E}fed", Err(InvalidCharacters)),
            ("zero\u{200B}width", Err(InvalidCharacters)),
            ("", Err(Required)),
            (" \t\n ", Err(Required)),
        ];
        for (input, expected) in rows {
            let got = ShortText::parse(input, 80);
            assert_eq!(
                got.as_ref().map(ShortText::as_str).map_err(|e| *e),
                *expected,
                "input {input:?}"
            );
        }
        let text = ShortText::parse("Praxis am Markt", 80).expect("valid");
        check_serde(&text);
        assert_eq!(text.clone().ensure_max(5), Err(TooLong { max: 5 }));
        assert_eq!(text.clone().ensure_max(15), Ok(text));
        let too_long_for_serde = serde_json::to_string(&"x".repeat(1001)).expect("json");
        assert!(serde_json::from_str::<ShortText>(&too_long_for_serde).is_err());
        assert!(serde_json::from_str::<ShortText>("\"  \"").is_err());
    }
}
