//! Serialises laid-out pages into PDF objects with `pdf-writer`.

use super::font::Font;
use super::{Mark, PAGE_HEIGHT, PAGE_WIDTH};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const CATALOG: Ref = Ref::new(1);
const PAGE_TREE: Ref = Ref::new(2);
const INFO: Ref = Ref::new(3);
/// Font objects follow the fixed objects; pages and their content streams follow the fonts.
const FIRST_FONT: i32 = 4;
const FIRST_PAGE: i32 = FIRST_FONT + Font::ALL.len() as i32;

/// Width of ruled lines (form fields, signature lines) in points.
const RULE_WIDTH: f32 = 0.6;

/// Writes the whole file. Nothing time- or machine-dependent goes in, so equal pages give
/// equal bytes.
pub(super) fn write_pdf(title: &str, language: &str, pages: &[Vec<&Mark>]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let page_ids: Vec<Ref> = (0..pages.len()).map(page_ref).collect();

    let mut catalog = pdf.catalog(CATALOG);
    catalog.pages(PAGE_TREE).lang(TextStr(language));
    // Readers show the title instead of a file name like "download(3).pdf".
    catalog.viewer_preferences().display_doc_title(true);
    catalog.finish();
    pdf.document_info(INFO).title(TextStr(title));
    pdf.pages(PAGE_TREE)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);

    for font in Font::ALL {
        pdf.type1_font(font_ref(font))
            .base_font(Name(font.base_font()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }

    for (index, marks) in pages.iter().enumerate() {
        let content_id = page_ids[index].next();
        let mut page = pdf.page(page_ids[index]);
        page.parent(PAGE_TREE)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        for font in Font::ALL {
            fonts.pair(Name(font.resource_name()), font_ref(font));
        }
        fonts.finish();
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content_stream(marks));
    }
    pdf.finish()
}

/// Each page takes two object numbers: the page, then its content stream.
fn page_ref(index: usize) -> Ref {
    Ref::new(FIRST_PAGE + 2 * index as i32)
}

fn font_ref(font: Font) -> Ref {
    match font {
        Font::Regular => Ref::new(FIRST_FONT),
        Font::Bold => Ref::new(FIRST_FONT + 1),
    }
}

fn content_stream(marks: &[&Mark]) -> Vec<u8> {
    let mut content = Content::new();
    content.set_line_width(RULE_WIDTH);
    let mut fill_gray = 0.0;
    for mark in marks {
        match mark {
            Mark::Text {
                x,
                y,
                font,
                size,
                gray,
                text,
            } => {
                if *gray != fill_gray {
                    content.set_fill_gray(*gray);
                    fill_gray = *gray;
                }
                content
                    .begin_text()
                    .set_font(Name(font.resource_name()), *size)
                    .next_line(*x, *y)
                    .show(Str(text))
                    .end_text();
            }
            Mark::Rule { x1, x2, y } => {
                content.move_to(*x1, *y).line_to(*x2, *y).stroke();
            }
        }
    }
    content.finish().into_vec()
}
