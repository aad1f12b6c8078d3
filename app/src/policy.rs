//! Facts about how the service behaves that pages, documents and jobs must agree on.
//! Change a promise here and every text that states it changes with it.

/// Metadata of appointments and calls is deleted at the latest this many months after the fact.
pub const METADATA_RETENTION_MONTHS: u32 = 3;

/// The product name shown to users.
pub const PRODUCT_NAME: &str = "Sprechzimmer";

/// A login ends after this many hours, however active the person is.
pub const SESSION_ABSOLUTE_HOURS: i64 = 12;

/// Version of the terms of use and the AV-Vertrag a practice accepts at registration.
pub const TERMS_VERSION: &str = "2026-11";
