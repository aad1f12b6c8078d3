//! The browser code over HTTP: pages point at names with the content hash, those are cached for
//! a year and sent precompressed (brotli, else gzip, else as they are); an earlier build's
//! name is gone, and the plain names are still revalidated.

use crate::helpers::{spawn_app, TEST_BUILD};
use std::io::Read as _;

/// The `/pkg/<stem>.….<extension>` address that `html` links to (`<link href>`).
fn linked(html: &str, stem: &str, extension: &str) -> String {
    crate::html::Page::parse(html)
        .attr("link[href]", "href")
        .into_iter()
        .find(|href| {
            href.starts_with(&format!("/pkg/{stem}.")) && href.ends_with(&format!(".{extension}"))
        })
        .unwrap_or_else(|| panic!("a link to /pkg/{stem}.….{extension}"))
}

/// The `/pkg/<stem>.<hash>.js` or `…_bg.wasm` address the page's island loader fetches (its
/// module script names the bundle: `("", "pkg", "<stem>.<hash>", "<stem>.<hash>_bg", false)`).
fn loaded(html: &str, stem: &str, extension: &str) -> String {
    let page = crate::html::Page::parse(html);
    let modules = page.select("script[type=module]");
    let text = crate::html::text(*modules.first().expect("a module script"));
    let start = text
        .find(&format!("\"{stem}."))
        .unwrap_or_else(|| panic!("the loader names {stem}"));
    let name: String = text[start + 1..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    match extension {
        "js" => format!("/pkg/{name}.js"),
        _ => format!("/pkg/{name}_bg.{extension}"),
    }
}

/// The seal module's `/pkg/sprechzimmer-seal.<hash>.js` or `….wasm`, as the island script's
/// `globalThis.sprechzimmerSeal` names it.
fn seal_address(html: &str, extension: &str) -> String {
    let page = crate::html::Page::parse(html);
    let modules = page.select("script[type=module]");
    let text = crate::html::text(*modules.first().expect("a module script"));
    assert!(text.contains("globalThis.sprechzimmerSeal="), "{text}");
    text.split('"')
        .find(|s| s.starts_with("/pkg/sprechzimmer-seal.") && s.ends_with(&format!(".{extension}")))
        .unwrap_or_else(|| panic!("the loader names the seal module's .{extension}"))
        .to_owned()
}

/// The hash in a versioned address: `/pkg/<stem>.<hash>[_bg].<extension>`.
fn hash_of(address: &str, stem: &str) -> String {
    let rest = address.trim_start_matches(&format!("/pkg/{stem}."));
    let hash: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(hash.len(), 12, "{address}");
    hash
}

#[tokio::test]
async fn the_browser_code_has_hashed_names_is_cached_for_a_year_and_sent_precompressed() {
    let app = spawn_app().await;
    // The landing page has an island of the patient's bundle: the stylesheet and that bundle's
    // module and wasm carry their hashes.
    let html = app.get("/").await.text().await.unwrap();
    let css = linked(&html, "sprechzimmer", "css");
    let css_hash = hash_of(&css, "sprechzimmer");
    let wasm = loaded(&html, "sprechzimmer-patient", "wasm");
    let js = loaded(&html, "sprechzimmer-patient", "js");
    let bundle_hash = hash_of(&wasm, "sprechzimmer-patient");
    assert_eq!(hash_of(&js, "sprechzimmer-patient"), bundle_hash);
    assert_ne!(css_hash, bundle_hash, "each has its own name");
    assert!(
        !html.contains("sprechzimmer-practice"),
        "the practice's code stays off a patient's page"
    );
    // The consent upload's seal module, loaded on demand: the island script names its two
    // files with their hash.
    let seal_js = seal_address(&html, "js");
    let seal_hash = hash_of(&seal_js, "sprechzimmer-seal");
    assert_eq!(
        hash_of(&seal_address(&html, "wasm"), "sprechzimmer-seal"),
        seal_hash
    );

    // Without reqwest's decompression features: the bytes arrive as sent.
    let client = reqwest::Client::new();
    let get = |path: String, coding: &'static str| {
        let client = client.clone();
        let url = format!("{}{path}", app.address);
        async move {
            client
                .get(url)
                .header("accept-encoding", coding)
                .send()
                .await
                .unwrap()
        }
    };
    // Compressed once in the background: wait until brotli is served.
    let mut tries = 0;
    let brotli = loop {
        let response = get(wasm.clone(), "gzip, deflate, br").await;
        if response
            .headers()
            .get("content-encoding")
            .is_some_and(|v| v == "br")
            || tries > 100
        {
            break response;
        }
        tries += 1;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(brotli.status(), 200, "{wasm}");
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.headers()["content-type"], "application/wasm");
    assert_eq!(
        brotli.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let original = TEST_BUILD
        .iter()
        .find(|(e, _)| *e == "patient.wasm")
        .unwrap()
        .1;
    let mut plain = Vec::new();
    brotli::Decompressor::new(&brotli.bytes().await.unwrap()[..], 4096)
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, original.as_bytes());

    let gzip = get(css.clone(), "gzip").await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert!(gzip.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&gzip.bytes().await.unwrap()[..])
        .read_to_string(&mut plain)
        .unwrap();
    assert_eq!(plain, TEST_BUILD[0].1);

    let identity = get(css.clone(), "identity").await;
    assert!(identity.headers().get("content-encoding").is_none());
    assert_eq!(identity.text().await.unwrap(), TEST_BUILD[0].1);
    // Once both forms exist the plain file is decompressed for such clients (once, a few
    // waiting at a time): thirty at once all get the whole file.
    let mut gzip_served = false;
    for _ in 0..100 {
        let gzip = get(wasm.clone(), "gzip").await;
        if gzip
            .headers()
            .get("content-encoding")
            .is_some_and(|v| v == "gzip")
        {
            gzip_served = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(gzip_served, "the gzip form is there within 2 s");
    let at_once =
        futures_util::future::join_all((0..30).map(|_| get(wasm.clone(), "identity"))).await;
    for response in at_once {
        assert_eq!(response.status(), 200);
        assert!(response.headers().get("content-encoding").is_none());
        assert_eq!(response.bytes().await.unwrap(), original.as_bytes());
    }

    let seal = get(seal_js, "identity").await;
    assert_eq!(seal.status(), 200);
    assert_eq!(
        seal.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(seal.text().await.unwrap().contains("Testaufbau Versiegeln"));

    // An earlier build's name is gone; the plain name is still there, revalidated.
    let old = get("/pkg/sprechzimmer-patient.000000000000.wasm".into(), "br").await;
    assert_eq!(old.status(), 404);
    let unhashed = get("/pkg/sprechzimmer.css".into(), "identity").await;
    assert_eq!(unhashed.status(), 200);
    assert_eq!(unhashed.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn odd_static_addresses_get_404_not_a_server_error() {
    let app = spawn_app().await;
    let long = "a".repeat(300);
    for path in [
        format!("/pkg/{long}.wasm"),
        format!("/{long}.svg"),
        format!("/pkg/x/{long}"),
        "/pkg/sprechzimmer.css/x".to_owned(),
        "/pkg/%00.css".to_owned(),
        "/..%2f..%2fetc/passwd".to_owned(),
    ] {
        let status = app.get(&path).await.status();
        assert_eq!(status, 404, "{}", &path[..path.len().min(40)]);
    }
}

/// Pages are compressed as they are rendered, brotli for a browser that takes it (quality 3:
/// the default cost more CPU than the bytes it saved, issue 24), gzip for one that takes only
/// that; the bytes decompress to the page.
#[tokio::test]
async fn pages_go_out_compressed_and_decompress_to_the_page() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let page = |coding: &'static str| {
        client
            .get(format!("{}/impressum", app.address))
            .header("accept-encoding", coding)
            .send()
    };
    let plain = page("identity").await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.text().await.unwrap();
    assert!(plain.contains("Impressum"), "{plain}");
    // The same page (its nonce differs per answer).
    let without_nonce = |html: &str| {
        html.split("nonce=\"")
            .map(|part| part.split_once('"').map_or(part, |(_, rest)| rest))
            .collect::<String>()
    };

    // What Chromium and Firefox send.
    let browser = page("gzip, deflate, br, zstd").await.unwrap();
    assert_eq!(browser.headers()["content-encoding"], "br");
    let compressed = browser.bytes().await.unwrap();
    assert!(
        compressed.len() * 3 < plain.len() * 2,
        "{} of {} bytes",
        compressed.len(),
        plain.len()
    );
    let mut unpacked = String::new();
    brotli::Decompressor::new(&compressed[..], 4096)
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(without_nonce(&unpacked), without_nonce(&plain));

    let gzip_only = page("gzip").await.unwrap();
    assert_eq!(gzip_only.headers()["content-encoding"], "gzip");
    let compressed = gzip_only.bytes().await.unwrap();
    let mut unpacked = String::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(without_nonce(&unpacked), without_nonce(&plain));
}
