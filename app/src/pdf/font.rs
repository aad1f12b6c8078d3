//! The two standard Type1 fonts the documents use, their WinAnsi (cp1252) encoding and the
//! Adobe AFM glyph widths that line breaking needs.

/// A standard font that every PDF reader has built in, so nothing is embedded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    /// The PostScript name of the standard font.
    pub(super) fn base_font(self) -> &'static [u8] {
        match self {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
        }
    }

    /// Width of WinAnsi-encoded text at `size` points, in points.
    pub(super) fn width(self, text: &[u8], size: f32) -> f32 {
        let table = match self {
            Font::Regular => &HELVETICA_WIDTHS,
            Font::Bold => &HELVETICA_BOLD_WIDTHS,
        };
        let units: u32 = text
            .iter()
            // Control codes never leave `encode_winansi`; counting them as zero keeps this total.
            .map(|&b| {
                b.checked_sub(32)
                    .map_or(0, |i| u32::from(table[usize::from(i)]))
            })
            .sum();
        units as f32 * size / 1000.0
    }
}

/// Encodes text as WinAnsiEncoding (Windows code page 1252), the encoding the fonts are
/// declared with. Characters cp1252 lacks become `?`; no-break spaces become plain spaces
/// (the layout has already kept their words together, and text extraction then yields an
/// ordinary space); soft hyphens and zero-width characters are dropped.
pub fn encode_winansi(text: &str) -> Vec<u8> {
    text.chars().filter_map(encode_char).collect()
}

fn encode_char(c: char) -> Option<u8> {
    let byte = match c {
        '\u{a0}' | '\u{202f}' | '\u{2007}' => b' ',
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => return None,
        // Printable ASCII and Latin-1 are identical in cp1252.
        ' '..='~' | '\u{a1}'..='\u{ff}' => c as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        // Hyphen look-alikes from word processors, so pasted text keeps its hyphens.
        '\u{2010}' | '\u{2011}' | '\u{2212}' => b'-',
        _ => b'?',
    };
    Some(byte)
}

// Advance widths in 1/1000 em for cp1252 codes 32..=255, from Adobe's Core 14 AFM files
// (Helvetica.afm and Helvetica-Bold.afm, version 002.000). The codes cp1252 leaves
// unassigned (127, 129, 141, 143, 144, 157) show a bullet in WinAnsiEncoding and carry its
// width.
const HELVETICA_WIDTHS: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 350, // 0x70
    556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, // 0x80
    350, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xa0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xb0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xc0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xd0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xe0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xf0
];

const HELVETICA_BOLD_WIDTHS: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 350, // 0x70
    556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, // 0x80
    350, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xa0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xb0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xc0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xd0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xe0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xf0
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_letters_and_typographic_marks_map_to_cp1252() {
        assert_eq!(
            encode_winansi("äöüÄÖÜß"),
            vec![0xe4, 0xf6, 0xfc, 0xc4, 0xd6, 0xdc, 0xdf]
        );
        assert_eq!(encode_winansi("„Zitat“ – 5 € § 2"), {
            let mut v = vec![0x84];
            v.extend_from_slice(b"Zitat");
            v.extend_from_slice(&[0x93, b' ', 0x96, b' ', b'5', b' ', 0x80, b' ', 0xa7]);
            v.extend_from_slice(b" 2");
            v
        });
    }

    #[test]
    fn characters_outside_cp1252_become_question_marks() {
        assert_eq!(encode_winansi("Łódź 😀"), b"?\xf3d? ?".to_vec());
        assert_eq!(encode_winansi("a\u{7}b"), b"a?b".to_vec());
    }

    #[test]
    fn invisible_and_no_break_characters_are_normalised() {
        assert_eq!(
            encode_winansi("Ab\u{ad}satz\u{a0}1\u{200b}"),
            b"Absatz 1".to_vec()
        );
    }

    #[test]
    fn widths_follow_the_afm_tables() {
        // In Helvetica H is 722 and ä 556 units wide.
        assert!((Font::Regular.width(&encode_winansi("Hä"), 10.0) - 12.78).abs() < 1e-3);
        assert!((Font::Bold.width(b"W", 1000.0) - 944.0).abs() < 1e-3);
        assert!((Font::Regular.width(&[0x80], 1000.0) - 556.0).abs() < 1e-3);
    }
}
