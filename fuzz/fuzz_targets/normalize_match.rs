//! Name normalisation and matching on arbitrary UTF-8: `normalize` never panics, is
//! idempotent, and gives lowercase-ASCII, single-spaced, trimmed output; the matcher over
//! the embedded registry (built once) never panics on the string as vendor and as model, nor
//! on the two halves of the input split at its first NUL.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tvcheck::matcher::normalize::normalize;
use tvcheck::matcher::Matcher;
use tvcheck::Registry;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let registry = Registry::embedded().expect("embedded registry");
        Matcher::new(&registry.data).expect("matcher")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let once = normalize(s);
    assert!(
        !once.bytes().any(|b| b.is_ascii_uppercase()),
        "uppercase ASCII in {once:?}"
    );
    assert_eq!(once.trim(), once, "leading or trailing space in {once:?}");
    assert!(!once.contains("  "), "double space in {once:?}");
    let twice = normalize(&once);
    assert_eq!(twice, once, "normalize is not idempotent on {s:?}");

    let m = matcher();
    let r = m.match_item(s, Some(s));
    for c in r.by_vendor.iter().chain(r.by_model.iter()) {
        assert!(
            (0.0..=1.0).contains(&c.score),
            "score {} outside [0, 1] for {s:?}",
            c.score
        );
    }
    let (vendor, model) = s.split_once('\0').unwrap_or((s, ""));
    m.match_item(vendor, (!model.is_empty()).then_some(model));
});
