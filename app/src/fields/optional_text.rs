//! Optional single-line text.

use super::FieldError;
use super::ShortText;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Optional single-line text (e.g. an academic title); blank input means "none".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OptionalText(Option<ShortText>);

impl OptionalText {
    /// Parses like [`ShortText::parse`], except that blank input is accepted as "none".
    pub fn parse(input: &str, max_chars: usize) -> Result<Self, FieldError> {
        if input.trim().is_empty() {
            return Ok(Self(None));
        }
        ShortText::parse(input, max_chars).map(|text| Self(Some(text)))
    }

    /// Re-checks a deserialised value against the field's own limit.
    pub fn ensure_max(self, max_chars: usize) -> Result<Self, FieldError> {
        match self.0 {
            None => Ok(self),
            Some(text) => text.ensure_max(max_chars).map(|text| Self(Some(text))),
        }
    }

    /// The text, if any.
    pub fn get(&self) -> Option<&str> {
        self.0.as_ref().map(ShortText::as_str)
    }

    /// The text, or `""` if none was entered.
    pub fn as_str(&self) -> &str {
        self.get().unwrap_or("")
    }

    /// Whether nothing was entered.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The inner value.
    pub fn into_inner(self) -> Option<ShortText> {
        self.0
    }
}

impl fmt::Display for OptionalText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for OptionalText {
    type Error = FieldError;

    fn try_from(value: String) -> Result<Self, FieldError> {
        Self::parse(&value, ShortText::SERDE_MAX_CHARS)
    }
}

impl From<OptionalText> for String {
    fn from(value: OptionalText) -> String {
        value.0.map(String::from).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::test_support::check_serde;

    #[test]
    fn optional_text_table() {
        let rows: &[(&str, Result<Option<&str>, FieldError>)] = &[
            ("", Ok(None)),
            ("   ", Ok(None)),
            (" Dr. med. ", Ok(Some("Dr. med."))),
            (
                "Prof. Dr. Dr. h. c. mult.",
                Err(FieldError::TooLong { max: 20 }),
            ),
            ("Dr.\nmed.", Err(FieldError::InvalidCharacters)),
        ];
        for (input, expected) in rows {
            let got = OptionalText::parse(input, 20);
            assert_eq!(
                got.as_ref().map(OptionalText::get).map_err(|e| *e),
                *expected,
                "input {input:?}"
            );
        }
        let none = OptionalText::parse("", 20).expect("valid");
        assert!(none.is_empty());
        assert_eq!(none.as_str(), "");
        assert_eq!(none, OptionalText::default());
        check_serde(&none);
        let title = OptionalText::parse("Dr.", 20).expect("valid");
        assert_eq!(title.as_str(), "Dr.");
        check_serde(&title);
        assert_eq!(
            title.clone().ensure_max(2),
            Err(FieldError::TooLong { max: 2 })
        );
        assert_eq!(title.into_inner().map(String::from), Some("Dr.".to_owned()));
    }
}
