//! The stable error codes (`TV0102`, ...): every code the source uses is documented in the
//! README's table of error codes, and the table documents no code the source does not have.

use std::collections::BTreeSet;
use std::path::Path;

/// Every `TV` followed by four digits in `text`.
fn codes_in(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("TV") {
        let digits = &b[i + 2..(i + 6).min(b.len())];
        let next = b.get(i + 6).copied().unwrap_or(b' ');
        if digits.len() == 4 && digits.iter().all(u8::is_ascii_digit) && !next.is_ascii_digit() {
            out.insert(text[i..i + 6].to_string());
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_error_code_in_the_source_is_documented_in_the_readme() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut in_source = BTreeSet::new();
    for f in &files {
        in_source.extend(codes_in(&std::fs::read_to_string(f).unwrap()));
    }
    // The policy, waiver and registry codes at least.
    for area in ["TV01", "TV02", "TV03"] {
        assert!(
            in_source.iter().any(|c| c.starts_with(area)),
            "no {area}xx code in src/"
        );
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("\n### Error codes\n")
        .expect("README has a section 'Error codes'");
    let section = &readme[start + 1..];
    let end = section[4..].find("\n#").map_or(section.len(), |e| e + 4);
    let section = &section[..end];
    assert!(
        section.contains("| code | meaning | what to do |"),
        "no table"
    );
    // A row per code: `| `TV0102` | meaning | what to do |`, each cell filled in.
    let mut documented = BTreeSet::new();
    for row in section.lines().filter(|l| l.starts_with("| `TV")) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").collect();
        assert_eq!(cells.len(), 3, "a row has code, meaning, what to do: {row}");
        assert!(
            cells.iter().all(|c| c.trim().len() > 2),
            "an empty cell: {row}"
        );
        let code = cells[0].trim().trim_matches('`').to_string();
        assert!(documented.insert(code.clone()), "{code} documented twice");
    }
    let missing: Vec<&String> = in_source.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "codes not in the README's table: {missing:?}"
    );
    let stale: Vec<&String> = documented.difference(&in_source).collect();
    assert!(
        stale.is_empty(),
        "README documents codes the source does not have: {stale:?}"
    );
}

#[test]
fn the_code_scanner_finds_codes_and_nothing_else() {
    let found = codes_in("error[TV0102]: x; TV01023 no; TV12 no; (TV0301)");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["TV0102", "TV0301"]);
}
