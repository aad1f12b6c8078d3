//! `sprechzimmer-bindgen <input.wasm> <out-dir> <out-name>`: what
//! `wasm-bindgen --target web --no-typescript --out-name <out-name> --out-dir <out-dir> <input.wasm>`
//! does (the same library with the CLI's defaults), writing `<out-name>.js` and
//! `<out-name>_bg.wasm`.
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, out_name] = args.as_slice() else {
        eprintln!("usage: sprechzimmer-bindgen <input.wasm> <out-dir> <out-name>");
        return ExitCode::from(2);
    };
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    let generated = bindgen
        .input_path(input)
        .web(true)
        .map(|b| {
            b.typescript(false)
                .demangle(true)
                .omit_default_module_path(false)
                .out_name(out_name)
        })
        .and_then(|b| b.generate(out_dir));
    match generated {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sprechzimmer-bindgen: {error:?}");
            ExitCode::FAILURE
        }
    }
}
