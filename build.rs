//! Embeds the curated registry files (`data/registry/*.toml`) and policies (`policies/*.toml`)
//! into the binary as a sorted list of (file name, contents) pairs.

use std::fmt::Write as _;
use std::path::Path;

fn embed(dir: &str, const_name: &str, out: &mut String) {
    println!("cargo:rerun-if-changed={dir}");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest).join(dir);
    let mut files: Vec<String> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml") && !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let _ = writeln!(out, "pub const {const_name}: &[(&str, &str)] = &[");
    for name in files {
        let path = root.join(&name);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            format!("{dir}/{name}"),
            path.display().to_string()
        );
    }
    let _ = writeln!(out, "];");
}

fn main() {
    let mut out = String::new();
    embed("data/registry", "REGISTRY_FILES", &mut out);
    embed("policies", "POLICY_FILES", &mut out);
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(dest, out).expect("write embedded.rs");
}
