//! Lebenslange Arztnummer (LANR), the lifelong number of a physician.

use super::{nine_digits, FieldError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Lebenslange Arztnummer: six-digit doctor number, check digit, two-digit Fachgruppe.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Lanr(String);

// KBV rule: digits 1–6 weighted 4, 9, 4, 9, 4, 9; the check digit tops the sum up to a multiple
// of ten. Works on ASCII digits so that callers need not convert first.
pub(super) fn lanr_check_digit(first_six: &[u8]) -> u8 {
    let sum: u32 = first_six
        .iter()
        .zip([4u32, 9].iter().cycle())
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    let check = (10 - sum % 10) % 10;
    b'0' + check as u8
}

impl Lanr {
    /// Parses nine digits (spaces allowed) and verifies the check digit in position 7.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let digits = nine_digits(input, FieldError::LanrFormat)?;
        let bytes = digits.as_bytes();
        if lanr_check_digit(&bytes[..6]) != bytes[6] {
            return Err(FieldError::LanrCheckDigit);
        }
        Ok(Self(digits))
    }

    /// Digits 1–6: identify the physician for life.
    pub fn arztnummer(&self) -> &str {
        &self.0[..6]
    }

    /// Digits 8–9: the Fachgruppe (specialty group) code.
    pub fn fachgruppe(&self) -> &str {
        &self.0[7..]
    }
}

validated_string!(Lanr);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::test_support::check_serde;

    #[test]
    fn lanr_table() {
        let rows: &[(&str, Result<&str, FieldError>)] = &[
            ("123456601", Ok("123456601")),
            (" 123456 6 01 ", Ok("123456601")),
            ("123456\u{a0}601", Ok("123456601")),
            // 0·4 … → sum 0 → check 0
            ("000000000", Ok("000000000")),
            // 9·4+9·9+… = 351 → check 9; the KBV placeholder "999999900" is valid by design
            ("999999900", Ok("999999900")),
            // 3·4+8·9+2·4+7·9+1·4+5·9 = 204 → check 6
            ("382715650", Ok("382715650")),
            ("123456701", Err(FieldError::LanrCheckDigit)),
            ("382715050", Err(FieldError::LanrCheckDigit)),
            ("12345660", Err(FieldError::LanrFormat)),
            ("1234566010", Err(FieldError::LanrFormat)),
            ("12345a601", Err(FieldError::LanrFormat)),
            ("123-456-601", Err(FieldError::LanrFormat)),
            ("１２３４５６６０１", Err(FieldError::LanrFormat)),
            ("", Err(FieldError::Required)),
            ("   ", Err(FieldError::Required)),
        ];
        for (input, expected) in rows {
            let got = Lanr::parse(input);
            assert_eq!(
                got.as_ref().map(Lanr::as_str).map_err(|e| *e),
                *expected,
                "input {input:?}"
            );
        }
        let lanr = Lanr::parse("123456601").expect("valid");
        assert_eq!(lanr.arztnummer(), "123456");
        assert_eq!(lanr.fachgruppe(), "01");
        assert_eq!(lanr.to_string(), "123456601");
        check_serde(&lanr);
        assert!(serde_json::from_str::<Lanr>("\"123456701\"").is_err());
    }
}
