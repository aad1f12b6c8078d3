//! The server's texts: the Fluent runtime (`fluent-bundle`) over every Fluent file.

use super::sources::{DE_SERVER_SOURCES, DE_SOURCES, EN_SERVER_SOURCES, EN_SOURCES};
use super::{record_fallback, record_formatting_error, Locale};
use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource};
use std::sync::LazyLock;

// Immutable lookup tables, built on first use; not mutable global state.
static DE: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| build(Locale::De, &[DE_SOURCES, DE_SERVER_SOURCES].concat()));
static EN: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| build(Locale::En, &[EN_SOURCES, EN_SERVER_SOURCES].concat()));

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

/// Like [`translate`](super::translate), with Fluent variables.
pub fn translate_with(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let fluent_args = (!args.is_empty()).then(|| {
        let mut a = FluentArgs::new();
        for (name, value) in args {
            a.set(*name, *value);
        }
        a
    });
    let own = bundle(locale);
    if locale != Locale::De && !own.has_message(key) && DE.has_message(key) {
        record_fallback(key);
    }
    [own, &*DE]
        .into_iter()
        .find_map(|b| {
            let pattern = b.get_message(key)?.value()?;
            let mut errors = vec![];
            let text = b
                .format_pattern(pattern, fluent_args.as_ref(), &mut errors)
                .into_owned();
            if !errors.is_empty() {
                record_formatting_error(key);
            }
            Some(text)
        })
        .unwrap_or_else(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{formatting_errors, translate};
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
        for id in message_ids(&[EN_SOURCES, EN_SERVER_SOURCES].concat()) {
            assert!(de.contains(&id), "en has {id}, which de lacks");
        }
    }

    /// After an ordinary space an ellipsis can begin a line of its own (Firefox at 360 px
    /// broke "Ihre Praxis wird benachrichtigt" / "… Bitte lassen Sie …"): every one is bound
    /// to the word before it by a no-break space.
    #[test]
    fn no_ellipsis_can_begin_a_line() {
        let all = [DE_SOURCES, DE_SERVER_SOURCES, EN_SOURCES, EN_SERVER_SOURCES].concat();
        let loose: Vec<_> = all
            .iter()
            .flat_map(|source| source.lines())
            .filter(|line| line.contains(" …") || line.contains(" ..."))
            .collect();
        assert!(
            loose.is_empty(),
            "an ellipsis after a breaking space: {loose:#?}"
        );
        assert!(
            all.iter().any(|source| source.contains("\u{a0}…")),
            "no bound ellipsis found: sources missing?"
        );
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
        calls_in_sources()
            .into_iter()
            .map(|(_, key, _)| key)
            .collect()
    }

    /// The variables (`{ $name }`) each German message uses, by message id.
    fn message_variables() -> std::collections::HashMap<String, HashSet<String>> {
        use fluent_syntax::ast::{Expression, InlineExpression, Pattern, PatternElement};
        fn walk_pattern(p: &Pattern<&str>, out: &mut HashSet<String>) {
            for element in &p.elements {
                if let PatternElement::Placeable { expression } = element {
                    walk_expression(expression, out);
                }
            }
        }
        fn walk_expression(e: &Expression<&str>, out: &mut HashSet<String>) {
            match e {
                Expression::Inline(inline) => walk_inline(inline, out),
                Expression::Select { selector, variants } => {
                    walk_inline(selector, out);
                    for v in variants {
                        walk_pattern(&v.value, out);
                    }
                }
            }
        }
        fn walk_inline(e: &InlineExpression<&str>, out: &mut HashSet<String>) {
            match e {
                InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_owned());
                }
                InlineExpression::Placeable { expression } => walk_expression(expression, out),
                _ => {}
            }
        }
        let mut vars = std::collections::HashMap::new();
        for source in [DE_SOURCES, DE_SERVER_SOURCES].concat() {
            let resource = parse(source).expect("valid Fluent");
            for entry in resource.body {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    let mut used = HashSet::new();
                    if let Some(value) = &m.value {
                        walk_pattern(value, &mut used);
                    }
                    vars.insert(m.id.name.to_owned(), used);
                }
            }
        }
        vars
    }

    /// Every call with a literal key in `app/src`: the key and the variable names it passes
    /// (none for the plain `t` method).
    fn calls_in_sources() -> Vec<(String, String, Vec<String>)> {
        let mut calls = vec![];
        for (file, text) in crate::i18n::rust_sources() {
            for (marker, with_args) in [(".t(\"", false), (".t_with(\"", true)] {
                for (pos, _) in text.match_indices(marker) {
                    let rest = &text[pos + marker.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = rest[..end].to_owned();
                    let mut names = vec![];
                    if with_args {
                        // The argument list runs to the first `]`: `&[("when", …), …]`.
                        let list = &rest[end..rest.find(']').unwrap_or(rest.len())];
                        for (p, _) in list.match_indices("(\"") {
                            let name = &list[p + 2..];
                            if let Some(q) = name.find('"') {
                                names.push(name[..q].to_owned());
                            }
                        }
                    }
                    calls.push((file.clone(), key, names));
                }
            }
        }
        calls
    }

    #[test]
    fn every_literal_call_passes_the_variables_its_message_uses() {
        let vars = message_variables();
        let calls = calls_in_sources();
        assert!(
            calls.len() > 200,
            "found only {} calls: scanner broken?",
            calls.len()
        );
        let mut wrong = vec![];
        for (file, key, passed) in calls {
            let Some(needed) = vars.get(&key) else {
                continue; // unknown keys are the other test's business
            };
            let missing: Vec<_> = needed.iter().filter(|v| !passed.contains(v)).collect();
            if !missing.is_empty() {
                wrong.push(format!("{file}: {key} lacks {missing:?}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "messages rendered without their variables (users would read {{$…}}):\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn a_message_formatted_without_its_variables_is_recorded() {
        let out = translate_with(
            Locale::De,
            "entry-cancelled",
            &[("when", "Montag, 9:30 Uhr")],
        );
        assert!(!out.contains('{'), "{out}");
        assert!(!formatting_errors().contains(&"entry-cancelled".to_owned()));
        let out = translate(Locale::De, "entry-cancelled");
        assert!(out.contains("{$when}"), "{out}");
        assert!(formatting_errors().contains(&"entry-cancelled".to_owned()));
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
