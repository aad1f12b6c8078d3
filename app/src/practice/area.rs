//! The practice's part of the logged-in frame: who is logged in, the navigation with logout,
//! the contract banner and the idle warning. The shell puts it around every `/praxis…` page
//! (see [`crate::layout::AreaFrame`]).

use super::server_fns::load_session_info;
use super::types::SessionInfo;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::layout::{FrameKind, LoadError};
use leptos::prelude::*;
use leptos_router::components::A;

/// The practice area's pages in the menu: address, text key, whether only a manager sees it,
/// whether only the address itself (not the pages under it) makes it current.
const PRACTICE_LINKS: [(&str, &str, bool, bool); 10] = [
    // "Übersicht" is the current page on /praxis only, not on every page under it.
    (crate::paths::PRACTICE, "practice-home-title", false, true),
    (crate::paths::WEEK, "calendar-title", false, false),
    (crate::paths::CONSENTS, "consents-title", false, false),
    (crate::paths::KV_APPLICATION, "kv-title", false, false),
    (
        crate::paths::PUBLIC_PAGE_SETTINGS,
        "public-settings-title",
        false,
        false,
    ),
    (crate::paths::STAMMDATEN, "stammdaten-title", false, false),
    (
        crate::paths::RECHNUNGSDATEN,
        "rechnungsdaten-title",
        true,
        false,
    ),
    (crate::paths::CONTRACT, "vertrag-title", true, false),
    (crate::paths::TEAM, "team-title", true, false),
    (crate::paths::SECURITY, "security-title", false, false),
];

/// Whether the page at `path` is `href` or (unless `exact`) a page under it.
fn is_current(href: &str, path: &str, exact: bool) -> bool {
    path == href
        || (!exact
            && path
                .strip_prefix(href)
                .is_some_and(|rest| rest.starts_with('/')))
}

/// The links of the practice area (shown as a row on wide screens and in the menu on phones),
/// the one of the page at `path` marked current. Plain links: the router's `<A>` made a
/// reactive owner and memo per link, twenty per page, a sixth of an empty week page's time.
fn practice_links(manager: bool, path: &str) -> impl IntoView {
    let t = use_i18n();
    PRACTICE_LINKS
        .into_iter()
        .filter(|(_, _, managers_only, _)| manager || !managers_only)
        .map(|(href, key, _, exact)| {
            let current = is_current(href, path, exact).then_some("page");
            view! { <li><a href=href aria-current=current>{t.t(key)}</a></li> }
        })
        .collect_view()
}

/// Navigation of the logged-in area with the logout button. Phones get the links folded into a
/// "Menü" (`<details>`, works without JavaScript), so the page starts right below one row;
/// wider screens show them as a row. Only one of the two is displayed (CSS), so assistive
/// technology meets the links once.
/// `scripts`: whether the page loads the practice's browser code (the idle warning is an
/// island then; without it, CSS shows the warning and then that the session has ended).
#[component]
fn PracticeNav(info: SessionInfo, scripts: bool) -> impl IntoView {
    let t = use_i18n();
    let manager = info.role.manages_practice();
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let (practice_name, display_name, role) = (
        info.practice_name.clone(),
        info.display_name.clone(),
        info.role,
    );
    let who = move || {
        view! {
            <strong>{practice_name.clone()}</strong> " · " {display_name.clone()} " (" {use_i18n().t(role.label_key())} ")"
        }
    };
    view! {
        <nav class="practice-nav" aria-label=t.t("practice-nav-label")>
            <div class="practice-bar">
                <p class="practice-who">{who()}</p>
                <details class="practice-menu">
                    <summary>{t.t("practice-menu")}</summary>
                    <p class="practice-who-menu">{who()}</p>
                    <ul class="practice-links">{practice_links(manager, &path)}</ul>
                </details>
                <form method="post" action=crate::paths::LOGOUT class="inline-form logout">
                    <button type="submit" class="button small">{t.t("logout-submit")}</button>
                </form>
            </div>
            <ul class="practice-links practice-links-wide">{practice_links(manager, &path)}</ul>
        </nav>
        {info.contract_ends_on.clone().map(|date| view! {
            <p class="notice contract-banner" role="note">
                {use_i18n().t_with("contract-banner", &[("date", &date)])}
                {manager.then(|| view! { " " <A href=crate::paths::CONTRACT>{use_i18n().t("contract-banner-link")}</A> })}
            </p>
        })}
        {if scripts {
            view! {
                <super::idle::IdleWarning minutes=info.idle_minutes />
                <crate::layout::IslandScripts bundle=crate::layout::Bundle::Practice />
            }.into_any()
        } else {
            view! { <super::idle::TimedIdleWarning minutes=info.idle_minutes /> }.into_any()
        }}
    }
}

/// The practice's frame of the logged-in area (see [`crate::layout::AreaFrame`]): loads who is
/// logged in, then shows nav, the waiting room (for those who hold calls) and the page.
/// `panel` starts loading the waiting room's data as the frame is created, alongside who is
/// logged in and the page's own data, and returns its view for the page's kind. On the call
/// page the call comes first and the waiting room after it: the doctor sees the patient
/// without scrolling.
pub fn practice_frame(
    page: ChildrenFn,
    kind: FrameKind,
    panel: fn(FrameKind) -> Callback<(), AnyView>,
) -> AnyView {
    let info = Resource::new_blocking(|| (), |_| load_session_info());
    let panel = panel(kind);
    let (call_page, scripts) = (kind == FrameKind::Call, kind != FrameKind::Static);
    let children = StoredValue::new(page);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(Some(info)) => {
                        let holds_calls = info.role.holds_calls();
                        view! {
                            <PracticeNav info scripts />
                            {(holds_calls && !call_page).then(|| panel.run(()))}
                            {children.read_value()()}
                            {(holds_calls && call_page).then(|| panel.run(()))}
                        }.into_any()
                    }
                    Ok(None) => view! { <LoadError error=AppError::Unauthorized /> }.into_any(),
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn a_menu_link_is_current_on_its_page_and_the_pages_under_it() {
        for (href, path, exact, current) in [
            ("/praxis", "/praxis", true, true),
            ("/praxis", "/praxis/termine", true, false),
            ("/praxis/termine", "/praxis/termine", false, true),
            ("/praxis/termine", "/praxis/termine/neu", false, true),
            (
                "/praxis/termine",
                "/praxis/termine/einstellungen",
                false,
                true,
            ),
            // Another word that begins alike is another page.
            ("/praxis/termine", "/praxis/termin/1f0c", false, false),
            ("/praxis/team", "/praxis/teamfoo", false, false),
            ("/praxis/vertrag", "/praxis", false, false),
        ] {
            assert_eq!(is_current(href, path, exact), current, "{href} on {path}");
        }
    }
}
