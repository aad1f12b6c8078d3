//! Betriebsstättennummer (BSNR), the number of a practice site, and its KV check.

use super::KvRegion;
use super::{nine_digits, FieldError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Betriebsstättennummer: nine digits, the first two name the KV area.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bsnr(String);

// BSNRs of hospitals (35: services under Anlage 8 BMV-Ä, 75: Entlassmanagement under § 39 Abs. 1a
// SGB V) carry one of these prefixes; digits 3–4 then name the KV.
const HOSPITAL_BSNR_PREFIXES: [&str; 2] = ["35", "75"];

impl Bsnr {
    /// Parses nine digits (spaces allowed); the KV area is checked by [`check_bsnr_matches`].
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        nine_digits(input, FieldError::BsnrFormat).map(Self)
    }

    /// Digits 1–2: the KV-Landes- or Bezirksstellenschlüssel (or a hospital prefix, 35 or 75).
    pub fn kv_area_code(&self) -> &str {
        &self.0[..2]
    }

    /// The KV that issued this BSNR, if its area code is known.
    pub fn kv_region(&self) -> Option<KvRegion> {
        let area = if HOSPITAL_BSNR_PREFIXES.contains(&self.kv_area_code()) {
            &self.0[2..4]
        } else {
            self.kv_area_code()
        };
        KvRegion::from_bsnr_area_code(area)
    }
}

validated_string!(Bsnr);

/// Checks that `bsnr` was issued by `kv`.
pub fn check_bsnr_matches(bsnr: &Bsnr, kv: KvRegion) -> Result<(), FieldError> {
    match bsnr.kv_region() {
        Some(region) if region == kv => Ok(()),
        Some(_) => Err(FieldError::BsnrKvMismatch),
        None => Err(FieldError::BsnrAreaUnknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::test_support::check_serde;

    #[test]
    fn bsnr_table() {
        let rows: &[(&str, Result<&str, FieldError>)] = &[
            ("721234500", Ok("721234500")),
            ("72 12345 00", Ok("721234500")),
            ("012345600", Ok("012345600")),
            ("72123450", Err(FieldError::BsnrFormat)),
            ("7212345000", Err(FieldError::BsnrFormat)),
            ("72-1234500", Err(FieldError::BsnrFormat)),
            ("", Err(FieldError::Required)),
        ];
        for (input, expected) in rows {
            let got = Bsnr::parse(input);
            assert_eq!(
                got.as_ref().map(Bsnr::as_str).map_err(|e| *e),
                *expected,
                "input {input:?}"
            );
        }
        let bsnr = Bsnr::parse("721234500").expect("valid");
        assert_eq!(bsnr.kv_area_code(), "72");
        check_serde(&bsnr);
    }

    #[test]
    fn bsnr_kv_table() {
        use KvRegion::*;
        let rows: &[(&str, KvRegion, Result<(), FieldError>)] = &[
            ("721234500", Berlin, Ok(())),
            ("721234500", Hamburg, Err(FieldError::BsnrKvMismatch)),
            ("011234500", SchleswigHolstein, Ok(())),
            ("021234500", Hamburg, Ok(())),
            ("031234500", Bremen, Ok(())),
            ("171234500", Niedersachsen, Ok(())),
            ("091234500", Niedersachsen, Ok(())),
            ("201234500", WestfalenLippe, Ok(())),
            ("181234500", WestfalenLippe, Ok(())),
            ("381234500", Nordrhein, Ok(())),
            ("271234500", Nordrhein, Ok(())),
            ("461234500", Hessen, Ok(())),
            ("401234500", Hessen, Ok(())),
            ("511234500", RheinlandPfalz, Ok(())),
            ("491234500", RheinlandPfalz, Ok(())),
            ("521234500", BadenWuerttemberg, Ok(())),
            ("611234500", BadenWuerttemberg, Ok(())),
            ("711234500", Bayerns, Ok(())),
            ("631234500", Bayerns, Ok(())),
            ("731234500", Saarland, Ok(())),
            ("781234500", MecklenburgVorpommern, Ok(())),
            ("831234500", Brandenburg, Ok(())),
            ("881234500", SachsenAnhalt, Ok(())),
            ("931234500", Thueringen, Ok(())),
            ("981234500", Sachsen, Ok(())),
            ("951234500", Sachsen, Ok(())),
            ("951234500", Bayerns, Err(FieldError::BsnrKvMismatch)),
            // hospital BSNRs: digits 3–4 name the KV
            ("757112300", Bayerns, Ok(())),
            ("353812300", Nordrhein, Ok(())),
            ("353812300", WestfalenLippe, Err(FieldError::BsnrKvMismatch)),
            ("750012300", Bayerns, Err(FieldError::BsnrAreaUnknown)),
            ("001234500", Berlin, Err(FieldError::BsnrAreaUnknown)),
            // 74 is the KBV itself, not a KV
            ("741234500", Berlin, Err(FieldError::BsnrAreaUnknown)),
        ];
        for (input, kv, expected) in rows {
            let bsnr = Bsnr::parse(input).expect("well-formed");
            assert_eq!(
                check_bsnr_matches(&bsnr, *kv),
                *expected,
                "{input} / {kv:?}"
            );
        }
    }
}
