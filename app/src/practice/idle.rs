//! The visible warning before an idle session ends: two minutes before, a dialog offers
//! "Angemeldet bleiben"; at the end the page moves to the login with a notice. Browser only;
//! the server ends the session on its own either way.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use std::time::Duration;

/// Shown this long before the session ends.
const WARN_BEFORE: Duration = Duration::from_secs(120);

/// Counts the idle time from page load; `minutes` is the server's idle timeout.
#[island]
pub fn IdleWarning(minutes: i64) -> impl IntoView {
    let t = use_i18n();
    let warning = RwSignal::new(false);
    let generation = RwSignal::new(0u32);
    let total = Duration::from_secs(u64::try_from(minutes.max(3)).unwrap_or(180) * 60);
    // Timers only run in the browser; each "stay" starts a new generation of timers.
    Effect::new(move |_| {
        let current = generation.get();
        set_timeout(
            move || {
                if generation.get_untracked() == current {
                    warning.set(true);
                }
            },
            total.saturating_sub(WARN_BEFORE),
        );
        set_timeout(
            move || {
                if generation.get_untracked() == current {
                    if let Some(window) = web_sys_window() {
                        let _ = window.location().set_href("/anmelden?abgelaufen");
                    }
                }
            },
            total,
        );
    });
    let stay = move |_| {
        leptos::task::spawn_local(async move {
            if super::server_fns::keep_session_alive().await.is_ok() {
                warning.set(false);
                generation.update(|g| *g += 1);
            }
        });
    };
    view! {
        <div class="idle-warning" role="alertdialog" aria-live="assertive" aria-labelledby="idle-warning-text" hidden=move || !warning.get()>
            <p id="idle-warning-text">{t.t("idle-warning")}</p>
            <button type="button" class="button primary" on:click=stay>{t.t("idle-stay")}</button>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn web_sys_window() -> Option<web_sys::Window> {
    web_sys::window()
}

#[cfg(not(feature = "hydrate"))]
fn web_sys_window() -> Option<NoWindow> {
    None
}

/// Stands in for the browser window on the server, where the timers never fire.
#[cfg(not(feature = "hydrate"))]
pub struct NoWindow;

#[cfg(not(feature = "hydrate"))]
impl NoWindow {
    fn location(&self) -> NoWindow {
        NoWindow
    }
    fn set_href(&self, _: &str) -> Result<(), ()> {
        Ok(())
    }
}
