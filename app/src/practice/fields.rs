//! Validated field types for the practice registration form.
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

use serde::{Deserialize, Serialize};
use std::fmt;

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

/// Lebenslange Arztnummer: six-digit doctor number, check digit, two-digit Fachgruppe.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Lanr(String);

// KBV rule: digits 1–6 weighted 4, 9, 4, 9, 4, 9; the check digit tops the sum up to a multiple
// of ten. Works on ASCII digits so that callers need not convert first.
fn lanr_check_digit(first_six: &[u8]) -> u8 {
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

/// One of the 17 Kassenärztliche Vereinigungen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum KvRegion {
    /// KV Baden-Württemberg.
    BadenWuerttemberg,
    /// KV Bayerns.
    Bayerns,
    /// KV Berlin.
    Berlin,
    /// KV Brandenburg.
    Brandenburg,
    /// KV Bremen.
    Bremen,
    /// KV Hamburg.
    Hamburg,
    /// KV Hessen.
    Hessen,
    /// KV Mecklenburg-Vorpommern.
    MecklenburgVorpommern,
    /// KV Niedersachsen.
    Niedersachsen,
    /// KV Nordrhein.
    Nordrhein,
    /// KV Rheinland-Pfalz.
    RheinlandPfalz,
    /// KV Saarland.
    Saarland,
    /// KV Sachsen.
    Sachsen,
    /// KV Sachsen-Anhalt.
    SachsenAnhalt,
    /// KV Schleswig-Holstein.
    SchleswigHolstein,
    /// KV Thüringen.
    Thueringen,
    /// KV Westfalen-Lippe.
    WestfalenLippe,
}

struct KvData {
    slug: &'static str,
    short_name: &'static str,
    /// The name the KV uses for itself in short ("KVNO", "KV Hessen").
    abbreviation: &'static str,
    display_name: &'static str,
    bsnr_area_codes: &'static [&'static str],
}

impl KvRegion {
    /// All KVs, alphabetically by name.
    pub const ALL: [KvRegion; 17] = [
        Self::BadenWuerttemberg,
        Self::Bayerns,
        Self::Berlin,
        Self::Brandenburg,
        Self::Bremen,
        Self::Hamburg,
        Self::Hessen,
        Self::MecklenburgVorpommern,
        Self::Niedersachsen,
        Self::Nordrhein,
        Self::RheinlandPfalz,
        Self::Saarland,
        Self::Sachsen,
        Self::SachsenAnhalt,
        Self::SchleswigHolstein,
        Self::Thueringen,
        Self::WestfalenLippe,
    ];

    // Area codes: the first entry is the KV-Landesstellenschlüssel (the KV's code in KVDT field 3116
    // "WOP" and in the gematik VSDM value set). The others are the former Bezirks- and
    // Abrechnungsstellen listed in the "KV-Bezirk" key of the GKV data exchange (Kostenträgerdatei,
    // Anlage 1 Anhang 3 Kap. 8.7); BSNRs converted in 2008 from the old seven-digit billing
    // numbers still start with them.
    const fn data(self) -> &'static KvData {
        match self {
            Self::BadenWuerttemberg => &KvData {
                slug: "baden-wuerttemberg",
                short_name: "Baden-Württemberg",
                abbreviation: "KVBW",
                display_name: "Kassenärztliche Vereinigung Baden-Württemberg",
                bsnr_area_codes: &[
                    "52", "53", "54", "55", "56", "57", "58", "59", "60", "61", "62",
                ],
            },
            Self::Bayerns => &KvData {
                slug: "bayerns",
                short_name: "Bayerns",
                abbreviation: "KVB",
                display_name: "Kassenärztliche Vereinigung Bayerns",
                bsnr_area_codes: &["71", "63", "64", "65", "66", "67", "68", "69", "70"],
            },
            Self::Berlin => &KvData {
                slug: "berlin",
                short_name: "Berlin",
                abbreviation: "KV Berlin",
                display_name: "Kassenärztliche Vereinigung Berlin",
                bsnr_area_codes: &["72"],
            },
            Self::Brandenburg => &KvData {
                slug: "brandenburg",
                short_name: "Brandenburg",
                abbreviation: "KVBB",
                display_name: "Kassenärztliche Vereinigung Brandenburg",
                bsnr_area_codes: &["83", "79", "80", "81"],
            },
            Self::Bremen => &KvData {
                slug: "bremen",
                short_name: "Bremen",
                abbreviation: "KVHB",
                display_name: "Kassenärztliche Vereinigung Bremen",
                bsnr_area_codes: &["03"],
            },
            Self::Hamburg => &KvData {
                slug: "hamburg",
                short_name: "Hamburg",
                abbreviation: "KVH",
                display_name: "Kassenärztliche Vereinigung Hamburg",
                bsnr_area_codes: &["02"],
            },
            Self::Hessen => &KvData {
                slug: "hessen",
                short_name: "Hessen",
                abbreviation: "KV Hessen",
                display_name: "Kassenärztliche Vereinigung Hessen",
                bsnr_area_codes: &["46", "39", "40", "41", "42", "43", "44", "45"],
            },
            Self::MecklenburgVorpommern => &KvData {
                slug: "mecklenburg-vorpommern",
                short_name: "Mecklenburg-Vorpommern",
                abbreviation: "KVMV",
                display_name: "Kassenärztliche Vereinigung Mecklenburg-Vorpommern",
                bsnr_area_codes: &["78"],
            },
            Self::Niedersachsen => &KvData {
                slug: "niedersachsen",
                short_name: "Niedersachsen",
                abbreviation: "KVN",
                display_name: "Kassenärztliche Vereinigung Niedersachsen",
                bsnr_area_codes: &[
                    "17", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16",
                ],
            },
            Self::Nordrhein => &KvData {
                slug: "nordrhein",
                short_name: "Nordrhein",
                abbreviation: "KVNO",
                display_name: "Kassenärztliche Vereinigung Nordrhein",
                bsnr_area_codes: &["38", "21", "24", "25", "27", "28", "31", "37"],
            },
            Self::RheinlandPfalz => &KvData {
                slug: "rheinland-pfalz",
                short_name: "Rheinland-Pfalz",
                abbreviation: "KV RLP",
                display_name: "Kassenärztliche Vereinigung Rheinland-Pfalz",
                bsnr_area_codes: &["51", "47", "48", "49", "50"],
            },
            Self::Saarland => &KvData {
                slug: "saarland",
                short_name: "Saarland",
                abbreviation: "KV Saarland",
                display_name: "Kassenärztliche Vereinigung Saarland",
                bsnr_area_codes: &["73"],
            },
            Self::Sachsen => &KvData {
                slug: "sachsen",
                short_name: "Sachsen",
                abbreviation: "KVS",
                display_name: "Kassenärztliche Vereinigung Sachsen",
                bsnr_area_codes: &["98", "94", "95", "96"],
            },
            Self::SachsenAnhalt => &KvData {
                slug: "sachsen-anhalt",
                short_name: "Sachsen-Anhalt",
                abbreviation: "KVSA",
                display_name: "Kassenärztliche Vereinigung Sachsen-Anhalt",
                bsnr_area_codes: &["88", "85", "86", "87"],
            },
            Self::SchleswigHolstein => &KvData {
                slug: "schleswig-holstein",
                short_name: "Schleswig-Holstein",
                abbreviation: "KVSH",
                display_name: "Kassenärztliche Vereinigung Schleswig-Holstein",
                bsnr_area_codes: &["01"],
            },
            Self::Thueringen => &KvData {
                slug: "thueringen",
                short_name: "Thüringen",
                abbreviation: "KV Thüringen",
                display_name: "Kassenärztliche Vereinigung Thüringen",
                bsnr_area_codes: &["93", "89", "90", "91"],
            },
            Self::WestfalenLippe => &KvData {
                slug: "westfalen-lippe",
                short_name: "Westfalen-Lippe",
                abbreviation: "KVWL",
                display_name: "Kassenärztliche Vereinigung Westfalen-Lippe",
                bsnr_area_codes: &["20", "18", "19"],
            },
        }
    }

    /// Parses a slug such as `"westfalen-lippe"` (surrounding whitespace and case are ignored).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let slug = input.trim();
        if slug.is_empty() {
            return Err(FieldError::Required);
        }
        Self::ALL
            .into_iter()
            .find(|kv| kv.slug().eq_ignore_ascii_case(slug))
            .ok_or(FieldError::KvRegionUnknown)
    }

    /// The KV whose BSNRs start with the two-digit `code`.
    pub fn from_bsnr_area_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kv| kv.bsnr_area_codes().contains(&code))
    }

    /// Stable ASCII identifier, used in URLs, forms and the database.
    pub fn slug(&self) -> &'static str {
        self.data().slug
    }

    /// Same as [`KvRegion::slug`].
    pub fn as_str(&self) -> &'static str {
        self.slug()
    }

    /// Short German name, e.g. "Bayerns" or "Baden-Württemberg".
    pub fn short_name(&self) -> &'static str {
        self.data().short_name
    }

    /// Full German name, e.g. "Kassenärztliche Vereinigung Bayerns".
    pub fn display_name(&self) -> &'static str {
        self.data().display_name
    }

    /// The KV's own short name, e.g. "KVNO" or "KV Thüringen".
    pub fn abbreviation(&self) -> &'static str {
        self.data().abbreviation
    }

    /// The two-digit codes that start BSNRs of this KV; the current Landesstelle code comes first.
    pub fn bsnr_area_codes(&self) -> &'static [&'static str] {
        self.data().bsnr_area_codes
    }
}

// Display is the slug so that parse(display(x)) == x holds; the UI uses display_name().
impl fmt::Display for KvRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl TryFrom<String> for KvRegion {
    type Error = FieldError;

    fn try_from(value: String) -> Result<Self, FieldError> {
        Self::parse(&value)
    }
}

impl From<KvRegion> for String {
    fn from(value: KvRegion) -> String {
        value.slug().to_owned()
    }
}

impl std::str::FromStr for KvRegion {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::parse(s)
    }
}

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
fn iban_mod97(iban: &[u8]) -> u32 {
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

/// E-mail address; the domain is stored lower-case, the local part as typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

const EMAIL_MAX_CHARS: usize = 254;
const EMAIL_LOCAL_MAX_CHARS: usize = 64;

// Dot-atom local parts only: quoted local parts are legal but practically unused, and the RFC 5322
// specials would need quoting in mail headers.
fn valid_local_part(local: &str) -> bool {
    let len = local.chars().count();
    (1..=EMAIL_LOCAL_MAX_CHARS).contains(&len)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local.chars().any(|c| {
            c.is_whitespace()
                || is_disallowed_char(c)
                || matches!(
                    c,
                    '<' | '>' | ',' | '(' | ')' | '[' | ']' | ':' | ';' | '\\' | '"'
                )
        })
}

fn valid_domain_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || !labels.iter().all(|label| valid_domain_label(label)) {
        return false;
    }
    let Some(tld) = labels.last() else {
        return false;
    };
    // Internationalised TLDs reach us in their ASCII (xn--) form.
    (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        || (tld.len() > 4 && tld.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--")))
}

impl EmailAddress {
    /// Parses a single address such as `praxis@beispiel.de` (no display name, no angle brackets).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let address = input.trim();
        if address.is_empty() {
            return Err(FieldError::Required);
        }
        if address.chars().count() > EMAIL_MAX_CHARS {
            return Err(FieldError::TooLong {
                max: EMAIL_MAX_CHARS,
            });
        }
        let mut parts = address.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(FieldError::EmailFormat);
        };
        if !valid_local_part(local) || !valid_domain(domain) {
            return Err(FieldError::EmailFormat);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The part before the `@`, as typed.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(local, _)| local)
    }

    /// The part after the `@`, lower-case.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }

    /// Entirely lower-case form, for uniqueness checks ("Anna@x.de" and "anna@x.de" are one user).
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

validated_string!(EmailAddress);

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
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;

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

    fn check_serde<T>(value: &T)
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

    #[test]
    fn kv_regions() {
        assert_eq!(KvRegion::ALL.len(), 17);
        let mut slugs: Vec<_> = KvRegion::ALL.iter().map(KvRegion::slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), 17);
        let mut codes = Vec::new();
        for kv in KvRegion::ALL {
            assert!(kv
                .slug()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'));
            assert_eq!(KvRegion::parse(kv.slug()), Ok(kv));
            assert_eq!(
                kv.display_name(),
                format!("Kassenärztliche Vereinigung {}", kv.short_name())
            );
            check_serde(&kv);
            for code in kv.bsnr_area_codes() {
                assert!(code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()));
                assert_eq!(KvRegion::from_bsnr_area_code(code), Some(kv));
                codes.push(*code);
            }
        }
        let total = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), total, "an area code belongs to two KVs");
        // The current Landesstelle codes (KVDT field 3116 "WOP").
        let landesstellen: Vec<_> = KvRegion::ALL
            .iter()
            .map(|kv| kv.bsnr_area_codes()[0])
            .collect();
        assert_eq!(
            landesstellen,
            [
                "52", "71", "72", "83", "03", "02", "46", "78", "17", "38", "51", "73", "98", "88",
                "01", "93", "20"
            ]
        );
        assert_eq!(KvRegion::Bayerns.short_name(), "Bayerns");
        assert_eq!(KvRegion::Thueringen.slug(), "thueringen");
        assert_eq!(KvRegion::Thueringen.short_name(), "Thüringen");
        assert_eq!(
            KvRegion::parse(" Westfalen-Lippe "),
            Ok(KvRegion::WestfalenLippe)
        );
        assert_eq!(KvRegion::parse("bayern"), Err(FieldError::KvRegionUnknown));
        assert_eq!(KvRegion::parse(""), Err(FieldError::Required));
        assert_eq!(
            serde_json::to_string(&KvRegion::Thueringen).expect("json"),
            "\"thueringen\""
        );
        assert!(serde_json::from_str::<KvRegion>("\"bavaria\"").is_err());
    }

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

    fn de_iban(bban: &str) -> String {
        let check = 98 - iban_mod97(format!("DE00{bban}").as_bytes());
        format!("DE{check:02}{bban}")
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

    #[test]
    fn email_table() {
        use FieldError::*;
        let long_local = "a".repeat(65);
        let long_address = format!("{}@{}.de", "a".repeat(60), "b".repeat(200));
        let rows: &[(&str, Result<&str, FieldError>)] = &[
            ("praxis@example.de", Ok("praxis@example.de")),
            (
                " Dr.Mueller@Praxis-Mueller.DE ",
                Ok("Dr.Mueller@praxis-mueller.de"),
            ),
            (
                "info+termine@sub.example.co.uk",
                Ok("info+termine@sub.example.co.uk"),
            ),
            ("anna.o'neil@example.org", Ok("anna.o'neil@example.org")),
            ("jörg@example.de", Ok("jörg@example.de")),
            ("praxis@xn--mller-kva.de", Ok("praxis@xn--mller-kva.de")),
            ("praxis@example.xn--p1ai", Ok("praxis@example.xn--p1ai")),
            ("a@b.c", Err(EmailFormat)),
            ("x@example.d3", Err(EmailFormat)),
            ("no-at.example.de", Err(EmailFormat)),
            ("two@@example.de", Err(EmailFormat)),
            ("a@b@example.de", Err(EmailFormat)),
            ("space in@example.de", Err(EmailFormat)),
            ("<x>@example.de", Err(EmailFormat)),
            ("Anna <anna@example.de>", Err(EmailFormat)),
            ("x,y@example.de", Err(EmailFormat)),
            ("x@-example.de", Err(EmailFormat)),
            ("x@example-.de", Err(EmailFormat)),
            ("x@example..de", Err(EmailFormat)),
            ("x@example.de.", Err(EmailFormat)),
            ("x@localhost", Err(EmailFormat)),
            ("x@exam_ple.de", Err(EmailFormat)),
            ("x@müller.de", Err(EmailFormat)),
            (".x@example.de", Err(EmailFormat)),
            ("x.@example.de", Err(EmailFormat)),
            ("x..y@example.de", Err(EmailFormat)),
            ("@example.de", Err(EmailFormat)),
            ("x@", Err(EmailFormat)),
            ("x\u{7}@example.de", Err(EmailFormat)),
            ("", Err(Required)),
        ];
        for (input, expected) in rows {
            let got = EmailAddress::parse(input);
            assert_eq!(
                got.as_ref().map(EmailAddress::as_str).map_err(|e| *e),
                *expected,
                "input {input:?}"
            );
        }
        assert_eq!(
            EmailAddress::parse(&format!("{long_local}@example.de")),
            Err(EmailFormat)
        );
        assert_eq!(
            EmailAddress::parse(&long_address),
            Err(TooLong { max: 254 })
        );
        let label63 = format!("x@{}.de", "a".repeat(63));
        assert!(EmailAddress::parse(&label63).is_ok());
        let label64 = format!("x@{}.de", "a".repeat(64));
        assert_eq!(EmailAddress::parse(&label64), Err(EmailFormat));

        let email = EmailAddress::parse("Dr.Mueller@Praxis-Mueller.DE").expect("valid");
        assert_eq!(email.local_part(), "Dr.Mueller");
        assert_eq!(email.domain(), "praxis-mueller.de");
        assert_eq!(email.normalized(), "dr.mueller@praxis-mueller.de");
        check_serde(&email);
    }

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

    mod properties {
        use super::super::*;
        use super::{check_serde, de_iban};
        use proptest::prelude::*;

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
    }
}
