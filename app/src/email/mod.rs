//! E-mail: German templates, the transactional outbox written with the change that causes a
//! message, and the worker that delivers it through the [`mailer::Mailer`] with retries.

#[cfg(feature = "ssr")]
pub mod mailer;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod templates;
