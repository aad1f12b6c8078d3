//! These tests check the PDF with poppler's real tools (what a patient's reader does), so
//! they fail, never skip, where poppler-utils is missing.

use super::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PATIENT: &str = "Jürgen Müßig-Öztürk";
const NOTE_1: &str = "Bitte halten Sie Ihre Versichertenkarte bereit.";
const NOTE_2: &str = "Parkplätze finden Sie im Hof.";

fn template(patient_name: Option<&str>) -> ConsentTemplate<'_> {
    ConsentTemplate {
        practice_name: "Hausarztpraxis Dr. Äbele",
        practice_address: vec!["Musterstraße 12".into(), "10115 Berlin".into()],
        patient_name,
        practice_paragraph: Some("Bitte halten Sie Ihre Versichertenkarte bereit.\r\n\r\nParkplätze finden Sie im Hof.\n"),
        service_name: "Sprechzimmer",
    }
}

/// Runs a poppler tool, failing the test with an install hint if it is missing.
fn poppler(tool: &str, args: &[&Path]) -> Output {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|error| {
        panic!("cannot run `{tool}` ({error}): install poppler-utils (apt-get install poppler-utils)")
    });
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Writes the PDF into `dir` and returns its path.
fn write_pdf(dir: &tempfile::TempDir, pdf: &[u8]) -> PathBuf {
    let path = dir.path().join("einwilligung.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    path
}

fn extract_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_pdf(&dir, pdf);
    let output = poppler("pdftotext", &[Path::new("-layout"), &path, Path::new("-")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("Error"), "pdftotext complained: {stderr}");
    String::from_utf8(output.stdout).expect("pdftotext writes UTF-8")
}

#[test]
fn extracted_text_has_practice_patient_and_legal_basis() {
    let text = extract_text(&template(Some(PATIENT)).render());
    for expected in [
        TITLE,
        "Hausarztpraxis Dr. Äbele",
        "Musterstraße 12",
        "10115 Berlin",
        PATIENT_NAME_LABEL,
        PATIENT,
        "116 117",
        "„Sprechzimmer“",
        "Art. 9 Abs. 2 lit. a DSGVO",
        "Art. 15–17 DSGVO",
        "Hinweise der Praxis",
        NOTE_1,
        NOTE_2,
        "Ort, Datum",
        "Seite 1 von 2",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
    // Separate lines of the practice's text stay separate paragraphs.
    assert!(!text.contains(&format!("{NOTE_1} {NOTE_2}")));
}

#[test]
fn without_a_patient_name_the_field_stays_blank() {
    let text = extract_text(&template(None).render());
    assert!(text.contains(PATIENT_NAME_LABEL), "{text}");
    assert!(!text.contains("Jürgen"), "{text}");
    let blank_name = ConsentTemplate {
        patient_name: Some("  "),
        ..template(None)
    };
    assert_eq!(blank_name.render(), template(None).render());
}

#[test]
fn practice_notes_section_only_when_there_are_notes() {
    for notes in [None, Some(""), Some(" \n \r\n")] {
        let form = ConsentTemplate {
            practice_paragraph: notes,
            ..template(None)
        };
        let text = extract_text(&form.render());
        assert!(!text.contains("Hinweise der Praxis"), "{notes:?}");
        assert!(text.contains("5. Erklärung"), "{notes:?}");
    }
}

#[test]
fn practice_notes_are_bounded() {
    let many_lines = "Hinweis\n".repeat(400);
    let notes = practice_notes(&many_lines);
    assert_eq!(notes.len(), MAX_PRACTICE_PARAGRAPHS);
    assert!(notes.iter().map(|note| note.chars().count()).sum::<usize>() <= MAX_PRACTICE_CHARS + 1);
    assert!(notes[MAX_PRACTICE_PARAGRAPHS - 1].ends_with('…'));
    let form = ConsentTemplate {
        practice_paragraph: Some(&many_lines),
        ..template(Some(PATIENT))
    };
    assert!(form.layout().page_count() <= 3);
}

#[test]
fn pdfinfo_reads_title_and_a4_pages() {
    let form = template(Some(PATIENT));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_pdf(&dir, &form.render());
    let info = String::from_utf8_lossy(&poppler("pdfinfo", &[&path]).stdout).into_owned();
    assert!(
        info.contains(&format!("Title:           {TITLE}")),
        "{info}"
    );
    assert!(info.contains("841.89 pts (A4)"), "{info}");
    let pages = format!("Pages:           {}", form.layout().page_count());
    assert!(info.contains(&pages), "{info}");
}

#[test]
fn pdftoppm_renders_every_page_as_png() {
    let form = template(Some(PATIENT));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_pdf(&dir, &form.render());
    let prefix = dir.path().join("seite");
    let flags = [Path::new("-png"), Path::new("-r"), Path::new("50")];
    poppler(
        "pdftoppm",
        &[&flags[..], &[path.as_path(), prefix.as_path()]].concat(),
    );
    let pngs: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("read temp dir")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "png"))
        .collect();
    assert!(!pngs.is_empty(), "pdftoppm produced no PNG");
    assert_eq!(pngs.len(), form.layout().page_count());
    for png in pngs {
        let bytes = std::fs::read(&png).expect("read PNG");
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{} is no PNG",
            png.display()
        );
    }
}
