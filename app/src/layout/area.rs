//! The frame of the logged-in area (`/praxis…`). Every page there wraps its content in
//! [`PracticeArea`]; what the frame shows around it (who is logged in, the navigation, the live
//! waiting room) belongs to the practice and waiting room domains, so the shell hands it in as
//! an [`AreaFrame`] and this module imports neither.

use super::LoadError;
use crate::error::AppError;
use leptos::prelude::*;

/// What a logged-in page needs of the frame around it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FrameKind {
    /// The live waiting room above the page and the idle warning: both islands of the
    /// practice's browser code.
    #[default]
    Live,
    /// The call page: the call first, the live waiting room after it, so the doctor sees the
    /// patient without scrolling.
    Call,
    /// A page without any script (KV-Antrag, Vertrag; issue 24): the waiting room as it was
    /// when the page was made, with a link to the live list, and the idle warning made of CSS
    /// (`practice::idle::TimedIdleWarning`).
    Static,
}

/// Renders the frame of the logged-in area around a page of the given kind. Provided as
/// context by the shell (`App`) before any page renders.
#[derive(Clone, Copy)]
pub struct AreaFrame(pub fn(page: ChildrenFn, kind: FrameKind) -> AnyView);

/// Frame of every logged-in page (see [`FrameKind`]).
#[component]
pub fn PracticeArea(children: ChildrenFn, #[prop(optional)] kind: FrameKind) -> impl IntoView {
    match use_context::<AreaFrame>() {
        Some(AreaFrame(frame)) => frame(children, kind),
        // Only reachable when a page renders outside the App; show nothing of the page.
        None => view! { <LoadError error=AppError::Internal /> }.into_any(),
    }
}
