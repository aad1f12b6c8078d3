//! The 17 Kassenärztliche Vereinigungen (KV regions).

use super::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

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

    /// The name in a selection list, e.g. "KV Mecklenburg-Vorpommern": the field's label says
    /// "Kassenärztliche Vereinigung", and the full name leaves no room on a phone for the part
    /// that differs.
    pub fn option_label(&self) -> String {
        format!("KV {}", self.short_name())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::test_support::check_serde;

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
            // Fits a phone's selection field (the longest: "KV Mecklenburg-Vorpommern").
            assert!(
                kv.option_label().chars().count() <= 25,
                "{}",
                kv.option_label()
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
}

/// Stored as its slug (`practice.kv_region`, text of up to 32 characters), so a row holds only
/// what [`KvRegion::parse`] accepts and the code never compares strings.
#[cfg(feature = "ssr")]
mod stored {
    use super::KvRegion;
    use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
    use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

    impl From<KvRegion> for Value {
        fn from(kv: KvRegion) -> Self {
            Value::String(Some(Box::new(kv.slug().to_owned())))
        }
    }

    impl TryGetable for KvRegion {
        fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
            let slug = String::try_get_by(res, index)?;
            KvRegion::parse(&slug).map_err(|_| {
                TryGetError::DbErr(DbErr::Type(format!(
                    "no KV region {slug:?} in the database"
                )))
            })
        }
    }

    impl ValueType for KvRegion {
        fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
            match v {
                Value::String(Some(slug)) => KvRegion::parse(&slug).map_err(|_| ValueTypeErr),
                _ => Err(ValueTypeErr),
            }
        }

        fn type_name() -> String {
            "KvRegion".to_owned()
        }

        fn array_type() -> ArrayType {
            ArrayType::String
        }

        fn column_type() -> ColumnType {
            ColumnType::String(StringLen::N(32))
        }
    }

    impl Nullable for KvRegion {
        fn null() -> Value {
            Value::String(None)
        }
    }
}
