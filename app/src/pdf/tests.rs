use super::*;

const LOREM: &str = "Die Videosprechstunde ersetzt nicht jeden Besuch in der Praxis, aber sie \
    erspart Ihnen bei vielen Anliegen den Weg. Ihre Ärztin oder Ihr Arzt entscheidet, ob ein \
    Gespräch per Video genügt oder ob eine Untersuchung vor Ort nötig ist. Über Änderungen \
    informieren wir Sie rechtzeitig, und Rückfragen beantworten wir gern.";

fn texts(page: &[Mark]) -> Vec<&[u8]> {
    page.iter()
        .filter_map(|mark| match mark {
            Mark::Text { text, .. } => Some(text.as_slice()),
            Mark::Rule { .. } => None,
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn long_paragraph_wraps_into_lines_no_wider_than_the_text() {
    let lines = wrap(LOREM, BODY.font, BODY.size, TEXT_WIDTH);
    assert!(lines.len() >= 3, "{} lines", lines.len());
    for line in &lines {
        let width = BODY.font.width(line, BODY.size);
        assert!(width <= TEXT_WIDTH + EPSILON, "line {width} pt wide");
        assert!(!line.starts_with(b" ") && !line.ends_with(b" "));
    }
    // Greedy filling: the next line's first word would not have fitted on the line before.
    for pair in lines.windows(2) {
        let next_word = pair[1].split(|&b| b == b' ').next().unwrap_or_default();
        let joined = [pair[0].as_slice(), b" ", next_word].concat();
        assert!(BODY.font.width(&joined, BODY.size) > TEXT_WIDTH);
    }
    let words: Vec<Vec<u8>> = LOREM.split_whitespace().map(encode_winansi).collect();
    assert_eq!(lines.join(&b' '), words.join(&b' '));
}

#[test]
fn a_word_wider_than_a_line_is_broken_inside() {
    let word = "x".repeat(200);
    let lines = wrap(&word, Font::Regular, 10.0, 100.0);
    assert!(lines.len() > 1);
    assert!(lines
        .iter()
        .all(|line| Font::Regular.width(line, 10.0) <= 100.0 + EPSILON));
    assert_eq!(lines.concat(), word.into_bytes());
}

#[test]
fn compounds_break_after_their_hyphen() {
    let text = "bei der Datenschutz-Aufsichtsbehörde";
    let room = Font::Regular.width(&encode_winansi("bei der Datenschutz-Auf"), 10.0);
    let lines = wrap(text, Font::Regular, 10.0, room);
    assert_eq!(
        lines,
        vec![
            encode_winansi("bei der Datenschutz-"),
            encode_winansi("Aufsichtsbehörde")
        ]
    );
}

#[test]
fn no_break_spaces_keep_words_together_and_line_breaks_are_kept() {
    let room = Font::Regular.width(b"Art. 9 Abs.", 10.0);
    let lines = wrap("Art. 9 Abs. 2", Font::Regular, 10.0, room);
    assert_eq!(lines, vec![b"Art. 9 Abs.".to_vec(), b"2".to_vec()]);
    let lines = wrap("Art. 9 Abs.\u{a0}2", Font::Regular, 10.0, room);
    assert_eq!(lines, vec![b"Art. 9".to_vec(), b"Abs. 2".to_vec()]);
    let lines = wrap(
        "erste Zeile\r\nzweite Zeile",
        Font::Regular,
        10.0,
        TEXT_WIDTH,
    );
    assert_eq!(
        lines,
        vec![b"erste Zeile".to_vec(), b"zweite Zeile".to_vec()]
    );
}

#[test]
fn long_content_breaks_pages_and_numbers_them() {
    let mut doc = Document::new("Probe");
    doc.heading("Probe");
    for _ in 0..30 {
        doc.paragraph(LOREM);
    }
    let pages = doc.page_count();
    assert!(pages >= 2, "{pages} pages");
    for page in &doc.pages {
        for mark in page {
            let y = match mark {
                Mark::Text { y, .. } | Mark::Rule { y, .. } => *y,
            };
            assert!((BOTTOM..=TOP).contains(&y), "mark at y = {y}");
        }
    }
    let pdf = doc.finish();
    assert!(contains(&pdf, format!("(Seite 1 von {pages})").as_bytes()));
    assert!(contains(
        &pdf,
        format!("(Seite {pages} von {pages})").as_bytes()
    ));
    assert!(contains(&pdf, format!("/Count {pages}").as_bytes()));
}

#[test]
fn a_heading_near_the_page_bottom_moves_to_the_next_page() {
    let mut doc = Document::new("Probe");
    while doc.page_count() == 1 && doc.cursor > BOTTOM + 2.5 * BODY.leading {
        doc.paragraph("Eine Zeile.");
    }
    assert_eq!(doc.page_count(), 1);
    doc.subheading("Neuer Abschnitt");
    assert_eq!(doc.page_count(), 2);
    assert_eq!(texts(&doc.pages[1]), vec![b"Neuer Abschnitt".as_slice()]);
}

#[test]
fn field_lines_print_the_value_or_stay_blank() {
    let mut filled = Document::new("Probe");
    filled.field_line("Name", Some("Jürgen Müßig-Öztürk"));
    assert_eq!(
        texts(&filled.pages[0]),
        vec![b"Name:".as_slice(), &encode_winansi("Jürgen Müßig-Öztürk")]
    );
    let mut blank = Document::new("Probe");
    blank.field_line("Name", None);
    assert_eq!(texts(&blank.pages[0]), vec![b"Name:".as_slice()]);
    assert!(blank.pages[0]
        .iter()
        .any(|mark| matches!(mark, Mark::Rule { x2, .. } if *x2 == RIGHT)));
}

#[test]
fn signature_lines_stand_side_by_side_within_the_margins() {
    let mut doc = Document::new("Probe");
    doc.signature_lines(&["Ort, Datum", "Unterschrift"]);
    let rules: Vec<(f32, f32, f32)> = doc.pages[0]
        .iter()
        .filter_map(|mark| match mark {
            Mark::Rule { x1, x2, y } => Some((*x1, *x2, *y)),
            Mark::Text { .. } => None,
        })
        .collect();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].2, rules[1].2);
    assert!(rules[0].0 >= LEFT && rules[0].1 < rules[1].0 && rules[1].1 <= RIGHT + EPSILON);
}

#[test]
fn output_is_a_deterministic_pdf_with_winansi_fonts() {
    let build = || {
        Document::new("Einverständniserklärung")
            .heading("Überschrift")
            .paragraph("Gebühr: 5 € nach § 2 – „so“")
            .finish()
    };
    let pdf = build();
    assert_eq!(pdf, build());
    assert!(pdf.starts_with(b"%PDF-1.7"));
    for needle in [
        b"/WinAnsiEncoding".as_slice(),
        b"/BaseFont /Helvetica-Bold",
        b"/Lang (de-DE)",
        b"/Title <FEFF",
    ] {
        assert!(
            contains(&pdf, needle),
            "{}",
            String::from_utf8_lossy(needle)
        );
    }
    // Text with bytes above 127 is written as a hex string of its cp1252 bytes.
    let expected: String = encode_winansi("Gebühr: 5 € nach § 2 – „so“")
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert!(contains(
        &pdf.to_ascii_lowercase(),
        format!("<{expected}>").as_bytes()
    ));
}
