//! The page frame every domain's pages use: the heading with the document title, the message
//! when loading failed, the query flags after a redirect and the frame of the logged-in area.
//! It knows no domain; what the logged-in frame shows comes from the shell (see [`AreaFrame`]).

mod area;
mod page;
mod scripts;

pub use area::{AreaFrame, FrameKind, PracticeArea};
pub use page::{
    has_flag, query_value, title_text, ErrorNotice, LoadError, PageTitle, WaitingCountTitle,
};
pub use scripts::{island_ready, stylesheet_href, BrowserCode, Bundle, IslandScripts, NotLoaded};
