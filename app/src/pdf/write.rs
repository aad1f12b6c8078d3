//! Serialises laid-out pages into PDF objects with `pdf-writer`.

use super::font::Font;
use super::{Mark, PAGE_HEIGHT, PAGE_WIDTH};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;

const CATALOG: Ref = Ref::new(1);
const PAGE_TREE: Ref = Ref::new(2);
const INFO: Ref = Ref::new(3);
/// Font objects follow the fixed objects; pages and their content streams follow the fonts.
const FIRST_FONT: i32 = 4;
/// Objects per font: Type0 font, CID font, descriptor, font file, ToUnicode map.
const OBJECTS_PER_FONT: i32 = 5;
const FIRST_PAGE: i32 = FIRST_FONT + OBJECTS_PER_FONT * Font::ALL.len() as i32;
/// "Adobe-Identity-0": glyphs are addressed by their number in the embedded subset.
const IDENTITY: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

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

    let subsets = Subsets::collect(pages);
    for font in Font::ALL {
        subsets.write_font(&mut pdf, font);
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
        pdf.stream(content_id, &content_stream(marks, &subsets));
    }
    pdf.finish()
}

/// Each page takes two object numbers: the page, then its content stream.
fn page_ref(index: usize) -> Ref {
    Ref::new(FIRST_PAGE + 2 * index as i32)
}

/// The first of the font's [`OBJECTS_PER_FONT`] objects (its Type0 font dictionary).
fn font_ref(font: Font) -> Ref {
    let index = match font {
        Font::Regular => 0,
        Font::Bold => 1,
    };
    Ref::new(FIRST_FONT + OBJECTS_PER_FONT * index)
}

/// The glyphs each font needs, renumbered densely in the order they first appear.
struct Subsets {
    remappers: BTreeMap<Font, GlyphRemapper>,
    /// The character each new glyph number stands for, for text extraction and search.
    unicode: BTreeMap<Font, BTreeMap<u16, char>>,
}

impl Subsets {
    fn collect(pages: &[Vec<&Mark>]) -> Self {
        let mut subsets = Self {
            remappers: Font::ALL.map(|f| (f, GlyphRemapper::new())).into(),
            unicode: Font::ALL.map(|f| (f, BTreeMap::new())).into(),
        };
        for mark in pages.iter().flatten() {
            if let Mark::Text { font, text, .. } = mark {
                subsets.add(*font, text);
            }
        }
        subsets
    }

    fn add(&mut self, font: Font, text: &str) {
        let remapper = self.remappers.entry(font).or_default();
        let unicode = self.unicode.entry(font).or_default();
        for c in text.chars() {
            let glyph = remapper.remap(font.glyph(c));
            unicode.entry(glyph).or_insert(c);
        }
    }

    /// `text` as two-byte glyph numbers of the subset (Identity-H encoding); every glyph was
    /// added by [`Subsets::collect`].
    fn encode(&self, font: Font, text: &str) -> Vec<u8> {
        let remapper = &self.remappers[&font];
        text.chars()
            .flat_map(|c| remapper.get(font.glyph(c)).unwrap_or(0).to_be_bytes())
            .collect()
    }

    fn write_font(&self, pdf: &mut Pdf, font: Font) {
        let type0 = font_ref(font);
        let cid = Ref::new(type0.get() + 1);
        let descriptor = Ref::new(type0.get() + 2);
        let file = Ref::new(type0.get() + 3);
        let to_unicode = Ref::new(type0.get() + 4);
        let remapper = &self.remappers[&font];
        let unicode = &self.unicode[&font];
        // A subset's name starts with six capital letters that identify it (ISO 32000 9.6.4);
        // derived from the glyphs, so equal documents stay byte-identical.
        let name = format!("{}+{}", subset_tag(font, unicode), font.postscript_name());
        let face = font.face();
        let scale = 1000.0 / f32::from(face.units_per_em());

        pdf.type0_font(type0)
            .base_font(Name(name.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(to_unicode);

        // In the subset, glyph n is the n-th glyph remapped.
        let widths: Vec<f32> = remapper
            .remapped_gids()
            .map(|old| font.advance(old))
            .collect();
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(Name(name.as_bytes()))
            .system_info(IDENTITY)
            .font_descriptor(descriptor)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let bbox = face.global_bounding_box();
        let weight = face.weight().to_number();
        pdf.font_descriptor(descriptor)
            .name(Name(name.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(face.italic_angle())
            .ascent(f32::from(face.ascender()) * scale)
            .descent(f32::from(face.descender()) * scale)
            .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)
            // The estimate other PDF writers use when the font does not say.
            .stem_v(10.0 + 0.244 * (f32::from(weight) - 50.0))
            .font_file2(file);

        // The bundled fonts are plain TrueType, which the subsetter always handles; a test
        // subsets both.
        let program =
            subsetter::subset(font.data(), 0, remapper).expect("the bundled font subsets");
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&program, 9);
        pdf.stream(file, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), program.len() as i32);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), IDENTITY);
        for (&glyph, &c) in unicode {
            cmap.pair(glyph, c);
        }
        pdf.cmap(to_unicode, &cmap.finish());
    }
}

/// Six capital letters from a hash (FNV-1a) of the font and its glyphs.
fn subset_tag(font: Font, unicode: &BTreeMap<u16, char>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = font
        .postscript_name()
        .bytes()
        .chain(unicode.values().flat_map(|&c| u32::from(c).to_be_bytes()));
    for byte in bytes {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}

fn content_stream(marks: &[&Mark], subsets: &Subsets) -> Vec<u8> {
    let mut content = Content::new();
    content.set_line_width(RULE_WIDTH);
    let mut fill = super::TEXT_INK;
    for mark in marks {
        match mark {
            Mark::Text {
                x,
                y,
                font,
                size,
                color,
                text,
            } => {
                if *color != fill {
                    let [r, g, b] = *color;
                    content.set_fill_rgb(r, g, b);
                    fill = *color;
                }
                content
                    .begin_text()
                    .set_font(Name(font.resource_name()), *size)
                    .next_line(*x, *y)
                    .show(Str(&subsets.encode(*font, text)))
                    .end_text();
            }
            Mark::Field {
                x,
                y,
                width,
                height,
            } => {
                let [r, g, b] = super::FIELD_BACKGROUND;
                content
                    .set_fill_rgb(r, g, b)
                    .rect(*x, *y, *width, *height)
                    .fill_nonzero();
                let [r, g, b] = fill;
                content.set_fill_rgb(r, g, b);
            }
            Mark::Rule { x1, x2, y } => {
                content.move_to(*x1, *y).line_to(*x2, *y).stroke();
            }
            Mark::Box {
                x,
                y,
                width,
                height,
                fill: box_fill,
                stroke,
            } => {
                if let Some([r, g, b]) = box_fill {
                    content
                        .set_fill_rgb(*r, *g, *b)
                        .rect(*x, *y, *width, *height)
                        .fill_nonzero();
                    let [r, g, b] = fill;
                    content.set_fill_rgb(r, g, b);
                }
                if let Some([r, g, b]) = stroke {
                    content
                        .set_stroke_rgb(*r, *g, *b)
                        .rect(*x, *y, *width, *height)
                        .stroke()
                        .set_stroke_rgb(0.0, 0.0, 0.0);
                }
            }
        }
    }
    content.finish().into_vec()
}
