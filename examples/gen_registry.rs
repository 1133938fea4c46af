//! Deterministic generator of a large registry import file (TOML) for the benchmarks.
//!
//! ```sh
//! cargo run --release --example gen_registry -- --entries 5000 --aliases 20000 --seed 42 --out big.toml
//! tvcheck registry import data/registry/*.toml big.toml --db big.db
//! ```
//!
//! Writes one `[[list]]` (a synthetic list, clearly marked as not real) and `--entries`
//! vendors with `--aliases` aliases in all (names, subsidiaries, former names, upper-case
//! exports, CJK and Cyrillic spellings), model-number patterns for about a fifth of them,
//! parent links for about a tenth, and a listing on the synthetic list for `--listed` of
//! them. The names are built like `gen_inventory`'s long tail ("Velkortronix Networks
//! GmbH") but with a core that is at least three edits away from every inventory name, so
//! the inventory matches none of these entries, not even fuzzily: the benchmark measures a
//! larger index, not more findings (it prints the counts of both runs to show it).

mod bench_common;

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};

use bench_common::{legal_form, registry_core_word, sector_word, Res, Rng, CORES};

/// Index of the first former name (after the registry's own names); also the largest
/// number of entries.
const FORMER: usize = 7_000;

/// (weight, ISO code) of countries of registration.
const COUNTRIES: &[(u32, &str)] = &[
    (20, "CN"),
    (14, "US"),
    (8, "DE"),
    (5, "FR"),
    (6, "GB"),
    (6, "JP"),
    (5, "KR"),
    (5, "TW"),
    (3, "RU"),
    (3, "IN"),
    (3, "IL"),
    (3, "SE"),
    (2, "FI"),
    (2, "LT"),
    (3, "PL"),
    (3, "IT"),
    (2, "ES"),
    (3, "NL"),
    (2, "CH"),
    (2, "SG"),
    (1, "VN"),
    (1, "BR"),
    (2, "TR"),
    (1, "AE"),
];

const SUBSIDIARY_PLACES: &[(&str, &str)] = &[
    ("Deutschland", "GmbH"),
    ("Europe", "B.V."),
    ("UK", "Ltd"),
    ("France", "SAS"),
    ("Polska", "Sp. z o.o."),
    ("Lietuva", "UAB"),
    ("Nordic", "AB"),
    ("Italia", "S.r.l."),
    ("Iberia", "S.L."),
    ("USA", "Inc."),
    ("Japan", "K.K."),
    ("Asia Pacific", "Pte. Ltd."),
];

/// CJK characters for Chinese-style names: three make a distinct name for each index.
const CJK: &[char] = &[
    '华', '通', '电', '信', '科', '技', '网', '络', '数', '字', '智', '能', '光', '讯', '联', '达',
    '星', '海', '天', '宇', '创', '新', '恒', '泰', '中', '兴', '博', '瑞', '安', '盛', '云', '芯',
    '视', '像', '微', '迅', '鼎', '德', '鸿', '源', '康', '凯',
];

const CJK_PLACES: &[&str] = &["深圳市", "杭州", "上海", "北京", "广州", "苏州"];

/// Latin to Cyrillic, letter by letter (for names of Russian companies).
fn cyrillic(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'a' => 'а',
            'b' => 'б',
            'c' => 'к',
            'd' => 'д',
            'e' => 'е',
            'f' => 'ф',
            'g' => 'г',
            'h' => 'х',
            'i' => 'и',
            'j' => 'й',
            'k' => 'к',
            'l' => 'л',
            'm' => 'м',
            'n' => 'н',
            'o' => 'о',
            'p' => 'п',
            'q' => 'к',
            'r' => 'р',
            's' => 'с',
            't' => 'т',
            'u' => 'у',
            'v' => 'в',
            'w' => 'в',
            'x' => 'к',
            'y' => 'ы',
            'z' => 'з',
            other => other,
        })
        .collect()
}

/// A CJK name for index `i` (distinct for distinct i < 42³).
fn cjk_name(i: usize) -> String {
    let mut k = i % CORES;
    let mut s = String::new();
    for _ in 0..3 {
        s.push(CJK[k % CJK.len()]);
        k /= CJK.len();
    }
    s
}

fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

struct Args {
    entries: usize,
    aliases: usize,
    listed: usize,
    seed: u64,
    out: String,
}

fn usage() -> String {
    "usage: gen_registry [--entries N] [--aliases N] [--listed N] [--seed S] --out FILE|-"
        .to_string()
}

fn parse_args() -> Res<Args> {
    let mut args = Args {
        entries: 5_000,
        aliases: 20_000,
        listed: 300,
        seed: 42,
        out: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{a} needs a value\n{}", usage()))
        };
        match a.as_str() {
            "--entries" => args.entries = value()?.replace('_', "").parse()?,
            "--aliases" => args.aliases = value()?.replace('_', "").parse()?,
            "--listed" => args.listed = value()?.parse()?,
            "--seed" => args.seed = value()?.parse()?,
            "--out" => args.out = value()?,
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}\n{}", usage()).into()),
        }
    }
    if args.out.is_empty() {
        return Err(format!("--out is required\n{}", usage()).into());
    }
    if args.entries == 0 || args.entries > FORMER {
        return Err(format!("--entries must be between 1 and {FORMER}").into());
    }
    if args.aliases > args.entries * 8 {
        return Err("--aliases may be at most 8 per entry".into());
    }
    if args.listed > args.entries {
        return Err("--listed may not exceed --entries".into());
    }
    Ok(args)
}

/// The candidate aliases of entry `i` (registry name index `n`), most plausible first;
/// all distinct from each other and from every other entry's.
fn alias_candidates(n: usize, country: &str, rng: &mut Rng) -> Vec<String> {
    let core = registry_core_word(n);
    let sector = sector_word(n);
    let (place, place_form) = SUBSIDIARY_PLACES[n % SUBSIDIARY_PLACES.len()];
    let other_form = legal_form(n + 7);
    let former = format!("{} {}", registry_core_word(FORMER + n), sector);
    let mut v = vec![
        core.clone(),
        format!("{} {} {}", core, sector, other_form).to_uppercase(),
        format!("{core} {sector} {place} {place_form}"),
    ];
    // The fourth alias: the name in the local script where there is one, else a former name.
    match country {
        "CN" | "TW" => v.push(format!(
            "{}{}{}有限公司",
            CJK_PLACES[n % CJK_PLACES.len()],
            cjk_name(n),
            if rng.chance(0.5) { "科技" } else { "通信" }
        )),
        "RU" => v.push(format!("ООО {}", cyrillic(&core))),
        _ => v.push(former.clone()),
    }
    if matches!(country, "CN" | "TW" | "RU") {
        v.push(former);
    }
    v.push(format!("{core} Tech"));
    v.push(format!("{core} {sector} Holding"));
    v.push(format!("{core} {sector} Group {}", legal_form(n + 1)));
    v.push(format!("{core}-{}", sector.to_lowercase()));
    v
}

fn main() -> Res<()> {
    let args = parse_args()?;
    let mut rng = Rng::new(args.seed, 2);
    let country_total: u32 = COUNTRIES.iter().map(|(w, _)| w).sum();
    let mut out = String::with_capacity(args.entries * 600);
    out.push_str(
        "# Synthetic registry for the tvcheck benchmarks, generated by examples/gen_registry.rs.\n\
         # NOT real data: the companies, list and listings are invented.\n\n\
         compiled_on = 2026-01-01\n\n",
    );
    out.push_str(
        "[[list]]\n\
         id = \"bench-synthetic\"\n\
         title = \"Synthetic benchmark list (not a real designation)\"\n\
         jurisdiction = \"EU\"\n\
         authority = \"tvcheck benchmark generator\"\n\
         basis = \"None: generated test data\"\n\
         source = \"examples/gen_registry.rs\"\n\
         confidence = \"weak\"\n\n",
    );
    // Spread the aliases over the entries: every entry gets `base`, the first `extra` one more.
    let base = args.aliases / args.entries;
    let extra = args.aliases % args.entries;
    // Entries to list: every k-th, so they spread over the whole registry.
    let listed_every = args.entries.checked_div(args.listed).unwrap_or(usize::MAX);
    let mut listed = 0;
    for e in 0..args.entries {
        let n = e;
        let core = registry_core_word(n);
        let mut pick = rng.below(country_total as usize) as u32;
        let mut country = COUNTRIES[0].1;
        for (w, c) in COUNTRIES {
            if pick < *w {
                country = c;
                break;
            }
            pick -= w;
        }
        let name = format!("{core} {} {}", sector_word(n), legal_form(n));
        let want = base + usize::from(e < extra);
        let mut aliases = alias_candidates(n, country, &mut rng);
        aliases.truncate(want);
        let _ = writeln!(out, "[[vendor]]");
        let _ = writeln!(out, "id = \"bench-{}\"", slug(&core));
        let _ = writeln!(out, "name = {}", toml_str(&name));
        let _ = writeln!(out, "country = \"{country}\"");
        let list: Vec<String> = aliases.iter().map(|a| toml_str(a)).collect();
        let _ = writeln!(out, "aliases = [{}]", list.join(", "));
        if e % 5 == 0 {
            let prefix: String = core.to_uppercase().chars().take(3).collect();
            let letter = char::from(b'Q' + (e % 7) as u8);
            let mut pats = vec![format!("\"{prefix}{letter}-*\"")];
            if e % 10 == 0 {
                pats.push(format!("\"{prefix}{letter}?X*\""));
            }
            let _ = writeln!(out, "model_patterns = [{}]", pats.join(", "));
        }
        if e % 10 == 3 && e > 10 {
            // A parent among the earlier entries (no cycles).
            let p = rng.below(e);
            let _ = writeln!(out, "parent = \"bench-{}\"", slug(&registry_core_word(p)));
        }
        let _ = writeln!(out, "confidence = \"weak\"");
        let _ = writeln!(out, "sources = [\"synthetic (examples/gen_registry.rs)\"]");
        if listed < args.listed && e % listed_every == 0 {
            listed += 1;
            let _ = writeln!(out, "\n  [[vendor.listing]]");
            let _ = writeln!(out, "  list = \"bench-synthetic\"");
            let _ = writeln!(out, "  basis = \"synthetic listing\"");
            let _ = writeln!(out, "  source = \"examples/gen_registry.rs\"");
            let _ = writeln!(
                out,
                "  listed_on = {}-{:02}-{:02}",
                2019 + rng.below(6),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            let _ = writeln!(out, "  scope = \"all\"");
        }
        out.push('\n');
    }
    if args.out == "-" {
        std::io::stdout().lock().write_all(out.as_bytes())?;
    } else {
        let mut w =
            BufWriter::new(File::create(&args.out).map_err(|e| format!("{}: {e}", args.out))?);
        w.write_all(out.as_bytes())?;
        w.flush()?;
    }
    Ok(())
}
