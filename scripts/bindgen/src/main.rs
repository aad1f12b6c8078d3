//! `sprechzimmer-bindgen <input.wasm> <out-dir> <out-name> [--split]`: what
//! `wasm-bindgen --target web --no-typescript --out-name <out-name> --out-dir <out-dir> <input.wasm>`
//! does (the same library with the CLI's defaults), writing `<out-name>.js` and
//! `<out-name>_bg.wasm`.
//!
//! With `--split` the module is first cut at its split points (`#[wasm_split]`, see
//! `app::call::peer::start`) by `wasm_split_cli_support`, the library cargo-leptos uses for
//! Leptos' lazy code: the input must be linked with `--emit-relocs`. Then also
//! `<out-name>.split.js` (the loader the module imports, which fetches a part when its code is
//! first needed), `<out-name>.split_<part>.wasm` per part and `<out-name>.chunk_<n>.wasm` for
//! code that several parts share are written; wasm-bindgen keeps the linker's exports (memory,
//! function table, shared globals) that the parts import.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (input, out_dir, out_name, split) = match args.as_slice() {
        [input, out_dir, out_name] => (input, out_dir, out_name, false),
        [input, out_dir, out_name, flag] if flag == "--split" => (input, out_dir, out_name, true),
        _ => {
            eprintln!("usage: sprechzimmer-bindgen <input.wasm> <out-dir> <out-name> [--split]");
            return ExitCode::from(2);
        }
    };
    let out_dir = Path::new(out_dir);
    let result = if split {
        split_then_bind(Path::new(input), out_dir, out_name)
    } else {
        bind(Path::new(input), out_dir, out_name, false)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sprechzimmer-bindgen: {error}");
            ExitCode::FAILURE
        }
    }
}

fn bind(
    input: &Path,
    out_dir: &Path,
    out_name: &str,
    keep_lld_exports: bool,
) -> Result<(), String> {
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(input)
        .web(true)
        .map(|b| {
            b.typescript(false)
                .demangle(true)
                .omit_default_module_path(false)
                .out_name(out_name)
                .keep_lld_exports(keep_lld_exports)
        })
        .and_then(|b| b.generate(out_dir))
        .map_err(|e| format!("{e:?}"))
}

/// Splits `input`, binds its main part as `<out_name>` and puts the parts and their loader
/// beside it under names that start with `<out_name>.` (both bundles' parts share one
/// directory, and the server names a bundle's files by one hash).
fn split_then_bind(input: &Path, out_dir: &Path, out_name: &str) -> Result<(), String> {
    let wasm = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let work = out_dir.join(format!("{out_name}.split-work"));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let main_wasm = work.join("main.wasm");
    let link_name = format!("./{out_name}.split.js");
    let main_module = format!("./{out_name}.js");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&wasm);
        options.output_dir = &work;
        options.main_out_path = &main_wasm;
        options.link_name = &link_name;
        options.main_module = &main_module;
        options.target.web();
        options
    })
    .map_err(|e| format!("splitting {}: {e:?}", input.display()))?;
    let mut link =
        std::fs::read_to_string(work.join(&link_name)).map_err(|e| format!("the loader: {e}"))?;
    for part in &split.split_modules {
        let file = file_name(part)?;
        let named = format!("{out_name}.{file}");
        let reference = format!("\"./{file}\"");
        if !link.contains(&reference) {
            return Err(format!("the loader does not name {file}"));
        }
        link = link.replace(&reference, &format!("\"./{named}\""));
        std::fs::rename(part, out_dir.join(&named)).map_err(|e| e.to_string())?;
    }
    std::fs::write(out_dir.join(&link_name), link).map_err(|e| e.to_string())?;
    bind(&main_wasm, out_dir, out_name, true)?;
    std::fs::remove_dir_all(&work).map_err(|e| e.to_string())
}

fn file_name(path: &PathBuf) -> Result<String, String> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("no file name: {}", path.display()))
}
