//! HTML written by hand where a list is long and rendering it element by element costs: text
//! and attribute values are escaped here, always, so a patient's name can never become markup.

/// Appends `text` to `out`, escaped for element content and for a quoted attribute value.
pub fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// `text` escaped for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_that_could_open_markup_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'O'Brien'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;O&#39;Brien&#39;"
        );
    }

    #[test]
    fn other_text_is_kept_as_it_is() {
        for text in [
            "",
            "Erika Mustermann",
            "Zoë Ünal-Öztürk",
            "10:00–10:50",
            "\u{a0}· ",
            "日本",
        ] {
            assert_eq!(escape(text), text);
        }
    }

    #[test]
    fn escaped_text_is_appended() {
        let mut out = String::from("<b>");
        escape_into(&mut out, "a<b");
        out.push_str("</b>");
        assert_eq!(out, "<b>a&lt;b</b>");
    }
}
