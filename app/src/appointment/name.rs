//! The name a patient types at entry: first and last name, so the doctor can tell who is
//! waiting. Checked once here, then trusted.

/// A full name as typed, with runs of spaces collapsed.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientName(String);

/// The longest name accepted.
pub const MAX_CHARS: usize = crate::fields::limits::PATIENT_NAME;

impl std::fmt::Debug for PatientName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Patient data stays out of logs.
        f.write_str("PatientName(<redacted>)")
    }
}

/// Why a typed name is not taken; each is a Fluent key with the message for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("entry-name-missing")]
    Missing,
    #[error("entry-name-full")]
    NotFull,
    #[error("entry-name-too-long")]
    TooLong,
    #[error("entry-name-characters")]
    Characters,
}

impl NameError {
    /// The Fluent key of the patient's message.
    pub fn key(self) -> &'static str {
        match self {
            Self::Missing => "entry-name-missing",
            Self::NotFull => "entry-name-full",
            Self::TooLong => "entry-name-too-long",
            Self::Characters => "entry-name-characters",
        }
    }
}

impl PatientName {
    /// Reads a typed name: at least two parts with letters (first and last name); letters,
    /// spaces, hyphens, apostrophes, dots and commas only.
    pub fn parse(typed: &str) -> Result<Self, NameError> {
        let parts: Vec<&str> = typed.split_whitespace().collect();
        let joined = parts.join(" ");
        if joined.is_empty() {
            return Err(NameError::Missing);
        }
        if joined.chars().count() > MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if !joined
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.' | ','))
        {
            return Err(NameError::Characters);
        }
        if parts
            .iter()
            .filter(|p| p.chars().any(char::is_alphabetic))
            .count()
            < 2
        {
            return Err(NameError::NotFull);
        }
        Ok(Self(joined))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the booked name, ignoring case and spacing.
    pub fn matches(&self, booked: &str) -> bool {
        let norm = |s: &str| {
            s.split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
                .join(" ")
        };
        norm(&self.0) == norm(booked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_names_are_taken_and_everything_else_is_explained() {
        let table: &[(&str, Result<&str, NameError>)] = &[
            ("Erika Mustermann", Ok("Erika Mustermann")),
            ("  Erika   Mustermann ", Ok("Erika Mustermann")),
            ("Hans-Jürgen O’Neill", Ok("Hans-Jürgen O’Neill")),
            ("Hans-Jürgen O’Neill-Şahin", Ok("Hans-Jürgen O’Neill-Şahin")),
            ("Hans-Jürgen von O’Neill", Ok("Hans-Jürgen von O’Neill")),
            ("Mustermann, Erika", Ok("Mustermann, Erika")),
            ("Dr. Li Wu", Ok("Dr. Li Wu")),
            ("", Err(NameError::Missing)),
            ("   ", Err(NameError::Missing)),
            ("Erika", Err(NameError::NotFull)),
            ("Erika -", Err(NameError::NotFull)),
            ("Erika Mustermann 2", Err(NameError::Characters)),
            ("erika@example.org x", Err(NameError::Characters)),
            ("<b>Erika</b> M", Err(NameError::Characters)),
        ];
        for (typed, expected) in table {
            assert_eq!(
                PatientName::parse(typed).map(|n| n.0),
                expected.map(str::to_owned),
                "{typed:?}"
            );
        }
        let long = format!("Erika {}", "a".repeat(MAX_CHARS));
        assert_eq!(PatientName::parse(&long), Err(NameError::TooLong));
    }

    #[test]
    fn a_typed_name_matches_the_booked_one_regardless_of_case_and_spaces() {
        let typed = PatientName::parse("  erika   MUSTERMANN ").unwrap();
        assert!(typed.matches("Erika Mustermann"));
        assert!(!typed.matches("Erika Musterfrau"));
        assert_eq!(format!("{typed:?}"), "PatientName(<redacted>)");
    }

    proptest::proptest! {
        #[test]
        fn a_taken_name_has_two_parts_and_reads_back_the_same(s in "\\PC{0,60}") {
            if let Ok(name) = PatientName::parse(&s) {
                proptest::prop_assert!(name.as_str().split(' ').count() >= 2);
                proptest::prop_assert_eq!(PatientName::parse(name.as_str()), Ok(name.clone()));
            }
        }
    }
}
