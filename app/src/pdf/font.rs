//! The embedded open font: Liberation Sans (SIL Open Font License 1.1, `app/fonts/OFL.txt`),
//! regular and bold, metric-compatible with Helvetica. Each PDF embeds a subset with exactly
//! the glyphs it uses, so every reader shows the same letters, umlauts and ß included, and text
//! extraction yields Unicode through a ToUnicode map.

use std::sync::LazyLock;
use ttf_parser::{Face, GlyphId};

static REGULAR_DATA: &[u8] = include_bytes!("../../fonts/LiberationSans-Regular.ttf");
static BOLD_DATA: &[u8] = include_bytes!("../../fonts/LiberationSans-Bold.ttf");

static REGULAR: LazyLock<Face<'static>> = LazyLock::new(|| parse(REGULAR_DATA));
static BOLD: LazyLock<Face<'static>> = LazyLock::new(|| parse(BOLD_DATA));

fn parse(data: &'static [u8]) -> Face<'static> {
    // The files are part of the binary; a test parses both.
    Face::parse(data, 0).expect("the bundled font parses")
}

/// One of the two embedded faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Font {
    Regular,
    Bold,
}

impl Font {
    /// Both fonts, in the order their resources are written.
    pub(super) const ALL: [Font; 2] = [Font::Regular, Font::Bold];

    /// The name under which a page's resources refer to the font.
    pub(super) fn resource_name(self) -> &'static [u8] {
        match self {
            Font::Regular => b"F1",
            Font::Bold => b"F2",
        }
    }

    /// The font's PostScript name (the subset's name adds a tag in front).
    pub(super) fn postscript_name(self) -> &'static str {
        match self {
            Font::Regular => "LiberationSans",
            Font::Bold => "LiberationSans-Bold",
        }
    }

    /// The whole font file.
    pub(super) fn data(self) -> &'static [u8] {
        match self {
            Font::Regular => REGULAR_DATA,
            Font::Bold => BOLD_DATA,
        }
    }

    pub(super) fn face(self) -> &'static Face<'static> {
        match self {
            Font::Regular => &REGULAR,
            Font::Bold => &BOLD,
        }
    }

    /// The glyph for `c`; characters the font lacks never get here (see [`normalize`]), and
    /// would show the empty box of glyph 0.
    pub(super) fn glyph(self, c: char) -> u16 {
        self.face().glyph_index(c).map_or(0, |GlyphId(id)| id)
    }

    /// Advance width of `glyph` in 1/1000 em, the unit of PDF font widths.
    pub(super) fn advance(self, glyph: u16) -> f32 {
        let face = self.face();
        let units = face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0);
        f32::from(units) * 1000.0 / f32::from(face.units_per_em())
    }

    /// Width of already normalised `text` at `size` points, in points.
    pub(super) fn width(self, text: &str, size: f32) -> f32 {
        let units: f32 = text.chars().map(|c| self.advance(self.glyph(c))).sum();
        units * size / 1000.0
    }
}

/// Prepares text for setting: no-break spaces become plain spaces (the layout has already kept
/// their words together, and text extraction then yields an ordinary space), soft hyphens and
/// zero-width characters are dropped, hyphen look-alikes become hyphens (so that compounds
/// still break after them), and characters that either face lacks or that are control codes
/// become `?`.
pub fn normalize(text: &str) -> String {
    text.chars().filter_map(normalize_char).collect()
}

fn normalize_char(c: char) -> Option<char> {
    let c = match c {
        '\u{a0}' | '\u{202f}' | '\u{2007}' => ' ',
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => return None,
        '\u{2010}' | '\u{2011}' | '\u{2212}' => '-',
        c if c.is_control() => '?',
        c => c,
    };
    let covered = Font::ALL
        .iter()
        .all(|font| font.face().glyph_index(c).is_some());
    Some(if covered { c } else { '?' })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_faces_parse_and_cover_german() {
        for font in Font::ALL {
            for c in "äöüÄÖÜßẞ„“–€§".chars() {
                assert_ne!(font.glyph(c), 0, "{font:?} lacks {c}");
            }
        }
    }

    #[test]
    fn german_letters_and_typographic_marks_are_kept() {
        assert_eq!(
            normalize("äöüÄÖÜß „Zitat“ – 5 € § 2"),
            "äöüÄÖÜß „Zitat“ – 5 € § 2"
        );
        // Liberation Sans also has Polish and Turkish letters, which the old WinAnsi fonts lost.
        assert_eq!(normalize("Łódź Öztürk Şahin"), "Łódź Öztürk Şahin");
    }

    #[test]
    fn characters_without_a_glyph_and_control_codes_become_question_marks() {
        assert_eq!(normalize("Hallo 😀"), "Hallo ?");
        assert_eq!(normalize("a\u{7}b"), "a?b");
    }

    #[test]
    fn invisible_and_no_break_characters_are_normalised() {
        assert_eq!(normalize("Ab\u{ad}satz\u{a0}1\u{200b}"), "Absatz 1");
        assert_eq!(
            normalize("Müller\u{2011}Lüdenscheidt"),
            "Müller-Lüdenscheidt"
        );
    }

    #[test]
    fn widths_match_helvetica_metrics() {
        // Liberation Sans is metric-compatible with Helvetica: H 722, ä 556, bold W 944 units.
        assert!((Font::Regular.width("Hä", 10.0) - 12.78).abs() < 0.01);
        assert!((Font::Bold.width("W", 1000.0) - 944.0).abs() < 1.0);
        assert!((Font::Regular.width("€", 1000.0) - 556.0).abs() < 1.0);
    }
}
