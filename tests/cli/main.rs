//! The integration test binary: every test runs the real `tvcheck` executable in a temporary
//! folder through the small builder in `support`.

mod support;

mod bad_input;
mod check;
mod inventory;
mod policy;
mod registry;
mod waivers;
