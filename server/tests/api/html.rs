//! Pages and mails checked as parsed HTML: elements found by CSS selector, not by searching the
//! markup for `<tag` or `value="…"` (which breaks with attribute order, quoting or whitespace
//! and can match inside other elements).

use scraper::{ElementRef, Html, Selector};

/// A parsed HTML document (a page or an HTML mail body).
pub struct Page(Html);

/// Parses a selector written in a test; a typo is the test's bug, so it panics.
fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("CSS selector {css:?}: {e:?}"))
}

/// An element's text as a reader sees it: the text of all its descendants with whitespace
/// collapsed (words glued to a link, "dieNutzungsbedingungen", stay glued).
pub fn text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The whitespace-normalised text of each element matching `css` inside `element`.
pub fn text_in(element: ElementRef<'_>, css: &str) -> Vec<String> {
    element.select(&selector(css)).map(text).collect()
}

impl Page {
    pub fn parse(html: &str) -> Self {
        Self(Html::parse_document(html))
    }

    /// The elements matching `css`, in document order.
    pub fn select(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.0.select(&selector(css)).collect()
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> usize {
        self.0.select(&selector(css)).count()
    }

    /// The whitespace-normalised text of each element matching `css`.
    pub fn text_of(&self, css: &str) -> Vec<String> {
        self.0.select(&selector(css)).map(text).collect()
    }

    /// The value of attribute `name` of each element matching `css` that has it.
    pub fn attr(&self, css: &str, name: &str) -> Vec<String> {
        self.0
            .select(&selector(css))
            .filter_map(|e| e.attr(name).map(str::to_owned))
            .collect()
    }

    /// The one element matching `css`; panics (naming the selector) if there are none or more.
    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.select(css);
        assert_eq!(found.len(), 1, "exactly one {css:?} expected");
        found[0]
    }

    /// The whole document's text as a reader sees it (whitespace collapsed).
    pub fn text(&self) -> String {
        text(self.0.root_element())
    }

    /// The `value` of the form controls named `name` (inputs, and the selected option of a
    /// select, `textarea` content), in document order.
    pub fn field_values(&self, name: &str) -> Vec<String> {
        let css = format!(r#"[name="{name}"]"#);
        self.select(&css)
            .into_iter()
            .filter_map(|e| match e.value().name() {
                "input" => e.attr("value").map(str::to_owned),
                "textarea" => Some(e.text().collect()),
                "select" => e
                    .select(&selector("option[selected]"))
                    .next()
                    .and_then(|o| o.attr("value").map(str::to_owned)),
                _ => None,
            })
            .collect()
    }
}
