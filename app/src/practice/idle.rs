//! The visible warning before an idle session ends: two minutes before, a dialog offers
//! "Angemeldet bleiben"; at the end the page moves to the login with a notice. Browser only;
//! the server ends the session on its own either way.
//!
//! A consultation is never cut by it: while a part of the page marks itself with
//! [`KEEPS_SESSION`] (the doctor's call, the waiting list while somebody waits), the session is
//! renewed on the server instead of warning, and no timer navigates away.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use std::time::Duration;

/// Shown this long before the session ends.
const WARN_BEFORE: Duration = Duration::from_secs(120);
/// A failed renewal of a busy page is tried again after this long.
const RETRY_AFTER: Duration = Duration::from_secs(30);

/// The attribute a page part sets while the practice works with it: a call in progress, the
/// waiting list with patients waiting. Its value says why (for tests and debugging).
pub const KEEPS_SESSION: &str = "data-keeps-session";

/// Counts the idle time from page load; `minutes` is the server's idle timeout.
// An island where the server renders it and in the `practice` browser bundle; a plain (unused,
// so dropped) component in the other bundle (see `layout::scripts::Bundle`).
#[cfg_attr(any(not(feature = "hydrate"), feature = "islands-practice"), island)]
#[cfg_attr(all(feature = "hydrate", not(feature = "islands-practice")), component)]
pub fn IdleWarning(minutes: i64) -> impl IntoView {
    let t = use_i18n();
    let warning = RwSignal::new(false);
    let generation = RwSignal::new(0u32);
    let total = session_length(minutes);
    // Renews the server's session and starts the timers anew; a busy page keeps trying.
    let renew = move || {
        leptos::task::spawn_local(async move {
            if super::server_fns::keep_session_alive().await.is_ok() {
                warning.set(false);
                generation.update(|g| *g += 1);
            } else if browser::page_is_busy() {
                let current = generation.get_untracked();
                set_timeout(
                    move || {
                        if generation.get_untracked() == current {
                            generation.update(|g| *g += 1);
                        }
                    },
                    RETRY_AFTER,
                );
            }
        });
    };
    // Timers only run in the browser; each renewal starts a new generation of timers.
    Effect::new(move |_| {
        let current = generation.get();
        set_timeout(
            move || {
                if generation.get_untracked() != current {
                    return;
                }
                if browser::page_is_busy() {
                    renew();
                } else {
                    warning.set(true);
                }
            },
            total.saturating_sub(WARN_BEFORE),
        );
        set_timeout(
            move || {
                if generation.get_untracked() != current {
                    return;
                }
                if browser::page_is_busy() {
                    // A call began after the warning: renew rather than cut it.
                    renew();
                } else {
                    browser::go_to(&format!("{}?abgelaufen", crate::paths::LOGIN));
                }
            },
            total,
        );
    });
    let stay = move |_| renew();
    view! {
        <div class="idle-warning" role="alertdialog" aria-live="assertive" aria-labelledby="idle-warning-text" hidden=move || !warning.get()>
            <p id="idle-warning-text">{t.t("idle-warning")}</p>
            <button type="button" class="button primary" on:click=stay>{t.t("idle-stay")}</button>
        </div>
    }
}

/// The server's idle timeout (`minutes`, at least three) as a duration.
fn session_length(minutes: i64) -> Duration {
    Duration::from_secs(u64::try_from(minutes.max(3)).unwrap_or(180) * 60)
}

/// The idle warning of a page without any script (see [`crate::layout::FrameKind::Static`]):
/// CSS shows it [`WARN_BEFORE`] the session ends, and when it has ended a notice covering the
/// page says so with a link to the login (animations delayed by a style element with the
/// page's CSP nonce). No `<meta http-equiv="refresh">`: a timed refresh fails WCAG 2.2.1 (F41,
/// axe `meta-refresh`). "Angemeldet bleiben" loads the page again: the request renews the
/// session on the server and both clocks start anew.
#[component]
pub fn TimedIdleWarning(minutes: i64) -> impl IntoView {
    let t = use_i18n();
    let total = session_length(minutes).as_secs();
    let warn_after = total.saturating_sub(WARN_BEFORE.as_secs());
    let here = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let delays = format!(
        "div.idle-warning.timed{{animation-delay:{warn_after}s}}div.idle-ended{{animation-delay:{total}s}}"
    );
    view! {
        <leptos_meta::Style>{delays}</leptos_meta::Style>
        <div class="idle-warning timed" role="alertdialog" aria-labelledby="idle-warning-text">
            <p id="idle-warning-text">{t.t("idle-warning")}</p>
            <a class="button primary" href=here>{t.t("idle-stay")}</a>
        </div>
        <div class="idle-ended" role="alertdialog" aria-labelledby="idle-ended-text">
            <p id="idle-ended-text">{t.t("login-notice-expired")}</p>
            <a class="button primary" href=format!("{}?abgelaufen", crate::paths::LOGIN)>{t.t("idle-log-in-again")}</a>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::KEEPS_SESSION;

    /// Whether a part of the page holds the session open ([`KEEPS_SESSION`]).
    pub fn page_is_busy() -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&format!("[{KEEPS_SESSION}]")).ok())
            .flatten()
            .is_some()
    }

    /// Moves the page to `href`.
    pub fn go_to(href: &str) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_href(href);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    //! On the server the island only renders; its timers never fire.

    pub fn page_is_busy() -> bool {
        false
    }
    pub fn go_to(_: &str) {}
}
