//! Matching throughput: distinct vendor names matched per second, with the shipped registry or
//! with a large generated one (issue: 5,000 entries and 20,000 aliases).
//!
//! ```sh
//! cargo run --release --example gen_registry -- --entries 5000 --aliases 20000 --seed 42 --out target/bench/big.toml
//! cargo run --release --example match_throughput -- --names 50000
//! cargo run --release --example match_throughput -- --names 50000 --registry target/bench/big.toml
//! ```
//!
//! The names are the 716 real-world strings of `tests/data/matching-eval.csv` plus synthetic
//! company names (deterministic), each matched once, without the per-string cache a check uses.

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use tvcheck::matcher::Matcher;
use tvcheck::registry::import::{merge_and_validate, read_import_file};
use tvcheck::Registry;

fn main() -> Result<(), Box<dyn Error>> {
    let mut names_wanted = 50_000usize;
    let mut registry_file: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--names" => names_wanted = args.next().ok_or("--names needs a number")?.parse()?,
            "--registry" => {
                registry_file = Some(args.next().ok_or("--registry needs a file")?.into())
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let embedded = Registry::embedded()?;
    let data = match &registry_file {
        Some(f) => merge_and_validate(&embedded.data, &[read_import_file(f)?])?,
        None => embedded.data.clone(),
    };
    let aliases: usize = data.vendors.iter().map(|v| v.aliases.len()).sum();
    let t0 = Instant::now();
    let matcher = Matcher::new(&data)?;
    let index_ms = t0.elapsed().as_secs_f64() * 1000.0;

    let mut names: Vec<String> = Vec::with_capacity(names_wanted);
    let eval = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/matching-eval.csv"
    ))?;
    let mut rdr = csv::Reader::from_reader(eval.as_bytes());
    for r in rdr.records() {
        names.push(r?[0].to_string());
    }
    let syll = [
        "ka", "lo", "vet", "mir", "tron", "zen", "pa", "rix", "nor", "sel", "qui", "dex", "ul",
        "bra", "fen",
    ];
    let tails = [
        "Technologies Co., Ltd.",
        "Networks GmbH",
        "Systems Inc.",
        "Electronics Ltd",
        "Communications AB",
        "Digital Oy",
        "Group S.A.",
    ];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while names.len() < names_wanted {
        let mut word = String::new();
        for _ in 0..3 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            word.push_str(syll[(x % syll.len() as u64) as usize]);
        }
        let tail = tails[((x >> 8) % tails.len() as u64) as usize];
        names.push(format!("{word} {tail}"));
    }
    names.truncate(names_wanted);

    let t1 = Instant::now();
    let mut identified = 0usize;
    for n in &names {
        if matcher.match_item(n, None).is_identified() {
            identified += 1;
        }
    }
    let secs = t1.elapsed().as_secs_f64();
    println!(
        "registry: {} entries, {aliases} aliases ({}); index built in {index_ms:.1} ms",
        data.vendors.len(),
        registry_file
            .as_ref()
            .map_or("shipped".to_string(), |f| f.display().to_string())
    );
    println!(
        "matched {} distinct names in {:.3} s: {:.0} names/s ({identified} identified)",
        names.len(),
        secs,
        names.len() as f64 / secs
    );
    Ok(())
}
