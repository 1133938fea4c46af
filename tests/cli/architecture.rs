//! The import graph of the library follows the pipeline (ARCHITECTURE.md, "Invariants"):
//! every module refers only to modules of lower layers, so there is no loop and no arrow from
//! a reader to a later stage or from the registry to the inventory readers.

use std::collections::BTreeSet;
use std::path::Path;

/// The library's top-level modules by layer: a module may use those of lower layers only.
const LAYERS: &[(&str, u8)] = &[
    ("escape", 0),
    ("date", 0),
    ("mac", 0),
    ("error", 1),
    ("countries", 1),
    ("source", 2),
    ("model", 2),
    ("installed", 3),
    ("inventory", 4),
    ("registry", 4),
    ("matcher", 5),
    ("policy", 5),
    ("engine", 6),
    ("report", 7),
    ("check", 8),
    // The command-line front end uses the library through `tvcheck::`, never `crate::`.
    ("cli", 9),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Every `crate::NAME` a file or folder refers to (doc links included).
fn references(path: &Path, out: &mut BTreeSet<String>) {
    if path.is_dir() {
        for e in std::fs::read_dir(path).unwrap() {
            references(&e.unwrap().path(), out);
        }
        return;
    }
    if path.extension().is_none_or(|e| e != "rs") {
        return;
    }
    let text = std::fs::read_to_string(path).unwrap();
    for (i, _) in text.match_indices("crate::") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = text[i + 7..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
}

#[test]
fn modules_use_only_the_stages_before_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut seen = 0;
    for e in std::fs::read_dir(&src).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "main" || name == "lib" {
            continue;
        }
        let Some(own) = layer(&name) else {
            wrong.push(format!(
                "src/{name}: not in LAYERS (tests/cli/architecture.rs): give it its layer"
            ));
            continue;
        };
        seen += 1;
        let mut uses = BTreeSet::new();
        references(&path, &mut uses);
        for used in uses.iter().filter(|u| **u != name) {
            match layer(used) {
                Some(l) if l < own => {}
                _ => wrong.push(format!("{name} (layer {own}) uses crate::{used}")),
            }
        }
    }
    assert!(seen >= 15, "only {seen} modules found in {}", src.display());
    assert!(
        wrong.is_empty(),
        "arrows against the pipeline:\n{}",
        wrong.join("\n")
    );
}
