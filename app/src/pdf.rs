//! A small A4 document builder for the forms the service hands out: the Einverständniserklärung
//! and the KV documents. Text is set in Liberation Sans, an open font embedded as a subset of
//! the glyphs used (see [`font`]), word-wrapped with the font's real glyph widths, broken across
//! pages automatically, and every page gets a footer with the title and "Seite x von n".
//!
//! ```
//! use app::pdf::Document;
//!
//! let pdf = Document::new("Beispiel")
//!     .heading("Beispiel")
//!     .paragraph("Bitte lesen Sie die folgenden Hinweise.")
//!     .field_line("Name", Some("Erika Mustermann"))
//!     .signature_lines(&["Ort, Datum", "Unterschrift"])
//!     .finish();
//! assert!(pdf.starts_with(b"%PDF-"));
//! ```

mod font;
mod response;
mod text;
mod write;

pub use font::normalize;
use font::Font;
pub use response::{content_disposition, download, inline};
use text::{truncate_to_width, wrap};

/// Points per millimetre (PDF user space is 1/72 inch).
const MM: f32 = 72.0 / 25.4;
/// A4 in points.
const PAGE_WIDTH: f32 = 595.276;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 20.0 * MM;
const LEFT: f32 = MARGIN;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;
const TOP: f32 = PAGE_HEIGHT - MARGIN;
const BOTTOM: f32 = MARGIN;
/// Width available to text between the margins, in points (170 mm).
pub const TEXT_WIDTH: f32 = RIGHT - LEFT;
/// The footer sits inside the bottom margin, so it never competes with content for space.
const FOOTER_BASELINE: f32 = 12.0 * MM;
const FOOTER_INK: Rgb = [0.35, 0.35, 0.35];
const TEXT_INK: Rgb = [0.0, 0.0, 0.0];
/// Filled-in values (the practice's data) are dark blue on a pale blue field, so they stand
/// out from the printed form; contrast 10:1, and still legible in black and white.
const FIELD_INK: Rgb = [0.0, 0.16, 0.45];
const FIELD_BACKGROUND: Rgb = [0.91, 0.94, 0.99];

/// A colour as red, green and blue from 0 to 1.
type Rgb = [f32; 3];
/// The documents are German; screen readers and hyphenating readers use this.
const LANGUAGE: &str = "de-DE";

const PARAGRAPH_GAP: f32 = 2.5 * MM;
const BULLET_INDENT: f32 = 5.0 * MM;
const BULLET_GAP: f32 = 1.0 * MM;
/// Height of one row of a field line: enough to write on by hand.
const FIELD_ROW: f32 = 9.0 * MM;
/// Field lines start here when their label fits, so the values of a form line up.
const LABEL_COLUMN: f32 = 58.0 * MM;
/// How far above the field line its text sits.
const FIELD_TEXT_RAISE: f32 = 1.5;
/// Free space above a signature line for the signature itself.
const SIGNATURE_SPACE: f32 = 15.0 * MM;
const COLUMN_GAP: f32 = 10.0 * MM;
/// Fewest characters on either side of a hyphen a word is broken at.
const MIN_HYPHEN_PART: usize = 3;
/// Rounding slack when comparing widths, so text exactly as wide as the line still fits.
const EPSILON: f32 = 0.01;

/// Font, size and line distance of one kind of text.
#[derive(Clone, Copy, Debug)]
struct Style {
    font: Font,
    size: f32,
    leading: f32,
}

const HEADING: Style = Style {
    font: Font::Bold,
    size: 16.0,
    leading: 20.0,
};
const SUBHEADING: Style = Style {
    font: Font::Bold,
    size: 11.5,
    leading: 15.0,
};
const BODY: Style = Style {
    font: Font::Regular,
    size: 10.0,
    leading: 14.0,
};
const BODY_BOLD: Style = Style {
    font: Font::Bold,
    ..BODY
};
const SMALL: Style = Style {
    font: Font::Regular,
    size: 8.0,
    leading: 10.5,
};
/// The factor of [`Document::large_print`]: 10 pt body text becomes 12 pt.
pub const LARGE_PRINT: f32 = 1.2;

/// Something drawn on a page, positioned in points from the page's bottom-left corner.
#[derive(Clone, Debug, PartialEq)]
enum Mark {
    /// Normalised text (see [`normalize`]) starting at its baseline.
    Text {
        x: f32,
        y: f32,
        font: Font,
        size: f32,
        color: Rgb,
        text: String,
    },
    /// A filled rectangle behind a filled-in value.
    Field {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
    /// A thin horizontal line, as under a field or a signature.
    Rule { x1: f32, x2: f32, y: f32 },
    /// A rectangle of a sketch: filled, outlined, or both.
    Box {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
}

/// One row of a small drawing of a screen beside a step (see [`Document::step`]): the real
/// labels of our pages, drawn as simple shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sketch<'a> {
    /// A line of text.
    Text(&'a str),
    /// A labelled input with its value.
    Field(&'a str, &'a str),
    /// A button.
    Button(&'a str),
    /// A check that passed ("Kamera … in Ordnung").
    Check(&'a str),
    /// A grey area standing for a video picture, with a caption.
    Picture(&'a str),
}

const SKETCH_WIDTH: f32 = 56.0 * MM;
const SKETCH_PADDING: f32 = 3.0 * MM;
const SKETCH_FRAME: Rgb = [0.45, 0.45, 0.45];
const SKETCH_FIELD: Rgb = [0.6, 0.6, 0.6];
const SKETCH_PICTURE: Rgb = [0.85, 0.87, 0.9];
const SKETCH_OK: Rgb = [0.1, 0.45, 0.2];
const WHITE: Rgb = [1.0, 1.0, 1.0];
const STEP_BADGE: f32 = 6.0 * MM;

impl Sketch<'_> {
    fn height(&self) -> f32 {
        match self {
            Sketch::Text(_) | Sketch::Check(_) => 5.0 * MM,
            Sketch::Field(..) => 11.0 * MM,
            Sketch::Button(_) => 9.0 * MM,
            Sketch::Picture(_) => 16.0 * MM,
        }
    }
}

/// An A4 document being laid out top to bottom; [`Document::finish`] turns it into PDF bytes.
///
/// The methods append blocks and return `&mut Self`, so they chain; page breaks happen
/// automatically and never split a heading from the text below it or a signature block.
#[derive(Clone, Debug)]
pub struct Document {
    title: String,
    pages: Vec<Vec<Mark>>,
    /// Top of the free space on the last page, in points from the bottom.
    cursor: f32,
    /// Factor on the size and leading of the text styles (1 normally, [`LARGE_PRINT`] for
    /// readers who need bigger letters); sketches and footers keep their size.
    scale: f32,
}

impl Document {
    /// A new, empty document; `title` goes into the PDF metadata and every page's footer.
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            pages: Vec::new(),
            cursor: TOP,
            scale: 1.0,
        }
    }

    /// Like [`Document::new`], with every text style enlarged by [`LARGE_PRINT`]: body text
    /// in 12 pt instead of 10 pt, for a guide that patients of any age must read on paper and
    /// on a phone.
    pub fn large_print(title: &str) -> Self {
        Self {
            scale: LARGE_PRINT,
            ..Self::new(title)
        }
    }

    /// `style` at this document's scale.
    fn style(&self, style: Style) -> Style {
        Style {
            size: style.size * self.scale,
            leading: style.leading * self.scale,
            ..style
        }
    }

    /// The document's main heading.
    pub fn heading(&mut self, text: &str) -> &mut Self {
        self.titled_block(text, self.style(HEADING), 6.0 * MM, 3.0 * MM)
    }

    /// A section heading.
    pub fn subheading(&mut self, text: &str) -> &mut Self {
        self.titled_block(text, self.style(SUBHEADING), 4.0 * MM, 1.5 * MM)
    }

    /// Body text, word-wrapped; a line break in `text` starts a new line.
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.text_block(text, self.style(BODY))
    }

    /// Body text in bold, for the few sentences that must not be overlooked.
    pub fn bold_paragraph(&mut self, text: &str) -> &mut Self {
        self.text_block(text, self.style(BODY_BOLD))
    }

    /// Small print, e.g. a form's legal notes.
    pub fn small_print(&mut self, text: &str) -> &mut Self {
        self.text_block(text, self.style(SMALL))
    }

    /// A name in bold with the address lines below it, kept together on one page, as on a
    /// letterhead or a practice stamp.
    pub fn address<S: AsRef<str>>(&mut self, name: &str, lines: &[S]) -> &mut Self {
        let (body, bold) = (self.style(BODY), self.style(BODY_BOLD));
        let mut block: Vec<(Style, String)> = wrap(name, bold.font, bold.size, TEXT_WIDTH)
            .into_iter()
            .map(|line| (bold, line))
            .collect();
        for line in lines {
            block.extend(
                wrap(line.as_ref(), body.font, body.size, TEXT_WIDTH)
                    .into_iter()
                    .map(|line| (body, line)),
            );
        }
        self.make_room(block.iter().map(|(style, _)| style.leading).sum());
        for (style, line) in block {
            self.line(LEFT, style, line);
        }
        self.gap_after(PARAGRAPH_GAP)
    }

    /// A bulleted list; long items wrap with a hanging indent.
    pub fn bullets<S: AsRef<str>>(&mut self, items: &[S]) -> &mut Self {
        let body = self.style(BODY);
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                self.gap_after(BULLET_GAP);
            }
            let lines = wrap(
                item.as_ref(),
                body.font,
                body.size,
                TEXT_WIDTH - BULLET_INDENT,
            );
            for (row, line) in lines.into_iter().enumerate() {
                if row == 0 {
                    self.make_room(body.leading);
                    let baseline = self.cursor - body.size;
                    self.text_at(LEFT + 1.5 * MM, baseline, body, "•".to_owned());
                }
                self.line(LEFT + BULLET_INDENT, body, line);
            }
        }
        if !items.is_empty() {
            self.gap_after(PARAGRAPH_GAP);
        }
        self
    }

    /// A labelled line to fill in: with `Some(value)` the value is printed on it, otherwise
    /// it stays empty to be filled in by hand. A long label gets a line of its own. Label and
    /// value stay on one page: a reader must find a long value whole beside its label.
    pub fn field_line(&mut self, label: &str, value: Option<&str>) -> &mut Self {
        self.keep_together(|doc| {
            doc.field_line_here(label, value);
        })
    }

    fn field_line_here(&mut self, label: &str, value: Option<&str>) -> &mut Self {
        let label = format!("{label}:");
        let encoded_label = normalize(&label);
        let label_width = BODY.font.width(&encoded_label, BODY.size);
        let beside = label_width <= TEXT_WIDTH / 2.0;
        let line_start = if label_width + 2.0 * MM <= LABEL_COLUMN {
            LEFT + LABEL_COLUMN
        } else if beside {
            LEFT + label_width + 2.0 * MM
        } else {
            for line in wrap(&label, BODY.font, BODY.size, TEXT_WIDTH) {
                self.line(LEFT, BODY, line);
            }
            LEFT
        };
        let value_width = RIGHT - line_start - 2.0 * MM;
        let values = value
            .map(|value| wrap(value, BODY.font, BODY.size, value_width))
            .unwrap_or_default();
        for row in 0..values.len().max(1) {
            self.make_room(FIELD_ROW);
            let baseline = self.cursor - FIELD_ROW + 2.0 * MM;
            if row == 0 && beside {
                self.text_at(LEFT, baseline, BODY, encoded_label.clone());
            }
            if let Some(text) = values.get(row) {
                let bottom = baseline - FIELD_TEXT_RAISE;
                self.current_page().push(Mark::Field {
                    x: line_start,
                    y: bottom,
                    width: RIGHT - line_start,
                    height: FIELD_ROW - 2.0 * MM,
                });
                self.ink_at(
                    line_start + 1.0 * MM,
                    baseline,
                    BODY,
                    FIELD_INK,
                    text.clone(),
                );
            }
            self.rule(line_start, RIGHT, baseline - FIELD_TEXT_RAISE);
            self.cursor -= FIELD_ROW;
        }
        self.gap_after(2.0 * MM)
    }

    /// Signature lines side by side, each with its label in small print below the line
    /// (e.g. "Ort, Datum" and "Unterschrift"), with room above to sign.
    pub fn signature_lines<S: AsRef<str>>(&mut self, labels: &[S]) -> &mut Self {
        if labels.is_empty() {
            return self;
        }
        let columns = labels.len() as f32;
        let column_width = (TEXT_WIDTH - COLUMN_GAP * (columns - 1.0)) / columns;
        let captions: Vec<Vec<String>> = labels
            .iter()
            .map(|label| wrap(label.as_ref(), SMALL.font, SMALL.size, column_width))
            .collect();
        let caption_rows = captions.iter().map(Vec::len).max().unwrap_or(0) as f32;
        // Captions start just below the line.
        let caption_gap = 2.0;
        self.make_room(SIGNATURE_SPACE + caption_gap + caption_rows * SMALL.leading);
        let line_y = self.cursor - SIGNATURE_SPACE;
        for (column, caption) in captions.into_iter().enumerate() {
            let x = LEFT + column as f32 * (column_width + COLUMN_GAP);
            self.rule(x, x + column_width, line_y);
            for (row, text) in caption.into_iter().enumerate() {
                let baseline = line_y - caption_gap - SMALL.size - row as f32 * SMALL.leading;
                self.text_at(x, baseline, SMALL, text);
            }
        }
        self.cursor = line_y - caption_gap - caption_rows * SMALL.leading;
        self.gap_after(PARAGRAPH_GAP)
    }

    /// A numbered step: a badge with the number and the title in bold, the text below it, and
    /// a small sketch of the screen at this step beside it; kept together on one page.
    pub fn step(
        &mut self,
        number: usize,
        title: &str,
        text: &str,
        sketch: &[Sketch<'_>],
    ) -> &mut Self {
        let (body, bold) = (self.style(BODY), self.style(BODY_BOLD));
        let column = TEXT_WIDTH - SKETCH_WIDTH - COLUMN_GAP;
        let title_x = LEFT + STEP_BADGE + 2.0 * MM;
        let title_lines = wrap(title, bold.font, bold.size, LEFT + column - title_x);
        let text_lines = wrap(text, body.font, body.size, column);
        let text_height = (title_lines.len().max(1) as f32) * bold.leading
            + 1.0 * MM
            + text_lines.len() as f32 * body.leading;
        let sketch_height = if sketch.is_empty() {
            0.0
        } else {
            2.0 * SKETCH_PADDING + sketch.iter().map(Sketch::height).sum::<f32>()
        };
        self.make_room(text_height.max(sketch_height));
        let top = self.cursor;

        let badge_y = top - STEP_BADGE;
        self.rect(LEFT, badge_y, STEP_BADGE, STEP_BADGE, Some(FIELD_INK), None);
        let label = number.to_string();
        let label_width = BODY_BOLD.font.width(&label, BODY_BOLD.size);
        self.ink_at(
            LEFT + (STEP_BADGE - label_width) / 2.0,
            badge_y + (STEP_BADGE - BODY_BOLD.size * 0.7) / 2.0,
            BODY_BOLD,
            WHITE,
            label,
        );
        for line in title_lines {
            let baseline = self.cursor - bold.size;
            self.text_at(title_x, baseline, bold, line);
            self.cursor -= bold.leading;
        }
        self.cursor -= 1.0 * MM;
        for line in text_lines {
            let baseline = self.cursor - body.size;
            self.text_at(LEFT, baseline, body, line);
            self.cursor -= body.leading;
        }
        let text_bottom = self.cursor;
        if !sketch.is_empty() {
            self.sketch(RIGHT - SKETCH_WIDTH, top, sketch_height, sketch);
        }
        self.cursor = text_bottom.min(top - sketch_height);
        self.gap_after(4.0 * MM)
    }

    /// Draws `rows` in a frame `height` high whose top-left corner is (`x`, `top`).
    fn sketch(&mut self, x: f32, top: f32, height: f32, rows: &[Sketch<'_>]) {
        self.rect(
            x,
            top - height,
            SKETCH_WIDTH,
            height,
            None,
            Some(SKETCH_FRAME),
        );
        let inner_x = x + SKETCH_PADDING;
        let inner_width = SKETCH_WIDTH - 2.0 * SKETCH_PADDING;
        let fit = |text: &str, style: Style| truncate_to_width(text, style, inner_width - 2.0 * MM);
        let mut y = top - SKETCH_PADDING;
        for row in rows {
            let h = row.height();
            match *row {
                Sketch::Text(text) => {
                    self.text_at(inner_x, y - SMALL.size - 1.0, SMALL, fit(text, SMALL));
                }
                Sketch::Check(text) => {
                    let mark = 2.2 * MM;
                    self.rect(
                        inner_x,
                        y - SMALL.size - 1.0,
                        mark,
                        mark,
                        Some(SKETCH_OK),
                        None,
                    );
                    let text = format!("{text} – in Ordnung");
                    let style = SMALL;
                    let line = truncate_to_width(&text, style, inner_width - mark - 3.0 * MM);
                    self.text_at(inner_x + mark + 1.5 * MM, y - SMALL.size - 1.0, style, line);
                }
                Sketch::Field(label, value) => {
                    self.text_at(inner_x, y - SMALL.size, SMALL, fit(label, SMALL));
                    let box_top = y - 4.5 * MM;
                    let box_height = 5.5 * MM;
                    self.rect(
                        inner_x,
                        box_top - box_height,
                        inner_width,
                        box_height,
                        Some(WHITE),
                        Some(SKETCH_FIELD),
                    );
                    self.ink_at(
                        inner_x + 1.5 * MM,
                        box_top - box_height + 1.7 * MM,
                        SMALL,
                        FIELD_INK,
                        fit(value, SMALL),
                    );
                }
                Sketch::Button(label) => {
                    let box_height = 6.5 * MM;
                    let box_y = y - 1.0 * MM - box_height;
                    self.rect(
                        inner_x,
                        box_y,
                        inner_width,
                        box_height,
                        Some(FIELD_INK),
                        None,
                    );
                    let style = Style {
                        font: Font::Bold,
                        ..SMALL
                    };
                    let text = fit(label, style);
                    let width = style.font.width(&text, style.size);
                    self.ink_at(
                        inner_x + (inner_width - width) / 2.0,
                        box_y + 2.2 * MM,
                        style,
                        WHITE,
                        text,
                    );
                }
                Sketch::Picture(caption) => {
                    let box_height = h - 2.0 * MM;
                    let box_y = y - 1.0 * MM - box_height;
                    self.rect(
                        inner_x,
                        box_y,
                        inner_width,
                        box_height,
                        Some(SKETCH_PICTURE),
                        None,
                    );
                    let text = fit(caption, SMALL);
                    let width = SMALL.font.width(&text, SMALL.size);
                    self.text_at(
                        inner_x + (inner_width - width) / 2.0,
                        box_y + box_height / 2.0 - 1.0 * MM,
                        SMALL,
                        text,
                    );
                }
            }
            y -= h;
        }
    }

    /// Vertical space of `mm` millimetres (negative values count as none).
    pub fn space(&mut self, mm: f32) -> &mut Self {
        self.ensure_page();
        self.gap_after(mm.max(0.0) * MM)
    }

    /// Starts a new page unless `mm` millimetres are still free on this one, so that what
    /// follows (a declaration and its signatures) stays together.
    pub fn ensure_space(&mut self, mm: f32) -> &mut Self {
        self.make_room(mm.max(0.0) * MM);
        self
    }

    /// Lays out what `block` adds on one page: if it would cross a page break, it starts on a
    /// new page instead (a declaration with its signature lines, a labelled value). A block
    /// taller than a page still flows over several pages. `block` may run twice.
    pub fn keep_together(&mut self, block: impl Fn(&mut Self)) -> &mut Self {
        self.ensure_page();
        let before = self.clone();
        block(self);
        if self.pages.len() > before.pages.len() && !before.at_page_top() {
            *self = before;
            self.new_page();
            block(self);
        }
        self
    }

    /// Continues on a new page (nothing happens on a page that is still empty).
    pub fn page_break(&mut self) -> &mut Self {
        if !self.at_page_top() {
            self.new_page();
        }
        self
    }

    /// Number of pages laid out so far (at least one).
    pub fn page_count(&self) -> usize {
        self.pages.len().max(1)
    }

    /// The finished PDF. Equal input gives byte-identical output (no dates, no random ids).
    #[must_use]
    pub fn finish(&self) -> Vec<u8> {
        let blank = vec![Vec::new()];
        let pages = if self.pages.is_empty() {
            &blank
        } else {
            &self.pages
        };
        let footers: Vec<[Mark; 2]> = (1..=pages.len())
            .map(|number| self.footer(number, pages.len()))
            .collect();
        let marks: Vec<Vec<&Mark>> = pages
            .iter()
            .zip(&footers)
            .map(|(page, footer)| page.iter().chain(footer).collect())
            .collect();
        write::write_pdf(&self.title, LANGUAGE, &marks)
    }

    fn footer(&self, number: usize, total: usize) -> [Mark; 2] {
        let page_label = format!("Seite {number} von {total}");
        let label_width = SMALL.font.width(&page_label, SMALL.size);
        let title_room = TEXT_WIDTH - label_width - 10.0 * MM;
        let footer_text = |x, text| Mark::Text {
            x,
            y: FOOTER_BASELINE,
            font: SMALL.font,
            size: SMALL.size,
            color: FOOTER_INK,
            text,
        };
        [
            footer_text(LEFT, truncate_to_width(&self.title, SMALL, title_room)),
            footer_text(RIGHT - label_width, page_label),
        ]
    }

    fn titled_block(&mut self, text: &str, style: Style, before: f32, after: f32) -> &mut Self {
        let lines = wrap(text, style.font, style.size, TEXT_WIDTH);
        if !self.at_page_top() {
            self.cursor -= before;
        }
        // Keep the heading with at least two lines of what follows it.
        self.make_room(lines.len() as f32 * style.leading + after + 2.0 * self.style(BODY).leading);
        for line in lines {
            self.line(LEFT, style, line);
        }
        self.gap_after(after)
    }

    fn text_block(&mut self, text: &str, style: Style) -> &mut Self {
        let lines = wrap(text, style.font, style.size, TEXT_WIDTH);
        if lines.is_empty() {
            return self;
        }
        for line in lines {
            self.line(LEFT, style, line);
        }
        self.gap_after(PARAGRAPH_GAP)
    }

    /// One line of text at the cursor, on a new page if it does not fit.
    fn line(&mut self, x: f32, style: Style, text: String) {
        self.make_room(style.leading);
        let baseline = self.cursor - style.size;
        self.text_at(x, baseline, style, text);
        self.cursor -= style.leading;
    }

    fn text_at(&mut self, x: f32, y: f32, style: Style, text: String) {
        self.ink_at(x, y, style, TEXT_INK, text);
    }

    fn ink_at(&mut self, x: f32, y: f32, style: Style, color: Rgb, text: String) {
        if text.is_empty() {
            return;
        }
        self.current_page().push(Mark::Text {
            x,
            y,
            font: style.font,
            size: style.size,
            color,
            text,
        });
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        self.current_page().push(Mark::Rule { x1, x2, y });
    }

    /// A rectangle of a sketch or a step badge, filled and/or outlined.
    fn rect(
        &mut self,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    ) {
        self.current_page().push(Mark::Box {
            x,
            y,
            width,
            height,
            fill,
            stroke,
        });
    }

    /// Moves down by `height`; the next block starts a new page if this ran past the bottom.
    fn gap_after(&mut self, height: f32) -> &mut Self {
        self.cursor -= height;
        self
    }

    /// Starts a new page if less than `height` is free on this one. A block taller than a
    /// whole page starts at the top and overflows rather than looping.
    fn make_room(&mut self, height: f32) {
        self.ensure_page();
        if self.cursor - height < BOTTOM - EPSILON && !self.at_page_top() {
            self.new_page();
        }
    }

    fn at_page_top(&self) -> bool {
        self.cursor >= TOP - EPSILON
    }

    fn ensure_page(&mut self) {
        if self.pages.is_empty() {
            self.new_page();
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.cursor = TOP;
    }

    fn current_page(&mut self) -> &mut Vec<Mark> {
        self.ensure_page();
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
}

#[cfg(test)]
mod tests;
