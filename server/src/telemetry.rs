//! Logging with `tracing`: human-readable locally, JSON in production. `RUST_LOG` overrides the
//! configured filter. Request bodies, query strings and cookies are never logged.

use app::settings::LogSettings;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub fn init(settings: &LogSettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let registry = tracing_subscriber::registry().with(filter);
    // A second init (tests) keeps the first subscriber.
    let _ = if settings.json {
        registry
            .with(fmt::layer().json().with_current_span(true))
            .try_init()
    } else {
        registry.with(fmt::layer().with_target(false)).try_init()
    };
}
