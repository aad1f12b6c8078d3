//! The browser code (`<site>/pkg/<output name>.{js,wasm,css}`), served under names that carry
//! its content hash (`sprechzimmer.3f9c0a1b2d4e.wasm`) and cached by browsers for a year
//! (`immutable`): a phone fetches it once per release instead of revalidating it on every page.
//! At start the server reads the three files, names the build by their SHA-256, and compresses
//! them once in the background (brotli -q 11, gzip -9); until that is done they go out as
//! they are (the compression layer compresses on the fly). Leptos is given the hashed name as
//! its output name, so the hydration script and the stylesheet link point at it; an old
//! page asking for an earlier build's name gets 404 (its HTML was never cached: `no-store`).
//! Nothing is renamed on disk, so an operator deploys the site directory as it is built.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, OnceLock};

/// Immutable for a year: the name changes with the content.
pub const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// One file of the browser code, with its compressed forms once they are ready.
struct Asset {
    content_type: &'static str,
    raw: axum::body::Bytes,
    br: OnceLock<axum::body::Bytes>,
    gzip: OnceLock<axum::body::Bytes>,
}

/// The browser code of this build.
pub struct Assets {
    /// `<output name>.<hash>`: what Leptos puts into the page.
    versioned_name: String,
    /// The plain `<output name>`: still answered, but revalidated (`no-cache`).
    plain_name: String,
    /// By extension: `js`, `wasm`, `css`.
    files: HashMap<&'static str, Asset>,
}

const KINDS: [(&str, &str); 3] = [
    ("js", "text/javascript; charset=utf-8"),
    ("wasm", "application/wasm"),
    ("css", "text/css; charset=utf-8"),
];

impl Assets {
    /// Reads `<pkg_dir>/<output_name>.{js,wasm,css}`; `None` when the site has no browser build
    /// (tests without wasm), and then pages point at the plain names as before.
    pub fn load(pkg_dir: &std::path::Path, output_name: &str) -> Option<Arc<Self>> {
        let mut files = HashMap::new();
        let mut hash = Sha256::new();
        for (extension, content_type) in KINDS {
            let raw = std::fs::read(pkg_dir.join(format!("{output_name}.{extension}"))).ok()?;
            hash.update(extension.as_bytes());
            hash.update((raw.len() as u64).to_le_bytes());
            hash.update(&raw);
            files.insert(
                extension,
                Asset {
                    content_type,
                    raw: raw.into(),
                    br: OnceLock::new(),
                    gzip: OnceLock::new(),
                },
            );
        }
        let digest = hash.finalize();
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        Some(Arc::new(Self {
            versioned_name: format!("{output_name}.{hex}"),
            plain_name: output_name.to_owned(),
            files,
        }))
    }

    /// The output name Leptos gets: `<output name>.<hash>`.
    pub fn versioned_name(&self) -> &str {
        &self.versioned_name
    }

    /// Compresses every file once, on a blocking thread; the largest (the wasm) last.
    pub fn compress_in_background(self: &Arc<Self>) {
        let assets = self.clone();
        tokio::task::spawn_blocking(move || {
            for extension in ["css", "js", "wasm"] {
                if let Some(asset) = assets.files.get(extension) {
                    let _ = asset.br.set(brotli_11(&asset.raw));
                    let _ = asset.gzip.set(gzip_9(&asset.raw));
                }
            }
            tracing::info!(name = %assets.versioned_name, "browser code compressed");
        });
    }

    /// Which file `name` asks for, and whether by its versioned name: `<versioned name>.<ext>`
    /// (or `…_bg.wasm`, the name Leptos uses when the server was not built by cargo-leptos),
    /// or the plain `<output name>.<ext>`.
    fn lookup(&self, name: &str) -> Option<(&Asset, bool)> {
        let (rest, versioned) = match name.strip_prefix(self.versioned_name.as_str()) {
            Some(rest) => (rest, true),
            None => (name.strip_prefix(self.plain_name.as_str())?, false),
        };
        let rest = rest
            .strip_prefix("_bg")
            .filter(|r| *r == ".wasm")
            .unwrap_or(rest);
        self.files
            .get(rest.strip_prefix('.')?)
            .map(|a| (a, versioned))
    }
}

fn brotli_11(raw: &[u8]) -> axum::body::Bytes {
    let mut out = Vec::with_capacity(raw.len() / 3);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        // Writing into a Vec cannot fail.
        let _ = writer.write_all(raw);
    }
    out.into()
}

fn gzip_9(raw: &[u8]) -> axum::body::Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(raw.len() / 3),
        flate2::Compression::best(),
    );
    let _ = encoder.write_all(raw);
    encoder.finish().unwrap_or_default().into()
}

/// Whether the request accepts `coding` (a q of 0 refuses it).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            parts.next().is_some_and(|c| c.eq_ignore_ascii_case(coding))
                && !parts.any(|p| p.replace(' ', "").starts_with("q=0") && !p.contains("q=0."))
        })
}

async fn serve(
    State(assets): State<Arc<Assets>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some((asset, versioned)) = assets.lookup(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (body, coding) = match (asset.br.get(), asset.gzip.get()) {
        (Some(br), _) if accepts(&headers, "br") => (br.clone(), Some("br")),
        (_, Some(gz)) if accepts(&headers, "gzip") => (gz.clone(), Some("gzip")),
        _ => (asset.raw.clone(), None),
    };
    let mut response = Response::new(Body::from(body));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    let cache = if versioned { CACHE_FOREVER } else { "no-cache" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(coding) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    response
}

/// `/pkg/<name>`: the three files by their versioned or plain names; anything deeper under
/// `/pkg/` stays with the static files.
pub fn routes<S>(assets: Arc<Assets>, pkg_dir: &str) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(&format!("/{pkg_dir}/{{name}}"), get(serve))
        .with_state(assets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
            h
        };
        assert!(accepts(&with("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&with("gzip;q=1.0, br;q=0.5"), "br"));
        assert!(!accepts(&with("gzip, br;q=0"), "br"));
        assert!(accepts(&with("gzip, br;q=0.1"), "br"));
        assert!(!accepts(&with("gzip"), "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn compressed_forms_decompress_to_the_file() {
        use std::io::Read as _;
        let raw = b"fn main() { println!(\"Hallo\"); }".repeat(100);
        let mut back = Vec::new();
        brotli::Decompressor::new(&brotli_11(&raw)[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, raw);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gzip_9(&raw)[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, raw);
    }

    #[test]
    fn names_carry_the_content_hash_and_only_this_builds_hash_is_found() {
        let dir = tempfile::tempdir().unwrap();
        for (ext, content) in [("js", "js"), ("wasm", "wasm"), ("css", "css")] {
            std::fs::write(dir.path().join(format!("app.{ext}")), content).unwrap();
        }
        let assets = Assets::load(dir.path(), "app").unwrap();
        let name = assets.versioned_name().to_owned();
        assert!(
            name.starts_with("app.") && name.len() == "app.".len() + 12,
            "{name}"
        );
        let versioned = |n: &str| assets.lookup(n).map(|(_, v)| v);
        assert_eq!(versioned(&format!("{name}.wasm")), Some(true));
        assert_eq!(versioned(&format!("{name}_bg.wasm")), Some(true));
        assert_eq!(versioned(&format!("{name}.css")), Some(true));
        assert_eq!(versioned("app.css"), Some(false));
        assert_eq!(versioned("app.000000000000.wasm"), None);
        assert_eq!(versioned(&format!("{name}.txt")), None);
        std::fs::write(dir.path().join("app.css"), "css changed").unwrap();
        let changed = Assets::load(dir.path(), "app").unwrap();
        assert_ne!(changed.versioned_name(), name, "new content, new name");
        std::fs::remove_file(dir.path().join("app.js")).unwrap();
        assert!(Assets::load(dir.path(), "app").is_none());
    }
}
