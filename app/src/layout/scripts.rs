//! Script only where there are islands, and only the islands' own code: each frame that
//! renders islands renders [`IslandScripts`] once, next to them, naming its [`Bundle`] — the
//! patient's (the room, the landing page's browser check) or the practice's (the live waiting
//! room, the idle warning, the doctor's call page, the consent key and documents). Each bundle
//! is a build of the `frontend` crate with only its islands (`scripts/build.sh`), so a
//! patient's phone never downloads the practice's code. Pages without islands (the entry form,
//! the public practice pages, the legal pages, login and registration) ship no script at all;
//! `server/tests/api/pages.rs` checks for every page that it has the script exactly when it
//! has islands, and the bundle it names.

use leptos::prelude::*;

/// A browser bundle: the islands one set of pages hydrates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bundle {
    /// The patient's room (tech test, waiting room, call, consent upload) and the landing
    /// page's browser check.
    Patient,
    /// The practice area: the live waiting room, the idle warning, the doctor's call page and
    /// the consent islands.
    Practice,
}

impl Bundle {
    pub const ALL: [Bundle; 2] = [Bundle::Patient, Bundle::Practice];

    /// The part of the file names after the output name: `sprechzimmer-patient.js`.
    pub fn suffix(self) -> &'static str {
        match self {
            Bundle::Patient => "patient",
            Bundle::Practice => "practice",
        }
    }
}

/// The names of this build's browser files without extension, as the server serves them
/// (with the content hash once the server has read the build, see `server::assets`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowserCode {
    /// `sprechzimmer.3f9c0a1b2d4e` → `/pkg/sprechzimmer.3f9c0a1b2d4e.css`.
    pub stylesheet: String,
    /// `sprechzimmer-patient.0c1d2e3f4a5b` → `….js` and `…_bg.wasm`.
    pub patient: String,
    pub practice: String,
    /// `sprechzimmer-seal.…`: the consent upload's sealing (`consent-seal`), which both bundles
    /// load through `SEAL_LOADER` when a file is chosen.
    pub seal: String,
}

impl BrowserCode {
    /// The plain names, before (or without) a build on disk.
    pub fn plain(output_name: &str) -> Self {
        Self {
            stylesheet: output_name.to_owned(),
            patient: format!("{output_name}-{}", Bundle::Patient.suffix()),
            practice: format!("{output_name}-{}", Bundle::Practice.suffix()),
            seal: format!("{output_name}-seal"),
        }
    }

    pub fn bundle(&self, bundle: Bundle) -> &str {
        match bundle {
            Bundle::Patient => &self.patient,
            Bundle::Practice => &self.practice,
        }
    }
}

/// Defines `globalThis.sprechzimmerSeal()`: imports the seal module (`$JS`) and starts it with its
/// wasm (`$WASM`) once, and gives the module's exports; `sprechzimmerSeal.reset()` forgets them
/// (after a failed load, which it calls itself, or a crashed module), and the next call imports
/// the module under a new address (`?1`, `?2` …): a browser remembers a failed `import()` of an
/// address for the page's life. The island script defines it, so the import is allowed by the
/// page's CSP (a script the nonce admitted may load further scripts: `'strict-dynamic'`); the
/// upload calls it (`consent::browser_io::seal`). ES2017 like the rest of the island script: an
/// older browser's syntax error here would stop every island.
#[cfg(feature = "ssr")]
const SEAL_LOADER: &str = "globalThis.sprechzimmerSeal=(()=>{let m,n=0;const f=()=>m||(m=import($JS+(n?\"?\"+n:\"\"))\
    .then(async s=>{await s.default({module_or_path:$WASM});return s}).catch(e=>{f.reset();throw e}));\
    f.reset=()=>{m=undefined;n++};return f})();";

/// `text` as a JavaScript string literal that can stand inside a `<script>` element: JSON's
/// escapes, and `<` as `\u003c` so that no `</script>` ends the element early.
#[cfg(feature = "ssr")]
fn js_string(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_else(|_| "\"\"".to_owned())
        .replace('<', "\\u003c")
}

/// `false` where the server renders an island and until its code runs in the browser, then
/// `true`. The bundle loads when the browser is idle after the first paint, so a control that
/// works only through the island's code (a form without action, a button without a link) is
/// disabled until then: clicked earlier it did nothing, or reloaded the page.
pub fn island_ready() -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    ready
}

/// Leptos' hydration scripts for the islands of this page, loading `bundle` (server-rendered
/// only).
#[component]
pub fn IslandScripts(bundle: Bundle) -> impl IntoView {
    hydration_scripts(bundle)
}

/// Leptos' island loader (its `HydrationScripts` in islands mode) for `bundle`, without the
/// `<link rel="preload">` of the JavaScript and the WebAssembly that `HydrationScripts` puts
/// before it: the loader fetches both only when the browser is idle after the page is shown,
/// while the preloads started the ~300 KB download during the first paint, so on a slow phone
/// link the text of the page (its largest paint) waited for it (Lighthouse, issue 24: start
/// page LCP 2.4 s). The script is Leptos' own (`island_script.js`, copied from leptos 0.8.23).
#[cfg(feature = "ssr")]
fn hydration_scripts(bundle: Bundle) -> Option<impl IntoView> {
    const LOADER: &str = include_str!("island_script.js");
    use_context::<crate::state::AppState>().map(|state| {
        // Islands only: nothing outside them is serialized into the page (see `shell`).
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
        let name = state.browser_code.bundle(bundle);
        let pkg = &state.leptos_options.site_pkg_dir;
        let wasm = format!("{name}_bg");
        let seal = &state.browser_code.seal;
        let seal_loader = SEAL_LOADER
            .replace("$JS", &js_string(&format!("/{pkg}/{seal}.js")))
            .replace("$WASM", &js_string(&format!("/{pkg}/{seal}.wasm")));
        let (pkg, name, wasm) = (js_string(pkg), js_string(name), js_string(&wasm));
        let nonce = leptos::nonce::use_nonce();
        view! {
            <script type="module" nonce=nonce>
                {format!("{seal_loader}{LOADER}(\"\", {pkg}, {name}, {wasm}, false);")}
            </script>
        }
    })
}

/// In the browser the scripts are already on the page.
#[cfg(not(feature = "ssr"))]
fn hydration_scripts(_: Bundle) -> Option<()> {
    None
}

/// The stylesheet of this build: `/pkg/<name>.css`, with the content hash in the name when
/// the server found the build (see `server::assets`).
pub fn stylesheet_href() -> String {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::state::AppState>() {
        return format!(
            "/{}/{}.css",
            state.leptos_options.site_pkg_dir, state.browser_code.stylesheet
        );
    }
    "/pkg/sprechzimmer.css".to_owned()
}

/// A part of a bundle split off to load on first use (the call's code, the consent upload's,
/// the practice key's) could not be loaded: no connection when it was needed; the next try
/// loads it anew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

#[cfg(test)]
mod tests {
    use super::Bundle;

    #[test]
    #[cfg(feature = "ssr")]
    fn names_go_into_the_script_as_string_literals_that_cannot_end_it() {
        assert_eq!(super::js_string("/pkg/a.1f2e"), r#""/pkg/a.1f2e""#);
        let hostile = super::js_string("</script><script>alert(1)</script>\"\u{2028}\0");
        assert!(!hostile.contains('<'), "{hostile}");
        let back: String = serde_json::from_str(&hostile).unwrap();
        assert_eq!(back, "</script><script>alert(1)</script>\"\u{2028}\0");
        // The loader is ES2017: no `??`, `??=` or `?.` for a browser to stumble over.
        assert!(!super::SEAL_LOADER.contains("??") && !super::SEAL_LOADER.contains("?."));
    }

    /// The build scripts name the bundles once (`BUNDLES` in scripts/lib.sh, which
    /// scripts/wasm-size.sh reads too), and the frontend crate has one feature per bundle: both
    /// must be the server's list, or a page would ask for a file the build never made.
    #[test]
    fn the_build_scripts_and_the_frontend_crate_build_every_bundle_the_pages_name() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let names: Vec<&str> = Bundle::ALL.iter().map(|b| b.suffix()).collect();
        let lib = std::fs::read_to_string(format!("{root}/scripts/lib.sh")).unwrap();
        let line = lib
            .lines()
            .find_map(|l| l.strip_prefix("BUNDLES=("))
            .expect("scripts/lib.sh sets BUNDLES=(…)");
        let in_script: Vec<&str> = line.trim_end_matches(')').split_whitespace().collect();
        assert_eq!(in_script, names);
        let frontend = std::fs::read_to_string(format!("{root}/frontend/Cargo.toml")).unwrap();
        for name in names {
            assert!(
                frontend.contains(&format!("\n{name} = [\"app/islands-{name}\"]")),
                "frontend/Cargo.toml has no feature `{name}`"
            );
        }
    }
}
