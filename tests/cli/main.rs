//! The integration test binary: every test runs the real `tvcheck` executable in a temporary
//! folder through the small builder in `support`.

// Tests state their expectations with unwrap: a panic is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

mod architecture;
mod bad_input;
mod bench_smoke;
mod catalogue;
mod check;
mod config_file;
mod dates;
mod error_codes;
mod evasion;
mod fail_closed;
mod formats;
mod formats_in;
mod fs_faults;
mod gating;
mod golden;
mod html_browser;
mod identification;
mod inventory;
mod inventory_sources;
mod jobs;
mod junit_schema;
mod law_grid;
mod matching_eval;
mod merge;
mod never_destroy;
mod output_paths;
mod policy;
mod props;
mod readme;
mod registry;
mod registry_fcc;
mod registry_history;
mod registry_trust;
mod registry_views;
mod snapshot;
mod streaming;
mod table_view;
mod terminal;
mod text_fail_closed;
mod unidentified;
mod waivers;
mod workbook_fail_closed;
