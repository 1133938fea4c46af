//! tvcheck: checks equipment inventories against a registry of designated manufacturers.
//!
//! The pipeline runs one way: [`inventory`] reads items, [`matcher`] ties them to
//! [`registry`] entities, [`engine`] judges them as of a date, [`report`] holds the result and
//! renders it. [`check`] drives the pipeline; the `tvcheck` binary is a thin shell over it.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
// The library never writes to the terminal: what it has to say goes back to its caller (the
// binary's `cli` module prints). CI's clippy run (`-D warnings`) enforces it.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod countries;
pub mod date;
pub mod engine;
pub mod error;
pub mod escape;
pub mod installed;
pub mod inventory;
pub mod mac;
pub mod matcher;
pub mod model;
pub mod policy;
pub mod registry;
pub mod report;
pub mod source;

pub use crate::date::Date;
pub use crate::error::{Error, ErrorKind, Location, Result};
pub use crate::model::{Item, Verdict};
pub use crate::registry::Registry;
pub use crate::report::Report;
