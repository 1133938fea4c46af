//! Policy files: arbitrary UTF-8 through `tvcheck::policy::parse_policy`, validated
//! against the embedded registry (built once). Never panics; errors are one line.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tvcheck::Registry;
use tvcheck_fuzz::assert_one_line;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::embedded().expect("embedded registry"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) =
        tvcheck::policy::parse_policy(Path::new("fuzz.toml"), text, registry(), "fuzz.toml")
    {
        assert_one_line(&e);
    }
});
