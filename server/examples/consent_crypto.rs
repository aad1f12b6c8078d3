//! Timings of the consent document crypto (the code the browsers run, here natively in release)
//! and of the PDF template: key wrap/unwrap with the production Argon2id parameters, sealing and
//! opening a photo and a 10 MB document, rendering the form. Prints percentiles over N runs.
//! `cargo run --release --example consent_crypto [runs]` (scripts/bench-consent.sh).

use app::consent::document::{check_document, MAX_DOCUMENT_BYTES};
use app::consent::template::ConsentTemplate;
use consent_crypto::{self as crypto, PracticeKeys};
use std::time::Instant;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn measure(name: &str, runs: usize, mut f: impl FnMut()) {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "| {name} | {:.1} ms | {:.1} ms |",
        percentile(&times, 0.5),
        percentile(&times, 0.95)
    );
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/consent");
    let photo = std::fs::read(format!("{fixtures}/foto.png")).expect("fixture");
    let mut large = photo.clone();
    large.resize(MAX_DOCUMENT_BYTES, 0);
    let keys = PracticeKeys::generate();
    let wrapped = crypto::wrap_secret_key(&keys, "lange Praxis-Passphrase").expect("wrap");
    let public = keys.public_key_b64();
    let sealed_photo =
        crypto::seal_document(keys.public(), check_document(&photo).unwrap(), &photo).unwrap();
    let sealed_large =
        crypto::seal_document(keys.public(), check_document(&large).unwrap(), &large).unwrap();
    println!("| step ({runs} runs, native release) | p50 | p95 |\n|---|---|---|");
    measure("wrap the private key (Argon2id 19 MiB, t=2)", runs, || {
        crypto::wrap_secret_key(&keys, "lange Praxis-Passphrase").unwrap();
    });
    measure("unwrap with the passphrase", runs, || {
        crypto::unwrap_secret_key(&wrapped, &public, "lange Praxis-Passphrase").unwrap();
    });
    measure("check + seal a 335 KB photo", runs, || {
        crypto::seal_document(keys.public(), check_document(&photo).unwrap(), &photo).unwrap();
    });
    measure("open + check a 335 KB photo", runs, || {
        crypto::open_document(&keys, &sealed_photo).unwrap();
    });
    measure("seal a 10 MiB document", runs.min(10), || {
        crypto::seal_document(keys.public(), check_document(&large).unwrap(), &large).unwrap();
    });
    measure("open a 10 MiB document", runs.min(10), || {
        crypto::open_document(&keys, &sealed_large).unwrap();
    });
    let address = vec!["Marktplatz 3".to_owned(), "04109 Leipzig".to_owned()];
    measure("render the consent form (PDF, 2 pages)", runs, || {
        let pdf = ConsentTemplate {
            practice_name: "Praxis am Markt",
            practice_address: address.clone(),
            patient_name: Some("Jürgen Müßig-Öztürk"),
            practice_paragraph: Some("Bitte bringen Sie Ihre Versichertenkarte mit."),
            service_name: "Sprechzimmer",
        }
        .render();
        assert!(pdf.starts_with(b"%PDF-"));
    });
}
