//! Phone numbers.

use super::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Phone number as people write it: digits, an optional leading `+`, and `/ - ( )` or spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

const PHONE_MIN_DIGITS: usize = 6;
const PHONE_MAX_DIGITS: usize = 20;

impl PhoneNumber {
    /// Parses a number with 6–20 digits; runs of spaces are collapsed to one.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let number = input.trim();
        if number.is_empty() {
            return Err(FieldError::Required);
        }
        let mut normalised = String::with_capacity(number.len());
        let mut digits = 0;
        for (i, c) in number.chars().enumerate() {
            match c {
                '0'..='9' => digits += 1,
                '+' if i == 0 => {}
                '/' | '-' | '(' | ')' => {}
                ' ' if normalised.ends_with(' ') => continue,
                ' ' => {}
                _ => return Err(FieldError::PhoneFormat),
            }
            normalised.push(c);
        }
        if !(PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits) {
            return Err(FieldError::PhoneFormat);
        }
        Ok(Self(normalised))
    }
}

validated_string!(PhoneNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::test_support::check_serde;

    #[test]
    fn phone_table() {
        let rows: &[(&str, Result<&str, FieldError>)] = &[
            ("+49 30 1234567", Ok("+49 30 1234567")),
            ("030/1234567", Ok("030/1234567")),
            ("(030) 123 45 67", Ok("(030) 123 45 67")),
            ("+49 (0)30 1234-567", Ok("+49 (0)30 1234-567")),
            ("0151   2345 6789", Ok("0151 2345 6789")),
            ("123456", Ok("123456")),
            ("12345678901234567890", Ok("12345678901234567890")),
            ("12345", Err(FieldError::PhoneFormat)),
            ("123456789012345678901", Err(FieldError::PhoneFormat)),
            ("++49 30 1234567", Err(FieldError::PhoneFormat)),
            ("49+30 1234567", Err(FieldError::PhoneFormat)),
            ("030 123 abc", Err(FieldError::PhoneFormat)),
            ("030\t1234567", Err(FieldError::PhoneFormat)),
            ("030.1234567", Err(FieldError::PhoneFormat)),
            ("+ - / ( )", Err(FieldError::PhoneFormat)),
            ("", Err(FieldError::Required)),
        ];
        for (input, expected) in rows {
            let got = PhoneNumber::parse(input);
            assert_eq!(
                got.as_ref().map(PhoneNumber::as_str).map_err(|e| *e),
                *expected,
                "input {input:?}"
            );
        }
        check_serde(&PhoneNumber::parse("+49 30 1234567").expect("valid"));
    }
}
