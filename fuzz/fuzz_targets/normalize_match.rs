//! Name normalisation and matching on arbitrary UTF-8: `normalize` never panics, is
//! idempotent, and gives lowercase-ASCII, single-spaced, trimmed output; the matcher over
//! the embedded registry (built once) never panics on the string as vendor and as model, nor
//! on the two halves of the input split at its first NUL. The character readings (invisible
//! code points, bidi display order, look-alike letters) never leave an invisible code point
//! or a bidi control behind, and a disguised candidate always says how.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tvcheck::matcher::chars;
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

    assert!(
        !once.chars().any(chars::is_default_ignorable),
        "invisible code point left in {once:?}"
    );
    for r in chars::readings(s) {
        assert!(
            !r.text.chars().any(chars::is_default_ignorable),
            "invisible code point left in the reading {:?} of {s:?}",
            r.text
        );
        assert!(!r.mappings.is_empty(), "a reading of {s:?} without mappings");
        assert!(!r.describe().is_empty());
    }
    if let Some((text, mappings, _)) = chars::lookalike_form(s) {
        assert!(!mappings.is_empty());
        // Digits are never changed by the look-alike reading.
        let digits = |t: &str| t.chars().filter(char::is_ascii_digit).count();
        assert!(digits(&text) >= digits(s), "{s:?} lost digits: {text:?}");
    }

    let m = matcher();
    let r = m.match_item(s, Some(s));
    for c in r.by_vendor.iter().chain(r.by_model.iter()) {
        assert!(
            (0.0..=1.0).contains(&c.score),
            "score {} outside [0, 1] for {s:?}",
            c.score
        );
        assert!(
            c.disguise.as_ref().is_none_or(|d| !d.is_empty()),
            "an empty disguise for {s:?}"
        );
    }
    let (vendor, model) = s.split_once('\0').unwrap_or((s, ""));
    m.match_item(vendor, (!model.is_empty()).then_some(model));
});
