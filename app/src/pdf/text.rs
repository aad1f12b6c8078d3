//! Line breaking with the font's real glyph widths: at spaces, after hyphens inside words, and
//! inside a word only when it is wider than a whole line.

use super::font::{normalize, Font};
use super::{Style, EPSILON, MIN_HYPHEN_PART};

/// Breaks `text` into normalised lines no wider than `max_width` points: at spaces, after
/// hyphens inside words, and inside a word only if it is wider than a whole line. Line breaks
/// in `text` are kept; no-break spaces never break.
pub(super) fn wrap(text: &str, font: Font, size: f32, max_width: f32) -> Vec<String> {
    let style = Style {
        font,
        size,
        leading: 0.0,
    };
    text.lines()
        .flat_map(|hard_line| {
            let words: Vec<String> = hard_line
                .split(is_breaking_space)
                .map(normalize)
                .filter(|word| !word.is_empty())
                .collect();
            wrap_words(&words, style, max_width)
        })
        .collect()
}

fn is_breaking_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// Greedy line filling of normalised words; an empty word list gives one empty line.
fn wrap_words(words: &[String], style: Style, max_width: f32) -> Vec<String> {
    let width = |text: &str| style.font.width(text, style.size);
    let space = width(" ");
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in words {
        let mut rest: &str = word;
        while !rest.is_empty() {
            let used = if line.is_empty() {
                0.0
            } else {
                width(&line) + space
            };
            let room = max_width - used;
            let take = if width(rest) <= room + EPSILON {
                rest.len()
            } else if let Some(head) = hyphen_break(rest, style, room) {
                head
            } else if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            } else {
                // A word wider than a whole line (a long address): break it anywhere, but
                // always take at least one character.
                let first = rest.chars().next().map_or(1, char::len_utf8);
                prefix_fitting(rest, style, max_width).max(first)
            };
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&rest[..take]);
            rest = &rest[take..];
            if !rest.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Byte length of the longest head of `word` that ends in a hyphen and fits into `room`; both
/// sides keep at least [`MIN_HYPHEN_PART`] characters, so "(BMV-Ä)" stays whole.
fn hyphen_break(word: &str, style: Style, room: f32) -> Option<usize> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    chars
        .iter()
        .enumerate()
        .rev()
        .filter(|&(n, &(_, c))| {
            c == '-' && n >= MIN_HYPHEN_PART && chars.len() - n > MIN_HYPHEN_PART
        })
        .map(|(_, &(i, _))| i + 1)
        .find(|&head| style.font.width(&word[..head], style.size) <= room + EPSILON)
}

/// Byte length of the longest head of `text` that fits into `room`.
fn prefix_fitting(text: &str, style: Style, room: f32) -> usize {
    let mut used = 0.0;
    text.chars()
        .take_while(|&c| {
            used += style.font.width(c.encode_utf8(&mut [0; 4]), style.size);
            used <= room + EPSILON
        })
        .map(char::len_utf8)
        .sum()
}

/// `text` normalised, shortened with "…" if it is wider than `room`.
pub(super) fn truncate_to_width(text: &str, style: Style, room: f32) -> String {
    let text = normalize(text);
    if style.font.width(&text, style.size) <= room + EPSILON {
        return text;
    }
    let ellipsis = "…";
    let keep = prefix_fitting(&text, style, room - style.font.width(ellipsis, style.size));
    format!("{}{ellipsis}", &text[..keep])
}
