//! German Postleitzahl.

use super::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// German Postleitzahl: five digits from 01001 to 99998.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// Parses exactly five digits in the range 01001–99998.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = input.trim();
        if code.is_empty() {
            return Err(FieldError::Required);
        }
        if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::PostcodeFormat);
        }
        // The 00 region and 01000 are unassigned, 99999 is a placeholder; none is a real address.
        match code.parse::<u32>() {
            Ok(1001..=99998) => Ok(Self(code.to_owned())),
            _ => Err(FieldError::PostcodeFormat),
        }
    }
}

validated_string!(Postcode);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::test_support::check_serde;

    #[test]
    fn postcode_table() {
        let rows: &[(&str, Result<&str, FieldError>)] = &[
            ("10115", Ok("10115")),
            ("01067", Ok("01067")),
            (" 80331 ", Ok("80331")),
            ("01001", Ok("01001")),
            ("99998", Ok("99998")),
            ("01000", Err(FieldError::PostcodeFormat)),
            ("00123", Err(FieldError::PostcodeFormat)),
            ("00000", Err(FieldError::PostcodeFormat)),
            ("99999", Err(FieldError::PostcodeFormat)),
            ("1011", Err(FieldError::PostcodeFormat)),
            ("101155", Err(FieldError::PostcodeFormat)),
            ("1011a", Err(FieldError::PostcodeFormat)),
            ("80 331", Err(FieldError::PostcodeFormat)),
            ("+8033", Err(FieldError::PostcodeFormat)),
            ("D-80331", Err(FieldError::PostcodeFormat)),
            ("", Err(FieldError::Required)),
        ];
        for (input, expected) in rows {
            let got = Postcode::parse(input);
            assert_eq!(
                got.as_ref().map(Postcode::as_str).map_err(|e| *e),
                *expected,
                "input {input:?}"
            );
        }
        check_serde(&Postcode::parse("04109").expect("valid"));
    }
}
