//! The invitation's link carries the access code in its fragment (`#code=ABCD-EFGH-JKMN`):
//! a few lines of inline script put it into the "Zugangscode" field and take it out of the
//! address bar. Browsers never send a fragment, so the code stays out of requests and logs.
//! Without JavaScript the patient types the code as before.

use crate::i18n::use_i18n;
use crate::site::PageDescription;
use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// Fills `#entry-code` from a `#code=…` fragment when the field is empty, then removes the
/// fragment, whatever it held (also from the history entry, so "back" or a bookmark does not
/// keep the code).
const FILL_CODE_FROM_FRAGMENT: &str = r##"(function(){var h=location.hash;if(h.indexOf("#code=")!==0)return;var m=/^#code=([0-9A-Za-z-]{1,20})$/.exec(h);var f=document.getElementById("entry-code");if(m&&f&&!f.value)f.value=m[1].toUpperCase();history.replaceState(history.state,"",location.pathname+location.search);})();"##;

/// The entry page's description and the script above, with the response's CSP nonce. Placed
/// after the form, so the field exists when the script runs.
#[component]
pub fn CodeFromLink() -> impl IntoView {
    view! {
        <PageDescription text=use_i18n().t("meta-description-entry") />
        <script nonce=use_nonce()>{FILL_CODE_FROM_FRAGMENT}</script>
    }
}
