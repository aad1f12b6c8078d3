//! The script that wakes a page's islands. Only a page with islands loads it (and the
//! WebAssembly behind it): each frame that renders islands renders [`IslandScripts`] once, next
//! to them — the practice area (when it has loaded), the patient's room and the landing page's
//! browser check. Pages without islands (the entry form, the public practice pages, the legal
//! pages, login and registration) ship no script at all; `server/tests/api/pages.rs` checks
//! for every page that it has the script exactly when it has islands.

use leptos::prelude::*;

/// Leptos' hydration scripts for the islands of this page (server-rendered only).
#[component]
pub fn IslandScripts() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let scripts = use_context::<crate::state::AppState>().map(|state| {
        view! { <HydrationScripts options=state.leptos_options.clone() islands=true /> }
    });
    #[cfg(not(feature = "ssr"))]
    let scripts: Option<()> = None;
    scripts
}

/// The stylesheet of this build: `/pkg/<output name>.css`, with the content hash in the name
/// when the server found the build (see `server::assets`).
pub fn stylesheet_href() -> String {
    #[cfg(feature = "ssr")]
    let options = use_context::<crate::state::AppState>().map(|s| s.leptos_options);
    #[cfg(not(feature = "ssr"))]
    let options: Option<leptos::config::LeptosOptions> = None;
    options.map_or_else(
        || "/pkg/sprechzimmer.css".to_owned(),
        |o| format!("/{}/{}.css", o.site_pkg_dir, o.output_name),
    )
}
