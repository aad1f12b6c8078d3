//! The short name in the address of a practice's public page (`/praxen/<short name>`):
//! lower-case letters a–z, digits and single hyphens, 3 to 40 characters. What a practice types
//! is made address-ready first: capitals become small letters, umlauts and ß are spelt out,
//! spaces and punctuation between words become one hyphen.

use std::fmt;

pub const MIN_LEN: usize = 3;
pub const MAX_LEN: usize = 40;

/// Names that would look like the service's own pages.
const RESERVED: &[&str] = &[
    "admin",
    "anleitung",
    "api",
    "hilfe",
    "praxen",
    "praxis",
    "sprechzimmer",
    "videosprechstunde",
];

/// Why a short name cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShortNameError {
    #[error("the short name is empty")]
    Empty,
    #[error("the short name is shorter than {MIN_LEN} characters")]
    TooShort,
    #[error("the short name is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("the short name contains a character an address cannot carry")]
    Invalid,
    #[error("the short name is reserved")]
    Reserved,
}

impl ShortNameError {
    /// The Fluent key of the German message for the form.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Empty => "short-name-empty",
            Self::TooShort => "short-name-too-short",
            Self::TooLong => "short-name-too-long",
            Self::Invalid => "short-name-invalid",
            Self::Reserved => "short-name-reserved",
        }
    }
}

/// A valid short name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortName(String);

impl ShortName {
    /// Makes `input` address-ready and checks it.
    pub fn parse(input: &str) -> Result<Self, ShortNameError> {
        let name = spell(input, false).ok_or(ShortNameError::Invalid)?;
        match name.chars().count() {
            0 => Err(ShortNameError::Empty),
            n if n < MIN_LEN => Err(ShortNameError::TooShort),
            n if n > MAX_LEN => Err(ShortNameError::TooLong),
            _ if RESERVED.contains(&name.as_str()) => Err(ShortNameError::Reserved),
            _ => Ok(Self(name)),
        }
    }

    /// A proposal made from the practice's name ("Praxis Dr. Müßig & Partner" →
    /// "praxis-dr-muessig-partner"), cut at a word to fit; `None` if nothing usable is left.
    pub fn suggest(practice_name: &str) -> Option<Self> {
        let mut name = spell(practice_name, true)?;
        while name.len() > MAX_LEN {
            match name.rfind('-') {
                Some(cut) => name.truncate(cut),
                None => name.truncate(MAX_LEN),
            }
        }
        Self::parse(&name).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ShortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lower case, umlauts spelt out, separators as single hyphens, none at either end. Other
/// characters make it `None`, or are left out when `drop_others` is set.
fn spell(input: &str, drop_others: bool) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    let mut hyphen = false;
    for c in input.trim().chars().flat_map(char::to_lowercase) {
        let spelt = match c {
            'a'..='z' | '0'..='9' => Some(c.encode_utf8(&mut [0; 4]).to_owned()),
            'ä' => Some("ae".to_owned()),
            'ö' => Some("oe".to_owned()),
            'ü' => Some("ue".to_owned()),
            'ß' => Some("ss".to_owned()),
            ' ' | '-' | '_' | '.' | ',' | '/' | '&' | '+' | '\'' | '(' | ')' => None,
            _ if drop_others => continue,
            _ => return None,
        };
        match spelt {
            Some(text) => {
                if hyphen && !out.is_empty() {
                    out.push('-');
                }
                hyphen = false;
                out.push_str(&text);
            }
            None => hyphen = true,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_names_become_addresses() {
        for (typed, expected) in [
            ("praxis-am-markt", "praxis-am-markt"),
            ("Praxis am Markt", "praxis-am-markt"),
            ("  Dr. Müßig  ", "dr-muessig"),
            ("Kinderärzte Görlitz", "kinderaerzte-goerlitz"),
            ("HNO--Praxis__Süd", "hno-praxis-sued"),
            ("-praxis-123-", "praxis-123"),
            ("Zahn & Co.", "zahn-co"),
            ("abc", "abc"),
            ("praxis2go", "praxis2go"),
            // Path tricks become a harmless name.
            ("praxis/../admin", "praxis-admin"),
        ] {
            assert_eq!(
                ShortName::parse(typed).map(|n| n.to_string()),
                Ok(expected.to_owned()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn unusable_names_say_why() {
        for (typed, error) in [
            ("", ShortNameError::Empty),
            ("  - ", ShortNameError::Empty),
            ("ab", ShortNameError::TooShort),
            ("ö", ShortNameError::TooShort),
            (&"a".repeat(41), ShortNameError::TooLong),
            ("praxis-é", ShortNameError::Invalid),
            ("<script>", ShortNameError::Invalid),
            ("praxis?x=1", ShortNameError::Invalid),
            ("Praxis", ShortNameError::Reserved),
            ("sprechzimmer", ShortNameError::Reserved),
            ("ärztin✓", ShortNameError::Invalid),
        ] {
            assert_eq!(ShortName::parse(typed), Err(error), "{typed:?}");
        }
        assert_eq!(
            ShortName::parse(&"a".repeat(40)).unwrap().as_str().len(),
            40
        );
    }

    #[test]
    fn suggestions_come_from_the_practice_name() {
        let suggest = |name: &str| ShortName::suggest(name).map(|n| n.to_string());
        assert_eq!(
            suggest("Kinderarztpraxis Müßig").as_deref(),
            Some("kinderarztpraxis-muessig")
        );
        assert_eq!(
            suggest("Praxis Dr. Łukasz Nowak").as_deref(),
            Some("praxis-dr-ukasz-nowak")
        );
        assert_eq!(
            suggest("Gemeinschaftspraxis für Allgemeinmedizin und Innere Medizin Dr. Beispiel")
                .as_deref(),
            Some("gemeinschaftspraxis-fuer")
        );
        assert_eq!(suggest("Ψ"), None);
        assert_eq!(suggest("Praxis"), None);
    }
}
