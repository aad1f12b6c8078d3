//! Property tests over all field parsers: none panics, parse and display round-trip.

use super::lanr::lanr_check_digit;
use super::test_support::{check_serde, de_iban};
use super::*;
use proptest::prelude::*;
use serde::Serialize;
use std::fmt;

fn parse_everything(s: &str) {
    let _ = Lanr::parse(s);
    let _ = Bsnr::parse(s);
    let _ = KvRegion::parse(s);
    let _ = Iban::parse(s);
    let _ = Postcode::parse(s);
    let _ = EmailAddress::parse(s);
    let _ = PhoneNumber::parse(s);
    let _ = ShortText::parse(s, 0);
    let _ = ShortText::parse(s, 80);
    let _ = OptionalText::parse(s, 80);
    if let Ok(bsnr) = Bsnr::parse(s) {
        let _ = bsnr.kv_region();
    }
    if let Ok(iban) = Iban::parse(s) {
        let _ = (iban.formatted(), iban.masked());
    }
    if let Ok(email) = EmailAddress::parse(s) {
        let _ = (email.local_part(), email.domain(), email.normalized());
    }
}

fn roundtrips<T>(parse: impl Fn(&str) -> Result<T, FieldError>, s: &str)
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug + fmt::Display,
{
    if let Ok(value) = parse(s) {
        assert_eq!(parse(&value.to_string()).as_ref(), Ok(&value), "from {s:?}");
        check_serde(&value);
    }
}

proptest! {
    #[test]
    fn no_parser_panics_on_printable_text(s in "\\PC*") {
        parse_everything(&s);
    }

    #[test]
    fn no_parser_panics_on_any_string(s in any::<String>()) {
        parse_everything(&s);
    }

    #[test]
    fn no_parser_panics_on_near_misses(
        s in "[0-9A-Za-z @.+/()\\-]{0,40}",
    ) {
        parse_everything(&s);
    }

    #[test]
    fn lanr_with_computed_check_digit_parses(
        base in 0u32..1_000_000,
        group in 0u32..100,
        wrong in 0u8..10,
    ) {
        let base = format!("{base:06}");
        let check = lanr_check_digit(base.as_bytes()) - b'0';
        let lanr = format!("{base}{check}{group:02}");
        let parsed = Lanr::parse(&lanr);
        prop_assert_eq!(parsed.as_ref().map(Lanr::as_str), Ok(lanr.as_str()));
        prop_assume!(wrong != check);
        let broken = format!("{base}{wrong}{group:02}");
        prop_assert_eq!(Lanr::parse(&broken), Err(FieldError::LanrCheckDigit));
    }

    #[test]
    fn generated_german_ibans_parse_and_detect_any_digit_change(
        bban in "[0-9]{18}",
        position in 2usize..22,
        replacement in 0u8..10,
    ) {
        let iban = de_iban(&bban);
        prop_assert_eq!(Iban::parse(&iban).map(String::from), Ok(iban.clone()));
        let spaced = Iban::parse(&iban).map(|i| i.formatted().to_lowercase());
        prop_assert_eq!(
            spaced.and_then(|s| Iban::parse(&s)).map(String::from),
            Ok(iban.clone())
        );
        let mut bytes = iban.clone().into_bytes();
        prop_assume!(bytes[position] != b'0' + replacement);
        bytes[position] = b'0' + replacement;
        let changed = String::from_utf8(bytes).expect("ascii");
        prop_assert_eq!(Iban::parse(&changed), Err(FieldError::IbanChecksum));
    }

    #[test]
    fn parse_display_roundtrips(
        s in "\\PC{0,40}",
        digits in "[0-9]{9}",
        lanr_base in 0u32..1_000_000,
        bban in "[0-9]{18}",
        kv in 0usize..17,
        postcode in 1001u32..=99998,
        email in "[A-Za-z0-9_%+'-]{1,12}(\\.[A-Za-z0-9_-]{1,8})?@([A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?\\.){1,3}[A-Za-z]{2,6}",
        phone in "\\+?[0-9 /()-]{0,30}",
    ) {
        let check = lanr_check_digit(format!("{lanr_base:06}").as_bytes()) - b'0';
        roundtrips(Lanr::parse, &format!("{lanr_base:06}{check}01"));
        roundtrips(Lanr::parse, &s);
        roundtrips(Bsnr::parse, &digits);
        roundtrips(Bsnr::parse, &s);
        roundtrips(KvRegion::parse, KvRegion::ALL[kv].slug());
        roundtrips(Iban::parse, &de_iban(&bban));
        roundtrips(Iban::parse, &s);
        let postcode = format!("{postcode:05}");
        prop_assert!(Postcode::parse(&postcode).is_ok());
        roundtrips(Postcode::parse, &postcode);
        prop_assert!(EmailAddress::parse(&email).is_ok(), "{}", email);
        roundtrips(EmailAddress::parse, &email);
        roundtrips(EmailAddress::parse, &s);
        roundtrips(PhoneNumber::parse, &phone);
        roundtrips(|t| ShortText::parse(t, 40), &s);
        roundtrips(|t| OptionalText::parse(t, 40), &s);
        prop_assert!(Bsnr::parse(&digits).is_ok());
    }
}
