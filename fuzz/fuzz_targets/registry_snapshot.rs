//! Registry snapshots (`.tvreg`): arbitrary bytes through `tvcheck::registry::snapshot::verify`
//! with the project's key trusted. Never panics; errors are one line. (A fuzzer cannot forge a
//! signature, so this covers the container, signature and key parsing up to the signature
//! check; the unit tests cover what follows it with signed inputs.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvcheck::registry::snapshot;
use tvcheck_fuzz::assert_one_line;

fuzz_target!(|data: &[u8]| {
    let Ok(key) = snapshot::project_key() else {
        return;
    };
    if let Err(e) = snapshot::verify(data, "fuzz.tvreg", &[key]) {
        assert_one_line(&e);
    }
    let _ = snapshot::signed_digest(data);
});
