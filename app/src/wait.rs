//! Waiting in the browser without blocking the page (wasm build only); the call and the
//! consent upload both use it.

use js_sys::Promise;
use wasm_bindgen_futures::JsFuture;

/// Waits without blocking the page.
pub async fn sleep_ms(ms: u32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                i32::try_from(ms).unwrap_or(i32::MAX),
            );
        }
    });
    let _ = JsFuture::from(promise).await;
}
