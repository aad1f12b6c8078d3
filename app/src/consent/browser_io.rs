//! Browser plumbing for the consent islands: reading a chosen file, uploading with progress
//! (XMLHttpRequest: `fetch` reports no upload progress), downloading bytes and JSON, and
//! showing decrypted bytes through a `blob:` address that never leaves the browser.

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, File, ProgressEvent, RequestInit, Response, Url, XmlHttpRequest,
};

/// The files picked in an `<input type="file">`.
pub fn chosen_files(input: &web_sys::HtmlInputElement) -> Vec<File> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The whole content of a picked file.
pub async fn read_file(file: &File) -> Result<Vec<u8>, JsValue> {
    let buffer = JsFuture::from(file.array_buffer()).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// A `blob:` address for bytes of this MIME type (revoke it with [`revoke`]).
pub fn object_url(bytes: &[u8], mime: &str) -> Option<String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    Url::create_object_url_with_blob(&blob).ok()
}

pub fn revoke(url: &str) {
    let _ = Url::revoke_object_url(url);
}

/// The answer of an upload: HTTP status and body text.
pub struct Uploaded {
    pub status: u16,
    pub body: String,
}

/// POSTs `bytes` to `url`, reporting the share sent so far (0.0–1.0) to `progress`.
pub async fn upload(
    url: &str,
    bytes: &[u8],
    progress: impl Fn(f64) + 'static,
) -> Result<Uploaded, JsValue> {
    let xhr = XmlHttpRequest::new()?;
    xhr.open_with_async("POST", url, true)?;
    xhr.set_request_header("Content-Type", "application/octet-stream")?;
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress(event.loaded() / event.total());
        }
    });
    xhr.upload()?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    let done = {
        let xhr = xhr.clone();
        Promise::new(&mut |resolve, reject| {
            xhr.set_onload(Some(&resolve));
            xhr.set_onerror(Some(&reject));
            xhr.set_onabort(Some(&reject));
        })
    };
    xhr.send_with_opt_buffer_source(Some(&Uint8Array::from(bytes)))?;
    let result = JsFuture::from(done).await;
    // The progress callback lives until the request is over.
    drop(on_progress);
    result?;
    Ok(Uploaded {
        status: xhr.status()?,
        body: xhr.response_text()?.unwrap_or_default(),
    })
}

async fn get(url: &str) -> Result<Response, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let init = RequestInit::new();
    init.set_method("GET");
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    if response.ok() {
        Ok(response)
    } else {
        Err(JsValue::from_f64(f64::from(response.status())))
    }
}

/// GETs bytes (same origin, with the session cookie).
pub async fn get_bytes(url: &str) -> Result<Vec<u8>, JsValue> {
    let buffer = JsFuture::from(get(url).await?.array_buffer()?).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// GETs JSON.
pub async fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, JsValue> {
    let text = JsFuture::from(get(url).await?.text()?).await?;
    let text = text.as_string().unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// POSTs JSON; the HTTP status comes back.
pub async fn post_json<T: serde::Serialize>(url: &str, body: &T) -> Result<u16, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let text = serde_json::to_string(body).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&text));
    let headers = web_sys::Headers::new()?;
    headers.set("Content-Type", "application/json")?;
    init.set_headers(&headers);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    Ok(response.status())
}

/// Lets the page paint (a progress message) before a long computation such as Argon2id.
pub async fn yield_to_browser() {
    crate::wait::sleep_ms(30).await;
}

/// Why [`seal`] gave no sealed document.
pub enum SealError {
    /// The seal module could not be loaded, started or run (no connection, a page older than
    /// the server's update, a crash): the upload may be tried again, with the module loaded
    /// anew.
    Unavailable,
    /// The module refused the document: the Fluent key of the message to show.
    Refused(String),
}

/// `bytes` (a document of `kind`) sealed to the practice's key by the seal module
/// (`consent-seal`), which `globalThis.sprechzimmerSeal()` (`layout::scripts::SEAL_LOADER`)
/// loads on the first call; the bundles do not carry the encryption themselves.
pub async fn seal(
    public_key: &str,
    kind: consent_format::document::DocumentKind,
    bytes: &[u8],
) -> Result<Vec<u8>, SealError> {
    let function = |target: &JsValue, name: &str| {
        js_sys::Reflect::get(target, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    };
    let load = function(&js_sys::global(), "sprechzimmerSeal").ok_or(SealError::Unavailable)?;
    // A module that crashed (or answered with something else than bytes) is not used again.
    let forget = || {
        if let Some(reset) = function(&load, "reset") {
            let _ = reset.call0(&load);
        }
        SealError::Unavailable
    };
    let loading = load
        .call0(&JsValue::NULL)
        .ok()
        .and_then(|p| p.dyn_into::<Promise>().ok())
        .ok_or(SealError::Unavailable)?;
    // A failed load has already reset the loader.
    let module = JsFuture::from(loading)
        .await
        .map_err(|_| SealError::Unavailable)?;
    let seal = function(&module, "seal").ok_or_else(forget)?;
    let input = Uint8Array::from(bytes);
    let sealed = seal.call3(
        &JsValue::NULL,
        &JsValue::from_str(public_key),
        &JsValue::from(kind.to_byte()),
        &input,
    );
    drop(input);
    match sealed {
        Ok(sealed) => sealed
            .dyn_into::<Uint8Array>()
            .map(|sealed| sealed.to_vec())
            .map_err(|_| forget()),
        Err(thrown) => match thrown.as_string() {
            Some(key) => Err(SealError::Refused(key)),
            None => Err(forget()),
        },
    }
}
