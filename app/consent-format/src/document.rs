//! What a patient may upload as a consent document, recognised by its content.
//!
//! The type is read from the first bytes of the file (its "magic number"), never from the file
//! name or the browser's MIME guess: a renamed executable stays an executable. The same check runs
//! in the browser before encrypting and in the practice's browser after decrypting; the server
//! sees only ciphertext and can check nothing but its size.

use serde::{Deserialize, Serialize};

/// Largest document a patient may upload (10 MiB): a multi-page scan or a phone photo.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
/// Bytes a sealed document is longer than the file: the sealed box's ephemeral public key (32)
/// and authentication tag (16), and the envelope's version and type bytes (2).
pub const SEAL_OVERHEAD: usize = 32 + 16 + 2;
/// Largest upload the server accepts: a sealed document of the largest size.
pub const MAX_SEALED_BYTES: usize = MAX_DOCUMENT_BYTES + SEAL_OVERHEAD;

const PDF_MAGIC: &[u8] = b"%PDF-";
const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// Major brands of HEIF still images and sequences (ISO/IEC 23008-12): what iPhones and most
/// Android cameras write. AVIF (`avif`) is not among them; no practice software we know reads it.
const HEIF_BRANDS: [&[u8; 4]; 9] = [
    b"heic", b"heix", b"hevc", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1",
];

/// A type of document the practice can open.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// A PDF, e.g. the filled-in template or a scan.
    Pdf,
    /// A JPEG photo or scan.
    Jpeg,
    /// A PNG image, e.g. a screenshot.
    Png,
    /// A HEIC/HEIF photo, as iPhones take them.
    Heic,
}

impl DocumentKind {
    /// Every kind, for tables and tests.
    pub const ALL: [Self; 4] = [Self::Pdf, Self::Jpeg, Self::Png, Self::Heic];

    /// The MIME type to hand the decrypted file to the browser with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Heic => "image/heic",
        }
    }

    /// File name extension (without dot) for saving the decrypted file.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Heic => "heic",
        }
    }

    /// The tag stored inside the encrypted envelope. Stored documents depend on these values:
    /// never change or reuse one.
    pub fn to_byte(self) -> u8 {
        match self {
            Self::Pdf => 1,
            Self::Jpeg => 2,
            Self::Png => 3,
            Self::Heic => 4,
        }
    }

    /// The kind for an envelope tag; `None` for a tag this version does not know.
    pub fn from_byte(tag: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.to_byte() == tag)
    }

    /// Whether the document is a picture (shown inline) rather than a PDF (opened or saved).
    pub fn is_image(self) -> bool {
        !matches!(self, Self::Pdf)
    }
}

/// Why a file cannot be uploaded as a consent document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DocumentError {
    /// The file has no content.
    #[error("the document is empty")]
    Empty,
    /// The file is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("the document has {bytes} bytes, more than the {MAX_DOCUMENT_BYTES} allowed")]
    TooLarge {
        /// The file's size.
        bytes: usize,
    },
    /// The content is none of the [`DocumentKind`]s, whatever the file is called.
    #[error("the document is not a PDF, JPEG, PNG or HEIC file")]
    UnknownType,
}

impl DocumentError {
    /// The id of the Fluent message that explains this error to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Empty => "consent-upload-empty",
            Self::TooLarge { .. } => "consent-upload-too-large",
            Self::UnknownType => "consent-upload-wrong-type",
        }
    }

    /// The Fluent variables of the message: `$max_mb` for a file that is too large.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::TooLarge { .. } => vec![("max_mb", (MAX_DOCUMENT_BYTES >> 20).to_string())],
            Self::Empty | Self::UnknownType => Vec::new(),
        }
    }
}

/// The kind of document `bytes` holds, judged by content and size alone.
pub fn check_document(bytes: &[u8]) -> Result<DocumentKind, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge { bytes: bytes.len() });
    }
    // PDF readers tolerate junk before `%PDF-`; we do not, so a polyglot file cannot pass as a PDF.
    if bytes.starts_with(PDF_MAGIC) {
        Ok(DocumentKind::Pdf)
    } else if bytes.starts_with(JPEG_MAGIC) {
        Ok(DocumentKind::Jpeg)
    } else if bytes.starts_with(PNG_MAGIC) {
        Ok(DocumentKind::Png)
    } else if is_heif(bytes) {
        Ok(DocumentKind::Heic)
    } else {
        Err(DocumentError::UnknownType)
    }
}

/// An ISO base media file whose first box is `ftyp` with a HEIF major brand.
fn is_heif(bytes: &[u8]) -> bool {
    let (Some(size), Some(box_type), Some(brand)) =
        (bytes.get(0..4), bytes.get(4..8), bytes.get(8..12))
    else {
        return false;
    };
    // Box size, type, major brand and minor version: an `ftyp` box has at least 16 bytes.
    let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]);
    box_type == b"ftyp" && size >= 16 && HEIF_BRANDS.iter().any(|known| known[..] == *brand)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A fixture from `server/tests/fixtures/consent/` (`make_fixtures.py` there made them).
    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../server/tests/fixtures/consent/",
                $name
            ))
            .as_slice()
        };
    }

    #[test]
    fn real_files_are_recognised_by_content() {
        let table: [(&str, &[u8], Result<DocumentKind, DocumentError>); 8] = [
            (
                "einwilligung.pdf",
                fixture!("einwilligung.pdf"),
                Ok(DocumentKind::Pdf),
            ),
            ("scan.jpg", fixture!("scan.jpg"), Ok(DocumentKind::Jpeg)),
            ("foto.jpg", fixture!("foto.jpg"), Ok(DocumentKind::Jpeg)),
            ("foto.png", fixture!("foto.png"), Ok(DocumentKind::Png)),
            ("foto.heic", fixture!("foto.heic"), Ok(DocumentKind::Heic)),
            // A Windows executable called `.pdf` is still an executable.
            (
                "umbenannt.pdf",
                fixture!("umbenannt.pdf"),
                Err(DocumentError::UnknownType),
            ),
            ("leer.pdf", fixture!("leer.pdf"), Err(DocumentError::Empty)),
            (
                "make_fixtures.py",
                fixture!("make_fixtures.py"),
                Err(DocumentError::UnknownType),
            ),
        ];
        for (name, bytes, expected) in table {
            assert_eq!(check_document(bytes), expected, "{name}");
        }
        assert!(fixture!("umbenannt.pdf").starts_with(b"MZ"));
    }

    #[test]
    fn size_limit_is_checked_before_the_type() {
        let mut too_large = PNG_MAGIC.to_vec();
        too_large.resize(11 * 1024 * 1024, 0);
        assert_eq!(
            check_document(&too_large),
            Err(DocumentError::TooLarge {
                bytes: 11 * 1024 * 1024
            })
        );
        too_large.truncate(MAX_DOCUMENT_BYTES);
        assert_eq!(check_document(&too_large), Ok(DocumentKind::Png));
        too_large.push(0);
        assert!(matches!(
            check_document(&too_large),
            Err(DocumentError::TooLarge { .. })
        ));
    }

    #[test]
    fn near_misses_are_rejected() {
        let cases: [&[u8]; 9] = [
            b"%PDF",                       // cut off before the dash
            b" %PDF-1.7",                  // something before the signature
            &[0xFF, 0xD8],                 // half a JPEG start
            &PNG_MAGIC[..7],               // PNG signature without its last byte
            b"\0\0\0\x18ftypavif\0\0\0\0", // AVIF, not HEIF
            b"\0\0\0\x18ftyphei",          // brand cut off
            b"\0\0\0\x08ftypheic\0\0\0\0", // box too short to be an ftyp box
            b"\0\0\0\x18moovheic\0\0\0\0", // first box is not ftyp
            b"MZ\x90\0",
        ];
        for bytes in cases {
            assert_eq!(
                check_document(bytes),
                Err(DocumentError::UnknownType),
                "{bytes:?}"
            );
        }
        for brand in HEIF_BRANDS {
            let mut heif = b"\0\0\0\x18ftyp".to_vec();
            heif.extend_from_slice(brand);
            heif.extend_from_slice(&[0; 4]);
            assert_eq!(check_document(&heif), Ok(DocumentKind::Heic));
        }
    }

    #[test]
    fn kind_tags_round_trip_and_are_stable() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::from_byte(kind.to_byte()), Some(kind));
        }
        let tags: Vec<u8> = DocumentKind::ALL.iter().map(|k| k.to_byte()).collect();
        assert_eq!(tags, [1, 2, 3, 4]);
        assert_eq!(DocumentKind::from_byte(0), None);
        assert_eq!(DocumentKind::from_byte(5), None);
        assert!(!DocumentKind::Pdf.is_image());
        assert!(DocumentKind::Heic.is_image());
        assert_eq!(DocumentKind::Heic.mime(), "image/heic");
    }

    #[test]
    fn errors_name_their_messages() {
        assert_eq!(DocumentError::Empty.message_key(), "consent-upload-empty");
        let too_large = DocumentError::TooLarge { bytes: 1 };
        assert_eq!(too_large.message_key(), "consent-upload-too-large");
        assert_eq!(too_large.message_args(), [("max_mb", "10".to_owned())]);
        assert_eq!(
            DocumentError::UnknownType.message_key(),
            "consent-upload-wrong-type"
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_agrees_with_the_size_rules(
            bytes in proptest::collection::vec(any::<u8>(), 0..256)
        ) {
            let result = check_document(&bytes);
            prop_assert_eq!(bytes.is_empty(), result == Err(DocumentError::Empty));
        }

        #[test]
        fn any_tail_after_a_signature_keeps_the_kind(
            tail in proptest::collection::vec(any::<u8>(), 0..64)
        ) {
            for (magic, kind) in [
                (PDF_MAGIC, DocumentKind::Pdf),
                (JPEG_MAGIC, DocumentKind::Jpeg),
                (PNG_MAGIC, DocumentKind::Png),
            ] {
                let bytes = [magic, tail.as_slice()].concat();
                prop_assert_eq!(check_document(&bytes), Ok(kind));
            }
        }
    }
}
