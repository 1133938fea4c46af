//! Embeds the curated registry files (`data/registry/*.toml`) and policies (`policies/*.toml`)
//! into the binary as a sorted list of (file name, contents) pairs, and prepares the IEEE
//! listing (`data/ieee/`) for reading without parsing work at start-up: organisations
//! deduplicated and numbered, assignments pointing to them, and the index of distinctive name
//! cores, each as plain tab-separated lines in `OUT_DIR`.

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
    let _ = writeln!(out, "pub(crate) const {const_name}: &[(&str, &str)] = &[");
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

/// Splits one line of `data/ieee/assignments.csv` (`registry,prefix,bits,organization,country,
/// placeholder`; the organisation may be quoted with doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The IEEE tables: `ieee-orgs.tsv` (one organisation per line: name, country, the registry
/// and prefix of its first real block; the line number is its index), `ieee-assignments.tsv` (registry, prefix, organisation index,
/// placeholder; sorted by prefix, real holders first) and `ieee-cores.tsv` (the distinctive
/// core of a normalised organisation name, the organisation; a core shared by organisations of
/// different countries is left out). A core is the name key's words without the generic ones
/// (`matcher::weights::is_generic`: two letters or fewer, a digit, or used by at least
/// `GENERIC_SPREAD` differently named organisations) and without places; the library's unit
/// tests check that this agrees with the matcher's own test.
fn ieee(root: &Path, out_dir: &Path) {
    for f in [
        "data/ieee/assignments.csv",
        "data/ieee/name-index.tsv",
        "data/company-words.csv",
        "data/places.txt",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let assignments = read("data/ieee/assignments.csv");
    let mut orgs: Vec<(String, String)> = Vec::new();
    let mut seen: std::collections::HashMap<(String, String), usize> = Default::default();
    let mut rows: Vec<(String, String, usize, String)> = Vec::new();
    for line in assignments.lines().skip(1) {
        let f = csv_fields(line);
        if f.len() != 6 {
            continue;
        }
        let key = (f[3].clone(), f[4].clone());
        let org = *seen.entry(key.clone()).or_insert_with(|| {
            orgs.push(key);
            orgs.len() - 1
        });
        rows.push((f[0].clone(), f[1].clone(), org, f[5].clone()));
    }
    rows.sort_by(|a, b| (&a.1, !a.3.is_empty()).cmp(&(&b.1, !b.3.is_empty())));
    let mut first: Vec<Option<(String, String)>> = vec![None; orgs.len()];
    for (registry, prefix, org, placeholder) in &rows {
        if placeholder.is_empty() && first[*org].is_none() {
            first[*org] = Some((registry.clone(), prefix.clone()));
        }
    }
    let mut text = String::new();
    for ((name, country), first) in orgs.iter().zip(&first) {
        let (registry, prefix) = first.clone().unwrap_or_default();
        let _ = writeln!(
            text,
            "{}\t{country}\t{registry}\t{prefix}",
            name.replace(['\t', '\n'], " ")
        );
    }
    std::fs::write(out_dir.join("ieee-orgs.tsv"), &text).expect("write ieee-orgs.tsv");
    text.clear();
    for (registry, prefix, org, placeholder) in &rows {
        let _ = writeln!(text, "{registry}\t{prefix}\t{org}\t{placeholder}");
    }
    std::fs::write(out_dir.join("ieee-assignments.tsv"), &text)
        .expect("write ieee-assignments.tsv");
    // Cores.
    let spread: std::collections::HashMap<&str, u32> = {
        let words = Box::leak(read("data/company-words.csv").into_boxed_str());
        words
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut p = l.split(',');
                let w = p.next()?;
                let _count = p.next()?;
                Some((w, p.next()?.parse().ok()?))
            })
            .collect()
    };
    let places_text = read("data/places.txt");
    let places: std::collections::HashSet<&str> = places_text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    const GENERIC_SPREAD: u32 = 10;
    let generic = |w: &str| {
        w.chars().count() <= 2
            || w.chars().any(|c| c.is_ascii_digit())
            || spread.get(w).copied().unwrap_or(0) >= GENERIC_SPREAD
    };
    let mut cores: std::collections::BTreeMap<String, Option<usize>> = Default::default();
    for line in read("data/ieee/name-index.tsv").lines() {
        let Some((key, org)) = line.split_once('\t') else {
            continue;
        };
        let Ok(org) = org.parse::<usize>() else {
            continue;
        };
        if !key.contains(' ') {
            continue;
        }
        let words: Vec<&str> = key.split(' ').collect();
        let core: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !generic(w) && !places.contains(w))
            .collect();
        if core.is_empty() || core.len() == words.len() {
            continue;
        }
        let country = |o: usize| orgs.get(o).map(|x| x.1.as_str());
        let core = core.join(" ");
        match cores.get(&core) {
            None => {
                cores.insert(core, Some(org));
            }
            Some(Some(other)) if country(*other) != country(org) => {
                cores.insert(core, None);
            }
            Some(_) => {}
        }
    }
    text.clear();
    for (core, org) in cores {
        if let Some(org) = org {
            let _ = writeln!(text, "{core}\t{org}");
        }
    }
    std::fs::write(out_dir.join("ieee-cores.tsv"), &text).expect("write ieee-cores.tsv");
}

/// The git commit the binary is built from (`unknown` outside a git checkout) and the build
/// date (`SOURCE_DATE_EPOCH` when set, for reproducible builds; else today, UTC), for
/// `tvcheck --version`.
fn provenance(manifest: &Path) {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(manifest)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some();
    println!(
        "cargo:rustc-env=TVCHECK_GIT_COMMIT={commit}{}",
        if dirty {
            " (with uncommitted changes)"
        } else {
            ""
        }
    );
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        let dir = manifest.join(dir);
        for f in ["HEAD", "index", "packed-refs", "refs/heads"] {
            println!("cargo:rerun-if-changed={}", dir.join(f).display());
        }
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    println!("cargo:rustc-env=TVCHECK_BUILD_DATE={year:04}-{month:02}-{day:02}");
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    provenance(Path::new(&manifest));
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    ieee(Path::new(&manifest), &out_dir);
    let mut out = String::new();
    embed("data/registry", "REGISTRY_FILES", &mut out);
    embed("policies", "POLICY_FILES", &mut out);
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(dest, out).expect("write embedded.rs");
}
