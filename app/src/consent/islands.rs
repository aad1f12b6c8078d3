//! The three places where consent needs the browser: setting up the practice's key pair,
//! encrypting and uploading a signed form, and opening documents with the passphrase. Keys and
//! plaintext stay in this page's memory; only public keys, wraps and ciphertext are sent.

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// One file on its way: what the list shows about it.
#[derive(Clone, Copy)]
pub struct UploadItem {
    /// 0.0–1.0 of the encrypted bytes sent.
    pub progress: RwSignal<f64>,
    /// Fluent key or final German message.
    pub state: RwSignal<UploadState>,
    pub preview: RwSignal<Option<String>>,
    pub name: StoredValue<String>,
}

/// Where one file's upload stands (set by the browser half).
#[derive(Clone, PartialEq)]
pub enum UploadState {
    Checking,
    Uploading,
    Done,
    Failed(String),
}

/// File picker that checks each file by its content, shows a preview, encrypts it for the
/// practice's `public_key` and uploads it to `endpoint` with a progress bar.
#[island]
pub fn ConsentUpload(public_key: String, endpoint: String, for_practice: bool) -> impl IntoView {
    let t = use_i18n();
    let items = RwSignal::new(Vec::<UploadItem>::new());
    let input = NodeRef::<leptos::html::Input>::new();
    let id = if for_practice {
        "consent-scan"
    } else {
        "consent-file"
    };
    let label = if for_practice {
        t.t("consent-upload-scan-label")
    } else {
        t.t("consent-upload-label")
    };
    // A file chosen before this code ran (the page is usable before its script has loaded, on a
    // slow phone for seconds) is taken up as soon as it runs, instead of being ignored.
    Effect::new({
        let (public_key, endpoint) = (public_key.clone(), endpoint.clone());
        move |_| {
            if browser::has_chosen(input) && items.with_untracked(Vec::is_empty) {
                browser::upload_chosen(input, &public_key, &endpoint, for_practice, items);
            }
        }
    });
    let on_change =
        move |_| browser::upload_chosen(input, &public_key, &endpoint, for_practice, items);
    let list = move || {
        items
            .get()
            .into_iter()
            .map(|item| {
                let t = use_i18n();
                let state_text = move || match item.state.get() {
                    UploadState::Checking => use_i18n().t("consent-upload-checking"),
                    UploadState::Uploading => use_i18n().t_with(
                        "consent-upload-progress",
                        &[("percent", &format!("{:.0}", item.progress.get() * 100.0))],
                    ),
                    UploadState::Done => use_i18n().t("consent-upload-done"),
                    UploadState::Failed(message) => message,
                };
                let failed = move || matches!(item.state.get(), UploadState::Failed(_));
                view! {
                    <li class="upload-item" class:upload-failed=failed>
                        <span class="upload-name">{item.name.get_value()}</span>
                        <progress max="100" value=move || format!("{:.0}", item.progress.get() * 100.0) aria-label=t.t("consent-upload-progress-label")></progress>
                        <span class="upload-state" role=move || if failed() { "alert" } else { "status" }>{state_text}</span>
                        {move || item.preview.get().map(|src| view! {
                            <img class="upload-preview" src=src alt=use_i18n().t("consent-upload-preview") />
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    let thanks = move || {
        let list = items.get();
        (!for_practice && list.last().is_some_and(|i| i.state.get() == UploadState::Done))
            .then(|| view! { <p class="notice success" role="status">{use_i18n().t("patient-consent-uploaded")}</p> })
    };
    view! {
        <div class="consent-upload">
            <div class="field">
                <label for=id>{label}</label>
                <p class="hint" id=format!("{id}-hint")>{t.t("consent-upload-hint")}</p>
                <input type="file" id=id node_ref=input multiple
                    accept="application/pdf,image/jpeg,image/png,image/heic,image/heif,.pdf,.jpg,.jpeg,.png,.heic,.heif"
                    aria-describedby=format!("{id}-hint") on:change=on_change />
            </div>
            <ul class="upload-list">{list}</ul>
            {thanks}
        </div>
    }
}

/// Where the key setup stands (moved on by the browser half).
#[derive(Clone, PartialEq)]
pub enum KeyStep {
    Form,
    Working,
    Failed(String),
    /// The recovery code, shown once.
    Done(String),
}

/// The owner creates the practice's key pair: a passphrase for everyday use, and a recovery
/// code shown once. The private key leaves the browser only wrapped by both.
// An island where the server renders it and in the `practice` browser bundle; a plain (unused,
// so dropped) component in the other bundle (see `layout::scripts::Bundle`).
#[cfg_attr(any(not(feature = "hydrate"), feature = "islands-practice"), island)]
#[cfg_attr(all(feature = "hydrate", not(feature = "islands-practice")), component)]
pub fn KeySetup() -> impl IntoView {
    let t = use_i18n();
    let ready = crate::layout::island_ready();
    let step = RwSignal::new(KeyStep::Form);
    let passphrase = NodeRef::<leptos::html::Input>::new();
    let repeat = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        browser::create_key(passphrase, repeat, step);
    };
    let form = move || {
        let t = use_i18n();
        match step.get() {
            KeyStep::Done(code) => view! {
                // Printed alone (style: @media print), so the sheet holds the code and the warning.
                <div class="notice success recovery-sheet" role="status">
                    <p>{t.t("consent-key-created")}</p>
                    <p>{t.t("consent-recovery-intro")}</p>
                    <p class="recovery-code"><output aria-label=t.t("consent-recovery-label")>{code}</output></p>
                    <p>{t.t("consent-recovery-warning")}</p>
                    <p class="button-row no-print">
                        <button type="button" class="button" on:click=move |_| browser::print_page()>{t.t("consent-recovery-print")}</button>
                        <a class="button primary" href=crate::paths::CONSENTS>{t.t("consent-recovery-noted")}</a>
                    </p>
                </div>
            }.into_any(),
            current => {
                let working = current == KeyStep::Working;
                let problem = match current {
                    KeyStep::Failed(message) => Some(view! { <p class="notice error" role="alert">{message}</p> }),
                    _ => None,
                };
                view! {
                    {problem}
                    <form class="form" on:submit=on_submit>
                        <div class="field">
                            <label for="consent-passphrase">{t.t("consent-passphrase-label")}</label>
                            <p class="hint" id="consent-passphrase-hint">{t.t("consent-passphrase-hint")}</p>
                            <input type="password" id="consent-passphrase" node_ref=passphrase autocomplete="new-password" minlength="12" maxlength=crate::fields::limits::PASSWORD required aria-describedby="consent-passphrase-hint" />
                        </div>
                        <div class="field">
                            <label for="consent-passphrase-repeat">{t.t("consent-passphrase-repeat")}</label>
                            <input type="password" id="consent-passphrase-repeat" node_ref=repeat autocomplete="new-password" minlength="12" maxlength=crate::fields::limits::PASSWORD required />
                        </div>
                        <button type="submit" class="button primary" disabled=move || working || !ready.get()>{t.t("consent-key-create")}</button>
                        {working.then(|| view! { <p role="status">{use_i18n().t("consent-key-working")}</p> })}
                    </form>
                }.into_any()
            }
        }
    };
    view! {
        <div class="key-setup">
            <p>{t.t("consent-key-explain")}</p>
            <p class="notice">{t.t("consent-key-tradeoff")}</p>
            <noscript><p class="notice error">{t.t("consent-needs-javascript")}</p></noscript>
            {form}
        </div>
    }
}

/// One opened document: its label and where the browser shows it.
#[derive(Clone, PartialEq)]
pub struct Opened {
    pub label: String,
    pub url: String,
    pub image: bool,
    pub file_name: String,
}

/// The document viewer's form and what it shows, for the browser half.
#[derive(Clone, Copy)]
pub struct ViewerForm {
    pub secret: NodeRef<leptos::html::Input>,
    pub new_passphrase: NodeRef<leptos::html::Input>,
    pub new_repeat: NodeRef<leptos::html::Input>,
    pub use_recovery: RwSignal<bool>,
    pub busy: RwSignal<bool>,
    pub problem: RwSignal<Option<String>>,
    pub rewrapped: RwSignal<bool>,
    pub opened: RwSignal<Vec<Opened>>,
    pub documents: StoredValue<Vec<(String, String)>>,
}

/// Opens the consent's documents in this browser: the passphrase (or the recovery code)
/// unwraps the practice's key, which decrypts each document. With the recovery code, a new
/// passphrase can be set.
// An island where the server renders it and in the `practice` browser bundle; a plain (unused,
// so dropped) component in the other bundle (see `layout::scripts::Bundle`).
#[cfg_attr(any(not(feature = "hydrate"), feature = "islands-practice"), island)]
#[cfg_attr(all(feature = "hydrate", not(feature = "islands-practice")), component)]
pub fn DocumentViewer(documents: Vec<(String, String)>) -> impl IntoView {
    let t = use_i18n();
    let ready = crate::layout::island_ready();
    let secret = NodeRef::<leptos::html::Input>::new();
    let new_passphrase = NodeRef::<leptos::html::Input>::new();
    let new_repeat = NodeRef::<leptos::html::Input>::new();
    let rewrapped = RwSignal::new(false);
    let use_recovery = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let opened = RwSignal::new(Vec::<Opened>::new());
    let documents = StoredValue::new(documents);
    let form = ViewerForm {
        secret,
        new_passphrase,
        new_repeat,
        use_recovery,
        busy,
        problem,
        rewrapped,
        opened,
        documents,
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        browser::open_documents(form);
    };
    let shown = move || {
        opened
            .get()
            .into_iter()
            .map(|o| {
                if o.image {
                    view! {
                        <figure class="consent-page">
                            <img src=o.url.clone() alt=o.label.clone() />
                            <figcaption>{o.label.clone()}</figcaption>
                        </figure>
                    }
                    .into_any()
                } else {
                    view! {
                        <p><a class="button" href=o.url.clone() download=o.file_name.clone()>{use_i18n().t_with("consent-save-file", &[("label", &o.label)])}</a></p>
                    }
                    .into_any()
                }
            })
            .collect_view()
    };
    view! {
        <section class="document-viewer" aria-labelledby="document-viewer-heading">
            <h3 id="document-viewer-heading">{t.t("consent-viewer-heading")}</h3>
            <noscript><p class="notice error">{t.t("consent-needs-javascript")}</p></noscript>
            <form class="form" on:submit=on_submit>
                <div class="field">
                    <label for="consent-secret">{move || if use_recovery.get() { use_i18n().t("consent-recovery-label") } else { use_i18n().t("consent-passphrase-label") }}</label>
                    <input type="password" id="consent-secret" node_ref=secret autocomplete="off" required maxlength=crate::fields::limits::PASSWORD />
                </div>
                <div class="field field-checkbox">
                    // Ticked before the island runs, the box would stay ticked with its fields hidden.
                    <input type="checkbox" id="consent-use-recovery" disabled=move || !ready.get() on:change=move |ev| use_recovery.set(event_target_checked(&ev)) />
                    <label for="consent-use-recovery">{t.t("consent-use-recovery")}</label>
                </div>
                <div hidden=move || !use_recovery.get()>
                    <p class="hint">{t.t("consent-new-passphrase-hint")}</p>
                    <div class="field">
                        <label for="consent-new-passphrase">{t.t("consent-new-passphrase")}</label>
                        <input type="password" id="consent-new-passphrase" node_ref=new_passphrase autocomplete="new-password" maxlength=crate::fields::limits::PASSWORD />
                    </div>
                    <div class="field">
                        <label for="consent-new-passphrase-repeat">{t.t("consent-passphrase-repeat")}</label>
                        <input type="password" id="consent-new-passphrase-repeat" node_ref=new_repeat autocomplete="new-password" maxlength=crate::fields::limits::PASSWORD />
                    </div>
                </div>
                <button type="submit" class="button primary" disabled=move || busy.get() || !ready.get()>{t.t("consent-open-documents")}</button>
                <p role="status" class="notice success" hidden=move || !rewrapped.get()>{t.t("consent-passphrase-renewed")}</p>
                <p role="status">{move || busy.get().then(|| use_i18n().t("consent-opening"))}</p>
                <p role="alert" class="field-error">{move || problem.get()}</p>
            </form>
            <div class="consent-pages">{shown}</div>
        </section>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The islands' browser half: reading, sealing and uploading files, making and unwrapping
    //! the practice's key, opening documents.
    use super::*;
    use crate::consent::types::{KeyUpload, KeyWraps};
    use crate::consent::{browser_io, crypto, document, wrapped_key};

    /// Whether `input` holds files already (chosen before the page's code ran).
    pub fn has_chosen(input: NodeRef<leptos::html::Input>) -> bool {
        input
            .get()
            .is_some_and(|element| !browser_io::chosen_files(&element).is_empty())
    }

    /// Uploads the files just chosen in `input`, one after the other, into `items`.
    pub fn upload_chosen(
        input: NodeRef<leptos::html::Input>,
        public_key: &str,
        endpoint: &str,
        for_practice: bool,
        items: RwSignal<Vec<UploadItem>>,
    ) {
        let Some(element) = input.get_untracked() else {
            return;
        };
        let files = browser_io::chosen_files(&element);
        let key = public_key.to_owned();
        let endpoint = endpoint.to_owned();
        leptos::task::spawn_local(async move {
            for file in files {
                let item = UploadItem {
                    progress: RwSignal::new(0.0),
                    state: RwSignal::new(UploadState::Checking),
                    preview: RwSignal::new(None),
                    name: StoredValue::new(file.name()),
                };
                items.update(|list| list.push(item));
                let outcome = match upload_code(file, key.clone(), endpoint.clone(), item).await {
                    Ok(upload) => upload.await,
                    Err(NotLoaded) => UploadState::Failed(use_i18n().t("consent-upload-network")),
                };
                item.state.set(outcome);
            }
            element.set_value("");
            if for_practice
                && items
                    .get_untracked()
                    .iter()
                    .all(|i| i.state.get_untracked() == UploadState::Done)
            {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            }
        });
    }

    // The upload's or the practice key's code could not be loaded (no connection when the
    // file was chosen or the form sent).
    use crate::layout::NotLoaded;

    /// Work a part of the bundle does once it is loaded.
    type Job<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

    /// Reading, checking, sealing and sending one file ([`send_file`]): a part of the browser
    /// bundle of its own, loaded when the first file is chosen (issue 24); a failed load is
    /// tried again with the next file.
    #[leptos::wasm_split::wasm_split(upload, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn upload_code(
        file: web_sys::File,
        public_key: String,
        endpoint: String,
        item: UploadItem,
    ) -> Result<Job<UploadState>, NotLoaded> {
        Ok(Box::pin(async move {
            send_file(&file, &public_key, &endpoint, item).await
        }))
    }

    /// The documents opened (and whether a new passphrase was stored), or the message why not.
    type OpenedAll = Result<(Vec<Opened>, bool), String>;

    /// Creating the practice's key ([`make_keys`]) and unwrapping it to open documents
    /// ([`open_all`]) — Argon2id, X25519, AES-GCM: one part of the practice's browser bundle,
    /// loaded when one of the two forms is sent (issue 24). The patient's bundle has neither
    /// form and links none of it (below).
    #[cfg(feature = "islands-practice")]
    #[leptos::wasm_split::wasm_split(keys, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn key_code(
        passphrase: String,
        repeat: String,
        step: RwSignal<KeyStep>,
    ) -> Result<Job<KeyStep>, NotLoaded> {
        Ok(Box::pin(async move {
            make_keys(passphrase, repeat, step).await
        }))
    }

    /// See [`key_code`].
    #[cfg(feature = "islands-practice")]
    #[leptos::wasm_split::wasm_split(keys, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn open_code(
        typed: String,
        recovery: bool,
        renewal: Option<(String, String)>,
        documents: Vec<(String, String)>,
    ) -> Result<Job<OpenedAll>, NotLoaded> {
        Ok(Box::pin(async move {
            open_all(&typed, recovery, renewal, documents).await
        }))
    }

    #[cfg(not(feature = "islands-practice"))]
    #[allow(clippy::unused_async)]
    async fn key_code(
        _: String,
        _: String,
        _: RwSignal<KeyStep>,
    ) -> Result<Job<KeyStep>, NotLoaded> {
        Err(NotLoaded)
    }

    #[cfg(not(feature = "islands-practice"))]
    #[allow(clippy::unused_async)]
    async fn open_code(
        _: String,
        _: bool,
        _: Option<(String, String)>,
        _: Vec<(String, String)>,
    ) -> Result<Job<OpenedAll>, NotLoaded> {
        Err(NotLoaded)
    }

    /// Checks the passphrase typed twice and creates the key pair.
    pub fn create_key(
        passphrase: NodeRef<leptos::html::Input>,
        repeat: NodeRef<leptos::html::Input>,
        step: RwSignal<KeyStep>,
    ) {
        let (Some(a), Some(b)) = (passphrase.get_untracked(), repeat.get_untracked()) else {
            return;
        };
        // Once: a second click while the key's code loads (or after the key is made) would make a
        // second key, whose refusal ("exists") would hide the first one's recovery code.
        if matches!(step.get_untracked(), KeyStep::Working | KeyStep::Done(_)) {
            return;
        }
        let (a, b) = (a.value(), b.value());
        step.set(KeyStep::Working);
        leptos::task::spawn_local(async move {
            let next = match key_code(a, b, step).await {
                Ok(job) => job.await,
                Err(NotLoaded) => KeyStep::Failed(use_i18n().t("consent-upload-network")),
            };
            if !matches!(step.get_untracked(), KeyStep::Done(_)) {
                step.set(next);
            }
        });
    }

    /// Opens the documents with what was typed into `form`.
    pub fn open_documents(form: ViewerForm) {
        let ViewerForm {
            secret,
            new_passphrase,
            new_repeat,
            use_recovery,
            busy,
            problem,
            rewrapped,
            opened,
            documents,
        } = form;
        let Some(input) = secret.get_untracked() else {
            return;
        };
        let typed = input.value();
        let recovery = use_recovery.get_untracked();
        // A new passphrase only together with the recovery code (the forgotten-passphrase case).
        let renewal = match (
            recovery,
            new_passphrase.get_untracked(),
            new_repeat.get_untracked(),
        ) {
            (true, Some(a), Some(b)) if !a.value().is_empty() => Some((a.value(), b.value())),
            _ => None,
        };
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let outcome = match open_code(typed, recovery, renewal, documents.get_value()).await {
                Ok(job) => job.await,
                Err(NotLoaded) => Err(use_i18n().t("consent-upload-network")),
            };
            match outcome {
                Ok((list, renewed)) => {
                    rewrapped.set(renewed);
                    opened.update(|old| old.iter().for_each(|o| browser_io::revoke(&o.url)));
                    opened.set(list);
                }
                Err(message) => problem.set(Some(message)),
            }
            busy.set(false);
        });
    }

    /// Opens the browser's print dialog (the recovery code sheet).
    pub fn print_page() {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    }

    /// Reads, checks, previews, seals and uploads one file; the final state.
    async fn send_file(
        file: &web_sys::File,
        public_key: &str,
        endpoint: &str,
        item: UploadItem,
    ) -> UploadState {
        let t = use_i18n();
        // A size far over the limit is refused before reading the file into memory.
        if file.size() > (document::MAX_DOCUMENT_BYTES as f64) * 2.0 {
            let e = document::DocumentError::TooLarge {
                bytes: file.size() as usize,
            };
            return UploadState::Failed(document_message(&e));
        }
        let Ok(bytes) = browser_io::read_file(file).await else {
            return UploadState::Failed(t.t("consent-upload-unreadable"));
        };
        let kind = match document::check_document(&bytes) {
            Ok(kind) => kind,
            Err(e) => return UploadState::Failed(document_message(&e)),
        };
        if kind.is_image() && kind != document::DocumentKind::Heic {
            item.preview
                .set(browser_io::object_url(&bytes, kind.mime()));
        }
        browser_io::yield_to_browser().await;
        let sealed = match browser_io::seal(public_key, kind, &bytes).await {
            Ok(sealed) => sealed,
            Err(browser_io::SealError::Refused(key)) => return UploadState::Failed(t.t(&key)),
            Err(browser_io::SealError::Unavailable) => {
                return UploadState::Failed(t.t("consent-upload-seal-unavailable"))
            }
        };
        drop(bytes);
        item.state.set(UploadState::Uploading);
        let progress = item.progress;
        match browser_io::upload(endpoint, &sealed, move |share| progress.set(share)).await {
            Ok(answer) if answer.status == 201 => {
                item.progress.set(1.0);
                UploadState::Done
            }
            Ok(answer) => UploadState::Failed(
                serde_json::from_str::<serde_json::Value>(&answer.body)
                    .ok()
                    .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
                    .unwrap_or_else(|| t.t("error-internal")),
            ),
            Err(_) => UploadState::Failed(t.t("consent-upload-network")),
        }
    }

    fn document_message(e: &document::DocumentError) -> String {
        message_with(e.message_key(), e.message_args())
    }

    /// The German message `key` with the owned Fluent arguments an error carries.
    fn message_with(key: &str, args: Vec<(&'static str, String)>) -> String {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        use_i18n().t_with(key, &args)
    }

    #[cfg_attr(not(feature = "islands-practice"), allow(dead_code))]
    async fn make_keys(passphrase: String, repeat: String, step: RwSignal<KeyStep>) -> KeyStep {
        let t = use_i18n();
        if let Err(e) = wrapped_key::check_passphrase(&passphrase) {
            return KeyStep::Failed(message_with(e.message_key(), e.message_args()));
        }
        if passphrase != repeat {
            return KeyStep::Failed(t.t("consent-passphrase-mismatch"));
        }
        step.set(KeyStep::Working);
        browser_io::yield_to_browser().await;
        let keys = crypto::PracticeKeys::generate();
        let code = crypto::new_recovery_code();
        let wraps = crypto::wrap_secret_key(&keys, &passphrase).and_then(|p| {
            crypto::wrap_secret_key(&keys, &crypto::normalize_recovery_code(&code)).map(|r| (p, r))
        });
        let Ok((passphrase_wrap, recovery_wrap)) = wraps else {
            return KeyStep::Failed(t.t("consent-key-wrap-failed"));
        };
        let upload = KeyUpload {
            public_key: keys.public_key_b64(),
            passphrase_wrap,
            recovery_wrap: Some(recovery_wrap),
        };
        match browser_io::post_json(crate::paths::CONSENT_KEY, &upload).await {
            Ok(204) => KeyStep::Done(code),
            Ok(409) => KeyStep::Failed(t.t("consent-error-key-exists")),
            _ => KeyStep::Failed(t.t("consent-upload-network")),
        }
    }

    /// Unwraps the key, then fetches and opens every document.
    #[cfg_attr(not(feature = "islands-practice"), allow(dead_code))]
    async fn open_all(
        typed: &str,
        recovery: bool,
        renewal: Option<(String, String)>,
        documents: Vec<(String, String)>,
    ) -> OpenedAll {
        let t = use_i18n();
        let wraps: KeyWraps = browser_io::get_json(crate::paths::CONSENT_KEY)
            .await
            .map_err(|_| t.t("consent-upload-network"))?;
        browser_io::yield_to_browser().await;
        let (wrap, secret) = if recovery {
            (&wraps.recovery_wrap, crypto::normalize_recovery_code(typed))
        } else {
            (&wraps.passphrase_wrap, typed.to_owned())
        };
        let keys = crypto::unwrap_secret_key(wrap, &wraps.public_key, &secret)
            .map_err(|e| t.t(e.message_key()))?;
        let renewed = match renewal {
            Some((passphrase, repeat)) => {
                if let Err(e) = wrapped_key::check_passphrase(&passphrase) {
                    return Err(message_with(e.message_key(), e.message_args()));
                }
                if passphrase != repeat {
                    return Err(t.t("consent-passphrase-mismatch"));
                }
                let passphrase_wrap = crypto::wrap_secret_key(&keys, &passphrase)
                    .map_err(|e| t.t(e.message_key()))?;
                let upload = KeyUpload {
                    public_key: wraps.public_key.clone(),
                    passphrase_wrap,
                    recovery_wrap: None,
                };
                match browser_io::post_json(crate::paths::CONSENT_KEY, &upload).await {
                    Ok(204) => true,
                    _ => return Err(t.t("consent-upload-network")),
                }
            }
            None => false,
        };
        let mut opened = Vec::new();
        for (index, (id, label)) in documents.into_iter().enumerate() {
            let sealed = browser_io::get_bytes(&crate::paths::consent_document(&id))
                .await
                .map_err(|_| t.t("consent-upload-network"))?;
            let (kind, bytes) =
                crypto::open_document(&keys, &sealed).map_err(|e| t.t(e.message_key()))?;
            let url =
                browser_io::object_url(&bytes, kind.mime()).ok_or_else(|| t.t("error-internal"))?;
            opened.push(Opened {
                label,
                url,
                image: kind.is_image() && kind != document::DocumentKind::Heic,
                file_name: format!("Einwilligung-{}.{}", index + 1, kind.extension()),
            });
        }
        Ok((opened, renewed))
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    //! On the server the islands only render; nothing runs.
    use super::*;

    pub fn has_chosen(_: NodeRef<leptos::html::Input>) -> bool {
        false
    }

    pub fn upload_chosen(
        _: NodeRef<leptos::html::Input>,
        _: &str,
        _: &str,
        _: bool,
        _: RwSignal<Vec<UploadItem>>,
    ) {
    }
    pub fn create_key(
        _: NodeRef<leptos::html::Input>,
        _: NodeRef<leptos::html::Input>,
        _: RwSignal<KeyStep>,
    ) {
    }
    pub fn open_documents(_: ViewerForm) {}
    pub fn print_page() {}
}
