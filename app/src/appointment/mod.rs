//! What every domain that deals with one appointment shares: its states and transitions
//! (`lifecycle`), the patient's typed name, the patient's pass, and finding an appointment of
//! the member's own practice. The calendar books, the waiting room admits, consent and the
//! patient's pages read; none of them needs another for that.

pub mod guest_role;
pub mod name;

#[cfg(feature = "ssr")]
pub mod lifecycle;
#[cfg(feature = "ssr")]
pub mod lookup;
#[cfg(feature = "ssr")]
pub mod pass;
