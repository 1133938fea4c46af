//! Embeds the curated registry files (`data/registry/*.toml`) and policies (`policies/*.toml`)
//! into the binary as a sorted list of (file name, contents) pairs, and prepares the IEEE
//! listing (`data/ieee/`) and the matcher's word lists (`data/company-words.csv`,
//! `data/places.txt`, `data/pinyin-syllables.txt`) for use without parsing or hashing at
//! start-up: tables of plain integers over one text each, with perfect hashes computed here
//! (`phf_generator`), in `OUT_DIR` (read by `src/matcher/table.rs`).

use std::fmt::Write as _;
use std::path::Path;

/// A word used by at least this many differently named companies is generic (the matcher's
/// `weights::GENERIC_SPREAD`; a unit test checks they agree).
const GENERIC_SPREAD: u32 = 10;

/// The text of a compiled table (`src/matcher/table.rs`): strings one after the other, each
/// added once; a string is referred to by its (offset, length).
#[derive(Default)]
struct Text {
    text: String,
    seen: std::collections::HashMap<String, (usize, usize)>,
}

impl Text {
    fn add(&mut self, s: &str) -> (usize, usize) {
        if let Some(&at) = self.seen.get(s) {
            return at;
        }
        let at = (self.text.len(), s.len());
        self.text.push_str(s);
        self.seen.insert(s.to_string(), at);
        at
    }
}

/// Rust source of a `StrMap` (`src/matcher/table.rs`) named `name` with values of type `ty`:
/// the perfect hash of `entries`' keys (`phf_generator`, seeded: the same keys always give the
/// same table) and, per slot, the key's place in the table's text and the value (as Rust
/// source).
fn str_map(name: &str, ty: &str, entries: &[(&str, String)]) -> String {
    let keys: Vec<&str> = entries.iter().map(|e| e.0).collect();
    let mut text = Text::default();
    let places: Vec<(usize, usize)> = keys.iter().map(|k| text.add(k)).collect();
    let mut out = format!("pub(crate) static {name}: StrMap<{ty}> = StrMap {{\n");
    if keys.is_empty() {
        out.push_str("    key: 0,\n    disps: &[],\n    slots: &[],\n    text: \"\",\n};\n");
        return out;
    }
    let state = phf_generator::generate_hash(&keys);
    let _ = writeln!(out, "    key: {},", state.key);
    out.push_str("    disps: &[");
    for (d1, d2) in &state.disps {
        let _ = write!(out, "({d1}, {d2}), ");
    }
    out.push_str("],\n    slots: &[\n");
    for &i in &state.map {
        let (o, l) = places[i];
        let _ = writeln!(out, "        ({o}, {l}, {}),", entries[i].1);
    }
    let _ = writeln!(out, "    ],\n    text: {:?},\n}};", text.text);
    out
}

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

/// The IEEE tables, prepared so that start-up parses nothing: `ieee-tables.rs` holds the
/// organisations as a static array (`PREPARED_ORGS`: name, country, the registry and prefix of
/// its first real block; the position is its index), the distinctive name cores as a
/// compile-time perfect-hash map (`CORES`: the core of a normalised organisation name -> the
/// organisation; a core shared by organisations of different countries is left out) and the
/// name index as a static array sorted by key (`NAME_INDEX_LINES`, from
/// `data/ieee/name-index.tsv`); `ieee-assignments.tsv` holds the assignments (registry, prefix,
/// organisation index, placeholder; sorted by prefix, real holders first), read only for MAC
/// lookups. A core is the name key's words without the generic ones
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
    // The organisations as rows of a `StrRows` (no parsing at start-up): the name, then the
    // country, the registry (1 + its index in MA-L, MA-M, MA-S, IAB; 0 for none) and the
    // prefix of its first real block, the strings in the same text.
    let mut org_text = Text::default();
    let mut tables = String::from(
        "static PREPARED_ORGS: StrRows<(u32, u32, u8, u32, u32)> = StrRows {\n    rows: &[\n",
    );
    for ((name, country), first) in orgs.iter().zip(&first) {
        let (no, nl) = org_text.add(name);
        let (co, cl) = org_text.add(country);
        let (r, (po, pl)) = match first {
            Some((r, p)) if !p.is_empty() => match registry_number(r) {
                Some(r) => (r, org_text.add(p)),
                None => (0, (0, 0)),
            },
            _ => (0, (0, 0)),
        };
        let _ = writeln!(
            tables,
            "        ({no}, {nl}, ({co}, {cl}, {r}, {po}, {pl})),"
        );
    }
    let _ = writeln!(tables, "    ],\n    text: {:?},\n}};", org_text.text);
    let mut text = String::new();
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
    let cores: Vec<(&str, String)> = cores
        .iter()
        .filter_map(|(core, org)| Some((core.as_str(), org.as_ref()?.to_string())))
        .collect();
    tables.push_str(&str_map("CORES", "u32", &cores));
    // The name index, sorted by key in the file (its freshness test compares it with the
    // generator's sorted output).
    let mut key_text = Text::default();
    tables.push_str("static NAME_INDEX_ROWS: StrRows<u32> = StrRows {\n    rows: &[\n");
    for line in read("data/ieee/name-index.tsv").lines() {
        if let Some((key, org)) = line.split_once('\t') {
            if let Ok(org) = org.parse::<u32>() {
                let (o, l) = key_text.add(key);
                let _ = writeln!(tables, "        ({o}, {l}, {org}),");
            }
        }
    }
    let _ = writeln!(tables, "    ],\n    text: {:?},\n}};", key_text.text);
    std::fs::write(out_dir.join("ieee-tables.rs"), &tables).expect("write ieee-tables.rs");
}

/// The number of an IEEE registry in the organisation rows: 1 + its index in `Registry::ALL`.
fn registry_number(name: &str) -> Option<u8> {
    match name {
        "MA-L" => Some(1),
        "MA-M" => Some(2),
        "MA-S" => Some(3),
        "IAB" => Some(4),
        _ => None,
    }
}

/// The matcher's word lists as compiled tables (`StrMap`, `src/matcher/table.rs`) in `words.rs`,
/// so that start-up hashes nothing: `WORDS` (`data/company-words.csv`: word -> (names holding it, spread)),
/// `GENERIC` (its words with a spread of at least `GENERIC_SPREAD`), `PLACES`
/// (`data/places.txt`) and `PINYIN` (`data/pinyin-syllables.txt`).
fn word_lists(root: &Path, out_dir: &Path) {
    for f in [
        "data/company-words.csv",
        "data/places.txt",
        "data/pinyin-syllables.txt",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let mut words: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
    for line in read("data/company-words.csv").lines().skip(1) {
        let mut parts = line.split(',');
        if let (Some(w), Some(c), Some(s)) = (parts.next(), parts.next(), parts.next()) {
            if let (Ok(c), Ok(s)) = (c.parse::<u32>(), s.parse::<u32>()) {
                words.insert(w.to_string(), (c, s));
            }
        }
    }
    let entries: Vec<(&str, String)> = words
        .iter()
        .map(|(w, (c, s))| (w.as_str(), format!("({c}, {s})")))
        .collect();
    let mut out = str_map("WORDS", "(u32, u32)", &entries);
    let generic: Vec<(&str, String)> = words
        .iter()
        .filter(|(_, (_, s))| *s >= GENERIC_SPREAD)
        .map(|(w, _)| (w.as_str(), "()".to_string()))
        .collect();
    out.push_str(&str_map("GENERIC", "()", &generic));
    for (name, file) in [
        ("PLACES", "data/places.txt"),
        ("PINYIN", "data/pinyin-syllables.txt"),
    ] {
        let text = read(file);
        let lines: std::collections::BTreeSet<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect();
        let entries: Vec<(&str, String)> =
            lines.into_iter().map(|l| (l, "()".to_string())).collect();
        out.push_str(&str_map(name, "()", &entries));
    }
    std::fs::write(out_dir.join("words.rs"), out).expect("write words.rs");
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
    word_lists(Path::new(&manifest), &out_dir);
    let mut out = String::new();
    embed("data/registry", "REGISTRY_FILES", &mut out);
    embed("policies", "POLICY_FILES", &mut out);
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(dest, out).expect("write embedded.rs");
}
