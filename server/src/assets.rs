//! The browser code (`<site>/pkg/<output name>.css`, one `<output name>-<bundle>.{js,wasm}` per
//! [`Bundle`] and the consent upload's `<output name>-seal.{js,wasm}`), served under names that
//! carry its content hash (`sprechzimmer-patient.3f9c0a1b2d4e.js`) and cached by browsers for a
//! year (`immutable`): a phone fetches it once per release instead of revalidating it on every
//! page. At start the server reads the files, names each group of files by the SHA-256
//! of their files, and takes their compressed forms (brotli -q 11, gzip -9) from the build
//! (`<file>.br`, `<file>.gz`, written by `scripts/precompress.mjs`) when they decompress to the
//! file; files without them it compresses once in the background (about 3 s of one core), and until
//! that is done they go out as they are (the compression layer compresses on the fly). The pages
//! get the hashed names through [`BrowserCode`]; an old page asking for an earlier build's name
//! gets 404 (its HTML was never cached: `no-store`). Nothing is renamed on disk, so an operator
//! deploys the site directory as it is built.

use app::layout::{BrowserCode, Bundle};
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
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Immutable for a year: the name changes with the content.
pub const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// One file of the browser code, with its compressed forms once they are ready. The file
/// itself is kept only until both are (the two bundles' plain files were 2.2 MB of the
/// server's memory at rest): every browser takes brotli or gzip. The first client that takes
/// neither gets the gzip form decompressed, and the file is kept again from then on, so at
/// worst the server holds what it held before and decompresses each file once.
struct Asset {
    content_type: &'static str,
    raw: Mutex<Option<axum::body::Bytes>>,
    len: usize,
    br: OnceLock<axum::body::Bytes>,
    gzip: OnceLock<axum::body::Bytes>,
}

impl Asset {
    fn new(content_type: &'static str, path: &std::path::Path, raw: Vec<u8>) -> Self {
        let asset = Self {
            content_type,
            br: built_form(path, "br", &raw, unbrotli),
            gzip: built_form(path, "gz", &raw, ungzip),
            len: raw.len(),
            raw: Mutex::new(Some(raw.into())),
        };
        asset.forget_raw_when_compressed();
        asset
    }

    /// A file the server changed (see [`name_split_files`]): the build's compressed forms are
    /// of the file before, so it is compressed here (the bundle's script, about 35 KB, and its
    /// loader: some 50 ms at start).
    fn compressed_now(content_type: &'static str, raw: Vec<u8>) -> Self {
        Self {
            content_type,
            br: OnceLock::from(brotli_11(&raw)),
            gzip: OnceLock::from(gzip_9(&raw)),
            len: raw.len(),
            raw: Mutex::new(None),
        }
    }

    /// Drops the plain file once both compressed forms are there.
    fn forget_raw_when_compressed(&self) {
        if self.br.get().is_some() && self.gzip.get().is_some() {
            *self.raw.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }

    /// The plain file if it is kept.
    fn kept(&self) -> Option<axum::body::Bytes> {
        self.raw
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The plain file: kept, or decompressed from the gzip form and kept from now on. Blocks
    /// for a few milliseconds when it decompresses.
    fn plain(&self) -> Option<axum::body::Bytes> {
        let mut raw = self.raw.lock().unwrap_or_else(PoisonError::into_inner);
        if raw.is_none() {
            *raw = Some(ungzip(self.gzip.get()?, self.len)?.into());
        }
        raw.clone()
    }
}

/// The browser code of this build.
pub struct Assets {
    /// Each file by its plain name (`sprechzimmer-patient.wasm`).
    files: HashMap<String, Asset>,
    /// Each address a page may ask for (versioned, plain, and Leptos' `…_bg.wasm` form of
    /// both) → the plain name of its file, and whether the address is versioned.
    addresses: HashMap<String, (String, bool)>,
    code: BrowserCode,
    /// Blocking threads that may wait for a plain file's decompression (each file is
    /// decompressed once, see [`Asset`]): more clients without brotli or gzip wait their turn
    /// here, not in the blocking pool.
    decompressing: tokio::sync::Semaphore,
}

/// See [`Assets::decompressing`].
const DECOMPRESSING_AT_ONCE: usize = 2;

fn content_type(extension: &str) -> &'static str {
    match extension {
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        _ => "text/css; charset=utf-8",
    }
}

/// A bundle cut at its split points (`scripts/bindgen --split`) has, beside `<stem>.js` and
/// `<stem>.wasm`, this loader (`<stem>.split.js`, imported by the bundle's script) and one
/// `<stem>.split_<part>.wasm` per part, which the loader fetches when its code is first needed
/// (with `<stem>.chunk_<n>.wasm`, code that several parts share).
const SPLIT_LOADER: &str = ".split.js";

/// The split files of the bundle `stem` in `pkg_dir` (their suffixes after the stem, sorted):
/// none for a bundle without split points.
fn split_parts(pkg_dir: &std::path::Path, stem: &str) -> Vec<String> {
    let mut parts: Vec<String> = std::fs::read_dir(pkg_dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_prefix(stem).map(str::to_owned))
        .filter(|suffix| {
            suffix == SPLIT_LOADER
                || ((suffix.starts_with(".split_") || suffix.starts_with(".chunk_"))
                    && suffix.ends_with(".wasm"))
        })
        .collect();
    parts.sort();
    parts
}

/// A split bundle's script (`text`) with the addresses of its group's files (`"./<stem><suffix>"`
/// after `from` or `URL(`, as the build writes them) replaced by their versioned names: the bundle
/// imports its loader, the loader imports the bundle — by the very address the page loaded it
/// from, else the browser would start a second copy — and fetches the parts. The same string as
/// a key of the module's imports (the name the wasm asks for) stays. `None` when the script
/// names none of them (a build that no longer matches this server).
fn name_split_files(
    text: &str,
    stem: &str,
    versioned: &str,
    suffixes: &[String],
) -> Option<String> {
    let mut named = String::with_capacity(text.len() + 64);
    let mut found = false;
    let mut rest = text;
    'scan: while let Some(at) = rest.find("\"./") {
        let before = rest[..at].trim_end();
        if before.ends_with("from") || before.ends_with("URL(") {
            for suffix in suffixes {
                let plain = format!("\"./{stem}{suffix}\"");
                if rest[at..].starts_with(&plain) {
                    named.push_str(&rest[..at]);
                    named.push_str(&format!("\"./{versioned}{suffix}\""));
                    rest = &rest[at + plain.len()..];
                    found = true;
                    continue 'scan;
                }
            }
        }
        named.push_str(&rest[..at + 3]);
        rest = &rest[at + 3..];
    }
    named.push_str(rest);
    found.then_some(named)
}

impl Assets {
    /// Reads the stylesheet and the bundles under `pkg_dir`; `None` when a file is missing (a
    /// site without a browser build, as in most tests), and then pages use the plain names.
    pub fn load(pkg_dir: &std::path::Path, output_name: &str) -> Option<Arc<Self>> {
        let plain = BrowserCode::plain(output_name);
        let code = |ext: &str| vec![format!(".{ext}")];
        let mut groups = vec![(plain.stylesheet.clone(), code("css"))];
        for bundle in Bundle::ALL {
            let stem = plain.bundle(bundle).to_owned();
            let mut files = vec![".js".to_owned(), ".wasm".to_owned()];
            files.extend(split_parts(pkg_dir, &stem));
            groups.push((stem, files));
        }
        groups.push((
            plain.seal.clone(),
            vec![".js".to_owned(), ".wasm".to_owned()],
        ));
        let mut assets = Self {
            files: HashMap::new(),
            addresses: HashMap::new(),
            code: plain,
            decompressing: tokio::sync::Semaphore::new(DECOMPRESSING_AT_ONCE),
        };
        let mut versioned_stems = Vec::new();
        for (stem, suffixes) in groups {
            let mut hash = Sha256::new();
            let mut contents = Vec::new();
            for suffix in &suffixes {
                let raw = std::fs::read(pkg_dir.join(format!("{stem}{suffix}"))).ok()?;
                hash.update(suffix.trim_start_matches('.').as_bytes());
                hash.update((raw.len() as u64).to_le_bytes());
                hash.update(&raw);
                contents.push(raw);
            }
            let split = suffixes.iter().any(|s| s == SPLIT_LOADER);
            if split {
                // A split bundle's scripts go out rewritten (below): the name stands for what
                // is served, so a release that changes only the rewrite gets new names too
                // (browsers keep these files a year).
                for (suffix, raw) in suffixes.iter().zip(&contents) {
                    if suffix.ends_with(".js") {
                        let served = std::str::from_utf8(raw).ok().and_then(|text| {
                            name_split_files(text, &stem, &format!("{stem}.hash"), &suffixes)
                        });
                        hash.update(served.unwrap_or_default().as_bytes());
                    }
                }
            }
            let hex: String = hash.finalize()[..6]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let versioned = format!("{stem}.{hex}");
            for (suffix, raw) in suffixes.iter().zip(contents) {
                let file = format!("{stem}{suffix}");
                let path = pkg_dir.join(&file);
                let extension = suffix.rsplit('.').next().unwrap_or_default();
                let rewritten = split && extension == "js";
                let asset = if rewritten {
                    // The bundle and its loader name each other: by this build's names.
                    let named = String::from_utf8(raw)
                        .ok()
                        .and_then(|text| name_split_files(&text, &stem, &versioned, &suffixes));
                    let Some(named) = named else {
                        tracing::error!(file, "a split bundle's script does not name its files");
                        return None;
                    };
                    Asset::compressed_now(content_type(extension), named.into_bytes())
                } else {
                    Asset::new(content_type(extension), &path, raw)
                };
                assets.files.insert(file.clone(), asset);
                for (name, is_versioned) in [(&versioned, true), (&stem, false)] {
                    // A rewritten script names the versioned files: under its plain name it
                    // would start a second copy of the bundle that the loader could not reach.
                    if rewritten && !is_versioned {
                        continue;
                    }
                    let mut add = |address: String| {
                        assets
                            .addresses
                            .insert(address, (file.clone(), is_versioned));
                    };
                    add(format!("{name}{suffix}"));
                    if suffix == ".wasm" {
                        add(format!("{name}_bg.wasm"));
                    }
                }
            }
            versioned_stems.push(versioned);
        }
        let [stylesheet, patient, practice, seal] =
            <[String; 4]>::try_from(versioned_stems).ok()?;
        assets.code = BrowserCode {
            stylesheet,
            patient,
            practice,
            seal,
        };
        Some(Arc::new(assets))
    }

    /// The names the pages link to.
    pub fn code(&self) -> &BrowserCode {
        &self.code
    }

    /// Compresses every file the build did not compress (or whose compressed form does not
    /// match it) once, on a blocking thread; the small ones first.
    pub fn compress_in_background(self: &Arc<Self>) {
        let assets = self.clone();
        if assets
            .files
            .values()
            .all(|a| a.br.get().is_some() && a.gzip.get().is_some())
        {
            tracing::info!(code = ?assets.code, "browser code compressed (by the build)");
            return;
        }
        tokio::task::spawn_blocking(move || {
            let mut files: Vec<&Asset> = assets.files.values().collect();
            files.sort_by_key(|a| a.len);
            for asset in files {
                // Kept until both forms exist, so it is still there.
                let Some(raw) = asset.kept() else { continue };
                if asset.br.get().is_none() {
                    let _ = asset.br.set(brotli_11(&raw));
                }
                if asset.gzip.get().is_none() {
                    let _ = asset.gzip.set(gzip_9(&raw));
                }
                asset.forget_raw_when_compressed();
            }
            tracing::info!(code = ?assets.code, "browser code compressed");
        });
    }

    /// Which file `name` asks for, and whether by its versioned name.
    fn lookup(&self, name: &str) -> Option<(&Asset, bool)> {
        let (file, versioned) = self.addresses.get(name)?;
        self.files.get(file).map(|a| (a, *versioned))
    }
}

/// The build's compressed form of a file (`<file>.br`, `<file>.gz`, written by
/// `scripts/precompress.mjs`), if it is there and decompresses to exactly the file: a stale
/// or damaged one is not sent, the server compresses the file itself.
fn built_form(
    path: &std::path::Path,
    suffix: &str,
    raw: &[u8],
    decompress: fn(&[u8], usize) -> Option<Vec<u8>>,
) -> OnceLock<axum::body::Bytes> {
    let form = OnceLock::new();
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{suffix}"));
    if let Ok(compressed) = std::fs::read(&name) {
        if decompress(&compressed, raw.len()).as_deref() == Some(raw) {
            let _ = form.set(compressed.into());
        } else {
            tracing::warn!(file = ?name, "compressed form does not match its file, not used");
        }
    }
    form
}

/// Decompresses at most `limit + 1` bytes (enough to tell a match from a longer file).
fn read_limited(reader: impl std::io::Read, limit: usize) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut out = Vec::with_capacity(limit);
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .ok()
        .map(|_| out)
}

fn unbrotli(compressed: &[u8], limit: usize) -> Option<Vec<u8>> {
    read_limited(brotli::Decompressor::new(compressed, 4096), limit)
}

fn ungzip(compressed: &[u8], limit: usize) -> Option<Vec<u8>> {
    read_limited(flate2::read::GzDecoder::new(compressed), limit)
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

/// Whether the request accepts `coding`: named, with no weight or one above 0 (`q=0`,
/// `q=0.000` and a weight that is no number refuse it; RFC 9110, 12.4.2).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            parts.next().is_some_and(|c| c.eq_ignore_ascii_case(coding))
                && parts.all(|p| match p.split_once('=') {
                    Some((name, weight)) if name.trim().eq_ignore_ascii_case("q") => weight
                        .trim()
                        .parse::<f32>()
                        .is_ok_and(|q| q > 0.0 && q <= 1.0),
                    _ => true,
                })
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
        _ => match asset.kept() {
            Some(plain) => (plain, None),
            None => {
                // Decompressing a bundle takes a few milliseconds: off the runtime's threads,
                // a few at a time, and only once.
                let Ok(_turn) = assets.decompressing.acquire().await else {
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                };
                let file = assets.clone();
                let plain = tokio::task::spawn_blocking(move || {
                    file.lookup(&name).and_then(|(asset, _)| asset.plain())
                })
                .await;
                match plain {
                    Ok(Some(plain)) => (plain, None),
                    _ => {
                        tracing::error!("a browser code file could not be decompressed");
                        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                    }
                }
            }
        },
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

/// `/pkg/<name>`: the browser code's files by their versioned or plain names; anything deeper under
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

    /// The files of a site whose output name is `app`.
    const FILES: [&str; 7] = [
        "app.css",
        "app-patient.js",
        "app-patient.wasm",
        "app-practice.js",
        "app-practice.wasm",
        "app-seal.js",
        "app-seal.wasm",
    ];

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
        for refused in [
            "br;q=0.0",
            "br;q=0.000",
            "br; Q=0",
            "br;q = 0",
            "br;q=x",
            "br;q=-1",
        ] {
            assert!(!accepts(&with(refused), "br"), "{refused}");
        }
        assert!(accepts(&with("br;q=0.001"), "br"));
        assert!(accepts(&with("BR; Q=1"), "br"));
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
    fn the_builds_compressed_forms_are_used_only_when_they_match_their_file() {
        let dir = tempfile::tempdir().unwrap();
        for name in FILES {
            let raw = name.repeat(50);
            std::fs::write(dir.path().join(name), &raw).unwrap();
            std::fs::write(
                dir.path().join(format!("{name}.br")),
                brotli_11(raw.as_bytes()),
            )
            .unwrap();
            std::fs::write(
                dir.path().join(format!("{name}.gz")),
                gzip_9(raw.as_bytes()),
            )
            .unwrap();
        }
        // A stale form (an earlier build's) and a damaged one.
        std::fs::write(
            dir.path().join("app-patient.wasm.br"),
            brotli_11(b"an earlier build"),
        )
        .unwrap();
        std::fs::write(dir.path().join("app.css.gz"), b"not gzip").unwrap();
        // A longer file behind the same start.
        std::fs::write(
            dir.path().join("app-practice.js.br"),
            brotli_11("app-practice.js".repeat(51).as_bytes()),
        )
        .unwrap();
        let assets = Assets::load(dir.path(), "app").unwrap();
        let file = |n: &str| assets.files.get(n).unwrap();
        let wasm = file("app-practice.wasm");
        assert_eq!(
            unbrotli(wasm.br.get().expect("the build's brotli form"), 10_000).unwrap(),
            "app-practice.wasm".repeat(50).as_bytes()
        );
        assert!(
            wasm.raw.lock().unwrap().is_none(),
            "with both forms the plain file is not kept"
        );
        assert_eq!(
            wasm.plain().as_deref(),
            Some("app-practice.wasm".repeat(50).as_bytes()),
            "but decompressed"
        );
        assert!(
            wasm.raw.lock().unwrap().is_some(),
            "and kept from then on: decompressed once"
        );
        assert!(
            file("app-patient.wasm").raw.lock().unwrap().is_some(),
            "kept while a form is missing"
        );
        assert!(
            file("app-patient.wasm").br.get().is_none(),
            "stale: not used"
        );
        assert!(file("app-patient.wasm").gzip.get().is_some());
        assert!(file("app.css").gzip.get().is_none(), "damaged: not used");
        assert!(
            file("app-practice.js").br.get().is_none(),
            "longer: not used"
        );
    }

    #[test]
    fn a_split_bundle_and_its_loader_name_each_other_by_this_builds_names() {
        // As the build writes them (esbuild's output of wasm-bindgen's and the splitter's).
        let bundle = r#"import*as i1 from"./app-patient.split.js";function g(){const i={};i["./app-patient.split.js"]=i1;return i}"#;
        let loader = r#"import{initSync as s}from"./app-patient.js";const l=()=>fetch(new URL("./app-patient.split_call.wasm",import.meta.url));"#;
        let dir = tempfile::tempdir().unwrap();
        for name in FILES {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        std::fs::write(dir.path().join("app-patient.js"), bundle).unwrap();
        std::fs::write(dir.path().join("app-patient.split.js"), loader).unwrap();
        std::fs::write(dir.path().join("app-patient.split_call.wasm"), "part").unwrap();
        std::fs::write(dir.path().join("app-patient.split_call.wasm.br"), "stale").unwrap();
        let assets = Assets::load(dir.path(), "app").unwrap();
        let v = assets.code().patient.clone();
        let text = |n: &str| {
            let (asset, versioned) = assets.lookup(n).unwrap();
            assert!(versioned, "{n}");
            String::from_utf8(asset.plain().unwrap().to_vec()).unwrap()
        };
        assert_eq!(
            text(&format!("{v}.js")),
            format!(
                r#"import*as i1 from"./{v}.split.js";function g(){{const i={{}};i["./app-patient.split.js"]=i1;return i}}"#
            ),
            "the import is versioned, the wasm's import name is not"
        );
        assert_eq!(
            text(&format!("{v}.split.js")),
            format!(
                r#"import{{initSync as s}}from"./{v}.js";const l=()=>fetch(new URL("./{v}.split_call.wasm",import.meta.url));"#
            )
        );
        assert_eq!(text(&format!("{v}.split_call.wasm")), "part");
        // The rewritten scripts only under their versioned names.
        assert!(assets.lookup("app-patient.js").is_none());
        assert!(assets.lookup("app-patient.split.js").is_none());
        assert_eq!(
            assets.lookup("app-practice.js").map(|(_, v)| v),
            Some(false)
        );
        // The changed scripts go out compressed; the part's stale brotli form is not used.
        for name in [format!("{v}.js"), format!("{v}.split.js")] {
            let (asset, _) = assets.lookup(&name).unwrap();
            let br = asset.br.get().unwrap();
            assert_eq!(unbrotli(br, asset.len).unwrap(), text(&name).as_bytes());
        }
        assert!(assets
            .lookup(&format!("{v}.split_call.wasm"))
            .unwrap()
            .0
            .br
            .get()
            .is_none());
        // The part belongs to the bundle's name: a new part, a new name.
        std::fs::write(dir.path().join("app-patient.split_call.wasm"), "new part").unwrap();
        let changed = Assets::load(dir.path(), "app").unwrap();
        assert_ne!(changed.code().patient, v);
        assert_eq!(changed.code().practice, assets.code().practice);
        // A loader that names none of the files is a build this server does not fit.
        std::fs::write(
            dir.path().join("app-patient.split.js"),
            "export const x = 1;",
        )
        .unwrap();
        assert!(Assets::load(dir.path(), "app").is_none());
    }

    #[test]
    fn names_carry_the_content_hash_and_only_this_builds_hash_is_found() {
        let dir = tempfile::tempdir().unwrap();
        for name in FILES {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let assets = Assets::load(dir.path(), "app").unwrap();
        let code = assets.code().clone();
        for (name, stem) in [
            (&code.stylesheet, "app."),
            (&code.patient, "app-patient."),
            (&code.practice, "app-practice."),
            (&code.seal, "app-seal."),
        ] {
            assert!(
                name.starts_with(stem) && name.len() == stem.len() + 12,
                "{name}"
            );
        }
        let versioned = |n: &str| assets.lookup(n).map(|(_, v)| v);
        let content = |n: &str| assets.lookup(n).and_then(|(a, _)| a.plain());
        assert_eq!(versioned(&format!("{}.wasm", code.patient)), Some(true));
        assert_eq!(versioned(&format!("{}_bg.wasm", code.patient)), Some(true));
        assert_eq!(
            content(&format!("{}_bg.wasm", code.practice)).as_deref(),
            Some(&b"app-practice.wasm"[..])
        );
        assert_eq!(versioned(&format!("{}.css", code.stylesheet)), Some(true));
        assert_eq!(versioned("app.css"), Some(false));
        assert_eq!(versioned("app-patient_bg.wasm"), Some(false));
        // A bundle's hash names only its own files.
        assert_eq!(versioned(&format!("{}.css", code.patient)), None);
        assert_eq!(versioned("app-patient.000000000000.wasm"), None);
        assert_eq!(versioned(&format!("{}.txt", code.patient)), None);
        std::fs::write(dir.path().join("app-practice.js"), "changed").unwrap();
        let changed = Assets::load(dir.path(), "app").unwrap();
        assert_ne!(
            changed.code().practice,
            code.practice,
            "new content, new name"
        );
        assert_eq!(
            changed.code().patient,
            code.patient,
            "the other bundle keeps its name"
        );
        assert_eq!(
            content(&format!("{}.wasm", code.seal)).as_deref(),
            Some(&b"app-seal.wasm"[..])
        );
        std::fs::remove_file(dir.path().join("app-patient.js")).unwrap();
        assert!(Assets::load(dir.path(), "app").is_none());
    }
}
