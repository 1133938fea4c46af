//! Waivers files: arbitrary UTF-8 through `tvcheck::policy::waiver::Waivers::parse`.
//! Never panics; errors are one line.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tvcheck::policy::waiver::Waivers;
use tvcheck_fuzz::assert_one_line;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = Waivers::parse(Path::new("waivers.toml"), text) {
        assert_one_line(&e);
    }
});
