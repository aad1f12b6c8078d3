use super::Locale;
use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource};
use std::sync::LazyLock;

/// The Fluent sources, compiled into both the server and the wasm build.
const DE_SOURCES: &[&str] = &[
    include_str!("../../locales/de/main.ftl"),
    include_str!("../../locales/de/legal.ftl"),
    include_str!("../../locales/de/fields.ftl"),
    include_str!("../../locales/de/practice.ftl"),
    include_str!("../../locales/de/calendar.ftl"),
    include_str!("../../locales/de/patient.ftl"),
    include_str!("../../locales/de/consent.ftl"),
];
const EN_SOURCES: &[&str] = &[
    include_str!("../../locales/en/main.ftl"),
    include_str!("../../locales/en/fields.ftl"),
];
/// E-mails and island-free pages are written on the server only; the browser bundle stays
/// smaller without them.
#[cfg(feature = "ssr")]
const DE_SERVER_SOURCES: &[&str] = &[
    include_str!("../../locales/de/email.ftl"),
    // The KV-Antrag page has no island: its texts are rendered on the server only.
    include_str!("../../locales/de/kv.ftl"),
    // So have the contract pages and the notice banner of the practice area.
    include_str!("../../locales/de/contract.ftl"),
    // The public practice page and its settings have no island either.
    include_str!("../../locales/de/public.ftl"),
    // The processing agreement and the pages' descriptions are rendered on the server only.
    include_str!("../../locales/de/avv.ftl"),
    include_str!("../../locales/de/meta.ftl"),
];
#[cfg(not(feature = "ssr"))]
const DE_SERVER_SOURCES: &[&str] = &[];

// Immutable lookup tables, built on first use; not mutable global state.
static DE: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| build(Locale::De, &[DE_SOURCES, DE_SERVER_SOURCES].concat()));
static EN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| build(Locale::En, EN_SOURCES));

fn build(locale: Locale, sources: &[&str]) -> FluentBundle<FluentResource> {
    let lang = locale
        .tag()
        .parse()
        .unwrap_or_else(|_| unic_langid::langid!("de"));
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Unicode isolation marks would end up in page text and in e-mails; our variables are plain.
    bundle.set_use_isolating(false);
    for source in sources {
        // A syntax error keeps the messages that did parse; the unit tests fail on any error.
        let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(res, _)| res);
        // Duplicate ids are reported by the unit tests as well; the first definition wins.
        let _ = bundle.add_resource(resource);
    }
    bundle
}

fn bundle(locale: Locale) -> &'static FluentBundle<FluentResource> {
    match locale {
        Locale::De => &DE,
        Locale::En => &EN,
    }
}

/// Whether `key` can be shown in `locale` (directly or through the German fallback).
pub fn has_message(locale: Locale, key: &str) -> bool {
    bundle(locale).has_message(key) || DE.has_message(key)
}

/// The message `key` in `locale`; German if the locale lacks it; the key itself if both do.
pub fn translate(locale: Locale, key: &str) -> String {
    translate_with(locale, key, &[])
}

/// Like [`translate`], with Fluent variables.
pub fn translate_with(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let fluent_args = (!args.is_empty()).then(|| {
        let mut a = FluentArgs::new();
        for (name, value) in args {
            a.set(*name, *value);
        }
        a
    });
    [bundle(locale), &*DE]
        .into_iter()
        .find_map(|b| {
            let pattern = b.get_message(key)?.value()?;
            let mut errors = vec![];
            Some(
                b.format_pattern(pattern, fluent_args.as_ref(), &mut errors)
                    .into_owned(),
            )
        })
        .unwrap_or_else(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::parser::parse;
    use std::collections::HashSet;

    fn message_ids(sources: &[&str]) -> Vec<String> {
        let mut ids = vec![];
        for source in sources {
            let resource = match parse(*source) {
                Ok(r) => r,
                Err((_, errors)) => panic!("Fluent syntax errors: {errors:?}"),
            };
            for entry in resource.body {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    ids.push(m.id.name.to_owned());
                }
            }
        }
        ids
    }

    #[test]
    fn german_files_parse_without_errors_or_duplicates() {
        let ids = message_ids(&[DE_SOURCES, DE_SERVER_SOURCES].concat());
        let unique: HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "duplicate message ids in de");
        assert!(
            ids.len() > 50,
            "German is meant to be complete, found {} messages",
            ids.len()
        );
    }

    #[test]
    fn english_only_translates_known_german_messages() {
        let de: HashSet<_> = message_ids(&[DE_SOURCES, DE_SERVER_SOURCES].concat())
            .into_iter()
            .collect();
        for id in message_ids(EN_SOURCES) {
            assert!(de.contains(&id), "en has {id}, which de lacks");
        }
    }

    #[test]
    fn every_key_used_in_the_code_exists_in_german() {
        let de: HashSet<_> = message_ids(&[DE_SOURCES, DE_SERVER_SOURCES].concat())
            .into_iter()
            .collect();
        let used = crate::i18n::bundles::tests::keys_used_in_sources();
        assert!(
            used.len() > 20,
            "found only {} keys: scanner broken?",
            used.len()
        );
        let missing: Vec<_> = used.iter().filter(|k| !de.contains(*k)).collect();
        assert!(
            missing.is_empty(),
            "keys used in code but missing in de: {missing:?}"
        );
    }

    /// Literal keys passed to the `t` and `t_with` methods anywhere under `app/src`.
    pub(super) fn keys_used_in_sources() -> HashSet<String> {
        let mut keys = HashSet::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).expect("read src dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("read source");
                    for marker in [".t(\"", ".t_with(\""] {
                        for (pos, _) in text.match_indices(marker) {
                            let rest = &text[pos + marker.len()..];
                            if let Some(end) = rest.find('"') {
                                keys.insert(rest[..end].to_owned());
                            }
                        }
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn variables_are_substituted_and_missing_keys_fall_back() {
        let out = translate_with(
            Locale::De,
            "legal-operator-line",
            &[("operator", "Muster GmbH")],
        );
        assert!(out.contains("Muster GmbH"), "{out}");
        assert!(!out.contains('\u{2068}'), "no isolation marks");
        assert_eq!(translate(Locale::De, "no-such-key"), "no-such-key");
        // A message only German has is shown in German on an English page.
        assert_eq!(
            translate(Locale::En, "legal-stand"),
            translate(Locale::De, "legal-stand")
        );
    }
}
