use super::*;

const LOREM: &str = "Die Videosprechstunde ersetzt nicht jeden Besuch in der Praxis, aber sie \
    erspart Ihnen bei vielen Anliegen den Weg. Ihre Ärztin oder Ihr Arzt entscheidet, ob ein \
    Gespräch per Video genügt oder ob eine Untersuchung vor Ort nötig ist. Über Änderungen \
    informieren wir Sie rechtzeitig, und Rückfragen beantworten wir gern.";

fn texts(page: &[Mark]) -> Vec<&str> {
    page.iter()
        .filter_map(|mark| match mark {
            Mark::Text { text, .. } => Some(text.as_str()),
            Mark::Rule { .. } | Mark::Field { .. } | Mark::Box { .. } => None,
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
        assert!(!line.starts_with(' ') && !line.ends_with(' '));
    }
    // Greedy filling: the next line's first word would not have fitted on the line before.
    for pair in lines.windows(2) {
        let next_word = pair[1].split(' ').next().unwrap_or_default();
        let joined = format!("{} {next_word}", pair[0]);
        assert!(BODY.font.width(&joined, BODY.size) > TEXT_WIDTH);
    }
    let words: Vec<&str> = LOREM.split_whitespace().collect();
    assert_eq!(lines.join(" "), words.join(" "));
}

#[test]
fn a_word_wider_than_a_line_is_broken_inside() {
    let word = "x".repeat(200);
    let lines = wrap(&word, Font::Regular, 10.0, 100.0);
    assert!(lines.len() > 1);
    assert!(lines
        .iter()
        .all(|line| Font::Regular.width(line, 10.0) <= 100.0 + EPSILON));
    assert_eq!(lines.concat(), word);
}

#[test]
fn compounds_break_after_their_hyphen() {
    let text = "bei der Datenschutz-Aufsichtsbehörde";
    let room = Font::Regular.width("bei der Datenschutz-Auf", 10.0);
    let lines = wrap(text, Font::Regular, 10.0, room);
    assert_eq!(lines, vec!["bei der Datenschutz-", "Aufsichtsbehörde"]);
}

#[test]
fn short_parts_around_a_hyphen_stay_together() {
    let room = Font::Regular.width("Bundesmantelvertrag (BMV-", 10.0);
    let lines = wrap(
        "Bundesmantelvertrag (BMV-Ä) gilt",
        Font::Regular,
        10.0,
        room,
    );
    assert_eq!(lines, vec!["Bundesmantelvertrag", "(BMV-Ä) gilt"]);
}

#[test]
fn no_break_spaces_keep_words_together_and_line_breaks_are_kept() {
    let room = Font::Regular.width("Art. 9 Abs.", 10.0);
    let lines = wrap("Art. 9 Abs. 2", Font::Regular, 10.0, room);
    assert_eq!(lines, vec!["Art. 9 Abs.", "2"]);
    let lines = wrap("Art. 9 Abs.\u{a0}2", Font::Regular, 10.0, room);
    assert_eq!(lines, vec!["Art. 9", "Abs. 2"]);
    let lines = wrap(
        "erste Zeile\r\nzweite Zeile",
        Font::Regular,
        10.0,
        TEXT_WIDTH,
    );
    assert_eq!(lines, vec!["erste Zeile", "zweite Zeile"]);
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
                Mark::Text { y, .. }
                | Mark::Rule { y, .. }
                | Mark::Field { y, .. }
                | Mark::Box { y, .. } => *y,
            };
            assert!((BOTTOM..=TOP).contains(&y), "mark at y = {y}");
        }
    }
    let footers: Vec<String> = (1..=pages)
        .map(|n| texts(&doc.footer(n, pages))[1].to_owned())
        .collect();
    assert_eq!(footers[0], format!("Seite 1 von {pages}"));
    assert_eq!(footers[pages - 1], format!("Seite {pages} von {pages}"));
    let pdf = doc.finish();
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
    assert_eq!(texts(&doc.pages[1]), vec!["Neuer Abschnitt"]);
}

#[test]
fn field_lines_print_the_value_or_stay_blank() {
    let mut filled = Document::new("Probe");
    filled.field_line("Name", Some("Jürgen Müßig-Öztürk"));
    assert_eq!(
        texts(&filled.pages[0]),
        vec!["Name:", "Jürgen Müßig-Öztürk"]
    );
    let mut blank = Document::new("Probe");
    blank.field_line("Name", None);
    assert_eq!(texts(&blank.pages[0]), vec!["Name:"]);
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
            Mark::Text { .. } | Mark::Field { .. } | Mark::Box { .. } => None,
        })
        .collect();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].2, rules[1].2);
    assert!(rules[0].0 >= LEFT && rules[0].1 < rules[1].0 && rules[1].1 <= RIGHT + EPSILON);
}

#[test]
fn output_is_a_deterministic_pdf_with_an_embedded_font_subset() {
    let build = || {
        Document::new("Einverständniserklärung")
            .heading("Überschrift")
            .paragraph("Gebühr: 5 € nach § 2 – „so“, Görlitz, Straße")
            .finish()
    };
    let pdf = build();
    assert_eq!(pdf, build());
    assert!(pdf.starts_with(b"%PDF-1.7"));
    for needle in [
        b"/FontFile2".as_slice(),
        b"/Identity-H",
        b"/ToUnicode",
        b"+LiberationSans-Bold",
        b"/Lang (de-DE)",
        b"/Title <FEFF",
    ] {
        assert!(
            contains(&pdf, needle),
            "{}",
            String::from_utf8_lossy(needle)
        );
    }
    // No standard font is referred to: everything drawn comes from the embedded subsets.
    assert!(!contains(&pdf, b"/Helvetica"));
    assert!(!contains(&pdf, b"/WinAnsiEncoding"));
    // A subset, not the whole 400 KB font file twice.
    assert!(pdf.len() < 40_000, "{} bytes", pdf.len());
}

#[test]
fn download_names_follow_rfc_6266() {
    assert_eq!(
        content_disposition("Antrag-Videosprechstunde-KVNO.pdf"),
        "attachment; filename=\"Antrag-Videosprechstunde-KVNO.pdf\""
    );
    assert_eq!(
        content_disposition("Bestätigung-KV-Thüringen.pdf"),
        "attachment; filename=\"Bestaetigung-KV-Thueringen.pdf\"; \
         filename*=UTF-8''Best%C3%A4tigung-KV-Th%C3%BCringen.pdf"
    );
    // Nothing from a name can break out of the quoted string or the header.
    let header = content_disposition("a\"b\r\nc d.pdf");
    assert!(header.starts_with(
        "attachment; filename=\"a_b__c_d.pdf\"; filename*=UTF-8''a%22b%0D%0Ac%20d.pdf"
    ));
}

#[test]
fn steps_keep_their_sketch_beside_them_inside_the_margins() {
    let mut doc = Document::new("Probe");
    for number in 1..=7 {
        doc.step(
            number,
            "Name und Zugangscode eingeben",
            LOREM,
            &[
                Sketch::Field("Ihr Name", "Erika Mustermann"),
                Sketch::Button("Raum betreten"),
                Sketch::Check("Kamera"),
                Sketch::Picture("Bild Ihrer Praxis"),
                Sketch::Text("Eine Zeile, die viel zu lang ist für die kleine Skizze am Rand"),
            ],
        );
    }
    assert!(doc.page_count() >= 2);
    for page in &doc.pages {
        let (mut badges, mut frames) = (0, 0);
        for mark in page {
            match mark {
                Mark::Box {
                    x,
                    y,
                    width,
                    height,
                    fill,
                    stroke,
                } => {
                    assert!(*x >= LEFT - EPSILON && x + width <= RIGHT + EPSILON);
                    assert!(*y >= BOTTOM - EPSILON && y + height <= TOP + EPSILON);
                    if *stroke == Some(SKETCH_FRAME) {
                        frames += 1;
                    } else if *fill == Some(FIELD_INK) && *width == STEP_BADGE {
                        badges += 1;
                    }
                }
                Mark::Text { x, y, .. } => {
                    assert!(*x >= LEFT - EPSILON && *x <= RIGHT);
                    assert!(*y >= BOTTOM - EPSILON && *y <= TOP);
                }
                _ => {}
            }
        }
        assert!(badges > 0);
        assert_eq!(badges, frames, "each step has its sketch on its own page");
    }
    // The long line is cut to the sketch's width, with an ellipsis.
    let cut = doc.pages[0]
        .iter()
        .filter_map(|mark| match mark {
            Mark::Text {
                text,
                x,
                size,
                font,
                ..
            } if text.starts_with("Eine Zeile") => Some((text.clone(), *x, *size, *font)),
            _ => None,
        })
        .next()
        .expect("sketch text");
    assert!(cut.1 + cut.3.width(&cut.0, cut.2) <= RIGHT + EPSILON);
}

/// Fills the first page until only `free` points are left above the bottom margin.
fn nearly_full(free: f32) -> Document {
    let mut doc = Document::new("Probe");
    doc.paragraph("Eine Zeile.");
    doc.cursor = BOTTOM + free;
    doc
}

#[test]
fn a_long_field_value_is_not_split_from_its_label() {
    // Room for two rows, the value needs three: label and value move to the next page.
    let mut doc = nearly_full(2.5 * FIELD_ROW);
    let value = "Sprechzimmer Videodienste GmbH, Am Alten Güterbahnhof 112, Hinterhaus, \
                 15230 Frankfurt (Oder), Deutschland, Europäische Union, Erde";
    doc.field_line("Videodienstanbieter", Some(value));
    assert_eq!(doc.page_count(), 2);
    let second = texts(&doc.pages[1]).join(" ");
    assert!(second.starts_with("Videodienstanbieter:"), "{second}");
    assert!(second.ends_with("Erde"), "{second}");
    assert!(!texts(&doc.pages[0]).join(" ").contains("Videodienst"));
}

#[test]
fn a_kept_together_block_moves_whole_to_the_next_page_and_only_then() {
    let declaration = |doc: &mut Document| {
        doc.subheading("4. Erklärung")
            .paragraph(LOREM)
            .signature_lines(&["Ort, Datum", "Unterschrift"]);
    };
    let mut doc = nearly_full(40.0 * MM);
    doc.keep_together(declaration);
    assert_eq!(doc.page_count(), 2);
    let second = texts(&doc.pages[1]);
    assert_eq!(second.first(), Some(&"4. Erklärung"));
    assert!(second.contains(&"Unterschrift"));
    assert!(!texts(&doc.pages[0]).contains(&"4. Erklärung"));

    // With room enough it stays where it is.
    let mut roomy = Document::new("Probe");
    roomy.paragraph("Einleitung.").keep_together(declaration);
    assert_eq!(roomy.page_count(), 1);
}

#[test]
fn large_print_sets_body_text_in_12_points() {
    let mut doc = Document::large_print("Probe");
    doc.heading("Titel").paragraph("Text").bullets(&["Punkt"]);
    let sizes: Vec<f32> = doc.pages[0]
        .iter()
        .filter_map(|mark| match mark {
            Mark::Text { size, .. } => Some(*size),
            _ => None,
        })
        .collect();
    assert!(
        sizes.iter().all(|&size| size >= 12.0 - EPSILON),
        "{sizes:?}"
    );
    assert!((BODY.size * LARGE_PRINT - 12.0).abs() < EPSILON);
}

#[test]
fn inline_pdfs_keep_the_file_name() {
    let response = inline(b"%PDF-".to_vec(), "Anleitung-Videosprechstunde.pdf");
    assert_eq!(
        response.headers()["content-disposition"],
        "inline; filename=\"Anleitung-Videosprechstunde.pdf\""
    );
    assert_eq!(response.headers()["content-type"], "application/pdf");
}
