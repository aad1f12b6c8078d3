//! The browser entry point: hydrates the interactive islands of the server-rendered page (the
//! rest of every page is plain HTML and never reaches the browser as code).

// Links the `app` crate, whose `#[island]` components export the functions the hydration
// script calls; nothing here calls into it directly.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
