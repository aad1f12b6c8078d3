//! E-mail addresses.

use super::{is_disallowed_char, FieldError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// E-mail address; the domain is stored lower-case, the local part as typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

const EMAIL_MAX_CHARS: usize = super::limits::EMAIL;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::test_support::check_serde;

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
}
