//! International Bank Account Number (IBAN).

use super::without_whitespace;
use super::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// International Bank Account Number (ISO 13616), stored upper-case without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

// Country, total length and BBAN structure from the SWIFT IBAN registry (release 101). Structure
// notation as in the registry without "!": n = digits, a = upper-case letters, c = letters or
// digits; "8n10n" is eight digits followed by ten digits. Sorted for binary search.
const IBAN_COUNTRIES: [(&str, usize, &str); 89] = [
    ("AD", 24, "4n4n12c"),
    ("AE", 23, "3n16n"),
    ("AL", 28, "8n16c"),
    ("AT", 20, "5n11n"),
    ("AZ", 28, "4a20c"),
    ("BA", 20, "3n3n8n2n"),
    ("BE", 16, "3n7n2n"),
    ("BG", 22, "4a4n2n8c"),
    ("BH", 22, "4a14c"),
    ("BI", 27, "5n5n11n2n"),
    ("BR", 29, "8n5n10n1a1c"),
    ("BY", 28, "4c4n16c"),
    ("CH", 21, "5n12c"),
    ("CR", 22, "4n14n"),
    ("CY", 28, "3n5n16c"),
    ("CZ", 24, "4n16n"),
    ("DE", 22, "8n10n"),
    ("DJ", 27, "5n5n11n2n"),
    ("DK", 18, "4n9n1n"),
    ("DO", 28, "4c20n"),
    ("EE", 20, "2n14n"),
    ("EG", 29, "4n4n17n"),
    ("ES", 24, "4n4n1n1n10n"),
    ("FI", 18, "3n11n"),
    ("FK", 18, "2a12n"),
    ("FO", 18, "4n9n1n"),
    ("FR", 27, "5n5n11c2n"),
    ("GB", 22, "4a6n8n"),
    ("GE", 22, "2a16n"),
    ("GI", 23, "4a15c"),
    ("GL", 18, "4n9n1n"),
    ("GR", 27, "3n4n16c"),
    ("GT", 28, "4c20c"),
    ("HN", 28, "4a20n"),
    ("HR", 21, "7n10n"),
    ("HU", 28, "3n4n1n15n1n"),
    ("IE", 22, "4a6n8n"),
    ("IL", 23, "3n3n13n"),
    ("IQ", 23, "4a3n12n"),
    ("IS", 26, "4n2n6n10n"),
    ("IT", 27, "1a5n5n12c"),
    ("JO", 30, "4a4n18c"),
    ("KW", 30, "4a22c"),
    ("KZ", 20, "3n13c"),
    ("LB", 28, "4n20c"),
    ("LC", 32, "4a24c"),
    ("LI", 21, "5n12c"),
    ("LT", 20, "5n11n"),
    ("LU", 20, "3n13c"),
    ("LV", 21, "4a13c"),
    ("LY", 25, "3n3n15n"),
    ("MC", 27, "5n5n11c2n"),
    ("MD", 24, "2c18c"),
    ("ME", 22, "3n13n2n"),
    ("MK", 19, "3n10c2n"),
    ("MN", 20, "4n12n"),
    ("MR", 27, "5n5n11n2n"),
    ("MT", 31, "4a5n18c"),
    ("MU", 30, "4a2n2n12n3n3a"),
    ("NI", 28, "4a20n"),
    ("NL", 18, "4a10n"),
    ("NO", 15, "4n6n1n"),
    ("OM", 23, "3n16c"),
    ("PK", 24, "4a16c"),
    ("PL", 28, "8n16n"),
    ("PS", 29, "4a21c"),
    ("PT", 25, "4n4n11n2n"),
    ("QA", 29, "4a21c"),
    ("RO", 24, "4a16c"),
    ("RS", 22, "3n13n2n"),
    ("RU", 33, "9n5n15c"),
    ("SA", 24, "2n18c"),
    ("SC", 31, "4a2n2n16n3a"),
    ("SD", 18, "2n12n"),
    ("SE", 24, "3n16n1n"),
    ("SI", 19, "5n8n2n"),
    ("SK", 24, "4n6n10n"),
    ("SM", 27, "1a5n5n12c"),
    ("SO", 23, "4n3n12n"),
    ("ST", 25, "4n4n11n2n"),
    ("SV", 28, "4a20n"),
    ("TL", 23, "3n14n2n"),
    ("TN", 24, "2n3n13n2n"),
    ("TR", 26, "5n1n16c"),
    ("UA", 29, "6n19c"),
    ("VA", 22, "3n15n"),
    ("VG", 24, "4a16n"),
    ("XK", 20, "4n10n2n"),
    ("YE", 30, "4a4n18c"),
];

fn bban_matches(bban: &[u8], structure: &str) -> bool {
    let mut pos = 0;
    let mut count = 0;
    for symbol in structure.bytes() {
        if symbol.is_ascii_digit() {
            count = count * 10 + usize::from(symbol - b'0');
            continue;
        }
        let Some(part) = bban.get(pos..pos + count) else {
            return false;
        };
        let fits = match symbol {
            b'n' => part.iter().all(u8::is_ascii_digit),
            b'a' => part.iter().all(u8::is_ascii_uppercase),
            _ => part.iter().all(u8::is_ascii_alphanumeric),
        };
        if !fits {
            return false;
        }
        pos += count;
        count = 0;
    }
    pos == bban.len()
}

// ISO 7064 MOD 97-10 over the rearranged IBAN (BBAN, then country and check digits), reducing
// after every character so that no big integers are needed. Expects upper-case ASCII alphanumerics.
pub(super) fn iban_mod97(iban: &[u8]) -> u32 {
    let Some((head, tail)) = iban.split_at_checked(4) else {
        return 0;
    };
    tail.iter().chain(head).fold(0, |remainder, &b| {
        if b.is_ascii_digit() {
            (remainder * 10 + u32::from(b - b'0')) % 97
        } else {
            (remainder * 100 + u32::from(b - b'A') + 10) % 97
        }
    })
}

impl Iban {
    /// Parses an IBAN in any spacing and case; checks country, length, BBAN structure and checksum.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let compact = without_whitespace(input).to_ascii_uppercase();
        if compact.is_empty() {
            return Err(FieldError::Required);
        }
        let bytes = compact.as_bytes();
        if !bytes.iter().all(u8::is_ascii_alphanumeric)
            || bytes.len() < 4
            || !bytes[..2].iter().all(u8::is_ascii_uppercase)
            || !bytes[2..4].iter().all(u8::is_ascii_digit)
        {
            return Err(FieldError::IbanFormat);
        }
        let country = &compact[..2];
        let (_, expected, structure) = IBAN_COUNTRIES
            .binary_search_by(|(code, _, _)| (*code).cmp(country))
            .map(|index| IBAN_COUNTRIES[index])
            .map_err(|_| FieldError::IbanCountry)?;
        if bytes.len() != expected {
            return Err(FieldError::IbanLength {
                expected,
                actual: bytes.len(),
            });
        }
        if !bban_matches(&bytes[4..], structure) {
            return Err(FieldError::IbanFormat);
        }
        // 00, 01 and 99 are congruent to valid check digits (97, 98, 02) but ISO 13616 never issues
        // them, so the modulo test alone would accept them.
        if matches!(&compact[2..4], "00" | "01" | "99") || iban_mod97(bytes) != 1 {
            return Err(FieldError::IbanChecksum);
        }
        Ok(Self(compact))
    }

    /// The two-letter country code.
    pub fn country_code(&self) -> &str {
        &self.0[..2]
    }

    /// The two check digits.
    pub fn check_digits(&self) -> &str {
        &self.0[2..4]
    }

    /// The national account number part (for DE: Bankleitzahl and Kontonummer).
    pub fn bban(&self) -> &str {
        &self.0[4..]
    }

    /// Print format in blocks of four, e.g. "DE89 3704 0044 0532 0130 00".
    pub fn formatted(&self) -> String {
        group_by_four(self.0.chars())
    }

    /// Print format showing only country, check digits and the last four characters.
    pub fn masked(&self) -> String {
        let len = self.0.len();
        group_by_four(
            self.0
                .chars()
                .enumerate()
                .map(|(i, c)| if i < 4 || i + 4 >= len { c } else { '*' }),
        )
    }
}

fn group_by_four(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    for (i, c) in chars.enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

validated_string!(Iban);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::test_support::check_serde;
    use crate::fields::test_support::de_iban;

    #[test]
    fn iban_table() {
        use FieldError::*;
        let rows: &[(&str, Result<&str, FieldError>)] = &[
            ("DE89 3704 0044 0532 0130 00", Ok("DE89370400440532013000")),
            ("de89370400440532013000", Ok("DE89370400440532013000")),
            (
                " DE89\u{a0}3704 0044 0532 0130 00\n",
                Ok("DE89370400440532013000"),
            ),
            ("GB82 WEST 1234 5698 7654 32", Ok("GB82WEST12345698765432")),
            ("AT61 1904 3002 3457 3201", Ok("AT611904300234573201")),
            ("CH93 0076 2011 6238 5295 7", Ok("CH9300762011623852957")),
            ("NL91 ABNA 0417 1643 00", Ok("NL91ABNA0417164300")),
            (
                "FR14 2004 1010 0505 0001 3M02 606",
                Ok("FR1420041010050500013M02606"),
            ),
            ("BE68 5390 0754 7034", Ok("BE68539007547034")),
            ("NO93 8601 1117 947", Ok("NO9386011117947")),
            // one digit changed
            ("DE89 3704 0044 0532 0130 01", Err(IbanChecksum)),
            ("DE88 3704 0044 0532 0130 00", Err(IbanChecksum)),
            ("GB82 WEST 1234 5698 7654 33", Err(IbanChecksum)),
            // two digits swapped
            ("DE89 3704 0044 0532 0103 00", Err(IbanChecksum)),
            (
                "DE89 3704 0044 0532 0130 0",
                Err(IbanLength {
                    expected: 22,
                    actual: 21,
                }),
            ),
            (
                "DE89 3704 0044 0532 0130 000",
                Err(IbanLength {
                    expected: 22,
                    actual: 23,
                }),
            ),
            ("XX89 3704 0044 0532 0130 00", Err(IbanCountry)),
            ("US89 3704 0044 0532 0130 00", Err(IbanCountry)),
            // letters where Germany has digits
            ("DE89 3704 0044 0532 0130 0A", Err(IbanFormat)),
            ("DE89-3704-0044-0532-0130-00", Err(IbanFormat)),
            ("0532013000", Err(IbanFormat)),
            ("DEXX 3704 0044 0532 0130 00", Err(IbanFormat)),
            ("DÉ89 3704 0044 0532 0130 00", Err(IbanFormat)),
            ("DE", Err(IbanFormat)),
            ("", Err(Required)),
        ];
        for (input, expected) in rows {
            let got = Iban::parse(input);
            assert_eq!(
                got.as_ref().map(Iban::as_str).map_err(|e| *e),
                *expected,
                "input {input:?}"
            );
        }
        let iban = Iban::parse("de89 3704 0044 0532 0130 00").expect("valid");
        assert_eq!(iban.formatted(), "DE89 3704 0044 0532 0130 00");
        assert_eq!(iban.masked(), "DE89 **** **** **** **30 00");
        assert_eq!(iban.country_code(), "DE");
        assert_eq!(iban.check_digits(), "89");
        assert_eq!(iban.bban(), "370400440532013000");
        check_serde(&iban);
        let gb = Iban::parse("GB82WEST12345698765432").expect("valid");
        assert_eq!(gb.formatted(), "GB82 WEST 1234 5698 7654 32");
        assert_eq!(gb.masked(), "GB82 **** **** **** **54 32");
        let no = Iban::parse("NO9386011117947").expect("valid");
        assert_eq!(no.masked(), "NO93 **** ***7 947");
    }

    #[test]
    fn iban_check_digits_00_01_99_are_refused_although_congruent() {
        // Find BBANs whose correct check digits are 98, 97 and 02; their congruent forms 01, 00
        // and 99 pass the bare modulo test.
        for (valid, congruent) in [("98", "01"), ("97", "00"), ("02", "99")] {
            let bban = (0u64..)
                .map(|n| format!("37040044{n:010}"))
                .find(|bban| &de_iban(bban)[2..4] == valid)
                .expect("exists");
            let good = de_iban(&bban);
            assert!(Iban::parse(&good).is_ok());
            let bad = format!("DE{congruent}{bban}");
            assert_eq!(iban_mod97(bad.as_bytes()), 1);
            assert_eq!(Iban::parse(&bad), Err(FieldError::IbanChecksum));
        }
    }

    #[test]
    fn iban_country_table_is_sorted_and_consistent() {
        assert!(IBAN_COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, len, structure) in IBAN_COUNTRIES {
            assert!(code.bytes().all(|b| b.is_ascii_uppercase()));
            let mut total = 4;
            let mut count = 0;
            for b in structure.bytes() {
                if b.is_ascii_digit() {
                    count = count * 10 + usize::from(b - b'0');
                } else {
                    assert!(matches!(b, b'n' | b'a' | b'c'), "{code}");
                    total += count;
                    count = 0;
                }
            }
            assert_eq!(total, len, "{code}");
        }
        // Every SEPA country has an entry.
        for sepa in [
            "AD", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB",
            "GI", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MT", "NL",
            "NO", "PL", "PT", "RO", "SE", "SI", "SK", "SM", "VA",
        ] {
            assert!(
                IBAN_COUNTRIES.iter().any(|(code, _, _)| *code == sepa),
                "{sepa}"
            );
        }
    }
}
