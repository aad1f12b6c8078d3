//! The frame of the logged-in area (`/praxis…`). Every page there wraps its content in
//! [`PracticeArea`]; what the frame shows around it (who is logged in, the navigation, the live
//! waiting room) belongs to the practice and waiting room domains, so the shell hands it in as
//! an [`AreaFrame`] and this module imports neither.

use super::LoadError;
use crate::error::AppError;
use leptos::prelude::*;

/// Renders the frame of the logged-in area around a page (`call_page`: the page is a call).
/// Provided as context by the shell (`App`) before any page renders.
#[derive(Clone, Copy)]
pub struct AreaFrame(pub fn(page: ChildrenFn, call_page: bool) -> AnyView);

/// Frame of every logged-in page. On the call page (`call_page`) the call comes first and the
/// waiting room after it: the doctor sees the patient without scrolling.
#[component]
pub fn PracticeArea(children: ChildrenFn, #[prop(optional)] call_page: bool) -> impl IntoView {
    match use_context::<AreaFrame>() {
        Some(AreaFrame(frame)) => frame(children, call_page),
        // Only reachable when a page renders outside the App; show nothing of the page.
        None => view! { <LoadError error=AppError::Internal /> }.into_any(),
    }
}
