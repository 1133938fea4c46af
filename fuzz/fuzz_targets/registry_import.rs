//! Registry import files: the bytes as TOML text (`parse_toml`) and as CSV (`parse_csv`),
//! each merged and validated against an empty registry, and the two together (CSV rows may
//! name lists the TOML defines). Never panics; errors are one line. Content that validates
//! survives a TOML export and re-import, and a CSV export and re-import, with the same digest
//! (the README's "lossless").
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tvcheck::registry::import::{merge_and_validate, parse_csv, parse_toml, ImportFile};
use tvcheck::registry::RegistryData;
use tvcheck_fuzz::assert_one_line;

fn ok_or_one_line<T>(r: tvcheck::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            assert_one_line(&e);
            None
        }
    }
}

fn merge(files: &[ImportFile]) {
    let empty = RegistryData::default();
    let Some(merged) = ok_or_one_line(merge_and_validate(&empty, files)) else {
        return;
    };
    // Export to TOML and import into an empty registry: same content, same digest.
    let text = tvcheck::registry::export::to_toml(&merged);
    let again = parse_toml(Path::new("export.toml"), &text)
        .and_then(|f| merge_and_validate(&empty, &[f]))
        .unwrap_or_else(|e| panic!("exported TOML does not import again: {e}\n{text}"));
    assert_eq!(
        again.digest(),
        merged.digest(),
        "export/import changed the content:\n{text}"
    );
    // The same through the CSV export.
    let csv = tvcheck::registry::export::to_csv(&merged).expect("CSV export");
    let again = parse_csv(Path::new("export.csv"), &csv)
        .and_then(|f| merge_and_validate(&empty, &[f]))
        .unwrap_or_else(|e| {
            panic!(
                "exported CSV does not import again: {e}\n{}",
                String::from_utf8_lossy(&csv)
            )
        });
    assert_eq!(
        again.digest(),
        merged.digest(),
        "CSV export/import changed the content:\n{}",
        String::from_utf8_lossy(&csv)
    );
}

fuzz_target!(|data: &[u8]| {
    let toml = std::str::from_utf8(data)
        .ok()
        .and_then(|text| ok_or_one_line(parse_toml(Path::new("fuzz.toml"), text)));
    let csv = ok_or_one_line(parse_csv(Path::new("fuzz.csv"), data));
    if let Some(t) = &toml {
        merge(std::slice::from_ref(t));
    }
    if let Some(c) = &csv {
        merge(std::slice::from_ref(c));
    }
    if let (Some(t), Some(c)) = (toml, csv) {
        merge(&[t, c]);
    }
});
