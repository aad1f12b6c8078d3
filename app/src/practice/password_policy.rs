//! Password rules for new practice accounts (server only).
//!
//! Follows NIST SP 800-63B: a minimum length, a generous maximum, a blocklist of commonly used
//! passwords and a check against the user's own name and e-mail address, but no composition rules
//! (no "one digit, one capital letter"), which push users towards predictable patterns.
//! The blocklist is the first 10,000 entries of Django's `common-passwords.txt.gz` (lower-case,
//! most common first).

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

/// Fewest characters (Unicode scalar values) a password may have.
pub const MIN_CHARS: usize = 12;
/// Most characters a password may have; bounds the cost of hashing.
pub const MAX_CHARS: usize = crate::fields::limits::PASSWORD;

const COMMON_PASSWORDS_LIST: &str = include_str!("common-passwords.txt");

// Built on first use; about 10,000 borrowed entries, no copies of the list.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    COMMON_PASSWORDS_LIST
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
});

/// Why a new password was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than `min` characters.
    #[error("the password must have at least {min} characters")]
    TooShort {
        /// The minimum number of characters.
        min: usize,
    },
    /// More than `max` characters.
    #[error("the password may have at most {max} characters")]
    TooLong {
        /// The maximum number of characters.
        max: usize,
    },
    /// One of the most commonly used passwords.
    #[error("the password is one of the most common passwords")]
    Common,
    /// Equal to the user's name or e-mail address.
    #[error("the password equals the user's name or e-mail address")]
    ContainsPersonal,
}

impl PasswordError {
    /// The id of the Fluent message that explains this error to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::TooShort { .. } => "password-too-short",
            Self::TooLong { .. } => "password-too-long",
            Self::Common => "password-common",
            Self::ContainsPersonal => "password-contains-personal",
        }
    }

    /// The Fluent variables of the message (`$min`, `$max`).
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match *self {
            Self::TooShort { min } => vec![("min", min.to_string())],
            Self::TooLong { max } => vec![("max", max.to_string())],
            Self::Common | Self::ContainsPersonal => Vec::new(),
        }
    }
}

/// A password that satisfies the policy; its `Debug` output never shows it.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks `input` (used exactly as typed, not trimmed) against the policy.
    ///
    /// `context` holds what an attacker would try first for this user: the e-mail address, its
    /// local part and the user's name. Blank entries are ignored.
    pub fn parse(input: &str, context: &[&str]) -> Result<NewPassword, PasswordError> {
        let chars = input.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort { min: MIN_CHARS });
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong { max: MAX_CHARS });
        }
        let lowered = input.to_lowercase();
        if COMMON_PASSWORDS.contains(lowered.as_str()) {
            return Err(PasswordError::Common);
        }
        let personal = context
            .iter()
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
            .any(|value| value.to_lowercase() == lowered);
        if personal {
            return Err(PasswordError::ContainsPersonal);
        }
        Ok(NewPassword(input.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

// Hand-written so that the password never ends up in logs or panic messages.
impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DE_FTL: &str = include_str!("../../locales/de/fields.ftl");
    const EN_FTL: &str = include_str!("../../locales/en/fields.ftl");

    #[test]
    fn the_list_has_10000_lower_case_entries_most_common_first() {
        let lines: Vec<&str> = COMMON_PASSWORDS_LIST.lines().collect();
        assert_eq!(lines.len(), 10_000);
        assert_eq!(COMMON_PASSWORDS.len(), 10_000, "entries are unique");
        assert_eq!(&lines[..4], ["123456", "123456789", "qwerty", "password"]);
        for line in lines {
            assert!(!line.trim().is_empty());
            assert_eq!(line, line.to_lowercase());
        }
    }

    #[test]
    fn length_is_counted_in_characters() {
        let rows: &[(&str, Result<(), PasswordError>)] = &[
            ("abcdefghijk", Err(PasswordError::TooShort { min: 12 })),
            ("Kaffee-Tasse", Ok(())),
            ("korrekt pferd batterie heftklammer", Ok(())),
            // 11 emoji are 44 bytes but only 11 characters
            (
                "🦔🦔🦔🦔🦔🦔🦔🦔🦔🦔🦔",
                Err(PasswordError::TooShort { min: 12 }),
            ),
            ("🦔🦔🦔🦔🦔🦔🦔🦔🦔🦔🦔🦔", Ok(())),
            ("äöüßäöüßäöü", Err(PasswordError::TooShort { min: 12 })),
            ("äöüßäöüßäöüß", Ok(())),
            // 11 characters plus two spaces: the password is used exactly as typed, not trimmed
            (" elf Zeichen ", Ok(())),
            ("", Err(PasswordError::TooShort { min: 12 })),
        ];
        for (input, expected) in rows {
            assert_eq!(
                NewPassword::parse(input, &[]).map(|_| ()),
                *expected,
                "input {input:?}"
            );
        }
        let longest = "x".repeat(255) + "y";
        assert!(NewPassword::parse(&longest, &[]).is_ok());
        let too_long = "x".repeat(256) + "y";
        assert_eq!(
            NewPassword::parse(&too_long, &[]).map(|_| ()),
            Err(PasswordError::TooLong { max: 256 })
        );
    }

    #[test]
    fn common_passwords_are_rejected_case_insensitively() {
        // Entries of the list with at least 12 characters; shorter ones already fail on length.
        for common in [
            "q1w2e3r4t5y6",
            "Q1W2E3R4T5Y6",
            "1qaz2wsx3edc",
            "qwerty123456",
            "QwErTy123456",
            "123456654321",
        ] {
            assert!(COMMON_PASSWORDS_LIST.contains(&common.to_lowercase()));
            assert_eq!(
                NewPassword::parse(common, &[]).map(|_| ()),
                Err(PasswordError::Common),
                "{common}"
            );
        }
        assert_eq!(
            NewPassword::parse("password123", &[]).map(|_| ()),
            Err(PasswordError::TooShort { min: 12 })
        );
    }

    #[test]
    fn personal_context_is_rejected() {
        let context = [
            "anna.mueller@praxis-mueller.de",
            "anna.mueller",
            "Anna Müller-Lüdenscheidt",
            "   ",
        ];
        for password in [
            "Anna.Mueller@Praxis-Mueller.de",
            "ANNA MÜLLER-LÜDENSCHEIDT",
            "anna müller-lüdenscheidt",
        ] {
            assert_eq!(
                NewPassword::parse(password, &context).map(|_| ()),
                Err(PasswordError::ContainsPersonal),
                "{password}"
            );
        }
        // Only equality is checked; a longer phrase around the name is fine.
        assert!(NewPassword::parse("anna.mueller liebt Kaffee", &context).is_ok());
        // The short local part cannot be a password anyway.
        assert_eq!(
            NewPassword::parse("anna.mueller", &context).map(|_| ()),
            Err(PasswordError::ContainsPersonal)
        );
    }

    #[test]
    fn debug_does_not_leak_and_expose_returns_the_input() {
        let password = NewPassword::parse("geheimes Wort 42", &[]).expect("valid");
        assert_eq!(format!("{password:?}"), "NewPassword(***)");
        assert_eq!(
            format!("{:?}", Ok::<_, ()>(&password)),
            "Ok(NewPassword(***))"
        );
        assert_eq!(password.expose(), "geheimes Wort 42");
    }

    #[test]
    fn message_keys_are_translated_with_their_variables() {
        let errors = [
            PasswordError::TooShort { min: MIN_CHARS },
            PasswordError::TooLong { max: MAX_CHARS },
            PasswordError::Common,
            PasswordError::ContainsPersonal,
        ];
        for error in errors {
            let key = error.message_key();
            for (lang, source) in [("de", DE_FTL), ("en", EN_FTL)] {
                let line = source
                    .lines()
                    .find(|line| {
                        line.strip_prefix(key)
                            .is_some_and(|rest| rest.trim_start().starts_with('='))
                    })
                    .unwrap_or_else(|| panic!("{lang}/fields.ftl lacks {key}"));
                for (name, _) in error.message_args() {
                    assert!(line.contains(&format!("{{ ${name} }}")), "{lang}: {key}");
                }
            }
        }
    }
}
