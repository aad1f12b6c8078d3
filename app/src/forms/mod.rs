//! HTML forms that work without JavaScript: they post to their own page; on an error the server
//! renders the page again with [`FormFeedback`] (what was typed, what is wrong), on success it
//! redirects (303). Leptos' own no-JS fallback redirects to the Referer, which our
//! `Referrer-Policy: no-referrer` suppresses, and drops the error (see ARCHITECTURE.md).

#[cfg(feature = "ssr")]
mod check;
#[cfg(feature = "ssr")]
mod password;
#[cfg(feature = "ssr")]
pub use check::{echo_pairs, Checker, FormError};
#[cfg(feature = "ssr")]
pub use password::Password;

use crate::i18n::use_i18n;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The feedback for one submitted form, rendered back into the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Which form on the page was sent (a page may hold several).
    pub form: String,
    /// What the user typed, by field name; passwords and codes are never echoed.
    pub values: BTreeMap<String, String>,
    /// Problems by field, in the order of the form.
    pub errors: Vec<FieldIssue>,
    /// A message for the whole form (e.g. the generic login failure), as a Fluent key.
    pub notice: Option<String>,
    /// The Fluent variables of `notice` (e.g. the appointment's time on the entry page).
    #[serde(default)]
    pub notice_args: Vec<(String, String)>,
}

/// One field's problem as a Fluent key with its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldIssue {
    pub field: String,
    pub key: String,
    pub args: Vec<(String, String)>,
}

impl FormFeedback {
    /// Empty feedback for the form called `form`.
    pub fn for_form(form: &str) -> Self {
        Self {
            form: form.to_owned(),
            ..Self::default()
        }
    }

    /// Feedback for `form` that keeps the typed `values` and only shows the message `key`
    /// for the whole form.
    pub fn with_notice(form: &str, values: BTreeMap<String, String>, key: &str) -> Self {
        let mut feedback = Self::for_form(form);
        feedback.values = values;
        feedback.notice = Some(key.to_owned());
        feedback
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: &str, key: &str, args: Vec<(String, String)>) {
        self.errors.push(FieldIssue {
            field: field.to_owned(),
            key: key.to_owned(),
            args,
        });
    }

    /// Sets the message for the whole form with its Fluent variables.
    pub fn set_notice(&mut self, key: &str, args: Vec<(String, String)>) {
        self.notice = Some(key.to_owned());
        self.notice_args = args;
    }

    /// The notice in the user's language, with its variables.
    pub fn notice_text(&self) -> Option<String> {
        let key = self.notice.as_deref()?;
        Some(use_i18n().t_with(key, &arg_refs(&self.notice_args)))
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.notice.is_some()
    }

    /// The first problem recorded for `field` of `form`.
    pub fn issue(&self, form: &str, field: &str) -> Option<&FieldIssue> {
        (self.form == form)
            .then(|| self.errors.iter().find(|i| i.field == field))
            .flatten()
    }

    /// What the user typed into `field` of `form`, if this feedback belongs to it.
    pub fn value(&self, form: &str, field: &str) -> Option<&str> {
        (self.form == form)
            .then(|| self.values.get(field).map(String::as_str))
            .flatten()
    }
}

/// The feedback of the request that rendered this page; identical on server and browser, so
/// hydration sees the same error messages the server rendered.
pub fn use_form_feedback() -> FormFeedback {
    SharedValue::new(|| use_context::<FormFeedback>().unwrap_or_default()).into_inner()
}

/// Renders a field issue in the user's language.
pub fn issue_text(issue: &FieldIssue) -> String {
    use_i18n().t_with(&issue.key, &arg_refs(&issue.args))
}

fn arg_refs(args: &[(String, String)]) -> Vec<(&str, &str)> {
    args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The list of problems above a form, each linking to its field (WCAG 3.3.1).
#[component]
pub fn ErrorSummary(form: &'static str, feedback: FormFeedback) -> impl IntoView {
    let t = use_i18n();
    if feedback.form != form || !feedback.has_errors() {
        return None;
    }
    let notice = feedback.notice_text().map(|text| view! { <p>{text}</p> });
    let items = feedback
        .errors
        .iter()
        .map(|issue| {
            let href = format!("#{form}-{}", issue.field);
            view! { <li><a href=href>{issue_text(issue)}</a></li> }
        })
        .collect_view();
    let heading = if feedback.errors.is_empty() {
        None
    } else {
        Some(view! { <h2 class="error-summary-title">{t.t("form-error-summary")}</h2> })
    };
    Some(view! {
        <div class="error-summary" role="alert" tabindex="-1" id=format!("{form}-errors")>
            {notice}
            {heading}
            <ul>{items}</ul>
        </div>
    })
}

/// A labelled input with hint and error message wired up for screen readers.
#[component]
pub fn Field(
    /// The form's name, prefixing the element id.
    form: &'static str,
    /// The field's `name`.
    name: &'static str,
    /// Visible label.
    label: String,
    /// Value shown when the form has not been sent yet.
    #[prop(optional, into)]
    value: String,
    feedback: FormFeedback,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    /// `datalist` id offering suggestions.
    #[prop(optional)]
    list: Option<&'static str>,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let issue = feedback.issue(form, name).map(issue_text);
    let secret = kind == "password";
    let shown = if secret {
        String::new()
    } else {
        feedback
            .value(form, name)
            .map(str::to_owned)
            .unwrap_or(value)
    };
    let hint_id = hint.as_ref().map(|_| format!("{id}-hint"));
    let error_id = issue.as_ref().map(|_| format!("{id}-error"));
    let described = [hint_id.clone(), error_id.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let invalid = issue.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id.clone()>
                {label}
                {(!required).then(|| view! { " " <span class="optional">{use_i18n().t("form-optional")}</span> })}
            </label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {issue.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=shown
                autocomplete=autocomplete
                required=required
                inputmode=inputmode
                maxlength=maxlength
                list=list
                aria-invalid=invalid.then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
            />
        </div>
    }
}

/// A required checkbox (e.g. accepting the terms) with its error message.
#[component]
pub fn CheckboxField(
    form: &'static str,
    name: &'static str,
    feedback: FormFeedback,
    children: Children,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let issue = feedback.issue(form, name).map(issue_text);
    let checked = feedback.value(form, name).is_some_and(|v| v == "on");
    let invalid = issue.is_some();
    let error_id = issue.as_ref().map(|_| format!("{id}-error"));
    view! {
        <div class="field field-checkbox" class:field-invalid=invalid>
            {issue.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <input
                type="checkbox"
                id=id.clone()
                name=name
                checked=checked
                required=true
                aria-invalid=error_id.is_some().then_some("true")
                aria-describedby=error_id.clone()
            />
            <label for=id>{children()}</label>
        </div>
    }
}

/// A status line after a successful redirect (`?gespeichert`, …), announced politely.
#[component]
pub fn SuccessNotice(message: Option<String>) -> impl IntoView {
    message.map(|m| view! { <p class="notice success" role="status">{m}</p> })
}

/// Text for the children of a `<textarea>`, escaped by hand: Leptos 0.8 (tachys 0.2) treats
/// `textarea` like `script` and writes its children unescaped, so a typed `</textarea>` would
/// end the element and the rest would be read as markup. Browsers decode the entities inside a
/// textarea, so the field shows exactly what was typed. Only for server-rendered pages (not
/// inside an island, where the browser would show the entities).
pub fn textarea_text(text: &str) -> String {
    escape_raw_text(text)
}

/// `&`, `<` and `>` as entities, for the places Leptos writes text unescaped: the children
/// of `<textarea>` and leptos_meta's `<title>`.
pub fn escape_raw_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod textarea_tests {
    use super::textarea_text;

    #[test]
    fn textarea_text_cannot_end_the_element() {
        assert_eq!(
            textarea_text("a < b & </textarea><b>x</b>"),
            "a &lt; b &amp; &lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;"
        );
    }
}

/// Leptos' `view!` drops the whitespace between a `{block}` and an inline element, so
/// `{label} <span>(freiwillig)</span>` renders "Titel(freiwillig)" and `<a>…</a> {rest}` glues
/// the link to the next word. A space is written as a literal `" "`; this finds the other way.
#[cfg(test)]
mod view_spacing_tests {
    const INLINE: [&str; 11] = [
        "a", "span", "strong", "em", "b", "i", "code", "abbr", "time", "output", "kbd",
    ];

    fn glued_in(text: &str) -> Vec<String> {
        let mut found = vec![];
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            // Comments, and this test's own examples.
            if code.starts_with("//") || code.contains("glued_in(") {
                continue;
            }
            for tag in INLINE {
                for opening in [format!("<{tag} "), format!("<{tag}>")] {
                    for (pos, _) in line.match_indices(&opening) {
                        let before = line[..pos].trim_end_matches(' ');
                        if before.len() < pos && before.ends_with('}') {
                            found.push(format!("{}: {}", number + 1, line.trim()));
                        }
                    }
                }
                let closing = format!("</{tag}>");
                for (pos, _) in line.match_indices(&closing) {
                    let after = &line[pos + closing.len()..];
                    let rest = after.trim_start_matches(' ');
                    if rest.len() < after.len() && rest.starts_with('{') {
                        found.push(format!("{}: {}", number + 1, line.trim()));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn the_scanner_finds_glued_words() {
        assert_eq!(
            glued_in(r#"{label} <span class="optional">x</span>"#).len(),
            1
        );
        assert_eq!(glued_in(r#"<a href="/x">{link}</a> {after}"#).len(), 1);
        assert!(glued_in(r#"{label} " " <span>x</span> <a href="/">y</a> " " {z}"#).is_empty());
    }

    #[test]
    fn no_view_relies_on_dropped_whitespace() {
        let mut glued = vec![];
        for (file, text) in crate::i18n::rust_sources() {
            for hit in glued_in(&text) {
                glued.push(format!("{file}:{hit}"));
            }
        }
        assert!(
            glued.is_empty(),
            "words glued to an inline element (write \" \" for a space):\n{}",
            glued.join("\n")
        );
    }
}
