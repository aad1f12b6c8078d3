//! Sprechzimmer: components, server functions and types shared by the server and the browser.
#![recursion_limit = "256"]

pub mod appointment;
pub mod calendar;
pub mod call;
#[cfg(feature = "ssr")]
pub mod client_address;
#[cfg(feature = "ssr")]
pub mod clock;
pub mod consent;
pub mod contract;
pub mod email;
#[cfg(feature = "ssr")]
pub mod entities;
pub mod error;
pub mod fields;
pub mod forms;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod kept;
pub mod kv_forms;
#[cfg(test)]
mod layering;
pub mod layout;
#[cfg(feature = "ssr")]
pub mod maintenance;
pub mod markup;
pub mod paths;
pub mod patient;
#[cfg(feature = "ssr")]
pub mod pdf;
pub mod policy;
pub mod practice;
pub mod public_page;
#[cfg(feature = "ssr")]
pub mod settings;
pub mod signalling;
pub mod site;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod time;
#[cfg(feature = "ssr")]
pub mod transaction;
#[cfg(feature = "hydrate")]
pub mod wait;
pub mod waiting_room;
#[cfg(feature = "ssr")]
pub mod web;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::calendar::pages::{AppointmentPage, CalendarSettingsPage, NewAppointmentPage, WeekPage};
use crate::i18n::{provide_i18n, use_i18n};
use crate::practice::account_pages::{InvitationPage, SecurityPage, TeamPage};
use crate::practice::pages::{
    ForgotPasswordPage, LinkInvalidPage, LoginPage, PracticeHomePage, RechnungsdatenPage,
    RegisterPage, RegisterSentPage, ResetPasswordPage, SecondFactorPage, StammdatenPage,
    VerifyEmailPage,
};
use crate::site::{
    ImpressumPage, LandingPage, Layout, PrivacyPage, ProcessingAgreementPage, StatusPage, TermsPage,
};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Islands mode: only islands hydrate, so nothing rendered outside them is serialized into
    // the page (Leptos' hydration scripts did this in the head; they now come with the islands,
    // see `layout::IslandScripts`, and a resource created before them would put its data, e.g.
    // the week's patient names, into a script of the page).
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let lang = provide_i18n().locale.tag();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: page language, metadata and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    if use_context::<i18n::I18n>().is_none() {
        provide_i18n();
    }
    // The frame of the logged-in pages: the practice's navigation, with the live waiting room
    // handed in here so neither domain imports the other (see `layout::AreaFrame`).
    provide_context(layout::AreaFrame(|page, kind| {
        practice::area::practice_frame(page, kind, waiting_room::panel::live_panel)
    }));
    let t = use_i18n();
    view! {
        <Stylesheet id="leptos" href=layout::stylesheet_href() />
        // leptos_meta writes the title unescaped: escaped here once for every page.
        <Title formatter=move |page: String| layout::title_text(t, &page) />
        <Router>
            <Layout>
                // Every page is rendered completely before it is sent (`SsrMode::Async`):
                // out-of-order streaming adds a script that moves late content into place — a
                // script on pages that need none, and content left hidden without JavaScript.
                <Routes fallback=StatusPage>
                    <Route path=path!("") view=LandingPage ssr=SsrMode::Async />
                    <Route path=path!("nutzungsbedingungen") view=TermsPage ssr=SsrMode::Async />
                    <Route path=path!("auftragsverarbeitung") view=ProcessingAgreementPage ssr=SsrMode::Async />
                    <Route path=path!("datenschutz") view=PrivacyPage ssr=SsrMode::Async />
                    <Route path=path!("impressum") view=ImpressumPage ssr=SsrMode::Async />
                    <Route path=path!("videosprechstunde") view=crate::patient::pages::EntryPage ssr=SsrMode::Async />
                    <Route path=path!("videosprechstunde/raum") view=crate::patient::pages::PatientRoomPage ssr=SsrMode::Async />
                    <Route path=path!("registrieren") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("registrieren/gesendet") view=RegisterSentPage ssr=SsrMode::Async />
                    <Route path=path!("registrieren/link-ungueltig") view=LinkInvalidPage ssr=SsrMode::Async />
                    <Route path=path!("registrieren/bestaetigen") view=VerifyEmailPage ssr=SsrMode::Async />
                    <Route path=path!("anmelden") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("anmelden/zweiter-faktor") view=SecondFactorPage ssr=SsrMode::Async />
                    <Route path=path!("passwort-vergessen") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("passwort-neu") view=ResetPasswordPage ssr=SsrMode::Async />
                    // Async: the logged-in pages load their data in Suspense; the whole page (with its
                    // <title>) is rendered before the first byte, so it is complete without JavaScript.
                    <Route path=path!("praxis") view=PracticeHomePage ssr=SsrMode::Async />
                    <Route path=path!("praxis/stammdaten") view=StammdatenPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/rechnungsdaten") view=RechnungsdatenPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/vertrag") view=crate::contract::pages::VertragPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/vertrag/kuendigen") view=crate::contract::pages::CancelContractPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/vertrag/widerrufen") view=crate::contract::pages::RevokeCancellationPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/sicherheit") view=SecurityPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/team") view=TeamPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/termine") view=WeekPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/termine/neu") view=NewAppointmentPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/termine/einstellungen") view=CalendarSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/termin/:id") view=AppointmentPage ssr=SsrMode::Async />
                    // Where the guest forms post to: a refused form shows the same page again.
                    <Route path=path!("praxis/termin/:id/personen") view=AppointmentPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/einwilligungen") view=crate::consent::pages::ConsentsPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/einwilligung/:id") view=crate::consent::pages::ConsentPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/protokoll") view=crate::consent::pages::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/kv-antrag") view=crate::kv_forms::pages::KvApplicationPage ssr=SsrMode::Async />
                    <Route path=path!("praxis/praxisseite") view=crate::public_page::pages::PracticePageSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("praxen/:kurzname") view=crate::public_page::pages::PublicPracticePage ssr=SsrMode::Async />
                    <Route path=path!("praxis/gespraech/:id") view=crate::waiting_room::pages::CallPage ssr=SsrMode::Async />
                    <Route path=path!("einladung") view=InvitationPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
