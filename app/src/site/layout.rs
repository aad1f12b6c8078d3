use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// The page's `<meta name="description">` for search engines; public pages set exactly one.
#[component]
pub fn PageDescription(text: String) -> impl IntoView {
    view! { <Meta name="description" content=text /> }
}

/// Header with the product name and main links, the page content, and the footer.
///
/// Inside the practice area (its own navigation logs out) and in the patient's room the
/// header offers neither "Anmelden" nor the patient entrance: both would lead out of the page
/// the person is working in. Elsewhere a logged-in member sees "Praxisbereich" instead of
/// "Anmelden".
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_i18n();
    let path = use_location().pathname.get_untracked();
    let inside = path == crate::paths::PRACTICE
        || path.starts_with(crate::paths::PRACTICE_PREFIX)
        || path.starts_with(crate::paths::ROOM);
    let main_nav = (!inside).then(|| {
        let t = use_i18n();
        // A logged-in member is offered the practice area, not a second login. Until that is
        // known (and without JavaScript on streamed pages) the header shows "Anmelden".
        let member = Resource::new(|| (), |_| crate::practice::server_fns::load_session_info());
        let login = || view! { <li><A href=crate::paths::LOGIN>{use_i18n().t("nav-login")}</A></li> };
        view! {
            <nav aria-label=t.t("nav-main-label")>
                <ul class="nav-list">
                    <li><A href=crate::paths::ENTRY>{t.t("nav-patient")}</A></li>
                    <Suspense fallback=login>
                        {move || Suspend::new(async move {
                            match member.await {
                                Ok(Some(_)) => view! { <li><A href=crate::paths::PRACTICE>{use_i18n().t("nav-practice")}</A></li> }.into_any(),
                                _ => login().into_any(),
                            }
                        })}
                    </Suspense>
                </ul>
            </nav>
        }
    });
    view! {
        <a class="skip-link" href="#inhalt">{t.t("skip-to-content")}</a>
        <header class="site-header">
            <div class="wrap header-row">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true"></span>
                    {t.t("brand")}
                </A>
                {main_nav}
            </div>
        </header>
        <main id="inhalt" class="wrap" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="wrap">
                <nav aria-label=t.t("nav-footer-label")>
                    <ul class="nav-list">
                        <li><A href=crate::paths::TERMS>{t.t("terms-title")}</A></li>
                        <li><A href=crate::paths::PRIVACY>{t.t("privacy-title")}</A></li>
                        <li><A href=crate::paths::PROCESSING_AGREEMENT>{t.t("avv-footer-link")}</A></li>
                        <li><A href=crate::paths::IMPRINT>{t.t("impressum-title")}</A></li>
                    </ul>
                </nav>
                <p class="footer-note">{t.t("footer-note")}</p>
            </div>
        </footer>
    }
}
