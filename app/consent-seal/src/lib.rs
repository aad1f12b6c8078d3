//! The sealing of a consent document (`consent_crypto::seal_document`) as a WebAssembly module
//! of its own (`sprechzimmer-seal.js` and `.wasm`, built by `scripts/build.sh` next to the
//! browser bundles). The upload (`app::consent::islands`) loads it when the first file is chosen,
//! through the loader the page's island script defines (`app::layout::scripts`): the X25519 and
//! XSalsa20-Poly1305 code (≈ 13 KB brotli) is no longer part of the patient's bundle, which every
//! patient loads for the tech test and the waiting room whether they upload or not.

use consent_format::document::DocumentKind;
use wasm_bindgen::prelude::wasm_bindgen;

/// `bytes` (a document of the kind `kind`, [`DocumentKind::to_byte`]) sealed to the practice's
/// public key (`public_key_b64`, URL-safe base64). Fails with the Fluent key of the message the
/// upload shows (`CryptoError::message_key`).
#[wasm_bindgen]
pub fn seal(public_key_b64: &str, kind: u8, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let kind = DocumentKind::from_byte(kind).ok_or(UNKNOWN_KIND)?;
    consent_crypto::public_key_from_b64(public_key_b64)
        .and_then(|key| consent_crypto::seal_document(&key, kind, bytes))
        .map_err(|e| e.message_key().to_owned())
}

/// A kind byte the module does not know (the page and the module come from one build, so only a
/// page's own mistake): the message for a document whose content does not match its kind.
const UNKNOWN_KIND: &str = "consent-document-kind-mismatch";

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../server/tests/fixtures/consent/einwilligung.pdf"
    ));

    #[test]
    fn a_sealed_document_opens_with_the_practice_key_and_nothing_else() {
        let keys = consent_crypto::PracticeKeys::generate();
        let kind = consent_format::document::check_document(PDF).expect("a PDF");
        let sealed = seal(&keys.public_key_b64(), kind.to_byte(), PDF).expect("sealed");
        let (opened_kind, opened) = consent_crypto::open_document(&keys, &sealed).expect("opens");
        assert_eq!((opened_kind, opened.as_slice()), (kind, PDF));
        let other = consent_crypto::PracticeKeys::generate();
        assert!(consent_crypto::open_document(&other, &sealed).is_err());
    }

    #[test]
    fn refusals_carry_the_message_the_upload_shows() {
        let keys = consent_crypto::PracticeKeys::generate();
        let key = keys.public_key_b64();
        let pdf = DocumentKind::Pdf.to_byte();
        assert_eq!(
            seal("kein Schlüssel", pdf, PDF),
            Err(consent_crypto::CryptoError::InvalidPublicKey
                .message_key()
                .to_owned())
        );
        // A JPEG announced as a PDF, and a kind this build does not know.
        assert_eq!(
            seal(&key, DocumentKind::Jpeg.to_byte(), PDF),
            Err(consent_crypto::CryptoError::KindMismatch
                .message_key()
                .to_owned())
        );
        assert_eq!(seal(&key, 0, PDF), Err(UNKNOWN_KIND.to_owned()));
    }
}
