//! The browser bundles' texts: the islands' Fluent files (`sources::DE_SOURCES`, `EN_SOURCES`)
//! read by a formatter of the part of Fluent they use — one line per message, `{ $name }`
//! variables and `{"\u00AD"}` string literals — instead of the Fluent runtime with its parser,
//! plural rules and language tags, which the patient's phone would download for nothing.
//! `the_browser_formats_every_message_as_fluent_does` (below) formats every message of these
//! files with both and fails on the first difference (a select expression, a term, a message
//! over several lines: whatever this formatter does not know).

use super::sources::{DE_SOURCES, EN_SOURCES};
use super::{record_formatting_error, Locale};
use std::sync::LazyLock;

/// A language's messages: (id, pattern as written after `=`), sorted by id; the first of two
/// definitions wins, as in the server's Fluent bundle.
struct Messages(Vec<(&'static str, &'static str)>);

impl Messages {
    fn parse(sources: &[&'static str]) -> Self {
        let mut messages = vec![];
        for source in sources {
            for line in source.lines() {
                // Comments start with `#`; attributes, continuations and blank lines with white
                // space or nothing (the unit tests keep the first two out of these files).
                if line.starts_with(['#', ' ', '\t']) {
                    continue;
                }
                if let Some((id, pattern)) = line.split_once('=') {
                    messages.push((id.trim_end(), pattern.trim()));
                }
            }
        }
        // A stable sort keeps the definitions of one id in file order: the first stays.
        messages.sort_by_key(|(id, _)| *id);
        messages.dedup_by_key(|(id, _)| *id);
        Self(messages)
    }

    fn get(&self, id: &str) -> Option<&'static str> {
        self.0
            .binary_search_by_key(&id, |(id, _)| id)
            .ok()
            .map(|i| self.0[i].1)
    }
}

// Immutable lookup tables, built on first use; not mutable global state.
static DE: LazyLock<Messages> = LazyLock::new(|| Messages::parse(DE_SOURCES));
static EN: LazyLock<Messages> = LazyLock::new(|| Messages::parse(EN_SOURCES));

fn messages(locale: Locale) -> &'static Messages {
    match locale {
        Locale::De => &DE,
        Locale::En => &EN,
    }
}

/// Whether `key` can be shown in `locale` (directly or through the German fallback).
pub fn has_message(locale: Locale, key: &str) -> bool {
    messages(locale).get(key).is_some() || DE.get(key).is_some()
}

/// Like [`translate`](super::translate), with Fluent variables.
pub fn translate_with(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let Some(pattern) = messages(locale).get(key).or_else(|| DE.get(key)) else {
        return key.to_owned();
    };
    let mut complete = true;
    let text = format(pattern, args, &mut complete);
    if !complete {
        record_formatting_error(key);
    }
    text
}

/// `pattern` with its placeables resolved; a variable not in `args` is written as Fluent writes
/// it (`{$name}`) and clears `complete`.
fn format(pattern: &str, args: &[(&str, &str)], complete: &mut bool) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let inside = &rest[open + 1..];
        let Some(close) = inside.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let expression = inside[..close].trim();
        if let Some(name) = expression.strip_prefix('$') {
            match args.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    *complete = false;
                    out.push_str("{$");
                    out.push_str(name);
                    out.push('}');
                }
            }
        } else if let Some(literal) = expression
            .strip_prefix('"')
            .and_then(|e| e.strip_suffix('"'))
        {
            unescape_into(literal, &mut out);
        }
        rest = &inside[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A Fluent string literal's text: `\"`, `\\`, `\uXXXX` and `\UXXXXXX`.
fn unescape_into(literal: &str, out: &mut String) {
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let digits = match chars.next() {
            Some('u') => 4,
            Some('U') => 6,
            Some(other) => {
                out.push(other);
                continue;
            }
            None => break,
        };
        let hex: String = chars.by_ref().take(digits).collect();
        out.push(
            u32::from_str_radix(&hex, 16)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or(char::REPLACEMENT_CHARACTER),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
    use fluent_syntax::ast;

    /// Every message of `sources` with the variables it uses, read by the Fluent parser.
    fn fluent_messages(sources: &[&str]) -> Vec<(String, Vec<String>)> {
        let mut out = vec![];
        for source in sources {
            let resource = fluent_syntax::parser::parse(*source).expect("valid Fluent");
            for entry in resource.body {
                if let ast::Entry::Message(m) = entry {
                    let mut vars = vec![];
                    for element in m.value.iter().flat_map(|v| &v.elements) {
                        use ast::{Expression::Inline, InlineExpression::VariableReference};
                        if let ast::PatternElement::Placeable {
                            expression: Inline(VariableReference { id }),
                        } = element
                        {
                            vars.push(id.name.to_owned());
                        }
                    }
                    out.push((m.id.name.to_owned(), vars));
                }
            }
        }
        out
    }

    fn fluent_bundle(sources: &[&str]) -> FluentBundle<FluentResource> {
        let mut bundle = FluentBundle::new(vec![unic_langid::langid!("de")]);
        bundle.set_use_isolating(false);
        for source in sources {
            bundle
                .add_resource(FluentResource::try_new((*source).to_owned()).expect("valid"))
                .expect("no duplicate ids");
        }
        bundle
    }

    #[test]
    fn the_browser_formats_every_message_as_fluent_does() {
        for (locale, sources) in [(Locale::De, DE_SOURCES), (Locale::En, EN_SOURCES)] {
            let fluent = fluent_bundle(sources);
            let lite = messages(locale);
            let all = fluent_messages(sources);
            // German has all the islands' texts; English those of the start page's island.
            let least = match locale {
                Locale::De => 60,
                Locale::En => 3,
            };
            assert!(all.len() > least, "{locale:?}: only {} messages", all.len());
            assert_eq!(lite.0.len(), all.len(), "{locale:?}: messages read");
            for (id, vars) in all {
                let values: Vec<String> = (0..vars.len()).map(|i| format!("<Wert {i}>")).collect();
                let args: Vec<(&str, &str)> = vars
                    .iter()
                    .map(String::as_str)
                    .zip(values.iter().map(String::as_str))
                    .collect();
                let mut fluent_args = FluentArgs::new();
                for (name, value) in &args {
                    fluent_args.set(*name, *value);
                }
                let mut errors = vec![];
                let expected = fluent.format_pattern(
                    pattern_of(&fluent, &id),
                    Some(&fluent_args),
                    &mut errors,
                );
                assert!(errors.is_empty(), "{id}: {errors:?}");
                let mut complete = true;
                let pattern = lite.get(&id).expect("the browser knows every message");
                assert_eq!(format(pattern, &args, &mut complete), expected, "{id}");
                assert!(complete, "{id}");
                // Without its variables, both write them as `{$name}`.
                if !vars.is_empty() {
                    let expected =
                        fluent.format_pattern(pattern_of(&fluent, &id), None, &mut vec![]);
                    let mut complete = true;
                    assert_eq!(format(pattern, &[], &mut complete), expected, "{id}");
                    assert!(!complete, "{id}");
                }
            }
        }
    }

    fn pattern_of<'a>(
        bundle: &'a FluentBundle<FluentResource>,
        id: &str,
    ) -> &'a ast::Pattern<&'a str> {
        bundle
            .get_message(id)
            .and_then(|m| m.value())
            .expect("value")
    }

    #[test]
    fn a_language_without_the_message_falls_back_to_german_and_an_unknown_key_is_shown() {
        let german_only =
            DE.0.iter()
                .map(|(id, _)| *id)
                .find(|id| EN.get(id).is_none())
                .expect("English lags");
        assert_eq!(
            translate(Locale::En, german_only),
            translate(Locale::De, german_only)
        );
        assert!(has_message(Locale::En, german_only));
        assert!(!has_message(Locale::De, "no-such-key"));
        assert_eq!(translate(Locale::De, "no-such-key"), "no-such-key");
    }

    #[test]
    fn string_literals_and_their_escapes() {
        let mut complete = true;
        assert_eq!(
            format(r#"Einverständnis{"\u00AD"}erklärung"#, &[], &mut complete),
            "Einverständnis\u{AD}erklärung"
        );
        assert_eq!(
            format(
                r#"a{ "\"\\\U01F600" }b{ $x }"#,
                &[("x", "{$y}")],
                &mut complete
            ),
            "a\"\\\u{1F600}b{$y}"
        );
        assert!(complete);
        assert_eq!(format("offen { $x", &[], &mut complete), "offen { $x");
    }

    fn translate(locale: Locale, key: &str) -> String {
        translate_with(locale, key, &[])
    }
}
