//! Translations. Texts live in Fluent files under `app/locales/<lang>/`; German is complete and
//! the default. English is offered on the pages translated throughout ([`ENGLISH_PAGES`]); every
//! other page is German for everyone, so no page mixes two languages under one `lang`.
//!
//! The server chooses the language from `Accept-Language` and writes it into `<html lang>`; the
//! browser reads it back from there when it hydrates, so both render the same text.

// The server formats with the Fluent runtime; the browser bundles with a formatter of the part
// of Fluent the islands' texts use (lite.rs), compared message by message in the unit tests.
#[cfg(feature = "ssr")]
mod bundles;
#[cfg(any(test, not(feature = "ssr")))]
mod lite;
mod locale;
pub mod numbers;
mod sources;

#[cfg(feature = "ssr")]
pub use bundles::{has_message, translate_with};
#[cfg(not(feature = "ssr"))]
pub use lite::{has_message, translate_with};
pub use locale::Locale;

use leptos::prelude::*;
use std::sync::Mutex;

/// The message `key` in `locale`; German if the locale lacks it; the key itself if both do.
pub fn translate(locale: Locale, key: &str) -> String {
    translate_with(locale, key, &[])
}

// A diagnostic record, not application state: the keys of messages formatted with errors (a
// variable not passed, so the user would read `{$when}`), each once. Tests fail when it fills.
static FORMATTING_ERRORS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The keys of the messages this process formatted with errors (missing variables) so far. The
/// integration tests check it is empty after every test, whatever page or e-mail it rendered.
pub fn formatting_errors() -> Vec<String> {
    FORMATTING_ERRORS
        .lock()
        .map(|keys| keys.clone())
        .unwrap_or_default()
}

// A diagnostic record like the one above: the keys of messages a page asked for in another
// language than German and got in German (no translation yet), each once.
#[cfg(feature = "ssr")]
static FALLBACKS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The keys of the messages shown in German on a page in another language since the last call,
/// and the record emptied: the integration tests check that a page shown in English has none.
#[cfg(feature = "ssr")]
pub fn take_fallbacks() -> Vec<String> {
    FALLBACKS
        .lock()
        .map(|mut keys| std::mem::take(&mut *keys))
        .unwrap_or_default()
}

/// Notes that `key` was asked for in a language that lacks it (see [`take_fallbacks`]).
#[cfg(feature = "ssr")]
fn record_fallback(key: &str) {
    note_once(&FALLBACKS, key);
}

/// Adds `key` to a diagnostic record unless it is there; at most 100 keys.
fn note_once(record: &Mutex<Vec<String>>, key: &str) {
    if let Ok(mut keys) = record.lock() {
        if !keys.iter().any(|k| k == key) && keys.len() < 100 {
            keys.push(key.to_owned());
        }
    }
}

/// Notes that `key` was formatted without all its variables (see [`formatting_errors`]).
fn record_formatting_error(key: &str) {
    note_once(&FORMATTING_ERRORS, key);
    #[cfg(feature = "ssr")]
    tracing::error!(key, "a text was formatted without all its variables");
}

/// The language of the current page, provided once by `App` and read by every component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct I18n {
    pub locale: Locale,
}

impl I18n {
    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        translate(self.locale, key)
    }

    /// The message `key` with Fluent variables, e.g. `[("operator", name)]`.
    pub fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        translate_with(self.locale, key, args)
    }

    /// `value` with `places` decimals as the page's language writes it ("0,5").
    pub fn decimal(&self, value: f64, places: usize) -> String {
        numbers::decimal(self.locale, value, places)
    }

    /// A bandwidth in kbit/s as a number of Mbit/s ("1,5").
    pub fn mbits(&self, kbits: f64) -> String {
        numbers::mbits(self.locale, kbits)
    }

    /// Whether the message exists (German or the page's language); used to enumerate sections.
    pub fn has(&self, key: &str) -> bool {
        has_message(self.locale, key)
    }
}

/// Provides the page language: from the request on the server, from `<html lang>` in the browser.
pub fn provide_i18n() -> I18n {
    let i18n = I18n {
        locale: request_locale(),
    };
    provide_context(i18n);
    i18n
}

/// The `I18n` provided by `App`. Islands hydrate without the server's context, so there (and
/// outside of any page, e.g. in a unit test) the language is read again like at the start: from
/// `<html lang>` in the browser, German otherwise.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        locale: request_locale(),
    })
}

/// The pages whose every text exists in English: only these are shown in English to a browser
/// that asks for it; every other page stays German. A page in English with German texts in it
/// (the fallback, message by message) is half written in a language its `<html lang>` denies,
/// and a screen reader reads those parts with English rules. `server/tests/api/pages.rs` renders
/// every page for an English browser and fails when a page shown in English falls back.
pub const ENGLISH_PAGES: &[&str] = &["/"];

#[cfg(feature = "ssr")]
fn request_locale() -> Locale {
    use_context::<http::request::Parts>()
        .filter(|parts| ENGLISH_PAGES.contains(&parts.uri.path()))
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Locale::negotiate)
        })
        .unwrap_or_default()
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn request_locale() -> Locale {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|tag| Locale::from_tag(&tag))
        .unwrap_or_default()
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn request_locale() -> Locale {
    Locale::default()
}

/// Every Rust file under `app/src` as (path, text), for the tests that read the code itself
/// (keys and their variables here, the spacing rule of views in `forms`).
#[cfg(test)]
pub(crate) fn rust_sources() -> Vec<(String, String)> {
    let mut files = vec![];
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).expect("read src dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                files.push((path.display().to_string(), text));
            }
        }
    }
    files
}
