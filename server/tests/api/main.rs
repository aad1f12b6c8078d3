//! Integration tests against the real server on port 0 with a fresh database per test.
//! The database is SQLite unless `SPRECHZIMMER_TEST_DATABASE=postgres` (scripts/test.sh runs
//! this suite once for each).

mod accounts;
mod assets;
mod auth_abuse;
mod calendar;
mod calendar_cache;
mod call_signalling;
mod column_lengths;
mod concurrent_writes;
mod consent;
mod contract;
mod data_at_rest;
mod database;
mod dates;
mod group_call;
mod guest_waiting_room;
mod guests;
mod health;
mod helpers;
mod html;
mod http_limits;
mod instances;
mod kv_forms;
mod maintenance;
mod native_call;
mod pages;
mod passes;
mod paths;
mod patient_entry;
mod public_page;
mod safe_defaults;
mod second_factor;
mod security;
mod sessions;
mod shutdown;
mod signal_socket;
mod smtp;
mod team;
mod turn;
mod turn_credentials;
mod turn_hostile;
mod waiting_room;
