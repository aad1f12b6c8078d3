use serde::{Deserialize, Serialize};

/// A language the UI is offered in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    De,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::De, Locale::En];

    /// The BCP 47 tag written into `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::De => "de",
            Locale::En => "en",
        }
    }

    /// Parses a tag such as `de`, `de-AT` or `EN-gb`; `None` for languages we do not offer.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// Picks the best offered language from an `Accept-Language` header, German when none fits.
    /// Entries are ordered by their `q` weight; on equal weight the earlier entry wins.
    pub fn negotiate(accept_language: &str) -> Self {
        let mut best: Option<(f32, Locale)> = None;
        for entry in accept_language.split(',').take(32) {
            let mut parts = entry.split(';');
            let Some(locale) = parts.next().and_then(Locale::from_tag) else {
                continue;
            };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if !(q > 0.0 && q <= 1.0) {
                continue;
            }
            if best.is_none_or(|(best_q, _)| q > best_q) {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Locale::{self, De, En};

    #[test]
    fn negotiates_accept_language() {
        let cases: &[(&str, Locale)] = &[
            ("", De),
            ("de-DE,de;q=0.9,en;q=0.8", De),
            ("en-US,en;q=0.9,de;q=0.8", En),
            ("fr-FR,fr;q=0.9,en;q=0.5", En),
            ("fr-FR,it", De),
            ("en;q=0.4,de;q=0.6", De),
            ("EN-gb", En),
            ("en;q=0,de;q=0.1", De),
            ("en;q=abc", En),
            ("*", De),
            ("en;q=2", De),
            (";;;,,,", De),
        ];
        for (header, expected) in cases {
            assert_eq!(Locale::negotiate(header), *expected, "header {header:?}");
        }
    }

    #[test]
    fn tags_round_trip() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_tag(l.tag()), Some(l));
        }
        assert_eq!(Locale::from_tag("de_AT"), Some(De));
        assert_eq!(Locale::from_tag("tr"), None);
    }
}
